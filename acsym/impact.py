"""Impact calibration from executions: fit the power-law impact model to a desk's own fills.

The model practitioners fit to fills is

.. math::

    s = \\epsilon + c \\, \\sigma \\, x^{\\alpha}

with ``s`` the slippage of an order in basis points of its arrival price (positive = cost),
``sigma`` the daily volatility of the stock as a fraction (0.02 = 2 %), and ``x`` either the
order's size as a fraction of daily volume, ``Q / V`` (the *size* form), or, when the fills carry
their durations in days, the participation rate ``Q / (V * duration)`` (the *participation*
form). ``epsilon`` (bps) is the fixed cost of trading (about half the spread), ``alpha`` the
impact exponent (the square-root law says 0.5) and ``c`` the coefficient, in bps per unit of
daily volatility: ``c / 1e4`` is the dimensionless "Y" of the square-root law.

:func:`calibrate_impact` fits it by nonlinear least squares (optionally robust to outliers) and
returns a :class:`CalibrationResult` with standard errors; :func:`linear_impact_at_rate` turns a
fit into the linear temporary impact ``h(v) = epsilon + eta * v`` of the Almgren-Chriss model.
SciPy is imported only when a fit runs (extra ``acsym[calibration]``), so ``import acsym``
stays numpy only; matplotlib only when :func:`plot_fit` draws (extra ``acsym[plot]``).
"""

from __future__ import annotations

import csv
import math
import os
import statistics
import sys
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "FILL_COLUMNS",
    "OPTIONAL_FILL_COLUMNS",
    "CalibrationResult",
    "CalibrationWarning",
    "LinearImpact",
    "ResidualSummary",
    "calibrate_impact",
    "example_fills_path",
    "format_estimate",
    "linear_impact_at_rate",
    "plot_fit",
    "read_fills",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Fills = Mapping[str, Any] | str | os.PathLike[str]
"""What :func:`calibrate_impact` reads: a mapping of columns, a pandas DataFrame, or a CSV path."""

FILL_COLUMNS = ("quantity", "daily_volume", "daily_volatility", "slippage_bps")
"""Columns every fills table needs: shares, shares/day, fraction/day, bps of arrival price."""
OPTIONAL_FILL_COLUMNS = ("duration",)
"""Optional column: the order's duration in days (selects the participation form)."""

PARAMETER_NAMES = ("epsilon", "coefficient", "alpha")
BPS = 1e4  # basis points per unit of price
MIN_ROWS = 6  # three parameters plus three degrees of freedom for the residual scale
ROBUST_LOSSES = ("soft_l1", "huber", "cauchy")
_ALPHA_GRID = np.linspace(0.05, 2.0, 40)  # start values: the model is linear at fixed alpha

Form = Literal["size", "participation"]


class CalibrationWarning(UserWarning):
    """A warning from impact calibration: rows dropped, a fit that failed, a suspect fit."""


@dataclass(frozen=True)
class ResidualSummary:
    """Summary of the fit's residuals ``observed - fitted``, in the units of the slippage (bps).

    Attributes
    ----------
    scale : float
        Estimated noise standard deviation behind the standard errors: ``sqrt(SSE / (n - 3))``
        for least squares, the robust scale (``1.4826 * MAD``) for a robust loss.
    rmse : float
        Root mean square residual.
    mean, median : float
        Mean and median residual.
    q05, q95 : float
        5th and 95th percentiles of the residuals.
    max_abs : float
        Largest absolute residual.
    """

    scale: float
    rmse: float
    mean: float
    median: float
    q05: float
    q95: float
    max_abs: float

    @classmethod
    def nan(cls) -> ResidualSummary:
        """The summary of a fit that did not happen: every field NaN."""
        return cls(*(math.nan,) * 7)


def _readonly(array: npt.ArrayLike) -> FloatArray:
    out = np.array(array, dtype=float)
    out.setflags(write=False)
    return out


@dataclass(frozen=True)
class CalibrationResult:
    """A fit of ``slippage_bps = epsilon + coefficient * daily_volatility * x ** alpha``.

    ``x`` is ``Q / V`` (``form == "size"``) or ``Q / (V * duration)`` (``"participation"``).
    A fit that could not be made (too few usable rows, no convergence, a singular problem) has
    NaN estimates and says why in :attr:`warnings`.

    Attributes
    ----------
    epsilon : float
        Fixed cost of trading, bps of arrival price (the intercept; about half the spread).
    coefficient : float
        ``c``, bps per unit of daily volatility (fraction); ``c / 1e4`` is the square-root
        law's dimensionless Y. It depends on the unit of ``x``: see :func:`calibrate_impact`.
    alpha : float
        Impact exponent, dimensionless (0.5 for the square-root law).
    epsilon_stderr, coefficient_stderr, alpha_stderr : float
        Asymptotic standard errors of the three estimates (same units as the estimates).
    covariance : numpy.ndarray
        Read-only 3 x 3 covariance of ``(epsilon, coefficient, alpha)``.
    n_used : int
        Rows the fit used.
    n_dropped : int
        Rows dropped as unusable (non-positive size, volume or duration, negative volatility,
        NaN or infinite values).
    r_squared : float
        ``1 - SSE / SST`` of the slippage, on the raw (unweighted) residuals.
    residuals : ResidualSummary
        Summary of ``observed - fitted`` slippage, bps.
    form : {"size", "participation"}
        Which regressor ``x`` the fit used.
    loss : str
        ``"linear"`` (least squares) or the robust loss (``"soft_l1"``, ``"huber"``,
        ``"cauchy"``).
    warnings : tuple of str
        Every warning the calibration issued, in order.
    """

    epsilon: float
    coefficient: float
    alpha: float
    epsilon_stderr: float
    coefficient_stderr: float
    alpha_stderr: float
    covariance: FloatArray = field(compare=False, repr=False)
    n_used: int
    n_dropped: int
    r_squared: float
    residuals: ResidualSummary
    form: Form = "size"
    loss: str = "linear"
    warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "covariance", _readonly(self.covariance))

    @property
    def ok(self) -> bool:
        """True when the three estimates are finite (the fit was made)."""
        return bool(np.all(np.isfinite([self.epsilon, self.coefficient, self.alpha])))

    def interval(self, name: str, level: float = 0.95) -> tuple[float, float]:
        """Normal (Wald) confidence interval of ``"epsilon"``, ``"coefficient"`` or ``"alpha"``.

        Parameters
        ----------
        name : str
            The parameter.
        level : float
            Coverage, in (0, 1).

        Returns
        -------
        tuple of float
            ``estimate -/+ z * stderr`` with ``z`` the normal quantile of ``(1 + level) / 2``.
        """
        if name not in PARAMETER_NAMES:
            raise ValueError(f"name must be one of {PARAMETER_NAMES}, got {name!r}")
        if not 0.0 < level < 1.0:
            raise ValueError(f"level must be in (0, 1), got {level!r}")
        z = statistics.NormalDist().inv_cdf(0.5 + level / 2)
        estimate = float(getattr(self, name))
        stderr = float(getattr(self, f"{name}_stderr"))
        return estimate - z * stderr, estimate + z * stderr

    def slippage_bps(self, x: npt.ArrayLike, daily_volatility: npt.ArrayLike) -> FloatArray:
        """The fitted slippage ``epsilon + coefficient * daily_volatility * x ** alpha``, bps.

        Parameters
        ----------
        x : array_like
            ``Q / V`` (size form) or ``Q / (V * duration)`` (participation form), > 0.
        daily_volatility : array_like
            Daily volatility as a fraction (0.02 = 2 %); broadcasts against ``x``.

        Returns
        -------
        numpy.ndarray
            Slippage in bps of arrival price.
        """
        x_arr = np.asarray(x, dtype=float)
        sigma = np.asarray(daily_volatility, dtype=float)
        return np.asarray(self.epsilon + self.coefficient * sigma * x_arr**self.alpha, dtype=float)

    def as_dict(self) -> dict[str, Any]:
        """The result as plain Python values (NaN kept as float NaN), e.g. for JSON."""
        return {
            "form": self.form,
            "loss": self.loss,
            "epsilon": self.epsilon,
            "epsilon_stderr": self.epsilon_stderr,
            "coefficient": self.coefficient,
            "coefficient_stderr": self.coefficient_stderr,
            "alpha": self.alpha,
            "alpha_stderr": self.alpha_stderr,
            "covariance": self.covariance.tolist(),
            "n_used": self.n_used,
            "n_dropped": self.n_dropped,
            "r_squared": self.r_squared,
            "residuals": {k: getattr(self.residuals, k) for k in ResidualSummary.__dataclass_fields__},
            "warnings": list(self.warnings),
        }


# --------------------------------------------------------------------------------------------
# reading fills


def example_fills_path() -> Path:
    """Path of the synthetic fills shipped with acsym (``acsym/data/fills_example.csv``).

    300 orders made by ``scripts/make_fills_example.py`` (numpy ``Generator``, seed 20240607)
    from the size-form model with ``epsilon = 2 bps``, ``coefficient = 8000`` bps per unit of
    daily volatility (Y = 0.8) and ``alpha = 0.5``: ``Q / V`` log-uniform in [1e-4, 0.1],
    ``V`` log-uniform in [2e5, 2e7] shares/day, daily volatility uniform in [0.01, 0.04]; noise
    Gaussian with standard deviation 2 bps, plus 6 outliers (2 %) with an extra 30-80 bps
    (fills hit by news), so least squares and a robust fit differ visibly. No duration column.

    Returns
    -------
    pathlib.Path
        The CSV file (columns ``quantity, daily_volume, daily_volatility, slippage_bps``).
    """
    return Path(__file__).resolve().parent / "data" / "fills_example.csv"


def _is_dataframe(obj: object) -> bool:
    pandas = sys.modules.get("pandas")  # a DataFrame exists only if pandas was imported
    return pandas is not None and isinstance(obj, pandas.DataFrame)


def _read_csv(path: Path) -> dict[str, FloatArray]:
    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise ValueError(f"{path}: empty file, expected a header with columns {FILL_COLUMNS}")
        names = [name.strip() for name in header]
        rows = [row for row in reader if any(cell.strip() for cell in row)]
    columns: dict[str, FloatArray] = {}
    for index, name in enumerate(names):
        values = np.empty(len(rows))
        for r, row in enumerate(rows):
            cell = row[index].strip() if index < len(row) else ""
            try:
                values[r] = float(cell)
            except ValueError:  # an empty or unreadable cell is a bad row, dropped and counted
                values[r] = math.nan
        columns[name] = values
    return columns


def _as_float_column(name: str, values: object) -> FloatArray:
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"column {name!r} must hold numbers, got {type(values).__name__}: {exc}") from None
    if array.ndim != 1:
        array = array.reshape(-1) if array.ndim == 0 else array
    if array.ndim != 1:
        raise TypeError(f"column {name!r} must be one-dimensional, got shape {array.shape}")
    return array


def read_fills(fills: Fills) -> dict[str, FloatArray]:
    """Read a fills table into float columns, rows not yet checked.

    Parameters
    ----------
    fills : mapping, pandas.DataFrame, str or os.PathLike
        A mapping of column name to a sequence of numbers, a pandas DataFrame (pandas is not
        required by acsym), or the path of a CSV file with a header row. Columns
        ``quantity`` (shares), ``daily_volume`` (shares/day), ``daily_volatility`` (a
        fraction, 0.02 = 2 %), ``slippage_bps`` (bps of arrival price, positive = cost) and
        optionally ``duration`` (days). Other columns are ignored; empty or unreadable CSV
        cells become NaN (and the row is dropped by :func:`calibrate_impact`).

    Returns
    -------
    dict of str to numpy.ndarray
        The required columns, and ``duration`` if present, as float arrays of one length.

    Raises
    ------
    TypeError
        ``fills`` is none of the accepted types, or a column is not numeric.
    ValueError
        A required column is missing or the columns differ in length.
    FileNotFoundError
        The CSV path does not exist.
    """
    if isinstance(fills, (str, os.PathLike)):
        raw: Mapping[str, Any] = _read_csv(Path(fills))
    elif _is_dataframe(fills):
        frame: Any = fills
        raw = {str(name): frame[name].to_numpy() for name in frame.columns}
    elif isinstance(fills, Mapping):
        raw = fills
    else:
        raise TypeError(
            "fills must be a mapping of columns, a pandas DataFrame or a CSV path, "
            f"got {type(fills).__name__}"
        )
    missing = [name for name in FILL_COLUMNS if name not in raw]
    if missing:
        raise ValueError(f"fills lack the column(s) {missing}; found {sorted(map(str, raw))}")
    wanted = FILL_COLUMNS + tuple(name for name in OPTIONAL_FILL_COLUMNS if name in raw)
    columns = {name: _as_float_column(name, raw[name]) for name in wanted}
    lengths = {name: len(col) for name, col in columns.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"fills columns differ in length: {lengths}")
    return columns


# --------------------------------------------------------------------------------------------
# fitting


def _model(params: FloatArray, log_x: FloatArray, sigma: FloatArray) -> FloatArray:
    epsilon, coefficient, alpha = params
    return np.asarray(epsilon + coefficient * sigma * np.exp(alpha * log_x), dtype=float)


def _jacobian(params: FloatArray, log_x: FloatArray, sigma: FloatArray) -> FloatArray:
    _, coefficient, alpha = params
    power = sigma * np.exp(alpha * log_x)
    return np.column_stack([np.ones_like(log_x), power, coefficient * power * log_x])


def _start(log_x: FloatArray, sigma: FloatArray, y: FloatArray) -> FloatArray:
    """Least squares start: at fixed alpha the model is linear in (epsilon, c); scan alpha.

    Each alpha's two-parameter fit is a simple linear regression of y on s = sigma x**alpha,
    solved for several alphas at once from centred sums (blocks of alphas keep the temporaries
    near 2**18 elements), with the sum of squares taken from the residuals themselves. The scan
    is coarse to fine: every fourth alpha of the grid, then the grid around the best of those
    (17 regressions instead of 40; each costs an exp per row). Past 2,048 rows the scan runs on
    an evenly strided sample of them: it only has to find the basin the fit starts from.
    """
    stride = max(1, len(y) // 2048)
    log_x, sigma, y = log_x[::stride], sigma[::stride], y[::stride]
    coarse = _scan(_ALPHA_GRID[::4], log_x, sigma, y)
    k = int(np.argmin(np.abs(_ALPHA_GRID - coarse[2])))
    fine = _scan(_ALPHA_GRID[max(k - 3, 0) : k + 4], log_x, sigma, y)
    return (fine if fine[3] <= coarse[3] else coarse)[:3]


def _scan(alphas: FloatArray, log_x: FloatArray, sigma: FloatArray, y: FloatArray) -> FloatArray:
    """(epsilon, c, alpha, sum of squares) of the best regression over ``alphas``."""
    best = np.array([0.0, 0.0, 0.5, math.inf])
    mean_y = float(np.mean(y))
    y_centred = y - mean_y
    block = max(1, 2**18 // max(len(y), 1))
    for first in range(0, len(alphas), block):
        column = alphas[first : first + block, None]
        power = sigma * np.exp(column * log_x)
        mean_power = np.mean(power, axis=1)
        centred = power - mean_power[:, None]
        spread = np.einsum("ij,ij->i", centred, centred)
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = (centred @ y_centred) / spread
        residual = y_centred - slope[:, None] * centred
        sse = np.einsum("ij,ij->i", residual, residual)
        sse = np.where(np.isfinite(slope) & (spread > 0), sse, np.inf)
        k = int(np.argmin(sse))
        if sse[k] < best[3]:
            best = np.array([mean_y - slope[k] * mean_power[k], slope[k], column[k, 0], sse[k]])
    return best


def _psi(z: FloatArray, loss: str) -> tuple[FloatArray, FloatArray]:
    """Influence function psi(z) and its derivative for a loss, in residual units of f_scale."""
    if loss == "huber":
        inside = np.abs(z) <= 1.0
        return np.where(inside, z, np.sign(z)), inside.astype(float)
    if loss == "soft_l1":
        root = np.sqrt(1.0 + z * z)
        return z / root, root**-3
    if loss == "cauchy":
        denom = 1.0 + z * z
        return z / denom, (1.0 - z * z) / denom**2
    return z, np.ones_like(z)


def _robust_scale(residuals: FloatArray) -> float:
    return float(1.4826 * np.median(np.abs(residuals - np.median(residuals))))


class _FitFailed(Exception):
    """Raised inside the fit with the reason; turned into a NaN result and a warning."""


def _fit(
    log_x: FloatArray, sigma: FloatArray, y: FloatArray, loss: str
) -> tuple[FloatArray, FloatArray, float, FloatArray]:
    from scipy.optimize import least_squares  # the optional extra acsym[calibration]

    n, p = len(y), len(PARAMETER_NAMES)

    def residual(params: FloatArray) -> FloatArray:
        return _model(params, log_x, sigma) - y

    def jac(params: FloatArray) -> FloatArray:
        return _jacobian(params, log_x, sigma)

    params = _start(log_x, sigma, y)
    f_scale = 1.0
    passes = 1 if loss == "linear" else 3  # robust: refit with the scale of the last residuals
    for _ in range(passes):
        if loss != "linear":
            # y is in units of its own spread, so the floor only matters for (nearly) exact data
            f_scale = max(1.345 * _robust_scale(residual(params)), 1e-8)
        solution = least_squares(
            residual,
            params,
            jac=jac,
            # Levenberg-Marquardt (MINPACK) for plain least squares, a few times cheaper per
            # step than the trust-region reflective method, which the robust losses need
            method="lm" if loss == "linear" else "trf",
            loss=loss,
            f_scale=f_scale,
            x_scale="jac",
            ftol=1e-12,
            xtol=1e-12,
            gtol=1e-12,
            max_nfev=2000,
        )
        if solution.status <= 0 or not np.all(np.isfinite(solution.x)):
            raise _FitFailed(f"the optimiser did not converge ({solution.message})")
        params = np.asarray(solution.x, dtype=float)

    r = residual(params)
    jacobian = jac(params)
    information = jacobian.T @ jacobian
    if not np.all(np.isfinite(information)) or np.linalg.cond(information) > 1e14:
        raise _FitFailed(
            "the fit is not identifiable (Q/V, or the volatility, barely varies across the rows), "
            "so its standard errors are undefined"
        )
    inverse = np.linalg.inv(information)
    if loss == "linear":
        scale = math.sqrt(float(r @ r) / (n - p))
        covariance = scale**2 * inverse
    else:
        # Huber's sandwich for an M-estimator: scale^2 E[psi^2] / E[psi']^2 (J'J)^-1, n/(n-p)
        psi, dpsi = _psi(r / f_scale, loss)
        mean_dpsi = float(np.mean(dpsi))
        if not mean_dpsi > 0.0:
            raise _FitFailed("the robust loss rejects almost every row; its standard errors are undefined")
        covariance = f_scale**2 * float(np.mean(psi**2)) / mean_dpsi**2 * inverse * n / (n - p)
        scale = _robust_scale(r)
    return params, covariance, scale, r


def _nan_result(n_used: int, n_dropped: int, form: Form, loss: str, notes: list[str]) -> CalibrationResult:
    nan = math.nan
    return CalibrationResult(
        epsilon=nan,
        coefficient=nan,
        alpha=nan,
        epsilon_stderr=nan,
        coefficient_stderr=nan,
        alpha_stderr=nan,
        covariance=np.full((3, 3), nan),
        n_used=n_used,
        n_dropped=n_dropped,
        r_squared=nan,
        residuals=ResidualSummary.nan(),
        form=form,
        loss=loss,
        warnings=tuple(notes),
    )


def _loss_name(robust: bool | str) -> str:
    if isinstance(robust, bool):
        return "soft_l1" if robust else "linear"
    if isinstance(robust, str):
        if robust in ROBUST_LOSSES or robust == "linear":
            return robust
        raise ValueError(f"robust must be a bool or one of {ROBUST_LOSSES}, got {robust!r}")
    raise TypeError(f"robust must be a bool or a loss name, got {type(robust).__name__}")


def _bad_rows(columns: Mapping[str, FloatArray], use_duration: bool) -> tuple[BoolArray, list[str]]:
    """Mask of unusable rows and a count of each reason (a row may have several)."""
    used = FILL_COLUMNS + (("duration",) if use_duration else ())
    table = np.column_stack([columns[name] for name in used])
    finite = np.all(np.isfinite(table), axis=1)
    checks = {  # a NaN or infinite row counts once, under its own reason
        "NaN or infinite values": ~finite,
        "non-positive quantity": finite & (columns["quantity"] <= 0),
        "non-positive daily_volume": finite & (columns["daily_volume"] <= 0),
        "negative daily_volatility": finite & (columns["daily_volatility"] < 0),
    }
    if use_duration:
        checks["non-positive duration"] = finite & (columns["duration"] <= 0)
    bad = np.zeros(table.shape[0], dtype=bool)
    reasons = []
    for reason, mask in checks.items():
        count = int(np.count_nonzero(mask))
        if count:
            reasons.append(f"{count} with {reason}")
        bad |= mask
    return bad, reasons


def _regressor(columns: Mapping[str, FloatArray], use_duration: bool) -> FloatArray:
    """The fit's ``x``: ``Q / V``, or ``Q / (V * duration)`` when ``use_duration``."""
    x = columns["quantity"] / columns["daily_volume"]
    if use_duration:
        x = x / columns["duration"]
    return np.asarray(x, dtype=float)


def calibrate_impact(
    fills: Fills,
    *,
    robust: bool | str = False,
    use_duration: bool | None = None,
) -> CalibrationResult:
    """Fit ``slippage_bps = epsilon + c * daily_volatility * x ** alpha`` to executed orders.

    Parameters
    ----------
    fills : mapping, pandas.DataFrame, str or os.PathLike
        One row per order (see :func:`read_fills`): ``quantity`` Q (shares, > 0),
        ``daily_volume`` V (shares/day, > 0), ``daily_volatility`` sigma (fraction per day,
        >= 0), ``slippage_bps`` (bps of arrival price, positive = cost) and optionally
        ``duration`` (days, > 0).
    robust : bool or {"soft_l1", "huber", "cauchy"}
        False: least squares. True (``"soft_l1"``) or a loss name: a robust M-estimate that
        down-weights outliers, with its scale ``1.345 * 1.4826 * MAD`` of the residuals
        re-estimated twice.
    use_duration : bool or None
        Fit the participation form ``x = Q / (V * duration)``. None (default): when the fills
        have a ``duration`` column. False: the size form ``x = Q / V`` even if they do.

    Returns
    -------
    CalibrationResult
        Estimates with asymptotic standard errors: ``s^2 (J'J)^-1`` for least squares, the
        Huber sandwich ``f^2 E[psi^2] / E[psi']^2 (J'J)^-1 n / (n - 3)`` for a robust loss.
        NaN estimates, and a warning saying why, when fewer than 6 rows are usable, the
        optimiser does not converge or the problem is singular.

    Raises
    ------
    TypeError
        ``fills`` or ``robust`` has the wrong type, or a column is not numeric.
    ValueError
        A required column is missing, the columns differ in length, an unknown loss, or
        ``use_duration=True`` without a ``duration`` column.
    ModuleNotFoundError
        SciPy is not installed (``pip install "acsym[calibration]"``).

    Warns
    -----
    CalibrationWarning
        Rows dropped (non-positive quantity, volume or duration; negative volatility; NaN or
        infinite values), with the count of each reason; a fit that could not be made; a
        coefficient that is not positive. Each message is also in ``result.warnings``.

    Notes
    -----
    Units. ``epsilon`` is in bps, ``alpha`` is dimensionless and ``c`` is in bps per unit of
    volatility fraction per unit of ``x ** alpha``, so:

    * quantity and volume in the same unit (both in shares, or both in lots): the fit is
      unchanged. Quantity in lots of ``m`` shares against volume in shares divides ``x`` by
      ``m`` and multiplies ``c`` by ``m ** alpha``; epsilon and alpha do not change.
    * slippage as a fraction instead of bps scales ``epsilon``, ``c`` and their standard
      errors by ``1e-4``; volatility in bps instead of a fraction scales ``c`` by ``1e-4``.
      Alpha never changes.

    Examples
    --------
    >>> from acsym.impact import calibrate_impact, example_fills_path
    >>> fit = calibrate_impact(example_fills_path(), robust=True)
    >>> round(fit.alpha, 1)
    0.5
    """
    loss = _loss_name(robust)
    if use_duration is not None and not isinstance(use_duration, bool):
        raise TypeError(f"use_duration must be a bool or None, got {type(use_duration).__name__}")
    columns = read_fills(fills)
    has_duration = "duration" in columns
    if use_duration and not has_duration:
        raise ValueError("use_duration=True needs a 'duration' column (days)")
    use = has_duration if use_duration is None else use_duration
    form: Form = "participation" if use else "size"
    notes: list[str] = []

    with np.errstate(all="ignore"):
        bad, reasons = _bad_rows(columns, use)
    n_total = len(bad)
    n_dropped = int(np.count_nonzero(bad))
    n_used = n_total - n_dropped
    if n_dropped:
        notes.append(f"dropped {n_dropped} of {n_total} rows as unusable: {', '.join(reasons)}")

    def finish(result: CalibrationResult) -> CalibrationResult:
        for note in result.warnings:
            warnings.warn(note, CalibrationWarning, stacklevel=3)
        return result

    if n_used < MIN_ROWS:
        notes.append(f"too few usable rows to fit: {n_used}, need at least {MIN_ROWS}")
        return finish(_nan_result(n_used, n_dropped, form, loss, notes))

    keep = ~bad
    with np.errstate(all="ignore"):
        log_x = np.log(_regressor(columns, use)[keep])
    sigma = columns["daily_volatility"][keep]
    y = columns["slippage_bps"][keep]
    low, high = np.min(log_x), np.max(log_x)
    # at least three distinct values exactly when one lies strictly between the extremes
    if not np.any((log_x > low) & (log_x < high)):
        notes.append(
            f"{'Q/(V*duration)' if use else 'Q/V'} takes fewer than 3 distinct values, "
            "so the exponent alpha cannot be fitted"
        )
        return finish(_nan_result(n_used, n_dropped, form, loss, notes))

    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # scipy's own warnings: its outcome is checked below
            # fit in units of the slippage's own spread, so that the optimiser's tolerances do
            # not depend on the unit (bps or fraction) the fills use
            unit = float(np.std(y)) or float(np.max(np.abs(y))) or 1.0
            params, covariance, scale, r = _fit(log_x, sigma, y / unit, loss)
            scaling = np.array([unit, unit, 1.0])
            params, covariance = params * scaling, covariance * np.outer(scaling, scaling)
            scale, r = scale * unit, r * unit
            sst = float(np.sum((y - y.mean()) ** 2))
            r_squared = 1.0 - float(r @ r) / sst if sst > 0 else math.nan
            stderr = np.sqrt(np.diag(covariance))
    except (_FitFailed, np.linalg.LinAlgError) as exc:
        notes.append(f"the fit failed: {exc}")
        return finish(_nan_result(n_used, n_dropped, form, loss, notes))
    if not np.all(np.isfinite(stderr)):
        notes.append("the standard errors are not finite: the fit is at the edge of identifiability")
    if params[1] <= 0.0:
        notes.append(
            f"the fitted coefficient is not positive ({params[1]:.4g}): slippage does not grow "
            "with size in these fills, so alpha is not meaningful"
        )
    q05, median, q95 = np.quantile(r, [0.05, 0.5, 0.95])
    summary = ResidualSummary(
        scale=scale,
        rmse=float(np.sqrt(np.mean(r * r))),
        mean=float(np.mean(r)),
        median=float(median),
        q05=float(q05),
        q95=float(q95),
        max_abs=float(np.max(np.abs(r))),
    )
    return finish(
        CalibrationResult(
            epsilon=float(params[0]),
            coefficient=float(params[1]),
            alpha=float(params[2]),
            epsilon_stderr=float(stderr[0]),
            coefficient_stderr=float(stderr[1]),
            alpha_stderr=float(stderr[2]),
            covariance=covariance,
            n_used=n_used,
            n_dropped=n_dropped,
            r_squared=r_squared,
            residuals=summary,
            form=form,
            loss=loss,
            warnings=tuple(notes),
        )
    )


# --------------------------------------------------------------------------------------------
# the link to Almgren-Chriss


@dataclass(frozen=True)
class LinearImpact:
    """Linear A-C temporary impact ``h(v) = epsilon + eta * v`` from a power-law fit.

    Attributes
    ----------
    epsilon : float
        Fixed cost, currency per share (``price * fit.epsilon / 1e4``).
    eta : float
        Temporary impact coefficient, currency per share per (share per time unit).
    rate : float
        The trading rate ``v`` the secant was taken at, shares per time unit.
    participation : float
        ``v`` as a fraction of the volume traded in one time unit.
    slippage_bps : float
        The fitted slippage at ``rate``, bps; equals ``1e4 * (epsilon + eta * rate) / price``.
    """

    epsilon: float
    eta: float
    rate: float
    participation: float
    slippage_bps: float


def linear_impact_at_rate(
    result: CalibrationResult,
    rate: float,
    daily_volume: float,
    daily_volatility: float,
    price: float,
    *,
    time_unit: float = 1.0,
) -> LinearImpact:
    """Linear A-C temporary impact (eta, epsilon) from a fit: the secant at a trading rate.

    Almgren-Chriss takes the temporary impact linear, ``h(v) = epsilon + eta * v`` (currency
    per share, ``v`` in shares per time unit); the fit is a power law in the participation
    rate ``p = v / (V * time_unit)``. This returns the line through the fit's intercept and
    its value at ``rate``:

    .. math::

        \\epsilon_{AC} = P \\, \\epsilon / 10^4, \\qquad
        \\eta = \\frac{P}{10^4} \\, \\frac{c \\, \\sigma \\, p^{\\alpha}}{v}

    so ``h(rate)`` equals the fitted slippage at ``rate`` exactly.

    Parameters
    ----------
    result : CalibrationResult
        A fit from :func:`calibrate_impact`.
    rate : float
        Trading rate ``v`` in shares per time unit, > 0; for an order of X shares over a
        horizon T (time units) traded evenly, ``X / T``.
    daily_volume : float
        V, shares per day, > 0.
    daily_volatility : float
        sigma, fraction per day (0.02 = 2 %), >= 0.
    price : float
        Arrival price, currency per share, > 0.
    time_unit : float
        Length of the A-C time unit in days (1.0: t, tau and T in days, as in
        ``calibrate_ac_params``; 1 / 6.5 for hours of a 6.5-hour session).

    Returns
    -------
    LinearImpact
        ``epsilon`` in currency per share, ``eta`` in currency per share per (share per time
        unit), the rate, the participation and the fitted slippage in bps. NaN fields (and no
        exception) for a NaN fit or a non-positive rate, volume or price.

    Notes
    -----
    Approximations, stated:

    * The secant is exact at ``rate`` only. Below it the linear model overstates impact and
      above it understates it when ``alpha < 1``; the tangent there has slope
      ``alpha * eta``. An A-C schedule with risk aversion > 0 trades faster early and slower
      late, so use the rate of the period that matters, or the average ``X / T``.
    * A size-form fit (``x = Q / V``) is read as the participation of an order traded over one
      day (``x = p``); if your fills took much less or more than a day, fit with their
      ``duration`` column (the participation form) instead.
    * Measured slippage contains the permanent impact the order itself caused (``gamma X / 2``
      per share in A-C), so eta here includes it; subtract ``gamma * X / (2 * rate)`` from eta
      if you model gamma separately and want the pure temporary part.
    """
    for name, value in (
        ("rate", rate),
        ("daily_volume", daily_volume),
        ("daily_volatility", daily_volatility),
        ("price", price),
        ("time_unit", time_unit),
    ):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    if not isinstance(result, CalibrationResult):
        raise TypeError(f"result must be a CalibrationResult, got {type(result).__name__}")
    valid = (
        result.ok
        and rate > 0
        and daily_volume > 0
        and daily_volatility >= 0
        and price > 0
        and time_unit > 0
        and all(math.isfinite(float(v)) for v in (rate, daily_volume, daily_volatility, price, time_unit))
    )
    if not valid:
        nan = math.nan
        return LinearImpact(epsilon=nan, eta=nan, rate=float(rate), participation=nan, slippage_bps=nan)
    participation = float(rate) / (float(daily_volume) * float(time_unit))
    impact_bps = result.coefficient * float(daily_volatility) * participation**result.alpha
    return LinearImpact(
        epsilon=float(price) * result.epsilon / BPS,
        eta=float(price) * impact_bps / BPS / float(rate),
        rate=float(rate),
        participation=participation,
        slippage_bps=result.epsilon + impact_bps,
    )


# --------------------------------------------------------------------------------------------
# reporting


def format_estimate(value: float, stderr: float) -> str:
    """``"value ± stderr"`` with the standard error to two significant digits.

    Parameters
    ----------
    value, stderr : float
        An estimate and its standard error (same units).

    Returns
    -------
    str
        E.g. ``"0.513 ± 0.009"``, ``"8242 ± 203"``; ``"nan ± nan"`` for a failed fit.
    """
    if not (math.isfinite(value) and math.isfinite(stderr)) or stderr <= 0:
        return f"{value:.4g} ± {stderr:.2g}"
    decimals = max(0, 1 - math.floor(math.log10(stderr)))
    return f"{value:.{decimals}f} ± {stderr:.{decimals}f}"


def plot_fit(
    result: CalibrationResult,
    fills: Fills,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
) -> Path:
    """Draw slippage against ``x`` (``Q / V`` or participation) on log axes with the fit.

    Requires matplotlib (``pip install "acsym[plot]"``). Draws on a bare ``Figure`` (the Agg
    canvas, no pyplot), so it runs without a display and leaves pyplot's state alone.

    Parameters
    ----------
    result : CalibrationResult
        The fit of ``fills``.
    fills : mapping, pandas.DataFrame, str or os.PathLike
        The fills that were fitted (see :func:`read_fills`).
    path : str or os.PathLike
        Where to write the image (format from the suffix, e.g. ``.png``).
    title : str, optional
        Figure title.

    Returns
    -------
    pathlib.Path
        ``path``.

    Notes
    -----
    Fills with slippage <= 0 bps cannot be drawn on a log axis; the legend counts them. The
    fitted curves are drawn at the 10th, 50th and 90th percentiles of the fills' volatility.
    """
    from matplotlib.figure import Figure  # no pyplot: no global backend or figure state

    use = result.form == "participation"
    columns = read_fills(fills)
    with np.errstate(all="ignore"):
        bad, _ = _bad_rows(columns, use)
        x = _regressor(columns, use)[~bad]
    sigma = columns["daily_volatility"][~bad]
    y = columns["slippage_bps"][~bad]
    shown = y > 0
    x_label = (
        "participation rate Q / (V · duration)" if use else "order size Q / V (fraction of daily volume)"
    )

    fig = Figure(figsize=(8, 5.5), dpi=120, layout="constrained")
    ax = fig.add_subplot()
    points = ax.scatter(
        x[shown], y[shown], c=100 * sigma[shown], cmap="viridis", s=16, alpha=0.8, edgecolors="none"
    )
    hidden = int(np.count_nonzero(~shown))
    points.set_label(f"fills (n = {shown.sum()}; {hidden} with slippage ≤ 0 not shown)")
    fig.colorbar(points, ax=ax, label="daily volatility (%)")
    if result.ok and x.size:
        grid = np.geomspace(x.min(), x.max(), 200)
        for q, style in ((10, ":"), (50, "-"), (90, "--")):
            level = float(np.percentile(sigma, q))
            curve = result.slippage_bps(grid, level)
            ax.plot(
                grid[curve > 0],
                curve[curve > 0],
                style,
                color="crimson",
                lw=2,
                label=f"fit at volatility {100 * level:.2g}% (p{q})",
            )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(x_label, fontsize=11)
    ax.set_ylabel("slippage (bps of arrival price)", fontsize=11)
    fit_text = (
        rf"$\epsilon$ = {format_estimate(result.epsilon, result.epsilon_stderr)} bps,  "
        rf"$c$ = {format_estimate(result.coefficient, result.coefficient_stderr)} bps/$\sigma$,  "
        rf"$\alpha$ = {format_estimate(result.alpha, result.alpha_stderr)},  "
        f"R² = {result.r_squared:.3f}  (± 1 s.e.)"
    )
    method = "least squares" if result.loss == "linear" else f"robust, {result.loss} loss"
    default_title = rf"Impact fit ({method}): slippage = $\epsilon + c\,\sigma\,x^{{\alpha}}$"
    ax.set_title(title or default_title, fontsize=12)
    ax.text(0.01, 0.99, fit_text, transform=ax.transAxes, va="top", fontsize=9)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="lower right", fontsize=9, framealpha=0.9)
    out = Path(path)
    fig.savefig(out)
    return out
