"""How the optimal schedule's expected cost and variance move with the model parameters.

:func:`cost_sensitivities` evaluates the derivatives SymPy derived
(:mod:`acsym.derivation.sensitivity`, generated as ``acsym.formulas.expected_cost_d_*`` and
``variance_d_*``) for a whole batch of orders and risk aversions at once, and
:meth:`CostSensitivities.change` turns them into the first-order answer to "what if my impact
estimate is 20% off".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from acsym import formulas
from acsym._typing import FloatArray
from acsym._validate import real_array, warn

if TYPE_CHECKING:
    from acsym.model import AlmgrenChrissParams

#: the parameters differentiated, by their runtime names
PARAMETERS = ("eta", "gamma", "sigma", "epsilon", "risk_aversion", "tau")
#: the parameters the optimal holdings depend on
HOLDINGS_PARAMETERS = ("eta", "gamma", "sigma", "risk_aversion", "tau")


@dataclass(frozen=True)
class CostSensitivities:
    """Derivatives of the optimal schedule's expected cost and variance, per parameter.

    ``expected_cost[p]`` is d E / d p [currency per unit of p] and ``variance[p]`` is
    d Var / d p [currency**2 per unit of p], each of the batch's broadcast shape; ``values[p]``
    holds the parameters they were taken at. The derivative with respect to ``tau`` keeps the
    number of intervals fixed (the horizon moves with tau).
    """

    expected_cost: dict[str, FloatArray]
    variance: dict[str, FloatArray]
    values: dict[str, FloatArray]

    def change(self, **relative: float) -> tuple[FloatArray, FloatArray]:
        """First-order change of (expected cost, variance) when parameters move by the given
        relative amounts, e.g. ``change(eta=0.2, gamma=0.2)`` for impact 20% higher.

        Raises
        ------
        TypeError
            For a name that is not one of :data:`PARAMETERS`.
        """
        unknown = sorted(set(relative) - set(PARAMETERS))
        if unknown:
            raise TypeError(f"unknown parameter(s) {unknown}; choose from {list(PARAMETERS)}")
        cost = sum(
            (self.expected_cost[p] * self.values[p] * float(r) for p, r in relative.items()),
            np.zeros_like(self.expected_cost["eta"]),
        )
        variance = sum(
            (self.variance[p] * self.values[p] * float(r) for p, r in relative.items()),
            np.zeros_like(self.variance["eta"]),
        )
        return np.asarray(cost), np.asarray(variance)

    def elasticity(self, quantity: str, parameter: str) -> FloatArray:
        """(p / Q) dQ / dp for Q = ``"expected_cost"`` or ``"variance"``: the relative change of Q
        per relative change of p (NaN where Q is 0, as the variance of a one-step schedule)."""
        derivative = getattr(self, quantity)[parameter]
        value = self.values[quantity]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(np.where(value != 0, derivative * self.values[parameter] / value, np.nan))


def cost_sensitivities(
    order_size: Any,
    duration_periods: int,
    params: AlmgrenChrissParams,
    risk_aversion: Any = 1e-6,
) -> CostSensitivities:
    """Sensitivities of the optimal schedule's expected cost and variance, for a batch.

    Parameters
    ----------
    order_size : array_like
        Shares to sell, > 0 [shares].
    duration_periods : int
        Number of trading intervals N >= 1 (the horizon is N * params.tau).
    params : AlmgrenChrissParams
        Model parameters (one set for every order); eta_tilde must be > 0.
    risk_aversion : array_like, default 1e-6
        lambda >= 0 [1 / currency], broadcast against ``order_size``.

    Returns
    -------
    CostSensitivities
        d E / d p and d Var / d p for p in eta, gamma, sigma, epsilon, risk_aversion, tau, of
        shape ``broadcast(order_size, risk_aversion).shape``. Entries whose order or risk
        aversion is out of range are NaN, with an :class:`~acsym.InputWarning` naming the
        argument and values; all are NaN (with a warning) if the parameters are not usable.

    Raises
    ------
    TypeError
        If an argument has the wrong type.

    Notes
    -----
    The derivatives are closed forms derived by SymPy through eta_tilde = eta - gamma tau / 2
    and kappa, finite at lambda = 0 (where d E / d lambda = 0: TWAP minimises the expected
    cost), and verified against mpmath by ``acsym verify``.
    """
    orders, lams, valid, arguments, _steps = _prepare(order_size, duration_periods, params, risk_aversion)

    def evaluate(name: str) -> FloatArray:
        value = np.broadcast_to(
            np.asarray(getattr(formulas, name)(*arguments), dtype=np.float64), orders.shape
        )
        return np.where(valid, value, np.nan)

    cost = {p: evaluate(f"expected_cost_d_{p}") for p in PARAMETERS}
    variance = {p: evaluate(f"variance_d_{p}") for p in PARAMETERS if p != "epsilon"}
    variance["epsilon"] = np.where(valid, 0.0, np.nan)
    eta_tilde = formulas.eta_tilde(arguments[4], arguments[5], arguments[2])
    kappa = formulas.kappa(arguments[7], arguments[3], eta_tilde, arguments[2])
    at = {
        "eta": np.full(orders.shape, params.eta),
        "gamma": np.full(orders.shape, params.gamma),
        "sigma": np.full(orders.shape, params.sigma),
        "epsilon": np.full(orders.shape, params.epsilon),
        "risk_aversion": np.where(valid, lams, np.nan),
        "tau": np.full(orders.shape, params.tau),
        "expected_cost": np.where(
            valid,
            formulas.expected_cost(
                arguments[0], arguments[1], arguments[2], kappa, arguments[5], eta_tilde, arguments[6]
            ),
            np.nan,
        ),
        "variance": np.where(
            valid, formulas.variance(arguments[0], arguments[1], arguments[2], kappa, arguments[3]), np.nan
        ),
    }
    return CostSensitivities(expected_cost=cost, variance=variance, values=at)


def _prepare(
    order_size: Any, duration_periods: int, params: AlmgrenChrissParams, risk_aversion: Any
) -> tuple[FloatArray, FloatArray, NDArray[np.bool_], tuple[Any, ...], int]:
    """Checked, broadcast inputs: (orders, lambdas, valid, the generated functions' arguments
    (order_size, horizon, tau, sigma, eta, gamma, epsilon, risk_aversion), N)."""
    from acsym.trajectory import _check_params, _periods

    orders = real_array("order_size", order_size)
    lams = real_array("risk_aversion", risk_aversion)
    _check_params(params)
    steps, problem = _periods(duration_periods)
    orders, lams = np.broadcast_arrays(orders, lams)
    messages = [*([problem] if problem else []), *params.problems()]
    if not messages and not params.eta_tilde > 0:
        messages.append(f"eta_tilde = {params.eta_tilde!r} <= 0: the model is not well posed")
    valid = np.isfinite(orders) & (orders > 0) & np.isfinite(lams) & (lams >= 0)
    for name, bad, values, rule in (
        ("order_size", ~(np.isfinite(orders) & (orders > 0)), orders, "must be finite and > 0"),
        ("risk_aversion", ~(np.isfinite(lams) & (lams >= 0)), lams, "must be finite and >= 0"),
    ):
        if bad.any():
            shown = np.unique(values[bad])[:5].tolist()
            warn(
                f"{int(bad.sum())} value(s) of {name} out of range ({rule}), e.g. {shown}; "
                "their sensitivities are NaN"
            )
    for message in messages:
        warn(message + "; the sensitivities are NaN")
    if messages:
        valid = np.zeros(orders.shape, dtype=bool)
    horizon = (steps or 1) * params.tau
    arguments = (
        np.where(valid, orders, 1.0),
        horizon,
        params.tau,
        params.sigma,
        params.eta,
        params.gamma,
        params.epsilon,
        np.where(valid, lams, 0.0),
    )
    if messages:  # keep the generated functions away from unusable parameters
        arguments = (arguments[0], 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, arguments[7])
    return orders, lams, valid, arguments, steps or 1


def holdings_sensitivities(
    order_size: Any,
    duration_periods: int,
    params: AlmgrenChrissParams,
    risk_aversion: Any = 1e-6,
) -> dict[str, FloatArray]:
    """Sensitivities of the optimal holdings x_0..x_N to the parameters, for a batch.

    Parameters
    ----------
    order_size, duration_periods, params, risk_aversion
        As for :func:`cost_sensitivities`.

    Returns
    -------
    dict of str to numpy.ndarray
        d x_j / d p [shares per unit of p] for p in eta, gamma, sigma, risk_aversion and tau
        (with N and the step j fixed; epsilon does not move the schedule), each of shape
        ``broadcast(order_size, risk_aversion).shape + (N + 1,)``. NaN (with an
        :class:`~acsym.InputWarning`) where an input is out of range.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    """
    orders, _lams, valid, arguments, steps = _prepare(order_size, duration_periods, params, risk_aversion)
    order, horizon, tau, sigma, eta, gamma, _epsilon, lam = arguments
    time = np.arange(steps + 1) * tau
    out = {}
    for p in HOLDINGS_PARAMETERS:
        value = getattr(formulas, f"holdings_d_{p}")(
            np.expand_dims(order, -1), time, horizon, tau, sigma, eta, gamma, np.expand_dims(lam, -1)
        )
        value = np.broadcast_to(np.asarray(value, dtype=np.float64), (*orders.shape, steps + 1))
        out[p] = np.where(np.expand_dims(valid, -1), value, np.nan)
    return out
