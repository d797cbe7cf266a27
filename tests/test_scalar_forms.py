"""The scalar printer target and the fused forms: each scalar function equals its numpy twin to
a few ulps over the verify domain, the printed module is in sync, and one order's schedule from
the cheap forms agrees with the stable form within the bounds the derivation states."""

from __future__ import annotations

import ast
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acsym import AlmgrenChrissParams, formulas, formulas_scalar, generate_ac_trajectory
from acsym import trajectory as trajectory_module
from acsym.derivation import batch, codegen, fast, scalar
from acsym.derivation.catalog import formulas as catalog
from acsym.verify import compute_points, domain

EPS = float(np.finfo(np.float64).eps)
#: math.exp / numpy's SIMD exp (and expm1, sinh, ...) differ by an ulp; a stable form chains a
#: handful of them
ULPS = 16  # 4 measured on numpy 2; numpy 1.x's exp and expm1 round differently (9 seen)


@pytest.fixture(scope="module")
def points():
    return compute_points(domain(quick=True), per_schedule=2)


def test_every_scalar_catalog_entry_is_printed():
    expected = [f.name for f in catalog() if scalar.is_scalar(f)]
    assert formulas_scalar.__all__ == expected
    assert "schedule_variance" not in expected and "holdings" in expected


#: the base model's functions, which acsym.verify samples (model families check their own)
BASE = (
    "eta_tilde",
    "kappa",
    "kappa_continuous",
    "holdings",
    "holdings_direct",
    "trade_sizes",
    "expected_cost",
    "variance",
    "trade_sizes_direct",
    "holdings_urgent",
    "trade_sizes_urgent",
)


@pytest.mark.parametrize("name", BASE)
def test_scalar_form_equals_its_array_twin(points, name):
    p = points[name]
    array = np.asarray(getattr(formulas, name)(*p.columns), dtype=np.float64)
    function = getattr(formulas_scalar, name)
    values = np.array([function(*row) for row in p.rows()])
    assert values.size > 50
    assert np.all(np.isfinite(values))
    ulps = np.abs(values - array) / np.spacing(np.maximum(np.abs(array), np.finfo(np.float64).tiny))
    bad = np.flatnonzero(ulps > ULPS)
    assert bad.size == 0, (
        f"{bad.size} of {values.size} points bad, e.g. {p.rows()[bad[0]]}: {ulps[bad[0]]} ulps"
    )


def test_scalar_module_imports_math_only():
    tree = ast.parse(scalar.TARGET.read_text())
    imported = {
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported == {"__future__", "math"}


def test_scalar_module_is_in_sync_with_the_derivation():
    # byte for byte only under the SymPy that printed it (test_codegen's drift check covers the rest)
    if codegen.printed_with(scalar.TARGET.read_text()) == codegen.SYMPY_VERSION:
        assert scalar.TARGET.read_text() == scalar.render()
    assert scalar.render() == scalar.render()
    assert "Do NOT modify by hand" in scalar.TARGET.read_text()


def test_runtime_ranges_are_the_derivations():
    assert trajectory_module.URGENT_RANGE == fast.URGENT_RANGE
    assert trajectory_module.DIRECT_RANGE == batch.DIRECT_RANGE


PARAMS = AlmgrenChrissParams(eta=2.5e-6, gamma=2.5e-7, sigma=0.95, tau=1.0, epsilon=0.0625, price=50.0)


@settings(max_examples=60, deadline=None)
@given(
    steps=st.integers(1, 400),
    kappa_horizon=st.one_of(st.just(0.0), st.floats(1e-6, 700.0)),
    order=st.floats(1.0, 1e9),
)
def test_one_order_schedule_agrees_with_the_stable_form(steps, kappa_horizon, order):
    """generate_ac_trajectory's cheap forms against the stable ones, within each form's bound:
    (3 + kappa T) eps for the direct ones, (8 + kappa T) eps / 2 for the urgent ones (the
    rounding of kappa t); the closed forms by their scalar twins to a few ulps."""
    kappa = kappa_horizon / steps
    # the risk aversion that gives this kappa (tau = 1): cosh(kappa) - 1 = lambda sigma^2 / (2 eta_tilde)
    lam = 2 * PARAMS.eta_tilde * (math.cosh(kappa) - 1) / PARAMS.sigma**2
    result = generate_ac_trajectory(order, steps, PARAMS, lam)
    kappa = result.params["kappa"]
    kappa_horizon = kappa * steps
    # the schedule takes kappa tau correctly rounded (issue 20); the numpy form's may differ
    # from the scalar twin's by an ulp within 0.01 ulp of a midpoint: kappa T eps in x_j at most
    kappa_tau = float(formulas.kappa_tau(lam, PARAMS.sigma, PARAMS.eta_tilde, 1.0))
    index = np.arange(steps + 1.0)
    holdings = formulas.holdings(order, index, float(steps), kappa_tau)
    trades = formulas.trade_sizes(order, index[1:], float(steps), kappa_tau, 1.0)
    rtol = (8 + kappa_horizon) * EPS
    np.testing.assert_allclose(result.holdings, holdings, rtol=rtol, atol=order * 1e-300)
    np.testing.assert_allclose(result.trade_sizes, trades, rtol=rtol, atol=order * 1e-300)
    assert result.holdings[0] == order and result.holdings[-1] == 0.0
    if kappa == 0:  # TWAP exactly, through the stable form
        np.testing.assert_array_equal(result.holdings, holdings)
    cost = formulas.expected_cost(
        order, float(steps), 1.0, kappa, PARAMS.gamma, PARAMS.eta_tilde, PARAMS.epsilon
    )
    variance = formulas.variance(order, float(steps), 1.0, kappa, PARAMS.sigma)
    assert result.params["expected_cost"] == pytest.approx(float(cost), rel=ULPS * EPS)
    assert result.params["variance"] == pytest.approx(float(variance), rel=ULPS * EPS, abs=1e-300)


def test_params_are_checked_once():
    params = AlmgrenChrissParams(eta=-1.0, gamma=0.0, sigma=1.0)
    first = params.problems()
    assert first and params.problems() == first
    first.append("changed")  # a caller's list does not change the cached check
    assert params.problems() != first
    assert params.eta_tilde == params.eta_tilde


@pytest.mark.parametrize(
    ("order", "params"),
    [
        (1e6, AlmgrenChrissParams(eta=1.0, gamma=0.0, sigma=1e200, price=1.0)),  # sigma**2 overflows
        (1e200, AlmgrenChrissParams(eta=1.0, gamma=0.0, sigma=1.0, price=1.0)),  # X**2 overflows
        (1e6, AlmgrenChrissParams(eta=1e-300, gamma=0.0, sigma=1.0, tau=1e-200, price=1.0)),  # T**2 -> 0
    ],
)
def test_extreme_values_give_the_numpy_forms_values_not_a_math_error(order, params):
    """math raises where numpy returns inf: one order falls back to the numpy forms there."""
    with np.errstate(all="ignore"):
        result = generate_ac_trajectory(order, 10, params, 1e-8)
        kappa = result.params["kappa"]
        variance = formulas.variance(order, 10 * params.tau, params.tau, kappa, params.sigma)
    np.testing.assert_equal(result.params["variance"], float(variance))
