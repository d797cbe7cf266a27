"""The runtime forms: numerically stable rewrites of the textbook results, each proved equal.

Textbook forms fail in floating point: sinh(kappa T) overflows past kappa T ~ 710, the ratio
sinh(kappa (T - t)) / sinh(kappa T) is 0/0 at kappa = 0 and loses digits near it, and
arccosh(1 + y) / tau returns exactly 0 once y < 1e-16. The forms below use exp of non-positive
arguments, :class:`~acsym.derivation.special.exprel` and
:class:`~acsym.derivation.special.sinh_tail`, so they neither overflow nor cancel, and each
states its exact kappa = 0 (lambda = 0, TWAP) value as the first branch of a Piecewise. Every
form has a ``prove_*`` function in :mod:`acsym.derivation.proofs`.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import sympy as sp

from acsym.derivation import discrete
from acsym.derivation.special import (
    asinh_root,
    exp_scaled_difference,
    exprel,
    scaled_square,
    sinh_tail,
    sub_mul,
)
from acsym.derivation.symbols import (
    N,
    T,
    X,
    eta,
    eta_tilde,
    gamma,
    kappa,
    kappa_tilde,
    lam,
    sigma,
    t,
    tau,
)

if TYPE_CHECKING:
    from acsym.derivation.catalog import Formula

a = discrete.kappa_tau


def at_kappa_zero(limit: sp.Expr, stable: sp.Expr) -> sp.Piecewise:
    """The exact lambda = 0 value as a branch: the value there, not a threshold near it."""
    return sp.Piecewise((limit, sp.Eq(kappa, 0)), (stable, True))


@cache
def eta_tilde_stable() -> sp.Expr:
    """eta_tilde = eta - (gamma / 2) tau as one fused multiply-subtract: it keeps every digit as
    eta_tilde -> 0 (the edge of the well-posed domain), where the rounded product would not."""
    return sub_mul(eta, gamma / 2, tau)


@cache
def kappa_tilde_value() -> sp.Expr:
    """kappa_tilde = sqrt(lambda sigma^2 / eta_tilde), from the first-order condition."""
    return sp.sqrt(discrete.kappa_tilde_squared())


@cache
def kappa_stable() -> sp.Expr:
    """kappa = (2 / tau) asinh(kappa_tilde tau / 2): no cancellation in 1 + y, exact 0 at lambda = 0."""
    return 2 / tau * sp.asinh(kappa_tilde * tau / 2)


@cache
def holdings_fraction_textbook() -> sp.Expr:
    """x(t) / X = sinh(kappa (T - t)) / sinh(kappa T)."""
    return sp.sinh(kappa * (T - t)) / sp.sinh(kappa * T)


@cache
def holdings_fraction_stable() -> sp.Expr:
    """x(t) / X = exp(-kappa t) ((T - t) / T) exprel(-2 kappa (T - t)) / exprel(-2 kappa T).

    It depends on kappa t, kappa T and t / T only, so it can be evaluated in units of tau
    (time = j, horizon = N, kappa = kappa tau), where kappa = 0 gives (N - j) / N exactly.
    """
    stable = sp.exp(-kappa * t) * ((T - t) / T) * exprel(-2 * kappa * (T - t)) / exprel(-2 * kappa * T)
    return at_kappa_zero((T - t) / T, stable)


@cache
def holdings_half_decay() -> sp.Expr:
    """exp(-kappa t / 2): the half of the holdings' decay applied after the order size.

    Written with :class:`~acsym.derivation.special.exp_scaled_difference`, so the rounding of
    kappa t (up to 8e-14 relative in the holdings near the underflow) is compensated.
    """
    return exp_scaled_difference(-kappa / 2, t, 0)


@cache
def holdings_fraction_split() -> sp.Expr:
    """x(t) / (X exp(-kappa t / 2)): :func:`holdings_fraction_stable` with half its decay left out.

    The holdings are printed as (X * this) * exp(-kappa t / 2). Applying the whole decay before
    the order size makes the fraction subnormal past kappa t ~ 708 while X times it is still a
    normal number (up to kappa t ~ 729 for X = 1e9), and a subnormal keeps too few bits: the
    holdings there were off by up to 20%. Split in halves, every intermediate is at least
    e^-373 wherever the holdings are normal, and only the final product is rounded into the
    subnormal range. kappa = 0 is unchanged: the half decay is exactly 1.
    """
    split = holdings_half_decay() * ((T - t) / T) * exprel(-2 * kappa * (T - t)) / exprel(-2 * kappa * T)
    return at_kappa_zero((T - t) / T, split)


@cache
def trade_fraction_textbook() -> sp.Expr:
    """n(t) / X = x(t - tau) / X - x(t) / X: the trade over the interval (t - tau, t]."""
    return holdings_fraction_textbook().subs(t, t - tau) - holdings_fraction_textbook()


@cache
def trade_fraction_stable() -> sp.Expr:
    """n(t) / X = (tau / 2T) exp(-kappa (t - tau)) (1 + exp(-kappa (2T - 2t + tau)))
    exprel(-kappa tau) / exprel(-2 kappa T): a sum of positive terms, no difference of holdings."""
    stable = (
        tau
        / (2 * T)
        * sp.exp(-kappa * (t - tau))
        * (1 + sp.exp(-kappa * (2 * T - 2 * t + tau)))
        * exprel(-kappa * tau)
        / exprel(-2 * kappa * T)
    )
    return at_kappa_zero(tau / T, stable)


@cache
def trade_half_decay() -> sp.Expr:
    """exp(-kappa (t - tau) / 2): the half of the trades' decay applied after the order size,
    with the roundings of t - tau and of the product compensated."""
    return exp_scaled_difference(-kappa / 2, t, tau)


@cache
def trade_fraction_split() -> sp.Expr:
    """n(t) / (X exp(-kappa (t - tau) / 2)): :func:`trade_fraction_stable` with half its decay
    left out, for the reason given in :func:`holdings_fraction_split`.

    The reflected term exp(-kappa (2T - 2t + tau)) is written as exp(-2 kappa (T - t))
    exp(-kappa tau): 2T + tau - 2t rounds 2T first, an error of 2 kappa T ulps in the exponent
    (2e-11 at kappa T = 1e5 near the end of the schedule); T - t is exact there.
    """
    split = (
        tau
        / (2 * T)
        * trade_half_decay()
        * (1 + exp_scaled_difference(-2 * kappa, T, t) * sp.exp(-kappa * tau))
        * exprel(-kappa * tau)
        / exprel(-2 * kappa * T)
    )
    return at_kappa_zero(tau / T, split)


@cache
def sum_of_squared_trades_stable() -> sp.Expr:
    """sum (n_j / X)^2 in a = kappa tau: positive terms only, exprel for the kappa -> 0 limit."""
    ratio = exprel(-a) / (2 * N * exprel(-2 * N * a))
    return ratio * (
        (1 + sp.exp(-2 * N * a)) / (1 + sp.exp(-a))
        + sp.exp(-(2 * N - 1) * a) * exprel(-a) / exprel(-2 * N * a)
    )


@cache
def sum_of_squared_holdings_stable() -> sp.Expr:
    """sum (x_j / X)^2 in a = kappa tau, with M = 2N - 1.

    The textbook form (sinh(M a)/sinh(a) - M) / (4 sinh(N a)^2) subtracts nearly equal terms
    when N a is small; written with sinh_tail the difference is
    M^2 e^{-a} sinh_tail(M a) - e^{-M a} sinh_tail(a), whose second term is at most 1/M^2 of
    the first, so at most a factor 9/8 is lost to cancellation (none at all for N = 1).
    """
    m = 2 * N - 1
    bracket = m**2 * sp.exp(-a) * sinh_tail(m * a) - sp.exp(-m * a) * sinh_tail(a)
    return m * sp.exp(-a) * bracket / (4 * N**2 * exprel(-2 * a) * exprel(-2 * N * a) ** 2)


def _physical(expr: sp.Expr) -> sp.Expr:
    return expr.subs(a, kappa * tau).subs(N, T / tau)


@cache
def expected_cost_stable() -> sp.Expr:
    """E on the optimal schedule with the stable sum of squared trades; TWAP's E at kappa = 0."""
    cost = discrete.expected_cost().subs(discrete.sum_abs_trades, X)
    twap = cost.subs(discrete.sum_squared_trades, X**2 * tau / T)
    stable = cost.subs(discrete.sum_squared_trades, X**2 * _physical(sum_of_squared_trades_stable()))
    return at_kappa_zero(twap, stable)


@cache
def variance_stable() -> sp.Expr:
    """Var on the optimal schedule with the stable sum of squared holdings; TWAP's at kappa = 0."""
    twap_sum = (N - 1) * (2 * N - 1) / (6 * N)
    scale = sigma**2 * tau * X**2
    return at_kappa_zero(scale * _physical(twap_sum), scale * variance_decay_compensated())


@cache
def variance_half_decay() -> sp.Expr:
    """exp(-kappa tau), compensated: the factor of the variance applied last."""
    return exp_scaled_difference(-kappa, tau, 0)


@cache
def variance_split() -> sp.Expr:
    """Var / exp(-kappa tau): :func:`variance_stable` with one factor exp(-kappa tau) left out.

    The variance is printed as this times :func:`variance_half_decay`. The variance of a
    schedule that sells nearly everything at once is ~ sigma^2 tau^3 X^2 e^(-2 kappa tau) / T^2
    (times a power of kappa tau), and with a small sigma and tau its numerator alone can be
    subnormal while the variance is not (it lost 6 digits at X = 1, tau = 3e-6, kappa tau = 333).
    Dividing before the last factor e^(-kappa tau) keeps every intermediate normal. At kappa = 0
    the factor is exactly 1.
    """
    twap_sum = (N - 1) * (2 * N - 1) / (6 * N)
    scale = sigma**2 * tau * X**2
    split = scale * variance_decay_compensated() / variance_half_decay()
    if split.count(exp_scaled_difference) != 2:
        raise AssertionError("the variance's outer factor exp(-kappa tau) did not cancel")
    return at_kappa_zero(scale * _physical(twap_sum), split)


@cache
def variance_decay_compensated() -> sp.Expr:
    """sum (x_j / X)^2 in kappa and T, with its factors exp(-kappa tau) compensated.

    The variance of a schedule that sells almost everything at once is about
    sigma^2 tau x_1^2 ~ e^(-2 kappa tau) and is still a normal number at 2 kappa tau ~ 800; the
    rounding of kappa tau is then up to 9e-14 of the result. Written with
    :class:`~acsym.derivation.special.exp_scaled_difference`, the argument is exact. The
    reflected term exp(-kappa (2T - tau)) is compensated the same way, so that at N = 1 both
    terms of the difference are the same float and the variance is exactly 0.
    """
    plain = _physical(sum_of_squared_holdings_stable())
    reflected = _physical(sp.exp(-(2 * N - 1) * a))  # = exp(-kappa (2T - tau))
    compensated = plain.xreplace(
        {
            sp.exp(-kappa * tau): exp_scaled_difference(-kappa, tau, 0),
            reflected: exp_scaled_difference(-kappa, 2 * T, tau),
        }
    )
    if compensated.count(exp_scaled_difference) != 3:
        raise AssertionError("the variance's exponentials changed shape; update the replacement")
    return compensated


@cache
def schedule_variance_stable() -> sp.Expr:
    """Var of any schedule, sum_k (sigma sqrt(tau) x_k)^2: scaled before squaring, so a tiny
    holding does not become a subnormal square where its contribution to Var is normal."""
    from acsym.derivation.symbols import k, x

    return sp.Sum(scaled_square(sigma * sp.sqrt(tau), x[k]), (k, 1, N))


@cache
def kappa_runtime() -> sp.Expr:
    """kappa from the model parameters: :func:`kappa_stable` with kappa_tilde substituted."""
    return kappa_stable().subs(kappa_tilde, kappa_tilde_value())


@cache
def kappa_textbook_runtime() -> sp.Expr:
    """The paper's arccosh form of kappa from the model parameters."""
    return discrete.kappa_textbook().subs(kappa_tilde, kappa_tilde_value())


@cache
def kappa_tau_runtime() -> sp.Expr:
    """kappa tau = 2 asinh((tau / 2) sigma sqrt(lambda / eta_tilde)), to within half an ulp.

    The holdings depend on kappa t_j = j kappa tau, so kappa tau's own rounding is multiplied
    by up to kappa t ~ 745 in x_j; computed through :class:`~acsym.derivation.special.asinh_root`
    it is correctly rounded (the proof ``kappa_tau`` shows it is tau times :func:`kappa_runtime`).
    """
    return 2 * asinh_root(tau / 2, sigma, lam, eta_tilde)


@cache
def kappa_tau_textbook_runtime() -> sp.Expr:
    """tau times the paper's arccosh form of kappa."""
    return tau * kappa_textbook_runtime()


def kappa_tau_formulas() -> tuple[Formula, ...]:
    """The catalog entry of kappa tau (appended to :func:`acsym.derivation.catalog.formulas`)."""
    from acsym.derivation.catalog import Formula

    return (
        Formula(
            name="kappa_tau",
            arguments=("risk_aversion", "sigma", "eta_tilde", "tau"),
            expr=kappa_tau_runtime(),
            reference=kappa_tau_textbook_runtime(),
            summary="kappa * tau, the decay per interval, correctly rounded.",
            formula="kappa_tau = 2 * asinh(tau * sqrt(risk_aversion * sigma**2 / eta_tilde) / 2)",
            returns="dimensionless",
            notes="What the schedules use: x_j depends on j kappa tau, so a rounding of kappa tau "
            "is multiplied by j kappa tau (up to 745 where x_j is a normal number); kappa(...) * "
            "tau rounds up to 3 ulp, this is within half an ulp (the argument's roundings kept in "
            "head-and-tail form, numpy's asinh refined by one Newton step). Exactly 0 at "
            "risk_aversion = 0. Requires eta_tilde > 0 and finite arguments.",
        ),
    )


__all__ = [
    "at_kappa_zero",
    "eta_tilde_stable",
    "expected_cost_stable",
    "holdings_fraction_split",
    "holdings_fraction_stable",
    "holdings_fraction_textbook",
    "holdings_half_decay",
    "kappa_runtime",
    "kappa_stable",
    "kappa_tau_runtime",
    "kappa_textbook_runtime",
    "kappa_tilde_value",
    "schedule_variance_stable",
    "sum_of_squared_holdings_stable",
    "sum_of_squared_trades_stable",
    "trade_fraction_split",
    "trade_fraction_stable",
    "trade_fraction_textbook",
    "trade_half_decay",
    "variance_decay_compensated",
    "variance_half_decay",
    "variance_split",
    "variance_stable",
]
