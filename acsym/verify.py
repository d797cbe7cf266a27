"""Verified accuracy of the generated functions over the whole valid domain (``acsym verify``).

Two independent oracles check every function of :mod:`acsym.formulas`:

1. **The derivation's textbook forms in mpmath.** :func:`mp_reference` evaluates the form the
   derivation proved equal to the printed stable form (``Formula.reference``) at 50 or more
   significant digits, raising the precision until two precisions agree (the textbook forms
   cancel: ``arccosh(1 + y)`` at y ~ 5e-35 settles at 110 digits).
2. **The quadratic program itself.** :func:`mp_optimal_holdings` minimises
   E + lambda Var over the interior holdings directly: the first-order conditions are a
   symmetric tridiagonal linear system, solved in mpmath (the reference) and in numpy
   (:func:`np_optimal_holdings`, a fast check). Neither knows sinh, kappa or the closed forms.

The domain (:func:`domain`) is a grid plus random scenarios that cover every order of
magnitude users can reach: kappa T from 1e-12 to 1e5 (and exactly 0, lambda = 0), N from 1 to
1e5, tau far from 1 (one-minute steps over a day, one-day steps over a quarter, in days,
minutes, seconds or years), prices 0.01 to 1e5, orders 1 to 1e9 shares, eta_tilde down to
1e-12 of eta. Errors are relative, ``|computed - exact| / max(|exact|, tiny)`` with ``tiny``
the smallest normal float, so where the exact value is 0 or subnormal the error is absolute in
units of ``tiny``.

The naive textbook forms (the seed's ``arccosh`` kappa, sinh-ratio holdings, its cost
expression, the sinh closed form of the variance) are measured on the same points as a
baseline. ``compute_*`` functions return values; only :func:`main` prints.

SymPy and mpmath are imported inside the functions that need them: ``import acsym.verify``
costs what ``import numpy`` costs.
"""

from __future__ import annotations

import inspect
import json
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from acsym import formulas

#: starting precision of the mpmath references, decimal digits
DIGITS = 50
#: each retry of a reference adds this many digits
GUARD_DIGITS = 30
#: two precisions agree when they differ by less than this, relative (or in units of TINY)
REFERENCE_RTOL = 1e-30
#: give up (and raise) past this precision
MAX_DIGITS = 500
#: the accuracy bound of every generated function, relative
BOUND = 1e-13
#: the numpy quadratic-program solve is a float solve of a system whose condition number grows
#: like N**2 (at lambda = 0): a fast check of the oracle, held to BOUND + N**2 * NUMPY_QP_ULP
NUMPY_QP_ULP = float(np.finfo(np.float64).eps)
#: half an ulp, relative: a correctly rounded value is within 2**-53 of the exact one; kappa_tau
#: is held to it (with 2% for the rare results within 0.01 ulp of a midpoint)
HALF_ULP = 2.0**-53
#: bounds tighter than BOUND, by function
BOUNDS = {"kappa_tau": 1.02 * HALF_ULP}
#: the smallest normal float64: below it errors are absolute, in these units
TINY = float(np.finfo(np.float64).tiny)
#: seed of the random part of the domain (a local Generator, never a global seed)
SEED = 20260501

FloatArray = NDArray[np.float64]

#: every generated function and its arguments, read from acsym/formulas.py itself (a function
#: added there without points to check here fails the sweep)
GENERATED: dict[str, tuple[str, ...]] = {
    name: tuple(inspect.signature(getattr(formulas, name)).parameters) for name in formulas.__all__
}


# --------------------------------------------------------------------------------------------
# references


@cache
def mp_reference(name: str) -> Callable[..., Any]:
    """The textbook form of generated function ``name`` as an mpmath function of its arguments.

    Call it inside ``mpmath.workdps(...)`` with mpmath numbers (arrays, for the schedule
    functions, as sequences of mpmath numbers); it returns an mpmath number. At kappa = 0, where
    the textbook form is 0/0, it evaluates the kappa = 0 branch, which the proofs show is its
    limit.
    """
    import mpmath
    import sympy as sp

    from acsym.derivation.catalog import formulas as catalog
    from acsym.derivation.codegen import ARGUMENTS_BY_SYMBOL, _runtime_names
    from acsym.derivation.symbols import kappa

    (formula,) = [f for f in catalog() if f.name == name]
    reference = formula.inlined("reference")
    printed = formula.inlined("expr")
    if isinstance(printed, sp.Piecewise) or any(
        isinstance(p, sp.Piecewise) for p in sp.preorder_traversal(printed)
    ):
        limit = printed.replace(lambda e: isinstance(e, sp.Piecewise), lambda e: e.args[0][0])
        limit = limit.rewrite(sp.exp)  # the special functions, as their definitions
        reference = sp.Piecewise((limit, sp.Eq(kappa, 0)), (reference, True))
    # A sum over an array argument becomes an mpmath.fsum over the sequence passed for it.
    namespace: dict[str, Callable[..., Any]] = {}

    def array_sum(total: sp.Sum) -> sp.Expr:
        ((_index, lower, _upper),) = total.limits
        (element,) = total.function.atoms(sp.Indexed)
        first = 1 if element.base.name == "n" else 0  # trades start at n_1, holdings at x_0
        scalar = sp.Dummy("v")
        term = sp.lambdify([scalar], total.function.xreplace({element: scalar}), modules="mpmath")
        skip = int(lower) - first
        key = f"_sum_{len(namespace)}"
        namespace[key] = lambda values, term=term, skip=skip: mpmath.fsum(term(v) for v in values[skip:])
        return sp.Function(key)(sp.Symbol(ARGUMENTS_BY_SYMBOL[element.base]))

    reference = reference.replace(lambda e: isinstance(e, sp.Sum), array_sum)
    arguments = [sp.Symbol(a) for a in formula.arguments]
    return sp.lambdify(arguments, _runtime_names(reference), modules=[namespace, "mpmath"])


def mp_converged(function: Callable[..., Any], point: Sequence[Any]) -> Any:
    """``function(*point)`` in mpmath, at DIGITS or more until two precisions agree.

    ``point`` holds floats or sequences of floats; each is converted exactly. Returns the value
    at the higher of the two agreeing precisions.

    Raises
    ------
    ArithmeticError
        if the value has not settled by MAX_DIGITS.
    """
    import mpmath

    def at(digits: int) -> Any:
        with mpmath.workdps(digits):
            args = [[mpmath.mpf(float(v)) for v in p] if np.ndim(p) else mpmath.mpf(float(p)) for p in point]
            return function(*args)

    digits = DIGITS
    low = at(digits)
    while digits < MAX_DIGITS:
        digits += GUARD_DIGITS
        high = at(digits)
        with mpmath.workdps(digits):
            if abs(high - low) <= REFERENCE_RTOL * max(abs(high), mpmath.mpf(TINY)):
                return high
        low = high
    raise ArithmeticError(f"reference did not settle by {MAX_DIGITS} digits at {point}")


def mp_relative_error(value: float, exact: Any) -> float:
    """``|value - exact| / max(|exact|, TINY)``, computed in mpmath; inf for NaN or inf."""
    import mpmath

    if not math.isfinite(value):
        return math.inf
    with mpmath.workdps(DIGITS):
        return float(abs(mpmath.mpf(value) - exact) / max(abs(exact), mpmath.mpf(TINY)))


def mp_optimal_holdings(
    order_size: float,
    steps: int,
    risk_aversion: float,
    sigma: float,
    eta_tilde: float,
    tau: float,
    drift: float = 0.0,
) -> list[Any]:
    """Holdings x_0..x_N minimising E + lambda Var, solved directly in mpmath.

    The first-order conditions for the interior holdings x_1..x_{N-1} (x_0 = X, x_N = 0) are

    .. math:: -x_{j-1} + (2 + c) x_j - x_{j+1} = \\mu \\tau^2 / (2 \\tilde\\eta), \\qquad
       c = \\lambda \\sigma^2 \\tau^2 / \\tilde\\eta,

    with mu the ``drift`` (0 for the base model), a symmetric, diagonally dominant tridiagonal
    system, solved by forward elimination and back substitution (the Thomas algorithm) at
    DIGITS + GUARD_DIGITS digits. Call it inside no particular precision; it returns mpmath
    numbers [shares].
    """
    import mpmath

    with mpmath.workdps(DIGITS + GUARD_DIGITS):
        x0 = mpmath.mpf(order_size)
        c = mpmath.mpf(risk_aversion) * mpmath.mpf(sigma) ** 2 * mpmath.mpf(tau) ** 2 / mpmath.mpf(eta_tilde)
        pull = mpmath.mpf(drift) * mpmath.mpf(tau) ** 2 / (2 * mpmath.mpf(eta_tilde))
        diagonal = 2 + c
        pivots_inverse = []  # 1 / m_j, m_1 = d, m_j = d - 1 / m_{j-1}
        forward = []  # eliminated right-hand side
        inverse = mpmath.mpf(0)
        previous = mpmath.mpf(0)
        for j in range(1, steps):
            inverse = 1 / (diagonal - inverse)
            previous = (pull + (x0 if j == 1 else 0) + previous) * inverse
            pivots_inverse.append(inverse)
            forward.append(previous)
        holdings = [mpmath.mpf(0)] * (steps + 1)
        holdings[0] = x0
        following = mpmath.mpf(0)
        for j in range(steps - 1, 0, -1):
            following = forward[j - 1] + pivots_inverse[j - 1] * following
            holdings[j] = following
        return holdings


def np_optimal_holdings(
    order_size: FloatArray,
    steps: int,
    risk_aversion: FloatArray,
    sigma: FloatArray,
    eta_tilde: FloatArray,
    tau: FloatArray,
) -> FloatArray:
    """:func:`mp_optimal_holdings` in float64 for a batch of schedules with the same N.

    Parameters are 1-d arrays of one length B (shares, 1 / currency, currency / (share * time
    unit**0.5), currency * time unit / share**2, time units). Returns holdings of shape
    (B, N + 1) [shares]. Uses numpy only (no scipy).
    """
    c = risk_aversion * sigma**2 * tau**2 / eta_tilde
    diagonal = 2.0 + c
    batch = order_size.shape[0]
    pivots_inverse = np.empty((batch, max(steps - 1, 0)))
    forward = np.empty((batch, max(steps - 1, 0)))
    inverse = np.zeros(batch)
    rhs = order_size.astype(np.float64)
    for j in range(steps - 1):
        inverse = 1.0 / (diagonal - inverse)
        rhs = rhs * inverse
        pivots_inverse[:, j] = inverse
        forward[:, j] = rhs
    holdings = np.zeros((batch, steps + 1))
    holdings[:, 0] = order_size
    following = np.zeros(batch)
    for j in range(steps - 1, 0, -1):
        following = forward[:, j - 1] + pivots_inverse[:, j - 1] * following
        holdings[:, j] = following
    return holdings


# --------------------------------------------------------------------------------------------
# the domain


#: time units: (name, length of one minute, of one day), so a step is a minute or a day in it
TIME_UNITS: tuple[tuple[str, float, float], ...] = (
    ("second", 60.0, 86400.0),
    ("minute", 1.0, 1440.0),
    ("day", 1.0 / 1440.0, 1.0),
    ("year", 1.0 / (1440.0 * 252.0), 1.0 / 252.0),
)


@dataclass(frozen=True)
class Domain:
    """Scenarios (one schedule each) as parallel arrays; every array has one entry per scenario.

    Units: shares, currency per share, and the scenario's time unit. ``kappa`` and
    ``eta_tilde`` come from the generated functions (the runtime path from the model
    parameters); ``kappa_target`` is the value the scenario was built to reach.
    """

    order_size: FloatArray  #: X [shares]
    steps: NDArray[np.int64]  #: N
    tau: FloatArray  #: [time units]
    price: FloatArray  #: [currency / share]
    sigma: FloatArray  #: [currency / (share * time unit**0.5)]
    eta: FloatArray  #: [currency * time unit / share**2]
    gamma: FloatArray  #: [currency / share**2]
    epsilon: FloatArray  #: [currency / share]
    risk_aversion: FloatArray  #: lambda [1 / currency]
    kappa_target: FloatArray  #: [1 / time unit]

    @property
    def size(self) -> int:
        return int(self.order_size.shape[0])

    @property
    def horizon(self) -> FloatArray:
        """T = N tau [time units]."""
        return self.steps * self.tau

    @property
    def eta_tilde(self) -> FloatArray:
        return np.asarray(formulas.eta_tilde(self.eta, self.gamma, self.tau), dtype=np.float64)

    @property
    def kappa(self) -> FloatArray:
        return np.asarray(
            formulas.kappa(self.risk_aversion, self.sigma, self.eta_tilde, self.tau), dtype=np.float64
        )

    def take(self, index: NDArray[np.int64]) -> Domain:
        """The scenarios at ``index``."""
        return Domain(**{name: value[index] for name, value in self._arrays().items()})

    def _arrays(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @staticmethod
    def concatenate(parts: Iterable[Domain]) -> Domain:
        parts = list(parts)
        names = parts[0].__dataclass_fields__
        return Domain(**{n: np.concatenate([getattr(p, n) for p in parts]) for n in names})


def _log_uniform(rng: np.random.Generator, low: float, high: float, size: int) -> FloatArray:
    return np.asarray(10 ** rng.uniform(np.log10(low), np.log10(high), size), dtype=np.float64)


def _scenarios(
    steps: FloatArray,
    tau: FloatArray,
    minutes_per_unit: FloatArray,
    kappa_horizon: FloatArray,
    order_size: FloatArray,
    price: FloatArray,
    rng: np.random.Generator,
    boundary: FloatArray | None = None,
) -> Domain:
    """Scenarios with a market calibrated as the seed does, at a target kappa T.

    Market (per day, then in the time unit): daily volume 1e3..1e9 shares, spread 1e-4..5e-2 of
    the price, daily volatility 0.2%..20% of the price; eta = spread / (1% ADV) and gamma =
    spread / (10% ADV) as in the seed. ``boundary`` (if given) is gamma tau / (2 eta), the
    share of eta the permanent impact takes back (eta_tilde = eta (1 - boundary)).
    """
    size = steps.shape[0]
    volume = _log_uniform(rng, 1e3, 1e9, size)
    spread = price * _log_uniform(rng, 1e-4, 5e-2, size)
    volatility = price * _log_uniform(rng, 2e-3, 2e-1, size)
    days_per_unit = minutes_per_unit / 1440.0
    eta = spread / (0.01 * volume) / days_per_unit  # h = eta v, v in shares per time unit
    # the seed's heuristic gives gamma tau / (2 eta) = tau / 20 days: cap it at 1/2 for long steps
    gamma = np.minimum(spread / (0.10 * volume), eta / tau)
    if boundary is not None:
        gamma = boundary * 2.0 * eta / tau
    sigma = volatility * np.sqrt(days_per_unit)
    epsilon = spread / 2.0
    eta_tilde = eta - gamma * tau / 2.0
    horizon = steps * tau
    kappa = kappa_horizon / horizon
    a = kappa * tau
    # lambda that reaches kappa: 2 (cosh(kappa tau) - 1) = lambda sigma^2 tau^2 / eta_tilde;
    # where that lambda overflows, lower kappa tau until it does not (it still sells everything)
    while True:
        with np.errstate(over="ignore"):
            risk_aversion = eta_tilde * (2.0 * np.sinh(a / 2.0) / tau) ** 2 / sigma**2
        infinite = ~np.isfinite(risk_aversion)
        if not infinite.any():
            break
        a = np.where(infinite, 0.9 * a, a)
    kappa = a / tau
    return Domain(
        order_size=order_size,
        steps=steps.astype(np.int64),
        tau=tau,
        price=price,
        sigma=sigma,
        eta=eta,
        gamma=gamma,
        epsilon=epsilon,
        risk_aversion=risk_aversion,
        kappa_target=kappa,
    )


#: steps N on the grid: one, two, a few, minutes of a trading day, a quarter in days, ...
GRID_STEPS = (1, 2, 3, 10, 63, 390, 1440, 23400, 100_000)
#: kappa T on the grid: exactly 0 (lambda = 0) and every decade from 1e-12 to 1e5
GRID_KAPPA_HORIZON = (0.0, *(10.0**e for e in range(-12, 6)))
#: largest kappa tau reached through lambda (lambda sigma^2 must stay finite); past it the
#: first trade sells all but e^-700 of the order
MAX_KAPPA_TAU = 700.0


def domain(*, quick: bool = False, seed: int = SEED) -> Domain:
    """The scenarios of the sweep: a grid and random points (``quick``: a small subset).

    Grid: N in :data:`GRID_STEPS` x kappa T in :data:`GRID_KAPPA_HORIZON` x step lengths
    (a minute or a day, in each unit of :data:`TIME_UNITS`), with orders 1 and 1e9 shares and
    prices 0.01 and 1e5. Random: N log-uniform in 1..1e5, kappa T log-uniform in 1e-12..1e5
    (one in ten exactly 0), tau a minute, a day or log-uniform 1e-6..1e6, orders 1..1e9,
    prices 0.01..1e5. Boundary: eta_tilde from 0.9 eta down to 1e-12 eta.
    """
    rng = np.random.default_rng(seed)
    parts = []
    steps_grid = GRID_STEPS if not quick else (1, 2, 10, 390, 23400)
    kh_grid = GRID_KAPPA_HORIZON if not quick else (0.0, 1e-12, 1e-6, 1e-2, 1.0, 30.0, 800.0, 1e5)
    units = TIME_UNITS if not quick else TIME_UNITS[::3]
    combos = [
        (n, kh, minutes, step_minutes, x, p)
        for n in steps_grid
        for kh in kh_grid
        for _name, minutes, day in units
        for step_minutes in (minutes, day)
        for x, p in (((1.0, 0.01), (1e9, 1e5)) if not quick else ((1e9, 1e5),))
        if kh / n <= MAX_KAPPA_TAU
    ]
    grid = np.array(combos, dtype=np.float64)
    minutes_per_unit = 1.0 / grid[:, 2]
    step = grid[:, 3]
    parts.append(_scenarios(grid[:, 0], step, minutes_per_unit, grid[:, 1], grid[:, 4], grid[:, 5], rng))
    count = 4000 if not quick else 150
    steps = np.floor(_log_uniform(rng, 1.0, 1e5 + 1, count))
    kappa_horizon = _log_uniform(rng, 1e-12, 1e5, count)
    kappa_horizon = np.where(rng.uniform(size=count) < 0.1, 0.0, kappa_horizon)
    kappa_horizon = np.minimum(kappa_horizon, MAX_KAPPA_TAU * steps)
    unit = rng.integers(0, len(TIME_UNITS), count)
    minutes = np.array([TIME_UNITS[u][1] for u in unit])
    days = np.array([TIME_UNITS[u][2] for u in unit])
    choice = rng.integers(0, 3, count)
    tau = np.where(choice == 0, minutes, np.where(choice == 1, days, _log_uniform(rng, 1e-6, 1e6, count)))
    parts.append(
        _scenarios(
            steps,
            tau,
            1.0 / minutes,
            kappa_horizon,
            np.floor(_log_uniform(rng, 1.0, 1e9, count)),
            _log_uniform(rng, 1e-2, 1e5, count),
            rng,
        )
    )
    shares = np.array([0.0, 0.5, 0.9, 1 - 1e-3, 1 - 1e-6, 1 - 1e-9, 1 - 1e-12])
    boundary_count = shares.shape[0] * (3 if not quick else 1)
    parts.append(
        _scenarios(
            np.full(boundary_count, 390.0),
            np.full(boundary_count, 1.0 / 390.0),
            np.full(boundary_count, 1.0 / 1440.0),
            _log_uniform(rng, 1e-3, 1e3, boundary_count),
            np.full(boundary_count, 1e6),
            np.full(boundary_count, 50.0),
            rng,
            boundary=np.tile(shares, boundary_count // shares.shape[0]),
        )
    )
    return Domain.concatenate(parts)


# --------------------------------------------------------------------------------------------
# points and reports


@dataclass(frozen=True)
class HardCase:
    """A point where a formula is known to be hard, with its expected value and tolerance.

    ``expected`` is None where the mpmath reference supplies it.
    """

    function: str
    arguments: tuple[Any, ...]  #: floats, and a tuple of floats for an array argument
    expected: float | None
    rtol: float
    why: str


#: points each run checks on top of the domain
HARD_CASES: tuple[HardCase, ...] = (
    HardCase("kappa", (0.0, 0.3, 1e-6, 1.0), 0.0, 0.0, "lambda = 0: kappa exactly 0"),
    HardCase("kappa", (1e-40, 0.02, 1e-6, 1.0), None, BOUND, "arccosh(1 + y) returns 0 for y < 1e-16"),
    HardCase("kappa", (1e30, 50.0, 1e-9, 86400.0), None, BOUND, "kappa tau ~ 100: sells at once"),
    HardCase("kappa_tau", (0.0, 0.3, 1e-6, 1.0), 0.0, 0.0, "lambda = 0: kappa tau exactly 0"),
    HardCase("kappa_tau", (1e-40, 0.02, 1e-6, 1.0), None, BOUNDS["kappa_tau"], "kappa tau ~ 4e-16"),
    HardCase("kappa_tau", (4.0, 1.0, 1.0, 0.5211952634), None, BOUNDS["kappa_tau"], "asinh ~ 0.5: y = 1"),
    HardCase("kappa_tau", (1.0, 1.0, 1.0, 2.3504023873), None, BOUNDS["kappa_tau"], "kappa tau ~ 2"),
    HardCase("kappa_tau", (1e30, 50.0, 1e-9, 86400.0), None, BOUNDS["kappa_tau"], "kappa tau ~ 100"),
    HardCase("kappa_tau", (1e300, 1e4, 1e-20, 1e6), None, BOUNDS["kappa_tau"], "kappa tau ~ 1300"),
    HardCase(
        "kappa_tau",
        (0.011894299612806265, 237.25559885614717, 1.2226153128541696e-09, 0.0005094035357954957),
        None,
        BOUNDS["kappa_tau"],
        "kappa tau = 11.86: kappa(...) * tau is an ulp off",
    ),
    HardCase("holdings", (1e9, 0.0, 1.0, 1e5), 1e9, 0.0, "x_0 = X exactly, even at kappa T = 1e5"),
    HardCase("holdings", (1e9, 1.0, 1.0, 1e5), 0.0, 0.0, "x_N = 0 exactly"),
    HardCase("holdings", (1e9, 1.0, 2.0, 1e5), None, BOUND, "N = 2, kappa tau = 1e5: underflows to 0"),
    HardCase("holdings", (1e9, 700.0, 1e5, 1.0), None, BOUND, "e^-700: last decade of normal floats"),
    HardCase("holdings", (1.0, 1.0, 1e5, 1e-17), None, BOUND, "kappa T = 1e-12, N = 1e5"),
    HardCase("trade_sizes", (1e9, 1.0, 1.0, 1e5, 1.0), 1e9, BOUND, "N = 1: sell everything"),
    HardCase("trade_sizes", (1e9, 702.0, 1e5, 1.0, 1.0), None, BOUND, "e^-701 after the trade"),
    HardCase("expected_cost", (1e9, 1.0, 1.0, 1e5, 1e-9, 1e-6, 0.05), None, BOUND, "kappa tau = 1e5"),
    HardCase("expected_cost", (1.0, 1e5, 1.0, 1e-17, 0.0, 1e-6, 0.0), None, BOUND, "kappa T = 1e-12"),
    HardCase("variance", (1e9, 1.0, 1.0, 3.0, 0.02), 0.0, 0.0, "N = 1: nothing is held"),
    HardCase("variance", (1e9, 1e5, 1.0, 1e-17, 0.02), None, BOUND, "kappa T = 1e-12, N = 1e5"),
    HardCase("variance", (1e9, 2.0, 1.0, 360.0, 0.02), None, BOUND, "e^-720: sum of one tiny square"),
    HardCase(
        "schedule_variance",
        ((1.0, 1e-158, 0.0), 86400.0, 100.0),
        None,
        BOUND,
        "x_1 = 1e-158 shares: its square is subnormal, sigma^2 tau x_1^2 is not",
    ),
    HardCase(
        "schedule_expected_cost",
        ((1.0 - 1e-158, 1e-158), 1.0, 0.0, 1e-6, 0.0),
        None,
        BOUND,
        "a trade of 1e-158 shares: its square underflows",
    ),
    HardCase("eta_tilde", (1e-6, 2e-6 * (1 - 1e-12) / 0.7, 0.7), None, BOUND, "eta_tilde ~ 1e-12 eta"),
)


#: points the element-wise check from lambda (:func:`compute_lambda_rows`) adds to every run:
#: (order_size, step j, steps N, risk_aversion, sigma, eta_tilde, tau)
LAMBDA_HARD_CASES: tuple[HardCase, ...] = (
    HardCase(
        "holdings_from_lambda",
        (1e9, 21206.0, 23400.0, 5.308078366270851e-15, 196627.84447595535, 2.764621755167958e-06, 1 / 252),
        None,
        BOUND,
        "x_j from lambda at kappa t = 700: kappa(...) * tau put it 1.6e-13 off",
    ),
)


@dataclass(frozen=True)
class BadPoint:
    """A point whose error exceeds its bound."""

    arguments: dict[str, Any]
    value: float
    expected: float
    error: float


@dataclass(frozen=True)
class Row:
    """The measured accuracy of one function in one form against one oracle.

    ``worst_error`` is the largest relative error of a finite value (in units of TINY where
    the exact value is 0 or subnormal); NaN and inf are counted in ``nonfinite``. ``bound`` is
    None for the naive forms, which are measured but not held to it; ``over_bound`` counts the
    points over BOUND (or over ``bound``) either way.
    """

    function: str
    form: str
    oracle: str
    points: int
    worst_error: float
    worst_at: dict[str, Any]
    nonfinite: int
    over_bound: int
    bound: float | None
    bad: tuple[BadPoint, ...] = field(default=())
    #: numpy floating-point flags raised while evaluating (overflow, invalid, divide)
    warnings: tuple[str, ...] = field(default=())

    @property
    def passed(self) -> bool:
        return self.bound is None or (not self.bad and self.nonfinite == 0 and not self.warnings)

    def message(self) -> str:
        """A failure message: "k of n points bad", then each point with its relative error."""
        lines = [f"{self.function} ({self.form}): {len(self.bad)} of {self.points} points bad"]
        lines += [
            f"  {p.arguments} -> {p.value!r}, expected {p.expected!r}, relative error {p.error:.3g}"
            for p in self.bad
        ]
        return "\n".join(lines)


def _named(names: Sequence[str], point: Sequence[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in zip(names, point, strict=True):
        out[name] = f"array of {len(value)}" if np.ndim(value) else float(value)
    return out


def compute_row(
    function: str,
    form: str,
    oracle: str,
    names: Sequence[str],
    points: Sequence[Sequence[Any]],
    values: Sequence[float],
    exact: Sequence[Any],
    bound: float | None,
    rtol: Sequence[float] | None = None,
) -> Row:
    """Compare ``values`` with ``exact`` (mpmath numbers) point by point.

    ``rtol`` (per point) overrides ``bound`` as the tolerance of each point.
    """
    import mpmath

    worst, worst_index, nonfinite, over = -1.0, 0, 0, 0
    bad = []
    for i, (value, reference) in enumerate(zip(values, exact, strict=True)):
        error = mp_relative_error(float(value), reference)
        nonfinite += not math.isfinite(float(value))
        tolerance = rtol[i] if rtol is not None else (bound if bound is not None else BOUND)
        if not error <= tolerance:
            over += 1
            if bound is not None:
                with mpmath.workdps(DIGITS):
                    bad.append(BadPoint(_named(names, points[i]), float(value), float(reference), error))
        if math.isfinite(float(value)) and error > worst:
            worst, worst_index = error, i
    return Row(
        function=function,
        form=form,
        oracle=oracle,
        points=len(values),
        worst_error=max(worst, 0.0),
        worst_at=_named(names, points[worst_index]) if len(values) else {},
        nonfinite=nonfinite,
        over_bound=over,
        bound=bound,
        bad=tuple(bad),
    )


def _steps_to_check(n: int, a: float, rng: np.random.Generator, count: int) -> NDArray[np.int64]:
    """Indices j of x_j to check: the ends, the middle, the underflow edges, random ones."""
    chosen = {0, 1, 2, n // 2, n - 2, n - 1, n}
    if a > 0:
        for edge in (1.0, 36.0, 700.0, 708.0, 725.0, 745.0):
            centre = round(edge / a)
            chosen.update((centre - 1, centre, centre + 1))
    chosen.update(int(j) for j in rng.integers(0, n + 1, count))
    return np.array(sorted(j for j in chosen if 0 <= j <= n), dtype=np.int64)


@dataclass(frozen=True)
class Points:
    """The arguments of one generated function at every point, as parallel float arrays."""

    function: str
    columns: tuple[FloatArray, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return GENERATED[self.function]

    def rows(self) -> list[tuple[float, ...]]:
        return list(zip(*(c.tolist() for c in self.columns), strict=True))


def compute_points(scenarios: Domain, *, per_schedule: int, seed: int = SEED) -> dict[str, Points]:
    """The points of the closed-form functions, from the scenarios (``per_schedule`` random
    times each, on top of the ends, the middle and the underflow edges)."""
    rng = np.random.default_rng(seed + 1)
    eta_tilde, kappa, horizon = scenarios.eta_tilde, scenarios.kappa, scenarios.horizon
    s = scenarios
    scenario_of, step_of = [], []
    for i in range(s.size):
        n = int(s.steps[i])
        js = _steps_to_check(n, float(kappa[i] * s.tau[i]), rng, per_schedule)
        scenario_of.append(np.full(js.shape, i))
        step_of.append(js)
    at = np.concatenate(scenario_of)
    j = np.concatenate(step_of)
    time = j * s.tau[at]
    trade = j >= 1
    tr = at[trade]
    points = {
        "eta_tilde": (s.eta, s.gamma, s.tau),
        "kappa": (s.risk_aversion, s.sigma, eta_tilde, s.tau),
        "kappa_tau": (s.risk_aversion, s.sigma, eta_tilde, s.tau),
        "kappa_continuous": (s.risk_aversion, s.sigma, s.eta),
        "holdings": (s.order_size[at], time, horizon[at], kappa[at]),
        "trade_sizes": (s.order_size[tr], time[trade], horizon[tr], kappa[tr], s.tau[tr]),
        "expected_cost": (s.order_size, horizon, s.tau, kappa, s.gamma, eta_tilde, s.epsilon),
        "variance": (s.order_size, horizon, s.tau, kappa, s.sigma),
    }
    # the one-sinh batch form is used (and so checked) only where kappa T is in (0, DIRECT_RANGE]
    from acsym.trajectory import DIRECT_RANGE

    kappa_horizon = kappa[at] * horizon[at]
    direct = (kappa_horizon > 0) & (kappa_horizon <= DIRECT_RANGE) & (kappa[at] * s.tau[at] >= TINY)
    points["holdings_direct"] = tuple(c[direct] for c in points["holdings"])
    # the fused forms (acsym.derivation.fast): the direct trades where the direct holdings are
    # used; the urgent forms over 0 < kappa T <= URGENT_RANGE (the runtime uses them past
    # DIRECT_RANGE, and for whole batches they cover below it)
    from acsym.trajectory import URGENT_RANGE

    trade_kappa_horizon = kappa[tr] * horizon[tr]
    positive_tau = kappa[tr] * s.tau[tr] >= TINY
    trade_direct = (trade_kappa_horizon > 0) & (trade_kappa_horizon <= DIRECT_RANGE) & positive_tau
    points["trade_sizes_direct"] = tuple(c[trade_direct] for c in points["trade_sizes"])
    urgent = (kappa_horizon > 0) & (kappa_horizon <= URGENT_RANGE) & (kappa[at] * s.tau[at] >= TINY)
    points["holdings_urgent"] = tuple(c[urgent] for c in points["holdings"])
    trade_urgent = (trade_kappa_horizon > 0) & (trade_kappa_horizon <= URGENT_RANGE) & positive_tau
    points["trade_sizes_urgent"] = tuple(c[trade_urgent] for c in points["trade_sizes"])
    finite = np.isfinite(s.risk_aversion)
    out = {}
    for name, columns in points.items():
        arrays = tuple(np.asarray(c, dtype=np.float64) for c in columns)
        if name in ("kappa", "kappa_tau", "kappa_continuous"):
            arrays = tuple(c[finite] for c in arrays)
        out[name] = Points(name, arrays)
    for case in HARD_CASES:
        if case.function not in out:
            continue  # a schedule function: see compute_schedule_points
        old = out[case.function]
        out[case.function] = Points(
            case.function,
            tuple(np.append(c, v) for c, v in zip(old.columns, case.arguments, strict=True)),
        )
    return out


def _tolerances(points: Points) -> list[float]:
    rtol = [BOUNDS.get(points.function, BOUND)] * len(points.columns[0])
    hard = [c for c in HARD_CASES if c.function == points.function]
    for k, case in enumerate(hard):
        rtol[len(rtol) - len(hard) + k] = max(case.rtol, 0.0)
    return rtol


def _exact_values(function: Callable[..., Any], points: Points) -> list[Any]:
    hard = {c.arguments: c.expected for c in HARD_CASES if c.function == points.function}
    out = []
    for row in points.rows():
        expected = hard.get(row)
        if expected is not None:
            import mpmath

            out.append(mpmath.mpf(expected))
        else:
            out.append(mp_converged(function, row))
    return out


#: forms checked on a subset of another function's points, with the same textbook reference
#: (the sinh ratio, the difference of holdings) there: their exact values are looked up, not
#: recomputed
SAME_REFERENCE = {
    "holdings_direct": "holdings",
    "holdings_urgent": "holdings",
    "trade_sizes_direct": "trade_sizes",
    "trade_sizes_urgent": "trade_sizes",
}


def compute_references(points: dict[str, Points]) -> dict[str, list[Any]]:
    """The exact value (an mpmath number) at every point: the hard cases' stated value where
    they state one, the converged textbook form otherwise."""
    exact = {
        name: _exact_values(mp_reference(name), p) for name, p in points.items() if name not in SAME_REFERENCE
    }
    hard = {(c.function, c.arguments) for c in HARD_CASES}
    for name, parent in SAME_REFERENCE.items():
        if name not in points:
            continue
        known = {
            row: value
            for row, value in zip(points[parent].rows(), exact[parent], strict=True)
            if (parent, row) not in hard
        }
        values = [known.get(row) for row in points[name].rows()]
        if any(v is None for v in values):  # a point of its own (a hard case): compute them all
            values = _exact_values(mp_reference(name), points[name])
        exact[name] = values
    return exact


def compute_generated_rows(points: dict[str, Points], exact: dict[str, list[Any]]) -> list[Row]:
    """Every closed-form generated function against its textbook form in mpmath."""
    rows = []
    for name, p in points.items():
        with floating_point_flags() as flags:
            values = np.asarray(getattr(formulas, name)(*p.columns), dtype=np.float64)
        row = compute_row(
            name,
            "generated",
            "mpmath",
            p.names,
            p.rows(),
            values.tolist(),
            exact[name],
            BOUNDS.get(name, BOUND),
            _tolerances(p),
        )
        rows.append(replace(row, warnings=tuple(sorted(flags))))
    return rows


def compute_scalar_rows(points: dict[str, Points], exact: dict[str, list[Any]]) -> list[Row]:
    """Every function of the scalar module (:mod:`acsym.formulas_scalar`) against the same
    references, point by point, at the points of its numpy twin."""
    from acsym import formulas_scalar

    rows = []
    for name in formulas_scalar.__all__:
        if name not in points:
            continue  # a model family's function, checked by its own rows (acsym/verification/)
        p = points[name]
        function = getattr(formulas_scalar, name)
        values = [function(*point) for point in p.rows()]
        rows.append(
            compute_row(
                name, "scalar", "mpmath", p.names, p.rows(), values, exact[name], BOUND, _tolerances(p)
            )
        )
    return rows


class floating_point_flags:
    """Context manager collecting the numpy floating-point errors raised inside it (overflow,
    invalid value, division by zero; underflow to 0 is a correct result and is not collected)."""

    def __init__(self) -> None:
        self.flags: set[str] = set()
        self._state: Any = None

    def _record(self, kind: str, flag: int) -> None:
        self.flags.add(kind)

    def __enter__(self) -> set[str]:
        self._state = np.errstate(over="call", invalid="call", divide="call", under="ignore")
        self._old_call = np.seterrcall(self._record)
        self._state.__enter__()
        return self.flags

    def __exit__(self, *exc: object) -> None:
        self._state.__exit__(*exc)
        np.seterrcall(self._old_call)


# --------------------------------------------------------------------------------------------
# the naive textbook forms (the seed's), evaluated on the same points


def naive_kappa(risk_aversion: FloatArray, sigma: FloatArray, eta_tilde: FloatArray, tau: FloatArray) -> Any:
    """The seed's kappa: arccosh(kappa_tilde^2 tau^2 / 2 + 1) / tau [1 / time unit]."""
    kappa_tilde_sq = risk_aversion * sigma**2 / eta_tilde
    return np.arccosh(0.5 * kappa_tilde_sq * tau**2 + 1) / tau


def naive_holdings(order_size: FloatArray, time: FloatArray, horizon: FloatArray, kappa: FloatArray) -> Any:
    """The seed's holdings: X sinh(kappa (T - t)) / sinh(kappa T) [shares]."""
    return order_size * np.sinh(kappa * (horizon - time)) / np.sinh(kappa * horizon)


def naive_trade_sizes(
    order_size: FloatArray, time: FloatArray, horizon: FloatArray, kappa: FloatArray, tau: FloatArray
) -> Any:
    """The seed's trades: the difference of consecutive sinh-ratio holdings [shares]."""
    return naive_holdings(order_size, time - tau, horizon, kappa) - naive_holdings(
        order_size, time, horizon, kappa
    )


def naive_variance(
    order_size: FloatArray, horizon: FloatArray, tau: FloatArray, kappa: FloatArray, sigma: FloatArray
) -> Any:
    """The textbook closed form sigma^2 tau X^2 (sinh(M a)/sinh(a) - M) / (4 sinh(N a)^2),
    M = 2N - 1, a = kappa tau [currency**2]."""
    m = 2 * horizon / tau - 1
    a = kappa * tau
    return (
        sigma**2
        * tau
        * order_size**2
        * (np.sinh(m * a) / np.sinh(a) - m)
        / (4 * np.sinh(kappa * horizon) ** 2)
    )


def naive_expected_cost(scenarios: Domain, *, as_written: bool) -> FloatArray:
    """The seed's cost of its own (sinh-ratio) schedule: 0.5 gamma X^2 + eta sum(n^2) / tau.

    ``as_written=False`` uses the model's eta_tilde and adds epsilon X, so what remains is the
    numerical error of the sinh schedule and its sum [currency].
    """
    s = scenarios
    kappa, eta_tilde, horizon = s.kappa, s.eta_tilde, s.horizon
    out = np.empty(s.size)
    for i in range(s.size):
        j = np.arange(int(s.steps[i]) + 1)
        x = naive_holdings(s.order_size[i], j * s.tau[i], horizon[i], kappa[i])
        n = -np.diff(x)
        x0 = s.order_size[i]
        if as_written:
            out[i] = 0.5 * s.gamma[i] * x0**2 + s.eta[i] * np.sum(n**2) / s.tau[i]
        else:
            out[i] = s.epsilon[i] * x0 + 0.5 * s.gamma[i] * x0**2 + eta_tilde[i] * np.sum(n**2) / s.tau[i]
    return out


def compute_naive_rows(
    points: dict[str, Points], scenarios: Domain, exact: dict[str, list[Any]]
) -> list[Row]:
    """The naive forms on the points of the generated ones with kappa > 0 (``exact``: their
    references). The seed's cost is evaluated on its own sinh-ratio schedule."""
    rows = []
    forms: dict[str, tuple[str, Callable[..., Any]]] = {
        "kappa": ("naive: arccosh(1 + y) / tau", naive_kappa),
        "holdings": ("naive: X sinh(kappa (T - t)) / sinh(kappa T)", naive_holdings),
        "trade_sizes": ("naive: difference of sinh-ratio holdings", naive_trade_sizes),
        "variance": ("naive: sinh closed form", naive_variance),
    }
    for name, (form, function) in forms.items():
        p = points[name]
        keep = _positive_kappa(p)
        columns = tuple(c[keep] for c in p.columns)
        with np.errstate(all="ignore"):
            values = np.asarray(function(*columns), dtype=np.float64)
        rows.append(
            compute_row(
                name,
                form,
                "mpmath",
                p.names,
                [r for r, k in zip(p.rows(), keep, strict=True) if k],
                values.tolist(),
                [e for e, k in zip(exact[name], keep, strict=True) if k],
                None,
            )
        )
    cost = points["expected_cost"]
    count = scenarios.size  # the scenario points come first, the hard cases after them
    keep = _positive_kappa(cost)[:count]
    for as_written, form in (
        (True, "naive: seed, 0.5 gamma X^2 + eta sum(n^2) / tau"),
        (False, "naive: seed with eta_tilde + epsilon X"),
    ):
        with np.errstate(all="ignore"):
            values = naive_expected_cost(scenarios.take(np.flatnonzero(keep)), as_written=as_written)
        rows.append(
            compute_row(
                "expected_cost",
                form,
                "mpmath",
                cost.names,
                [r for r, k in zip(cost.rows()[:count], keep, strict=True) if k],
                values.tolist(),
                [e for e, k in zip(exact["expected_cost"][:count], keep, strict=True) if k],
                None,
            )
        )
    return rows


def mp_holdings_from_lambda(
    order_size: Any, step: Any, steps: Any, risk_aversion: Any, sigma: Any, eta_tilde: Any, tau: Any
) -> Any:
    """x_j = X sinh(a (N - j)) / sinh(a N) with a = kappa tau = 2 asinh((tau / 2) sigma
    sqrt(lambda / eta_tilde)) exact (mpmath numbers in, an mpmath number out); TWAP at a = 0."""
    import mpmath

    a = 2 * mpmath.asinh(tau / 2 * sigma * mpmath.sqrt(risk_aversion / eta_tilde))
    if a == 0:
        return order_size * (steps - step) / steps
    return order_size * mpmath.sinh(a * (steps - step)) / mpmath.sinh(a * steps)


def compute_lambda_rows(
    scenarios: Domain, *, per_schedule: int, budget: int | None = None, seed: int = SEED
) -> list[Row]:
    """The holdings element-wise from lambda, the way the runtime computes them.

    Each x_j of :func:`acsym.formulas.holdings` in units of tau (time j, horizon N) at the
    generated :func:`acsym.formulas.kappa_tau`, against the sinh ratio at the exact kappa tau of
    the same float inputs. x_j depends on j kappa tau, so this sees kappa tau's rounding
    multiplied by up to 745; the old path, ``kappa(...) * tau``, is measured alongside (no
    bound) to show what that costs. ``budget``: at most that many scenarios, drawn at random.
    """
    rng = np.random.default_rng(seed + 7)
    chosen = np.flatnonzero(np.isfinite(scenarios.risk_aversion))
    if budget is not None and chosen.size > budget:
        chosen = np.sort(rng.choice(chosen, budget, replace=False))
    s = scenarios.take(chosen)
    eta_tilde = s.eta_tilde
    kappa_tau = np.asarray(formulas.kappa_tau(s.risk_aversion, s.sigma, eta_tilde, s.tau), dtype=np.float64)
    picks = [
        (i, j)
        for i in range(s.size)
        for j in _steps_to_check(int(s.steps[i]), float(kappa_tau[i]), rng, per_schedule)
    ]
    at = np.array([i for i, _ in picks], dtype=np.int64)
    step = np.array([j for _, j in picks], dtype=np.float64)
    steps = s.steps[at].astype(np.float64)
    columns: tuple[FloatArray, ...] = (
        s.order_size[at],
        step,
        steps,
        s.risk_aversion[at],
        s.sigma[at],
        eta_tilde[at],
        s.tau[at],
    )
    names = ("order_size", "step", "steps", "risk_aversion", "sigma", "eta_tilde", "tau")
    for case in LAMBDA_HARD_CASES:
        if case.function == "holdings_from_lambda":
            columns = tuple(np.append(c, v) for c, v in zip(columns, case.arguments, strict=True))
    points = list(zip(*(c.tolist() for c in columns), strict=True))
    exact = [mp_converged(mp_holdings_from_lambda, p) for p in points]
    generated = np.asarray(formulas.kappa_tau(*columns[3:]), dtype=np.float64)
    old = np.asarray(formulas.kappa(*columns[3:]) * columns[6], dtype=np.float64)
    rows = []
    for form, a, bound in (
        ("generated, element-wise from lambda (via kappa_tau)", generated, BOUND),
        ("generated, element-wise from lambda (via kappa * tau)", old, None),
    ):
        with floating_point_flags() as flags:
            values = np.asarray(formulas.holdings(columns[0], columns[1], columns[2], a), dtype=np.float64)
        row = compute_row(
            "holdings", form, "mpmath from lambda", names, points, values.tolist(), exact, bound
        )
        rows.append(replace(row, warnings=tuple(sorted(flags))))
    return rows


def _positive_kappa(points: Points) -> NDArray[np.bool_]:
    """The points with kappa > 0 (lambda > 0): at kappa = 0 the sinh forms are 0/0, and the seed
    switches to TWAP there, so the naive forms are measured where they are meant to apply."""
    if points.function == "kappa":
        return np.asarray(points.columns[0] > 0)
    return np.asarray(points.columns[points.names.index("kappa")] > 0)


# --------------------------------------------------------------------------------------------
# the quadratic program as the second oracle, and the schedule functions


def qp_subset(scenarios: Domain, *, budget: int, seed: int = SEED) -> NDArray[np.int64]:
    """Scenarios for the direct solve: every decade of N gets an equal share of ``budget``
    (the total number of holdings solved), chosen at random among those with finite lambda."""
    rng = np.random.default_rng(seed + 2)
    finite = np.flatnonzero(np.isfinite(scenarios.risk_aversion))
    decade = np.floor(np.log10(scenarios.steps[finite])).astype(int)
    chosen: list[int] = []
    decades = np.unique(decade)
    for d in decades:
        candidates = rng.permutation(finite[decade == d])
        used = 0
        for i in candidates:
            n = int(scenarios.steps[i])
            if used + n > budget // len(decades) and used > 0:
                break
            chosen.append(int(i))
            used += n
    return np.array(sorted(chosen), dtype=np.int64)


def compute_qp_rows(scenarios: Domain, subset: NDArray[np.int64]) -> list[Row]:
    """The generated schedule, cost and variance against the directly solved quadratic program.

    Holdings and trades are compared normwise (the largest difference over the schedule,
    relative to the order size X and to the largest trade): the runtime path goes through
    kappa, whose last-bit rounding moves x_j by a relative kappa t_j ulps, a conditioning of
    the schedule itself that no formula can remove. Cost and variance are compared relative.
    """
    import mpmath

    s = scenarios.take(subset)
    kappa, eta_tilde, horizon = s.kappa, s.eta_tilde, s.horizon
    names = ("order_size", "steps", "tau", "risk_aversion", "sigma", "eta_tilde")
    results: dict[str, list[tuple[float, float]]] = {k: [] for k in ("x", "n", "E", "V", "np")}
    points: list[tuple[float, ...]] = []
    for i in range(s.size):
        n_steps = int(s.steps[i])
        point = (
            float(s.order_size[i]),
            n_steps,
            float(s.tau[i]),
            float(s.risk_aversion[i]),
            float(s.sigma[i]),
            float(eta_tilde[i]),
        )
        points.append(point)
        x_mp = mp_optimal_holdings(
            point[0], n_steps, risk_aversion=point[3], sigma=point[4], eta_tilde=point[5], tau=point[2]
        )
        with mpmath.workdps(DIGITS + GUARD_DIGITS):
            n_mp = [x_mp[j - 1] - x_mp[j] for j in range(1, n_steps + 1)]
            sum_n2 = mpmath.fsum(v**2 for v in n_mp)
            sum_x2 = mpmath.fsum(v**2 for v in x_mp[1:])
            e_mp = (
                mpmath.mpf(float(s.epsilon[i])) * x_mp[0]
                + mpmath.mpf(float(s.gamma[i])) * x_mp[0] ** 2 / 2
                + mpmath.mpf(float(eta_tilde[i])) * sum_n2 / mpmath.mpf(float(s.tau[i]))
            )
            v_mp = mpmath.mpf(float(s.sigma[i])) ** 2 * mpmath.mpf(float(s.tau[i])) * sum_x2
        x_exact = np.array([float(v) for v in x_mp])
        n_exact = np.array([float(v) for v in n_mp])
        j = np.arange(n_steps + 1)
        with floating_point_flags():
            x = formulas.holdings(s.order_size[i], j * s.tau[i], horizon[i], kappa[i])
            n = formulas.trade_sizes(s.order_size[i], j[1:] * s.tau[i], horizon[i], kappa[i], s.tau[i])
            e = formulas.expected_cost(
                s.order_size[i], horizon[i], s.tau[i], kappa[i], s.gamma[i], eta_tilde[i], s.epsilon[i]
            )
            v = formulas.variance(s.order_size[i], horizon[i], s.tau[i], kappa[i], s.sigma[i])
            x_np = np_optimal_holdings(
                s.order_size[i : i + 1],
                n_steps,
                s.risk_aversion[i : i + 1],
                s.sigma[i : i + 1],
                eta_tilde[i : i + 1],
                s.tau[i : i + 1],
            )[0]
        results["x"].append((float(np.max(np.abs(x - x_exact)) / x_exact[0]), float(np.max(x))))
        results["n"].append((float(np.max(np.abs(n - n_exact)) / np.max(n_exact)), float(np.max(n))))
        results["E"].append((mp_relative_error(float(e), e_mp), float(e)))
        results["V"].append((mp_relative_error(float(v), v_mp), float(v)))
        results["np"].append((float(np.max(np.abs(x_np - x_exact)) / x_exact[0]), float(np.max(x_np))))
    rows = []
    for key, function, form, bound in (
        ("x", "holdings", "generated (via kappa), max |dx| / X", BOUND),
        ("n", "trade_sizes", "generated (via kappa), max |dn| / max n", BOUND),
        ("E", "expected_cost", "generated (via kappa)", BOUND),
        ("V", "variance", "generated (via kappa)", BOUND),
        ("np", "qp_numpy", "numpy tridiagonal solve, max |dx| / X", None),
    ):
        errors = [e for e, _ in results[key]]
        tolerances = [bound if bound is not None else BOUND + p[1] ** 2 * NUMPY_QP_ULP for p in points]
        nonfinite = sum(not math.isfinite(v) for _, v in results[key])
        bad = tuple(
            BadPoint(_named(names, points[k]), results[key][k][1], math.nan, errors[k])
            for k in range(len(errors))
            if not errors[k] <= tolerances[k]
        )
        worst = int(np.argmax(errors)) if errors else 0
        rows.append(
            Row(
                function=function,
                form=form,
                oracle="QP (mpmath)",
                points=len(errors),
                worst_error=float(np.max(errors)) if errors else 0.0,
                worst_at=_named(names, points[worst]) if errors else {},
                nonfinite=nonfinite,
                over_bound=len(bad),
                bound=bound if bound is not None else BOUND + max(p[1] for p in points) ** 2 * NUMPY_QP_ULP,
                bad=bad,
            )
        )
    return rows


def compute_schedule_points(
    scenarios: Domain, subset: NDArray[np.int64], *, seed: int = SEED
) -> dict[str, Points]:
    """Schedules for schedule_expected_cost and schedule_variance: the optimal, TWAP and a random
    selling schedule of each scenario in ``subset``, as object arrays of float arrays, and the
    schedule functions' hard cases."""
    rng = np.random.default_rng(seed + 3)
    s = scenarios.take(subset)
    kappa, eta_tilde, horizon = s.kappa, s.eta_tilde, s.horizon
    trades, holdings, rows_e, rows_v = [], [], [], []
    for i in range(s.size):
        j = np.arange(int(s.steps[i]) + 1)
        x0 = s.order_size[i]
        optimal = np.asarray(formulas.holdings(x0, j * s.tau[i], horizon[i], kappa[i]), dtype=np.float64)
        twap = x0 * ((j[-1] - j) / j[-1])
        weights = rng.exponential(size=j[-1])
        random_x = np.concatenate([[x0], x0 - np.cumsum(x0 * weights / weights.sum())])
        random_x[-1] = 0.0
        for x in (optimal, twap, random_x):
            n = -np.diff(x)
            trades.append(n)
            holdings.append(x)
            rows_e.append((s.tau[i], s.gamma[i], eta_tilde[i], s.epsilon[i]))
            rows_v.append((s.tau[i], s.sigma[i]))

    for case in HARD_CASES:
        if case.function == "schedule_expected_cost":
            trades.append(np.array(case.arguments[0]))
            rows_e.append(case.arguments[1:])
        elif case.function == "schedule_variance":
            holdings.append(np.array(case.arguments[0]))
            rows_v.append(case.arguments[1:])

    def objects(arrays: list[FloatArray]) -> FloatArray:
        out = np.empty(len(arrays), dtype=object)
        out[:] = arrays
        return out

    e = np.array(rows_e).T
    v = np.array(rows_v).T
    return {
        "schedule_expected_cost": Points("schedule_expected_cost", (objects(trades), *e)),
        "schedule_variance": Points("schedule_variance", (objects(holdings), *v)),
    }


def compute_schedule_rows(points: dict[str, Points]) -> list[Row]:
    """The schedule functions (one call per schedule) against their sums in mpmath."""
    rows = []
    for name, p in points.items():
        reference = mp_reference(name)
        values, exact = [], []
        with floating_point_flags() as flags:
            for row in p.rows():
                values.append(float(getattr(formulas, name)(*row)))
        for row in p.rows():
            exact.append(mp_converged(reference, row))
        result = compute_row(name, "generated", "mpmath", p.names, p.rows(), values, exact, BOUND)
        rows.append(replace(result, warnings=tuple(sorted(flags))))
    return rows


# --------------------------------------------------------------------------------------------
# the whole sweep


@dataclass(frozen=True)
class Settings:
    """How large a sweep is."""

    quick: bool
    seed: int = SEED

    @property
    def per_schedule(self) -> int:
        """Random times checked per schedule, on top of the ends and the underflow edges."""
        return 2 if self.quick else 8

    @property
    def qp_budget(self) -> int:
        """Total number of holdings solved by the direct QP solve."""
        return 6_000 if self.quick else 1_200_000

    @property
    def lambda_budget(self) -> int | None:
        """Scenarios whose holdings are checked element-wise from lambda (all when quick)."""
        return None if self.quick else 2_000

    @property
    def schedule_budget(self) -> int:
        """Total length of the schedules given to the schedule functions."""
        return 3_000 if self.quick else 300_000


@dataclass(frozen=True)
class Report:
    """The result of a sweep: one row per function, form and oracle."""

    command: str
    scenarios: int
    seconds: float
    rows: tuple[Row, ...]

    @property
    def passed(self) -> bool:
        return all(row.passed for row in self.rows)

    def failures(self) -> list[Row]:
        return [row for row in self.rows if not row.passed]


def compute_report(settings: Settings) -> Report:
    """Run the sweep; return its report (prints nothing)."""
    from acsym.verification import array_api as array_api_verification
    from acsym.verification import basket as basket_verification
    from acsym.verification import drift as drift_verification
    from acsym.verification import powerlaw, transient
    from acsym.verification import sensitivity as sensitivity_verification
    from acsym.verification import soft_deadline as soft_deadline_verification
    from acsym.verification import soft_deadline_discrete as soft_deadline_discrete_verification

    start = time.perf_counter()
    scenarios = domain(quick=settings.quick, seed=settings.seed)
    points = compute_points(scenarios, per_schedule=settings.per_schedule, seed=settings.seed)
    exact = compute_references(points)
    rows = compute_generated_rows(points, exact)
    rows += compute_scalar_rows(points, exact)
    rows += compute_schedule_rows(
        compute_schedule_points(
            scenarios, qp_subset(scenarios, budget=settings.schedule_budget, seed=settings.seed + 5)
        )
    )
    rows += compute_qp_rows(scenarios, qp_subset(scenarios, budget=settings.qp_budget, seed=settings.seed))
    rows += compute_naive_rows(points, scenarios, exact)
    rows += compute_lambda_rows(
        scenarios, per_schedule=settings.per_schedule, budget=settings.lambda_budget, seed=settings.seed
    )
    rows += sensitivity_verification.rows(settings)
    rows += array_api_verification.rows(settings)
    rows += drift_verification.rows(settings)
    rows += soft_deadline_verification.rows(settings)
    rows += soft_deadline_discrete_verification.rows(settings)
    rows += basket_verification.rows(settings)
    rows += powerlaw.rows(settings)
    rows += transient.rows(settings)
    command = "python -m acsym verify" + (" --quick" if settings.quick else "")
    return Report(command, scenarios.size, time.perf_counter() - start, tuple(rows))


def _format_point(point: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v:.6g}" if isinstance(v, float) else f"{k}={v}" for k, v in point.items())


def format_table(report: Report) -> str:
    """The report as a table a person can read (markdown)."""
    lines = [
        f"`{report.command}`: {report.scenarios} scenarios, {report.seconds:.0f} s. Errors are "
        f"relative (absolute, in units of {TINY:.4g}, where the exact value is 0 or subnormal).",
        "",
        "| function | form | oracle | points | worst error | bound | NaN/inf | over bound | worst at |",
        "|---|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in report.rows:
        bound = f"{row.bound:.0e}" if row.bound is not None else "-"
        status = "" if row.passed else " **FAIL**"
        lines.append(
            f"| {row.function} | {row.form}{status} | {row.oracle} | {row.points} | "
            f"{row.worst_error:.2e} | {bound} | {row.nonfinite} | {row.over_bound} | "
            f"{_format_point(row.worst_at)} |"
        )
    verdict = "every generated function within its bound, no NaN or inf" if report.passed else "FAILED"
    lines += ["", f"Result: {verdict}."]
    for row in report.failures():
        lines += ["", row.message()]
    return "\n".join(lines)


def report_json(report: Report) -> dict[str, Any]:
    """The report as plain JSON data (strict JSON: NaN and inf become the strings "nan", "inf")."""
    data = asdict(report)
    data["passed"] = report.passed
    for row, raw in zip(report.rows, data["rows"], strict=True):
        raw["passed"] = row.passed
    return _strict(data)


def _strict(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _strict(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_strict(v) for v in value]
    return value


def main(*, quick: bool = False, as_json: bool = False) -> int:
    """Run the sweep and print it; return 0 when every generated function is within its bound."""
    report = compute_report(Settings(quick=quick))
    if as_json:
        print(json.dumps(report_json(report), indent=2, default=str, allow_nan=False))
    else:
        print(format_table(report))
    return 0 if report.passed else 1
