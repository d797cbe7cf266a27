"""A conformance kit: check anyone's Almgren-Chriss implementation against the derivation.

acsym's oracles (the 80-digit mpmath solve of the quadratic program, the derivation's schedule
sums, Monte Carlo of the model's price dynamics, Hypothesis) are pointed at *your* code. Wrap it
in an :class:`Adapter`, then run the kit one of three ways::

    acsym conform mypkg.module:my_adapter --domain max_kappa_horizon=50   # command line

    from acsym.testing.conformance import assert_conforms                 # in a pytest test
    def test_my_scheduler():
        assert_conforms(my_adapter)

    report = check_conformance(my_adapter)                                # Python API
    print(report.to_markdown())

The adapter contract
--------------------
An adapter is any callable

.. code-block:: python

    def my_adapter(order_size: float, periods: int, *, tau: float, sigma: float, eta: float,
                   gamma: float, epsilon: float, risk_aversion: float) -> Schedule | ArrayLike

that sells ``order_size`` X > 0 [shares] over ``periods`` N >= 1 intervals of length ``tau``
[time units] under the model's parameters (``sigma`` [currency / (share * time**0.5)], ``eta``
[currency * time / share**2], ``gamma`` [currency / share**2], ``epsilon`` [currency / share];
always eta_tilde = eta - gamma tau / 2 > 0) at risk aversion ``risk_aversion`` lambda >= 0
[1 / currency]. It returns the holdings x_0..x_N (N + 1 floats, x_0 = X, x_N = 0), either
as an array or inside a :class:`Schedule` that may also carry the trades n_1..n_N, the expected
cost E [currency] and the variance V [currency**2] it computes. Every input is valid: the kit
never asks about out-of-domain values. Example adapters (acsym itself, slippage-tca,
almgren-chriss) are in :mod:`acsym.testing.adapters`.

The checks
----------
Each check (:data:`CHECKS`) has a name, the property it tests and a tolerance; Hypothesis drives
the search over a :class:`ConformanceDomain` (``hypothesis.target`` steers it towards the worst
error) and shrinks a failure to a minimal input, printed in the report as a call you can paste.
An input where the adapter raises or returns NaN / inf fails ``finite_no_exception`` and is left
out of the checks that need a finite schedule (each says how many inputs it could evaluate);
the lambda = 0, lambda -> 0 and paper checks count it as their own failure. The search is
derandomized (the same inputs on every run, so a report is reproducible): search deeper with
more ``examples``.

Requires hypothesis and mpmath (``pip install "acsym[conformance]"``); both are imported when a
check runs, so importing this module costs what ``import numpy`` costs.
"""

from __future__ import annotations

import importlib
import json
import math
import platform
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Protocol

import numpy as np
from numpy.typing import ArrayLike

from acsym import formulas

__all__ = [
    "CHECKS",
    "PAPER_EXAMPLE",
    "Adapter",
    "Check",
    "CheckResult",
    "ConformanceDomain",
    "ConformanceReport",
    "Problem",
    "Schedule",
    "Tolerances",
    "assert_conforms",
    "check_conformance",
    "format_markdown",
    "load_adapter",
]


# --------------------------------------------------------------------------------------------
# the contract


@dataclass(frozen=True)
class Schedule:
    """What an adapter returns: holdings, and optionally trades, expected cost and variance.

    Attributes
    ----------
    holdings : array_like
        x_0..x_N, N + 1 values from X down to 0 [shares].
    trades : array_like or None
        n_1..n_N with n_k = x_{k-1} - x_k [shares]; None when the implementation has none.
    expected_cost : float or None
        ``E = gamma X**2 / 2 + epsilon sum |n_k| + (eta_tilde / tau) sum n_k**2`` [currency].
    variance : float or None
        V = sigma**2 tau sum_{k=1..N} x_k**2 [currency**2].
    """

    holdings: ArrayLike
    trades: ArrayLike | None = None
    expected_cost: float | None = None
    variance: float | None = None


class Adapter(Protocol):
    """An implementation under test (see the module docstring for the contract)."""

    def __call__(
        self,
        order_size: float,
        periods: int,
        *,
        tau: float,
        sigma: float,
        eta: float,
        gamma: float,
        epsilon: float,
        risk_aversion: float,
    ) -> Schedule | ArrayLike: ...


@dataclass(frozen=True)
class Problem:
    """One valid input of an adapter (shares, the model's units, lambda [1 / currency])."""

    order_size: float
    periods: int
    tau: float
    sigma: float
    eta: float
    gamma: float
    epsilon: float
    risk_aversion: float

    @property
    def eta_tilde(self) -> float:
        """eta - gamma tau / 2 [currency * time / share**2]."""
        return float(formulas.eta_tilde(self.eta, self.gamma, self.tau))

    @property
    def kappa_horizon(self) -> float:
        """kappa T, the dimensionless urgency of the optimal schedule."""
        kappa = formulas.kappa(self.risk_aversion, self.sigma, self.eta_tilde, self.tau)
        return float(kappa) * self.periods * self.tau

    def keywords(self) -> dict[str, float]:
        """The keyword arguments of the adapter call."""
        names = ("tau", "sigma", "eta", "gamma", "epsilon", "risk_aversion")
        return {name: float(getattr(self, name)) for name in names}

    def call(self, name: str = "adapter") -> str:
        """The adapter call as Python source, to paste into a reproduction."""
        keywords = ", ".join(f"{k}={v!r}" for k, v in self.keywords().items())
        return f"{name}({self.order_size!r}, {self.periods}, {keywords})"


@dataclass(frozen=True)
class ConformanceDomain:
    """Where the kit searches: restrict it to what you trade ("we only trade kappa T < 50").

    Every bound is inclusive. kappa T is drawn log-uniformly (lambda follows from it; past
    kappa tau = 300 lambda stops growing), with exactly lambda = 0 in about a quarter of the
    inputs when ``allow_zero_risk_aversion``. ``tau`` fixes the step length (default: from
    1/390 to 90 time units); parameters scale with a price drawn from ``min_price`` to
    ``max_price`` (see :func:`acsym.testing.strategies.model_params`).
    """

    min_kappa_horizon: float = 1e-8
    max_kappa_horizon: float = 1e4
    min_periods: int = 1
    max_periods: int = 1000
    min_order_size: float = 1.0
    max_order_size: float = 1e9
    min_price: float = 0.01
    max_price: float = 1e5
    tau: float | None = None
    allow_zero_risk_aversion: bool = True

    def __post_init__(self) -> None:
        for low, high in (
            ("min_kappa_horizon", "max_kappa_horizon"),
            ("min_periods", "max_periods"),
            ("min_order_size", "max_order_size"),
            ("min_price", "max_price"),
        ):
            a, b = getattr(self, low), getattr(self, high)
            if not (math.isfinite(a) and math.isfinite(b) and 0 < a <= b):
                raise ValueError(f"domain: need 0 < {low} <= {high}, both finite; got {a!r} and {b!r}")
        if self.tau is not None and not (math.isfinite(self.tau) and self.tau > 0):
            raise ValueError(f"domain: tau must be finite and > 0, got {self.tau!r}")

    @classmethod
    def parse(cls, items: str | Sequence[str]) -> ConformanceDomain:
        """A domain from ``"name=value"`` items (comma-separated or in a sequence).

        >>> ConformanceDomain.parse("max_kappa_horizon=50,max_periods=390").max_periods
        390
        """
        texts = [items] if isinstance(items, str) else list(items)
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for text in texts:
            for item in filter(None, (part.strip() for part in text.split(","))):
                name, sep, raw = item.partition("=")
                name = name.strip().replace("-", "_")
                if not sep or name not in known:
                    raise ValueError(
                        f"--domain {item!r}: expected NAME=VALUE with NAME one of {', '.join(known)}"
                    )
                kind = str(known[name].type)
                if "bool" in kind:
                    values[name] = raw.strip().lower() in ("1", "true", "yes")
                elif "int" in kind:
                    values[name] = int(raw)
                else:
                    values[name] = float(raw)
        return cls(**values)

    def problems(self, *, allow_zero: bool | None = None) -> Any:
        """A Hypothesis strategy of :class:`Problem` in this domain. Requires hypothesis."""
        from acsym.testing import strategies as acst

        zero = self.allow_zero_risk_aversion if allow_zero is None else allow_zero
        search = acst.ac_problems(
            max_periods=self.max_periods,
            min_periods=self.min_periods,
            min_kappa_horizon=self.min_kappa_horizon,
            max_kappa_horizon=self.max_kappa_horizon,
            allow_zero_risk_aversion=zero,
            params=acst.model_params(tau=self.tau, min_price=self.min_price, max_price=self.max_price),
            orders=acst.order_sizes(min_value=self.min_order_size, max_value=self.max_order_size),
        )
        return search.map(_problem)


def _problem(problem: Any) -> Problem:
    p = problem.params
    return Problem(
        float(problem.order_size),
        int(problem.duration_periods),
        float(p.tau),
        float(p.sigma),
        float(p.eta),
        float(p.gamma),
        float(p.epsilon),
        float(problem.risk_aversion),
    )


@dataclass(frozen=True)
class Tolerances:
    """The tolerances of the checks (relative; "of X" means relative to the order size).

    ``rtol`` bounds the schedule (``max |x_j - exact| / X``, trades likewise), the expected cost
    (relative) and the variance (relative to max(V, sigma**2 tau X**2), the variance of
    holding X for one step: the schedule's scale), the residual of the first-order conditions
    (relative to the size of their terms) and the boundary values. ``monte_carlo_z`` bounds
    the gap between the adapter's E and sqrt(V) and the simulated mean and standard deviation,
    in standard errors (in units of 1e-12 of the mean cost where the standard error is smaller:
    the float resolution of the simulated costs). Negative holdings and trades are held to 0.
    """

    rtol: float = 1e-9
    monte_carlo_z: float = 5.0
    #: the schedule at 0 < kappa T << 1 differs from TWAP by at most
    #: ``max_s |s - sinh(a s) / sinh(a)| ~ (2 / (3 sqrt 3)) a**2 / 6 < 0.07 a**2`` of X, a = kappa T
    continuity_coefficient: float = 0.07


# --------------------------------------------------------------------------------------------
# running the adapter


@dataclass(frozen=True)
class _Output:
    """The adapter's answer to one problem, normalised; ``error`` says why there is none."""

    holdings: np.ndarray | None = None
    trades: np.ndarray | None = None
    trades_given: bool = False
    expected_cost: float | None = None
    variance: float | None = None
    error: str | None = None

    @property
    def finite(self) -> bool:
        return self.error is None

    @property
    def shaped(self) -> bool:
        return self.holdings is not None and self.trades is not None


def _evaluate(adapter: Callable[..., Any], problem: Problem) -> _Output:
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        try:
            raw = adapter(problem.order_size, problem.periods, **problem.keywords())
        except Exception as error:  # the kit reports every exception, whatever its type
            return _Output(error=f"raised {type(error).__name__}: {error}")
        try:
            out = _normalise(raw, problem)
        except (TypeError, ValueError) as error:
            return _Output(error=f"returned {type(raw).__name__} that is not a schedule: {error}")
    if out.error is not None and caught:  # say where the NaN came from
        noted = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
        out = replace(out, error=f"{out.error} ({'; '.join(noted)})")
    return out


def _normalise(raw: Any, problem: Problem) -> _Output:
    schedule = raw if isinstance(raw, Schedule) else Schedule(raw)
    holdings = np.asarray(schedule.holdings, dtype=np.float64).ravel()
    given = schedule.trades is not None
    trades = np.asarray(schedule.trades, dtype=np.float64).ravel() if given else -np.diff(holdings)
    e = None if schedule.expected_cost is None else float(schedule.expected_cost)
    v = None if schedule.variance is None else float(schedule.variance)
    out = _Output(holdings, trades, given, e, v)
    named = (
        ("holdings", holdings),
        ("trades", trades),
        ("expected cost / variance", np.array([x for x in (e, v) if x is not None])),
    )
    bad = [f"{name}: {int((~np.isfinite(a)).sum())} of {a.size} NaN or inf" for name, a in named]
    bad = [text for text, (_, a) in zip(bad, named, strict=True) if not np.isfinite(a).all()]
    if bad:
        return replace(out, error="returned " + "; ".join(bad))
    if holdings.shape[0] != problem.periods + 1 or trades.shape[0] != problem.periods:
        return replace(out, holdings=holdings, trades=None)
    return out


# --------------------------------------------------------------------------------------------
# the references (acsym.verify's oracles)


@dataclass(frozen=True)
class _Reference:
    holdings: np.ndarray
    trades: np.ndarray
    expected_cost: Any  # mpmath numbers
    variance: Any


def _reference(problem: Problem) -> _Reference:
    """The exact optimal schedule (the QP solved in mpmath) and its E and V, summed in mpmath."""
    import mpmath

    from acsym.verify import DIGITS, GUARD_DIGITS, mp_optimal_holdings

    x = mp_optimal_holdings(
        problem.order_size,
        problem.periods,
        risk_aversion=problem.risk_aversion,
        sigma=problem.sigma,
        eta_tilde=problem.eta_tilde,
        tau=problem.tau,
    )
    with mpmath.workdps(DIGITS + GUARD_DIGITS):
        n = [x[j - 1] - x[j] for j in range(1, problem.periods + 1)]
        mp = mpmath.mpf
        tau = mp(problem.tau)
        e = (
            mp(problem.epsilon) * x[0]
            + mp(problem.gamma) * x[0] ** 2 / 2
            + (mp(problem.eta) - mp(problem.gamma) * tau / 2) * mpmath.fsum(v**2 for v in n) / tau
        )
        v = mp(problem.sigma) ** 2 * tau * mpmath.fsum(h**2 for h in x[1:])
    return _Reference(np.array([float(h) for h in x]), np.array([float(t) for t in n]), e, v)


def _variance_scale(problem: Problem) -> float:
    return problem.sigma**2 * problem.tau * problem.order_size**2


def _moment_errors(out: _Output, problem: Problem, e_exact: Any, v_exact: Any) -> list[tuple[float, str]]:
    import mpmath

    errors = []
    with mpmath.workdps(40):
        if out.expected_cost is not None:
            error = float(abs(mpmath.mpf(out.expected_cost) - e_exact) / abs(e_exact))
            errors.append((error, f"E = {out.expected_cost!r}, exact {float(e_exact)!r}"))
        if out.variance is not None:
            scale = max(abs(v_exact), mpmath.mpf(_variance_scale(problem)))
            error = float(abs(mpmath.mpf(out.variance) - v_exact) / scale)
            errors.append((error, f"V = {out.variance!r}, exact {float(v_exact)!r}"))
    return errors


# --------------------------------------------------------------------------------------------
# the checks


@dataclass(frozen=True)
class _Measure:
    """One input's result: ``error`` against ``bound`` (None: the input was not evaluated)."""

    error: float | None
    bound: float
    detail: str = ""


_SKIP = _Measure(None, 0.0)


@dataclass(frozen=True)
class _Context:
    adapter: Callable[..., Any]
    domain: ConformanceDomain
    tolerances: Tolerances
    monte_carlo_paths: int


@dataclass(frozen=True)
class Check:
    """A named property, the tolerance it is held to, and how it is searched."""

    name: str
    claim: str  #: the property the check tests
    tolerance: str
    #: the inputs: a function of the domain returning a Hypothesis strategy (None: fixed inputs)
    inputs: Callable[[ConformanceDomain], Any] | None
    measure: Callable[[_Context, Any], _Measure]
    #: the share of the examples this check runs (Monte Carlo is slow)
    share: float = 1.0
    #: whether the domain contains the inputs of the check
    applies: Callable[[ConformanceDomain], bool] = lambda domain: True


def _agreement(ctx: _Context, problem: Problem) -> _Measure:
    out = _evaluate(ctx.adapter, problem)
    if not (out.finite and out.shaped):
        return _SKIP
    assert out.holdings is not None and out.trades is not None
    exact = _reference(problem)
    x0 = problem.order_size
    errors = [_largest_gap("x", out.holdings, exact.holdings, 0, x0)]
    if out.trades_given:
        errors.append(_largest_gap("n", out.trades, exact.trades, 1, x0))
    errors += _moment_errors(out, problem, exact.expected_cost, exact.variance)
    error, detail = max(errors, key=lambda e: e[0])
    return _Measure(error, ctx.tolerances.rtol, detail)


def _largest_gap(
    name: str, values: np.ndarray, exact: np.ndarray, first: int, scale: float
) -> tuple[float, str]:
    gap = np.abs(values - exact)
    j = int(np.argmax(gap))
    return float(gap[j]) / scale, f"{name}_{j + first} = {float(values[j])!r}, exact {float(exact[j])!r}"


def _boundary(ctx: _Context, problem: Problem) -> _Measure:
    out = _evaluate(ctx.adapter, problem)
    if not out.finite:
        return _SKIP
    assert out.holdings is not None
    n = problem.periods
    if not out.shaped:
        trades = "" if out.trades is None else f" and {out.trades.shape[0]} trades"
        return _Measure(
            math.inf, ctx.tolerances.rtol, f"{out.holdings.shape[0]} holdings{trades} for N = {n} periods"
        )
    assert out.trades is not None
    x, t, x0 = out.holdings, out.trades, problem.order_size
    errors = [
        (abs(x[0] - x0) / x0, f"x_0 = {float(x[0])!r}, not X = {x0!r}"),
        (abs(x[-1]) / x0, f"x_N = {float(x[-1])!r}, not 0"),
        (abs(math.fsum(t) - x0) / x0, f"trades sum to {math.fsum(t)!r}, not X"),
    ]
    if out.trades_given:
        gap = np.abs(t - (x[:-1] - x[1:]))
        k = int(np.argmax(gap))
        errors.append(
            (
                float(gap[k]) / x0,
                f"n_{k + 1} = {float(t[k])!r} but x_{k} - x_{k + 1} = {float(x[k] - x[k + 1])!r}",
            )
        )
    error, detail = max(errors, key=lambda e: e[0])
    return _Measure(error, ctx.tolerances.rtol, detail)


def _nonnegative(ctx: _Context, problem: Problem) -> _Measure:
    out = _evaluate(ctx.adapter, problem)
    if not (out.finite and out.holdings is not None):
        return _SKIP
    candidates = [("x", out.holdings, 0)]
    if out.trades is not None:
        candidates.append(("n", out.trades, 1))
    worst, detail = 0.0, "none negative"
    for name, values, first in candidates:
        k = int(np.argmin(values))
        if values[k] < 0 and -values[k] / problem.order_size > worst:
            worst, detail = (
                -float(values[k]) / problem.order_size,
                f"{name}_{k + first} = {float(values[k])!r}",
            )
    return _Measure(worst, 0.0, detail)


def _finite(ctx: _Context, problem: Problem) -> _Measure:
    from hypothesis import target

    # steer towards the edges, where implementations overflow or divide by zero
    kappa_horizon = problem.kappa_horizon
    if kappa_horizon > 0:
        target(math.log10(kappa_horizon), label="log10 kappa T")
        target(-math.log10(kappa_horizon), label="-log10 kappa T")
    out = _evaluate(ctx.adapter, problem)
    return _Measure(0.0 if out.finite else 1.0, 0.0, out.error or "finite")


def _at_zero(domain: ConformanceDomain) -> Any:
    return domain.problems().map(lambda p: replace(p, risk_aversion=0.0))


def _twap(ctx: _Context, problem: Problem) -> _Measure:
    out = _evaluate(ctx.adapter, problem)
    if not out.finite:
        return _Measure(math.inf, ctx.tolerances.rtol, out.error or "")
    assert out.holdings is not None
    if not out.shaped:
        return _SKIP  # boundary_values reports the shape
    error, detail = _largest_gap("x", out.holdings, _twap_holdings(problem), 0, problem.order_size)
    return _Measure(error, ctx.tolerances.rtol, detail.replace("exact", "TWAP"))


def _twap_holdings(problem: Problem) -> np.ndarray:
    """x_j = X (N - j) / N [shares]."""
    n = problem.periods
    return problem.order_size * (n - np.arange(n + 1)) / n


def _small_kappa(domain: ConformanceDomain) -> Any:
    upper = min(domain.max_kappa_horizon, 1e-3)
    lower = min(max(domain.min_kappa_horizon, 1e-14), upper)
    return replace(domain, min_kappa_horizon=lower, max_kappa_horizon=upper).problems(allow_zero=False)


def _continuity(ctx: _Context, problem: Problem) -> _Measure:
    out = _evaluate(ctx.adapter, problem)
    a = problem.kappa_horizon
    bound = ctx.tolerances.rtol + ctx.tolerances.continuity_coefficient * a**2
    if not out.finite:
        return _Measure(math.inf, bound, out.error or "")
    assert out.holdings is not None
    if not out.shaped:
        return _SKIP
    error, detail = _largest_gap("x", out.holdings, _twap_holdings(problem), 0, problem.order_size)
    return _Measure(error, bound, detail.replace("exact", "TWAP") + f" at kappa T = {a:.3g}")


def _pairs(domain: ConformanceDomain) -> Any:
    from hypothesis import strategies as st

    from acsym.testing.strategies import log_uniform

    return st.tuples(domain.problems(), log_uniform(min_value=1.001, max_value=1e3))


def _monotone(ctx: _Context, pair: tuple[Problem, float]) -> _Measure:
    low, factor = pair
    if low.risk_aversion == 0:
        low = replace(low, risk_aversion=0.0)
        high = replace(low, risk_aversion=_lambda_for(low, min(ctx.domain.max_kappa_horizon, 1.0)))
    else:
        high = replace(low, risk_aversion=low.risk_aversion * factor)
    first, second = _evaluate(ctx.adapter, low), _evaluate(ctx.adapter, high)
    if not (first.finite and second.finite and first.shaped and second.shaped):
        return _SKIP
    assert first.holdings is not None and second.holdings is not None
    rise = (second.holdings - first.holdings) / low.order_size
    j = int(np.argmax(rise))
    detail = (
        f"x_{j} = {float(second.holdings[j])!r} at lambda = {high.risk_aversion!r} > x_{j} = "
        f"{float(first.holdings[j])!r} at lambda = {low.risk_aversion!r}"
        if rise[j] > 0
        else "never holds more"
    )
    return _Measure(max(float(rise[j]), 0.0), ctx.tolerances.rtol, detail)


def _lambda_for(problem: Problem, kappa_horizon: float) -> float:
    """lambda with kappa T = ``kappa_horizon``: eta_tilde (2 sinh(kappa tau / 2) / tau)**2 / sigma**2."""
    kappa_tau = kappa_horizon / problem.periods
    return problem.eta_tilde * (2 * math.sinh(kappa_tau / 2) / problem.tau) ** 2 / problem.sigma**2


def _first_order(ctx: _Context, problem: Problem) -> _Measure:
    import mpmath

    out = _evaluate(ctx.adapter, problem)
    if not (out.finite and out.shaped):
        return _SKIP
    assert out.holdings is not None
    if problem.periods < 2:
        return _Measure(0.0, ctx.tolerances.rtol, "N = 1: no interior holdings")
    with mpmath.workdps(40):
        mp = mpmath.mpf
        c = mp(problem.risk_aversion) * mp(problem.sigma) ** 2 * mp(problem.tau) ** 2
        c /= mp(problem.eta) - mp(problem.gamma) * mp(problem.tau) / 2
        x = [mp(float(v)) for v in out.holdings]
        residuals = [abs(x[j - 1] - (2 + c) * x[j] + x[j + 1]) for j in range(1, problem.periods)]
        scale = max(abs(x[j - 1]) + (2 + c) * abs(x[j]) + abs(x[j + 1]) for j in range(1, problem.periods))
        k = max(range(len(residuals)), key=lambda i: residuals[i])
        error = float(residuals[k] / scale) if scale > 0 else 0.0
        detail = (
            f"x_{k} - (2 + c) x_{k + 1} + x_{k + 2} = {float(residuals[k]):.3g} with x_{k}..x_{k + 2} = "
            f"{', '.join(repr(float(v)) for v in out.holdings[k : k + 3])}, c = {float(c):.6g}"
        )
    return _Measure(error, ctx.tolerances.rtol, detail)


def _schedule_sums(ctx: _Context, problem: Problem) -> _Measure:
    from acsym.verify import mp_converged, mp_reference

    out = _evaluate(ctx.adapter, problem)
    if not (out.finite and out.shaped) or (out.expected_cost is None and out.variance is None):
        return _SKIP
    assert out.holdings is not None and out.trades is not None
    eta_tilde = problem.eta_tilde
    e = mp_converged(
        mp_reference("schedule_expected_cost"),
        (out.trades, problem.tau, problem.gamma, eta_tilde, problem.epsilon),
    )
    v = mp_converged(mp_reference("schedule_variance"), (out.holdings, problem.tau, problem.sigma))
    error, detail = max(_moment_errors(out, problem, e, v), key=lambda m: m[0])
    return _Measure(error, ctx.tolerances.rtol, detail + " (sums over its own schedule)")


def _monte_carlo(ctx: _Context, problem: Problem) -> _Measure:
    from acsym.model import AlmgrenChrissParams
    from acsym.simulation import simulate_execution
    from acsym.trajectory import ExecutionTrajectory

    out = _evaluate(ctx.adapter, problem)
    if not (out.finite and out.shaped) or (out.expected_cost is None and out.variance is None):
        return _SKIP
    assert out.holdings is not None and out.trades is not None
    params = AlmgrenChrissParams(
        eta=problem.eta,
        gamma=problem.gamma,
        sigma=problem.sigma,
        tau=problem.tau,
        epsilon=problem.epsilon,
        price=1.0,
    )
    trajectory = ExecutionTrajectory(
        timestamps=np.arange(problem.periods + 1) * problem.tau,
        holdings=out.holdings,
        trade_sizes=out.trades,
        strategy_name="adapter",
        total_cost_estimate=math.nan,
        risk_aversion=problem.risk_aversion,
    )
    seed = abs(hash((problem.order_size, problem.periods, problem.risk_aversion))) % 2**32
    with warnings.catch_warnings(record=True), np.errstate(all="ignore"):
        warnings.simplefilter("always")
        result = simulate_execution(trajectory, params, ctx.monte_carlo_paths, seed=seed)
    if not math.isfinite(result.mean):
        return _Measure(None, 0.0, "the schedule could not be simulated")
    gaps = []
    resolution = 1e-12 * abs(result.mean) + math.ulp(0.0)
    if out.expected_cost is not None:
        gap = _gap(result.mean, out.expected_cost, result.mean_stderr, resolution)
        gaps.append((gap, "E", out.expected_cost, result.mean))
    if out.variance is not None:
        std = math.sqrt(max(out.variance, 0.0))
        gaps.append((_gap(result.std, std, result.std_stderr, resolution), "sqrt(V)", std, result.std))
    gap, name, claimed, simulated = max(gaps, key=lambda g: g[0])
    detail = f"{name} = {claimed!r}, simulated {simulated!r} ({ctx.monte_carlo_paths} paths)"
    return _Measure(gap, ctx.tolerances.monte_carlo_z, detail)


def _gap(simulated: float, claimed: float, stderr: float, resolution: float) -> float:
    """|simulated - claimed| in standard errors, or in units of ``resolution`` when the standard
    error is below it (a float sum of costs of size C cannot show a spread under ~1e-16 C)."""
    return abs(simulated - claimed) / max(stderr, resolution)


#: Almgren & Chriss (2000), section 3.2 ("Construction of optimal strategies: an example"):
#: 1e6 shares of a $50 stock sold over T = 5 days in N = 5 daily steps; 30% annual volatility
#: (sigma = 0.95 $/share/day**0.5), a 1/8 spread (epsilon = 1/16), gamma = 2.5e-7 $/share**2,
#: eta = 2.5e-6 $ day/share**2; lambda = 1e-6 / $ (kappa ~ 0.6 / day), 2e-6 (their
#: trajectory A) and 0 (their trajectory B, the straight line).
PAPER_EXAMPLE: tuple[Problem, ...] = tuple(
    Problem(1e6, 5, 1.0, 0.95, 2.5e-6, 2.5e-7, 0.0625, lam) for lam in (1e-6, 2e-6, 0.0)
)


def _paper(ctx: _Context, problem: Problem) -> _Measure:
    out = _evaluate(ctx.adapter, problem)
    if not out.finite:
        return _Measure(math.inf, ctx.tolerances.rtol, out.error or "")
    if not out.shaped:
        return _Measure(math.inf, ctx.tolerances.rtol, "wrong number of holdings or trades")
    return _agreement(ctx, problem)


CHECKS: tuple[Check, ...] = (
    Check(
        "mpmath_agreement",
        "holdings (and trades, E, V when returned) equal the optimum of E + lambda V: the "
        "quadratic program solved directly in mpmath at 80 digits, its E and V summed in mpmath",
        "rtol of X for x and n; rtol relative for E; rtol of max(V, sigma^2 tau X^2) for V",
        lambda d: d.problems(),
        _agreement,
    ),
    Check(
        "boundary_values",
        "N + 1 holdings and N trades; x_0 = X, x_N = 0, the trades sum to X and equal the "
        "decrements of the holdings",
        "rtol of X",
        lambda d: d.problems(),
        _boundary,
    ),
    Check(
        "nonnegative",
        "no negative holding or trade (a sale never buys back)",
        "0: none at all",
        lambda d: d.problems(),
        _nonnegative,
    ),
    Check(
        "finite_no_exception",
        "every valid input gives finite holdings, trades, E and V, and no exception",
        "0: no failing input",
        lambda d: d.problems(),
        _finite,
    ),
    Check(
        "twap_at_zero",
        "lambda = 0 gives TWAP, x_j = X (N - j) / N",
        "rtol of X",
        _at_zero,
        _twap,
        applies=lambda d: d.allow_zero_risk_aversion,
    ),
    Check(
        "continuity_at_zero",
        "as lambda -> 0 the schedule tends to TWAP (kappa T from 1e-14 to 1e-3: no cut-off, no 0/0)",
        "rtol + 0.07 (kappa T)^2 of X",
        _small_kappa,
        _continuity,
        applies=lambda d: d.allow_zero_risk_aversion and d.min_kappa_horizon <= 1e-3,
    ),
    Check(
        "monotone_front_loading",
        "a larger lambda never holds more: x_j(lambda') <= x_j(lambda) for lambda' > lambda",
        "rtol of X",
        _pairs,
        _monotone,
    ),
    Check(
        "first_order_conditions",
        "the holdings solve the discrete Euler-Lagrange equations "
        "x_{j-1} - (2 + c) x_j + x_{j+1} = 0, c = lambda sigma^2 tau^2 / eta_tilde (in mpmath, "
        "from the adapter's own floats)",
        "rtol of the largest |x_{j-1}| + (2 + c)|x_j| + |x_{j+1}|",
        lambda d: d.problems(),
        _first_order,
    ),
    Check(
        "moments_vs_schedule",
        "the returned E and V equal gamma X^2/2 + epsilon sum|n| + (eta_tilde/tau) sum n^2 and "
        "sigma^2 tau sum x^2 over the adapter's own schedule (acsym.verify's sums, in mpmath)",
        "rtol relative for E; rtol of max(V, sigma^2 tau X^2) for V",
        lambda d: d.problems(),
        _schedule_sums,
    ),
    Check(
        "moments_vs_monte_carlo",
        "the returned E and sqrt(V) match the mean and standard deviation of the simulated "
        "shortfall of the adapter's schedule under the model's price dynamics",
        "monte_carlo_z standard errors",
        lambda d: replace(
            d, max_periods=min(d.max_periods, 100), min_periods=min(d.min_periods, 100)
        ).problems(),
        _monte_carlo,
        share=0.05,
    ),
    Check(
        "paper_example",
        "the worked example of Almgren & Chriss (2000) section 3.2 (X = 1e6, N = 5, tau = 1 day, "
        "lambda = 1e-6, 2e-6, 0) agrees with the mpmath optimum",
        "as mpmath_agreement",
        None,
        _paper,
    ),
)


# --------------------------------------------------------------------------------------------
# the report


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check.

    ``worst_*`` describe the input with the largest error found (``worst_error`` against
    ``worst_bound``); ``minimal_*`` the failing input after Hypothesis shrank it (None when the
    check passed). ``examples`` counts the inputs evaluated; inputs the check could not use
    (the adapter raised or returned NaN) are ``skipped``.
    """

    name: str
    claim: str  #: the property the check tests
    tolerance: str
    status: str  #: "pass", "fail" or "skip"
    examples: int
    skipped: int
    worst_error: float
    worst_bound: float
    worst_input: dict[str, Any] | None
    worst_detail: str
    minimal_input: dict[str, Any] | None = None
    minimal_call: str | None = None
    minimal_detail: str = ""
    note: str = ""

    @property
    def passed(self) -> bool:
        return self.status != "fail"


@dataclass(frozen=True)
class ConformanceReport:
    """The result of :func:`check_conformance`: one :class:`CheckResult` per check."""

    adapter: str
    domain: ConformanceDomain
    tolerances: Tolerances
    examples: int
    seconds: float
    checks: tuple[CheckResult, ...]
    environment: dict[str, str] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def failures(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.passed]

    def to_json(self) -> dict[str, Any]:
        """Plain, strict JSON data (NaN and inf as the strings "nan", "inf")."""
        data = asdict(self)
        data["passed"] = self.passed
        from acsym.verify import _strict  # one strict-JSON helper for both reports

        return _strict(data)

    def to_markdown(self) -> str:
        """The report as markdown (see :func:`format_markdown`)."""
        return format_markdown(self.to_json())


def _number(value: Any) -> str:
    if isinstance(value, str):
        return value
    return f"{value:.3g}"


def _cell(text: str) -> str:
    """``text`` inside a markdown table cell (its pipes escaped)."""
    return text.replace("|", "\\|")


def format_markdown(report: dict[str, Any], *, heading: str = "###") -> str:
    """A report (as :meth:`ConformanceReport.to_json` data) as a markdown section.

    Works on the JSON data so a report computed in another environment (``acsym conform
    --json``) prints the same way.
    """
    env = ", ".join(f"{k} {v}" for k, v in report.get("environment", {}).items())
    verdict = (
        "conforms"
        if report["passed"]
        else "FAILS " + ", ".join(c["name"] for c in report["checks"] if c["status"] == "fail")
    )
    domain = ", ".join(f"{k}={v}" for k, v in report["domain"].items())
    lines = [
        f"{heading} `{report['adapter']}`: {verdict}",
        "",
        f"{env}. {report['examples']} Hypothesis examples per check, {report['seconds']:.0f} s. "
        f"Domain: {domain}. rtol = {_number(report['tolerances']['rtol'])}.",
        "",
        "| check | status | inputs | worst error | bound | worst at |",
        "|---|---|---:|---:|---:|---|",
    ]
    for c in report["checks"]:
        where = c["worst_detail"] if c["worst_input"] is not None else c["note"]
        status = {"pass": "pass", "fail": "**FAIL**", "skip": "skip"}[c["status"]]
        skipped = f" (+{c['skipped']} skipped)" if c["skipped"] else ""
        lines.append(
            f"| {c['name']} | {status} | {c['examples']}{skipped} | {_number(c['worst_error'])} | "
            f"{_number(c['worst_bound'])} | {_cell(where)} |"
        )
    failures = [c for c in report["checks"] if c["status"] == "fail"]
    for c in failures:
        lines += [
            "",
            f"**{c['name']}** ({c['claim']}; tolerance: {c['tolerance']}). Minimal failing input:",
            "",
            "```python",
            c["minimal_call"] or "(none)",
            f"# -> {c['minimal_detail']}",
            "```",
        ]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# running the checks


class _Failed(AssertionError):
    pass


def _as_input(example: Any) -> tuple[dict[str, Any], str]:
    if isinstance(example, Problem):
        return asdict(example), example.call()
    problem, factor = example
    return {**asdict(problem), "lambda_factor": factor}, (
        f"{problem.call()}  # and again at risk_aversion * {factor!r}"
    )


def _run_check(check: Check, ctx: _Context, examples: int) -> CheckResult:
    state: dict[str, Any] = {"count": 0, "skipped": 0, "worst": None, "failures": []}

    def observe(example: Any, steer: Callable[..., object] | None = None) -> None:
        measure = check.measure(ctx, example)
        if measure.error is None:
            state["skipped"] += 1
            return
        state["count"] += 1
        ratio = measure.error / measure.bound if measure.bound > 0 else measure.error
        if steer is not None:
            steer(_score(ratio), label="error / bound")
        worst = state["worst"]
        if worst is None or ratio > worst[0]:
            state["worst"] = (ratio, measure, example)
        if not (math.isfinite(measure.error) and measure.error <= measure.bound):  # inf: no answer
            state["failures"].append((measure, example))
            raise _Failed(measure.detail)

    note = ""
    if not check.applies(ctx.domain):
        note = "skipped: the domain excludes its inputs (lambda = 0 or kappa T <= 1e-3)"
    elif check.inputs is None:
        for problem in PAPER_EXAMPLE:
            try:
                observe(problem)
            except _Failed:
                pass
    else:
        from hypothesis import HealthCheck, Verbosity, given, settings, target

        def targeted(example: Any) -> None:
            observe(example, target)

        runs = max(1, round(examples * check.share))
        test = settings(
            max_examples=runs,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            report_multiple_bugs=False,
            print_blob=False,
            verbosity=Verbosity.quiet,
        )(given(check.inputs(ctx.domain))(targeted))
        try:
            test()
        except _Failed:
            pass
        except Exception as error:  # Hypothesis's own errors (Flaky, Unsatisfiable): report them
            note = f"Hypothesis stopped: {type(error).__name__}: {error}"
    minimal = state["failures"][-1 if check.inputs is not None else 0] if state["failures"] else None
    worst = state["worst"]
    if state["count"] == 0:
        status = "skip"
        note = note or _skip_reason(check)
    else:
        status = "fail" if minimal is not None else "pass"
    worst_input, _ = _as_input(worst[2]) if worst else (None, "")
    result = CheckResult(
        name=check.name,
        claim=check.claim,
        tolerance=check.tolerance,
        status=status,
        examples=state["count"],
        skipped=state["skipped"],
        worst_error=float(worst[1].error) if worst else 0.0,
        worst_bound=float(worst[1].bound) if worst else 0.0,
        worst_input=worst_input,
        worst_detail=worst[1].detail if worst else "",
        note=note,
    )
    if minimal is not None:
        measure, example = minimal
        data, call = _as_input(example)
        result = replace(result, minimal_input=data, minimal_call=call, minimal_detail=measure.detail)
    return result


def _score(ratio: float) -> float:
    """A finite score for hypothesis.target: log10 of error / bound, capped."""
    if not ratio > 0:
        return -400.0
    return min(math.log10(ratio), 400.0)


def _skip_reason(check: Check) -> str:
    if check.name in ("moments_vs_schedule", "moments_vs_monte_carlo"):
        return "skipped: the adapter returns no expected cost or variance"
    return "skipped: no input gave a finite schedule of the right length"


def check_conformance(
    adapter: Callable[..., Any],
    *,
    domain: ConformanceDomain | None = None,
    tolerances: Tolerances | None = None,
    examples: int = 200,
    checks: Sequence[str] | None = None,
    monte_carlo_paths: int = 20_000,
    name: str | None = None,
) -> ConformanceReport:
    """Run the conformance checks on ``adapter``; return the report (prints nothing).

    Parameters
    ----------
    adapter : Adapter
        The implementation under test (see the module docstring for the contract).
    domain : ConformanceDomain, optional
        Where to search (default: kappa T from 1e-8 to 1e4, N up to 1000, every price and
        order size).
    tolerances : Tolerances, optional
        The bounds (default: rtol 1e-9, Monte Carlo within 5 standard errors).
    examples : int, default 200
        Hypothesis examples per check (the Monte Carlo check runs 5% of them, at least 1).
    checks : sequence of str, optional
        Names of the checks to run (default: all of :data:`CHECKS`).
    monte_carlo_paths : int, default 20000
        Simulated paths per Monte Carlo input.
    name : str, optional
        How the report names the adapter (default: its module and qualified name).

    Returns
    -------
    ConformanceReport
        One result per check; ``report.passed`` is True when none failed.

    Raises
    ------
    ValueError
        For an unknown check name.
    ImportError
        If hypothesis or mpmath is missing.
    """
    _require_extras()
    domain = domain if domain is not None else ConformanceDomain()
    tolerances = tolerances if tolerances is not None else Tolerances()
    known = {c.name: c for c in CHECKS}
    chosen = list(known) if checks is None else list(checks)
    unknown = [c for c in chosen if c not in known]
    if unknown:
        raise ValueError(f"unknown check(s) {unknown}; the checks are {', '.join(known)}")
    ctx = _Context(adapter, domain, tolerances, monte_carlo_paths)
    start = time.perf_counter()
    results = tuple(_run_check(known[c], ctx, examples) for c in chosen)
    label = name or f"{getattr(adapter, '__module__', '?')}:{getattr(adapter, '__qualname__', repr(adapter))}"
    return ConformanceReport(
        adapter=label,
        domain=domain,
        tolerances=tolerances,
        examples=examples,
        seconds=time.perf_counter() - start,
        checks=results,
        environment=_environment(adapter),
    )


def _require_extras() -> None:
    for module in ("hypothesis", "mpmath"):
        try:
            importlib.import_module(module)
        except ImportError as error:
            raise ImportError(
                f"the conformance kit needs {module}: pip install 'acsym[conformance]'"
            ) from error


def _environment(adapter: Callable[..., Any]) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    env = {"python": platform.python_version(), "numpy": np.__version__}
    for package in getattr(adapter, "packages", ()):
        try:
            env[package] = version(package)
        except PackageNotFoundError:
            env[package] = "not installed"
    return env


def assert_conforms(
    adapter: Callable[..., Any],
    *,
    domain: ConformanceDomain | None = None,
    tolerances: Tolerances | None = None,
    examples: int = 25,
    checks: Sequence[str] | None = None,
    monte_carlo_paths: int = 2_000,
) -> ConformanceReport:
    """Assert that ``adapter`` passes every check: one line in a pytest test.

    Same parameters as :func:`check_conformance`, with a smaller default search (25 examples a
    check, 2000 Monte Carlo paths) so it runs in seconds. Returns the report when it passes.

    Raises
    ------
    AssertionError
        Listing each failed check with its minimal failing input as a call you can paste.
    """
    report = check_conformance(
        adapter,
        domain=domain,
        tolerances=tolerances,
        examples=examples,
        checks=checks,
        monte_carlo_paths=monte_carlo_paths,
    )
    if not report.passed:
        lines = [f"{report.adapter} fails {len(report.failures())} conformance check(s):"]
        for c in report.failures():
            lines += [f"  {c.name}: {c.claim}", f"    {c.minimal_call}", f"    -> {c.minimal_detail}"]
        raise AssertionError("\n".join(lines))
    return report


def load_adapter(spec: str) -> Callable[..., Any]:
    """The adapter named ``"package.module:function"`` (the attribute may be dotted).

    Raises
    ------
    ValueError
        If ``spec`` has no colon, the module cannot be imported or the attribute is missing
        or not callable.
    """
    module_name, sep, attribute = spec.partition(":")
    if not sep or not module_name or not attribute:
        raise ValueError(f"{spec!r}: expected MODULE:FUNCTION, e.g. acsym.testing.adapters:acsym_adapter")
    try:
        value: Any = importlib.import_module(module_name)
    except ImportError as error:
        raise ValueError(f"{spec!r}: cannot import {module_name!r}: {error}") from error
    for part in attribute.split("."):
        if not hasattr(value, part):
            raise ValueError(f"{spec!r}: {module_name!r} has no attribute {attribute!r}")
        value = getattr(value, part)
    if not callable(value):
        raise ValueError(f"{spec!r} is a {type(value).__name__}, not a callable adapter")
    return value


def main(spec: str, *, domain: Sequence[str] = (), as_json: bool = False, **options: Any) -> int:
    """``acsym conform``: run the kit on the adapter named ``spec``, print the report.

    Returns 0 when every check passes, 1 when one fails, 2 for a bad adapter or domain.
    """
    import sys

    try:
        adapter = load_adapter(spec)
        search = ConformanceDomain.parse(domain) if domain else ConformanceDomain()
        report = check_conformance(adapter, domain=search, name=spec, **options)
    except (ValueError, ImportError) as error:
        print(f"acsym conform: {error}", file=sys.stderr)
        return 2
    if as_json:
        print(json.dumps(report.to_json(), indent=2, allow_nan=False))
    else:
        print(report.to_markdown())
    return 0 if report.passed else 1
