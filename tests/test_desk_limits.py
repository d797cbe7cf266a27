"""Lot rounding and the optimal schedule under limits (acsym.limits).

Oracles: the closed-form optimum (no bound binding), an independent scipy solve of E + lambda Var
written with the generated arbitrary-schedule formulas, and exact integer arithmetic for lots.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import acsym
from acsym import formulas, limits
from acsym._validate import InputWarning

pytest.importorskip("scipy")

PARAMS = acsym.calibrate_ac_params(5e6, 0.01, 0.02, 100.0, tau=1 / 78)
ORDER, STEPS = 500_000.0, 78


def objective(trades: np.ndarray, lam: float, params: acsym.AlmgrenChrissParams = PARAMS) -> float:
    """E + lambda Var from the generated formulas."""
    holdings = np.concatenate((np.cumsum(trades[::-1])[::-1], [0.0]))
    cost = formulas.schedule_expected_cost(trades, params.tau, params.gamma, params.eta_tilde, params.epsilon)
    return float(cost + lam * formulas.schedule_variance(holdings, params.tau, params.sigma))


# --- lot rounding ------------------------------------------------------------------------------


@given(
    st.integers(1, 10**7),
    st.integers(1, 100),
    st.sampled_from([0.0, 1e-7, 1e-5]),
    st.sampled_from([1.0, 10.0, 100.0, 250.0]),
)
@settings(max_examples=60)
def test_rounding_keeps_the_total_and_moves_no_interval_by_more_than_a_lot(
    order: int, steps: int, lam: float, lot: float
) -> None:
    schedule = acsym.generate_ac_trajectory(float(order), steps, PARAMS, lam)
    rounded = limits.round_to_lots(schedule, lot, PARAMS)
    trades = rounded.trade_sizes
    assert math.fsum(trades.tolist()) == order and rounded.holdings[0] == order  # exactly
    assert np.all(np.abs(trades - schedule.trade_sizes) <= lot)
    odd = [t for t in trades if t % lot != 0]
    assert len(odd) <= (order % lot != 0)  # whole lots, but one interval takes the odd lot
    assert np.all(trades >= 0)
    # priced again by the generated formulas
    assert rounded.params["expected_cost"] == pytest.approx(objective(trades, 0.0), rel=1e-12)
    assert rounded.strategy_name == "almgren_chriss_lots" and rounded.params["lot_size"] == lot


@given(st.lists(st.floats(0.0, 1e6), min_size=1, max_size=40), st.floats(0.5, 1e3))
def test_rounding_any_trades_is_largest_remainder(trades: list[float], lot: float) -> None:
    rounded = limits.round_to_lots(trades, lot)
    total = math.fsum(trades)
    assert math.fsum(rounded.tolist()) == pytest.approx(total, rel=1e-12, abs=1e-9)
    assert np.all(np.abs(rounded - np.array(trades)) <= lot * (1 + 1e-9))


def test_rounding_example_by_hand() -> None:
    # 10.5 + 20.3 + 30.2 = 61: floors give 60, the largest remainder (0.5) gets the last unit
    np.testing.assert_array_equal(limits.round_to_lots([10.5, 20.3, 30.2], 1.0), [11.0, 20.0, 30.0])
    # 250 shares in lots of 100: 83.3 each -> whole lots 0; two lots to the earliest ties, 50 odd
    np.testing.assert_array_equal(limits.round_to_lots([250 / 3] * 3, 100.0), [100.0, 100.0, 50.0])


def test_rounding_bad_values() -> None:
    with pytest.warns(InputWarning, match="lot_size"):
        assert np.all(np.isnan(limits.round_to_lots([1.0, 2.0], 0.0)))
    with pytest.warns(InputWarning, match="trades"):
        assert np.all(np.isnan(limits.round_to_lots([1.0, -2.0], 1.0)))
    with pytest.raises(TypeError, match="params"):
        limits.round_to_lots(acsym.generate_twap_trajectory(100.0, 4, PARAMS), 10.0)


# --- limits ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lam", [0.0, 1e-8, 1e-6, 1e-5, 1e-4])
def test_the_solver_reproduces_the_closed_form_when_no_bound_binds(lam: float) -> None:
    a = lam * PARAMS.sigma**2 * PARAMS.tau**2 / PARAMS.eta_tilde
    q, w = limits._quadratic(STEPS, a)
    fractions = limits._solve_bounded(q, w, np.zeros(STEPS), np.full(STEPS, np.inf))
    closed = acsym.generate_ac_trajectory(ORDER, STEPS, PARAMS, lam).trade_sizes
    np.testing.assert_allclose(ORDER * fractions, closed, rtol=1e-9, atol=1e-9 * ORDER)


@given(st.lists(st.floats(0.0, 1.0), min_size=STEPS, max_size=STEPS), st.sampled_from([0.0, 1e-6, 1e-4]))
@settings(max_examples=25)
def test_the_quadratic_form_is_the_generated_objective(weights: list[float], lam: float) -> None:
    u = np.array(weights) + 1e-3
    u /= u.sum()
    v = np.full(STEPS, 1.0 / STEPS)
    a = lam * PARAMS.sigma**2 * PARAMS.tau**2 / PARAMS.eta_tilde
    q, w = limits._quadratic(STEPS, a)
    scaled = (u @ q @ u - 2 * w @ u) - (v @ q @ v - 2 * w @ v)
    direct = objective(ORDER * u, lam) - objective(ORDER * v, lam)
    assert scaled * ORDER**2 * PARAMS.eta_tilde / PARAMS.tau == pytest.approx(direct, rel=1e-7, abs=1e-6)


def test_a_limit_that_does_not_bind_changes_nothing() -> None:
    free = acsym.generate_ac_trajectory(ORDER, STEPS, PARAMS, 1e-6)
    limited = limits.optimal_schedule_with_limits(
        ORDER, STEPS, PARAMS, 1e-6, max_child=1.01 * free.trade_sizes.max(), min_child=0.0
    )
    np.testing.assert_array_equal(limited.trade_sizes, free.trade_sizes)
    assert limited.params["limits_cost"] == 0 and limited.params["binding"] == ()


@given(st.floats(0.11, 0.5), st.sampled_from([1e-6, 1e-5, 1e-4]), st.booleans())
@settings(max_examples=10)
def test_limits_hold_exactly_and_the_solve_is_optimal(rate: float, lam: float, child: bool) -> None:
    kwargs = {"min_child": 500.0, "max_child": 30_000.0} if child else {}
    limited = limits.optimal_schedule_with_limits(
        ORDER, STEPS, PARAMS, lam, max_participation=rate, daily_volume=5e6, side="buy", **kwargs
    )
    trades = limited.trade_sizes
    lower, upper = np.array(limited.params["lower"]), np.array(limited.params["upper"])
    assert np.all(trades >= lower) and np.all(trades <= upper)
    assert trades.sum() == pytest.approx(ORDER, rel=1e-12)
    assert limited.params["limits_cost"] >= 0 and limited.params["side"] == "buy"
    # optimality certificate (KKT, sufficient for this convex problem) with the gradient of
    # E + lambda Var taken by central differences of the generated formulas (exact for a
    # quadratic up to rounding; epsilon adds the same constant to every entry, so it is dropped)
    smooth = dataclasses.replace(PARAMS, epsilon=0.0)
    step = 1.0
    gradient = np.array(
        [
            (objective(trades + step * e, lam, smooth) - objective(trades - step * e, lam, smooth))
            / (2 * step)
            for e in np.eye(STEPS)
        ]
    )
    tolerance = 1e-6 * np.max(np.abs(gradient))
    at_low, at_high = trades <= lower, trades >= upper
    free = ~(at_low | at_high)
    mu = -np.median(gradient[free])  # every free interval has the same marginal cost
    np.testing.assert_allclose(gradient[free] + mu, 0.0, atol=tolerance)
    assert np.all(gradient[at_low & ~at_high] + mu >= -tolerance)  # raising them would cost more
    assert np.all(gradient[at_high & ~at_low] + mu <= tolerance)  # lowering them would cost more


def test_limits_cost_is_reported_in_bps() -> None:
    limited = limits.optimal_schedule_with_limits(
        ORDER, STEPS, PARAMS, 1e-5, max_participation=0.1, daily_volume=5e6
    )
    free = acsym.generate_ac_trajectory(ORDER, STEPS, PARAMS, 1e-5)
    gap = objective(limited.trade_sizes, 1e-5) - objective(free.trade_sizes, 1e-5)
    assert limited.params["limits_cost"] == pytest.approx(gap, rel=1e-9)
    assert limited.params["limits_cost_bps"] == pytest.approx(gap / (ORDER * PARAMS.price) * 1e4, rel=1e-9)
    assert 1 in limited.params["binding"]


def test_limits_that_cannot_be_met() -> None:
    with pytest.warns(InputWarning, match="no schedule meets them"):
        limited = limits.optimal_schedule_with_limits(
            ORDER, STEPS, PARAMS, 1e-6, max_participation=0.05, daily_volume=5e6
        )
    assert np.all(np.isnan(limited.trade_sizes))
    with pytest.warns(InputWarning, match="no schedule meets them"):
        limits.optimal_schedule_with_limits(ORDER, STEPS, PARAMS, 1e-6, min_child=10_000.0)
    with pytest.raises(TypeError, match="daily_volume"):
        limits.optimal_schedule_with_limits(ORDER, STEPS, PARAMS, 1e-6, max_participation=0.2)


@pytest.mark.parametrize("lam", [1e-7, 1e-5, 1e-4])
def test_the_active_set_iteration_agrees_with_scipy(lam: float) -> None:
    volumes = acsym.desk.bucket_volumes(5e6, STEPS, PARAMS)
    low, high = np.full(STEPS, 100.0 / ORDER), 0.15 * volumes / ORDER
    a = lam * PARAMS.sigma**2 * PARAMS.tau**2 / PARAMS.eta_tilde
    q, w = limits._quadratic(STEPS, a)
    guess = acsym.generate_ac_trajectory(ORDER, STEPS, PARAMS, lam).trade_sizes / ORDER
    fast = limits._solve_bounded(q, w, low, high, guess=guess)
    scipy_then_polished = limits._solve_bounded(q, w, low, high)
    np.testing.assert_allclose(fast, scipy_then_polished, rtol=1e-9, atol=1e-12)
