"""Desk features: pricing any schedule, both sides, risk targets, POV (acsym.desk).

Oracles: the expected cost rebuilt trade by trade from the model's price dynamics, the variance
as sigma**2 tau sum x_k**2 in exact rational arithmetic, and the frontier's closed forms.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import acsym
from acsym import desk
from acsym._validate import InputWarning

PARAMS = acsym.calibrate_ac_params(5e6, 0.01, 0.02, 100.0, tau=1 / 78)
ORDER, STEPS = 500_000.0, 78


def trade_by_trade_cost(trades: np.ndarray, params: acsym.AlmgrenChrissParams, side: str) -> float:
    """Expected shortfall from the dynamics: trade k executes at S_{k-1} -/+ (epsilon + eta v_k)
    with E[S_{k-1}] = S_0 -/+ gamma (shares traded before), - for a sell, + for a buy."""
    sign = 1.0 if side == "buy" else -1.0
    before, total = 0.0, 0.0
    for n in trades:
        expected_price = sign * params.gamma * before + sign * (params.epsilon + params.eta * n / params.tau)
        total += sign * n * expected_price  # buy: paid above S_0; sell: received below S_0
        before += n
    return total


def exact_variance(holdings: np.ndarray, params: acsym.AlmgrenChrissParams) -> float:
    return float(
        Fraction(params.sigma) ** 2
        * Fraction(params.tau)
        * sum(Fraction(float(x)) ** 2 for x in holdings[1:])
    )


trade_lists = st.lists(st.floats(1.0, 1e5), min_size=2, max_size=30).map(np.array)


@given(trade_lists, st.sampled_from(["sell", "buy"]))
@pytest.mark.filterwarnings("ignore:the schedule's variance:acsym.InputWarning")
def test_any_schedule_priced_from_first_principles(trades: np.ndarray, side: str) -> None:
    result = desk.evaluate_schedule(trades, PARAMS, side=side)
    assert result.expected_cost == pytest.approx(trade_by_trade_cost(trades, PARAMS, side), rel=1e-12)
    assert result.variance == pytest.approx(exact_variance(result.trajectory.holdings, PARAMS), rel=1e-12)
    notional = trades.sum() * PARAMS.price
    assert result.expected_cost_bps == pytest.approx(result.expected_cost / notional * 1e4, rel=1e-12)
    assert result.std_bps == pytest.approx(math.sqrt(result.variance) / notional * 1e4, rel=1e-12)


@given(trade_lists)
@settings(max_examples=40)
@pytest.mark.filterwarnings("ignore:the schedule's variance:acsym.InputWarning")
def test_a_buy_mirrors_a_sell(trades: np.ndarray) -> None:
    sell = desk.evaluate_schedule(trades, PARAMS, side="sell")
    buy = desk.evaluate_schedule(trades, PARAMS, side="buy")
    for name in ("expected_cost", "variance", "implied_risk_aversion", "excess_cost"):
        assert getattr(buy, name) == getattr(sell, name) or (
            math.isnan(getattr(buy, name)) and math.isnan(getattr(sell, name))
        )
    assert buy.side == "buy" and buy.trajectory.params["side"] == "buy"
    np.testing.assert_array_equal(desk.signed_trades(buy.trajectory), trades)
    np.testing.assert_array_equal(desk.signed_trades(sell.trajectory), -trades)
    # the buy's positions are the sell's with the sign flipped: the formulas are even in them
    signed = -sell.trajectory.holdings
    assert acsym.formulas.schedule_variance(signed, PARAMS.tau, PARAMS.sigma) == sell.variance


@pytest.mark.parametrize("side", ["sell", "buy"])
def test_optimal_schedule_is_the_same_for_both_sides(side: str) -> None:
    schedule = desk.optimal_schedule(ORDER, STEPS, PARAMS, side=side, risk_aversion=1e-6)
    reference = acsym.generate_ac_trajectory(ORDER, STEPS, PARAMS, 1e-6)
    np.testing.assert_array_equal(schedule.trade_sizes, reference.trade_sizes)
    assert schedule.params["side"] == side
    assert schedule.params["expected_cost"] == pytest.approx(
        trade_by_trade_cost(schedule.trade_sizes, PARAMS, side), rel=1e-12
    )


@pytest.mark.parametrize("lam", [0.0, 1e-8, 1e-6, 1e-4])
def test_an_optimal_schedule_implies_its_own_lambda_and_gives_nothing_away(lam: float) -> None:
    schedule = acsym.generate_ac_trajectory(ORDER, STEPS, PARAMS, lam)
    for given_as in (schedule.trade_sizes, schedule):
        result = desk.evaluate_schedule(given_as, PARAMS)
        assert result.implied_risk_aversion == pytest.approx(lam, rel=1e-6, abs=1e-14)
        assert abs(result.excess_cost) <= 1e-9 * result.expected_cost
    by_holdings = desk.evaluate_schedule(schedule.holdings, PARAMS, kind="holdings")
    assert by_holdings.expected_cost == pytest.approx(result.expected_cost, rel=1e-12)


@given(trade_lists)
@pytest.mark.filterwarnings("ignore:the schedule's variance:acsym.InputWarning")  # riskier than TWAP
def test_no_schedule_beats_the_frontier_at_equal_risk(trades: np.ndarray) -> None:
    result = desk.evaluate_schedule(trades, PARAMS)
    if math.isnan(result.implied_risk_aversion):
        twap = acsym.generate_twap_trajectory(trades.sum(), len(trades), PARAMS)
        assert result.variance >= twap.params["variance"] * (1 - 1e-12)
        return
    assert result.excess_cost >= -1e-9 * result.expected_cost


def test_evaluate_matches_the_frontier_command_for_vwap() -> None:
    vwap = acsym.generate_vwap_trajectory(ORDER, STEPS, PARAMS)
    result = desk.evaluate_schedule(vwap, PARAMS)
    lam = acsym.implied_risk_aversion(vwap, PARAMS)
    twin = acsym.generate_ac_trajectory(ORDER, STEPS, PARAMS, lam)
    assert result.implied_risk_aversion == lam
    assert result.excess_cost == pytest.approx(vwap.params["expected_cost"] - twin.params["expected_cost"])
    assert result.excess_cost > 0


def test_bad_schedules_give_nan_and_a_warning() -> None:
    with pytest.warns(InputWarning, match="trades"):
        assert math.isnan(desk.evaluate_schedule([1.0, math.nan], PARAMS).expected_cost)
    with pytest.warns(InputWarning, match="end"):
        assert math.isnan(desk.evaluate_schedule([10.0, 5.0, 1.0], PARAMS, kind="holdings").expected_cost)
    with pytest.warns(InputWarning, match="order_size"):
        assert math.isnan(desk.evaluate_schedule([1.0, -1.0], PARAMS).expected_cost)
    with pytest.raises(ValueError, match="side"):
        desk.evaluate_schedule([1.0, 1.0], PARAMS, side="short")
    with pytest.raises(TypeError):
        desk.evaluate_schedule(["a"], PARAMS)


# --- risk targets ------------------------------------------------------------------------------


@pytest.mark.parametrize("std_bps", [1.0, 15.0, 60.0])
def test_target_std_in_bps(std_bps: float) -> None:
    schedule = desk.optimal_schedule(ORDER, STEPS, PARAMS, target_std_bps=std_bps, side="buy")
    std = math.sqrt(exact_variance(schedule.holdings, PARAMS))
    assert std / (ORDER * PARAMS.price) * 1e4 == pytest.approx(std_bps, rel=1e-9)
    currency = desk.optimal_schedule(ORDER, STEPS, PARAMS, target_std=std)
    np.testing.assert_allclose(currency.holdings, schedule.holdings, rtol=1e-9, atol=1e-6)


def test_target_cost_in_bps() -> None:
    schedule = desk.optimal_schedule(ORDER, STEPS, PARAMS, target_cost_bps=40.0)
    cost = trade_by_trade_cost(schedule.trade_sizes, PARAMS, "sell")
    assert cost / (ORDER * PARAMS.price) * 1e4 == pytest.approx(40.0, rel=1e-9)


def test_target_out_of_range_and_argument_errors() -> None:
    with pytest.warns(InputWarning, match="out of range"):
        assert math.isnan(desk.risk_aversion_for_target(ORDER, STEPS, PARAMS, std_bps=1e6))
    with pytest.warns(InputWarning, match="out of range"):
        assert math.isnan(desk.risk_aversion_for_target(ORDER, STEPS, PARAMS, std_bps=-1.0))
    assert desk.risk_aversion_for_target(ORDER, STEPS, PARAMS, std=0.0) == math.inf
    market = desk.optimal_schedule(ORDER, STEPS, PARAMS, target_std=0.0)
    assert market.strategy_name == "market_order"
    with pytest.raises(TypeError, match="exactly one"):
        desk.risk_aversion_for_target(ORDER, STEPS, PARAMS, std=1.0, cost=1.0)
    with pytest.raises(TypeError, match="at most one"):
        desk.optimal_schedule(ORDER, STEPS, PARAMS, risk_aversion=1e-6, target_std_bps=10.0)
    no_price = acsym.AlmgrenChrissParams(
        eta=PARAMS.eta, gamma=PARAMS.gamma, sigma=PARAMS.sigma, tau=PARAMS.tau
    )
    with pytest.warns(InputWarning, match="price"):
        assert math.isnan(desk.risk_aversion_for_target(ORDER, STEPS, no_price, std_bps=10.0))


# --- percentage of volume ----------------------------------------------------------------------


@given(st.floats(0.11, 1.0), st.floats(1e3, 5e5))
@settings(max_examples=40)
def test_pov_trades_the_rate_until_done(rate: float, order: float) -> None:
    schedule = desk.pov_schedule(order, rate, 5e6, STEPS, PARAMS)
    volumes = np.array(schedule.params["bucket_volume"])
    assert volumes.sum() == pytest.approx(5e6, rel=1e-12)  # one day of volume over one day
    trades = schedule.trade_sizes
    assert np.all(trades >= 0) and np.all(trades <= rate * volumes * (1 + 1e-12))
    assert trades.sum() == pytest.approx(order, rel=1e-12)
    done = schedule.params["completion_period"]
    np.testing.assert_allclose(trades[: done - 1], rate * volumes[: done - 1], rtol=1e-12)
    assert np.all(trades[done:] == 0) and schedule.holdings[-1] == 0
    priced = desk.evaluate_schedule(trades, PARAMS)
    assert schedule.params["expected_cost"] == pytest.approx(priced.expected_cost, rel=1e-12)


def test_pov_that_cannot_finish_is_nan_with_the_rate_needed() -> None:
    with pytest.warns(InputWarning, match="needs a participation of at least 0.1"):
        schedule = desk.pov_schedule(ORDER, 0.05, 5e6, STEPS, PARAMS)
    assert np.all(np.isnan(schedule.trade_sizes))
    with pytest.warns(InputWarning, match="participation"):
        desk.pov_schedule(ORDER, 1.5, 5e6, STEPS, PARAMS)


def test_pov_sits_on_the_frontier_plot() -> None:
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from acsym.plots import plot_frontier

    frontier = acsym.efficient_frontier(ORDER, STEPS, PARAMS, points=21)
    pov = desk.pov_schedule(ORDER, 0.2, 5e6, STEPS, PARAMS)
    figure = plot_frontier(frontier, [pov])
    assert figure is not None
    result = desk.evaluate_schedule(pov, PARAMS)
    assert result.excess_cost > 0  # off the frontier, above it
