"""Drift (Almgren & Chriss 2000, the section on drift): properties and oracles (the proofs run in
tests/test_derivation.py with every other proof).

Oracles: a direct numpy solve of the first-order conditions with drift (no sinh, no kappa), the
paper's closed form with x_bar = mu / (2 lambda sigma^2) evaluated in mpmath from lambda (not
from the generated kappa), the objective E + lambda Var of perturbed schedules, and
generate_ac_trajectory for mu = 0.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from acsym import (
    AlmgrenChrissParams,
    InputWarning,
    formulas,
    generate_ac_trajectory,
    generate_drift_trajectory,
)
from acsym.testing.strategies import ACProblem, ac_problems, log_uniform

SMALL = ac_problems(max_periods=200, max_kappa_horizon=50.0)


def _drifts(problem: ACProblem) -> st.SearchStrategy[float]:
    """Drifts whose correction is up to 3 times the order, either sign, or none."""
    p = problem.params
    horizon = problem.duration_periods * p.tau
    scale = 16.0 * p.eta_tilde * problem.order_size / horizon**2
    ratio = log_uniform(min_value=1e-6, max_value=3.0)
    return st.one_of(st.just(0.0), ratio.map(lambda r: r * scale), ratio.map(lambda r: -r * scale))


@st.composite
def drift_problems(draw: st.DrawFn) -> tuple[ACProblem, float]:
    problem = draw(SMALL)
    return problem, draw(_drifts(problem))


def _qp(problem: ACProblem, mu: float) -> np.ndarray:
    """Holdings solving the first-order conditions with drift directly (numpy linear solve)."""
    p, steps = problem.params, problem.duration_periods
    c = problem.risk_aversion * p.sigma**2 * p.tau**2 / p.eta_tilde
    if steps == 1:
        return np.array([problem.order_size, 0.0])
    m = steps - 1
    matrix = np.diag(np.full(m, 2.0 + c)) - np.diag(np.ones(m - 1), 1) - np.diag(np.ones(m - 1), -1)
    rhs = np.full(m, mu * p.tau**2 / (2 * p.eta_tilde))
    rhs[0] += problem.order_size
    return np.concatenate([[problem.order_size], np.linalg.solve(matrix, rhs), [0.0]])


def _objective(problem: ACProblem, mu: float, holdings: np.ndarray) -> float:
    """E + lambda Var without the fixed cost: epsilon sum |n_k| is epsilon X for a schedule that
    only sells, and the optimum ignores it (a strong view can make the schedule buy back)."""
    p = problem.params
    trades = -np.diff(holdings)
    cost = formulas.schedule_expected_cost_with_drift(trades, holdings, p.tau, p.gamma, p.eta_tilde, 0.0, mu)
    return float(cost + problem.risk_aversion * formulas.schedule_variance(holdings, p.tau, p.sigma))


@given(SMALL)
def test_zero_drift_is_todays_schedule_bit_for_bit(problem):
    base = generate_ac_trajectory(*problem)
    with_drift = generate_drift_trajectory(*problem, drift=0.0)
    assert np.array_equal(base.holdings, with_drift.holdings)
    assert np.array_equal(base.trade_sizes, with_drift.trade_sizes)
    assert with_drift.params["kappa"] == base.params["kappa"]
    assert with_drift.params["expected_cost"] == pytest.approx(base.params["expected_cost"], rel=1e-12)
    assert with_drift.params["variance"] == pytest.approx(base.params["variance"], rel=1e-12, abs=1e-300)


@given(drift_problems())
def test_schedule_solves_the_quadratic_program(case):
    problem, mu = case
    t = generate_drift_trajectory(*problem, drift=mu)
    direct = _qp(problem, mu)
    scale = np.max(np.abs(direct))
    # the direct solve's condition number grows like N^2 at lambda = 0
    assert np.max(np.abs(t.holdings - direct)) <= 1e-12 * scale * problem.duration_periods**2
    assert t.holdings[0] == problem.order_size and t.holdings[-1] == 0.0
    assert np.sum(t.trade_sizes) == pytest.approx(problem.order_size, rel=1e-12, abs=1e-9 * scale)
    assert np.allclose(t.trade_sizes, -np.diff(t.holdings), rtol=1e-12, atol=1e-12 * scale)


@given(drift_problems(), st.integers(0, 10**6), log_uniform(min_value=1e-6, max_value=1e-2))
def test_no_perturbation_improves_the_objective(case, where, size):
    problem, mu = case
    if problem.duration_periods < 2:
        return
    t = generate_drift_trajectory(*problem, drift=mu)
    j = 1 + where % (problem.duration_periods - 1)
    best = _objective(problem, mu, t.holdings)
    for sign in (-1.0, 1.0):
        moved = t.holdings.copy()
        moved[j] += sign * size * max(abs(moved[j]), problem.order_size)
        assert _objective(problem, mu, moved) >= best - 2e-12 * abs(best)


def test_matches_the_papers_closed_form_from_lambda_in_mpmath():
    p = AlmgrenChrissParams(eta=2.5e-6, gamma=2.5e-7, sigma=0.05 * 50, tau=1.0, epsilon=0.0, price=50.0)
    order, steps, lam, mu = 1e6, 20, 1e-6, 0.02
    t = generate_drift_trajectory(order, steps, p, lam, mu)
    with mpmath.workdps(50):
        eta_tilde = mpmath.mpf(p.eta) - mpmath.mpf(p.gamma) * mpmath.mpf(p.tau) / 2
        kt2 = mpmath.mpf(lam) * mpmath.mpf(p.sigma) ** 2 / eta_tilde
        kappa = mpmath.acosh(1 + kt2 * p.tau**2 / 2) / p.tau  # the paper's arccosh form
        x_bar = mpmath.mpf(mu) / (2 * mpmath.mpf(lam) * mpmath.mpf(p.sigma) ** 2)
        horizon = steps * p.tau
        for j, value in enumerate(t.holdings):
            s = j * p.tau
            ratio = mpmath.sinh(kappa * (horizon - s)) / mpmath.sinh(kappa * horizon)
            exact = order * ratio + x_bar * (
                1 - ratio - mpmath.sinh(kappa * s) / mpmath.sinh(kappa * horizon)
            )
            assert abs(value - exact) <= 1e-12 * order


@given(SMALL.filter(lambda p: p.risk_aversion == 0.0), st.floats(-1.0, 1.0))
def test_lambda_zero_is_twap_plus_a_parabola(problem, unit):
    p = problem.params
    horizon = problem.duration_periods * p.tau
    mu = unit * 16.0 * p.eta_tilde * problem.order_size / horizon**2
    t = generate_drift_trajectory(*problem, drift=mu)
    time = t.timestamps
    expected = problem.order_size * (horizon - time) / horizon + mu * time * (horizon - time) / (
        4 * p.eta_tilde
    )
    assert np.allclose(t.holdings, expected, rtol=1e-13, atol=1e-13 * problem.order_size)
    assert np.all(np.isfinite(t.holdings)) and math.isfinite(t.params["expected_cost"])


def test_lambda_to_zero_with_drift_is_continuous():
    p = AlmgrenChrissParams(eta=2.5e-6, gamma=2.5e-7, sigma=2.5, tau=1.0, price=50.0)
    at_zero = generate_drift_trajectory(1e6, 50, p, 0.0, 1e-3).holdings
    previous = math.inf
    for lam in (1e-12, 1e-16, 1e-20, 1e-30, 1e-300):
        holdings = generate_drift_trajectory(1e6, 50, p, lam, 1e-3).holdings
        gap = float(np.max(np.abs(holdings - at_zero)))
        assert gap <= previous
        previous = gap
    assert previous <= 1e-9 * 1e6


def test_a_rising_price_delays_selling_and_a_falling_one_hastens_it():
    p = AlmgrenChrissParams(eta=2.5e-6, gamma=2.5e-7, sigma=2.5, tau=1.0, price=50.0)
    base = generate_drift_trajectory(1e6, 20, p, 1e-6, 0.0).holdings
    up = generate_drift_trajectory(1e6, 20, p, 1e-6, 0.01).holdings
    down = generate_drift_trajectory(1e6, 20, p, 1e-6, -0.01).holdings
    assert np.all(up[1:-1] > base[1:-1]) and np.all(down[1:-1] < base[1:-1])


def test_bad_values_give_nan_and_a_warning_and_wrong_types_raise():
    p = AlmgrenChrissParams(eta=2.5e-6, gamma=2.5e-7, sigma=2.5, tau=1.0, price=50.0)
    with pytest.warns(InputWarning, match="drift"):
        t = generate_drift_trajectory(1e6, 20, p, 1e-6, math.nan)
    assert np.all(np.isnan(t.holdings)) and math.isnan(t.params["expected_cost"])
    with pytest.raises(TypeError, match="drift"):
        generate_drift_trajectory(1e6, 20, p, 1e-6, "up")  # type: ignore[arg-type]
    ill_posed = AlmgrenChrissParams(eta=1e-7, gamma=1e-6, sigma=2.5, tau=1.0, price=50.0)
    with pytest.warns(InputWarning, match="not well posed"):
        twap = generate_drift_trajectory(1e6, 4, ill_posed, 1e-6, 0.01)
    assert np.allclose(twap.holdings, [1e6, 7.5e5, 5e5, 2.5e5, 0.0])
