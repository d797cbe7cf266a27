"""A soft deadline in discrete time: the base model's N intervals with x_N free and penalised.

Sell X shares in N intervals of length tau as in :mod:`acsym.derivation.discrete` (trade k
executes at S_{k-1} - epsilon - eta n_k / tau, the price then moves by sigma tau^(1/2) xi_k -
gamma n_k), but the last holding x_N need not be 0: the x_N shares left at T are sold at once
at S_N - epsilon - alpha x_N, as in the continuous model of :mod:`acsym.derivation.soft_deadline`
(alpha per share per share, on top of the half spread and of the price that already carries
every earlier trade's permanent impact). From the simulated shortfall (proof
``soft_deadline_discrete_first_principles``):

    E = gamma X^2 / 2 + epsilon (sum |n_k| + x_N) + (eta_tilde / tau) sum n_k^2 + (alpha - gamma/2) x_N^2
    Var = sigma^2 tau sum_{k=1..N} x_k^2

with X = sum n_k + x_N. The shares left at T count in the variance: shock N moves S_N, the price
of the block. So the terminal penalty acts through c = alpha - gamma/2, exactly as in continuous
time. The interior first-order conditions are the base recurrence; the end condition at N is
(eta_tilde / tau) (x_N - x_{N-1}) + c x_N + lambda sigma^2 tau x_N = 0. The solution is, with
s = T - t and kappa the base model's discrete root,

    x(t) = X F(T - t) / F(T),
    F(s) = c sinh(kappa s) + (eta_tilde / tau) (sinh(kappa (s + tau)) - sinh(kappa s)),

which tends to CJP's c sinh(kappa s) + eta kappa cosh(kappa s) as tau -> 0, to the sinh schedule
as alpha -> oo, and at lambda = 0 (kappa = 0, F / kappa taken to its limit) to the linear
X (c s + eta_tilde) / (c T + eta_tilde).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import sympy as sp

from acsym.derivation import discrete, fast, soft_deadline, stable
from acsym.derivation.drift import kappa_tilde_squared_from_kappa, zero_in_exponentials
from acsym.derivation.soft_deadline import inline_steps
from acsym.derivation.special import exp_scaled_difference, exprel
from acsym.derivation.symbols import (
    N,
    T,
    X,
    alpha_T,
    epsilon,
    eta,
    eta_tilde,
    gamma,
    k,
    kappa,
    lam,
    n,
    sigma,
    t,
    tau,
    unsold,
    x,
    xi,
)

if TYPE_CHECKING:
    from acsym.derivation.catalog import Formula
    from acsym.derivation.document import Section
    from acsym.derivation.proofs import Proof

#: c = alpha - gamma / 2, the terminal penalty net of the permanent impact's give-back
net_penalty = soft_deadline.net_penalty
#: the holdings around the end: x_{N-1} and x_N (:data:`unsold`)
_before, _last = sp.Symbol("x_N-1", real=True), unsold
#: intermediate results of the printed forms
fraction = sp.Symbol("fraction")
scaled = sp.Symbol("scaled")
#: s = T - t (the symbol of :mod:`acsym.derivation.fast`), rounded once before it is used:
#: T + tau - t would round T + tau first, an error of N ulps in s + tau, and 2T + tau - 2t one
#: of kappa T ulps in the exponent
remaining = fast.remaining


# --------------------------------------------------------------------------------------------
# expected cost and variance from first principles


def shortfall(steps: int) -> sp.Expr:
    """Implementation shortfall of trades n_1..n_steps followed by a block sale of ``unsold``
    shares at S_N - epsilon - alpha unsold: the model's definition, before any algebra."""
    proceeds, price = discrete.trading(steps)
    proceeds += unsold * (price - epsilon - alpha_T * unsold)
    order = sp.Add(*[n[step] for step in range(1, steps + 1)]) + unsold
    return sp.expand(order * discrete.price_0 - proceeds)


@cache
def expected_cost_of_schedule() -> sp.Expr:
    """E = gamma X^2 / 2 + epsilon (sum |n_k| + x_N) + (eta_tilde / tau) sum n_k^2 + (alpha - gamma/2)
    x_N^2 with X = sum n_k + x_N: the base model's E of the trades plus the block sale."""
    order = sp.Sum(n[k], (k, 1, N)) + unsold
    return (
        gamma * order**2 / 2
        + epsilon * (sp.Sum(sp.Abs(n[k]), (k, 1, N)) + unsold)
        + eta_tilde / tau * sp.Sum(n[k] ** 2, (k, 1, N))
        + net_penalty * unsold**2
    )


def _first_principles(steps: int) -> sp.Expr:
    """E and Var of :func:`shortfall` minus :func:`expected_cost_of_schedule` and sigma^2 tau
    sum_{k=1..N} x_k^2 (x_k = n_{k+1} + ... + n_N + unsold), for sells n_k > 0."""
    cost = shortfall(steps).subs({sp.sign(n[i]): 1 for i in range(1, steps + 1)})
    shocks = [xi[i] for i in range(1, steps + 1)]
    mean = cost.subs({shock: 0 for shock in shocks})
    variance = sp.expand(sp.Add(*[cost.coeff(shock) ** 2 for shock in shocks]))
    trades = [n[i] for i in range(1, steps + 1)]
    claimed = (
        expected_cost_of_schedule()
        .subs(N, steps)
        .doit()
        .subs({sp.Abs(n[i]): n[i] for i in range(1, steps + 1)})
        .subs(eta_tilde, eta - gamma * tau / 2)
    )
    holdings = [sp.Add(*trades[i:]) + unsold for i in range(1, steps + 1)]
    claimed_variance = sigma**2 * tau * sp.Add(*[h**2 for h in holdings])
    return sp.expand(mean - claimed) + sp.expand(variance - claimed_variance)


# --------------------------------------------------------------------------------------------
# the first-order conditions and their solution


@cache
def end_condition() -> sp.Expr:
    """d(E + lambda Var)/dx_N for the terms holding x_N, halved: (eta_tilde / tau) (x_N - x_{N-1}) +
    c x_N + lambda sigma^2 tau x_N (= 0 at the optimum; the interior ones are the base recurrence)."""
    window = eta_tilde / tau * (_before - _last) ** 2 + net_penalty * _last**2
    objective = window + lam * sigma**2 * tau * _last**2
    return sp.expand(sp.diff(objective, _last) / 2)


def _lambda_in_kappa() -> dict[sp.Symbol, sp.Expr]:
    """lambda = eta_tilde kappa_tilde^2 / sigma^2 with kappa_tilde^2 from the characteristic equation."""
    return {lam: eta_tilde * kappa_tilde_squared_from_kappa() / sigma**2}


@cache
def holdings_solution() -> sp.Expr:
    """x(t) = A cosh(kappa (T - t)) + B sinh(kappa (T - t)) (the base recurrence's solutions) with
    x(0) = X and :func:`end_condition` at x_N = x(T), x_{N-1} = x(T - tau), solved by SymPy."""
    a, b = sp.symbols("A B")
    general = a * sp.cosh(kappa * (T - t)) + b * sp.sinh(kappa * (T - t))
    end = (
        end_condition()
        .subs(_lambda_in_kappa())
        .subs({_last: general.subs(t, T), _before: general.subs(t, T - tau)})
    )
    solution = sp.solve([general.subs(t, 0) - X, end], [a, b], dict=True)[0]
    return general.subs(solution)


def end_shape(s: sp.Expr) -> sp.Expr:
    """F(s) = c sinh(kappa s) + (eta_tilde / tau) (sinh(kappa (s + tau)) - sinh(kappa s))."""
    return net_penalty * sp.sinh(kappa * s) + eta_tilde / tau * (
        sp.sinh(kappa * (s + tau)) - sp.sinh(kappa * s)
    )


@cache
def holdings_textbook() -> sp.Expr:
    """x(t) = X F(T - t) / F(T)."""
    return X * end_shape(T - t) / end_shape(T)


@cache
def trade_textbook() -> sp.Expr:
    """n(t) = x(t - tau) - x(t), the trade over (t - tau, t]."""
    return holdings_textbook().subs(t, t - tau) - holdings_textbook()


def _decay_tau() -> sp.Expr:
    """e^(-kappa tau), its argument's rounding compensated (kappa tau reaches ~700)."""
    return exp_scaled_difference(-kappa, tau, 0)


def _scaled_shape(s: sp.Expr) -> sp.Expr:
    """G(s) = e^(-kappa (s + tau)) F(s) / kappa = c s e^(-kappa tau) exprel(-2 kappa s) + eta_tilde
    exprel(-kappa tau) (1 + e^(-kappa (2 s + tau))) / 2: only non-positive exponents, G(s) ->
    c s + eta_tilde as kappa -> 0."""
    return (
        net_penalty * s * _decay_tau() * exprel(-2 * kappa * s)
        + eta_tilde * exprel(-kappa * tau) * (1 + sp.exp(-kappa * (2 * s + tau))) / 2
    )


def _scaled_step(s: sp.Expr) -> sp.Expr:
    """H(s) = e^(-kappa s) (F(s + tau) - F(s)) / kappa = c tau e^(-kappa tau) exprel(-kappa tau) (1 +
    e^(-kappa (2 s + tau))) / 2 + eta_tilde kappa^2 tau exprel(-kappa tau)^2 (s + tau)
    exprel(-2 kappa (s + tau)): a sum of positive terms (c >= 0), no difference of holdings."""
    return net_penalty * tau * _decay_tau() * exprel(-kappa * tau) * (
        1 + sp.exp(-kappa * (2 * s + tau))
    ) / 2 + eta_tilde * kappa**2 * tau * exprel(-kappa * tau) ** 2 * (s + tau) * exprel(
        -2 * kappa * (s + tau)
    )


@cache
def holdings_stable() -> sp.Expr:
    """x(t) = X e^(-kappa t) G(T - t) / G(T)."""
    return X * sp.exp(-kappa * t) * _scaled_shape(T - t) / _scaled_shape(T)


@cache
def trade_stable() -> sp.Expr:
    """n(t) = X e^(-kappa (t - tau)) H(T - t) / G(T)."""
    return X * sp.exp(-kappa * (t - tau)) * _scaled_step(T - t) / _scaled_shape(T)


def _holdings_steps() -> tuple[tuple[sp.Symbol, sp.Expr], ...]:
    """Half of e^(-kappa t) before the order size and half after (as for the base holdings)."""
    half = exp_scaled_difference(-kappa / 2, t, 0)
    shape = half * _scaled_shape(remaining) / _scaled_shape(T)
    return ((remaining, T - t), (fraction, shape), (scaled, X * fraction))


def _holdings_printed() -> sp.Expr:
    return scaled * exp_scaled_difference(-kappa / 2, t, 0)


def _trade_steps() -> tuple[tuple[sp.Symbol, sp.Expr], ...]:
    """Half of e^(-kappa (t - tau)) before the order size and half after."""
    half = exp_scaled_difference(-kappa / 2, t, tau)
    step = half * _scaled_step(remaining) / _scaled_shape(T)
    return ((remaining, T - t), (fraction, step), (scaled, X * fraction))


def _trade_printed() -> sp.Expr:
    return scaled * exp_scaled_difference(-kappa / 2, t, tau)


@cache
def holdings_at_kappa_zero() -> sp.Expr:
    """lambda = 0: x(t) = X (c (T - t) + eta_tilde) / (c T + eta_tilde), linear down to
    X eta_tilde / (c T + eta_tilde) left at T."""
    return X * (net_penalty * (T - t) + eta_tilde) / (net_penalty * T + eta_tilde)


@cache
def unsold_fraction() -> sp.Expr:
    """x_N / X = e^(-kappa T) G(0) / G(T) = e^(-kappa T) eta_tilde exprel(-kappa tau) (1 + e^(-kappa
    tau)) / (2 G(T)): what is left for the block sale at T."""
    return holdings_stable().subs(t, T) / X


# --------------------------------------------------------------------------------------------
# proofs


def _condition_residuals() -> sp.Expr:
    """The textbook form in the interior recurrence (at t) and in the end condition (at T), lambda
    written in kappa, as rational functions of the exponentials (0 when they hold)."""
    holding = holdings_textbook()
    lam_kappa = _lambda_in_kappa()
    condition = discrete.first_order_condition()
    j = sp.Symbol("j", integer=True, nonnegative=True)
    window = {x[j + shift]: holding.subs(t, t + shift * tau) for shift in (-1, 0, 1)}
    interior = (condition.lhs - condition.rhs).subs(discrete.j, j).subs(window).subs(lam_kappa)
    end = end_condition().subs(lam_kappa).subs({_last: holding.subs(t, T), _before: holding.subs(t, T - tau)})
    return zero_in_exponentials(interior, kappa, (t, T, tau)) + zero_in_exponentials(end, kappa, (T, tau))


def _qp_residual(steps: int) -> sp.Expr:
    """At rational kappa tau, c, eta_tilde, N = ``steps``: the minimiser of E + lambda Var over
    x_1..x_N (x_N free), by solving the gradient's linear system exactly, minus the closed form.
    The closed form's sinh are exact algebraic numbers at kappa tau = log 2."""
    values = {
        tau: sp.Rational(1, 3),
        eta_tilde: sp.Rational(5, 7),
        alpha_T: sp.Rational(11, 5),
        gamma: sp.Rational(2, 5),
    }
    rate = sp.log(2) / values[tau]
    free = sp.symbols(f"y1:{steps + 1}")
    path = [X, *free]
    lam_value = (values[eta_tilde] * kappa_tilde_squared_from_kappa() / sigma**2).subs(
        {kappa: rate, tau: values[tau]}
    )
    objective = (
        sp.Add(*[(path[i - 1] - path[i]) ** 2 for i in range(1, steps + 1)]) * values[eta_tilde] / values[tau]
    )
    objective += net_penalty.subs(values) * path[-1] ** 2
    objective += lam_value * sigma**2 * values[tau] * sp.Add(*[p**2 for p in free])
    solution = sp.solve([sp.diff(objective, y) for y in free], free, dict=True)[0]
    closed = holdings_textbook().subs({T: steps * values[tau]}).subs(values).subs(kappa, rate)
    return sp.Add(
        *[
            sp.simplify((solution[free[i - 1]] - closed.subs(t, i * values[tau])).rewrite(sp.exp))
            for i in range(1, steps + 1)
        ]
    )


#: c = alpha - gamma / 2 as one positive symbol, for the proofs
_c = sp.Symbol("c", positive=True)


def _in_c(expr: sp.Expr) -> sp.Expr:
    return expr.subs(alpha_T, _c + gamma / 2)


def _continuous_limit() -> sp.Expr:
    """tau -> 0 of F(s) with eta_tilde = eta - gamma tau / 2, kappa held: c sinh(kappa s) + eta
    kappa cosh(kappa s), kappa times the continuous model's c sinh(kappa s) / kappa + eta cosh(kappa s)."""
    s = sp.Symbol("s", positive=True)
    shape = _in_c(end_shape(s)).subs(eta_tilde, eta - gamma * tau / 2)
    limit = sp.limit(shape, tau, 0)
    continuous_shape = _c * sp.sinh(kappa * s) + eta * kappa * sp.cosh(kappa * s)
    # and the continuous model's holdings are that shape's ratio (its stable form, kappa != 0)
    ratio = continuous_shape.subs(s, T - t) / continuous_shape.subs(s, T)
    return sp.simplify(limit - continuous_shape) + zero_in_exponentials(
        _in_c(ratio - soft_deadline.holdings_cjp() / X), kappa, (t, T)
    )


def proofs() -> tuple[Proof, ...]:
    """The discrete soft deadline's claims as :class:`acsym.derivation.proofs.Proof` records."""
    from acsym.derivation.proofs import Proof

    return (
        Proof(
            "soft_deadline_discrete_first_principles",
            "trades n_1..n_N then a block sale of x_N at S_N - epsilon - alpha x_N: E = gamma X^2/2 + "
            "epsilon (sum n_k + x_N) + (eta_tilde / tau) sum n_k^2 + (alpha - gamma/2) x_N^2 and Var = "
            "sigma^2 tau sum_{k=1..N} x_k^2, x_N included (N = 1..4)",
            lambda: sp.Add(*[_first_principles(steps) for steps in range(1, 5)]),
        ),
        Proof(
            "soft_deadline_discrete_solution",
            "A cosh(kappa (T - t)) + B sinh(kappa (T - t)) with x_0 = X and the end condition is "
            "X F(T - t) / F(T), F(s) = c sinh(kappa s) + (eta_tilde / tau) (sinh(kappa (s + tau)) - "
            "sinh(kappa s))",
            lambda: zero_in_exponentials(holdings_solution() - holdings_textbook(), kappa, (t, T, tau)),
        ),
        Proof(
            "soft_deadline_discrete_conditions",
            "X F(T - t) / F(T) satisfies the interior first-order conditions (the base recurrence) "
            "and the end condition at N, lambda = eta_tilde kappa_tilde^2 / sigma^2",
            _condition_residuals,
        ),
        Proof(
            "soft_deadline_discrete_qp",
            "at kappa tau = log 2, tau = 1/3, eta_tilde = 5/7, alpha = 11/5, gamma = 2/5 the exact "
            "minimiser of E + lambda Var over x_1..x_N (x_N free) is the closed form (N = 1..4)",
            lambda: sp.Add(*[_qp_residual(steps) for steps in range(1, 5)]),
        ),
        Proof(
            "soft_deadline_discrete_stable",
            "X e^(-kappa t) G(T - t) / G(T) (exprel, no overflow) equals X F(T - t) / F(T); the printed "
            "split of the decay equals it",
            lambda: (
                zero_in_exponentials(
                    holdings_stable().rewrite(sp.exp) - holdings_textbook(), kappa, (t, T, tau)
                )
                + zero_in_exponentials(
                    inline_steps(_holdings_printed(), _holdings_steps()).rewrite(sp.exp)
                    - holdings_textbook(),
                    kappa,
                    (t, T, tau),
                )
            ),
        ),
        Proof(
            "soft_deadline_discrete_trades",
            "X e^(-kappa (t - tau)) H(T - t) / G(T), a sum of positive terms, equals x(t - tau) - x(t); "
            "the printed split equals it",
            lambda: (
                zero_in_exponentials(trade_stable().rewrite(sp.exp) - trade_textbook(), kappa, (t, T, tau))
                + zero_in_exponentials(
                    inline_steps(_trade_printed(), _trade_steps()).rewrite(sp.exp) - trade_textbook(),
                    kappa,
                    (t, T, tau),
                )
            ),
        ),
        Proof(
            "soft_deadline_discrete_hard_limit",
            "alpha -> oo gives the base discrete schedule X sinh(kappa (T - t)) / sinh(kappa T)",
            lambda: zero_in_exponentials(
                sp.limit(holdings_textbook(), alpha_T, sp.oo) - X * stable.holdings_fraction_textbook(),
                kappa,
                (t, T),
            ),
        ),
        Proof(
            "soft_deadline_discrete_lambda_zero",
            "lambda -> 0 (kappa -> 0): the textbook 0/0 tends to X (c (T - t) + eta_tilde) / (c T + "
            "eta_tilde), the stable forms' value at kappa = 0, whose trade is X c tau / (c T + eta_tilde)",
            lambda: (
                sp.simplify(sp.limit(holdings_textbook(), kappa, 0) - holdings_at_kappa_zero())
                + sp.simplify(holdings_stable().subs(kappa, 0) - holdings_at_kappa_zero())
                + sp.simplify(
                    trade_stable().subs(kappa, 0)
                    - (holdings_at_kappa_zero().subs(t, t - tau) - holdings_at_kappa_zero())
                )
            ),
        ),
        Proof(
            "soft_deadline_discrete_continuous_limit",
            "tau -> 0 with eta_tilde = eta - gamma tau / 2: F(s) -> c sinh(kappa s) + eta kappa "
            "cosh(kappa s), whose ratio is Cartea-Jaimungal-Penalva's continuous schedule (and the "
            "discrete kappa tends to the continuous one)",
            _continuous_limit,
        ),
    )


# --------------------------------------------------------------------------------------------
# what is printed and documented


def sections() -> tuple[Section, ...]:
    """The discrete soft deadline's section of ``docs/derivation.md``."""
    from acsym.derivation.document import Section

    return (
        Section(
            "Soft deadline in discrete time",
            "The base model's N intervals, with x_N free: the x_N shares left at T are sold at once at "
            "S_N - epsilon - alpha x_N (alpha per share per share, as in continuous time). From the "
            "simulated shortfall, the expected cost and the variance of any such schedule (x_N's risk "
            "counts: shock N moves the price of the block). The interior first-order conditions are the "
            "base recurrence with the same kappa; the end condition at N is new. Its solution, the "
            "stable forms the runtime evaluates (G, H as in acsym.derivation.soft_deadline_discrete), "
            "the lambda = 0 limit and what is left at T. alpha -> oo gives the sinh schedule, tau -> 0 "
            "Cartea-Jaimungal-Penalva's form:",
            (
                ("E", expected_cost_of_schedule()),
                ("\\mathrm{Var}", discrete.variance()),
                ("", sp.Eq(end_condition(), 0)),
                ("x(t)", holdings_textbook()),
                ("x(t)", holdings_stable()),
                ("n(t)", trade_stable()),
                ("\\lim_{\\lambda \\to 0} x(t)", holdings_at_kappa_zero()),
                ("x_N / X", unsold_fraction()),
            ),
        ),
    )


def formulas() -> tuple[Formula, ...]:
    """The discrete soft deadline's entries of the catalog."""
    from acsym.derivation.catalog import Formula

    arguments = ("order_size", "time", "horizon", "kappa", "tau", "eta_tilde", "gamma", "terminal_penalty")
    return (
        Formula(
            name="holdings_soft_deadline_discrete",
            arguments=arguments,
            steps=_holdings_steps(),
            expr=_holdings_printed(),
            reference=holdings_textbook(),
            summary="Shares still held at a time on the discrete-time soft-deadline schedule.",
            formula="holdings = X F(T - t) / F(T), F(s) = c sinh(kappa s) + (eta_tilde / tau) "
            "(sinh(kappa (s + tau)) - sinh(kappa s)), c = terminal_penalty - gamma / 2",
            returns="shares",
            notes="kappa is the base model's discrete root (kappa()). Evaluated as X e^(-kappa t) "
            "G(T - t) / G(T), G(s) = c s e^(-kappa tau) exprel(-2 kappa s) + eta_tilde exprel(-kappa "
            "tau) (1 + e^(-kappa (2 s + tau))) / 2: no overflow, and kappa = 0 gives X (c (T - t) + "
            "eta_tilde) / (c T + eta_tilde). holdings(horizon) > 0 is sold as a block at the horizon. "
            "Requires c >= 0 and eta_tilde > 0; terminal_penalty -> inf is holdings(); tau -> 0 is "
            "holdings_soft_deadline().",
        ),
        Formula(
            name="trade_sizes_soft_deadline_discrete",
            arguments=arguments,
            steps=_trade_steps(),
            expr=_trade_printed(),
            reference=trade_textbook(),
            summary="Shares sold in the interval (time - tau, time] on the discrete soft-deadline schedule.",
            formula="trade = holdings_soft_deadline_discrete(time - tau) - "
            "holdings_soft_deadline_discrete(time)",
            returns="shares",
            notes="Evaluated as a sum of positive terms, X e^(-kappa (t - tau)) H(T - t) / G(T), H(s) = "
            "c tau e^(-kappa tau) exprel(-kappa tau) (1 + e^(-kappa (2 s + tau))) / 2 + eta_tilde "
            "kappa**2 tau exprel(-kappa tau)**2 (s + tau) exprel(-2 kappa (s + tau)), not as a "
            "difference of holdings. kappa = 0 gives X c tau / (c T + eta_tilde).",
        ),
        Formula(
            name="schedule_expected_cost_soft_deadline",
            arguments=("trade_sizes", "unsold", "tau", "gamma", "eta_tilde", "epsilon", "terminal_penalty"),
            expr=expected_cost_of_schedule(),
            reference=expected_cost_of_schedule(),
            summary="Expected implementation shortfall of any schedule that sells its last holding "
            "as a block.",
            formula="E = gamma X**2 / 2 + epsilon (sum|n_k| + unsold) + (eta_tilde / tau) sum n_k**2 + "
            "(terminal_penalty - gamma / 2) unsold**2, X = sum n_k + unsold",
            returns="currency",
            notes="trade_sizes holds n_1..n_N along its last axis; unsold = x_N >= 0 is sold at once at "
            "the horizon at S_N - epsilon - terminal_penalty unsold. The variance is "
            "schedule_variance(): x_N counts, its shares bear the last interval's risk.",
        ),
    )


__all__ = [
    "end_condition",
    "end_shape",
    "expected_cost_of_schedule",
    "formulas",
    "holdings_at_kappa_zero",
    "holdings_solution",
    "holdings_stable",
    "holdings_textbook",
    "net_penalty",
    "proofs",
    "sections",
    "shortfall",
    "trade_stable",
    "trade_textbook",
    "unsold_fraction",
]
