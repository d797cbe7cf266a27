"""Drift: a directional view on the price (Almgren & Chriss 2000, the section on drift).

The unaffected price moves by mu tau + sigma tau^(1/2) xi_k - tau g(n_k / tau): an expected drift
mu [currency / (share * time)] on top of the base model (:mod:`acsym.derivation.discrete`). Every
share still held over an interval gains mu tau in expectation, so the expected cost of any
schedule loses mu tau sum_k x_k, and the variance is unchanged (the drift is not random).
Minimising E + lambda Var gives the no-drift schedule plus a correction towards
x_bar = mu / (2 lambda sigma^2).

The correction is written with the drift's pull per unit of impact, mu / (2 eta_tilde), and the
decay rate kappa alone (x_bar kappa_tilde^2 = mu / (2 eta_tilde), and kappa_tilde^2 = 4
sinh(kappa tau / 2)^2 / tau^2 by the characteristic equation). So lambda -> 0 with mu != 0 is
no 0/0: x_bar grows without bound while kappa_tilde^2 vanishes, and the product stays. At
lambda = 0 (kappa = 0) the correction is the parabola mu t (T - t) / (4 eta_tilde): a
risk-neutral trader with a view trades on it, and for mu > 0 it may buy before it sells (the
model has no constraint keeping the holdings between 0 and X).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import sympy as sp

from acsym.derivation import continuous, discrete, stable
from acsym.derivation.special import exp_scaled_difference, exprel
from acsym.derivation.symbols import (
    N,
    T,
    X,
    eta,
    eta_tilde,
    j,
    k,
    kappa,
    kappa_tilde,
    lam,
    mu,
    n,
    sigma,
    t,
    tau,
    x,
)

if TYPE_CHECKING:
    from acsym.derivation.catalog import Formula
    from acsym.derivation.document import Section
    from acsym.derivation.proofs import Proof

#: the printed correction before its last factor (see :func:`correction_undecayed`)
shift = sp.Symbol("shift")
#: the drift's pull per unit of impact, mu / (2 eta_tilde) [shares / time^2]
pull = mu / (2 * eta_tilde)


# --------------------------------------------------------------------------------------------
# expected cost and variance from first principles


@cache
def drift_cost() -> sp.Expr:
    """-mu tau sum_{k=1..N} x_k: what the drift takes off the expected cost of any schedule."""
    return -mu * tau * sp.Sum(x[k], (k, 1, N))


@cache
def expected_cost_of_schedule() -> sp.Expr:
    """E of any schedule with drift: the base model's E (in the trades) plus :func:`drift_cost`."""
    return discrete.expected_cost_of_schedule() + drift_cost()


# --------------------------------------------------------------------------------------------
# continuous time


@cache
def lagrangian() -> sp.Expr:
    """L = eta x'^2 + lambda sigma^2 x^2 - mu x: the base Lagrangian with the drift's gain."""
    return continuous.lagrangian() - mu * continuous.x_of_t


@cache
def euler_lagrange_equation() -> sp.Eq:
    """-2 eta x'' + 2 lambda sigma^2 x - mu = 0."""
    (equation,) = sp.euler_equations(lagrangian(), continuous.x_of_t, t)
    return equation


@cache
def target() -> sp.Expr:
    """x_bar = mu / (2 lambda sigma^2): the constant solution of the Euler-Lagrange equation."""
    constant = sp.Symbol("c")
    (root,) = sp.solve(euler_lagrange_equation().lhs.subs(continuous.x_of_t, constant).doit(), constant)
    return root


def _with_target(target_value: sp.Expr) -> sp.Expr:
    """x(t) = X sinh(k (T-t))/sinh(k T) + x_bar (1 - (sinh(k (T-t)) + sinh(k t)) / sinh(k T))."""
    ratio = sp.sinh(kappa * (T - t)) / sp.sinh(kappa * T)
    return X * ratio + target_value * (1 - ratio - sp.sinh(kappa * t) / sp.sinh(kappa * T))


@cache
def holdings_solution_continuous() -> sp.Expr:
    """x(t) solving the Euler-Lagrange equation with x(0) = X, x(T) = 0 (dsolve), kappa as a symbol.

    dsolve gives exponentials; the result returned is the paper's form with x_bar (the proof
    ``drift_continuous_solution`` shows they agree).
    """
    return _with_target(target())


@cache
def holdings_dsolve() -> sp.Expr:
    """dsolve's solution of :func:`euler_lagrange_equation`, with kappa = sqrt(lambda sigma^2 / eta)."""
    x_of_t = continuous.x_of_t
    solution = sp.dsolve(euler_lagrange_equation(), x_of_t, ics={x_of_t.subs(t, 0): X, x_of_t.subs(t, T): 0})
    return solution.rhs.subs(continuous.kappa_continuous(), kappa)


# --------------------------------------------------------------------------------------------
# discrete time


@cache
def first_order_condition() -> sp.Eq:
    """d(E + lambda Var)/dx_j = 0 with drift, as
    (x_{j-1} - 2x_j + x_{j+1})/tau^2 = kappa_tilde^2 x_j - mu / (2 eta_tilde)."""
    window = eta_tilde / tau * ((x[j - 1] - x[j]) ** 2 + (x[j] - x[j + 1]) ** 2)
    objective = window + lam * sigma**2 * tau * x[j] ** 2 - mu * tau * x[j]
    (next_holding,) = sp.solve(sp.diff(objective, x[j]), x[j + 1])
    second_difference = (x[j - 1] - 2 * x[j] + x[j + 1]) / tau**2
    return sp.Eq(second_difference, sp.expand(sp.simplify(second_difference.subs(x[j + 1], next_holding))))


@cache
def target_discrete() -> sp.Expr:
    """x_bar: the holding at which the first-order condition's right-hand side vanishes."""
    (root,) = sp.solve(first_order_condition().rhs, x[j])
    return root


@cache
def kappa_tilde_squared_from_kappa() -> sp.Expr:
    """kappa_tilde^2 = (2 cosh(kappa tau) - 2) / tau^2: the characteristic equation solved for it
    (the proof ``drift_kappa_tilde`` shows it is 4 sinh(kappa tau / 2)^2 / tau^2)."""
    roots = sp.solve(discrete.characteristic_equation(), kappa_tilde)
    (root,) = [r for r in roots if r.subs({kappa: 1, tau: 1}).evalf() > 0]
    return sp.expand(root**2)


@cache
def holdings_solution() -> sp.Expr:
    """x_j = x(t_j) of :func:`holdings_solution_continuous`, kappa the discrete root (t_j = j tau)."""
    return _with_target(target_discrete()).subs(t, j * tau)


@cache
def correction_textbook() -> sp.Expr:
    """x_bar (1 - (sinh(kappa (T - t)) + sinh(kappa t)) / sinh(kappa T)) with x_bar in kappa:
    x_bar = (mu / (2 eta_tilde)) / kappa_tilde^2 = (mu / (2 eta_tilde)) tau^2 / (4 sinh(kappa tau / 2)^2)."""
    x_bar = pull * tau**2 / (4 * sp.sinh(kappa * tau / 2) ** 2)
    return _with_target(x_bar) - X * stable.holdings_fraction_textbook()


@cache
def correction_product() -> sp.Expr:
    """The correction as a product, x_bar 2 sinh(kappa t / 2) sinh(kappa (T - t) / 2) / cosh(kappa T / 2):
    the textbook bracket by sum-to-product identities, free of its cancellation (a reference)."""
    x_bar = pull * tau**2 / (4 * sp.sinh(kappa * tau / 2) ** 2)
    return x_bar * 2 * sp.sinh(kappa * t / 2) * sp.sinh(kappa * (T - t) / 2) / sp.cosh(kappa * T / 2)


@cache
def trade_correction_product() -> sp.Expr:
    """The trade correction as a product, -(mu / (2 eta_tilde)) tau^2 sinh(kappa s / 2) /
    (2 sinh(kappa tau / 2) cosh(kappa T / 2)), s = T - 2t + tau (a reference)."""
    s = T - 2 * t + tau
    return -pull * tau**2 * sp.sinh(kappa * s / 2) / (2 * sp.sinh(kappa * tau / 2) * sp.cosh(kappa * T / 2))


@cache
def holdings_textbook() -> sp.Expr:
    """X sinh(kappa (T - t)) / sinh(kappa T) plus :func:`correction_textbook`."""
    return X * stable.holdings_fraction_textbook() + correction_textbook()


@cache
def correction_at_kappa_zero() -> sp.Expr:
    """lambda = 0: the correction is the parabola (mu / (2 eta_tilde)) t (T - t) / 2."""
    return pull * t * (T - t) / 2


@cache
def correction_stable() -> sp.Expr:
    """The correction with exprel: (mu / (2 eta_tilde)) t (T - t) exprel(-kappa t)
    exprel(-kappa (T - t)) exp(-kappa tau) / (exprel(-kappa tau)^2 (1 + exp(-kappa T))).

    Every exponential has a non-positive argument (no overflow), the kappa in x_bar and in the
    bracket cancel analytically (no 0/0 as lambda -> 0, and kappa = 0 gives the parabola by
    exprel(0) = 1), and the factor exp(-kappa tau) is compensated.
    """
    return correction_decay() * correction_undecayed()


@cache
def correction_decay() -> sp.Expr:
    """exp(-kappa tau), compensated: the correction's factor applied last."""
    return exp_scaled_difference(-kappa, tau, 0)


@cache
def correction_undecayed() -> sp.Expr:
    """:func:`correction_stable` without its factor exp(-kappa tau). The runtime multiplies that
    factor in last: near the underflow (kappa tau ~ 700) the correction is ~ x_bar ~ e^(-kappa tau)
    and still normal, while the product with the small exprel factors taken first would be
    subnormal (it lost 5 digits there)."""
    return (
        pull
        * t
        * (T - t)
        * exprel(-kappa * t)
        * exprel(-kappa * (T - t))
        / (exprel(-kappa * tau) ** 2 * (1 + sp.exp(-kappa * T)))
    )


@cache
def trade_correction_textbook() -> sp.Expr:
    """The correction's share of the trade over (t - tau, t]: correction(t - tau) - correction(t)."""
    return correction_textbook().subs(t, t - tau) - correction_textbook()


#: s = T - 2t + tau: twice the distance of the interval's midpoint from the middle of the horizon
_midpoint_offset = T - 2 * t + tau


@cache
def trade_correction_stable() -> sp.Expr:
    """The trade correction as one product: -(mu / (2 eta_tilde)) tau s exp(-kappa (T - |s| + tau) / 2)
    exprel(-kappa |s|) / ((1 + exp(-kappa T)) exprel(-kappa tau)), s = T - 2t + tau.

    No difference of corrections is formed (they cancel in the middle of the horizon, where the
    correction is flattest). The exponent is -kappa t for s >= 0 and -kappa (T - t + tau) for
    s < 0, each with its roundings compensated (T - |s| + tau would round 2T first, an error of
    kappa T ulps in the exponent).
    """
    return trade_correction_decay() * trade_correction_undecayed()


@cache
def trade_correction_decay() -> sp.Expr:
    """exp(-kappa min(t, T - t + tau)), compensated: the trade correction's factor applied last."""
    return sp.Piecewise(
        (exp_scaled_difference(-kappa, t, 0), _midpoint_offset >= 0),
        (exp_scaled_difference(-kappa, T, t) * exp_scaled_difference(-kappa, tau, 0), True),
    )


@cache
def trade_correction_undecayed() -> sp.Expr:
    """:func:`trade_correction_stable` without its decay, for the reason of :func:`correction_undecayed`."""
    s = _midpoint_offset
    return -pull * tau * s * exprel(-kappa * sp.Abs(s)) / ((1 + sp.exp(-kappa * T)) * exprel(-kappa * tau))


@cache
def trade_correction_at_kappa_zero() -> sp.Expr:
    """lambda = 0: -(mu / (2 eta_tilde)) tau (T - 2t + tau) / 2."""
    return -pull * tau * _midpoint_offset / 2


def trade_correction_cases() -> tuple[sp.Expr, sp.Expr]:
    """:func:`trade_correction_stable` with |s| written out, for s >= 0 and for s <= 0 (the proofs)."""
    s = _midpoint_offset
    stable_form = trade_correction_stable()
    (decay,) = stable_form.atoms(sp.Piecewise)
    (first, _), (second, _) = decay.args
    return (
        stable_form.subs(decay, first).subs(sp.Abs(s), s),
        stable_form.subs(decay, second).subs(sp.Abs(s), -s),
    )


# --------------------------------------------------------------------------------------------
# proofs

_u, _v, _w = sp.symbols("u v w", positive=True)
#: kappa^2 = lambda sigma^2 / eta, as a positive symbol for the continuous-time proof
_g = sp.Symbol("g", positive=True)


def zero_in_exponentials(expr: sp.Expr, rate: sp.Symbol, times: tuple[sp.Symbol, ...]) -> sp.Expr:
    """Reduce an expression in exponentials of rate * (c_1 t_1 + c_2 t_2 + c_3 t_3) / 2 to a
    rational function of u = e^(rate t_1 / 2), v = e^(rate t_2 / 2), w = e^(rate t_3 / 2) and
    cancel it: an identity between such expressions becomes one between rational functions,
    which ``cancel`` decides (far faster than ``simplify``)."""
    bases = (_u, _v, _w)[: len(times)]

    def monomial(argument: sp.Expr) -> sp.Expr:
        rest = sp.expand(2 * argument / rate)
        out = sp.S.One
        for base, time in zip(bases, times, strict=True):
            coefficient = rest.coeff(time)
            out *= base**coefficient
            rest = sp.expand(rest - coefficient * time)
        if rest != 0:
            raise ValueError(f"exponent {argument} is not linear in {times}")
        return out

    exponentials = sp.expand(expr.rewrite(sp.exp))
    rational = exponentials.replace(lambda f: isinstance(f, sp.exp), lambda f: monomial(f.args[0]))
    return sp.cancel(sp.together(rational))


def _first_principles(steps: int) -> sp.Expr:
    """E and Var with drift minus those without: -mu tau sum x_k and 0."""
    with_drift = discrete.shortfall_mean_and_variance(steps, mu)
    without = discrete.shortfall_mean_and_variance(steps)
    trades = [n[i] for i in range(1, steps + 1)]
    holdings_sum = sp.Add(*[sp.Add(*trades[i:]) for i in range(1, steps + 1)])
    mean = sp.expand(with_drift[0] - without[0] - (-mu * tau * holdings_sum))
    return mean + sp.expand(with_drift[1] - without[1])


def _continuous_solution() -> sp.Expr:
    """dsolve's solution minus the paper's form, with lambda = g^2 eta / sigma^2 (kappa = g)."""
    rate = {lam: _g**2 * eta / sigma**2}
    dsolved = holdings_dsolve().subs(kappa, continuous.kappa_continuous()).subs(rate)
    paper = holdings_solution_continuous().subs(rate).subs(kappa, _g)
    return zero_in_exponentials(sp.powsimp(sp.expand(dsolved - paper), force=True), _g, (t, T))


def _discrete_schedule_solves_the_condition() -> sp.Expr:
    """:func:`holdings_solution` satisfies :func:`first_order_condition`, lambda written in kappa."""
    holding = _with_target(target_discrete())
    equation = first_order_condition()
    window = {x[j + shift]: holding.subs(t, t + shift * tau) for shift in (-1, 0, 1)}
    rate = {lam: eta_tilde * kappa_tilde_squared_from_kappa() / sigma**2}
    residual = (equation.lhs - equation.rhs).subs(window).subs(rate)
    return zero_in_exponentials(residual, kappa, (t, T, tau))


def proofs() -> tuple[Proof, ...]:
    """The drift's claims as :class:`acsym.derivation.proofs.Proof` records."""
    from acsym.derivation.proofs import Proof

    base_condition = discrete.first_order_condition().rhs
    return (
        Proof(
            "drift_first_principles",
            "with drift, E of the simulated shortfall gains -mu tau sum_k x_k and Var is unchanged "
            "(N = 1..4)",
            lambda: sp.Add(*[_first_principles(steps) for steps in range(1, 5)]),
        ),
        Proof(
            "drift_euler_lagrange",
            "with L = eta x'^2 + lambda sigma^2 x^2 - mu x the Euler-Lagrange equation is "
            "-2 eta x'' + 2 lambda sigma^2 (x - x_bar) = 0, x_bar = mu / (2 lambda sigma^2)",
            lambda: (
                sp.expand(
                    euler_lagrange_equation().lhs
                    - continuous.euler_lagrange_equation().lhs
                    + 2 * lam * sigma**2 * target()
                )
                + sp.simplify(target() - mu / (2 * lam * sigma**2))
            ),
        ),
        Proof(
            "drift_continuous_solution",
            "dsolve's solution with x(0) = X, x(T) = 0 is X sinh(kappa (T - t)) / sinh(kappa T) + "
            "x_bar (1 - (sinh(kappa (T - t)) + sinh(kappa t)) / sinh(kappa T))",
            _continuous_solution,
        ),
        Proof(
            "drift_first_order_condition",
            "the discrete condition is (x_{j-1} - 2 x_j + x_{j+1}) / tau^2 = kappa_tilde^2 (x_j - x_bar), "
            "with the same kappa_tilde and x_bar as in continuous time",
            lambda: (
                sp.simplify(first_order_condition().rhs - base_condition * (1 - target_discrete() / x[j]))
                + sp.simplify(target_discrete() - target())
            ),
        ),
        Proof(
            "drift_optimal_schedule",
            "x_j of the paper's form with the discrete kappa satisfies the first-order conditions",
            _discrete_schedule_solves_the_condition,
        ),
        Proof(
            "drift_boundaries",
            "x_0 = X and x_N = 0 with drift",
            lambda: (
                sp.simplify(holdings_solution().subs(j, 0) - X)
                + sp.simplify(holdings_solution().subs(j, T / tau))
            ),
        ),
        Proof(
            "drift_target_in_kappa",
            "kappa_tilde^2 = 4 sinh(kappa tau / 2)^2 / tau^2, so x_bar = (mu / (2 eta_tilde)) tau^2 / "
            "(4 sinh(kappa tau / 2)^2), the textbook correction's x_bar",
            lambda: (
                zero_in_exponentials(
                    kappa_tilde_squared_from_kappa() - 4 * sp.sinh(kappa * tau / 2) ** 2 / tau**2,
                    kappa,
                    (tau,),
                )
                + sp.simplify(target_discrete() * discrete.kappa_tilde_squared() - pull)
            ),
        ),
        Proof(
            "drift_product_forms",
            "x_bar (1 - (sinh(kappa (T - t)) + sinh(kappa t)) / sinh(kappa T)) = x_bar 2 sinh(kappa t / 2) "
            "sinh(kappa (T - t) / 2) / cosh(kappa T / 2), and its trade is the product form",
            lambda: (
                zero_in_exponentials(correction_product() - correction_textbook(), kappa, (t, T, tau))
                + zero_in_exponentials(
                    trade_correction_product() - trade_correction_textbook(), kappa, (t, T, tau)
                )
            ),
        ),
        Proof(
            "drift_stable_holdings",
            "the exprel form of the correction equals the textbook one",
            lambda: zero_in_exponentials(correction_stable() - correction_textbook(), kappa, (t, T, tau)),
        ),
        Proof(
            "drift_stable_trades",
            "the one-product form of the trade correction equals correction(t - tau) - correction(t), "
            "for T - 2t + tau >= 0 and <= 0",
            lambda: sp.Add(
                *[
                    zero_in_exponentials(case - trade_correction_textbook(), kappa, (t, T, tau))
                    for case in trade_correction_cases()
                ]
            ),
        ),
        Proof(
            "drift_lambda_zero",
            "lambda -> 0 with mu != 0 (kappa -> 0): the textbook correction tends to the parabola "
            "(mu / (2 eta_tilde)) t (T - t) / 2, which is the stable forms' value at kappa = 0",
            lambda: (
                sp.simplify(sp.limit(correction_textbook(), kappa, 0) - correction_at_kappa_zero())
                + sp.simplify(correction_stable().subs(kappa, 0) - correction_at_kappa_zero())
                + sp.simplify(trade_correction_stable().subs(kappa, 0) - trade_correction_at_kappa_zero())
                + sp.simplify(
                    correction_at_kappa_zero().subs(t, t - tau)
                    - correction_at_kappa_zero()
                    - trade_correction_at_kappa_zero()
                )
            ),
        ),
        Proof(
            "drift_zero",
            "mu = 0 gives the base schedule: both corrections vanish identically",
            lambda: correction_stable().subs(mu, 0) + trade_correction_stable().subs(mu, 0),
        ),
        Proof(
            "drift_continuous_limit",
            "tau -> 0: the discrete x_bar in kappa tends to (mu / (2 eta_tilde)) / kappa^2",
            lambda: sp.simplify(
                sp.limit(tau**2 / (4 * sp.sinh(kappa * tau / 2) ** 2), tau, 0) - 1 / kappa**2
            ),
        ),
    )


# --------------------------------------------------------------------------------------------
# what is printed and documented


def sections() -> tuple[Section, ...]:
    """The drift's sections of ``docs/derivation.md`` (:func:`acsym.derivation.document.sections`)."""
    from acsym.derivation.document import Section

    return (
        Section(
            "Drift: expected cost and variance",
            "With an expected drift mu [currency / (share * time)] the price moves by "
            "mu tau + sigma tau^(1/2) xi_k - gamma n_k. Every share held over an interval gains mu tau "
            "in expectation, so the expected cost of any schedule loses mu tau sum x_k; the variance "
            "is unchanged (proof drift_first_principles, from the simulated shortfall):",
            (("E", expected_cost_of_schedule()), ("\\mathrm{Var}", discrete.variance())),
        ),
        Section(
            "Drift: Euler-Lagrange and the discrete first-order conditions",
            "The Lagrangian gains -mu x. Its Euler-Lagrange equation and the discrete first-order "
            "condition both pull the holdings towards x_bar = mu / (2 lambda sigma^2) at the same "
            "rate as before; the solution with x(0) = X, x(T) = 0 (dsolve, and the first-order "
            "conditions with the discrete kappa) is the no-drift schedule plus a correction:",
            (
                ("L", lagrangian()),
                ("", euler_lagrange_equation()),
                ("\\bar x", target()),
                ("", first_order_condition()),
                ("x(t)", holdings_solution_continuous()),
            ),
        ),
        Section(
            "Drift: the correction in kappa, and lambda -> 0",
            "With kappa_tilde^2 = 4 sinh(kappa tau / 2)^2 / tau^2 (the characteristic equation), "
            "x_bar kappa_tilde^2 = mu / (2 eta_tilde) does not depend on lambda, so the correction is "
            "written in mu / (2 eta_tilde) and kappa alone. As lambda -> 0 with mu != 0, x_bar grows "
            "without bound but kappa -> 0 cancels it: the correction tends to a parabola, which the "
            "stable form (exprel, no overflow, no 0/0) gives exactly at kappa = 0. A risk-neutral "
            "trader with a view trades on it; for mu > 0 large enough the schedule buys before it sells "
            "(the model keeps no bound on the holdings). mu = 0 gives the base schedule exactly. "
            "Textbook form, stable form, and the trade correction (s = T - 2t + tau):",
            (
                ("x(t) - x_0(t)", correction_textbook()),
                ("x(t) - x_0(t)", correction_stable()),
                ("\\lim_{\\lambda \\to 0}", correction_at_kappa_zero()),
                ("n(t) - n_0(t)", trade_correction_stable()),
            ),
        ),
    )


def formulas() -> tuple[Formula, ...]:
    """The drift's entries of the catalog (:func:`acsym.derivation.catalog.formulas`)."""
    from acsym.derivation.catalog import Formula, fraction, scaled

    return (
        Formula(
            name="holdings_with_drift",
            arguments=("order_size", "time", "horizon", "kappa", "tau", "drift", "eta_tilde"),
            steps=(
                (fraction, stable.holdings_fraction_split()),
                (scaled, X * fraction),
                (shift, correction_undecayed()),
            ),
            expr=scaled * stable.holdings_half_decay() + shift * correction_decay(),
            reference=holdings_textbook(),
            summary="Shares still held at a time on the optimal schedule with an expected price drift.",
            formula="holdings = order_size * sinh(kappa (T - t)) / sinh(kappa T) + x_bar * (1 - "
            "(sinh(kappa (T - t)) + sinh(kappa t)) / sinh(kappa T)), x_bar = mu / (2 lambda sigma**2) "
            "= (drift / (2 eta_tilde)) tau**2 / (4 sinh(kappa tau / 2)**2)",
            returns="shares",
            notes="holdings() plus a correction towards x_bar, evaluated as (drift / (2 eta_tilde)) "
            "t (T - t) exprel(-kappa t) exprel(-kappa (T - t)) exp(-kappa tau) / (exprel(-kappa "
            "tau)**2 (1 + exp(-kappa T))): no overflow, and no 0/0 as risk_aversion -> 0, where the "
            "correction tends to the parabola drift t (T - t) / (4 eta_tilde) (kappa = 0 gives it "
            "exactly). drift = 0 gives holdings() bit for bit. The holdings may leave [0, order_size]: "
            "the model has no such constraint.",
        ),
        Formula(
            name="trade_sizes_with_drift",
            arguments=("order_size", "time", "horizon", "kappa", "tau", "drift", "eta_tilde"),
            steps=(
                (fraction, stable.trade_fraction_split()),
                (scaled, X * fraction),
                (shift, trade_correction_undecayed()),
            ),
            expr=scaled * stable.trade_half_decay() + shift * trade_correction_decay(),
            reference=holdings_textbook().subs(t, t - tau) - holdings_textbook(),
            summary="Shares sold in the interval (time - tau, time] on the optimal schedule with drift.",
            formula="trade = holdings_with_drift(time - tau) - holdings_with_drift(time)",
            returns="shares",
            notes="trade_sizes() plus the correction's trade, evaluated as one product, "
            "-(drift / (2 eta_tilde)) tau s exp(-kappa (T - abs(s) + tau) / 2) exprel(-kappa abs(s)) / "
            "((1 + exp(-kappa T)) exprel(-kappa tau)), s = T - 2t + tau. Negative values are buys. "
            "drift = 0 gives trade_sizes() bit for bit.",
        ),
        Formula(
            name="schedule_expected_cost_with_drift",
            arguments=("trade_sizes", "holdings", "tau", "gamma", "eta_tilde", "epsilon", "drift"),
            expr=expected_cost_of_schedule(),
            reference=expected_cost_of_schedule(),
            summary="Expected implementation shortfall of any schedule when the price drifts.",
            formula="E = gamma X**2 / 2 + epsilon sum|n_k| + (eta_tilde / tau) sum n_k**2 - "
            "drift tau sum_{k=1..N} x_k, X = sum n_k",
            returns="currency",
            notes="trade_sizes holds n_1..n_N and holdings x_0..x_N along their last axes (x_0 does "
            "not count). The variance is schedule_variance(): the drift is not random.",
        ),
    )


__all__ = [
    "correction_at_kappa_zero",
    "correction_product",
    "correction_stable",
    "correction_textbook",
    "drift_cost",
    "euler_lagrange_equation",
    "expected_cost_of_schedule",
    "first_order_condition",
    "formulas",
    "holdings_dsolve",
    "holdings_solution",
    "holdings_solution_continuous",
    "holdings_textbook",
    "kappa_tilde_squared_from_kappa",
    "lagrangian",
    "proofs",
    "pull",
    "sections",
    "target",
    "target_discrete",
    "trade_correction_at_kappa_zero",
    "trade_correction_cases",
    "trade_correction_product",
    "trade_correction_stable",
    "trade_correction_textbook",
    "zero_in_exponentials",
]
