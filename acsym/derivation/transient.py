"""Transient impact with resilience (Obizhaeva & Wang 2013), exponential kernel.

A block trade n at time t moves the price by iota n (iota = 1 / depth), and the move decays like
G(t) = exp(-rho t). With trades n_0..n_N at t_i = i tau (blocks allowed at both ends, T = N tau),
trade k executes against the displacement left by the earlier ones plus half its own, so the
expected cost is

    E = sum_k n_k (sum_{i<k} iota G(t_k - t_i) n_i + iota n_k / 2) = n' K n / 2,  K_ij = iota G(|t_i - t_j|),

and the minimiser of E subject to sum n_k = X is n* = X K^-1 1 / (1' K^-1 1) (a Lagrange
multiplier), for any kernel that makes K positive definite. For the exponential kernel K is the
Kac-Murdock-Szego matrix iota a^|i-j| (a = exp(-rho tau)), whose inverse is tridiagonal, so the
optimum is in closed form: blocks X / (2 + (N-1)(1-a)) at both ends and X (1-a) / (2 + (N-1)(1-a))
in between; as N -> oo, the continuous Obizhaeva-Wang schedule: blocks X / (2 + rho T) and a
constant rate rho X / (2 + rho T), with cost iota X^2 / (2 + rho T).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import sympy as sp
from sympy.codegen.cfunctions import expm1

from acsym.derivation.symbols import N, T, X, impact, intervals, n, other_time, rho, t, tau

#: a = exp(-rho tau), the decay of the impact over one interval
a = sp.Symbol("a", positive=True)


@cache
def kernel() -> sp.Expr:
    """K(t, s) = iota G(|t - s|) = iota exp(-rho |t - s|)."""
    return impact * sp.exp(-rho * sp.Abs(t - other_time))


def kernel_matrix(steps: int) -> sp.Matrix:
    """K for trade times t_i = i tau, i = 0..steps, in a = exp(-rho tau)."""
    return sp.Matrix(
        steps + 1,
        steps + 1,
        lambda i, j: kernel().subs({t: i * tau, other_time: j * tau}).subs(sp.exp(-rho * tau), a),
    ).applyfunc(lambda e: sp.powsimp(sp.expand_power_exp(e.subs(rho, -sp.log(a) / tau))))


def expected_cost_by_trades(steps: int) -> sp.Expr:
    """E = sum_k n_k (D_k + iota n_k / 2), D_k = sum_{i<k} iota a^(k-i) n_i: each trade pays the
    decayed displacement of the earlier ones and half its own."""
    trades = [n[i] for i in range(steps + 1)]
    cost = sp.S.Zero
    for k_ in range(steps + 1):
        displacement = sp.Add(*[impact * a ** (k_ - i) * trades[i] for i in range(k_)])
        cost += trades[k_] * (displacement + impact * trades[k_] / 2)
    return sp.expand(cost)


def expected_cost_by_recursion(steps: int) -> sp.Expr:
    """The same cost by D_0 = 0, D_k = a (D_{k-1} + iota n_{k-1}): O(N), what the runtime does."""
    trades = [n[i] for i in range(steps + 1)]
    displacement, cost = sp.S.Zero, sp.S.Zero
    for k_ in range(steps + 1):
        if k_:
            displacement = a * (displacement + impact * trades[k_ - 1])
        cost += trades[k_] * (displacement + impact * trades[k_] / 2)
    return sp.expand(cost)


def inverse_kernel_matrix(steps: int) -> sp.Matrix:
    """K^-1 = tridiag(-a; 1, 1 + a^2, ..., 1 + a^2, 1; -a) / (iota (1 - a^2))."""
    size = steps + 1

    def entry(i: int, j: int) -> sp.Expr:
        if i == j:
            return sp.S.One if i in (0, size - 1) else 1 + a**2
        return -a if abs(i - j) == 1 else sp.S.Zero

    return sp.Matrix(size, size, entry) / (impact * (1 - a**2))


@cache
def optimal_block() -> sp.Expr:
    """n*_0 = n*_N = X / (2 + (N - 1)(1 - a)): the Lagrange solution X K^-1 1 / (1' K^-1 1) at the
    ends, in closed form from the tridiagonal inverse (row sums (1 - a) and (1 - a)^2)."""
    end, inner = (1 - a) / (impact * (1 - a**2)), (1 - a) ** 2 / (impact * (1 - a**2))
    total = 2 * end + (N - 1) * inner
    return sp.simplify(X * end / total)


@cache
def optimal_interior_trade() -> sp.Expr:
    """n*_k = X (1 - a) / (2 + (N - 1)(1 - a)) for 0 < k < N."""
    return sp.simplify(optimal_block() * (1 - a))


@cache
def optimal_cost() -> sp.Expr:
    """E* = X^2 / (2 1' K^-1 1) = iota X^2 (1 + a) / (2 (2 + (N - 1)(1 - a)))."""
    total = (2 * (1 - a) + (N - 1) * (1 - a) ** 2) / (impact * (1 - a**2))
    return sp.simplify(X**2 / (2 * total))


def _textbook(expr: sp.Expr) -> sp.Expr:
    """a = exp(-rho tau)."""
    return expr.subs(a, sp.exp(-rho * tau))


def _tidy(expr: sp.Expr) -> sp.Expr:
    return sp.factor(sp.simplify(expr))


@cache
def continuous_block() -> sp.Expr:
    """lim N -> oo (tau = T / N) of the block: X / (2 + rho T)."""
    return _tidy(sp.limit(_textbook(optimal_block()).subs(tau, T / N), N, sp.oo))


@cache
def continuous_rate() -> sp.Expr:
    """lim of the interior trade / tau: the constant rate rho X / (2 + rho T)."""
    return _tidy(sp.limit((_textbook(optimal_interior_trade()) / tau).subs(tau, T / N), N, sp.oo))


@cache
def continuous_cost() -> sp.Expr:
    """lim of the optimal cost: iota X^2 / (2 + rho T)."""
    return _tidy(sp.limit(_textbook(optimal_cost()).subs(tau, T / N), N, sp.oo))


def _stable(expr: sp.Expr) -> sp.Expr:
    """Write 1 - a as -expm1(-rho tau) (so rho tau -> 0 keeps its digits)."""
    one_minus_a = sp.Symbol("b", positive=True)
    return sp.factor(sp.simplify(expr.subs(a, 1 - one_minus_a))).subs(one_minus_a, -expm1(-rho * tau))


def formulas() -> tuple[Any, ...]:
    """The catalog entries of the transient-impact model."""
    from acsym.derivation.catalog import Formula

    common = ("order_size", "steps", "resilience", "tau")
    return (
        Formula(
            name="transient_kernel",
            arguments=("time", "other_time", "impact", "resilience"),
            expr=kernel(),
            reference=kernel(),
            summary="Entry K(t, s) = impact exp(-resilience abs(t - s)) of the exponential kernel matrix.",
            formula="K(t, s) = impact * exp(-resilience * abs(t - s))",
            returns="currency / share**2",
            notes="E = n' K n / 2 for trades n at times t_i; broadcast t[:, None] against s[None, :] "
            "for the matrix.",
        ),
        Formula(
            name="transient_block",
            arguments=common,
            expr=_stable(optimal_block()).subs(N, intervals),
            reference=_textbook(optimal_block()).subs(N, intervals),
            summary="Block traded at the start and at the end of the optimal discrete schedule.",
            formula="n_0 = n_N = X / (2 + (N - 1) (1 - exp(-resilience tau)))",
            returns="shares",
            notes="N + 1 trade times t_i = i tau, i = 0..N; 1 - exp(-resilience tau) is printed as "
            "-expm1(-resilience tau).",
        ),
        Formula(
            name="transient_interior_trade",
            arguments=common,
            expr=_stable(optimal_interior_trade()).subs(N, intervals),
            reference=_textbook(optimal_interior_trade()).subs(N, intervals),
            summary="Each trade strictly between the two blocks of the optimal discrete schedule.",
            formula="n_k = X (1 - exp(-resilience tau)) / (2 + (N - 1) (1 - exp(-resilience tau)))",
            returns="shares",
        ),
        Formula(
            name="transient_optimal_cost",
            arguments=("order_size", "steps", "impact", "resilience", "tau"),
            expr=_stable(optimal_cost()).subs(N, intervals),
            reference=_textbook(optimal_cost()).subs(N, intervals),
            summary="Expected cost of the optimal discrete schedule under the exponential kernel.",
            formula="E = impact X**2 (1 + a) / (2 (2 + (N - 1)(1 - a))), a = exp(-resilience tau)",
            returns="currency",
        ),
        Formula(
            name="transient_continuous_block",
            arguments=("order_size", "horizon", "resilience"),
            expr=continuous_block(),
            reference=continuous_block(),
            summary="Obizhaeva-Wang: the block traded at the start and at the end.",
            formula="X / (2 + resilience T)",
            returns="shares",
        ),
        Formula(
            name="transient_continuous_rate",
            arguments=("order_size", "horizon", "resilience"),
            expr=continuous_rate(),
            reference=continuous_rate(),
            summary="Obizhaeva-Wang: the constant trading rate between the blocks.",
            formula="resilience X / (2 + resilience T)",
            returns="shares / time unit",
        ),
        Formula(
            name="transient_continuous_cost",
            arguments=("order_size", "horizon", "impact", "resilience"),
            expr=continuous_cost(),
            reference=continuous_cost(),
            summary="Obizhaeva-Wang: the expected cost of the optimal continuous schedule.",
            formula="impact X**2 / (2 + resilience T)",
            returns="currency",
        ),
    )


def proofs() -> tuple[Any, ...]:
    from acsym.derivation.proofs import Proof

    steps = 4
    size = steps + 1
    ones = sp.ones(size, 1)

    def lagrange() -> sp.Expr:
        inverse = inverse_kernel_matrix(steps)
        solution = X * inverse * ones / (ones.T * inverse * ones)[0, 0]
        expected = [optimal_block()] + [optimal_interior_trade()] * (steps - 1) + [optimal_block()]
        return sp.simplify(sum((solution[i] - expected[i].subs(N, steps)) ** 2 for i in range(size)))

    def stationarity() -> sp.Expr:
        # the gradient K n* is the same for every trade (a Lagrange multiplier): n* is optimal
        trades = [optimal_block()] + [optimal_interior_trade()] * (steps - 1) + [optimal_block()]
        gradient = kernel_matrix(steps) * sp.Matrix([e.subs(N, steps) for e in trades])
        return sp.simplify(sum((gradient[i] - gradient[0]) ** 2 for i in range(size)))

    def small_n_limits() -> sp.Expr:
        # rho -> 0: blocks X/2 and no trading between; rho -> oo: TWAP over the N + 1 times... for
        # the continuous schedule, rho -> oo gives the rate X / T and no blocks
        return (
            sp.simplify(sp.limit(continuous_block(), rho, 0) - X / 2)
            + sp.simplify(sp.limit(continuous_rate(), rho, 0))
            + sp.simplify(sp.limit(continuous_block(), rho, sp.oo))
            + sp.simplify(sp.limit(continuous_rate(), rho, sp.oo) - X / T)
            + sp.simplify(sp.limit(continuous_cost(), rho, 0) - impact * X**2 / 2)
        )

    return (
        Proof(
            "transient_kernel_inverse",
            "K K^-1 = I for the exponential kernel (N = 4): K^-1 is tridiagonal",
            lambda: sp.simplify(kernel_matrix(steps) * inverse_kernel_matrix(steps) - sp.eye(size)).norm(),
        ),
        Proof(
            "transient_cost_quadratic_form",
            "sum_k n_k (D_k + iota n_k / 2) = n' K n / 2 = the O(N) recursion "
            "D_k = a (D_{k-1} + iota n_{k-1})",
            lambda: (
                sp.expand(
                    expected_cost_by_trades(steps)
                    - (
                        sp.Matrix([n[i] for i in range(size)]).T
                        * kernel_matrix(steps)
                        * sp.Matrix([n[i] for i in range(size)])
                    )[0, 0]
                    / 2
                )
                + sp.expand(expected_cost_by_trades(steps) - expected_cost_by_recursion(steps))
            ),
        ),
        Proof(
            "transient_lagrange",
            "X K^-1 1 / (1' K^-1 1) is blocks X / (2 + (N-1)(1-a)) at both ends and (1-a) times that between",
            lagrange,
        ),
        Proof(
            "transient_stationary",
            "K n* has equal entries (the first-order condition with a Lagrange multiplier)",
            stationarity,
        ),
        Proof(
            "transient_stable_forms",
            "the printed forms (1 - a as -expm1(-rho tau)) equal the textbook ones",
            lambda: sp.simplify(
                (_stable(optimal_block()) - _textbook(optimal_block())).rewrite(sp.exp)
                + (_stable(optimal_cost()) - _textbook(optimal_cost())).rewrite(sp.exp)
                + (_stable(optimal_interior_trade()) - _textbook(optimal_interior_trade())).rewrite(sp.exp)
            ),
        ),
        Proof(
            "transient_limits",
            "rho -> 0: blocks X / 2, no trading between, cost iota X^2 / 2; rho -> oo: no blocks, rate X / T",
            small_n_limits,
        ),
    )


def sections() -> tuple[Any, ...]:
    from acsym.derivation.document import Section

    return (
        Section(
            "Transient impact (Obizhaeva-Wang): exponential kernel",
            "Trades n_0..n_N at t_i = i tau cost n' K n / 2 with the kernel below (N = 3 shown, a = "
            "exp(-rho tau)); K^-1 is tridiagonal, which gives the Lagrange solution "
            "X K^-1 1 / (1' K^-1 1) in closed form (the end blocks, the trades between, the cost), "
            "and its N -> oo limits, the continuous Obizhaeva-Wang schedule:",
            (
                ("K(t, s)", kernel()),
                ("K_3", kernel_matrix(3)),
                ("n_0 = n_N", optimal_block()),
                ("n_k", optimal_interior_trade()),
                ("E^*", optimal_cost()),
                ("n(0) = n(T)", continuous_block()),
                ("v", continuous_rate()),
                ("E^*", continuous_cost()),
            ),
        ),
    )
