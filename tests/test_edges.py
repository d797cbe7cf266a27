"""Reliability at the edges (issue 20): inputs that pass the type checks but sit at the ends of
double precision, sizes past what memory allows, and results that must stay read-only.

The contract under test: every public call either answers with finite numbers or says why not
with an :class:`~acsym.InputWarning` (NaN results); it never raises on a bad value, never lets
a RuntimeWarning out (pytest turns those into errors) and never answers NaN or a silent 0
without a warning.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Callable
from typing import Any

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import acsym
from acsym import InputWarning
from acsym.testing.strategies import log_uniform, model_params

P = acsym.calibrate_ac_params(5e4, 0.02, 0.05, 0.5)
HUGE = 10**400  # a Python int no float can hold
TINIEST = 5e-324  # the smallest subnormal
TINY = 2.2250738585072014e-308  # the smallest normal

# every float > 0: subnormals, normals and the largest finite values alike
positive_floats = st.floats(min_value=TINIEST, max_value=1.7976931348623157e308, allow_subnormal=True)
# half the draws over every double, half over 1e-30..1e30, where most problems are computable
mixed_floats = st.one_of(positive_floats, log_uniform(min_value=1e-30, max_value=1e30))


def _recorded(call: Callable[[], Any]) -> tuple[Any, list[warnings.WarningMessage]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
    leaked = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    assert not leaked, [str(w.message) for w in leaked]
    return result, caught


def _warned(caught: list[warnings.WarningMessage]) -> bool:
    return any(issubclass(w.category, InputWarning) for w in caught)


COUNTS = [0, 0]  # examples computed and warned about, to see that both happen

STRATEGIES: dict[str, Callable[..., acsym.ExecutionTrajectory]] = {
    "almgren_chriss": lambda x, n, p: acsym.generate_ac_trajectory(x, n, p, 1e-5),
    "twap": acsym.generate_twap_trajectory,
    "vwap": acsym.generate_vwap_trajectory,
    "market_order": acsym.generate_market_order_trajectory,
}


# --- 1. crashes on input that passes validation ------------------------------------------------


@pytest.mark.parametrize("name", sorted(STRATEGIES))
@pytest.mark.parametrize(
    ("order", "params"),
    [
        (TINIEST, P),
        (0.5, dataclasses.replace(P, price=TINIEST)),
        (1e-310, P),
        (1.0, dataclasses.replace(P, price=1e-320)),
    ],
)
def test_subnormal_orders_and_prices_warn_instead_of_dividing_by_zero(
    name: str, order: float, params: acsym.AlmgrenChrissParams
) -> None:
    with pytest.warns(InputWarning, match="underflows double precision"):
        trajectory = STRATEGIES[name](order, 10, params)
    assert math.isnan(trajectory.total_cost_estimate)


def test_subnormal_order_frontier_warns() -> None:
    with pytest.warns(InputWarning, match="underflows"):
        frontier = acsym.efficient_frontier(1e-310, 10, P)
    assert np.all(np.isnan(frontier.expected_cost_bps))


def test_cli_with_a_subnormal_order_reports_instead_of_crashing(capsys: pytest.CaptureFixture[str]) -> None:
    from acsym import cli

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        code = cli.main(["trajectory", "--order-size", "5e-324"])
    assert code in (0, 1, 2)
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize(
    "call",
    [
        lambda: acsym.generate_ac_trajectory(HUGE, 10, P),
        lambda: acsym.generate_ac_trajectory(1000, HUGE, P),
        lambda: acsym.generate_ac_trajectory(1000, 10, P, HUGE),
        lambda: acsym.generate_twap_trajectory(HUGE, 10, P),
        lambda: acsym.efficient_frontier(1000, HUGE, P),
        lambda: acsym.calibrate_ac_params(HUGE, 0.02, 0.05, 0.5),
        lambda: acsym.generate_ac_trajectory(
            1000, 10, acsym.AlmgrenChrissParams(eta=1.0, gamma=0.1, sigma=HUGE)
        ),
        lambda: acsym.generate_ac_holdings([1000, HUGE], 10, P),
        lambda: acsym.risk_aversion_for_variance(HUGE, 1000, 10, P),
    ],
)
def test_integers_too_large_for_a_float_warn_and_give_nan(call: Callable[[], Any]) -> None:
    result, caught = _recorded(call)
    assert _warned(caught)
    assert any("does not fit a float" in str(w.message) or "digits" in str(w.message) for w in caught)
    fields = ("holdings", "variance", "eta")
    values = [getattr(result, name) for name in fields if hasattr(result, name)] or [result]
    assert any(np.isnan(np.asarray(v, dtype=float)).any() for v in values)


def _linear_impact_fit() -> acsym.CalibrationResult:
    return acsym.calibrate_impact(acsym.impact.example_fills_path(), robust=True)  # it has outliers


def test_linear_impact_at_a_huge_integer_rate_warns() -> None:
    fit = _linear_impact_fit()
    with pytest.warns(InputWarning, match="rate"):
        linear = acsym.linear_impact_at_rate(fit, HUGE, 1e6, 0.02, 50.0)
    assert math.isnan(linear.eta)


@pytest.mark.parametrize("periods", [1e20, 2**53 + 1, 10**30])
def test_periods_past_the_memory_budget_warn(periods: Any) -> None:
    with pytest.warns(InputWarning, match="duration_periods .*memory"):
        trajectory = acsym.generate_ac_trajectory(1000, periods, P)
    assert trajectory.holdings.size == 1 and math.isnan(trajectory.holdings[0])


def test_the_memory_budget_is_overridable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACSYM_MEMORY_BUDGET", str(2**20))  # 1 MiB: 8192 intervals of 128 bytes
    with pytest.warns(InputWarning, match="ACSYM_MEMORY_BUDGET"):
        acsym.generate_ac_trajectory(1000, 10_000, P)
    assert np.isfinite(acsym.generate_ac_trajectory(1000, 5_000, P).holdings).all()
    with pytest.warns(InputWarning, match="frontier of 50 schedules"):
        frontier = acsym.efficient_frontier(1000, 1_000, P)
    assert np.isnan(frontier.variance).all()
    trajectory = acsym.generate_ac_trajectory(1000, 10, P)
    with pytest.warns(InputWarning, match="n_paths"):
        result = acsym.simulate_execution(trajectory, P, 10**6, seed=1)
    assert math.isnan(result.mean)


def test_simulation_chunks_follow_the_memory_budget_not_a_path_count() -> None:
    """At N = 1e5 the old default (16,384 paths a chunk) asked for 12 GiB; chunks now hold what
    chunk_memory allows, whatever chunk_size says, and the numbers do not change."""
    steps = 100_000
    trajectory = acsym.generate_twap_trajectory(1e5, steps, P)
    chunks: list[int] = []
    acsym.simulate_execution(trajectory, P, 200, seed=3, chunk_size=16_384, progress=chunks.append)
    assert sum(chunks) == 200
    assert max(chunks) * 8 * (steps - 1) <= acsym.simulation.CHUNK_MEMORY
    small: list[int] = []
    kwargs: dict[str, Any] = {"seed": 4, "return_samples": True}
    a = acsym.simulate_execution(trajectory, P, 60, chunk_memory=2**20, progress=small.append, **kwargs)
    b = acsym.simulate_execution(trajectory, P, 60, **kwargs)
    assert max(small) < 60 and a.samples is not None and b.samples is not None
    assert np.array_equal(a.samples, b.samples)


def test_huge_path_counts_warn_instead_of_raising_memory_errors() -> None:
    trajectory = acsym.generate_ac_trajectory(1000, 10, P)
    with pytest.warns(InputWarning, match="n_paths"):
        result = acsym.simulate_execution(trajectory, P, 2**62, seed=1)
    assert math.isnan(result.mean)


# --- 2. silent wrong answers --------------------------------------------------------------------


@given(scale=st.floats(min_value=1e-300, max_value=5e307), size=st.integers(1, 12), steps=st.integers(1, 30))
def test_vwap_profiles_of_any_scale_give_the_same_schedule(scale: float, size: int, steps: int) -> None:
    """A volume profile is a shape: multiplying it by any factor leaves the schedule alone."""
    weights = np.linspace(1.0, 2.0, size)
    reference, _ = _recorded(lambda: acsym.generate_vwap_trajectory(5000, steps, P, weights))
    scaled, caught = _recorded(lambda: acsym.generate_vwap_trajectory(5000, steps, P, weights * scale))
    assert not _warned(caught)
    np.testing.assert_allclose(scaled.holdings, reference.holdings, rtol=1e-13, atol=1e-9)


def test_vwap_profile_of_the_largest_floats() -> None:
    trajectory, caught = _recorded(lambda: acsym.generate_vwap_trajectory(5000, 10, P, [1e308] * 3))
    assert not _warned(caught)
    assert np.all(np.isfinite(trajectory.holdings)) and trajectory.holdings[-1] == 0


@settings(max_examples=300, deadline=None)
@given(
    order=mixed_floats,
    sigma=mixed_floats,
    tau=mixed_floats,
    price=mixed_floats,
    steps=st.integers(1, 50),
    name=st.sampled_from(sorted(STRATEGIES)),
)
def test_any_positive_floats_give_finite_results_or_a_warning(
    order: float, sigma: float, tau: float, price: float, steps: int, name: str
) -> None:
    """Over every positive double (not just the tested domain): numbers, or NaN with a reason.

    Unwarned results are also checked against the model's homogeneity in X: the variance is
    X**2 times that of one share, which mpmath scales without overflow.
    """
    params = acsym.AlmgrenChrissParams(
        eta=1e-3 * price, gamma=1e-4 * price / tau, sigma=sigma, tau=tau, price=price
    )
    trajectory, caught = _recorded(lambda: STRATEGIES[name](order, steps, params))
    assert trajectory.params is not None
    numbers = [
        trajectory.total_cost_estimate,
        trajectory.params["expected_cost"],
        trajectory.params["variance"],
    ]
    COUNTS[_warned(caught)] += 1
    if _warned(caught):
        return
    assert np.all(np.isfinite(trajectory.holdings)) and np.all(np.isfinite(numbers))
    assert trajectory.params["expected_cost"] > 0 and trajectory.total_cost_estimate > 0
    if steps >= 2 and name in ("twap", "vwap"):  # an AC schedule's variance may underflow to 0
        assert trajectory.params["variance"] > 0
    unit, caught = _recorded(lambda: STRATEGIES[name](1.0, steps, params))
    if _warned(caught):  # one share may sit outside the range where the order does not
        return
    assert unit.params is not None
    expected = mpmath.mpf(unit.params["variance"]) * mpmath.mpf(order) ** 2
    # relative where the variance is normal, absolute in units of the smallest normal below
    error = abs(mpmath.mpf(trajectory.params["variance"]) - expected)
    assert error <= 1e-12 * max(abs(expected), TINY)


@pytest.mark.parametrize(
    "params",
    [
        dataclasses.replace(P, sigma=1e300),
        dataclasses.replace(P, tau=1e-300),
        dataclasses.replace(P, tau=1e300),
        dataclasses.replace(P, sigma=1e-300),
    ],
)
def test_extreme_params_warn_instead_of_leaking_runtime_warnings(params: acsym.AlmgrenChrissParams) -> None:
    for name, strategy in STRATEGIES.items():
        trajectory, caught = _recorded(lambda strategy=strategy: strategy(1000.0, 10, params))
        assert _warned(caught), name
        assert math.isnan(trajectory.total_cost_estimate)
    frontier, caught = _recorded(lambda: acsym.efficient_frontier(1000.0, 10, params))
    assert _warned(caught) and np.isnan(frontier.variance).all()


def test_huge_orders_warn() -> None:
    trajectory, caught = _recorded(lambda: acsym.generate_ac_trajectory(1e300, 10, P))
    assert _warned(caught) and math.isnan(trajectory.params["variance"])  # type: ignore[index]


@settings(max_examples=60, deadline=None)
@given(params=model_params(), order=st.floats(1.0, 1e9), steps=st.integers(1, 200))
def test_the_tested_domain_never_warns(params: acsym.AlmgrenChrissParams, order: float, steps: int) -> None:
    """The scale checks stay out of the way of every input the documented domain holds."""
    for strategy in STRATEGIES.values():
        _, caught = _recorded(lambda strategy=strategy: strategy(order, steps, params))
        assert not _warned(caught)


# --- 4. read-only means read-only ---------------------------------------------------------------


def _result_arrays() -> list[tuple[str, np.ndarray]]:
    trajectory = acsym.generate_ac_trajectory(1000, 10, P)
    frontier = acsym.efficient_frontier(1000, 10, P, points=5)
    simulation = acsym.simulate_execution(trajectory, P, 100, seed=1, return_samples=True)
    fit = _linear_impact_fit()
    arrays = [(f"trajectory.{n}", getattr(trajectory, n)) for n in ("timestamps", "holdings", "trade_sizes")]
    arrays += [
        (f"frontier_trajectory.{n}", getattr(frontier.trajectory(2), n)) for n in ("holdings", "trade_sizes")
    ]
    arrays += [
        (f"frontier.{n}", getattr(frontier, n))
        for n in (
            "risk_aversion",
            "kappa",
            "expected_cost",
            "variance",
            "holdings",
            "trade_sizes",
            "timestamps",
            "std",
            "expected_cost_bps",
            "std_bps",
        )
    ]
    assert simulation.samples is not None
    arrays += [("simulation.samples", simulation.samples), ("calibration.covariance", fit.covariance)]
    return arrays


@pytest.mark.parametrize(("name", "array"), _result_arrays())
def test_result_arrays_cannot_be_made_writable(name: str, array: np.ndarray) -> None:
    before = array.copy()
    assert not array.flags.writeable, name
    for candidate in (array, array.base, array[...]):
        if isinstance(candidate, np.ndarray):
            with pytest.raises(ValueError):
                candidate.setflags(write=True)
    with pytest.raises(ValueError):
        array.flat[0] = 1.0
    np.testing.assert_array_equal(array, before)
    copy = np.array(array)  # copies are the caller's own
    copy.flat[0] = 1.0
    np.testing.assert_array_equal(array, before)


@pytest.mark.parametrize(
    "params", [dataclasses.replace(P, sigma=1e300), dataclasses.replace(P, price=1e-320)]
)
def test_simulating_under_extreme_params_warns(params: acsym.AlmgrenChrissParams) -> None:
    trajectory = acsym.generate_ac_trajectory(1000.0, 10, P)
    result, caught = _recorded(lambda: acsym.simulate_execution(trajectory, params, 100, seed=1))
    assert _warned(caught) and math.isnan(result.mean)
