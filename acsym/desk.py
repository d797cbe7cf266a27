"""For a trading desk: both sides, any schedule priced, risk targets in bps, POV.

Conventions used by every function here, the ``acsym desk`` / ``acsym evaluate`` commands and
their JSON:

- **Side.** ``side="sell"`` (the default, the seed's convention) or ``side="buy"``. Order sizes,
  trades and holdings are always *unsigned* quantities in the order's own direction: trades are
  shares sold (for a sell) or bought (for a buy) in each interval, holdings the shares still to
  trade. The model is symmetric: a buy of X shares has exactly the expected cost and variance of
  a sell of X shares with the same schedule (permanent impact raises the price a buyer pays as
  it lowers the price a seller gets), so every generated formula serves both sides. Costs stay
  positive = cost for both. ``ExecutionTrajectory.params["side"]`` records the side;
  ``signed_trades`` gives the signed quantities (+ bought, - sold) for an order system.
- **Units.** Shares, currency, and time in the unit of ``params.tau``: trading days (one session)
  by default; :class:`acsym.clock.TradingSession` converts clock times to it.
- **Bps** are of the notional ``order_size * params.price``.

Every number comes from the generated :mod:`acsym.formulas`: optimal schedules from the
closed forms, any other schedule from the arbitrary-schedule formulas
(:func:`acsym.formulas.schedule_expected_cost`, :func:`acsym.formulas.schedule_variance`).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from acsym import formulas
from acsym._typing import FloatArray
from acsym._validate import describe, positive, real, real_array, warn
from acsym.model import AlmgrenChrissParams
from acsym.trajectory import (
    BPS,
    ExecutionTrajectory,
    _check_order,
    _check_params,
    _fixed_schedule,
    _nan_trajectory,
    _profile_fractions,
    generate_ac_trajectory,
    u_shaped_volume_profile,
)

__all__ = [
    "SIDES",
    "ScheduleEvaluation",
    "bucket_volumes",
    "evaluate_schedule",
    "optimal_schedule",
    "pov_schedule",
    "risk_aversion_for_target",
    "signed_trades",
    "with_side",
]

Side = Literal["sell", "buy"]
#: the two sides; the sign of each side's trades in :func:`signed_trades`
SIDES: dict[str, float] = {"sell": -1.0, "buy": 1.0}


def check_side(side: Any) -> Side:
    """``side`` itself; TypeError unless a str, ValueError unless 'sell' or 'buy'."""
    if not isinstance(side, str):
        raise TypeError(f"side must be 'sell' or 'buy', got {type(side).__name__} {side!r}")
    if side not in SIDES:
        raise ValueError(f"side must be 'sell' or 'buy', got {side!r}")
    return side  # type: ignore[return-value]


def with_side(trajectory: ExecutionTrajectory, side: str) -> ExecutionTrajectory:
    """``trajectory`` with ``params["side"]`` set: the same schedule, for a buy or a sell.

    The numbers do not change (the model is symmetric); the side labels the trades' direction.
    """
    side = check_side(side)
    return dataclasses.replace(trajectory, params={**dict(trajectory.params or {}), "side": side})


def signed_trades(trajectory: ExecutionTrajectory) -> FloatArray:
    """Trades with their direction: + shares bought, - shares sold [shares]."""
    side = check_side(dict(trajectory.params or {}).get("side", "sell"))
    return np.asarray(SIDES[side] * trajectory.trade_sizes)


# --- risk in the units a trader thinks in -----------------------------------------------------


def _notional(order: float, params: AlmgrenChrissParams) -> float:
    return order * params.price if positive(params.price) else math.nan


def risk_aversion_for_target(
    order_size: float,
    duration_periods: int,
    params: AlmgrenChrissParams,
    *,
    std: Any = None,
    std_bps: Any = None,
    cost: Any = None,
    cost_bps: Any = None,
) -> Any:
    """The risk aversion whose optimal schedule has the given risk or expected cost.

    Give exactly one target.

    Parameters
    ----------
    order_size, duration_periods, params
        As for :func:`acsym.generate_ac_trajectory`.
    std : array_like, optional
        Standard deviation of the shortfall [currency], from 0 (market order) to TWAP's.
    std_bps : array_like, optional
        The same in basis points of ``order_size * params.price`` [bps].
    cost : array_like, optional
        Expected shortfall [currency], from TWAP's to the market order's.
    cost_bps : array_like, optional
        The same in basis points of the notional [bps].

    Returns
    -------
    float or numpy.ndarray
        lambda [1 / currency] (0 at TWAP, inf at the market order), from
        :func:`acsym.risk_aversion_for_variance` (variance = std**2) or
        :func:`acsym.risk_aversion_for_cost`. NaN with an :class:`~acsym.InputWarning` for
        targets outside the frontier, or bps targets without a price.

    Raises
    ------
    TypeError
        If not exactly one target is given, or an argument has the wrong type.
    """
    from acsym.frontier import risk_aversion_for_cost, risk_aversion_for_variance

    given = {k: v for k, v in {"std": std, "std_bps": std_bps, "cost": cost, "cost_bps": cost_bps}.items()}
    chosen = [k for k, v in given.items() if v is not None]
    if len(chosen) != 1:
        raise TypeError(f"give exactly one of std, std_bps, cost, cost_bps (got {chosen or 'none'})")
    name = chosen[0]
    value = real_array(name, given[name])
    order = real("order_size", order_size)
    if name.endswith("_bps"):
        _check_params(params)
        notional = _notional(order, params)
        if not math.isfinite(notional):
            warn(
                describe("params.price", params.price, "must be finite and > 0")
                + f": {name} needs a price; the risk aversion is NaN",
                stacklevel=2,
            )
            return np.full(value.shape, np.nan)[()]
        value = value * (notional / BPS)
    if name.startswith("std"):
        # a negative std is out of range: keep its sign through the square
        return risk_aversion_for_variance(np.sign(value) * value**2, order, duration_periods, params)
    return risk_aversion_for_cost(value, order, duration_periods, params)


def optimal_schedule(
    order_size: float,
    duration_periods: int,
    params: AlmgrenChrissParams,
    *,
    side: str = "sell",
    risk_aversion: float | None = None,
    target_std: float | None = None,
    target_std_bps: float | None = None,
    target_cost: float | None = None,
    target_cost_bps: float | None = None,
) -> ExecutionTrajectory:
    """The Almgren-Chriss optimal schedule for a buy or a sell, chosen by lambda, risk or cost.

    Parameters
    ----------
    order_size : float
        Shares to sell or buy, > 0 [shares].
    duration_periods : int
        Number of intervals N >= 1, each ``params.tau`` long.
    params : AlmgrenChrissParams
        Model parameters.
    side : {'sell', 'buy'}, default 'sell'
        The order's direction (the schedule and its cost are the same for both).
    risk_aversion : float, optional
        lambda >= 0 [1 / currency]. Give at most one of this and the targets; default 1e-6
        (as :func:`acsym.generate_ac_trajectory`) when none is given.
    target_std, target_std_bps : float, optional
        Standard deviation of the shortfall [currency] or [bps of notional].
    target_cost, target_cost_bps : float, optional
        Expected shortfall [currency] or [bps of notional].

    Returns
    -------
    ExecutionTrajectory
        As :func:`acsym.generate_ac_trajectory`, with ``params["side"]``; the risk aversion
        solved from the target by :func:`risk_aversion_for_target`.
    """
    side = check_side(side)
    targets = {
        "std": target_std,
        "std_bps": target_std_bps,
        "cost": target_cost,
        "cost_bps": target_cost_bps,
    }
    chosen = {k: v for k, v in targets.items() if v is not None}
    if len(chosen) + (risk_aversion is not None) > 1:
        raise TypeError("give at most one of risk_aversion, target_std, target_std_bps, target_cost, ...")
    if chosen:
        lam = float(risk_aversion_for_target(order_size, duration_periods, params, **chosen))
    else:
        lam = 1e-6 if risk_aversion is None else risk_aversion
    if lam == math.inf:  # the target is the market order's risk or cost
        from acsym.trajectory import generate_market_order_trajectory

        return with_side(generate_market_order_trajectory(order_size, duration_periods, params), side)
    return with_side(generate_ac_trajectory(order_size, duration_periods, params, lam), side)


# --- price any schedule ----------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleEvaluation:
    """The cost and risk of a schedule, next to the optimal schedule with the same risk.

    Attributes
    ----------
    trajectory : ExecutionTrajectory
        The schedule ('user', or the strategy given), holdings from ``order_size`` to 0.
    side : str
        'sell' or 'buy'.
    order_size : float
        Shares traded, the sum of the trades [shares].
    duration_periods : int
        Number of intervals N.
    expected_cost, expected_cost_bps : float
        Expected implementation shortfall [currency] and [bps of notional].
    variance : float
        Variance of the shortfall [currency**2].
    std, std_bps : float
        Its standard deviation [currency] and [bps of notional].
    implied_risk_aversion : float
        lambda of the optimal schedule with the same variance [1 / currency] (NaN when the
        schedule takes more risk than TWAP).
    optimal_expected_cost : float
        Expected cost of that optimal schedule [currency].
    excess_cost, excess_cost_bps : float
        ``expected_cost - optimal_expected_cost``, >= 0: what the schedule gives away in
        expected cost at equal risk [currency] and [bps].
    warnings : tuple of str
        Warnings emitted while evaluating.
    """

    trajectory: ExecutionTrajectory
    side: str
    order_size: float
    duration_periods: int
    expected_cost: float
    expected_cost_bps: float
    variance: float
    std: float
    std_bps: float
    implied_risk_aversion: float
    optimal_expected_cost: float
    excess_cost: float
    excess_cost_bps: float
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        """The scalar fields, the schedule and the warnings as plain Python values (for JSON)."""
        record = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "trajectory"}
        record["warnings"] = list(self.warnings)
        record["holdings"] = self.trajectory.holdings.tolist()
        record["trade_sizes"] = self.trajectory.trade_sizes.tolist()
        return record


def _as_schedule(schedule: Any, kind: str) -> tuple[FloatArray, FloatArray, str | None]:
    """(holdings, trades, problem) from trades, holdings or an ExecutionTrajectory."""
    if isinstance(schedule, ExecutionTrajectory):
        return np.asarray(schedule.holdings, np.float64), np.asarray(schedule.trade_sizes, np.float64), None
    if kind not in ("trades", "holdings"):
        raise ValueError(f"kind must be 'trades' or 'holdings', got {kind!r}")
    values = real_array(kind, schedule)
    minimum = 1 if kind == "trades" else 2
    if values.ndim != 1 or values.size < minimum or not np.all(np.isfinite(values)):
        shown = values.ravel()[:8].tolist()
        return (
            np.full(2, np.nan),
            np.full(1, np.nan),
            (f"{kind} = {shown!r} is out of range (must be a 1-d array of at least {minimum} finite values)"),
        )
    if kind == "holdings":
        holdings = values
        if holdings[-1] != 0:
            return (
                holdings,
                -np.diff(holdings),
                (f"holdings end at {float(holdings[-1])!r}: a schedule must end with nothing left (0)"),
            )
        return holdings, holdings[:-1] - holdings[1:], None
    trades = values
    # running sums from the end: the last holding is exactly 0, the first the order size
    remaining = np.concatenate((np.cumsum(trades[::-1])[::-1], [0.0]))
    return remaining, trades, None


def evaluate_schedule(
    schedule: Any,
    params: AlmgrenChrissParams,
    *,
    kind: str = "trades",
    side: str = "sell",
    strategy_name: str = "user",
) -> ScheduleEvaluation:
    """Price any schedule: expected cost and risk, implied lambda, excess over the frontier.

    Parameters
    ----------
    schedule : array_like or ExecutionTrajectory
        The trades n_1..n_N [shares] (``kind='trades'``, the order size is their sum), the
        holdings x_0..x_N from the order size down to 0 [shares] (``kind='holdings'``), or an
        :class:`~acsym.ExecutionTrajectory`. Quantities in the order's direction (see
        :mod:`acsym.desk`); an interval of length ``params.tau`` each.
    params : AlmgrenChrissParams
        Model parameters (a price for the bps figures).
    kind : {'trades', 'holdings'}, default 'trades'
        What ``schedule`` holds (ignored for a trajectory).
    side : {'sell', 'buy'}, default 'sell'
        The order's direction; the numbers are the same for both.
    strategy_name : str, default 'user'
        Name recorded on the result's trajectory.

    Returns
    -------
    ScheduleEvaluation
        Expected cost and variance from :func:`acsym.formulas.schedule_expected_cost` and
        :func:`acsym.formulas.schedule_variance`; the implied lambda by variance matching
        (:func:`acsym.implied_risk_aversion`) and the optimal schedule's expected cost at that
        lambda from :func:`acsym.formulas.expected_cost`: the numbers ``acsym frontier``
        prints for its strategies.

    Notes
    -----
    Out-of-range schedules (non-finite values, holdings not ending at 0, a non-positive total)
    give NaN results and an :class:`~acsym.InputWarning`. A schedule riskier than TWAP has
    no implied lambda: those fields are NaN, with a warning.

    Raises
    ------
    TypeError
        If an argument has the wrong type; ValueError for an unknown ``side`` or ``kind``.
    """
    from acsym.frontier import implied_risk_aversion

    side = check_side(side)
    _check_params(params)
    holdings, trades, problem = _as_schedule(schedule, kind)
    order = float(holdings[0])
    steps = int(trades.shape[0])
    messages = [problem] if problem else []
    if not problem and not positive(order):
        messages.append(describe("order_size", order, "the schedule's total must be finite and > 0"))
    messages += params.problems()
    if messages:
        for message in messages:
            warn(message + "; the evaluation is NaN", stacklevel=2)
        nan = math.nan
        trajectory = _nan_trajectory(steps, params, nan, messages, strategy_name)
        return ScheduleEvaluation(
            with_side(trajectory, side), side, order, steps, nan, nan, nan, nan, nan, nan, nan, nan, nan,
            tuple(messages),
        )  # fmt: skip
    trajectory = with_side(
        _fixed_schedule(strategy_name, order, steps, params, holdings, trades, math.nan, messages), side
    )
    details = dict(trajectory.params or {})
    cost, variance = float(details["expected_cost"]), float(details["variance"])
    notional = _notional(order, params)
    import warnings as _warnings

    with _warnings.catch_warnings(record=True) as caught:
        _warnings.simplefilter("always")
        lam = implied_risk_aversion(trajectory, params)
    for item in caught:
        messages.append(warn(str(item.message), stacklevel=2))
    optimal = _optimal_cost(order, steps, params, lam)
    excess = cost - optimal
    std = math.sqrt(variance)
    return ScheduleEvaluation(
        trajectory=dataclasses.replace(trajectory, risk_aversion=lam),
        side=side,
        order_size=order,
        duration_periods=steps,
        expected_cost=cost,
        expected_cost_bps=cost / notional * BPS,
        variance=variance,
        std=std,
        std_bps=std / notional * BPS,
        implied_risk_aversion=lam,
        optimal_expected_cost=optimal,
        excess_cost=excess,
        excess_cost_bps=excess / notional * BPS,
        warnings=tuple(messages),
    )


def _optimal_cost(order: float, steps: int, params: AlmgrenChrissParams, lam: float) -> float:
    """Expected cost of the optimal schedule at lambda (inf: the market order) [currency]."""
    if math.isnan(lam):
        return math.nan
    tau, eta_tilde = params.tau, params.eta_tilde
    if lam == math.inf:
        market = np.zeros(steps)
        market[0] = order
        return float(formulas.schedule_expected_cost(market, tau, params.gamma, eta_tilde, params.epsilon))
    kappa = formulas.kappa(lam, params.sigma, eta_tilde, tau)
    return float(
        formulas.expected_cost(order, steps * tau, tau, kappa, params.gamma, eta_tilde, params.epsilon)
    )


# --- percentage of volume --------------------------------------------------------------------


def bucket_volumes(
    daily_volume: float, duration_periods: int, params: AlmgrenChrissParams, volume_profile: Any = None
) -> FloatArray:
    """Expected market volume in each of the N intervals [shares].

    ``daily_volume`` [shares / day] times the horizon N tau [days] gives the session's volume,
    split by ``volume_profile`` (as in :func:`acsym.generate_vwap_trajectory`; default the
    U shape of :func:`acsym.u_shaped_volume_profile`). NaN with a warning for bad values.
    """
    volume = real("daily_volume", daily_volume)
    _check_params(params)
    steps, messages = _check_order(1.0, duration_periods, params)
    if not positive(volume):
        messages.append(describe("daily_volume", volume, "must be finite and > 0"))
    fractions = None
    if steps is not None:
        profile = u_shaped_volume_profile(steps) if volume_profile is None else volume_profile
        cumulative, problem = _profile_fractions(profile, steps)
        messages += [problem] if problem else []
        fractions = None if cumulative is None else np.diff(cumulative)
    if messages or fractions is None or not positive(params.tau):
        for message in messages or [describe("params.tau", params.tau, "must be finite and > 0")]:
            warn(message + "; the volumes are NaN", stacklevel=2)
        return np.full(steps or 1, np.nan)
    assert steps is not None
    return np.asarray(volume * steps * params.tau * fractions)


def pov_schedule(
    order_size: float,
    participation: float,
    daily_volume: float,
    duration_periods: int,
    params: AlmgrenChrissParams,
    volume_profile: Any = None,
    *,
    side: str = "sell",
) -> ExecutionTrajectory:
    """Percentage of volume: trade a fixed share of the market's volume until the order is done.

    Parameters
    ----------
    order_size : float
        Shares to sell or buy, > 0 [shares].
    participation : float
        Fraction of each interval's market volume to trade, 0 < participation <= 1 (0.1 = 10%).
    daily_volume : float
        Average daily volume [shares / day].
    duration_periods : int
        Number of intervals N >= 1, each ``params.tau`` long [days]: the longest the order may
        take.
    params : AlmgrenChrissParams
        Model parameters.
    volume_profile : array_like, optional
        Market volume in M equal buckets over the same N intervals (as for
        :func:`acsym.generate_vwap_trajectory`); default the U shape.
    side : {'sell', 'buy'}, default 'sell'
        The order's direction.

    Returns
    -------
    ExecutionTrajectory
        ``strategy_name`` 'pov': trades ``participation * volume_k`` until the order is filled
        (the last trade is the remainder; later intervals trade nothing). Priced by the
        arbitrary-schedule formulas like every other strategy, so it can be marked on the
        frontier (:func:`acsym.plots.plot_frontier`). ``params`` adds ``participation``,
        ``bucket_volume`` [shares] and ``completion_period`` (the interval the order ends in).
        NaN with an :class:`~acsym.InputWarning` when the order cannot be filled within N
        intervals at that rate (it says the rate that would be needed).

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    """
    side = check_side(side)
    order = real("order_size", order_size)
    rate = real("participation", participation)
    steps, messages = _check_order(order, duration_periods, params)
    if not (math.isfinite(rate) and 0 < rate <= 1):
        messages.append(describe("participation", rate, "must be in (0, 1]"))
    volumes = np.full(1, np.nan)
    if steps is not None and not messages and not params.problems():
        volumes = bucket_volumes(daily_volume, steps, params, volume_profile)
        if not np.all(np.isfinite(volumes)):
            messages.append("the market volumes are NaN (see the warning above)")
        elif rate * volumes.sum() < order * (1 - 1e-12):
            messages.append(
                f"participation = {rate!r} of {volumes.sum():,.0f} shares of market volume over the "
                f"horizon fills only {rate * volumes.sum():,.0f} of {order:,.0f} shares (it needs a "
                f"participation of at least {order / volumes.sum():.4g}, or a longer horizon)"
            )
    messages += params.problems()
    if messages:
        for message in messages:
            warn(message + "; the trajectory is NaN", stacklevel=2)
        return with_side(_nan_trajectory(steps, params, math.nan, messages, "pov"), side)
    assert steps is not None
    wanted = rate * volumes
    done = np.cumsum(wanted)
    # the running total capped at the order: the interval it crosses trades the remainder
    capped = np.minimum(done, order)
    capped[-1] = order
    holdings = np.concatenate(([order], order - capped))
    holdings[-1] = 0.0
    trades = np.diff(np.concatenate(([0.0], capped)))
    trajectory = _fixed_schedule(
        "pov",
        order,
        steps,
        params,
        holdings,
        trades,
        math.nan,
        messages,
        participation=rate,
        bucket_volume=tuple(volumes.tolist()),
        completion_period=int(np.argmax(capped >= order)) + 1,
    )
    return with_side(trajectory, side)
