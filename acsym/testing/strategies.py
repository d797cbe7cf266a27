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
from typing import Any, NamedTuple

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from acsym import formulas
from acsym.model import AlmgrenChrissParams

__all__ = [
    "ACProblem",
    "ac_problems",
    "durations",
    "log_uniform",
    "model_params",
    "order_sizes",
    "risk_aversions",
]


def _check_range(name: str, min_value: float, max_value: float, lowest: float) -> None:
    if not (math.isfinite(min_value) and math.isfinite(max_value)):
        raise InvalidArgument(f"{name}: min_value and max_value must be finite")
    if min_value < lowest:
        raise InvalidArgument(f"{name}: min_value={min_value!r} must be >= {lowest!r}")
    if min_value > max_value:
        raise InvalidArgument(f"{name}: min_value={min_value!r} > max_value={max_value!r}; swap them")


@functools.cache  # strategies are immutable: one object per range spares Hypothesis re-checking it
def log_uniform(*, min_value: float, max_value: float) -> st.SearchStrategy[float]:
    """Floats in [min_value, max_value] (both > 0), uniform in log10. Requires hypothesis."""
    _check_range("log_uniform", min_value, max_value, lowest=math.ulp(0.0))
    low, high = math.log10(min_value), math.log10(max_value)
    return st.floats(low, high).map(lambda e: min(max(10.0**e, min_value), max_value))


def order_sizes(*, min_value: float = 1.0, max_value: float = 1e9) -> st.SearchStrategy[float]:
    """Order sizes [shares], log-uniform in [min_value, max_value]. Requires hypothesis."""
    return log_uniform(min_value=min_value, max_value=max_value)


@functools.cache
def durations(*, min_value: int = 1, max_value: int = 2000) -> st.SearchStrategy[int]:
    """Numbers of trading intervals N (integers >= 1). Requires hypothesis."""
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


#: gamma tau / (2 eta), and epsilon / price: built once (a strategy per draw costs Hypothesis time)
_GAMMA_SHARE = st.floats(0.0, 0.99)
_EPSILON_SHARE = st.one_of(st.just(0.0), log_uniform(min_value=1e-5, max_value=1e-2))


@st.composite
def model_params(
    draw: Any,
    *,
    tau: float | None = None,
    min_price: float = 0.01,
    max_price: float = 1e5,
) -> AlmgrenChrissParams:
    """Valid :class:`~acsym.AlmgrenChrissParams` (eta_tilde > 0, every field finite).

    ``tau`` fixes the interval length; by default it ranges from one minute of a 6.5-hour day
    (1/390) to 90 days. Impacts and volatility scale with the price so every price level from
    ``min_price`` to ``max_price`` gives realistic costs. Requires hypothesis.
    """
    _check_range("model_params", min_price, max_price, lowest=math.ulp(0.0))
    step = tau if tau is not None else draw(log_uniform(min_value=1 / 390, max_value=90.0))
    price = draw(log_uniform(min_value=min_price, max_value=max_price))
    eta = price * draw(log_uniform(min_value=1e-12, max_value=1e-3))
    # gamma below 2 eta / tau keeps eta_tilde = eta - gamma tau / 2 > 0
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


@st.composite
def ac_problems(
    draw: Any,
    *,
    max_periods: int = 2000,
    min_kappa_horizon: float = 1e-8,
    max_kappa_horizon: float = 5e3,
    allow_zero_risk_aversion: bool = True,
    params: st.SearchStrategy[AlmgrenChrissParams] | None = None,
    orders: st.SearchStrategy[float] | None = None,
    min_periods: int = 1,
) -> ACProblem:
    """Problems whose schedules range from TWAP (lambda = 0) to kappa * T = ``max_kappa_horizon``.

    lambda is drawn through kappa * T (log-uniform), since that is what shapes the schedule:
    lambda = eta_tilde (2 sinh(kappa tau / 2) / tau)**2 / sigma**2. ``params`` and ``orders``
    replace the default strategies of the parameters and of the order size [shares]; N is drawn
    from ``min_periods`` to ``max_periods``. Requires hypothesis.
    """
    _check_range("ac_problems", min_kappa_horizon, max_kappa_horizon, lowest=math.ulp(0.0))
    p = draw(params if params is not None else model_params())
    order = draw(orders if orders is not None else order_sizes())
    steps = draw(durations(min_value=min_periods, max_value=max_periods))
    if allow_zero_risk_aversion and draw(st.booleans()) and draw(st.booleans()):
        return ACProblem(order, steps, p, 0.0)
    kappa_horizon = draw(log_uniform(min_value=min_kappa_horizon, max_value=max_kappa_horizon))
    kappa_tau = kappa_horizon / steps
    eta_tilde = float(formulas.eta_tilde(p.eta, p.gamma, p.tau))
    # past kappa tau ~ 300 every schedule sells all but e^-300 at once: cap it there
    kappa_tilde = 2 * math.sinh(min(kappa_tau, 300.0) / 2) / p.tau
    lam = eta_tilde * kappa_tilde**2 / p.sigma**2
    if not (math.isfinite(lam) and lam > 0):
        lam = 0.0
    return ACProblem(order, steps, p, lam)
