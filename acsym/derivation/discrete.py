"""Discrete time (Almgren & Chriss 2000): cost and variance from first principles, the optimum.

Sell X shares in N intervals of length tau; holdings x_0 = X, ..., x_N = 0 and trades
n_k = x_{k-1} - x_k. The unaffected price moves by sigma tau^(1/2) xi_k - tau g(n_k / tau) with
g(v) = gamma v; trade k executes at S_{k-1} - h(n_k / tau) with h(v) = epsilon sgn(v) + eta v.
Each function returns one named result; the proofs live in :mod:`acsym.derivation.proofs`.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from acsym.derivation.symbols import (
    N,
    T,
    X,
    epsilon,
    eta,
    eta_tilde,
    gamma,
    j,
    k,
    kappa,
    kappa_tilde,
    lam,
    n,
    sigma,
    tau,
    x,
    xi,
)

#: stand-ins for the sums the expected cost depends on: sum |n_k| and sum n_k^2
sum_abs_trades = sp.Symbol("S_1", nonnegative=True)
sum_squared_trades = sp.Symbol("S_2", nonnegative=True)
#: kappa * tau, the dimensionless decay per interval used by the closed-form sums
kappa_tau = sp.Symbol("a", positive=True)
#: the initial price
price_0 = sp.Symbol("S_0", positive=True)


def trading(steps: int, drift: sp.Expr = sp.S.Zero) -> tuple[sp.Expr, sp.Expr]:
    """The proceeds sum_k n_k (execution price k) of trades ``n[1..steps]`` and the price after
    the last one, from the model's definitions (shocks ``xi[1..steps]``). A ``drift`` (the
    symbol mu of :mod:`acsym.derivation.drift`) adds drift * tau to every price move."""
    price = price_0
    proceeds = sp.S.Zero
    for step in range(1, steps + 1):
        rate = n[step] / tau
        proceeds += n[step] * (price - (epsilon * sp.sign(n[step]) + eta * rate))
        price += drift * tau + sigma * sp.sqrt(tau) * xi[step] - tau * gamma * rate
    return proceeds, price


def shortfall(steps: int, drift: sp.Expr = sp.S.Zero) -> sp.Expr:
    """Implementation shortfall X S_0 - sum_k n_k (execution price k) of a concrete schedule.

    The schedule has ``steps`` trades ``n[1..steps]`` summing to X (see :func:`trading`). This
    is the model's definition, before any algebra.
    """
    proceeds, _ = trading(steps, drift)
    order = sp.Add(*[n[step] for step in range(1, steps + 1)])
    return sp.expand(order * price_0 - proceeds)


def shortfall_mean_and_variance(steps: int, drift: sp.Expr = sp.S.Zero) -> tuple[sp.Expr, sp.Expr]:
    """E and Var of :func:`shortfall` for independent standard normal xi_k (it is linear in xi)."""
    cost = shortfall(steps, drift)
    shocks = [xi[step] for step in range(1, steps + 1)]
    mean = cost.subs({shock: 0 for shock in shocks})
    variance = sp.expand(sp.Add(*[cost.coeff(shock) ** 2 for shock in shocks]))
    return mean, variance


@cache
def telescoping_identity() -> sp.Eq:
    """n_k x_k = (x_{k-1}^2 - x_k^2)/2 - n_k^2/2 for n_k = x_{k-1} - x_k.

    Summed over k = 1..N with x_0 = X and x_N = 0 it telescopes to
    sum_k n_k x_k = X^2/2 - sum_k n_k^2 / 2: the permanent impact each trade leaves on the
    shares still to sell.
    """
    trade = x[k - 1] - x[k]
    return sp.Eq(trade * x[k], (x[k - 1] ** 2 - x[k] ** 2) / 2 - trade**2 / 2)


@cache
def mean_shortfall_by_sums() -> sp.Expr:
    """E[shortfall] = gamma sum n_k x_k + epsilon sum |n_k| + (eta / tau) sum n_k^2, telescoped.

    Trade k pays the permanent impact gamma n_i of every earlier trade i (gamma sum_k n_k x_k
    after exchanging the sums) and its own temporary impact h(n_k / tau).
    """
    permanent = gamma * (X**2 / 2 - sum_squared_trades / 2)
    return sp.expand(permanent + epsilon * sum_abs_trades + eta / tau * sum_squared_trades)


@cache
def eta_tilde_definition() -> sp.Expr:
    """eta_tilde = eta - gamma tau / 2: tau times the coefficient of sum n_k^2 in E."""
    return sp.expand(mean_shortfall_by_sums().coeff(sum_squared_trades) * tau)


@cache
def expected_cost() -> sp.Expr:
    """E = gamma X^2 / 2 + epsilon sum |n_k| + (eta_tilde / tau) sum n_k^2, any schedule."""
    mean = mean_shortfall_by_sums()
    rest = sp.expand(mean - mean.coeff(sum_squared_trades) * sum_squared_trades)
    return rest + eta_tilde / tau * sum_squared_trades


@cache
def variance() -> sp.Expr:
    """Var = sigma^2 tau sum_{k=1..N} x_k^2: shock k moves the value of the x_k shares still held."""
    return sigma**2 * tau * sp.Sum(x[k] ** 2, (k, 1, N))


@cache
def expected_cost_of_schedule() -> sp.Expr:
    """:func:`expected_cost` with the sums written out over the trade array n_1..n_N."""
    return (
        expected_cost()
        .subs(
            {
                sum_abs_trades: sp.Sum(sp.Abs(n[k]), (k, 1, N)),
                sum_squared_trades: sp.Sum(n[k] ** 2, (k, 1, N)),
            }
        )
        .subs(X, sp.Sum(n[k], (k, 1, N)))
    )


@cache
def hessian_of_expected_cost(steps: int) -> sp.Matrix:
    """Hessian of E in the free holdings x_1..x_{steps-1} (trades n_k = x_{k-1} - x_k)."""
    holdings = [X] + [x[i] for i in range(1, steps)] + [sp.S.Zero]
    squares = sp.Add(*[(holdings[i - 1] - holdings[i]) ** 2 for i in range(1, steps + 1)])
    cost = expected_cost().subs({sum_squared_trades: squares, sum_abs_trades: X})
    return sp.hessian(cost, holdings[1:-1])


@cache
def well_posedness() -> sp.Rel:
    """eta_tilde > 0. The Hessian of E is (2 eta_tilde / tau) times the second-difference matrix,
    which is positive definite, so E is strictly convex (and the optimum unique for every lambda
    >= 0) exactly when eta_tilde > 0; at eta_tilde <= 0 it stops being convex."""
    return sp.Gt(eta_tilde_definition(), 0)


@cache
def first_order_condition() -> sp.Eq:
    """d(E + lambda Var)/dx_j = 0 for an interior holding, as (x_{j-1} - 2x_j + x_{j+1})/tau^2 = ..."""
    window = eta_tilde / tau * ((x[j - 1] - x[j]) ** 2 + (x[j] - x[j + 1]) ** 2)
    objective = window + lam * sigma**2 * tau * x[j] ** 2
    (next_holding,) = sp.solve(sp.diff(objective, x[j]), x[j + 1])
    second_difference = (x[j - 1] - 2 * x[j] + x[j + 1]) / tau**2
    return sp.Eq(second_difference, sp.simplify(second_difference.subs(x[j + 1], next_holding)))


@cache
def kappa_tilde_squared() -> sp.Expr:
    """kappa_tilde^2 = lambda sigma^2 / eta_tilde, the coefficient of x_j in the first-order condition."""
    return sp.simplify(first_order_condition().rhs / x[j])


@cache
def characteristic_equation() -> sp.Eq:
    """2 (cosh(kappa tau) - 1) = kappa_tilde^2 tau^2, from x_j = exp(+-kappa j tau) in the condition."""
    trial = {x[j + shift]: sp.exp(kappa * (j + shift) * tau) for shift in (-1, 0, 1)}
    lhs = sp.simplify(first_order_condition().lhs.subs(trial) / sp.exp(kappa * j * tau) * tau**2)
    return sp.Eq(lhs.rewrite(sp.cosh).simplify(), kappa_tilde**2 * tau**2)


@cache
def kappa_from_characteristic_equation() -> sp.Expr:
    """The non-negative root kappa of :func:`characteristic_equation` as SymPy solves it."""
    roots = sp.solve(characteristic_equation(), kappa)
    probe = {kappa_tilde: sp.Rational(3, 7), tau: sp.Rational(5, 3)}
    (root,) = [r for r in roots if r.subs(probe).evalf() > 0]
    return root


@cache
def kappa_textbook() -> sp.Expr:
    """kappa = arccosh(1 + kappa_tilde^2 tau^2 / 2) / tau, the paper's form of the same root."""
    return sp.acosh(1 + kappa_tilde**2 * tau**2 / 2) / tau


@cache
def holdings_solution() -> sp.Expr:
    """x_j = X sinh(kappa (T - t_j)) / sinh(kappa T) with t_j = j tau and T = N tau."""
    return X * sp.sinh(kappa * (T - j * tau)) / sp.sinh(kappa * T)


@cache
def trade_solution() -> sp.Expr:
    """n_j = x_{j-1} - x_j on the optimal schedule, as 2 sinh(kappa tau / 2) cosh(...) / sinh(kappa T)."""
    return (
        2 * X * sp.sinh(kappa * tau / 2) * sp.cosh(kappa * (T - (j - sp.S.Half) * tau)) / sp.sinh(kappa * T)
    )


def _optimal_in_units_of_tau(expr: sp.Expr) -> sp.Expr:
    """Write an optimal-schedule expression in a = kappa tau and N = T / tau."""
    return expr.subs({T: N * tau}).subs(kappa, kappa_tau / tau)


@cache
def sum_of_squared_holdings() -> sp.Expr:
    """sum_{j=1..N} (x_j / X)^2 on the optimal schedule, by SymPy's geometric summation (a > 0)."""
    term = _optimal_in_units_of_tau(holdings_solution() / X)
    summed = sp.Sum(sp.expand(sp.expand(term.rewrite(sp.exp)) ** 2), (j, 1, N)).doit()
    return _generic_branch(sp.simplify(summed))


@cache
def sum_of_squared_trades() -> sp.Expr:
    """sum_{j=1..N} (n_j / X)^2 on the optimal schedule, by SymPy's geometric summation (a > 0)."""
    term = _optimal_in_units_of_tau(holdings_solution().subs(j, j - 1) / X - holdings_solution() / X)
    summed = sp.Sum(sp.expand(sp.expand(term.rewrite(sp.exp)) ** 2), (j, 1, N)).doit()
    return _generic_branch(sp.simplify(summed))


def _generic_branch(summed: sp.Expr) -> sp.Expr:
    """The branch of a geometric sum for ratio != 1; the other branches need exp(2a) = 1, i.e. a = 0."""
    if isinstance(summed, sp.Piecewise):
        *special, (generic, condition) = summed.args
        assert condition == sp.true and all(c.has(sp.exp) for _, c in special)
        return generic
    return summed


#: compact hyperbolic forms of the two sums (a = kappa tau), proved equal to the summations
SUM_OF_SQUARED_HOLDINGS = (sp.sinh((2 * N - 1) * kappa_tau) / sp.sinh(kappa_tau) - (2 * N - 1)) / (
    4 * sp.sinh(N * kappa_tau) ** 2
)
SUM_OF_SQUARED_TRADES = (
    sp.tanh(kappa_tau / 2) / sp.tanh(N * kappa_tau)
    + 2 * N * sp.sinh(kappa_tau / 2) ** 2 / sp.sinh(N * kappa_tau) ** 2
)


def _physical(expr: sp.Expr) -> sp.Expr:
    return expr.subs(kappa_tau, kappa * tau).subs(N, T / tau)


@cache
def expected_cost_optimal() -> sp.Expr:
    """E on the optimal schedule: gamma X^2/2 + epsilon X + (eta_tilde / tau) X^2 sum (n_j/X)^2."""
    return expected_cost().subs(
        {sum_abs_trades: X, sum_squared_trades: X**2 * _physical(SUM_OF_SQUARED_TRADES)}
    )


@cache
def variance_optimal() -> sp.Expr:
    """Var on the optimal schedule: sigma^2 tau X^2 sum (x_j/X)^2."""
    return sigma**2 * tau * X**2 * _physical(SUM_OF_SQUARED_HOLDINGS)
