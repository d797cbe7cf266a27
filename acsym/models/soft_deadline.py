"""Liquidation with a soft deadline (Cartea, Jaimungal & Penalva 2015, ch. 6).

Shares left at the horizon are sold at once at S_T - terminal_penalty * Q_T. The model is in
continuous time, in acsym's parameters: CJP's temporary impact k is ``params.eta``, its permanent
impact b is ``params.gamma`` and its running inventory penalty phi is ``risk_aversion *
params.sigma**2``; g = sqrt(phi / k) is :func:`acsym.formulas.kappa_continuous`. Every number
comes from the generated :mod:`acsym.formulas` (``holdings_soft_deadline``,
``expected_cost_soft_deadline``, ``variance_soft_deadline``), derived in
:mod:`acsym.derivation.soft_deadline`; with ``discrete=True`` from
``holdings_soft_deadline_discrete``, ``trade_sizes_soft_deadline_discrete``,
``schedule_expected_cost_soft_deadline`` and ``schedule_variance``, derived in
:mod:`acsym.derivation.soft_deadline_discrete`.
"""

from __future__ import annotations

import math

import numpy as np

from acsym import formulas, formulas_scalar
from acsym._typing import FloatArray
from acsym._validate import describe, nonnegative, positive, real, warn
from acsym.model import AlmgrenChrissParams
from acsym.trajectory import ExecutionTrajectory, _check_order, _kappa_tau, _nan_trajectory, cost_in_bps

STRATEGY_NAME = "soft_deadline"


def generate_soft_deadline_trajectory(
    order_size: float,
    duration_periods: int,
    params: AlmgrenChrissParams,
    terminal_penalty: float,
    risk_aversion: float = 1e-6,
    *,
    discrete: bool = False,
) -> ExecutionTrajectory:
    """The optimal schedule when shares left at the horizon are sold at a penalty.

    Parameters
    ----------
    order_size : float
        Shares to sell, > 0 [shares].
    duration_periods : int
        Number of intervals N >= 1, each ``params.tau`` long; the schedule is sampled at
        t_k = k tau.
    params : AlmgrenChrissParams
        Model parameters; needs eta > 0 (CJP's k).
    terminal_penalty : float
        alpha: selling q shares at the horizon costs alpha q**2 on top of the price
        [currency / share**2]; finite and >= gamma / 2 (the block sale then costs at least
        the permanent impact it gives back). Larger values approach the hard deadline.
    risk_aversion : float, default 1e-6
        lambda >= 0 [1 / currency]; CJP's phi = lambda sigma**2.
    discrete : bool, default False
        False: CJP's continuous-time solution sampled at t_k (the default, as before). True: the
        exact optimum of the discrete model of :func:`acsym.generate_ac_trajectory` (N trades,
        temporary impact net of the permanent's discrete share, eta_tilde = eta - gamma tau / 2,
        the discrete kappa) with x_N free and sold as a block at S_N - epsilon - alpha x_N; needs
        eta_tilde > 0. It tends to the continuous one as N grows (tau -> 0) and, as
        terminal_penalty -> inf, to :func:`acsym.generate_ac_trajectory`'s schedule.

    Returns
    -------
    ExecutionTrajectory
        Holdings Q(t_k) from order_size down to ``params["unsold"]`` = Q(T) > 0, the shares
        left for the block sale at the horizon, and the trades Q(t_{k-1}) - Q(t_k) (which sum
        to order_size - unsold). ``params`` holds kappa (= g = sqrt(phi / k)) [1 / time],
        terminal_penalty, unsold [shares], expected_cost [currency] (gamma X**2 / 2 + epsilon
        X + eta integral nu**2 dt + (alpha - gamma / 2) Q(T)**2, the block included) and
        variance [currency**2] (sigma**2 integral Q**2 dt), both in continuous time. With
        ``discrete=True``: kappa is the discrete root, expected_cost is gamma X**2 / 2 + epsilon
        (sum n_k + x_N) + (eta_tilde / tau) sum n_k**2 + (alpha - gamma / 2) x_N**2 and variance
        sigma**2 tau sum_{k=1..N} x_k**2 (x_N included: its shares bear the last interval's
        risk), the exact cost and variance of the discrete schedule.

    Notes
    -----
    Q(t) = X (zeta e^(g (T - t)) - e^(-g (T - t))) / (zeta e^(g T) - e^(-g T)) with
    zeta = (alpha - gamma/2 + eta g) / (alpha - gamma/2 - eta g): Cartea, Jaimungal & Penalva
    (2015), section 6.5. As terminal_penalty -> inf it tends to X sinh(g (T - t)) / sinh(g T)
    (proof ``soft_deadline_hard_limit``), the continuous-time hard deadline; for the discrete
    hard deadline use :func:`acsym.generate_ac_trajectory`. At risk_aversion = 0 the schedule
    is linear, X (c (T - t) + eta) / (c T + eta) with c = alpha - gamma/2, and leaves
    X eta / (c T + eta) unsold. Out-of-range values give NaN arrays and an
    :class:`~acsym.InputWarning` naming the argument.

    In discrete time (``discrete=True``, :mod:`acsym.derivation.soft_deadline_discrete`)
    x_k = X F(T - t_k) / F(T) with F(s) = c sinh(kappa s) + (eta_tilde / tau) (sinh(kappa (s +
    tau)) minus sinh(kappa s)), kappa the discrete root of :func:`acsym.formulas.kappa`; at
    risk_aversion = 0 it is X (c (T - t_k) + eta_tilde) / (c T + eta_tilde). As
    terminal_penalty -> inf it is :func:`acsym.generate_ac_trajectory`'s schedule (proof
    ``soft_deadline_discrete_hard_limit``). The discrete and the continuous schedules differ
    by O(tau), first order (eta_tilde = eta - gamma tau / 2 and the one-sided end condition).

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    """
    order = real("order_size", order_size)
    alpha = real("terminal_penalty", terminal_penalty)
    lam = real("risk_aversion", risk_aversion)
    if not isinstance(discrete, (bool, np.bool_)):
        raise TypeError(f"discrete must be a bool, got {type(discrete).__name__}")
    steps, messages = _check_order(order, duration_periods, params)
    if not nonnegative(lam):
        messages.append(describe("risk_aversion", lam, "must be finite and >= 0"))
    messages += params.problems()
    if discrete and not messages and not positive(params.eta_tilde):
        rule = "must be > 0 in discrete time (eta > gamma * tau / 2)"
        messages.append(describe("params.eta_tilde", params.eta_tilde, rule))
    if not discrete and not messages and not positive(params.eta):
        messages.append(describe("params.eta", params.eta, "must be > 0 in continuous time"))
    if not (math.isfinite(alpha) and (messages or alpha >= params.gamma / 2)):
        rule = "must be finite and >= gamma / 2; for a hard deadline use generate_ac_trajectory"
        messages.append(describe("terminal_penalty", alpha, rule))
    if messages:
        for message in messages:
            warn(message + "; the trajectory is NaN", stacklevel=2)
        details = {"kappa": math.nan, "terminal_penalty": alpha, "unsold": math.nan}
        return _nan_trajectory(steps, params, lam, messages, STRATEGY_NAME, **details)
    assert steps is not None
    if discrete:
        return _discrete_trajectory(order, steps, params, alpha, lam, messages)

    kappa = float(formulas.kappa_continuous(lam, params.sigma, params.eta))
    horizon = steps * params.tau
    times = np.arange(steps + 1, dtype=np.float64) * params.tau
    # the schedule and the variance depend on (eta, gamma, alpha) through their ratios and the
    # cost is proportional to (eta, gamma, epsilon, alpha) at fixed kappa: dividing the four by
    # 2**e is exact and keeps a huge penalty (1e300 for "no shares left") from overflowing
    exponent = max(math.frexp(alpha)[1] - _PENALTY_EXPONENT, 0)
    eta, gamma, epsilon, penalty = (
        math.ldexp(v, -exponent) for v in (params.eta, params.gamma, params.epsilon, alpha)
    )
    holdings = np.asarray(
        formulas.holdings_soft_deadline(order, times, horizon, kappa, eta, gamma, penalty), dtype=np.float64
    )
    holdings[0] = order  # Q(0) = X: the generated form returns it within an ulp
    trades = holdings[:-1] - holdings[1:]
    cost = math.ldexp(
        float(formulas.expected_cost_soft_deadline(order, horizon, kappa, eta, gamma, epsilon, penalty)),
        exponent,
    )
    variance = formulas.variance_soft_deadline(order, horizon, kappa, params.sigma, eta, gamma, penalty)
    bps = cost_in_bps(cost, order, params, messages)
    return _packaged(times, holdings, trades, lam, bps, kappa, alpha, cost, float(variance), params, messages)


def _packaged(
    times: FloatArray,
    holdings: FloatArray,
    trades: FloatArray,
    lam: float,
    bps: float,
    kappa: float,
    alpha: float,
    cost: float,
    variance: float,
    params: AlmgrenChrissParams,
    messages: list[str],
) -> ExecutionTrajectory:
    """The soft-deadline result, continuous or discrete: shares left at the horizon as ``unsold``."""
    return ExecutionTrajectory(
        timestamps=times,
        holdings=holdings,
        trade_sizes=trades,
        strategy_name=STRATEGY_NAME,
        total_cost_estimate=bps,
        risk_aversion=lam,
        params={
            "kappa": kappa,
            "eta_tilde": params.eta_tilde,
            "terminal_penalty": alpha,
            "unsold": float(holdings[-1]),
            "expected_cost": cost,
            "variance": variance,
            "warnings": tuple(messages),
        },
    )


#: a terminal penalty above 2**_PENALTY_EXPONENT (1e120) is scaled down with eta, gamma and
#: epsilon before the continuous-time formulas see it
_PENALTY_EXPONENT = 400


def _discrete_trajectory(
    order: float, steps: int, params: AlmgrenChrissParams, alpha: float, lam: float, messages: list[str]
) -> ExecutionTrajectory:
    """The discrete-time schedule, in units of tau as :func:`acsym.trajectory._one_schedule`:
    time = k, horizon = N, kappa tau and eta_tilde / tau, since only kappa tau, k, N and
    c tau / eta_tilde matter (c = alpha - gamma / 2 is formed inside, exactly where alpha is
    close to gamma / 2; alpha tau - gamma tau / 2 would not be). The three are divided by the
    power of two 2**e <= alpha (alpha > 1), exactly, so that c N cannot overflow: a penalty of
    1e306 gives the hard deadline's schedule, not NaN."""
    kappa_tau = _kappa_tau(lam, params)
    index = np.arange(steps + 1, dtype=np.float64)
    exponent = max(math.frexp(alpha)[1], 0)
    scaled = (math.ldexp(v, -exponent) for v in (params.eta_tilde / params.tau, params.gamma, alpha))
    shape = (kappa_tau, 1.0, *scaled)
    horizon = float(steps)
    holdings = np.asarray(
        formulas.holdings_soft_deadline_discrete(order, index, horizon, *shape), dtype=np.float64
    )
    holdings[0] = order  # x_0 = X: the generated form returns it within an ulp
    trades = np.asarray(
        formulas.trade_sizes_soft_deadline_discrete(order, index[1:], horizon, *shape), dtype=np.float64
    )
    unsold = float(holdings[-1])
    cost = float(
        formulas.schedule_expected_cost_soft_deadline(
            trades, unsold, params.tau, params.gamma, params.eta_tilde, params.epsilon, alpha
        )
    )
    variance = float(formulas.schedule_variance(holdings, params.tau, params.sigma))
    bps = cost_in_bps(cost, order, params, messages, stacklevel=4)
    kappa = float(formulas_scalar.kappa(lam, params.sigma, params.eta_tilde, params.tau))
    times = index * params.tau
    return _packaged(times, holdings, trades, lam, bps, kappa, alpha, cost, variance, params, messages)


__all__ = ["STRATEGY_NAME", "generate_soft_deadline_trajectory"]
