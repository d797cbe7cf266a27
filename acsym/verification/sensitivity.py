"""The sensitivities (``expected_cost_d_*``, ``variance_d_*``) against mpmath.

The reference is SymPy's plain derivative of the textbook closed form in the model parameters
(:func:`acsym.derivation.sensitivity.reference`), evaluated in mpmath at 50 digits or more until
it settles. A derivative can be 0 where its quantity is not (the variance's, at N = 1; any of
them at a turning point), so each error is relative to ``max(|exact|, Q / |p| / 100)``, Q being
the expected cost or sigma**2 X**2 T and p the parameter: near such a point the error is
measured against the scale of the derivative's terms, as for a root of any function.
"""

from __future__ import annotations

import math
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from acsym import formulas

if TYPE_CHECKING:
    from collections.abc import Callable

    from acsym.verify import Domain, Row, Settings

#: the share of Q / p below which a derivative's error is measured against Q / p / 100
FLOOR = 1e-2
#: scenarios checked in the full sweep (every one in ``--quick``)
FULL_SCENARIOS = 1500


@cache
def mp_reference(name: str) -> Callable[..., Any]:
    """SymPy's derivative of the textbook form, as an mpmath function of the runtime arguments."""
    import sympy as sp

    from acsym.derivation import sensitivity
    from acsym.derivation.codegen import _runtime_names

    quantity, parameter = name.split("_d_")
    arguments = [sp.Symbol(a) for a in sensitivity.ARGUMENT_NAMES]
    return sp.lambdify(
        arguments, _runtime_names(sensitivity.reference(quantity, parameter)), modules="mpmath"
    )


def arguments(scenarios: Domain) -> dict[str, np.ndarray]:
    """The sensitivity functions' arguments, one entry per scenario."""
    s = scenarios
    return {
        "order_size": s.order_size,
        "horizon": s.horizon.astype(np.float64),
        "tau": s.tau,
        "sigma": s.sigma,
        "eta": s.eta,
        "gamma": s.gamma,
        "epsilon": s.epsilon,
        "risk_aversion": s.risk_aversion,
    }


def scale(quantity: str, parameter: str, columns: dict[str, np.ndarray]) -> np.ndarray:
    """Q / |p|: the natural size of d Q / d p (Q the expected cost, or sigma**2 X**2 T)."""
    c = columns
    if quantity == "expected_cost":
        eta_tilde = formulas.eta_tilde(c["eta"], c["gamma"], c["tau"])
        kappa = formulas.kappa(c["risk_aversion"], c["sigma"], eta_tilde, c["tau"])
        value = formulas.expected_cost(
            c["order_size"], c["horizon"], c["tau"], kappa, c["gamma"], eta_tilde, c["epsilon"]
        )
    else:
        value = c["sigma"] ** 2 * c["order_size"] ** 2 * c["horizon"]
    return np.asarray(np.abs(value) / np.abs(c[parameter]), dtype=np.float64)


def checked(scenarios: Domain) -> Domain:
    """Scenarios with lambda > 0 finite and every parameter > 0 (the textbook form is 0/0 at
    lambda = 0, where the tests check the limit instead)."""
    s = scenarios
    keep = np.isfinite(s.risk_aversion) & (s.risk_aversion > 0) & (s.gamma > 0)
    return s.take(np.flatnonzero(keep))


def rows(settings: Settings) -> list[Row]:
    """One row per sensitivity function: the generated values against mpmath."""
    from acsym import verify
    from acsym.derivation.sensitivity import ARGUMENT_NAMES

    scenarios = checked(verify.domain(quick=settings.quick, seed=settings.seed))
    if not settings.quick and scenarios.size > FULL_SCENARIOS:
        rng = np.random.default_rng(settings.seed + 17)
        scenarios = scenarios.take(np.sort(rng.choice(scenarios.size, FULL_SCENARIOS, replace=False)))
    columns = arguments(scenarios)
    points = list(zip(*(columns[a].tolist() for a in ARGUMENT_NAMES), strict=True))
    out = []
    for name in formulas.__all__:
        if "_d_" not in name:
            continue
        quantity, parameter = name.split("_d_")
        with verify.floating_point_flags() as flags:
            values = np.asarray(
                getattr(formulas, name)(*(columns[a] for a in ARGUMENT_NAMES)), dtype=np.float64
            )
        floor = FLOOR * scale(quantity, parameter, columns)
        reference = mp_reference(name)
        exact = [verify.mp_converged(reference, point) for point in points]
        out.append(_row(name, ARGUMENT_NAMES, points, values, exact, floor, tuple(sorted(flags))))
    return out


def _row(
    name: str,
    names: tuple[str, ...],
    points: list[tuple[float, ...]],
    values: np.ndarray,
    exact: list[Any],
    floor: np.ndarray,
    warnings: tuple[str, ...],
) -> Row:
    import mpmath

    from acsym import verify

    errors = []
    with mpmath.workdps(verify.DIGITS):
        for value, reference, least in zip(values.tolist(), exact, floor.tolist(), strict=True):
            if not math.isfinite(value):
                errors.append(math.inf)
                continue
            denominator = max(abs(reference), mpmath.mpf(least), mpmath.mpf(verify.TINY))
            errors.append(float(abs(mpmath.mpf(value) - reference) / denominator))
    array = np.asarray(errors)
    finite = np.isfinite(values)
    over = np.flatnonzero(~(array <= verify.BOUND))
    worst = int(np.argmax(np.where(finite, array, -1.0))) if len(array) else 0
    bad = tuple(
        verify.BadPoint(
            dict(zip(names, points[i], strict=True)), float(values[i]), float(exact[i]), errors[i]
        )
        for i in over
    )
    return verify.Row(
        function=name,
        form="generated",  # each error relative to max(|exact|, Q / p / 100): see the module
        oracle="mpmath",
        points=len(values),
        worst_error=float(array[worst]) if len(array) else 0.0,
        worst_at=dict(zip(names, points[worst], strict=True)) if points else {},
        nonfinite=int(np.count_nonzero(~finite)),
        over_bound=len(over),
        bound=verify.BOUND,
        bad=bad,
        warnings=warnings,
    )
