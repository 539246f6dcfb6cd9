"""Greedy forward selection in NumPy (Ye et al. 2020), as pruneproof's built-in 'greedy' runs it.

    S_0 = {},  S_{k+1} = S_k + {argmin_r ||(k f_{S_k} + Phi_r)/(k+1) - y||^2}   (repeats allowed, ties to the lowest r)

Check it with:  pruneproof check-pruner examples/pruners/greedy_pruner.py --quick
"""
import numpy as np

name = "numpy-greedy"
prefix_consistent = True  # the picks for n are the first n picks for any larger n


def prune(features, y, n, seed, weights):
    N = features.shape[0]
    phi = features.reshape(N, -1)  # row r: Phi_r flattened over (m, C)
    target = y.reshape(-1)
    gram = phi @ phi.T  # <Phi_r, Phi_s>
    projections = phi @ target  # <Phi_r, y>
    column_sums = np.zeros(N)  # sum over picks q of <Phi_r, Phi_q>
    total = np.zeros_like(target)  # s_k = sum of the picked Phi_q
    selection, loss_per_step = [], []
    for k in range(n):
        # (k+1)^2 ||f_{S_k + r} - y||^2 = score_r + a term that does not depend on r
        scores = np.diag(gram) + 2 * (column_sums - (k + 1) * projections)
        r = int(np.argmin(scores))  # the first minimum: ties go to the lowest index
        selection.append(r)
        column_sums += gram[:, r]
        total += phi[r]
        loss_per_step.append(float(np.sum((total / (k + 1) - target) ** 2) / (2 * y.shape[0])))
    return selection, loss_per_step
