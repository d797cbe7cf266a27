"""Impact calibration: recovery, interval coverage, unit invariance, bad rows, inputs, CLI."""

from __future__ import annotations

import csv
import dataclasses
import json
import math
import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from acsym import cli
from acsym._validate import InputWarning
from acsym.impact import (
    CalibrationResult,
    CalibrationWarning,
    _median_if,
    calibrate_impact,
    example_fills_path,
    linear_impact_at_rate,
    read_fills,
)

TRUE = {"epsilon": 2.0, "coefficient": 8000.0, "alpha": 0.5}
NAMES = ("epsilon", "coefficient", "alpha")


def simulate(
    rng: np.random.Generator,
    n: int,
    *,
    epsilon: float = TRUE["epsilon"],
    coefficient: float = TRUE["coefficient"],
    alpha: float = TRUE["alpha"],
    noise_bps: float = 2.0,
    duration: bool = False,
) -> dict[str, np.ndarray]:
    """Orders from the model with Gaussian noise (the model the fit assumes)."""
    volume = 10 ** rng.uniform(5.0, 7.5, n)
    x = 10 ** rng.uniform(-4.0, -1.0, n)
    sigma = rng.uniform(0.01, 0.04, n)
    fills = {"daily_volume": volume, "daily_volatility": sigma}
    if duration:
        days = rng.uniform(0.05, 2.0, n)
        fills["duration"] = days
        fills["quantity"] = x * volume * days
    else:
        fills["quantity"] = x * volume
    fills["slippage_bps"] = epsilon + coefficient * sigma * x**alpha + rng.normal(0.0, noise_bps, n)
    return fills


def assert_within(result: CalibrationResult, truth: dict[str, float], k: float = 4.0) -> None:
    for name in NAMES:
        estimate, stderr = getattr(result, name), getattr(result, f"{name}_stderr")
        assert abs(estimate - truth[name]) < k * stderr, (name, estimate, stderr, truth[name])


def fit_quietly(fills: object, **kwargs: object) -> CalibrationResult:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a clean fit issues no warning at all
        return calibrate_impact(fills, **kwargs)  # type: ignore[arg-type]


# -------------------------------------------------------------------------------- recovery


@pytest.mark.parametrize("robust", [False, True, "huber", "cauchy"])
@pytest.mark.parametrize("duration", [False, True])
def test_fit_recovers_simulated_parameters_within_four_standard_errors(robust, duration):
    rng = np.random.default_rng(20240611)
    fills = simulate(rng, 400, duration=duration)
    result = fit_quietly(fills, robust=robust)
    assert result.form == ("participation" if duration else "size")
    assert result.loss == ("linear" if robust is False else ("soft_l1" if robust is True else robust))
    assert result.n_used == 400 and result.n_dropped == 0 and result.warnings == ()
    assert_within(result, TRUE)
    assert 0.5 < result.r_squared < 1.0
    assert abs(result.residuals.scale - 2.0) < 0.4  # the simulated noise, 2 bps
    assert np.allclose(result.covariance, result.covariance.T)
    assert np.allclose(
        np.sqrt(np.diag(result.covariance)),
        [result.epsilon_stderr, result.coefficient_stderr, result.alpha_stderr],
    )


def test_robust_fit_resists_outliers_that_bias_least_squares():
    rng = np.random.default_rng(7)
    fills = simulate(rng, 400)
    hit = rng.choice(400, 12, replace=False)
    fills["slippage_bps"][hit] += rng.uniform(40.0, 100.0, 12)
    robust = fit_quietly(fills, robust=True)
    with pytest.warns(CalibrationWarning, match="heavy-tailed.*robust=True"):
        plain = calibrate_impact(fills)
    assert_within(robust, TRUE)
    # least squares pays for the outliers with a wide, shifted fit; the robust fit does not
    assert abs(plain.alpha - TRUE["alpha"]) > 2 * abs(robust.alpha - TRUE["alpha"])
    for name in NAMES:
        assert getattr(robust, f"{name}_stderr") < 0.5 * getattr(plain, f"{name}_stderr")


def test_95_percent_intervals_cover_at_the_stated_rate_over_200_seeds():
    fits, level = 200, 0.95
    covered = dict.fromkeys(NAMES, 0)
    for seed in range(fits):
        result = fit_quietly(simulate(np.random.default_rng(1000 + seed), 150))
        for name in NAMES:
            low, high = result.interval(name, level)
            covered[name] += low <= TRUE[name] <= high
    # the count of covering intervals is Binomial(200, 0.95) if the standard errors are right;
    # accept its central 99.9 % range (about 181..197)
    low, high = stats.binom.interval(0.999, fits, level)
    for name, count in covered.items():
        assert low <= count <= high, (
            f"{name}: {count} of {fits} intervals cover, expected {low:.0f}..{high:.0f}"
        )


# ------------------------------------------------------------------------------- invariance


def _fit_columns(fills: dict[str, np.ndarray], **scale: float) -> CalibrationResult:
    return fit_quietly({name: values * scale.get(name, 1.0) for name, values in fills.items()})


@pytest.fixture(scope="module")
def base_fills() -> dict[str, np.ndarray]:
    return simulate(np.random.default_rng(99), 300)


@pytest.fixture(scope="module")
def base_fit(base_fills: dict[str, np.ndarray]) -> CalibrationResult:
    return fit_quietly(base_fills)


def test_quantity_and_volume_in_the_same_lots_leave_the_fit_unchanged(base_fills, base_fit):
    lots = _fit_columns(base_fills, quantity=0.01, daily_volume=0.01)
    for name in (*NAMES, "epsilon_stderr", "coefficient_stderr", "alpha_stderr", "r_squared"):
        assert getattr(lots, name) == pytest.approx(getattr(base_fit, name), rel=1e-6)


def test_quantity_in_lots_against_volume_in_shares_scales_the_coefficient_by_lot_to_the_alpha(
    base_fills, base_fit
):
    lot = 100.0
    lots = _fit_columns(base_fills, quantity=1 / lot)
    assert lots.alpha == pytest.approx(base_fit.alpha, rel=1e-6)
    assert lots.epsilon == pytest.approx(base_fit.epsilon, rel=1e-6)
    assert lots.coefficient == pytest.approx(base_fit.coefficient * lot**base_fit.alpha, rel=1e-6)
    assert lots.alpha_stderr == pytest.approx(base_fit.alpha_stderr, rel=1e-5)


def test_slippage_as_a_fraction_scales_epsilon_and_coefficient_by_1e_minus_4(base_fills, base_fit):
    with pytest.warns(CalibrationWarning, match="slippage_bps looks like a fraction"):
        fraction = calibrate_impact({**base_fills, "slippage_bps": base_fills["slippage_bps"] * 1e-4})
    assert fraction.alpha == pytest.approx(base_fit.alpha, rel=1e-6)
    assert fraction.alpha_stderr == pytest.approx(base_fit.alpha_stderr, rel=1e-5)
    for name in ("epsilon", "coefficient", "epsilon_stderr", "coefficient_stderr"):
        assert getattr(fraction, name) == pytest.approx(1e-4 * getattr(base_fit, name), rel=1e-5)
    assert fraction.r_squared == pytest.approx(base_fit.r_squared, rel=1e-9)


def test_volatility_in_bps_scales_the_coefficient_by_1e_minus_4(base_fills, base_fit):
    with pytest.warns(CalibrationWarning, match="daily_volatility looks like percent"):
        in_bps = calibrate_impact({**base_fills, "daily_volatility": base_fills["daily_volatility"] * 1e4})
    assert in_bps.alpha == pytest.approx(base_fit.alpha, rel=1e-6)
    assert in_bps.epsilon == pytest.approx(base_fit.epsilon, rel=1e-6)
    assert in_bps.coefficient == pytest.approx(1e-4 * base_fit.coefficient, rel=1e-6)


# ------------------------------------------------------------------------- bad rows, failures


def test_bad_rows_are_dropped_counted_and_warned(base_fills, base_fit):
    fills = {name: np.append(values, [1.0] * 6) for name, values in base_fills.items()}
    n = len(base_fills["quantity"])
    fills["quantity"][n + 0] = 0.0
    fills["quantity"][n + 1] = -5.0
    fills["daily_volume"][n + 2] = 0.0
    fills["slippage_bps"][n + 3] = math.nan
    fills["daily_volatility"][n + 4] = math.inf
    fills["daily_volatility"][n + 5] = -0.01
    with pytest.warns(CalibrationWarning, match=r"dropped 6 of 306 rows") as record:
        result = calibrate_impact(fills)
    assert result.n_dropped == 6 and result.n_used == n
    message = str(record[0].message)
    for reason in (
        "2 with non-positive quantity",
        "1 with non-positive daily_volume",
        "2 with empty, unreadable, NaN or infinite values",
        "1 with negative daily_volatility",
    ):
        assert reason in message
    assert result.warnings == (message,)
    assert result.alpha == pytest.approx(base_fit.alpha, rel=1e-9)


def test_non_positive_duration_is_a_bad_row_only_in_the_participation_form():
    fills = simulate(np.random.default_rng(3), 100, duration=True)
    fills["duration"][:3] = [0.0, -1.0, math.nan]
    with pytest.warns(CalibrationWarning, match="dropped 3 of 100"):
        participation = calibrate_impact(fills)
    assert participation.n_used == 97 and participation.form == "participation"
    with warnings.catch_warnings():
        # the size form misfits orders made with durations: its residuals may look heavy-tailed
        warnings.simplefilter("ignore", CalibrationWarning)
        size = calibrate_impact(fills, use_duration=False)
    assert size.n_used == 100 and size.form == "size"


@pytest.mark.parametrize("rows", [0, 1, 5])
def test_too_few_rows_give_a_nan_result_with_a_warning(rows):
    fills = simulate(np.random.default_rng(5), rows)
    with pytest.warns(CalibrationWarning, match=f"too few usable rows to fit: {rows}, need at least 6"):
        result = calibrate_impact(fills)
    assert not result.ok
    assert all(math.isnan(getattr(result, name)) for name in (*NAMES, "alpha_stderr", "r_squared"))
    assert np.isnan(result.covariance).all() and result.n_used == rows


def test_every_row_bad_gives_a_nan_result_with_both_warnings():
    fills = simulate(np.random.default_rng(5), 20)
    fills["quantity"][:] = 0.0
    with pytest.warns(CalibrationWarning) as record:
        result = calibrate_impact(fills)
    assert not result.ok and result.n_dropped == 20
    assert [str(w.message) for w in record] == list(result.warnings)
    assert "dropped 20 of 20" in result.warnings[0] and "too few usable rows" in result.warnings[1]


def test_a_single_order_size_cannot_identify_alpha():
    fills = simulate(np.random.default_rng(8), 50)
    fills["quantity"] = fills["daily_volume"] * 0.01
    with pytest.warns(CalibrationWarning, match="fewer than 3 distinct values"):
        assert not calibrate_impact(fills).ok


def test_slippage_unrelated_to_size_gives_a_nan_result_not_a_traceback():
    fills = simulate(np.random.default_rng(8), 50)
    fills["slippage_bps"] = np.full(50, 5.0)  # c = 0: alpha is not identifiable at all
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        result = calibrate_impact(fills)
    assert not result.ok
    assert record and all(issubclass(w.category, CalibrationWarning) for w in record)
    assert "the fit failed" in result.warnings[-1]


def test_bad_types_raise_type_error():
    with pytest.raises(TypeError, match="mapping of columns, a pandas DataFrame or a CSV path"):
        calibrate_impact(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="mapping of columns"):
        calibrate_impact([[1.0, 2.0]])  # type: ignore[arg-type]
    fills = {name: ["a", "b"] for name in ("quantity", "daily_volume", "daily_volatility", "slippage_bps")}
    with pytest.raises(TypeError, match="column 'quantity' must hold numbers"):
        calibrate_impact(fills)
    with pytest.raises(TypeError, match="robust"):
        calibrate_impact(simulate(np.random.default_rng(0), 10), robust=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="robust"):
        calibrate_impact(simulate(np.random.default_rng(0), 10), robust="tukey")


def test_missing_or_ragged_columns_raise_value_error():
    fills = simulate(np.random.default_rng(0), 10)
    with pytest.raises(ValueError, match=r"lack the column\(s\) \['slippage_bps'\]"):
        calibrate_impact({k: v for k, v in fills.items() if k != "slippage_bps"})
    with pytest.raises(ValueError, match="differ in length"):
        calibrate_impact({**fills, "quantity": fills["quantity"][:5]})
    with pytest.raises(ValueError, match="needs a 'duration' column"):
        calibrate_impact(fills, use_duration=True)


# ----------------------------------------------------------------------------------- inputs


def _write_csv(path, fills: dict[str, np.ndarray]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(list(fills))
        writer.writerows(zip(*(map(repr, map(float, column)) for column in fills.values()), strict=True))


def test_csv_and_mapping_inputs_give_the_same_fit(tmp_path, base_fills, base_fit):
    path = tmp_path / "fills.csv"
    _write_csv(path, base_fills)
    assert fit_quietly(path) == base_fit
    assert fit_quietly(str(path)) == base_fit
    as_lists = {name: values.tolist() for name, values in base_fills.items()}
    assert fit_quietly(as_lists) == base_fit


def test_csv_with_blank_or_unreadable_cells_drops_those_rows(tmp_path, base_fills):
    path = tmp_path / "fills.csv"
    _write_csv(path, base_fills)
    lines = path.read_text().splitlines()
    lines[1] = ",".join(["", *lines[1].split(",")[1:]])
    lines[2] = ",".join(["n/a", *lines[2].split(",")[1:]])
    lines.append("")  # a trailing blank line is not a row
    path.write_text("\n".join(lines) + "\n")
    with pytest.warns(
        CalibrationWarning, match="dropped 2 of 300 rows as unusable: 2 with empty, unreadable, NaN"
    ):
        result = calibrate_impact(path)
    assert result.n_used == 298


def test_dataframe_input_gives_the_same_fit(base_fills, base_fit):
    pandas = pytest.importorskip("pandas", reason="pandas is optional; the DataFrame path needs it")
    assert fit_quietly(pandas.DataFrame(base_fills)) == base_fit


def test_result_is_frozen_and_its_covariance_read_only(base_fit):
    with pytest.raises(dataclasses.FrozenInstanceError):
        base_fit.alpha = 0.6  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        base_fit.covariance[0, 0] = 1.0


def test_shipped_example_recovers_its_documented_parameters():
    path = example_fills_path()
    assert path.is_file() and len(read_fills(path)["quantity"]) == 300
    assert_within(fit_quietly(path, robust=True), TRUE)


def test_import_acsym_loads_neither_scipy_nor_matplotlib():
    code = (
        "import sys, acsym, acsym.impact, acsym.cli; "
        "print(sorted(m for m in ('scipy', 'matplotlib', 'sympy', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ------------------------------------------------------------------------ the link to A-C


def test_linear_impact_is_the_secant_of_the_fitted_curve_at_the_rate(base_fit):
    volume, sigma, price, rate = 2e6, 0.02, 50.0, 1e5  # trade 5 % of daily volume per day
    line = linear_impact_at_rate(base_fit, rate, volume, sigma, price)
    fitted = float(base_fit.slippage_bps(rate / volume, sigma))
    assert line.participation == pytest.approx(0.05)
    assert line.slippage_bps == pytest.approx(fitted)
    assert line.epsilon == pytest.approx(price * base_fit.epsilon / 1e4)
    # the line passes through the fit's intercept and its value at the rate, in $/share
    assert line.epsilon + line.eta * rate == pytest.approx(price * fitted / 1e4)
    # and the tangent there has slope alpha * eta, as the docstring states
    h = 1e-3 * rate
    slope = (
        price
        / 1e4
        * float(
            base_fit.slippage_bps((rate + h) / volume, sigma)
            - base_fit.slippage_bps((rate - h) / volume, sigma)
        )
        / (2 * h)
    )
    assert slope == pytest.approx(base_fit.alpha * line.eta, rel=1e-5)


def test_linear_impact_in_hours_describes_the_same_trading(base_fit):
    hours_per_day = 6.5
    per_day = linear_impact_at_rate(base_fit, 1e5, 2e6, 0.02, 50.0)
    per_hour = linear_impact_at_rate(
        base_fit, 1e5 / hours_per_day, 2e6, 0.02, 50.0, time_unit=1 / hours_per_day
    )
    assert per_hour.participation == pytest.approx(per_day.participation)
    assert per_hour.eta * per_hour.rate == pytest.approx(per_day.eta * per_day.rate)
    assert per_hour.eta == pytest.approx(per_day.eta * hours_per_day)


def test_linear_impact_of_a_failed_fit_or_bad_input_is_nan(base_fit):
    fills = simulate(np.random.default_rng(1), 3)
    with pytest.warns(CalibrationWarning):
        failed = calibrate_impact(fills)
    assert math.isnan(linear_impact_at_rate(failed, 1e5, 2e6, 0.02, 50.0).eta)
    with pytest.warns(InputWarning, match="rate = 0.0"):
        assert math.isnan(linear_impact_at_rate(base_fit, 0.0, 2e6, 0.02, 50.0).eta)
    with pytest.warns(InputWarning, match="price = -1.0"):
        assert math.isnan(linear_impact_at_rate(base_fit, 1e5, 2e6, 0.02, -1.0).eta)
    with pytest.raises(TypeError, match="rate must be a real number"):
        linear_impact_at_rate(base_fit, "fast", 2e6, 0.02, 50.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="CalibrationResult"):
        linear_impact_at_rate({"alpha": 0.5}, 1e5, 2e6, 0.02, 50.0)  # type: ignore[arg-type]


# -------------------------------------------------------------------------------------- CLI


def test_cli_calibrates_the_shipped_example(capsys):
    assert cli.main(["calibrate"]) == 0
    out = capsys.readouterr().out
    assert "fills_example.csv" in out and "alpha" in out and "R^2" in out and "300 used" in out


def test_cli_json_is_strict_json(capsys):
    assert cli.main(["calibrate", "--json", "--robust"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["loss"] == "soft_l1" and record["n_used"] == 300
    assert abs(record["alpha"] - 0.5) < 4 * record["alpha_stderr"]


def test_cli_writes_a_plot_headlessly(tmp_path, capsys):
    target = tmp_path / "fit.png"
    assert cli.main(["calibrate", "--robust", "--plot", str(target)]) == 0
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"wrote {target}" in capsys.readouterr().out


def test_cli_reports_a_failed_fit_and_a_missing_file(tmp_path, capsys):
    path = tmp_path / "few.csv"
    _write_csv(path, simulate(np.random.default_rng(2), 3))
    assert cli.main(["calibrate", str(path)]) == 1
    assert "warning: too few usable rows" in capsys.readouterr().err
    assert cli.main(["calibrate", str(tmp_path / "missing.csv")]) == 2
    assert "No such file" in capsys.readouterr().err


@given(
    values=st.lists(st.floats(-10.0, 10.0), min_size=1, max_size=40),
    limit=st.sampled_from([-1.0, 0.0, 0.01, 1.0, 2.5]),
)
def test_the_counted_median_is_the_median_whenever_it_lies_beyond_the_limit(values, limit):
    # the unit checks skip the partition when a count shows the median cannot cross the limit
    array = np.array(values)
    median = float(np.median(array))
    above, below = _median_if(array, above=limit), _median_if(array, below=limit)
    assert above == median if median > limit else (math.isnan(above) or above == median)
    assert below == median if median < limit else (math.isnan(below) or below == median)
