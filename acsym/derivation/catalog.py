"""What the generated module contains: one :class:`Formula` per runtime function.

Each entry names the derivation result that is printed (``expr``, the stable form) and the
textbook form it was proved equal to (``reference``, which :mod:`acsym.verify` evaluates with
mpmath). Arguments are the runtime names of :data:`acsym.derivation.symbols.ARGUMENTS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import sympy as sp

from acsym.derivation import (
    basket,
    batch,
    discrete,
    drift,
    drift_moments,
    fast,
    powerlaw,
    soft_deadline,
    soft_deadline_discrete,
    stable,
    transient,
)
from acsym.derivation.symbols import ARGUMENTS, X, eta_tilde

#: the names intermediate results are printed under (see :attr:`Formula.steps`)
fraction = sp.Symbol("fraction")
scaled = sp.Symbol("scaled")


@dataclass(frozen=True)
class Formula:
    """One generated function: its name, arguments, expression and documentation."""

    name: str
    arguments: tuple[str, ...]
    expr: sp.Expr
    reference: sp.Expr
    summary: str
    formula: str
    returns: str
    notes: str = ""
    #: intermediate assignments printed before ``expr``, in order: they fix the order of the
    #: products (X * fraction is one rounding; X is applied before the last half of a decay)
    steps: tuple[tuple[sp.Symbol, sp.Expr], ...] = field(default=())

    @property
    def symbols(self) -> list[sp.Basic]:
        return [ARGUMENTS[name].symbol for name in self.arguments]

    def inlined(self, which: str = "expr") -> sp.Expr:
        """``expr`` (or ``reference``) with the steps substituted back."""
        result = getattr(self, which)
        for symbol, value in reversed(self.steps):
            result = result.subs(symbol, value)
        return result


@cache
def formulas() -> tuple[Formula, ...]:
    """Every function of ``acsym/formulas.py``, in the order they are written."""
    from acsym.derivation import sensitivity  # it builds on the entries above

    return (
        Formula(
            name="eta_tilde",
            arguments=("eta", "gamma", "tau"),
            expr=stable.eta_tilde_stable(),
            reference=discrete.eta_tilde_definition(),
            summary="Temporary impact net of the permanent impact's discrete-time share.",
            formula="eta_tilde = eta - gamma * tau / 2",
            returns="currency * time unit / share**2",
            notes="The model is well posed (its expected cost strictly convex) only where eta_tilde > 0. "
            "Evaluated as one fused multiply-subtract, accurate to the last digits as eta_tilde -> 0.",
        ),
        Formula(
            name="kappa",
            arguments=("risk_aversion", "sigma", "eta_tilde", "tau"),
            expr=stable.kappa_runtime(),
            reference=stable.kappa_textbook_runtime(),
            summary="Decay rate of the optimal discrete-time schedule.",
            formula="kappa = (2 / tau) * asinh(tau * sqrt(risk_aversion * sigma**2 / eta_tilde) / 2)",
            returns="1 / time unit",
            notes="The root of 2 (cosh(kappa tau) - 1) = tau**2 risk_aversion sigma**2 / "
            "eta_tilde, written with asinh: the textbook arccosh(1 + y) / tau returns exactly 0 "
            "once y < 1e-16. Exactly 0 at risk_aversion = 0. Requires eta_tilde > 0.",
        ),
        Formula(
            name="kappa_continuous",
            arguments=("risk_aversion", "sigma", "eta"),
            expr=sp.sqrt(discrete.kappa_tilde_squared().subs(eta_tilde, ARGUMENTS["eta"].symbol)),
            reference=sp.sqrt(discrete.kappa_tilde_squared().subs(eta_tilde, ARGUMENTS["eta"].symbol)),
            summary="Decay rate of the optimal continuous-time schedule (the tau -> 0 limit).",
            formula="kappa = sqrt(risk_aversion * sigma**2 / eta)",
            returns="1 / time unit",
        ),
        Formula(
            name="holdings",
            arguments=("order_size", "time", "horizon", "kappa"),
            steps=((fraction, stable.holdings_fraction_split()), (scaled, X * fraction)),
            expr=scaled * stable.holdings_half_decay(),
            reference=X * stable.holdings_fraction_textbook(),
            summary="Shares still held at a time on the optimal schedule.",
            formula="holdings = order_size * sinh(kappa * (horizon - time)) / sinh(kappa * horizon)",
            returns="shares",
            notes="Evaluated as exp(-kappa t) ((T - t)/T) exprel(-2 kappa (T - t)) / "
            "exprel(-2 kappa T), which never overflows and keeps every digit as kappa -> 0, with "
            "half of exp(-kappa t) applied after order_size so no intermediate is subnormal "
            "where the holdings are not; "
            "kappa = 0 gives TWAP, order_size * (horizon - time) / horizon. Only kappa * time, "
            "kappa * horizon and time / horizon matter, so (j, N, kappa * tau) gives x_j.",
        ),
        Formula(
            name="holdings_direct",
            arguments=("order_size", "time", "horizon", "kappa"),
            steps=((batch.scale, batch.holdings_direct_scale()),),
            expr=batch.holdings_direct(),
            reference=X * stable.holdings_fraction_textbook(),
            summary="Shares still held, for batches: one sinh per element, for 0 < kappa * horizon <= 20.",
            formula="holdings = sinh(kappa * (horizon - time)) * (order_size / sinh(kappa * horizon))",
            returns="shares",
            notes="The textbook ratio with its denominator computed once per order: about three "
            "times cheaper than holdings per element, and within 1e-14 relative of it for 0 < "
            "kappa * horizon <= 20, where rounding costs at most (2 + kappa * horizon) eps. "
            "Outside that range use holdings: kappa = 0 is 0/0 here and sinh overflows past "
            "kappa * horizon ~ 710. generate_ac_holdings picks the form per order.",
        ),
        Formula(
            name="trade_sizes",
            arguments=("order_size", "time", "horizon", "kappa", "tau"),
            steps=((fraction, stable.trade_fraction_split()), (scaled, X * fraction)),
            expr=scaled * stable.trade_half_decay(),
            reference=X * stable.trade_fraction_textbook(),
            summary="Shares sold in the interval (time - tau, time] on the optimal schedule.",
            formula="trade = holdings(time - tau) - holdings(time)",
            returns="shares",
            notes="Evaluated as a sum of positive terms, (tau / 2T) exp(-kappa (t - tau)) "
            "(1 + exp(-kappa (2T - 2t + tau))) exprel(-kappa tau) / exprel(-2 kappa T), not as a "
            "difference of holdings, with half of exp(-kappa (t - tau)) applied after order_size. "
            "kappa = 0 gives order_size * tau / horizon.",
        ),
        Formula(
            name="expected_cost",
            arguments=("order_size", "horizon", "tau", "kappa", "gamma", "eta_tilde", "epsilon"),
            expr=stable.expected_cost_stable(),
            reference=discrete.expected_cost_optimal(),
            summary="Expected implementation shortfall of the optimal schedule.",
            formula="E = gamma X**2 / 2 + epsilon X + (eta_tilde / tau) X**2 "
            "(tanh(kappa tau / 2) / tanh(kappa T) + 2 N sinh(kappa tau / 2)**2 / "
            "sinh(kappa T)**2), N = T / tau",
            returns="currency",
            notes="The closed form of the sum of squared trades is SymPy's geometric sum; it is "
            "evaluated with exprel as a sum of positive terms.",
        ),
        Formula(
            name="variance",
            arguments=("order_size", "horizon", "tau", "kappa", "sigma"),
            steps=((scaled, stable.variance_split()),),
            expr=scaled * stable.variance_half_decay(),
            reference=discrete.variance_optimal(),
            summary="Variance of the implementation shortfall of the optimal schedule.",
            formula="Var = sigma**2 tau X**2 (sinh((2N - 1) kappa tau) / sinh(kappa tau) - "
            "(2N - 1)) / (4 sinh(kappa T)**2), N = T / tau",
            returns="currency**2",
            notes="The textbook difference cancels as kappa T -> 0; it is evaluated with "
            "sinh_tail (e^-z (sinh z - z) / z**3), which loses at most a factor 9/8, with the "
            "exponentials' arguments compensated and one factor exp(-kappa tau) applied last, "
            "so no intermediate is subnormal where the variance is not.",
        ),
        Formula(
            name="schedule_expected_cost",
            arguments=("trade_sizes", "tau", "gamma", "eta_tilde", "epsilon"),
            expr=discrete.expected_cost_of_schedule(),
            reference=discrete.expected_cost_of_schedule(),
            summary="Expected implementation shortfall of any schedule, given its trades.",
            formula="E = gamma X**2 / 2 + epsilon sum|n_k| + (eta_tilde / tau) sum n_k**2, X = sum n_k",
            returns="currency",
            notes="trade_sizes holds n_1..n_N along its last axis; leading axes broadcast.",
        ),
        Formula(
            name="schedule_variance",
            arguments=("holdings", "tau", "sigma"),
            expr=stable.schedule_variance_stable(),
            reference=discrete.variance(),
            summary="Variance of the implementation shortfall of any schedule, given its holdings.",
            formula="Var = sigma**2 tau sum_{k=1..N} x_k**2",
            returns="currency**2",
            notes="holdings holds x_0..x_N along its last axis (x_0 does not count); leading axes "
            "broadcast. Each holding is scaled by sigma sqrt(tau) before it is squared, so a tiny "
            "holding keeps its digits wherever its share of the variance is a normal number.",
        ),
        *stable.kappa_tau_formulas(),
        *fast.formulas(),
        *sensitivity.formulas(),
        *drift.formulas(),
        *drift_moments.formulas(),
        *soft_deadline.formulas(),
        *soft_deadline_discrete.formulas(),
        *basket.formulas(),
        *powerlaw.formulas(),
        *transient.formulas(),
    )
