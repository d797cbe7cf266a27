"""Baskets: the block-tridiagonal solve's O(N m^3) cost against a dense solve of the stacked
system, and the modes' closed form against the block solve (medians of repeats, as ratios).

    PYTHONPATH=. python benchmarks/basket.py

Nothing here asserts on time; the machine is shared, so the ratios are what to read.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np
from _timing import median_seconds

from acsym.models.basket import _block_solve, generate_basket_trajectory


def _basket(size: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    raw = rng.normal(size=(size, size))
    covariance = raw @ raw.T / size + np.eye(size) * 0.1
    impact = np.diag(rng.uniform(1e-6, 1e-5, size))
    orders = rng.uniform(1e5, 1e6, size)
    return orders, covariance, impact


def _dense(
    orders: np.ndarray, steps: int, covariance: np.ndarray, h_tilde: np.ndarray, lam: float
) -> np.ndarray:
    n = steps - 1
    block = 2 * h_tilde + lam * covariance
    system = np.kron(np.eye(n), block) - np.kron(np.eye(n, k=1) + np.eye(n, k=-1), h_tilde)
    rhs = np.zeros(n * orders.size)
    rhs[: orders.size] = h_tilde @ orders
    return np.linalg.solve(system, rhs)


def _row(size: int, steps: int, lam: float) -> str:
    orders, covariance, impact = _basket(size)
    block = median_seconds(partial(_block_solve, orders, steps, covariance, impact, lam, 1.0))
    diagonal = np.diag(impact)
    modes = median_seconds(
        partial(generate_basket_trajectory, orders, steps, covariance, diagonal, None, lam, 1.0)
    )
    dense = math.nan
    if (steps - 1) * size <= 5000:
        dense = median_seconds(partial(_dense, orders, steps, covariance, impact, lam), repeats=3)
    cells = (
        f"{block * 1e3:>11.2f}",
        f"{dense / block:>14.1f}",
        f"{modes * 1e3:>11.2f}",
        f"{block / modes:>14.1f}",
    )
    return f"{size:>4} {steps:>6} " + " ".join(cells)


def main() -> None:
    print(
        f"{'m':>4} {'N':>6} {'block [ms]':>11} {'dense / block':>14} {'modes [ms]':>11} {'block / modes':>14}"
    )
    for size, steps in ((2, 100), (10, 100), (10, 400), (50, 100), (50, 400)):
        print(_row(size, steps, 1e-6))


if __name__ == "__main__":
    main()
