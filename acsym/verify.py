"""Independent references for the generated functions (SymPy and mpmath, loaded lazily).

``mp_reference(name)`` evaluates the *textbook* form that the derivation proved equal to the
printed stable form (``Formula.reference``), with mpmath at high precision; at kappa = 0, where
the textbook form is 0/0, it evaluates the kappa = 0 branch that the proofs show is its limit.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

#: working precision of the references, decimal digits
DIGITS = 50


@cache
def mp_reference(name: str) -> Callable[..., Any]:
    """The textbook form of generated function ``name`` as an mpmath function of its arguments.

    Call it inside ``mpmath.workdps(DIGITS)`` with mpmath numbers; it returns an mpmath number.
    """
    import sympy as sp

    from acsym.derivation.catalog import formulas
    from acsym.derivation.codegen import _runtime_names
    from acsym.derivation.symbols import kappa

    (formula,) = [f for f in formulas() if f.name == name]
    reference = formula.inlined("reference")
    printed = formula.inlined("expr")
    if isinstance(printed, sp.Piecewise) or any(
        isinstance(p, sp.Piecewise) for p in sp.preorder_traversal(printed)
    ):
        limit = printed.replace(lambda e: isinstance(e, sp.Piecewise), lambda e: e.args[0][0])
        reference = sp.Piecewise((limit, sp.Eq(kappa, 0)), (reference, True))
    arguments = [sp.Symbol(a) for a in formula.arguments]
    return sp.lambdify(arguments, _runtime_names(reference), modules="mpmath")
