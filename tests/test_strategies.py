"""TWAP, VWAP and market-order schedules against hand-written sums and the optimal schedule."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from acsym import (
    AlmgrenChrissParams,
    InputWarning,
    calibrate_ac_params,
    generate_ac_trajectory,
    generate_market_order_trajectory,
    generate_twap_trajectory,
    generate_vwap_trajectory,
    u_shaped_volume_profile,
)

SEED = calibrate_ac_params(50_000, 0.02, 0.05, 0.50)
STRATEGIES = {
    "twap": generate_twap_trajectory,
    "vwap": generate_vwap_trajectory,
    "market_order": generate_market_order_trajectory,
}


def _hand_cost(trades: np.ndarray, params: AlmgrenChrissParams) -> float:
    """gamma X^2 / 2 + epsilon sum|n| + (eta - gamma tau / 2) / tau sum n^2, written out here."""
    eta_tilde = params.eta - params.gamma * params.tau / 2
    total = math.fsum(trades)
    return (
        params.gamma * total**2 / 2
        + params.epsilon * math.fsum(abs(trades))
        + eta_tilde / params.tau * math.fsum(trades**2)
    )


def _hand_variance(holdings: np.ndarray, params: AlmgrenChrissParams) -> float:
    return params.sigma**2 * params.tau * math.fsum(holdings[1:] ** 2)


orders = st.floats(min_value=1.0, max_value=1e9)
periods = st.integers(min_value=1, max_value=400)
names = st.sampled_from(sorted(STRATEGIES))


@given(name=names, order=orders, steps=periods)
def test_every_strategy_sells_exactly_the_order(name, order, steps):
    trajectory = STRATEGIES[name](order, steps, SEED)
    assert trajectory.strategy_name == name
    assert trajectory.holdings.shape == (steps + 1,)
    assert trajectory.trade_sizes.shape == (steps,)
    assert trajectory.holdings[0] == order
    assert trajectory.holdings[-1] == 0.0
    assert np.all(trajectory.trade_sizes >= 0)
    assert math.fsum(trajectory.trade_sizes) == pytest.approx(order, rel=1e-12)
    # trades are the differences of holdings
    np.testing.assert_allclose(
        -np.diff(trajectory.holdings), trajectory.trade_sizes, rtol=1e-12, atol=1e-9 * order
    )
    np.testing.assert_array_equal(trajectory.timestamps, np.arange(steps + 1) * SEED.tau)
    assert trajectory.warnings == ()


@given(name=names, order=orders, steps=periods)
def test_cost_and_variance_match_hand_written_sums(name, order, steps):
    trajectory = STRATEGIES[name](order, steps, SEED)
    details = trajectory.params
    assert details["expected_cost"] == pytest.approx(_hand_cost(trajectory.trade_sizes, SEED), rel=1e-12)
    assert details["variance"] == pytest.approx(
        _hand_variance(trajectory.holdings, SEED), rel=1e-12, abs=1e-300
    )
    bps = details["expected_cost"] / (order * SEED.price) * 1e4
    assert trajectory.total_cost_estimate == pytest.approx(bps, rel=1e-14)


@given(order=orders, steps=periods)
def test_twap_is_almgren_chriss_at_zero_risk_aversion_bit_for_bit(order, steps):
    twap = generate_twap_trajectory(order, steps, SEED)
    optimal = generate_ac_trajectory(order, steps, SEED, risk_aversion=0.0)
    np.testing.assert_array_equal(twap.holdings, optimal.holdings)
    np.testing.assert_array_equal(twap.trade_sizes, optimal.trade_sizes)
    assert twap.risk_aversion == 0.0
    # the schedule sums against the closed forms of the optimal schedule: independent routes
    assert twap.params["expected_cost"] == pytest.approx(optimal.params["expected_cost"], rel=1e-12)
    assert twap.params["variance"] == pytest.approx(optimal.params["variance"], rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("steps", [1, 2, 10, 390])
def test_twap_closed_forms(steps):
    order, p = 5_000.0, SEED
    twap = generate_twap_trajectory(order, steps, p)
    horizon = steps * p.tau
    cost = p.gamma * order**2 / 2 + p.epsilon * order + p.eta_tilde * order**2 / horizon
    # sum_{k=1..N} (1 - k/N)^2 = (N - 1)(2N - 1) / (6N)
    variance = p.sigma**2 * p.tau * order**2 * (steps - 1) * (2 * steps - 1) / (6 * steps)
    assert twap.params["expected_cost"] == pytest.approx(cost, rel=1e-13)
    assert twap.params["variance"] == pytest.approx(variance, rel=1e-13, abs=1e-300)


@pytest.mark.parametrize("steps", [1, 10, 390])
def test_market_order_sells_everything_at_once(steps):
    order, p = 5_000.0, SEED
    market = generate_market_order_trajectory(order, steps, p)
    assert market.trade_sizes[0] == order
    assert np.all(market.holdings[1:] == 0)
    assert market.risk_aversion == math.inf
    assert market.params["variance"] == 0.0
    cost = p.gamma * order**2 / 2 + p.epsilon * order + p.eta_tilde * order**2 / p.tau
    assert market.params["expected_cost"] == pytest.approx(cost, rel=1e-14)


def test_market_order_costs_more_and_twap_risks_more():
    twap, vwap, market = (f(5_000.0, 10, SEED) for f in STRATEGIES.values())
    costs = [t.params["expected_cost"] for t in (twap, vwap, market)]
    assert costs[0] < costs[1] < costs[2]
    assert market.params["variance"] == 0 < vwap.params["variance"]


# --- VWAP and the volume profile --------------------------------------------------------------


@given(steps=st.integers(min_value=1, max_value=1000), ratio=st.floats(min_value=0.0, max_value=50.0))
def test_u_shaped_profile_sums_to_one_and_is_symmetric(steps, ratio):
    profile = u_shaped_volume_profile(steps, edge_ratio=ratio)
    assert profile.shape == (steps,)
    assert math.fsum(profile) == pytest.approx(1.0, rel=1e-14)
    assert np.all(profile >= 0)
    np.testing.assert_allclose(profile, profile[::-1], rtol=1e-9, atol=1e-15)


def test_default_profile_is_u_shaped_with_edges_three_times_midday():
    steps = 1000
    profile = u_shaped_volume_profile(steps)
    middle = steps // 2
    assert profile[0] > profile[middle] and profile[-1] > profile[middle]
    assert np.all(np.diff(profile[:middle]) < 0) and np.all(np.diff(profile[middle:]) > 0)
    # the rate at the open over the rate at midday, in the fine-grid limit
    assert profile[0] / profile[middle - 1] == pytest.approx(3.0, rel=1e-2)


def test_flat_profile_is_twap():
    twap = generate_twap_trajectory(5_000.0, 10, SEED)
    flat = generate_vwap_trajectory(5_000.0, 10, SEED, volume_profile=np.ones(10))
    also_flat = generate_vwap_trajectory(5_000.0, 10, SEED, volume_profile=u_shaped_volume_profile(10, 1.0))
    np.testing.assert_allclose(flat.holdings, twap.holdings, rtol=1e-14, atol=1e-10)
    np.testing.assert_allclose(also_flat.holdings, twap.holdings, rtol=1e-13, atol=1e-10)


def test_vwap_follows_the_supplied_profile():
    weights = np.array([5.0, 1.0, 0.0, 2.0, 2.0])  # shares; a zero bucket is allowed
    vwap = generate_vwap_trajectory(1_000.0, 5, SEED, volume_profile=weights)
    np.testing.assert_allclose(vwap.trade_sizes, 1_000.0 * weights / weights.sum(), rtol=1e-14, atol=1e-12)
    np.testing.assert_allclose(vwap.params["volume_profile"], weights / weights.sum(), rtol=1e-14, atol=1e-15)
    assert math.isnan(vwap.risk_aversion)


def test_profile_with_other_bucket_count_is_resampled_on_the_cumulative_curve():
    # 20 half-interval buckets, equal in pairs, describe the same session as 10 intervals
    half = np.repeat(np.arange(1.0, 11.0), 2)
    fine = generate_vwap_trajectory(1_000.0, 10, SEED, volume_profile=half)
    coarse = generate_vwap_trajectory(1_000.0, 10, SEED, volume_profile=np.arange(1.0, 11.0))
    np.testing.assert_allclose(fine.holdings, coarse.holdings, rtol=1e-13, atol=1e-10)
    # 3 buckets onto 2 intervals: the middle bucket splits in half
    split = generate_vwap_trajectory(1_000.0, 2, SEED, volume_profile=[1.0, 2.0, 1.0])
    np.testing.assert_allclose(split.trade_sizes, [500.0, 500.0], rtol=1e-14)


# --- the input contract -----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(STRATEGIES))
@pytest.mark.parametrize(
    ("args", "argument"),
    [((-5.0, 10), "order_size"), ((math.nan, 10), "order_size"), ((100.0, 0), "duration_periods")],
)
def test_out_of_range_values_give_nan_and_a_named_warning(name, args, argument):
    with pytest.warns(InputWarning, match=argument):
        trajectory = STRATEGIES[name](*args, SEED)
    assert np.all(np.isnan(trajectory.holdings))
    assert math.isnan(trajectory.total_cost_estimate)
    assert math.isnan(trajectory.params["expected_cost"])
    assert any(argument in message for message in trajectory.warnings)
    assert trajectory.strategy_name == name


@pytest.mark.parametrize("name", sorted(STRATEGIES))
@pytest.mark.parametrize(
    "args",
    [("5000", 10, SEED), (None, 10, SEED), (5000.0, "10", SEED), (5000.0, 10, None), (True, 10, SEED)],
)
def test_wrong_types_raise_type_error(name, args):
    with pytest.raises(TypeError):
        STRATEGIES[name](*args)


@pytest.mark.parametrize(
    "profile", [[1.0, -1.0, 1.0], [0.0, 0.0], [1.0, math.nan], [], [[1.0, 2.0], [3.0, 4.0]]]
)
def test_bad_volume_profile_gives_nan_and_a_named_warning(profile):
    with pytest.warns(InputWarning, match="volume_profile"):
        vwap = generate_vwap_trajectory(100.0, 2, SEED, volume_profile=profile)
    assert np.all(np.isnan(vwap.holdings))


def test_non_numeric_volume_profile_raises_type_error():
    with pytest.raises(TypeError, match="volume_profile"):
        generate_vwap_trajectory(100.0, 2, SEED, volume_profile=["a", "b"])


def test_bad_params_give_nan():
    bad = AlmgrenChrissParams(eta=math.nan, gamma=0.0, sigma=0.1, price=1.0)
    with pytest.warns(InputWarning, match="params.eta"):
        twap = generate_twap_trajectory(100.0, 2, bad)
    assert np.all(np.isnan(twap.holdings))


def test_no_price_gives_nan_bps_with_a_warning_but_a_cost():
    params = AlmgrenChrissParams(eta=1e-4, gamma=1e-6, sigma=0.1)
    with pytest.warns(InputWarning, match="price"):
        market = generate_market_order_trajectory(100.0, 2, params)
    assert math.isnan(market.total_cost_estimate)
    assert market.params["expected_cost"] > 0


def test_results_are_read_only():
    vwap = generate_vwap_trajectory(100.0, 4, SEED)
    with pytest.raises(ValueError):
        vwap.holdings[0] = 1.0
    with pytest.raises(TypeError):
        vwap.params["expected_cost"] = 0.0  # type: ignore[index]
