"""Baskets: m assets at once (Almgren & Chriss 2000, the appendix on multiple securities).

Holdings are vectors x_k (shares of each asset), trades n_k = x_{k-1} - x_k. Prices move by
tau^(1/2) L xi_k - Gamma n_k with L L^T = C, the covariance of the price changes per unit time,
and Gamma the (symmetric) permanent impact matrix; trade k executes at S_{k-1} - h(n_k / tau),
h(v)_i = epsilon_i sgn(v_i) + (H v)_i, H the temporary impact matrix and epsilon_i each asset's
fixed cost per share (half its spread). From these definitions (two assets, two trades,
symbolically):

    E = X^T Gamma X / 2 + sum_i epsilon_i sum_k |n_ki| + (1/tau) sum_k n_k^T H_tilde n_k,
    H_tilde = H - Gamma tau / 2,   Var = tau sum_k x_k^T C x_k,

and d(E + lambda Var)/dx_j = 0 is the block-tridiagonal system

    D x_j - H_tilde x_{j-1} - H_tilde x_{j+1} = 0,   D = 2 H_tilde + lambda tau^2 C,

which a block Thomas algorithm solves in O(N m^3) for any (cross-)impact. When H_tilde is
diagonal, y = V^T H_tilde^(1/2) x with H_tilde^(-1/2) C H_tilde^(-1/2) = V diag(mu) V^T decouples
it into m scalar conditions, each the single-asset one with sigma^2 / eta_tilde replaced by mu_i:
every mode is a sinh schedule with its own kappa from the same characteristic equation.
The spread term is the constant sum_i epsilon_i |X_i| for trades that keep each asset's
direction, and its gradient there is 0: it does not move the optimum (proofs
basket_spread_constant, basket_spread_conditions). The symbolic proofs use two assets; the
algebra is the same for any m. E and Var of any
schedule are printed through :class:`quadratic_form` (sum_k u_k^T A u_k, a numpy.einsum), proved
equal to the simulated shortfall's E and Var for m = 2 and 3 assets and N = 1..3 trades.
"""

from __future__ import annotations

import itertools
from functools import cache
from typing import TYPE_CHECKING, Any

import sympy as sp
from sympy.printing.codeprinter import PrintMethodNotImplementedError

from acsym.derivation.symbols import covariance as covariance_symbol
from acsym.derivation.symbols import epsilon as epsilon_symbol
from acsym.derivation.symbols import eta_tilde, h_tilde_matrix, lam, n, permanent_matrix, tau, x

if TYPE_CHECKING:
    from acsym.derivation.catalog import Formula
    from acsym.derivation.document import Section
    from acsym.derivation.proofs import Proof

ASSETS = 2


def _symmetric(name: str, assets: int = ASSETS) -> sp.Matrix:
    return sp.Matrix(
        assets, assets, lambda i, j: sp.Symbol(f"{name}_{min(i, j) + 1}{max(i, j) + 1}", real=True)
    )


def _cholesky(assets: int) -> sp.Matrix:
    return sp.Matrix(assets, assets, lambda i, j: sp.Symbol(f"l_{i + 1}{j + 1}", real=True) if j <= i else 0)


def _vector(name: str, index: int, assets: int = ASSETS) -> sp.Matrix:
    return sp.Matrix(assets, 1, lambda i, _: sp.Symbol(f"{name}_{index},{i + 1}", real=True))


def _trades(steps: int, assets: int) -> list[sp.Matrix]:
    return [_vector("n", k, assets) for k in range(1, steps + 1)]


def _spread(assets: int) -> sp.Matrix:
    """epsilon_1..epsilon_m: each asset's fixed cost per share (half its spread), >= 0."""
    return sp.Matrix(assets, 1, lambda i, _: sp.Symbol(f"epsilon_{i + 1}", nonnegative=True))


def shortfall(steps: int, assets: int = ASSETS) -> tuple[sp.Expr, list[sp.Symbol]]:
    """Implementation shortfall of a concrete basket schedule (trades n_k, shocks xi_k): trade k
    executes at S_{k-1} - h(n_k / tau), h(v)_i = epsilon_i sgn(v_i) + (H v)_i."""
    temporary, permanent, factor = _symmetric("h", assets), _symmetric("g", assets), _cholesky(assets)
    spread = _spread(assets)
    start = sp.Matrix(assets, 1, lambda i, _: sp.Symbol(f"S_{i + 1}", positive=True))
    price = start
    proceeds = sp.S.Zero
    shocks: list[sp.Symbol] = []
    trades = _trades(steps, assets)
    for k, trade in enumerate(trades, start=1):
        fixed = sp.Matrix([spread[i] * sp.sign(trade[i]) for i in range(assets)])
        execution = price - fixed - temporary * trade / tau
        proceeds += (trade.T * execution)[0, 0]
        xi = _vector("xi", k, assets)
        shocks += list(xi)
        price = price + sp.sqrt(tau) * factor * xi - permanent * trade
    order = sum(trades, sp.zeros(assets, 1))
    return sp.expand((order.T * start)[0, 0] - proceeds), shocks


def mean_and_variance(steps: int, assets: int = ASSETS) -> tuple[sp.Expr, sp.Expr]:
    """E and Var of :func:`shortfall` for independent standard normal shocks (it is linear in
    them); n sgn(n) is written |n| (both are 0 at n = 0)."""
    cost, shocks = shortfall(steps, assets)
    mean = cost.subs({s: 0 for s in shocks}).replace(sp.sign, lambda v: sp.Abs(v) / v)
    variance = sp.expand(sum(cost.coeff(s) ** 2 for s in shocks))
    return mean, variance


def closed_forms(steps: int, assets: int = ASSETS) -> tuple[sp.Expr, sp.Expr]:
    """X^T Gamma X / 2 + sum_i epsilon_i sum_k |n_ki| + (1/tau) sum n^T H_tilde n and
    tau sum_{k=1..N} x_k^T C x_k."""
    trades = _trades(steps, assets)
    order = sum(trades, sp.zeros(assets, 1))
    permanent = _symmetric("g", assets)
    h_tilde = _symmetric("h", assets) - permanent * tau / 2
    covariance = _cholesky(assets) * _cholesky(assets).T
    spread = _spread(assets)
    mean = (order.T * permanent * order)[0, 0] / 2 + sum((n.T * h_tilde * n)[0, 0] for n in trades) / tau
    mean += sum(spread[i] * sp.Abs(n[i]) for n in trades for i in range(assets))
    holdings = [sum(trades[k:], sp.zeros(assets, 1)) for k in range(1, steps + 1)]
    variance = tau * sum((x.T * covariance * x)[0, 0] for x in holdings)
    return sp.expand(mean), sp.expand(variance)


# --------------------------------------------------------------------------------------------
# E and Var of any basket schedule, as printable array expressions


def _rows(matrix: sp.MatrixBase) -> list[sp.MatrixBase]:
    return [matrix[k, :] for k in range(matrix.rows)]


class quadratic_form(sp.Function):  # a SymPy function: lower case, like sp.sin
    """sum_k u_k^T A u_k over the rows u_k of U (time along the rows, assets along the columns).

    On explicit matrices it is that sum (which the proofs compare with the model); on the
    runtime's arrays it prints as one ``numpy.einsum``. Other targets have no print method for
    it, so they leave out the formulas that use it (:func:`acsym.derivation.codegen.printable`).
    """

    nargs = 2

    @classmethod
    def eval(cls, matrix: sp.Basic, rows: sp.Basic) -> sp.Expr | None:
        if isinstance(matrix, sp.MatrixBase) and isinstance(rows, sp.MatrixBase):
            return sp.Add(*[(u * matrix * u.T)[0, 0] for u in _rows(rows)])
        return None

    def _numpycode(self, printer: Any) -> str:
        if printer._module != "numpy":
            raise PrintMethodNotImplementedError("quadratic_form prints for numpy only")
        matrix, rows = (_array_name(printer, arg) for arg in self.args)
        return f'numpy.einsum("ki,ij,kj->", {rows}, {matrix}, {rows})'


class total(sp.Function):
    """The sum of the rows of U (a 1 x m row): the whole order X = sum_k n_k."""

    nargs = 1

    @classmethod
    def eval(cls, rows: sp.Basic) -> sp.MatrixBase | None:
        if isinstance(rows, sp.MatrixBase):
            return sp.ImmutableMatrix(sum(_rows(rows), sp.zeros(1, rows.cols)))
        return None

    def _numpycode(self, printer: Any) -> str:
        if printer._module != "numpy":
            raise PrintMethodNotImplementedError("total prints for numpy only")
        return f"numpy.sum({_array_name(printer, self.args[0])}, axis=0, keepdims=True)"


class after_first(sp.Function):
    """U without its first row: the holdings x_1..x_N of x_0..x_N."""

    nargs = 1

    @classmethod
    def eval(cls, rows: sp.Basic) -> sp.MatrixBase | None:
        if isinstance(rows, sp.MatrixBase):
            return sp.ImmutableMatrix(rows[1:, :])
        return None

    def _numpycode(self, printer: Any) -> str:
        if printer._module != "numpy":
            raise PrintMethodNotImplementedError("after_first prints for numpy only")
        return f"{_array_name(printer, self.args[0])}[1:]"


class spread_cost(sp.Function):
    """sum_k sum_i epsilon_i |u_ki| over the rows u_k of U, for the per-asset fixed costs
    epsilon (a 1 x m row on explicit matrices; an m-vector, or one value for all, at runtime)."""

    nargs = 2

    @classmethod
    def eval(cls, spread: sp.Basic, rows: sp.Basic) -> sp.Expr | None:
        if isinstance(spread, sp.MatrixBase) and isinstance(rows, sp.MatrixBase):
            return sp.Add(
                *[spread[i] * sp.Abs(rows[k, i]) for k in range(rows.rows) for i in range(rows.cols)]
            )
        return None

    def _numpycode(self, printer: Any) -> str:
        if printer._module != "numpy":
            raise PrintMethodNotImplementedError("spread_cost prints for numpy only")
        spread, rows = (_array_name(printer, arg) for arg in self.args)
        return f"numpy.sum(abs({rows}) * {spread})"


def _array_name(printer: Any, arg: sp.Basic) -> str:
    """The runtime name of an array argument (the trades and holdings are IndexedBase symbols)."""
    from acsym.derivation.codegen import ARGUMENTS_BY_SYMBOL

    if isinstance(arg, sp.IndexedBase):
        return ARGUMENTS_BY_SYMBOL[arg]
    return str(printer._print(arg))


def schedule_expected_cost(
    trades: sp.Basic, permanent: sp.Basic, h_tilde: sp.Basic, spread: sp.Basic, step: sp.Expr = tau
) -> sp.Expr:
    """E = X^T Gamma X / 2 + sum_i epsilon_i sum_k |n_ki| + (1/tau) sum_k n_k^T H_tilde n_k with
    X = sum_k n_k, for trades n_1..n_N as the rows of ``trades``: explicit matrices give the sum,
    symbols the printed form."""
    return (
        quadratic_form(permanent, total(trades)) / 2
        + spread_cost(spread, trades)
        + quadratic_form(h_tilde, trades) / step
    )


def schedule_variance(holdings: sp.Basic, covariance: sp.Basic, step: sp.Expr = tau) -> sp.Expr:
    """Var = tau sum_{k=1..N} x_k^T C x_k for holdings x_0..x_N as the rows of ``holdings``."""
    return step * quadratic_form(covariance, after_first(holdings))


def schedule_forms_residual(steps: int, assets: int) -> sp.Expr:
    """The printed forms on explicit symbol matrices minus E and Var of the simulated shortfall."""
    trades = _trades(steps, assets)
    rows = sp.ImmutableMatrix([list(trade) for trade in trades])
    holdings = sp.ImmutableMatrix([list(sum(trades[k:], sp.zeros(assets, 1))) for k in range(steps + 1)])
    permanent = sp.ImmutableMatrix(_symmetric("g", assets))
    h_tilde = sp.ImmutableMatrix(_symmetric("h", assets) - _symmetric("g", assets) * tau / 2)
    covariance = sp.ImmutableMatrix(_cholesky(assets) * _cholesky(assets).T)
    spread = sp.ImmutableMatrix(_spread(assets).T)
    mean, variance = mean_and_variance(steps, assets)
    return sp.expand(schedule_expected_cost(rows, permanent, h_tilde, spread) - mean) + sp.expand(
        schedule_variance(holdings, covariance) - variance
    )


def spread_one_direction_residual(steps: int, assets: int) -> sp.Expr:
    """For trades that keep each asset's direction s_i = +-1 (n_ki = s_i a_ki, a_ki >= 0), the
    printed spread cost sum_i epsilon_i sum_k |n_ki| minus sum_i epsilon_i |X_i|, every direction."""
    spread = sp.ImmutableMatrix(_spread(assets).T)
    residual = sp.S.Zero
    for signs in itertools.product((1, -1), repeat=assets):
        rows = sp.ImmutableMatrix(
            [
                [signs[i] * sp.Symbol(f"a_{k + 1},{i + 1}", nonnegative=True) for i in range(assets)]
                for k in range(steps)
            ]
        )
        order = [sp.Add(*rows[:, i]) for i in range(assets)]
        residual += spread_cost(spread, rows) - sp.Add(*[spread[i] * sp.Abs(order[i]) for i in range(assets)])
    return sp.expand(residual)


def spread_gradient() -> sp.Matrix:
    """The gradient in an interior holding vector x_j of the spread cost of the two trades next
    to it, sum_i epsilon_i (|x_{j-1,i} - x_{j,i}| + |x_{j,i} - x_{j+1,i}|)."""
    before, here, after = _vector("x", 0), _vector("x", 1), _vector("x", 2)
    spread = _spread(ASSETS)
    window = sp.Add(
        *[spread[i] * (sp.Abs(before[i] - here[i]) + sp.Abs(here[i] - after[i])) for i in range(ASSETS)]
    )
    return sp.Matrix([sp.diff(window, v) for v in here])


def _spread_leaves_the_conditions() -> sp.Expr:
    """:func:`spread_gradient` is 0 where both trades keep the asset's direction s_i."""
    before, here, after = _vector("x", 0), _vector("x", 1), _vector("x", 2)
    directions = sp.symbols(f"s_1:{ASSETS + 1}")
    same = {}
    for i, s in enumerate(directions):
        same[sp.sign(before[i] - here[i])] = s
        same[sp.sign(here[i] - after[i])] = s
    return spread_gradient().subs(same).norm()


def quadratic_form_residual(steps: int, assets: int) -> sp.Expr:
    """quadratic_form(A, U) minus the explicit double sum sum_k sum_ij U_ki A_ij U_kj."""
    matrix = sp.ImmutableMatrix(assets, assets, lambda i, j: sp.Symbol(f"a_{i}{j}"))
    rows = sp.ImmutableMatrix(steps, assets, lambda k, i: sp.Symbol(f"u_{k}{i}"))
    explicit = sum(
        rows[k, i] * matrix[i, j] * rows[k, j]
        for k in range(steps)
        for i in range(assets)
        for j in range(assets)
    )
    return sp.expand(quadratic_form(matrix, rows) - explicit)


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
            "sum_i epsilon_i sum_k |n_ki| + (1/tau) sum n^T (H - Gamma tau / 2) n and tau sum x_k^T C "
            "x_k, Gamma symmetric",
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
        Proof(
            "basket_schedule_forms",
            "the printed basket_schedule_expected_cost (with per-asset fixed costs epsilon_i) and "
            "basket_schedule_variance, on explicit matrices, equal E and Var of the simulated "
            "shortfall (m = 2, 3 assets; N = 1, 2, 3)",
            lambda: sp.Add(
                *[schedule_forms_residual(steps, assets) for assets in (2, 3) for steps in (1, 2, 3)]
            ),
        ),
        Proof(
            "basket_spread_constant",
            "with per-asset fixed costs epsilon_i (h(v)_i = epsilon_i sgn(v_i) + (H v)_i), a schedule "
            "whose trades keep each asset's direction pays sum_i epsilon_i sum_k |n_ki| = sum_i "
            "epsilon_i |X_i|, a constant (m = 1, 2, 3 assets, every direction; N = 1, 2, 3)",
            lambda: sp.Add(
                *[spread_one_direction_residual(steps, assets) for assets in (1, 2, 3) for steps in (1, 2, 3)]
            ),
        ),
        Proof(
            "basket_spread_conditions",
            "where the trades next to x_j keep each asset's direction, the spread cost's gradient in x_j "
            "is 0: the first-order conditions, and so the optimum, do not depend on epsilon",
            _spread_leaves_the_conditions,
        ),
        Proof(
            "basket_quadratic_form",
            "quadratic_form(A, U), printed as numpy.einsum('ki,ij,kj->', U, A, U), is the explicit "
            "sum_k sum_ij U_ki A_ij U_kj (N, m = 1..3)",
            lambda: sp.Add(
                *[quadratic_form_residual(steps, assets) for assets in (1, 2, 3) for steps in (1, 2, 3)]
            ),
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
            "single-asset schedule with sigma^2 / eta_tilde replaced by mu_i (its own kappa). "
            "Per-asset fixed costs epsilon_i (half the spread: h(v)_i = epsilon_i sgn(v_i) + (H v)_i) "
            "add sum_i epsilon_i sum_k |n_ki| to E: the constant sum_i epsilon_i |X_i| for trades "
            "that keep each asset's direction, whose gradient there is 0 (shown below): the objective "
            "stays convex, so a schedule solving the conditions above whose trades keep each "
            "asset's direction is the optimum with the spread too. Where the solution changes an "
            "asset's direction (a hedge bought back) it remains the optimum without the spread, and "
            "the printed E counts epsilon_i on every share it trades.",
            (
                ("\\frac{\\tau}{2} \\nabla_{x_j}", first_order_condition()),
                ("D", diagonal_block()),
                ("\\nabla_{x_j} \\sum_i \\epsilon_i (|n_{j,i}| + |n_{j+1,i}|)", spread_gradient()),
            ),
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
        Formula(
            name="basket_schedule_expected_cost",
            arguments=("trade_sizes", "tau", "permanent_impact", "h_tilde", "epsilon"),
            expr=schedule_expected_cost(n, permanent_matrix, h_tilde_matrix, epsilon_symbol),
            reference=schedule_expected_cost(n, permanent_matrix, h_tilde_matrix, epsilon_symbol),
            summary="Expected implementation shortfall of any basket schedule, given its trades.",
            formula="E = X^T Gamma X / 2 + sum_i epsilon_i sum_k abs(n_ki) + (1 / tau) sum_k n_k^T "
            "H_tilde n_k, X = sum_k n_k",
            returns="currency",
            notes="trade_sizes is N x m: the trade vectors n_1..n_N as rows (time along axis 0, "
            "assets along axis 1); permanent_impact and h_tilde are m x m; epsilon holds the m "
            "assets' fixed costs per share (or one for all). The quadratic forms are numpy.einsum "
            "contractions (proof basket_schedule_forms: E of the simulated shortfall). For trades "
            "that keep each asset's direction the spread term is sum_i epsilon_i abs(X_i) (proof "
            "basket_spread_constant).",
        ),
        Formula(
            name="basket_schedule_variance",
            arguments=("holdings", "tau", "covariance"),
            expr=schedule_variance(x, covariance_symbol),
            reference=schedule_variance(x, covariance_symbol),
            summary="Variance of the implementation shortfall of any basket schedule, given its holdings.",
            formula="Var = tau sum_{k=1..N} x_k^T C x_k",
            returns="currency**2",
            notes="holdings is (N + 1) x m: the holding vectors x_0..x_N as rows (x_0 does not "
            "count); covariance is m x m, per unit time. The quadratic form is a numpy.einsum "
            "contraction (proof basket_schedule_forms: Var of the simulated shortfall).",
        ),
    )


__all__ = [
    "ASSETS",
    "after_first",
    "closed_forms",
    "diagonal_block",
    "diagonal_block_element",
    "first_order_condition",
    "formulas",
    "mean_and_variance",
    "proofs",
    "quadratic_form",
    "quadratic_form_residual",
    "schedule_expected_cost",
    "schedule_forms_residual",
    "schedule_variance",
    "sections",
    "shortfall",
    "spread_cost",
    "spread_gradient",
    "spread_one_direction_residual",
    "total",
]
