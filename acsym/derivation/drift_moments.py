"""Drift: the expected cost and variance of the optimal schedule in closed form (issue 15).

The optimal holdings with drift (:mod:`acsym.derivation.drift`) are x_j = X f_j + P g_j, with
the base schedule's fraction f_j = sinh(kappa (T - t_j)) / sinh(kappa T), the drift's pull in
shares P = mu tau^2 / (2 eta_tilde) and the correction per unit of pull
g_j = sinh(u j) sinh(u (N - j)) / (2 sinh(u)^2 cosh(z)), u = kappa tau / 2, z = kappa T / 2.

With c = kappa_tilde^2 tau^2 = 4 sinh(u)^2, both f and g satisfy the first-order conditions
(Delta^2 f = c f, Delta^2 g = c g - 1, g_0 = g_N = 0), so summing by parts gives
sum n_k^2 = X^2 S_dd - 2 X P c S_fg + P^2 (S_g - c S_gg), and the expected cost of a schedule that
only sells is

    E = E_0 - (mu tau / 2) [2 X (S_f + c S_fg) + P (S_g + c S_gg)],
    Var = Var_0 + sigma^2 tau P (2 X S_fg + P S_gg),

E_0, Var_0 the base model's, S_f = sum f_j, S_g = sum g_j, S_fg = sum f_j g_j, S_gg = sum g_j^2
(proof ``drift_moments_assembly``: equal to E and Var of the schedule for N = 1..4). The sums
come from SymPy's geometric summation as compact hyperbolic forms (proof
``drift_moments_sums``). Both brackets are sums of positive terms; mu = 0 gives E_0 and Var_0
bit for bit (P = 0).

Stable forms. The hyperbolic forms divide by c and c^2 and cancel as z -> 0 (lambda -> 0): they
lose about 1/z^4 (S_gg) of the digits. Below z = 1 each sum is written as its entire numerator's
Taylor series (exact polynomial coefficients in 1/N, from the exponentials directly) over
denominators that do not cancel; at z = 0 the series is the exact TWAP value. At and above
z = 1 the hyperbolic forms are written in e^(-2u) and e^(-2z) (no overflow), where they lose at
most a few ulps. The series' truncation is checked at the switch (proof
``drift_moments_series``).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import sympy as sp

from acsym.derivation import discrete, stable
from acsym.derivation.drift import zero_in_exponentials
from acsym.derivation.special import exprel
from acsym.derivation.symbols import (
    N,
    T,
    X,
    epsilon,
    eta_tilde,
    gamma,
    j,
    kappa,
    mu,
    sigma,
    tau,
)

if TYPE_CHECKING:
    from acsym.derivation.catalog import Formula
    from acsym.derivation.document import Section
    from acsym.derivation.proofs import Proof

#: half the decay per interval, u = kappa tau / 2, as a symbol for the series (dimensionless)
half_step = sp.Symbol("u_step", positive=True)
#: the pull in shares, P = mu tau^2 / (2 eta_tilde)
pull_shares = mu * tau**2 / (2 * eta_tilde)
#: below this z = kappa T / 2 the sums are evaluated by their series
SERIES_BELOW = 1
#: Taylor terms u^n, n < SERIES_ORDER, kept (the first left out is below 1e-19 relative at z = 1)
SERIES_ORDER = 44

# printed intermediate results
sum_f = sp.Symbol("sum_f")
sum_g = sp.Symbol("sum_g")
cross_c = sp.Symbol("cross_c")  # c S_fg
square_c = sp.Symbol("square_c")  # c^2 S_gg
base_cost = sp.Symbol("base_cost")
base_variance = sp.Symbol("base_variance")
count = sp.Symbol("count", positive=True)  # N = T / tau
inverse_count = sp.Symbol("inverse_count", positive=True)  # 1 / N = tau / T
z_small = sp.Symbol("z_small", nonnegative=True)  # min(kappa T / 2, 1)
z_large = sp.Symbol("z_large", positive=True)  # max(kappa T / 2, 1)
u_large = sp.Symbol("u_large", positive=True)  # max(kappa tau / 2, z_large / N)


def _u() -> sp.Expr:
    return kappa * tau / 2


def _z() -> sp.Expr:
    return kappa * T / 2


def _steps() -> sp.Expr:
    return T / tau


# --------------------------------------------------------------------------------------------
# the schedule's parts and their sums


def fraction_term() -> sp.Expr:
    """f_j = sinh(kappa (T - j tau)) / sinh(kappa T)."""
    return sp.sinh(kappa * (T - j * tau)) / sp.sinh(kappa * T)


def correction_term() -> sp.Expr:
    """g_j = sinh(u j) sinh(u (N - j)) / (2 sinh(u)^2 cosh(z)): the correction per share of pull."""
    u, z = _u(), _z()
    return sp.sinh(u * j) * sp.sinh(kappa * (T - j * tau) / 2) / (2 * sp.sinh(u) ** 2 * sp.cosh(z))


@cache
def hyperbolic_sums() -> dict[str, sp.Expr]:
    """S_f, S_g, c S_fg, c^2 S_gg in hyperbolic form (c = 4 sinh(u)^2, N = T / tau)."""
    u, z, steps = _u(), _z(), _steps()
    s_f = sp.sinh(kappa * (T - tau) / 2) / (2 * sp.sinh(u) * sp.cosh(z))
    s_g = (steps * sp.tanh(u) - sp.tanh(z)) / (4 * sp.sinh(u) ** 2 * sp.tanh(u))
    cross = (
        s_f
        - steps / (4 * sp.cosh(z) ** 2)
        - sp.sinh(kappa * (T - 2 * tau) / 2) / (2 * sp.sinh(2 * u) * sp.cosh(z))
    )
    squares = (
        (steps - 1)
        - 4 * s_f
        + ((steps + 1) + sp.sinh(kappa * (T + tau)) / sp.sinh(2 * u)) / (2 * sp.cosh(z) ** 2)
        - 2
    )
    return {"f": s_f, "g": s_g, "fg": cross, "gg": squares}


def _c() -> sp.Expr:
    return 4 * sp.sinh(_u()) ** 2


@cache
def moments_textbook() -> tuple[sp.Expr, sp.Expr]:
    """E and Var of the optimal drift schedule from the hyperbolic sums (a schedule that only sells)."""
    sums = hyperbolic_sums()
    c = _c()
    e_0 = discrete.expected_cost_optimal()
    v_0 = discrete.variance_optimal()
    drift_e = -(mu * tau / 2) * (
        2 * X * (sums["f"] + sums["fg"]) + pull_shares * (sums["g"] + sums["gg"] / c)
    )
    drift_v = sigma**2 * tau * pull_shares * (2 * X * sums["fg"] / c + pull_shares * sums["gg"] / c**2)
    return e_0 + drift_e, v_0 + drift_v


def _schedule_moments(steps: int) -> tuple[sp.Expr, sp.Expr]:
    """E (sell-only: epsilon X) and Var of x_j = X f_j + P g_j, summed term by term, T = steps tau."""
    holdings = [
        (X * fraction_term() + pull_shares * correction_term()).subs(j, i).subs(T, steps * tau)
        for i in range(steps + 1)
    ]
    trades = [holdings[i - 1] - holdings[i] for i in range(1, steps + 1)]
    cost = (
        gamma * X**2 / 2
        + epsilon * X
        + eta_tilde / tau * sp.Add(*[n_k**2 for n_k in trades])
        - mu * tau * sp.Add(*holdings[1:])
    )
    variance = sigma**2 * tau * sp.Add(*[x_k**2 for x_k in holdings[1:]])
    return cost, variance


# --------------------------------------------------------------------------------------------
# the series below z = 1


@cache
def numerators() -> dict[str, sp.Expr]:
    """Entire numerators in u and N (z = N u): S_g = F_g / (4 sinh(u)^3 cosh(z)),
    c S_fg = F_fg / (4 sinh(2u) cosh(z)^2), c^2 S_gg = F_gg / (2 sinh(2u) cosh(z)^2)."""
    u = half_step
    z = N * u
    return {
        "g": ((N - 1) * sp.sinh((N + 1) * u) - (N + 1) * sp.sinh((N - 1) * u)) / 2,
        "fg": 4 * sp.sinh((N - 1) * u) * sp.cosh(u) * sp.cosh(z)
        - N * sp.sinh(2 * u)
        - 2 * sp.sinh((N - 2) * u) * sp.cosh(z),
        "gg": 2 * (N - 3) * sp.cosh(z) ** 2 * sp.sinh(2 * u)
        - 8 * sp.sinh((N - 1) * u) * sp.cosh(u) * sp.cosh(z)
        + (N + 1) * sp.sinh(2 * u)
        + sp.sinh(2 * (N + 1) * u),
    }


def _denominators() -> dict[str, sp.Expr]:
    u = half_step
    z = N * u
    return {
        "g": 4 * sp.sinh(u) ** 3 * sp.cosh(z),
        "fg": 4 * sp.sinh(2 * u) * sp.cosh(z) ** 2,
        "gg": 2 * sp.sinh(2 * u) * sp.cosh(z) ** 2,
    }


@cache
def taylor_coefficients(name: str) -> tuple[int, tuple[sp.Expr, ...]]:
    """(n_0, (p_n0, p_n0+1, ...)): F = N sum_n p_n(v) z^n with p_n polynomials in v = 1/N, the first
    nonzero at n_0. Computed from the exponentials e^(b u) of F: the coefficient of u^n is
    sum p b^n / n!, a polynomial in N of degree at most n + 1 (exact, no series division)."""
    expanded = sp.expand(sp.expand(numerators()[name].rewrite(sp.exp)))
    pairs = []
    for term in sp.Add.make_args(expanded):
        exponentials = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.exp)]
        rate = sp.expand(sp.Add(*[f.args[0] for f in exponentials]) / half_step)
        pairs.append((term / sp.Mul(*exponentials), rate))
    inverse = inverse_count
    coefficients = []
    for order in range(SERIES_ORDER):
        a_n = sp.expand(sp.Add(*[p * b**order for p, b in pairs]) / sp.factorial(order))
        scaled = sp.expand(a_n / N ** (order + 1)).subs(N, 1 / inverse)
        scaled = sp.expand(scaled)
        if sp.Poly(scaled, inverse).degree() < 0 and scaled != 0:
            raise AssertionError("a Taylor coefficient is not a polynomial in 1/N")
        coefficients.append(scaled)
    first = next(i for i, c in enumerate(coefficients) if c != 0)
    return first, tuple(coefficients[first:])


def _series(name: str, z: sp.Expr) -> sp.Expr:
    """sum_n p_n z^(n - n_0): the numerator over N z^(n_0)."""
    _, coefficients = taylor_coefficients(name)
    return sp.Add(*[c * z**k for k, c in enumerate(coefficients) if c != 0])


def _sinhc(w: sp.Expr) -> sp.Expr:
    """sinh(w) / w = e^w exprel(-2w), 1 at w = 0 (for 0 <= w <= 1 here)."""
    return sp.exp(w) * exprel(-2 * w)


@cache
def series_sums() -> dict[str, sp.Expr]:
    """S_f (its product form, stable everywhere) and S_g, c S_fg, c^2 S_gg, S_fg, S_gg by the series,
    with z clamped to at most 1 and u = z / N (the branch is used only for z < 1)."""
    steps, z = count, z_small
    u = z * inverse_count
    series = {name: _series(name, z) for name in ("g", "fg", "gg")}
    ch = sp.cosh(z)
    return {
        "g": steps**4 * series["g"] / (4 * _sinhc(u) ** 3 * ch),
        "fg": steps**2 * z**2 * series["fg"] / (8 * _sinhc(2 * u) * ch**2),
        "gg": steps**2 * z**4 * series["gg"] / (4 * _sinhc(2 * u) * ch**2),
        "fg_plain": steps**4 * series["fg"] / (32 * _sinhc(2 * u) * _sinhc(u) ** 2 * ch**2),
        "gg_c": steps**4 * z**2 * series["gg"] / (16 * _sinhc(2 * u) * _sinhc(u) ** 2 * ch**2),
        "gg_plain": steps**6 * series["gg"] / (64 * _sinhc(2 * u) * _sinhc(u) ** 4 * ch**2),
    }


@cache
def product_sum_f() -> sp.Expr:
    """S_f = (N - 1) e^(-2u) exprel(-2 (N - 1) u) / (exprel(-2u) (1 + e^(-2z))): positive factors."""
    return (
        (_steps() - 1)
        * sp.exp(-kappa * tau)
        * exprel(-kappa * (T - tau))
        / (exprel(-kappa * tau) * (1 + sp.exp(-kappa * T)))
    )


@cache
def exponential_sums(clamped: bool = True) -> dict[str, sp.Expr]:
    """The hyperbolic sums in e^(-2u) and e^(-2z); printed with z clamped to at least 1 and u to at
    least z / N (the branch is used only for z >= 1, where neither clamp acts)."""
    steps = count if clamped else _steps()
    z = z_large if clamped else _z()
    u = u_large if clamped else _u()
    w, big_w = sp.exp(-2 * u), sp.exp(-2 * z)
    one_minus_w = 2 * u * exprel(-2 * u)
    one_minus_w2 = 4 * u * exprel(-4 * u)
    s_f = (steps - 1) * w * exprel(-2 * (steps - 1) * u) / (exprel(-2 * u) * (1 + big_w))
    s_g = (steps - sp.tanh(z) / sp.tanh(u)) * w / one_minus_w**2
    cross = s_f - steps * big_w / (1 + big_w) ** 2 - (w**2 - big_w) / (one_minus_w2 * (1 + big_w))
    squares = (
        (steps - 1)
        - 4 * s_f
        + 2 * (steps + 1) * big_w / (1 + big_w) ** 2
        + 2 * (1 - big_w**2 * w**2) / (one_minus_w2 * (1 + big_w) ** 2)
        - 2
    )
    inverse_c = w / one_minus_w**2
    return {
        "g": s_g,
        "fg": cross,
        "gg": squares,
        "fg_plain": cross * inverse_c,
        "gg_c": squares * inverse_c,
        "gg_plain": squares * inverse_c**2,
    }


def clamps() -> tuple[tuple[sp.Symbol, sp.Expr], ...]:
    """The printed steps the sums use: N, 1 / N and the clamped z and u of the two branches."""
    return (
        (count, _steps()),
        (inverse_count, tau / T),
        (z_small, sp.Min(_z(), SERIES_BELOW)),
        (z_large, sp.Max(_z(), SERIES_BELOW)),
        (u_large, sp.Max(_u(), z_large * inverse_count)),
    )


def inline(expr: sp.Expr) -> sp.Expr:
    """``expr`` with the steps of :func:`clamps` substituted back."""
    for symbol, value in reversed(clamps()):
        expr = expr.subs(symbol, value)
    return expr


def stable_sum(name: str) -> sp.Piecewise:
    """The series below z = 1, the exponential form at and above; exactly 0 for one interval (N = 1
    has no holdings between the first and the last, where both forms would round to ~1e-16)."""
    return sp.Piecewise(
        (0, count < sp.Rational(3, 2)),
        (series_sums()[name], _z() < SERIES_BELOW),
        (exponential_sums()[name], True),
    )


def expected_cost_drift_part() -> sp.Expr:
    """-(mu tau / 2) [2 X (S_f + c S_fg) + P (S_g + c S_gg)], with the printed sums as symbols."""
    return -(mu * tau / 2) * (2 * X * (sum_f + cross_c) + pull_shares * (sum_g + square_c))


def variance_drift_part() -> sp.Expr:
    """sigma^2 tau P (2 X S_fg + P S_gg), with the printed sums as symbols."""
    return sigma**2 * tau * pull_shares * (2 * X * cross_c + pull_shares * square_c)


# --------------------------------------------------------------------------------------------
# proofs


def _sums_equal_summation() -> sp.Expr:
    """For N = 1..5 the hyperbolic sums equal the sums of the terms (exact, in kappa and tau)."""
    residual = sp.S.Zero
    sums = hyperbolic_sums()
    c = _c()
    for steps in range(1, 6):
        at = {T: steps * tau}
        f = [fraction_term().subs(j, i).subs(at) for i in range(1, steps + 1)]
        g = [correction_term().subs(j, i).subs(at) for i in range(1, steps + 1)]
        checks = (
            sums["f"].subs(at) - sp.Add(*f),
            sums["g"].subs(at) - sp.Add(*g),
            sums["fg"].subs(at) - (c * sp.Add(*[a * b for a, b in zip(f, g, strict=True)])).subs(at),
            sums["gg"].subs(at) - (c**2 * sp.Add(*[b**2 for b in g])).subs(at),
        )
        for check in checks:
            residual += zero_in_exponentials(check, kappa, (tau,))
    return residual


def _assembly() -> sp.Expr:
    """E and Var of the closed forms minus those of the schedule summed term by term, N = 1..4,
    at rational points (50 digits): both differences vanish."""
    import mpmath

    cost, variance = moments_textbook()
    worst = sp.S.Zero
    point = {
        X: sp.Rational(7, 3),
        gamma: sp.Rational(1, 5),
        epsilon: sp.Rational(1, 9),
        eta_tilde: sp.Rational(3, 7),
        mu: sp.Rational(-5, 4),
        sigma: sp.Rational(2, 3),
        tau: sp.Rational(3, 4),
        kappa: sp.Rational(5, 6),
    }
    with mpmath.workdps(60):
        for steps in range(1, 5):
            schedule = _schedule_moments(steps)
            for closed, summed in zip((cost, variance), schedule, strict=True):
                at = {**point, T: steps * point[tau]}
                difference = sp.N(closed.subs(at) - summed.subs(at), 50)
                scale = abs(sp.N(summed.subs(at), 50)) + 1
                if abs(difference) > sp.Float(10) ** -40 * scale:
                    worst += difference
    return worst


def _series_matches() -> sp.Expr:
    """The numerators over their denominators are the hyperbolic sums (exactly, N = 1..5); the
    series are the numerators' Taylor expansions by construction, and below the switch z = 1 they
    agree with the hyperbolic forms to 1e-30 relative (N = 2, 3, 10, 1000): the truncation is far
    below a double's rounding."""
    worst = sp.S.Zero
    sums = hyperbolic_sums()
    for name, denominator in _denominators().items():  # the numerators, exactly (N = 1..5)
        for steps in range(1, 6):
            physical = {half_step: kappa * tau / 2, N: steps}
            quotient = (numerators()[name] / denominator).subs(physical)
            worst += zero_in_exponentials(quotient - sums[name].subs(T, steps * tau), kappa, (tau,))
    c = _c()
    exact = {
        "g": sums["g"],
        "fg": sums["fg"],
        "gg": sums["gg"],
        "fg_plain": sums["fg"] / c,
        "gg_c": sums["gg"] / c,
        "gg_plain": sums["gg"] / c**2,
    }
    series = {name: inline(value) for name, value in series_sums().items()}
    for steps in (2, 3, 10, 1000):
        for z_value in (sp.Rational(1, 7), sp.Rational(99, 100)):
            at = {tau: 1, T: steps, kappa: 2 * z_value / steps}
            for name, value in exact.items():
                reference = sp.N(value.subs(at), 50)
                got = sp.N(series[name].rewrite(sp.exp).subs(at), 50)
                if abs(got - reference) > sp.Float(10) ** -30 * abs(reference):
                    worst += got - reference
    return worst


def _exponential_forms() -> sp.Expr:
    """The exponential forms equal the hyperbolic ones wherever z >= 1 and u >= z / N (exactly:
    with the clamps removed, in e^(kappa tau / 2) and e^(kappa T / 2))."""
    residual = sp.S.Zero
    sums = hyperbolic_sums()
    c = _c()
    exact = {"g": sums["g"], "fg": sums["fg"], "gg": sums["gg"], "fg_plain": sums["fg"] / c}
    unclamped = exponential_sums(clamped=False)
    for steps in (1, 2, 3, 5):
        at = {T: steps * tau}
        for name, value in exact.items():
            residual += zero_in_exponentials(
                (unclamped[name] - value).subs(at).rewrite(sp.exp), kappa, (tau,)
            )
    residual += zero_in_exponentials(
        (unclamped["gg_plain"] - sums["gg"] / c**2).subs(T, 3 * tau).rewrite(sp.exp), kappa, (tau,)
    )
    return residual


def proofs() -> tuple[Proof, ...]:
    """The closed forms' claims as :class:`acsym.derivation.proofs.Proof` records."""
    from acsym.derivation.proofs import Proof

    return (
        Proof(
            "drift_moments_sums",
            "the hyperbolic forms of S_f, S_g, c S_fg and c^2 S_gg equal the sums of the optimal "
            "schedule's terms (N = 1..5, exactly in kappa and tau)",
            _sums_equal_summation,
        ),
        Proof(
            "drift_moments_assembly",
            "E_0 - (mu tau / 2)[2X(S_f + c S_fg) + P(S_g + c S_gg)] and Var_0 + sigma^2 tau P (2X S_fg + "
            "P S_gg) are E and Var of the optimal drift schedule (N = 1..4, at a rational point, 50 digits)",
            _assembly,
        ),
        Proof(
            "drift_moments_exponential",
            "the printed exponential forms equal the hyperbolic forms (exactly, N = 1, 2, 3, 5)",
            _exponential_forms,
        ),
        Proof(
            "drift_moments_series",
            "the printed series agree with the hyperbolic forms to 1e-30 below the switch z = 1",
            _series_matches,
        ),
        Proof(
            "drift_moments_buyback",
            "E of any schedule is E with the sell-only fixed cost epsilon X plus epsilon sum (|n_k| - n_k)",
            _buyback,
        ),
        Proof(
            "drift_moments_zero_drift",
            "mu = 0 leaves the base model's E and Var (the drift parts vanish identically)",
            lambda: expected_cost_drift_part().subs(mu, 0) + variance_drift_part().subs(mu, 0),
        ),
    )


# --------------------------------------------------------------------------------------------
# printed and documented


def sections() -> tuple[Section, ...]:
    """The closed forms' section of ``docs/derivation.md``."""
    from acsym.derivation.document import Section

    cost, variance = moments_textbook()
    return (
        Section(
            "Drift: expected cost and variance of the optimal schedule",
            "With x_j = X f_j + P g_j (P = mu tau^2 / (2 eta_tilde)) and c = 4 sinh(kappa tau / 2)^2, "
            "summation by parts with the first-order conditions turns E and Var into four sums, "
            "S_f, S_g, S_fg and S_gg, each a geometric sum in closed form (proofs drift_moments_sums, "
            "drift_moments_assembly). The cost assumes a schedule that only sells (epsilon X); the "
            "runtime adds epsilon (sum |n_k| - X) when a strong view makes it buy back. Below "
            "kappa T = 2 the sums are evaluated by the Taylor series of their entire numerators, "
            "at and above by exponentials of non-positive arguments:",
            (("E", cost), ("\\mathrm{Var}", variance)),
        ),
    )


def formulas() -> tuple[Formula, ...]:
    """The catalog's entries: ``expected_cost_with_drift``, ``variance_with_drift``."""
    from acsym.derivation.catalog import Formula, scaled

    cost, variance = moments_textbook()
    return (
        Formula(
            name="expected_cost_with_drift",
            arguments=("order_size", "horizon", "tau", "kappa", "gamma", "eta_tilde", "epsilon", "drift"),
            steps=(
                (base_cost, stable.expected_cost_stable()),
                *clamps(),
                (sum_f, product_sum_f()),
                (sum_g, stable_sum("g")),
                (cross_c, stable_sum("fg")),
                (square_c, stable_sum("gg_c")),
            ),
            expr=base_cost + expected_cost_drift_part(),
            reference=cost,
            summary="Expected implementation shortfall of the optimal schedule with an expected price drift.",
            formula="E = expected_cost() - (drift tau / 2) (2 X (S_f + c S_fg) + P (S_g + c S_gg)), "
            "P = drift tau**2 / (2 eta_tilde), c = 4 sinh(kappa tau / 2)**2, S_f = sum f_j, "
            "S_g = sum g_j, S_fg = sum f_j g_j, S_gg = sum g_j**2 over the schedule's parts "
            "x_j = X f_j + P g_j",
            returns="currency",
            notes="For a schedule that only sells (the fixed cost is epsilon X); where a strong view "
            "makes the optimum buy back, add epsilon (sum abs(n_k) - X) (buyback_fixed_cost). Below "
            "kappa T = 2 the sums are Taylor series of entire numerators (exact at kappa = 0), at "
            "and above exponentials of non-positive arguments. drift = 0 gives expected_cost() bit "
            "for bit.",
        ),
        Formula(
            name="variance_with_drift",
            arguments=("order_size", "horizon", "tau", "kappa", "sigma", "eta_tilde", "drift"),
            steps=(
                (scaled, stable.variance_split()),
                (base_variance, scaled * stable.variance_half_decay()),
                *clamps(),
                (cross_c, stable_sum("fg_plain")),
                (square_c, stable_sum("gg_plain")),
            ),
            expr=base_variance + variance_drift_part(),
            reference=variance,
            summary="Variance of the implementation shortfall of the optimal schedule with drift.",
            formula="Var = variance() + sigma**2 tau P (2 X S_fg + P S_gg), P = drift tau**2 / "
            "(2 eta_tilde), S_fg = sum f_j g_j, S_gg = sum g_j**2",
            returns="currency**2",
            notes="The sums as in expected_cost_with_drift. drift = 0 gives variance() bit for bit.",
        ),
        Formula(
            name="buyback_fixed_cost",
            arguments=("trade_sizes", "epsilon"),
            expr=buyback_fixed_cost(),
            reference=buyback_fixed_cost(),
            summary="The fixed cost of the buys of a schedule: epsilon (sum abs(n_k) - sum n_k).",
            formula="epsilon sum (abs(n_k) - n_k), twice epsilon times the shares bought",
            returns="currency",
            notes="What schedule_expected_cost adds to a sell-only schedule's epsilon X; exactly 0 "
            "for a schedule that only sells.",
        ),
    )


@cache
def buyback_fixed_cost() -> sp.Expr:
    """epsilon sum (|n_k| - n_k): E of any schedule minus E with its fixed cost epsilon X of a
    schedule that only sells (proof ``drift_moments_buyback``)."""
    from acsym.derivation.symbols import k, n

    return epsilon * sp.Sum(sp.Abs(n[k]) - n[k], (k, 1, N))


def _buyback() -> sp.Expr:
    """E of any schedule (N = 4) minus the sell-only fixed cost epsilon X is buyback_fixed_cost."""
    from acsym.derivation.symbols import n

    any_schedule = discrete.expected_cost_of_schedule().subs(N, 4).doit()
    sell_only = any_schedule.subs({sp.Abs(n[i]): n[i] for i in range(1, 5)})
    return sp.expand(any_schedule - sell_only - buyback_fixed_cost().subs(N, 4).doit())


__all__ = [
    "buyback_fixed_cost",
    "exponential_sums",
    "formulas",
    "hyperbolic_sums",
    "moments_textbook",
    "numerators",
    "proofs",
    "sections",
    "series_sums",
    "stable_sum",
    "taylor_coefficients",
]
