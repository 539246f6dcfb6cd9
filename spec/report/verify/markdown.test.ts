import { esc } from '../../../src/report/format';
import { SECTION_HEADINGS, renderMarkdown } from '../../../src/report/verify/markdown';
import { scalingSectionMarkdown } from '../../../src/report/scaling/section';
import { buildReportFixture, FITTED_SCALING_OPTIONS } from '../fixture';

/** Table rows of the first table after a heading line. */
function tableAfter(md: string, heading: string): string[] {
  const lines = md.split('\n');
  const start = lines.indexOf(heading);
  expect(start).toBeGreaterThanOrEqual(0);
  const rows: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('|')) rows.push(line);
    else if (rows.length > 0) break;
  }
  return rows;
}

/** Cell count of a table row, ignoring escaped pipes. */
function cellCount(row: string): number {
  return row.replace(/\\\|/g, '').split('|').length - 2;
}

describe('renderMarkdown', () => {
  const doc = buildReportFixture();
  const md = renderMarkdown(doc);

  it('starts with the run id title and puts the summary verdict table first', () => {
    const lines = md.split('\n');
    expect(lines[0]).toBe(`# pruneproof conformance report: ${doc.runId}, subject greedy`);
    expect(md).toMatch(/^Subject: \*\*greedy\*\* \(every pruner-facing check and t_crit speak about it\)/m);
    const firstHeading = lines.find((l) => l.startsWith('## '));
    expect(firstHeading).toBe('## Summary');
    const firstTableLine = lines.find((l) => l.startsWith('|'));
    expect(firstTableLine).toBe('| check | kind | verdict | detail |');
    const rows = tableAfter(md, '## Summary');
    expect(rows).toHaveLength(2 + doc.summary.length);
    expect(rows.join('\n')).toContain('| claim | **FAIL** |');
  });

  it('has every section heading, once, in report order', () => {
    const positions = SECTION_HEADINGS.map((h) => md.split('\n').indexOf(`## ${h}`));
    for (const [i, p] of positions.entries())
      expect({ heading: SECTION_HEADINGS[i], found: p >= 0 }).toEqual({ heading: SECTION_HEADINGS[i], found: true });
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    for (const h of SECTION_HEADINGS) expect(md.split('\n').filter((l) => l === `## ${h}`)).toHaveLength(1);
  });

  it('says how to replay: command, seeds, backend, package versions and commit', () => {
    expect(md).toContain(['```sh', doc.command, '```'].join('\n'));
    expect(md).toContain('- seeds: 1, 2');
    expect(md).toContain("tfjs 4.22.0 on backend 'wasm'");
    expect(md).toContain('| vega-lite | 6.4.3 |');
    expect(md).toContain(`\`${doc.environment.commit}\``);
    const outside = renderMarkdown({ ...doc, environment: { ...doc.environment, commit: null } });
    expect(outside).toContain('- commit: not a git checkout');
  });

  it("states the wall time with the scaling analysis's share (none in a report that predates it)", () => {
    expect(md).toContain('wall time 12.5 s (of it the scaling analysis 2.5 s), ');
    const { analysisSeconds: _, ...older } = doc;
    expect(renderMarkdown(older)).toMatch(/wall time 12\.5 s, \d+ runs?/);
  });

  it('shows the configuration with its rationale', () => {
    const rows = tableAfter(md, '## Configuration');
    expect(rows).toContain('| step size η | 0.5 |');
    expect(rows).toContain('| m grid | 16, 32 |');
    expect(rows).toContain('| theory overrides | delta = 0.1 |');
    expect(md).toContain('- m grid kept tiny so the fixture renders fast');
  });

  it('tabulates hypotheses m × id and gives the numbers behind each verdict', () => {
    expect(md).toContain(
      '| m | H1 | H2 | H3 | H4 | H5 |\n| --- | --- | --- | --- | --- | --- |\n| 16 | holds | holds | holds | **fails** (2/2) | **fails** (2/2) |',
    );
    expect(md).toMatch(/- m = 32, H4: seed 1: fails, N = 64 &lt; [0-9.e+]+ \(short by a factor/);
  });

  it('links every applicable plot by relative path, and only those', () => {
    for (const file of ['loss-vs-t.svg', 'critical-times.svg', 'dense-residual.svg', 'pruners.svg'])
      expect(md).toContain(`](${file})`);
    expect(md).not.toContain('](accuracy-vs-t.svg)');
    expect(renderMarkdown(buildReportFixture({ classification: true }))).toContain('](accuracy-vs-t.svg)');
  });

  it('writes each bound as a $$ LaTeX block under its source label', () => {
    for (const e of doc.expressions) expect(md).toContain(`$$\n${e.latex}\n$$`);
    for (const label of ['### [Du19]', '### [FW]', '### [R]']) expect(md).toContain(label);
    expect(md).toContain('**overridden from the config file**');
    expect(md).toContain(`$$\n${doc.derivation[0].latex}\n$$`);
  });

  it('has one per-checkpoint row per t for each m, with the greedy loss at every n', () => {
    const lines = md.split('\n');
    const m32 = lines.indexOf('### m = 32');
    const rows = tableAfter(md, lines[m32 + 2]);
    expect(lines[m32 + 2]).toMatch(/^seeds 1, 2 \(table: mean over seeds\) · η_A \(effective\) = 0\.5 · λ0 = /);
    expect(rows[0]).toContain('greedy L (n=2) | greedy L (n=8) | greedy L (n=32)');
    expect(rows).toHaveLength(2 + 4);
    const r100 = rows[5].split('|').map((c) => c.trim());
    expect(r100[1]).toBe('100');
    const mean = (doc.runs[2].checkpoints[3].residual + doc.runs[3].checkpoints[3].residual) / 2;
    expect(r100[2]).toBe(String(Number(mean.toPrecision(3))));
    expect(r100[10]).toBe('2/2');
  });

  it('lists critical times per run as intervals [lo, t] (> T when censored), with t_dense, T* and the refinement cost', () => {
    const rows = tableAfter(md, '## Critical times');
    expect(rows[0]).toContain(
      '| m | seed | ε | t_in | t_dense | t_crit (n=2) | t_crit (n=8) | t_crit (n=32) | t_crit/t_dense (n=32) |',
    );
    expect(rows).toHaveLength(2 + doc.runs.length);
    // m = 16, seed 1: t_in and t_crit(32) refined by bisection, t_dense exact, n = 2 and 8 censored at T = 100.
    expect(rows[2]).toMatch(
      new RegExp(
        String.raw`^\| 16 \| 1 \| 0\.03 \| \[63, 65\] \| 75 \| > 100 \| > 100 \| \[88, 90\] \| 1\.2 \| ` +
          String.raw`64\.1 \| 64\.1 \| 1\.01 \| [0-9.]+e4 \| 154 \(23\.3 %\) \|$`,
      ),
    );
    const bracket = structuredClone(doc);
    bracket.runs[0].critical.tIn = { t: 100, lo: 21, censoredAt: null, method: 'checkpoint bracket', replayedSteps: 0 };
    const bracketRow = tableAfter(renderMarkdown(bracket), '## Critical times')[2];
    expect(bracketRow).toMatch(/^\| 16 \| 1 \| 0\.03 \| \[21, 100\] ‡ \|/);
  });

  it('compares pruners with mean ± std over seeds and measured sizes', () => {
    const rows = tableAfter(md, '## Pruner comparison');
    expect(rows).toHaveLength(2 + 2 * 3);
    expect(rows[2]).toMatch(/^\| 16 \| greedy \| [0-9.e-]+ ± [0-9.e-]+ \|/);
    expect(rows[2]).toContain('| 24 / 32 |');
  });

  it('reports each scaling analysis under Scaling fits: verdict, reason, counts, skipped laws', () => {
    const section = md.slice(md.indexOf('## Scaling fits'), md.indexOf('## Sensitivity to the target'));
    for (const s of doc.scaling) expect(section).toContain(scalingSectionMarkdown(s).trimEnd());
    expect(section).toContain(`#### ${esc('t_crit(n=32)')}: undetermined`);
    expect(section).toContain('Best described by: **inconclusive**. only 2 distinct m with a measured time');
    expect(section).toContain('4 runs over 2 values of m: 0 exact, 4 known within an interval, 0 censored');
    expect(section).toContain('Not fitted: log (AICc needs more than 4 observations)');
  });

  it('reports every fitted law with its parameters and the calibration when the analysis has them', () => {
    const fitted = buildReportFixture(FITTED_SCALING_OPTIONS);
    const text = renderMarkdown(fitted);
    const section = text.slice(text.indexOf('## Scaling fits'), text.indexOf('## Sensitivity to the target'));
    expect(fitted.scaling.every((s) => s.fits.length === 4 && s.calibration !== null)).toBe(true);
    for (const s of fitted.scaling) {
      expect(section).toContain(scalingSectionMarkdown(s).trimEnd());
      for (const f of s.fits) expect(section).toContain(`| ${esc(f.formula)} |`);
    }
    expect(section).toMatch(/\| true law \| logarithmic scaling \| power law \| saturating law \| inconclusive \|/);
  });

  it('shows each failing claim’s counterexample (m, seed, where) with the violated premises', () => {
    const claim = md.split('\n').find((l) => l.startsWith('#### CLAIM-B3-loss: '))!;
    expect(tableAfter(md, claim).join('\n')).toContain(
      '| 32 | 2 | 100 | 32 | at t = 100, n = 32: loss 0.052 > B2′ 0.041 |',
    );
    expect(md).toContain('Counterexamples: 1');
    const passing = structuredClone(doc);
    for (const r of passing.runs)
      for (const c of r.checks) if (c.kind === 'claim') [c.verdict, c.failures] = ['PASS', []];
    expect(renderMarkdown(passing)).toContain('No claim failed in any run.');
  });

  it('lists invariant failures with m, seed, t and n, and counts vacuous comparisons apart', () => {
    const broken = structuredClone(doc);
    broken.runs[3].checks[0].failures.push({ t: 20, n: 8, detail: 'loss 0.5 > bound 0.4' });
    const text = renderMarkdown(broken);
    const check = text.split('\n').find((l) => l.startsWith('#### INV-B2: '))!;
    expect(tableAfter(text, check).join('\n')).toContain('| 32 | 2 | 20 | 8 | loss 0.5 > bound 0.4 |');
    expect(text).toContain('Failures: 1');
    expect(md).toContain('No invariant failed in any run.');
    expect(md).toContain('decided / could not fail / undecided');
  });

  it('keeps tables intact when data strings contain pipes, newlines or markdown characters', () => {
    const odd = structuredClone(doc);
    odd.summary[0].detail = 'a | b\nc *d* `e`';
    const row = tableAfter(renderMarkdown(odd), '## Summary')[2];
    expect(cellCount(row)).toBe(4);
    expect(row).toContain('a \\| b c \\*d\\* \\`e\\`');
  });

  it('never prints NaN, undefined or [object Object], and is deterministic', () => {
    for (const text of [md, renderMarkdown(buildReportFixture({ classification: true }))]) {
      expect(text).not.toMatch(/NaN|undefined|\[object Object\]/);
    }
    expect(renderMarkdown(structuredClone(doc))).toBe(md);
  });

  it('stays compact for 5 m × 3 seeds × 12 checkpoints: first-seed details, one table row per checkpoint', () => {
    const times = [0, 1, 2, 4, 7, 12, 20, 35, 60, 100, 170, 300];
    const big = buildReportFixture({ ms: [16, 32, 64, 128, 256], seeds: [1, 2, 3], times });
    const text = renderMarkdown(big);
    expect(text).toContain('(first seed of each m shown; every seed is in report.json)');
    expect(text.match(/^### m = /gm)).toHaveLength(5);
    const header = text.split('\n').filter((l) => l.startsWith('| t | R(t) |'));
    expect(header).toHaveLength(5);
    expect(tableAfter(text, '## Critical times')).toHaveLength(2 + 15);
    expect(text.length).toBeLessThan(60_000);
  });
});

describe('renderMarkdown: findings in plain words', () => {
  const plain = (d: ReturnType<typeof buildReportFixture>) => {
    const md = renderMarkdown(d);
    return md.slice(0, md.indexOf('## Summary'));
  };
  const censor = (c: { t: number | null; lo: number | null; censoredAt: number | null; method: string }, T: number) =>
    Object.assign(c, { t: null, lo: null, censoredAt: T, method: 'censored' });

  it('says nothing about a size whose target some run reached', () => {
    const doc = buildReportFixture({ classification: true });
    const reached = doc.config.subnetworkSizes.filter((n) =>
      doc.runs.some((r) => r.critical.tCrit.find((c) => c.n === n)?.t != null),
    );
    expect(reached.length).toBeGreaterThan(0);
    for (const n of reached)
      expect(plain(doc)).not.toContain(`Greedy's ${n}-neuron subnetwork reached the loss target`);
  });

  it('states a subnetwork target reached in no run as a finding, with how often the dense network reached it', () => {
    const doc = buildReportFixture({ classification: true });
    doc.config.parameterisation = 'meanfield';
    const n = Math.max(...doc.config.subnetworkSizes);
    for (const r of doc.runs)
      censor(
        r.critical.tCrit.find((c) => c.n === n)!,
        doc.config.iterations,
      );
    const denseReached = doc.runs.filter((r) => r.critical.tDense.t !== null).length;
    const text = plain(doc);
    expect(text).toContain('**In plain words**');
    expect(text).toContain(
      `Greedy's ${n}-neuron subnetwork reached the loss target in none of the ${doc.runs.length} runs`,
    );
    expect(text).toContain(`the dense network reached the same target in ${denseReached} of them`);
    expect(text).not.toContain(`Greedy's ${n}-neuron subnetwork reached the accuracy target in none`);
    expect(text).not.toContain('N/n');
    doc.config.parameterisation = 'ntk';
    expect(plain(doc)).toContain('error of order N/n');
  });
});
