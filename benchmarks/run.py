"""acsym's benchmark suite: medians of repeated runs, each as a ratio to an honest baseline.

Run it from a checkout with acsym installed (``pip install -e ".[bench]"``)::

    python benchmarks/run.py                         # the table (about a minute)
    python benchmarks/run.py --with-almgren-chriss   # also the almgren-chriss peer, in its own venv

Sections (see docs/performance.md for the figures and what bounds them):

1. batch schedules, 10,000 orders x 100 periods, as a ratio to one ``np.exp`` over an array of
   the same output size;
2. one :func:`acsym.generate_ac_trajectory` call (N = 10 and 1,000) against a plain numpy
   version of the textbook formula;
3. ``import acsym`` in a fresh interpreter against ``import numpy`` (and SymPy must not load);
4. ``python -m acsym regenerate --check`` wall time;
5. peers: ``slippage-tca`` (installed by the ``bench`` extra) and, with
   ``--with-almgren-chriss``, ``almgren-chriss``, which pins numpy < 2 and imports scipy without
   declaring it, so it runs in a separate virtual environment created on demand (never in
   acsym's). Every peer is first compared with acsym on the same schedules.

Timings interleave the candidate with its baseline, so load from other processes hits both
alike; the machine is printed with the table. Nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

import acsym
from acsym import (
    AlmgrenChrissParams,
    calibrate_ac_params,
    formulas,
    generate_ac_holdings,
    generate_ac_trajectory,
)

ROOT = Path(__file__).resolve().parents[1]
ORDERS = 10_000
PERIODS = 100
#: the model parameters of every benchmark (the paper's example: $50 stock, tau = 1 day)
PARAMS = AlmgrenChrissParams(eta=2.5e-6, gamma=2.5e-7, sigma=0.95, tau=1.0, epsilon=0.0625, price=50.0)
#: risk aversions of the batch: kappa T log-uniform over about [0.06, 11] (typical schedules,
#: inside holdings_direct's range), and over about [6, 370] (front-loaded ones, mostly outside)
TYPICAL_LAMBDA = (-12.0, -7.5)
URGENT_LAMBDA = (-8.0, -4.0)

Row = tuple[str, str, str, str]
#: findings printed under the table (where a peer fails or overflows)
NOTES: list[str] = []
#: raw ratios, for --json
RAW: dict[str, float] = {}
#: the clock of the in-process timings: the calling thread's CPU time (user + system), which
#: other processes' load does not inflate (a preempted block would otherwise count the time
#: it waited, which falls more often on long blocks); ``--wall`` switches to perf_counter
CLOCK: list[Callable[[], float]] = [time.thread_time]


def interleaved(candidates: dict[str, Callable[[], Any]], repeat: int, block: int = 5) -> dict[str, float]:
    """Median seconds of each callable.

    The callables take turns in blocks of ``block`` consecutive calls (the first call of each
    block is not counted), ``repeat`` rounds each: turns spread background load over all alike,
    and consecutive calls time the steady state, in which the allocator hands a large result the
    memory the previous one freed (a fresh 8 MB array costs ~1 ms of page faults, which a loop
    of calls does not pay and which would otherwise fall on whichever callable comes first).
    """
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(repeat):
        for name, function in candidates.items():
            function()
            for _ in range(block - 1):
                clock = CLOCK[0]
                start = clock()
                function()
                samples[name].append(clock() - start)
    return {name: float(np.median(values)) for name, values in samples.items()}


def keep_freed_memory() -> bool:
    """Ask glibc to keep freed memory in the process (no trimming, no per-array mmap).

    Otherwise whether a large result is page-faulted in (~1 ms per 8 MB) depends on which
    benchmark freed what before it, and the floor itself swings between 0.85 and 1.7 ms. With
    this every row measures computation. ``--default-allocator`` skips it.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3  # glibc's malloc.h
    return bool(libc.mallopt(m_trim_threshold, 2**30)) and bool(libc.mallopt(m_mmap_threshold, 2**25))


def per_call(function: Callable[[], Any], calls: int) -> Callable[[], None]:
    """A callable that runs ``function`` ``calls`` times (to time microsecond calls)."""

    def run() -> None:
        for _ in range(calls):
            function()

    return run


def batch_inputs(exponents: tuple[float, float], seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """ORDERS order sizes and risk aversions, log-uniform between 10**exponents."""
    rng = np.random.default_rng(seed)
    orders = rng.uniform(1e4, 1e6, ORDERS)
    lams = 10 ** rng.uniform(*exponents, ORDERS)
    return orders, lams


def kappa_t(lams: np.ndarray) -> np.ndarray:
    return np.asarray(formulas.kappa(lams, PARAMS.sigma, PARAMS.eta_tilde, PARAMS.tau)) * PERIODS * PARAMS.tau


# -- 1. batch ------------------------------------------------------------------------------------


def bench_batch(repeat: int) -> list[Row]:
    floor_input = np.random.default_rng(1).uniform(-1.0, 0.0, (ORDERS, PERIODS + 1))
    index = np.arange(PERIODS + 1.0)
    rows: list[Row] = []
    for label, exponents in (("typical", TYPICAL_LAMBDA), ("urgent", URGENT_LAMBDA)):
        orders, lams = batch_inputs(exponents)
        span = kappa_t(lams)
        kappa_tau = np.asarray(formulas.kappa(lams, PARAMS.sigma, PARAMS.eta_tilde, PARAMS.tau)) * PARAMS.tau
        candidates: dict[str, Callable[[], Any]] = {
            "floor": lambda: np.exp(floor_input),
            "api": partial(generate_ac_holdings, orders, PERIODS, PARAMS, lams),
            "stable": partial(formulas.holdings, orders[:, None], index, float(PERIODS), kappa_tau[:, None]),
        }
        times = interleaved(candidates, repeat)
        floor = times["floor"]
        RAW[f"batch_{label}"] = times["api"] / floor
        where = f"kappa T in [{span.min():.2g}, {span.max():.3g}]"
        rows.append(
            (
                f"generate_ac_holdings, {ORDERS:,} x {PERIODS} ({label}: {where})",
                f"{times['api'] * 1e3:.2f} ms",
                f"{times['api'] / floor:.2f}x np.exp",
                "<= 2x" if label == "typical" else "<= 3x",
            )
        )
        rows.append(
            (
                f"  formulas.holdings (stable form) on the same {label} batch",
                f"{times['stable'] * 1e3:.2f} ms",
                f"{times['stable'] / floor:.2f}x np.exp",
                "",
            )
        )
    rows.append((f"  floor: np.exp over {ORDERS:,} x {PERIODS + 1}", f"{floor * 1e3:.2f} ms", "1x", ""))
    return rows


# -- 2. one trajectory ---------------------------------------------------------------------------


def plain_numpy_trajectory(order: float, steps: int, p: AlmgrenChrissParams, lam: float) -> tuple[Any, ...]:
    """The textbook formulas, hand-written: what a user would type without acsym."""
    eta_tilde = p.eta - 0.5 * p.gamma * p.tau
    kappa = np.arccosh(1.0 + 0.5 * lam * p.sigma**2 / eta_tilde * p.tau**2) / p.tau
    times = np.arange(steps + 1) * p.tau
    horizon = steps * p.tau
    holdings = order * np.sinh(kappa * (horizon - times)) / np.sinh(kappa * horizon)
    trades = -np.diff(holdings)
    cost = 0.5 * p.gamma * order**2 + p.epsilon * order + eta_tilde / p.tau * np.sum(trades**2)
    variance = p.sigma**2 * p.tau * np.sum(holdings[1:] ** 2)
    return times, holdings, trades, cost, variance


#: one order of the trajectory rows: 1e6 shares at lambda = 1e-8 (kappa T = 0.62, 6.2 and 62 at
#: N = 10, 100 and 1,000: the direct forms for the first two, the urgent ones for the last)
SINGLE_ORDER, SINGLE_LAMBDA, SINGLE_STEPS = 1e6, 1e-8, (10, 100, 1000)
#: acsym's time per call [us] by N, for the almgren-chriss rows (measured in another process)
SINGLE_US: dict[int, float] = {}


def slippage_single() -> Callable[[int], Callable[[], Any]] | None:
    """slippage-tca's one-order call (schedule, E and Var), or None if it is not installed."""
    try:
        import slippage  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    impact = slippage.LinearImpact(gamma=PARAMS.gamma, eta=PARAMS.eta, epsilon=PARAMS.epsilon)

    def make(steps: int) -> Callable[[], Any]:
        def run() -> Any:
            problem = slippage.ExecutionProblem(
                quantity=SINGLE_ORDER,
                horizon=steps * PARAMS.tau,
                periods=steps,
                volatility=PARAMS.sigma,
                impact=impact,
            )
            return slippage.optimal_trajectory(problem, SINGLE_LAMBDA)

        return run

    return make


def seed_example() -> Any:
    """The seed plan's smoke example: calibrate from market data, then one schedule."""
    params = calibrate_ac_params(50_000.0, 0.02, 0.05, 0.50)
    return generate_ac_trajectory(5_000.0, 10, params, 1e-5)


def bench_trajectory(repeat: int) -> list[Row]:
    rows: list[Row] = []
    order, lam = SINGLE_ORDER, SINGLE_LAMBDA
    peer = slippage_single()
    for steps in SINGLE_STEPS:
        # blocks of well under a millisecond each: a longer block is more likely to be
        # preempted on a loaded machine, which would bias the median against it
        calls = 20
        peer_calls = max(1, 2000 // (100 + steps * 10))
        single = generate_ac_trajectory(order, steps, PARAMS, lam)
        plain = plain_numpy_trajectory(order, steps, PARAMS, lam)
        agree = np.max(np.abs(single.holdings - plain[1]) / order)
        kappa_horizon = float((single.params or {})["kappa"]) * steps * PARAMS.tau
        candidates = {
            "api": per_call(partial(generate_ac_trajectory, order, steps, PARAMS, lam), calls),
            "plain": per_call(partial(plain_numpy_trajectory, order, steps, PARAMS, lam), calls),
        }
        if peer is not None:
            candidates["slippage"] = per_call(peer(steps), peer_calls)
        times = interleaved(candidates, repeat)
        api, plain_time = (times[k] / calls * 1e6 for k in ("api", "plain"))
        SINGLE_US[steps] = api
        RAW[f"trajectory_{steps}_vs_plain"] = api / plain_time
        rows.append(
            (
                f"generate_ac_trajectory, N = {steps:,}, kappa T {kappa_horizon:.2g} "
                f"(holdings agree to {agree:.1e} of X)",
                f"{api:.1f} us",
                f"{api / plain_time:.2f}x plain numpy ({plain_time:.1f} us)",
                "<= 2x",
            )
        )
        if peer is not None:
            theirs = times["slippage"] / peer_calls * 1e6
            RAW[f"trajectory_{steps}_slippage"] = theirs / api
            rows.append(
                (
                    "  slippage-tca optimal_trajectory, same order (schedule, E, Var)",
                    f"{theirs:.1f} us",
                    f"{theirs / api:.2f}x acsym",
                    "> 1x",
                )
            )
    times = interleaved({"seed": per_call(seed_example, 20)}, repeat)
    seed = times["seed"] / 20 * 1e6
    RAW["seed_example_us"] = seed
    rows.append(
        (
            "calibrate_ac_params + generate_ac_trajectory, seed example (N = 10)",
            f"{seed:.1f} us",
            "",
            "< 30 us",
        )
    )
    return rows


# -- 2b. impact calibration -----------------------------------------------------------------------


def bench_impact(repeat: int) -> list[Row]:
    """calibrate_impact on 10,000 synthetic fills against a bare scipy curve_fit of the same
    model on the same data (no checks, no standard errors, no start scan)."""
    try:
        from scipy.optimize import curve_fit
    except ImportError:
        return [("calibrate_impact: scipy not installed", "-", "-", "")]
    rng = np.random.default_rng(3)
    rows = 10_000
    quantity = rng.uniform(1e3, 1e5, rows)
    volume = rng.uniform(1e6, 1e7, rows)
    volatility = rng.uniform(0.01, 0.03, rows)
    slippage_bps = 1e4 * (5e-4 + 0.8 * volatility * (quantity / volume) ** 0.6) + rng.normal(0.0, 2.0, rows)
    fills = {
        "quantity": quantity,
        "daily_volume": volume,
        "daily_volatility": volatility,
        "slippage_bps": slippage_bps,
    }
    log_x, sigma = np.log(quantity / volume), volatility * 1e4

    def model(x: Any, epsilon: float, c: float, alpha: float) -> Any:
        return epsilon + c * x[1] * np.exp(alpha * x[0])

    def bare() -> Any:
        return curve_fit(model, np.vstack([log_x, sigma]), slippage_bps, p0=[1.0, 1.0, 0.5])

    ours = acsym.calibrate_impact(fills)
    theirs = bare()[0]
    times = interleaved({"api": partial(acsym.calibrate_impact, fills), "curve_fit": bare}, repeat)
    RAW["calibrate_impact_vs_curve_fit"] = times["api"] / times["curve_fit"]
    return [
        (
            f"calibrate_impact, {rows:,} fills (alpha {ours.alpha:.4f}; curve_fit {theirs[2]:.4f})",
            f"{times['api'] * 1e3:.2f} ms",
            f"{times['api'] / times['curve_fit']:.2f}x curve_fit ({times['curve_fit'] * 1e3:.2f} ms)",
            "<= 1.5x",
        )
    ]


# -- 3. import -----------------------------------------------------------------------------------

_IMPORT_PROBE = (
    "import sys, time; start = time.perf_counter(); import {module}; "
    "elapsed = time.perf_counter() - start; "
    "print(elapsed, int('sympy' in sys.modules))"
)


def bench_import(repeat: int) -> list[Row]:
    samples: dict[str, list[float]] = {"numpy": [], "acsym": []}
    sympy_loaded = False
    walls: dict[str, list[float]] = {"numpy": [], "acsym": []}
    for _ in range(repeat):
        for module in samples:
            start = time.perf_counter()
            out = subprocess.run(
                [sys.executable, "-c", _IMPORT_PROBE.format(module=module)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            walls[module].append(time.perf_counter() - start)
            samples[module].append(float(out[0]))
            sympy_loaded |= module == "acsym" and out[1] == "1"
    numpy_t, acsym_t = (float(np.median(samples[m])) for m in ("numpy", "acsym"))
    numpy_w, acsym_w = (float(np.median(walls[m])) for m in ("numpy", "acsym"))
    return [
        (
            "import acsym, fresh interpreter (SymPy loaded: " + ("YES" if sympy_loaded else "no") + ")",
            f"{acsym_t * 1e3:.0f} ms",
            f"{acsym_t / numpy_t:.2f}x import numpy ({numpy_t * 1e3:.0f} ms)",
            "< 1.5x",
        ),
        (
            "  whole process, python -c 'import ...'",
            f"{acsym_w * 1e3:.0f} ms",
            f"{acsym_w / numpy_w:.2f}x ({numpy_w * 1e3:.0f} ms)",
            "",
        ),
    ]


# -- 4. regenerate --check -----------------------------------------------------------------------


def bench_regenerate(repeat: int) -> list[Row]:
    walls = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "acsym", "regenerate", "--check"],
            capture_output=True,
            text=True,
            check=False,
        )
        walls.append(time.perf_counter() - start)
    status = "passes" if result.returncode == 0 else f"FAILS (exit {result.returncode})"
    return [
        (
            f"python -m acsym regenerate --check ({status})",
            f"{np.median(walls):.2f} s",
            f"{os.cpu_count()} cores",
            "< 30 s on 2 cores",
        )
    ]


# -- 5. peers ------------------------------------------------------------------------------------


def acsym_moments(orders: np.ndarray, lams: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Holdings, expected cost and variance of every order, vectorised (acsym's fastest path)."""
    holdings = generate_ac_holdings(orders, PERIODS, PARAMS, lams)
    kappa = formulas.kappa(lams, PARAMS.sigma, PARAMS.eta_tilde, PARAMS.tau)
    horizon = PERIODS * PARAMS.tau
    cost = formulas.expected_cost(
        orders, horizon, PARAMS.tau, kappa, PARAMS.gamma, PARAMS.eta_tilde, PARAMS.epsilon
    )
    variance = formulas.variance(orders, horizon, PARAMS.tau, kappa, PARAMS.sigma)
    return holdings, cost, variance


def relative_gap(ours: np.ndarray, theirs: np.ndarray, scale: np.ndarray | float) -> float:
    with np.errstate(invalid="ignore"):
        return float(np.nanmax(np.abs(np.asarray(theirs) - ours) / scale))


def frontier_acsym(order: float, lams: np.ndarray) -> tuple[str, Callable[[], tuple[Any, Any]]]:
    """acsym's efficient frontier: acsym.frontier if this tree has it, else the same lambda grid
    through the generated formulas (one vectorised call each)."""
    try:
        from acsym.frontier import efficient_frontier  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        efficient_frontier = None
    horizon = PERIODS * PARAMS.tau
    if efficient_frontier is not None:

        def run_module() -> tuple[Any, Any]:
            frontier = efficient_frontier(order, PERIODS, PARAMS, lams)
            return frontier.expected_cost[:-1], frontier.variance[:-1]  # drop the lambda = inf end

        return "acsym.frontier.efficient_frontier", run_module

    def run_grid() -> tuple[Any, Any]:
        kappa = formulas.kappa(lams, PARAMS.sigma, PARAMS.eta_tilde, PARAMS.tau)
        generate_ac_holdings(order, PERIODS, PARAMS, lams)
        cost = formulas.expected_cost(
            order, horizon, PARAMS.tau, kappa, PARAMS.gamma, PARAMS.eta_tilde, PARAMS.epsilon
        )
        return cost, formulas.variance(order, horizon, PARAMS.tau, kappa, PARAMS.sigma)

    return "lambda grid through acsym.formulas (no acsym.frontier in this tree)", run_grid


def bench_slippage(repeat: int) -> list[Row]:
    try:
        import slippage  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return [("slippage-tca: not installed (pip install -e '.[bench]')", "-", "-", "")]
    from slippage.exceptions import SlippageError  # type: ignore[import-not-found,unused-ignore]

    version = getattr(slippage, "__version__", "?")
    impact = slippage.LinearImpact(gamma=PARAMS.gamma, eta=PARAMS.eta, epsilon=PARAMS.epsilon)

    def problem(order: float) -> Any:
        return slippage.ExecutionProblem(
            quantity=float(order),
            horizon=PERIODS * PARAMS.tau,
            periods=PERIODS,
            volatility=PARAMS.sigma,
            impact=impact,
        )

    rows: list[Row] = []
    orders, lams = batch_inputs(TYPICAL_LAMBDA)
    holdings, cost, variance = acsym_moments(orders, lams)
    # agreement first, on 200 of the orders
    theirs = [
        slippage.optimal_trajectory(problem(o), float(lam))
        for o, lam in zip(orders[:200], lams[:200], strict=True)
    ]
    gap_x = relative_gap(holdings[:200], np.array([t.holdings for t in theirs]), orders[:200, None])
    gap_e = relative_gap(cost[:200], np.array([t.expected_cost for t in theirs]), cost[:200])
    gap_v = relative_gap(variance[:200], np.array([t.variance for t in theirs]), variance[:200])
    rows.append(
        (
            f"slippage-tca {version}: agreement on 200 orders",
            f"x {gap_x:.1e} of X",
            f"E {gap_e:.1e}, Var {gap_v:.1e} rel.",
            "",
        )
    )
    # where the peer's paths fail: lambda = 0, and urgent schedules (kappa T ~ 1e3, 1e4)
    notes = []
    for lam in (0.0, 1e-3, 1e-1):
        span = float(kappa_t(np.array([lam]))[0])
        try:
            trajectory = slippage.optimal_trajectory(problem(1e6), lam)
            finite = math.isfinite(trajectory.expected_cost) and math.isfinite(trajectory.variance)
            path = "optimal_trajectory " + ("ok" if finite else "non-finite")
        except (SlippageError, ArithmeticError, ValueError) as error:
            path = f"optimal_trajectory {type(error).__name__}"
        try:
            e, v = slippage.closed_form_moments(problem(1e6), lam)
            closed = "closed_form_moments " + ("ok" if math.isfinite(e) and math.isfinite(v) else "inf/nan")
        except (SlippageError, ArithmeticError, ValueError) as error:
            closed = f"closed_form_moments {type(error).__name__}"
        notes.append(f"kappa T {span:.3g}: {path}, {closed}")
    NOTES.append("slippage-tca 0.1.0, 1e6 shares: " + "; ".join(notes))

    def slippage_batch() -> None:
        for order, lam in zip(orders, lams, strict=True):
            slippage.optimal_trajectory(problem(order), float(lam))

    times = interleaved(
        {"acsym": lambda: acsym_moments(orders, lams), "slippage": slippage_batch},
        max(2, repeat // 10),
        block=2,
    )
    rows.append(
        (
            f"  {ORDERS:,} schedules x {PERIODS} with E and Var: slippage.optimal_trajectory loop",
            f"{times['slippage'] * 1e3:.0f} ms",
            f"{times['slippage'] / times['acsym']:.0f}x acsym ({times['acsym'] * 1e3:.1f} ms)",
            "",
        )
    )
    # the efficient frontier, 50 risk aversions
    grid = np.concatenate(([0.0], np.logspace(-10, -5, 49)))
    label, ours = frontier_acsym(1e6, grid)
    our_cost, our_variance = ours()
    frontier = slippage.efficient_frontier(problem(1e6), grid)
    gap_fe = relative_gap(np.asarray(our_cost), np.array([t.expected_cost for t in frontier]), our_cost)
    gap_fv = relative_gap(np.asarray(our_variance), np.array([t.variance for t in frontier]), our_variance)
    from acsym.frontier import efficient_frontier

    times = interleaved(
        {
            "acsym": ours,
            "slippage": lambda: slippage.efficient_frontier(problem(1e6), grid),
            "points": partial(efficient_frontier, 1e6, PERIODS, PARAMS, points=grid.size),
        },
        repeat,
    )
    RAW["frontier_points_vs_slippage"] = times["points"] / times["slippage"]
    rows.append(
        (
            f"  efficient frontier, {grid.size} lambdas, N = {PERIODS} "
            f"(E {gap_fe:.0e}, Var {gap_fv:.0e} rel.)",
            f"{times['slippage'] * 1e3:.2f} ms",
            f"{times['slippage'] / times['acsym']:.0f}x acsym ({times['acsym'] * 1e3:.2f} ms: {label})",
            "",
        )
    )
    rows.append(
        (
            f"  acsym efficient_frontier(points={grid.size}): lambdas solved for an even-std grid",
            f"{times['points'] * 1e3:.2f} ms",
            f"{times['points'] / times['slippage']:.2f}x slippage-tca's frontier",
            "<= 0.5x",
        )
    )
    return rows


#: runs inside the almgren-chriss venv; prints JSON
_ALMGREN_CHRISS_CHILD = textwrap.dedent(
    """
    import json, math, sys, time
    import numpy as np
    import almgren_chriss as ac
    args = json.loads(sys.stdin.read())
    p, orders, lams = args["params"], args["orders"], args["lams"]
    tau, T = p["tau"], args["periods"] * p["tau"]
    def one(x, lam):
        return (ac.trade_trajectory(lam, tau, p["sigma"], p["gamma"], p["eta"], x, T),
                ac.cost_expectation(lam, tau, p["sigma"], p["gamma"], p["eta"], p["epsilon"], x, T),
                ac.cost_variance(lam, tau, p["sigma"], p["gamma"], p["eta"], x, T))
    sample = []
    for x, lam in zip(orders[:200], lams[:200]):
        traj, e, v = one(x, lam)
        sample.append([traj.tolist(), float(e), float(v)])
    edges = []
    for lam in args["edge_lams"]:
        try:
            traj, e, v = one(1e6, lam)
            ok = bool(np.all(np.isfinite(traj)) and math.isfinite(e) and math.isfinite(v))
            edges.append("ok" if ok else "non-finite")
        except Exception as error:
            edges.append(type(error).__name__)
    clock = getattr(time, args["clock"])
    runs = []
    for _ in range(args["repeat"]):
        start = clock()
        for x, lam in zip(orders, lams):
            one(x, lam)
        runs.append(clock() - start)
    single = {}
    x, lam = args["single_order"], args["single_lambda"]
    for steps in args["single_steps"]:
        horizon = steps * tau
        def call():
            return (ac.trade_trajectory(lam, tau, p["sigma"], p["gamma"], p["eta"], x, horizon),
                    ac.cost_expectation(lam, tau, p["sigma"], p["gamma"], p["eta"], p["epsilon"], x, horizon),
                    ac.cost_variance(lam, tau, p["sigma"], p["gamma"], p["eta"], x, horizon))
        times = []
        for _ in range(args["repeat"] * 30):
            start = clock()
            for _ in range(20):
                call()
            times.append((clock() - start) / 20)
        single[str(steps)] = sorted(times)[len(times) // 2]
    from importlib.metadata import version
    print(json.dumps({"sample": sample, "edges": edges, "seconds": sorted(runs)[len(runs) // 2],
                      "single": single, "numpy": np.__version__, "version": version("almgren-chriss")}))
    """
)


def almgren_chriss_env(path: Path) -> Path:
    """A venv at ``path`` with almgren-chriss and the scipy it imports; created once."""
    python = path / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "almgren-chriss==1.1.0", "scipy"], check=True
        )
    return python


def bench_almgren_chriss(repeat: int, env: Path) -> list[Row]:
    python = almgren_chriss_env(env)
    orders, lams = batch_inputs(TYPICAL_LAMBDA)
    edge_lams = [0.0, 1e-3, 1e-1]
    payload = {
        "params": {k: getattr(PARAMS, k) for k in ("eta", "gamma", "sigma", "tau", "epsilon")},
        "periods": PERIODS,
        "orders": orders.tolist(),
        "lams": lams.tolist(),
        "edge_lams": edge_lams,
        "repeat": max(3, repeat // 5),
        "single_order": SINGLE_ORDER,
        "single_lambda": SINGLE_LAMBDA,
        "single_steps": list(SINGLE_STEPS),
        "clock": CLOCK[0].__name__,
    }
    out = subprocess.run(
        [str(python), "-c", _ALMGREN_CHRISS_CHILD],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    holdings, cost, variance = acsym_moments(orders, lams)
    theirs_x = np.array([s[0] for s in result["sample"]])
    theirs_e = np.array([s[1] for s in result["sample"]])
    theirs_v = np.array([s[2] for s in result["sample"]])
    ours = interleaved({"acsym": lambda: acsym_moments(orders, lams)}, repeat)["acsym"]
    edges = "; ".join(
        f"kappa T {float(kappa_t(np.array([lam]))[0]):.3g}: {status}"
        for lam, status in zip(edge_lams, result["edges"], strict=True)
    )
    NOTES.append(f"almgren-chriss {result['version']}, 1e6 shares: {edges}")
    single_rows: list[Row] = []
    for steps in SINGLE_STEPS:
        theirs = result["single"][str(steps)] * 1e6
        ours_us = SINGLE_US.get(steps)
        RAW[f"trajectory_{steps}_almgren_chriss"] = theirs / ours_us if ours_us else math.nan
        single_rows.append(
            (
                f"  one order, N = {steps:,} (trajectory, E, Var), per call",
                f"{theirs:.1f} us",
                f"{theirs / ours_us:.2f}x acsym ({ours_us:.1f} us)" if ours_us else "(run with trajectory)",
                "> 1x",
            )
        )
    return [
        (
            f"almgren-chriss {result['version']} (own venv, numpy {result['numpy']}): "
            "agreement on 200 orders",
            f"x {relative_gap(holdings[:200], theirs_x, orders[:200, None]):.1e} of X",
            f"E {relative_gap(cost[:200], theirs_e, cost[:200]):.1e}, "
            f"Var {relative_gap(variance[:200], theirs_v, variance[:200]):.1e} rel.",
            "",
        ),
        (
            f"  {ORDERS:,} schedules x {PERIODS} with E and Var: per-order loop",
            f"{result['seconds'] * 1e3:.0f} ms",
            f"{result['seconds'] / ours:.0f}x acsym ({ours * 1e3:.1f} ms)",
            "",
        ),
        *single_rows,
    ]


# -- the table -----------------------------------------------------------------------------------


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (
        f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}, "
        f"acsym {acsym.__version__}, load average {load}"
    )


def table(rows: list[Row]) -> str:
    header: Row = ("benchmark", "time", "ratio", "target")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in [header, *rows]
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=21, help="timed runs per measurement (median)")
    parser.add_argument(
        "--with-almgren-chriss",
        action="store_true",
        help="also benchmark almgren-chriss, in a separate venv (created on first use at --venv)",
    )
    parser.add_argument(
        "--venv",
        type=Path,
        default=Path(tempfile.gettempdir()) / "acsym-bench-almgren-chriss",
        help="where the almgren-chriss venv lives (default: %(default)s)",
    )
    parser.add_argument("--json", action="store_true", help="print the raw ratios as JSON after the table")
    parser.add_argument(
        "--only",
        nargs="*",
        choices=["batch", "trajectory", "impact", "import", "regenerate", "peers"],
        default=None,
    )
    parser.add_argument(
        "--default-allocator", action="store_true", help="leave glibc's malloc settings alone"
    )
    parser.add_argument(
        "--wall", action="store_true", help="time with the wall clock, not the thread's CPU time"
    )
    args = parser.parse_args(argv)
    if args.wall:
        CLOCK[0] = time.perf_counter
    allocator = "default" if args.default_allocator or not keep_freed_memory() else "glibc keeps freed memory"
    sections: dict[str, Callable[[], list[Row]]] = {
        "batch": lambda: bench_batch(args.repeat),
        "trajectory": lambda: bench_trajectory(args.repeat),
        "impact": lambda: bench_impact(args.repeat),
        "import": lambda: bench_import(args.repeat),
        "regenerate": lambda: bench_regenerate(3),
        "peers": lambda: (
            bench_slippage(args.repeat)
            + (bench_almgren_chriss(args.repeat, args.venv) if args.with_almgren_chriss else [])
        ),
    }
    rows: list[Row] = []
    for name, section in sections.items():
        if args.only is None or name in args.only:
            rows += section()
    clock = "wall clock" if args.wall else "thread CPU time"
    print(f"machine: {machine()}, allocator: {allocator}, clock: {clock}")
    print(
        f"command: python benchmarks/run.py {' '.join(argv if argv is not None else sys.argv[1:])}".rstrip()
    )
    print(table(rows))
    for note in NOTES:
        print(f"- {note}")
    if args.json:
        print(json.dumps(RAW))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
