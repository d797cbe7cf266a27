"""A faster form of the holdings for batches: one ``sinh`` per element, proved equal.

:func:`~acsym.derivation.stable.holdings_fraction_stable` is stable over the whole domain, but
it costs ``exp`` + two ``exprel`` (each an ``expm1``, a division and two ``where``) + a
``where`` per element. When kappa * T is moderate the textbook ratio itself is accurate, and
its denominator depends on the order alone, so it can be computed once per order:

    scale = X / sinh(kappa T)            (one value per order)
    x(t)  = sinh(kappa (T - t)) * scale  (one sinh and one product per element)

Domain and accuracy (why the runtime uses it only for 0 < kappa T <= :data:`DIRECT_RANGE`):

* kappa T = 0 is 0/0 here (the stable form gives TWAP exactly), and sinh(kappa T) overflows
  past kappa T ~ 710; both are left to the stable form.
* Rounding kappa * (T - t) and kappa * T to doubles moves each sinh by at most
  (kappa T) eps / 2 relative (the condition number of sinh at z is z coth z <= 1 + z), so the
  ratio is within about (2 + kappa T) eps of the exact one: below 5e-15 for kappa T <= 20.
  The stable form carries the same kind of error (its exp(-kappa t) has condition number
  kappa t), which is why the two agree to 1e-14 relative there (tests/test_batch.py) and why
  the range is not wider: at kappa T = 700 either could be 1.5e-13 from the other.
* For a product kappa * (T - t) > 0 to keep its digits it must not be subnormal: kappa >=
  2.2e-308 on the integer grid (T - t >= 1 in units of tau).
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from acsym.derivation.symbols import T, X, kappa, t

#: the generated function is used for 0 < kappa * horizon <= DIRECT_RANGE (see the module doc);
#: acsym/trajectory.py holds the same number (tests/test_batch.py checks they agree)
DIRECT_RANGE = 20

#: the per-order factor, printed as an intermediate step
scale = sp.Symbol("scale")


@cache
def holdings_direct_scale() -> sp.Expr:
    """X / sinh(kappa T): everything in the holdings that does not depend on the time."""
    return X / sp.sinh(kappa * T)


@cache
def holdings_direct() -> sp.Expr:
    """x(t) = sinh(kappa (T - t)) * scale, with ``scale`` from :func:`holdings_direct_scale`."""
    return sp.sinh(kappa * (T - t)) * scale


def holdings_direct_inlined() -> sp.Expr:
    """:func:`holdings_direct` with the scale substituted back (what the proofs compare)."""
    return holdings_direct().subs(scale, holdings_direct_scale())


__all__ = ["DIRECT_RANGE", "holdings_direct", "holdings_direct_inlined", "holdings_direct_scale", "scale"]
