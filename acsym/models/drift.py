"""The optimal schedule with an expected price drift (Almgren & Chriss 2000, the section on drift).

Every number comes from the generated :mod:`acsym.formulas` (``holdings_with_drift``,
``trade_sizes_with_drift``, the closed forms ``expected_cost_with_drift`` and
``variance_with_drift``, and ``buyback_fixed_cost``), derived in :mod:`acsym.derivation.drift` and
:mod:`acsym.derivation.drift_moments`. This module validates inputs and packages the result.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from acsym import formulas, formulas_scalar
from acsym._validate import describe, nonnegative, real, warn
from acsym.model import AlmgrenChrissParams
from acsym.trajectory import (
    ExecutionTrajectory,
    _check_order,
    _kappa_tau,
    _nan_trajectory,
    _one_schedule,
    _scalar_moments,
    cost_in_bps,
)

STRATEGY_NAME = "almgren_chriss_drift"


def generate_drift_trajectory(
    order_size: float,
    duration_periods: int,
    params: AlmgrenChrissParams,
    risk_aversion: float = 1e-6,
    drift: float = 0.0,
) -> ExecutionTrajectory:
    """The Almgren-Chriss optimal schedule when the price is expected to drift.

    Parameters
    ----------
    order_size : float
        Shares to sell, > 0 [shares].
    duration_periods : int
        Number of trading intervals N >= 1, each ``params.tau`` long.
    params : AlmgrenChrissParams
        Model parameters.
    risk_aversion : float, default 1e-6
        lambda >= 0 [1 / currency].
    drift : float, default 0.0
        Expected price drift mu, finite [currency / (share * time unit)]: > 0 when the price is
        expected to rise (a seller then sells later), < 0 when it is expected to fall.

    Returns
    -------
    ExecutionTrajectory
        Holdings at t_k = k tau,

        .. math:: x_k = X \\frac{\\sinh \\kappa (T - t_k)}{\\sinh \\kappa T}
                  + \\bar x \\left(1 - \\frac{\\sinh \\kappa (T - t_k) + \\sinh \\kappa t_k}
                  {\\sinh \\kappa T}\\right), \\qquad \\bar x = \\frac{\\mu}{2 \\lambda \\sigma^2},

        and the trades; ``strategy_name`` is ``'almgren_chriss_drift'``. ``params`` holds kappa
        [1 / time], eta_tilde, drift, expected_cost [currency] (gamma X**2 / 2 + epsilon
        sum abs(n_k) + (eta_tilde / tau) sum n_k**2 - mu tau sum x_k, by the closed form
        :func:`acsym.formulas.expected_cost_with_drift` plus
        :func:`acsym.formulas.buyback_fixed_cost`) and variance [currency**2] (sigma**2 tau
        sum x_k**2, by :func:`acsym.formulas.variance_with_drift`), and ``total_cost_estimate``
        is the expected cost in bps of X * price.

    Notes
    -----
    ``drift = 0`` gives :func:`acsym.generate_ac_trajectory`'s holdings, trades, expected cost
    and variance bit for bit.
    As ``risk_aversion -> 0`` with a drift, x_bar grows without bound while kappa -> 0; the
    correction stays finite and tends to the parabola mu t (T - t) / (4 eta_tilde), which
    ``risk_aversion = 0`` gives exactly (a risk-neutral trader trades on the view). The model
    does not bound the holdings: with a strong enough view they leave [0, order_size] (negative
    trades are buys). The optimum minimises the quadratic part of the cost: the fixed cost
    epsilon sum abs(n_k) is epsilon X for a schedule that only sells, but a schedule that also buys
    pays it on both legs. The reported expected cost includes it (epsilon times twice the shares
    bought back, :func:`acsym.formulas.buyback_fixed_cost`), but the schedule does not weigh it:
    with epsilon > 0 and a view strong enough to buy back, a schedule with smaller round trips
    can have a lower E + lambda Var (that optimum has a kink at n_k = 0 and no closed form).
    Out-of-range values give NaN
    arrays and an :class:`~acsym.InputWarning` naming the argument; where eta_tilde <= 0 the
    model is not well posed and the schedule falls back to TWAP (the drift is then ignored)
    with a warning.

    Raises
    ------
    TypeError
        If an argument has the wrong type (a str, None, ...).
    """
    order = real("order_size", order_size)
    lam = real("risk_aversion", risk_aversion)
    mu = real("drift", drift)
    steps, messages = _check_order(order, duration_periods, params)
    if not nonnegative(lam):
        messages.append(describe("risk_aversion", lam, "must be finite and >= 0"))
    if not math.isfinite(mu):
        messages.append(describe("drift", mu, "must be finite"))
    messages += params.problems()
    if messages:
        for message in messages:
            warn(message + "; the trajectory is NaN", stacklevel=2)
        return _nan_trajectory(steps, params, lam, messages, STRATEGY_NAME, kappa=math.nan, drift=mu)
    assert steps is not None

    eta_tilde = params.eta_tilde
    effective_drift, impact = mu, eta_tilde
    if eta_tilde > 0:
        kappa = formulas_scalar.kappa(lam, params.sigma, eta_tilde, params.tau)
    else:
        messages.append(
            warn(
                f"eta_tilde = {eta_tilde!r} <= 0: the model is not well posed (it needs eta > "
                "gamma * tau / 2); falling back to TWAP and ignoring the drift",
                stacklevel=2,
            )
        )
        kappa, effective_drift, impact = 0.0, 0.0, 1.0  # any impact > 0: the correction is 0
    kappa_tau = _kappa_tau(lam, params) if kappa > 0 else 0.0
    horizon = steps * params.tau
    if effective_drift == 0:  # today's schedule and moments, by the same forms as generate_ac_trajectory
        _, holdings, trades = _one_schedule(order, steps, kappa_tau)
        moments = _scalar_moments(order, horizon, kappa, params)
    else:
        holdings, trades = drift_schedule(order, steps, kappa_tau, effective_drift * params.tau**2, impact)
        moments = _drift_moments(order, horizon, kappa, params, effective_drift)
    if moments is None:  # extreme values (an overflowing product): the numpy forms give inf, not raise
        moments = (
            float(
                formulas.expected_cost_with_drift(
                    order,
                    horizon,
                    params.tau,
                    kappa,
                    params.gamma,
                    eta_tilde,
                    params.epsilon,
                    effective_drift,
                )
            ),
            float(
                formulas.variance_with_drift(
                    order, horizon, params.tau, kappa, params.sigma, eta_tilde, effective_drift
                )
            ),
        )
    # the closed form's fixed cost is epsilon X (a schedule that only sells); a strong view can
    # make the optimum buy back, and each share bought and sold again pays epsilon twice
    cost = moments[0] + float(formulas.buyback_fixed_cost(trades, params.epsilon))
    variance = moments[1]
    bps = cost_in_bps(cost, order, params, messages)
    return ExecutionTrajectory(
        timestamps=np.arange(steps + 1, dtype=np.float64) * params.tau,
        holdings=holdings,
        trade_sizes=trades,
        strategy_name=STRATEGY_NAME,
        total_cost_estimate=bps,
        risk_aversion=lam,
        params={
            "kappa": kappa,
            "eta_tilde": eta_tilde,
            "drift": mu,
            "expected_cost": cost,
            "variance": variance,
            "warnings": tuple(messages),
        },
    )


def _drift_moments(
    order: float, horizon: float, kappa: float, params: AlmgrenChrissParams, drift: float
) -> tuple[float, float] | None:
    """E and Var of the optimal drift schedule by the scalar twins of the generated closed forms
    (``expected_cost_with_drift``, ``variance_with_drift``); None where ``math`` raises."""
    if not math.isfinite(kappa):
        return None
    try:
        cost = formulas_scalar.expected_cost_with_drift(
            order, horizon, params.tau, kappa, params.gamma, params.eta_tilde, params.epsilon, drift
        )
        variance = formulas_scalar.variance_with_drift(
            order, horizon, params.tau, kappa, params.sigma, params.eta_tilde, drift
        )
    except (ArithmeticError, ValueError):
        return None
    return cost, variance


def drift_schedule(
    order: Any, steps: int, kappa_tau: Any, drift_tau2: Any, eta_tilde: Any
) -> tuple[Any, Any]:
    """Holdings x_0..x_N and trades n_1..n_N in units of tau, through the generated formulas.

    Only kappa tau, the index j and N matter for the base schedule, and the correction is
    (mu tau^2 / (2 eta_tilde)) times a function of j, N and kappa tau, so the drift is passed as
    mu tau^2 [currency * time / share]. The base part is :func:`acsym.trajectory._optimal_schedule`'s
    exactly (the same generated steps, the same arguments), which is why drift = 0 matches it bit
    for bit.
    """
    index = np.arange(steps + 1, dtype=np.float64)
    horizon = float(steps)
    holdings = formulas.holdings_with_drift(order, index, horizon, kappa_tau, 1.0, drift_tau2, eta_tilde)
    trades = formulas.trade_sizes_with_drift(order, index[1:], horizon, kappa_tau, 1.0, drift_tau2, eta_tilde)
    return holdings, trades


__all__ = ["STRATEGY_NAME", "drift_schedule", "generate_drift_trajectory"]
