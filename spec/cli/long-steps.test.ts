/** `kernel` and `prune` announce steps that take more than a few seconds, and say when they are done. */
import { announceLongStepAsync, kernelIsSlow, pruneIsSlow } from '../../src/cli/long-steps';

describe('long steps of kernel and prune', () => {
  it('the eigen-decomposition is slow from m ≈ 700 (m³ growth); greedy when n·m·N is large', () => {
    expect(kernelIsSlow(100)).toBe(false);
    expect(kernelIsSlow(2000)).toBe(true);
    expect(pruneIsSlow(10, 100, 100)).toBe(false);
    expect(pruneIsSlow(200, 10000, 1000)).toBe(true);
  });

  it('a slow step prints a line before it starts, heartbeats while it yields, and its duration at the end', async () => {
    jest.useFakeTimers({ doNotFake: ['performance'] });
    const lines: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((s) => (lines.push(String(s)), true));
    try {
      let finish: (v: number) => void = () => undefined;
      const step = announceLongStepAsync('prune: greedy', true, () => new Promise<number>((r) => (finish = r)));
      jest.advanceTimersByTime(11_000);
      finish(7);
      expect(await step).toBe(7);
    } finally {
      spy.mockRestore();
      jest.useRealTimers();
    }
    expect(lines[0]).toBe('pruneproof prune: greedy — this may take a while ...\n');
    expect(lines.filter((l) => l.includes('still running'))).toHaveLength(2);
    expect(lines[lines.length - 1]).toMatch(/^pruneproof prune: greedy: done in [\d.]+ s\n$/);
  });

  it('a fast step prints nothing', async () => {
    const spy = jest.spyOn(process.stderr, 'write');
    expect(await announceLongStepAsync('x', false, () => 1)).toBe(1);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });
});
