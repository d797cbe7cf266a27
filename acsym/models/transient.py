"""Transient impact with resilience (Obizhaeva & Wang 2013) and general decay kernels.

A trade of n shares moves the price by ``impact * n`` and the move decays like G(t); for the
exponential kernel G(t) = exp(-resilience t). Trades n_0..n_N at t_i = i tau (blocks at both
ends allowed) cost E = n' K n / 2 with K_ij = impact G(abs(t_i - t_j)) (the generated
:func:`acsym.formulas.transient_kernel`), and the cheapest schedule selling X is
n* = X K^-1 1 / (1' K^-1 1). For the exponential kernel it is the closed form of
:func:`acsym.formulas.transient_block` and ``transient_interior_trade``; for another kernel it
is a Cholesky solve, and a kernel whose K is not positive definite (one that admits price
manipulation: a round trip with negative cost) gives NaN and an :class:`~acsym.InputWarning`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from acsym import formulas
from acsym._typing import FloatArray
from acsym._validate import describe, positive, real, real_array, warn

__all__ = [
    "TransientSchedule",
    "generate_transient_trades",
    "transient_continuous_schedule",
    "transient_expected_cost",
    "transient_kernel_matrix",
]

Kernel = Callable[[FloatArray], Any]


def _checked(**values: Any) -> list[str]:
    return [
        describe(name, value, "must be finite and > 0")
        for name, value in values.items()
        if not positive(value)
    ]


def transient_kernel_matrix(
    times: Any, impact: float, resilience: float = math.nan, kernel: Kernel | None = None
) -> FloatArray:
    """K_ij = impact G(abs(t_i - t_j)) for trade times ``times`` [time units].

    Parameters
    ----------
    times : array_like
        Trade times [time units].
    impact : float
        Price move per share traded, 1 / depth [currency / share**2], > 0.
    resilience : float
        rho [1 / time unit] of the exponential kernel G(t) = exp(-rho t) (when ``kernel`` is None).
    kernel : callable, optional
        Any decay kernel G(lag) with G(0) = 1, applied to an array of lags [time units].

    Returns
    -------
    numpy.ndarray
        The (M, M) kernel matrix [currency / share**2].
    """
    t = real_array("times", times).reshape(-1)
    if kernel is None:
        return np.asarray(
            formulas.transient_kernel(t[:, None], t[None, :], impact, resilience), dtype=np.float64
        )
    return impact * np.asarray(kernel(np.abs(t[:, None] - t[None, :])), dtype=np.float64)


def generate_transient_trades(
    order_size: float,
    duration_periods: int,
    impact: float,
    resilience: float = math.nan,
    tau: float = 1.0,
    kernel: Kernel | None = None,
) -> FloatArray:
    """The cheapest schedule under transient impact: trades n_0..n_N at t_i = i tau.

    Parameters
    ----------
    order_size : float
        Shares to sell X > 0 [shares].
    duration_periods : int
        N >= 1 intervals: N + 1 trade times, blocks at both ends.
    impact : float
        Price move per share, 1 / depth [currency / share**2], > 0.
    resilience : float
        rho > 0 [1 / time unit] of the exponential kernel (ignored with ``kernel``).
    tau : float, default 1.0
        Interval length [time units], > 0.
    kernel : callable, optional
        Another decay kernel G(lag), G(0) = 1.

    Returns
    -------
    numpy.ndarray
        N + 1 trades [shares] summing to X: for the exponential kernel the closed form
        X / (2 + (N - 1)(1 - a)) at both ends and (1 - a) times that between, a = exp(-rho tau);
        otherwise X K^-1 1 / (1' K^-1 1). NaN with an :class:`~acsym.InputWarning` for
        out-of-range values or a kernel matrix that is not positive definite.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    """
    from acsym.trajectory import _periods

    order, depth, unit = real("order_size", order_size), real("impact", impact), real("tau", tau)
    steps, problem = _periods(duration_periods)
    messages = ([problem] if problem else []) + _checked(order_size=order, impact=depth, tau=unit)
    if kernel is None:
        messages += _checked(resilience=real("resilience", resilience))
    if messages:
        for message in messages:
            warn(message + "; the trades are NaN", stacklevel=2)
        return np.full((steps or 0) + 1, np.nan)
    assert steps is not None
    if kernel is None:
        block = formulas.transient_block(order, steps, resilience, unit)
        trades = np.full(steps + 1, formulas.transient_interior_trade(order, steps, resilience, unit))
        trades[0] = trades[-1] = block
        return trades
    matrix = transient_kernel_matrix(np.arange(steps + 1) * unit, depth, kernel=kernel)
    try:
        factor = np.linalg.cholesky(matrix)
    except np.linalg.LinAlgError:
        factor = None
    if factor is None or not np.all(np.isfinite(matrix)):
        lowest = float(np.min(np.linalg.eigvalsh(matrix))) if np.all(np.isfinite(matrix)) else math.nan
        warn(
            f"the kernel matrix is not positive definite (smallest eigenvalue {lowest!r}): the kernel "
            "admits price manipulation (a round trip with negative expected cost), so no optimal "
            "schedule exists; the trades are NaN",
            stacklevel=2,
        )
        return np.full(steps + 1, np.nan)
    ones = np.ones(steps + 1)
    weights = np.linalg.solve(factor.T, np.linalg.solve(factor, ones))
    return np.asarray(order * weights / weights.sum())


def transient_expected_cost(trade_sizes: Any, tau: float, impact: float, resilience: float) -> Any:
    """Expected cost n' K n / 2 of any schedule under the exponential kernel, in O(N).

    Parameters
    ----------
    trade_sizes : array_like
        Trades n_0..n_N at t_i = i tau along the last axis [shares]; leading axes broadcast.
    tau, impact, resilience : float
        Interval [time units], price move per share [currency / share**2], rho [1 / time unit].

    Returns
    -------
    numpy.ndarray or float
        E = sum_k n_k (D_k + impact n_k / 2) with D_0 = 0, D_k = a (D_{k-1} + impact n_{k-1}),
        a = exp(-rho tau): each trade pays the decayed displacement of the earlier ones and half
        its own (the derivation proves it equals n' K n / 2) [currency].
    """
    trades = real_array("trade_sizes", trade_sizes)
    decay = float(formulas.transient_kernel(tau, 0.0, 1.0, resilience))
    displacement = np.zeros(trades.shape[:-1])
    cost = np.zeros(trades.shape[:-1])
    for k in range(trades.shape[-1]):
        if k:
            displacement = decay * (displacement + impact * trades[..., k - 1])
        cost = cost + trades[..., k] * (displacement + impact * trades[..., k] / 2)
    return cost[()]


@dataclass(frozen=True)
class TransientSchedule:
    """The Obizhaeva-Wang optimal continuous schedule.

    Attributes
    ----------
    block : float
        Shares traded at t = 0 and again at t = T [shares].
    rate : float
        Constant trading rate on (0, T) [shares / time unit].
    expected_cost : float
        impact X**2 / (2 + rho T) [currency].
    """

    block: float
    rate: float
    expected_cost: float


def transient_continuous_schedule(
    order_size: float, horizon: float, impact: float, resilience: float
) -> TransientSchedule:
    """Obizhaeva & Wang's optimal schedule: blocks X / (2 + rho T) at both ends and the rate
    rho X / (2 + rho T) between; cost impact X**2 / (2 + rho T) (the generated
    ``transient_continuous_*``, derived as the N -> oo limit of the discrete solution).

    NaN fields with an :class:`~acsym.InputWarning` for out-of-range values.
    """
    values = {
        "order_size": real("order_size", order_size),
        "horizon": real("horizon", horizon),
        "impact": real("impact", impact),
        "resilience": real("resilience", resilience),
    }
    problems = _checked(**values)
    if problems:
        for message in problems:
            warn(message + "; the schedule is NaN", stacklevel=2)
        return TransientSchedule(math.nan, math.nan, math.nan)
    x, t, i, r = values["order_size"], values["horizon"], values["impact"], values["resilience"]
    return TransientSchedule(
        block=float(formulas.transient_continuous_block(x, t, r)),
        rate=float(formulas.transient_continuous_rate(x, t, r)),
        expected_cost=float(formulas.transient_continuous_cost(x, t, i, r)),
    )
