"""Cheaper forms of the schedule for one order or a batch: the work that depends on the order
alone (kappa, X, T, tau) is done once per order, and each element pays one or two elementary
functions. Each is proved equal to the textbook form in :mod:`acsym.derivation.proofs`.

* ``trade_sizes_direct``, the trades' twin of :func:`acsym.derivation.batch.holdings_direct`:
  n(t) = cosh(kappa (T - t + tau / 2)) * (2 X sinh(kappa tau / 2) / sinh(kappa T)), one cosh per
  element, for 0 < kappa T <= :data:`~acsym.derivation.batch.DIRECT_RANGE`. The condition
  number of cosh at z is z tanh z <= z, so rounding costs at most about (3 + kappa T) eps, as
  for the direct holdings.
* ``holdings_urgent``, for front-loaded schedules (kappa T > DIRECT_RANGE, where sinh's
  rounding grows like kappa T eps and it overflows past 710), and accurate below that range as
  well (the runtime uses it there for a batch it covers whole, to avoid splitting it):
  x(t) = exp(-kappa t) * (-expm1(-2 kappa (T - t))) * (X / -expm1(-2 kappa T)), one exp and one
  expm1 per element. No difference of nearly equal terms (expm1 keeps the end of the horizon
  accurate) and nothing overflows; the rounding of kappa t costs kappa t eps / 2 relative, which
  is why it is used only up to :data:`URGENT_RANGE` (4.5e-14 there, under the 1e-13 of
  ``acsym verify``), and e^-kappa t stays a normal number there (the stable form splits its
  decay to reach further).
* ``trade_sizes_urgent``: n(t) = exp(-kappa (t - tau)) (1 + exp(-kappa (tau + 2 (T - t))))
  * (X expm1(-kappa tau) / expm1(-2 kappa T)), a sum of positive terms; two exp per element.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import sympy as sp
from sympy.codegen.cfunctions import expm1

from acsym.derivation import batch, stable
from acsym.derivation.symbols import T, X, kappa, t, tau

if TYPE_CHECKING:
    from acsym.derivation.catalog import Formula

#: the urgent forms are used for DIRECT_RANGE < kappa * horizon <= URGENT_RANGE (see above);
#: acsym/trajectory.py holds the same number (tests/test_fast_forms.py checks they agree)
URGENT_RANGE = 400

#: the per-order factor, printed as an intermediate step
scale = sp.Symbol("scale")
#: T - t, printed as an intermediate step so that SymPy does not distribute 2 (T - t): 2T - 2t
#: rounds 2T + tau first, an error of 2 kappa T ulps in the exponent
remaining = sp.Symbol("remaining")


@cache
def trade_direct_scale() -> sp.Expr:
    """2 X sinh(kappa tau / 2) / sinh(kappa T): the trades' factor that does not depend on time."""
    return 2 * X * sp.sinh(kappa * tau / 2) / sp.sinh(kappa * T)


@cache
def trade_direct() -> sp.Expr:
    """n(t) = cosh(kappa (T - t + tau / 2)) * scale."""
    return sp.cosh(kappa * (T - t + tau / 2)) * scale


@cache
def holdings_urgent_scale() -> sp.Expr:
    """-X / expm1(-2 kappa T) = X / (1 - e^(-2 kappa T))."""
    return -X / expm1(-2 * kappa * T)


@cache
def holdings_urgent() -> sp.Expr:
    """x(t) = exp(-kappa t) * (-expm1(-2 kappa (T - t))) * scale."""
    return -sp.exp(-kappa * t) * expm1(-2 * kappa * (T - t)) * scale


@cache
def trade_urgent_scale() -> sp.Expr:
    """X expm1(-kappa tau) / expm1(-2 kappa T) = X (1 - e^(-kappa tau)) / (1 - e^(-2 kappa T))."""
    return X * expm1(-kappa * tau) / expm1(-2 * kappa * T)


@cache
def trade_urgent() -> sp.Expr:
    """n(t) = exp(-kappa (t - tau)) (1 + exp(-kappa (tau + 2 remaining))) * scale, remaining = T - t."""
    return sp.exp(-kappa * (t - tau)) * (1 + sp.exp(-kappa * (tau + 2 * remaining))) * scale


def inlined(expr: sp.Expr, scale_value: sp.Expr) -> sp.Expr:
    """``expr`` with the scale and T - t substituted back (what the proofs compare)."""
    return expr.subs({scale: scale_value, remaining: T - t})


def formulas() -> tuple[Formula, ...]:
    """The catalog entries of the forms above (appended to :func:`acsym.derivation.catalog.formulas`)."""
    from acsym.derivation.catalog import Formula

    direct, urgent = batch.DIRECT_RANGE, URGENT_RANGE
    holdings_args = ("order_size", "time", "horizon", "kappa")
    return (
        Formula(
            name="trade_sizes_direct",
            arguments=(*holdings_args, "tau"),
            steps=((scale, trade_direct_scale()),),
            expr=trade_direct(),
            reference=X * stable.trade_fraction_textbook(),
            summary="Shares sold in (time - tau, time], one cosh per element, for 0 < kappa * horizon "
            f"<= {direct}.",
            formula="trade = cosh(kappa * (horizon - time + tau / 2)) * "
            "(2 * order_size * sinh(kappa * tau / 2) / sinh(kappa * horizon))",
            returns="shares",
            notes="The trades' twin of holdings_direct: within about (3 + kappa * horizon) eps of "
            f"trade_sizes for 0 < kappa * horizon <= {direct}. Outside that range use trade_sizes "
            "(kappa = 0 is 0/0 here; cosh overflows past kappa * horizon ~ 710).",
        ),
        Formula(
            name="holdings_urgent",
            arguments=holdings_args,
            steps=((scale, holdings_urgent_scale()),),
            expr=holdings_urgent(),
            reference=X * stable.holdings_fraction_textbook(),
            summary="Shares still held, one exp and one expm1 per element, for 0 < kappa * horizon "
            f"<= {urgent}.",
            formula="holdings = exp(-kappa * time) * (1 - exp(-2 * kappa * (horizon - time))) * "
            "(order_size / (1 - exp(-2 * kappa * horizon)))",
            returns="shares",
            notes="For front-loaded schedules (kappa * horizon > 20, where holdings_direct loses "
            "digits): no overflow, no cancellation (expm1), and the rounding of kappa * time costs "
            f"at most kappa * time * eps / 2 relative, below 5e-14 for kappa * horizon <= {urgent}. "
            "kappa = 0 is 0/0 here: use holdings there, and past the range.",
        ),
        Formula(
            name="trade_sizes_urgent",
            arguments=(*holdings_args, "tau"),
            steps=((scale, trade_urgent_scale()), (remaining, T - t)),
            expr=trade_urgent(),
            reference=X * stable.trade_fraction_textbook(),
            summary=f"Shares sold in (time - tau, time], two exp per element, for 0 < kappa * horizon "
            f"<= {urgent}.",
            formula="trade = exp(-kappa * (time - tau)) * (1 + exp(-kappa * (tau + 2 * (horizon - time)))) "
            "* (order_size * (1 - exp(-kappa * tau)) / (1 - exp(-2 * kappa * horizon)))",
            returns="shares",
            notes="A sum of positive terms, accurate like holdings_urgent in the same range.",
        ),
    )


__all__ = [
    "URGENT_RANGE",
    "formulas",
    "holdings_urgent",
    "holdings_urgent_scale",
    "inlined",
    "remaining",
    "scale",
    "trade_direct",
    "trade_direct_scale",
    "trade_urgent",
    "trade_urgent_scale",
]
