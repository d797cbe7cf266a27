"""Transient impact (Obizhaeva-Wang, exponential kernel) against independent oracles."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acsym import InputWarning, formulas
from acsym.derivation.proofs import PROOFS
from acsym.models import transient


@pytest.mark.parametrize("proof", [p for p in PROOFS if p.name.startswith("transient")], ids=lambda p: p.name)
def test_transient_proofs_hold(proof):
    assert proof.holds(), proof.claim


def _double_sum(trades, tau, impact, resilience):
    """The model's definition written as a double sum, in plain Python."""
    total = 0.0
    for i, a in enumerate(trades):
        for j, b in enumerate(trades):
            total += 0.5 * a * b * impact * math.exp(-resilience * abs(i - j) * tau)
    return total


@settings(max_examples=50)
@given(
    trades=st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=12),
    tau=st.floats(1e-3, 10.0),
    resilience=st.floats(1e-3, 10.0),
)
def test_cost_of_any_schedule_is_its_double_sum(trades, tau, resilience):
    impact = 1e-6
    cost = transient.transient_expected_cost(np.array(trades), tau, impact, resilience)
    expected = _double_sum(trades, tau, impact, resilience)
    scale = impact * sum(abs(v) for v in trades) ** 2
    assert abs(cost - expected) <= 1e-12 * max(scale, 1e-300)


@settings(max_examples=50)
@given(steps=st.integers(1, 40), tau=st.floats(1e-3, 10.0), resilience=st.floats(1e-3, 10.0))
def test_closed_form_is_the_linear_solve_and_minimal(steps, tau, resilience):
    order, impact = 1e6, 1e-6
    closed = transient.generate_transient_trades(order, steps, impact, resilience, tau)
    matrix = transient.transient_kernel_matrix(np.arange(steps + 1) * tau, impact, resilience)
    weights = np.linalg.solve(matrix, np.ones(steps + 1))
    assert np.allclose(closed, order * weights / weights.sum(), rtol=1e-9, atol=1e-9 * order)
    assert closed.sum() == pytest.approx(order, rel=1e-13)
    cost = transient.transient_expected_cost(closed, tau, impact, resilience)
    optimal = float(formulas.transient_optimal_cost(order, steps, impact, resilience, tau))
    assert cost == pytest.approx(optimal, rel=1e-12)
    # any other schedule selling X costs more (n' K n is strictly convex)
    rng = np.random.default_rng(steps)
    for _ in range(5):
        other = closed + rng.normal(0, order / 10, steps + 1)
        other += (order - other.sum()) / (steps + 1)
        assert transient.transient_expected_cost(other, tau, impact, resilience) >= optimal * (1 - 1e-12)


def test_discrete_converges_to_obizhaeva_wang():
    order, horizon, impact, resilience = 1e6, 1.0, 1e-6, 3.0
    schedule = transient.transient_continuous_schedule(order, horizon, impact, resilience)
    assert schedule.block == pytest.approx(order / (2 + resilience * horizon), rel=1e-15)
    assert 2 * schedule.block + schedule.rate * horizon == pytest.approx(order, rel=1e-14)
    errors = []
    for steps in (10, 100, 1000):
        tau = horizon / steps
        trades = transient.generate_transient_trades(order, steps, impact, resilience, tau)
        cost = transient.transient_expected_cost(trades, tau, impact, resilience)
        errors.append(
            (
                abs(trades[0] - schedule.block) / order,
                abs(trades[1] / tau - schedule.rate) / schedule.rate,
                abs(cost - schedule.expected_cost) / schedule.expected_cost,
            )
        )
    errors = np.array(errors)
    assert np.all(errors[1:] < errors[:-1] / 5)  # first order in tau
    assert np.all(errors[-1] < 1e-3)


def test_limits_in_the_resilience():
    order, horizon, impact = 1e6, 2.0, 1e-6
    slow = transient.transient_continuous_schedule(order, horizon, impact, 1e-12)
    assert slow.block == pytest.approx(order / 2) and slow.expected_cost == pytest.approx(
        impact * order**2 / 2
    )
    fast = transient.transient_continuous_schedule(order, horizon, impact, 1e12)
    assert fast.block / order < 1e-11 and fast.rate == pytest.approx(order / horizon, rel=1e-11)
    # discrete: no resilience means any split costs the same as one block; TWAP in the limit
    trades = transient.generate_transient_trades(order, 8, impact, 1e-14, 1.0)
    assert trades[0] == pytest.approx(order / 2, rel=1e-12)
    trades = transient.generate_transient_trades(order, 8, impact, 1e3, 1.0)
    assert np.allclose(trades, order / 9, rtol=1e-12)


def test_general_kernel_and_price_manipulation_warning():
    order, impact = 1e6, 1e-6
    power = transient.generate_transient_trades(order, 10, impact, kernel=lambda lag: (1 + lag) ** -0.5)
    assert power.sum() == pytest.approx(order) and np.all(power > 0)
    exponential = transient.generate_transient_trades(
        order, 10, impact, kernel=lambda lag: np.exp(-0.7 * lag)
    )
    assert np.allclose(exponential, transient.generate_transient_trades(order, 10, impact, 0.7), rtol=1e-10)
    with pytest.warns(InputWarning, match="positive definite"):
        bad = transient.generate_transient_trades(
            order, 10, impact, kernel=lambda lag: np.where(lag == 0, 1.0, 1.2)
        )
    assert np.isnan(bad).all()


def test_bad_values_warn_and_wrong_types_raise():
    with pytest.warns(InputWarning, match="resilience"):
        assert np.isnan(transient.generate_transient_trades(1e6, 5, 1e-6, -1.0)).all()
    with pytest.warns(InputWarning, match="horizon"):
        assert math.isnan(transient.transient_continuous_schedule(1e6, 0.0, 1e-6, 1.0).block)
    with pytest.raises(TypeError):
        transient.generate_transient_trades("1e6", 5, 1e-6, 1.0)
