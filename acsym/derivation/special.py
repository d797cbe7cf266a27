"""Special functions that make the runtime forms stable, each defined by an elementary rewrite.

Each class is a SymPy function whose ``rewrite(sp.exp)`` is its textbook definition (used by the
proofs), whose value at 0 is its limit there, and whose numpy implementation the code generator
emits into the generated module (see :func:`numpy_helpers`).
"""

from __future__ import annotations

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


def sinh_tail_series_coefficients() -> list[sp.Rational]:
    r"""Taylor coefficients :math:`c_m` of :math:`(\sinh z - z)/z^3 = \sum_m c_m z^{2m}`."""
    series = sp.series((sp.sinh(_z) - _z) / _z**3, _z, 0, 2 * SINH_TAIL_SERIES_TERMS).removeO()
    poly = sp.Poly(series, _z)
    return [sp.Rational(poly.coeff_monomial(_z ** (2 * m))) for m in range(SINH_TAIL_SERIES_TERMS)]


def numpy_helpers() -> str:
    """Source of the numpy implementations of the functions above, for the generated module."""
    coefficients = ", ".join(repr(float(c)) for c in reversed(sinh_tail_series_coefficients()))
    return f'''\
def _exprel(z: ArrayLike) -> NDArray[numpy.float64]:
    """(exp(z) - 1) / z, and 1 at z = 0; expm1 keeps every digit near 0."""
    z = numpy.asarray(z, dtype=numpy.float64)
    zero = z == 0
    return numpy.where(zero, 1.0, numpy.expm1(z) / numpy.where(zero, 1.0, z))


_SINH_TAIL_SERIES = ({coefficients})


def _sinh_tail(z: ArrayLike) -> NDArray[numpy.float64]:
    """exp(-z) * (sinh(z) - z) / z**3 for z >= 0 (series below {SINH_TAIL_SERIES_BELOW})."""
    z = numpy.asarray(z, dtype=numpy.float64)
    small = numpy.minimum(z, {SINH_TAIL_SERIES_BELOW})
    large = numpy.maximum(z, {SINH_TAIL_SERIES_BELOW})
    series = numpy.polyval(_SINH_TAIL_SERIES, small * small) * numpy.exp(-small)
    direct = (-0.5 * numpy.expm1(-2.0 * large) - large * numpy.exp(-large)) / large**3
    return numpy.where(z < {SINH_TAIL_SERIES_BELOW}, series, direct)
'''
