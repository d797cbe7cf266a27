"""Monte Carlo of the discrete Almgren-Chriss dynamics: :func:`simulate_execution`.

The closed forms in :mod:`acsym.formulas` say what a schedule costs on average and how much
that cost varies. This module checks them independently, by running the model's own price
dynamics path by path (vectorised over paths), and adds what a mean and a variance alone do not
give: quantiles, value at risk and expected shortfall.

Dynamics (Almgren & Chriss 2000), for trades n_1..n_N of a schedule selling X = sum n_k shares
in intervals of length tau:

- unaffected price S_k = S_{k-1} + sigma tau^(1/2) xi_k - tau g(n_k / tau), g(v) = gamma v,
  with xi_k independent standard normal;
- trade k executes at S_{k-1} - h(n_k / tau), h(v) = epsilon sgn(v) + eta v;
- the implementation shortfall of a path is X S_0 - sum_k n_k (execution price k), positive
  for a cost.

Random numbers: the paths are cut into fixed blocks (their size depends only on N), and block b
draws from its own ``numpy.random.Generator`` seeded by ``SeedSequence(entropy,
spawn_key=(..., b))``. Path i therefore sees the same shocks whatever ``chunk_size`` is, and no
global random state is touched.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from acsym import formulas
from acsym._typing import FloatArray
from acsym._validate import describe, frozen_array, memory_problem, positive, real, warn
from acsym.model import AlmgrenChrissParams
from acsym.models.basket import BasketParams, BasketTrajectory
from acsym.trajectory import BPS, ExecutionTrajectory, _scale_problems

__all__ = ["SimulationResult", "simulate_execution"]

#: quantile levels reported by default [probability]
QUANTILE_LEVELS = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)
#: confidence levels of value at risk and expected shortfall reported by default [probability]
CONFIDENCE_LEVELS = (0.95, 0.99)
#: the CLI's default --chunk-size [paths]; ``chunk_memory`` caps any chunk size
DEFAULT_CHUNK_SIZE = 16_384
#: default memory for the shocks of one chunk of paths [bytes]: chunks hold
#: chunk_memory / (8 (N - 1)) paths (at least one random-number block), whatever N is
CHUNK_MEMORY = 64 * 2**20
#: memory per simulated path outside the chunks [bytes]: the shortfalls, their deviations and
#: the quantiles' sorted copies, so n_paths is bounded by the memory budget / SAMPLE_BYTES
SAMPLE_BYTES = 32

# One random-number block holds at most this many paths, and at most _BLOCK_VALUES shocks
# (8 MiB of float64) so that a block stays in cache between drawing and summing it.
_BLOCK_PATHS = 1024
_BLOCK_VALUES = 1 << 20
# Holdings and trades must agree to this fraction of the order (rounding of the generators).
_CONSISTENCY_RTOL = 1e-9
# Two closed-form values of one quantity agree to this relative tolerance.
_AGREEMENT_RTOL = 1e-6
# A zero standard error leaves a gap of zero only if the difference is rounding.
_ROUNDING_RTOL = 1e-9

_NAN = float("nan")

Seed = int | Sequence[int] | np.random.SeedSequence | np.random.Generator | None


def _read_only(values: Any) -> FloatArray:
    return frozen_array(values)


def _levels_mapping(levels: Sequence[float], values: Sequence[float]) -> Mapping[float, float]:
    return MappingProxyType({float(p): float(v) for p, v in zip(levels, values, strict=True)})


def _gap(simulated: float, derived: float, stderr: float) -> float:
    """(simulated - derived) / stderr; 0 when both agree to rounding and stderr = 0."""
    difference = simulated - derived
    if not (math.isfinite(difference) and math.isfinite(stderr)):
        return _NAN
    if stderr > 0:
        return difference / stderr
    scale = max(abs(simulated), abs(derived))
    if abs(difference) <= _ROUNDING_RTOL * scale:
        return 0.0
    return math.copysign(math.inf, difference)


@dataclass(frozen=True)
class SimulationResult:
    """Distribution of the implementation shortfall of one schedule, simulated and derived.

    Every cost is in currency, positive for a cost (a loss against the arrival price S_0).
    ``*_bps`` properties and :meth:`to_bps` express them in basis points of
    ``order_size * price``.

    Attributes
    ----------
    strategy_name : str
        The trajectory's strategy name.
    n_paths : int
        Number of simulated paths.
    periods : int
        Number of trading intervals N.
    order_size : float
        X, the shares sold [shares].
    price : float
        Reference price for basis points [currency / share]; NaN if unknown.
    mean : float
        Sample mean of the shortfall [currency].
    std : float
        Sample standard deviation of the shortfall (ddof = 1) [currency].
    mean_stderr : float
        Standard error of ``mean``, std / sqrt(n_paths) [currency].
    std_stderr : float
        Standard error of ``std`` from the sample's fourth central moment (the delta method;
        no normality assumed) [currency].
    quantiles : mapping of float to float
        Sample quantiles of the shortfall by level [currency].
    value_at_risk : mapping of float to float
        VaR by confidence level p: the p-quantile of the shortfall, the cost exceeded with
        probability 1 - p [currency].
    expected_shortfall : mapping of float to float
        Expected shortfall (CVaR) by confidence level p: the mean shortfall of the paths at or
        beyond the VaR [currency].
    expected_cost : float
        E, the derived expected shortfall of the schedule under the simulated parameters,
        ``formulas.schedule_expected_cost`` [currency].
    variance : float
        Var, its derived variance, ``formulas.schedule_variance`` [currency**2].
    samples : numpy.ndarray or None
        The shortfall of every path (read-only) [currency], only if ``return_samples=True``.
    seed_entropy : int or tuple of int
        Entropy of the seed sequence; passing it back as ``seed`` reproduces the run (when the
        seed was an int, None or a fresh SeedSequence).
    warnings : tuple of str
        Messages about the inputs (each was also emitted as an :class:`~acsym.InputWarning`).
    """

    strategy_name: str
    n_paths: int
    periods: int
    order_size: float
    price: float
    mean: float
    std: float
    mean_stderr: float
    std_stderr: float
    quantiles: Mapping[float, float]
    value_at_risk: Mapping[float, float]
    expected_shortfall: Mapping[float, float]
    expected_cost: float
    variance: float
    samples: FloatArray | None = field(default=None, repr=False)
    seed_entropy: int | tuple[int, ...] | None = None
    warnings: tuple[str, ...] = ()

    @property
    def expected_std(self) -> float:
        """sqrt(Var), the derived standard deviation of the shortfall [currency]."""
        return math.sqrt(self.variance) if self.variance >= 0 else _NAN

    @property
    def mean_gap(self) -> float:
        """(mean - E) / mean_stderr: the simulated mean's distance from E in standard errors."""
        return _gap(self.mean, self.expected_cost, self.mean_stderr)

    @property
    def std_gap(self) -> float:
        """(std - sqrt(Var)) / std_stderr, in standard errors."""
        return _gap(self.std, self.expected_std, self.std_stderr)

    @property
    def derived_value_at_risk(self) -> Mapping[float, float]:
        """VaR the closed forms predict (the shortfall is Gaussian): E + z_p sqrt(Var) [currency]."""
        from statistics import NormalDist  # stdlib, loaded on use to keep `import acsym` light

        normal = NormalDist()
        return _levels_mapping(
            list(self.value_at_risk),
            [self.expected_cost + normal.inv_cdf(p) * self.expected_std for p in self.value_at_risk],
        )

    @property
    def derived_expected_shortfall(self) -> Mapping[float, float]:
        """Expected shortfall the closed forms predict: E + sqrt(Var) phi(z_p) / (1 - p) [currency]."""
        from statistics import NormalDist

        normal = NormalDist()
        return _levels_mapping(
            list(self.expected_shortfall),
            [
                self.expected_cost + normal.pdf(normal.inv_cdf(p)) / (1 - p) * self.expected_std
                for p in self.expected_shortfall
            ],
        )

    @property
    def notional(self) -> float:
        """order_size * price [currency]; NaN if the price is unknown."""
        return self.order_size * self.price

    def to_bps(self, cost: float) -> float:
        """``cost`` [currency] in basis points of ``order_size * price`` [bps]."""
        notional = self.notional
        return cost / notional * BPS if positive(notional) else _NAN

    def as_dict(self) -> dict[str, Any]:
        """Every statistic in currency and in bps, JSON-ready (samples left out)."""

        def by_level(values: Mapping[float, float]) -> dict[str, dict[str, float]]:
            return {f"{p:g}": {"currency": v, "bps": self.to_bps(v)} for p, v in values.items()}

        def both(value: float) -> dict[str, float]:
            return {"currency": value, "bps": self.to_bps(value)}

        return {
            "strategy_name": self.strategy_name,
            "n_paths": self.n_paths,
            "periods": self.periods,
            "order_size": self.order_size,
            "price": self.price,
            "notional": self.notional,
            "mean": both(self.mean),
            "mean_stderr": both(self.mean_stderr),
            "std": both(self.std),
            "std_stderr": both(self.std_stderr),
            "expected_cost": both(self.expected_cost),
            "expected_std": both(self.expected_std),
            "mean_gap": self.mean_gap,
            "std_gap": self.std_gap,
            "quantiles": by_level(self.quantiles),
            "value_at_risk": by_level(self.value_at_risk),
            "expected_shortfall": by_level(self.expected_shortfall),
            "derived_value_at_risk": by_level(self.derived_value_at_risk),
            "derived_expected_shortfall": by_level(self.derived_expected_shortfall),
            "seed_entropy": self.seed_entropy,
            "warnings": list(self.warnings),
        }


# ---------------------------------------------------------------------------------------------
# input checks


def _count(name: str, value: Any, minimum: int, messages: list[str]) -> int | None:
    """An integer count >= minimum; TypeError for a non-number, None plus a message if out of range."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if isinstance(value, numbers.Integral):  # exact, however large
        count: int | None = int(value)
    else:
        number = float(value)
        count = int(number) if math.isfinite(number) and number == int(number) else None
    if count is None or count < minimum:
        messages.append(f"{name} = {value!r} is out of range (must be an integer >= {minimum})")
        return None
    return count


def _levels(name: str, values: Any, messages: list[str]) -> tuple[float, ...]:
    if isinstance(values, str | bytes) or not isinstance(values, Sequence | np.ndarray):
        raise TypeError(f"{name} must be a sequence of probabilities, got {type(values).__name__}")
    levels = tuple(real(f"{name}[{i}]", v) for i, v in enumerate(values))
    bad = [p for p in levels if not 0 < p < 1]
    if bad:
        messages.append(f"{name} = {list(values)!r} is out of range (every level must lie in (0, 1))")
    return levels


def _seed_sequence(seed: Any, messages: list[str]) -> np.random.SeedSequence | None:
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, np.random.SeedSequence):
        return np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key)
    if isinstance(seed, np.random.Generator):
        # entropy drawn from the caller's generator: reproducible from its state
        return np.random.SeedSequence(int(seed.integers(0, 2**63)))
    values = list(seed) if isinstance(seed, Sequence) and not isinstance(seed, str | bytes) else [seed]
    if not values or any(
        isinstance(v, bool | np.bool_) or not isinstance(v, numbers.Integral) for v in values
    ):
        raise TypeError(
            f"seed must be None, a non-negative int (or a sequence of them, like seed_entropy), "
            f"a numpy SeedSequence or Generator, got {type(seed).__name__} {seed!r}"
        )
    if any(int(v) < 0 for v in values):
        messages.append(f"seed = {seed!r} is out of range (must be a non-negative integer)")
        return None
    entropy = (
        int(values[0]) if len(values) == 1 and not isinstance(seed, Sequence) else [int(v) for v in values]
    )
    return np.random.SeedSequence(entropy)


def _entropy(seed_sequence: np.random.SeedSequence) -> int | tuple[int, ...]:
    entropy = seed_sequence.entropy
    if isinstance(entropy, numbers.Integral):
        return int(entropy)
    return tuple(int(e) for e in np.atleast_1d(np.asarray(entropy)))


#: the trajectory arrays as the checks below see them (float64 or any float dtype)
_Floats = np.ndarray[Any, np.dtype[np.floating[Any]]]


def _decrements_and_spacing(
    times: _Floats, holdings: _Floats, trades: _Floats, tau: float, tolerance: float, of: str
) -> list[str]:
    """Messages when the trades are not the holdings' decrements or the timestamps not tau apart
    (single-asset and basket schedules alike; ``of`` names what the tolerance is relative to)."""
    messages = []
    mismatch = float(np.max(np.abs(trades - (holdings[:-1] - holdings[1:]))))
    if mismatch > tolerance:
        messages.append(
            f"trajectory.trade_sizes differ from the holdings' decrements by up to {mismatch!r} "
            f"shares (n_k = x_(k-1) - x_k must hold to {_CONSISTENCY_RTOL:g} of the {of})"
        )
    steps = np.diff(times)
    if positive(tau) and not np.allclose(steps, tau, rtol=_CONSISTENCY_RTOL, atol=0.0):
        messages.append(
            f"trajectory timestamps are spaced {float(np.min(steps))!r} to {float(np.max(steps))!r} "
            f"apart but params.tau = {tau!r}: simulate with the params the schedule was built for"
        )
    return messages


def _non_finite(*arrays: _Floats) -> list[str]:
    """One message per trajectory array (timestamps, holdings, trade_sizes) holding a value that is
    not finite."""
    messages = []
    for name, values in zip(("timestamps", "holdings", "trade_sizes"), arrays, strict=True):
        bad = ~np.isfinite(values)
        if bad.any():
            messages.append(
                f"trajectory.{name} has {int(bad.sum())} of {values.size} values not finite "
                f"(e.g. {float(values[bad][0])!r}); was it generated from out-of-range inputs?"
            )
    return messages


def _schedule_problems(trajectory: ExecutionTrajectory, params: AlmgrenChrissParams) -> list[str]:
    """Messages for a schedule the dynamics cannot run (empty when it can)."""
    times, holdings, trades = trajectory.timestamps, trajectory.holdings, trajectory.trade_sizes
    periods = trades.shape[0] if trades.ndim == 1 else -1
    if not (trades.ndim == holdings.ndim == times.ndim == 1 and periods >= 1):
        return [
            f"trajectory arrays must be one-dimensional with N >= 1 trades, got timestamps "
            f"{times.shape}, holdings {holdings.shape}, trade_sizes {trades.shape}"
        ]
    if holdings.shape[0] != periods + 1 or times.shape[0] != periods + 1:
        return [
            f"trajectory has {periods} trade_sizes, so it needs {periods + 1} holdings and "
            f"timestamps; got {holdings.shape[0]} and {times.shape[0]}"
        ]
    messages = _non_finite(times, holdings, trades)
    if messages:
        return messages
    order = float(holdings[0])
    if not order > 0:
        return [describe("trajectory.holdings[0]", order, "the order size X must be > 0 (a sale)")]
    tolerance = _CONSISTENCY_RTOL * float(np.max(np.abs(holdings)))
    if abs(float(holdings[-1])) > tolerance:
        messages.append(
            describe("trajectory.holdings[-1]", float(holdings[-1]), "the schedule must end with 0 shares")
        )
    return messages + _decrements_and_spacing(times, holdings, trades, params.tau, tolerance, "order")


def _cross_check(
    recorded: Mapping[str, Any], name: str, expected_cost: float, variance: float, messages: list[str]
) -> None:
    """Warn when a trajectory's own E or Var (``recorded``, by key; absent keys are not checked)
    disagrees with the schedule under ``params``; ``name`` formats a key as the attribute's name."""
    for key, value in (("expected_cost", expected_cost), ("variance", variance)):
        if key not in recorded:
            continue
        if not math.isclose(recorded[key], value, rel_tol=_AGREEMENT_RTOL, abs_tol=1e-12 * abs(value)):
            messages.append(
                warn(
                    f"{name.format(key)} = {recorded[key]!r} but the schedule under params gives "
                    f"{value!r}: the trajectory was generated with other parameters; the result "
                    "compares the simulation with the latter",
                    stacklevel=3,
                )
            )


# ---------------------------------------------------------------------------------------------
# the dynamics


def _deterministic_shortfall(trades: FloatArray, params: AlmgrenChrissParams) -> float:
    """The shortfall of the path with every xi_k = 0, summed trade by trade from the dynamics.

    Prices are measured from S_0 (S_0 = 0 here): the shortfall X S_0 - sum n_k P_k does not
    depend on S_0 because sum n_k = X.
    """
    # S_{k-1} - S_0 without shocks: the permanent impact tau g(n_j / tau) of the earlier trades
    unaffected = -np.concatenate(([0.0], np.cumsum(params.tau * params.gamma * (trades[:-1] / params.tau))))
    rate = trades / params.tau
    execution = unaffected - (params.epsilon * np.sign(rate) + params.eta * rate)
    return float(-np.sum(trades * execution))


def _shock_weights(trades: FloatArray, params: AlmgrenChrissParams) -> FloatArray:
    """d(shortfall)/d(xi_j) for j = 1..N-1 [currency].

    xi_j moves S_j and every later price by sigma tau^(1/2), so trades j+1..N execute that much
    higher: the shortfall changes by -sigma tau^(1/2) sum_{k>j} n_k. xi_N moves the price after
    the last trade and is not drawn.
    """
    later = np.cumsum(trades[::-1])[::-1]  # sum_{k>=j} n_k, j = 1..N
    return np.asarray(-params.sigma * math.sqrt(params.tau) * later[1:], dtype=np.float64)


def _path_shortfalls(shocks: FloatArray, weights: FloatArray, deterministic: float) -> FloatArray:
    """Shortfall of each path (row) of ``shocks`` (xi_1..xi_{N-1}); overwrites ``shocks``.

    A row's sum depends on that row alone (numpy's pairwise summation along the last axis,
    not BLAS), so a path's value does not depend on the chunk it was computed in.
    """
    np.multiply(shocks, weights, out=shocks)
    return np.asarray(shocks.sum(axis=1) + deterministic, dtype=np.float64)


def _block_paths(shocks_per_path: int) -> int:
    """Paths per random-number block: a function of N only, never of the chunk size."""
    return max(1, min(_BLOCK_PATHS, _BLOCK_VALUES // max(shocks_per_path, 1)))


def _simulate(
    weights: FloatArray,
    deterministic: float,
    n_paths: int,
    seed_sequence: np.random.SeedSequence,
    chunk_size: int | None,
    chunk_memory: int,
    progress: Callable[[int], object] | None,
) -> FloatArray:
    """Shortfalls deterministic + weights . shocks of ``n_paths`` paths, each path's shocks one
    row of standard normals drawn block by block from ``seed_sequence``."""
    block = _block_paths(weights.size)
    fits = chunk_memory // (8 * max(weights.size, 1))
    chunk = max(block, min(fits, chunk_size or fits) // block * block)
    buffer = np.empty((min(chunk, n_paths), weights.size))
    shortfalls = np.empty(n_paths)
    entropy, spawn_key = seed_sequence.entropy, tuple(seed_sequence.spawn_key)
    for start in range(0, n_paths, chunk):
        stop = min(start + chunk, n_paths)
        for first in range(start, stop, block):
            last = min(first + block, n_paths)
            child = np.random.SeedSequence(entropy, spawn_key=(*spawn_key, first // block))
            np.random.Generator(np.random.PCG64(child)).standard_normal(
                out=buffer[first - start : last - start]
            )
        shortfalls[start:stop] = _path_shortfalls(buffer[: stop - start], weights, deterministic)
        if progress is not None:
            progress(stop - start)
    return shortfalls


# ---------------------------------------------------------------------------------------------
# baskets (Almgren & Chriss 2000, the appendix on multiple securities)


def _basket_deterministic_shortfall(trades: FloatArray, params: BasketParams) -> float:
    """The basket's shortfall with every xi_k = 0, summed trade by trade from the dynamics:
    S_{k-1} - S_0 = -Gamma sum_{j<k} n_j, trade k executes at S_{k-1} - h(n_k / tau) with
    h(v)_i = epsilon_i sgn(v_i) + (H v)_i."""
    earlier = np.concatenate([np.zeros((1, trades.shape[1])), np.cumsum(trades[:-1], axis=0)])
    unaffected = -earlier @ params.permanent_impact.T
    execution = (
        unaffected - params.epsilon * np.sign(trades) - trades @ params.temporary_impact.T / params.tau
    )
    return float(-np.sum(trades * execution))


def _basket_shock_weights(trades: FloatArray, params: BasketParams) -> FloatArray:
    """d(shortfall)/d(xi_j) for j = 1..N-1, flattened (time major, then the m shocks) [currency].

    Prices move by tau^(1/2) L xi_j with L L^T = C (an eigen-factor, so a singular C works):
    trades j+1..N execute that much higher, so the shortfall changes by -tau^(1/2) R_j^T L xi_j,
    R_j = sum_{k>j} n_k. xi_N moves the prices after the last trade and is not drawn. For one
    asset L = sigma and these are the single-asset weights.
    """
    values, vectors = np.linalg.eigh(params.covariance)
    factor = vectors * np.sqrt(np.maximum(values, 0.0))  # factor @ factor.T = C
    later = np.cumsum(trades[::-1], axis=0)[::-1]  # R_{j-1} = sum_{k>=j} n_k, j = 1..N
    return np.asarray(-math.sqrt(params.tau) * (later[1:] @ factor), dtype=np.float64).ravel()


def _basket_schedule_problems(trajectory: BasketTrajectory, params: BasketParams) -> list[str]:
    """Messages for a basket schedule the dynamics cannot run (ValueError for wrong shapes)."""
    times, holdings, trades = trajectory.timestamps, trajectory.holdings, trajectory.trade_sizes
    periods = trades.shape[0] if trades.ndim == 2 else -1
    if not (
        holdings.ndim == 2
        and times.ndim == 1
        and periods >= 1
        and holdings.shape == (periods + 1, trades.shape[1])
        and times.shape == (periods + 1,)
    ):
        raise ValueError(
            f"a basket trajectory needs timestamps (N + 1,), holdings (N + 1, m) and trade_sizes "
            f"(N, m) with N >= 1, got {times.shape}, {holdings.shape} and {trades.shape}"
        )
    if trades.shape[1] != params.assets:
        raise ValueError(
            f"the trajectory trades {trades.shape[1]} assets but params has {params.assets} "
            f"(covariance {params.covariance.shape})"
        )
    messages = _non_finite(times, holdings, trades)
    if messages:
        return messages
    tolerance = _CONSISTENCY_RTOL * float(np.max(np.abs(holdings)))
    if float(np.max(np.abs(holdings[-1]))) > tolerance:
        messages.append(
            f"trajectory.holdings[-1] = {holdings[-1].tolist()!r} is out of range (the schedule "
            "must end with 0 shares of every asset)"
        )
    return messages + _decrements_and_spacing(times, holdings, trades, params.tau, tolerance, "orders")


def _basket_closed_forms(trajectory: BasketTrajectory, params: BasketParams) -> tuple[float, float]:
    """E and Var of the schedule under ``params`` (the printed basket forms)."""
    trades = np.asarray(trajectory.trade_sizes, dtype=np.float64)
    expected_cost = float(
        formulas.basket_schedule_expected_cost(
            trades, params.tau, params.permanent_impact, params.h_tilde, params.epsilon
        )
    )
    variance = float(formulas.basket_schedule_variance(trajectory.holdings, params.tau, params.covariance))
    return expected_cost, variance


# ---------------------------------------------------------------------------------------------
# statistics


def _std_stderr(samples: FloatArray, mean: float, std: float) -> float:
    """Delta-method standard error of the sample std: sqrt(Var(s**2)) / (2 s)."""
    n = samples.size
    if not std > 0:
        return 0.0
    fourth = float(np.mean((samples - mean) ** 4))
    variance_of_s2 = max(fourth - std**4 * (n - 3) / (n - 1), 0.0) / n
    return math.sqrt(variance_of_s2) / (2 * std)


def _tail_means(samples: FloatArray, thresholds: Sequence[float]) -> list[float]:
    return [float(np.mean(samples[samples >= t])) for t in thresholds]


def _nan_result(
    labels: tuple[str, int, float, float],
    n_paths: int | None,
    quantile_levels: Sequence[float],
    confidence_levels: Sequence[float],
    return_samples: bool,
    messages: list[str],
) -> SimulationResult:
    strategy_name, periods, order_size, price = labels
    nans = [_NAN] * len(quantile_levels)
    tails = [_NAN] * len(confidence_levels)
    return SimulationResult(
        strategy_name=strategy_name,
        n_paths=n_paths or 0,
        periods=periods,
        order_size=order_size,
        price=price,
        mean=_NAN,
        std=_NAN,
        mean_stderr=_NAN,
        std_stderr=_NAN,
        quantiles=_levels_mapping(quantile_levels, nans),
        value_at_risk=_levels_mapping(confidence_levels, tails),
        expected_shortfall=_levels_mapping(confidence_levels, tails),
        expected_cost=_NAN,
        variance=_NAN,
        samples=_read_only(np.full(n_paths or 0, _NAN)) if return_samples else None,
        warnings=tuple(messages),
    )


def _labels(trajectory: ExecutionTrajectory | BasketTrajectory, params: Any) -> tuple[str, int, float, float]:
    """strategy_name, periods, order_size and price of a result (a basket: its gross shares
    sum_i abs(X_i) and no price)."""
    if isinstance(trajectory, BasketTrajectory):
        orders = trajectory.holdings[0] if trajectory.holdings.ndim == 2 else np.full(1, _NAN)
        periods = trajectory.trade_sizes.shape[0] if trajectory.trade_sizes.ndim else 0
        return f"basket ({trajectory.method})", int(periods), float(np.sum(np.abs(orders))), _NAN
    holdings = trajectory.holdings
    return (
        trajectory.strategy_name,
        int(trajectory.trade_sizes.size),
        float(holdings.flat[0]) if holdings.size else _NAN,
        params.price,
    )


def simulate_execution(
    trajectory: ExecutionTrajectory | BasketTrajectory,
    params: AlmgrenChrissParams | BasketParams,
    n_paths: int,
    *,
    seed: Seed = None,
    chunk_size: int | None = None,
    chunk_memory: int = CHUNK_MEMORY,
    return_samples: bool = False,
    quantile_levels: Sequence[float] = QUANTILE_LEVELS,
    confidence_levels: Sequence[float] = CONFIDENCE_LEVELS,
    progress: Callable[[int], object] | None = None,
    client: Any = None,
) -> SimulationResult:
    """Simulate the implementation shortfall of a schedule under the discrete A-C dynamics.

    Parameters
    ----------
    trajectory : ExecutionTrajectory or BasketTrajectory
        Any schedule (Almgren-Chriss, TWAP, VWAP, market order, hand-built): holdings x_0 = X
        > 0 down to x_N = 0 [shares], trades n_k = x_{k-1} - x_k [shares] (a trade may be
        negative, a buy), timestamps k tau [time units]. Or a basket schedule
        (:func:`acsym.generate_basket_trajectory`, or built by hand): holdings (N + 1, m) from
        the orders (either sign) down to 0, trades (N, m); its shocks are correlated.
    params : AlmgrenChrissParams or BasketParams
        The market: eta, gamma, sigma, epsilon, tau (which must match the timestamps'
        spacing) and price (for basis points only); for a basket, :class:`BasketParams`
        (covariance, impact matrices, tau), usually ``trajectory.params``.
    n_paths : int
        Number of simulated paths, >= 2.
    seed : int, sequence of int, numpy.random.SeedSequence, numpy.random.Generator or None, optional
        Source of the shocks; None draws fresh entropy (recorded in ``seed_entropy``, which can
        be passed back). One seed gives bit-identical results whatever ``chunk_size``; a
        Generator gives up 63 bits of entropy from its state.
    chunk_size : int, optional
        At most this many paths held in memory at once; default: as many as ``chunk_memory``
        allows. Rounded down to the random-number block (at most 1024 paths), at least one
        block.
    chunk_memory : int, default 64 MiB
        Bytes for the shocks of one chunk: a chunk holds at most chunk_memory / (8 (N - 1))
        paths, so memory stays bounded whatever N and ``chunk_size`` are (at N = 1e5 and the
        default, 80 paths a chunk; a random-number block, up to 8 MiB, is the minimum). Neither
        changes the numbers. ``n_paths`` itself is bounded by the memory budget (32 bytes a
        path; :func:`acsym._validate.memory_budget`, 4 GiB unless the environment variable
        ``ACSYM_MEMORY_BUDGET`` says otherwise).
    return_samples : bool, default False
        Keep every path's shortfall in ``samples`` (8 bytes a path).
    quantile_levels : sequence of float, default (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)
        Levels of the reported quantiles, each in (0, 1).
    confidence_levels : sequence of float, default (0.95, 0.99)
        Levels of value at risk and expected shortfall, each in (0, 1).
    progress : callable, optional
        Called with the number of paths just finished after each chunk (for a progress bar).
    client : distributed.Client, optional
        Compute the paths in chunks of ``chunk_size`` on this Dask cluster (:mod:`acsym.scale`);
        the samples are bit-identical to the single-process run with the same seed. The
        statistics are computed here, so the samples must fit in this process's memory.
        ``progress`` is not called.

    Returns
    -------
    SimulationResult
        Sample statistics of the shortfall [currency] next to the derived E and Var of the
        schedule (``formulas.schedule_expected_cost`` and ``formulas.schedule_variance`` under
        ``params``) and the gaps between them in standard errors.

    Notes
    -----
    With prices S_k = S_{k-1} + sigma tau^(1/2) xi_k - gamma n_k and execution prices
    P_k = S_{k-1} - epsilon sgn(n_k) - eta n_k / tau, the shortfall is

    .. math:: X S_0 - \\sum_k n_k P_k = C_0 - \\sigma \\sqrt{\\tau} \\sum_{j<N} \\xi_j \\sum_{k>j} n_k,

    where C_0, the shortfall with no shocks, is summed from the execution prices above. Each
    path is one dot product of its shocks; the closed forms are not used to simulate, so the
    comparison is an independent check. The shocks xi_1..xi_{N-1} of path i come from block
    ``i // B`` of the seed sequence (B depends on N only); xi_N moves the price after the last
    trade and is not drawn.

    A basket's prices move by tau^(1/2) L xi_k - Gamma n_k with L L^T = C, and trade k
    executes at S_{k-1} - h(n_k / tau), h(v)_i = epsilon_i sgn(v_i) + (H v)_i, so its shortfall is
    C_0 - tau^(1/2) sum_{j<N} (sum_{k>j} n_k)^T L xi_j: one dot product per path with the m
    shocks of each interval drawn in a row (time major). The derived E and Var are
    ``formulas.basket_schedule_expected_cost`` and ``formulas.basket_schedule_variance``. For
    one asset the shocks are those of the single-asset simulation with the same seed, so the
    samples agree with it to rounding. ``order_size`` is the gross sum_i abs(X_i) and ``price``
    NaN (no basis points); ``client`` is not supported for baskets.

    Out-of-range values (n_paths < 2, a NaN or inconsistent trajectory, params outside the
    model's domain, timestamps not spaced by ``params.tau``, a negative seed) give a result of
    NaN and an :class:`~acsym.InputWarning` naming the argument. A trajectory whose recorded
    ``expected_cost`` or ``variance`` disagrees with ``params`` is simulated under ``params``
    with a warning.

    Raises
    ------
    TypeError
        If an argument has the wrong type (a BasketTrajectory needs BasketParams, an
        ExecutionTrajectory AlmgrenChrissParams).
    ValueError
        If a basket schedule's arrays have inconsistent shapes, or trade another number of
        assets than ``params`` has, or ``client`` is given with a basket.
    """
    if isinstance(trajectory, BasketTrajectory):
        if not isinstance(params, BasketParams):
            raise TypeError(
                f"a BasketTrajectory is simulated under BasketParams (e.g. trajectory.params), "
                f"got {type(params).__name__}"
            )
        if client is not None:
            raise ValueError("client: baskets are simulated in this process only (pass client=None)")
    elif isinstance(trajectory, ExecutionTrajectory):
        if not isinstance(params, AlmgrenChrissParams):
            raise TypeError(
                f"params must be AlmgrenChrissParams for an ExecutionTrajectory, got {type(params).__name__}"
            )
    else:
        raise TypeError(
            "trajectory must be an ExecutionTrajectory or a BasketTrajectory, "
            f"got {type(trajectory).__name__}"
        )
    if not isinstance(return_samples, bool):
        raise TypeError(f"return_samples must be a bool, got {type(return_samples).__name__}")
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be callable, got {type(progress).__name__}")
    messages: list[str] = []
    paths = _count("n_paths", n_paths, 2, messages)
    chunk = None if chunk_size is None else _count("chunk_size", chunk_size, 1, messages)
    chunk_bytes = _count("chunk_memory", chunk_memory, 1, messages)
    if paths is not None:
        too_large = memory_problem(f"n_paths = {paths}", SAMPLE_BYTES * float(paths))
        if too_large:
            messages.append(too_large)
            paths = None
    quantile_levels = _levels("quantile_levels", quantile_levels, messages)
    confidence_levels = _levels("confidence_levels", confidence_levels, messages)
    seed_sequence = _seed_sequence(seed, messages)
    messages += params.problems()
    if isinstance(trajectory, BasketTrajectory):
        assert isinstance(params, BasketParams)
        messages += _basket_schedule_problems(trajectory, params)
        closed_forms = (_NAN, _NAN) if messages else _basket_closed_forms(trajectory, params)
        if not messages and not all(map(math.isfinite, closed_forms)):
            messages.append(
                f"the schedule's expected cost and variance {closed_forms!r} are not finite: "
                "its trades or the matrices are too large for a double"
            )
    else:
        assert isinstance(params, AlmgrenChrissParams)
        messages += _schedule_problems(trajectory, params)
        if not messages:  # the products the closed forms and the dynamics form must be representable
            messages += _scale_problems(
                float(trajectory.holdings[0]), int(trajectory.trade_sizes.size), params
            )
    labels = _labels(trajectory, params)
    if messages:
        for message in messages:
            warn(message + "; the simulation result is NaN", stacklevel=2)
        return _nan_result(labels, paths, quantile_levels, confidence_levels, return_samples, messages)
    assert paths is not None and chunk_bytes is not None and seed_sequence is not None
    trades = np.asarray(trajectory.trade_sizes, dtype=np.float64)
    if isinstance(trajectory, BasketTrajectory):
        assert isinstance(params, BasketParams)
        expected_cost, variance = closed_forms
        recorded = {"expected_cost": trajectory.expected_cost, "variance": trajectory.variance}
        _cross_check(recorded, "trajectory.{}", expected_cost, variance, messages)
        weights = _basket_shock_weights(trades, params)
        deterministic = _basket_deterministic_shortfall(trades, params)
        samples = _simulate(weights, deterministic, paths, seed_sequence, chunk, chunk_bytes, progress)
    else:
        assert isinstance(params, AlmgrenChrissParams)
        holdings = np.asarray(trajectory.holdings, dtype=np.float64)
        expected_cost = float(
            formulas.schedule_expected_cost(
                trades, params.tau, params.gamma, params.eta_tilde, params.epsilon
            )
        )
        variance = float(formulas.schedule_variance(holdings, params.tau, params.sigma))
        details = trajectory.params or {}
        recorded = {  # what params records as finite reals; the rest is not checked
            key: details[key]
            for key in ("expected_cost", "variance")
            if isinstance(details.get(key), numbers.Real) and math.isfinite(details[key])
        }
        _cross_check(recorded, "trajectory.params[{!r}]", expected_cost, variance, messages)
        if not positive(params.price):
            messages.append(
                warn(
                    describe("params.price", params.price, "must be finite and > 0")
                    + ": costs in bps are NaN; pass price=... to AlmgrenChrissParams",
                    stacklevel=2,
                )
            )
        if client is None:
            weights = _shock_weights(trades, params)
            deterministic = _deterministic_shortfall(trades, params)
            samples = _simulate(weights, deterministic, paths, seed_sequence, chunk, chunk_bytes, progress)
        else:
            from acsym.scale import simulate_paths

            # the same chunk rule as one process (bit-identical samples): a cap, sized by memory
            fits = chunk_bytes // (8 * max(trades.size, 1))
            samples = simulate_paths(trades, params, paths, seed_sequence, min(fits, chunk or fits), client)
    return _statistics(
        labels,
        samples,
        expected_cost,
        variance,
        seed_sequence,
        quantile_levels,
        confidence_levels,
        return_samples,
        messages,
    )


def _statistics(
    labels: tuple[str, int, float, float],
    samples: FloatArray,
    expected_cost: float,
    variance: float,
    seed_sequence: np.random.SeedSequence,
    quantile_levels: Sequence[float],
    confidence_levels: Sequence[float],
    return_samples: bool,
    messages: list[str],
) -> SimulationResult:
    """The result: sample statistics of the shortfalls next to the derived E and Var."""
    strategy_name, periods, order_size, price = labels
    paths = samples.size
    samples = _read_only(samples)
    # moments of the deviations from the first path: exact 0 when every path agrees (sigma = 0,
    # a market order), and no cancellation when the spread is small against the mean
    deviations = samples - samples[0]
    mean = float(samples[0] + np.mean(deviations))
    std = float(np.std(deviations, ddof=1))
    tail_values = [float(v) for v in np.quantile(samples, confidence_levels)]
    return SimulationResult(
        strategy_name=strategy_name,
        n_paths=paths,
        periods=periods,
        order_size=order_size,
        price=price,
        mean=mean,
        std=std,
        mean_stderr=std / math.sqrt(paths),
        std_stderr=_std_stderr(samples, mean, std),
        quantiles=_levels_mapping(quantile_levels, [float(v) for v in np.quantile(samples, quantile_levels)]),
        value_at_risk=_levels_mapping(confidence_levels, tail_values),
        expected_shortfall=_levels_mapping(confidence_levels, _tail_means(samples, tail_values)),
        expected_cost=expected_cost,
        variance=variance,
        samples=samples if return_samples else None,
        seed_entropy=_entropy(seed_sequence),
        warnings=tuple(messages),
    )
