"""The derived sensitivities against three independent oracles, and cost_sensitivities.

1. mpmath at 50+ digits of SymPy's plain derivative of the textbook form: ``acsym verify``
   (tests/test_verify.py runs it on the quick sweep).
2. mpmath's own numerical differentiation (a high-order finite difference at 60 digits) of the
   textbook form: it does not use SymPy's derivative at all.
3. ``jax.grad`` through the array-API module (eta_tilde -> kappa -> expected_cost / variance).

Errors are relative to ``max(|exact|, Q / p / 100)`` (see acsym.verification.sensitivity).
"""

from __future__ import annotations

import warnings
from functools import cache
from typing import Any

import numpy as np
import pytest

import acsym
from acsym import formulas, verify
from acsym.derivation.sensitivity import ARGUMENT_NAMES, PARAMETERS
from acsym.verification import sensitivity as check

NAMES = [name for name in formulas.__all__ if "_d_" in name]


@cache
def _scenarios(count: int = 24) -> verify.Domain:
    """Scenarios of the quick sweep with lambda > 0, N >= 2 and kappa T in [1e-6, 200]."""
    scenarios = check.checked(verify.domain(quick=True))
    kappa_horizon = scenarios.kappa * scenarios.horizon
    keep = (scenarios.steps >= 2) & (kappa_horizon >= 1e-6) & (kappa_horizon <= 200)
    index = np.flatnonzero(keep)
    return scenarios.take(index[np.linspace(0, index.size - 1, count).astype(int)])


def _sample(quantity: str = "expected_cost") -> dict[str, np.ndarray]:
    """The sample's arguments (for the holdings, at steps 1, N // 2 and N - 1)."""
    if quantity == "holdings":
        return check.holdings_arguments(_scenarios())
    return check.arguments(_scenarios())


def _names(name: str) -> tuple[str, ...]:
    return verify.GENERATED[name]


def _floor(name: str, columns: dict[str, np.ndarray]) -> np.ndarray:
    quantity, parameter = name.split("_d_")
    return check.FLOOR * check.scale(quantity, parameter, columns)


def _errors(got: Any, exact: Any, floor: np.ndarray) -> np.ndarray:
    got, exact = np.asarray(got, dtype=np.float64), np.asarray(exact, dtype=np.float64)
    return np.abs(got - exact) / np.maximum(np.abs(exact), floor)


@cache
def _mp_textbook(quantity: str) -> Any:
    import sympy as sp

    from acsym.derivation import discrete, sensitivity, stable
    from acsym.derivation.codegen import _runtime_names
    from acsym.derivation.symbols import X, eta_tilde, kappa, kappa_tilde

    if quantity == "holdings":
        kappa_value = discrete.kappa_textbook().subs(kappa_tilde, stable.kappa_tilde_value())
        expr = (X * stable.holdings_fraction_textbook()).subs(kappa, kappa_value)
        expr = expr.subs(eta_tilde, sensitivity._eta_tilde())
        names = sensitivity.HOLDINGS_ARGUMENT_NAMES
    else:
        expr, names = sensitivity.textbook(quantity), ARGUMENT_NAMES
    return sp.lambdify([sp.Symbol(a) for a in names], _runtime_names(expr), modules="mpmath")


@pytest.mark.parametrize("name", NAMES)
def test_against_mpmath_numerical_differentiation(name):
    import mpmath

    quantity, parameter = name.split("_d_")
    columns, names = _sample(quantity), _names(name)
    function = _mp_textbook(quantity)
    got = getattr(formulas, name)(*(columns[a] for a in names))
    exact = []
    with mpmath.workdps(60):
        for i in range(got.shape[0]):
            point = {a: mpmath.mpf(float(columns[a][i])) for a in names}

            def at(value: Any, point: dict[str, Any] = point) -> Any:
                moved = {**point, parameter: value}
                if parameter == "tau":  # N (and the step of time) fixed
                    moved["horizon"] = point["horizon"] / point["tau"] * value
                    if "time" in point:
                        moved["time"] = point["time"] / point["tau"] * value
                return function(*(moved[a] for a in names))

            exact.append(float(mpmath.diff(at, point[parameter])))
    errors = _errors(got, exact, _floor(name, columns))
    assert errors.max() <= 1e-12, f"{np.count_nonzero(errors > 1e-12)} of {errors.size} points bad: {errors}"


@pytest.fixture
def jax_x64() -> Any:
    jax = pytest.importorskip("jax")
    pytest.importorskip("array_api_compat")
    previous = jax.config.read("jax_enable_x64")
    jax.config.update("jax_enable_x64", True)
    yield jax
    jax.config.update("jax_enable_x64", previous)


def _through_xp(quantity: str, c: dict[str, Any]) -> Any:
    from acsym import formulas_xp as xp

    order_size, horizon, tau, sigma, eta, gamma = (c[a] for a in ARGUMENT_NAMES[:6])
    eta_tilde = xp.eta_tilde(eta, gamma, tau)
    kappa = xp.kappa(c["risk_aversion"], sigma, eta_tilde, tau)
    if quantity == "holdings":
        return xp.holdings(order_size, c["time"], horizon, kappa)
    epsilon = c["epsilon"]
    if quantity == "expected_cost":
        return xp.expected_cost(order_size, horizon, tau, kappa, gamma, eta_tilde, epsilon)
    return xp.variance(order_size, horizon, tau, kappa, sigma)


@pytest.mark.parametrize("quantity", ["expected_cost", "variance", "holdings"])
def test_against_jax_grad_through_the_array_api_module(jax_x64, quantity):
    jnp = jax_x64.numpy
    columns = _sample(quantity)
    for parameter in PARAMETERS:
        name = f"{quantity}_d_{parameter}"
        if not hasattr(formulas, name):
            continue

        def value(p: Any, columns: dict[str, Any], parameter: str = parameter) -> Any:
            moved = {**columns, parameter: p}
            if parameter == "tau":  # N (and the step of time) fixed
                moved["horizon"] = columns["horizon"] / columns["tau"] * p
                if "time" in columns:
                    moved["time"] = columns["time"] / columns["tau"] * p
            return jnp.sum(_through_xp(quantity, moved))

        arrays = {a: jnp.asarray(c) for a, c in columns.items()}
        grad = np.asarray(jax_x64.grad(value)(arrays[parameter], arrays))
        got = getattr(formulas, name)(*(columns[a] for a in _names(name)))
        errors = _errors(got, grad, _floor(name, columns))
        # jax.grad differentiates the stable forms as written (expm1(z) / z and friends); on
        # this sample (kappa T >= 1e-6) it agrees to 5e-14 (measured)
        assert errors.max() <= 1e-12, f"{name}: {errors}"


def test_lambda_zero_is_the_limit():
    """At lambda = 0 the value is the limit: d E / d lambda = 0 exactly (TWAP minimises E), and
    the others equal the mpmath reference at lambda = 1e-40 (where O(lambda) is far below 1e-13)."""
    import mpmath

    scenarios = verify.domain(quick=True)
    zero = scenarios.take(np.flatnonzero((scenarios.risk_aversion == 0) & (scenarios.steps >= 2))[:12])
    tables = {"holdings": check.holdings_arguments(zero), "other": check.arguments(zero)}
    columns = tables["other"]
    assert np.all(formulas.expected_cost_d_risk_aversion(*(columns[a] for a in ARGUMENT_NAMES)) == 0)
    for name in NAMES:
        if name == "expected_cost_d_risk_aversion":
            continue  # 0 above; at 1e-40 it is O(lambda), far from the 1e-13 scale of anything
        columns = tables["holdings" if name.startswith("holdings") else "other"]
        tiny = {**columns, "risk_aversion": np.full(columns["tau"].size, 1e-40)}
        got = getattr(formulas, name)(*(columns[a] for a in _names(name)))
        reference = check.mp_reference(name)
        exact = [
            float(verify.mp_converged(reference, point))
            for point in zip(*(tiny[a] for a in _names(name)), strict=True)
        ]
        with mpmath.workdps(20):
            quantity, parameter = name.split("_d_")
            floor = check.FLOOR * check.scale(
                quantity, parameter, {**columns, "risk_aversion": tiny["risk_aversion"]}
            )
            if parameter == "risk_aversion":
                floor = np.zeros(got.size)  # Q / lambda is infinite at 0: no floor
            errors = _errors(got, exact, np.maximum(floor, verify.TINY))
        assert errors.max() <= 1e-13, f"{name}: {errors}"


def test_one_step_variance_sensitivities_vanish():
    """With N = 1 the variance is 0 whatever the parameters: so are its derivatives (to the
    rounding of their terms, against sigma**2 X**2 T / p)."""
    columns = {**_sample(), "horizon": _sample()["tau"]}  # N = 1
    for name in NAMES:
        if name.startswith("variance"):
            got = getattr(formulas, name)(*(columns[a] for a in ARGUMENT_NAMES))
            assert np.all(np.abs(got) <= 1e-13 * _floor(name, columns) / check.FLOOR)


@pytest.fixture
def params() -> acsym.AlmgrenChrissParams:
    return acsym.calibrate_ac_params(50_000.0, 0.02, 0.05, 0.5)


def test_cost_sensitivities_batch_shapes_and_values(params):
    orders = np.array([1_000.0, 5_000.0, 20_000.0])
    lams = np.array([[0.0], [1e-6], [1e-4]])
    result = acsym.cost_sensitivities(orders, 10, params, lams)
    for table in (result.expected_cost, result.variance):
        assert sorted(table) == sorted(PARAMETERS)
        assert all(v.shape == (3, 3) and np.all(np.isfinite(v)) for v in table.values())
    # one order against the generated function directly
    direct = formulas.expected_cost_d_eta(
        5_000.0, 10 * params.tau, params.tau, params.sigma, params.eta, params.gamma, params.epsilon, 1e-6
    )
    assert result.expected_cost["eta"][1, 1] == direct
    assert np.all(result.expected_cost["risk_aversion"][0] == 0)  # TWAP minimises E
    assert np.all(result.variance["risk_aversion"] < 0)  # more risk aversion, less variance
    assert np.all(result.expected_cost["epsilon"] == orders)  # E = ... + epsilon X


def test_change_is_the_first_order_change(params):
    """change() against re-evaluating E and Var with the parameters moved by 1e-6."""
    base = acsym.cost_sensitivities(5_000.0, 10, params, 1e-5)
    moved = acsym.AlmgrenChrissParams(
        eta=params.eta * (1 + 1e-6),
        gamma=params.gamma * (1 + 1e-6),
        sigma=params.sigma,
        tau=params.tau,
        epsilon=params.epsilon,
        price=params.price,
    )
    after = acsym.cost_sensitivities(5_000.0, 10, moved, 1e-5)
    cost, variance = base.change(eta=1e-6, gamma=1e-6)
    actual_cost = after.values["expected_cost"] - base.values["expected_cost"]
    actual_variance = after.values["variance"] - base.values["variance"]
    assert cost == pytest.approx(actual_cost, rel=1e-4)
    assert variance == pytest.approx(actual_variance, rel=1e-4)
    assert base.elasticity("expected_cost", "epsilon") == pytest.approx(
        params.epsilon * 5_000.0 / base.values["expected_cost"], rel=1e-14
    )
    with pytest.raises(TypeError, match="unknown parameter"):
        base.change(beta=0.1)


def test_bad_values_give_nan_and_a_warning(params):
    with pytest.warns(acsym.InputWarning, match="order_size"):
        result = acsym.cost_sensitivities(np.array([1_000.0, -1.0]), 10, params)
    assert np.isfinite(result.expected_cost["eta"][0]) and np.isnan(result.expected_cost["eta"][1])
    with pytest.warns(acsym.InputWarning, match="risk_aversion"):
        result = acsym.cost_sensitivities(1_000.0, 10, params, np.nan)
    assert np.isnan(result.variance["sigma"])
    with pytest.warns(acsym.InputWarning, match="duration_periods"):
        result = acsym.cost_sensitivities(1_000.0, 0, params)
    assert np.isnan(result.expected_cost["tau"])
    with pytest.raises(TypeError):
        acsym.cost_sensitivities("many", 10, params)
    with pytest.raises(TypeError):
        acsym.cost_sensitivities(1_000.0, 10, {"eta": 1.0})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        acsym.cost_sensitivities(1_000.0, 10, params)  # valid input: no warning


def test_holdings_sensitivities_batch(params):
    orders = np.array([1_000.0, 5_000.0])
    lams = np.array([[0.0], [1e-5]])
    result = acsym.holdings_sensitivities(orders, 8, params, lams)
    assert sorted(result) == sorted(p for p in PARAMETERS if p != "epsilon")
    for value in result.values():
        assert value.shape == (2, 2, 9) and np.all(np.isfinite(value))
        assert np.all(value[..., 0] == 0) and np.all(value[..., -1] == 0)  # x_0 = X, x_N = 0
    # an order's row against its generated function, and the first-order change of the holdings
    j = np.arange(9)
    direct = formulas.holdings_d_eta(
        5_000.0, j * params.tau, 8 * params.tau, params.tau, params.sigma, params.eta, params.gamma, 1e-5
    )
    assert np.array_equal(result["eta"][1, 1], direct)
    assert np.all(result["risk_aversion"][1, :, 1:-1] < 0)  # more risk aversion: sell sooner
    moved = acsym.AlmgrenChrissParams(
        eta=params.eta * (1 + 1e-6),
        gamma=params.gamma,
        sigma=params.sigma,
        tau=params.tau,
        epsilon=params.epsilon,
    )
    change = acsym.generate_ac_holdings(5_000.0, 8, moved, 1e-5) - acsym.generate_ac_holdings(
        5_000.0, 8, params, 1e-5
    )
    assert change[1:-1] == pytest.approx(result["eta"][1, 1, 1:-1] * params.eta * 1e-6, rel=1e-4)
    with pytest.warns(acsym.InputWarning, match="order_size"):
        bad = acsym.holdings_sensitivities(-1.0, 8, params)
    assert np.isnan(bad["sigma"]).all()
