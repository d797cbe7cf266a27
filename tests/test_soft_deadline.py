"""Soft deadline (Cartea, Jaimungal & Penalva 2015, ch. 6): properties and oracles (the proofs run
in tests/test_derivation.py with every other proof).

Oracles: CJP's closed form (section 6.5, Q_t with zeta) typed here from the book and evaluated in
mpmath; a direct numpy solve of the discrete problem with a free last holding and the terminal
cost on a fine grid, which converges to the continuous solution; numerical integration of the
schedule for its cost and variance; and the hard deadline for a large penalty.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from acsym import AlmgrenChrissParams, InputWarning, formulas, generate_soft_deadline_trajectory
from acsym.testing.strategies import log_uniform, model_params, order_sizes

PARAMS = AlmgrenChrissParams(eta=2.5e-6, gamma=2.5e-7, sigma=2.5, tau=1.0, epsilon=0.01, price=50.0)


def _cjp(order: float, time: float, horizon: float, phi: float, k: float, b: float, alpha: float) -> float:
    """Q_t of CJP (2015) section 6.5, as printed in the book: g = sqrt(phi / k) and
    zeta = (alpha - b/2 + sqrt(k phi)) / (alpha - b/2 - sqrt(k phi))."""
    with mpmath.workdps(50):
        g = mpmath.sqrt(mpmath.mpf(phi) / k)
        root = mpmath.sqrt(mpmath.mpf(k) * phi)
        zeta = (alpha - mpmath.mpf(b) / 2 + root) / (alpha - mpmath.mpf(b) / 2 - root)
        value = order * (zeta * mpmath.exp(g * (horizon - time)) - mpmath.exp(-g * (horizon - time)))
        return float(value / (zeta * mpmath.exp(g * horizon) - mpmath.exp(-g * horizon)))


@st.composite
def soft_problems(draw: st.DrawFn) -> tuple[float, int, AlmgrenChrissParams, float, float]:
    params = draw(model_params())
    order = draw(order_sizes())
    steps = draw(st.integers(1, 60))
    horizon = steps * params.tau
    kappa_horizon = draw(st.one_of(st.just(0.0), log_uniform(min_value=1e-6, max_value=30.0)))
    lam = params.eta * (kappa_horizon / horizon) ** 2 / params.sigma**2
    alpha = (
        params.gamma / 2
        + draw(st.one_of(st.just(0.0), log_uniform(min_value=1e-4, max_value=1e4))) * params.eta / horizon
    )
    return order, steps, params, alpha, lam


@given(soft_problems())
def test_holdings_are_cjps_closed_form(problem):
    order, steps, params, alpha, lam = problem
    t = generate_soft_deadline_trajectory(order, steps, params, alpha, lam)
    horizon = steps * params.tau
    phi = lam * params.sigma**2
    c = alpha - params.gamma / 2
    if phi == 0.0:  # the book's limit phi -> 0
        expected = order * (c * (horizon - t.timestamps) + params.eta) / (c * horizon + params.eta)
    elif abs(c - math.sqrt(params.eta * phi)) < 1e-9 * alpha:  # zeta = inf: Q = q0 e^(-g t)
        expected = order * np.exp(-math.sqrt(phi / params.eta) * t.timestamps)
    else:
        expected = np.array(
            [_cjp(order, s, horizon, phi, params.eta, params.gamma, alpha) for s in t.timestamps]
        )
    assert np.allclose(t.holdings, expected, rtol=1e-11, atol=1e-11 * order)
    assert t.holdings[0] == order
    assert t.params["unsold"] == t.holdings[-1] > 0.0
    assert np.all(np.diff(t.holdings) <= 0.0)  # c >= 0: sells throughout
    assert np.sum(t.trade_sizes) == pytest.approx(order - t.params["unsold"], rel=1e-12)


@given(soft_problems())
def test_cost_and_variance_are_the_integrals_of_the_schedule(problem):
    order, steps, params, alpha, lam = problem
    t = generate_soft_deadline_trajectory(order, steps, params, alpha, lam)
    horizon = steps * params.tau
    kappa = t.params["kappa"]
    time = np.linspace(0.0, horizon, 40001)
    path = formulas.holdings_soft_deadline(order, time, horizon, kappa, params.eta, params.gamma, alpha)
    rate = np.gradient(path, time, edge_order=2)
    # Simpson's rule on 40,000 intervals, the rate by second-order differences (whose error
    # grows like (kappa h)^2: 4,000 intervals left 1e-5 of the cost at kappa T = 24)
    from scipy.integrate import simpson

    variance = params.sigma**2 * simpson(path**2, x=time)
    left = path[-1]
    cost = (
        params.gamma * order**2 / 2
        + params.epsilon * order
        + params.eta * simpson(rate**2, x=time)
        + (alpha - params.gamma / 2) * left**2
    )
    assert t.params["variance"] == pytest.approx(variance, rel=1e-6)
    scale = params.eta * order**2 / horizon  # the cost of selling at the TWAP rate
    assert t.params["expected_cost"] == pytest.approx(cost, rel=1e-6, abs=1e-9 * scale)


def _discrete_with_terminal_cost(
    order: float, steps: int, horizon: float, lam: float, alpha: float
) -> np.ndarray:
    """Holdings minimising (eta / tau) sum n^2 + lambda sigma^2 tau sum x_k^2 + (alpha - gamma/2) x_N^2
    over x_1..x_N (x_N free), by one linear solve: the continuous model's discretisation."""
    p, tau = PARAMS, horizon / steps
    c = alpha - p.gamma / 2
    size = steps
    matrix = np.zeros((size, size))
    rhs = np.zeros(size)
    for row in range(size):  # d/dx_{row+1}
        matrix[row, row] = 2 * p.eta / tau * (2 if row < size - 1 else 1) + 2 * lam * p.sigma**2 * tau * (
            1 if row < size - 1 else 0.5
        )
        if row > 0:
            matrix[row, row - 1] = -2 * p.eta / tau
        if row < size - 1:
            matrix[row, row + 1] = -2 * p.eta / tau
    matrix[-1, -1] += 2 * c
    rhs[0] = 2 * p.eta / tau * order
    return np.concatenate([[order], np.linalg.solve(matrix, rhs)])


@pytest.mark.parametrize("alpha", [PARAMS.gamma / 2, 1e-6, 1e-4, 1e-2])
def test_a_fine_discrete_solve_converges_to_the_closed_form(alpha):
    order, horizon, lam = 1e6, 10.0, 1e-6
    steps = 4000
    direct = _discrete_with_terminal_cost(order, steps, horizon, lam, alpha)
    params = AlmgrenChrissParams(
        eta=PARAMS.eta, gamma=PARAMS.gamma, sigma=PARAMS.sigma, tau=horizon / steps, price=50.0
    )
    t = generate_soft_deadline_trajectory(order, steps, params, alpha, lam)
    # second-order accurate in tau (trapezoidal running penalty): the gap is ~ (kappa tau)^2
    assert np.max(np.abs(t.holdings - direct)) <= 1e-5 * order


def test_a_large_penalty_approaches_the_hard_deadline():
    order, steps, lam = 1e6, 50, 1e-9  # kappa T = 2.5
    kappa = float(formulas.kappa_continuous(lam, PARAMS.sigma, PARAMS.eta))
    hard = formulas.holdings(order, np.arange(steps + 1.0), float(steps), kappa)
    gaps = []
    for alpha in (1e-4, 1e-2, 1.0, 1e2):
        t = generate_soft_deadline_trajectory(order, steps, PARAMS, alpha, lam)
        gaps.append(float(np.max(np.abs(t.holdings - hard))))
    assert gaps == sorted(gaps, reverse=True) and gaps[-1] < 1e-3 * order / 1e2
    # what is left at T shrinks like eta / (alpha - gamma / 2) per unit of the order
    unsold = generate_soft_deadline_trajectory(order, steps, PARAMS, 1e2, lam).params["unsold"]
    assert unsold == pytest.approx(
        order * PARAMS.eta * kappa / ((1e2 - PARAMS.gamma / 2) * math.sinh(kappa * steps)), rel=1e-3
    )


def test_lambda_zero_is_linear_with_a_remainder():
    order, steps, alpha = 1e6, 10, 1e-6
    t = generate_soft_deadline_trajectory(order, steps, PARAMS, alpha, 0.0)
    c = alpha - PARAMS.gamma / 2
    expected = order * (c * (steps - np.arange(steps + 1.0)) + PARAMS.eta) / (c * steps + PARAMS.eta)
    assert np.allclose(t.holdings, expected, rtol=1e-14)


def test_bad_values_give_nan_and_a_warning_and_wrong_types_raise():
    with pytest.warns(InputWarning, match="terminal_penalty"):
        t = generate_soft_deadline_trajectory(1e6, 10, PARAMS, PARAMS.gamma / 4, 1e-6)
    assert np.all(np.isnan(t.holdings)) and math.isnan(t.params["unsold"])
    with pytest.warns(InputWarning, match="terminal_penalty"):
        generate_soft_deadline_trajectory(1e6, 10, PARAMS, math.inf, 1e-6)
    with pytest.raises(TypeError, match="terminal_penalty"):
        generate_soft_deadline_trajectory(1e6, 10, PARAMS, "high", 1e-6)  # type: ignore[arg-type]


@given(
    order=order_sizes(),
    lam=st.sampled_from([0.0, 1e-8, 1e-6, 1e-3]),
    penalty=st.floats(1e100, 1.7e308),
)
def test_a_huge_terminal_penalty_is_the_limit_not_an_overflow(order, lam, penalty):
    # past 1e100 the penalty's effect on E, Var and the schedule is below 1e-90 relative: any
    # larger one, up to the largest double, must give the same numbers (and no RuntimeWarning)
    params = AlmgrenChrissParams(eta=2.5e-6, gamma=2.5e-7, sigma=0.95, epsilon=0.0625, tau=1.0, price=50.0)
    near = generate_soft_deadline_trajectory(order, 20, params, 1e100, lam)
    far = generate_soft_deadline_trajectory(order, 20, params, penalty, lam)
    for key in ("expected_cost", "variance"):
        assert far.params[key] == pytest.approx(near.params[key], rel=1e-14)
    assert np.allclose(far.holdings, near.holdings, rtol=1e-14, atol=1e-14 * order)
    assert 0.0 <= far.params["unsold"] <= near.params["unsold"]
