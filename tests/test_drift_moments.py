"""The closed-form expected cost and variance of the optimal drift schedule (issue 15).

Oracles: the explicit sums over the schedule in mpmath, built from the paper's form (26) with
x_bar = mu / (2 lambda sigma^2) and kappa from lambda by arccosh (not from the generated code), or
at lambda = 0 from the parabola the correction tends to; the explicit numpy sums over the runtime
schedule; and, at mu = 0, the base model's generated numbers (bit for bit).
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acsym import AlmgrenChrissParams, formulas, generate_ac_trajectory, generate_drift_trajectory
from acsym.testing.strategies import ACProblem, ac_problems, log_uniform

PROBLEMS = ac_problems(max_periods=60, max_kappa_horizon=200.0)


def _drifts(problem: ACProblem) -> st.SearchStrategy[float]:
    """Drifts whose correction is up to 3 times the order, either sign."""
    p = problem.params
    horizon = problem.duration_periods * p.tau
    scale = 16.0 * p.eta_tilde * problem.order_size / horizon**2
    ratio = log_uniform(min_value=1e-6, max_value=3.0)
    return st.one_of(ratio.map(lambda r: r * scale), ratio.map(lambda r: -r * scale))


@st.composite
def drift_problems(draw: st.DrawFn) -> tuple[ACProblem, float]:
    problem = draw(PROBLEMS)
    return problem, draw(_drifts(problem))


def _mp_moments(problem: ACProblem, mu: float) -> tuple[mpmath.mpf, mpmath.mpf, mpmath.mpf]:
    """E (fixed cost epsilon sum |n_k|), Var and the sum of |E's terms| by the explicit sums over
    the paper's schedule (26), in mpmath from lambda."""
    p, steps = problem.params, problem.duration_periods
    with mpmath.workdps(40):
        x0, tau, lam = mpmath.mpf(problem.order_size), mpmath.mpf(p.tau), mpmath.mpf(problem.risk_aversion)
        eta_tilde = mpmath.mpf(p.eta) - mpmath.mpf(p.gamma) * tau / 2
        sigma, drift = mpmath.mpf(p.sigma), mpmath.mpf(mu)
        horizon = steps * tau
        if lam == 0:  # the parabola (mu / (2 eta_tilde)) t (T - t) / 2 and TWAP
            x = [
                x0 * (steps - j) / steps + drift / (4 * eta_tilde) * (j * tau) * (horizon - j * tau)
                for j in range(steps + 1)
            ]
        else:
            kappa = mpmath.acosh(1 + lam * sigma**2 / eta_tilde * tau**2 / 2) / tau
            x_bar = drift / (2 * lam * sigma**2)
            s = mpmath.sinh(kappa * horizon)
            x = [
                mpmath.sinh(kappa * (horizon - j * tau)) / s * x0
                + (1 - (mpmath.sinh(kappa * (horizon - j * tau)) + mpmath.sinh(kappa * j * tau)) / s) * x_bar
                for j in range(steps + 1)
            ]
        x[-1] = mpmath.mpf(0)
        n = [x[j - 1] - x[j] for j in range(1, steps + 1)]
        terms = [
            mpmath.mpf(p.gamma) * x0**2 / 2,
            mpmath.mpf(p.epsilon) * mpmath.fsum(abs(v) for v in n),
            eta_tilde / tau * mpmath.fsum(v**2 for v in n),
            -drift * tau * mpmath.fsum(x[1:]),
        ]
        variance = sigma**2 * tau * mpmath.fsum(v**2 for v in x[1:])
        return mpmath.fsum(terms), variance, mpmath.fsum(abs(v) for v in terms)


@settings(max_examples=60, deadline=None)
@given(drift_problems())
def test_runtime_moments_are_the_explicit_sums_in_mpmath(case):
    problem, mu = case
    t = generate_drift_trajectory(*problem, drift=mu)
    cost, variance, scale = _mp_moments(problem, mu)
    # the problem's own condition: E adds terms of both signs; a view through 0 cancels in Var
    assert abs(t.params["expected_cost"] - float(cost)) <= 1e-11 * float(scale)
    holdings_scale = problem.params.sigma**2 * problem.params.tau * float(np.sum(np.abs(t.holdings[1:]) ** 2))
    parts = max(holdings_scale, float(variance))
    assert abs(t.params["variance"] - float(variance)) <= 1e-10 * parts + 1e-300


@settings(max_examples=60, deadline=None)
@given(drift_problems())
def test_closed_forms_are_the_numpy_sums_over_the_generated_schedule(case):
    problem, mu = case
    p = problem.params
    t = generate_drift_trajectory(*problem, drift=mu)
    summed_cost = float(
        formulas.schedule_expected_cost_with_drift(
            t.trade_sizes, t.holdings, p.tau, p.gamma, p.eta_tilde, p.epsilon, mu
        )
    )
    summed_variance = float(formulas.schedule_variance(t.holdings, p.tau, p.sigma))
    terms = (
        p.gamma * problem.order_size**2 / 2
        + p.epsilon * float(np.sum(np.abs(t.trade_sizes)))
        + p.eta_tilde / p.tau * float(np.sum(t.trade_sizes**2))
        + abs(mu) * p.tau * float(np.sum(np.abs(t.holdings[1:])))
    )
    assert t.params["expected_cost"] == pytest.approx(summed_cost, rel=0, abs=1e-11 * terms)
    assert t.params["variance"] == pytest.approx(summed_variance, rel=1e-9, abs=1e-300)


@settings(max_examples=60, deadline=None)
@given(PROBLEMS)
def test_zero_drift_gives_the_base_models_numbers_bit_for_bit(problem):
    base = generate_ac_trajectory(*problem)
    with_drift = generate_drift_trajectory(*problem, drift=0.0)
    assert with_drift.params["expected_cost"] == base.params["expected_cost"]
    assert with_drift.params["variance"] == base.params["variance"]
    p = problem.params
    horizon = problem.duration_periods * p.tau
    kappa = base.params["kappa"]
    e0 = formulas.expected_cost(problem.order_size, horizon, p.tau, kappa, p.gamma, p.eta_tilde, p.epsilon)
    v0 = formulas.variance(problem.order_size, horizon, p.tau, kappa, p.sigma)
    e = formulas.expected_cost_with_drift(
        problem.order_size, horizon, p.tau, kappa, p.gamma, p.eta_tilde, p.epsilon, 0.0
    )
    v = formulas.variance_with_drift(problem.order_size, horizon, p.tau, kappa, p.sigma, p.eta_tilde, 0.0)
    assert e == e0 and v == v0


def test_lambda_to_zero_is_continuous_and_large_kappa_horizon_is_finite():
    p = AlmgrenChrissParams(eta=2.5e-6, gamma=2.5e-7, sigma=0.95, tau=1.0, epsilon=0.0625, price=50.0)
    at_zero = generate_drift_trajectory(1e6, 50, p, risk_aversion=0.0, drift=0.02).params
    near = generate_drift_trajectory(1e6, 50, p, risk_aversion=1e-18, drift=0.02).params
    assert near["expected_cost"] == pytest.approx(at_zero["expected_cost"], rel=1e-9)
    assert near["variance"] == pytest.approx(at_zero["variance"], rel=1e-9)
    for lam in (1e-3, 1.0, 1e3):  # kappa T up to ~ 10^4: no overflow, the optimum sells at once
        far = generate_drift_trajectory(1e6, 500, p, risk_aversion=lam, drift=0.02).params
        assert math.isfinite(far["expected_cost"]) and math.isfinite(far["variance"])


def test_reported_cost_pays_epsilon_on_both_legs_of_a_buyback():
    """A strong view (mu > 0) makes the optimum buy first: the reported cost includes epsilon on
    every share bought and sold again (epsilon sum |n_k|), the schedule's own sum."""
    p = AlmgrenChrissParams(eta=2.5e-6, gamma=2.5e-7, sigma=0.95, tau=1.0, epsilon=0.0625, price=50.0)
    t = generate_drift_trajectory(1e5, 20, p, risk_aversion=1e-9, drift=2.0)
    assert np.min(t.trade_sizes) < 0  # it buys
    bought = -float(np.sum(t.trade_sizes[t.trade_sizes < 0]))
    no_spread = AlmgrenChrissParams(eta=2.5e-6, gamma=2.5e-7, sigma=0.95, tau=1.0, epsilon=0.0, price=50.0)
    without = generate_drift_trajectory(1e5, 20, no_spread, risk_aversion=1e-9, drift=2.0)
    np.testing.assert_array_equal(t.holdings, without.holdings)  # the optimum ignores epsilon
    extra = t.params["expected_cost"] - without.params["expected_cost"]
    assert extra == pytest.approx(0.0625 * (1e5 + 2 * bought), rel=1e-12)
