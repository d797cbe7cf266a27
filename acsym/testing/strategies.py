"""Hypothesis strategies that generate valid Almgren-Chriss inputs.

Requires hypothesis (``pip install "acsym[test]"``). Use them to property-test your own
execution code against the model::

    from hypothesis import given
    from acsym.testing.strategies import ac_problems

    @given(ac_problems())
    def test_my_scheduler(problem):
        ...

Every strategy draws magnitudes log-uniformly so each order of magnitude is visited, and by
default produces only inputs inside the model's domain (eta_tilde > 0).
"""

from __future__ import annotations

import functools
import math
import sys
from typing import Any, NamedTuple

from hypothesis import reject
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from acsym import formulas
from acsym.model import AlmgrenChrissParams

__all__ = [
    "MAX_KAPPA_TAU",
    "PRICE_RANGE",
    "TAU_RANGE",
    "ACProblem",
    "ac_problems",
    "durations",
    "log_uniform",
    "model_params",
    "order_sizes",
    "risk_aversions",
]


#: the ranges the strategies accept for prices [currency / share] and tau [time units]: wide,
#: and inside them every drawn parameter set and problem is one acsym computes without warning
PRICE_RANGE = (1e-100, 1e100)
TAU_RANGE = (1e-12, 1e12)
#: kappa tau of a drawn problem is at most this: past it every schedule sells all but e^-300
#: of the order at once
MAX_KAPPA_TAU = 300.0


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidArgument(f"{name}={value!r} must be a real number, got {type(value).__name__}")
    try:
        return float(value)
    except OverflowError:
        raise InvalidArgument(f"{name}={value!r} is too large for a float") from None


def _check_range(
    name: str, min_value: float, max_value: float, lowest: float, highest: float = math.inf
) -> None:
    """InvalidArgument unless lowest <= min_value <= max_value <= highest, all finite."""
    low, high = _number(f"{name}: min_value", min_value), _number(f"{name}: max_value", max_value)
    if not (math.isfinite(low) and math.isfinite(high)):
        raise InvalidArgument(f"{name}: min_value and max_value must be finite")
    if low < lowest:
        raise InvalidArgument(f"{name}: min_value={min_value!r} must be >= {lowest!r}")
    if high > highest:
        raise InvalidArgument(f"{name}: max_value={max_value!r} must be <= {highest!r}")
    if low > high:
        raise InvalidArgument(f"{name}: min_value={min_value!r} > max_value={max_value!r}; swap them")


def _power_of_ten(exponent: float, min_value: float, max_value: float) -> float:
    """10**exponent clipped to [min_value, max_value] (rounding of log10 never escapes them)."""
    try:
        value = 10.0**exponent
    except OverflowError:
        value = max_value
    return min(max(value, min_value), max_value)


@functools.cache  # strategies are immutable: one object per range spares Hypothesis re-checking it
def log_uniform(*, min_value: float, max_value: float) -> st.SearchStrategy[float]:
    """Floats in [min_value, max_value] (both > 0), uniform in log10. Requires hypothesis."""
    _check_range("log_uniform", min_value, max_value, lowest=math.ulp(0.0))
    low, high = math.log10(min_value), math.log10(max_value)
    return st.floats(low, high).map(lambda e: _power_of_ten(e, min_value, max_value))


def order_sizes(*, min_value: float = 1.0, max_value: float = 1e9) -> st.SearchStrategy[float]:
    """Order sizes [shares], log-uniform in [min_value, max_value]. Requires hypothesis."""
    return log_uniform(min_value=min_value, max_value=max_value)


@functools.cache
def durations(*, min_value: int = 1, max_value: int = 2000) -> st.SearchStrategy[int]:
    """Numbers of trading intervals N (integers >= 1). Requires hypothesis."""
    for name, value in (("min_value", min_value), ("max_value", max_value)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidArgument(f"durations: {name}={value!r} must be an integer")
    _check_range("durations", min_value, max_value, lowest=1)
    return st.integers(min_value, max_value)


def risk_aversions(
    *, min_value: float = 1e-12, max_value: float = 1e-2, allow_zero: bool = True
) -> st.SearchStrategy[float]:
    """Risk aversions lambda [1 / currency]: log-uniform, plus exactly 0 when ``allow_zero``.

    Requires hypothesis.
    """
    positive = log_uniform(min_value=min_value, max_value=max_value)
    return st.one_of(st.just(0.0), positive) if allow_zero else positive


#: gamma tau / (2 eta) (no subnormal fractions), and epsilon / price: built once
_GAMMA_SHARE = st.one_of(st.just(0.0), st.floats(1e-6, 0.99))
_EPSILON_SHARE = st.one_of(st.just(0.0), log_uniform(min_value=1e-5, max_value=1e-2))


def model_params(
    *,
    tau: float | None = None,
    min_price: float = 0.01,
    max_price: float = 1e5,
) -> st.SearchStrategy[AlmgrenChrissParams]:
    """Valid :class:`~acsym.AlmgrenChrissParams` (eta_tilde > 0, every field finite).

    ``tau`` fixes the interval length, within :data:`TAU_RANGE` (1e-12 to 1e12); by default it
    ranges from one minute of a 6.5-hour day (1/390) to 90 days. Impacts and volatility scale
    with the price so every price level from ``min_price`` to ``max_price`` (within
    :data:`PRICE_RANGE`, 1e-100 to 1e100) gives realistic costs. Bad arguments raise
    hypothesis' InvalidArgument when the strategy is built. Requires hypothesis.
    """
    if tau is not None:
        step = _number("model_params: tau", tau)
        if not TAU_RANGE[0] <= step <= TAU_RANGE[1]:  # False for NaN
            raise InvalidArgument(f"model_params: tau={tau!r} must lie in {TAU_RANGE} (or be None)")
    _check_range("model_params", min_price, max_price, lowest=PRICE_RANGE[0], highest=PRICE_RANGE[1])
    return _model_params(None if tau is None else float(tau), float(min_price), float(max_price))


@st.composite
def _model_params(draw: Any, tau: float | None, min_price: float, max_price: float) -> AlmgrenChrissParams:
    step = tau if tau is not None else draw(log_uniform(min_value=1 / 390, max_value=90.0))
    price = draw(log_uniform(min_value=min_price, max_value=max_price))
    eta = price * draw(log_uniform(min_value=1e-12, max_value=1e-3))
    # gamma below 2 eta / tau keeps eta_tilde = eta - gamma tau / 2 > 0 (no subnormal fractions)
    gamma = 2 * eta / step * draw(_GAMMA_SHARE)
    sigma = price * draw(log_uniform(min_value=1e-4, max_value=0.2))
    epsilon = price * draw(_EPSILON_SHARE)
    return AlmgrenChrissParams(eta=eta, gamma=gamma, sigma=sigma, tau=step, epsilon=epsilon, price=price)


class ACProblem(NamedTuple):
    """One optimal-execution problem: the arguments of :func:`acsym.generate_ac_trajectory`."""

    order_size: float
    duration_periods: int
    params: AlmgrenChrissParams
    risk_aversion: float


def ac_problems(
    *,
    max_periods: int = 2000,
    min_kappa_horizon: float = 1e-8,
    max_kappa_horizon: float = 5e3,
    allow_zero_risk_aversion: bool = True,
    params: st.SearchStrategy[AlmgrenChrissParams] | None = None,
    orders: st.SearchStrategy[float] | None = None,
    min_periods: int = 1,
) -> st.SearchStrategy[ACProblem]:
    """Problems whose schedules range from TWAP (lambda = 0) to kappa * T = ``max_kappa_horizon``.

    lambda is drawn through kappa * T (log-uniform in [min_kappa_horizon, max_kappa_horizon]),
    since that is what shapes the schedule: lambda = eta_tilde (2 sinh(kappa tau / 2) / tau)**2
    / sigma**2. kappa tau stays at most :data:`MAX_KAPPA_TAU` (300): N is drawn from the
    periods that allow the drawn kappa T, so kappa T is never other than asked, and
    ``min_kappa_horizon`` must be at most 300 * ``max_periods``. kappa T values above
    300 * ``max_periods`` cannot be drawn. ``params`` and ``orders`` replace the default
    strategies of the parameters and of the order size [shares]; N is at least ``min_periods``.
    Bad arguments raise hypothesis' InvalidArgument. Requires hypothesis.
    """
    if isinstance(max_periods, bool) or not isinstance(max_periods, int) or max_periods < 1:
        raise InvalidArgument(f"ac_problems: max_periods={max_periods!r} must be an integer >= 1")
    if (
        isinstance(min_periods, bool)
        or not isinstance(min_periods, int)
        or not 1 <= min_periods <= max_periods
    ):
        raise InvalidArgument(
            f"ac_problems: min_periods={min_periods!r} must be an integer in [1, max_periods]"
        )
    if orders is not None and not isinstance(orders, st.SearchStrategy):
        raise InvalidArgument(f"ac_problems: orders={orders!r} must be a strategy of floats")
    _check_range("ac_problems", min_kappa_horizon, max_kappa_horizon, lowest=1e-12)
    reachable = MAX_KAPPA_TAU * max_periods
    if min_kappa_horizon > reachable:
        raise InvalidArgument(
            f"ac_problems: min_kappa_horizon={min_kappa_horizon!r} needs more than "
            f"max_periods={max_periods!r} periods (kappa tau is at most {MAX_KAPPA_TAU:g}); "
            f"raise max_periods to at least {math.ceil(min_kappa_horizon / MAX_KAPPA_TAU)}"
        )
    if params is not None and not isinstance(params, st.SearchStrategy):
        raise InvalidArgument(f"ac_problems: params={params!r} must be a strategy of AlmgrenChrissParams")
    if not isinstance(allow_zero_risk_aversion, bool):
        raise InvalidArgument(
            f"ac_problems: allow_zero_risk_aversion={allow_zero_risk_aversion!r} must be a bool"
        )
    return _ac_problems(
        max_periods,
        float(min_kappa_horizon),
        min(float(max_kappa_horizon), reachable),
        allow_zero_risk_aversion,
        params if params is not None else model_params(),
        orders if orders is not None else order_sizes(),
        min_periods,
    )


@st.composite
def _ac_problems(
    draw: Any,
    max_periods: int,
    min_kappa_horizon: float,
    max_kappa_horizon: float,
    allow_zero_risk_aversion: bool,
    params: st.SearchStrategy[AlmgrenChrissParams],
    orders: st.SearchStrategy[float],
    min_periods: int,
) -> ACProblem:
    p = draw(params)
    if not isinstance(p, AlmgrenChrissParams) or p.problems() or not p.eta_tilde > 0 or not p.sigma > 0:
        raise InvalidArgument(f"ac_problems: params drew {p!r}, not valid AlmgrenChrissParams with sigma > 0")
    order = draw(orders)
    if allow_zero_risk_aversion and draw(st.booleans()) and draw(st.booleans()):
        return ACProblem(order, draw(durations(min_value=min_periods, max_value=max_periods)), p, 0.0)
    kappa_horizon = draw(log_uniform(min_value=min_kappa_horizon, max_value=max_kappa_horizon))
    fewest = min(max(min_periods, math.ceil(kappa_horizon / MAX_KAPPA_TAU)), max_periods)
    steps = draw(durations(min_value=fewest, max_value=max_periods))
    kappa_tau = min(kappa_horizon / steps, MAX_KAPPA_TAU)
    eta_tilde = float(formulas.eta_tilde(p.eta, p.gamma, p.tau))
    lam = eta_tilde * (2 * math.sinh(kappa_tau / 2) / p.tau) ** 2 / p.sigma**2
    if not (math.isfinite(lam) and lam >= sys.float_info.min):
        reject()  # no double lambda gives this kappa T at these params: draw another problem
    return ACProblem(order, steps, p, lam)
