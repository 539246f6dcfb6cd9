import { initBackend, describeBackend, parseBackendName } from '../../src/backend';
import { tf } from '../../src/backend/tf';

describe('backend selection', () => {
  it('falls back past tfjs-node when it is not installed and reports the backend that ran', async () => {
    const info = await initBackend();
    expect(['tensorflow', 'wasm', 'cpu']).toContain(info.name);
    expect(tf.getBackend()).toBe(info.name);
    expect(describeBackend(info)).toContain(info.name);
    const sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).arraySync());
    expect(sum).toEqual([4, 6]);
  });

  it('rejects an unknown backend name, naming the source', () => {
    expect(() => parseBackendName('gpu', 'PRUNEPROOF_BACKEND')).toThrow(/PRUNEPROOF_BACKEND: unknown backend 'gpu'/);
  });
});
