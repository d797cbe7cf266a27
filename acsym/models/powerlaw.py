"""Power-law temporary impact (Almgren 2003): h(v) = epsilon sgn(v) + eta abs(v)**alpha.

``params.eta`` is the coefficient of ``|v|**params.alpha`` [currency / share * (time unit /
share)**alpha]; at ``alpha = 1`` it is the base model's eta and every schedule here is the
sinh schedule of :func:`acsym.generate_ac_trajectory`. :func:`powerlaw_params_from_fit` builds
such params from :func:`acsym.calibrate_impact`.

The discrete schedule minimises E + lambda Var, strictly convex on sell schedules where the
generated curvature f''(n) > 0 (see :func:`acsym.derivation.powerlaw.well_posedness`). At
alpha = 1 f'' is constant and the minimiser is the sinh schedule with eta_tilde = tau f'' / 2,
returned as it is; otherwise it is found by Newton's method on the interior holdings: the
gradient and the tridiagonal Hessian are the generated
:func:`acsym.formulas.powerlaw_gradient`, ``powerlaw_hessian_diagonal`` and
``powerlaw_hessian_offdiagonal``, evaluated in the forms that need one power per trade
(``powerlaw_trade_eta``, then ``powerlaw_marginal_cost`` and ``powerlaw_curvature`` once per
trade, ``powerlaw_gradient_from_marginals`` ...); each step is one tridiagonal solve per order,
and every order of a batch iterates together. The continuous schedule
(:func:`powerlaw_continuous_holdings`) solves T(C) = horizon for the first integral C with the
generated :func:`acsym.formulas.powerlaw_horizon` (scipy.special.hyp2f1 below w = 4, the
connection formula at infinity above: extra ``acsym[calibration]``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from acsym import formulas
from acsym._typing import FloatArray
from acsym._validate import describe, nonnegative, positive, real, real_array, warn
from acsym.model import AlmgrenChrissParams, calibrate_ac_params

if TYPE_CHECKING:
    from acsym.impact import CalibrationResult
    from acsym.trajectory import ExecutionTrajectory

__all__ = [
    "generate_powerlaw_holdings",
    "generate_powerlaw_trajectory",
    "powerlaw_continuous_holdings",
    "powerlaw_first_integral",
    "powerlaw_frontier",
    "powerlaw_params_from_fit",
]

#: Newton stops when no holding moves by more than this times the order size
NEWTON_RTOL = 4 * float(np.finfo(np.float64).eps)
#: or, once the steps are below this (times the order size), when they stop shrinking: the
#: rounding floor of the gradient, which is large where f'' -> 0 (alpha > 1, tiny trades)
NEWTON_NOISE_RTOL = 1e-12
#: and gives up after this many steps (5 or 6 on benchmarks/powerlaw.py's batches)
NEWTON_MAX_STEPS = 100
#: for alpha < 1 a step never shrinks a trade below this fraction of its value (trades stay
#: > 0, where f'' = alpha (alpha + 1) eta n**(alpha - 1) / tau**alpha is finite)
_KEEP = 0.05
#: the share of TWAP mixed into a start whose trades underflow to zero (alpha < 1)
_TWAP_SHARE = 1e-6
#: elements (orders x (N + 1)) per block of a batch solved together, 8 MB per float64 array:
#: the elementwise work wants blocks in cache, the Thomas sweep (N numpy calls per block and
#: step) wide ones; at 10,000 x 390, 2**18 and 2**21 were slower overall
_CHUNK = 2**20
#: float64 machine epsilon
_EPS = float(np.finfo(np.float64).eps)


def _well_posed(orders: FloatArray, params: AlmgrenChrissParams) -> str | None:
    """None when E + lambda Var is strictly convex on sell schedules of every order, else why."""
    if params.alpha <= 1:
        # f'' is smallest at the largest trade, selling everything at once
        curvature = -np.asarray(
            formulas.powerlaw_hessian_offdiagonal(orders, params.tau, params.eta, params.gamma, params.alpha)
        )
        if params.eta > 0 and np.all(curvature > 0):
            return None
        worst = int(np.argmin(curvature))
        return (
            f"the cost's curvature f''(n) = {float(curvature.flat[worst])!r} <= 0 at n = order_size = "
            f"{float(orders.flat[worst])!r}: with alpha = {params.alpha!r} the permanent impact gamma = "
            f"{params.gamma!r} outweighs the temporary impact (for alpha = 1 this is eta_tilde <= 0)"
        )
    if params.gamma == 0 and params.eta > 0:
        return None
    return (
        f"alpha = {params.alpha!r} > 1 with gamma = {params.gamma!r} > 0: the cost's curvature "
        "f''(n) -> -gamma as a trade n -> 0, so E + lambda Var is not convex"
    )


def _sinh_schedule(
    orders: FloatArray, steps: int, params: AlmgrenChrissParams, lams: FloatArray
) -> FloatArray:
    """The linear model's sinh schedule with eta_tilde = tau f''(X / N) / 2, the curvature at the
    even rate: at alpha = 1 the optimum itself (f'' is constant), else Newton's start."""
    curvature = -formulas.powerlaw_hessian_offdiagonal(
        orders / steps, params.tau, params.eta, params.gamma, params.alpha
    )
    eta_tilde = np.maximum(curvature, 1e-300) * params.tau / 2
    kappa_tau = formulas.kappa(lams, params.sigma, eta_tilde, params.tau) * params.tau
    from acsym.trajectory import _optimal_holdings  # the batch path of generate_ac_holdings

    return np.ascontiguousarray(_optimal_holdings(orders, steps, np.asarray(kappa_tau, dtype=np.float64)))


def _initial(orders: FloatArray, steps: int, params: AlmgrenChrissParams, lams: FloatArray) -> FloatArray:
    """Newton's start, shaped like the power law's own schedule: the trades of the C = 0
    continuous schedule (``powerlaw_holdings_at_zero``, the first integral with C = 0) at the
    period ends, rescaled to sum to the order. For alpha < 1 it decays algebraically and never
    ends, so the start takes the larger of its trades and the sinh schedule's
    (:func:`_sinh_schedule`), which has the discrete-time bulk; for alpha > 1 it sells
    everything by T(0), and its trades alone are the start. From the sinh schedule alone the
    tail's shape is wrong (exponential): for alpha < 1 Newton lifts a trade n far below its
    optimum t by only the factor 1 - alpha in log(n / t) per step (f'' ~ n**(alpha - 1) is
    singular at 0), and for alpha > 1 it must shrink the tail by orders of magnitude. On
    benchmarks/powerlaw.py's batch the mean steps per order went 8.1 -> 6.3 at alpha = 0.5,
    11 -> 7 at 0.2, 7.5 -> 5.5 at 1.5 and 10.7 -> 5 at 3."""
    trades = -np.diff(_sinh_schedule(orders, steps, params, lams), axis=1)
    time = np.arange(steps + 1) * params.tau
    with np.errstate(invalid="ignore", divide="ignore"):  # alpha > 1: NaN past T(0), sold out
        shaped = formulas.powerlaw_holdings_at_zero(
            orders[:, None], time, lams[:, None], params.sigma, params.eta, params.alpha
        )
    shaped_trades = -np.diff(np.nan_to_num(shaped, nan=0.0), axis=1)
    if params.alpha < 1:
        trades = np.maximum(trades, shaped_trades)
        # where the trades underflow to zero (f'' is infinite there and a step may not shrink a
        # trade of 0), a little TWAP in the mix keeps every trade > 0
        zero = np.min(trades, axis=1, keepdims=True) <= 0
        if zero.any():
            twap = orders[:, None] / steps
            trades = np.where(zero, (1 - _TWAP_SHARE) * trades + _TWAP_SHARE * twap, trades)
    else:  # lambda sigma**2 = 0 (or a start too slow to sell a double): the sinh schedule, TWAP
        trades = np.where(np.sum(shaped_trades, axis=1, keepdims=True) > 0, shaped_trades, trades)
    # holdings from the trades summed from the end (exact in the smallest ones), rescaled to
    # the order; x_0 = X and x_N = 0 exactly
    remaining = np.cumsum(trades[:, ::-1], axis=1)
    remaining *= (orders / remaining[:, -1])[:, None]
    start = np.zeros((orders.size, steps + 1))
    start[:, -2::-1] = remaining
    start[:, 0] = orders
    return start


def _objective(holdings: FloatArray, params: AlmgrenChrissParams, lams: FloatArray) -> FloatArray:
    """E + lambda Var of holdings (B, N + 1) from the schedule formulas (the tests' oracle)."""
    trades = holdings[..., :-1] - holdings[..., 1:]
    cost = formulas.powerlaw_schedule_expected_cost(
        trades, params.tau, params.gamma, params.eta, params.epsilon, params.alpha
    )
    return np.asarray(cost + lams * formulas.schedule_variance(holdings, params.tau, params.sigma))


def _evaluate(
    holdings: FloatArray, params: AlmgrenChrissParams, lams: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Trades, their impact per unit rate eta_j (the one power per trade) and E + lambda Var less
    gamma X**2 / 2 + epsilon X (the same for every schedule of an order), for time-major
    holdings of shape (N + 1, B)."""
    trades = holdings[:-1] - holdings[1:]
    # the cost of a trade of either sign is eta |n|**(alpha + 1) / tau**alpha, so eta_j is taken
    # at |n|: alpha > 1 iterates may buy back (see _newton); for alpha < 1 trades stay > 0
    sizes = np.abs(trades) if params.alpha > 1 else trades
    rate_eta = formulas.powerlaw_trade_eta(sizes, params.tau, params.eta, params.alpha)
    periods = formulas.powerlaw_period_objective(
        trades, rate_eta, holdings[1:], params.tau, params.gamma, params.sigma, lams
    )
    return trades, rate_eta, np.sum(periods, axis=0)


def _solve_tridiagonal(diagonal: FloatArray, upper: FloatArray, rhs: FloatArray) -> FloatArray:
    """Solve symmetric tridiagonal systems along the first axis, one per column (Thomas'
    algorithm, no pivoting: the Hessian is positive definite). Time-major: each sweep step
    works on contiguous rows of every order, in place; ``diagonal`` is overwritten."""
    d, r, u = diagonal, rhs.copy(), upper
    ratio, product = np.empty(d.shape[1]), np.empty(d.shape[1])
    for i in range(1, d.shape[0]):
        np.divide(u[i - 1], d[i - 1], out=ratio)
        np.multiply(ratio, u[i - 1], out=product)
        np.subtract(d[i], product, out=d[i])
        np.multiply(ratio, r[i - 1], out=product)
        np.subtract(r[i], product, out=r[i])
    # x_i = r_i / d_i - (u_i / d_i) x_{i+1}, both quotients for every row at once
    np.divide(r, d, out=r)
    scaled = np.divide(u, d[:-1], out=d[:-1])
    for i in range(d.shape[0] - 2, -1, -1):
        np.multiply(scaled[i], r[i + 1], out=product)
        np.subtract(r[i], product, out=r[i])
    return r


def _newton(
    holdings: FloatArray, params: AlmgrenChrissParams, lams: FloatArray, max_steps: int = NEWTON_MAX_STEPS
) -> tuple[FloatArray, NDArray_bool, int]:
    """Minimise E + lambda Var from ``holdings`` (shape (B, N + 1), x_0 and x_N fixed), all B
    orders together, in at most ``max_steps`` steps. Returns the holdings, which orders
    converged, and the steps taken.

    The iterates are time-major (N + 1, B); each order leaves the batch once converged."""
    result = np.ascontiguousarray(holdings.T)
    count = result.shape[1]
    converged = np.zeros(count, dtype=bool)
    if result.shape[0] <= 2:  # one trade: nothing to choose
        return result.T.copy(), ~converged, 0
    index = np.arange(count)  # the columns of the orders still iterating
    x, lam, orders = result.copy(), lams.copy(), result[0].copy()
    p = (params.tau, params.gamma, params.alpha)
    trades, rate_eta, objective = _evaluate(x, params, lam)
    previous = np.full(count, np.inf)  # the last step's size, in units of the order
    steps = 0
    for steps in range(1, max_steps + 1):  # noqa: B007
        # f' and f'' once per trade; each serves the windows of both neighbouring holdings
        marginal = formulas.powerlaw_marginal_cost(trades, rate_eta, *p)
        curvature = formulas.powerlaw_curvature(rate_eta, *p)
        gradient = formulas.powerlaw_gradient_from_marginals(
            marginal[:-1], marginal[1:], x[1:-1], params.tau, params.sigma, lam
        )
        diagonal = formulas.powerlaw_hessian_diagonal_from_curvatures(
            curvature[:-1], curvature[1:], params.tau, params.sigma, lam
        )
        upper = formulas.powerlaw_hessian_offdiagonal_from_curvature(curvature[1:-1])
        step = np.zeros_like(x)
        np.negative(_solve_tridiagonal(diagonal, upper, gradient), out=step[1:-1])
        length = np.ones(x.shape[1])
        if params.alpha < 1:
            # keep every trade > 0, where f'' is finite: a step may shrink a trade to _KEEP of
            # its value at most. For alpha > 1 (then gamma = 0) f'' = alpha (alpha + 1) eta_j /
            # tau >= 0 for trades of either sign and E + lambda Var is strictly convex on every
            # schedule, so full Newton steps may cross zero; a safeguard there held every order
            # to the pace of its tiny tail trades (13 steps instead of 8 at alpha = 1.5)
            with np.errstate(divide="ignore", invalid="ignore"):  # 0 / 0: a trade of 0 stays 0
                shrink = np.fmax.reduce((step[1:] - step[:-1]) / trades, axis=0, keepdims=True)[0]
            length = np.minimum(1.0, (1 - _KEEP) / np.maximum(shrink, 1e-300))
        size = np.max(np.abs(step), axis=0) / orders
        stalled = (size <= NEWTON_NOISE_RTOL) & (size >= 0.5 * previous)
        small = (size <= NEWTON_RTOL) | stalled
        previous = size
        # backtracking on E + lambda Var (Armijo), only the orders whose step failed are tried
        # again; a step within rounding is taken as it is (the allowance is the worst rounding
        # of the N-term sum, which is added period by period)
        slope = np.einsum("ij,ij->j", gradient, step[1:-1])
        rounding = (8 + x.shape[0]) * _EPS * (np.abs(objective) + np.abs(slope))
        before, x = x, x + length * step
        trades, rate_eta, trial = _evaluate(x, params, lam)
        failed = np.flatnonzero(~small & (trial > objective + 1e-4 * length * slope + rounding))
        for _ in range(40):
            if failed.size == 0:
                break
            length[failed] /= 2
            x[:, failed] = before[:, failed] + length[failed] * step[:, failed]
            retried = _evaluate(x[:, failed], params, lam[failed])
            trades[:, failed], rate_eta[:, failed], trial[failed] = retried
            failed = failed[trial[failed] > (objective + 1e-4 * length * slope + rounding)[failed]]
        objective = trial
        if small.any():
            result[:, index[small]] = x[:, small]
            converged[index[small]] = True
            keep = ~small
            if not keep.any():
                break
            index, lam, orders, previous, objective = (
                a[keep] for a in (index, lam, orders, previous, objective)
            )
            x, trades, rate_eta = x[:, keep], trades[:, keep], rate_eta[:, keep]
    if not converged.all():  # out of steps: the orders still iterating keep their last iterate
        left = ~converged[index]
        result[:, index[left]] = x[:, left]
    return result.T.copy(), converged, steps


NDArray_bool = Any  # numpy boolean array (kept loose for the annotations above)


def generate_powerlaw_holdings(
    order_size: Any,
    duration_periods: int,
    params: AlmgrenChrissParams,
    risk_aversion: Any = 1e-6,
) -> FloatArray:
    """Optimal holdings under power-law impact for many orders in one vectorised call.

    Parameters
    ----------
    order_size : array_like
        Shares to sell, > 0 [shares].
    duration_periods : int
        Number of trading intervals N >= 1, each ``params.tau`` long.
    params : AlmgrenChrissParams
        ``eta`` is the coefficient of ``|v|**alpha`` [currency / share * (time / share)**alpha],
        ``alpha`` the impact exponent (> 0).
    risk_aversion : array_like, default 1e-6
        lambda >= 0 [1 / currency], broadcast against ``order_size``.

    Returns
    -------
    numpy.ndarray
        Holdings x_0 = X, ..., x_N = 0 of shape ``broadcast(order_size, risk_aversion).shape +
        (N + 1,)`` [shares]: the minimiser of
        E + lambda Var = gamma X**2 / 2 + epsilon X + sum_k (eta n_k**(alpha + 1) / tau**alpha
        - gamma n_k**2 / 2) + lambda sigma**2 tau sum_k x_k**2. NaN (with an
        :class:`~acsym.InputWarning`) where an input is out of range or Newton's method did not
        converge; where the objective is not convex on sell schedules (see the module) the
        schedule falls back to TWAP with a warning.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    """
    from acsym.trajectory import _check_params, _periods

    orders = real_array("order_size", order_size)
    lams = real_array("risk_aversion", risk_aversion)
    _check_params(params)
    steps, problem = _periods(duration_periods)
    orders, lams = np.broadcast_arrays(orders, lams)
    messages = [*([problem] if problem else []), *_params_problems(params)]
    if messages:
        for message in messages:
            warn(message + "; the holdings are NaN", stacklevel=2)
        return np.full((*orders.shape, (steps or 0) + 1), np.nan)
    assert steps is not None
    bad = ~(np.isfinite(orders) & (orders > 0)) | ~(np.isfinite(lams) & (lams >= 0))
    for name, values, rule in (
        ("order_size", orders, "must be finite and > 0"),
        ("risk_aversion", lams, "must be finite and >= 0"),
    ):
        wrong = ~(np.isfinite(values) & ((values > 0) if name == "order_size" else (values >= 0)))
        if wrong.any():
            shown = np.unique(values[wrong])[:5].tolist()
            warn(
                f"{int(wrong.sum())} value(s) of {name} out of range ({rule}), e.g. {shown}; "
                "their holdings are NaN",
                stacklevel=2,
            )
    flat_orders = np.where(bad, 1.0, orders).reshape(-1)
    flat_lams = np.where(bad, 0.0, lams).reshape(-1)
    result = _solve(flat_orders, steps, params, flat_lams, stacklevel=3)
    result[bad.reshape(-1)] = np.nan
    return result.reshape((*orders.shape, steps + 1))


def _params_problems(params: AlmgrenChrissParams) -> list[str]:
    problems = params.problems()
    if not positive(params.alpha):
        problems.append(describe("params.alpha", params.alpha, "must be finite and > 0"))
    return problems


def _solve(
    orders: FloatArray, steps: int, params: AlmgrenChrissParams, lams: FloatArray, stacklevel: int
) -> FloatArray:
    """Holdings (B, N + 1) for valid orders and risk aversions."""
    reason = _well_posed(orders, params)
    if reason is not None:
        warn(f"{reason}; falling back to TWAP", stacklevel=stacklevel)
        index = np.arange(steps + 1, dtype=np.float64)
        return np.asarray(formulas.holdings(orders[:, None], index, float(steps), 0.0), dtype=np.float64)
    if params.alpha == 1:  # f'' is constant: the schedule is the closed form, no iterations
        return _sinh_schedule(orders, steps, params, lams)
    # orders in blocks of about _CHUNK elements, whose iterates and temporaries stay (nearer) in
    # cache: at 10,000 x 390 a third to a half faster than the whole batch at once. Each
    # order's iteration is its own, whatever the block.
    holdings = np.empty((orders.size, steps + 1))
    converged = np.empty(orders.size, dtype=bool)
    block = max(1, _CHUNK // (steps + 1))
    for first in range(0, orders.size, block):
        part = slice(first, first + block)
        start = _initial(orders[part], steps, params, lams[part])
        holdings[part], converged[part], _ = _newton(start, params, lams[part])
    if params.alpha > 1:
        # the optimum's tail trades (1e-20 X and less) are below rounding: Newton ends on
        # either side of zero, so drop the rounding-level buybacks (holdings move <= 1e-15 X)
        holdings = np.maximum(np.minimum.accumulate(holdings, axis=1), 0.0)
    if not converged.all():
        warn(
            f"Newton's method did not converge for {int((~converged).sum())} order(s) in "
            f"{NEWTON_MAX_STEPS} steps; their holdings are NaN",
            stacklevel=stacklevel,
        )
        holdings[~converged] = np.nan
    return holdings


def generate_powerlaw_trajectory(
    order_size: float,
    duration_periods: int,
    params: AlmgrenChrissParams,
    risk_aversion: float = 1e-6,
) -> ExecutionTrajectory:
    """The optimal schedule under power-law temporary impact h(v) = epsilon + eta v**alpha.

    Parameters
    ----------
    order_size : float
        Shares to sell, > 0 [shares].
    duration_periods : int
        Number of trading intervals N >= 1, each ``params.tau`` long.
    params : AlmgrenChrissParams
        ``eta`` is the coefficient of ``v**alpha`` and ``alpha`` the exponent (see
        :func:`powerlaw_params_from_fit`).
    risk_aversion : float, default 1e-6
        lambda >= 0 [1 / currency].

    Returns
    -------
    ExecutionTrajectory
        ``strategy_name`` 'power_law'; ``params`` holds ``alpha``, ``expected_cost``
        [currency] (:func:`acsym.formulas.powerlaw_schedule_expected_cost`) and ``variance``
        [currency**2] (:func:`acsym.formulas.schedule_variance`). At alpha = 1 it is
        :func:`acsym.generate_ac_trajectory`'s schedule. Out-of-range values give NaN arrays
        and an :class:`~acsym.InputWarning`.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    """
    from acsym.trajectory import ExecutionTrajectory, _check_order, _nan_trajectory, cost_in_bps

    order = real("order_size", order_size)
    lam = real("risk_aversion", risk_aversion)
    steps, messages = _check_order(order, duration_periods, params)
    if not nonnegative(lam):
        messages.append(describe("risk_aversion", lam, "must be finite and >= 0"))
    messages += _params_problems(params)
    if messages:
        for message in messages:
            warn(message + "; the trajectory is NaN", stacklevel=2)
        return _nan_trajectory(steps, params, lam, messages, "power_law", alpha=params.alpha)
    assert steps is not None
    holdings = _solve(np.array([order]), steps, params, np.array([lam]), stacklevel=3)[0]
    trades = holdings[:-1] - holdings[1:]
    cost = float(
        formulas.powerlaw_schedule_expected_cost(
            trades, params.tau, params.gamma, params.eta, params.epsilon, params.alpha
        )
    )
    variance = float(formulas.schedule_variance(holdings, params.tau, params.sigma))
    return ExecutionTrajectory(
        timestamps=np.arange(steps + 1, dtype=np.float64) * params.tau,
        holdings=holdings,
        trade_sizes=trades,
        strategy_name="power_law",
        total_cost_estimate=cost_in_bps(cost, order, params, messages),
        risk_aversion=lam,
        params={
            "alpha": params.alpha,
            "eta_tilde": params.eta_tilde,
            "expected_cost": cost,
            "variance": variance,
            "warnings": tuple(messages),
        },
    )


def powerlaw_frontier(
    order_size: float, duration_periods: int, params: AlmgrenChrissParams, risk_aversion: Any
) -> tuple[FloatArray, FloatArray]:
    """Expected cost and variance of the optimal power-law schedules for many risk aversions.

    Parameters
    ----------
    order_size : float
        Shares to sell, > 0 [shares].
    duration_periods : int
        Number of intervals N >= 1.
    params : AlmgrenChrissParams
        As for :func:`generate_powerlaw_trajectory`.
    risk_aversion : array_like
        lambda values >= 0 [1 / currency]; all schedules are solved in one batch. ``inf`` is the
        limit lambda -> inf, the market order (everything in the first interval), as in
        :func:`acsym.efficient_frontier`.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        E [currency] (:func:`acsym.formulas.powerlaw_schedule_expected_cost`) and Var
        [currency**2] (:func:`acsym.formulas.schedule_variance`) per lambda: the efficient
        frontier of the power-law model, to set next to :func:`acsym.efficient_frontier`.
    """
    lams = real_array("risk_aversion", risk_aversion)
    limit = np.isposinf(lams)
    holdings = generate_powerlaw_holdings(order_size, duration_periods, params, np.where(limit, 0.0, lams))
    holdings[np.broadcast_to(limit, holdings.shape[:-1]), 1:] = 0.0  # the market order: x_0 = X, then 0
    trades = holdings[..., :-1] - holdings[..., 1:]
    cost = formulas.powerlaw_schedule_expected_cost(
        trades, params.tau, params.gamma, params.eta, params.epsilon, params.alpha
    )
    variance = formulas.schedule_variance(holdings, params.tau, params.sigma)
    return np.asarray(cost, dtype=np.float64), np.asarray(variance, dtype=np.float64)


# --- continuous time -------------------------------------------------------------------------


def _horizon(order: Any, constant: Any, lam: Any, params: AlmgrenChrissParams) -> FloatArray:
    return np.asarray(
        formulas.powerlaw_horizon(order, constant, lam, params.sigma, params.eta, params.alpha),
        dtype=np.float64,
    )


def powerlaw_first_integral(
    order_size: float, horizon: float, params: AlmgrenChrissParams, risk_aversion: float
) -> float:
    """The first integral C = alpha eta v**(alpha+1) - lambda sigma**2 x**2 of the optimal
    continuous schedule selling ``order_size`` over ``horizon``: the root of T(C) = horizon.

    0 when alpha > 1 and the horizon is at least T(0) (the schedule then ends at T(0)). Needs
    scipy. Inputs are assumed valid (see :func:`powerlaw_continuous_holdings`).
    """
    lam, alpha = risk_aversion, params.alpha
    # lambda = 0: constant rate X / T, so C = alpha eta (X / T)**(alpha + 1) exactly
    upper = alpha * params.eta * (order_size / horizon) ** (alpha + 1)
    if lam == 0 or params.sigma == 0:
        return upper
    if alpha > 1:
        unhurried = float(formulas.powerlaw_horizon_at_zero(order_size, lam, params.sigma, params.eta, alpha))
        if horizon >= unhurried:
            return 0.0
    # T(C) decreases from T(0) (inf for alpha <= 1) to T(upper) <= horizon: bisect log C
    lower = upper
    while _horizon(order_size, lower, lam, params) < horizon:
        lower /= 16.0
    low, high = math.log(lower), math.log(upper)
    for _ in range(200):
        middle = 0.5 * (low + high)
        if middle in (low, high):
            break
        if _horizon(order_size, math.exp(middle), lam, params) > horizon:
            low = middle
        else:
            high = middle
    return math.exp(0.5 * (low + high))


def powerlaw_continuous_holdings(
    order_size: float, horizon: float, time: Any, params: AlmgrenChrissParams, risk_aversion: float = 1e-6
) -> FloatArray:
    """Holdings of the optimal continuous-time schedule under power-law impact (Almgren 2003).

    Parameters
    ----------
    order_size : float
        Shares to sell, > 0 [shares].
    horizon : float
        T > 0 [time units].
    time : array_like
        Times 0 <= t <= T [time units].
    params : AlmgrenChrissParams
        ``eta`` (coefficient of v**alpha), ``alpha``, ``sigma``.
    risk_aversion : float, default 1e-6
        lambda >= 0 [1 / currency].

    Returns
    -------
    numpy.ndarray
        x(t) [shares]: with C from T(C) = horizon (:func:`powerlaw_first_integral`), the
        holding whose time to liquidation T(C; x) is horizon - t (both by
        :func:`acsym.formulas.powerlaw_horizon`, within 1e-13 of mpmath at every
        w = risk_aversion sigma**2 X**2 / C; checked to w = 1e12). Needs scipy (acsym[calibration]).
    """
    order = real("order_size", order_size)
    total = real("horizon", horizon)
    lam = real("risk_aversion", risk_aversion)
    times = real_array("time", time)
    problems = [
        describe(name, value, rule)
        for name, value, ok, rule in (
            ("order_size", order, positive(order), "must be finite and > 0"),
            ("horizon", total, positive(total), "must be finite and > 0"),
            ("risk_aversion", lam, nonnegative(lam), "must be finite and >= 0"),
        )
        if not ok
    ] + _params_problems(params)
    if problems:
        for message in problems:
            warn(message + "; the holdings are NaN", stacklevel=2)
        return np.full(times.shape, np.nan)
    constant = powerlaw_first_integral(order, total, params, lam)
    if constant == 0.0:  # alpha > 1: trading ends at T(0) <= horizon
        total = float(formulas.powerlaw_horizon_at_zero(order, lam, params.sigma, params.eta, params.alpha))
    left = np.clip(total - times, 0.0, None)
    low = np.zeros(times.shape)
    high = np.full(times.shape, order)
    # T(C; x) increases in x from 0: bisect for the holding whose time to sell is `left`
    for _ in range(80):
        middle = 0.5 * (low + high)
        if constant == 0.0:
            needed = formulas.powerlaw_horizon_at_zero(middle, lam, params.sigma, params.eta, params.alpha)
        else:
            needed = _horizon(middle, constant, lam, params)
        longer = needed > left
        high = np.where(longer, middle, high)
        low = np.where(longer, low, middle)
    holdings = 0.5 * (low + high)
    holdings = np.where(left <= 0, 0.0, np.where(times <= 0, order, holdings))
    return np.asarray(holdings, dtype=np.float64)


# --- from a calibration ----------------------------------------------------------------------


def powerlaw_params_from_fit(
    result: CalibrationResult,
    daily_volume: float,
    daily_spread: float,
    daily_volatility: float,
    price: float,
    *,
    tau: float = 1.0,
    time_unit: float = 1.0,
) -> AlmgrenChrissParams:
    """Power-law params from an impact fit: the fitted curve itself, not a secant of it.

    The fit is slippage_bps = epsilon + c sigma p**alpha with p = v / (V time_unit) the
    participation (:func:`acsym.calibrate_impact`); in currency per share at rate v it is
    h(v) = P epsilon / 1e4 + eta v**alpha with

    .. math:: \\eta = \\frac{P}{10^4} \\, c \\, \\sigma \\, (V \\, \\text{time\\_unit})^{-\\alpha}.

    Parameters
    ----------
    result : CalibrationResult
        A fit from :func:`acsym.calibrate_impact`.
    daily_volume, daily_spread, daily_volatility, price : float
        As for :func:`acsym.calibrate_ac_params` (gamma and sigma come from there).
    tau : float, default 1.0
        Time between trades [time units].
    time_unit : float, default 1.0
        Length of the time unit in days.

    Returns
    -------
    AlmgrenChrissParams
        With ``alpha`` and ``epsilon`` from the fit, ``eta`` as above and
        ``source_calibration=result``; NaN fields with an :class:`~acsym.InputWarning` when the
        fit failed or an input is out of range.
    """
    base = calibrate_ac_params(
        daily_volume, daily_spread, daily_volatility, price, tau=tau, source_calibration=result
    )
    unit = real("time_unit", time_unit)
    if not (result.ok and positive(unit) and math.isfinite(base.eta)):
        message = warn(
            "the fit failed or an input is out of range: the power-law eta and epsilon are NaN", stacklevel=2
        )
        eta = epsilon = math.nan
        warnings = (*base.warnings, message)
    else:
        scale = base.price / 1e4
        eta = scale * result.coefficient * daily_volatility * (daily_volume * unit) ** (-result.alpha)
        epsilon = scale * result.epsilon
        warnings = base.warnings
    return AlmgrenChrissParams(
        eta=eta,
        gamma=base.gamma,
        sigma=base.sigma,
        alpha=base.alpha,
        tau=base.tau,
        source_calibration=result,
        warnings=warnings,
        epsilon=epsilon,
        price=base.price,
    )
