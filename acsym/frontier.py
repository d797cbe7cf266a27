"""The efficient frontier: expected cost against risk over every risk aversion.

Each optimal schedule minimises E + lambda V. Sweeping lambda from 0 (TWAP, the least expected
cost) to infinity (a market order, no risk) traces the efficient frontier: the least expected
cost for each level of variance. It is convex in the (variance, cost) plane and its slope at the
point of risk aversion lambda is dE/dV = -lambda (the envelope theorem). Every number comes
from the generated :mod:`acsym.formulas`, evaluated once over the whole lambda grid.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from acsym import formulas
from acsym._typing import FloatArray
from acsym._validate import describe, memory_problem, real, real_array, warn
from acsym.model import AlmgrenChrissParams
from acsym.trajectory import (
    BPS,
    ExecutionTrajectory,
    _check_order,
    _frozen_array,
    _optimal_schedule,
    cost_in_bps,
)

__all__ = [
    "DEFAULT_POINTS",
    "EfficientFrontier",
    "efficient_frontier",
    "implied_risk_aversion",
    "risk_aversion_for_cost",
    "risk_aversion_for_variance",
]

#: default number of frontier points, both ends included
DEFAULT_POINTS = 50
#: working memory per schedule and interval [bytes] (measured: about 7 float64), so points
#: times N is bounded by the memory budget (:func:`acsym._validate.memory_budget`)
FRONTIER_BYTES_PER_ELEMENT = 64
#: the solvers bracket lambda / lambda_scale in [1e-20, (2 N 1e100)**2]: below, the variance
#: equals TWAP's to double precision; above, it underflows to 0
_BRACKET_LOW = 2 * math.log(1e-10)
_BRACKET_HIGH = 2 * math.log(1e100)
_LOG_LIMIT = math.log(1e200)  # keep lambda and kappa far from overflow
_BISECTION_STEPS = 120
#: points of the table that narrows the brackets first, halvings after it before the regula
#: falsi steps (the bracket, some 2**9 wide in log lambda, is then about 0.1 wide, where the
#: residual is smooth enough for the secant), and the number of those steps (3-8 are taken;
#: halving finishes any bracket still open after them)
_BRACKET_TABLE = 64
_COARSE_STEPS = 6
_SECANT_STEPS = 16
#: targets this many ulp of the range's upper end outside it count as the nearest end
_ROUNDING_ULPS = 16


@dataclass(frozen=True)
class EfficientFrontier:
    """Optimal schedules over a grid of risk aversions, from TWAP to a market order.

    Attributes
    ----------
    risk_aversion : numpy.ndarray
        lambda of each point, increasing from 0 (TWAP) to inf (market order), shape (n,)
        [1 / currency].
    kappa : numpy.ndarray
        Decay rate of each schedule, 0 to inf, shape (n,) [1 / time unit].
    expected_cost : numpy.ndarray
        Expected implementation shortfall, increasing, shape (n,) [currency].
    variance : numpy.ndarray
        Variance of the shortfall, decreasing to 0, shape (n,) [currency**2].
    holdings : numpy.ndarray
        Holdings of each schedule at ``timestamps``, shape (n, N + 1) [shares].
    trade_sizes : numpy.ndarray
        Trades of each schedule, shape (n, N) [shares].
    timestamps : numpy.ndarray
        Times t_k = k tau, shape (N + 1,) [time units].
    order_size : float
        Shares sold [shares].
    duration_periods : int
        Number of intervals N (0 if the input was out of range).
    params : AlmgrenChrissParams
        The model parameters.
    notional : float
        order_size * params.price, the base of the bps figures [currency]; NaN if no price.
    warnings : tuple of str
        Warnings emitted while building the frontier.

    Every array is read-only. The first point is TWAP and the last the market order, so
    ``frontier.trajectory(0)`` and ``frontier.trajectory(-1)`` are the two ends.
    """

    risk_aversion: FloatArray
    kappa: FloatArray
    expected_cost: FloatArray
    variance: FloatArray
    holdings: FloatArray
    trade_sizes: FloatArray
    timestamps: FloatArray
    order_size: float
    duration_periods: int
    params: AlmgrenChrissParams
    notional: float = math.nan
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        for name in (
            "risk_aversion",
            "kappa",
            "expected_cost",
            "variance",
            "holdings",
            "trade_sizes",
            "timestamps",
        ):
            object.__setattr__(self, name, _frozen_array(getattr(self, name)))
        object.__setattr__(self, "warnings", tuple(self.warnings))

    def __len__(self) -> int:
        return int(self.risk_aversion.shape[0])

    @property
    def std(self) -> FloatArray:
        """Standard deviation of the shortfall, sqrt(variance) [currency]."""
        return _frozen_array(np.sqrt(self.variance))

    @property
    def expected_cost_bps(self) -> FloatArray:
        """Expected cost in basis points of the notional [bps]; NaN if no price."""
        return _frozen_array(self.expected_cost / self.notional * BPS)

    @property
    def std_bps(self) -> FloatArray:
        """Standard deviation in basis points of the notional [bps]; NaN if no price."""
        return _frozen_array(self.std / self.notional * BPS)

    def trajectory(self, index: int) -> ExecutionTrajectory:
        """The schedule of point ``index`` (negative indices count from the end).

        ``strategy_name`` is 'almgren_chriss' for finite lambda (including lambda = 0, which is
        TWAP) and 'market_order' for the lambda = inf end; ``params`` holds kappa, eta_tilde,
        expected_cost [currency], variance [currency**2] and warnings.
        """
        i = range(len(self))[index]
        lam = float(self.risk_aversion[i])
        return ExecutionTrajectory(
            timestamps=self.timestamps,
            holdings=self.holdings[i],
            trade_sizes=self.trade_sizes[i],
            strategy_name="market_order" if lam == math.inf else "almgren_chriss",
            total_cost_estimate=float(self.expected_cost_bps[i]),
            risk_aversion=lam,
            params={
                "kappa": float(self.kappa[i]),
                "eta_tilde": self.params.eta_tilde,
                "expected_cost": float(self.expected_cost[i]),
                "variance": float(self.variance[i]),
                "warnings": self.warnings,
            },
        )

    def risk_aversion_for_variance(self, target_variance: Any) -> Any:
        """:func:`risk_aversion_for_variance` for this frontier's order and params."""
        return risk_aversion_for_variance(
            target_variance, self.order_size, self.duration_periods, self.params
        )

    def risk_aversion_for_cost(self, target_cost: Any) -> Any:
        """:func:`risk_aversion_for_cost` for this frontier's order and params."""
        return risk_aversion_for_cost(target_cost, self.order_size, self.duration_periods, self.params)


def _frontier_problems(params: AlmgrenChrissParams) -> list[str]:
    """Why params admit no frontier (params.problems() and more), if they do not."""
    messages = params.problems()
    if messages:
        return messages
    if not params.eta_tilde > 0:
        messages.append(
            f"eta_tilde = eta - gamma * tau / 2 = {params.eta_tilde!r} <= 0: the model is not well "
            "posed (it needs eta > gamma * tau / 2), so there are no optimal schedules"
        )
    if not params.sigma > 0:
        messages.append(
            describe("params.sigma", params.sigma, "must be > 0 for a frontier")
            + ": with no volatility every schedule is riskless and TWAP is optimal for every lambda"
        )
    return messages


def _lambda_scale(steps: int, params: AlmgrenChrissParams) -> float:
    """eta_tilde / (sigma T)**2: the risk aversion at which kappa T is about 1 [1 / currency]."""
    horizon = steps * params.tau
    return params.eta_tilde / (params.sigma * horizon) ** 2


def _market_order(order: float, steps: int) -> tuple[FloatArray, FloatArray]:
    holdings = np.zeros(steps + 1)
    holdings[0] = order
    trades = np.zeros(steps)
    trades[0] = order
    return holdings, trades


# --- solving for lambda ----------------------------------------------------------------------


def _bisect(
    evaluate: Callable[[FloatArray], Any], targets: FloatArray, increasing: bool, bracket: tuple[float, float]
) -> FloatArray:
    """lambda with evaluate(lambda) = target, for a monotone evaluate, by bisection in log lambda.

    Every target is solved at once: each step evaluates the generated formula on the whole
    array of trial points. ``bracket`` is (log lambda_low, log lambda_high). The root stays
    bracketed throughout: a table of :data:`_BRACKET_TABLE` values and :data:`_COARSE_STEPS`
    halvings make each bracket small enough for the function to be nearly linear across it;
    :data:`_SECANT_STEPS` steps of regula falsi with the Illinois modification (an end kept
    twice has its residual halved, so both ends move) then shrink it superlinearly; halving
    finishes once every bracket is two adjacent floats.
    """
    sign = 1.0 if increasing else -1.0
    # a table across the bracket (one evaluation) narrows each bracket to one of its cells: the
    # first six halvings of every target at once
    cells = _BRACKET_TABLE
    table = bracket[0] + (bracket[1] - bracket[0]) * (np.arange(cells) + 0.5) / cells
    table_residual = sign * (np.asarray(evaluate(np.exp(table)), dtype=np.float64) - targets[..., None])
    count = np.sum(table_residual < 0, axis=-1)  # table points with the root above them
    below = np.maximum(count - 1, 0)[..., None]
    above = np.minimum(count, cells - 1)[..., None]
    low = np.where(count > 0, table[below[..., 0]], bracket[0])
    high = np.where(count < cells, table[above[..., 0]], bracket[1])
    # residuals at the ends; NaN at an end of the bracket, never evaluated
    r_low = np.where(count > 0, np.take_along_axis(table_residual, below, -1)[..., 0], np.nan)
    r_high = np.where(count < cells, np.take_along_axis(table_residual, above, -1)[..., 0], np.nan)
    moved = np.zeros(targets.shape)  # -1: the last step moved the low end, +1: the high end
    for step in range(_BISECTION_STEPS):  # (high - low) / 2**120 is far below one ulp of log lambda
        middle = 0.5 * (low + high)
        if np.all((middle == low) | (middle == high)):
            break  # every bracket is two adjacent floats: nothing to halve
        trial = middle
        if _COARSE_STEPS <= step < _COARSE_STEPS + _SECANT_STEPS:
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                secant = (low * r_high - high * r_low) / (r_high - r_low)
            # a secant rounded onto an end puts the root within an ulp of it: try the next float
            trial = np.where(
                (secant > low) & (secant < high),
                secant,
                np.where(
                    secant >= high,
                    np.nextafter(high, low),
                    np.where(secant <= low, np.nextafter(low, high), middle),
                ),
            )
        residual = sign * (np.asarray(evaluate(np.exp(trial)), dtype=np.float64) - targets)
        root_above = residual < 0
        r_high = np.where(root_above & (moved == -1), 0.5 * r_high, r_high)
        r_low = np.where(~root_above & (moved == 1), 0.5 * r_low, r_low)
        # a trial that hits its target exactly is the root: the bracket closes on it
        hit = root_above | (residual == 0)
        low, r_low = np.where(hit, trial, low), np.where(hit, residual, r_low)
        high, r_high = np.where(root_above, high, trial), np.where(root_above, r_high, residual)
        moved = np.where(root_above, -1.0, 1.0)
    return np.asarray(np.exp(0.5 * (low + high)))


def _bracket(steps: int, params: AlmgrenChrissParams) -> tuple[float, float]:
    log_scale = math.log(_lambda_scale(steps, params))
    low = log_scale + _BRACKET_LOW
    high = log_scale + 2 * math.log(2 * steps) + _BRACKET_HIGH
    return max(low, -_LOG_LIMIT), min(high, _LOG_LIMIT)


def _solve(
    name: str,
    targets: FloatArray,
    at_zero: float,
    at_infinity: float,
    evaluate: Callable[[FloatArray], Any],
    bracket: tuple[float, float],
) -> Any:
    """lambda for each target between the lambda = 0 and lambda = inf values; NaN outside."""
    increasing = at_infinity > at_zero
    lower, upper = min(at_zero, at_infinity), max(at_zero, at_infinity)
    # the ends computed another way (a schedule's sum against a closed form) may differ by a few
    # ulp: such targets are the ends themselves, not out of range
    slack = _ROUNDING_ULPS * np.spacing(upper)
    targets = np.where((targets >= lower - slack) & (targets < lower), lower, targets)
    targets = np.where((targets <= upper + slack) & (targets > upper), upper, targets)
    inside = (targets >= lower) & (targets <= upper)  # False for NaN
    if not inside.all():
        shown = np.unique(targets[~inside])[:5].tolist()
        warn(
            f"{int((~inside).sum())} value(s) of {name} out of range (must lie in [{lower!r}, {upper!r}], "
            f"from the market order to TWAP), e.g. {shown}; their risk aversion is NaN",
            stacklevel=3,
        )
    safe = np.where(inside, targets, 0.5 * (lower + upper))
    ends = (safe == at_zero) | (safe == at_infinity)  # solved exactly below; not bisected to a bracket end
    result = _bisect(evaluate, np.where(ends, 0.5 * (lower + upper), safe), increasing, bracket)
    result = np.where(safe == at_zero, 0.0, np.where(safe == at_infinity, math.inf, result))
    return np.where(inside, result, np.nan)[()]


def _variance_of(order: float, steps: int, params: AlmgrenChrissParams) -> Callable[[FloatArray], Any]:
    """lambda -> variance of its optimal schedule (the closed form, vectorised)."""
    horizon = steps * params.tau

    def variance(lam: FloatArray) -> Any:
        kappa = formulas.kappa(lam, params.sigma, params.eta_tilde, params.tau)
        return formulas.variance(order, horizon, params.tau, kappa, params.sigma)

    return variance


def _twap_variance(order: float, steps: int, params: AlmgrenChrissParams) -> float:
    return float(formulas.variance(order, steps * params.tau, params.tau, 0.0, params.sigma))


def _setup(
    name: str, target: Any, order_size: Any, duration_periods: Any, params: Any
) -> tuple[FloatArray, float, int] | None:
    targets = real_array(name, target)
    order = real("order_size", order_size)
    steps, messages = _check_order(order, duration_periods, params)
    messages += _frontier_problems(params)
    for message in messages:
        warn(message + "; the risk aversion is NaN", stacklevel=3)
    return None if messages or steps is None else (targets, order, steps)


def risk_aversion_for_variance(
    target_variance: Any, order_size: float, duration_periods: int, params: AlmgrenChrissParams
) -> Any:
    """The risk aversion whose optimal schedule has the given variance.

    Parameters
    ----------
    target_variance : array_like
        Variance of the shortfall [currency**2], between 0 (market order) and TWAP's variance.
    order_size, duration_periods, params
        As for :func:`efficient_frontier`.

    Returns
    -------
    float or numpy.ndarray
        lambda [1 / currency], the shape of ``target_variance``: 0 at TWAP's variance, inf at
        0. NaN, with an :class:`~acsym.InputWarning`, for targets outside that range.

    Notes
    -----
    The variance falls strictly as lambda grows, so the root is unique; it is found by
    bisection in log lambda, all targets at once, on the generated
    :func:`acsym.formulas.variance`. The result reproduces the target to a few ulp; lambda
    itself is ill-conditioned next to TWAP, where the variance barely moves with lambda.
    Targets within 16 ulp (of TWAP's variance) outside the range are taken as its ends, so
    TWAP's variance summed over its schedule gives exactly 0.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    """
    setup = _setup("target_variance", target_variance, order_size, duration_periods, params)
    if setup is None:
        return np.full(np.shape(target_variance), np.nan)[()]
    targets, order, steps = setup
    twap = _twap_variance(order, steps, params)
    evaluate = _variance_of(order, steps, params)
    return _solve("target_variance", targets, twap, 0.0, evaluate, _bracket(steps, params))


def risk_aversion_for_cost(
    target_cost: Any, order_size: float, duration_periods: int, params: AlmgrenChrissParams
) -> Any:
    """The risk aversion whose optimal schedule has the given expected cost.

    Parameters
    ----------
    target_cost : array_like
        Expected shortfall [currency], between TWAP's and the market order's.
    order_size, duration_periods, params
        As for :func:`efficient_frontier`.

    Returns
    -------
    float or numpy.ndarray
        lambda [1 / currency], the shape of ``target_cost``: 0 at TWAP's cost, inf at the
        market order's. NaN, with an :class:`~acsym.InputWarning`, outside that range.

    Notes
    -----
    The expected cost rises strictly with lambda; bisection in log lambda on the generated
    :func:`acsym.formulas.expected_cost`, all targets at once. Targets within 16 ulp (of the
    market order's cost) outside the range are taken as its ends.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    """
    setup = _setup("target_cost", target_cost, order_size, duration_periods, params)
    if setup is None:
        return np.full(np.shape(target_cost), np.nan)[()]
    targets, order, steps = setup
    horizon, tau, eta_tilde = steps * params.tau, params.tau, params.eta_tilde

    def cost(lam: FloatArray) -> Any:
        kappa = formulas.kappa(lam, params.sigma, eta_tilde, tau)
        return formulas.expected_cost(order, horizon, tau, kappa, params.gamma, eta_tilde, params.epsilon)

    twap = float(formulas.expected_cost(order, horizon, tau, 0.0, params.gamma, eta_tilde, params.epsilon))
    _, market_trades = _market_order(order, steps)
    market = float(
        formulas.schedule_expected_cost(market_trades, tau, params.gamma, eta_tilde, params.epsilon)
    )
    return _solve("target_cost", targets, twap, market, cost, _bracket(steps, params))


def implied_risk_aversion(trajectory: ExecutionTrajectory, params: AlmgrenChrissParams) -> float:
    """The risk aversion a schedule implies: that of the optimal schedule with the same variance.

    Parameters
    ----------
    trajectory : ExecutionTrajectory
        Any schedule selling ``holdings[0]`` shares over ``len(trade_sizes)`` intervals (TWAP,
        VWAP, a market order, the user's own).
    params : AlmgrenChrissParams
        Model parameters.

    Returns
    -------
    float
        lambda [1 / currency]: 0 for TWAP, inf for a market order, the schedule's own lambda for
        an Almgren-Chriss schedule. NaN with an :class:`~acsym.InputWarning` when the schedule
        takes more risk than TWAP (no lambda >= 0 explains that) or its holdings are not finite.

    Notes
    -----
    Variance matching rather than the frontier's slope, because it is defined for every
    schedule: a schedule off the frontier has no slope of its own, while the frontier point
    with the same variance is its efficient counterpart, the same risk at the least expected
    cost, and the cost gap between the two is what the schedule gives away. For a schedule on
    the frontier the two notions agree, since there the slope is dE/dV = -lambda. The
    schedule's variance and the optimal schedules' (inside the bisection) both come from the
    arbitrary-schedule formula :func:`acsym.formulas.schedule_variance`, so TWAP gives exactly 0.

    Raises
    ------
    TypeError
        If ``trajectory`` is not an ExecutionTrajectory or ``params`` not AlmgrenChrissParams.
    """
    if not isinstance(trajectory, ExecutionTrajectory):
        raise TypeError(f"trajectory must be an ExecutionTrajectory, got {type(trajectory).__name__}")
    holdings = trajectory.holdings
    steps = int(trajectory.trade_sizes.shape[0])
    if not (steps >= 1 and holdings.shape == (steps + 1,) and np.all(np.isfinite(holdings))):
        _check_order(1.0, 1, params)  # TypeError for wrong params, as everywhere
        warn(
            f"trajectory.holdings = {holdings[:8].tolist()!r} is out of range (must be N + 1 finite "
            "values, N >= 1); the risk aversion is NaN",
            stacklevel=2,
        )
        return math.nan
    order = float(holdings[0])
    _, messages = _check_order(order, steps, params)
    messages += _frontier_problems(params)
    if messages:
        for message in messages:
            warn(message + "; the risk aversion is NaN", stacklevel=2)
        return math.nan
    tau, sigma = params.tau, params.sigma

    def variance(lam: FloatArray) -> Any:
        kappa_tau = np.asarray(formulas.kappa_tau(lam, sigma, params.eta_tilde, tau))
        return formulas.schedule_variance(
            _optimal_schedule(order, steps, kappa_tau[..., None])[1], tau, sigma
        )

    target = np.asarray(formulas.schedule_variance(holdings, tau, sigma))
    twap = float(formulas.schedule_variance(_optimal_schedule(order, steps, 0.0)[1], tau, sigma))
    if target > twap:
        warn(
            f"the schedule's variance {float(target)!r} exceeds TWAP's {twap!r}: it takes more risk "
            "than the cheapest schedule, so no risk aversion >= 0 implies it; the risk aversion is NaN",
            stacklevel=2,
        )
        return math.nan
    return float(_solve("variance", target, twap, 0.0, variance, _bracket(steps, params)))


# --- the frontier ----------------------------------------------------------------------------


def _default_grid(order: float, steps: int, params: AlmgrenChrissParams, points: int) -> FloatArray:
    """lambda of ``points`` schedules evenly spaced in standard deviation, TWAP to market order."""
    twap = _twap_variance(order, steps, params)
    # the squares of 1 and 0 are exact, so the ends solve to exactly 0 and inf
    targets = twap * np.linspace(1.0, 0.0, points) ** 2
    evaluate = _variance_of(order, steps, params)
    solved = np.asarray(_solve("variance", targets, twap, 0.0, evaluate, _bracket(steps, params)))
    # with N = 1 every schedule is the market order (variance 0): the grid collapses to its ends
    return np.unique(np.concatenate(([0.0], solved, [math.inf])))


def _grid(
    risk_aversion: Any, points: Any, order: float, steps: int, params: AlmgrenChrissParams
) -> tuple[FloatArray, str]:
    """The sorted lambda grid, 0 and inf included, and a message if something was left out."""
    if risk_aversion is None:
        if isinstance(points, bool | np.bool_) or not isinstance(points, int | np.integer):
            raise TypeError(f"points must be an integer, got {type(points).__name__} {points!r}")
        if points < 2:
            message = describe("points", int(points), "must be >= 2, the two ends; using 2")
            return _default_grid(order, steps, params, 2), message
        return _default_grid(order, steps, params, int(points)), ""
    lams = real_array("risk_aversion", risk_aversion).ravel()
    bad = ~(lams >= 0)  # NaN and negative values; +inf is the market order
    message = ""
    if bad.any():
        message = (
            f"{int(bad.sum())} value(s) of risk_aversion out of range (must be >= 0), e.g. "
            f"{np.unique(lams[bad])[:5].tolist()}; they are left out of the frontier"
        )
    return np.unique(np.concatenate(([0.0], lams[~bad], [math.inf]))), message


def _nan_frontier(
    order: float, steps: int | None, params: AlmgrenChrissParams, messages: list[str]
) -> EfficientFrontier:
    size = steps if steps is not None else 0
    with np.errstate(over="ignore"):  # k tau of a tau already warned about may overflow
        timestamps = np.arange(size + 1.0) * params.tau
    return EfficientFrontier(
        risk_aversion=np.array([0.0, math.inf]),
        kappa=np.full(2, np.nan),
        expected_cost=np.full(2, np.nan),
        variance=np.full(2, np.nan),
        holdings=np.full((2, size + 1), np.nan),
        trade_sizes=np.full((2, size), np.nan),
        timestamps=timestamps,
        order_size=order,
        duration_periods=size,
        params=params,
        warnings=tuple(messages),
    )


def efficient_frontier(
    order_size: float,
    duration_periods: int,
    params: AlmgrenChrissParams,
    risk_aversion: Any = None,
    *,
    points: int = DEFAULT_POINTS,
) -> EfficientFrontier:
    """Expected cost and risk of the optimal schedule over a grid of risk aversions.

    Parameters
    ----------
    order_size : float
        Shares to sell, > 0 [shares].
    duration_periods : int
        Number of trading intervals N >= 1, each ``params.tau`` long.
    params : AlmgrenChrissParams
        Model parameters; a frontier needs eta_tilde > 0 and sigma > 0.
    risk_aversion : array_like, optional
        lambda values >= 0 [1 / currency] (inf allowed); sorted, deduplicated, and 0 and inf
        added. Default: the ``points`` schedules whose standard deviations are evenly spaced
        from TWAP's down to 0 (found with :func:`risk_aversion_for_variance`'s solver), so a
        table or a plotted curve covers every level of risk alike.
    points : int, default 50
        Number of points of the default grid, >= 2 (ignored when ``risk_aversion`` is given).

    Returns
    -------
    EfficientFrontier
        Finite-lambda points from the closed forms :func:`acsym.formulas.expected_cost` and
        :func:`acsym.formulas.variance`, one vectorised call each (kappa = 0 is TWAP exactly,
        through the same path as :func:`~acsym.trajectory.generate_twap_trajectory`); the
        lambda = inf end is the market order, from the arbitrary-schedule formulas (variance
        exactly 0).

    Notes
    -----
    Out-of-range inputs give a two-point all-NaN frontier and an :class:`~acsym.InputWarning`
    naming the argument; out-of-range ``risk_aversion`` values are left out with a warning.
    Without a price the bps figures are NaN, with a warning.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    """
    order = real("order_size", order_size)
    steps, messages = _check_order(order, duration_periods, params)
    messages += _frontier_problems(params)
    if messages:
        for message in messages:
            warn(message + "; the frontier is NaN", stacklevel=2)
        return _nan_frontier(order, steps, params, messages)
    assert steps is not None
    lams, dropped = _grid(risk_aversion, points, order, steps, params)
    if dropped:
        messages.append(warn(dropped, stacklevel=2))
    too_large = memory_problem(
        f"a frontier of {lams.size} schedules over N = {steps} intervals",
        FRONTIER_BYTES_PER_ELEMENT * lams.size * (steps + 1.0),
    )
    if too_large:
        messages.append(warn(too_large + "; the frontier is NaN", stacklevel=2))
        return _nan_frontier(order, steps, params, messages)

    finite = lams[:-1]  # the grid always ends with the single inf
    eta_tilde, tau = params.eta_tilde, params.tau
    kappa = np.asarray(formulas.kappa(finite, params.sigma, eta_tilde, tau))
    kappa_tau = np.asarray(formulas.kappa_tau(finite, params.sigma, eta_tilde, tau))
    index, holdings, trades = _optimal_schedule(order, steps, kappa_tau[:, None])
    horizon = steps * tau
    cost = formulas.expected_cost(order, horizon, tau, kappa, params.gamma, eta_tilde, params.epsilon)
    variance = formulas.variance(order, horizon, tau, kappa, params.sigma)
    market_holdings, market_trades = _market_order(order, steps)
    market_cost = formulas.schedule_expected_cost(market_trades, tau, params.gamma, eta_tilde, params.epsilon)
    market_variance = formulas.schedule_variance(market_holdings, tau, params.sigma)
    per_currency = cost_in_bps(1.0, order, params, messages)  # warns once if there is no price
    return EfficientFrontier(
        risk_aversion=lams,
        kappa=np.append(kappa, math.inf),
        expected_cost=np.append(cost, market_cost),
        variance=np.append(variance, market_variance),
        holdings=np.vstack((holdings, market_holdings)),
        trade_sizes=np.vstack((trades, market_trades)),
        timestamps=index * tau,
        order_size=order,
        duration_periods=steps,
        params=params,
        notional=BPS / per_currency if math.isfinite(per_currency) else math.nan,
        warnings=tuple(messages),
    )
