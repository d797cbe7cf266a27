"""Special functions that make the runtime forms stable, each defined by an elementary rewrite.

Each class is a SymPy function whose ``rewrite(sp.exp)`` is its textbook definition (used by the
proofs), whose value at 0 is its limit there, and whose numpy implementation the code generator
emits into the generated modules (see :func:`helpers`).
"""

from __future__ import annotations

import math
from typing import Any

import sympy as sp

_z = sp.Symbol("z")

#: Below this argument ``sinh_tail`` is evaluated by its Taylor series; above it by the
#: exponential form, which then loses less than a factor 2.3 to cancellation.
SINH_TAIL_SERIES_BELOW = 2
#: Number of Taylor terms: the first one left out is below 3e-19 relative at the switch point.
SINH_TAIL_SERIES_TERMS = 12


class exprel(sp.Function):
    r"""Relative exponential :math:`\operatorname{exprel}(z) = (e^z - 1)/z`, equal to 1 at z = 0.

    It is analytic everywhere, so ratios such as :math:`\sinh(\kappa s)/\sinh(\kappa T)` written
    with it have no removable singularity at kappa = 0 and need no threshold.
    """

    nargs = 1

    @classmethod
    def eval(cls, z: sp.Expr) -> sp.Expr | None:
        if z.is_zero:
            return sp.S.One
        return None

    def _eval_rewrite_as_exp(self, z: sp.Expr, **kwargs: object) -> sp.Expr:
        return (sp.exp(z) - 1) / z

    def _eval_is_positive(self) -> bool | None:
        return self.args[0].is_real


class sinh_tail(sp.Function):
    r"""Scaled remainder of sinh: :math:`e^{-z} (\sinh z - z) / z^3`, equal to 1/6 at z = 0.

    It carries the variance of the optimal schedule, which is a difference of nearly equal
    terms (:math:`\sinh(Mk)/\sinh(k) - M`) when kappa * T is small; the factor :math:`e^{-z}`
    keeps it finite (it tends to :math:`1/(2 z^3)`) for large z. Defined for z >= 0.
    """

    nargs = 1

    @classmethod
    def eval(cls, z: sp.Expr) -> sp.Expr | None:
        if z.is_zero:
            return sp.Rational(1, 6)
        return None

    def _eval_rewrite_as_exp(self, z: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.exp(-z) * ((sp.exp(z) - sp.exp(-z)) / 2 - z) / z**3

    def _eval_is_positive(self) -> bool | None:
        return self.args[0].is_nonnegative

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sinh_tail_prime(self.args[0])


class sinh_tail_prime(sp.Function):
    r"""The derivative of :class:`sinh_tail`, :math:`-1/6` at z = 0; defined for z >= 0.

    Below the series switch point it is :math:`e^{-z}(2 z P'(z^2) - P(z^2))` with P the Taylor
    polynomial of :math:`(\sinh z - z)/z^3`; above, the derivative of the exponential form,
    which cancels by at most a factor 2 there.
    """

    nargs = 1

    @classmethod
    def eval(cls, z: sp.Expr) -> sp.Expr | None:
        if z.is_zero:
            return -sp.Rational(1, 6)
        return None

    def _eval_rewrite_as_exp(self, z: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.diff(sinh_tail(_z).rewrite(sp.exp), _z).subs(_z, z)

    def _numpycode(self, printer: Any) -> str:
        return f"_sinh_tail_prime({printer._print(self.args[0])})"


class asinhc(sp.Function):
    r""":math:`\operatorname{asinh}(z) / z`, equal to 1 at z = 0 (the ratio kappa / kappa_tilde).

    It carries the chain rule through kappa at lambda = 0, where d kappa / d lambda is infinite
    but the ratio is 1: every digit is kept (asinh is accurate near 0, and the division exact).
    """

    nargs = 1

    @classmethod
    def eval(cls, z: sp.Expr) -> sp.Expr | None:
        if z.is_zero:
            return sp.S.One
        return None

    def _eval_rewrite_as_exp(self, z: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.log(z + sp.sqrt(z**2 + 1)) / z

    def _eval_rewrite_as_asinh(self, z: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.asinh(z) / z

    def _numpycode(self, printer: Any) -> str:
        return f"_asinhc({printer._print(self.args[0])})"


class exp_scaled_difference(sp.Function):
    r""":math:`e^{a (u - v)}` with the argument's two roundings compensated.

    Where the value is a normal float, :math:`|a (u - v)|` reaches about 745, and a relative
    rounding of the argument of 1.1e-16 becomes an absolute error of 8e-14 in it, hence a
    relative 8e-14 in the value; a difference and a product round twice. The numpy
    implementation computes :math:`u - v` and :math:`a (u - v)` with their exact rounding
    errors (TwoSum, and Dekker's product with Veltkamp's split) and applies them to first
    order, :math:`e^{p} (1 + \delta)`, so the value keeps the accuracy of ``exp`` itself. It is
    exactly 1 when :math:`a = 0`.
    """

    nargs = 3

    @classmethod
    def eval(cls, a: sp.Expr, u: sp.Expr, v: sp.Expr) -> sp.Expr | None:
        if a.is_zero or (u - v).is_zero:
            return sp.S.One
        return None

    def _eval_rewrite_as_exp(self, a: sp.Expr, u: sp.Expr, v: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.exp(a * (u - v))

    def _eval_is_positive(self) -> bool | None:
        return all(arg.is_real for arg in self.args) or None

    def _numpycode(self, printer: Any) -> str:
        a, u, v = (printer._print(arg) for arg in self.args)
        return f"_exp_scaled_difference({a}, {u}, {v})"

    def _latex(self, printer: Any) -> str:
        a, u, v = self.args
        difference = printer._print(u - v)
        return rf"\widehat{{\exp}}\left({printer._print(a)} \left({difference}\right)\right)"


class sub_mul(sp.Function):
    r""":math:`c - a b` rounded once (a fused multiply-subtract).

    eta_tilde = eta - (gamma / 2) tau cancels as eta_tilde -> 0, the edge of the well-posed
    domain; with the product rounded first, 1e-16 of gamma tau / 2 becomes a relative error of
    1e-16 eta / eta_tilde. The numpy implementation adds the product's exact rounding error
    back (Dekker's product), so the result is within an ulp or two of c - a b however close the
    two are.
    """

    nargs = 3

    def _eval_rewrite_as_exp(self, c: sp.Expr, a: sp.Expr, b: sp.Expr, **kwargs: object) -> sp.Expr:
        return c - a * b

    def _numpycode(self, printer: Any) -> str:
        c, a, b = (printer._print(arg) for arg in self.args)
        return f"_sub_mul({c}, {a}, {b})"

    def _latex(self, printer: Any) -> str:
        c, a, b = self.args
        return rf"\operatorname{{fms}}\left({printer._print(c - a * b)}\right)"


class scaled_square(sp.Function):
    r""":math:`(s x)^2`, with the scale applied before squaring; ``s`` broadcasts against the
    leading axes of the array ``x`` (it is printed as ``expand_dims(s, -1) * x``).

    The variance of a schedule, :math:`\sigma^2 \tau \sum x_k^2`, squares holdings first: a
    holding of 1e-158 shares (the second holding of a schedule that sells all but e^-363 of
    one share at once) squares to a subnormal with 30 bits left, while
    :math:`\sigma^2 \tau x^2` is a normal number. Squared after scaling, each term is
    subnormal only where it is itself.
    """

    nargs = 2

    def _eval_rewrite_as_exp(self, s: sp.Expr, x: sp.Expr, **kwargs: object) -> sp.Expr:
        return (s * x) ** 2

    def _numpycode(self, printer: Any) -> str:
        s, x = (printer._print(arg) for arg in self.args)
        return f"(numpy.expand_dims({s}, -1)*{x})**2"

    def _latex(self, printer: Any) -> str:
        s, x = self.args
        return rf"\left({printer._print(s)} \cdot {printer._print(x)}\right)^{{2}}"


class asinh_root(sp.Function):
    r""":math:`\operatorname{asinh}(a b \sqrt{n / d})` to within half an ulp (all arguments >= 0).

    It carries kappa tau = 2 asinh((tau / 2) sigma sqrt(lambda / eta_tilde)), which the
    holdings multiply by j: x_j depends on kappa t_j = j kappa tau, so a relative error e in
    kappa tau is a relative error of about kappa t_j e in x_j, up to 745 e where the holdings
    are still normal numbers. Rounded step by step, kappa tau is off by up to 3 ulp (7e-16,
    5e-13 in x_j); computed here it is the correctly rounded value in all but rare cases
    within 0.01 ulp of a midpoint. The numpy implementation forms z = a b sqrt(n / d) as a
    head and a tail (every rounding of the square roots, product and quotient kept), takes
    numpy's asinh of the head, and refines it by one Newton step y + (z - sinh y) / cosh y
    whose residual is computed to about 2**-62: sinh by its series below 1 (y**3 and 1/6 in
    head-and-tail form) and from exp(y) above (argument reduced by ln 2 in three parts,
    exp(r) = 1 + r + r**2/2 + r**3/6 + ... with the first terms in pairs). Only the final
    addition rounds.
    """

    nargs = 4

    @classmethod
    def eval(cls, a: sp.Expr, b: sp.Expr, n: sp.Expr, d: sp.Expr) -> sp.Expr | None:
        if a.is_zero or b.is_zero or n.is_zero:
            return sp.S.Zero
        return None

    def _eval_rewrite_as_exp(
        self, a: sp.Expr, b: sp.Expr, n: sp.Expr, d: sp.Expr, **kwargs: object
    ) -> sp.Expr:
        return sp.asinh(a * b * sp.sqrt(n / d))

    def _eval_is_nonnegative(self) -> bool | None:
        return all(arg.is_nonnegative for arg in self.args) or None

    def _numpycode(self, printer: Any) -> str:
        a, b, n, d = (printer._print(arg) for arg in self.args)
        return f"_asinh_root({a}, {b}, {n}, {d})"

    def _latex(self, printer: Any) -> str:
        a, b, n, d = self.args
        return rf"\widehat{{\operatorname{{asinh}}}}\left({printer._print(a * b * sp.sqrt(n / d))}\right)"


#: special functions whose implementation is numpy code (ldexp, integer casts): formulas using
#: them are left out of the array-API target (the scalar target has their twins in
#: :mod:`acsym.derivation.scalar`)
NUMPY_ONLY: tuple[type[sp.Function], ...] = (asinh_root,)


#: Terms of the series of exp and sinh kept by the residual of asinh_root (the first left out
#: is below 1e-31 at |r| <= ln(2) / 2 and below 1e-27 at y <= 1)
EXP_SERIES_TERMS = 22
SINH_SERIES_TERMS = 25


def _split(value: sp.Expr, bits: int | None = None) -> tuple[float, ...]:
    """``value`` as floats whose exact sum is within 2**-150 of it: two (or, with ``bits``,
    three, the first with only ``bits`` significant bits so multiples of it are exact)."""
    exact = sp.Float(sp.N(value, 80), 80)
    parts = []
    if bits is not None:
        mantissa, exponent = math.frexp(float(exact))
        parts.append(math.ldexp(math.floor(mantissa * 2**bits), exponent - bits))
        exact -= sp.Float(parts[-1], 80)
    head = float(exact)
    parts += [head, float(exact - sp.Float(head, 80))]
    return tuple(parts)


def sinh_tail_series_coefficients() -> list[sp.Rational]:
    r"""Taylor coefficients :math:`c_m` of :math:`(\sinh z - z)/z^3 = \sum_m c_m z^{2m}`."""
    series = sp.series((sp.sinh(_z) - _z) / _z**3, _z, 0, 2 * SINH_TAIL_SERIES_TERMS).removeO()
    poly = sp.Poly(series, _z)
    return [sp.Rational(poly.coeff_monomial(_z ** (2 * m))) for m in range(SINH_TAIL_SERIES_TERMS)]


_ASINH_ROOT_SOURCE = '''\
def _two_sum(a: Any, b: Any) -> tuple[Any, Any]:
    """s = fl(a + b) and its exact rounding error a + b - s (Knuth's TwoSum)."""
    s = a + b
    moved = s - a
    return s, (a - (s - moved)) + (b - moved)


def _sqrt_pair(x: Any) -> tuple[Any, Any]:
    """sqrt(x) as a head and a tail, head + tail within 2**-100 of it (one Newton step)."""
    head = numpy.sqrt(x)
    square, error = _two_product(head, head)
    safe = numpy.where(head > 0, head, 1.0)
    return head, numpy.where(head > 0, ((x - square) - error) / (2.0 * safe), 0.0)


_LN2 = @LN2@  # ln 2 in three parts, the first with 32 bits
_SIXTH = @SIXTH@  # 1/6 as a head and a tail
_EXP_TAIL = @EXP_TAIL@  # 1/k!, k = @EXP_TERMS@..4
_SINH_TAIL = @SINH_TAIL@  # 1/k!, k = @SINH_TERMS@, ..., 7, 5


def _exp_pair(y: Any) -> tuple[Any, Any, Any]:
    """exp(y) = (head + tail) * 2**k for 0 <= y <= 745, head + tail to about 2**-62 relative."""
    k = numpy.rint(y / _LN2[0])
    reduced = y - k * _LN2[0]  # exact: k has at most 11 bits and _LN2[0] 32
    product, error = _two_product(k, numpy.asarray(_LN2[1]))
    r, r_tail = _two_sum(reduced, -product)
    r_tail = r_tail - error - k * _LN2[2]
    # exp(r) = 1 + r + r**2 / 2 + r**3 / 6 + r**4 (1/24 + ...), |r| <= 0.35; all but the last in pairs
    square, square_error = _two_product(r, r)
    cube, cube_error = _two_product(square, r)
    cube_error = cube_error + square_error * r
    sixth, sixth_error = _two_product(cube, numpy.asarray(_SIXTH[0]))
    sixth_error = sixth_error + cube * _SIXTH[1] + cube_error * _SIXTH[0]
    quartic = square * square * numpy.polyval(_EXP_TAIL, r)
    head, tail = _two_sum(1.0, r)
    head, more = _two_sum(head, 0.5 * square)
    tail = tail + more + 0.5 * square_error
    head, more = _two_sum(head, sixth)
    tail = tail + more + sixth_error + quartic
    # the reduced argument's tail: exp(r + r_tail) = exp(r) (1 + r_tail)
    head, tail = _two_sum(head, tail + head * r_tail)  # renormalised: |tail| <= ulp(head) / 2
    return head, tail, k


def _asinh_root(a: ArrayLike, b: ArrayLike, n: ArrayLike, d: ArrayLike) -> NDArray[numpy.float64]:
    """asinh(a * b * sqrt(n / d)) within half an ulp, for finite arguments >= 0.

    z is formed as a head and a tail (the roundings of the square roots, product and quotient
    kept), numpy's asinh of the head is refined by one Newton step whose residual z - sinh(y)
    is computed to about 2**-62 (sinh by its series below 1, from exp in head-and-tail form
    above), so only the final addition rounds.
    """
    a = numpy.asarray(a, dtype=numpy.float64)
    scale, scale_tail = _two_product(a, numpy.asarray(b, dtype=numpy.float64))
    root_n, root_n_tail = _sqrt_pair(numpy.asarray(n, dtype=numpy.float64))
    root_d, root_d_tail = _sqrt_pair(numpy.asarray(d, dtype=numpy.float64))
    head, error = _two_product(root_n, scale)
    tail = error + root_n_tail * scale + root_n * scale_tail
    quotient = head / root_d
    product, error = _two_product(quotient, root_d)
    z_tail = (((head - product) - error) + tail - quotient * root_d_tail) / root_d
    z, z_tail = _two_sum(quotient, z_tail)
    y = numpy.arcsinh(z)
    # below 1: sinh(y) - y = y**3 (1/6 + y**2 P(y**2)), with y**3 and the 1/6 in pairs
    small = numpy.minimum(y, 1.0)
    square, square_error = _two_product(small, small)
    cube, cube_error = _two_product(square, small)
    cube_error = cube_error + square_error * small
    series = square * numpy.polyval(_SINH_TAIL, square)
    sixth, sixth_error = _two_sum(_SIXTH[0], series)
    remainder, remainder_error = _two_product(cube, sixth)
    remainder_error = remainder_error + cube * (sixth_error + _SIXTH[1]) + cube_error * sixth
    near = ((z - small) - remainder) + (z_tail - remainder_error)  # z - small: exact (Sterbenz)
    # above 1: sinh(y) = (e^y - e^-y) / 2, and z / e^y compared in the scale of e^y
    large = numpy.maximum(y, 1.0)
    e_head, e_tail, k = _exp_pair(large)
    scaled_z = numpy.ldexp(z, (1 - k).astype(numpy.int32))
    scaled_tail = numpy.ldexp(z_tail, (1 - k).astype(numpy.int32))
    inverse = 1.0 / e_head  # e^-y 2**k as a pair too: it shifts the residual by up to e^-2
    product, error = _two_product(e_head, inverse)
    inverse_tail = ((1.0 - product) - error - e_tail * inverse) * inverse
    shift = (-2 * k).clip(-1100, 0).astype(numpy.int32)
    inverse, inverse_tail = numpy.ldexp(inverse, shift), numpy.ldexp(inverse_tail, shift)
    # the heads cancel exactly (Sterbenz) before the tails are added
    far = (((scaled_z - e_head) + inverse) + ((scaled_tail - e_tail) + inverse_tail)) / (e_head + inverse)
    # Newton: y + (z - sinh y) / cosh y, below 1 directly, above relative to e^y
    cosh = numpy.hypot(1.0, numpy.minimum(z, 2.0))
    return y + numpy.where(y <= 1.0, near / cosh, far)
'''


def asinh_root_source(template: str = _ASINH_ROOT_SOURCE) -> str:
    """An implementation of :class:`asinh_root` (``template``: the numpy one by default, or the
    scalar twin's), with its ``@NAME@`` constants computed here for every target alike."""
    factorials = [sp.factorial(k) for k in range(SINH_SERIES_TERMS + 1)]
    exp_terms = range(EXP_SERIES_TERMS, 3, -1)
    sinh_terms = range(SINH_SERIES_TERMS, 4, -2)
    constants = {
        "@LN2@": repr(_split(sp.log(2), bits=32)),
        "@SIXTH@": repr(_split(sp.Rational(1, 6))),
        "@EXP_TAIL@": repr(tuple(float(1 / sp.factorial(k)) for k in exp_terms)),
        "@SINH_TAIL@": repr(tuple(float(1 / factorials[k]) for k in sinh_terms)),
        "@EXP_TERMS@": str(EXP_SERIES_TERMS),
        "@SINH_TERMS@": str(SINH_SERIES_TERMS),
    }
    source = template
    for key, value in constants.items():
        source = source.replace(key, value)
    return source


def numpy_helpers() -> str:
    """Source of the numpy implementations of the functions above, for the generated module."""
    return helpers("numpy", array="ArrayLike", result="NDArray[numpy.float64]")


def array_api_helpers() -> str:
    """The same implementations for any array-API namespace, passed as their first argument."""
    return helpers("xp", array="Any", result="Any", namespace_argument=True)


def helpers(ns: str, *, array: str, result: str, namespace_argument: bool = False) -> str:
    """Source of the implementations of the functions above, written once for every target.

    ``ns`` is the name the namespace goes by in the generated module (``numpy``, or ``xp`` for
    the array-API module, where every helper takes it as its first argument); ``array`` and
    ``result`` are the argument and return annotations. Only functions of the array API
    standard are used (``where``, ``expm1``, ``minimum``, ...), with Python scalars where the
    standard (2024.12 and later) allows them.
    """
    coefficients = ", ".join(repr(float(c)) for c in reversed(sinh_tail_series_coefficients()))
    derivative = ", ".join(
        repr(float(m * c)) for m, c in reversed(list(enumerate(sinh_tail_series_coefficients()))[1:])
    )
    first = f"{ns}: Any, " if namespace_argument else ""
    asinh = "arcsinh" if ns == "numpy" else "asinh"  # numpy < 2 has no asinh
    call = f"{ns}, " if namespace_argument else ""
    # asinh_root's compensated routine is numpy code (ldexp, integer casts): the numpy module
    # only here (the scalar target prints its twin, acsym.derivation.scalar)
    compensated = asinh_root_source() if ns == "numpy" else ""
    return f'''\
def _exprel({first}z: {array}) -> {result}:
    """(exp(z) - 1) / z, and 1 at z = 0; expm1 keeps every digit near 0."""
    z = {ns}.asarray(z, dtype={ns}.float64)
    zero = z == 0
    return {ns}.where(zero, 1.0, {ns}.expm1(z) / {ns}.where(zero, 1.0, z))


_SINH_TAIL_SERIES = ({coefficients})


def _sinh_tail({first}z: {array}) -> {result}:
    """exp(-z) * (sinh(z) - z) / z**3 for z >= 0 (series below {SINH_TAIL_SERIES_BELOW})."""
    z = {ns}.asarray(z, dtype={ns}.float64)
    small = {ns}.minimum(z, {SINH_TAIL_SERIES_BELOW})
    large = {ns}.maximum(z, {SINH_TAIL_SERIES_BELOW})
    square = small * small
    series = square * _SINH_TAIL_SERIES[0] + _SINH_TAIL_SERIES[1]
    for coefficient in _SINH_TAIL_SERIES[2:]:  # Horner
        series = series * square + coefficient
    series = series * {ns}.exp(-small)
    direct = (-0.5 * {ns}.expm1(-2.0 * large) - large * {ns}.exp(-large)) / large**3
    return {ns}.where(z < {SINH_TAIL_SERIES_BELOW}, series, direct)


_SINH_TAIL_SERIES_DERIVATIVE = ({derivative})


def _sinh_tail_prime({first}z: {array}) -> {result}:
    """d/dz of _sinh_tail: exp(-z) (2 z P'(z**2) - P(z**2)) below {SINH_TAIL_SERIES_BELOW}, then exp form."""
    z = {ns}.asarray(z, dtype={ns}.float64)
    small = {ns}.minimum(z, {SINH_TAIL_SERIES_BELOW})
    large = {ns}.maximum(z, {SINH_TAIL_SERIES_BELOW})
    square = small * small
    series = square * _SINH_TAIL_SERIES[0] + _SINH_TAIL_SERIES[1]
    for coefficient in _SINH_TAIL_SERIES[2:]:  # Horner
        series = series * square + coefficient
    slope = square * _SINH_TAIL_SERIES_DERIVATIVE[0] + _SINH_TAIL_SERIES_DERIVATIVE[1]
    for coefficient in _SINH_TAIL_SERIES_DERIVATIVE[2:]:
        slope = slope * square + coefficient
    series = (2.0 * small * slope - series) * {ns}.exp(-small)
    tail = -0.5 * {ns}.expm1(-2.0 * large) - large * {ns}.exp(-large)
    decay = {ns}.exp(-large)
    direct = (decay * decay - decay + large * decay - 3.0 * tail / large) / large**3
    return {ns}.where(z < {SINH_TAIL_SERIES_BELOW}, series, direct)


def _asinhc({first}z: {array}) -> {result}:
    """asinh(z) / z, and 1 at z = 0."""
    z = {ns}.asarray(z, dtype={ns}.float64)
    zero = z == 0
    return {ns}.where(zero, 1.0, {ns}.{asinh}(z) / {ns}.where(zero, 1.0, z))


def _two_product({first}a: {result}, b: {result}) -> tuple[Any, Any]:
    """p = fl(a * b) and its exact rounding error a * b - p (Dekker, Veltkamp's split)."""
    p = a * b
    big_a = 134217729.0 * a
    a_high = big_a - (big_a - a)
    a_low = a - a_high
    big_b = 134217729.0 * b
    b_high = big_b - (big_b - b)
    b_low = b - b_high
    return p, ((a_high * b_high - p) + a_high * b_low + a_low * b_high) + a_low * b_low


def _exp_scaled_difference({first}a: {array}, u: {array}, v: {array}) -> {result}:
    """exp(a * (u - v)), with the roundings of u - v and of the product compensated."""
    a = {ns}.asarray(a, dtype={ns}.float64)
    u = {ns}.asarray(u, dtype={ns}.float64)
    v = {ns}.asarray(v, dtype={ns}.float64)
    s = u - v
    moved = s - u
    s_error = (u - (s - moved)) + (-v - moved)  # TwoSum: u - v = s + s_error exactly
    p, p_error = _two_product({call}a, s)
    return {ns}.exp(p) * (1.0 + (p_error + a * s_error))


def _sub_mul({first}c: {array}, a: {array}, b: {array}) -> {result}:
    """c - a * b with the product's rounding error added back: within an ulp or two of exact."""
    c = {ns}.asarray(c, dtype={ns}.float64)
    p, p_error = _two_product({call}{ns}.asarray(a, dtype={ns}.float64), {ns}.asarray(b, dtype={ns}.float64))
    return (c - p) - p_error


{compensated}'''
