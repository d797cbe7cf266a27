"""The soft deadline in discrete time (``generate_soft_deadline_trajectory(..., discrete=True)``):
properties and oracles (the proofs run in tests/test_derivation.py with every other proof).

Oracles: a direct numpy solve of the first-order conditions of E + lambda Var over x_1..x_N with
x_N free (the Hessian written out here from the objective); scipy.optimize on the same objective;
the expected shortfall and its variance from the model's definition (trade by trade, the block
sale at S_N - epsilon - alpha x_N), typed here; the base model's
:func:`acsym.generate_ac_trajectory` for a large penalty; the continuous solution for a fine grid.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acsym import (
    AlmgrenChrissParams,
    InputWarning,
    generate_ac_trajectory,
    generate_soft_deadline_trajectory,
)
from acsym.testing.strategies import log_uniform, model_params, order_sizes
from acsym.verification.soft_deadline_discrete import mp_optimal_holdings_soft_deadline

PARAMS = AlmgrenChrissParams(eta=2.5e-6, gamma=2.5e-7, sigma=2.5, tau=1.0, epsilon=0.01, price=50.0)


@st.composite
def discrete_problems(draw: st.DrawFn) -> tuple[float, int, AlmgrenChrissParams, float, float]:
    """An order, N, valid params (eta_tilde > 0), alpha = gamma / 2 + r eta_tilde / T (r = 0 or
    1e-4..1e4) and lambda with kappa T = 0 or 1e-6..30 (in the continuous kappa)."""
    params = draw(model_params())
    order = draw(order_sizes())
    steps = draw(st.integers(1, 60))
    horizon = steps * params.tau
    kappa_horizon = draw(st.one_of(st.just(0.0), log_uniform(min_value=1e-6, max_value=30.0)))
    lam = params.eta_tilde * (kappa_horizon / horizon) ** 2 / params.sigma**2
    ratio = draw(st.one_of(st.just(0.0), log_uniform(min_value=1e-4, max_value=1e4)))
    alpha = params.gamma / 2 + ratio * params.eta_tilde / horizon
    return order, steps, params, alpha, lam


def _shortfall_moments(
    holdings: np.ndarray, params: AlmgrenChrissParams, alpha: float
) -> tuple[float, float]:
    """E and Var of the shortfall from the model's definition: trade k at S_{k-1} - epsilon - eta
    n_k / tau, S_k = S_{k-1} + sigma tau^(1/2) xi_k - gamma n_k, then x_N at S_N - epsilon -
    alpha x_N. Each shock xi_k moves the price of every later share: its weight is x_k."""
    trades = -np.diff(holdings)
    price, proceeds = 0.0, 0.0  # relative to S_0, in expectation
    for n in trades:
        proceeds += n * (price - params.epsilon - params.eta * n / params.tau)
        price -= params.gamma * n
    unsold = holdings[-1]
    proceeds += unsold * (price - params.epsilon - alpha * unsold)
    variance = params.sigma**2 * params.tau * float(np.sum(holdings[1:] ** 2))
    return -proceeds, variance


def _objective(holdings: np.ndarray, params: AlmgrenChrissParams, alpha: float, lam: float) -> float:
    cost, variance = _shortfall_moments(holdings, params, alpha)
    return cost + lam * variance


@settings(max_examples=60, deadline=None)
@given(discrete_problems())
def test_holdings_solve_the_first_order_conditions(problem):
    order, steps, params, alpha, lam = problem
    t = generate_soft_deadline_trajectory(order, steps, params, alpha, lam, discrete=True)
    # the first-order conditions with x_N free, solved directly in mpmath
    net = alpha - params.gamma / 2
    direct = [
        float(v)
        for v in mp_optimal_holdings_soft_deadline(
            order, steps, lam, params.sigma, params.eta_tilde, params.tau, net
        )
    ]
    assert np.allclose(t.holdings, direct, rtol=1e-9, atol=1e-9 * order)
    assert t.holdings[0] == order and t.params["unsold"] == t.holdings[-1] > 0.0
    assert np.all(t.trade_sizes >= 0.0)  # c >= 0: sells throughout
    assert np.allclose(t.trade_sizes, -np.diff(t.holdings), rtol=1e-9, atol=1e-12 * order)
    # order - unsold rounds to an ulp of the order (it cancels where little is sold)
    assert np.sum(t.trade_sizes) == pytest.approx(order - t.params["unsold"], rel=1e-12, abs=1e-13 * order)


@settings(max_examples=60, deadline=None)
@given(discrete_problems())
def test_cost_and_variance_are_those_of_the_definition(problem):
    order, steps, params, alpha, lam = problem
    t = generate_soft_deadline_trajectory(order, steps, params, alpha, lam, discrete=True)
    cost, variance = _shortfall_moments(t.holdings, params, alpha)
    scale = params.epsilon * order + (params.eta + params.gamma) * order**2 / params.tau + alpha * order**2
    assert t.params["expected_cost"] == pytest.approx(cost, rel=1e-9, abs=1e-12 * scale)
    assert t.params["variance"] == pytest.approx(variance, rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(discrete_problems(), st.integers(0, 2**32 - 1))
def test_no_perturbation_lowers_the_objective(problem, seed):
    order, steps, params, alpha, lam = problem
    t = generate_soft_deadline_trajectory(order, steps, params, alpha, lam, discrete=True)
    best = _objective(t.holdings, params, alpha, lam)
    rng = np.random.default_rng(seed)
    for _ in range(5):
        perturbed = t.holdings.copy()
        perturbed[1:] += rng.normal(0.0, 1e-3 * order, steps)  # x_N moves too: it is free
        assert _objective(perturbed, params, alpha, lam) >= best - 1e-12 * abs(best)


def test_scipy_minimize_finds_the_same_schedule():
    scipy_optimize = pytest.importorskip("scipy.optimize")
    order, steps, alpha, lam = 1e5, 12, 1e-5, 1e-6
    t = generate_soft_deadline_trajectory(order, steps, PARAMS, alpha, lam, discrete=True)

    def objective(free: np.ndarray) -> float:  # in units of the order
        return _objective(order * np.concatenate([[1.0], free]), PARAMS, alpha, lam) / order**2

    start = np.linspace(1.0, 0.0, steps + 1)[1:]
    found = scipy_optimize.minimize(objective, start, method="BFGS", options={"gtol": 1e-12})
    assert np.allclose(order * found.x, t.holdings[1:], atol=1e-5 * order)


@settings(max_examples=40, deadline=None)
@given(discrete_problems())
def test_a_large_penalty_gives_the_base_schedule(problem):
    order, steps, params, _alpha, lam = problem
    alpha = params.gamma / 2 + 1e14 * params.eta_tilde / (steps * params.tau)
    soft = generate_soft_deadline_trajectory(order, steps, params, alpha, lam, discrete=True)
    hard = generate_ac_trajectory(order, steps, params, lam)
    assert np.allclose(soft.holdings, hard.holdings, rtol=1e-12, atol=1e-12 * order)
    assert np.allclose(soft.trade_sizes, hard.trade_sizes, rtol=1e-12, atol=1e-12 * order)
    assert soft.params["kappa"] == hard.params["kappa"]


@settings(max_examples=40, deadline=None)
@given(discrete_problems(), log_uniform(min_value=1.0 + 1e-6, max_value=1e3))
def test_unsold_shares_decrease_with_the_penalty(problem, factor):
    order, steps, params, alpha, lam = problem
    stronger = params.gamma / 2 + (alpha - params.gamma / 2 + params.eta_tilde / params.tau) * factor
    weak = generate_soft_deadline_trajectory(order, steps, params, alpha, lam, discrete=True)
    strong = generate_soft_deadline_trajectory(order, steps, params, stronger, lam, discrete=True)
    assert strong.params["unsold"] < weak.params["unsold"]
    # and the holdings at every time with it: the schedule sells earlier
    assert np.all(strong.holdings[1:] <= weak.holdings[1:] * (1 + 1e-12))


def test_lambda_zero_is_linear_with_eta_tilde():
    order, steps, alpha = 1e6, 10, 1e-6
    t = generate_soft_deadline_trajectory(order, steps, PARAMS, alpha, 0.0, discrete=True)
    c, eta_tilde = alpha - PARAMS.gamma / 2, PARAMS.eta_tilde
    expected = order * (c * (steps - np.arange(steps + 1.0)) + eta_tilde) / (c * steps + eta_tilde)
    assert np.allclose(t.holdings, expected, rtol=1e-14)
    assert np.allclose(t.trade_sizes, order * c / (c * steps + eta_tilde), rtol=1e-14)
    # lambda -> 0 reaches it continuously (no 0/0 on the way)
    near = generate_soft_deadline_trajectory(order, steps, PARAMS, alpha, 1e-300, discrete=True)
    assert np.allclose(near.holdings, expected, rtol=1e-14)


def test_discrete_converges_to_continuous_at_first_order():
    order, horizon, lam, alpha = 1e6, 10.0, 1e-7, 1e-6
    gaps = []
    for steps in (80, 160, 320, 640):
        params = AlmgrenChrissParams(
            eta=PARAMS.eta, gamma=PARAMS.gamma, sigma=PARAMS.sigma, tau=horizon / steps, price=50.0
        )
        discrete = generate_soft_deadline_trajectory(order, steps, params, alpha, lam, discrete=True)
        continuous = generate_soft_deadline_trajectory(order, steps, params, alpha, lam)
        gaps.append(float(np.max(np.abs(discrete.holdings - continuous.holdings))) / order)
    orders = np.log2(np.array(gaps[:-1]) / np.array(gaps[1:]))
    # O(tau): eta_tilde = eta - gamma tau / 2 and the one-sided end condition (observed 0.96-0.99)
    assert np.all((orders > 0.9) & (orders < 1.1)), orders
    assert gaps[-1] < 2e-4


def test_both_forms_agree_on_what_the_default_is():
    default = generate_soft_deadline_trajectory(1e6, 10, PARAMS, 1e-4, 1e-6)
    continuous = generate_soft_deadline_trajectory(1e6, 10, PARAMS, 1e-4, 1e-6, discrete=False)
    assert np.array_equal(default.holdings, continuous.holdings)


def test_bad_values_give_nan_and_a_warning_and_wrong_types_raise():
    with pytest.warns(InputWarning, match="terminal_penalty"):
        t = generate_soft_deadline_trajectory(1e6, 10, PARAMS, PARAMS.gamma / 4, 1e-6, discrete=True)
    assert np.all(np.isnan(t.holdings)) and math.isnan(t.params["unsold"])
    with pytest.warns(InputWarning, match="risk_aversion"):
        t = generate_soft_deadline_trajectory(1e6, 10, PARAMS, 1e-4, -1.0, discrete=True)
    assert np.all(np.isnan(t.holdings)) and math.isnan(t.params["expected_cost"])
    # eta_tilde <= 0: the discrete problem is not convex (the continuous one still is)
    coarse = AlmgrenChrissParams(eta=1e-6, gamma=1e-6, sigma=2.5, tau=2.0, price=50.0)
    with pytest.warns(InputWarning, match="eta_tilde"):
        t = generate_soft_deadline_trajectory(1e6, 10, coarse, 1e-4, 1e-6, discrete=True)
    assert np.all(np.isnan(t.holdings))
    with pytest.raises(TypeError, match="discrete"):
        generate_soft_deadline_trajectory(1e6, 10, PARAMS, 1e-4, 1e-6, discrete="yes")  # type: ignore[arg-type]


@pytest.mark.parametrize("alpha", [1e200, 1e306, 1.7e308])
def test_a_huge_finite_penalty_is_the_hard_deadline_not_nan(alpha):
    hard = generate_ac_trajectory(1e6, 1000, PARAMS, 1e-6)
    soft = generate_soft_deadline_trajectory(1e6, 1000, PARAMS, alpha, 1e-6, discrete=True)
    assert np.allclose(soft.holdings, hard.holdings, rtol=1e-13, atol=1e-13 * 1e6)
    assert soft.params["expected_cost"] == pytest.approx(hard.params["expected_cost"], rel=1e-13)
