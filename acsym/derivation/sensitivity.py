r"""Sensitivities of the optimal schedule's expected cost, variance and holdings to the parameters.

The expected cost and the variance depend on the decay rate only through :math:`z = \kappa T`
and on the horizon through :math:`N = T / \tau` (here :math:`r = 1/N = \tau / T`):

.. math::

    E = \tfrac12 \gamma X^2 + \epsilon X + \frac{\tilde\eta X^2}{T} F(z, r), \qquad
    \operatorname{Var} = \sigma^2 X^2 T \, G(z, r),

with :math:`F(0, r) = 1` (TWAP) and :math:`z = 2 N \operatorname{asinh}(u)`,
:math:`u = \tau \tilde\kappa / 2`, :math:`\tilde\kappa^2 = y = \lambda \sigma^2 / \tilde\eta`.
SymPy differentiates ``E(eta, gamma, sigma, epsilon, lambda, tau)`` (and Var) through that chain;
the printed form (:func:`stable_derivative`) is the chain rule rearranged so that nothing is
singular at lambda = 0, where :math:`dz/d\lambda` is infinite but :math:`F_z` is 0:

.. math::

    F_z \frac{dz}{dp} = \frac{F_z}{z} \cdot \frac{T^2 \operatorname{asinhc}(u)}{2 \sqrt{1 + u^2}}
    \cdot \frac{dy}{dp},

and :func:`proofs` shows it equals the plain derivative. :math:`F_z / z` and :math:`G_z / z`
are even and analytic in z (radius pi): below a switch point they are their Taylor series
(coefficients exact rationals in r, derived by SymPy), above it the derivative of an
overflow-free form (exponentials of -z only; G with ``sinh_tail``, which keeps every digit when
N is large and :math:`\kappa\tau` tiny).

The sensitivity to ``tau`` keeps the number of intervals N fixed (the horizon T = N tau moves
with it): "what if every interval were longer". Units: those of E or Var per unit of the
parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial
from typing import Any

import sympy as sp
from sympy.codegen.cfunctions import expm1, hypot

from acsym.derivation import discrete, stable
from acsym.derivation.catalog import Formula
from acsym.derivation.special import asinhc, sinh_tail
from acsym.derivation.symbols import (
    ARGUMENTS,
    T,
    X,
    epsilon,
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

#: the intermediate results printed as steps
z = sp.Symbol("kappa_horizon", nonnegative=True)
r = sp.Symbol("step_fraction", positive=True)  # tau / T = 1 / N
u = sp.Symbol("half_kappa_tilde_tau", nonnegative=True)
weight = sp.Symbol("weight", positive=True)
shape = sp.Symbol("shape")
slope = sp.Symbol("slope")
rate = sp.Symbol("rate")  # weight * dy/dp, grouped: each factor alone can overflow
bounded = sp.Symbol("kappa_tilde_over_root", nonnegative=True)  # kappa_tilde / sqrt(1 + u^2) <= 2 / tau

#: below these z, F_z / z and G_z / z are their Taylor series (truncation < 1e-17 relative;
#: the series converge for |z| < pi), above them the derivative of the direct form
COST_SERIES_BELOW = sp.Rational(1, 2)
COST_SERIES_ORDER = 28
VARIANCE_SERIES_BELOW = sp.Rational(1, 4)
VARIANCE_SERIES_ORDER = 20

PARAMETERS = ("eta", "gamma", "sigma", "epsilon", "risk_aversion", "tau")
_SYMBOL = {"eta": eta, "gamma": gamma, "sigma": sigma, "epsilon": epsilon, "risk_aversion": lam, "tau": tau}
ARGUMENT_NAMES = ("order_size", "horizon", "tau", "sigma", "eta", "gamma", "epsilon", "risk_aversion")


def cost_shape_textbook() -> sp.Expr:
    """F(z, r) = E's impact part over eta_tilde X^2 / T, from the textbook closed form."""
    a = z * r
    return (sp.tanh(a / 2) / sp.tanh(z) + 2 / r * sp.sinh(a / 2) ** 2 / sp.sinh(z) ** 2) / r


def variance_shape_textbook() -> sp.Expr:
    """G(z, r) = Var / (sigma^2 X^2 T), from the textbook closed form."""
    a, m = z * r, 2 / r - 1
    return (sp.sinh(m * a) / sp.sinh(a) - m) * r / (4 * sp.sinh(z) ** 2)


def cost_shape_direct() -> sp.Expr:
    """F without overflow: coth z and sinh(a/2) / sinh z written with exp(-z) and expm1."""
    a = z * r
    coth = (1 + sp.exp(-2 * z)) / -expm1(-2 * z)
    half_ratio = sp.exp(a / 2 - z) * expm1(-a) / expm1(-2 * z)  # sinh(a/2) / sinh(z)
    return (sp.tanh(a / 2) * coth + 2 / r * half_ratio**2) / r


def variance_shape_direct() -> sp.Expr:
    """G with its cancelling difference written with sinh_tail (no loss as tau kappa -> 0)."""
    a, m = z * r, 2 / r - 1
    bracket = m**2 * sp.exp(-a) * sinh_tail(m * a) - sp.exp(a - 2 * z) * sinh_tail(a)
    # 1 / sinh(a) = 2 exp(-a) / (1 - exp(-2a)): no overflow for kappa tau up to 700 and beyond
    return -2 * m * a**3 * sp.exp(-a) * bracket * r / (expm1(-2 * a) * expm1(-2 * z) ** 2)


_w = sp.Symbol("w")


@cache
def _taylor(function: sp.Expr, order: int) -> list[sp.Rational]:
    """Coefficients 0..order-1 of the Taylor series in w of ``function`` (analytic at 0)."""
    series = sp.series(function, _w, 0, order).removeO()
    return [sp.Rational(series.coeff(_w, k)) for k in range(order)]


def _product(left: list[sp.Expr], right: list[sp.Expr]) -> list[sp.Expr]:
    """Product of two truncated power series (coefficient lists of equal length)."""
    size = len(left)
    return [sp.expand(sum(left[i] * right[k - i] for i in range(k + 1))) for k in range(size)]


@cache
def cost_shape_series(order: int) -> list[sp.Expr]:
    """Taylor coefficients in z of F(z, r) = (1/r) (tanh(r z/2) coth z + (2/r) sinh(r z/2)**2 csch(z)**2),
    assembled from the one-variable series of tanh, z coth z, sinh**2 and z**2 csch**2 (fast, exact)."""
    size = order + 2
    tanh = [c * (r / 2) ** k for k, c in enumerate(_taylor(sp.tanh(_w), size))]  # tanh(r z / 2)
    zcoth = _taylor(_w / sp.tanh(_w), size)  # z coth z
    sinh2 = [c * (r / 2) ** k for k, c in enumerate(_taylor(sp.sinh(_w) ** 2, size))]
    z2csch2 = _taylor(_w**2 / sp.sinh(_w) ** 2, size)
    first = _product(tanh, zcoth)  # times 1/z
    second = _product(sinh2, z2csch2)  # times 1/z**2
    out = []
    for k in range(order):
        value = first[k + 1] / r + 2 * second[k + 2] / r**2
        out.append(sp.factor(sp.expand(value)))
    return out


@cache
def variance_shape_series(order: int) -> list[sp.Expr]:
    """Taylor coefficients in z of G(z, r) = (sinh((2 - r) z) / sinh(r z) - (2/r - 1)) r / (4 sinh(z)**2),
    from the one-variable series of sinh, w / sinh w and w**2 csch(w)**2."""
    size = order + 4
    numerator = [c * (2 - r) ** k for k, c in enumerate(_taylor(sp.sinh(_w), size))]  # sinh((2-r) z)
    reciprocal = [c * r**k for k, c in enumerate(_taylor(_w / sp.sinh(_w), size))]  # r z / sinh(r z)
    ratio = _product(numerator, reciprocal)  # r z sinh((2-r)z)/sinh(rz): coefficient k+1 of z**(k+1)
    z2csch2 = _taylor(_w**2 / sp.sinh(_w) ** 2, size)
    # (ratio / (r z) - (2/r - 1)) r / 4 = (ratio / z - (2 - r)) / 4, a series from z**2 on
    bracket = [sp.expand((ratio[k + 1] - (2 - r if k == 0 else 0)) / 4) for k in range(size - 1)]
    bracket.append(sp.S.Zero)
    product = _product(bracket, z2csch2)  # times 1/z**2
    return [sp.factor(product[k + 2]) for k in range(order)]


def _slope_series(coefficients: list[sp.Expr]) -> sp.Expr:
    """d/dz of the series, divided by z (it is even: only even powers appear)."""
    return sp.Add(*(k * c * z ** (k - 2) for k, c in enumerate(coefficients) if k >= 2 and c != 0))


@cache
def cost_slope() -> sp.Expr:
    """F_z / z: the series below COST_SERIES_BELOW, the direct form's derivative above."""
    below = _slope_series(cost_shape_series(COST_SERIES_ORDER))
    above = sp.diff(cost_shape_direct(), z) / z
    return _switch(below, above, COST_SERIES_BELOW)


@cache
def variance_slope() -> sp.Expr:
    """G_z / z, like :func:`cost_slope`."""
    below = _slope_series(variance_shape_series(VARIANCE_SERIES_ORDER))
    above = sp.diff(variance_shape_direct(), z) / z
    return _switch(below, above, VARIANCE_SERIES_BELOW)


class _SlopeHelper(sp.Function):
    """A call of a generated helper that evaluates a slope (its expression is printed once, as
    the helper's body, by :func:`helper_source`); ``name`` is the helper's name."""

    nargs = 2
    helper = ""

    def _numpycode(self, printer: Any) -> str:
        return f"{self.helper}({', '.join(printer._print(a) for a in self.args)})"

    def _xpcode(self, printer: Any) -> str:
        return f"{self.helper}(xp, {', '.join(printer._print(a) for a in self.args)})"


def slope_call(name: str, *args: sp.Expr) -> sp.Expr:
    """``name(*args)`` as a SymPy expression that prints as a call of the generated helper."""
    return type(name.lstrip("_"), (_SlopeHelper,), {"helper": name})(*args)


def _helpers() -> list[tuple[str, sp.Expr, tuple[sp.Symbol, ...], str]]:
    return [
        ("_cost_slope", cost_slope(), (z, r), "F_z / z of the expected cost's shape F(z, r)"),
        ("_variance_slope", variance_slope(), (z, r), "G_z / z of the variance's shape G(z, r)"),
        ("_holdings_slope", holdings_slope(), (z, s_time), "H_z / z of the holdings' shape H(z, s)"),
    ]


def helper_source(target: str) -> str:
    """The slope helpers' source for the generated module of ``target`` (numpy or xp): each
    long expression once, called by every sensitivity that needs it."""
    from acsym.derivation.array_api import ArrayApiPrinter
    from acsym.derivation.codegen import FormulaPrinter

    out = []
    for name, expr, arguments, summary in _helpers():
        names = [a.name for a in arguments]
        if target == "numpy":
            signature = ", ".join(f"{a}: NDArray[numpy.float64]" for a in names)
            body = FormulaPrinter().doprint(expr)
        else:
            signature = "xp: Any, " + ", ".join(f"{a}: Any" for a in names)
            body = ArrayApiPrinter().doprint(expr)
        out.append(
            f"\n\ndef {name}({signature}) -> Any:\n"
            f'    """{summary} (acsym.derivation.sensitivity): series, then the direct form."""\n'
            f"    return {body}\n"
        )
    return "".join(out)


def _switch(below: sp.Expr, above: sp.Expr, at: sp.Rational) -> sp.Piecewise:
    """``below`` for z < at, ``above`` otherwise; each evaluated on its own side only (z is
    clipped), so neither branch sees a point where it is 0/0 or inaccurate."""
    return sp.Piecewise(
        (below.subs(z, sp.Min(z, at)), z < at),
        (above.subs(z, sp.Max(z, at)), True),
    )


def _y() -> sp.Expr:
    return lam * sigma**2 / eta_tilde


def _eta_tilde() -> sp.Expr:
    return eta - gamma * tau / 2


def _chain_weight() -> sp.Expr:
    """T^2 asinhc(u) / (2 sqrt(1 + u^2)): dz/dy = weight / z (finite at y = 0)."""
    return T**2 * asinhc(u) / (2 * sp.sqrt(1 + u**2))


def _printed_root(expr: sp.Expr) -> sp.Expr:
    """sqrt(1 + u^2) printed as hypot(1, u): u^2 overflows once kappa_tilde tau passes 1e154."""
    return expr.subs(sp.sqrt(1 + u**2), hypot(1, u))


def _rate(parameter: str) -> sp.Expr:
    """weight * dy/dp written so that no product of its factors overflows where the result is
    finite (lambda up to 1e308): y = kappa_tilde^2 is applied as kappa_tilde times ``bounded``
    = kappa_tilde / sqrt(1 + u^2) (at most 2 / tau), and lambda sigma / eta_tilde as
    kappa_tilde sqrt(lambda / eta_tilde). :func:`_rate_residual` proves it equals weight * dy/dp."""
    weight_y = T**2 * asinhc(u) * bounded * kappa_tilde / 2  # weight * y
    return {
        "eta": -weight_y / eta_tilde,
        "gamma": weight_y * tau / (2 * eta_tilde),
        "sigma": T**2 * asinhc(u) * bounded * sp.sqrt(lam) / sp.sqrt(eta_tilde),
        "epsilon": sp.S.Zero,
        "risk_aversion": weight * sigma**2 / eta_tilde,
        "tau": weight_y * (4 * eta_tilde + gamma * tau) / (2 * eta_tilde * tau),
    }[parameter]


def _rate_residual(parameter: str) -> sp.Expr:
    """The printed rate minus weight * dy/dp, in the model's symbols: 0."""
    values = {bounded: kappa_tilde / sp.sqrt(1 + u**2), weight: _chain_weight()}
    difference = _rate(parameter).subs(values) - (weight * _dy(parameter)).subs(values)
    difference = difference.subs(u, tau * kappa_tilde / 2).subs(
        kappa_tilde, sp.sqrt(lam * sigma**2 / eta_tilde)
    )
    return sp.simplify(difference.rewrite(sp.asinh))


def _dy(parameter: str) -> sp.Expr:
    """dy/dp with N fixed (for tau, the direct dependence of z on tau is included: 2 y / tau)."""
    p = _SYMBOL[parameter]
    y = _y().subs(eta_tilde, _eta_tilde())
    total = sp.diff(y, p)
    if parameter == "tau":
        total += 2 * y / tau
    return sp.simplify(total.subs(eta, eta_tilde + gamma * tau / 2))


def _at_fixed_steps(expr: sp.Expr, parameter: str) -> sp.Expr:
    """d expr / d parameter with N = T / tau held fixed (T = N tau), in terms of eta_tilde."""
    fixed = sp.Symbol("N_fixed", positive=True)
    derivative = sp.diff(expr.subs(T, fixed * tau), _SYMBOL[parameter]).subs(fixed, T / tau)
    return sp.simplify(derivative.subs(eta, eta_tilde + gamma * tau / 2))


def stable_derivative(quantity: str, parameter: str) -> sp.Expr:
    """d quantity / d parameter in printed form, from the steps of :func:`steps`.

    ``shape`` is F (cost) or G (variance), ``slope`` F_z / z or G_z / z, ``rate`` the chain
    factor ``weight`` times dy/dp; T = N tau moves with tau (N fixed).
    """
    if quantity == "expected_cost":
        prefactor = gamma * X**2 / 2 + epsilon * X, _eta_tilde() * X**2 / T
        scale = eta_tilde * X**2 / T
    else:
        prefactor = sp.S.Zero, sigma**2 * X**2 * T
        scale = sigma**2 * X**2 * T
    outer, factor = prefactor
    direct = _at_fixed_steps(outer, parameter) + _at_fixed_steps(factor, parameter) * shape
    return direct + scale * slope * rate


@cache
def steps(quantity: str) -> tuple[tuple[sp.Symbol, sp.Expr], ...]:
    """eta_tilde, kappa_tilde, u, z, r, the shape, its slope and the chain weight, in order."""
    runtime_cost = stable.expected_cost_stable()
    if quantity == "expected_cost":
        value = runtime_cost.subs({X: 1, gamma: 0, epsilon: 0}).subs(eta_tilde, 1) * T
        slope_value = slope_call("_cost_slope", z, r)
    else:
        value = stable.variance_split() * stable.variance_half_decay() / (sigma**2 * X**2 * T)
        slope_value = slope_call("_variance_slope", z, r)
    return (
        (eta_tilde, stable.eta_tilde_stable()),
        (kappa_tilde, stable.kappa_tilde_value()),
        (u, kappa_tilde * tau / 2),
        (kappa, 2 / tau * sp.asinh(u)),
        (z, kappa * T),
        (r, tau / T),
        (shape, value),
        (slope, slope_value),
        (weight, _printed_root(_chain_weight())),
    )


def textbook(quantity: str) -> sp.Expr:
    """E or Var in the model parameters (the textbook closed form, kappa from arccosh)."""
    expr = discrete.expected_cost_optimal() if quantity == "expected_cost" else discrete.variance_optimal()
    expr = expr.subs(kappa, discrete.kappa_textbook().subs(kappa_tilde, stable.kappa_tilde_value()))
    return expr.subs(eta_tilde, _eta_tilde())


def reference(quantity: str, parameter: str) -> sp.Expr:
    """SymPy's plain derivative of :func:`textbook` (N fixed for tau): what verify evaluates."""
    fixed = sp.Symbol("N_fixed", positive=True)
    expr = textbook(quantity).subs(T, fixed * tau)
    return sp.diff(expr, _SYMBOL[parameter]).subs(fixed, T / tau)


def name_of(quantity: str, parameter: str) -> str:
    return f"{quantity}_d_{parameter}"


# --- holdings: x = X H(z, s), s = t / T, H = sinh(z (1 - s)) / sinh(z) ---------------------

s_time = sp.Symbol("time_fraction", nonnegative=True)  # t / T
HOLDINGS_PARAMETERS = ("eta", "gamma", "sigma", "risk_aversion", "tau")
HOLDINGS_ARGUMENT_NAMES = ("order_size", "time", "horizon", "tau", "sigma", "eta", "gamma", "risk_aversion")
HOLDINGS_SERIES_BELOW = sp.Rational(1, 2)
HOLDINGS_SERIES_ORDER = 28


def holdings_shape_textbook() -> sp.Expr:
    """H(z, s) = x / X = sinh(z (1 - s)) / sinh(z)."""
    return sp.sinh(z * (1 - s_time)) / sp.sinh(z)


def holdings_shape_direct() -> sp.Expr:
    """H without overflow: exp(-z s) expm1(-2 z (1 - s)) / expm1(-2 z)."""
    return sp.exp(-z * s_time) * expm1(-2 * z * (1 - s_time)) / expm1(-2 * z)


@cache
def holdings_shape_series(order: int) -> list[sp.Expr]:
    """Taylor coefficients in z of H = (1 - s) sinhc(z (1 - s)) / sinhc(z), from the series of
    sinh(w) / w and w / sinh(w)."""
    sinhc = _taylor(sp.sinh(_w) / _w, order)
    numerator = [c * (1 - s_time) ** k for k, c in enumerate(sinhc)]
    product = _product(numerator, _taylor(_w / sp.sinh(_w), order))
    return [sp.factor(sp.expand((1 - s_time) * c)) for c in product]


@cache
def holdings_slope() -> sp.Expr:
    """H_z / z: the series below HOLDINGS_SERIES_BELOW, the direct form's derivative above."""
    below = _slope_series(holdings_shape_series(HOLDINGS_SERIES_ORDER))
    above = sp.diff(holdings_shape_direct(), z) / z
    return _switch(below, above, HOLDINGS_SERIES_BELOW)


def holdings_reference(parameter: str) -> sp.Expr:
    """SymPy's derivative of the textbook holdings (N and the step j = t / tau fixed for tau)."""
    fixed, step = sp.Symbol("N_fixed", positive=True), sp.Symbol("j_fixed", nonnegative=True)
    kappa_value = discrete.kappa_textbook().subs(kappa_tilde, stable.kappa_tilde_value())
    expr = (X * stable.holdings_fraction_textbook()).subs(kappa, kappa_value).subs(eta_tilde, _eta_tilde())
    expr = expr.subs({T: fixed * tau, t: step * tau})
    return sp.diff(expr, _SYMBOL[parameter]).subs({fixed: T / tau, step: t / tau})


def holdings_formulas() -> list[Formula]:
    """d holdings / d p for p in eta, gamma, sigma, risk_aversion, tau (epsilon does not move it)."""
    base = steps("expected_cost")[:6]  # eta_tilde .. r: the same chain as the costs
    out = []
    for parameter in HOLDINGS_PARAMETERS:
        out.append(
            Formula(
                name=f"holdings_d_{parameter}",
                arguments=HOLDINGS_ARGUMENT_NAMES,
                steps=(
                    *base,
                    (s_time, t / T),
                    (slope, slope_call("_holdings_slope", z, s_time)),
                    (weight, _printed_root(_chain_weight())),
                    (bounded, _printed_root(kappa_tilde / sp.sqrt(1 + u**2))),
                    (rate, _rate(parameter)),
                ),
                expr=X * slope * rate,
                reference=holdings_reference(parameter),
                summary=f"Sensitivity of the optimal holdings at a time to {parameter}.",
                formula=f"d holdings / d {parameter}"
                + (" (N and the step time / tau fixed, horizon moves)" if parameter == "tau" else ""),
                returns=f"shares / ({ARGUMENTS[parameter].unit})",
                notes="x = X H(kappa T, t / T); derived by SymPy through eta_tilde and kappa "
                "(acsym.derivation.sensitivity); finite at risk_aversion = 0. Requires eta_tilde > 0.",
            )
        )
    return out


def formulas() -> tuple[Formula, ...]:
    """One generated function per (quantity, parameter), except d Var / d epsilon = 0."""
    out = holdings_formulas()
    for quantity in ("expected_cost", "variance"):
        unit = "currency" if quantity == "expected_cost" else "currency**2"
        for parameter in PARAMETERS:
            if quantity == "variance" and parameter == "epsilon":
                continue
            what = "expected cost" if quantity == "expected_cost" else "variance"
            out.append(
                Formula(
                    name=name_of(quantity, parameter),
                    arguments=ARGUMENT_NAMES,
                    steps=(
                        *steps(quantity),
                        (bounded, _printed_root(kappa_tilde / sp.sqrt(1 + u**2))),
                        (rate, _rate(parameter)),
                    ),
                    expr=stable_derivative(quantity, parameter),
                    reference=reference(quantity, parameter),
                    summary=f"Sensitivity of the optimal schedule's {what} to {parameter}.",
                    formula=f"d {quantity} / d {parameter}"
                    + (" (N = horizon / tau fixed, horizon moves)" if parameter == "tau" else ""),
                    returns=f"{unit} / ({ARGUMENTS[parameter].unit})",
                    notes="Derived by SymPy through eta_tilde and kappa (acsym.derivation.sensitivity); "
                    "finite at risk_aversion = 0. Requires eta_tilde > 0.",
                )
            )
    return tuple(out)


def _chain_rule_residual(quantity: str, parameter: str) -> sp.Expr:
    """diff of E (or Var) with F (or G) left generic, minus :func:`stable_derivative`: 0."""
    fixed = sp.Symbol("N_fixed", positive=True)
    generic = sp.Function("F" if quantity == "expected_cost" else "G")
    true_eta_tilde = _eta_tilde()
    y = lam * sigma**2 / true_eta_tilde
    z_of_p = 2 * fixed * sp.asinh(tau * sp.sqrt(y) / 2)
    horizon = fixed * tau
    zs = sp.Dummy("z", positive=True)
    shape_function = generic(zs, 1 / fixed)
    if quantity == "expected_cost":
        expr = gamma * X**2 / 2 + epsilon * X + true_eta_tilde * X**2 / horizon * shape_function
    else:
        expr = sigma**2 * X**2 * horizon * shape_function
    p = _SYMBOL[parameter]
    partial_z = sp.diff(expr, zs).subs(sp.Derivative(shape_function, zs), zs * slope)
    plain = sp.diff(expr, p) + partial_z * sp.diff(z_of_p, p)
    plain = plain.subs(shape_function, shape).subs(zs, z_of_p)
    printed = stable_derivative(quantity, parameter).subs(rate, weight * _dy(parameter))
    printed = printed.subs(weight, _chain_weight()).subs(u, tau * kappa_tilde / 2)
    printed = printed.subs(kappa_tilde, sp.sqrt(lam * sigma**2 / eta_tilde)).subs(T, horizon)
    printed = printed.rewrite(sp.asinh)
    # in terms of eta_tilde > 0 (the well-posed domain), where sqrt(w) sqrt(1/w) = 1
    return sp.simplify(plain.subs(eta, eta_tilde + gamma * tau / 2) - printed)


def _series_residual(quantity: str, order: int = 10) -> sp.Expr:
    """The assembled Taylor coefficients minus SymPy's series of the textbook shape."""
    if quantity == "expected_cost":
        textbook, assembled = cost_shape_textbook(), cost_shape_series(order)
    else:
        textbook, assembled = variance_shape_textbook(), variance_shape_series(order)
    series = sp.series(textbook, z, 0, order).removeO()
    return sp.simplify(sum(assembled[k] * z**k for k in range(order)) - series)


def _direct_residual(quantity: str) -> sp.Expr:
    """The overflow-free shape minus the textbook shape, at a few exact points (z, r)."""
    direct = cost_shape_direct() if quantity == "expected_cost" else variance_shape_direct()
    textbook = cost_shape_textbook() if quantity == "expected_cost" else variance_shape_textbook()
    difference = (direct.rewrite(sp.exp) - textbook.rewrite(sp.exp)).subs(expm1(-2 * z), sp.exp(-2 * z) - 1)
    difference = difference.rewrite(sp.exp).replace(
        lambda e: isinstance(e, expm1), lambda e: sp.exp(e.args[0]) - 1
    )
    values = [
        difference.subs({z: zv, r: rv}).evalf(60)
        for zv, rv in ((1, sp.Rational(1, 3)), (3, 1), (7, sp.Rational(1, 10)))
    ]
    return sp.Integer(0) if all(abs(v) < sp.Float("1e-50") for v in values) else sp.Add(*values)


def _holdings_residual(which: str) -> sp.Expr:
    """The holdings' series (to order 10) and overflow-free form against the textbook H."""
    if which == "series":
        series = sp.series(holdings_shape_textbook(), z, 0, 10).removeO()
        assembled = holdings_shape_series(10)
        return sp.simplify(sum(assembled[k] * z**k for k in range(10)) - series)
    difference = holdings_shape_direct().rewrite(sp.exp) - holdings_shape_textbook().rewrite(sp.exp)
    difference = difference.replace(lambda e: isinstance(e, expm1), lambda e: sp.exp(e.args[0]) - 1)
    points = ((1, sp.Rational(1, 3)), (3, 0), (7, sp.Rational(9, 10)))
    values = [difference.subs({z: zv, s_time: sv}).evalf(60) for zv, sv in points]
    return sp.Integer(0) if all(abs(v) < sp.Float("1e-50") for v in values) else sp.Add(*values)


def _holdings_chain_residual(parameter: str) -> sp.Expr:
    """d x / d p with H generic, minus the printed X * slope * rate: 0."""
    fixed = sp.Symbol("N_fixed", positive=True)
    y = lam * sigma**2 / _eta_tilde()
    z_of_p = 2 * fixed * sp.asinh(tau * sp.sqrt(y) / 2)
    zs = sp.Dummy("z", positive=True)
    shape_function = sp.Function("H")(zs, s_time)
    expr = X * shape_function
    partial_z = sp.diff(expr, zs).subs(sp.Derivative(shape_function, zs), zs * slope)
    plain = (sp.diff(expr, _SYMBOL[parameter]) + partial_z * sp.diff(z_of_p, _SYMBOL[parameter])).subs(
        zs, z_of_p
    )
    printed = (
        (X * slope * weight * _dy(parameter)).subs(weight, _chain_weight()).subs(u, tau * kappa_tilde / 2)
    )
    printed = printed.subs(kappa_tilde, sp.sqrt(lam * sigma**2 / eta_tilde)).subs(T, fixed * tau)
    return sp.simplify(plain.subs(eta, eta_tilde + gamma * tau / 2) - printed.rewrite(sp.asinh))


def proofs() -> list[tuple[str, str, Callable[[], sp.Basic]]]:
    """(name, claim, residual) of every claim of this module, for :mod:`~acsym.derivation.proofs`."""
    out: list[tuple[str, str, Callable[[], sp.Basic]]] = [
        *(
            (
                f"sensitivity_rate_{p}",
                f"the printed chain factor for {p} is weight * dy/d{p}",
                partial(_rate_residual, p),
            )
            for p in PARAMETERS
        ),
        (
            "sensitivity_series_holdings",
            "the holdings' assembled Taylor coefficients are SymPy's",
            partial(_holdings_residual, "series"),
        ),
        (
            "sensitivity_direct_holdings",
            "the overflow-free holdings equal the textbook ones (60 digits)",
            partial(_holdings_residual, "direct"),
        ),
        *(
            (
                f"sensitivity_chain_holdings_{p}",
                f"d holdings / d {p}: the printed chain rule is SymPy's",
                partial(_holdings_chain_residual, p),
            )
            for p in HOLDINGS_PARAMETERS
        ),
    ]
    for quantity in ("expected_cost", "variance"):
        out.append(
            (
                f"sensitivity_series_{quantity}",
                f"the {quantity} shape's Taylor coefficients, assembled from short series, are SymPy's",
                partial(_series_residual, quantity),
            )
        )
        out.append(
            (
                f"sensitivity_direct_{quantity}",
                f"the overflow-free {quantity} shape equals the textbook one (at 60 digits, three points)",
                partial(_direct_residual, quantity),
            )
        )
        for parameter in PARAMETERS:
            out.append(
                (
                    f"sensitivity_chain_{quantity}_{parameter}",
                    f"d {quantity} / d {parameter}: the printed chain rule equals SymPy's derivative",
                    partial(_chain_rule_residual, quantity, parameter),
                )
            )
    return out
