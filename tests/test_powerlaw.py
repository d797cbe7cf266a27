"""Power-law temporary impact (Almgren 2003): the Newton schedule against independent oracles."""

from __future__ import annotations

import math
import warnings
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

import acsym
from acsym import AlmgrenChrissParams, InputWarning, formulas, generate_ac_holdings
from acsym.derivation.proofs import PROOFS
from acsym.models import powerlaw
from acsym.verification.powerlaw import mp_minimiser

BASE = AlmgrenChrissParams(eta=2.5e-6, gamma=2.5e-7, sigma=0.95, tau=1.0, epsilon=0.0625, price=50.0)


def _params(alpha: float, gamma: float | None = None, **changes: float) -> AlmgrenChrissParams:
    """eta scaled so impact at 1e5 shares per time unit is the same for every alpha."""
    g = (0.0 if alpha > 1 else BASE.gamma) if gamma is None else gamma
    return replace(BASE, alpha=alpha, eta=BASE.eta * 1e5 ** (1 - alpha), gamma=g, **changes)


@pytest.mark.parametrize("proof", [p for p in PROOFS if p.name.startswith("powerlaw")], ids=lambda p: p.name)
def test_powerlaw_proofs_hold(proof):
    assert proof.holds(), proof.claim


@settings(max_examples=40)
@given(
    order=st.floats(1e2, 1e8),
    steps=st.integers(1, 60),
    lam=st.one_of(st.just(0.0), st.floats(1e-9, 1e-4)),
    gamma=st.floats(0.0, 4.0e-6),
)
def test_alpha_one_is_the_sinh_schedule(order, steps, lam, gamma):
    params = replace(BASE, alpha=1.0, gamma=gamma)
    expected = generate_ac_holdings(order, steps, params, lam)
    assert (
        np.max(np.abs(powerlaw.generate_powerlaw_holdings(order, steps, params, lam) - expected))
        <= 1e-13 * order
    )
    # and Newton reaches it from TWAP, not only from the sinh start
    start = order * (1 - np.arange(steps + 1) / steps)[None]
    holdings, converged, _ = powerlaw._newton(start, params, np.array([lam]))
    assert converged.all()
    assert np.max(np.abs(holdings[0] - expected)) <= 1e-13 * order


@pytest.mark.parametrize("alpha", [0.3, 0.5, 0.6, 0.8, 1.0, 1.5, 2.0])
def test_no_general_optimiser_finds_a_lower_objective(alpha):
    params = _params(alpha, gamma=2.5e-8 if alpha <= 1 else 0.0)  # convex on these orders
    steps, orders, lams = 12, np.array([1e5, 2e6]), np.array([1e-6, 3e-5])
    holdings = powerlaw.generate_powerlaw_holdings(orders, steps, params, lams)
    for b in range(2):

        def objective(y, b=b):
            x = np.concatenate(([1.0], y, [0.0]))[None] * orders[b]
            return float(powerlaw._objective(x, params, lams[b : b + 1])[0])

        ours = objective(holdings[b, 1:-1] / orders[b])
        for start in (1 - np.arange(1, steps) / steps, holdings[b, 1:-1] / orders[b]):
            found = minimize(
                objective, start, method="Nelder-Mead" if steps < 3 else "BFGS", options={"gtol": 1e-12}
            )
            assert found.fun >= ours - 1e-12 * abs(ours)


@pytest.mark.parametrize("alpha", [0.5, 0.75, 1.5])
def test_newton_matches_the_mpmath_minimiser(alpha):
    params = _params(alpha)
    order, steps, lam = 3e5, 4, 2e-6
    holdings = powerlaw.generate_powerlaw_holdings(order, steps, params, lam)
    exact = [float(v) for v in mp_minimiser(order, steps, params, lam)]
    assert np.max(np.abs(holdings[1:-1] - exact)) <= 1e-12 * order


def _mp_newton(holdings: np.ndarray, params: AlmgrenChrissParams, lam: float) -> list[float]:
    """The minimiser of E + lambda Var at 40 digits: Newton from ``holdings`` on the interior
    holdings with the trade cost f(n) = eta |n|**(alpha + 1) / tau**alpha - gamma n**2 / 2
    differentiated by hand (not the generated forms) and a Thomas sweep in mpmath."""
    import mpmath

    with mpmath.workdps(40):
        eta, tau, gamma, a, sigma = (
            mpmath.mpf(v) for v in (params.eta, params.tau, params.gamma, params.alpha, params.sigma)
        )
        weight = 2 * mpmath.mpf(lam) * sigma**2 * tau
        x = [mpmath.mpf(float(v)) for v in holdings]
        for _ in range(60):
            n = [x[k] - x[k + 1] for k in range(len(x) - 1)]
            slope = [(a + 1) * eta * abs(v) ** a * mpmath.sign(v) / tau**a - gamma * v for v in n]
            bend = [a * (a + 1) * eta * abs(v) ** (a - 1) / tau**a - gamma for v in n]
            rhs = [slope[j] - slope[j - 1] + weight * x[j] for j in range(1, len(n))]
            diag = [bend[j - 1] + bend[j] + weight for j in range(1, len(n))]
            upper = [-bend[j] for j in range(1, len(n) - 1)]
            for i in range(1, len(diag)):
                ratio = upper[i - 1] / diag[i - 1]
                diag[i] -= ratio * upper[i - 1]
                rhs[i] -= ratio * rhs[i - 1]
            step = [mpmath.mpf(0)] * len(diag)
            step[-1] = rhs[-1] / diag[-1]
            for i in range(len(diag) - 2, -1, -1):
                step[i] = (rhs[i] - upper[i] * step[i + 1]) / diag[i]
            x[1:-1] = [v - s for v, s in zip(x[1:-1], step, strict=True)]
            if max(abs(s) for s in step) < mpmath.mpf(10) ** -32 * x[0]:
                break
        return [float(v) for v in x]


@pytest.mark.parametrize("alpha", [1.2, 1.5, 2.0, 3.0])
def test_alpha_above_one_long_schedules_match_a_40_digit_newton(alpha):
    # alpha > 1: full Newton steps (no trade safeguard) and tail trades far below rounding
    params = _params(alpha)
    steps, orders, lams = 80, np.array([2e4, 3e5, 3e6]), np.array([1e-8, 1e-6, 1e-5])
    holdings = powerlaw.generate_powerlaw_holdings(orders, steps, params, lams)
    assert np.all(np.diff(holdings, axis=1) <= 0) and np.all(holdings >= 0)
    for b in range(len(orders)):
        exact = _mp_newton(holdings[b], params, float(lams[b]))
        assert np.max(np.abs(holdings[b] - exact)) <= 1e-15 * orders[b]


@pytest.mark.parametrize("alpha", [0.5, 1.0, 1.5])
def test_discrete_converges_to_continuous_at_second_order(alpha):
    params = _params(alpha, gamma=0.0)
    order, horizon, lam = 1e6, 1.0, 1e-5
    errors = []
    for steps in (16, 32, 64):
        grid = replace(params, tau=horizon / steps)
        discrete = powerlaw.generate_powerlaw_holdings(order, steps, grid, lam)
        time = np.arange(steps + 1) * grid.tau
        continuous = powerlaw.powerlaw_continuous_holdings(order, horizon, time, params, lam)
        errors.append(np.max(np.abs(discrete - continuous)) / order)
    rates = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all(rates > 1.8) and np.all(rates < 2.2), (errors, rates)


def test_continuous_alpha_one_is_the_sinh_curve():
    params = _params(1.0, gamma=0.0)
    order, horizon, lam = 1e6, 2.0, 1e-5
    time = np.linspace(0, horizon, 9)
    kappa = math.sqrt(lam * params.sigma**2 / params.eta)
    expected = order * np.sinh(kappa * (horizon - time)) / np.sinh(kappa * horizon)
    got = powerlaw.powerlaw_continuous_holdings(order, horizon, time, params, lam)
    assert np.max(np.abs(got - expected)) <= 1e-9 * order


def test_continuous_alpha_above_one_finishes_early_on_long_horizons():
    params = _params(2.0, gamma=0.0)
    order, lam = 1e6, 1e-4
    early = float(formulas.powerlaw_horizon_at_zero(order, lam, params.sigma, params.eta, params.alpha))
    assert powerlaw.powerlaw_first_integral(order, 3 * early, params, lam) == 0.0
    time = np.array([0.0, early / 2, early, 2 * early])
    holdings = powerlaw.powerlaw_continuous_holdings(order, 3 * early, time, params, lam)
    assert holdings[0] == order and 0 < holdings[1] < order and holdings[2] == holdings[3] == 0.0


@settings(max_examples=30, deadline=None)
@given(alpha=st.floats(1.1, 3.0), log_lam=st.floats(-8.0, -4.0), fraction=st.floats(0.05, 0.95))
def test_the_c_zero_schedule_is_the_long_horizon_continuous_one(alpha, log_lam, fraction):
    # alpha > 1 on a horizon past T(0): powerlaw_continuous_holdings bisects the printed horizon
    # T(0; x) for the holding with time fraction * T(0) left; the printed C = 0 schedule is closed form
    params = _params(alpha, gamma=0.0)
    order, lam = 1e6, 10**log_lam
    early = float(formulas.powerlaw_horizon_at_zero(order, lam, params.sigma, params.eta, params.alpha))
    time = np.array([0.0, (1 - fraction) * early])
    bisected = powerlaw.powerlaw_continuous_holdings(order, 2 * early, time, params, lam)
    closed = formulas.powerlaw_holdings_at_zero(order, time, lam, params.sigma, params.eta, params.alpha)
    assert closed[0] == order
    assert abs(closed[1] - bisected[1]) <= 1e-11 * order


def test_continuous_rate_satisfies_the_first_integral():
    params = _params(0.6)
    order, horizon, lam = 1e6, 1.0, 1e-5
    constant = powerlaw.powerlaw_first_integral(order, horizon, params, lam)
    time = np.linspace(0.05, 0.95, 7)
    step = 1e-6
    x = powerlaw.powerlaw_continuous_holdings(
        order, horizon, np.concatenate([time - step, time + step]), params, lam
    )
    rate = (x[:7] - x[7:]) / (2 * step)  # -x'(t) by central differences
    middle = powerlaw.powerlaw_continuous_holdings(order, horizon, time, params, lam)
    assert np.allclose(
        formulas.powerlaw_rate(middle, constant, lam, params.sigma, params.eta, params.alpha), rate, rtol=1e-5
    )


def test_cost_and_variance_match_monte_carlo():
    params = _params(0.6)
    order, steps, lam = 2e6, 10, 1e-6
    trajectory = acsym.generate_powerlaw_trajectory(order, steps, params, lam)
    trades, holdings = trajectory.trade_sizes, trajectory.holdings
    rng = np.random.default_rng(16)
    shocks = rng.standard_normal((200_000, steps))
    # the model's definition: trade k executes at S_{k-1} - h(n_k / tau), after the shocks and the
    # permanent impact of the earlier trades
    drift = params.sigma * math.sqrt(params.tau) * np.cumsum(shocks, axis=1) - params.gamma * np.cumsum(
        trades
    )
    before = np.concatenate([np.zeros((shocks.shape[0], 1)), drift[:, :-1]], axis=1)
    impact = params.epsilon + params.eta * (trades / params.tau) ** params.alpha
    shortfall = -np.sum(trades * (before - impact), axis=1)
    mean, spread = shortfall.mean(), shortfall.std()
    assert abs(mean - trajectory.params["expected_cost"]) <= 4 * spread / math.sqrt(shortfall.size)
    assert shortfall.var() == pytest.approx(trajectory.params["variance"], rel=0.02)
    assert trajectory.params["variance"] == pytest.approx(
        params.sigma**2 * params.tau * np.sum(holdings[1:] ** 2), rel=1e-12
    )


def test_optimal_beats_twap_and_the_linear_schedule_under_the_same_model():
    params = _params(0.5)
    order, steps, lam = 1e6, 20, 1e-6
    ours = acsym.generate_powerlaw_trajectory(order, steps, params, lam)
    linear = acsym.generate_ac_trajectory(order, steps, replace(params, alpha=1.0, eta=BASE.eta), lam)

    def objective(trajectory):
        x = np.asarray(trajectory.holdings)[None]
        return float(powerlaw._objective(x, params, np.array([lam]))[0])

    twap = order * (1 - np.arange(steps + 1) / steps)
    value = objective(ours)
    assert value < objective(linear)
    assert value < float(powerlaw._objective(twap[None], params, np.array([lam]))[0])


def test_batch_equals_single_orders():
    params = _params(0.5)
    orders = np.array([[1e4, 1e5], [1e6, 5e6]])
    lams = np.array([0.0, 1e-5])
    batch = powerlaw.generate_powerlaw_holdings(orders, 15, params, lams)
    assert batch.shape == (2, 2, 16)
    for i in range(2):
        for j in range(2):
            single = acsym.generate_powerlaw_trajectory(orders[i, j], 15, params, lams[j]).holdings
            assert np.max(np.abs(batch[i, j] - single)) <= 1e-13 * orders[i, j]


def test_calibration_to_schedule_end_to_end():
    fit = acsym.calibrate_impact(acsym.impact.example_fills_path())
    assert fit.ok
    params = acsym.powerlaw_params_from_fit(fit, 1e6, 0.05, 0.02, 50.0)
    assert params.alpha == fit.alpha and params.source_calibration is fit
    # h(v) at a rate reproduces the fitted slippage there
    rate = 5e4
    bps = float(fit.slippage_bps(rate / 1e6, 0.02))
    assert params.epsilon + params.eta * rate**params.alpha == pytest.approx(50.0 * bps / 1e4, rel=1e-12)
    trajectory = acsym.generate_powerlaw_trajectory(2e5, 10, params, 1e-6)
    assert trajectory.strategy_name == "power_law" and trajectory.params["alpha"] == fit.alpha
    assert np.all(np.diff(trajectory.holdings) < 0) and math.isfinite(trajectory.total_cost_estimate)


def test_bad_values_give_nan_and_a_warning_and_wrong_types_raise():
    with pytest.warns(InputWarning, match="order_size"):
        assert np.isnan(acsym.generate_powerlaw_trajectory(-1.0, 5, _params(0.5)).holdings).all()
    with pytest.warns(InputWarning, match="params.alpha"):
        acsym.generate_powerlaw_trajectory(1e5, 5, replace(BASE, alpha=0.0))
    with pytest.warns(InputWarning, match="risk_aversion"):
        out = powerlaw.generate_powerlaw_holdings(
            np.array([1e5, 1e5]), 5, _params(0.5), np.array([1e-6, np.nan])
        )
    assert np.isfinite(out[0]).all() and np.isnan(out[1]).all()
    with pytest.raises(TypeError):
        acsym.generate_powerlaw_trajectory("1e5", 5, _params(0.5))
    with pytest.warns(InputWarning, match="horizon"):
        assert np.isnan(powerlaw.powerlaw_continuous_holdings(1e5, 0.0, [0.0], _params(0.5))).all()


def test_not_convex_falls_back_to_twap_with_a_warning():
    with pytest.warns(InputWarning, match="not convex"):
        trajectory = acsym.generate_powerlaw_trajectory(1e5, 4, _params(1.5, gamma=1e-6), 1e-6)
    assert np.allclose(trajectory.holdings, 1e5 * (1 - np.arange(5) / 4), rtol=0, atol=1e-9)
    with pytest.warns(InputWarning, match="curvature"):
        acsym.generate_powerlaw_trajectory(1e9, 4, _params(0.5, gamma=1e-3), 1e-6)


def test_no_warning_on_valid_input():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        acsym.generate_powerlaw_trajectory(1e6, 30, _params(0.4), 1e-5)
        powerlaw.generate_powerlaw_holdings(np.geomspace(1e2, 1e8, 20), 50, _params(1.8), 1e-4)


def test_cli_powerlaw_uses_the_fitted_exponent(capsys):
    import json

    from acsym import cli

    flags = ["--order-size", "200000", "--daily-volume", "1e6", "--daily-spread", "0.05"]
    flags += ["--daily-volatility", "0.02", "--price", "50", "--risk-aversion", "1e-6", "--json"]
    assert cli.main(["powerlaw", *flags]) == 0
    data = json.loads(capsys.readouterr().out)
    fit = acsym.calibrate_impact(acsym.impact.example_fills_path())
    assert data["fit"]["alpha"] == fit.alpha and not data["warnings"], data["warnings"]
    params = acsym.powerlaw_params_from_fit(fit, 1e6, 0.05, 0.02, 50.0)
    expected = acsym.generate_powerlaw_trajectory(2e5, 10, params, 1e-6).holdings
    assert np.allclose(data["holdings"], expected, rtol=1e-15, atol=0)
    assert data["holdings"][1] < data["linear_holdings"][1]  # concave impact: sell sooner


def test_frontier_is_efficient_and_beats_linear_schedules_under_the_power_law():
    params = _params(0.5, gamma=2.5e-8)
    order, steps = 1e6, 20
    lams = np.geomspace(1e-9, 1e-4, 12)
    cost, variance = acsym.powerlaw_frontier(order, steps, params, lams)
    assert np.all(np.diff(variance) < 0) and np.all(
        np.diff(cost) > 0
    )  # more risk aversion: less risk, more cost
    # each point minimises E + lambda Var: no linear (sinh) schedule does better under this model
    linear = generate_ac_holdings(
        order, steps, replace(params, alpha=1.0, eta=2.5e-6), np.geomspace(1e-9, 1e-3, 40)
    )
    trades = linear[:, :-1] - linear[:, 1:]
    linear_cost = formulas.powerlaw_schedule_expected_cost(
        trades, 1.0, params.gamma, params.eta, params.epsilon, 0.5
    )
    linear_variance = formulas.schedule_variance(linear, 1.0, params.sigma)
    for lam, c, v in zip(lams, cost, variance, strict=True):
        assert np.all(linear_cost + lam * linear_variance >= (c + lam * v) * (1 - 1e-12))


@settings(max_examples=30)
@given(
    alpha=st.floats(0.2, 2.5),
    lam=st.one_of(st.just(0.0), st.floats(1e-9, 1e3)),
    steps=st.integers(1, 200),
    order=st.floats(1.0, 1e9),
)
def test_extreme_inputs_give_finite_sell_schedules(alpha, lam, steps, order):
    params = _params(alpha, gamma=0.0)
    holdings = powerlaw.generate_powerlaw_holdings(order, steps, params, lam)  # RuntimeWarnings are errors
    assert holdings[0] == order and holdings[-1] == 0.0
    assert np.all(np.isfinite(holdings)) and np.all(np.diff(holdings) <= 0)


def test_cli_powerlaw_plots_both_frontiers(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    from acsym import cli

    flags = ["--order-size", "200000", "--daily-volume", "1e6", "--daily-spread", "0.05"]
    flags += ["--daily-volatility", "0.02", "--price", "50", "--risk-aversion", "1e-6"]
    target = tmp_path / "powerlaw.png"
    assert cli.main(["powerlaw", *flags, "--plot", str(target)]) == 0
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_power_law_frontier_sits_next_to_the_linear_one():
    pytest.importorskip("matplotlib")
    from acsym import plots

    params = _params(0.5, gamma=2.5e-8)
    linear = acsym.AlmgrenChrissParams(
        eta=params.eta, gamma=params.gamma, sigma=params.sigma, price=params.price
    )
    frontier = acsym.efficient_frontier(1e6, 20, linear, points=41)
    lams = frontier.risk_aversion[np.isfinite(frontier.risk_aversion)]
    cost, variance = acsym.powerlaw_frontier(1e6, 20, params, lams)
    figure = plots.plot_frontier(frontier, curves={"power-law frontier": (np.sqrt(variance), cost)})
    lines = {line.get_label(): line for line in figure.axes[0].get_lines()}
    assert np.array_equal(lines["power-law frontier"].get_ydata(), cost)
    assert plots.layout_problems(figure) == []
