"""Verification of the discrete soft deadline: mpmath references and a direct solve of the QP.

1. **mpmath.** ``holdings_soft_deadline_discrete`` and ``trade_sizes_soft_deadline_discrete``
   against the textbook form X F(T - t) / F(T) of :mod:`acsym.derivation.soft_deadline_discrete`
   (and its difference), at kappa = 0 against the linear schedule it tends to (proof
   ``soft_deadline_discrete_lambda_zero``), at 50 or more digits; ``schedule_expected_cost_soft_deadline``
   against its sums on random schedules.
2. **The quadratic program.** The first-order conditions of E + lambda Var over x_1..x_N with
   x_N free, -x_{j-1} + (2 + a) x_j - x_{j+1} = 0 (j < N) and -x_{N-1} + (1 + a + p) x_N = 0,
   a = lambda sigma^2 tau^2 / eta_tilde, p = (alpha - gamma / 2) tau / eta_tilde, solved directly
   in mpmath (no sinh, no kappa, no closed form), against the runtime path
   (``generate_soft_deadline_trajectory(..., discrete=True)``: kappa tau from lambda, then the
   generated holdings, trades and expected cost), normwise (the trades with a floor of 1e-30 X:
   alpha = gamma / 2 at lambda = 0 sells nothing before T).

Scenarios: a subset of :func:`acsym.verify.domain` with a terminal penalty alpha = gamma / 2 +
r eta_tilde / T, r from 1e-6 to 1e6 or exactly 0.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import replace
from functools import cache
from typing import Any

import numpy as np

from acsym import formulas
from acsym.verify import (
    BOUND,
    DIGITS,
    GENERATED,
    GUARD_DIGITS,
    Domain,
    Row,
    Settings,
    compute_row,
    domain,
    floating_point_flags,
    mp_converged,
    mp_relative_error,
)

POINTWISE = ("holdings_soft_deadline_discrete", "trade_sizes_soft_deadline_discrete")
#: the longest schedule solved directly (the QP rows)
QP_MAX_STEPS = 2_000


@cache
def mp_reference(name: str) -> Any:
    """The textbook form of ``name`` as an mpmath function, with its kappa = 0 value as a branch."""
    import sympy as sp

    from acsym.derivation import soft_deadline_discrete as model
    from acsym.derivation.catalog import formulas as catalog
    from acsym.derivation.codegen import _runtime_names
    from acsym.derivation.symbols import kappa, t, tau

    (formula,) = [f for f in catalog() if f.name == name]
    linear = model.holdings_at_kappa_zero()
    at_zero = {
        "holdings_soft_deadline_discrete": linear,
        "trade_sizes_soft_deadline_discrete": linear.subs(t, t - tau) - linear,
    }[name]
    piecewise = sp.Piecewise((at_zero, sp.Eq(kappa, 0)), (formula.reference, True))
    arguments = [sp.Symbol(a) for a in formula.arguments]
    return sp.lambdify(arguments, _runtime_names(piecewise), modules="mpmath")


def mp_optimal_holdings_soft_deadline(
    order_size: float,
    steps: int,
    risk_aversion: float,
    sigma: float,
    eta_tilde: float,
    tau: float,
    net: float,
) -> list[Any]:
    """Holdings x_0..x_N minimising E + lambda Var with x_N free, solved directly in mpmath.

    The gradient's linear system (divided by 2 eta_tilde / tau) is tridiagonal and diagonally
    dominant: -x_{j-1} + (2 + a) x_j - x_{j+1} = 0 for j < N and -x_{N-1} + (1 + a + p) x_N = 0,
    a = lambda sigma^2 tau^2 / eta_tilde, p = net tau / eta_tilde with net = alpha - gamma / 2 >= 0.
    Forward elimination and back substitution at DIGITS + GUARD_DIGITS digits [shares].
    """
    import mpmath

    with mpmath.workdps(DIGITS + GUARD_DIGITS):
        x0 = mpmath.mpf(order_size)
        impact = mpmath.mpf(eta_tilde)
        a = mpmath.mpf(risk_aversion) * mpmath.mpf(sigma) ** 2 * mpmath.mpf(tau) ** 2 / impact
        p = mpmath.mpf(net) * mpmath.mpf(tau) / impact
        inverses, forward = [], []
        inverse, rhs = mpmath.mpf(0), x0
        for row in range(1, steps + 1):
            diagonal = 2 + a if row < steps else 1 + a + p
            inverse = 1 / (diagonal - inverse)
            rhs = rhs * inverse
            inverses.append(inverse)
            forward.append(rhs)
        holdings = [x0] + [mpmath.mpf(0)] * steps
        following = mpmath.mpf(0)
        for row in range(steps, 0, -1):
            following = forward[row - 1] + inverses[row - 1] * following
            holdings[row] = following
        return holdings


def _scenarios(settings: Settings) -> tuple[Domain, np.ndarray]:
    rng = np.random.default_rng(settings.seed + 31)
    scenarios = domain(quick=settings.quick, seed=settings.seed)
    usable = np.flatnonzero(np.isfinite(scenarios.risk_aversion) & (scenarios.eta_tilde > 0))
    count = min(usable.size, 60 if settings.quick else 600)
    s = scenarios.take(np.sort(rng.choice(usable, count, replace=False)))
    ratio = np.where(rng.uniform(size=count) < 0.1, 0.0, 10 ** rng.uniform(-6, 6, count))
    return s, s.gamma / 2 + ratio * s.eta_tilde / s.horizon


def _pointwise_rows(s: Domain, alpha: np.ndarray, settings: Settings) -> list[Row]:
    rng = np.random.default_rng(settings.seed + 32)
    kappa = s.kappa
    eta_tilde = s.eta_tilde
    points: list[tuple[float, ...]] = []
    for i in range(s.size):
        n = int(s.steps[i])
        tau, horizon = float(s.tau[i]), float(s.horizon[i])
        for j in sorted({0, 1, n // 2, n - 1, n, *rng.integers(0, n + 1, 2).tolist()}):
            if 0 <= j <= n:
                time = min(j * tau, horizon)
                common = (float(kappa[i]), tau, float(eta_tilde[i]), float(s.gamma[i]), float(alpha[i]))
                points.append((float(s.order_size[i]), time, horizon, *common))
    out = []
    for name in POINTWISE:
        chosen = points if name.startswith("holdings") else [p for p in points if p[1] >= p[4]]
        reference = mp_reference(name)
        columns = [np.array(c) for c in zip(*chosen, strict=True)]
        with floating_point_flags() as flags:
            values = np.asarray(getattr(formulas, name)(*columns), dtype=np.float64).tolist()
        exact = [mp_converged(reference, point) for point in chosen]
        names = tuple(GENERATED[name])
        row = compute_row(name, "generated", "mpmath", names, chosen, values, exact, BOUND)
        out.append(replace(row, warnings=tuple(sorted(flags))))
    return out


def _schedule_cost_row(s: Domain, alpha: np.ndarray, settings: Settings) -> Row:
    """schedule_expected_cost_soft_deadline on random schedules against its sums in mpmath."""
    from acsym.verify import mp_reference as mp_catalog_reference

    rng = np.random.default_rng(settings.seed + 33)
    reference = mp_catalog_reference("schedule_expected_cost_soft_deadline")
    points: list[tuple[Any, ...]] = []
    for i in range(0, s.size, 2):
        steps = min(int(s.steps[i]), 400)
        x = np.concatenate([[s.order_size[i]], s.order_size[i] * rng.uniform(0, 1, steps)])
        x[1:] = np.sort(x[1:])[::-1]
        trades = -np.diff(x)
        points.append(
            (
                trades,
                float(x[-1]),
                float(s.tau[i]),
                float(s.gamma[i]),
                float(s.eta_tilde[i]),
                float(s.epsilon[i]),
                float(alpha[i]),
            )
        )
    with floating_point_flags() as flags:
        values = [float(formulas.schedule_expected_cost_soft_deadline(*point)) for point in points]
    exact = [mp_converged(reference, point) for point in points]
    name = "schedule_expected_cost_soft_deadline"
    row = compute_row(name, "generated", "mpmath", GENERATED[name], points, values, exact, BOUND)
    return replace(row, warnings=tuple(sorted(flags)))


def _qp_rows(s: Domain, alpha: np.ndarray, settings: Settings) -> list[Row]:
    """The runtime path against :func:`mp_optimal_holdings_soft_deadline`: holdings and trades
    normwise (max |dx| / max |x|), the expected cost relative to its value."""
    import mpmath

    from acsym.model import AlmgrenChrissParams
    from acsym.models.soft_deadline import generate_soft_deadline_trajectory

    limit = 40 if settings.quick else 300
    chosen = [i for i in range(s.size) if int(s.steps[i]) <= QP_MAX_STEPS][:limit]
    errors: dict[str, list[float]] = {"x": [], "n": [], "E": []}
    points: list[tuple[float, ...]] = []
    for i in chosen:
        steps = int(s.steps[i])
        order, tau, gamma = float(s.order_size[i]), float(s.tau[i]), float(s.gamma[i])
        eta_tilde = float(s.eta_tilde[i])
        params = AlmgrenChrissParams(
            eta=float(s.eta[i]),
            gamma=gamma,
            sigma=float(s.sigma[i]),
            alpha=0.5,
            tau=tau,
            epsilon=float(s.epsilon[i]),
            price=float(s.price[i]),
        )
        lam = float(s.risk_aversion[i])
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            result = generate_soft_deadline_trajectory(
                order, steps, params, float(alpha[i]), lam, discrete=True
            )
        x_exact = mp_optimal_holdings_soft_deadline(
            order, steps, lam, float(s.sigma[i]), eta_tilde, tau, float(alpha[i]) - gamma / 2
        )
        with mpmath.workdps(DIGITS + GUARD_DIGITS):
            n_exact = [x_exact[k - 1] - x_exact[k] for k in range(1, steps + 1)]
            dx = max(abs(mpmath.mpf(float(v)) - e) for v, e in zip(result.holdings, x_exact, strict=True))
            dn = max(abs(mpmath.mpf(float(v)) - e) for v, e in zip(result.trade_sizes, n_exact, strict=True))
            unsold = x_exact[-1]
            c = mpmath.mpf(float(alpha[i])) - mpmath.mpf(gamma) / 2
            cost = (
                mpmath.mpf(gamma) * x_exact[0] ** 2 / 2
                + mpmath.mpf(float(s.epsilon[i])) * x_exact[0]
                + mpmath.mpf(eta_tilde) / mpmath.mpf(tau) * mpmath.fsum(v**2 for v in n_exact)
                + c * unsold**2
            )
            errors["x"].append(float(dx / max(abs(v) for v in x_exact)))
            # alpha = gamma / 2 at lambda = 0 sells nothing before T: every trade is 0 (the solve
            # leaves ~1e-78 X), so the norm has a floor of 1e-30 X
            floor = mpmath.mpf(1e-30) * x_exact[0]
            errors["n"].append(float(dn / max(max(abs(v) for v in n_exact), floor)))
        errors["E"].append(mp_relative_error(float((result.params or {})["expected_cost"]), cost))
        points.append((order, float(steps), lam, float(s.sigma[i]), eta_tilde, tau, float(alpha[i])))
    names = ("order_size", "steps", "risk_aversion", "sigma", "eta_tilde", "tau", "terminal_penalty")
    rows = []
    for key, function, form in (
        ("x", "holdings_soft_deadline_discrete", "runtime (via kappa), max |dx| / max |x|"),
        ("n", "trade_sizes_soft_deadline_discrete", "runtime (via kappa), max |dn| / max |n|"),
        ("E", "schedule_expected_cost_soft_deadline", "runtime, on the optimal schedule"),
    ):
        values = errors[key]
        worst = int(np.argmax(values)) if values else 0
        bad_count = sum(not v <= BOUND for v in values)
        rows.append(
            Row(
                function=function,
                form=form,
                oracle="QP with x_N free (mpmath)",
                points=len(values),
                worst_error=float(max(values)) if values else 0.0,
                worst_at=dict(zip(names, points[worst], strict=True)) if values else {},
                nonfinite=sum(not math.isfinite(v) for v in values),
                over_bound=bad_count,
                bound=BOUND,
            )
        )
    return rows


def rows(settings: Settings) -> list[Row]:
    """Every discrete soft-deadline function against mpmath, and the runtime against the QP."""
    s, alpha = _scenarios(settings)
    out = _pointwise_rows(s, alpha, settings)
    out.append(_schedule_cost_row(s, alpha, settings))
    out += _qp_rows(s, alpha, settings)
    return out


__all__ = ["POINTWISE", "mp_optimal_holdings_soft_deadline", "mp_reference", "rows"]
