"""Hypothesis properties of the optimal schedule over wide, realistic domains.

Oracles: the discrete first-order conditions with kappa_tilde^2 = lambda sigma^2 / eta_tilde
(from the model, not from the generated kappa), a direct numpy solve of the quadratic program,
TWAP, and the objective E + lambda Var of perturbed schedules.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

from acsym import formulas, generate_ac_trajectory
from acsym.testing.strategies import ACProblem, ac_problems, risk_aversions

EPS = np.finfo(float).eps


def _solve(problem: ACProblem):
    return generate_ac_trajectory(*problem)


def _kappa_tilde_sq_tau_sq(problem: ACProblem) -> float:
    p = problem.params
    return problem.risk_aversion * p.sigma**2 / p.eta_tilde * p.tau**2


@given(ac_problems())
def test_holdings_start_at_the_order_and_end_at_zero(problem):
    t = _solve(problem)
    assert t.holdings[0] == problem.order_size
    assert t.holdings[-1] == 0.0
    assert len(t.holdings) == problem.duration_periods + 1


@given(ac_problems())
def test_trades_are_nonnegative_and_sum_to_the_order(problem):
    t = _solve(problem)
    assert np.all(t.trade_sizes >= 0)
    assert math.isclose(math.fsum(t.trade_sizes), problem.order_size, rel_tol=1e-12)
    assert np.all(np.diff(t.holdings) <= 0)


@given(ac_problems())
def test_no_nan_or_inf_from_valid_input(problem):
    t = _solve(problem)
    values = [*t.holdings, *t.trade_sizes, t.total_cost_estimate, *t.params.values()][:-1]
    assert all(np.isfinite(v) for v in values if not isinstance(v, tuple))
    assert t.params["variance"] >= 0 and t.params["expected_cost"] >= 0


@given(ac_problems(allow_zero_risk_aversion=False, max_kappa_horizon=10.0))
def test_risk_aversion_to_zero_converges_to_twap(problem):
    twap = generate_ac_trajectory(problem.order_size, problem.duration_periods, problem.params, 0.0)
    gaps = []
    for shrink in (1.0, 1e-4, 1e-8, 1e-12):
        smaller = problem._replace(risk_aversion=problem.risk_aversion * shrink)
        gaps.append(np.max(np.abs(_solve(smaller).holdings - twap.holdings)))
    scale = problem.order_size
    assert all(b <= a + 8 * EPS * scale for a, b in itertools.pairwise(gaps))
    # the gap is O(lambda): shrinking lambda by 1e12 leaves only rounding
    assert gaps[-1] <= max(1e-9 * gaps[0], 16 * EPS * scale)


@given(ac_problems(max_periods=500), risk_aversions(min_value=1e-14, max_value=1.0))
def test_front_loading_is_monotone_in_risk_aversion(problem, other):
    low, high = sorted([problem.risk_aversion, other])
    assume(high > low)
    a = _solve(problem._replace(risk_aversion=low))
    b = _solve(problem._replace(risk_aversion=high))
    tol = 8 * EPS * problem.order_size
    assert b.trade_sizes[0] >= a.trade_sizes[0] - tol
    assert np.all(b.holdings <= a.holdings + tol)
    # and so the expected cost rises while the variance falls
    assert b.params["expected_cost"] >= a.params["expected_cost"] * (1 - 1e-12)
    assert b.params["variance"] <= a.params["variance"] * (1 + 1e-12)


@given(ac_problems(max_periods=500))
def test_schedule_satisfies_the_discrete_first_order_conditions(problem):
    t = _solve(problem)
    x = t.holdings
    c = _kappa_tilde_sq_tau_sq(problem)
    residual = x[:-2] - 2 * x[1:-1] + x[2:] - c * x[1:-1]
    # Rounding: a few ulps of the largest holding involved, times the condition number of
    # x_j = X e^(-kappa t_j)... in kappa, which is 1 + kappa t_j (kappa itself is rounded).
    conditioning = 1 + t.params["kappa"] * t.timestamps[2:]
    bound = 32 * EPS * (4 + c) * conditioning * np.maximum(x[:-2], problem.order_size * 1e-300)
    assert np.all(np.abs(residual) <= bound)


def _direct_qp_solve(problem: ACProblem) -> tuple[np.ndarray, float]:
    """Minimise E + lambda Var over x_1..x_{N-1}: (2 + c) x_j - x_{j-1} - x_{j+1} = 0."""
    steps, c = problem.duration_periods, _kappa_tilde_sq_tau_sq(problem)
    size = steps - 1
    matrix = (2 + c) * np.eye(size) - np.eye(size, k=1) - np.eye(size, k=-1)
    rhs = np.zeros(size)
    rhs[0] = problem.order_size
    interior = np.linalg.solve(matrix, rhs)
    return np.concatenate([[problem.order_size], interior, [0.0]]), float(np.linalg.cond(matrix))


@given(ac_problems(max_periods=200))
def test_schedule_agrees_with_a_direct_solve_of_the_quadratic_program(problem):
    assume(problem.duration_periods >= 2)
    direct, condition = _direct_qp_solve(problem)
    x = _solve(problem).holdings
    tolerance = 16 * EPS * condition * problem.order_size
    assert np.max(np.abs(x - direct)) <= tolerance


@given(ac_problems(max_periods=60), st.integers(0, 2**32 - 1))
def test_no_perturbed_schedule_has_a_lower_objective(problem, seed):
    assume(problem.duration_periods >= 2)
    t, p = _solve(problem), problem.params

    def objective(holdings):
        trades = -np.diff(holdings)
        cost = formulas.schedule_expected_cost(trades, p.tau, p.gamma, p.eta_tilde, p.epsilon)
        return cost + problem.risk_aversion * formulas.schedule_variance(holdings, p.tau, p.sigma)

    rng = np.random.default_rng(seed)
    best = objective(t.holdings)
    for scale in (1e-2, 1e-4):
        bumped = t.holdings.copy()
        bumped[1:-1] += scale * problem.order_size * rng.standard_normal(len(bumped) - 2)
        bumped[1:-1] = np.clip(bumped[1:-1], 0, problem.order_size)
        bumped = np.minimum.accumulate(bumped)  # keep a selling schedule (|n| = n)
        assert objective(bumped) >= best * (1 - 1e-12)


@given(ac_problems())
def test_closed_forms_equal_the_schedule_sums(problem):
    t, p = _solve(problem), problem.params
    cost = formulas.schedule_expected_cost(t.trade_sizes, p.tau, p.gamma, p.eta_tilde, p.epsilon)
    variance = formulas.schedule_variance(t.holdings, p.tau, p.sigma)
    assert math.isclose(cost, t.params["expected_cost"], rel_tol=1e-11)
    assert math.isclose(variance, t.params["variance"], rel_tol=1e-11, abs_tol=1e-300)
