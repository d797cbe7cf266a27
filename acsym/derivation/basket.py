"""Baskets: m assets at once (Almgren & Chriss 2000, the appendix on multiple securities).

Holdings are vectors x_k (shares of each asset), trades n_k = x_{k-1} - x_k. Prices move by
tau^(1/2) L xi_k - Gamma n_k with L L^T = C, the covariance of the price changes per unit time,
and Gamma the (symmetric) permanent impact matrix; trade k executes at S_{k-1} - H n_k / tau,
H the temporary impact matrix. From these definitions (two assets, two trades, symbolically):

    E = X^T Gamma X / 2 + (1/tau) sum_k n_k^T H_tilde n_k,   H_tilde = H - Gamma tau / 2,
    Var = tau sum_k x_k^T C x_k,

and d(E + lambda Var)/dx_j = 0 is the block-tridiagonal system

    D x_j - H_tilde x_{j-1} - H_tilde x_{j+1} = 0,   D = 2 H_tilde + lambda tau^2 C,

which a block Thomas algorithm solves in O(N m^3) for any (cross-)impact. When H_tilde is
diagonal, y = V^T H_tilde^(1/2) x with H_tilde^(-1/2) C H_tilde^(-1/2) = V diag(mu) V^T decouples
it into m scalar conditions, each the single-asset one with sigma^2 / eta_tilde replaced by mu_i:
every mode is a sinh schedule with its own kappa from the same characteristic equation.
The symbolic proofs use two assets; the algebra is the same for any m.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import sympy as sp

from acsym.derivation.symbols import covariance as covariance_symbol
from acsym.derivation.symbols import eta_tilde, lam, tau

if TYPE_CHECKING:
    from acsym.derivation.catalog import Formula
    from acsym.derivation.document import Section
    from acsym.derivation.proofs import Proof

ASSETS = 2


def _symmetric(name: str) -> sp.Matrix:
    return sp.Matrix(
        ASSETS, ASSETS, lambda i, j: sp.Symbol(f"{name}_{min(i, j) + 1}{max(i, j) + 1}", real=True)
    )


#: temporary impact, permanent impact (symmetric) and the covariance's Cholesky factor
H = _symmetric("h")
Gamma = _symmetric("g")
L = sp.Matrix(ASSETS, ASSETS, lambda i, j: sp.Symbol(f"l_{i + 1}{j + 1}", real=True) if j <= i else 0)
C = L * L.T
price_0 = sp.Matrix(ASSETS, 1, lambda i, _: sp.Symbol(f"S_{i + 1}", positive=True))


def _vector(name: str, index: int) -> sp.Matrix:
    return sp.Matrix(ASSETS, 1, lambda i, _: sp.Symbol(f"{name}_{index},{i + 1}", real=True))


def shortfall(steps: int) -> tuple[sp.Expr, list[sp.Symbol]]:
    """Implementation shortfall of a concrete basket schedule (trades n_k, shocks xi_k)."""
    price = price_0
    proceeds = sp.S.Zero
    shocks: list[sp.Symbol] = []
    trades = [_vector("n", k) for k in range(1, steps + 1)]
    for k, trade in enumerate(trades, start=1):
        execution = price - H * trade / tau
        proceeds += (trade.T * execution)[0, 0]
        xi = _vector("xi", k)
        shocks += list(xi)
        price = price + sp.sqrt(tau) * L * xi - Gamma * trade
    order = sum(trades, sp.zeros(ASSETS, 1))
    return sp.expand((order.T * price_0)[0, 0] - proceeds), shocks


def mean_and_variance(steps: int) -> tuple[sp.Expr, sp.Expr]:
    """E and Var of :func:`shortfall` for independent standard normal shocks (it is linear in them)."""
    cost, shocks = shortfall(steps)
    mean = cost.subs({s: 0 for s in shocks})
    variance = sp.expand(sum(cost.coeff(s) ** 2 for s in shocks))
    return mean, variance


def closed_forms(steps: int) -> tuple[sp.Expr, sp.Expr]:
    """X^T Gamma X / 2 + (1/tau) sum n^T H_tilde n and tau sum_{k=1..N} x_k^T C x_k."""
    trades = [_vector("n", k) for k in range(1, steps + 1)]
    order = sum(trades, sp.zeros(ASSETS, 1))
    h_tilde = H - Gamma * tau / 2
    mean = (order.T * Gamma * order)[0, 0] / 2 + sum((n.T * h_tilde * n)[0, 0] for n in trades) / tau
    holdings = [sum(trades[k:], sp.zeros(ASSETS, 1)) for k in range(1, steps + 1)]
    variance = tau * sum((x.T * C * x)[0, 0] for x in holdings)
    return sp.expand(mean), sp.expand(variance)


#: H_tilde as a matrix of symbols, for the first-order conditions
H_tilde = _symmetric("etatilde")
#: the covariance as a matrix of symbols
Cov = _symmetric("C")


@cache
def first_order_condition() -> sp.Matrix:
    """(tau / 2) d(E + lambda Var)/dx_j for an interior holding vector x_j."""
    before, here, after = _vector("x", 0), _vector("x", 1), _vector("x", 2)
    left, right = before - here, here - after
    window = ((left.T * H_tilde * left)[0, 0] + (right.T * H_tilde * right)[0, 0]) / tau
    objective = window + lam * tau * (here.T * Cov * here)[0, 0]
    gradient = sp.Matrix([sp.diff(objective, v) for v in here])
    return sp.expand(gradient * tau / 2)


@cache
def diagonal_block() -> sp.Matrix:
    """D = 2 H_tilde + lambda tau^2 C: the coefficient of x_j in :func:`first_order_condition`."""
    here = _vector("x", 1)
    return first_order_condition().jacobian(here)


@cache
def diagonal_block_element() -> sp.Expr:
    """D's (1, 2) element with its symbols renamed to the runtime's: it is elementwise, so the
    generated function applied to the matrices H_tilde and C gives D."""
    element = diagonal_block()[0, 1]
    return element.subs({H_tilde[0, 1]: eta_tilde, Cov[0, 1]: covariance_symbol})


#: the modal parametrisation for the proof: H_tilde = S^2 diagonal, V a rotation, C = S V diag(mu) V^T S
_s = sp.symbols("s_1:3", positive=True)
_mu = sp.symbols("mu_1:3", nonnegative=True)
_theta = sp.Symbol("theta", real=True)


def _modes_decouple() -> sp.Expr:
    """With x = S^-1 V y, V^T S^-1 times the first-order condition is, mode by mode,
    (2 + lambda tau^2 mu_i) y_j - y_{j-1} - y_{j+1}: the scalar condition with c = lambda tau^2 mu_i."""
    scale = sp.diag(*_s)
    rotation = sp.Matrix([[sp.cos(_theta), -sp.sin(_theta)], [sp.sin(_theta), sp.cos(_theta)]])
    covariance = scale * rotation * sp.diag(*_mu) * rotation.T * scale
    substitution = {H_tilde[i, j]: (scale * scale)[i, j] for i in range(ASSETS) for j in range(ASSETS)}
    substitution |= {Cov[i, j]: covariance[i, j] for i in range(ASSETS) for j in range(ASSETS)}
    ys = [_vector("y", i) for i in range(3)]
    xs = {
        v: (scale.inv() * rotation * y)[r]
        for y, x in zip(ys, [_vector("x", i) for i in range(3)], strict=True)
        for r, v in enumerate(x)
    }
    condition = first_order_condition().subs(substitution).subs(xs)
    modal = sp.simplify(rotation.T * scale.inv() * condition)
    expected = sp.Matrix(
        [(2 + lam * tau**2 * _mu[i]) * ys[1][i] - ys[0][i] - ys[2][i] for i in range(ASSETS)]
    )
    return sp.simplify(modal - expected).norm()


def proofs() -> tuple[Proof, ...]:
    """The basket's claims."""
    from acsym.derivation.proofs import Proof

    return (
        Proof(
            "basket_first_principles",
            "E and Var of the simulated basket shortfall (two assets, N = 1, 2) are X^T Gamma X / 2 + "
            "(1/tau) sum n^T (H - Gamma tau / 2) n and tau sum x_k^T C x_k, Gamma symmetric",
            lambda: sp.Add(
                *[
                    sp.expand(a - b)
                    for steps in (1, 2)
                    for a, b in zip(mean_and_variance(steps), closed_forms(steps), strict=True)
                ]
            ),
        ),
        Proof(
            "basket_first_order_condition",
            "(tau/2) d(E + lambda Var)/dx_j = (2 H_tilde + lambda tau^2 C) x_j - H_tilde (x_{j-1} + x_{j+1})",
            lambda: sp.expand(
                first_order_condition()
                - (2 * H_tilde + lam * tau**2 * Cov) * _vector("x", 1)
                + H_tilde * (_vector("x", 0) + _vector("x", 2))
            ).norm(),
        ),
        Proof(
            "basket_modes",
            "for diagonal H_tilde, y = V^T H_tilde^(1/2) x decouples the conditions into the scalar "
            "one with sigma^2 / eta_tilde -> mu_i, the eigenvalues of H_tilde^(-1/2) C H_tilde^(-1/2)",
            _modes_decouple,
        ),
    )


def sections() -> tuple[Section, ...]:
    from acsym.derivation.document import Section

    return (
        Section(
            "Baskets (Almgren & Chriss 2000, the appendix on multiple securities)",
            "m assets with covariance C (per unit time), temporary impact H and symmetric permanent "
            "impact Gamma. From the simulated shortfall (two assets shown in the proofs), E = X^T Gamma "
            "X / 2 + (1/tau) sum n^T H_tilde n with H_tilde = H - Gamma tau / 2 and Var = tau sum x^T C x. "
            "The first-order conditions are block tridiagonal, D x_j - H_tilde (x_{j-1} + x_{j+1}) = 0, "
            "solved in O(N m^3) for any cross-impact. For diagonal H_tilde the modes y = V^T "
            "H_tilde^(1/2) x of H_tilde^(-1/2) C H_tilde^(-1/2) = V diag(mu) V^T decouple: each is the "
            "single-asset schedule with sigma^2 / eta_tilde replaced by mu_i (its own kappa).",
            (("\\frac{\\tau}{2} \\nabla_{x_j}", first_order_condition()), ("D", diagonal_block())),
        ),
    )


def formulas() -> tuple[Formula, ...]:
    from acsym.derivation.catalog import Formula

    return (
        Formula(
            name="basket_diagonal_block",
            arguments=("eta_tilde", "covariance", "risk_aversion", "tau"),
            expr=diagonal_block_element(),
            reference=diagonal_block_element(),
            summary="Diagonal block of the basket's block-tridiagonal first-order conditions, elementwise.",
            formula="D = 2 eta_tilde + risk_aversion tau**2 covariance",
            returns="currency * time unit / share**2",
            notes="Elementwise: applied to the matrices H_tilde = eta_tilde(H, Gamma, tau) and C it "
            "gives D = 2 H_tilde + lambda tau**2 C; the off-diagonal blocks are -H_tilde.",
        ),
    )


__all__ = [
    "ASSETS",
    "closed_forms",
    "diagonal_block",
    "diagonal_block_element",
    "first_order_condition",
    "formulas",
    "mean_and_variance",
    "proofs",
    "sections",
    "shortfall",
]
