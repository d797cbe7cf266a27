"""Lot sizes and trade limits: round a schedule to lots, and the optimal schedule under limits.

Quantities are unsigned shares in the order's direction (see :mod:`acsym.desk`); time in the
unit of ``params.tau`` [days by default].
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from typing import Any

import numpy as np

from acsym._typing import FloatArray
from acsym._validate import describe, nonnegative, positive, real, real_array, warn
from acsym.desk import _notional, bucket_volumes, check_side, with_side
from acsym.model import AlmgrenChrissParams
from acsym.trajectory import (
    BPS,
    ExecutionTrajectory,
    _check_order,
    _fixed_schedule,
    _nan_trajectory,
    generate_ac_trajectory,
)

__all__ = ["optimal_schedule_with_limits", "round_to_lots"]

BoolArray = np.ndarray


def _round_trades(trades: FloatArray, lot: float, total: float) -> FloatArray:
    """Largest remainder: whole lots, one extra lot to the largest remainders, the odd lot
    (total mod lot) to the next; the result sums to ``total``."""
    quotas = trades / lot
    whole = np.floor(quotas)
    remainders = quotas - whole
    rounded = whole * lot
    short = total - math.fsum(rounded.tolist())  # >= 0 up to rounding: what the floors left out
    extra = max(math.floor(short / lot), 0)
    order = np.argsort(-remainders, kind="stable")  # largest remainder first; ties: earliest
    rounded[order[:extra]] += lot
    odd = total - math.fsum(rounded.tolist())
    if odd != 0:
        rounded[order[min(extra, order.size - 1)]] += odd
    return rounded


def round_to_lots(schedule: Any, lot_size: float, params: AlmgrenChrissParams | None = None) -> Any:
    """Round a schedule to whole lots, keeping its total exactly (largest remainder).

    Parameters
    ----------
    schedule : array_like or ExecutionTrajectory
        Trades n_1..n_N, each >= 0 [shares], or a trajectory (its trades, total its order size).
    lot_size : float
        Lot size, > 0 [shares] (100 for a round lot).
    params : AlmgrenChrissParams, optional
        Needed for a trajectory: the rounded schedule is priced again with the generated
        arbitrary-schedule formulas.

    Returns
    -------
    numpy.ndarray or ExecutionTrajectory
        Trades in whole lots summing exactly to the original total (for an order that is not a
        whole number of lots, the odd lot goes to one interval). Each interval first gets its
        whole lots; the lots the floors left out go one each to the intervals with the largest
        remainders (ties to the earliest), then the odd lot to the next one. No interval moves
        by more than one lot. A trajectory comes back as ``strategy_name + '_lots'``, the same
        side, and ``params['lot_size']``. NaN with an :class:`~acsym.InputWarning` for
        negative or non-finite trades, or a lot size that is not finite and > 0.

    Raises
    ------
    TypeError
        If an argument has the wrong type, or ``params`` is missing for a trajectory.
    """
    lot = real("lot_size", lot_size)
    if isinstance(schedule, ExecutionTrajectory):
        if not isinstance(params, AlmgrenChrissParams):
            raise TypeError("round_to_lots needs params to price a rounded trajectory")
        trades = schedule.trade_sizes
        total = float(schedule.holdings[0])
    else:
        trades = real_array("trades", schedule)
        total = math.fsum(trades.ravel().tolist()) if np.all(np.isfinite(trades)) else math.nan
    problems = []
    if not positive(lot):
        problems.append(describe("lot_size", lot, "must be finite and > 0"))
    if trades.ndim != 1 or trades.size == 0 or not (np.all(np.isfinite(trades)) and np.all(trades >= 0)):
        problems.append(
            f"trades = {trades.ravel()[:8].tolist()!r} are out of range (a 1-d array of finite values >= 0)"
        )
    if not nonnegative(total):
        problems.append(describe("total", total, "must be finite and >= 0"))
    if problems:
        for message in problems:
            warn(message + "; the rounded trades are NaN", stacklevel=2)
        if isinstance(schedule, ExecutionTrajectory):
            assert params is not None
            side = dict(schedule.params or {}).get("side", "sell")
            nan = _nan_trajectory(len(trades), params, math.nan, problems, schedule.strategy_name + "_lots")
            return with_side(nan, side)
        return np.full(trades.shape, np.nan)
    rounded = _round_trades(np.asarray(trades, dtype=np.float64), lot, total)
    if not isinstance(schedule, ExecutionTrajectory):
        return rounded
    assert params is not None
    holdings = np.concatenate((np.cumsum(rounded[::-1])[::-1], [0.0]))
    holdings[0] = total
    messages: list[str] = []
    details = dict(schedule.params or {})
    priced = _fixed_schedule(
        schedule.strategy_name + "_lots",
        total,
        len(rounded),
        params,
        holdings,
        rounded,
        schedule.risk_aversion,
        messages,
        lot_size=lot,
    )
    # what the strategy recorded (side, limits, ...) stays; cost and risk are the rounded ones
    kept = {k: v for k, v in details.items() if k not in (priced.params or {})}
    return dataclasses.replace(
        priced,
        timestamps=schedule.timestamps,
        params={"side": "sell", **kept, **dict(priced.params or {})},
    )


# --- the optimal schedule under per-interval limits -------------------------------------------


def _bounds(
    order: float,
    steps: int,
    params: AlmgrenChrissParams,
    daily_volume: Any,
    volume_profile: Any,
    max_participation: Any,
    min_child: Any,
    max_child: Any,
) -> tuple[FloatArray, FloatArray, list[str]]:
    """(lower, upper) shares per interval and the problems, if any."""
    messages: list[str] = []
    lower = np.zeros(steps)
    upper = np.full(steps, math.inf)
    if min_child is not None:
        value = real("min_child", min_child)
        if not nonnegative(value):
            messages.append(describe("min_child", value, "must be finite and >= 0"))
        lower[:] = value
    if max_child is not None:
        value = real("max_child", max_child)
        if not (value > 0):
            messages.append(describe("max_child", value, "must be > 0"))
        upper = np.minimum(upper, value)
    if max_participation is not None:
        rate = real("max_participation", max_participation)
        if not (math.isfinite(rate) and rate > 0):
            messages.append(describe("max_participation", rate, "must be finite and > 0"))
        elif daily_volume is None:
            raise TypeError("max_participation needs daily_volume [shares / day]")
        else:
            volumes = bucket_volumes(daily_volume, steps, params, volume_profile)
            if not np.all(np.isfinite(volumes)):
                messages.append("the market volumes are NaN (see the warning above)")
            upper = np.minimum(upper, rate * volumes)
    if not messages and np.any(lower > upper):
        messages.append(f"min_child = {float(lower[0])!r} exceeds the interval's maximum somewhere")
    if not messages and not (lower.sum() <= order <= upper.sum()):
        messages.append(
            f"the limits allow between {lower.sum():,.6g} and {upper.sum():,.6g} shares in "
            f"{steps} intervals, not the order's {order:,.6g}: no schedule meets them"
        )
    return lower, upper, messages


def _quadratic(steps: int, a: float) -> tuple[FloatArray, FloatArray]:
    """(Q, w) of the scaled objective u' Q u - 2 a w' u.

    With u = n / X the trades as fractions of the order, E + lambda Var of a schedule that
    trades in one direction is, up to a constant and the positive factor X**2 eta_tilde / tau,
    sum u_k**2 + a sum_k y_k**2 with y_k = 1 - sum_{j<=k} u_j and a = lambda sigma**2 tau**2 /
    eta_tilde: the quadratic form of :func:`acsym.formulas.schedule_expected_cost` +
    lambda :func:`acsym.formulas.schedule_variance`, derived and proved in
    :mod:`acsym.derivation.desk` (proof ``desk_limits_quadratic``); tests check it numerically.
    """
    index = np.arange(1, steps + 1)
    suffix = steps + 1 - np.maximum.outer(index, index)  # (L'L)_ij: intervals after both i and j
    return np.eye(steps) + a * suffix, a * (steps + 1 - index).astype(np.float64)


def _solve_active_set(
    q: FloatArray, w: FloatArray, fixed: FloatArray, free: BoolArray
) -> tuple[FloatArray, float] | None:
    """min u' Q u - 2 w' u with sum u = 1 and the entries outside ``free`` held at ``fixed``:
    stationarity on the free set, a linear solve of
    [2 Q_ff 1; 1' 0] [u_f; mu] = [2 w_f - 2 Q_fb u_b; 1 - sum u_b]."""
    count = int(free.sum())
    if count == 0:
        return None
    system = np.zeros((count + 1, count + 1))
    system[:count, :count] = 2 * q[np.ix_(free, free)]
    system[:count, count] = 1.0
    system[count, :count] = 1.0
    rhs = np.append(2 * w[free] - 2 * q[np.ix_(free, ~free)] @ fixed[~free], 1.0 - fixed[~free].sum())
    try:
        solution = np.linalg.solve(system, rhs)
    except np.linalg.LinAlgError:
        return None
    candidate = fixed.copy()
    candidate[free] = solution[:count]
    return candidate, float(solution[count])


#: active-set iterations after the solver (each a linear solve); they rarely take more than 3
_ACTIVE_SET_STEPS = 60


def _active_set(
    q: FloatArray, w: FloatArray, low: FloatArray, high: FloatArray, u: FloatArray
) -> FloatArray | None:
    """The exact minimiser by a primal-dual active-set iteration from ``u``, or None.

    Each step solves the equality-constrained QP on the current free set, then frees the
    bounds whose multipliers have the wrong sign and fixes the free entries that left the box.
    It stops when nothing changes: the KKT conditions hold, so (the problem being strictly
    convex) this is the optimum, up to the linear solve's rounding. None if it does not settle.
    """
    tolerance = 1e-12
    at_low = u <= low + tolerance
    at_high = ~at_low & (u >= high - tolerance)
    scale = 1e-13 * max(1.0, float(np.max(np.abs(2 * w))), float(np.max(np.abs(np.diag(q)))))
    for _ in range(_ACTIVE_SET_STEPS):
        fixed = np.where(at_low, low, np.where(at_high, high, 0.0))
        solved = _solve_active_set(q, w, fixed, ~(at_low | at_high))
        if solved is None:
            return None
        candidate, mu = solved
        gradient = 2 * q @ candidate - 2 * w + mu  # >= 0 at a lower bound, <= 0 at an upper one
        release_low = at_low & (gradient < -scale)
        release_high = at_high & (gradient > scale)
        free = ~(at_low | at_high)
        below = free & (candidate < low)
        above = free & (candidate > high)
        if not (release_low.any() or release_high.any() or below.any() or above.any()):
            return candidate
        at_low = (at_low & ~release_low) | below
        at_high = (at_high & ~release_high) | above
    return None


def _solve_bounded(
    q: FloatArray, w: FloatArray, low: FloatArray, high: FloatArray, guess: FloatArray | None = None
) -> FloatArray:
    """min u' Q u - 2 w' u subject to sum u = 1 and low <= u <= high.

    The active-set iteration from ``guess`` (the unconstrained optimum clipped to the box)
    usually settles in a few linear solves; if it does not, or without a guess, scipy's SLSQP
    solves the problem and the iteration polishes its point (kept clipped if that fails too).
    """
    if guess is not None:
        solved = _active_set(q, w, low, high, np.clip(guess, low, high))
        if solved is not None:
            return solved
    from scipy.optimize import minimize

    steps = len(w)
    start = np.clip(np.full(steps, 1.0 / steps), low, high)
    with warnings.catch_warnings():
        # older scipy (< 1.16) reports its own clipping of a step to the bounds; the point is
        # clipped and polished below either way
        warnings.filterwarnings("ignore", message="Values in x were outside bounds", category=RuntimeWarning)
        result = minimize(
            lambda u: float(u @ q @ u - 2 * w @ u),
            start,
            jac=lambda u: 2 * q @ u - 2 * w,
            bounds=[(lo, hi if math.isfinite(hi) else None) for lo, hi in zip(low, high, strict=True)],
            constraints=[{"type": "eq", "fun": lambda u: u.sum() - 1.0, "jac": lambda u: np.ones_like(u)}],
            method="SLSQP",
            options={"ftol": 1e-15, "maxiter": 1000},
        )
    point = np.asarray(result.x, dtype=np.float64)
    polished = _active_set(q, w, low, high, point)
    return polished if polished is not None else np.clip(point, low, high)


def optimal_schedule_with_limits(
    order_size: float,
    duration_periods: int,
    params: AlmgrenChrissParams,
    risk_aversion: float = 1e-6,
    *,
    max_participation: float | None = None,
    daily_volume: float | None = None,
    volume_profile: Any = None,
    min_child: float | None = None,
    max_child: float | None = None,
    side: str = "sell",
) -> ExecutionTrajectory:
    """The schedule minimising E + lambda Var under per-interval limits: a bounded convex QP.

    Parameters
    ----------
    order_size : float
        Shares to sell or buy, > 0 [shares].
    duration_periods : int
        Number of intervals N >= 1, each ``params.tau`` long [days].
    params : AlmgrenChrissParams
        Model parameters, eta_tilde > 0.
    risk_aversion : float, default 1e-6
        lambda >= 0 [1 / currency].
    max_participation : float, optional
        Largest fraction of each interval's market volume to trade (needs ``daily_volume``
        [shares / day]; ``volume_profile`` as in :func:`acsym.desk.pov_schedule`).
    min_child, max_child : float, optional
        Smallest and largest trade in every interval [shares] (a minimum child order makes
        every interval trade).
    side : {'sell', 'buy'}, default 'sell'
        The order's direction.

    Returns
    -------
    ExecutionTrajectory
        ``strategy_name`` 'almgren_chriss_limited'; trades only in the order's direction,
        within the limits exactly. Priced by the arbitrary-schedule formulas; ``params`` adds
        ``limits_cost`` and ``limits_cost_bps``, the rise of E + lambda Var over the
        unconstrained optimum [currency] and [bps], and ``excess_expected_cost`` (the rise of
        E alone; it can be negative when the limits force less risk), ``lower``/``upper`` (the
        limits per interval [shares]) and ``binding`` (intervals at a limit). NaN with an
        :class:`~acsym.InputWarning` when no schedule meets the limits.

    Notes
    -----
    On the trades as fractions of the order: a primal-dual active-set iteration started
    from the unconstrained optimum clipped to the limits, each step an exact linear solve of
    the equality-constrained QP on the free intervals, stopping when the KKT conditions hold
    (the exact optimum of this strictly convex problem). Should it not settle, scipy's SLSQP
    (``pip install 'acsym[calibration]'``) solves the problem and the iteration polishes its
    point. Without a binding limit the optimum is the closed form
    (:func:`acsym.generate_ac_trajectory`), returned as it is; tests check the solvers
    reproduce it, and the KKT conditions with gradients from the generated formulas.

    Raises
    ------
    TypeError
        If an argument has the wrong type, or ``max_participation`` lacks ``daily_volume``.
    """
    side = check_side(side)
    order = real("order_size", order_size)
    lam = real("risk_aversion", risk_aversion)
    steps, messages = _check_order(order, duration_periods, params)
    if not nonnegative(lam):
        messages.append(describe("risk_aversion", lam, "must be finite and >= 0"))
    messages += params.problems()
    if not messages and not params.eta_tilde > 0:
        messages.append(f"eta_tilde = {params.eta_tilde!r} <= 0: the model is not well posed")
    if not messages:
        assert steps is not None
        lower, upper, problems = _bounds(
            order, steps, params, daily_volume, volume_profile, max_participation, min_child, max_child
        )
        messages += problems
    if messages:
        for message in messages:
            warn(message + "; the trajectory is NaN", stacklevel=2)
        return with_side(_nan_trajectory(steps, params, lam, messages, "almgren_chriss_limited"), side)
    assert steps is not None
    unconstrained = generate_ac_trajectory(order, steps, params, lam)
    base = dict(unconstrained.params or {})
    free = unconstrained.trade_sizes
    if np.all((free >= lower) & (free <= upper)):
        trades = free.copy()  # no limit binds: the closed form is the optimum
    else:
        a = lam * params.sigma**2 * params.tau**2 / params.eta_tilde
        q, w = _quadratic(steps, a)
        low, high = lower / order, upper / order
        fractions = _solve_bounded(q, w, low, high, guess=np.asarray(free / order, dtype=np.float64))
        # an interval at a limit trades the limit itself, not order * (limit / order)
        trades = np.where(fractions == low, lower, np.where(fractions == high, upper, order * fractions))
        trades = np.clip(trades, lower, upper)
    holdings = np.concatenate((np.cumsum(trades[::-1])[::-1], [0.0]))
    holdings[0] = order
    messages = []
    priced = _fixed_schedule("almgren_chriss_limited", order, steps, params, holdings, trades, lam, messages)
    details = dict(priced.params or {})
    objective = details["expected_cost"] + lam * details["variance"]
    optimum = base["expected_cost"] + lam * base["variance"]
    notional = _notional(order, params)
    tolerance = 1e-9 * order
    binding = np.flatnonzero((trades <= lower + tolerance) | (trades >= upper - tolerance))
    # no schedule beats the optimum: a negative difference is the rounding of two formulas of
    # the same number (the closed form and the schedule sums), not a gain
    rise = max(objective - optimum, 0.0)
    extra = {
        "limits_cost": rise,
        "limits_cost_bps": rise / notional * BPS,
        "excess_expected_cost": details["expected_cost"] - base["expected_cost"],
        "lower": tuple(lower.tolist()),
        "upper": tuple(upper.tolist()),
        "binding": tuple(int(i) + 1 for i in binding),
        "side": side,
    }
    return dataclasses.replace(priced, params={**details, **extra})
