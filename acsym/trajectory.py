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

from acsym import formulas, formulas_scalar
from acsym._typing import FloatArray
from acsym._validate import (
    Factor,
    describe,
    frozen_array,
    memory_problem,
    nonnegative,
    positive,
    real,
    real_array,
    scale_problem,
    warn,
)
from acsym.model import AlmgrenChrissParams

BPS = 1e4
#: :func:`acsym.formulas.holdings_direct` is used for 0 < kappa T <= DIRECT_RANGE, where it is
#: within 1e-14 of :func:`acsym.formulas.holdings` (acsym.derivation.batch.DIRECT_RANGE)
DIRECT_RANGE = 20.0
#: :func:`acsym.formulas.holdings_urgent` and ``trade_sizes_urgent`` (one exp and one expm1 per
#: element) are used for DIRECT_RANGE < kappa T <= URGENT_RANGE (acsym.derivation.fast.URGENT_RANGE)
URGENT_RANGE = 400.0
_TINY = float(np.finfo(np.float64).tiny)
#: elements per chunk of a batch (2 MB of float64 per temporary)
_CHUNK = 2**18
#: working memory of one schedule per interval [bytes]: holdings, trades, times and the
#: formulas' temporaries (measured with tracemalloc: about 13 float64 per interval); N is
#: bounded by :func:`acsym._validate.memory_budget` / BYTES_PER_PERIOD
BYTES_PER_PERIOD = 128

#: a read-only private copy that cannot be made writable again (shared by every result type)
_frozen_array = frozen_array


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
        lambda [1 / currency] (0 for TWAP, inf for a market order, NaN for VWAP, which is
        not optimal for any lambda).
    params : mapping or None
        Strategy details: ``eta_tilde``, ``expected_cost`` [currency], ``variance``
        [currency**2] and ``warnings``; Almgren-Chriss adds ``kappa`` [1 / time], VWAP
        ``volume_profile`` (the fraction of the order sold in each interval).

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

    @classmethod
    def _of_fresh_arrays(
        cls,
        timestamps: FloatArray,
        holdings: FloatArray,
        trade_sizes: FloatArray,
        strategy_name: str,
        total_cost_estimate: float,
        risk_aversion: float,
        params: dict[str, Any],
    ) -> ExecutionTrajectory:
        """Package just-computed float64 arrays without ``__post_init__``'s checks: each becomes a
        view of an immutable copy (:func:`~acsym._validate.frozen_array`), which no
        ``setflags(write=True)`` can make writable."""
        timestamps, holdings, trade_sizes = (frozen_array(a) for a in (timestamps, holdings, trade_sizes))
        trajectory = object.__new__(cls)
        # the fields in one go, as __init__ would set them (a frozen dataclass has a __dict__)
        trajectory.__dict__.update(
            timestamps=timestamps,
            holdings=holdings,
            trade_sizes=trade_sizes,
            strategy_name=strategy_name,
            total_cost_estimate=float(total_cost_estimate),
            risk_aversion=float(risk_aversion),
            params=MappingProxyType(params),
        )
        return trajectory

    @property
    def warnings(self) -> tuple[str, ...]:
        """Warnings recorded while generating the schedule."""
        return tuple(self.params.get("warnings", ())) if self.params else ()

    def to_frame(self, params: AlmgrenChrissParams | None = None, session: Any = None) -> Any:
        """The schedule as a pandas DataFrame (needs ``acsym[pandas]``).

        See :func:`acsym.clock.trajectory_frame`: time (clock times with a
        :class:`~acsym.clock.TradingSession`, else days), holdings, trades, % of order and,
        with ``params``, the cumulative expected cost [currency].
        """
        from acsym.clock import trajectory_frame

        return trajectory_frame(self, params, session)


def _periods(duration_periods: Any) -> tuple[int | None, str | None]:
    """The number of intervals, or None with the reason it is out of range."""
    if type(duration_periods) is int and 1 <= duration_periods <= 4096:  # the common case, quickly
        return duration_periods, None  # (4096 intervals take 0.5 MB: within any budget)
    if isinstance(duration_periods, bool | np.bool_) or not isinstance(duration_periods, numbers.Real):
        raise TypeError(
            f"duration_periods must be an integer, got {type(duration_periods).__name__} {duration_periods!r}"
        )
    if isinstance(duration_periods, numbers.Integral):  # exact, however large
        exact = int(duration_periods)
        steps: int | None = exact if exact >= 1 else None
        digits = str(abs(exact))
        shown: Any = float(exact) if abs(exact) <= 2**53 else exact  # exact where a float is not
        if len(digits) > 30:
            shown = f"an integer of {len(digits)} digits"
    else:
        value = float(duration_periods)
        whole = math.isfinite(value) and value >= 1 and value == int(value)
        steps, shown = (int(value) if whole else None), value
    if steps is None:
        return None, describe("duration_periods", shown, "must be an integer >= 1")
    problem = memory_problem(
        f"duration_periods = {shown}: a schedule of N intervals", BYTES_PER_PERIOD * (min(steps, 2**62) + 1.0)
    )
    return (None, problem) if problem else (steps, None)


def _check_params(params: Any) -> None:
    if not isinstance(params, AlmgrenChrissParams):
        raise TypeError(f"params must be AlmgrenChrissParams, got {type(params).__name__}")


def _check_order(
    order: float, duration_periods: Any, params: Any, risk_aversion: float = 0.0
) -> tuple[int | None, list[str]]:
    """Checks every strategy shares: TypeError for wrong types, else (N or None, messages).

    Once the order, N and params are each in range, :func:`_scale_problems` checks that the
    quantities the formulas form from them are representable.
    """
    _check_params(params)
    steps, problem = _periods(duration_periods)
    messages = [problem] if problem else []
    if not positive(order):
        messages.append(describe("order_size", order, "must be finite and > 0"))
    if not messages and not params.problems() and steps is not None:
        messages += _scale_problems(order, steps, params, risk_aversion)
    return steps, messages


#: every product :func:`_scale_problems` checks has powers whose absolute values add up to at
#: most 8 (X**2 sigma**2 tau**2 N**2), times at most the constant 1e4: with each value within
#: 1e+-37 a product is within 1e+-300, so the per-product logarithms can be skipped
_COMFORTABLE = (1e-37, 1e37)


def _scale_problems(
    order: float, steps: int, params: AlmgrenChrissParams, risk_aversion: float = 0.0
) -> list[str]:
    """Messages for the products the generated formulas form that a double cannot hold.

    The formulas work in the caller's units, so X**2, sigma**2 X**2 tau**3, eta_tilde X**2 / T,
    the notional X * price and the like must be normal numbers: each is checked in logarithms
    (:func:`acsym._validate.scale_problem`), and a problem is reported before any overflow or
    underflow can turn into inf, NaN or a silent 0.
    """
    values: tuple[float, ...] = (order, float(steps), params.tau, params.sigma, params.eta_tilde, params.eta)
    values += (params.gamma, params.epsilon, params.price if positive(params.price) else 1.0, risk_aversion)
    if all(v == 0.0 or _COMFORTABLE[0] <= abs(v) <= _COMFORTABLE[1] for v in values):
        return []  # no product below can leave the normal range (see _COMFORTABLE)
    x = ("order_size", order)
    n = ("duration_periods", float(steps))
    tau = ("params.tau", params.tau)
    sigma = ("params.sigma", params.sigma)
    eta_tilde = ("params.eta_tilde", params.eta_tilde)
    gamma = ("params.gamma", params.gamma)
    epsilon = ("params.epsilon", params.epsilon)
    bps = ("1e4", BPS, 1.0)
    groups: list[tuple[str, list[list[Factor]]]] = [
        ("the order's square", [[(*x, 2)]]),
        ("the horizon's power", [[(*tau, 3)]]),
        ("the horizon's power", [[(*tau, 2), (*n, 2)]]),
        ("the variance's scale", [[(*x, 2), (*sigma, 2)]]),
        ("the variance's scale", [[(*x, 2), (*sigma, 2), (*tau, 3)]]),
        ("the variance's scale", [[(*x, 2), (*sigma, 2), (*tau, 2), (*n, 2)]]),
        ("the risk scale", [[(*sigma, 2), (*tau, 2), (*n, 2)]]),
        (
            "the expected cost's scale",
            [
                [(*x, 2), (*eta_tilde, 1)],
                [(*x, 2), ("params.eta", params.eta, 1)],
                [(*x, 2), (*gamma, 1)],
                [(*x, 1), (*epsilon, 1)],
            ],
        ),
        ("the expected cost's scale", [[(*x, 2), (*eta_tilde, 1), (*tau, -1), (*n, -1)]]),
    ]
    if positive(params.price):  # without a price the bps figures are NaN with their own warning
        price = ("params.price", params.price)
        groups += [
            ("the notional", [[(*x, 1), (*price, 1)]]),
            (
                "the cost in bps",
                [
                    [(*x, 1), (*eta_tilde, 1), (*tau, -1), (*n, -1), (*price, -1), bps],
                    [(*x, 1), (*gamma, 1), (*price, -1), bps],
                    [(*epsilon, 1), (*price, -1), bps],
                ],
            ),
        ]
    if (
        risk_aversion > 0
        and params.sigma > 0
        and params.eta_tilde > 0
        and math.log(risk_aversion) + 2 * math.log(params.sigma) > math.log(params.eta_tilde)
    ):
        # only kappa's overflow matters: a kappa that underflows is TWAP to double precision
        kappa_scale = [("risk_aversion", risk_aversion, 0.5), (*sigma, 1), (*tau, 1), (*eta_tilde, -0.5)]
        groups.append(("kappa's scale", [kappa_scale]))
    # the first problem says what to change; the others follow from the same scale
    problems = (scale_problem(what, factors) for what, factors in groups)
    return [problem for problem in problems if problem][:1]


def _nan_trajectory(
    steps: int | None,
    params: AlmgrenChrissParams,
    risk_aversion: float,
    messages: list[str],
    strategy_name: str = "almgren_chriss",
    **details: Any,
) -> ExecutionTrajectory:
    size = steps if steps is not None else 1
    with np.errstate(over="ignore"):  # k tau of a tau already warned about may overflow
        times = np.arange(size + 1.0) * params.tau if steps is not None else np.full(1, np.nan)
    keys = {"kappa": math.nan} if strategy_name == "almgren_chriss" else {}
    return ExecutionTrajectory(
        timestamps=times,
        holdings=np.full(size + 1 if steps is not None else 1, np.nan),
        trade_sizes=np.full(size, np.nan),
        strategy_name=strategy_name,
        total_cost_estimate=math.nan,
        risk_aversion=risk_aversion,
        params={
            **keys,
            "eta_tilde": math.nan,
            "expected_cost": math.nan,
            "variance": math.nan,
            **details,
            "warnings": tuple(messages),
        },
    )


def cost_in_bps(
    cost: float, order_size: float, params: AlmgrenChrissParams, messages: list[str], stacklevel: int = 3
) -> float:
    """``cost`` in basis points of ``order_size * params.price``; NaN with a warning if no price.

    ``stacklevel`` counts from this function: 3 points at the caller of its caller.
    """
    if not positive(params.price):
        messages.append(
            warn(
                describe("params.price", params.price, "must be finite and > 0")
                + ": total_cost_estimate in bps is NaN; build params with calibrate_ac_params "
                "or pass price=... to AlmgrenChrissParams",
                stacklevel=stacklevel,
            )
        )
        return math.nan
    return cost / (order_size * params.price) * BPS


def _optimal_schedule(order: Any, steps: int, kappa_tau: Any) -> tuple[FloatArray, Any, Any]:
    """Index 0..N, holdings and trades of the optimal schedule, through the generated formulas.

    In units of tau (time = k, horizon = N, kappa * tau): kappa_tau = 0 gives TWAP exactly. Both
    ``order`` and ``kappa_tau`` broadcast against a trailing axis of length N + 1 (holdings) or N
    (trades). :func:`generate_twap_trajectory` and the frontier use this same path, so TWAP and
    the lambda = 0 schedule agree bit for bit.
    """
    index = np.arange(steps + 1, dtype=np.float64)
    holdings = formulas.holdings(order, index, float(steps), kappa_tau)
    trades = formulas.trade_sizes(order, index[1:], float(steps), kappa_tau, 1.0)
    return index, holdings, trades


def _form(kappa_horizon: float, kappa_tau: float) -> str:
    """Which generated form of the schedule to use for one order: "direct" (one sinh or cosh
    per element) for 0 < kappa T <= DIRECT_RANGE, "urgent" (exp and expm1) up to URGENT_RANGE,
    "stable" elsewhere (kappa = 0 gives TWAP exactly; past URGENT_RANGE the split decays keep
    every digit)."""
    if kappa_tau >= _TINY and kappa_horizon <= DIRECT_RANGE:
        return "direct"
    if DIRECT_RANGE < kappa_horizon <= URGENT_RANGE:
        return "urgent"
    return "stable"


_SCHEDULE_FORMS = {
    "direct": (formulas.holdings_direct, formulas.trade_sizes_direct),
    "urgent": (formulas.holdings_urgent, formulas.trade_sizes_urgent),
    "stable": (formulas.holdings, formulas.trade_sizes),
}


def _one_schedule(order: float, steps: int, kappa_tau: float) -> tuple[FloatArray, Any, Any]:
    """:func:`_optimal_schedule` for one order (scalar ``kappa_tau``), in the cheapest form
    accurate at its kappa T (:func:`_form`); the stable form, as before, at kappa = 0."""
    index = np.arange(steps + 1, dtype=np.float64)
    horizon = float(steps)
    holdings_form, trades_form = _SCHEDULE_FORMS[_form(kappa_tau * horizon, kappa_tau)]
    holdings = holdings_form(order, index, horizon, kappa_tau)
    # x_0 = X is the boundary condition (proof "boundaries"), exact in the stable form only
    holdings[0] = order
    trades = trades_form(order, index[1:], horizon, kappa_tau, 1.0)
    return index, holdings, trades


def _kappa_tau(lam: float, params: AlmgrenChrissParams) -> float:
    """kappa tau for one order, correctly rounded (issue 20: x_j multiplies its relative error by
    j kappa tau) by the scalar twin of the generated ``kappa_tau`` (a few microseconds); by the
    numpy form, as NaN or inf, where ``math`` raises on an intermediate out of float range."""
    try:
        return formulas_scalar.kappa_tau(lam, params.sigma, params.eta_tilde, params.tau)
    except (ArithmeticError, ValueError):
        return float(formulas.kappa_tau(lam, params.sigma, params.eta_tilde, params.tau))


def _scalar_moments(
    order: float, horizon: float, kappa: float, params: AlmgrenChrissParams
) -> tuple[float, float] | None:
    """Expected cost and variance by the scalar twins; None where kappa is not finite or
    ``math`` raises on an intermediate out of float range (X**2 past 1e308, horizon**2 below the
    subnormals), where the numpy forms return inf or NaN instead."""
    if not math.isfinite(kappa):
        return None
    try:
        cost = formulas_scalar.expected_cost(
            order, horizon, params.tau, kappa, params.gamma, params.eta_tilde, params.epsilon
        )
        return cost, formulas_scalar.variance(order, horizon, params.tau, kappa, params.sigma)
    except ArithmeticError:
        return None


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
    steps, messages = _check_order(order, duration_periods, params, lam if nonnegative(lam) else 0.0)
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
        kappa = formulas_scalar.kappa(lam, params.sigma, eta_tilde, params.tau)
        kappa_tau = _kappa_tau(lam, params)
    else:
        messages.append(
            warn(
                f"eta_tilde = {eta_tilde!r} <= 0: the model is not well posed (it needs eta > "
                "gamma * tau / 2); falling back to TWAP",
                stacklevel=2,
            )
        )
        kappa = kappa_tau = 0.0
    horizon = steps * params.tau
    moments = _scalar_moments(order, horizon, kappa, params)
    if moments is not None:
        # one order: the scalar twins of the closed forms (a microsecond each, not dozens of
        # numpy passes on 0-d arrays) and the cheapest accurate array form of the schedule
        cost, variance = moments
        index, holdings, trades = _one_schedule(order, steps, kappa_tau)
    else:  # extreme values (an overflowing product): the numpy forms, which give inf, not raise
        index, holdings, trades = _optimal_schedule(order, steps, kappa_tau)
        cost = float(
            formulas.expected_cost(order, horizon, params.tau, kappa, params.gamma, eta_tilde, params.epsilon)
        )
        variance = float(formulas.variance(order, horizon, params.tau, kappa, params.sigma))
    bps = cost_in_bps(cost, order, params, messages)
    return ExecutionTrajectory._of_fresh_arrays(
        timestamps=index * params.tau,
        holdings=np.asarray(holdings, dtype=np.float64),
        trade_sizes=np.asarray(trades, dtype=np.float64),
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

    Notes
    -----
    Dask arrays (either argument) give a lazy Dask array computed chunk by chunk with this
    function, on the default scheduler or a ``distributed`` cluster (:mod:`acsym.scale`).
    """
    if hasattr(order_size, "__dask_graph__") or hasattr(risk_aversion, "__dask_graph__"):
        from acsym.scale import dask_holdings

        return dask_holdings(order_size, duration_periods, params, risk_aversion)
    orders = real_array("order_size", order_size)
    lams = real_array("risk_aversion", risk_aversion)
    _check_params(params)
    steps, problem = _periods(duration_periods)
    distinct = lams  # kappa tau is computed once per risk aversion given, then broadcast
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
        safe_lam = np.where(np.isfinite(distinct) & (distinct >= 0), distinct, 0.0)
        kappa_tau = np.broadcast_to(
            formulas.kappa_tau(safe_lam, params.sigma, eta_tilde, params.tau), orders.shape
        )
    else:
        warn(
            f"eta_tilde = {eta_tilde!r} <= 0: the model is not well posed; falling back to TWAP", stacklevel=2
        )
        kappa_tau = np.zeros(orders.shape)
    holdings = _optimal_holdings(np.where(valid, orders, 1.0), steps, np.asarray(kappa_tau, dtype=np.float64))
    if valid.all():
        return holdings
    return np.where(valid[..., None], holdings, np.nan)


# --- strategies besides Almgren-Chriss -------------------------------------------------------

#: default ratio of the volume rate at the open and close to the rate at midday
U_SHAPE_EDGE_RATIO = 3.0


def u_shaped_volume_profile(duration_periods: int, edge_ratio: float = U_SHAPE_EDGE_RATIO) -> FloatArray:
    """The default intraday volume profile: each interval's share of the session's volume.

    Parameters
    ----------
    duration_periods : int
        Number of equal intervals N >= 1 the session is split into.
    edge_ratio : float, default 3.0
        Volume rate at the open and the close relative to midday, >= 0 (1 gives a flat profile).

    Returns
    -------
    numpy.ndarray
        N fractions summing to 1 [dimensionless]: the integral over each interval of the rate

        .. math:: r(s) \\propto 1 + (\\text{edge\\_ratio} - 1) (2 s - 1)^2, \\quad 0 \\le s \\le 1,

        a symmetric U: equity volume is typically two to four times higher in the first and
        last half hour than at midday. Integrating (rather than sampling midpoints) makes the
        fractions exact for any N. NaN with an :class:`~acsym.InputWarning` for out-of-range
        values.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    """
    ratio = real("edge_ratio", edge_ratio)
    steps, problem = _periods(duration_periods)
    if problem or not nonnegative(ratio):
        message = problem or describe("edge_ratio", ratio, "must be finite and >= 0")
        warn(message + "; the profile is NaN", stacklevel=2)
        return np.full(steps or 1, np.nan)
    assert steps is not None
    edges = np.linspace(-1.0, 1.0, steps + 1)  # 2 s - 1 at the interval boundaries
    # integral of 1 + c u**2 over the interval, u = 2 s - 1, ds = du / 2
    cumulative = (edges + (ratio - 1.0) * edges**3 / 3.0) / 2.0
    fractions = np.diff(cumulative)
    return np.asarray(fractions / fractions.sum())


def _profile_fractions(volume_profile: Any, steps: int) -> tuple[FloatArray | None, str | None]:
    """Cumulative volume fraction at the N + 1 interval boundaries, or None and the reason."""
    weights = real_array("volume_profile", volume_profile)
    if weights.ndim != 1 or weights.size == 0:
        return None, f"volume_profile has shape {weights.shape} (it must be a non-empty 1-D array)"
    if not (np.all(np.isfinite(weights)) and np.all(weights >= 0) and np.max(weights) > 0):
        return None, (
            f"volume_profile = {weights[:8].tolist()!r}{' ...' if weights.size > 8 else ''} is out of range "
            "(every value must be finite and >= 0, with a positive sum)"
        )
    # scaled by the largest weight first, so the running sum cannot overflow (1e308 each is fine)
    running: FloatArray = np.concatenate((np.zeros(1), np.cumsum(weights / np.max(weights))))
    running /= running[-1]  # exactly 0 at the open and 1 at the close
    # the profile's M buckets and the schedule's N intervals both split the same session
    return np.interp(np.linspace(0.0, 1.0, steps + 1), np.linspace(0.0, 1.0, weights.size + 1), running), None


def _fixed_schedule(
    strategy_name: str,
    order: float,
    steps: int,
    params: AlmgrenChrissParams,
    holdings: Any,
    trades: Any,
    risk_aversion: float,
    messages: list[str],
    **details: Any,
) -> ExecutionTrajectory:
    """Package a given schedule with its expected cost and variance from the generated
    arbitrary-schedule formulas."""
    eta_tilde = params.eta_tilde
    cost = float(formulas.schedule_expected_cost(trades, params.tau, params.gamma, eta_tilde, params.epsilon))
    variance = float(formulas.schedule_variance(holdings, params.tau, params.sigma))
    bps = cost_in_bps(cost, order, params, messages, stacklevel=4)
    return ExecutionTrajectory(
        timestamps=np.arange(steps + 1, dtype=np.float64) * params.tau,
        holdings=holdings,
        trade_sizes=trades,
        strategy_name=strategy_name,
        total_cost_estimate=bps,
        risk_aversion=risk_aversion,
        params={
            "eta_tilde": eta_tilde,
            "expected_cost": cost,
            "variance": variance,
            **details,
            "warnings": tuple(messages),
        },
    )


_STRATEGY_NOTES = """
    Returns
    -------
    ExecutionTrajectory
        Holdings at t_k = k tau from ``order_size`` down to 0 and the trades, with
        ``total_cost_estimate`` in bps of ``order_size * params.price``. ``params`` holds
        ``eta_tilde``, ``expected_cost`` [currency] and ``variance`` [currency**2], from the
        generated arbitrary-schedule formulas (:func:`acsym.formulas.schedule_expected_cost`,
        :func:`acsym.formulas.schedule_variance`):

        .. math:: E = \\tfrac12 \\gamma X^2 + \\epsilon \\sum |n_k| + \\frac{\\tilde\\eta}{\\tau} \\sum n_k^2,
                  \\qquad V = \\sigma^2 \\tau \\sum_{k=1}^{N} x_k^2

        so every strategy is compared with the optimal one on the same footing.

    Notes
    -----
    Out-of-range values give NaN arrays and an :class:`~acsym.InputWarning` naming the
    argument. A fixed schedule's cost is defined even where eta_tilde <= 0 (no fallback).

    Raises
    ------
    TypeError
        If an argument has the wrong type (a str, None, ...).
"""


def generate_twap_trajectory(
    order_size: float, duration_periods: int, params: AlmgrenChrissParams
) -> ExecutionTrajectory:
    """Time-weighted average price: sell ``order_size`` in N equal trades.

    Parameters
    ----------
    order_size : float
        Shares to sell, > 0 [shares].
    duration_periods : int
        Number of trading intervals N >= 1, each ``params.tau`` long.
    params : AlmgrenChrissParams
        Model parameters.
    """
    order = real("order_size", order_size)
    steps, messages = _check_order(order, duration_periods, params)
    messages += params.problems()
    if messages:
        for message in messages:
            warn(message + "; the trajectory is NaN", stacklevel=2)
        return _nan_trajectory(steps, params, 0.0, messages, "twap")
    assert steps is not None
    # the optimal schedule at kappa = 0: bit for bit generate_ac_trajectory at risk_aversion = 0
    _, holdings, trades = _optimal_schedule(order, steps, 0.0)
    return _fixed_schedule("twap", order, steps, params, holdings, trades, 0.0, messages)


def generate_vwap_trajectory(
    order_size: float,
    duration_periods: int,
    params: AlmgrenChrissParams,
    volume_profile: Any = None,
) -> ExecutionTrajectory:
    """Volume-weighted average price: trade in proportion to the market's intraday volume.

    Parameters
    ----------
    order_size : float
        Shares to sell, > 0 [shares].
    duration_periods : int
        Number of trading intervals N >= 1, each ``params.tau`` long.
    params : AlmgrenChrissParams
        Model parameters.
    volume_profile : array_like, optional
        Market volume in M equal buckets spanning the same session as the N intervals
        (any positive scale: shares, fractions, percentages), every value >= 0 with a positive
        sum. With M = N bucket k is interval k; otherwise the cumulative volume curve is
        interpolated linearly onto the N intervals. Default: :func:`u_shaped_volume_profile`
        (the rate at the open and close three times the midday rate).

    The result's ``risk_aversion`` is NaN (VWAP is not the optimum of any lambda; see
    :func:`acsym.frontier.implied_risk_aversion`) and ``params["volume_profile"]`` holds the
    fraction of the order sold in each interval.
    """
    order = real("order_size", order_size)
    steps, messages = _check_order(order, duration_periods, params)
    cumulative: FloatArray | None = None
    if steps is not None:
        profile = u_shaped_volume_profile(steps) if volume_profile is None else volume_profile
        cumulative, problem = _profile_fractions(profile, steps)
        messages += [problem] if problem else []
    messages += params.problems()
    if messages:
        for message in messages:
            warn(message + "; the trajectory is NaN", stacklevel=2)
        return _nan_trajectory(steps, params, math.nan, messages, "vwap", volume_profile=())
    assert steps is not None and cumulative is not None
    # holdings from the cumulative curve: exactly order_size at the start and 0 at the end
    holdings = order * (1.0 - cumulative)
    trades = holdings[:-1] - holdings[1:]
    fractions = tuple(float(f) for f in np.diff(cumulative))
    return _fixed_schedule(
        "vwap", order, steps, params, holdings, trades, math.nan, messages, volume_profile=fractions
    )


def generate_market_order_trajectory(
    order_size: float, duration_periods: int, params: AlmgrenChrissParams
) -> ExecutionTrajectory:
    """Market order: sell everything in the first interval, the lambda -> inf limit.

    Parameters
    ----------
    order_size : float
        Shares to sell, > 0 [shares].
    duration_periods : int
        Number of trading intervals N >= 1, each ``params.tau`` long (the schedule holds
        nothing after the first).
    params : AlmgrenChrissParams
        Model parameters.

    The result's ``risk_aversion`` is inf and its variance is exactly 0.
    """
    order = real("order_size", order_size)
    steps, messages = _check_order(order, duration_periods, params)
    messages += params.problems()
    if messages:
        for message in messages:
            warn(message + "; the trajectory is NaN", stacklevel=2)
        return _nan_trajectory(steps, params, math.inf, messages, "market_order")
    assert steps is not None
    holdings = np.zeros(steps + 1)
    holdings[0] = order
    trades = np.zeros(steps)
    trades[0] = order
    return _fixed_schedule("market_order", order, steps, params, holdings, trades, math.inf, messages)


for _strategy in (generate_twap_trajectory, generate_vwap_trajectory, generate_market_order_trajectory):
    _strategy.__doc__ = (_strategy.__doc__ or "") + _STRATEGY_NOTES


def _optimal_holdings(orders: FloatArray, steps: int, kappa_tau: FloatArray) -> FloatArray:
    """Holdings of shape ``orders.shape + (steps + 1,)``, in units of tau, per order in the
    cheaper form where it is accurate.

    :func:`acsym.formulas.holdings_direct` (one sinh per element) for 0 < kappa T <= DIRECT_RANGE,
    :func:`acsym.formulas.holdings_urgent` (one exp and one expm1) for DIRECT_RANGE < kappa T <=
    URGENT_RANGE, :func:`acsym.formulas.holdings` (stable everywhere; TWAP exactly at kappa = 0)
    elsewhere. The time axis is laid out first while computing, so the per-element work runs
    along the long order axis, and it is filled in chunks of about :data:`_CHUNK` elements, whose
    temporaries stay in cache and in the process's heap (freed 8 MB temporaries are returned to
    the system by glibc and page-faulted back on the next call, which cost more than the
    formula). The result is a view with time last.
    """
    horizon = float(steps)
    index = np.arange(steps + 1, dtype=np.float64)
    kappa_horizon = kappa_tau * horizon
    # kappa tau >= tiny keeps kappa tau * (N - j) out of the subnormals, where it loses digits
    positive = kappa_tau >= _TINY
    # the form depends on each order's own kappa T only, never on the rest of the batch, so a
    # batch computed in pieces (chunks, Dask blocks) gives the same numbers bit for bit
    direct = positive & (kappa_horizon <= DIRECT_RANGE)
    urgent = positive & (kappa_horizon <= URGENT_RANGE) & ~direct
    parts = [
        (mask, function)
        for mask, function in (
            (direct, formulas.holdings_direct),
            (urgent, formulas.holdings_urgent),
            (~(direct | urgent), formulas.holdings),
        )
        if mask.any()
    ]
    by_time = np.empty(index.shape + orders.shape)
    rows = max(1, _CHUNK // max(orders.size, 1))
    if len(parts) == 1:
        ((_, function),) = parts
        for start in range(0, steps + 1, rows):
            time = index[start : start + rows]
            by_time[start : start + rows] = function(
                orders, time.reshape(time.shape + (1,) * orders.ndim), horizon, kappa_tau
            )
    else:
        for mask, function in parts:
            part_orders, part_kappa = orders[mask], kappa_tau[mask]
            for start in range(0, steps + 1, rows):
                block = by_time[start : start + rows]
                block[:, mask] = function(part_orders, index[start : start + rows, None], horizon, part_kappa)
    # x_0 = X is the boundary condition (proof "boundaries"); the stable form returns it exactly,
    # the others within an ulp (sinh(kappa T) * (X / sinh(kappa T))), so it is set here
    by_time[0] = orders
    return by_time if orders.ndim == 0 else np.moveaxis(by_time, 0, -1)
