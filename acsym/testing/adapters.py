"""Example adapters for :mod:`acsym.testing.conformance`: acsym itself and two PyPI peers.

Each is a plain function with the adapter signature; copy one as the template for your own::

    acsym conform acsym.testing.adapters:acsym_adapter
    acsym conform acsym.testing.adapters:slippage_tca            # pip install slippage-tca
    acsym conform acsym.testing.adapters:almgren_chriss          # pip install almgren-chriss

A function's ``packages`` attribute names the distributions whose versions the report records.
The peers are imported inside the adapters, so this module imports nothing beyond acsym.
"""

from __future__ import annotations

from typing import Any

from acsym.testing.conformance import Schedule

__all__ = ["acsym_adapter", "almgren_chriss", "slippage_tca", "slippage_tca_closed_form"]


def acsym_adapter(
    order_size: float,
    periods: int,
    *,
    tau: float,
    sigma: float,
    eta: float,
    gamma: float,
    epsilon: float,
    risk_aversion: float,
) -> Schedule:
    """acsym's :func:`~acsym.generate_ac_trajectory`, with its expected cost and variance."""
    from acsym import AlmgrenChrissParams, generate_ac_trajectory

    # price only converts the cost to bps, which the kit does not use
    params = AlmgrenChrissParams(eta=eta, gamma=gamma, sigma=sigma, tau=tau, epsilon=epsilon, price=1.0)
    trajectory = generate_ac_trajectory(order_size, periods, params, risk_aversion)
    details = trajectory.params or {}
    return Schedule(
        trajectory.holdings, trajectory.trade_sizes, details["expected_cost"], details["variance"]
    )


acsym_adapter.packages = ("acsym",)  # type: ignore[attr-defined]


def _slippage_problem(order_size: float, periods: int, tau: float, sigma: float, impact: Any) -> Any:
    import slippage  # type: ignore[import-not-found,unused-ignore]

    # slippage-tca takes the horizon T and derives tau = T / N itself
    return slippage.ExecutionProblem(
        quantity=order_size, horizon=periods * tau, periods=periods, volatility=sigma, impact=impact
    )


def slippage_tca(
    order_size: float,
    periods: int,
    *,
    tau: float,
    sigma: float,
    eta: float,
    gamma: float,
    epsilon: float,
    risk_aversion: float,
) -> Schedule:
    """slippage-tca's ``optimal_trajectory``: holdings, trades, and E and V summed over them."""
    import slippage  # type: ignore[import-not-found,unused-ignore]

    impact = slippage.LinearImpact(gamma=gamma, eta=eta, epsilon=epsilon)
    problem = _slippage_problem(order_size, periods, tau, sigma, impact)
    trajectory = slippage.optimal_trajectory(problem, risk_aversion)
    return Schedule(trajectory.holdings, trajectory.trades, trajectory.expected_cost, trajectory.variance)


slippage_tca.packages = ("slippage-tca",)  # type: ignore[attr-defined]


def slippage_tca_closed_form(
    order_size: float,
    periods: int,
    *,
    tau: float,
    sigma: float,
    eta: float,
    gamma: float,
    epsilon: float,
    risk_aversion: float,
) -> Schedule:
    """slippage-tca's schedule with E and V from its ``closed_form_moments`` (the paper's eq. 20)."""
    import slippage  # type: ignore[import-not-found,unused-ignore]

    impact = slippage.LinearImpact(gamma=gamma, eta=eta, epsilon=epsilon)
    problem = _slippage_problem(order_size, periods, tau, sigma, impact)
    trajectory = slippage.optimal_trajectory(problem, risk_aversion)
    expected, variance = slippage.closed_form_moments(problem, risk_aversion)
    return Schedule(trajectory.holdings, trajectory.trades, expected, variance)


slippage_tca_closed_form.packages = ("slippage-tca",)  # type: ignore[attr-defined]


def almgren_chriss(
    order_size: float,
    periods: int,
    *,
    tau: float,
    sigma: float,
    eta: float,
    gamma: float,
    epsilon: float,
    risk_aversion: float,
) -> Schedule:
    """almgren-chriss (PyPI): ``trade_trajectory``, ``trade_list``, ``cost_expectation`` and
    ``cost_variance``. It pins numpy < 2: run it in an environment of its own."""
    import almgren_chriss as ac  # type: ignore[import-not-found,unused-ignore]

    # its functions take the horizon T and the step tau, and count the steps as T / tau
    horizon = periods * tau
    args = (risk_aversion, tau, sigma, gamma, eta)
    return Schedule(
        ac.trade_trajectory(*args, order_size, horizon),
        ac.trade_list(*args, order_size, horizon),
        ac.cost_expectation(*args, epsilon, order_size, horizon),
        ac.cost_variance(*args, order_size, horizon),
    )


almgren_chriss.packages = ("almgren-chriss",)  # type: ignore[attr-defined]
