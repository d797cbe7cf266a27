"""Verification of the basket: the generated block against mpmath, and the schedules (modes and
the block solve) against the whole quadratic program solved densely in mpmath.

The dense solve stacks the first-order conditions of all N - 1 interior holding vectors into one
(N - 1) m linear system (``mpmath.lu_solve`` at DIGITS + GUARD_DIGITS digits): it shares neither
the eigendecomposition nor the block elimination with the runtime.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from acsym import formulas
from acsym.verify import (
    BOUND,
    DIGITS,
    GUARD_DIGITS,
    BadPoint,
    Row,
    Settings,
    compute_row,
    floating_point_flags,
    mp_converged,
    mp_reference,
)


def mp_basket_holdings(
    orders: Any, steps: int, covariance: Any, h_tilde: Any, risk_aversion: float, tau: float
) -> list[list[Any]]:
    """Holdings x_0..x_N minimising E + lambda Var for a basket, by one dense mpmath solve of
    D x_j - H_tilde (x_{j-1} + x_{j+1}) = 0 (D = 2 H_tilde + lambda tau^2 C), x_0 = X, x_N = 0."""
    import mpmath

    size = len(orders)
    with mpmath.workdps(DIGITS + GUARD_DIGITS):
        h = mpmath.matrix([[mpmath.mpf(float(v)) for v in row] for row in h_tilde])
        c = mpmath.matrix([[mpmath.mpf(float(v)) for v in row] for row in covariance])
        block = 2 * h + mpmath.mpf(risk_aversion) * mpmath.mpf(tau) ** 2 * c
        unknowns = (steps - 1) * size
        system = mpmath.zeros(unknowns, unknowns)
        rhs = mpmath.zeros(unknowns, 1)
        x0 = [mpmath.mpf(float(v)) for v in orders]
        for j in range(steps - 1):
            for a in range(size):
                for b in range(size):
                    system[j * size + a, j * size + b] = block[a, b]
                    if j > 0:
                        system[j * size + a, (j - 1) * size + b] = -h[a, b]
                    if j < steps - 2:
                        system[j * size + a, (j + 1) * size + b] = -h[a, b]
                if j == 0:
                    rhs[a] = mpmath.fsum(h[a, b] * x0[b] for b in range(size))
        solution = mpmath.lu_solve(system, rhs) if unknowns else []
        holdings = [x0]
        holdings += [[solution[j * size + a] for a in range(size)] for j in range(steps - 1)]
        holdings.append([mpmath.mpf(0)] * size)
        return holdings


def _cases(settings: Settings) -> list[tuple[Any, ...]]:
    rng = np.random.default_rng(settings.seed + 35)
    cases = []
    for k in range(8 if settings.quick else 60):
        size = int(rng.integers(1, 4))
        steps = int(rng.integers(1, 13))
        tau = float(10 ** rng.uniform(-3, 1))
        vol = 10 ** rng.uniform(-2, 1, size)
        corr = rng.uniform(-1, 1, (size, size))
        corr = corr @ corr.T
        corr = corr / np.sqrt(np.outer(np.diag(corr), np.diag(corr)))
        covariance = corr * np.outer(vol, vol)
        impact = 10 ** rng.uniform(-7, -5, size)
        h_tilde = np.diag(impact)
        if k % 2:  # cross-impact: a symmetric positive definite H_tilde
            mix = rng.uniform(-0.3, 0.3, (size, size))
            h_tilde = h_tilde + (mix + mix.T) / 2 * np.sqrt(np.outer(impact, impact))
            h_tilde = h_tilde + np.eye(size) * max(0.0, -np.min(np.linalg.eigvalsh(h_tilde))) * 2
        orders = np.floor(10 ** rng.uniform(2, 7, size)) * rng.choice([-1.0, 1.0], size)
        kappa_horizon = 10 ** rng.uniform(-3, 1.5)
        mu = float(
            np.max(np.linalg.eigvalsh(covariance / np.sqrt(np.outer(np.diag(h_tilde), np.diag(h_tilde)))))
        )
        lam = (2 * math.sinh(kappa_horizon / steps / 2) / tau) ** 2 / max(mu, 1e-300) if k % 5 else 0.0
        cases.append((orders, steps, covariance, h_tilde, lam, tau))
    return cases


def _schedule_rows(settings: Settings) -> list[Row]:
    from acsym.models.basket import generate_basket_trajectory

    errors: dict[str, list[tuple[float, dict[str, Any]]]] = {"modes": [], "block": []}
    for orders, steps, covariance, h_tilde, lam, tau in _cases(settings):
        exact = np.array(
            [
                [float(v) for v in row]
                for row in mp_basket_holdings(orders, steps, covariance, h_tilde, lam, tau)
            ]
        )
        with floating_point_flags():
            result = generate_basket_trajectory(orders, steps, covariance, h_tilde, None, lam, tau)
        error = float(np.max(np.abs(result.holdings - exact)) / np.max(np.abs(exact)))
        point = {"assets": float(len(orders)), "steps": float(steps), "risk_aversion": lam, "tau": tau}
        errors[result.method].append((error, point))
    rows = []
    for method, found in errors.items():
        values = [e for e, _ in found]
        bad = tuple(BadPoint(p, e, math.nan, e) for e, p in found if not e <= BOUND)
        worst = int(np.argmax(values)) if values else 0
        rows.append(
            Row(
                function="generate_basket_trajectory",
                form=f"runtime ({method}), max |dx| / max |x|",
                oracle="QP (mpmath, dense)",
                points=len(values),
                worst_error=max(values) if values else 0.0,
                worst_at=found[worst][1] if found else {},
                nonfinite=sum(not math.isfinite(v) for v in values),
                over_bound=len(bad),
                bound=BOUND,
                bad=bad,
            )
        )
    return rows


def mp_quadratic_sum(matrix: Any, rows: Any) -> tuple[Any, Any]:
    """sum_k sum_ij u_ki A_ij u_kj over the rows u_k of ``rows``, exactly (mpmath.fsum of the
    products of the floats, at DIGITS + GUARD_DIGITS digits), and the same sum of |terms|."""
    import mpmath

    with mpmath.workdps(DIGITS + GUARD_DIGITS):
        terms = [
            mpmath.mpf(float(u[i])) * mpmath.mpf(float(matrix[i][j])) * mpmath.mpf(float(u[j]))
            for u in rows
            for i in range(len(u))
            for j in range(len(u))
        ]
        return mpmath.fsum(terms), mpmath.fsum(abs(t) for t in terms)


def mp_basket_schedule_expected_cost(
    trades: Any, tau: float, permanent: Any, h_tilde: Any, epsilon: Any
) -> tuple[Any, Any]:
    """E = X^T Gamma X / 2 + sum_i epsilon_i sum_k |n_ki| + (1/tau) sum_k n_k^T H_tilde n_k in
    mpmath, and its sum of |terms| (X = sum_k n_k summed exactly)."""
    import mpmath

    with mpmath.workdps(DIGITS + GUARD_DIGITS):
        order = [mpmath.fsum(mpmath.mpf(float(v)) for v in column) for column in np.asarray(trades).T]
        gamma = [[mpmath.mpf(float(v)) for v in row] for row in permanent]
        size = len(order)
        spread = np.broadcast_to(np.asarray(epsilon, dtype=np.float64), (size,)).tolist()
        permanent_terms = [order[i] * gamma[i][j] * order[j] for i in range(size) for j in range(size)]
        spread_terms = [
            mpmath.mpf(spread[i]) * abs(mpmath.mpf(float(u[i]))) for u in trades for i in range(size)
        ]
        temporary, temporary_abs = mp_quadratic_sum(h_tilde, trades)
        step = mpmath.mpf(tau)
        value = mpmath.fsum(permanent_terms) / 2 + mpmath.fsum(spread_terms) + temporary / step
        magnitude = (
            mpmath.fsum(abs(t) for t in permanent_terms) / 2
            + mpmath.fsum(spread_terms)
            + temporary_abs / step
        )
        return value, magnitude


def mp_basket_schedule_variance(holdings: Any, tau: float, covariance: Any) -> tuple[Any, Any]:
    """Var = tau sum_{k=1..N} x_k^T C x_k in mpmath, and its sum of |terms|."""
    import mpmath

    with mpmath.workdps(DIGITS + GUARD_DIGITS):
        value, magnitude = mp_quadratic_sum(covariance, holdings[1:])
        return mpmath.mpf(tau) * value, mpmath.mpf(tau) * magnitude


def _symmetric(rng: np.random.Generator, size: int, scale: Any, definite: bool) -> Any:
    """A random symmetric matrix with the given diagonal scale (positive semi-definite if asked)."""
    raw = rng.uniform(-1, 1, (size, size))
    matrix = raw @ raw.T if definite else (raw + raw.T) / 2
    return matrix * np.outer(scale, scale)


def _schedule_cost_rows(settings: Settings) -> list[Row]:
    """basket_schedule_expected_cost and basket_schedule_variance against exact mpmath sums, on
    random schedules (trades of either sign) and matrices; the tolerance is BOUND times the
    sum's condition, sum of |terms| / |sum|."""
    import mpmath

    rng = np.random.default_rng(settings.seed + 37)
    names = ("assets", "steps", "tau")
    found: dict[str, tuple[list[Any], list[Any], list[float], list[float]]] = {
        "basket_schedule_expected_cost": ([], [], [], []),
        "basket_schedule_variance": ([], [], [], []),
    }
    for _ in range(20 if settings.quick else 200):
        size = int(rng.integers(1, 6))
        steps = int(rng.integers(1, 60))
        tau = float(10 ** rng.uniform(-3, 1))
        shares = 10 ** rng.uniform(0, 7, size)
        holdings = np.vstack([rng.uniform(-1, 1, (steps, size)) * shares, np.zeros((1, size))])
        holdings[0] = np.floor(holdings[0])
        trades = holdings[:-1] - holdings[1:]
        vol = 10 ** rng.uniform(-2, 1, size)
        covariance = _symmetric(rng, size, vol, definite=True)
        impact = 10 ** rng.uniform(-8, -5, size)
        permanent = _symmetric(rng, size, impact, definite=bool(rng.integers(0, 2)))
        h_tilde = _symmetric(rng, size, impact, definite=True)
        # half-spreads of 0.1 to 100 bps of a $1 to $1000 price; a zero now and then
        epsilon = 10 ** rng.uniform(-5, 0, size) * (rng.uniform(size=size) > 0.2)
        point = (float(size), float(steps), tau)
        with floating_point_flags():
            cost = float(formulas.basket_schedule_expected_cost(trades, tau, permanent, h_tilde, epsilon))
            variance = float(formulas.basket_schedule_variance(holdings, tau, covariance))
        for name, value, (exact, magnitude) in (
            (
                "basket_schedule_expected_cost",
                cost,
                mp_basket_schedule_expected_cost(trades, tau, permanent, h_tilde, epsilon),
            ),
            ("basket_schedule_variance", variance, mp_basket_schedule_variance(holdings, tau, covariance)),
        ):
            points, exacts, values, tolerances = found[name]
            points.append(point)
            exacts.append(exact)
            values.append(value)
            with mpmath.workdps(DIGITS):
                condition = float(magnitude / max(abs(exact), mpmath.mpf(1e-300)))
            tolerances.append(BOUND * max(1.0, condition))
    return [
        compute_row(name, "generated", "mpmath", names, p, v, e, BOUND, t)
        for name, (p, e, v, t) in found.items()
    ]


def rows(settings: Settings) -> list[Row]:
    """The generated block and the basket schedules' E and Var against mpmath; the basket
    schedules against the dense QP solve."""
    rng = np.random.default_rng(settings.seed + 36)
    count = 50 if settings.quick else 500
    points = list(
        zip(
            (10 ** rng.uniform(-12, 2, count) * rng.choice([-1.0, 1.0], count)).tolist(),
            (10 ** rng.uniform(-8, 4, count) * rng.choice([-1.0, 1.0], count)).tolist(),
            np.where(rng.uniform(size=count) < 0.1, 0.0, 10 ** rng.uniform(-12, 2, count)).tolist(),
            (10 ** rng.uniform(-6, 6, count)).tolist(),
            strict=True,
        )
    )
    reference = mp_reference("basket_diagonal_block")
    columns = [np.array(c) for c in zip(*points, strict=True)]
    with floating_point_flags():
        values = np.asarray(formulas.basket_diagonal_block(*columns), dtype=np.float64).tolist()
    exact = [mp_converged(reference, p) for p in points]
    # a sum of two terms of either sign: relative to the larger term, its condition
    tolerance = [
        BOUND * max(1.0, (2 * abs(h) + abs(lam * t * t * c)) / max(abs(float(e)), 1e-300))
        for (h, c, lam, t), e in zip(points, exact, strict=True)
    ]
    names = ("eta_tilde", "covariance", "risk_aversion", "tau")
    out = [
        compute_row(
            "basket_diagonal_block", "generated", "mpmath", names, points, values, exact, BOUND, tolerance
        )
    ]
    return out + _schedule_cost_rows(settings) + _schedule_rows(settings)


__all__ = [
    "mp_basket_holdings",
    "mp_basket_schedule_expected_cost",
    "mp_basket_schedule_variance",
    "mp_quadratic_sum",
    "rows",
]
