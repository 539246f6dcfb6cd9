"""NTK GD step (m, d, N = 1000, 784, 1000; C from argv) in NumPy: the native peer for `npm run bench`.
Prints the median wall ms over 9 steps, then the CPU ms per step (process time; the load-robust figure
with OPENBLAS_NUM_THREADS=1). Run with OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset (bench/engine.ts does)."""
import sys, time, numpy as np
m, d, N, C = 1000, 784, 1000, int(sys.argv[1]) if len(sys.argv) > 1 else 1
rng = np.random.default_rng(1); X = rng.standard_normal((m, d), np.float32) / 28; Y = rng.standard_normal((m, C), np.float32)
W = rng.standard_normal((N, d), np.float32); a = np.sign(rng.standard_normal((N, C))).astype(np.float32); c, eta = np.float32(N ** -0.5), np.float32(1e-3)
def step(W):
    Z = X @ W.T; E = c * (np.maximum(Z, 0) @ a) - Y; R = float((E * E).sum())
    return W - ((eta * c * E) @ a.T * (Z > 0)).T @ X, R
times = []; W, R = step(W); c0 = time.process_time()
for _ in range(9): t0 = time.perf_counter(); W, R = step(W); times.append((time.perf_counter() - t0) * 1e3)
print(f"{np.median(times):.2f} {(time.process_time() - c0) * 1e3 / 9:.2f}")
