import numpy as np

name = "correlation"
prefix_consistent = True


def prune(features, y, n, seed, weights):
    """Keep the neurons whose feature Phi_r points most along y (the n best, best first)."""
    N, m, C = features.shape
    phi = features.reshape(N, -1)
    score = phi @ y.reshape(-1) / (np.linalg.norm(phi, axis=1) + 1e-12)
    selection = np.resize(np.argsort(-score, kind="stable"), n)  # cycles when n > N
    k = np.arange(1, n + 1)[:, None, None]
    f = np.cumsum(features[selection], axis=0) / k  # f_{S_k} after each pick
    return selection, ((f - y) ** 2).sum(axis=(1, 2)) / (2 * m)
