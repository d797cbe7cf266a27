"""``simulate_execution`` of a basket schedule: the Monte Carlo against the printed
basket_schedule_expected_cost and basket_schedule_variance (proved equal to E and Var of the
simulated shortfall in SymPy), against a direct replay of the price dynamics, against the
single-asset simulation for one asset, and its input checks."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acsym import (
    AlmgrenChrissParams,
    BasketParams,
    InputWarning,
    generate_ac_trajectory,
    generate_basket_trajectory,
    simulate_execution,
)
from acsym.simulation import _basket_deterministic_shortfall, _basket_shock_weights
from acsym.testing.strategies import log_uniform

COVARIANCE = np.array([[6.25, -4.0, 1.0], [-4.0, 4.0, 0.0], [1.0, 0.0, 1.0]])
IMPACT = np.array([[2.5e-6, 3e-7, 0.0], [3e-7, 1e-6, 0.0], [0.0, 0.0, 4e-6]])
PERMANENT = np.diag([2.5e-7, 1e-7, 4e-7])
ORDERS = np.array([1e6, -5e5, 2e5])


def _agrees(result, paths: int) -> None:
    """Mean within 4.5 standard errors of E; the sample variance within 4.5 of its own standard
    deviations, Var sqrt(2 / (n - 1)) (the shortfall is linear in normal shocks, so s^2 (n - 1)
    / Var is chi-square with n - 1 degrees of freedom)."""
    assert abs(result.mean_gap) <= 4.5  # (mean - E) / s.e.; 0 when both agree to rounding (N = 1)
    if result.variance == 0:  # a single trade carries no risk
        assert result.std == 0
    else:
        assert abs(result.std**2 / result.variance - 1) <= 4.5 * math.sqrt(2 / (paths - 1))


@pytest.mark.parametrize("impact", [IMPACT, np.diag(IMPACT)], ids=["block", "modes"])
def test_the_monte_carlo_agrees_with_the_printed_cost_and_variance(impact):
    basket = generate_basket_trajectory(ORDERS, 15, COVARIANCE, impact, PERMANENT, 1e-6, 0.5)
    result = simulate_execution(basket, basket.params, 20_000, seed=15)
    assert result.expected_cost == basket.expected_cost and result.variance == basket.variance
    _agrees(result, 20_000)
    assert result.periods == 15 and result.n_paths == 20_000
    assert result.order_size == np.sum(np.abs(ORDERS)) and math.isnan(result.price)
    assert result.strategy_name == f"basket ({basket.method})"


@st.composite
def small_baskets(draw: st.DrawFn) -> tuple:
    size = draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    raw = rng.uniform(-1, 1, (size, size))
    vol = 10 ** rng.uniform(-1, 1, size)
    covariance = (raw @ raw.T + 1e-2 * np.eye(size)) * np.outer(vol, vol)
    impact = 10 ** rng.uniform(-7, -5, size)
    orders = 10 ** rng.uniform(3, 6, size) * rng.choice([-1.0, 1.0], size)
    steps = draw(st.integers(1, 12))
    lam = draw(st.one_of(st.just(0.0), log_uniform(min_value=1e-9, max_value=1e-5)))
    tau = draw(log_uniform(min_value=0.05, max_value=5.0))
    return orders, steps, covariance, impact, 0.2 * impact, lam, tau, seed


@settings(max_examples=15, deadline=None)
@given(small_baskets())
def test_monte_carlo_agrees_on_random_baskets(problem):
    orders, steps, covariance, impact, permanent, lam, tau, seed = problem
    basket = generate_basket_trajectory(orders, steps, covariance, impact, permanent, lam, tau)
    result = simulate_execution(basket, basket.params, 4_000, seed=seed)
    _agrees(result, 4_000)


def _replay(basket, shocks: np.ndarray) -> float:
    """The shortfall of one path, interval by interval from the dynamics: trade k executes at
    S_{k-1} - H n_k / tau, then S_k = S_{k-1} + tau^(1/2) F xi_k - Gamma n_k (F F^T = C)."""
    params = basket.params
    values, vectors = np.linalg.eigh(params.covariance)
    factor = vectors * np.sqrt(np.maximum(values, 0.0))
    price = np.zeros(params.assets)  # S_k - S_0
    proceeds = 0.0
    for k, trade in enumerate(basket.trade_sizes):
        proceeds += trade @ (price - params.temporary_impact @ trade / params.tau)
        shock = shocks[k] if k < len(shocks) else np.zeros(params.assets)
        price = price + math.sqrt(params.tau) * factor @ shock - params.permanent_impact @ trade
    return -proceeds


@settings(max_examples=25, deadline=None)
@given(small_baskets(), st.integers(0, 2**32 - 1))
def test_each_path_is_the_replayed_dynamics(problem, draw_seed):
    orders, steps, covariance, impact, permanent, lam, tau, _ = problem
    basket = generate_basket_trajectory(orders, steps, covariance, impact, permanent, lam, tau)
    shocks = np.random.default_rng(draw_seed).standard_normal((steps - 1, orders.size))
    weights = _basket_shock_weights(basket.trade_sizes, basket.params)
    deterministic = _basket_deterministic_shortfall(basket.trade_sizes, basket.params)
    linear = deterministic + float(weights @ shocks.ravel())
    replayed = _replay(basket, shocks)
    scale = float(np.sum(np.abs(orders))) * (
        float(np.sqrt(np.max(np.abs(covariance)) * tau)) * 10 + float(np.max(impact)) * np.sum(np.abs(orders))
    )
    assert linear == pytest.approx(replayed, rel=1e-9, abs=1e-12 * scale)


@settings(max_examples=20, deadline=None)
@given(
    st.floats(0.05, 5.0),
    log_uniform(min_value=1e-7, max_value=1e-5),
    st.floats(0.0, 0.5),
    st.integers(1, 30),
    log_uniform(min_value=1e-9, max_value=1e-5),
    st.integers(0, 2**32 - 1),
)
def test_one_asset_is_the_single_asset_simulation(sigma, eta, gamma_share, steps, lam, seed):
    params = AlmgrenChrissParams(eta=eta, gamma=gamma_share * eta, sigma=sigma, tau=1.0, price=10.0)
    single = simulate_execution(generate_ac_trajectory(1e6, steps, params, lam), params, 3_000, seed=seed)
    basket = generate_basket_trajectory([1e6], steps, [[sigma**2]], [eta], [gamma_share * eta], lam)
    result = simulate_execution(basket, basket.params, 3_000, seed=seed, return_samples=True)
    # the same shocks: the same seed draws the same stream; only the rounding of L = sqrt(sigma^2)
    # and of the sums differs
    assert result.mean == pytest.approx(single.mean, rel=1e-12)
    assert result.std == pytest.approx(single.std, rel=1e-9, abs=1e-12 * abs(single.mean))
    assert result.quantiles[0.5] == pytest.approx(single.quantiles[0.5], rel=1e-12)
    assert result.expected_cost == pytest.approx(single.expected_cost, rel=1e-12)
    assert result.variance == pytest.approx(single.variance, rel=1e-12)
    assert result.seed_entropy == single.seed_entropy


def test_a_seed_reproduces_the_run_whatever_the_chunks():
    basket = generate_basket_trajectory(ORDERS, 40, COVARIANCE, IMPACT, PERMANENT, 1e-6)
    first = simulate_execution(basket, basket.params, 5_000, seed=3, return_samples=True)
    again = simulate_execution(
        basket, basket.params, 5_000, seed=first.seed_entropy, chunk_size=1, return_samples=True
    )
    small = simulate_execution(basket, basket.params, 5_000, seed=3, chunk_memory=1, return_samples=True)
    assert first.samples is not None and again.samples is not None and small.samples is not None
    assert np.array_equal(first.samples, again.samples) and np.array_equal(first.samples, small.samples)
    other = simulate_execution(basket, basket.params, 5_000, seed=4, return_samples=True)
    assert not np.array_equal(first.samples, other.samples)


def test_without_risk_every_path_costs_the_expected_cost():
    basket = generate_basket_trajectory(ORDERS, 10, np.zeros((3, 3)), IMPACT, PERMANENT, 1e-6)
    result = simulate_execution(basket, basket.params, 100, seed=1)
    assert result.std == 0.0 and result.mean_gap == 0.0
    assert result.mean == pytest.approx(basket.expected_cost, rel=1e-12)


def test_wrong_things_passed_are_refused_clearly():
    basket = generate_basket_trajectory(ORDERS, 10, COVARIANCE, IMPACT, PERMANENT, 1e-6)
    single_params = AlmgrenChrissParams(eta=1e-6, gamma=0.0, sigma=1.0, price=10.0)
    single = generate_ac_trajectory(1e6, 10, single_params, 1e-6)
    with pytest.raises(TypeError, match="BasketParams"):
        simulate_execution(basket, single_params, 100)
    with pytest.raises(TypeError, match="AlmgrenChrissParams"):
        simulate_execution(single, basket.params, 100)
    with pytest.raises(TypeError, match="BasketTrajectory"):
        simulate_execution(basket.holdings, basket.params, 100)
    two = BasketParams(COVARIANCE[:2, :2], np.diag(IMPACT)[:2])
    with pytest.raises(ValueError, match="trades 3 assets but params has 2"):
        simulate_execution(basket, two, 100)
    with pytest.raises(ValueError, match="client"):
        simulate_execution(basket, basket.params, 100, client=object())
    with pytest.raises(TypeError):
        BasketParams([["a"]], [1e-6])


def test_out_of_range_values_give_nan_and_say_why():
    basket = generate_basket_trajectory(ORDERS, 10, COVARIANCE, IMPACT, PERMANENT, 1e-6)
    bad = BasketParams(-COVARIANCE, IMPACT, PERMANENT)
    with pytest.warns(InputWarning, match="covariance is not positive semi-definite"):
        result = simulate_execution(basket, bad, 100)
    assert math.isnan(result.mean) and math.isnan(result.expected_cost)
    with pytest.warns(InputWarning, match="params.tau"):
        simulate_execution(basket, BasketParams(COVARIANCE, IMPACT, PERMANENT, tau=2.0), 100)
    with pytest.warns(InputWarning, match="n_paths"):
        assert math.isnan(simulate_execution(basket, basket.params, 1).mean)
    with pytest.warns(InputWarning):
        nan_basket = generate_basket_trajectory(ORDERS, 10, -COVARIANCE, IMPACT, PERMANENT, 1e-6)
    with pytest.warns(InputWarning, match="not finite"):
        assert math.isnan(simulate_execution(nan_basket, basket.params, 100).mean)
    # a schedule built for other impact is simulated under the params given, with a warning
    with pytest.warns(InputWarning, match="other parameters"):
        result = simulate_execution(basket, BasketParams(COVARIANCE, 2 * IMPACT, PERMANENT), 2_000, seed=1)
    assert result.expected_cost > basket.expected_cost
