"""Power-law temporary impact (Almgren 2003): h(v) = epsilon sgn(v) + eta |v|^alpha.

Discrete time: selling X shares in N intervals of length tau, trade k pays n_k h(n_k / tau) and
the permanent impact gamma n_i of every earlier trade, so (the telescoping of
:func:`acsym.derivation.discrete.telescoping_identity`) the expected cost of a sell schedule
(every n_k > 0) is

    E = gamma X^2 / 2 + epsilon X + sum_k f(n_k),  f(n) = eta n^(1+alpha) / tau^alpha - gamma n^2 / 2

and Var = sigma^2 tau sum x_k^2 as before. E + lambda Var is a sum of terms each coupling two
neighbouring holdings, so its gradient in the free holdings x_1..x_{N-1} has entries in
(n_j, n_{j+1}, x_j) and its Hessian is tridiagonal; both are derived here and printed, and the
runtime minimises by Newton's method. At alpha = 1, f(n) = (eta_tilde / tau) n^2: the base model.

Continuous time: the Lagrangian eta v^(alpha+1) + lambda sigma^2 x^2 (v = -x') has no explicit
t, so its Beltrami first integral alpha eta v^(alpha+1) - lambda sigma^2 x^2 = C is constant,
and the time to sell X shares at that rate, T(C) = int_0^X dx / v(x), is a Gauss
hypergeometric function (SymPy computes the integral).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import sympy as sp

from acsym.derivation.special import exprel
from acsym.derivation.symbols import (
    N,
    X,
    alpha,
    curvature_j,
    epsilon,
    eta,
    first_integral,
    gamma,
    holding,
    k,
    lam,
    marginal,
    n,
    next_curvature,
    next_marginal,
    next_trade,
    sigma,
    t,
    tau,
    trade,
    trade_eta,
    x,
)

#: the trading rate v = -x'(t) > 0 and a holding x > 0 of the continuous schedule
rate = sp.Symbol("v", positive=True)
level = sp.Symbol("x", positive=True)
#: the exponent 1 / (alpha + 1) of the rate as a function of the holding
p = 1 / (alpha + 1)


class hyp2f1(sp.Function):
    r"""Gauss's hypergeometric function :math:`{}_2F_1(a, b; c; z)`, printed as a call to
    ``scipy.special.hyp2f1`` (imported when first called, so the generated module stays numpy
    only at import). ``rewrite(sp.hyper)`` gives SymPy's ``hyper``, which mpmath evaluates."""

    nargs = 4

    def _eval_rewrite_as_hyper(self, a: Any, b: Any, c: Any, z: Any, **kwargs: object) -> sp.Expr:
        return sp.hyper((a, b), (c,), z)

    def _numpycode(self, printer: Any) -> str:
        return "_hyp2f1({})".format(", ".join(printer._print(arg) for arg in self.args))

    def _latex(self, printer: Any) -> str:
        a, b, c, z = (printer._print(arg) for arg in self.args)
        return rf"{{}}_2F_1\left({a}, {b}; {c}; {z}\right)"


#: below this ratio w the horizon is evaluated in Pfaff's form (scipy's 2F1 at w / (1 + w) <= 4/5,
#: where its argument's rounding is amplified at most 5 times), at and above it by the connection
#: formula at infinity, whose series in -1/w then converges like 4**-k
CONNECTION_FROM = 4
#: terms of the tail series in -1/w: the first one left out is below 4**-31 at w = 4
TAIL_TERMS = 30
#: Taylor terms of gamma_excess about d = 0 (radius 1: the pole of Gamma(1 + d) at d = -1); for
#: every alpha > 0, |d| < 1/2 and the first one left out is below 2**-62
GAMMA_EXCESS_TERMS = 60


class hyper_tail(sp.Function):
    r"""The tail :math:`\sum_{k \ge 1} (a)_k z^k / (k! (k + d))` of a hypergeometric series, i.e.
    :math:`({}_2F_1(a, d; d + 1; z) - 1) / d` but finite at d = 0. Printed as its series to
    ``TAIL_TERMS`` terms (for abs(z) <= 1/4); ``rewrite(sp.hyper)`` gives the 2F1 form (d != 0)."""

    nargs = 3

    def _eval_rewrite_as_hyper(self, a: Any, d: Any, z: Any, **kwargs: object) -> sp.Expr:
        return (sp.hyper((a, d), (d + 1,), z) - 1) / d

    def _numpycode(self, printer: Any) -> str:
        return "_hyper_tail({})".format(", ".join(printer._print(arg) for arg in self.args))

    def _latex(self, printer: Any) -> str:
        a, d, z = (printer._print(arg) for arg in self.args)
        return rf"\sum_{{k \ge 1}} \frac{{({a})_k}}{{k! \left(k + {d}\right)}} \left({z}\right)^k"


class gamma_excess(sp.Function):
    r""":math:`(\sqrt{\pi}\,\Gamma(1 + d) / \Gamma(1/2 + d) - 1) / (2 d)`, ln 2 at d = 0: the finite part
    of the connection formula's Gamma factor 1/(1 - 2p) + sqrt(pi) Gamma(p - 1/2) / (2 Gamma(p))
    (d = p - 1/2), whose two terms have poles at p = 1/2 that cancel. Printed as its Taylor
    polynomial (``GAMMA_EXCESS_TERMS`` terms, for abs(d) < 1/2)."""

    nargs = 1

    @classmethod
    def eval(cls, d: sp.Expr) -> sp.Expr | None:
        if d.is_zero:
            return sp.log(2)
        return None

    def _eval_rewrite_as_gamma(self, d: Any, **kwargs: object) -> sp.Expr:
        return (sp.sqrt(sp.pi) * sp.gamma(1 + d) / sp.gamma(sp.S.Half + d) - 1) / (2 * d)

    def _numpycode(self, printer: Any) -> str:
        return f"_gamma_excess({printer._print(self.args[0])})"

    def _latex(self, printer: Any) -> str:
        d = printer._print(self.args[0])
        return (
            rf"\frac{{\sqrt{{\pi}}\,\Gamma\left(1 + {d}\right) / "
            rf"\Gamma\left(\tfrac{{1}}{{2}} + {d}\right) - 1}}{{2 \left({d}\right)}}"
        )


@cache
def log_gamma_ratio_coefficients(terms: int) -> tuple[sp.Expr, ...]:
    r"""kappa_1..kappa_terms of :math:`\ln(\sqrt{\pi}\,\Gamma(1 + d) / \Gamma(1/2 + d)) = \sum_n
    \kappa_n d^n`: kappa_n = (psi^(n-1)(1) - psi^(n-1)(1/2)) / n!, i.e. 2 ln 2 and, for n >= 2,
    (-1)^n zeta(n) (2 - 2^n) / n (the polygamma values at 1 and 1/2; the proof
    ``powerlaw_gamma_excess`` checks them against SymPy's series)."""
    later = ((-1) ** m * sp.zeta(m) * (2 - sp.Integer(2) ** m) / m for m in range(2, terms + 1))
    return (2 * sp.log(2), *later)


@cache
def gamma_excess_coefficients() -> tuple[float, ...]:
    """Taylor coefficients of :class:`gamma_excess` about 0, e_0..e_{GAMMA_EXCESS_TERMS-1}:
    exp of the series of :func:`log_gamma_ratio_coefficients` (b' = g' b, b_0 = 1, so
    n b_n = sum_k k kappa_k b_(n-k)) at 40 digits, then e_n = b_(n+1) / 2."""
    import mpmath

    with mpmath.workdps(40):
        kappa = [mpmath.mpf(0)] + [
            mpmath.mpf(sp.N(c, 45)) for c in log_gamma_ratio_coefficients(GAMMA_EXCESS_TERMS + 1)
        ]
        b = [mpmath.mpf(1)]
        for m in range(1, GAMMA_EXCESS_TERMS + 2):
            b.append(sum((k * kappa[k] * b[m - k] for k in range(1, m + 1)), mpmath.mpf(0)) / m)
        return tuple(float(b[m + 1] / 2) for m in range(GAMMA_EXCESS_TERMS))


def _numpy_helpers() -> str:
    coefficients = ", ".join(repr(c) for c in reversed(gamma_excess_coefficients()))
    return f'''

def _hyp2f1(a: ArrayLike, b: ArrayLike, c: ArrayLike, z: ArrayLike) -> NDArray[numpy.float64]:
    """Gauss's 2F1(a, b; c; z) from scipy.special (the optional extra acsym[calibration])."""
    from scipy.special import hyp2f1

    return numpy.asarray(hyp2f1(a, b, c, z), dtype=numpy.float64)


def _hyper_tail(a: ArrayLike, d: ArrayLike, z: ArrayLike) -> NDArray[numpy.float64]:
    """sum_(k=1..{TAIL_TERMS}) (a)_k z**k / (k! (k + d)), for abs(z) <= 1/4 (term ratio (a + k - 1) z / k)."""
    # [()]: a float64 scalar for 0-d input, whose arithmetic is several times cheaper in the loop
    a = numpy.asarray(a, dtype=numpy.float64)[()]
    d = numpy.asarray(d, dtype=numpy.float64)[()]
    z = numpy.asarray(z, dtype=numpy.float64)[()]
    term = a * z
    total = term / (1.0 + d)
    for k in range(2, {TAIL_TERMS + 1}):
        term = term * ((a + (k - 1)) * z / k)
        total = total + term / (k + d)
    return numpy.asarray(total, dtype=numpy.float64)


_GAMMA_EXCESS_SERIES = ({coefficients})


def _gamma_excess(d: ArrayLike) -> NDArray[numpy.float64]:
    """(sqrt(pi) Gamma(1 + d) / Gamma(1/2 + d) - 1) / (2 d) for abs(d) < 1/2, by its Taylor series."""
    d = numpy.asarray(d, dtype=numpy.float64)[()]
    total = d * _GAMMA_EXCESS_SERIES[0] + _GAMMA_EXCESS_SERIES[1]
    for coefficient in _GAMMA_EXCESS_SERIES[2:]:  # Horner
        total = total * d + coefficient
    return numpy.asarray(total, dtype=numpy.float64)
'''


NUMPY_HELPERS = _numpy_helpers()


# --- discrete time ---------------------------------------------------------------------------


@cache
def trade_cost() -> sp.Expr:
    """f(n) = n h(n / tau) - gamma n^2 / 2 - epsilon n for a sale n > 0: temporary impact plus
    the trade's share -gamma n^2 / 2 of the telescoped permanent impact."""
    impact = epsilon + eta * (trade / tau) ** alpha
    return sp.expand(trade * impact - gamma * trade**2 / 2 - epsilon * trade)


@cache
def expected_cost_of_schedule() -> sp.Expr:
    """E = gamma X^2 / 2 + epsilon sum |n_k| + (eta / tau^alpha) sum |n_k|^(alpha+1)
    - (gamma / 2) sum n_k^2, X = sum n_k: any schedule, the impact h odd (a purchase pays the
    same as a sale); on sell schedules each term is :func:`trade_cost` plus epsilon n_k."""
    total = sp.Sum(n[k], (k, 1, N))
    size = sp.Abs(n[k])
    return (
        gamma * total**2 / 2
        + epsilon * sp.Sum(size, (k, 1, N))
        + eta / tau**alpha * sp.Sum(size ** (alpha + 1), (k, 1, N))
        - gamma / 2 * sp.Sum(n[k] ** 2, (k, 1, N))
    )


@cache
def objective_window() -> sp.Expr:
    """The terms of E + lambda Var that contain the interior holding x_j."""
    before = trade_cost().subs(trade, x[k - 1] - x[k])
    after = trade_cost().subs(trade, x[k] - x[k + 1])
    return before + after + lam * sigma**2 * tau * x[k] ** 2


def _in_trades(expr: sp.Expr) -> sp.Expr:
    """Write an expression of x_{j-1}, x_j, x_{j+1} in the trades n_j, n_{j+1} and x_j."""
    replaced = expr.subs({x[k - 1] - x[k]: trade, x[k] - x[k + 1]: next_trade})
    replaced = replaced.subs({x[k - 1]: trade + x[k], x[k + 1]: x[k] - next_trade})
    return sp.simplify(replaced.subs(x[k], holding))


@cache
def marginal_cost() -> sp.Expr:
    """f'(n) = (alpha + 1) eta (n / tau)^alpha - gamma n."""
    written = (alpha + 1) * eta * (trade / tau) ** alpha - gamma * trade
    return _structured(sp.diff(trade_cost(), trade), written)


@cache
def curvature() -> sp.Expr:
    """f''(n) = alpha (alpha + 1) eta n^(alpha - 1) / tau^alpha - gamma: the cost's curvature in a trade."""
    written = alpha * (alpha + 1) * eta * trade ** (alpha - 1) / tau**alpha - gamma
    return _structured(sp.diff(trade_cost(), trade, 2), written)


def _structured(derived: sp.Expr, structured: sp.Expr) -> sp.Expr:
    """``structured`` (a sum of f', f'' terms, free of 0/0 where trades underflow), checked equal
    to the ``derived`` derivative (the proofs check it again)."""
    if (
        sp.simplify(sp.expand(sp.powsimp(sp.expand_power_base(derived - structured)))) != 0
    ):  # pragma: no cover
        raise AssertionError(f"{structured} is not {derived}")
    return structured


@cache
def gradient_derived() -> sp.Expr:
    """d(E + lambda Var)/dx_j from the window, written in n_j, n_{j+1} and x_j."""
    return _in_trades(sp.diff(objective_window(), x[k]))


@cache
def gradient() -> sp.Expr:
    """d(E + lambda Var)/dx_j = f'(n_{j+1}) - f'(n_j) + 2 lambda sigma^2 tau x_j."""
    structured = (
        marginal_cost().subs(trade, next_trade) - marginal_cost() + 2 * lam * sigma**2 * tau * holding
    )
    return _structured(gradient_derived(), structured)


@cache
def hessian_diagonal_derived() -> sp.Expr:
    return _in_trades(sp.diff(objective_window(), x[k], 2))


@cache
def hessian_diagonal() -> sp.Expr:
    """d^2(E + lambda Var)/dx_j^2 = f''(n_j) + f''(n_{j+1}) + 2 lambda sigma^2 tau."""
    structured = curvature() + curvature().subs(trade, next_trade) + 2 * lam * sigma**2 * tau
    return _structured(hessian_diagonal_derived(), structured)


@cache
def hessian_offdiagonal_derived() -> sp.Expr:
    return _in_trades(sp.diff(objective_window(), x[k], x[k + 1]))


@cache
def hessian_offdiagonal() -> sp.Expr:
    """d^2(E + lambda Var)/dx_j dx_{j+1} = -f''(n_{j+1}); every other pair is 0 (tridiagonal)."""
    return _structured(hessian_offdiagonal_derived(), -curvature().subs(trade, next_trade))


@cache
def hessian(steps: int) -> sp.Matrix:
    """The full Hessian of E + lambda Var in x_1..x_{steps-1}, for the proofs."""
    holdings = [X] + [x[i] for i in range(1, steps)] + [sp.S.Zero]
    cost = sp.Add(*[trade_cost().subs(trade, holdings[i - 1] - holdings[i]) for i in range(1, steps + 1)])
    variance = sigma**2 * tau * sp.Add(*[h**2 for h in holdings[1:]])
    return sp.hessian(cost + lam * variance, holdings[1:-1])


@cache
def well_posedness() -> sp.Rel:
    """f''(n) > 0 for every trade 0 < n <= X makes E + lambda Var strictly convex on sell
    schedules. f'' is monotone in n, so the binding trade is n = X when alpha < 1 (selling
    everything at once) and n -> 0 when alpha > 1 (where f'' -> -gamma: so gamma = 0 there);
    at alpha = 1 it is 2 eta_tilde / tau > 0."""
    return sp.Gt(curvature().subs(trade, X), 0)


# --- the same with one power per trade (the Newton solver's form) ----------------------------


@cache
def trade_eta_definition() -> sp.Expr:
    """eta_j = eta (n_j / tau)^(alpha - 1): the impact per unit rate (h(v) - epsilon) / v at the
    trade's rate v = n_j / tau, the linear model's eta at that rate. f, f' and f'' of a trade are
    polynomials in n_j and eta_j, so one power per trade gives the objective, the gradient and
    the Hessian."""
    return eta * (trade / tau) ** (alpha - 1)


def _in_trade_eta(expr: sp.Expr, size: sp.Symbol, size_eta: sp.Symbol) -> sp.Expr:
    """``expr`` of one trade ``size`` with eta = size_eta (size / tau)^(1 - alpha): every power
    with alpha in its exponent cancels (checked)."""
    replaced = sp.expand(expr.subs(eta, size_eta * (size / tau) ** (1 - alpha)))
    result = sp.expand(sp.powsimp(sp.expand_power_base(replaced, force=True), force=True))
    if any(power.exp.has(alpha) for power in result.atoms(sp.Pow)):  # pragma: no cover
        raise AssertionError(f"{result} still has a power in alpha")
    return result


def _from_eta(derived: sp.Expr, structured: sp.Expr) -> sp.Expr:
    """``structured`` (factored for fewer operations), checked equal to ``derived``."""
    if sp.simplify(sp.expand(derived - structured)) != 0:  # pragma: no cover
        raise AssertionError(f"{structured} is not {derived}")
    return structured


#: intermediate values of the printed forms (one per order or per batch, not per element)
rate_scale = sp.Symbol("rate_scale")
curvature_scale = sp.Symbol("curvature_scale")
risk_weight = sp.Symbol("risk_weight")
variance_weight = sp.Symbol("variance_weight")


@cache
def marginal_cost_from_eta() -> sp.Expr:
    """f'(n) = ((alpha + 1) eta_j / tau - gamma) n: :func:`marginal_cost` in the trade's eta_j."""
    structured = ((alpha + 1) / tau * trade_eta - gamma) * trade
    return _from_eta(_in_trade_eta(marginal_cost(), trade, trade_eta), structured)


@cache
def curvature_from_eta() -> sp.Expr:
    """f''(n) = alpha (alpha + 1) eta_j / tau - gamma: :func:`curvature` in the trade's eta_j."""
    structured = alpha * (alpha + 1) / tau * trade_eta - gamma
    return _from_eta(_in_trade_eta(curvature(), trade, trade_eta), structured)


def _named(
    structured: sp.Expr, full: sp.Expr, value: sp.Expr, symbol: sp.Symbol, next_symbol: sp.Symbol
) -> sp.Expr:
    """``structured``, written with ``symbol`` for ``value`` (f'(n_j) or f''(n_j)) and
    ``next_symbol`` for the same at n_{j+1}, checked to be ``full`` once they are put back."""
    _from_eta(full, structured.subs({symbol: value, next_symbol: value.subs(trade, next_trade)}))
    return structured


@cache
def gradient_from_marginals() -> sp.Expr:
    """d(E + lambda Var)/dx_j = f'(n_{j+1}) - f'(n_j) + 2 lambda sigma^2 tau x_j: :func:`gradient`
    with each trade's marginal cost a value of its own, evaluated once per trade."""
    structured = next_marginal - marginal + 2 * lam * sigma**2 * tau * holding
    return _named(structured, gradient(), marginal_cost(), marginal, next_marginal)


@cache
def hessian_diagonal_from_curvatures() -> sp.Expr:
    """f''(n_j) + f''(n_{j+1}) + 2 lambda sigma^2 tau, each f'' a value of its own."""
    structured = curvature_j + next_curvature + 2 * lam * sigma**2 * tau
    return _named(structured, hessian_diagonal(), curvature(), curvature_j, next_curvature)


@cache
def hessian_offdiagonal_from_curvature() -> sp.Expr:
    """-f''(n_{j+1}), the next trade's curvature a value of its own."""
    return _named(-next_curvature, hessian_offdiagonal(), curvature(), curvature_j, next_curvature)


@cache
def period_objective() -> sp.Expr:
    """f(n_k) + lambda sigma^2 tau x_k^2 = (eta_k / tau - gamma / 2) n_k^2 + lambda sigma^2 tau x_k^2,
    x_k = the holding after trade n_k: E + lambda Var of a sell schedule is
    gamma X^2 / 2 + epsilon X plus the sum of these over k = 1..N (x_N = 0)."""
    derived = _in_trade_eta(trade_cost(), trade, trade_eta) + lam * sigma**2 * tau * holding**2
    structured = (trade_eta / tau - gamma / 2) * trade**2 + lam * sigma**2 * tau * holding**2
    return _from_eta(derived, structured)


# --- continuous time -------------------------------------------------------------------------


@cache
def lagrangian() -> sp.Expr:
    """L = eta v^(alpha+1) + lambda sigma^2 x^2: temporary impact cost rate plus risk rate."""
    return eta * rate ** (alpha + 1) + lam * sigma**2 * level**2


@cache
def first_integral_equation() -> sp.Eq:
    """Beltrami: x' dL/dx' - L is constant for an L without explicit t (x' = -v), i.e.
    alpha eta v^(alpha+1) - lambda sigma^2 x^2 = C."""
    velocity = sp.Symbol("xdot", negative=True)
    lagrangian_in_velocity = lagrangian().subs(rate, -velocity)
    beltrami = velocity * sp.diff(lagrangian_in_velocity, velocity) - lagrangian_in_velocity
    return sp.Eq(sp.simplify(beltrami.subs(velocity, -rate)), first_integral)


@cache
def rate_of_holding() -> sp.Expr:
    """v(x) = ((C + lambda sigma^2 x^2) / (alpha eta))^(1 / (alpha + 1)), from the first integral."""
    (solution,) = sp.solve(first_integral_equation(), rate)
    return solution


@cache
def horizon_integral() -> sp.Expr:
    """T(C) = int_0^X dx / v(x) = X (alpha eta / C)^p 2F1(1/2, p; 3/2; -lambda sigma^2 X^2 / C),
    as SymPy integrates it: 1 / v = (alpha eta / C)^p (1 + a x^2)^(-p) with a = lambda sigma^2 / C,
    and x = s / sqrt(a) turns the integral into int_0^(sqrt(a) X) (1 + s^2)^(-p) ds / sqrt(a)."""
    s = sp.Symbol("s", positive=True)
    scale = lam * sigma**2 / first_integral
    antiderivative = sp.integrate((1 + s**2) ** (-p), s)  # vanishes at s = 0
    factor = (alpha * eta / first_integral) ** p / sp.sqrt(scale)
    result = factor * antiderivative.subs(s, sp.sqrt(scale) * X)
    # SymPy writes the argument -a X^2 as a X^2 exp_polar(i pi); on the negative real axis 2F1
    # is analytic (its cut is [1, oo)), so the polar factor is just -1
    return result.subs(sp.exp_polar(sp.I * sp.pi), -1)


@cache
def horizon_textbook() -> sp.Expr:
    """T(C) = X (alpha eta / C)^p 2F1(p, 1/2; 3/2; -lambda sigma^2 X^2 / C), p = 1/(alpha+1)."""
    return X * (alpha * eta / first_integral) ** p * hyp2f1(p, sp.S.Half, sp.Rational(3, 2), -_ratio())


def _ratio() -> sp.Expr:
    """w = lambda sigma^2 X^2 / C, the risk term's share of the first integral at the start."""
    return lam * sigma**2 * X**2 / first_integral


def _pfaff(w: sp.Expr) -> sp.Expr:
    """2F1(p, 1/2; 3/2; -w) by Pfaff's transformation: (1 + w)^(-1/2) 2F1(3/2 - p, 1/2; 3/2; w / (1 + w))."""
    return hyp2f1(sp.Rational(3, 2) - p, sp.S.Half, sp.Rational(3, 2), w / (1 + w)) / sp.sqrt(1 + w)


#: d = p - 1/2 = (1 - alpha) / (2 (alpha + 1)), formed without cancellation; 0 at alpha = 1
half_excess = (1 - alpha) / (2 * (alpha + 1))


def _tail(w: sp.Expr) -> sp.Expr:
    """H = sum_(k>=1) (p)_k (-1/w)^k / (k! (k + d)), d = p - 1/2: (2F1(p, d; d + 1; -1/w) - 1) / d."""
    return hyper_tail(p, half_excess, -1 / w)


def _connection(w: sp.Expr, tail: sp.Expr | None = None) -> sp.Expr:
    """2F1(p, 1/2; 3/2; -w) by the connection formula at infinity (w > 1), its two Gamma poles at
    p = 1/2 cancelled: with d = p - 1/2 and H = :func:`_tail` (``tail``, if given, stands for it),

    w^(1/2) 2F1 = gamma_excess(d) + ((w^(-d) - 1) / (-2 d)) (1 + d H) - H / 2,

    where (w^(-d) - 1) / (-2 d) = (ln w / 2) exprel(-d ln w) (ln w / 2 at alpha = 1, the
    logarithmic case). Every term is positive but the small H / 2: no cancellation."""
    d = half_excess
    logarithm = sp.log(w)
    tail = _tail(w) if tail is None else tail
    growth = logarithm / 2 * exprel(-d * logarithm)
    return (gamma_excess(d) + growth * (1 + d * tail) - tail / 2) / sp.sqrt(w)


#: the printed steps of the horizon: w, w clipped to the connection formula's side, its tail H
horizon_ratio = sp.Symbol("ratio", positive=True)
horizon_large = sp.Symbol("large", positive=True)
horizon_tail_sum = sp.Symbol("tail", real=True)


def horizon_steps() -> tuple[tuple[sp.Symbol, sp.Expr], ...]:
    """The intermediate assignments of the printed horizon (see :func:`horizon_printed`)."""
    return (
        (horizon_ratio, _ratio()),
        (horizon_large, sp.Max(horizon_ratio, CONNECTION_FROM)),
        (horizon_tail_sum, _tail(horizon_large)),
    )


@cache
def horizon_printed() -> sp.Expr:
    """:func:`horizon_stable` in the steps of :func:`horizon_steps` (w, the clipped w, H computed
    once)."""
    w = horizon_ratio
    switch = sp.Integer(CONNECTION_FROM)
    shape = sp.Piecewise(
        (_pfaff(sp.Min(w, switch)), w < switch),
        (_connection(horizon_large, horizon_tail_sum), True),
    )
    return X * (alpha * eta / first_integral) ** p * shape


@cache
def horizon_pfaff() -> sp.Expr:
    """T(C) in Pfaff's form X (alpha eta / C)^p (1 + w)^(-1/2) 2F1(3/2 - p, 1/2; 3/2; w / (1 + w))."""
    return X * (alpha * eta / first_integral) ** p * _pfaff(_ratio())


@cache
def horizon_connection() -> sp.Expr:
    """T(C) by the connection formula at w = infinity (:func:`_connection`)."""
    return X * (alpha * eta / first_integral) ** p * _connection(_ratio())


@cache
def horizon_stable() -> sp.Expr:
    """T(C) = X (alpha eta / C)^p F(w), F(w) = 2F1(p, 1/2; 3/2; -w), evaluated

    - for w < 4 in Pfaff's form (1 + w)^(-1/2) 2F1(3/2 - p, 1/2; 3/2; w / (1 + w)) (scipy's 2F1
      at an argument in [0, 4/5), whose rounding is amplified at most 5 times);
    - for w >= 4 by the connection formula at infinity in 1/w (:func:`_connection`): the two
      Gamma terms, singular at p = 1/2 (alpha = 1, the logarithmic case), combined into
      :class:`gamma_excess`, the power w^(1/2 - p) into exprel, and the remaining 2F1 in -1/w
      summed as :class:`hyper_tail` (30 terms, converging like 4^-k).

    The direct form's argument -w runs to -inf, where scipy.special.hyp2f1 loses every digit at
    alpha = 1; Pfaff's form alone loses (1 + w) eps near u = 1 (2e-7 at w = 1e9). Each branch
    sees its own side of w = 4 only (w clipped). C = 0 (only for alpha > 1) is the limit
    T(0) = (alpha eta / (lambda sigma^2))^p X^(1 - 2p) / (1 - 2p).
    """
    result = horizon_printed()
    for symbol, value in reversed(horizon_steps()):
        result = result.subs(symbol, value)
    return result


@cache
def horizon_at_zero_first_integral() -> sp.Expr:
    """T(0) = int_0^X (alpha eta / (lambda sigma^2 x^2))^p dx, finite for alpha > 1 only (then
    2p < 1): a convex enough impact sells everything before a long horizon ends, and on longer
    horizons C = 0 and trading stops at T(0). SymPy's antiderivative, which vanishes at x = 0."""
    s = sp.Symbol("s", positive=True)
    antiderivative = sp.integrate((alpha * eta / (lam * sigma**2 * s**2)) ** p, s)
    if isinstance(antiderivative, sp.Piecewise):  # the branch alpha != 1 (alpha = 1 is a log)
        antiderivative = antiderivative.args[0][0]
    return sp.simplify(antiderivative.subs(s, X))


#: the decay exponent beta - 1 = 2 p - 1 = (1 - alpha) / (alpha + 1) of the rate at C = 0,
#: v = k x**beta, written so that it has no cancellation near alpha = 1
beta_excess = (1 - alpha) / (alpha + 1)


@cache
def holdings_at_zero_textbook() -> sp.Expr:
    """x(t) at C = 0, from the first integral: the time from X down to x is
    t = int_x^X du / v(u) (SymPy's integral, v(u) = k u**beta), solved for x:
    x = (X**(1 - beta) + (beta - 1) k t)**(1 / (1 - beta)). For alpha < 1 (beta > 1) it decays
    like t**(-1 / (beta - 1)), never reaching zero: the power law's algebraic tail, where the
    linear model's is exponential; for alpha > 1 it reaches zero at T(0)."""
    u, held = sp.Symbol("u", positive=True), sp.Symbol("y", positive=True)
    speed = rate_of_holding().subs(first_integral, 0)
    elapsed = sp.integrate(1 / speed.subs(level, u), (u, held, X))
    if isinstance(elapsed, sp.Piecewise):  # the branch alpha != 1 (alpha = 1 is a log)
        elapsed = elapsed.args[0][0]
    (solution,) = sp.solve(sp.Eq(elapsed, t), held)
    return solution


def _holdings_at_zero_rate() -> sp.Expr:
    """k X**(beta - 1), the relative selling rate at the start: v(X) / X at C = 0."""
    return (lam * sigma**2 / (alpha * eta)) ** p * X**beta_excess


@cache
def holdings_at_zero_stable() -> sp.Expr:
    """X exp(-log1p(u) / (beta - 1)), u = (beta - 1) k X**(beta - 1) t: no power of a base near 1
    raised to a large exponent (alpha near 1), log1p keeps u << 1 (the start) exact, and
    lambda = 0 gives x = X."""
    from sympy.codegen.cfunctions import log1p

    growth = beta_excess * _holdings_at_zero_rate() * t
    return X * sp.exp(-log1p(growth) / beta_excess)


def formulas() -> tuple[Any, ...]:
    """The catalog entries of the power-law model (appended to :func:`catalog.formulas`)."""
    from acsym.derivation.catalog import Formula

    return (
        Formula(
            name="powerlaw_gradient",
            arguments=(
                "trade",
                "next_trade",
                "holding",
                "tau",
                "eta",
                "gamma",
                "alpha",
                "sigma",
                "risk_aversion",
            ),
            expr=gradient(),
            reference=gradient(),
            summary="Gradient of E + risk_aversion Var in one interior holding x_j, power-law impact.",
            formula="f'(n_{j+1}) - f'(n_j) + 2 risk_aversion sigma**2 tau x_j, "
            "f(n) = eta n**(alpha + 1) / tau**alpha - gamma n**2 / 2",
            returns="currency / share",
            notes="With trade = n_j, next_trade = n_{j+1} (both > 0, a sell schedule) and holding "
            "= x_j. At alpha = 1 it is the base model's first-order condition.",
        ),
        Formula(
            name="powerlaw_hessian_diagonal",
            arguments=("trade", "next_trade", "tau", "eta", "gamma", "alpha", "sigma", "risk_aversion"),
            expr=hessian_diagonal(),
            reference=hessian_diagonal(),
            summary="Diagonal entry d2/dx_j2 of the Hessian of E + risk_aversion Var, power-law impact.",
            formula="f''(n_j) + f''(n_{j+1}) + 2 risk_aversion sigma**2 tau",
            returns="currency / share**2",
        ),
        Formula(
            name="powerlaw_hessian_offdiagonal",
            arguments=("next_trade", "tau", "eta", "gamma", "alpha"),
            expr=hessian_offdiagonal(),
            reference=hessian_offdiagonal(),
            summary="Off-diagonal entry d2/dx_j dx_{j+1} of the (tridiagonal) Hessian, power-law impact.",
            formula="-f''(n_{j+1})",
            returns="currency / share**2",
        ),
        Formula(
            name="powerlaw_schedule_expected_cost",
            arguments=("trade_sizes", "tau", "gamma", "eta", "epsilon", "alpha"),
            expr=expected_cost_of_schedule(),
            reference=expected_cost_of_schedule(),
            summary="Expected implementation shortfall of a sell schedule under power-law impact.",
            formula="E = gamma X**2 / 2 + epsilon X + (eta / tau**alpha) sum n_k**(alpha + 1) "
            "- (gamma / 2) sum n_k**2, X = sum n_k",
            returns="currency",
            notes="trade_sizes holds n_1..n_N (each >= 0) along its last axis; leading axes "
            "broadcast. At alpha = 1 it is schedule_expected_cost.",
        ),
        Formula(
            name="powerlaw_rate",
            arguments=("holding", "first_integral", "risk_aversion", "sigma", "eta", "alpha"),
            expr=rate_of_holding().subs(level, holding),
            reference=rate_of_holding().subs(level, holding),
            summary="Trading rate of the optimal continuous-time schedule at a holding.",
            formula="v = ((C + risk_aversion sigma**2 x**2) / (alpha eta))**(1 / (alpha + 1))",
            returns="shares / time unit",
        ),
        Formula(
            name="powerlaw_horizon",
            arguments=("order_size", "first_integral", "risk_aversion", "sigma", "eta", "alpha"),
            expr=horizon_printed(),
            reference=horizon_textbook(),
            steps=horizon_steps(),
            summary="Time the optimal continuous-time schedule takes to sell order_size, given C.",
            formula="T = X (alpha eta / C)**p 2F1(p, 1/2; 3/2; -w), p = 1 / (alpha + 1), "
            "w = risk_aversion sigma**2 X**2 / C",
            returns="time units",
            notes="Evaluated for w < 4 in Pfaff's form X (alpha eta / C)**p (1 + w)**-0.5 "
            "2F1(3/2 - p, 1/2; 3/2; w / (1 + w)) (scipy.special.hyp2f1), for w >= 4 by the "
            "connection formula at infinity, a series in -1/w whose Gamma poles at alpha = 1 are "
            "cancelled analytically: within 1e-13 for every w. Needs scipy (acsym[calibration]). "
            "Decreasing in C; with order_size = x it is the time left when x shares are held.",
        ),
        Formula(
            name="powerlaw_horizon_at_zero",
            arguments=("order_size", "risk_aversion", "sigma", "eta", "alpha"),
            expr=horizon_at_zero_first_integral(),
            reference=horizon_at_zero_first_integral(),
            summary="Time the optimal continuous-time schedule takes at C = 0 (alpha > 1 only).",
            formula="T(0) = (alpha eta / (risk_aversion sigma**2))**p X**(1 - 2p) / (1 - 2p), "
            "p = 1 / (alpha + 1)",
            returns="time units",
            notes="For alpha > 1 and risk_aversion > 0 a horizon at least this long is not used "
            "in full: the schedule sells everything by T(0). For alpha <= 1 T(C) -> inf as C -> 0.",
        ),
        Formula(
            name="powerlaw_holdings_at_zero",
            arguments=("order_size", "time", "risk_aversion", "sigma", "eta", "alpha"),
            expr=holdings_at_zero_stable(),
            reference=holdings_at_zero_textbook(),
            summary="Holdings of the continuous-time schedule at C = 0: the power law's own tail.",
            formula="x(t) = (X**(1 - beta) + (beta - 1) k t)**(1 / (1 - beta)), beta = 2 / (alpha + 1), "
            "k = (risk_aversion sigma**2 / (alpha eta))**(1 / (alpha + 1))",
            returns="shares",
            notes="Evaluated as X exp(-log1p(u) / (beta - 1)), u = (beta - 1) k X**(beta - 1) t, "
            "beta - 1 = (1 - alpha) / (alpha + 1). For alpha < 1 the schedule of an unlimited "
            "horizon (an algebraic decay, never zero); for alpha > 1 valid until "
            "powerlaw_horizon_at_zero, where it reaches zero. The Newton solver's start takes its "
            "tail where it sells more than the sinh schedule.",
        ),
        Formula(
            name="powerlaw_trade_eta",
            arguments=("trade", "tau", "eta", "alpha"),
            expr=trade_eta_definition(),
            reference=trade_eta_definition(),
            summary="Power-law impact per unit rate at a trade's rate, the one power per trade.",
            formula="eta_j = eta (n_j / tau)**(alpha - 1)",
            returns="currency * time unit / share**2",
            notes="The cost f, its gradient and Hessian are polynomials in n_j and eta_j "
            "(powerlaw_period_objective, powerlaw_marginal_cost, powerlaw_curvature). At alpha = 1 "
            "it is eta.",
        ),
        Formula(
            name="powerlaw_marginal_cost",
            arguments=("trade", "trade_eta", "tau", "gamma", "alpha"),
            expr=(rate_scale * trade_eta - gamma) * trade,
            reference=marginal_cost_from_eta(),
            summary="Marginal cost f'(n) of a trade in its powerlaw_trade_eta (no power).",
            formula="f'(n_j) = ((alpha + 1) eta_j / tau - gamma) n_j",
            returns="currency / share",
            steps=((rate_scale, (alpha + 1) / tau),),
        ),
        Formula(
            name="powerlaw_curvature",
            arguments=("trade_eta", "tau", "gamma", "alpha"),
            expr=curvature_scale * trade_eta - gamma,
            reference=curvature_from_eta(),
            summary="Curvature f''(n) of a trade's cost in its powerlaw_trade_eta (no power).",
            formula="f''(n_j) = alpha (alpha + 1) eta_j / tau - gamma",
            returns="currency / share**2",
            steps=((curvature_scale, alpha * (alpha + 1) / tau),),
        ),
        Formula(
            name="powerlaw_gradient_from_marginals",
            arguments=("marginal_cost", "next_marginal_cost", "holding", "tau", "sigma", "risk_aversion"),
            expr=next_marginal - marginal + risk_weight * holding,
            reference=gradient_from_marginals(),
            summary="powerlaw_gradient from the two trades' powerlaw_marginal_cost.",
            formula="f'(n_{j+1}) - f'(n_j) + 2 risk_aversion sigma**2 tau x_j",
            returns="currency / share",
            notes="Each trade's f' is evaluated once and serves the windows of both its holdings.",
            steps=((risk_weight, 2 * lam * sigma**2 * tau),),
        ),
        Formula(
            name="powerlaw_hessian_diagonal_from_curvatures",
            arguments=("curvature", "next_curvature", "tau", "sigma", "risk_aversion"),
            expr=curvature_j + next_curvature + risk_weight,
            reference=hessian_diagonal_from_curvatures(),
            summary="powerlaw_hessian_diagonal from the two trades' powerlaw_curvature.",
            formula="f''(n_j) + f''(n_{j+1}) + 2 risk_aversion sigma**2 tau",
            returns="currency / share**2",
            steps=((risk_weight, 2 * lam * sigma**2 * tau),),
        ),
        Formula(
            name="powerlaw_hessian_offdiagonal_from_curvature",
            arguments=("next_curvature",),
            expr=hessian_offdiagonal_from_curvature(),
            reference=hessian_offdiagonal_from_curvature(),
            summary="powerlaw_hessian_offdiagonal from the next trade's powerlaw_curvature.",
            formula="-f''(n_{j+1})",
            returns="currency / share**2",
        ),
        Formula(
            name="powerlaw_period_objective",
            arguments=("trade", "trade_eta", "holding", "tau", "gamma", "sigma", "risk_aversion"),
            expr=(trade_eta / tau - gamma / 2) * trade**2 + variance_weight * holding**2,
            reference=period_objective(),
            summary="One period's share of E + risk_aversion Var, power-law impact.",
            formula="(eta_k / tau - gamma / 2) n_k**2 + risk_aversion sigma**2 tau x_k**2",
            returns="currency",
            notes="With holding = x_k, the holding after trade n_k: E + risk_aversion Var of a sell "
            "schedule is gamma X**2 / 2 + epsilon X plus the sum over k = 1..N (x_N = 0).",
            steps=((variance_weight, lam * sigma**2 * tau),),
        ),
    )


def proofs() -> tuple[Any, ...]:
    """The power-law model's proofs (appended to :data:`acsym.derivation.proofs.PROOFS`)."""
    from acsym.derivation import discrete
    from acsym.derivation.proofs import Proof
    from acsym.derivation.symbols import eta_tilde, j

    positive_trades = [sp.Symbol(f"m{i}", positive=True) for i in range(1, 4)]
    z = sp.Symbol("z")
    order = 4

    def schedule_cost() -> sp.Expr:
        written = expected_cost_of_schedule().subs(N, 3).doit()
        written = written.subs({n[i]: positive_trades[i - 1] for i in range(1, 4)})
        total = sp.Add(*positive_trades)
        by_trade = gamma * total**2 / 2 + epsilon * total
        by_trade += sp.Add(*[trade_cost().subs(trade, m) for m in positive_trades])
        return sp.simplify(written - by_trade)

    def tridiagonal() -> sp.Expr:
        steps = 5
        matrix = hessian(steps)
        # holdings of a sell schedule with positive trades m_1..m_5
        sizes = [sp.Symbol(f"m{i}", positive=True) for i in range(1, steps + 1)]
        holdings = [sp.Add(*sizes[i:]) for i in range(steps)] + [sp.S.Zero]
        at_schedule = {X: holdings[0], **{x[i]: holdings[i] for i in range(1, steps)}}
        residual = sp.S.Zero
        for r in range(steps - 1):
            for c in range(steps - 1):
                i = r + 1  # matrix row r is holding x_i; trade n_i = m_i
                if c == r:
                    expected = hessian_diagonal().subs({trade: sizes[i - 1], next_trade: sizes[i]})
                elif c == r + 1:
                    expected = hessian_offdiagonal().subs(next_trade, sizes[i])
                elif c == r - 1:
                    expected = hessian_offdiagonal().subs(next_trade, sizes[i - 1])
                else:
                    expected = sp.S.Zero
                entry = sp.expand(matrix[r, c].subs(at_schedule))
                residual += sp.Abs(sp.simplify(sp.expand(sp.powsimp(entry - expected))))
        return sp.simplify(residual)

    def from_eta() -> sp.Expr:
        at_trade = {trade_eta: trade_eta_definition()}
        pairs = (
            (marginal_cost_from_eta(), marginal_cost()),
            (curvature_from_eta(), curvature()),
            (period_objective(), trade_cost() + lam * sigma**2 * tau * holding**2),
        )
        residual = sp.Add(
            *[
                sp.simplify(sp.expand(sp.powsimp(sp.expand_power_base(new.subs(at_trade) - old, force=True))))
                for new, old in pairs
            ]
        )
        # the gradient and Hessian entries in f', f'' of the two trades
        named = (
            (gradient_from_marginals(), gradient(), marginal_cost(), marginal, next_marginal),
            (
                hessian_diagonal_from_curvatures(),
                hessian_diagonal(),
                curvature(),
                curvature_j,
                next_curvature,
            ),
            (
                hessian_offdiagonal_from_curvature(),
                hessian_offdiagonal(),
                curvature(),
                curvature_j,
                next_curvature,
            ),
        )
        for new, old, value, symbol, next_symbol in named:
            back = new.subs({symbol: value, next_symbol: value.subs(trade, next_trade)})
            residual += sp.simplify(sp.expand(sp.powsimp(sp.expand_power_base(back - old, force=True))))
        return residual

    def period_sum() -> sp.Expr:
        steps = 3
        sizes = positive_trades[:steps]
        holdings = [sp.Add(*sizes[i:]) for i in range(1, steps)] + [sp.S.Zero]
        total = sp.Add(*sizes)
        by_period = gamma * total**2 / 2 + epsilon * total
        by_period += sp.Add(
            *[
                period_objective().subs(
                    {trade: m, holding: h, trade_eta: trade_eta_definition().subs(trade, m)}
                )
                for m, h in zip(sizes, holdings, strict=True)
            ]
        )
        written = expected_cost_of_schedule().subs(N, steps).doit()
        written = written.subs({n[i]: sizes[i - 1] for i in range(1, steps + 1)})
        written += lam * sigma**2 * tau * sp.Add(*[h**2 for h in holdings])
        return sp.simplify(sp.expand(sp.powsimp(sp.expand_power_base(written - by_period, force=True))))

    def linear_gradient() -> sp.Expr:
        window = eta_tilde / tau * ((x[j - 1] - x[j]) ** 2 + (x[j] - x[j + 1]) ** 2)
        linear = sp.diff(window + lam * sigma**2 * tau * x[j] ** 2, x[j]).subs(
            eta_tilde, discrete.eta_tilde_definition()
        )
        linear = linear.subs({x[j - 1]: trade + holding, x[j + 1]: holding - next_trade, x[j]: holding})
        return sp.simplify(gradient().subs(alpha, 1) - linear)

    def first_integral_conserved() -> sp.Expr:
        from sympy.calculus.euler import euler_equations

        t = sp.Symbol("t")
        path = sp.Function("x")(t)
        velocity = -sp.diff(path, t)
        lagrangian_of_path = lagrangian().subs({rate: velocity, level: path})
        (equation,) = euler_equations(lagrangian_of_path, path, t)
        # solve the Euler-Lagrange equation for x'' and check d/dt (first integral) = 0 on it
        acceleration = sp.solve(equation, sp.diff(path, t, 2))[0]
        conserved = first_integral_equation().lhs.subs({rate: velocity, level: path})
        derivative = sp.diff(conserved, t).subs(sp.diff(path, t, 2), acceleration)
        speed = sp.Symbol("u", positive=True)  # -x' > 0 on a sell schedule
        return sp.simplify(derivative.subs(sp.diff(path, t), -speed))

    def pfaff() -> sp.Expr:
        direct = sp.hyper((p, sp.S.Half), (sp.Rational(3, 2),), z)
        pfaff_form = (1 - z) ** -sp.S.Half * sp.hyper(
            (sp.Rational(3, 2) - p, sp.S.Half), (sp.Rational(3, 2),), z / (z - 1)
        )
        return sp.simplify(sp.series(direct - pfaff_form, z, 0, order).removeO())

    def stable_is_pfaff() -> sp.Expr:
        w = _ratio()
        textbook = horizon_textbook().rewrite(sp.hyper)
        pfaff_form = (
            X
            * (alpha * eta / first_integral) ** p
            * (1 - z) ** -sp.S.Half
            * sp.hyper((sp.Rational(3, 2) - p, sp.S.Half), (sp.Rational(3, 2),), z / (z - 1))
        )
        stable_form = horizon_pfaff().rewrite(sp.hyper)
        return sp.simplify(
            (
                textbook
                - X * (alpha * eta / first_integral) ** p * sp.hyper((p, sp.S.Half), (sp.Rational(3, 2),), -w)
            )
            + (pfaff_form.subs(z, -w) - stable_form)
        )

    _d = sp.Symbol("d")

    def gamma_excess_matches() -> sp.Expr:
        import mpmath

        worst = sp.S.Zero
        with mpmath.workdps(50):
            for d in ("-0.49", "-0.3", "-0.1", "-1e-9", "1e-12", "0.05", "0.25", "0.49"):
                point = mpmath.mpf(d)
                exact = (mpmath.sqrt(mpmath.pi) * mpmath.gamma(1 + point) / mpmath.gamma(0.5 + point) - 1) / (
                    2 * point
                )
                printed = mpmath.mpf(0)
                for coefficient in reversed(gamma_excess_coefficients()):
                    printed = printed * point + mpmath.mpf(coefficient)
                if abs(printed - exact) > 1e-16 * abs(exact):
                    worst += sp.Float(printed - exact)
            at_zero = mpmath.mpf(gamma_excess_coefficients()[0]) - mpmath.log(2)
            if abs(at_zero) > 1e-16 or gamma_excess(0) != sp.log(2):
                worst += sp.Float(at_zero)
        return worst

    def holdings_at_zero_matches() -> sp.Expr:
        from sympy.codegen.cfunctions import log1p

        textbook = holdings_at_zero_textbook()
        speed = rate_of_holding().subs({first_integral: 0, level: textbook})
        ode = sp.diff(textbook, t) + speed  # dx/dt = -v(x)
        printed = holdings_at_zero_stable().replace(log1p, lambda z: sp.log(1 + z))
        # SymPy does not combine the powers with symbolic exponents: 50-digit values at points
        # on both sides of alpha = 1, from the start to deep in the tail
        worst = sp.S.Zero
        for a, order, time, risk in (
            ("0.2", "1e6", "3", "1e-6"),
            ("0.5", "1e5", "50", "1e-5"),
            ("0.9", "2e4", "0.01", "1e-8"),
            ("0.999", "3e6", "400", "1e-7"),
            ("1.5", "1e5", "2", "1e-6"),
            ("3", "1e4", "0.5", "1e-5"),
        ):
            point = {alpha: sp.Float(a, 60), X: sp.Float(order, 60), t: sp.Float(time, 60)}
            point |= {lam: sp.Float(risk, 60), sigma: sp.Float("0.95", 60), eta: sp.Float("7e-4", 60)}
            held = sp.N(textbook.subs(point), 50)
            if abs(sp.N(printed.subs(point), 50) - held) > 1e-45 * abs(held):
                worst += sp.N(printed.subs(point), 50) - held
            if abs(sp.N(ode.subs(point), 50)) > 1e-45 * sp.N(speed.subs(point), 50):
                worst += sp.N(ode.subs(point), 50)
            start = sp.N(textbook.subs(t, 0).subs(point), 50)
            if abs(start - point[X]) > 1e-45 * point[X]:
                worst += start - point[X]
        return worst

    def connection_matches() -> sp.Expr:
        import mpmath

        def tail(a: Any, d: Any, z: Any) -> Any:  # the printed TAIL_TERMS terms
            term, total = mpmath.mpf(1), mpmath.mpf(0)
            for index in range(1, TAIL_TERMS + 1):
                term *= (a + index - 1) * z / index
                total += term / (index + d)
            return total

        def excess(d: Any) -> Any:
            printed = mpmath.mpf(0)
            for coefficient in reversed(gamma_excess_coefficients()):
                printed = printed * d + mpmath.mpf(coefficient)
            return printed

        def relative_exponential(z: Any) -> Any:
            return mpmath.mpf(1) if z == 0 else mpmath.expm1(z) / z

        ratio, point_alpha = sp.symbols("w a", positive=True)
        shape = sp.simplify(horizon_stable() / (X * (alpha * eta / first_integral) ** p))
        shape = shape.subs(_ratio(), ratio).subs(alpha, point_alpha)
        textbook = sp.hyper((1 / (point_alpha + 1), sp.S.Half), (sp.Rational(3, 2),), -ratio)
        printed = sp.lambdify(
            (point_alpha, ratio),
            shape,
            modules=[
                {
                    "hyp2f1": mpmath.hyp2f1,
                    "hyper_tail": tail,
                    "gamma_excess": excess,
                    "exprel": relative_exponential,
                },
                "mpmath",
            ],
        )
        exact = sp.lambdify((point_alpha, ratio), textbook, modules="mpmath")
        worst = sp.S.Zero
        with mpmath.workdps(50):
            for a in ("1", "1.000000001", "0.999999999", "0.3", "0.5", "2", "3"):
                for w in ("1e-3", "1", "3.9", "4", "4.1", "10", "1e3", "1e6", "1e12"):
                    value, reference = (
                        printed(mpmath.mpf(a), mpmath.mpf(w)),
                        exact(mpmath.mpf(a), mpmath.mpf(w)),
                    )
                    if abs(value - reference) > 1e-15 * abs(reference):
                        worst += sp.Float(value - reference)
        return worst

    return (
        Proof(
            "powerlaw_from_eta",
            "with eta_j = eta (n_j / tau)^(alpha - 1) substituted, the printed f', f'' and period "
            "objective in eta_j are the ones in eta; with f', f'' of the two trades put back, the "
            "printed gradient and Hessian entries in them are the ones of E + lambda Var",
            from_eta,
        ),
        Proof(
            "powerlaw_period_objective",
            "gamma X^2 / 2 + epsilon X + the sum of the period objectives is E + lambda Var (N = 3)",
            period_sum,
        ),
        Proof(
            "powerlaw_linear_limit",
            "alpha = 1: the power-law trade cost f(n) = eta n^(alpha+1) / tau^alpha - gamma n^2 / 2 "
            "is the base model's (eta_tilde / tau) n^2",
            lambda: sp.simplify(
                trade_cost().subs(alpha, 1) - discrete.eta_tilde_definition() / tau * trade**2
            ),
        ),
        Proof(
            "powerlaw_schedule_cost",
            "the printed expected cost of a schedule is gamma X^2/2 + epsilon X + sum f(n_k) on sell "
            "schedules (N = 3)",
            schedule_cost,
        ),
        Proof(
            "powerlaw_tridiagonal_hessian",
            "the Hessian of E + lambda Var (N = 5) is tridiagonal with the printed diagonal and "
            "off-diagonal entries",
            tridiagonal,
        ),
        Proof(
            "powerlaw_printed_derivatives",
            "the printed gradient and Hessian entries (sums of f' and f'') are the derivatives of "
            "the window of E + lambda Var",
            lambda: sp.simplify(
                sp.expand(sp.expand_power_base(gradient_derived() - gradient()))
                + sp.expand(sp.expand_power_base(hessian_diagonal_derived() - hessian_diagonal()))
                + sp.expand(sp.expand_power_base(hessian_offdiagonal_derived() - hessian_offdiagonal()))
            ),
        ),
        Proof(
            "powerlaw_gradient_linear",
            "alpha = 1: the printed gradient is the base model's first-order condition",
            linear_gradient,
        ),
        Proof(
            "powerlaw_first_integral",
            "alpha eta v^(alpha+1) - lambda sigma^2 x^2 is constant along every solution of the "
            "Euler-Lagrange equation",
            first_integral_conserved,
        ),
        Proof(
            "powerlaw_horizon",
            "SymPy's integral int_0^X dx / v(x) is the printed reference X (alpha eta / C)^p "
            "2F1(p, 1/2; 3/2; -lambda sigma^2 X^2 / C)",
            lambda: sp.simplify(horizon_integral() - horizon_textbook().rewrite(sp.hyper)),
        ),
        Proof(
            "powerlaw_pfaff",
            f"Pfaff's transformation 2F1(p, 1/2; 3/2; z) = (1 - z)^(-1/2) 2F1(3/2 - p, 1/2; 3/2; "
            f"z / (z - 1)), as power series in z to order {order} for symbolic p",
            pfaff,
        ),
        Proof(
            "powerlaw_horizon_pfaff",
            "the printed horizon's branch w < 4 is the textbook one with Pfaff's transformation at z = -w",
            stable_is_pfaff,
        ),
        Proof(
            "powerlaw_log_gamma_ratio",
            "the coefficients kappa_n (zeta values) of ln(sqrt(pi) Gamma(1 + d) / Gamma(1/2 + d)) are "
            "SymPy's Taylor coefficients, n = 1..6",
            lambda: sp.simplify(
                sp.series(
                    sp.log(sp.sqrt(sp.pi) * sp.gamma(1 + _d) / sp.gamma(sp.S.Half + _d)), _d, 0, 7
                ).removeO()
                - sum(c * _d ** (n + 1) for n, c in enumerate(log_gamma_ratio_coefficients(6)))
            ),
        ),
        Proof(
            "powerlaw_gamma_excess",
            "the printed Taylor polynomial of gamma_excess (double coefficients) is within 1e-16 "
            "relative of its Gamma form (mpmath, 50 digits) at d = -0.49, ..., 0.49 (alpha from "
            "0.01 to 100) and ln 2 at 0",
            gamma_excess_matches,
        ),
        Proof(
            "powerlaw_horizon_stable",
            "the printed horizon (both branches, the connection formula's with its printed series) is "
            "within 1e-15 relative of the textbook 2F1 (mpmath, 50 digits) at alpha = 1, 1 +- 1e-9, "
            "0.3, 0.5, 2, 3 and w from 1e-3 to 1e12, both sides of the switch w = 4",
            connection_matches,
        ),
        Proof(
            "powerlaw_holdings_at_zero",
            "at C = 0 the solved x(t) starts at X and follows dx/dt = -v(x), and the printed "
            "form X exp(-log1p(u) / (beta - 1)) is it (50 digits, alpha from 0.2 to 3)",
            holdings_at_zero_matches,
        ),
        Proof(
            "powerlaw_horizon_at_zero",
            "d T(0) / dX = 1 / v(X) at C = 0 (and T(0) -> 0 as X -> 0 for alpha > 1)",
            lambda: sp.simplify(
                sp.expand_power_base(
                    sp.diff(horizon_at_zero_first_integral(), X)
                    - 1 / rate_of_holding().subs({level: X, first_integral: 0}),
                    force=True,
                )
            ),
        ),
    )


#: w as docs/derivation.md shows it
_shown_ratio = sp.Symbol("w", positive=True)


def sections() -> tuple[Any, ...]:
    """The power-law model's part of docs/derivation.md (appended to :func:`document.sections`)."""
    from acsym.derivation.document import Section

    return (
        Section(
            "Power-law impact (Almgren 2003): discrete time",
            "With h(v) = epsilon sgn(v) + eta |v|^alpha, trade n > 0 costs, net of epsilon n and "
            "with its share of the telescoped permanent impact, f(n); the expected cost of any "
            "schedule; the gradient of E + lambda Var in an interior holding x_j and the non-zero "
            "entries of its tridiagonal Hessian (n_j = x_{j-1} - x_j); and the condition that makes "
            "it strictly convex on sell schedules (f'' is monotone, so it binds at n = X for "
            "alpha <= 1; for alpha > 1 it needs gamma = 0):",
            (
                ("f(n_j)", trade_cost()),
                ("E", expected_cost_of_schedule()),
                ("\\partial_{x_j}", gradient()),
                ("\\partial^2_{x_j x_j}", hessian_diagonal()),
                ("\\partial^2_{x_j x_{j+1}}", hessian_offdiagonal()),
                ("", well_posedness()),
            ),
        ),
        Section(
            "Power-law impact: one power per trade",
            "Newton's method evaluates the impact per unit rate eta_j at each trade once; in it "
            "f', f'' and one period's share of E + lambda Var (holding x_k after trade n_k; the sum "
            "over k plus gamma X^2 / 2 + epsilon X is E + lambda Var) have no power left, and the "
            "gradient and Hessian entries are sums of the two trades' f' and f'':",
            (
                ("\\eta_j", trade_eta_definition()),
                ("f'(n_j)", marginal_cost_from_eta()),
                ("f''(n_j)", curvature_from_eta()),
                ("\\partial_{x_j}", gradient_from_marginals()),
                ("\\partial^2_{x_j x_j}", hessian_diagonal_from_curvatures()),
                ("\\partial^2_{x_j x_{j+1}}", hessian_offdiagonal_from_curvature()),
                ("f(n_k) + \\lambda \\sigma^2 \\tau x_k^2", period_objective()),
            ),
        ),
        Section(
            "Power-law impact: continuous time",
            "The Lagrangian has no explicit t, so its Beltrami first integral is constant; solved "
            "for the rate, integrated for the time T(C) to sell X (SymPy's integral; the runtime "
            "evaluates Pfaff's form below w = 4 and the connection formula at w = infinity, its "
            "Gamma poles at alpha = 1 cancelled, from w = 4 on), and at C = 0 (finite for alpha > 1 "
            "only):",
            (
                ("L", lagrangian()),
                ("", first_integral_equation()),
                ("v(x)", rate_of_holding()),
                ("T(C)", horizon_integral()),
                ("w", _ratio()),
                ("T_{w < 4}(C)", X * (alpha * eta / first_integral) ** p * _pfaff(_shown_ratio)),
                ("T_{w \\ge 4}(C)", X * (alpha * eta / first_integral) ** p * _connection(_shown_ratio)),
                ("T(0)", horizon_at_zero_first_integral()),
            ),
        ),
    )
