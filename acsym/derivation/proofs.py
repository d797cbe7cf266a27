"""Symbolic proofs of every derivation result and every stable rewrite.

Each :class:`Proof` states a claim and computes a residual that SymPy reduces to exactly zero
(or a relation that evaluates to ``True``) when the claim holds. The test suite runs all of
them, and ``python -m acsym derive --prove`` prints them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from acsym.derivation import (
    basket,
    batch,
    continuous,
    desk,
    discrete,
    drift,
    drift_moments,
    fast,
    powerlaw,
    sensitivity,
    soft_deadline,
    soft_deadline_discrete,
    stable,
    transient,
)
from acsym.derivation.special import exp_scaled_difference, exprel, sinh_tail
from acsym.derivation.symbols import N, T, X, eta, eta_tilde, gamma, j, kappa, kappa_tilde, tau, x

a = discrete.kappa_tau
_z = sp.Symbol("z", positive=True)


@dataclass(frozen=True)
class Proof:
    """A named claim and the computation that proves it (a residual of 0, or ``True``)."""

    name: str
    claim: str
    residual: Callable[[], sp.Basic]

    def holds(self) -> bool:
        value = self.residual()
        return bool(value == 0 or value is sp.true)


def _zero(expr: sp.Expr) -> sp.Expr:
    """Simplify an expression of exponentials and hyperbolics towards 0."""
    return sp.simplify(sp.expand(sp.expand(expr).rewrite(sp.exp)))


_w, _v = sp.symbols("w v", positive=True)


def _zero_in_a(expr: sp.Expr) -> sp.Expr:
    """Reduce an expression in a = kappa tau and N to 0 as a rational function of w = e^a, v = e^(Na).

    Every exponential argument is linear in a and N a, so e^(p a + q N a) = w^p v^q, and the
    claim becomes an identity between rational functions, which ``cancel`` decides.
    """

    def monomial(argument: sp.Expr) -> sp.Expr:
        argument = sp.expand(argument)
        q = argument.coeff(N).coeff(a)
        p = sp.expand(argument - q * N * a).coeff(a)
        if sp.expand(argument - p * a - q * N * a) != 0:
            raise ValueError(f"exponent {argument} is not linear in a and N a")
        return _w**p * _v**q

    exponentials = sp.expand(expr).rewrite(sp.exp)
    rational = exponentials.replace(lambda f: isinstance(f, sp.exp), lambda f: monomial(f.args[0]))
    return sp.cancel(sp.together(rational))


def _generic(piecewise: sp.Expr) -> sp.Expr:
    """The kappa != 0 branch of a stable form."""
    return piecewise.args[-1][0] if isinstance(piecewise, sp.Piecewise) else piecewise


def _kappa_zero(piecewise: sp.Expr) -> sp.Expr:
    return piecewise.args[0][0]


def _first_principles(steps: int) -> sp.Expr:
    mean, variance = discrete.shortfall_mean_and_variance(steps)
    trades = [discrete.n[i] for i in range(1, steps + 1)]
    holdings = [sp.Add(*trades[i:]) for i in range(1, steps + 1)]
    closed_mean = discrete.expected_cost().subs(
        {
            discrete.sum_abs_trades: sp.Add(*[sp.Abs(v) for v in trades]),
            discrete.sum_squared_trades: sp.Add(*[v**2 for v in trades]),
            X: sp.Add(*trades),
            eta_tilde: discrete.eta_tilde_definition(),
        }
    )
    closed_variance = (
        discrete.variance().subs(N, steps).doit().subs({x[i]: holdings[i - 1] for i in range(1, steps + 1)})
    )
    mean = mean.replace(sp.sign, lambda v: sp.Abs(v) / v)
    return sp.expand(sp.simplify(mean - closed_mean)) + sp.expand(variance - closed_variance)


def _hessian(steps: int) -> sp.Expr:
    second_difference = sp.Matrix(
        steps - 1, steps - 1, lambda r, c: 2 if r == c else (-1 if abs(r - c) == 1 else 0)
    )
    residual = discrete.hessian_of_expected_cost(steps) - 2 * eta_tilde / tau * second_difference
    minors_positive = all(second_difference[:m, :m].det() == m + 1 for m in range(1, steps))
    return sp.simplify(residual).norm() + (0 if minors_positive else 1)


def _optimal_satisfies_first_order_condition() -> sp.Expr:
    holding = discrete.holdings_solution()
    equation = discrete.first_order_condition()
    kt2 = sp.solve(discrete.characteristic_equation(), kappa_tilde**2)[0]
    window = {x[j + s]: holding.subs(j, j + s) for s in (-1, 0, 1)}
    residual = (equation.lhs - equation.rhs).subs(window)
    residual = residual.subs(discrete.kappa_tilde_squared(), kappa_tilde**2).subs(kappa_tilde**2, kt2)
    return _zero(residual)


def _boundaries() -> sp.Expr:
    holding = discrete.holdings_solution().subs(T, N * tau)
    return sp.simplify(holding.subs(j, 0) - X) + sp.simplify(holding.subs(j, N))


def _limit_lambda_infinite() -> sp.Expr:
    m = sp.Symbol("M", positive=True, integer=True)  # N = M + 1 >= 2
    y = sp.Symbol("y", positive=True)  # kappa tau
    first_holding = sp.sinh(y * m) / sp.sinh(y * (m + 1))
    return sp.limit(first_holding, y, sp.oo)


PROOFS: tuple[Proof, ...] = (
    Proof(
        "euler_lagrange",
        "the Euler-Lagrange equation is -2 eta x'' + 2 lambda sigma^2 x = 0, "
        "and kappa^2 = lambda sigma^2 / eta",
        lambda: sp.simplify(
            continuous.kappa_continuous() ** 2 - discrete.kappa_tilde_squared().subs(eta_tilde, eta)
        ),
    ),
    Proof(
        "continuous_solution",
        "x(t) = X sinh(kappa (T - t)) / sinh(kappa T) solves it with "
        "x(0) = X, x(T) = 0 (dsolve, compared in exponentials)",
        lambda: _zero(continuous.holdings_solution() - X * stable.holdings_fraction_textbook()),
    ),
    Proof(
        "first_principles",
        "E and Var of the simulated shortfall equal gamma X^2/2 + epsilon "
        "sum|n| + (eta_tilde/tau) sum n^2 and sigma^2 tau sum x_k^2, for N = 1..5",
        lambda: sp.Add(*[_first_principles(s) for s in range(1, 6)]),
    ),
    Proof(
        "telescoping",
        "n_k x_k = (x_{k-1}^2 - x_k^2)/2 - n_k^2/2",
        lambda: sp.expand(discrete.telescoping_identity().lhs - discrete.telescoping_identity().rhs),
    ),
    Proof(
        "eta_tilde",
        "eta_tilde = eta - gamma tau / 2",
        lambda: discrete.eta_tilde_definition() - (eta - gamma * tau / 2),
    ),
    Proof(
        "convexity",
        "Hessian of E = (2 eta_tilde / tau) * tridiag(-1, 2, -1), positive "
        "definite iff eta_tilde > 0 (N = 2..6)",
        lambda: sp.Add(*[_hessian(s) for s in range(2, 7)]),
    ),
    Proof(
        "kappa_root",
        "SymPy's root of the characteristic equation is arccosh(1 + kappa_tilde^2 tau^2 / 2) / tau",
        lambda: sp.simplify(
            discrete.kappa_from_characteristic_equation() - discrete.kappa_textbook().rewrite(sp.log)
        ),
    ),
    Proof(
        "kappa_stable",
        "(2/tau) asinh(kappa_tilde tau / 2) solves cosh(kappa tau) = 1 + "
        "kappa_tilde^2 tau^2 / 2 (both roots are >= 0 and cosh is one-to-one there)",
        lambda: sp.simplify(
            sp.expand_trig(sp.cosh(tau * stable.kappa_stable())) - 1 - kappa_tilde**2 * tau**2 / 2
        ),
    ),
    Proof(
        "kappa_tau",
        "the printed kappa tau, 2 asinh_root(tau / 2, sigma, lambda, eta_tilde), is tau times "
        "(2/tau) asinh(kappa_tilde tau / 2) with kappa_tilde = sqrt(lambda sigma^2 / eta_tilde)",
        lambda: sp.simplify(stable.kappa_tau_runtime().rewrite(sp.exp) - tau * stable.kappa_runtime()),
    ),
    Proof(
        "optimal_schedule",
        "x_j = X sinh(kappa (T - j tau)) / sinh(kappa T) satisfies the first-order conditions",
        _optimal_satisfies_first_order_condition,
    ),
    Proof("boundaries", "x_0 = X and x_N = 0", _boundaries),
    Proof(
        "trades",
        "n_j = 2 X sinh(kappa tau / 2) cosh(kappa (T - (j - 1/2) tau)) / sinh(kappa T) = x_{j-1} - x_j",
        lambda: _zero(
            discrete.trade_solution()
            - discrete.holdings_solution().subs(j, j - 1)
            + discrete.holdings_solution()
        ),
    ),
    Proof(
        "sum_of_squared_holdings",
        "SymPy's geometric sum of x_j^2 equals (sinh((2N-1)a) / sinh(a) - (2N-1)) / (4 sinh(Na)^2)",
        lambda: _zero_in_a(discrete.sum_of_squared_holdings() - discrete.SUM_OF_SQUARED_HOLDINGS),
    ),
    Proof(
        "sum_of_squared_trades",
        "SymPy's geometric sum of n_j^2 equals tanh(a/2)/tanh(Na) + 2N sinh(a/2)^2 / sinh(Na)^2",
        lambda: _zero_in_a(discrete.sum_of_squared_trades() - discrete.SUM_OF_SQUARED_TRADES),
    ),
    Proof(
        "stable_holdings",
        "the exprel form of the holdings equals the sinh ratio",
        lambda: _zero(_generic(stable.holdings_fraction_stable()) - stable.holdings_fraction_textbook()),
    ),
    Proof(
        "direct_holdings",
        "the batch form sinh(kappa (T - t)) * (X / sinh(kappa T)) equals X times the sinh ratio",
        lambda: _zero(batch.holdings_direct_inlined() - X * stable.holdings_fraction_textbook()),
    ),
    Proof(
        "direct_holdings_stable",
        "the batch form equals X times the exprel form of the holdings (kappa != 0)",
        lambda: _zero(batch.holdings_direct_inlined() - X * _generic(stable.holdings_fraction_stable())),
    ),
    Proof(
        "direct_trades",
        "the batch form cosh(kappa (T - t + tau/2)) * (2 X sinh(kappa tau / 2) / sinh(kappa T)) "
        "equals x(t - tau) - x(t)",
        lambda: _zero(
            fast.inlined(fast.trade_direct(), fast.trade_direct_scale())
            - X * stable.trade_fraction_textbook()
        ),
    ),
    Proof(
        "urgent_holdings",
        "exp(-kappa t) (-expm1(-2 kappa (T - t))) * (X / -expm1(-2 kappa T)) equals X times the sinh ratio",
        lambda: _zero(
            fast.inlined(fast.holdings_urgent(), fast.holdings_urgent_scale()).rewrite(sp.exp)
            - X * stable.holdings_fraction_textbook()
        ),
    ),
    Proof(
        "urgent_trades",
        "exp(-kappa (t - tau)) (1 + exp(-kappa (tau + 2 (T - t)))) * X expm1(-kappa tau) / "
        "expm1(-2 kappa T) equals x(t - tau) - x(t)",
        lambda: _zero(
            fast.inlined(fast.trade_urgent(), fast.trade_urgent_scale()).rewrite(sp.exp)
            - X * stable.trade_fraction_textbook()
        ),
    ),
    Proof(
        "stable_trades",
        "the exprel form of the trades equals x(t - tau) - x(t)",
        lambda: _zero(_generic(stable.trade_fraction_stable()) - stable.trade_fraction_textbook()),
    ),
    Proof(
        "eta_tilde_stable",
        "the fused multiply-subtract sub_mul(eta, gamma / 2, tau) is eta - gamma tau / 2",
        lambda: sp.expand(stable.eta_tilde_stable().rewrite(sp.exp) - discrete.eta_tilde_definition()),
    ),
    Proof(
        "split_holdings",
        "the printed holdings, (X * split fraction) * exp(-kappa t / 2), equal X times the exprel "
        "form, both for kappa != 0 and at kappa = 0",
        lambda: (
            _zero(
                _generic(stable.holdings_fraction_split()) * stable.holdings_half_decay()
                - _generic(stable.holdings_fraction_stable())
            )
            + sp.simplify(
                _kappa_zero(stable.holdings_fraction_split()) * stable.holdings_half_decay().subs(kappa, 0)
                - _kappa_zero(stable.holdings_fraction_stable())
            )
        ),
    ),
    Proof(
        "split_trades",
        "the printed trades, (X * split fraction) * exp(-kappa (t - tau) / 2), equal X times the "
        "exprel form, both for kappa != 0 and at kappa = 0",
        lambda: (
            _zero(
                _generic(stable.trade_fraction_split()) * stable.trade_half_decay()
                - _generic(stable.trade_fraction_stable())
            )
            + sp.simplify(
                _kappa_zero(stable.trade_fraction_split()) * stable.trade_half_decay().subs(kappa, 0)
                - _kappa_zero(stable.trade_fraction_stable())
            )
        ),
    ),
    Proof(
        "stable_sum_of_squared_trades",
        "the exprel form of sum n_j^2 equals the hyperbolic one",
        lambda: _zero_in_a(stable.sum_of_squared_trades_stable() - discrete.SUM_OF_SQUARED_TRADES),
    ),
    Proof(
        "stable_sum_of_squared_holdings",
        "the sinh_tail form of sum x_j^2 equals the hyperbolic one",
        lambda: _zero_in_a(stable.sum_of_squared_holdings_stable() - discrete.SUM_OF_SQUARED_HOLDINGS),
    ),
    Proof(
        "exp_scaled_difference",
        "exp_scaled_difference(a, u, v) = exp(a (u - v)), and 1 at a = 0",
        lambda: (
            sp.simplify(exp_scaled_difference(_z, _w, _v).rewrite(sp.exp) - sp.exp(_z * (_w - _v)))
            + (exp_scaled_difference(0, _w, _v) - 1)
        ),
    ),
    Proof(
        "variance_compensated",
        "the variance with exp(-kappa tau) as exp_scaled_difference(-kappa, tau, 0) is the "
        "sinh_tail form in physical units, and uses the compensated form",
        lambda: (
            sp.simplify(
                stable.variance_decay_compensated().rewrite(sp.exp)
                - stable.sum_of_squared_holdings_stable()
                .subs(a, kappa * tau)
                .subs(N, T / tau)
                .rewrite(sp.exp)
            )
            + (0 if stable.variance_decay_compensated().has(exp_scaled_difference) else 1)
        ),
    ),
    Proof(
        "split_variance",
        "the printed variance, (Var / exp(-kappa tau)) * exp(-kappa tau), is the stable variance, "
        "both for kappa != 0 and at kappa = 0",
        lambda: (
            sp.simplify(
                _generic(stable.variance_split()) * stable.variance_half_decay()
                - _generic(stable.variance_stable())
            )
            + sp.simplify(
                _kappa_zero(stable.variance_split()) * stable.variance_half_decay().subs(kappa, 0)
                - _kappa_zero(stable.variance_stable())
            )
        ),
    ),
    Proof(
        "schedule_variance_scaled",
        "sum_k scaled_square(sigma sqrt(tau), x_k) = sigma^2 tau sum_k x_k^2",
        lambda: sp.simplify(stable.schedule_variance_stable().rewrite(sp.exp) - discrete.variance()),
    ),
    Proof(
        "exprel_limit",
        "exprel(z) -> 1 as z -> 0, its value at 0",
        lambda: sp.limit(exprel(_z).rewrite(sp.exp), _z, 0) - exprel(0),
    ),
    Proof(
        "sinh_tail_limit",
        "sinh_tail(z) -> 1/6 as z -> 0, its value at 0",
        lambda: sp.limit(sinh_tail(_z).rewrite(sp.exp), _z, 0) - sinh_tail(0),
    ),
    Proof(
        "twap_holdings",
        "lambda -> 0 (kappa -> 0): x(t) -> X (T - t) / T, the kappa = 0 branch",
        lambda: (
            sp.limit(stable.holdings_fraction_textbook(), kappa, 0)
            - _kappa_zero(stable.holdings_fraction_stable())
        ),
    ),
    Proof(
        "twap_trades",
        "kappa -> 0: n -> X tau / T, the kappa = 0 branch",
        lambda: sp.simplify(
            sp.limit(stable.trade_fraction_textbook(), kappa, 0) - _kappa_zero(stable.trade_fraction_stable())
        ),
    ),
    Proof(
        "twap_sums",
        "kappa -> 0: sum n_j^2 -> X^2 / N and sum x_j^2 -> X^2 (N-1)(2N-1)/(6N)",
        lambda: (
            sp.simplify(sp.limit(discrete.SUM_OF_SQUARED_TRADES, a, 0) - 1 / N)
            + sp.simplify(sp.limit(discrete.SUM_OF_SQUARED_HOLDINGS, a, 0) - (N - 1) * (2 * N - 1) / (6 * N))
        ),
    ),
    Proof(
        "continuous_limit",
        "tau -> 0: the discrete kappa tends to sqrt(lambda sigma^2 / eta)",
        lambda: sp.simplify(
            sp.limit(stable.kappa_runtime().subs(eta_tilde, discrete.eta_tilde_definition()), tau, 0)
            - continuous.kappa_continuous()
        ),
    ),
    Proof(
        "market_order_limit",
        "lambda -> oo (kappa -> oo): x_1 / X -> 0 for N >= 2, so the first interval sells everything",
        _limit_lambda_infinite,
    ),
    Proof(
        "desk_limits_quadratic",
        "E + lambda Var = (X^2 eta_tilde / tau)(u'Qu - 2w'u) + constants for u = n / X, "
        "Q_ij = delta_ij + a (N + 1 - max(i, j)), w_j = a (N + 1 - j), a = lambda sigma^2 tau^2 / "
        "eta_tilde (the QP of acsym.limits), for N = 1..6",
        lambda: sp.Add(*[desk.limits_quadratic_residual(s) for s in range(1, 7)]),
    ),
    Proof(
        "desk_cumulative_cost",
        "the expected cost of trades n_1..n_k, trade by trade, is the schedule formula of the prefix "
        "(acsym.clock's cumulative expected cost), for k = 1..6",
        lambda: sp.Add(*[desk.cumulative_cost_residual(s) for s in range(1, 7)]),
    ),
    *(Proof(*claim) for claim in sensitivity.proofs()),
    *powerlaw.proofs(),
    *transient.proofs(),
)
PROOFS += drift.proofs()
PROOFS += drift_moments.proofs()
PROOFS += soft_deadline.proofs()
PROOFS += soft_deadline_discrete.proofs()
PROOFS += basket.proofs()
