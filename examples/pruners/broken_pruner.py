"""A deliberately broken Python pruner, to show what `pruneproof check-pruner` catches.

It keeps the n neurons of largest magnitude |v_r| * ||w_r|| and reports, after each pick, the mean squared
error ||f_S - y||^2 / m instead of the loss ||f_S - y||^2 / (2m) the interface asks for: the forgotten 1/2.
Its picks are valid, it is deterministic and leaves its input alone, so the only contract it breaks is
CONTRACT-reported-losses, and the report shows the smallest case that exposes it:

    pruneproof check-pruner examples/pruners/broken_pruner.py --quick   # exits 1
"""
import numpy as np

name = "broken-mse"


def prune(features, y, n, seed, weights):
    output_weights = weights["a"] if "a" in weights else weights["b"]
    magnitude = np.linalg.norm(weights["W"], axis=1) * np.linalg.norm(output_weights, axis=1)
    order = np.argsort(-magnitude, kind="stable")
    selection = [int(order[k % len(order)]) for k in range(n)]
    total = np.zeros_like(y)
    loss_per_step = []
    for k, r in enumerate(selection):
        total += features[r]
        loss_per_step.append(float(np.sum((total / (k + 1) - y) ** 2) / y.shape[0]))  # BUG: should be / (2 * m)
    return selection, loss_per_step
