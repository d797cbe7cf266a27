"""The generated basket_schedule_expected_cost and basket_schedule_variance: against exact mpmath
sums, against a numpy simulation of the basket's price dynamics (the shortfall is linear in the
shocks), against the single-asset schedule functions for one asset, and left out of the targets
that cannot print them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from acsym import formulas, generate_basket_trajectory
from acsym.derivation import array_api, basket, codegen, scalar
from acsym.derivation.catalog import formulas as catalog
from acsym.testing.strategies import log_uniform
from acsym.verification.basket import mp_basket_schedule_expected_cost, mp_basket_schedule_variance
from acsym.verify import BOUND

NAMES = ("basket_schedule_expected_cost", "basket_schedule_variance")


@st.composite
def schedules(draw: st.DrawFn) -> tuple:
    """Holdings x_0..x_N (x_N = 0) of either sign, tau, symmetric Gamma, H_tilde, C, and
    per-asset fixed costs epsilon (some 0)."""
    size = draw(st.integers(1, 4))
    steps = draw(st.integers(1, 30))
    tau = draw(log_uniform(min_value=1e-3, max_value=10.0))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    shares = 10 ** rng.uniform(0, 7, size)
    holdings = np.vstack([rng.uniform(-1, 1, (steps, size)) * shares, np.zeros((1, size))])

    def symmetric(scale: np.ndarray, definite: bool) -> np.ndarray:
        raw = rng.uniform(-1, 1, (size, size))
        return (raw @ raw.T if definite else (raw + raw.T) / 2) * np.outer(scale, scale)

    impact = 10 ** rng.uniform(-8, -5, size)
    permanent = symmetric(impact, definite=draw(st.booleans()))
    h_tilde = symmetric(impact, definite=True)
    covariance = symmetric(10 ** rng.uniform(-2, 1, size), definite=True)
    epsilon = 10 ** rng.uniform(-5, 0, size) * (rng.uniform(size=size) > 0.2)
    return holdings, tau, permanent, h_tilde, covariance, epsilon


def _within(value: float, exact_and_magnitude: tuple) -> bool:
    """|value - exact| <= BOUND * sum|terms| (the sum's own rounding, relative to its condition)."""
    exact, magnitude = (float(v) for v in exact_and_magnitude)
    return abs(value - exact) <= BOUND * max(abs(exact), magnitude)


@given(schedules())
def test_the_generated_forms_are_the_exact_sums(problem):
    holdings, tau, permanent, h_tilde, covariance, epsilon = problem
    trades = holdings[:-1] - holdings[1:]
    cost = formulas.basket_schedule_expected_cost(trades, tau, permanent, h_tilde, epsilon)
    variance = formulas.basket_schedule_variance(holdings, tau, covariance)
    assert isinstance(cost, np.float64) and isinstance(variance, np.float64)
    assert _within(float(cost), mp_basket_schedule_expected_cost(trades, tau, permanent, h_tilde, epsilon))
    assert _within(float(variance), mp_basket_schedule_variance(holdings, tau, covariance))


def _simulated_shortfall(trades, shocks, tau, permanent, temporary, factor, epsilon) -> float:
    """X^T S_0 - sum_k n_k^T (S_{k-1} - epsilon sgn(n_k) - H n_k / tau),
    S_k = S_{k-1} + tau^(1/2) L xi_k - Gamma n_k, with S_0 = 0 (the shortfall does not depend on it)."""
    price = np.zeros(trades.shape[1])
    proceeds = 0.0
    for trade, xi in zip(trades, shocks, strict=True):
        proceeds += trade @ (price - epsilon * np.sign(trade) - temporary @ trade / tau)
        price = price + np.sqrt(tau) * factor @ xi - permanent @ trade
    return -proceeds


@given(schedules())
def test_mean_and_variance_of_the_simulated_price_dynamics(problem):
    holdings, tau, permanent, h_tilde, covariance, epsilon = problem
    trades = holdings[:-1] - holdings[1:]
    temporary = h_tilde + permanent * tau / 2
    factor = np.linalg.cholesky(covariance)
    zero = np.zeros_like(trades)
    mean = _simulated_shortfall(trades, zero, tau, permanent, temporary, factor, epsilon)
    # linear in the independent standard normal shocks: Var = the sum of squared coefficients
    coefficients = []
    for k in range(trades.shape[0]):
        for i in range(trades.shape[1]):
            unit = zero.copy()
            unit[k, i] = 1.0
            coefficients.append(
                _simulated_shortfall(trades, unit, tau, permanent, temporary, factor, epsilon) - mean
            )
    scale = np.abs(trades).sum(axis=0)
    magnitude = scale @ np.abs(permanent) @ scale + scale @ np.abs(h_tilde) @ scale / tau + epsilon @ scale
    cost = formulas.basket_schedule_expected_cost(trades, tau, permanent, h_tilde, epsilon)
    assert abs(cost - mean) <= 1e-12 * magnitude
    variance = formulas.basket_schedule_variance(holdings, tau, covariance)
    spread = tau * np.einsum("ki,ij,kj->", np.abs(holdings), np.abs(covariance), np.abs(holdings))
    assert abs(variance - np.sum(np.square(coefficients))) <= 1e-9 * spread


@given(
    st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=40),
    log_uniform(min_value=1e-3, max_value=10.0),
    log_uniform(min_value=1e-9, max_value=1e-5),
    log_uniform(min_value=1e-9, max_value=1e-5),
    log_uniform(min_value=1e-2, max_value=10.0),
    st.one_of(st.just(0.0), log_uniform(min_value=1e-5, max_value=1.0)),
)
def test_one_asset_is_the_single_asset_schedule_functions(trades, tau, gamma, eta_tilde, sigma, epsilon):
    n = np.array(trades)
    x = np.concatenate([np.cumsum(n[::-1])[::-1], [0.0]])
    cost = formulas.basket_schedule_expected_cost(n[:, None], tau, [[gamma]], [[eta_tilde]], [epsilon])
    single = formulas.schedule_expected_cost(n, tau, gamma, eta_tilde, epsilon)
    scale = gamma * n.sum() ** 2 + eta_tilde * np.sum(n**2) / tau + epsilon * np.sum(np.abs(n))
    assert cost == pytest.approx(single, rel=1e-12, abs=1e-12 * scale)
    variance = formulas.basket_schedule_variance(x[:, None], tau, [[sigma**2]])
    assert variance == pytest.approx(formulas.schedule_variance(x, tau, sigma), rel=1e-12, abs=1e-300)


def test_the_trajectory_reports_the_generated_forms_of_its_schedule():
    covariance = np.array([[4.0, 1.0], [1.0, 1.0]])
    impact = np.array([[2e-6, 5e-7], [5e-7, 1e-6]])
    permanent = np.diag([2e-7, 1e-7])
    t = generate_basket_trajectory([1e6, -4e5], 12, covariance, impact, permanent, 1e-6, 0.5, [0.01, 0.02])
    h_tilde = impact - permanent * 0.5 / 2
    exact = mp_basket_schedule_expected_cost(t.trade_sizes, 0.5, permanent, h_tilde, [0.01, 0.02])
    assert t.expected_cost == pytest.approx(float(exact[0]), rel=1e-13)
    assert t.variance == pytest.approx(
        float(mp_basket_schedule_variance(t.holdings, 0.5, covariance)[0]), rel=1e-13
    )


def test_only_the_numpy_module_prints_them():
    entries = [f for f in catalog() if f.name in NAMES]
    assert len(entries) == 2
    for formula in entries:
        assert codegen.printable(formula, codegen.FormulaPrinter)
        assert not codegen.printable(formula, array_api.ArrayApiPrinter)
        assert not scalar.is_scalar(formula)
        assert "einsum" in codegen.render_function(formula)


def test_the_quadratic_form_is_the_explicit_sum():
    assert basket.quadratic_form_residual(3, 3) == 0
    assert basket.schedule_forms_residual(2, 3) == 0
