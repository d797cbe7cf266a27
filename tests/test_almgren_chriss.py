"""The seed plan's tests (tests/unit/test_almgren_chriss.py), adapted where the derivation
corrects the seed: cost uses eta_tilde plus the epsilon term, timestamps are t_k = k tau."""

from __future__ import annotations

import dataclasses
import itertools
import math
import subprocess
import sys

import numpy as np
import pytest

from acsym import (
    AlmgrenChrissParams,
    ExecutionTrajectory,
    InputWarning,
    calibrate_ac_params,
    generate_ac_holdings,
    generate_ac_trajectory,
    impact,
)

SEED = {"daily_volume": 50_000, "daily_spread": 0.02, "daily_volatility": 0.05, "price": 0.50}


@pytest.fixture
def params() -> AlmgrenChrissParams:
    return calibrate_ac_params(**SEED)


# -- AlmgrenChrissParams ----------------------------------------------------------------------


def test_params_creation_with_defaults():
    p = AlmgrenChrissParams(eta=1e-4, gamma=1e-5, sigma=0.02)
    assert (p.alpha, p.tau, p.source_calibration, p.warnings) == (0.5, 1.0, None, ())
    assert p.epsilon == 0.0 and math.isnan(p.price)
    assert p.eta_tilde == pytest.approx(1e-4 - 0.5e-5, rel=1e-15)


def test_params_creation_with_source_calibration():
    marker = object()
    p = AlmgrenChrissParams(1e-4, 1e-5, 0.02, 0.6, 2.0, marker, ("w",))  # the seed's order
    assert p.source_calibration is marker and p.alpha == 0.6 and p.tau == 2.0
    assert p.warnings == ("w",)


def test_params_is_frozen():
    p = AlmgrenChrissParams(eta=1e-4, gamma=1e-5, sigma=0.02)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.eta = 2.0  # type: ignore[misc]


@pytest.mark.parametrize("bad", ["1e-4", None, [1e-4]])
def test_params_reject_wrong_types(bad):
    with pytest.raises(TypeError, match="eta"):
        AlmgrenChrissParams(eta=bad, gamma=1e-5, sigma=0.02)


# -- calibrate_ac_params ----------------------------------------------------------------------


def test_calibrate_basic(params):
    assert all(math.isfinite(v) for v in (params.eta, params.gamma, params.sigma))
    assert params.warnings == () and params.price == 0.5 and params.epsilon == 0.01


def test_calibrate_eta_calculation(params):
    # trading 1% of daily volume per day costs one full spread of temporary impact
    rate = 0.01 * SEED["daily_volume"]
    assert params.eta * rate == pytest.approx(SEED["daily_spread"], rel=1e-15)


def test_calibrate_gamma_calculation(params):
    # selling 10% of daily volume moves the price permanently by one spread
    assert params.gamma * 0.10 * SEED["daily_volume"] == pytest.approx(0.02, rel=1e-15)


def test_calibrate_sigma_calculation(params):
    assert params.sigma == pytest.approx(0.05 * 0.50, rel=1e-15)


def test_calibrate_with_source_calibration():
    from acsym import calibrate_impact

    fit = calibrate_impact(impact.example_fills_path(), robust=True)
    p = calibrate_ac_params(**SEED, source_calibration=fit)
    assert p.source_calibration is fit and p.alpha == fit.alpha != 0.5
    assert p.eta == pytest.approx(0.02 / 500)  # the spread heuristic without a trading rate
    with pytest.raises(TypeError, match="CalibrationResult"):
        calibrate_ac_params(**SEED, source_calibration=object())  # type: ignore[arg-type]


def test_calibrate_with_source_calibration_at_a_trading_rate():
    from acsym import calibrate_impact, linear_impact_at_rate

    fit = calibrate_impact(impact.example_fills_path(), robust=True)
    p = calibrate_ac_params(**SEED, source_calibration=fit, trading_rate=500.0)
    line = linear_impact_at_rate(fit, 500.0, 50_000, 0.05, 0.5)
    assert (p.eta, p.epsilon) == (line.eta, line.epsilon)
    # the secant: the linear impact at the stated rate is the fitted slippage there
    fitted_bps = fit.epsilon + fit.coefficient * 0.05 * (500.0 / 50_000) ** fit.alpha
    assert (p.epsilon + p.eta * 500.0) / 0.5 * 1e4 == pytest.approx(fitted_bps, rel=1e-12)


@pytest.mark.parametrize("volume", [0, -1, math.nan, math.inf])
def test_calibrate_invalid_volume(volume):
    with pytest.warns(InputWarning, match=r"daily_volume = .* out of range"):
        p = calibrate_ac_params(volume, 0.02, 0.05, 0.5)
    assert math.isnan(p.eta) and math.isnan(p.gamma) and math.isnan(p.sigma)
    assert any("daily_volume" in w for w in p.warnings)


def test_calibrate_invalid_volume_zero():
    with pytest.warns(InputWarning, match="daily_volume = 0.0"):
        assert math.isnan(calibrate_ac_params(0, 0.02, 0.05, 0.5).eta)


def test_calibrate_invalid_volume_negative():
    with pytest.warns(InputWarning, match=r"daily_volume = -5.0"):
        assert math.isnan(calibrate_ac_params(-5, 0.02, 0.05, 0.5).eta)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("daily_spread", -0.01),
        ("daily_volatility", -0.1),
        ("price", 0.0),
        ("tau", -1.0),
        ("price", math.nan),
        ("alpha", 0.0),
    ],
)
def test_calibrate_invalid_other_inputs(name, value):
    kwargs = {**SEED, name: value}
    with pytest.warns(InputWarning, match=name):
        p = calibrate_ac_params(**kwargs)
    assert math.isnan(p.eta)


@pytest.mark.parametrize("bad", ["50000", None])
def test_calibrate_wrong_type_raises(bad):
    with pytest.raises(TypeError, match="daily_volume"):
        calibrate_ac_params(bad, 0.02, 0.05, 0.5)


def test_calibrate_eta_tilde_warning():
    # eta_tilde = spread / V (100 - 5 tau) <= 0 once tau >= 20 days
    with pytest.warns(InputWarning, match="eta_tilde"):
        p = calibrate_ac_params(**SEED, tau=25.0)
    assert p.eta_tilde < 0 and any("eta_tilde" in w for w in p.warnings)


def test_calibrate_zero_spread():
    with pytest.warns(InputWarning, match="eta_tilde"):
        p = calibrate_ac_params(50_000, 0.0, 0.05, 0.5)
    assert p.eta == 0.0 and p.gamma == 0.0 and p.epsilon == 0.0
    with pytest.warns(InputWarning, match="falling back to TWAP"):
        t = generate_ac_trajectory(5000, 10, p, risk_aversion=1e-3)
    np.testing.assert_array_equal(t.holdings, 5000 * ((10 - np.arange(11)) / 10))
    assert t.params["expected_cost"] == 0.0  # no impact, no spread: TWAP costs nothing


# -- ExecutionTrajectory ----------------------------------------------------------------------


def _trajectory() -> ExecutionTrajectory:
    return ExecutionTrajectory(
        timestamps=np.arange(3.0),
        holdings=np.array([2.0, 1.0, 0.0]),
        trade_sizes=np.array([1.0, 1.0]),
        strategy_name="twap",
        total_cost_estimate=1.5,
        risk_aversion=0.0,
    )


def test_trajectory_creation():
    t = _trajectory()
    assert t.strategy_name == "twap" and t.params is None and t.total_cost_estimate == 1.5
    np.testing.assert_array_equal(t.holdings, [2.0, 1.0, 0.0])


def test_trajectory_is_frozen():
    t = _trajectory()
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.strategy_name = "vwap"  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        t.holdings[0] = 5.0


def test_trajectory_copies_its_inputs():
    source = np.array([2.0, 1.0, 0.0])
    t = ExecutionTrajectory(np.arange(3.0), source, np.ones(2), "twap", 0.0, 0.0, {"a": 1})
    source[0] = 99.0
    assert t.holdings[0] == 2.0
    with pytest.raises(TypeError):
        t.params["a"] = 2  # type: ignore[index]


# -- generate_ac_trajectory -------------------------------------------------------------------


def test_generate_risk_neutral_equals_twap(params):
    t = generate_ac_trajectory(5000, 10, params, risk_aversion=0.0)
    k = np.arange(11)
    np.testing.assert_array_equal(t.holdings, 5000 * ((10 - k) / 10))  # to the last bit
    np.testing.assert_array_equal(t.trade_sizes, np.full(10, 5000 * (1 / 10)))
    assert t.params["kappa"] == 0.0 and t.risk_aversion == 0.0


def test_generate_front_loaded_with_high_lambda(params):
    t = generate_ac_trajectory(5000, 10, params, risk_aversion=1e-2)
    assert t.trade_sizes[0] > 2 * 5000 / 10
    assert np.all(np.diff(t.trade_sizes) < 0)


def test_generate_holdings_start_at_order_size(params):
    for lam in (0.0, 1e-6, 1e-2, 10.0):
        assert generate_ac_trajectory(5000, 10, params, lam).holdings[0] == 5000


def test_generate_holdings_end_at_zero(params):
    for lam in (0.0, 1e-6, 1e-2, 10.0):
        assert generate_ac_trajectory(5000, 10, params, lam).holdings[-1] == 0.0


def test_generate_trade_sizes_sum_to_order_size(params):
    t = generate_ac_trajectory(5000, 10, params, risk_aversion=1e-5)
    assert t.trade_sizes.sum() == pytest.approx(5000, rel=1e-14)
    np.testing.assert_allclose(t.trade_sizes, -np.diff(t.holdings), rtol=1e-12)


def test_generate_trade_sizes_all_positive(params):
    t = generate_ac_trajectory(5000, 390, params, risk_aversion=1.0)
    assert np.all(t.trade_sizes >= 0)


def test_generate_timestamps_are_times(params):
    p = dataclasses.replace(params, tau=0.25)
    t = generate_ac_trajectory(5000, 8, p)
    np.testing.assert_allclose(t.timestamps, 0.25 * np.arange(9))


@pytest.mark.parametrize("order", [0, -100, math.nan, math.inf])
def test_generate_invalid_order_size(params, order):
    with pytest.warns(InputWarning, match="order_size"):
        t = generate_ac_trajectory(order, 10, params)
    assert np.all(np.isnan(t.holdings)) and len(t.holdings) == 11
    assert math.isnan(t.total_cost_estimate)
    assert any("order_size" in w for w in t.params["warnings"])


def test_generate_invalid_order_size_zero(params):
    with pytest.warns(InputWarning, match="order_size = 0.0"):
        assert np.all(np.isnan(generate_ac_trajectory(0, 10, params).trade_sizes))


def test_generate_invalid_order_size_negative(params):
    with pytest.warns(InputWarning, match="order_size = -5.0"):
        assert np.all(np.isnan(generate_ac_trajectory(-5, 10, params).trade_sizes))


@pytest.mark.parametrize("periods", [0, -3, 2.5, math.nan, math.inf])
def test_generate_invalid_duration(params, periods):
    with pytest.warns(InputWarning, match="duration_periods"):
        t = generate_ac_trajectory(5000, periods, params)
    assert np.all(np.isnan(t.holdings))


def test_generate_invalid_duration_zero(params):
    with pytest.warns(InputWarning, match="duration_periods = 0.0"):
        generate_ac_trajectory(5000, 0, params)


@pytest.mark.parametrize("lam", [-1e-6, math.nan, math.inf])
def test_generate_invalid_risk_aversion(params, lam):
    with pytest.warns(InputWarning, match="risk_aversion"):
        assert np.all(np.isnan(generate_ac_trajectory(5000, 10, params, lam).holdings))


@pytest.mark.parametrize(
    "call",
    [
        lambda p: generate_ac_trajectory("5000", 10, p),
        lambda p: generate_ac_trajectory(None, 10, p),
        lambda p: generate_ac_trajectory(5000, "10", p),
        lambda p: generate_ac_trajectory(5000, 10, p, risk_aversion=None),
        lambda p: generate_ac_trajectory(5000, 10, {"eta": 1}),
        lambda p: generate_ac_trajectory(5000, True, p),
    ],
)
def test_generate_wrong_types_raise(params, call):
    with pytest.raises(TypeError):
        call(params)


def test_generate_nan_params_give_nan_with_warning():
    with pytest.warns(InputWarning):
        bad = calibrate_ac_params(0, 0.02, 0.05, 0.5)
    with pytest.warns(InputWarning) as record:
        t = generate_ac_trajectory(5000, 10, bad)
    messages = [str(w.message) for w in record]
    assert any(m.startswith("params.eta = nan") for m in messages), messages
    assert np.all(np.isnan(t.holdings))


def test_generate_eta_tilde_violation_fallback_to_twap():
    with pytest.warns(InputWarning):
        p = calibrate_ac_params(**SEED, tau=25.0)
    with pytest.warns(InputWarning, match="falling back to TWAP"):
        t = generate_ac_trajectory(5000, 10, p, risk_aversion=1e-3)
    np.testing.assert_array_equal(t.holdings, 5000 * ((10 - np.arange(11)) / 10))
    assert any("eta_tilde" in w for w in t.params["warnings"])


def test_generate_increasing_lambda_more_front_loaded(params):
    first = [
        generate_ac_trajectory(5000, 10, params, lam).trade_sizes[0]
        for lam in (0.0, 1e-6, 1e-4, 1e-3, 1e-2, 1e-1)
    ]
    assert all(b > a for a, b in itertools.pairwise(first))


def test_price_missing_gives_nan_bps_with_reason():
    p = AlmgrenChrissParams(eta=4e-5, gamma=4e-6, sigma=0.025)
    with pytest.warns(InputWarning, match=r"params.price .* bps"):
        t = generate_ac_trajectory(5000, 10, p, 1e-5)
    assert math.isnan(t.total_cost_estimate) and t.params["expected_cost"] > 0
    assert np.all(np.isfinite(t.holdings))


def test_cost_is_the_derived_one_and_the_seed_formula_double_counts(params):
    """E from the definition: each trade pays gamma times the earlier trades, plus h(n/tau)."""
    t = generate_ac_trajectory(5000, 10, params, risk_aversion=1e-5)
    n, tau = t.trade_sizes, params.tau
    sold_before = np.concatenate([[0.0], np.cumsum(n)[:-1]])
    direct = (
        params.gamma * np.sum(n * sold_before)
        + params.epsilon * np.sum(np.abs(n))
        + params.eta / tau * np.sum(n**2)
    )
    assert t.params["expected_cost"] == pytest.approx(direct, rel=1e-12)
    seed_formula = 0.5 * params.gamma * 5000**2 + params.eta * np.sum(n**2) / tau
    # the seed's eta (not eta_tilde) counts gamma/2 * sum n^2 twice, and it omits epsilon X
    gap = seed_formula - (direct - params.epsilon * 5000)
    assert gap == pytest.approx(0.5 * params.gamma * np.sum(n**2), rel=1e-9)
    assert t.total_cost_estimate == pytest.approx(direct / (5000 * 0.5) * 1e4, rel=1e-12)


# -- batch ------------------------------------------------------------------------------------


def test_generate_ac_holdings_matches_single_calls(params):
    orders = np.array([1.0, 5000.0, 3e7])[:, None]
    lams = np.array([0.0, 1e-6, 1e-3, 1.0])
    batch = generate_ac_holdings(orders, 12, params, lams)
    assert batch.shape == (3, 4, 13)
    for i, order in enumerate(orders[:, 0]):
        for j, lam in enumerate(lams):
            single = generate_ac_trajectory(order, 12, params, lam).holdings
            # the batch path may use the one-sinh form, accurate to (2 + kappa T) ulps
            np.testing.assert_allclose(batch[i, j], single, rtol=1e-14, atol=1e-15 * order)
            assert batch[i, j, 0] == order and batch[i, j, -1] == 0.0


def test_generate_ac_holdings_bad_entries_are_nan(params):
    with pytest.warns(InputWarning, match=r"1 value\(s\) of order_size"):
        batch = generate_ac_holdings([100.0, -1.0], 5, params, 1e-6)
    assert np.all(np.isnan(batch[1])) and np.all(np.isfinite(batch[0]))
    with pytest.raises(TypeError):
        generate_ac_holdings(["a"], 5, params)


# -- integration ------------------------------------------------------------------------------


def test_calibrate_then_generate():
    p = calibrate_ac_params(**SEED)
    t = generate_ac_trajectory(order_size=5000, duration_periods=10, params=p, risk_aversion=1e-5)
    assert t.strategy_name == "almgren_chriss" and t.warnings == ()
    assert 0 < t.total_cost_estimate < 1e4 and t.params["variance"] > 0


def test_imports_from_acsym_package():
    code = (
        "from acsym import calibrate_ac_params, generate_ac_trajectory, "
        "AlmgrenChrissParams, ExecutionTrajectory; print('OK')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "OK"


def test_cli_trajectory_runs_the_seed_example(capsys):
    from acsym import cli

    assert cli.main(["trajectory"]) == 0
    out = capsys.readouterr().out
    assert "period" in out and "expected cost" in out and "bps" in out
    assert cli.main(["trajectory", "--json", "--periods", "4", "--risk-aversion", "0"]) == 0
    import json

    result = json.loads(capsys.readouterr().out)
    np.testing.assert_array_equal(result["holdings"], 5000 * ((4 - np.arange(5)) / 4))


def test_seed_verification_block_runs_as_written(capsys):
    """The seed plan's smoke test, with the acsym import path."""
    from acsym import calibrate_ac_params, generate_ac_trajectory

    params = calibrate_ac_params(daily_volume=50000, daily_spread=0.02, daily_volatility=0.05, price=0.50)
    print(f"eta={params.eta:.6f}, gamma={params.gamma:.6f}")
    traj = generate_ac_trajectory(order_size=5000, duration_periods=10, params=params, risk_aversion=1e-5)
    print(f"First trade: {traj.trade_sizes[0]:.0f}, Last trade: {traj.trade_sizes[-1]:.0f}")
    print(f"Expected cost: {traj.total_cost_estimate:.1f} bps")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "eta=0.000040, gamma=0.000004"
    # lambda = 1e-5 is mild here (kappa T ~ 0.13): a slightly front-loaded, near-TWAP schedule
    assert traj.trade_sizes[0] > 500 > traj.trade_sizes[-1]
    # E = gamma X^2/2 + epsilon X + eta_tilde sum n^2 ~ 50 + 50 + 95 = 195 currency on 2,500
    assert 779 < traj.total_cost_estimate < 781
