"""The exported Hypothesis strategies (acsym.testing.strategies): bad arguments raise
InvalidArgument when the strategy is built, and every drawn value is what was asked for."""

from __future__ import annotations

import math
import sys
import warnings
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import acsym
from acsym import formulas
from acsym.testing.strategies import (
    MAX_KAPPA_TAU,
    ac_problems,
    durations,
    log_uniform,
    model_params,
    order_sizes,
)


@pytest.mark.parametrize(
    "tau", [0, 0.0, -1.0, math.nan, math.inf, -math.inf, 1e300, 1e-300, 10**400, True, "1"]
)
def test_model_params_rejects_a_bad_tau(tau: Any) -> None:
    with pytest.raises(InvalidArgument, match="tau"):
        model_params(tau=tau)


@pytest.mark.parametrize(
    "arguments",
    [
        {"min_price": 0.0},
        {"min_price": -1.0},
        {"max_price": math.inf},
        {"min_price": math.nan},
        {"min_price": 10.0, "max_price": 1.0},
        {"max_price": 1e200},
        {"min_price": 1e-200},
    ],
)
def test_model_params_rejects_bad_prices(arguments: dict[str, float]) -> None:
    with pytest.raises(InvalidArgument, match="model_params"):
        model_params(**arguments)


@pytest.mark.parametrize(
    "arguments",
    [
        {"min_kappa_horizon": 1e3, "max_periods": 1},
        {"min_kappa_horizon": 0.0},
        {"min_kappa_horizon": math.nan},
        {"max_kappa_horizon": math.inf},
        {"min_kappa_horizon": 10.0, "max_kappa_horizon": 1.0},
        {"max_periods": 0},
        {"max_periods": 2.5},
        {"params": "not a strategy"},
        {"allow_zero_risk_aversion": 1},
    ],
)
def test_ac_problems_rejects_bad_arguments(arguments: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument, match="ac_problems"):
        ac_problems(**arguments)


@pytest.mark.parametrize(
    "arguments", [{"min_value": 0}, {"min_value": 3, "max_value": 2}, {"max_value": 2.5}]
)
def test_durations_rejects_bad_arguments(arguments: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument, match="durations"):
        durations(**arguments)


def _kappa_horizon(problem: Any) -> float:
    p = problem.params
    kappa = float(formulas.kappa(problem.risk_aversion, p.sigma, p.eta_tilde, p.tau))
    return kappa * p.tau * problem.duration_periods


@settings(max_examples=200, deadline=None)
@given(data=st.data(), low=st.floats(1e-6, 3e4), width=st.floats(1.0, 1e4), periods=st.integers(1, 300))
def test_ac_problems_give_the_kappa_horizon_asked_for(
    data: Any, low: float, width: float, periods: int
) -> None:
    """kappa T (recomputed by acsym from lambda) lies in [min, max] whatever the bounds, as long
    as they are reachable: no more kappa T = 300 at N = 1 when 1e3 was asked."""
    high = low * width
    if low > MAX_KAPPA_TAU * periods:
        with pytest.raises(InvalidArgument):
            ac_problems(min_kappa_horizon=low, max_kappa_horizon=high, max_periods=periods)
        return
    strategy = ac_problems(
        min_kappa_horizon=low, max_kappa_horizon=high, max_periods=periods, allow_zero_risk_aversion=False
    )
    problem = data.draw(strategy)
    assert 1 <= problem.duration_periods <= periods
    assert problem.risk_aversion >= sys.float_info.min and math.isfinite(problem.risk_aversion)
    horizon = _kappa_horizon(problem)
    assert low * (1 - 1e-9) <= horizon <= min(high, MAX_KAPPA_TAU * periods) * (1 + 1e-9)


def test_the_audit_case_min_kappa_horizon_1e3() -> None:
    @settings(max_examples=100, deadline=None)
    @given(ac_problems(min_kappa_horizon=1e3, allow_zero_risk_aversion=False))
    def check(problem: Any) -> None:
        assert problem.duration_periods >= 1e3 / MAX_KAPPA_TAU
        assert _kappa_horizon(problem) >= 1e3 * (1 - 1e-9)

    check()


@settings(max_examples=100, deadline=None)
@given(ac_problems())
def test_drawn_problems_compute_without_warnings(problem: Any) -> None:
    assert not problem.params.problems() and problem.params.eta_tilde > 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trajectory = acsym.generate_ac_trajectory(*problem)
    assert math.isfinite(trajectory.total_cost_estimate)


@settings(max_examples=100, deadline=None)
@given(
    data=st.data(),
    tau=st.one_of(st.none(), st.floats(1e-12, 1e12)),
    low=st.floats(-100, 100),
    span=st.floats(0, 50),
)
def test_model_params_stay_inside_their_ranges(data: Any, tau: float | None, low: float, span: float) -> None:
    min_price, max_price = 10.0**low, 10.0 ** min(low + span, 100.0)
    params = data.draw(model_params(tau=tau, min_price=min_price, max_price=max_price))
    assert not params.problems() and params.eta_tilde > 0
    assert min_price <= params.price <= max_price
    if tau is not None:
        assert params.tau == tau
    assert params.gamma == 0 or params.gamma >= sys.float_info.min


@given(order_sizes(min_value=1e300, max_value=sys.float_info.max))
def test_log_uniform_reaches_the_largest_float_without_overflow(value: float) -> None:
    assert 1e300 <= value <= sys.float_info.max


@given(log_uniform(min_value=5e-324, max_value=1e-300))
def test_log_uniform_reaches_subnormals(value: float) -> None:
    assert 5e-324 <= value <= 1e-300
