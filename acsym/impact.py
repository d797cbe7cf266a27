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
stays numpy only; :func:`acsym.plots.plot_impact_fit` draws a fit (extra ``acsym[plot]``).
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

from acsym._validate import CalibrationWarning, describe, frozen_array, nonnegative, positive, real, warn

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
STANDARD_ERRORS = ("auto", "classical", "robust")
#: "auto" standard errors turn robust when the Breusch-Pagan p-value is below this
HETEROSCEDASTICITY_LEVEL = 0.05
_ALPHA_GRID = np.linspace(0.05, 2.0, 40)  # start values: the model is linear at fixed alpha
#: x = Q/V (or Q/(V*duration)) outside this range is a data error, dropped and counted: a
#: trillionth of a day's volume up to 10,000 days of it (beyond, x**alpha overflows the fit)
X_RANGE = (1e-12, 1e4)
#: daily volatility above this is a data error, dropped and counted (as a fraction a million
#: percent a day; even in bps, which the fit accepts with c scaled, 100% a day)
MAX_VOLATILITY = 1e4
#: a slippage above this many bps in absolute value (10,000 times the price) is a data error,
#: dropped and counted
MAX_SLIPPAGE_BPS = 1e6

Form = Literal["size", "participation"]


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
    return frozen_array(array)


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
    standard_errors : str
        How the standard errors were computed: "classical" (constant noise variance), "HC3"
        (heteroscedasticity-robust, least squares) or "sandwich" (heteroscedasticity-robust,
        a robust loss).
    heteroscedasticity_pvalue : float
        p-value of the Breusch-Pagan test of constant noise variance (small: the noise
        changes with the fitted slippage); NaN when no fit was made.
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
    standard_errors: str = "classical"
    heteroscedasticity_pvalue: float = math.nan

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
            "standard_errors": self.standard_errors,
            "heteroscedasticity_pvalue": self.heteroscedasticity_pvalue,
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


def _read_csv(path: Path) -> dict[str, Any]:
    """The CSV's columns as lists of cell text (converted by :func:`_as_float_column`)."""
    try:
        with path.open(newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise ValueError(f"{path}: empty file, expected a header with columns {FILL_COLUMNS}")
            names = [name.strip() for name in header]
            rows = [row for row in reader if any(cell.strip() for cell in row)]
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not a readable CSV text file ({exc})") from None
    return {
        name: [row[index].strip() if index < len(row) else "" for row in rows]
        for index, name in enumerate(names)
    }


def _cell(value: object) -> float:
    """One cell as a float; NaN for an empty or unreadable cell (its row is then dropped)."""
    if isinstance(value, bool | np.bool_) or value is None:
        return math.nan
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def _as_float_column(name: str, values: object) -> FloatArray:
    """A column as floats. Cells that are no number become NaN, the same for a CSV, a mapping
    and a DataFrame (the row is dropped and counted); TypeError if no cell is a number."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        items = np.asarray(values, dtype=object)
        array = np.array([_cell(v) for v in items.reshape(-1)], dtype=float).reshape(items.shape)
        if array.size and not np.any(np.isfinite(array)):
            raise TypeError(
                f"column {name!r} must hold numbers; none of its {array.size} cells is one"
            ) from None
    if array.ndim == 0:
        array = array.reshape(-1)
    if array.ndim != 1:
        raise TypeError(f"column {name!r} must be one-dimensional, got shape {array.shape}")
    return array


def _renamed(raw: Mapping[str, Any], columns: Mapping[str, str] | None) -> Mapping[str, Any]:
    """``raw`` with the user's column names mapped to acsym's (``columns``: ours -> theirs)."""
    if columns is None:
        return raw
    if not isinstance(columns, Mapping):
        raise TypeError(f"columns must be a mapping of names, got {type(columns).__name__}")
    known = FILL_COLUMNS + OPTIONAL_FILL_COLUMNS
    unknown = [name for name in columns if name not in known]
    if unknown:
        raise ValueError(f"columns maps unknown name(s) {unknown}; known: {list(known)}")
    absent = [source for source in columns.values() if source not in raw]
    if absent:
        raise ValueError(f"columns names {absent}, not in the fills; found {sorted(map(str, raw))}")
    renamed = {name: values for name, values in raw.items() if name not in columns}
    renamed.update({name: raw[source] for name, source in columns.items()})
    return renamed


def read_fills(fills: Fills, columns: Mapping[str, str] | None = None) -> dict[str, FloatArray]:
    """Read a fills table into float columns, rows not yet checked.

    Parameters
    ----------
    fills : mapping, pandas.DataFrame, str or os.PathLike
        A mapping of column name to a sequence of numbers, a pandas DataFrame (pandas is not
        required by acsym), or the path of a CSV file with a header row. Columns
        ``quantity`` (shares), ``daily_volume`` (shares/day), ``daily_volatility`` (a
        fraction, 0.02 = 2 %), ``slippage_bps`` (bps of arrival price, positive = cost) and
        optionally ``duration`` (days). Other columns are ignored; empty or unreadable cells
        become NaN, in a CSV, a mapping or a DataFrame alike (and the row is dropped and
        counted by :func:`calibrate_impact`).
    columns : mapping of str to str, optional
        The fills' own name for each column, e.g. ``{"quantity": "qty", "daily_volume": "adv"}``.

    Returns
    -------
    dict of str to numpy.ndarray
        The required columns, and ``duration`` if present, as float arrays of one length.

    Raises
    ------
    TypeError
        ``fills`` is none of the accepted types, or a column holds no number at all.
    ValueError
        A required column is missing, the columns differ in length, ``columns`` names an
        unknown or absent column, or the CSV file is not text.
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
    raw = _renamed(raw, columns)
    missing = [name for name in FILL_COLUMNS if name not in raw]
    if missing:
        raise ValueError(
            f"fills lack the column(s) {missing}; found {sorted(map(str, raw))} (map the file's "
            "own names with columns=, e.g. {'quantity': 'qty'}; --columns quantity=qty)"
        )
    wanted = FILL_COLUMNS + tuple(name for name in OPTIONAL_FILL_COLUMNS if name in raw)
    table = {name: _as_float_column(name, raw[name]) for name in wanted}
    lengths = {name: len(col) for name, col in table.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"fills columns differ in length: {lengths}")
    return table


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


def _robust_deviations(residuals: FloatArray) -> tuple[FloatArray, float]:
    """|r - median(r)| and the robust standard deviation 1.4826 median|r - median(r)|."""
    deviation = np.abs(residuals - np.median(residuals))
    return deviation, float(1.4826 * np.median(deviation))


def _robust_scale(residuals: FloatArray) -> float:
    return _robust_deviations(residuals)[1]


class _FitFailed(Exception):
    """Raised inside the fit with the reason; turned into a NaN result and a warning."""


def _unidentifiable(params: FloatArray, log_x: FloatArray) -> str:
    """Why J'J is singular at the fit: too narrow a range of x, or too little impact signal."""
    decades = float(np.ptp(log_x)) / math.log(10.0)
    if decades < 0.3:
        return (
            f"the fit is not identifiable: x = Q/V spans only {decades:.2g} decades across the rows, "
            "too narrow to fit the exponent alpha"
        )
    return (
        f"the fit is not identifiable although x = Q/V spans {decades:.2g} decades (so its range "
        "is not the cause): the slippage shows too little dependence on size against its noise "
        f"to fit a power law (the fit reached c = {params[1]:.3g}, alpha = {params[2]:.3g}, where c "
        "and alpha trade off); more orders, larger orders or less noisy slippage would help"
    )


def _heteroscedasticity_pvalue(r: FloatArray, fitted: FloatArray) -> float:
    """p-value of Koenker's studentised Breusch-Pagan test (White's special form).

    The squared residuals are regressed on (1, fitted, fitted**2); n R^2 is chi-squared with 2
    degrees of freedom when the noise variance does not change with the fitted slippage, as in
    fills whose noise grows with their impact.
    """
    from scipy import stats

    squared = r * r
    centred = fitted - float(np.mean(fitted))
    spread = float(np.std(centred)) or 1.0
    z = np.column_stack([np.ones_like(r), centred / spread, (centred / spread) ** 2])
    coef, *_ = np.linalg.lstsq(z, squared, rcond=None)
    total = float(np.sum((squared - squared.mean()) ** 2))
    if not total > 0:
        return 1.0
    r_squared = 1.0 - float(np.sum((squared - z @ coef) ** 2)) / total
    return float(stats.chi2.sf(len(r) * max(r_squared, 0.0), 2))


def _sandwich(jacobian: FloatArray, r: FloatArray, loss: str, f_scale: float) -> FloatArray:
    """Heteroscedasticity-robust covariance: HC3 for least squares, the full M-estimator
    sandwich f^2 (J'DJ)^-1 J' diag(psi^2) J (J'DJ)^-1 n / (n - p) for a robust loss."""
    n, p = jacobian.shape
    if loss == "linear":
        bread = np.linalg.inv(jacobian.T @ jacobian)
        leverage = np.minimum(np.sum((jacobian @ bread) * jacobian, axis=1), 0.99)
        weights = (r / (1.0 - leverage)) ** 2
        return np.asarray(bread @ (jacobian.T * weights) @ jacobian @ bread, dtype=float)
    psi, dpsi = _psi(r / f_scale, loss)
    bread = np.linalg.inv((jacobian.T * dpsi) @ jacobian)
    meat = (jacobian.T * psi**2) @ jacobian
    return np.asarray(f_scale**2 * bread @ meat @ bread * n / (n - p), dtype=float)


def _heavy_tails(r: FloatArray) -> str | None:
    """A note when residuals have far more outliers than Gaussian noise would (least squares)."""
    deviation, scale = _robust_deviations(r)
    if not scale > 0:
        return None
    far = int(np.count_nonzero(deviation > 5.0 * scale))
    # Gaussian noise puts 6e-7 of the rows beyond 5 robust standard deviations
    if far >= max(3, 0.005 * len(r)):
        return (
            f"the residuals look heavy-tailed: {far} of {len(r)} lie beyond 5 robust standard "
            "deviations, which least squares weighs heavily; consider a robust fit "
            "(robust=True, or --robust on the command line)"
        )
    return None


def _fit(
    log_x: FloatArray, sigma: FloatArray, y: FloatArray, loss: str
) -> tuple[FloatArray, FloatArray, float, FloatArray, FloatArray, float]:
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
        raise _FitFailed(_unidentifiable(params, log_x) + "; its standard errors are undefined")
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
    return params, covariance, scale, r, jacobian, f_scale


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
        "empty, unreadable, NaN or infinite values": ~finite,
        "non-positive quantity": finite & (columns["quantity"] <= 0),
        "non-positive daily_volume": finite & (columns["daily_volume"] <= 0),
        "negative daily_volatility": finite & (columns["daily_volatility"] < 0),
    }
    if use_duration:
        checks["non-positive duration"] = finite & (columns["duration"] <= 0)
    earlier = np.any(np.array(list(checks.values())), axis=0)
    usable = finite & ~earlier
    x = np.where(usable, _regressor(columns, use_duration), 1.0)
    low, high = X_RANGE
    name = "Q/(V*duration)" if use_duration else "Q/V"
    checks[f"{name} outside [{low:g}, {high:g}]"] = usable & ~((x >= low) & (x <= high))
    checks[f"daily_volatility above {MAX_VOLATILITY:g}"] = usable & (
        columns["daily_volatility"] > MAX_VOLATILITY
    )
    checks[f"|slippage_bps| above {MAX_SLIPPAGE_BPS:g}"] = usable & (
        np.abs(columns["slippage_bps"]) > MAX_SLIPPAGE_BPS
    )
    bad = np.zeros(table.shape[0], dtype=bool)
    reasons = []
    for reason, mask in checks.items():
        count = int(np.count_nonzero(mask))
        if count:
            reasons.append(f"{count} with {reason}")
        bad |= mask
    return bad, reasons


def _median_if(values: FloatArray, above: float = -math.inf, below: float = math.inf) -> float:
    """The median of ``values`` when it may lie outside [above, below], else NaN: a count decides
    first (a median above a limit needs at least half the values above it), so the usual data
    costs one comparison per row, not a partition."""
    outside = np.count_nonzero(values > above) if above > -math.inf else np.count_nonzero(values < below)
    return float(np.median(values)) if 2 * outside >= values.size else math.nan


def _scale_notes(x: FloatArray, sigma: FloatArray, y: FloatArray, use_duration: bool) -> list[str]:
    """Warnings for columns whose typical value suggests another unit than the documented one."""
    notes = []
    median_sigma = _median_if(sigma, above=1.0)
    if median_sigma > 1.0:
        notes.append(
            f"daily_volatility looks like percent (median {median_sigma:g} > 1): it must be a "
            "fraction (0.02 = 2%); the coefficient comes out 100 times too small if it is percent"
        )
    median_x = _median_if(x, above=1.0)
    if median_x > 1.0:
        name = "Q/(V*duration)" if use_duration else "Q/V"
        notes.append(
            f"the median {name} is {median_x:g} > 1 (orders above a day's volume): are quantity "
            "and daily_volume in the same unit (shares, not lots or thousands)?"
        )
    median_y = _median_if(np.abs(y), below=0.01)
    if 0.0 < median_y < 0.01:
        notes.append(
            f"slippage_bps looks like a fraction (median |slippage| {median_y:g} bps < 0.01): it "
            "must be in basis points (1 bp = 0.0001)"
        )
    return notes


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
    columns: Mapping[str, str] | None = None,
    standard_errors: str = "auto",
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
    columns : mapping of str to str, optional
        The fills' own name for each column, e.g. ``{"quantity": "qty", "daily_volume": "adv"}``
        (see :func:`read_fills`).
    standard_errors : {"auto", "classical", "robust"}
        "classical": the formulas below, which assume noise of one variance in every row.
        "robust": heteroscedasticity-robust (sandwich) errors, HC3 for least squares. "auto"
        (default): robust when a Breusch-Pagan test of the squared residuals against the
        fitted slippage rejects constant variance at the 5% level (real fills, whose noise
        grows with their impact, usually do), classical otherwise. The result's
        ``standard_errors`` says which was used and ``heteroscedasticity_pvalue`` the test's
        p-value.

    Returns
    -------
    CalibrationResult
        Estimates with asymptotic standard errors: classically ``s^2 (J'J)^-1`` for least
        squares, the Huber sandwich ``f^2 E[psi^2] / E[psi']^2 (J'J)^-1 n / (n - 3)`` for a
        robust loss; heteroscedasticity-robust, HC3 ``(J'J)^-1 J' diag(r_i^2 / (1 - h_i)^2) J
        (J'J)^-1`` for least squares and ``f^2 (J'DJ)^-1 J' diag(psi^2) J (J'DJ)^-1 n / (n - 3)``
        (D = diag(psi')) for a robust loss (see ``standard_errors``).
        NaN estimates, and a warning saying why, when fewer than 6 rows are usable, the
        optimiser does not converge or the problem is singular.

    Raises
    ------
    TypeError
        ``fills``, ``robust`` or ``standard_errors`` has the wrong type, or a column is not
        numeric.
    ValueError
        A required column is missing, the columns differ in length, an unknown loss or kind
        of standard errors, or ``use_duration=True`` without a ``duration`` column.
    ModuleNotFoundError
        SciPy is not installed (``pip install "acsym[calibration]"``).

    Warns
    -----
    CalibrationWarning
        Rows dropped (non-positive quantity, volume or duration; negative volatility; empty,
        unreadable, NaN or infinite values; values no fill can have: ``x`` outside
        :data:`X_RANGE`, volatility above :data:`MAX_VOLATILITY`, slippage above
        :data:`MAX_SLIPPAGE_BPS`), with the count of each reason: a row never makes the whole
        fit fail. Columns whose scale suggests another unit (volatility in percent, slippage
        as a fraction, quantity and volume in different units). A fit that could not be made
        (saying whether x spans too narrow a range or the impact signal is lost in the noise);
        a coefficient that is not positive; least-squares residuals that look heavy-tailed
        (more than Gaussian noise puts beyond 5 robust standard deviations), suggesting a
        robust fit. Each message is also in ``result.warnings``.

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
    if not isinstance(standard_errors, str):
        raise TypeError(f"standard_errors must be a str, got {type(standard_errors).__name__}")
    if standard_errors not in STANDARD_ERRORS:
        raise ValueError(f"standard_errors must be one of {STANDARD_ERRORS}, got {standard_errors!r}")
    if use_duration is not None and not isinstance(use_duration, bool):
        raise TypeError(f"use_duration must be a bool or None, got {type(use_duration).__name__}")
    data = read_fills(fills, columns)
    has_duration = "duration" in data
    if use_duration and not has_duration:
        raise ValueError("use_duration=True needs a 'duration' column (days)")
    use = has_duration if use_duration is None else use_duration
    form: Form = "participation" if use else "size"
    notes: list[str] = []

    with np.errstate(all="ignore"):
        bad, reasons = _bad_rows(data, use)
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
        log_x = np.log(_regressor(data, use)[keep])
    sigma = data["daily_volatility"][keep]
    y = data["slippage_bps"][keep]
    notes += _scale_notes(np.exp(log_x), sigma, y, use)
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
            params, covariance, scale, r, jacobian, f_scale = _fit(log_x, sigma, y / unit, loss)
            # a robust fit tests its bounded residuals f psi(r / f): outliers are not heteroscedasticity
            bounded = r if loss == "linear" else f_scale * _psi(r / f_scale, loss)[0]
            pvalue = _heteroscedasticity_pvalue(bounded, y / unit - r)
            robust_errors = standard_errors == "robust" or (
                standard_errors == "auto" and pvalue < HETEROSCEDASTICITY_LEVEL
            )
            if robust_errors:
                covariance = _sandwich(jacobian, r, loss, f_scale)
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
    heavy = _heavy_tails(r) if loss == "linear" else None
    if heavy:
        notes.append(heavy)
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
            standard_errors=("HC3" if loss == "linear" else "sandwich") if robust_errors else "classical",
            heteroscedasticity_pvalue=pvalue,
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
    # real() turns integers too large for a float into inf (with a warning), never OverflowError
    rate = real("rate", rate)
    daily_volume = real("daily_volume", daily_volume)
    daily_volatility = real("daily_volatility", daily_volatility)
    price = real("price", price)
    time_unit = real("time_unit", time_unit)
    if not isinstance(result, CalibrationResult):
        raise TypeError(f"result must be a CalibrationResult, got {type(result).__name__}")
    rules = (
        ("rate", rate, positive, "must be finite and > 0"),
        ("daily_volume", daily_volume, positive, "must be finite and > 0"),
        ("daily_volatility", daily_volatility, nonnegative, "must be finite and >= 0"),
        ("price", price, positive, "must be finite and > 0"),
        ("time_unit", time_unit, positive, "must be finite and > 0"),
    )
    bad = [describe(name, value, rule) for name, value, check, rule in rules if not check(value)]
    for message in bad:
        warn(message + "; the linear impact is NaN", stacklevel=2)
    if bad or not result.ok:
        nan = math.nan
        return LinearImpact(epsilon=nan, eta=nan, rate=rate, participation=nan, slippage_bps=nan)
    participation = rate / (daily_volume * time_unit)
    impact_bps = result.coefficient * daily_volatility * participation**result.alpha
    return LinearImpact(
        epsilon=price * result.epsilon / BPS,
        eta=price * impact_bps / BPS / rate,
        rate=rate,
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
