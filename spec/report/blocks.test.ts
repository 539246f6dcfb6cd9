import {
  anchorOf,
  data,
  inlineMarkdown,
  plainText,
  renderBlocksMarkdown,
  strong,
  type Block,
} from '../../src/report/blocks';

describe('report blocks', () => {
  it('anchorOf keeps letters, digits and - _ . and turns every other run into one dash', () => {
    expect(anchorOf('INV-B2')).toBe('INV-B2');
    expect(anchorOf('t_crit(n=200)')).toBe('t_crit-n-200');
    expect(anchorOf('<"x">')).toBe('x');
    expect(anchorOf('')).toBe('section');
  });

  it('markdown escapes data but prints pruneproof’s own text as it is; plain text drops the markup', () => {
    const text = ['t_in ', data('a_b*c'), ' ', strong({ verdict: 'FAIL' }), ' ', { anchor: 'INV-B2', text: 'B2' }];
    expect(inlineMarkdown(text)).toBe('t_in a\\_b\\*c ****FAIL**** [B2](report.html#INV-B2)');
    expect(plainText(text)).toBe('t_in a_b*c FAIL B2');
    expect(inlineMarkdown({ verdict: 'PASS' })).toBe('PASS');
    expect(inlineMarkdown({ verdict: 'PASS' }, 'all')).toBe('**PASS**');
  });

  it('renders blocks one blank line apart; details print their summary, then their blocks', () => {
    const blocks: Block[] = [
      { kind: 'heading', level: 2, text: 'S', anchor: 's' },
      { kind: 'details', summary: 'Rows: 1', blocks: [{ kind: 'table', header: ['a'], rows: [[data('x|y')]] }] },
    ];
    expect(renderBlocksMarkdown(blocks)).toBe('## S\n\nRows: 1\n\n| a |\n| --- |\n| x\\|y |\n');
  });
});
