"""Execution schedules: :class:`ExecutionTrajectory` and :func:`generate_ac_trajectory`.

Every number comes from the generated :mod:`acsym.formulas`; this module validates inputs,
chooses the time grid and packages the results.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from acsym import formulas
from acsym._typing import FloatArray
from acsym._validate import describe, nonnegative, positive, real, real_array, warn
from acsym.model import AlmgrenChrissParams

BPS = 1e4
#: :func:`acsym.formulas.holdings_direct` is used for 0 < kappa T <= DIRECT_RANGE, where it is
#: within 1e-14 of :func:`acsym.formulas.holdings` (acsym.derivation.batch.DIRECT_RANGE)
DIRECT_RANGE = 20.0
_TINY = float(np.finfo(np.float64).tiny)
#: elements per chunk of a batch (2 MB of float64 per temporary)
_CHUNK = 2**18


def _frozen_array(values: Any) -> FloatArray:
    array = np.array(values, dtype=np.float64)  # a private copy
    array.setflags(write=False)
    return array


@dataclass(frozen=True)
class ExecutionTrajectory:
    """An execution schedule from any strategy.

    Attributes
    ----------
    timestamps : numpy.ndarray
        Times t_k = k tau, k = 0..N [time units]; the seed's index 0..N when tau = 1.
    holdings : numpy.ndarray
        Shares still held at each time, from order_size down to 0 (length N + 1) [shares].
    trade_sizes : numpy.ndarray
        Shares sold in each interval (t_{k-1}, t_k] (length N) [shares].
    strategy_name : str
        'almgren_chriss', 'twap', 'vwap' or 'market_order'.
    total_cost_estimate : float
        Expected cost in basis points of order_size * price [bps].
    risk_aversion : float
        lambda [1 / currency] (0 for TWAP, inf for a market order).
    params : mapping or None
        Strategy details: for Almgren-Chriss ``kappa`` [1 / time], ``eta_tilde``,
        ``expected_cost`` [currency], ``variance`` [currency**2] and ``warnings``.

    The arrays are read-only copies and ``params`` is a read-only mapping.
    """

    timestamps: NDArray[np.floating[Any]]
    holdings: NDArray[np.floating[Any]]
    trade_sizes: NDArray[np.floating[Any]]
    strategy_name: str
    total_cost_estimate: float
    risk_aversion: float
    params: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        for name in ("timestamps", "holdings", "trade_sizes"):
            object.__setattr__(self, name, _frozen_array(getattr(self, name)))
        object.__setattr__(self, "total_cost_estimate", float(self.total_cost_estimate))
        object.__setattr__(self, "risk_aversion", float(self.risk_aversion))
        if self.params is not None:
            object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    @property
    def warnings(self) -> tuple[str, ...]:
        """Warnings recorded while generating the schedule."""
        return tuple(self.params.get("warnings", ())) if self.params else ()


def _periods(duration_periods: Any) -> tuple[int | None, str | None]:
    """The number of intervals, or None with the reason it is out of range."""
    if isinstance(duration_periods, bool | np.bool_) or not isinstance(duration_periods, numbers.Real):
        raise TypeError(
            f"duration_periods must be an integer, got {type(duration_periods).__name__} {duration_periods!r}"
        )
    value = float(duration_periods)
    if not (math.isfinite(value) and value >= 1 and value == int(value)):
        return None, describe("duration_periods", value, "must be an integer >= 1")
    return int(value), None


def _check_params(params: Any) -> None:
    if not isinstance(params, AlmgrenChrissParams):
        raise TypeError(f"params must be AlmgrenChrissParams, got {type(params).__name__}")


def _nan_trajectory(
    steps: int | None, params: AlmgrenChrissParams, risk_aversion: float, messages: list[str]
) -> ExecutionTrajectory:
    size = steps if steps is not None else 1
    times = np.arange(size + 1.0) * params.tau if steps is not None else np.full(1, np.nan)
    return ExecutionTrajectory(
        timestamps=times,
        holdings=np.full(size + 1 if steps is not None else 1, np.nan),
        trade_sizes=np.full(size, np.nan),
        strategy_name="almgren_chriss",
        total_cost_estimate=math.nan,
        risk_aversion=risk_aversion,
        params={
            "kappa": math.nan,
            "eta_tilde": math.nan,
            "expected_cost": math.nan,
            "variance": math.nan,
            "warnings": tuple(messages),
        },
    )


def cost_in_bps(cost: float, order_size: float, params: AlmgrenChrissParams, messages: list[str]) -> float:
    """``cost`` in basis points of ``order_size * params.price``; NaN with a warning if no price."""
    if not positive(params.price):
        messages.append(
            warn(
                describe("params.price", params.price, "must be finite and > 0")
                + ": total_cost_estimate in bps is NaN; build params with calibrate_ac_params "
                "or pass price=... to AlmgrenChrissParams",
                stacklevel=3,
            )
        )
        return math.nan
    return cost / (order_size * params.price) * BPS


def generate_ac_trajectory(
    order_size: float,
    duration_periods: int,
    params: AlmgrenChrissParams,
    risk_aversion: float = 1e-6,
) -> ExecutionTrajectory:
    """The Almgren-Chriss optimal schedule for selling ``order_size`` over ``duration_periods``.

    Parameters
    ----------
    order_size : float
        Shares to sell, > 0 [shares].
    duration_periods : int
        Number of trading intervals N >= 1, each ``params.tau`` long.
    params : AlmgrenChrissParams
        Model parameters.
    risk_aversion : float, default 1e-6
        lambda >= 0 [1 / currency]; 0 gives TWAP exactly.

    Returns
    -------
    ExecutionTrajectory
        Holdings x_k = X sinh(kappa (T - t_k)) / sinh(kappa T) at t_k = k tau, trades, and
        ``total_cost_estimate``, the expected cost
        gamma X**2 / 2 + epsilon X + (eta_tilde / tau) sum n_k**2 in bps of X * price.
        ``params`` holds kappa [1 / time], eta_tilde, expected_cost [currency] and
        variance [currency**2].

    Notes
    -----
    Out-of-range values (zero, negative, NaN or infinite numbers, non-integer periods, params
    outside the model's domain) give NaN arrays and an :class:`~acsym.InputWarning` naming
    the argument; when eta_tilde <= 0 the schedule falls back to TWAP with a warning.

    Raises
    ------
    TypeError
        If an argument has the wrong type (a str, None, ...).
    """
    order = real("order_size", order_size)
    lam = real("risk_aversion", risk_aversion)
    _check_params(params)
    steps, problem = _periods(duration_periods)
    messages = [problem] if problem else []
    if not positive(order):
        messages.append(describe("order_size", order, "must be finite and > 0"))
    if not nonnegative(lam):
        messages.append(describe("risk_aversion", lam, "must be finite and >= 0"))
    messages += params.problems()
    if messages:
        for message in messages:
            warn(message + "; the trajectory is NaN", stacklevel=2)
        return _nan_trajectory(steps, params, lam, messages)
    assert steps is not None

    eta_tilde = params.eta_tilde
    if eta_tilde > 0:
        kappa = float(formulas.kappa(lam, params.sigma, eta_tilde, params.tau))
    else:
        messages.append(
            warn(
                f"eta_tilde = {eta_tilde!r} <= 0: the model is not well posed (it needs eta > "
                "gamma * tau / 2); falling back to TWAP",
                stacklevel=2,
            )
        )
        kappa = 0.0
    index = np.arange(steps + 1, dtype=np.float64)
    # in units of tau (time = k, horizon = N, kappa * tau): exact TWAP at kappa = 0; the same
    # forms as generate_ac_holdings, so a batch and a single call agree to the last bit
    holdings = _optimal_holdings(np.asarray(order), steps, np.asarray(kappa * params.tau))
    trades = formulas.trade_sizes(order, index[1:], float(steps), kappa * params.tau, 1.0)
    horizon = steps * params.tau
    cost = float(
        formulas.expected_cost(order, horizon, params.tau, kappa, params.gamma, eta_tilde, params.epsilon)
    )
    variance = float(formulas.variance(order, horizon, params.tau, kappa, params.sigma))
    bps = cost_in_bps(cost, order, params, messages)
    return ExecutionTrajectory(
        timestamps=index * params.tau,
        holdings=holdings,
        trade_sizes=trades,
        strategy_name="almgren_chriss",
        total_cost_estimate=bps,
        risk_aversion=lam,
        params={
            "kappa": kappa,
            "eta_tilde": eta_tilde,
            "expected_cost": cost,
            "variance": variance,
            "warnings": tuple(messages),
        },
    )


def generate_ac_holdings(
    order_size: Any,
    duration_periods: int,
    params: AlmgrenChrissParams,
    risk_aversion: Any = 1e-6,
) -> FloatArray:
    """Optimal holdings for many orders and risk aversions in one vectorised call.

    Parameters
    ----------
    order_size : array_like
        Shares to sell, > 0 [shares].
    duration_periods : int
        Number of trading intervals N >= 1.
    params : AlmgrenChrissParams
        Model parameters (one set for every order).
    risk_aversion : array_like, default 1e-6
        lambda >= 0 [1 / currency], broadcast against ``order_size``.

    Returns
    -------
    numpy.ndarray
        Holdings of shape ``broadcast(order_size, risk_aversion).shape + (N + 1,)`` [shares],
        stored time-major (a transposed view: ``np.ascontiguousarray`` gives order-major).
        Entries whose order or risk aversion is out of range are NaN, with one
        :class:`~acsym.InputWarning` per argument saying how many and which values.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    """
    orders = real_array("order_size", order_size)
    lams = real_array("risk_aversion", risk_aversion)
    _check_params(params)
    steps, problem = _periods(duration_periods)
    orders, lams = np.broadcast_arrays(orders, lams)
    messages = params.problems()
    if problem or messages:
        for message in [*([problem] if problem else []), *messages]:
            warn(message + "; the holdings are NaN", stacklevel=2)
        return np.full((*orders.shape, (steps or 0) + 1), np.nan)
    assert steps is not None
    bad_order = ~(np.isfinite(orders) & (orders > 0))
    bad_lam = ~(np.isfinite(lams) & (lams >= 0))
    for name, bad, values, rule in (
        ("order_size", bad_order, orders, "must be finite and > 0"),
        ("risk_aversion", bad_lam, lams, "must be finite and >= 0"),
    ):
        if bad.any():
            shown = np.unique(values[bad])[:5].tolist()
            warn(
                f"{int(bad.sum())} value(s) of {name} out of range ({rule}), e.g. {shown}; "
                "their holdings are NaN",
                stacklevel=2,
            )
    valid = ~(bad_order | bad_lam)
    eta_tilde = params.eta_tilde
    if eta_tilde > 0:
        safe_lam = np.where(valid, lams, 0.0)
        kappa_tau = formulas.kappa(safe_lam, params.sigma, eta_tilde, params.tau) * params.tau
    else:
        warn(
            f"eta_tilde = {eta_tilde!r} <= 0: the model is not well posed; falling back to TWAP", stacklevel=2
        )
        kappa_tau = np.zeros(orders.shape)
    holdings = _optimal_holdings(np.where(valid, orders, 1.0), steps, np.asarray(kappa_tau, dtype=np.float64))
    if valid.all():
        return holdings
    return np.where(valid[..., None], holdings, np.nan)


def _optimal_holdings(orders: FloatArray, steps: int, kappa_tau: FloatArray) -> FloatArray:
    """Holdings of shape ``orders.shape + (steps + 1,)``, in units of tau, per order in the
    cheaper form where it is accurate.

    :func:`acsym.formulas.holdings_direct` (one sinh per element) for 0 < kappa T <= DIRECT_RANGE,
    :func:`acsym.formulas.holdings` (stable everywhere; TWAP exactly at kappa = 0) elsewhere. The
    time axis is laid out first while computing, so the per-element work runs along the long
    order axis, and it is filled in chunks of about :data:`_CHUNK` elements, whose temporaries
    stay in cache and in the process's heap (freed 8 MB temporaries are returned to the system
    by glibc and page-faulted back on the next call, which cost more than the formula). The
    result is a view with time last.
    """
    horizon = float(steps)
    index = np.arange(steps + 1, dtype=np.float64)
    # kappa tau >= tiny keeps kappa tau * (N - j) out of the subnormals, where it loses digits
    direct = (kappa_tau >= _TINY) & (kappa_tau * horizon <= DIRECT_RANGE)
    by_time = np.empty(index.shape + orders.shape)
    rows = max(1, _CHUNK // max(orders.size, 1))
    if direct.all() or not direct.any():
        function = formulas.holdings_direct if direct.all() else formulas.holdings
        for start in range(0, steps + 1, rows):
            time = index[start : start + rows]
            by_time[start : start + rows] = function(
                orders, time.reshape(time.shape + (1,) * orders.ndim), horizon, kappa_tau
            )
    else:
        parts = [(direct, formulas.holdings_direct), (~direct, formulas.holdings)]
        for mask, function in parts:
            part_orders, part_kappa = orders[mask], kappa_tau[mask]
            for start in range(0, steps + 1, rows):
                block = by_time[start : start + rows]
                block[:, mask] = function(part_orders, index[start : start + rows, None], horizon, part_kappa)
    # x_0 = X is the boundary condition (proof "boundaries"); the stable form returns it exactly,
    # the direct one within an ulp (sinh(kappa T) * (X / sinh(kappa T))), so it is set here
    by_time[0] = orders
    return by_time if orders.ndim == 0 else np.moveaxis(by_time, 0, -1)
