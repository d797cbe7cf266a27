"""Per-asset fixed costs epsilon_i (half the spread: h(v)_i = epsilon_i sgn(v_i) + (H v)_i) in
baskets: the printed expected cost against sums written out here, the optimum that does not move
(checked by perturbing the full, non-smooth objective), schedules that change direction (where
|n| matters), the Monte Carlo, and the input checks."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from acsym import (
    AlmgrenChrissParams,
    BasketParams,
    InputWarning,
    formulas,
    generate_ac_trajectory,
    generate_basket_trajectory,
    simulate_execution,
)
from acsym.derivation import basket
from acsym.testing.strategies import log_uniform

#: a hedged pair: the small second order is first bought up (a hedge), then sold
HEDGE = np.array([[4.0, -3.8], [-3.8, 4.0]])
HEDGE_ORDERS = np.array([1e6, 2e4])
SPREAD = np.array([0.05, 0.02])


def _objective(holdings, covariance, h_tilde, epsilon, lam, tau) -> float:
    """E + lambda Var with the fixed costs, written out (Gamma = 0)."""
    trades = holdings[:-1] - holdings[1:]
    cost = np.einsum("ki,ij,kj->", trades, h_tilde, trades) / tau + np.sum(np.abs(trades) @ epsilon)
    return float(cost + lam * tau * np.einsum("ki,ij,kj->", holdings[1:], covariance, holdings[1:]))


def test_a_schedule_that_changes_direction_pays_the_spread_on_every_share():
    plain = generate_basket_trajectory(HEDGE_ORDERS, 10, HEDGE, [1e-6, 1e-6], None, 1e-5)
    spread = generate_basket_trajectory(HEDGE_ORDERS, 10, HEDGE, [1e-6, 1e-6], None, 1e-5, 1.0, SPREAD)
    assert np.array_equal(plain.holdings, spread.holdings)  # the schedule is the smooth optimum
    assert np.min(spread.trade_sizes[:, 1]) < 0 < np.max(spread.trade_sizes[:, 1])  # bought, then sold
    traded = np.abs(spread.trade_sizes).sum(axis=0)
    assert traded[1] > 5 * HEDGE_ORDERS[1]
    assert spread.expected_cost - plain.expected_cost == pytest.approx(SPREAD @ traded, rel=1e-9)
    # more than the constant sum_i epsilon_i |X_i| of a schedule that keeps its directions
    extra = spread.expected_cost - plain.expected_cost - SPREAD @ np.abs(HEDGE_ORDERS)
    assert extra == pytest.approx(SPREAD[1] * (traded[1] - HEDGE_ORDERS[1]), rel=1e-6)


def test_the_printed_spread_term_on_a_hand_made_schedule():
    # asset 1 oversells and buys 200 back: 1400 shares traded for an order of 1000
    trades = np.array([[600.0, -50.0], [600.0, -50.0], [-200.0, 0.0]])
    zero = np.zeros((2, 2))
    cost = formulas.basket_schedule_expected_cost(trades, 1.0, zero, zero, [0.03, 0.1])
    assert cost == pytest.approx(0.03 * 1400 + 0.1 * 100, rel=1e-15)
    one_value = formulas.basket_schedule_expected_cost(trades, 1.0, zero, zero, 0.03)
    assert one_value == pytest.approx(0.03 * 1500, rel=1e-15)


def test_the_symbolic_spread_claims():
    assert basket.spread_one_direction_residual(3, 2) == 0
    # a direction change is not the constant: sum |n| = 1400 for X = 1000
    a, c, epsilon = sp.symbols("a c e", positive=True)
    cost = basket.spread_cost(sp.ImmutableMatrix([[epsilon]]), sp.ImmutableMatrix([[a], [-c]]))
    assert sp.expand(cost - epsilon * (a + c)) == 0 and sp.simplify(cost - epsilon * sp.Abs(a - c)) != 0


@st.composite
def monotone_problems(draw: st.DrawFn) -> tuple:
    size = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    steps = draw(st.integers(2, 15))
    vol = 10 ** rng.uniform(-1, 1, size)
    raw = rng.uniform(0, 1, (size, size))  # positive correlations: no hedging, so no reversals
    corr = raw @ raw.T + 0.1 * np.eye(size)
    corr /= np.sqrt(np.outer(np.diag(corr), np.diag(corr)))
    covariance = corr * np.outer(vol, vol)
    impact = np.diag(10 ** rng.uniform(-7, -5, size))
    orders = 10 ** rng.uniform(3, 6, size) * rng.choice([-1.0, 1.0], size)
    epsilon = 10 ** rng.uniform(-3, 0, size)
    lam = draw(log_uniform(min_value=1e-9, max_value=1e-5))
    return orders, steps, covariance, impact, epsilon, lam


@settings(max_examples=40, deadline=None)
@given(
    monotone_problems(), st.integers(0, 10**6), st.integers(0, 2), log_uniform(min_value=1e-6, max_value=0.3)
)
def test_with_the_spread_no_perturbation_improves_a_schedule_that_keeps_its_directions(
    problem, where, asset, size
):
    orders, steps, covariance, impact, epsilon, lam = problem
    t = generate_basket_trajectory(orders, steps, covariance, impact, None, lam, 1.0, epsilon)
    assume(np.all(t.trade_sizes * np.sign(orders) >= 0))
    best = _objective(t.holdings, covariance, impact, epsilon, lam, 1.0)
    assert best == pytest.approx(t.expected_cost + lam * t.variance, rel=1e-12)
    # the spread is the constant sum_i epsilon_i |X_i|
    plain = generate_basket_trajectory(orders, steps, covariance, impact, None, lam, 1.0)
    assert t.expected_cost - plain.expected_cost == pytest.approx(epsilon @ np.abs(orders), rel=1e-9)
    j, i = 1 + where % (steps - 1), asset % orders.size
    for sign in (-1.0, 1.0):  # large moves included: they reverse trades and pay the spread twice
        holdings = t.holdings.copy()
        holdings[j, i] += sign * size * orders[i]
        assert _objective(holdings, covariance, impact, epsilon, lam, 1.0) >= best - 1e-12 * abs(best)


def test_the_monte_carlo_counts_the_spread():
    t = generate_basket_trajectory(HEDGE_ORDERS, 10, HEDGE, [1e-6, 1e-6], [1e-7, 1e-7], 1e-5, 1.0, SPREAD)
    result = simulate_execution(t, t.params, 20_000, seed=2)
    assert result.expected_cost == t.expected_cost
    assert abs(result.mean_gap) <= 4.5
    assert abs(result.std**2 / result.variance - 1) <= 4.5 * math.sqrt(2 / 19_999)
    # the spread moves every path by the same amount: the same seed without it
    plain = BasketParams(t.params.covariance, t.params.temporary_impact, t.params.permanent_impact)
    with pytest.warns(InputWarning, match="other parameters"):
        without = simulate_execution(t, plain, 20_000, seed=2)
    traded = np.abs(t.trade_sizes).sum(axis=0)
    assert result.mean - without.mean == pytest.approx(SPREAD @ traded, rel=1e-9)
    assert result.std == pytest.approx(without.std, rel=1e-9)


@given(
    st.floats(0.05, 5.0),
    log_uniform(min_value=1e-7, max_value=1e-5),
    st.floats(0.0, 0.2),
    st.integers(0, 2**32 - 1),
)
@settings(max_examples=10, deadline=None)
def test_one_asset_with_a_spread_is_the_single_asset_model(sigma, eta, epsilon, seed):
    params = AlmgrenChrissParams(eta=eta, gamma=0.2 * eta, sigma=sigma, epsilon=epsilon, price=10.0)
    single_trajectory = generate_ac_trajectory(1e6, 12, params, 1e-6)
    single = simulate_execution(single_trajectory, params, 2_000, seed=seed)
    one = generate_basket_trajectory([1e6], 12, [[sigma**2]], [eta], [0.2 * eta], 1e-6, 1.0, [epsilon])
    assert one.expected_cost == pytest.approx(single_trajectory.params["expected_cost"], rel=1e-12)
    result = simulate_execution(one, one.params, 2_000, seed=seed)
    assert result.mean == pytest.approx(single.mean, rel=1e-12)
    assert result.expected_cost == pytest.approx(single.expected_cost, rel=1e-12)


def test_epsilon_is_checked():
    assert np.array_equal(BasketParams(HEDGE, [1e-6, 1e-6], epsilon=0.01).epsilon, [0.01, 0.01])
    assert np.array_equal(BasketParams(HEDGE, [1e-6, 1e-6]).epsilon, [0.0, 0.0])
    with pytest.raises(ValueError, match="epsilon must have shape"):
        BasketParams(HEDGE, [1e-6, 1e-6], epsilon=[0.01, 0.01, 0.01])
    with pytest.raises(TypeError):
        BasketParams(HEDGE, [1e-6, 1e-6], epsilon="wide")
    with pytest.warns(InputWarning, match="epsilon"):
        t = generate_basket_trajectory(HEDGE_ORDERS, 10, HEDGE, [1e-6, 1e-6], None, 1e-6, 1.0, [0.01, -0.01])
    assert math.isnan(t.expected_cost)
    with pytest.warns(InputWarning, match="epsilon"):
        t = generate_basket_trajectory(
            HEDGE_ORDERS, 10, HEDGE, [1e-6, 1e-6], None, 1e-6, 1.0, [0.01, math.nan]
        )
    assert np.all(np.isnan(t.holdings))
