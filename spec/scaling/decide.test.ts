/** The decision needs the AICc margin AND the held-out prediction at the largest m to agree. */
import { AICC_MARGIN, decideFrom, type FittedModel } from '../../src/scaling/decide';
import { modelSpec } from '../../src/scaling/models';
import type { ScalingModel } from '../../src/scaling/types';

function fitted(model: ScalingModel, aicc: number, heldOutError: number, censored = 0): FittedModel {
  return {
    spec: modelSpec(model),
    fit: { vector: [], params: {}, sigma: 1, logLikelihood: 0 },
    k: 3,
    aicc,
    heldOut: { m: 1000, count: 4, prediction: 0, error: heldOutError, censored },
  };
}

describe('decideFrom', () => {
  it('a held-out set whose runs are all censored is uninformative: a 0 vs 0 tie there is no agreement', () => {
    const d = decideFrom([fitted('log', 10, 0, 4), fitted('power', 10 + AICC_MARGIN + 1, 0, 4)]);
    expect(d.verdict).toBe('inconclusive');
    expect(d.reason).toMatch(/held-out comparison is uninformative: all 4 runs at m = 1000 are censored/);
    // The same tie with one measured held-out run is a comparison (the check can pass).
    expect(decideFrom([fitted('log', 10, 0, 3), fitted('power', 10 + AICC_MARGIN + 1, 0, 3)]).verdict).toBe(
      'consistent with logarithmic scaling',
    );
  });

  it('log wins on AICc by more than the margin and on held-out: consistent with logarithmic scaling', () => {
    const d = decideFrom([fitted('log', 10, 1), fitted('power', 10 + AICC_MARGIN + 1, 3)]);
    expect(d.verdict).toBe('consistent with logarithmic scaling');
  });

  it('the held-out rule flips the same AICc verdict to inconclusive when a rival predicts the largest m better', () => {
    // Same AICc values as above; only the held-out errors differ (tie width σ/√4 = 0.5).
    const d = decideFrom([fitted('log', 10, 3), fitted('power', 10 + AICC_MARGIN + 1, 1)]);
    expect(d.verdict).toBe('inconclusive');
    expect(d.reason).toMatch(/AICc and held-out prediction disagree/);
    expect(d.aiccBest).toBe('log');
    expect(d.heldOutBest).toBe('power');
  });

  it('a held-out difference within the standard error of the held-out mean is a tie, not a disagreement', () => {
    const d = decideFrom([fitted('log', 10, 1.4), fitted('power', 10 + AICC_MARGIN + 1, 1)]);
    expect(d.verdict).toBe('consistent with logarithmic scaling');
  });

  it('an AICc margin below 2 is inconclusive whatever the held-out says', () => {
    const d = decideFrom([fitted('saturating', 10, 0), fitted('log', 11.5, 5)]);
    expect(d.verdict).toBe('inconclusive');
    expect(d.reason).toMatch(/AICc within 2/);
  });

  it('offset power counts as a power law; the rival is the best model of another class', () => {
    const d = decideFrom([fitted('offset-power', 0, 1), fitted('power', 1, 1), fitted('log', 5, 2)]);
    expect(d.verdict).toBe('better explained by a power law');
    expect(d.aiccMargin).toBe(5);
  });

  it('a saturating law that wins both signals is named', () => {
    const d = decideFrom([fitted('saturating', 0, 1), fitted('log', 6, 2), fitted('offset-power', 7, 3)]);
    expect(d.verdict).toBe('better explained by a saturating law');
  });
});
