"""The efficient frontier, the lambda solvers, the plots and the `acsym frontier` command."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from dataclasses import FrozenInstanceError

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from acsym import (
    AlmgrenChrissParams,
    InputWarning,
    calibrate_ac_params,
    efficient_frontier,
    formulas,
    generate_ac_trajectory,
    generate_market_order_trajectory,
    generate_twap_trajectory,
    generate_vwap_trajectory,
    implied_risk_aversion,
    risk_aversion_for_cost,
    risk_aversion_for_variance,
)
from acsym.cli import main
from acsym.trajectory import ExecutionTrajectory

SEED = calibrate_ac_params(50_000, 0.02, 0.05, 0.50)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# (order, N, params): the seed example, a long horizon with a small tau, a large illiquid order
CASES = [
    (5_000.0, 10, SEED),
    (
        1e6,
        390,
        AlmgrenChrissParams(eta=2.5e-6, gamma=2.5e-7, sigma=0.025, tau=1 / 390, epsilon=0.01, price=50.0),
    ),
    (2e7, 50, AlmgrenChrissParams(eta=1e-4, gamma=1e-7, sigma=3.0, tau=0.5, epsilon=0.0, price=20.0)),
]


def _optimal(order: float, steps: int, params: AlmgrenChrissParams, lam: np.ndarray) -> tuple:
    """Expected cost and variance of the optimal schedules, from the generated closed forms."""
    kappa = formulas.kappa(lam, params.sigma, params.eta_tilde, params.tau)
    horizon = steps * params.tau
    cost = formulas.expected_cost(
        order, horizon, params.tau, kappa, params.gamma, params.eta_tilde, params.epsilon
    )
    return cost, formulas.variance(order, horizon, params.tau, kappa, params.sigma)


@pytest.mark.parametrize(("order", "steps", "params"), CASES)
def test_ends_are_twap_and_the_market_order(order, steps, params):
    frontier = efficient_frontier(order, steps, params)
    twap = generate_twap_trajectory(order, steps, params)
    market = generate_market_order_trajectory(order, steps, params)
    assert frontier.risk_aversion[0] == 0.0 and frontier.risk_aversion[-1] == math.inf
    # cost and variance: closed forms (frontier) against schedule sums (strategies)
    assert frontier.expected_cost[0] == pytest.approx(twap.params["expected_cost"], rel=1e-12)
    assert frontier.variance[0] == pytest.approx(twap.params["variance"], rel=1e-12)
    assert frontier.expected_cost[-1] == pytest.approx(market.params["expected_cost"], rel=1e-12)
    assert frontier.variance[-1] == market.params["variance"] == 0.0
    np.testing.assert_array_equal(frontier.holdings[0], twap.holdings)
    np.testing.assert_array_equal(frontier.holdings[-1], market.holdings)
    np.testing.assert_array_equal(frontier.trade_sizes[-1], market.trade_sizes)
    assert frontier.trajectory(0).strategy_name == "almgren_chriss"
    assert frontier.trajectory(-1).strategy_name == "market_order"


@pytest.mark.parametrize(("order", "steps", "params"), CASES)
def test_frontier_is_monotone(order, steps, params):
    frontier = efficient_frontier(order, steps, params)
    assert len(frontier) == 50
    assert np.all(np.diff(frontier.risk_aversion) > 0)
    assert np.all(np.diff(frontier.expected_cost) > 0)  # cost rises with lambda
    assert np.all(np.diff(frontier.variance) < 0)  # variance falls
    # the default grid is evenly spaced in standard deviation
    np.testing.assert_allclose(np.diff(frontier.std), -frontier.std[0] / 49, rtol=1e-6)


@pytest.mark.parametrize(("order", "steps", "params"), CASES)
def test_frontier_is_convex_with_slope_minus_lambda(order, steps, params):
    # a grid whose neighbouring points differ well above rounding
    frontier = efficient_frontier(order, steps, params, points=30)
    cost, variance, lam = frontier.expected_cost, frontier.variance, frontier.risk_aversion
    chords = np.diff(cost) / np.diff(variance)  # dE/dV between neighbours, ordered by lambda
    # convex in (V, E): chord slopes fall as V falls, i.e. as lambda grows
    assert np.all(np.diff(chords) < 0)
    # and the tangent slope is -lambda (envelope theorem), so chord i lies between -lambda_{i+1}
    # and -lambda_i: the frontier is the lower convex envelope, not just some convex curve
    tolerance = 1e-6 * np.abs(chords)
    assert np.all(chords <= -lam[:-1] + tolerance)
    assert np.all(chords[:-1] >= -lam[1:-1] - tolerance[:-1])


@pytest.mark.parametrize(("order", "steps", "params"), CASES)
def test_each_point_is_the_almgren_chriss_schedule(order, steps, params):
    frontier = efficient_frontier(order, steps, params, points=7)
    assert frontier.holdings.shape == (7, steps + 1)
    assert frontier.trade_sizes.shape == (7, steps)
    for i in range(len(frontier) - 1):
        point = frontier.trajectory(i)
        direct = generate_ac_trajectory(order, steps, params, risk_aversion=float(frontier.risk_aversion[i]))
        np.testing.assert_allclose(point.holdings, direct.holdings, rtol=1e-14, atol=1e-12 * order)
        assert point.params["expected_cost"] == pytest.approx(direct.params["expected_cost"], rel=1e-14)
        assert point.total_cost_estimate == pytest.approx(direct.total_cost_estimate, rel=1e-14)
    np.testing.assert_allclose(frontier.holdings[:, 0], order)
    np.testing.assert_array_equal(frontier.holdings[:, -1], 0.0)
    np.testing.assert_allclose(frontier.trade_sizes.sum(axis=1), order, rtol=1e-12)


def test_given_grid_is_sorted_and_gets_both_ends():
    frontier = efficient_frontier(5_000.0, 10, SEED, risk_aversion=[1e-2, 1e-4, 1e-2, math.inf])
    np.testing.assert_array_equal(frontier.risk_aversion, [0.0, 1e-4, 1e-2, math.inf])


def test_bps_and_results_are_read_only():
    frontier = efficient_frontier(5_000.0, 10, SEED, points=5)
    notional = 5_000.0 * SEED.price
    np.testing.assert_allclose(frontier.expected_cost_bps, frontier.expected_cost / notional * 1e4)
    np.testing.assert_allclose(frontier.std_bps, np.sqrt(frontier.variance) / notional * 1e4)
    with pytest.raises(ValueError):
        frontier.expected_cost[0] = 0.0
    with pytest.raises(ValueError):
        frontier.holdings[1, 1] = 0.0
    with pytest.raises(FrozenInstanceError):
        frontier.order_size = 1.0  # type: ignore[misc]


def test_one_interval_collapses_to_its_ends():
    frontier = efficient_frontier(100.0, 1, SEED)
    np.testing.assert_array_equal(frontier.risk_aversion, [0.0, math.inf])
    assert frontier.expected_cost[0] == pytest.approx(frontier.expected_cost[1], rel=1e-14)


# --- the lambda solvers -----------------------------------------------------------------------

fractions = st.floats(min_value=0.0, max_value=1.0)
cases = st.sampled_from(CASES)


@given(case=cases, fraction=st.lists(fractions, min_size=1, max_size=8))
def test_lambda_for_variance_round_trips(case, fraction):
    order, steps, params = case
    twap = generate_twap_trajectory(order, steps, params).params["variance"]
    targets = twap * np.asarray(fraction)
    lam = risk_aversion_for_variance(targets, order, steps, params)
    assert lam.shape == targets.shape and np.all(lam >= 0)
    _, reached = _optimal(order, steps, params, np.where(np.isinf(lam), 0, lam))
    reached = np.where(np.isinf(lam), 0.0, reached)
    np.testing.assert_allclose(reached, targets, rtol=1e-10, atol=1e-13 * twap)


@given(case=cases, fraction=st.lists(fractions, min_size=1, max_size=8))
def test_lambda_for_cost_round_trips(case, fraction):
    order, steps, params = case
    low = generate_twap_trajectory(order, steps, params).params["expected_cost"]
    high = generate_market_order_trajectory(order, steps, params).params["expected_cost"]
    targets = low + (high - low) * np.asarray(fraction)
    lam = risk_aversion_for_cost(targets, order, steps, params)
    finite = np.isfinite(lam)
    reached, _ = _optimal(order, steps, params, np.where(finite, lam, 0.0))
    reached = np.where(finite, reached, high)
    np.testing.assert_allclose(reached, targets, rtol=1e-12)
    assert np.all(lam[np.asarray(fraction) == 0] == 0.0)  # TWAP's own cost, a sum, solves to 0
    assert np.all(lam[np.asarray(fraction) == 1] == math.inf)


@given(case=cases, log_kappa_horizon=st.floats(min_value=-2.0, max_value=2.0))
def test_lambda_round_trips_through_both_solvers(case, log_kappa_horizon):
    order, steps, params = case
    # lambda whose continuous-time kappa T is 10**log_kappa_horizon: well conditioned there
    lam = params.eta_tilde * (10**log_kappa_horizon / (steps * params.tau)) ** 2 / params.sigma**2
    cost, variance = _optimal(order, steps, params, np.asarray(lam))
    assert risk_aversion_for_variance(variance, order, steps, params) == pytest.approx(lam, rel=1e-7)
    assert risk_aversion_for_cost(cost, order, steps, params) == pytest.approx(lam, rel=1e-7)
    trajectory = generate_ac_trajectory(order, steps, params, risk_aversion=lam)
    assert implied_risk_aversion(trajectory, params) == pytest.approx(lam, rel=1e-7)


def test_solver_ends_are_exact():
    frontier = efficient_frontier(5_000.0, 10, SEED, points=5)
    lam = frontier.risk_aversion_for_variance(frontier.variance[[0, -1]])
    np.testing.assert_array_equal(lam, [0.0, math.inf])
    lam = frontier.risk_aversion_for_cost(frontier.expected_cost[[0, -1]])
    np.testing.assert_array_equal(lam, [0.0, math.inf])
    scalar = frontier.risk_aversion_for_variance(float(frontier.variance[2]))
    assert np.ndim(scalar) == 0 and scalar == pytest.approx(frontier.risk_aversion[2], rel=1e-9)


def test_targets_out_of_range_give_nan_and_a_warning():
    twap = generate_twap_trajectory(5_000.0, 10, SEED).params["variance"]
    with pytest.warns(InputWarning, match=r"target_variance out of range.*-1\.0"):
        lam = risk_aversion_for_variance([-1.0, 0.5 * twap, 2 * twap, math.nan], 5_000.0, 10, SEED)
    assert np.isnan(lam[[0, 2, 3]]).all() and np.isfinite(lam[1])
    with pytest.warns(InputWarning, match="target_cost out of range"):
        assert math.isnan(risk_aversion_for_cost(1.0, 5_000.0, 10, SEED))


def test_implied_risk_aversion_of_the_strategies():
    order, steps = 5_000.0, 10
    assert implied_risk_aversion(generate_twap_trajectory(order, steps, SEED), SEED) == 0.0
    assert implied_risk_aversion(generate_market_order_trajectory(order, steps, SEED), SEED) == math.inf
    vwap = generate_vwap_trajectory(order, steps, SEED)
    lam = implied_risk_aversion(vwap, SEED)
    assert 0 < lam < math.inf
    twin = generate_ac_trajectory(order, steps, SEED, risk_aversion=lam)
    assert twin.params["variance"] == pytest.approx(vwap.params["variance"], rel=1e-10)
    assert twin.params["expected_cost"] < vwap.params["expected_cost"]


def test_a_schedule_riskier_than_twap_implies_no_lambda():
    holdings = np.array([100.0, 100.0, 100.0, 0.0])  # sell everything at the end
    late = ExecutionTrajectory(np.arange(4.0), holdings, -np.diff(holdings), "custom", math.nan, math.nan)
    with pytest.warns(InputWarning, match="more risk than"):
        assert math.isnan(implied_risk_aversion(late, SEED))


@given(weights=st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=2, max_size=30))
def test_no_schedule_beats_the_frontier(weights):
    """Any selling schedule costs at least the optimal schedule with the same variance."""
    trades = np.asarray(weights)
    assume(trades.sum() > 1e-3)
    order = 10_000.0
    steps = trades.size
    holdings = order * np.concatenate(([1.0], 1.0 - np.cumsum(trades) / trades.sum()))
    holdings[-1] = 0.0
    schedule = ExecutionTrajectory(
        np.arange(steps + 1.0), holdings, holdings[:-1] - holdings[1:], "custom", math.nan, math.nan
    )
    twap_variance = generate_twap_trajectory(order, steps, SEED).params["variance"]
    variance = formulas.schedule_variance(holdings, SEED.tau, SEED.sigma)
    assume(variance <= twap_variance)
    lam = implied_risk_aversion(schedule, SEED)
    cost = formulas.schedule_expected_cost(
        schedule.trade_sizes, SEED.tau, SEED.gamma, SEED.eta_tilde, SEED.epsilon
    )
    if math.isinf(lam):
        optimal = generate_market_order_trajectory(order, steps, SEED).params["expected_cost"]
    else:
        optimal = generate_ac_trajectory(order, steps, SEED, risk_aversion=lam).params["expected_cost"]
    assert cost >= optimal * (1 - 1e-9)


# --- the input contract -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "argument"),
    [
        ((-1.0, 10, SEED), "order_size"),
        ((math.inf, 10, SEED), "order_size"),
        ((100.0, 0, SEED), "duration_periods"),
        ((100.0, 10, AlmgrenChrissParams(eta=1e-4, gamma=1e-6, sigma=0.0, price=1.0)), "params.sigma"),
        ((100.0, 10, AlmgrenChrissParams(eta=1e-6, gamma=1e-4, sigma=0.1, price=1.0)), "eta_tilde"),
    ],
)
def test_out_of_range_inputs_give_a_nan_frontier_and_a_named_warning(args, argument):
    with pytest.warns(InputWarning, match=argument):
        frontier = efficient_frontier(*args)
    assert len(frontier) == 2 and np.isnan(frontier.expected_cost).all()
    assert any(argument in message for message in frontier.warnings)
    with pytest.warns(InputWarning, match=argument):
        assert math.isnan(risk_aversion_for_variance(1.0, *args))


@pytest.mark.parametrize(
    "call",
    [
        lambda: efficient_frontier("100", 10, SEED),
        lambda: efficient_frontier(100.0, 10, None),
        lambda: efficient_frontier(100.0, 10, SEED, points=2.5),
        lambda: efficient_frontier(100.0, 10, SEED, risk_aversion=["a"]),
        lambda: risk_aversion_for_cost("1", 100.0, 10, SEED),
        lambda: implied_risk_aversion(np.ones(3), SEED),
    ],
)
def test_wrong_types_raise_type_error(call):
    with pytest.raises(TypeError):
        call()


def test_bad_grid_values_are_left_out_with_a_warning():
    with pytest.warns(InputWarning, match="risk_aversion out of range"):
        frontier = efficient_frontier(100.0, 10, SEED, risk_aversion=[-1.0, math.nan, 1e-3])
    np.testing.assert_array_equal(frontier.risk_aversion, [0.0, 1e-3, math.inf])
    with pytest.warns(InputWarning, match="points"):
        assert len(efficient_frontier(100.0, 10, SEED, points=1)) == 2


def test_no_price_gives_nan_bps_with_a_warning():
    params = AlmgrenChrissParams(eta=1e-4, gamma=1e-6, sigma=0.1)
    with pytest.warns(InputWarning, match="price"):
        frontier = efficient_frontier(100.0, 10, params, points=5)
    assert np.isnan(frontier.expected_cost_bps).all() and np.isfinite(frontier.expected_cost).all()


# --- plots and the command line ---------------------------------------------------------------


def _assert_png(path):
    data = path.read_bytes()
    assert len(data) > 1000 and data.startswith(PNG_MAGIC)


def test_plots_are_written_headless(tmp_path):
    from acsym.plots import plot_frontier, plot_holdings

    frontier = efficient_frontier(5_000.0, 10, SEED, points=101)
    figure = plot_frontier(frontier, path=tmp_path / "frontier.png")
    _assert_png(tmp_path / "frontier.png")
    labels = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    assert {"TWAP", "VWAP", "market order"} <= set(labels)
    assert "[currency]" in figure.axes[0].get_xlabel() and "[currency]" in figure.axes[0].get_ylabel()
    chosen = generate_ac_trajectory(5_000.0, 10, SEED, risk_aversion=1e-2)
    figure = plot_holdings([frontier.trajectory(i) for i in (0, 50, 75)], highlight=chosen)
    figure.savefig(tmp_path / "holdings.png")
    _assert_png(tmp_path / "holdings.png")
    assert figure.axes[0].get_xlabel() == "time [days]"
    assert figure.axes[0].get_ylabel() == "holdings [shares]"


def test_importing_acsym_loads_neither_matplotlib_nor_sympy():
    code = (
        "import sys, acsym, acsym.frontier, acsym.plots; "
        "print(sorted({'matplotlib', 'sympy'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_cli_frontier_table_json_and_plot(tmp_path, capsys):
    assert main(["frontier", "--points", "5"]) == 0
    table = capsys.readouterr().out
    assert "vwap" in table and "market_order" in table and "inf" in table
    path = tmp_path / "frontier.png"
    assert main(["frontier", "--json", "--points", "6", "--plot", str(path)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert len(result["frontier"]["risk_aversion"]) == 6
    assert result["frontier"]["risk_aversion"][0] == 0.0
    assert result["frontier"]["risk_aversion"][-1] is None  # inf is not JSON
    names = [row["strategy"] for row in result["rows"]]
    assert names == ["twap", "vwap", "market_order", "almgren_chriss"]
    assert result["rows"][1]["excess_cost_over_frontier"] > 0
    _assert_png(path)


def test_cli_trajectory_plot(tmp_path, capsys):
    path = tmp_path / "holdings.png"
    assert main(["trajectory", "--plot", str(path)]) == 0
    assert f"wrote {path}" in capsys.readouterr().out
    _assert_png(path)
