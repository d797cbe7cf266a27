"""A soft deadline (Cartea, Jaimungal & Penalva 2015, ch. 6): shares left at T pay a penalty.

Continuous time. Sell q0 shares at rate nu = -Q'; the execution price is S_t - k nu_t, the
unaffected price moves by -b nu dt + sigma dW, and whatever is left at T is sold at once at
S_T - alpha Q_T. A running inventory penalty phi Q^2 expresses the urgency. In acsym's names:

    k = eta (temporary impact),  b = gamma (permanent impact),  phi = lambda sigma^2,

so phi integral Q^2 dt is lambda times the variance sigma^2 integral Q^2 dt of the base model, and
g = sqrt(phi / k) = sqrt(lambda sigma^2 / eta) is acsym's continuous kappa. The expected
shortfall of a path is b q0^2 / 2 + k integral nu^2 dt + (alpha - b/2) Q_T^2, so the terminal
penalty acts through c = alpha - b/2; the Euler-Lagrange equation is the base model's, and the
deadline x(T) = 0 becomes the natural (transversality) condition k Q'(T) + c Q(T) = 0. The
solution is CJP's closed form; alpha -> infinity gives the hard deadline's sinh schedule, and
Q_T > 0 is left for the block sale at T for any finite alpha.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import sympy as sp

from acsym.derivation import continuous, stable
from acsym.derivation.drift import zero_in_exponentials
from acsym.derivation.special import exp_scaled_difference, exprel, sinh_tail
from acsym.derivation.symbols import T, X, alpha_T, epsilon, eta, gamma, kappa, lam, sigma, t

if TYPE_CHECKING:
    from acsym.derivation.catalog import Formula
    from acsym.derivation.document import Section
    from acsym.derivation.proofs import Proof

#: the terminal penalty net of the permanent impact's give-back, c = alpha - gamma / 2
net_penalty = alpha_T - gamma / 2
#: a generic path for the first-principles check: Q(t) = X + a_1 t + a_2 t^2
_a1, _a2, _price = sp.symbols("a_1 a_2 S_0", real=True)


@cache
def shortfall_of_path() -> sp.Expr:
    """Expected shortfall of the quadratic path Q = X + a_1 t + a_2 t^2 from the definitions:
    X S_0 minus the proceeds integral (S_t - eta nu) nu dt and Q_T (S_T - alpha Q_T), with
    S_t = S_0 - gamma (X - Q_t) in expectation."""
    path = X + _a1 * t + _a2 * t**2
    rate = -sp.diff(path, t)
    price = _price - gamma * (X - path)
    proceeds = sp.integrate((price - eta * rate) * rate, (t, 0, T))
    left = path.subs(t, T)
    proceeds += left * (price.subs(t, T) - alpha_T * left)
    return sp.expand(X * _price - proceeds)


@cache
def shortfall_closed_form() -> sp.Expr:
    """gamma X^2 / 2 + eta integral nu^2 dt + (alpha - gamma/2) Q_T^2 for the same path."""
    path = X + _a1 * t + _a2 * t**2
    rate = -sp.diff(path, t)
    return sp.expand(
        gamma * X**2 / 2 + eta * sp.integrate(rate**2, (t, 0, T)) + net_penalty * path.subs(t, T) ** 2
    )


#: Q(T) and Q'(T), the free end of the path
_q_end, _v_end = sp.symbols("Q_T Qdot_T", real=True)


@cache
def transversality() -> sp.Expr:
    """dL/dQ' + d/dQ (alpha - gamma/2) Q^2 at t = T: 2 eta Q'(T) + 2 (alpha - gamma/2) Q(T) (= 0 at
    the optimum, the natural boundary condition of a free end with a terminal cost)."""
    x_of_t = continuous.x_of_t
    lagrangian = continuous.lagrangian().subs(sp.diff(x_of_t, t), _v_end).subs(x_of_t, _q_end)
    return sp.diff(lagrangian, _v_end) + sp.diff(net_penalty * _q_end**2, _q_end)


@cache
def holdings_solution() -> sp.Expr:
    """Q(t) = A e^(kappa t) + B e^(-kappa t) (the base model's Euler-Lagrange solutions), with
    Q(0) = X and :func:`transversality`."""
    a, b = sp.symbols("A B")
    general = a * sp.exp(kappa * t) + b * sp.exp(-kappa * t)
    end = {_q_end: general.subs(t, T), _v_end: sp.diff(general, t).subs(t, T)}
    solution = sp.solve([general.subs(t, 0) - X, transversality().subs(end)], [a, b], dict=True)[0]
    return general.subs(solution)


@cache
def zeta() -> sp.Expr:
    """CJP's zeta = (alpha - b/2 + sqrt(k phi)) / (alpha - b/2 - sqrt(k phi)); sqrt(k phi) = eta kappa."""
    return (net_penalty + eta * kappa) / (net_penalty - eta * kappa)


@cache
def holdings_cjp() -> sp.Expr:
    """Q_t = q0 (zeta e^(g (T - t)) - e^(-g (T - t))) / (zeta e^(g T) - e^(-g T)), g = kappa."""
    z = zeta()
    return (
        X
        * (z * sp.exp(kappa * (T - t)) - sp.exp(-kappa * (T - t)))
        / (z * sp.exp(kappa * T) - sp.exp(-kappa * T))
    )


@cache
def holdings_stable() -> sp.Expr:
    """Q_t = X e^(-kappa t) (c s exprel(-2 kappa s) + eta (1 + e^(-2 kappa s)) / 2) /
    (c T exprel(-2 kappa T) + eta (1 + e^(-2 kappa T)) / 2), s = T - t, c = alpha - gamma/2.

    The hyperbolic form (c sinh(kappa s) / kappa + eta cosh(kappa s)) / (same at T) with
    e^(kappa T) divided out: no overflow, and kappa = 0 (lambda = 0) gives
    (c s + eta) / (c T + eta) exactly.
    """
    s = T - t
    c = net_penalty
    numerator = c * s * exprel(-2 * kappa * s) + eta * (1 + sp.exp(-2 * kappa * s)) / 2
    denominator = c * T * exprel(-2 * kappa * T) + eta * (1 + sp.exp(-2 * kappa * T)) / 2
    return X * exp_scaled_difference(-kappa, t, 0) * numerator / denominator


@cache
def unsold() -> sp.Expr:
    """Q_T / X = eta / (c T exprel(-2 kappa T) + eta (1 + e^(-2 kappa T)) / 2) e^(-kappa T):
    what is left for the block sale at T."""
    return holdings_stable().subs(t, T) / X


def _denominator() -> sp.Expr:
    """c T exprel(-2 kappa T) + eta (1 + e^(-2 kappa T)) / 2: the stable forms' common denominator."""
    return net_penalty * T * exprel(-2 * kappa * T) + eta * (1 + sp.exp(-2 * kappa * T)) / 2


def integral_of_exponentials(expr: sp.Expr) -> sp.Expr:
    """integral_0^T expr dt for a sum of terms c e^(a t + b), term by term (SymPy's integrate
    is far slower on the whole expression): c e^b (e^(a T) - 1) / a, or c e^b T where a = 0."""
    total = sp.S.Zero
    for term in sp.Add.make_args(sp.expand(sp.powsimp(sp.expand(expr), combine="exp"))):
        coefficient, dependent = term.as_independent(t, as_Add=False)
        if dependent == 1:
            total += coefficient * T
            continue
        if not isinstance(dependent, sp.exp):
            raise ValueError(f"{term} is not an exponential in t")
        argument = sp.expand(dependent.args[0])
        rate = argument.coeff(t)
        rest = sp.expand(argument - rate * t)
        total += coefficient * sp.exp(rest) * (sp.exp(rate * T) - 1) / rate
    return total


def _integral_of(function: sp.Expr) -> sp.Expr:
    """integral_0^T function(Q)^2 dt of the CJP schedule, with zeta and its denominator kept as
    symbols while integrating."""
    z, denominator = sp.symbols("zeta D")
    generic = X * (z * sp.exp(kappa * (T - t)) - sp.exp(-kappa * (T - t))) / denominator
    square = function(generic) ** 2
    return integral_of_exponentials(square).subs(
        {z: zeta(), denominator: zeta() * sp.exp(kappa * T) - sp.exp(-kappa * T)}
    )


@cache
def integral_of_squared_holdings() -> sp.Expr:
    """integral_0^T Q^2 dt on the optimal schedule."""
    return _integral_of(lambda q: q)


@cache
def integral_of_squared_rate() -> sp.Expr:
    """integral_0^T nu^2 dt = integral_0^T Q'^2 dt on the optimal schedule."""
    return _integral_of(lambda q: sp.diff(q, t))


@cache
def expected_cost_textbook() -> sp.Expr:
    """E = gamma X^2 / 2 + epsilon X + eta integral nu^2 + (alpha - gamma/2) Q_T^2 on the optimal
    schedule (epsilon X: every share is sold once, the block included)."""
    left = holdings_cjp().subs(t, T)
    return gamma * X**2 / 2 + epsilon * X + eta * integral_of_squared_rate() + net_penalty * left**2


@cache
def variance_textbook() -> sp.Expr:
    """Var = sigma^2 integral Q^2 dt on the optimal schedule."""
    return sigma**2 * integral_of_squared_holdings()


def _squared_holdings_in_steps() -> sp.Expr:
    """integral Q^2 dt / X^2 = (2 c^2 T^3 sinh_tail(2 kappa T) + c eta T^2 exprel(-2 kappa T)^2 +
    eta^2 T (exprel(-4 kappa T) + e^(-2 kappa T)) / 2) / denominator^2: positive terms for c >= 0,
    sinh_tail for the sinh(2 kappa T) - 2 kappa T that cancels as kappa -> 0 (T^3 sinh_tail is the
    step ``cube_tail``)."""
    c, z = net_penalty, 2 * kappa * T
    numerator = (
        2 * c**2 * cube_tail
        + c * eta * T**2 * exprel(-z) ** 2
        + eta**2 * T * (exprel(-2 * z) + sp.exp(-z)) / 2
    )
    return numerator / _denominator() ** 2


@cache
def squared_holdings_stable() -> sp.Expr:
    """:func:`_squared_holdings_in_steps` with its steps inlined."""
    return inline_steps(_squared_holdings_in_steps(), _variance_steps(printed=False))


#: intermediate results of the printed expected cost and holdings (see :data:`COST_STEPS`)
rate_half = sp.Symbol("rate_half")
small, large, ratio, tail, cube_tail = sp.symbols("small large ratio tail cube_tail")
fraction = sp.Symbol("fraction")
scaled = sp.Symbol("scaled")


def _tail_steps(printed: bool) -> tuple[tuple[sp.Symbol, sp.Expr], ...]:
    """w = 2 kappa T below 2 (``small``, else 0) and at least 2 (``large``): sinh_tail is evaluated
    at ``small`` only (its own w^3 overflows past w ~ 1e102), and for w >= 2 the tails are
    written with e^(-w) (sinh(w) - w) = (1 - e^(-2w)) / 2 - w e^(-w), which has no cancellation
    there (proof ``soft_deadline_tail``). ``printed=False``: no steps (the proofs' form)."""
    w = 2 * kappa * T
    if not printed:
        return ()
    return ((small, sp.Piecewise((w, w < 2), (0, True))), (large, sp.Piecewise((2, w < 2), (w, True))))


def _direct_tail() -> sp.Expr:
    """e^(-w) (sinh(w) - w) = w^3 sinh_tail(w), at w = ``large``."""
    return (1 - sp.exp(-2 * large)) / 2 - large * sp.exp(-large)


def _cost_steps(printed: bool = True) -> tuple[tuple[sp.Symbol, sp.Expr], ...]:
    """kappa T exprel(-2 kappa T) (= (1 - e^(-2 kappa T)) / 2, bounded) and w^3 sinh_tail(w),
    w = 2 kappa T, through :func:`_tail_steps`."""
    w = 2 * kappa * T
    exact = w**3 * sinh_tail(w)
    printed_tail = sp.Piecewise((small**3 * sinh_tail(small), w < 2), (_direct_tail(), True))
    return (
        *_tail_steps(printed),
        (rate_half, kappa * T * exprel(-w)),
        (tail, printed_tail if printed else exact),
    )


def _variance_steps(printed: bool = True) -> tuple[tuple[sp.Symbol, sp.Expr], ...]:
    """T^3 sinh_tail(w) through :func:`_tail_steps`; for w >= 2 as (T / w)^3 e^(-w) (sinh(w) - w),
    with T / w a step of its own so that w^3 is never formed."""
    w = 2 * kappa * T
    exact = T**3 * sinh_tail(w)
    printed_tail = sp.Piecewise((T**3 * sinh_tail(small), w < 2), (ratio**3 * _direct_tail(), True))
    return (
        *_tail_steps(printed),
        *(((ratio, T / large),) if printed else ()),
        (cube_tail, printed_tail if printed else exact),
    )


def inline_steps(expr: sp.Expr, steps: tuple[tuple[sp.Symbol, sp.Expr], ...]) -> sp.Expr:
    """``expr`` with the printed intermediate steps (symbol, value) substituted back."""
    for symbol, value in reversed(steps):
        expr = expr.subs(symbol, value)
    return expr


def _squared_rate_in_steps() -> sp.Expr:
    """integral nu^2 dt / X^2 = (c^2 T (exprel(-4 kappa T) + e^(-2 kappa T)) / 2 + c eta
    (kappa T exprel(-2 kappa T))^2 + eta^2 kappa w^3 sinh_tail(w) / 4) / denominator^2, w = 2 kappa T."""
    c, z = net_penalty, 2 * kappa * T
    numerator = (
        c**2 * T * (exprel(-2 * z) + sp.exp(-z)) / 2 + c * eta * rate_half**2 + eta**2 * kappa * tail / 4
    )
    return numerator / _denominator() ** 2


@cache
def squared_rate_stable() -> sp.Expr:
    """:func:`_squared_rate_in_steps` with its steps inlined."""
    return inline_steps(_squared_rate_in_steps(), _cost_steps(printed=False))


def _expected_cost_in_steps() -> sp.Expr:
    """E with the stable integral and Q_T^2 = X^2 e^(-2 kappa T) eta^2 / denominator^2."""
    left_squared = X**2 * exp_scaled_difference(-2 * kappa, T, 0) * eta**2 / _denominator() ** 2
    return gamma * X**2 / 2 + epsilon * X + eta * X**2 * _squared_rate_in_steps() + net_penalty * left_squared


@cache
def expected_cost_stable() -> sp.Expr:
    """:func:`_expected_cost_in_steps` with its steps inlined (what the proofs compare)."""
    return inline_steps(_expected_cost_in_steps(), _cost_steps(printed=False))


def _holdings_steps() -> tuple[tuple[sp.Symbol, sp.Expr], ...]:
    """Half of e^(-kappa t) before the order size and half after, as for the base holdings
    (:func:`acsym.derivation.stable.holdings_fraction_split`): no intermediate is subnormal
    where the holdings are not."""
    s = T - t
    c = net_penalty
    numerator = c * s * exprel(-2 * kappa * s) + eta * (1 + sp.exp(-2 * kappa * s)) / 2
    half = exp_scaled_difference(-kappa / 2, t, 0)
    return ((fraction, half * numerator / _denominator()), (scaled, X * fraction))


def _holdings_in_steps() -> sp.Expr:
    return scaled * exp_scaled_difference(-kappa / 2, t, 0)


@cache
def variance_stable() -> sp.Expr:
    """Var = sigma^2 X^2 times :func:`squared_holdings_stable`."""
    return sigma**2 * X**2 * squared_holdings_stable()


#: c = alpha - gamma / 2 as one positive symbol, for the proofs (rational functions cancel faster)
_c = sp.Symbol("c", positive=True)


def _in_c(expr: sp.Expr) -> sp.Expr:
    return expr.subs(alpha_T, _c + gamma / 2)


def proofs() -> tuple[Proof, ...]:
    """The soft deadline's claims as :class:`acsym.derivation.proofs.Proof` records."""
    from acsym.derivation.proofs import Proof

    return (
        Proof(
            "soft_deadline_first_principles",
            "the expected shortfall of a path with a block sale at S_T - alpha Q_T is gamma X^2/2 + "
            "eta integral nu^2 + (alpha - gamma/2) Q_T^2 (a generic quadratic path)",
            lambda: sp.expand(shortfall_of_path() - shortfall_closed_form()),
        ),
        Proof(
            "soft_deadline_solution",
            "A e^(kappa t) + B e^(-kappa t) with Q(0) = X and eta Q'(T) + (alpha - gamma/2) Q(T) = 0 "
            "is Cartea-Jaimungal-Penalva's closed form with zeta",
            lambda: zero_in_exponentials(holdings_solution() - holdings_cjp(), kappa, (t, T)),
        ),
        Proof(
            "soft_deadline_euler_lagrange",
            "the CJP form solves the base model's Euler-Lagrange equation, kappa^2 = lambda sigma^2 / eta",
            lambda: sp.simplify(
                (-2 * eta * sp.diff(holdings_cjp(), t, 2) + 2 * lam * sigma**2 * holdings_cjp()).subs(
                    lam, eta * kappa**2 / sigma**2
                )
            ),
        ),
        Proof(
            "soft_deadline_stable",
            "the exprel form equals the CJP form",
            lambda: zero_in_exponentials(holdings_stable().rewrite(sp.exp) - holdings_cjp(), kappa, (t, T)),
        ),
        Proof(
            "soft_deadline_integrals",
            "the stable forms of integral Q^2 dt and integral Q'^2 dt equal the integrals of the "
            "CJP schedule",
            lambda: (
                zero_in_exponentials(
                    _in_c(X**2 * squared_holdings_stable() - integral_of_squared_holdings()), kappa, (T,)
                )
                + zero_in_exponentials(
                    _in_c(X**2 * squared_rate_stable() - integral_of_squared_rate()), kappa, (T,)
                )
            ),
        ),
        Proof(
            "soft_deadline_cost_and_variance",
            "the printed expected cost and variance equal the textbook ones",
            lambda: (
                zero_in_exponentials(_in_c(expected_cost_stable() - expected_cost_textbook()), kappa, (T,))
                + zero_in_exponentials(_in_c(variance_stable() - variance_textbook()), kappa, (T,))
            ),
        ),
        Proof(
            "soft_deadline_kappa_zero",
            "lambda = 0 (kappa = 0): the stable integrals are those of the linear schedule "
            "X (c s + eta) / (c T + eta)",
            lambda: (
                sp.simplify(
                    X**2 * squared_holdings_stable().subs(kappa, 0)
                    - sp.integrate(
                        (X * (net_penalty * (T - t) + eta) / (net_penalty * T + eta)) ** 2, (t, 0, T)
                    )
                )
                + sp.simplify(
                    X**2 * squared_rate_stable().subs(kappa, 0)
                    - sp.integrate((X * net_penalty / (net_penalty * T + eta)) ** 2, (t, 0, T))
                )
            ),
        ),
        Proof(
            "soft_deadline_printed",
            "the printed holdings (half the decay before X, half after) equal the stable form",
            lambda: zero_in_exponentials(
                inline_steps(_holdings_in_steps(), _holdings_steps()).rewrite(sp.exp)
                - holdings_stable().rewrite(sp.exp),
                kappa,
                (t, T),
            ),
        ),
        Proof(
            "soft_deadline_tail",
            "for w = 2 kappa T >= 2 the printed tails equal w^3 sinh_tail(w) and T^3 sinh_tail(w); "
            "below 2 they are those products",
            lambda: (
                sp.simplify(
                    (
                        _direct_tail().subs(large, 2 * kappa * T)
                        - (2 * kappa * T) ** 3 * sinh_tail(2 * kappa * T)
                    ).rewrite(sp.exp)
                )
                + sp.simplify(
                    (
                        (T / (2 * kappa * T)) ** 3 * _direct_tail().subs(large, 2 * kappa * T)
                        - T**3 * sinh_tail(2 * kappa * T)
                    ).rewrite(sp.exp)
                )
                + (_cost_steps()[-1][1].args[0][0].subs(small, 2 * kappa * T) - _cost_steps(False)[-1][1])
                + (
                    _variance_steps()[-1][1].args[0][0].subs(small, 2 * kappa * T)
                    - _variance_steps(False)[-1][1]
                )
            ),
        ),
        Proof(
            "soft_deadline_hard_limit",
            "alpha -> oo gives the hard deadline: Q_t -> X sinh(kappa (T - t)) / sinh(kappa T)",
            lambda: zero_in_exponentials(
                sp.limit(holdings_cjp(), alpha_T, sp.oo) - X * stable.holdings_fraction_textbook(),
                kappa,
                (t, T),
            ),
        ),
        Proof(
            "soft_deadline_lambda_zero",
            "lambda = 0 (kappa = 0): Q_t = X (c (T - t) + eta) / (c T + eta), the limit of the CJP form",
            lambda: (
                sp.simplify(
                    sp.limit(holdings_cjp(), kappa, 0)
                    - X * (net_penalty * (T - t) + eta) / (net_penalty * T + eta)
                )
                + sp.simplify(
                    holdings_stable().subs(kappa, 0)
                    - X * (net_penalty * (T - t) + eta) / (net_penalty * T + eta)
                )
            ),
        ),
    )


def sections() -> tuple[Section, ...]:
    """The soft deadline's section of ``docs/derivation.md``."""
    from acsym.derivation.document import Section

    return (
        Section(
            "Soft deadline (Cartea, Jaimungal & Penalva 2015, ch. 6)",
            "Shares left at T are sold at once at S_T - alpha Q_T. With CJP's temporary impact k = eta, "
            "permanent impact b = gamma and running penalty phi = lambda sigma^2 (so g = sqrt(phi / k) is "
            "the continuous kappa), the expected shortfall of a path is gamma X^2/2 + eta integral nu^2 + "
            "(alpha - gamma/2) Q_T^2. The Euler-Lagrange equation is the base model's; the deadline becomes "
            "the natural boundary condition below. Its solution, CJP's form, the stable form evaluated at "
            "runtime, and what is left for the block sale at T (> 0 for every finite alpha; alpha -> oo "
            "gives the sinh schedule and Q_T -> 0):",
            (
                ("E", shortfall_closed_form()),
                ("", sp.Eq(transversality(), 0)),
                ("Q(t)", holdings_cjp()),
                ("Q(t)", holdings_stable()),
                ("Q_T / X", unsold()),
                ("\\int_0^T Q^2 dt", X**2 * squared_holdings_stable()),
                ("\\int_0^T \\nu^2 dt", X**2 * squared_rate_stable()),
                ("E", expected_cost_stable()),
            ),
        ),
    )


def formulas() -> tuple[Formula, ...]:
    """The soft deadline's entry of the catalog."""
    from acsym.derivation.catalog import Formula

    return (
        Formula(
            name="holdings_soft_deadline",
            arguments=("order_size", "time", "horizon", "kappa", "eta", "gamma", "terminal_penalty"),
            steps=_holdings_steps(),
            expr=_holdings_in_steps(),
            reference=holdings_cjp(),
            summary="Shares still held at a time when shares left at the horizon pay a terminal penalty.",
            formula="holdings = X (zeta e^(kappa (T - t)) - e^(-kappa (T - t))) / (zeta e^(kappa T) - "
            "e^(-kappa T)), zeta = (c + eta kappa) / (c - eta kappa), c = terminal_penalty - gamma / 2",
            returns="shares",
            notes="Cartea, Jaimungal & Penalva (2015), ch. 6, with k = eta, b = gamma, phi = lambda "
            "sigma**2 and g = kappa = kappa_continuous(risk_aversion, sigma, eta). Evaluated as "
            "X e^(-kappa t) (c s exprel(-2 kappa s) + eta (1 + e^(-2 kappa s)) / 2) / (c T "
            "exprel(-2 kappa T) + eta (1 + e^(-2 kappa T)) / 2), s = T - t: no overflow, kappa = 0 "
            "gives X (c s + eta) / (c T + eta). holdings(horizon) > 0 is sold as a block at the "
            "horizon. Requires c >= 0 (terminal_penalty >= gamma / 2); terminal_penalty -> inf is "
            "holdings() with the continuous kappa.",
        ),
        Formula(
            name="expected_cost_soft_deadline",
            arguments=("order_size", "horizon", "kappa", "eta", "gamma", "epsilon", "terminal_penalty"),
            steps=_cost_steps(),
            expr=_expected_cost_in_steps(),
            reference=expected_cost_textbook(),
            summary="Expected implementation shortfall of the soft-deadline schedule, block sale included.",
            formula="E = gamma X**2 / 2 + epsilon X + eta integral_0^T nu**2 dt + (terminal_penalty - "
            "gamma / 2) Q_T**2",
            returns="currency",
            notes="The integral of the CJP schedule in closed form, evaluated with exprel and "
            "sinh_tail as a sum of positive terms (c >= 0); kappa = 0 gives the linear schedule's "
            "cost. (kappa T)**3 sinh_tail(2 kappa T) is multiplied one factor at a time, so nothing "
            "overflows.",
        ),
        Formula(
            name="variance_soft_deadline",
            arguments=("order_size", "horizon", "kappa", "sigma", "eta", "gamma", "terminal_penalty"),
            steps=_variance_steps(),
            expr=sigma**2 * X**2 * _squared_holdings_in_steps(),
            reference=variance_textbook(),
            summary="Variance of the implementation shortfall of the soft-deadline schedule.",
            formula="Var = sigma**2 integral_0^T Q**2 dt",
            returns="currency**2",
            notes="Continuous time: the block sold at the horizon carries no risk after it. "
            "Evaluated with exprel and sinh_tail as a sum of positive terms (c >= 0).",
        ),
    )


__all__ = [
    "expected_cost_stable",
    "expected_cost_textbook",
    "formulas",
    "holdings_cjp",
    "holdings_solution",
    "holdings_stable",
    "integral_of_exponentials",
    "integral_of_squared_holdings",
    "integral_of_squared_rate",
    "net_penalty",
    "proofs",
    "sections",
    "shortfall_closed_form",
    "shortfall_of_path",
    "squared_holdings_stable",
    "squared_rate_stable",
    "transversality",
    "unsold",
    "variance_stable",
    "variance_textbook",
    "zeta",
]
