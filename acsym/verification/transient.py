"""Verification of the transient-impact model (Obizhaeva-Wang, exponential kernel).

Every generated ``transient_*`` function against its textbook form in mpmath (a = exp(-rho tau)
where the printed form has -expm1(-rho tau)), and the general-kernel solver
(:func:`acsym.models.transient.generate_transient_trades` with a kernel callable) against the
Lagrange solution X K^-1 1 / (1' K^-1 1) solved in mpmath at 40 digits, errors in units of X.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from acsym import formulas
from acsym.verify import BOUND, GENERATED, Row, Settings, compute_row, mp_converged, mp_reference

#: the general-kernel solve is a float Cholesky solve; held to this in units of X
SOLVE_BOUND = 1e-12


def _log_uniform(rng: np.random.Generator, low: float, high: float, size: int) -> Any:
    return np.exp(rng.uniform(np.log(low), np.log(high), size))


def compute_generated_rows(size: int, seed: int) -> list[Row]:
    rng = np.random.default_rng(seed + 18)
    order = _log_uniform(rng, 1.0, 1e9, size)
    steps = np.floor(_log_uniform(rng, 1.0, 1e5, size))
    tau = _log_uniform(rng, 1e-4, 1e2, size)
    rho = _log_uniform(rng, 1e-8, 1e3, size)
    horizon = steps * tau
    impact = _log_uniform(rng, 1e-10, 1e-2, size)
    time = rng.uniform(0, 1, size) * horizon
    other = rng.uniform(0, 1, size) * horizon
    points = {
        "transient_kernel": (time, other, impact, rho),
        "transient_block": (order, steps, rho, tau),
        "transient_interior_trade": (order, steps, rho, tau),
        "transient_optimal_cost": (order, steps, impact, rho, tau),
        "transient_continuous_block": (order, horizon, rho),
        "transient_continuous_rate": (order, horizon, rho),
        "transient_continuous_cost": (order, horizon, impact, rho),
    }
    rows = []
    for name, columns in points.items():
        values = np.asarray(getattr(formulas, name)(*columns), dtype=np.float64).tolist()
        rows_of_points = list(zip(*(c.tolist() for c in columns), strict=True))
        reference = mp_reference(name)
        exact = [mp_converged(reference, p) for p in rows_of_points]
        rows.append(
            compute_row(name, "generated", "mpmath", GENERATED[name], rows_of_points, values, exact, BOUND)
        )
    return rows


def compute_solver_row(seed: int, cases: int) -> Row:
    """The general-kernel solver (a power-law kernel (1 + lag)^-beta) against mpmath."""
    import mpmath

    from acsym.models.transient import generate_transient_trades

    rng = np.random.default_rng(seed + 19)
    points, values, exact = [], [], []
    for _ in range(cases):
        steps = int(rng.integers(1, 30))
        beta = float(rng.uniform(0.2, 2.0))
        tau = float(10 ** rng.uniform(-1, 1))  # K stays well conditioned (cond < 1e3)

        def kernel(lag: Any, b: float = beta) -> Any:
            return (1 + lag) ** -b

        trades = generate_transient_trades(1.0, steps, 1.0, tau=tau, kernel=kernel)
        with mpmath.workdps(40):
            size = steps + 1
            matrix = mpmath.matrix(size, size)
            for i in range(size):
                for j in range(size):
                    matrix[i, j] = (1 + abs(i - j) * mpmath.mpf(tau)) ** -mpmath.mpf(beta)
            weights = mpmath.lu_solve(matrix, mpmath.matrix([1] * size))
            total = sum(weights)
            for i in range(size):
                points.append((float(steps), beta, tau, float(i)))
                values.append(float(trades[i]))
                exact.append(weights[i] / total)
    return compute_row(
        "transient trades (kernel solve)",
        "runtime",
        "mpmath Lagrange solve",
        ("steps", "beta", "tau", "k"),
        points,
        values,
        exact,
        SOLVE_BOUND,
    )


def rows(settings: Settings) -> list[Row]:
    """The transient-impact rows of ``acsym verify``."""
    size = 40 if settings.quick else 400
    return [
        *compute_generated_rows(size, settings.seed),
        compute_solver_row(settings.seed, 4 if settings.quick else 20),
    ]
