"""Verification of the drift functions: mpmath references and a direct solve of the QP.

1. **mpmath.** ``holdings_with_drift`` and ``trade_sizes_with_drift`` against the textbook forms
   of :mod:`acsym.derivation.drift` (sinh ratios with x_bar written in kappa), and at kappa = 0
   against the parabola those forms tend to (proof ``drift_lambda_zero``), at 50 or more digits;
   ``schedule_expected_cost_with_drift`` against its sums; the closed forms
   ``expected_cost_with_drift`` and ``variance_with_drift`` against the optimal schedule's explicit
   sums. The schedule is the sum of the base
   schedule and the drift's correction, which can cancel (a strong view can bring the holdings
   through 0), so each point's tolerance is BOUND relative to |base| + |correction|, its
   condition, rather than to the sum.
2. **The quadratic program.** The first-order conditions with drift,
   -x_{j-1} + (2 + c) x_j - x_{j+1} = mu tau^2 / (2 eta_tilde) with c = lambda sigma^2 tau^2 /
   eta_tilde, solved directly in mpmath (no sinh, no kappa, no closed form), against the runtime
   path (kappa from lambda, then the generated holdings and trades), normwise.

The scenarios are those of :func:`acsym.verify.domain`, each given a drift whose correction is
between 1e-6 and 10 times the order (both signs), or none.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

import numpy as np

from acsym import formulas
from acsym.verify import (
    BOUND,
    DIGITS,
    GENERATED,
    GUARD_DIGITS,
    BadPoint,
    Domain,
    Row,
    Settings,
    _named,
    compute_row,
    domain,
    floating_point_flags,
    mp_converged,
    mp_optimal_holdings,
    mp_relative_error,
    qp_subset,
)

#: the generated functions checked against mpmath point by point
POINTWISE = ("holdings_with_drift", "trade_sizes_with_drift")


@cache
def mp_parts(name: str) -> tuple[Any, Any]:
    """(base, correction) of ``name`` as mpmath functions of its arguments: the textbook sinh
    ratio and the correction's product form (proof ``drift_product_forms``: the textbook bracket
    without its cancellation, which would need ~kappa T / 2.3 digits), and at kappa = 0 each
    one's proved limit."""
    import sympy as sp

    from acsym.derivation import drift, stable
    from acsym.derivation.catalog import formulas as catalog
    from acsym.derivation.codegen import _runtime_names
    from acsym.derivation.symbols import X, kappa

    (formula,) = [f for f in catalog() if f.name == name]
    if name == "holdings_with_drift":
        base = X * stable.holdings_fraction_textbook()
        base_zero = sp.limit(base, kappa, 0)
        correction, correction_zero = drift.correction_product(), drift.correction_at_kappa_zero()
    else:
        base = X * stable.trade_fraction_textbook()
        base_zero = sp.simplify(sp.limit(base, kappa, 0))
        correction = drift.trade_correction_product()
        correction_zero = drift.trade_correction_at_kappa_zero()
    arguments = [sp.Symbol(a) for a in formula.arguments]
    out = []
    for textbook, limit in ((base, base_zero), (correction, correction_zero)):
        piecewise = sp.Piecewise((limit, sp.Eq(kappa, 0)), (textbook, True))
        out.append(sp.lambdify(arguments, _runtime_names(piecewise), modules="mpmath"))
    return out[0], out[1]


def _scenarios(settings: Settings) -> tuple[Domain, np.ndarray]:
    """A subset of the sweep's scenarios and a drift mu for each [currency / (share * time)]."""
    rng = np.random.default_rng(settings.seed + 15)
    scenarios = domain(quick=settings.quick, seed=settings.seed)
    count = min(scenarios.size, 60 if settings.quick else 600)
    s = scenarios.take(np.sort(rng.choice(scenarios.size, count, replace=False)))
    # the correction's size at kappa = 0 is mu T^2 / (16 eta_tilde): aim at r times the order
    ratio = 10 ** rng.uniform(-6, 1, count) * rng.choice([-1.0, 1.0], count)
    ratio = np.where(rng.uniform(size=count) < 0.1, 0.0, ratio)
    drift = ratio * 16.0 * s.eta_tilde * s.order_size / s.horizon**2
    return s, drift


def _points(s: Domain, drift: np.ndarray, settings: Settings) -> dict[str, list[tuple[float, ...]]]:
    rng = np.random.default_rng(settings.seed + 16)
    points: dict[str, list[tuple[float, ...]]] = {name: [] for name in POINTWISE}
    kappa, eta_tilde, horizon = s.kappa, s.eta_tilde, s.horizon
    for i in range(s.size):
        n = int(s.steps[i])
        chosen = {
            0,
            1,
            n // 2,
            (n + 1) // 2,
            n - 1,
            n,
            *rng.integers(0, n + 1, 2 if settings.quick else 6).tolist(),
        }
        for j in sorted(c for c in chosen if 0 <= c <= n):
            common = (
                float(horizon[i]),
                float(kappa[i]),
                float(s.tau[i]),
                float(drift[i]),
                float(eta_tilde[i]),
            )
            points["holdings_with_drift"].append((float(s.order_size[i]), j * float(s.tau[i]), *common))
            if j >= 1:
                points["trade_sizes_with_drift"].append(
                    (float(s.order_size[i]), j * float(s.tau[i]), *common)
                )
    return points


def _pointwise_rows(points: dict[str, list[tuple[float, ...]]]) -> list[Row]:
    import mpmath

    rows = []
    for name, rows_of_name in points.items():
        base, correction = mp_parts(name)
        columns = [np.array(c) for c in zip(*rows_of_name, strict=True)]
        with floating_point_flags() as flags:
            values = np.asarray(getattr(formulas, name)(*columns), dtype=np.float64).tolist()
        exact, tolerance = [], []
        for point in rows_of_name:
            b = mp_converged(base, point)
            c = mp_converged(correction, point)
            with mpmath.workdps(DIGITS + GUARD_DIGITS):
                total = b + c
                condition = (abs(b) + abs(c)) / max(abs(total), mpmath.mpf(np.finfo(np.float64).tiny))
            exact.append(total)
            tolerance.append(BOUND * max(1.0, float(condition)))
        names = tuple(GENERATED[name])
        row = compute_row(name, "generated", "mpmath", names, rows_of_name, values, exact, BOUND, tolerance)
        rows.append(_with_flags(row, flags))
    return rows


def _with_flags(row: Row, flags: Any) -> Row:
    from dataclasses import replace

    return replace(row, warnings=tuple(sorted(flags)))


def _qp_rows(s: Domain, drift: np.ndarray, settings: Settings) -> list[Row]:
    """Holdings and trades of the runtime path against the directly solved QP, normwise, and
    the expected cost of the generated schedule against the QP schedule's, relative to the sum
    of the absolute values of its terms."""
    import mpmath

    subset = qp_subset(s, budget=3_000 if settings.quick else 200_000, seed=settings.seed + 17)
    names = ("order_size", "steps", "tau", "risk_aversion", "sigma", "eta_tilde", "drift")
    results: dict[str, list[tuple[float, float, float]]] = {"x": [], "n": [], "E": []}
    points = []
    for i in subset.tolist():
        n_steps = int(s.steps[i])
        tau = float(s.tau[i])
        eta_tilde = float(s.eta_tilde[i])
        point = (
            float(s.order_size[i]),
            n_steps,
            tau,
            float(s.risk_aversion[i]),
            float(s.sigma[i]),
            eta_tilde,
            float(drift[i]),
        )
        points.append(point)
        x_mp = mp_optimal_holdings(
            point[0],
            n_steps,
            risk_aversion=point[3],
            sigma=point[4],
            eta_tilde=eta_tilde,
            tau=tau,
            drift=point[6],
        )
        with mpmath.workdps(DIGITS + GUARD_DIGITS):
            n_mp = [x_mp[j - 1] - x_mp[j] for j in range(1, n_steps + 1)]
            terms = [
                mpmath.mpf(float(s.gamma[i])) * x_mp[0] ** 2 / 2,
                mpmath.mpf(float(s.epsilon[i])) * mpmath.fsum(abs(v) for v in n_mp),
                mpmath.mpf(eta_tilde) * mpmath.fsum(v**2 for v in n_mp) / tau,
                -mpmath.mpf(float(drift[i])) * tau * mpmath.fsum(x_mp[1:]),
            ]
            e_mp = mpmath.fsum(terms)
            e_scale = mpmath.fsum(abs(v) for v in terms)
        x_exact = np.array([float(v) for v in x_mp])
        n_exact = np.array([float(v) for v in n_mp])
        from acsym.models.drift import drift_schedule

        with floating_point_flags():
            kappa = float(formulas.kappa(point[3], point[4], eta_tilde, tau))
            x, n = drift_schedule(point[0], n_steps, kappa * tau, point[6] * tau**2, eta_tilde)
            e = float(
                formulas.schedule_expected_cost_with_drift(
                    n, x, tau, s.gamma[i], eta_tilde, s.epsilon[i], point[6]
                )
            )
        scale_x = float(np.max(np.abs(x_exact)))
        scale_n = float(np.max(np.abs(n_exact)))
        results["x"].append((float(np.max(np.abs(x - x_exact))) / scale_x, float(np.max(x)), 1.0))
        results["n"].append((float(np.max(np.abs(n - n_exact))) / scale_n, float(np.max(n)), 1.0))
        with mpmath.workdps(DIGITS):
            condition = float(e_scale / max(abs(e_mp), mpmath.mpf(1e-300)))
        results["E"].append((mp_relative_error(e, e_mp), e, max(1.0, condition)))
    rows = []
    for key, function, form in (
        ("x", "holdings_with_drift", "generated (via kappa), max |dx| / max |x|"),
        ("n", "trade_sizes_with_drift", "generated (via kappa), max |dn| / max |n|"),
        ("E", "schedule_expected_cost_with_drift", "generated schedule (via kappa), relative to its terms"),
    ):
        errors = [e for e, _, _ in results[key]]
        bad = tuple(
            BadPoint(_named(names, points[k]), results[key][k][1], math.nan, errors[k])
            for k in range(len(errors))
            if not errors[k] <= BOUND * results[key][k][2]
        )
        worst = int(np.argmax(errors)) if errors else 0
        rows.append(
            Row(
                function=function,
                form=form,
                oracle="QP with drift (mpmath)",
                points=len(errors),
                worst_error=float(np.max(errors)) if errors else 0.0,
                worst_at=_named(names, points[worst]) if errors else {},
                nonfinite=sum(not math.isfinite(v) for _, v, _ in results[key]),
                over_bound=len(bad),
                bound=BOUND,
                bad=bad,
            )
        )
    return rows


def _schedule_cost_row(s: Domain, drift: np.ndarray, settings: Settings) -> Row:
    """schedule_expected_cost_with_drift on random schedules (buys and sells) against its sums."""
    from acsym.verify import mp_reference

    rng = np.random.default_rng(settings.seed + 18)
    reference = mp_reference("schedule_expected_cost_with_drift")
    rows_of_points: list[tuple[Any, ...]] = []
    for i in range(0, s.size, 3):
        steps = min(int(s.steps[i]), 400)
        x = np.concatenate([[s.order_size[i]], s.order_size[i] * rng.normal(0.5, 0.5, steps - 1), [0.0]])
        rows_of_points.append(
            (
                -np.diff(x),
                x,
                float(s.tau[i]),
                float(s.gamma[i]),
                float(s.eta_tilde[i]),
                float(s.epsilon[i]),
                float(drift[i]),
            )
        )
    values, exact, tolerance = [], [], []
    with floating_point_flags() as flags:
        for point in rows_of_points:
            values.append(float(formulas.schedule_expected_cost_with_drift(*point)))
    for point in rows_of_points:
        exact.append(mp_converged(reference, point))
        n, x, tau, gamma, eta_tilde, epsilon, mu = point
        terms = (
            gamma * n.sum() ** 2 / 2,
            epsilon * np.abs(n).sum(),
            eta_tilde * (n**2).sum() / tau,
            mu * tau * np.abs(x[1:]).sum(),
        )
        tolerance.append(BOUND * max(1.0, float(sum(terms) / max(abs(float(exact[-1])), 1e-300))))
    name = "schedule_expected_cost_with_drift"
    names = GENERATED[name]
    row = compute_row(name, "generated", "mpmath", names, rows_of_points, values, exact, BOUND, tolerance)
    return _with_flags(row, flags)


def mp_closed_moments(
    order_size: float,
    steps: int,
    tau: float,
    kappa: float,
    gamma: float,
    eta_tilde: float,
    epsilon: float,
    sigma: float,
    drift: float,
) -> tuple[Any, Any, Any, Any]:
    """E (sell-only fixed cost epsilon X) and Var of the optimal drift schedule by its explicit
    sums in mpmath, x_j = X f_j + P g_j with f_j = sinh(kappa (T - t_j)) / sinh(kappa T) and
    g_j = sinh(kappa t_j / 2) sinh(kappa (T - t_j) / 2) / (2 sinh(kappa tau / 2)^2 cosh(kappa T / 2))
    (their limits at kappa = 0), P = mu tau^2 / (2 eta_tilde); and the sums of the absolute values
    of E's and of each x_j's terms, the condition numbers' numerators."""
    import mpmath

    with mpmath.workdps(DIGITS + GUARD_DIGITS):
        x0, tau_mp, k = mpmath.mpf(order_size), mpmath.mpf(tau), mpmath.mpf(kappa)
        eta, mu = mpmath.mpf(eta_tilde), mpmath.mpf(drift)
        horizon = steps * tau_mp
        pull = mu * tau_mp**2 / (2 * eta)
        if k == 0:
            base = [mpmath.mpf(steps - i) / steps for i in range(steps + 1)]
            shape = [mpmath.mpf(i * (steps - i)) / 2 for i in range(steps + 1)]
        else:
            base = [
                mpmath.sinh(k * (horizon - i * tau_mp)) / mpmath.sinh(k * horizon) for i in range(steps + 1)
            ]
            half = k * tau_mp / 2
            scale = 2 * mpmath.sinh(half) ** 2 * mpmath.cosh(k * horizon / 2)
            shape = [
                mpmath.sinh(half * i) * mpmath.sinh(half * (steps - i)) / scale for i in range(steps + 1)
            ]
        x = [x0 * b + pull * g for b, g in zip(base, shape, strict=True)]
        n = [x[i - 1] - x[i] for i in range(1, steps + 1)]
        terms = [
            mpmath.mpf(gamma) * x0**2 / 2,
            mpmath.mpf(epsilon) * x0,
            eta / tau_mp * mpmath.fsum(v**2 for v in n),
            -mu * tau_mp * mpmath.fsum(x[1:]),
        ]
        variance = mpmath.mpf(sigma) ** 2 * tau_mp * mpmath.fsum(v**2 for v in x[1:])
        parts = (
            mpmath.mpf(sigma) ** 2
            * tau_mp
            * mpmath.fsum(
                (abs(x0 * b) + abs(pull * g)) ** 2 for b, g in zip(base[1:], shape[1:], strict=True)
            )
        )
        return mpmath.fsum(terms), variance, mpmath.fsum(abs(v) for v in terms), parts


def _closed_moment_rows(s: Domain, drift: np.ndarray, settings: Settings) -> list[Row]:
    """expected_cost_with_drift and variance_with_drift against the schedule's explicit sums in
    mpmath, each point's tolerance BOUND times its condition (the sum of the absolute values of the
    terms over the result: E sums terms of both signs, and a strong view brings holdings through 0)."""
    rng = np.random.default_rng(settings.seed + 19)
    chosen = [i for i in range(s.size) if int(s.steps[i]) <= 3000]
    chosen = sorted(
        rng.choice(chosen, min(len(chosen), 40 if settings.quick else 300), replace=False).tolist()
    )
    names_e = GENERATED["expected_cost_with_drift"]
    names_v = GENERATED["variance_with_drift"]
    points_e, points_v, exact_e, exact_v, tol_e, tol_v = [], [], [], [], [], []
    for i in chosen:
        steps, tau = int(s.steps[i]), float(s.tau[i])
        common = (float(s.order_size[i]), steps * tau, tau, float(s.kappa[i]))
        points_e.append(
            (*common, float(s.gamma[i]), float(s.eta_tilde[i]), float(s.epsilon[i]), float(drift[i]))
        )
        points_v.append((*common, float(s.sigma[i]), float(s.eta_tilde[i]), float(drift[i])))
        e, v, e_terms, v_parts = mp_closed_moments(
            float(s.order_size[i]),
            steps,
            tau,
            float(s.kappa[i]),
            float(s.gamma[i]),
            float(s.eta_tilde[i]),
            float(s.epsilon[i]),
            float(s.sigma[i]),
            float(drift[i]),
        )
        exact_e.append(e)
        exact_v.append(v)
        tiny = np.finfo(np.float64).tiny
        tol_e.append(BOUND * max(1.0, float(e_terms / max(abs(e), tiny))))
        tol_v.append(BOUND * max(1.0, float(v_parts / max(abs(v), tiny))))
    with floating_point_flags() as flags:
        columns_e = [np.array(c) for c in zip(*points_e, strict=True)]
        columns_v = [np.array(c) for c in zip(*points_v, strict=True)]
        values_e = np.asarray(formulas.expected_cost_with_drift(*columns_e), dtype=np.float64).tolist()
        values_v = np.asarray(formulas.variance_with_drift(*columns_v), dtype=np.float64).tolist()
    rows = [
        compute_row(
            "expected_cost_with_drift",
            "generated",
            "mpmath",
            names_e,
            points_e,
            values_e,
            exact_e,
            BOUND,
            tol_e,
        ),
        compute_row(
            "variance_with_drift",
            "generated",
            "mpmath",
            names_v,
            points_v,
            values_v,
            exact_v,
            BOUND,
            tol_v,
        ),
    ]
    return [_with_flags(row, flags) for row in rows]


def _buyback_row(s: Domain, settings: Settings) -> Row:
    """buyback_fixed_cost on random schedules that buy and sell against its sum in mpmath."""
    from acsym.verify import mp_reference

    rng = np.random.default_rng(settings.seed + 20)
    reference = mp_reference("buyback_fixed_cost")
    points: list[tuple[Any, ...]] = []
    for i in range(0, s.size, 3):
        steps = min(int(s.steps[i]), 400)
        trades = s.order_size[i] * rng.normal(1.0 / steps, 1.0 / steps, steps)
        points.append((trades, float(s.epsilon[i])))
    with floating_point_flags() as flags:
        values = [float(formulas.buyback_fixed_cost(*point)) for point in points]
    exact = [mp_converged(reference, point) for point in points]
    names = GENERATED["buyback_fixed_cost"]
    row = compute_row("buyback_fixed_cost", "generated", "mpmath", names, points, values, exact, BOUND)
    return _with_flags(row, flags)


def rows(settings: Settings) -> list[Row]:
    """Every drift function against mpmath, and the runtime path against the QP with drift."""
    s, drift = _scenarios(settings)
    out = _pointwise_rows(_points(s, drift, settings))
    out.append(_schedule_cost_row(s, drift, settings))
    out += _closed_moment_rows(s, drift, settings)
    out.append(_buyback_row(s, settings))
    out += _qp_rows(s, drift, settings)
    return out


__all__ = ["POINTWISE", "mp_closed_moments", "mp_parts", "rows"]
