"""``docs/derivation.md`` and the output of ``python -m acsym derive``, from the derivation.

:func:`sections` computes the results once as (title, text, [(label, expression)]) records;
:func:`markdown` and :func:`pretty` only format them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sympy as sp

from acsym.derivation import (
    basket,
    continuous,
    discrete,
    drift,
    drift_moments,
    powerlaw,
    soft_deadline,
    soft_deadline_discrete,
    stable,
    transient,
)
from acsym.derivation.codegen import COMMAND
from acsym.derivation.proofs import PROOFS

TARGET = Path(__file__).resolve().parents[2] / "docs" / "derivation.md"


@dataclass(frozen=True)
class Section:
    title: str
    text: str
    results: tuple[tuple[str, sp.Basic], ...]


def sections() -> tuple[Section, ...]:
    """The derivation as a reader follows it."""
    return (
        Section(
            "Model",
            "Sell X shares over T in N intervals of length tau; holdings x_0 = X, ..., x_N = 0, "
            "trades n_k = x_{k-1} - x_k. The price moves by sigma tau^(1/2) xi_k - gamma n_k and "
            "trade k executes at S_{k-1} - epsilon sgn(n_k) - eta n_k / tau. The implementation "
            "shortfall of N = 2 trades, expanded by SymPy from these definitions:",
            (("X S_0 - \\sum n_k \\tilde S_k", discrete.shortfall(2)),),
        ),
        Section(
            "Expected cost and variance",
            "The shortfall is linear in the shocks xi_k, so its mean drops them and its variance "
            "sums their squared coefficients. Each trade pays the permanent impact of the earlier "
            "ones; the sum telescopes, and tau times the coefficient of sum n_k^2 is eta_tilde.",
            (
                ("n_k x_k", discrete.telescoping_identity()),
                ("E", discrete.expected_cost()),
                ("\\tilde\\eta", discrete.eta_tilde_definition()),
                ("\\mathrm{Var}", discrete.variance()),
            ),
        ),
        Section(
            "Well-posedness",
            "The Hessian of E in the free holdings is (2 eta_tilde / tau) times the positive "
            "definite second-difference matrix (N = 4 shown), so E + lambda Var is strictly "
            "convex for every lambda >= 0 exactly when",
            (("H_4", discrete.hessian_of_expected_cost(4)), ("", discrete.well_posedness())),
        ),
        Section(
            "Continuous time: Euler-Lagrange",
            "With L = eta x'^2 + lambda sigma^2 x^2, the Euler-Lagrange equation, its decay "
            "rate, and the solution with x(0) = X, x(T) = 0:",
            (
                ("L", continuous.lagrangian()),
                ("", continuous.euler_lagrange_equation()),
                ("\\kappa", continuous.kappa_continuous()),
                ("x(t)", continuous.holdings_solution()),
            ),
        ),
        Section(
            "Discrete time: first-order conditions and kappa",
            "Setting d(E + lambda Var)/dx_j = 0 for an interior holding, then trying "
            "x_j = exp(kappa j tau), gives the characteristic equation; its non-negative root, "
            "the paper's arccosh form, and the stable asinh form used at runtime:",
            (
                ("", discrete.first_order_condition()),
                ("", discrete.characteristic_equation()),
                ("\\kappa", discrete.kappa_from_characteristic_equation()),
                ("\\kappa", discrete.kappa_textbook()),
                ("\\kappa", stable.kappa_stable()),
            ),
        ),
        Section(
            "The optimal schedule",
            "The solution of the first-order conditions with x_0 = X and x_N = 0, its trades, and "
            "the stable forms evaluated at runtime (t_j = j tau, T = N tau):",
            (
                ("x_j", discrete.holdings_solution()),
                ("n_j", discrete.trade_solution()),
                ("x(t)/X", stable.holdings_fraction_stable()),
                ("n(t)/X", stable.trade_fraction_stable()),
            ),
        ),
        Section(
            "Cost and variance of the optimal schedule",
            "SymPy sums the geometric series (a = kappa tau); in compact hyperbolic form, and in "
            "the stable forms the runtime evaluates:",
            (
                ("\\sum (n_j/X)^2", discrete.SUM_OF_SQUARED_TRADES),
                ("\\sum (x_j/X)^2", discrete.SUM_OF_SQUARED_HOLDINGS),
                ("\\sum (n_j/X)^2", stable.sum_of_squared_trades_stable()),
                ("\\sum (x_j/X)^2", stable.sum_of_squared_holdings_stable()),
                ("E", stable.expected_cost_stable()),
                ("\\mathrm{Var}", stable.variance_stable()),
            ),
        ),
        *drift.sections(),
        *drift_moments.sections(),
        *soft_deadline.sections(),
        *soft_deadline_discrete.sections(),
        *basket.sections(),
        *powerlaw.sections(),
        *transient.sections(),
    )


def _latex(label: str, expr: sp.Basic) -> str:
    body = sp.latex(expr)
    return f"$$\n{label} = {body}\n$$" if label else f"$$\n{body}\n$$"


def markdown() -> str:
    """The text of ``docs/derivation.md``."""
    lines = [
        "<!-- GENERATED by `" + COMMAND + "` from acsym/derivation/document.py. Do NOT edit by hand. -->",
        "",
        "# The Almgren-Chriss model, derived",
        "",
        "Every formula below is computed by SymPy in `acsym/derivation/` and printed here; the "
        "same expressions are printed as numpy code into `acsym/formulas.py`. The stable forms "
        "use the special functions of `acsym/derivation/special.py`, each defined by an "
        "elementary rewrite: exprel(z) = (e^z - 1)/z, sinh_tail(z) = e^-z (sinh z - z)/z^3, "
        "and exp, fused multiply-subtract and scaled squares with their roundings compensated.",
        "",
    ]
    for section in sections():
        lines += [f"## {section.title}", "", section.text, ""]
        for label, expr in section.results:
            lines += [_latex(label, expr), ""]
    lines += [
        "## Proofs",
        "",
        "Each claim is reduced to exactly 0 by SymPy "
        "(`acsym/derivation/proofs.py`; the tests run every one):",
        "",
    ]
    lines += [f"- **{p.name}**: {p.claim}" for p in PROOFS]
    return "\n".join(lines) + "\n"


def pretty(latex: bool = False) -> str:
    """The derivation for a terminal (unicode pretty printing) or as LaTeX."""
    out: list[str] = []
    for section in sections():
        out += [f"== {section.title} ==", section.text, ""]
        for label, expr in section.results:
            if latex:
                out.append(_latex(label, expr))
            else:
                shown = sp.pretty(expr, use_unicode=True, wrap_line=False)
                out.append(f"{label} =\n{shown}" if label else shown)
            out.append("")
    return "\n".join(out)
