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
    from collections.abc import Callable, Sequence

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
    if quantity == "holdings":
        names, expr = sensitivity.HOLDINGS_ARGUMENT_NAMES, sensitivity.holdings_reference(parameter)
    else:
        names, expr = sensitivity.ARGUMENT_NAMES, sensitivity.reference(quantity, parameter)
    function = sp.lambdify([sp.Symbol(a) for a in names], _runtime_names(expr), modules="mpmath")

    def reference(*args: Any) -> Any:
        # arccosh(1 + y) near y = 0 (kappa T ~ 1e-12) can round 1 + y to 1 at 50 digits
        try:
            return function(*args)
        except ZeroDivisionError:
            import mpmath

            with mpmath.extradps(200):
                return +function(*args)

    return reference


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


def holdings_arguments(scenarios: Domain) -> dict[str, np.ndarray]:
    """The holdings sensitivities' arguments: each scenario at steps 1, N // 2 and N - 1."""
    columns = arguments(scenarios)
    steps = scenarios.steps
    times = np.stack([np.ones_like(steps), steps // 2, steps - 1], axis=-1)
    keep = times >= 1
    out = {name: np.repeat(values[:, None], 3, axis=1)[keep] for name, values in columns.items()}
    out["time"] = (times * scenarios.tau[:, None])[keep].astype(np.float64)
    return out


def scale(quantity: str, parameter: str, columns: dict[str, np.ndarray]) -> np.ndarray:
    """Q / |p|: the natural size of d Q / d p (Q the expected cost, sigma**2 X**2 T, or X)."""
    c = columns
    if quantity == "holdings":
        value = c["order_size"]
    elif quantity == "expected_cost":
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

    scenarios = checked(verify.domain(quick=settings.quick, seed=settings.seed))
    if not settings.quick and scenarios.size > FULL_SCENARIOS:
        rng = np.random.default_rng(settings.seed + 17)
        scenarios = scenarios.take(np.sort(rng.choice(scenarios.size, FULL_SCENARIOS, replace=False)))
    columns = arguments(scenarios)
    at_times = holdings_arguments(scenarios)
    out = []
    for name in formulas.__all__:
        if "_d_" not in name:
            continue
        quantity, parameter = name.split("_d_")
        names = verify.GENERATED[name]
        table = at_times if quantity == "holdings" else columns
        points = list(zip(*(table[a].tolist() for a in names), strict=True))
        with verify.floating_point_flags() as flags:
            values = np.asarray(getattr(formulas, name)(*(table[a] for a in names)), dtype=np.float64)
        floor = FLOOR * scale(quantity, parameter, table)
        reference = mp_reference(name)
        exact = [verify.mp_converged(reference, point) for point in points]
        out.append(_row(name, names, points, values, exact, floor, tuple(sorted(flags))))
    return out


def _row(
    name: str,
    names: tuple[str, ...] | Sequence[str],
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
