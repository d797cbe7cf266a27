"""Optimal execution of a basket (Almgren & Chriss 2000, the appendix on multiple securities).

Derived in :mod:`acsym.derivation.basket`. With diagonal (per-asset) impact the schedule is a sum
of modes, each the single-asset sinh schedule (:func:`acsym.formulas.holdings`) with its own
kappa (:func:`acsym.formulas.kappa` with sigma^2 / eta_tilde replaced by the mode's eigenvalue
mu_i of H_tilde^(-1/2) C H_tilde^(-1/2)). With cross-impact the block-tridiagonal first-order
conditions (diagonal blocks :func:`acsym.formulas.basket_diagonal_block`, off-diagonal blocks
-H_tilde) are solved by a block Thomas algorithm in O(N m^3). :class:`BasketParams` holds the
basket's market (as :class:`~acsym.AlmgrenChrissParams` holds one stock's); every
:class:`BasketTrajectory` carries it, and :func:`acsym.simulate_execution` takes both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from acsym import formulas
from acsym._typing import FloatArray
from acsym._validate import describe, nonnegative, positive, real, real_array, warn
from acsym.trajectory import _frozen_array, _periods


@dataclass(frozen=True)
class BasketTrajectory:
    """An execution schedule for m assets.

    Attributes
    ----------
    timestamps : numpy.ndarray
        t_k = k tau, k = 0..N [time units].
    holdings : numpy.ndarray
        Shares of each asset still held, shape (N + 1, m), from the orders down to 0 [shares].
    trade_sizes : numpy.ndarray
        Shares of each asset sold in each interval, shape (N, m) [shares].
    expected_cost : float
        X^T Gamma X / 2 + sum_i epsilon_i sum_k abs(n_ki) + (1/tau) sum_k n_k^T H_tilde n_k
        [currency].
    variance : float
        tau sum_k x_k^T C x_k [currency**2].
    risk_aversion : float
        lambda [1 / currency].
    kappas : numpy.ndarray
        Decay rate of each mode [1 / time] (diagonal impact); empty for cross-impact.
    method : str
        'modes' (diagonal impact, closed form) or 'block' (the block-tridiagonal solve).
    params : BasketParams
        The market the schedule was built for (covariance, impact matrices, tau, epsilon): pass it to
        :func:`acsym.simulate_execution` with the schedule.
    warnings : tuple of str
        Messages for out-of-range inputs.
    """

    timestamps: NDArray[np.floating[Any]]
    holdings: NDArray[np.floating[Any]]
    trade_sizes: NDArray[np.floating[Any]]
    expected_cost: float
    variance: float
    risk_aversion: float
    kappas: NDArray[np.floating[Any]]
    method: str
    params: BasketParams
    warnings: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        for name in ("timestamps", "holdings", "trade_sizes", "kappas"):
            object.__setattr__(self, name, _frozen_array(getattr(self, name)))
        object.__setattr__(self, "warnings", tuple(self.warnings))


def _matrix(name: str, value: Any, size: int | None) -> FloatArray:
    """A 1-D value as a diagonal matrix, a 2-D one as is (TypeError for non-numbers)."""
    array = real_array(name, value)
    if array.ndim == 1:
        array = np.diag(array)
    if array.ndim != 2 or array.shape[0] != array.shape[1] or (size is not None and array.shape[0] != size):
        raise ValueError(
            f"{name} must be a square matrix (or its diagonal) of size {size}, got shape {array.shape}"
        )
    return array


def _symmetric_problem(name: str, matrix: FloatArray, definite: bool | None) -> str | None:
    """The reason ``matrix`` is not symmetric (``definite`` None), symmetric positive
    semi-definite (False) or symmetric positive definite (True), or None."""
    if not np.all(np.isfinite(matrix)):
        return describe(name, float(matrix[~np.isfinite(matrix)][0]), "every element must be finite")
    scale = float(np.max(np.abs(matrix))) if matrix.size else 0.0
    asymmetry = float(np.max(np.abs(matrix - matrix.T))) if matrix.size else 0.0
    if asymmetry > 1e-12 * scale:
        return f"{name} is not symmetric (largest |A - A^T| = {asymmetry:.3g}, largest |A| = {scale:.3g})"
    if definite is None:
        return None
    smallest = float(np.min(np.linalg.eigvalsh((matrix + matrix.T) / 2))) if matrix.size else 0.0
    if (definite and not smallest > 1e-14 * scale) or smallest < -1e-12 * scale:
        kind = "positive definite" if definite else "positive semi-definite"
        return f"{name} is not {kind} (smallest eigenvalue {smallest:.3g}, largest |A| = {scale:.3g})"
    return None


@dataclass(frozen=True, init=False, eq=False)
class BasketParams:
    """The market of a basket of m assets (Almgren & Chriss 2000, the appendix).

    Parameters
    ----------
    covariance : array_like
        Covariance C of the price changes per unit time, shape (m, m), symmetric and positive
        semi-definite [currency**2 / (share**2 * time unit)]; for one asset sigma**2.
    temporary_impact : array_like
        H: shape (m,) for per-asset impact (a diagonal matrix) or (m, m) with cross-impact
        [currency * time unit / share**2].
    permanent_impact : array_like, optional
        Gamma: shape (m,) or (m, m), symmetric [currency / share**2]; default 0.
    tau : float, default 1.0
        Interval length > 0 [time units].
    epsilon : array_like, optional
        Fixed cost per share of each asset (half its spread), shape (m,) or one value for all,
        each >= 0 [currency / share]; default 0. Temporary impact is
        h(v)_i = epsilon_i sgn(v_i) + (H v)_i.

    Attributes
    ----------
    covariance, temporary_impact, permanent_impact : numpy.ndarray
        The matrices, each (m, m), read-only.
    tau : float
        [time units].
    epsilon : numpy.ndarray
        Shape (m,), read-only [currency / share].

    Raises
    ------
    TypeError
        If an argument is not numeric.
    ValueError
        If the shapes do not match (m x m matrices, or their diagonals).

    Notes
    -----
    Out-of-range values are kept; :meth:`problems` says what is wrong with them (every
    function taking the parameters answers NaN with an :class:`~acsym.InputWarning` then).
    """

    covariance: FloatArray
    temporary_impact: FloatArray
    permanent_impact: FloatArray
    tau: float
    epsilon: FloatArray

    def __init__(
        self,
        covariance: Any,
        temporary_impact: Any,
        permanent_impact: Any = None,
        tau: float = 1.0,
        epsilon: Any = None,
    ) -> None:
        cov = _matrix("covariance", covariance, None)
        size = cov.shape[0]
        impact = _matrix("temporary_impact", temporary_impact, size)
        permanent = (
            np.zeros((size, size))
            if permanent_impact is None
            else _matrix("permanent_impact", permanent_impact, size)
        )
        for name, value in (
            ("covariance", cov),
            ("temporary_impact", impact),
            ("permanent_impact", permanent),
        ):
            object.__setattr__(self, name, _frozen_array(value))
        object.__setattr__(self, "tau", real("tau", tau))
        spread = np.zeros(size) if epsilon is None else real_array("epsilon", epsilon)
        if spread.ndim == 0:
            spread = np.full(size, float(spread))
        if spread.shape != (size,):
            raise ValueError(
                f"epsilon must have shape ({size},) (one per asset) or be one value, got {spread.shape}"
            )
        object.__setattr__(self, "epsilon", _frozen_array(spread))

    @property
    def assets(self) -> int:
        """m, the number of assets."""
        return int(self.covariance.shape[0])

    @cached_property
    def h_tilde(self) -> FloatArray:
        """H_tilde = H - Gamma tau / 2 (symmetrised), (m, m) [currency * time unit / share**2]."""
        h_tilde = np.asarray(
            formulas.eta_tilde(self.temporary_impact, self.permanent_impact, self.tau), dtype=np.float64
        )
        return _frozen_array((h_tilde + h_tilde.T) / 2)

    def problems(self) -> list[str]:
        """Messages for every parameter out of the model's domain (empty when usable); checked
        once per instance."""
        return list(self._problems)

    @cached_property
    def _problems(self) -> tuple[str, ...]:
        messages = [] if positive(self.tau) else [describe("tau", self.tau, "must be finite and > 0")]
        if not all(nonnegative(v) for v in self.epsilon.tolist()):
            messages.append(
                f"epsilon = {self.epsilon.tolist()!r} is out of range (each must be finite and >= 0)"
            )
        for name, definite in (("covariance", False), ("permanent_impact", None), ("temporary_impact", None)):
            reason = _symmetric_problem(name, getattr(self, name), definite)
            messages += [reason] if reason else []
        if not messages:
            reason = _symmetric_problem(
                "H_tilde = temporary_impact - permanent_impact * tau / 2", self.h_tilde, definite=True
            )
            messages += [reason] if reason else []
        return tuple(messages)


def generate_basket_trajectory(
    order_sizes: Any,
    duration_periods: int,
    covariance: Any,
    temporary_impact: Any,
    permanent_impact: Any = None,
    risk_aversion: float = 1e-6,
    tau: float = 1.0,
    epsilon: Any = None,
) -> BasketTrajectory:
    """The optimal schedule for selling a basket of m assets together.

    Parameters
    ----------
    order_sizes : array_like
        Shares of each asset to sell, shape (m,) [shares] (negative to buy).
    duration_periods : int
        Number of intervals N >= 1, each ``tau`` long.
    covariance : array_like
        Covariance C of the price changes per unit time, shape (m, m), symmetric and positive
        semi-definite [currency**2 / (share**2 * time unit)]; for one asset sigma**2.
    temporary_impact : array_like
        H: shape (m,) for per-asset impact (a diagonal matrix) or (m, m) with cross-impact
        [currency * time unit / share**2].
    permanent_impact : array_like, optional
        Gamma: shape (m,) or (m, m), symmetric [currency / share**2]; default 0.
    risk_aversion : float, default 1e-6
        lambda >= 0 [1 / currency].
    tau : float, default 1.0
        Interval length > 0 [time units].
    epsilon : array_like, optional
        Fixed cost per share of each asset (half its spread), shape (m,) or one value, >= 0
        [currency / share]; default 0. It adds sum_i epsilon_i sum_k abs(n_ki) to the expected
        cost: sum_i epsilon_i abs(X_i) for a schedule whose trades keep each asset's direction,
        a constant that does not move the optimum (proofs ``basket_spread_constant`` and
        ``basket_spread_conditions``). Where the schedule changes an asset's direction (a
        hedge bought back), it is the optimum without the spread and ``expected_cost``
        counts epsilon_i on every share traded.

    Returns
    -------
    BasketTrajectory
        With diagonal H_tilde = H - Gamma tau / 2 the closed form through the modes (method
        'modes'), otherwise the block-tridiagonal solve ('block'). Out-of-range values (a
        covariance that is not symmetric positive semi-definite, H_tilde not positive definite,
        non-finite orders, lambda < 0, ...) give NaN arrays and an :class:`~acsym.InputWarning`
        saying which and why. Its ``params`` (:class:`BasketParams`) carries the market, so
        ``acsym.simulate_execution(basket, basket.params, n_paths)`` runs its Monte Carlo.

    Raises
    ------
    TypeError
        If an argument is not numeric.
    ValueError
        If the shapes do not match (m orders, m x m matrices).
    """
    orders = real_array("order_sizes", order_sizes)
    if orders.ndim != 1 or orders.size == 0:
        raise ValueError(f"order_sizes must be a non-empty 1-D array, got shape {orders.shape}")
    params = BasketParams(covariance, temporary_impact, permanent_impact, tau, epsilon)
    size = orders.size
    if params.assets != size:
        raise ValueError(
            f"covariance must be a square matrix of size {size} (one row per order), got shape "
            f"{params.covariance.shape}"
        )
    lam = real("risk_aversion", risk_aversion)
    step = params.tau
    steps, problem = _periods(duration_periods)
    messages = [problem] if problem else []
    if not np.all(np.isfinite(orders)):
        messages.append(f"order_sizes = {orders.tolist()!r} is out of range (every value must be finite)")
    if not nonnegative(lam):
        messages.append(describe("risk_aversion", lam, "must be finite and >= 0"))
    messages += params.problems()
    if messages:
        return _nan_basket(messages, steps or 1, size, lam, params)
    assert steps is not None
    cov, h_tilde = params.covariance, params.h_tilde
    if np.count_nonzero(h_tilde - np.diag(np.diag(h_tilde))) == 0:
        holdings, trades, kappas = _modes(orders, steps, cov, np.diag(h_tilde), lam, step)
        method = "modes"
    else:
        holdings = _block_solve(orders, steps, cov, h_tilde, lam, step)
        trades = holdings[:-1] - holdings[1:]
        kappas, method = np.empty(0), "block"
    expected = float(
        formulas.basket_schedule_expected_cost(trades, step, params.permanent_impact, h_tilde, params.epsilon)
    )
    variance = float(formulas.basket_schedule_variance(holdings, step, cov))
    if not (math.isfinite(expected) and math.isfinite(variance) and np.all(np.isfinite(holdings))):
        message = (
            f"the basket's cost or variance at order_sizes = {orders.tolist()!r} is not representable "
            "in double precision (beyond 1.8e308): express the orders or the time in other units "
            "(lots, thousands of shares; minutes, days)"
        )
        return _nan_basket([message], steps, size, lam, params)
    return BasketTrajectory(
        timestamps=np.arange(steps + 1.0) * step,
        holdings=holdings,
        trade_sizes=trades,
        expected_cost=expected,
        variance=variance,
        risk_aversion=lam,
        kappas=kappas,
        method=method,
        params=params,
    )


def _nan_basket(
    messages: list[str], steps: int, size: int, lam: float, params: BasketParams
) -> BasketTrajectory:
    """Warn each message and return the all-NaN schedule that carries them."""
    for message in messages:
        warn(message + "; the basket schedule is NaN", stacklevel=3)
    step = params.tau if positive(params.tau) else math.nan
    return BasketTrajectory(
        timestamps=np.arange(steps + 1.0) * step,
        holdings=np.full((steps + 1, size), np.nan),
        trade_sizes=np.full((steps, size), np.nan),
        expected_cost=math.nan,
        variance=math.nan,
        risk_aversion=lam,
        kappas=np.full(size, np.nan),
        method="none",
        params=params,
        warnings=tuple(messages),
    )


def _modes(
    orders: FloatArray, steps: int, cov: FloatArray, h_diagonal: FloatArray, lam: float, tau: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Diagonal H_tilde: y = V^T H_tilde^(1/2) x, each mode a sinh schedule (proof ``basket_modes``)."""
    scale = np.sqrt(h_diagonal)
    mu, vectors = np.linalg.eigh(cov / np.outer(scale, scale))
    mu = np.maximum(mu, 0.0)  # a positive semi-definite covariance: rounding can leave -1e-17
    kappas = np.asarray(formulas.kappa(lam, np.sqrt(mu), 1.0, tau), dtype=np.float64)
    start = vectors.T @ (scale * orders)
    index = np.arange(steps + 1.0)
    modes_x = formulas.holdings(start, index[:, None], float(steps), kappas * tau)
    holdings = (modes_x @ vectors.T) / scale
    holdings[0], holdings[-1] = orders, 0.0  # the boundary conditions, exactly
    # mixing the modes leaves every asset an error of ~eps times the largest order: trades as
    # differences of holdings keep it there and add up to each asset's order (a telescoping sum)
    return holdings, holdings[:-1] - holdings[1:], kappas


def _block_solve(
    orders: FloatArray, steps: int, cov: FloatArray, h_tilde: FloatArray, lam: float, tau: float
) -> FloatArray:
    """The block-tridiagonal first-order conditions D x_j - H_tilde (x_{j-1} + x_{j+1}) = 0,
    x_0 = X, x_N = 0, by block forward elimination and back substitution: O(N m^3)."""
    diagonal = np.asarray(formulas.basket_diagonal_block(h_tilde, cov, lam, tau), dtype=np.float64)
    size = orders.size
    holdings = np.zeros((steps + 1, size))
    holdings[0] = orders
    if steps == 1:
        return holdings
    factors: list[FloatArray] = []  # C'_j = P_j^-1 H_tilde
    forward: list[FloatArray] = []  # d'_j
    previous_factor: Any = np.zeros((size, size))
    previous: Any = np.zeros(size)
    for j in range(1, steps):
        pivot = diagonal - h_tilde @ previous_factor
        rhs = h_tilde @ (orders if j == 1 else previous)  # r_1 = H_tilde X moves x_0 to the right
        solved = np.linalg.solve(pivot, np.column_stack([h_tilde, rhs]))
        previous_factor, previous = solved[:, :size], solved[:, size]
        factors.append(previous_factor)
        forward.append(previous)
    following = np.zeros(size)
    for j in range(steps - 1, 0, -1):
        following = forward[j - 1] + factors[j - 1] @ following
        holdings[j] = following
    return holdings


@dataclass(frozen=True)
class BasketFrontier:
    """Expected cost and variance of the optimal basket schedule over a grid of risk aversions.

    Attributes
    ----------
    risk_aversions : numpy.ndarray
        lambda [1 / currency], ascending.
    expected_costs : numpy.ndarray
        E of each optimal schedule [currency] (rises with lambda).
    variances : numpy.ndarray
        Var of each optimal schedule [currency**2] (falls with lambda).
    """

    risk_aversions: NDArray[np.floating[Any]]
    expected_costs: NDArray[np.floating[Any]]
    variances: NDArray[np.floating[Any]]

    def __post_init__(self) -> None:
        for name in ("risk_aversions", "expected_costs", "variances"):
            object.__setattr__(self, name, _frozen_array(getattr(self, name)))


def basket_efficient_frontier(
    order_sizes: Any,
    duration_periods: int,
    covariance: Any,
    temporary_impact: Any,
    permanent_impact: Any = None,
    risk_aversions: Any = None,
    tau: float = 1.0,
) -> BasketFrontier:
    """The basket's efficient frontier: :func:`generate_basket_trajectory` at each lambda.

    Parameters are those of :func:`generate_basket_trajectory`; ``risk_aversions`` defaults to
    0 and 40 values log-spaced from 1e-10 to 1e-2 [1 / currency]. On the frontier dE/dVar =
    -lambda (each point minimises E + lambda Var). Invalid inputs give NaN points with an
    :class:`~acsym.InputWarning`.
    """
    grid = (
        np.concatenate([[0.0], np.logspace(-10, -2, 40)])
        if risk_aversions is None
        else real_array("risk_aversions", risk_aversions)
    )
    grid = np.sort(np.ravel(grid))
    costs, variances = [], []
    for lam in grid.tolist():
        schedule = generate_basket_trajectory(
            order_sizes, duration_periods, covariance, temporary_impact, permanent_impact, lam, tau
        )
        costs.append(schedule.expected_cost)
        variances.append(schedule.variance)
    return BasketFrontier(grid, np.array(costs), np.array(variances))


__all__ = [
    "BasketFrontier",
    "BasketParams",
    "BasketTrajectory",
    "basket_efficient_frontier",
    "generate_basket_trajectory",
]
