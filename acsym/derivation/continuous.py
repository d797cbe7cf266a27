"""Continuous time: the Euler-Lagrange solution of min E + lambda Var.

With trading rate :math:`v = -\\dot x`, temporary impact costs :math:`\\int \\eta v^2 dt`, the
permanent impact costs the constant :math:`\\gamma X^2/2`, and the variance of the cost is
:math:`\\sigma^2 \\int x^2 dt`. The Lagrangian of E + lambda Var is therefore
:math:`L = \\eta \\dot x^2 + \\lambda \\sigma^2 x^2`.
"""

from __future__ import annotations

from functools import cache

import sympy as sp
from sympy.calculus.euler import euler_equations

from acsym.derivation.symbols import T, X, eta, kappa, lam, sigma, t

#: the holdings trajectory x(t), shares
x_of_t = sp.Function("x")(t)


@cache
def lagrangian() -> sp.Expr:
    """L(x, x') of E + lambda Var in continuous time (permanent impact is a constant)."""
    return eta * sp.diff(x_of_t, t) ** 2 + lam * sigma**2 * x_of_t**2


@cache
def euler_lagrange_equation() -> sp.Eq:
    """The Euler-Lagrange equation of :func:`lagrangian`: -2 eta x'' + 2 lambda sigma^2 x = 0."""
    (equation,) = euler_equations(lagrangian(), x_of_t, t)
    return equation


@cache
def kappa_continuous() -> sp.Expr:
    """kappa = sqrt(lambda sigma^2 / eta): the growth rate of exp(kappa t) solving the equation."""
    trial = euler_lagrange_equation().lhs.subs(x_of_t, sp.exp(kappa * t)).doit()
    roots = sp.solve(sp.simplify(trial / sp.exp(kappa * t)), kappa)
    (root,) = [r for r in roots if r.is_nonnegative]
    return sp.simplify(root)


@cache
def holdings_solution() -> sp.Expr:
    """x(t) solving the Euler-Lagrange equation with x(0) = X and x(T) = 0, with kappa as a symbol.

    dsolve gives a sum of exponentials; written with sinh it is X sinh(kappa (T - t)) / sinh(kappa T).
    """
    solution = sp.dsolve(euler_lagrange_equation(), x_of_t, ics={x_of_t.subs(t, 0): X, x_of_t.subs(t, T): 0})
    exponential = solution.rhs.subs(kappa_continuous(), kappa)
    sinh_form = X * sp.sinh(kappa * (T - t)) / sp.sinh(kappa * T)
    if sp.simplify((exponential - sinh_form).rewrite(sp.exp)) != 0:  # pragma: no cover
        raise AssertionError("dsolve's solution is not X sinh(kappa (T - t)) / sinh(kappa T)")
    return sinh_form
