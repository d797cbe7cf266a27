"""The library side of the input contract (issue 13): nothing silent.

A value out of the model's domain never reaches the generated formulas through the friendly API;
inputs that are in range but look swapped or in another unit get a named CalibrationWarning;
calibration treats a bad cell the same whatever the fills came in, maps column names, and drops
an extreme row instead of failing.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import acsym
from acsym import AlmgrenChrissParams, CalibrationWarning, InputWarning, calibrate_ac_params
from acsym.impact import calibrate_impact, example_fills_path, read_fills

SEED = {"daily_volume": 50_000.0, "daily_spread": 0.02, "daily_volatility": 0.05, "price": 0.5}


# ------------------------------------------------------------------ calibrate_ac_params


@pytest.mark.parametrize(
    ("inputs", "fragment"),
    [
        ({"daily_spread": 0.6}, "daily_spread = 0.6 is not below price"),
        ({"daily_volatility": 2.0}, "above 1 (100% a day)"),
        ({"daily_volatility": 0.01}, "daily_spread and daily_volatility swapped?"),
    ],
)
def test_implausible_market_data_is_named(inputs: dict[str, float], fragment: str) -> None:
    with pytest.warns(
        CalibrationWarning, match=fragment.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?")
    ):
        params = calibrate_ac_params(**{**SEED, **inputs})
    assert any(fragment in message for message in params.warnings)
    # computed as asked: the warning does not change the numbers
    assert params.sigma == pytest.approx(params.price * {**SEED, **inputs}["daily_volatility"])
    assert params.problems() == []


def test_plausible_market_data_is_quiet() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        calibrate_ac_params(5e6, 0.01, 0.02, 100.0)  # a liquid large cap
        calibrate_ac_params(**SEED)  # the seed example
        calibrate_ac_params(5e6, 0.01, 0.0, 100.0)  # no volatility: nothing to compare


def test_subnormal_volume_gives_nan_parameters_not_an_exception() -> None:
    with pytest.warns(InputWarning, match="daily_volume = 5e-324 is out of range"):
        params = calibrate_ac_params(5e-324, 0.02, 0.05, 0.5)
    assert math.isnan(params.eta) and params.problems()


def test_calibration_warning_is_one_class() -> None:
    import acsym.impact

    assert acsym.impact.CalibrationWarning is acsym.CalibrationWarning is CalibrationWarning


# ------------------------------------------------------------------ no out-of-domain value passes


finite = st.floats(min_value=1e-6, max_value=1e6)


@settings(max_examples=60, deadline=None)
@given(
    volume=finite,
    spread=st.floats(min_value=0.0, max_value=0.4),
    volatility=st.floats(min_value=0.0, max_value=0.5),
    risk_aversion=st.floats(min_value=0.0, max_value=1e3),
    order=st.floats(min_value=1.0, max_value=1e7),
    periods=st.integers(min_value=1, max_value=50),
)
@example(volume=1.0, spread=0.0, volatility=2.6e-157, risk_aversion=0.0, order=1.0, periods=1)
@example(volume=1.0, spread=2.2e-309, volatility=0.1, risk_aversion=1.0, order=100.0, periods=5)
def test_friendly_api_only_passes_a_nonnegative_kappa(
    volume: float, spread: float, volatility: float, risk_aversion: float, order: float, periods: int
) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)  # implausible or ill-posed: still computed
        params = calibrate_ac_params(volume, spread, volatility, 0.5)
        trajectory = acsym.generate_ac_trajectory(order, periods, params, risk_aversion)
    kappa = trajectory.params["kappa"]
    if math.isnan(kappa):
        # only a quantity no double holds (a spread or volatility of 1e-157 squared) gives NaN,
        # and then with the InputWarning that says so (the scale contract, tests/test_edges.py)
        assert any(
            issubclass(w.category, InputWarning) and "double precision" in str(w.message) for w in caught
        )
        return
    assert kappa >= 0 and math.isfinite(kappa)
    # the schedule a nonnegative kappa gives: holdings fall monotonically from X to 0
    assert np.all(np.diff(trajectory.holdings) <= 1e-9 * order)


@pytest.mark.parametrize(
    "params",
    [
        AlmgrenChrissParams(eta=-1e-4, gamma=1e-6, sigma=0.025, price=0.5),
        AlmgrenChrissParams(eta=4e-5, gamma=-1e-6, sigma=0.025, price=0.5),
        AlmgrenChrissParams(eta=4e-5, gamma=4e-6, sigma=-0.025, price=0.5),
        AlmgrenChrissParams(eta=4e-5, gamma=4e-6, sigma=0.025, tau=-1.0, price=0.5),
    ],
)
def test_out_of_domain_params_give_nan_and_a_warning(params: AlmgrenChrissParams) -> None:
    with pytest.warns(InputWarning):
        trajectory = acsym.generate_ac_trajectory(5000, 10, params, 1e-5)
    assert math.isnan(trajectory.params["kappa"]) and np.all(np.isnan(trajectory.holdings))


def test_negative_risk_aversion_never_reaches_the_formulas() -> None:
    params = calibrate_ac_params(**SEED)
    with pytest.warns(InputWarning, match="risk_aversion"):
        trajectory = acsym.generate_ac_trajectory(5000, 10, params, -1.0)
    assert math.isnan(trajectory.params["kappa"])
    # the raw generated function would have answered with a finite, meaningless number
    assert math.isfinite(float(acsym.formulas.holdings(100, 5, 10, -1.0)))
    assert "Assumes every argument lies in the domain" in (acsym.formulas.holdings.__doc__ or "")


# ------------------------------------------------------------------ calibration input


def _example_columns() -> dict[str, np.ndarray]:
    return read_fills(example_fills_path())


def test_a_bad_cell_is_dropped_the_same_from_csv_mapping_and_dataframe(tmp_path) -> None:
    pandas = pytest.importorskip("pandas")
    columns = _example_columns()
    mapping: dict[str, list[object]] = {name: list(values) for name, values in columns.items()}
    mapping["quantity"][3] = "abc"
    mapping["daily_volume"][5] = ""
    mapping["slippage_bps"][7] = None
    path = tmp_path / "fills.csv"
    names = list(mapping)
    rows = zip(*(mapping[name] for name in names), strict=True)
    path.write_text(
        "\n".join([",".join(names), *(",".join("" if v is None else str(v) for v in row) for row in rows)])
    )
    results = []
    for fills in (path, mapping, pandas.DataFrame(mapping)):
        with pytest.warns(CalibrationWarning, match="dropped 3 of 300 rows"):
            results.append(calibrate_impact(fills))
    for result in results[1:]:
        assert result.n_dropped == results[0].n_dropped == 3
        assert result.alpha == pytest.approx(results[0].alpha, rel=1e-12)
        assert result.coefficient == pytest.approx(results[0].coefficient, rel=1e-12)


def test_a_column_with_no_number_is_a_type_error() -> None:
    columns = {name: list(values[:10]) for name, values in _example_columns().items()}
    columns["quantity"] = ["abc"] * 10
    with pytest.raises(TypeError, match="column 'quantity' must hold numbers"):
        calibrate_impact(columns)


def test_columns_map_the_fills_own_names() -> None:
    columns = _example_columns()
    renamed = {
        ("qty" if k == "quantity" else "adv" if k == "daily_volume" else k): v for k, v in columns.items()
    }
    with pytest.raises(ValueError, match="columns="):
        calibrate_impact(renamed)
    fit = calibrate_impact(renamed, columns={"quantity": "qty", "daily_volume": "adv"})
    assert fit.alpha == calibrate_impact(columns).alpha
    with pytest.raises(ValueError, match="unknown name"):
        calibrate_impact(renamed, columns={"size": "qty"})
    with pytest.raises(ValueError, match="not in the fills"):
        calibrate_impact(renamed, columns={"quantity": "shares"})
    with pytest.raises(TypeError, match="columns must be a mapping"):
        calibrate_impact(renamed, columns=["qty"])  # type: ignore[arg-type]


@pytest.mark.parametrize("robust", [False, True])
@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("quantity", 1e300, "Q/V outside"),
        ("quantity", 1e-300, "Q/V outside"),
        ("daily_volatility", 1e300, "daily_volatility above"),
        ("slippage_bps", 1e300, "|slippage_bps| above"),
    ],
)
def test_an_extreme_row_is_dropped_never_fatal(
    column: str, value: float, reason: str, robust: bool, capfd: pytest.CaptureFixture[str]
) -> None:
    columns = {name: values.copy() for name, values in _example_columns().items()}
    clean = calibrate_impact(columns, robust=robust)
    columns[column][0] = value
    with pytest.warns(CalibrationWarning, match=reason.replace("|", r"\|")):
        fit = calibrate_impact(columns, robust=robust)
    assert fit.ok and fit.n_dropped == 1 and fit.n_used == clean.n_used - 1
    # the other 299 rows fit as they would alone
    alone = calibrate_impact({name: values[1:] for name, values in columns.items()}, robust=robust)
    assert fit.alpha == pytest.approx(alone.alpha, rel=1e-9)
    assert "DLASCL" not in capfd.readouterr().err  # LAPACK never sees an inf


def test_implausible_scales_are_named() -> None:
    columns = _example_columns()
    with pytest.warns(CalibrationWarning, match="looks like percent"):
        calibrate_impact({**columns, "daily_volatility": columns["daily_volatility"] * 100})
    with pytest.warns(CalibrationWarning, match="same unit"):
        calibrate_impact({**columns, "quantity": columns["quantity"] * 1e3})
    with pytest.warns(CalibrationWarning, match="looks like a fraction"):
        calibrate_impact({**columns, "slippage_bps": columns["slippage_bps"] * 1e-4})
