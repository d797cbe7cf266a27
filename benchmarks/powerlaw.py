"""The power-law Newton solver against the linear model's closed form, for the same batch.

Run from a source checkout::

    python benchmarks/powerlaw.py                  # 1000 orders x 100 periods, 7 repeats
    python benchmarks/powerlaw.py --orders 10000 --periods 390
    python benchmarks/powerlaw.py --wall           # perf_counter instead of thread CPU time

Rows: :func:`acsym.generate_ac_holdings` (the sinh closed form, the floor) and
:func:`acsym.generate_powerlaw_holdings` at alpha = 1 (the same closed form: f'' is constant,
no iterations), 0.5 and 0.6 (square-root-like fits) and 1.5, each with its ratio to the linear
batch, the number of Newton steps the slowest order of the batch took, and the cost of one
Newton step over the whole batch (the first: every order still iterating) as a ratio to the
linear batch. The issue's target is a nonlinear batch within 3x of the linear one; the last
column shows why plain numpy cannot reach it (docs/performance.md). The callables take turns
(all of them once per round) and every figure is the median over ``--repeats`` rounds of the
calling thread's CPU time (``time.thread_time``, which other processes' load on a shared
machine does not inflate).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's acsym

import acsym
from acsym.models import powerlaw

ALPHAS = (1.0, 0.5, 0.6, 1.5)


def _medians(
    candidates: dict[str, Callable[[], object]], repeats: int, clock: Callable[[], float]
) -> dict[str, float]:
    """Median seconds of each callable, the callables taking turns round by round (one
    uncounted warm-up call each first)."""
    times: dict[str, list[float]] = {name: [] for name in candidates}
    for run in candidates.values():
        run()
    for _ in range(repeats):
        for name, run in candidates.items():
            start = clock()
            run()
            times[name].append(clock() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def _params(base: acsym.AlmgrenChrissParams, alpha: float) -> acsym.AlmgrenChrissParams:
    """The same impact at 1e5 shares per time unit for every alpha; gamma = 0 when alpha > 1
    (the objective is convex there only without permanent impact)."""
    return replace(
        base, alpha=alpha, eta=base.eta * 1e5 ** (1 - alpha), gamma=0.0 if alpha > 1 else base.gamma
    )


def _one_step(start: np.ndarray, params: acsym.AlmgrenChrissParams, lams: np.ndarray) -> None:
    """One Newton step for every order, in the solver's blocks of orders."""
    block = max(1, powerlaw._CHUNK // start.shape[1])
    for first in range(0, len(start), block):
        part = slice(first, first + block)
        powerlaw._newton(start[part], params, lams[part], max_steps=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--periods", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--wall", action="store_true", help="time.perf_counter, not thread CPU time")
    args = parser.parse_args(argv)
    clock = time.perf_counter if args.wall else time.thread_time
    rng = np.random.default_rng(16)
    orders = 10 ** rng.uniform(4, 6.5, args.orders)
    lams = 10 ** rng.uniform(-8, -5, args.orders)
    base = acsym.AlmgrenChrissParams(eta=2.5e-6, gamma=2.5e-8, sigma=0.95, tau=1.0)
    candidates: dict[str, Callable[[], object]] = {
        "linear (sinh)": lambda: acsym.generate_ac_holdings(orders, args.periods, base, lams)
    }
    starts = {}
    for alpha in ALPHAS:
        params = _params(base, alpha)
        name = f"power law, alpha = {alpha}"
        candidates[name] = lambda params=params: powerlaw.generate_powerlaw_holdings(
            orders, args.periods, params, lams
        )
        if alpha != 1:
            starts[alpha] = start = powerlaw._initial(orders, args.periods, params, lams)
            candidates[f"{name}, one step"] = lambda params=params, start=start: _one_step(
                start, params, lams
            )
    seconds = _medians(candidates, args.repeats, clock)
    linear = seconds["linear (sinh)"]
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, {platform.machine()}")
    print(
        f"{args.orders} orders x {args.periods} periods, median of {args.repeats} "
        f"({'wall' if args.wall else 'thread CPU'} time)"
    )
    print(f"{'model':<24} {'seconds':>9} {'x linear':>9} {'Newton steps':>13} {'one step x linear':>18}")
    print(f"{'linear (sinh)':<24} {linear:>9.4f} {1.0:>9.2f} {'-':>13} {'-':>18}")
    for alpha in ALPHAS:
        name = f"power law, alpha = {alpha}"
        steps, step = "0", "-"
        if alpha in starts:
            steps = str(powerlaw._newton(starts[alpha], _params(base, alpha), lams)[2])
            step = f"{seconds[f'{name}, one step'] / linear:.2f}"
        print(f"{name:<24} {seconds[name]:>9.4f} {seconds[name] / linear:>9.2f} {steps:>13} {step:>18}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
