"""Monte Carlo of the discrete A-C dynamics against the derived expected cost and variance.

Statistical tolerances come from the standard errors: the simulated mean must lie within Z
standard errors of E and the sample variance inside the (Wilson-Hilferty) chi-square confidence
interval of Var, with Z the two-sided normal quantile of ALPHA. Seeds are fixed, so a run is
deterministic; ALPHA only says how unlucky a seed would have to be to fail.
"""

from __future__ import annotations

import json
import math
import statistics
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

import acsym
from acsym import formulas
from acsym.cli import main
from acsym.simulation import _deterministic_shortfall, _path_shortfalls, _shock_weights

ALPHA = 1e-3
Z = statistics.NormalDist().inv_cdf(1 - ALPHA / 2)


def _params(tau: float = 1.0, daily_volatility: float = 0.05) -> acsym.AlmgrenChrissParams:
    """The seed example's market (epsilon = half spread > 0)."""
    return acsym.calibrate_ac_params(50_000, 0.02, daily_volatility, 0.50, tau=tau)


def _schedule(trades: list[float], tau: float, name: str = "hand_built") -> acsym.ExecutionTrajectory:
    """An ExecutionTrajectory built by hand from its trades (no generator involved)."""
    n = np.asarray(trades, dtype=float)
    holdings = n.sum() - np.concatenate(([0.0], np.cumsum(n)))
    holdings[-1] = 0.0
    return acsym.ExecutionTrajectory(
        timestamps=np.arange(n.size + 1) * tau,
        holdings=holdings,
        trade_sizes=n,
        strategy_name=name,
        total_cost_estimate=math.nan,
        risk_aversion=math.nan,
    )


@dataclass(frozen=True)
class Case:
    """A schedule and market to simulate."""

    name: str
    trajectory: acsym.ExecutionTrajectory
    params: acsym.AlmgrenChrissParams
    n_paths: int
    seed: int


def _cases() -> list[Case]:
    seed_market, quarter, minutes, half = _params(), _params(tau=0.25), _params(tau=1 / 390), _params(tau=0.5)
    ac = acsym.generate_ac_trajectory
    return [
        Case("seed example A-C", ac(5_000, 10, seed_market, 1e-5), seed_market, 40_000, 1),
        Case("TWAP, lambda = 0", ac(5_000, 10, seed_market, 0.0), seed_market, 40_000, 2),
        Case("A-C, tau = 0.25", ac(5_000, 40, quarter, 1e-3), quarter, 40_000, 3),
        Case("A-C, large kappa*T", ac(5_000, 40, quarter, 1.0), quarter, 40_000, 4),
        Case("A-C, 390 periods", ac(5_000, 390, minutes, 1e-2), minutes, 20_000, 5),
        Case("front-loaded, tau = 0.5", _schedule([3_500.0, 1_000.0, 500.0], 0.5), half, 40_000, 6),
        Case("with a buy-back", _schedule([4_000.0, -500.0, 1_500.0], 1.0), seed_market, 40_000, 7),
    ]


CASES = _cases()


def test_cases_cover_the_brief() -> None:
    large = CASES[3]
    kappa = large.trajectory.params["kappa"]  # type: ignore[index]
    assert kappa * large.trajectory.timestamps[-1] > 20
    assert all(case.params.epsilon > 0 for case in CASES)
    assert CASES[1].trajectory.params["kappa"] == 0.0  # type: ignore[index]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_mean_within_standard_errors_of_expected_cost(case: Case) -> None:
    result = acsym.simulate_execution(case.trajectory, case.params, case.n_paths, seed=case.seed)
    assert abs(result.mean - result.expected_cost) <= Z * result.mean_stderr, (
        f"mean {result.mean} vs E {result.expected_cost}: {result.mean_gap:+.2f} s.e. (limit {Z:.2f})"
    )
    assert result.mean_gap == pytest.approx((result.mean - result.expected_cost) / result.mean_stderr)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_sample_variance_within_confidence_interval(case: Case) -> None:
    result = acsym.simulate_execution(case.trajectory, case.params, case.n_paths, seed=case.seed)
    # (n - 1) s**2 / Var is chi-square with k = n - 1 degrees of freedom; Wilson-Hilferty
    # maps it to a standard normal
    k = case.n_paths - 1
    ratio = result.std**2 / result.variance
    z = (ratio ** (1 / 3) - (1 - 2 / (9 * k))) / math.sqrt(2 / (9 * k))
    assert abs(z) <= Z, f"s^2 / Var = {ratio}: {z:+.2f} (limit {Z:.2f})"
    assert abs(result.std_gap) <= Z


@pytest.mark.parametrize("case", CASES[:2], ids=lambda c: c.name)
def test_value_at_risk_within_standard_errors(case: Case) -> None:
    result = acsym.simulate_execution(case.trajectory, case.params, case.n_paths, seed=case.seed)
    normal = statistics.NormalDist()
    for p, simulated in result.value_at_risk.items():
        # asymptotic s.e. of a sample p-quantile: sqrt(p (1 - p) / n) / density at the quantile
        density = normal.pdf(normal.inv_cdf(p)) / result.expected_std
        stderr = math.sqrt(p * (1 - p) / case.n_paths) / density
        assert abs(simulated - result.derived_value_at_risk[p]) <= Z * stderr
        assert result.expected_shortfall[p] > simulated
    # the sample median of a normal sample has s.e. sqrt(pi / 2) sd / sqrt(n)
    median_stderr = math.sqrt(math.pi / 2) * result.expected_std / math.sqrt(case.n_paths)
    assert abs(result.quantiles[0.5] - result.expected_cost) <= Z * median_stderr


def test_trajectory_expected_cost_matches_the_schedule_formula() -> None:
    """The result's E is the schedule formula; for A-C it equals the trajectory's closed form."""
    case = CASES[3]
    result = acsym.simulate_execution(case.trajectory, case.params, 100, seed=0)
    details = case.trajectory.params
    assert details is not None
    assert result.expected_cost == pytest.approx(details["expected_cost"], rel=1e-9)
    assert result.variance == pytest.approx(details["variance"], rel=1e-9)
    assert not result.warnings


@pytest.mark.filterwarnings("ignore:trajectory.params:acsym.InputWarning")  # built with sigma > 0
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_zero_volatility_gives_expected_cost_on_every_path(case: Case) -> None:
    params = _params(tau=case.params.tau, daily_volatility=0.0)
    result = acsym.simulate_execution(case.trajectory, params, 3_000, seed=0, return_samples=True)
    expected = formulas.schedule_expected_cost(
        case.trajectory.trade_sizes, params.tau, params.gamma, params.eta_tilde, params.epsilon
    )
    assert result.samples is not None
    np.testing.assert_allclose(result.samples, expected, rtol=1e-12)
    assert result.std == 0.0 and result.std_stderr == 0.0
    assert result.mean_gap == 0.0 and result.std_gap == 0.0
    assert result.variance == 0.0


def test_market_order_is_deterministic() -> None:
    params = _params()
    order = _schedule([5_000.0, 0.0, 0.0, 0.0], 1.0, name="market_order")
    result = acsym.simulate_execution(order, params, 2_000, seed=3, return_samples=True)
    assert result.samples is not None
    # everything sold at S_0 - epsilon - eta X / tau
    expected = 5_000.0 * (params.epsilon + params.eta * 5_000.0 / params.tau)
    np.testing.assert_allclose(result.samples, expected, rtol=1e-12)
    assert result.expected_cost == pytest.approx(expected, rel=1e-12)


def _explicit_dynamics(
    trades: np.ndarray, params: acsym.AlmgrenChrissParams, shocks: np.ndarray, initial_price: float
) -> np.ndarray:
    """The dynamics step by step, vectorised over paths only: X S_0 - sum n_k P_k."""
    price = np.full(shocks.shape[0], initial_price)
    paid = np.zeros(shocks.shape[0])
    for k, n in enumerate(trades):
        rate = n / params.tau
        paid += n * (price - (params.epsilon * np.sign(rate) + params.eta * rate))
        price = price + params.sigma * math.sqrt(params.tau) * shocks[:, k] - params.tau * params.gamma * rate
    return trades.sum() * initial_price - paid


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_vectorised_shortfall_equals_explicit_price_path(case: Case) -> None:
    trades = np.asarray(case.trajectory.trade_sizes)
    shocks = np.random.default_rng(11).standard_normal((200, trades.size))
    weights = _shock_weights(trades, case.params)
    vectorised = _path_shortfalls(
        shocks[:, :-1].copy(), weights, _deterministic_shortfall(trades, case.params)
    )
    explicit = _explicit_dynamics(trades, case.params, shocks, initial_price=case.params.price)
    notional = trades.sum() * case.params.price
    np.testing.assert_allclose(vectorised, explicit, rtol=0, atol=1e-11 * notional)


def test_chunk_size_does_not_change_the_numbers() -> None:
    case = CASES[0]
    runs = [
        acsym.simulate_execution(
            case.trajectory, case.params, 5_000, seed=9, chunk_size=chunk, return_samples=True
        )
        for chunk in (1, 1_000, 2_048, 4_999, 100_000)
    ]
    for run in runs[1:]:
        assert run.samples is not None and runs[0].samples is not None
        assert np.array_equal(run.samples, runs[0].samples)
        assert run.as_dict() == runs[0].as_dict()


def test_same_seed_is_bit_identical_and_seeds_differ() -> None:
    case = CASES[4]
    first, second, other = (
        acsym.simulate_execution(case.trajectory, case.params, 3_000, seed=s, return_samples=True)
        for s in (42, 42, 43)
    )
    assert first.samples is not None and second.samples is not None and other.samples is not None
    assert np.array_equal(first.samples, second.samples)
    assert first.as_dict() == second.as_dict()
    assert not np.array_equal(first.samples, other.samples)
    from_sequence = acsym.simulate_execution(
        case.trajectory, case.params, 3_000, seed=np.random.SeedSequence(42), return_samples=True
    )
    assert np.array_equal(from_sequence.samples, first.samples)  # type: ignore[arg-type]


def test_unseeded_run_records_its_entropy() -> None:
    case = CASES[0]
    first = acsym.simulate_execution(case.trajectory, case.params, 1_000, return_samples=True)
    again = acsym.simulate_execution(
        case.trajectory, case.params, 1_000, seed=first.seed_entropy, return_samples=True
    )
    assert np.array_equal(first.samples, again.samples)  # type: ignore[arg-type]


def test_generator_seed_is_reproducible_from_its_state() -> None:
    case = CASES[0]
    a = acsym.simulate_execution(case.trajectory, case.params, 1_000, seed=np.random.default_rng(5))
    b = acsym.simulate_execution(case.trajectory, case.params, 1_000, seed=np.random.default_rng(5))
    assert a.mean == b.mean


def test_samples_only_when_asked_and_read_only() -> None:
    case = CASES[0]
    assert acsym.simulate_execution(case.trajectory, case.params, 100, seed=0).samples is None
    result = acsym.simulate_execution(case.trajectory, case.params, 100, seed=0, return_samples=True)
    assert result.samples is not None and result.samples.shape == (100,)
    with pytest.raises(ValueError, match="read-only"):
        result.samples[0] = 0.0


def test_progress_reports_every_path() -> None:
    case = CASES[0]
    done: list[int] = []
    acsym.simulate_execution(
        case.trajectory, case.params, 5_000, seed=0, chunk_size=2_048, progress=done.append
    )
    assert sum(done) == 5_000 and len(done) == 3


def test_basis_points_of_notional() -> None:
    case = CASES[0]
    result = acsym.simulate_execution(case.trajectory, case.params, 1_000, seed=0)
    notional = 5_000 * 0.50
    assert result.notional == notional
    assert result.to_bps(result.mean) == pytest.approx(result.mean / notional * 1e4)
    as_dict = result.as_dict()
    assert as_dict["value_at_risk"]["0.95"]["bps"] == pytest.approx(
        result.value_at_risk[0.95] / notional * 1e4
    )
    assert as_dict["expected_cost"]["bps"] == pytest.approx(case.trajectory.total_cost_estimate)


# ---------------------------------------------------------------------------------------------
# bad input: a clear TypeError, or NaN with an InputWarning; never a traceback from numpy


def _assert_nan(result: acsym.SimulationResult) -> None:
    assert math.isnan(result.mean) and math.isnan(result.std) and math.isnan(result.expected_cost)
    assert all(math.isnan(v) for v in result.value_at_risk.values())
    assert result.warnings


@pytest.mark.parametrize("n_paths", [0, -5, 1, 2.5, math.nan, math.inf])
def test_n_paths_out_of_range(n_paths: Any) -> None:
    case = CASES[0]
    with pytest.warns(acsym.InputWarning, match="n_paths"):
        result = acsym.simulate_execution(case.trajectory, case.params, n_paths, seed=0)
    _assert_nan(result)


@pytest.mark.parametrize(
    ("arguments", "match"),
    [
        ({"n_paths": "100"}, "n_paths must be an integer"),
        ({"n_paths": True}, "n_paths must be an integer"),
        ({"seed": "abc"}, "seed must be"),
        ({"seed": 1.5}, "seed must be"),
        ({"trajectory": np.zeros(3)}, "trajectory must be an ExecutionTrajectory"),
        ({"params": {"eta": 1.0}}, "params must be AlmgrenChrissParams"),
        ({"chunk_size": "big"}, "chunk_size must be an integer"),
        ({"return_samples": 1}, "return_samples must be a bool"),
        ({"progress": 3}, "progress must be callable"),
    ],
)
def test_wrong_types_raise(arguments: dict[str, Any], match: str) -> None:
    case = CASES[0]
    call: dict[str, Any] = {"trajectory": case.trajectory, "params": case.params, "n_paths": 100}
    call.update(arguments)
    with pytest.raises(TypeError, match=match):
        acsym.simulate_execution(**call)


def test_nan_trajectory() -> None:
    params = _params()
    with pytest.warns(acsym.InputWarning):
        broken = acsym.generate_ac_trajectory(-1.0, 10, params)
    with pytest.warns(acsym.InputWarning, match="not finite"):
        result = acsym.simulate_execution(broken, params, 100, seed=0)
    _assert_nan(result)


def test_tau_that_disagrees_with_the_timestamps() -> None:
    trajectory = acsym.generate_ac_trajectory(5_000, 10, _params(tau=1.0), 1e-5)
    with pytest.warns(acsym.InputWarning, match=r"params\.tau = 0\.5"):
        result = acsym.simulate_execution(trajectory, _params(tau=0.5), 100, seed=0)
    _assert_nan(result)


def test_trajectory_generated_under_other_params_is_simulated_with_a_warning() -> None:
    trajectory = acsym.generate_ac_trajectory(5_000, 10, _params(), 1e-5)
    calmer = _params(daily_volatility=0.02)
    with pytest.warns(acsym.InputWarning, match="generated with other parameters"):
        result = acsym.simulate_execution(trajectory, calmer, 20_000, seed=0)
    assert result.variance == pytest.approx(
        formulas.schedule_variance(trajectory.holdings, 1.0, calmer.sigma)
    )
    assert abs(result.mean_gap) <= Z


@pytest.mark.parametrize(
    ("trades", "holdings", "match"),
    [
        ([2_000.0, 2_000.0], [5_000.0, 3_000.0, 1_000.0], r"holdings\[-1\]"),
        ([2_000.0, 3_000.0], [5_000.0, 2_500.0, 0.0], "decrements"),
        ([-1_000.0, 1_000.0], [0.0, 1_000.0, 0.0], r"holdings\[0\]"),
        ([5_000.0], [5_000.0, 0.0, 0.0], "needs 2 holdings"),
    ],
)
def test_inconsistent_schedule(trades: list[float], holdings: list[float], match: str) -> None:
    bad = acsym.ExecutionTrajectory(
        timestamps=np.arange(len(holdings), dtype=float),
        holdings=np.asarray(holdings),
        trade_sizes=np.asarray(trades),
        strategy_name="custom",
        total_cost_estimate=math.nan,
        risk_aversion=math.nan,
    )
    with pytest.warns(acsym.InputWarning, match=match):
        result = acsym.simulate_execution(bad, _params(), 100, seed=0)
    _assert_nan(result)


@pytest.mark.parametrize(
    ("arguments", "match"),
    [
        ({"params": acsym.AlmgrenChrissParams(eta=math.nan, gamma=0.0, sigma=1.0)}, r"params\.eta"),
        ({"params": acsym.AlmgrenChrissParams(eta=1e-5, gamma=0.0, sigma=-1.0)}, r"params\.sigma"),
        ({"chunk_size": 0}, "chunk_size"),
        ({"seed": -1}, "seed"),
        ({"quantile_levels": (0.5, 1.5)}, "quantile_levels"),
        ({"confidence_levels": (0.0,)}, "confidence_levels"),
    ],
)
def test_values_out_of_range(arguments: dict[str, Any], match: str) -> None:
    case = CASES[0]
    call: dict[str, Any] = {"trajectory": case.trajectory, "params": case.params, "n_paths": 100}
    call.update(arguments)
    with pytest.warns(acsym.InputWarning, match=match):
        result = acsym.simulate_execution(**call)
    _assert_nan(result)


def test_unknown_price_gives_nan_bps_only() -> None:
    trajectory = _schedule([2_500.0, 2_500.0], 1.0)
    params = acsym.AlmgrenChrissParams(eta=4e-5, gamma=4e-6, sigma=0.025, epsilon=0.01)
    with pytest.warns(acsym.InputWarning, match=r"params\.price"):
        result = acsym.simulate_execution(trajectory, params, 1_000, seed=0)
    assert math.isfinite(result.mean) and math.isnan(result.to_bps(result.mean))


# ---------------------------------------------------------------------------------------------
# import cost and the command line


def test_import_acsym_loads_no_optional_dependency() -> None:
    code = "import sys, acsym; print(sorted(m for m in ('tqdm', 'matplotlib', 'sympy') if m in sys.modules))"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "[]"


def test_cli_simulate_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--paths", "4000", "--seed", "1", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "almgren_chriss" in out and "twap" in out and "VaR 95%" in out and "seed: 1" in out


def test_cli_simulate_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--paths", "20000", "--seed", "2", "--json", "--no-progress"]) == 0
    report = json.loads(capsys.readouterr().out)
    names = [r["strategy_name"] for r in report["results"]]
    assert names[:2] == ["almgren_chriss", "twap"]
    for result in report["results"]:
        assert abs(result["mean_gap"]) <= Z and abs(result["std_gap"]) <= Z


def test_cli_simulate_plot(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib", reason="the plot extra (acsym[plot]) is not installed")
    target = tmp_path / "costs.png"
    assert main(["simulate", "--paths", "2000", "--seed", "1", "--plot", str(target), "--no-progress"]) == 0
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# other strategies' generators, when the trajectory module has them (added on other branches)
OTHER_GENERATORS = [
    name
    for name in ("generate_twap_trajectory", "generate_vwap_trajectory", "generate_market_order_trajectory")
    if hasattr(acsym.trajectory, name)
]


@pytest.mark.parametrize("name", OTHER_GENERATORS)
def test_other_generators_match_their_derived_moments(name: str) -> None:
    params = _params(tau=0.5)
    trajectory = getattr(acsym.trajectory, name)(5_000, 12, params)
    result = acsym.simulate_execution(trajectory, params, 40_000, seed=8)
    assert not result.warnings
    assert abs(result.mean - result.expected_cost) <= Z * result.mean_stderr or result.mean_gap == 0.0
    assert abs(result.std_gap) <= Z
