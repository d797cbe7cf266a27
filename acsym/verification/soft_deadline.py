"""Verification of the soft-deadline functions: mpmath references and mpmath quadrature.

1. **mpmath.** ``holdings_soft_deadline``, ``expected_cost_soft_deadline`` and
   ``variance_soft_deadline`` against the textbook forms of :mod:`acsym.derivation.soft_deadline`
   (CJP's zeta form and the integrals of its square and of its rate's square, as SymPy computed
   them), at 50 or more digits; at kappa = 0 against the linear schedule's values (proofs
   ``soft_deadline_lambda_zero`` and ``soft_deadline_kappa_zero``).
2. **Quadrature.** The expected cost and variance against ``mpmath.quad`` of the CJP schedule
   and of its derivative: independent of the closed-form integration.

Scenarios: a subset of :func:`acsym.verify.domain` with kappa = kappa_continuous(lambda, sigma,
eta) and a terminal penalty alpha = gamma / 2 + r eta / T, r from 1e-6 to 1e6 or exactly 0.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import replace
from functools import cache
from typing import Any

import numpy as np

from acsym import formulas
from acsym.verify import (
    BOUND,
    DIGITS,
    Row,
    Settings,
    compute_row,
    domain,
    floating_point_flags,
    mp_converged,
)

FUNCTIONS = ("holdings_soft_deadline", "expected_cost_soft_deadline", "variance_soft_deadline")


@cache
def mp_reference(name: str) -> Any:
    """The textbook form of ``name`` as an mpmath function, with its kappa = 0 value as a branch."""
    import sympy as sp

    from acsym.derivation import soft_deadline
    from acsym.derivation.catalog import formulas as catalog
    from acsym.derivation.codegen import _runtime_names
    from acsym.derivation.symbols import T, X, eta, kappa, t

    (formula,) = [f for f in catalog() if f.name == name]
    c = soft_deadline.net_penalty
    at_zero = {
        "holdings_soft_deadline": X * (c * (T - t) + eta) / (c * T + eta),
        "expected_cost_soft_deadline": soft_deadline.expected_cost_stable().subs(kappa, 0),
        "variance_soft_deadline": soft_deadline.variance_stable().subs(kappa, 0),
    }[name]
    piecewise = sp.Piecewise((at_zero, sp.Eq(kappa, 0)), (formula.reference, True))
    arguments = [sp.Symbol(a) for a in formula.arguments]
    return sp.lambdify(arguments, _runtime_names(piecewise), modules="mpmath")


def _arguments(name: str) -> tuple[str, ...]:
    return tuple(inspect.signature(getattr(formulas, name)).parameters)


def _points(settings: Settings) -> dict[str, list[tuple[float, ...]]]:
    rng = np.random.default_rng(settings.seed + 25)
    scenarios = domain(quick=settings.quick, seed=settings.seed)
    finite = np.flatnonzero(np.isfinite(scenarios.risk_aversion))
    count = min(finite.size, 60 if settings.quick else 600)
    s = scenarios.take(np.sort(rng.choice(finite, count, replace=False)))
    horizon = s.horizon
    kappa = np.asarray(formulas.kappa_continuous(s.risk_aversion, s.sigma, s.eta), dtype=np.float64)
    ratio = np.where(rng.uniform(size=count) < 0.1, 0.0, 10 ** rng.uniform(-6, 6, count))
    alpha = s.gamma / 2 + ratio * s.eta / horizon
    points: dict[str, list[tuple[float, ...]]] = {name: [] for name in FUNCTIONS}
    for i in range(count):
        common = (float(s.eta[i]), float(s.gamma[i]))
        n = int(s.steps[i])
        for j in sorted({0, 1, n // 2, n - 1, n, *rng.integers(0, n + 1, 2).tolist()}):
            if 0 <= j <= n:
                time = min(j * float(s.tau[i]), float(horizon[i]))
                points["holdings_soft_deadline"].append(
                    (
                        float(s.order_size[i]),
                        time,
                        float(horizon[i]),
                        float(kappa[i]),
                        *common,
                        float(alpha[i]),
                    )
                )
        points["expected_cost_soft_deadline"].append(
            (
                float(s.order_size[i]),
                float(horizon[i]),
                float(kappa[i]),
                *common,
                float(s.epsilon[i]),
                float(alpha[i]),
            )
        )
        points["variance_soft_deadline"].append(
            (
                float(s.order_size[i]),
                float(horizon[i]),
                float(kappa[i]),
                float(s.sigma[i]),
                *common,
                float(alpha[i]),
            )
        )
    return points


def mp_quadrature(name: str, point: tuple[float, ...]) -> Any:
    """The expected cost or variance at ``point`` by mpmath.quad of the CJP schedule (and of its
    derivative, by mpmath.diff), at DIGITS digits."""
    import mpmath

    holdings = mp_reference("holdings_soft_deadline")
    with mpmath.workdps(DIGITS):
        if name == "variance_soft_deadline":
            x, horizon, kappa, sigma, eta, gamma, alpha = (mpmath.mpf(v) for v in point)

            def square(u: Any) -> Any:
                return holdings(x, u, horizon, kappa, eta, gamma, alpha) ** 2

            return sigma**2 * mpmath.quad(square, [0, horizon])
        x, horizon, kappa, eta, gamma, epsilon, alpha = (mpmath.mpf(v) for v in point)

        def path(u: Any) -> Any:
            return holdings(x, u, horizon, kappa, eta, gamma, alpha)

        def squared_rate(u: Any) -> Any:
            return mpmath.diff(path, u) ** 2

        integral = mpmath.quad(squared_rate, [0, horizon])
        return gamma * x**2 / 2 + epsilon * x + eta * integral + (alpha - gamma / 2) * path(horizon) ** 2


def _quadrature_rows(points: dict[str, list[tuple[float, ...]]], settings: Settings) -> list[Row]:
    """Expected cost and variance against :func:`mp_quadrature` (0 < kappa T <= 30, where the
    integrand is smooth enough for quadrature to settle quickly)."""
    rows = []
    limit = 12 if settings.quick else 60
    for name in ("expected_cost_soft_deadline", "variance_soft_deadline"):
        chosen = [p for p in points[name] if 0 < p[1] * p[2] <= 30][:limit]
        values = [float(getattr(formulas, name)(*point)) for point in chosen]
        exact = [mp_quadrature(name, point) for point in chosen]
        row = compute_row(name, "generated", "mpmath.quad", _arguments(name), chosen, values, exact, 1e-12)
        rows.append(replace(row, form="generated vs quadrature"))
    return rows


def rows(settings: Settings) -> list[Row]:
    """Every soft-deadline function against mpmath, and its cost and variance against quadrature."""
    points = _points(settings)
    out = []
    for name, rows_of_name in points.items():
        reference = mp_reference(name)
        columns = [np.array(c) for c in zip(*rows_of_name, strict=True)]
        with floating_point_flags() as flags:
            values = np.asarray(getattr(formulas, name)(*columns), dtype=np.float64).tolist()
        exact = [mp_converged(reference, point) for point in rows_of_name]
        row = compute_row(name, "generated", "mpmath", _arguments(name), rows_of_name, values, exact, BOUND)
        out.append(replace(row, warnings=tuple(sorted(flags))))
    out += _quadrature_rows(points, settings)
    assert all(math.isfinite(r.worst_error) for r in out)
    return out


__all__ = ["FUNCTIONS", "mp_quadrature", "mp_reference", "rows"]
