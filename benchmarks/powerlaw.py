"""The power-law Newton solver against the linear model's closed form, for the same batch.

Run from a source checkout::

    python benchmarks/powerlaw.py                  # 1000 orders x 100 periods, 5 repeats
    python benchmarks/powerlaw.py --orders 10000 --periods 390

Rows: :func:`acsym.generate_ac_holdings` (the sinh closed form, the floor) and
:func:`acsym.generate_powerlaw_holdings` at alpha = 1 (one Newton step from the exact start),
0.5 and 0.6 (square-root-like fits) and 1.5. The target is a nonlinear batch within 3x of the
linear one. Every figure is the median of ``--repeats`` runs.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

import acsym
from acsym.models import powerlaw


def _median_seconds(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--periods", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(16)
    orders = 10 ** rng.uniform(4, 6.5, args.orders)
    lams = 10 ** rng.uniform(-8, -5, args.orders)
    base = acsym.AlmgrenChrissParams(eta=2.5e-6, gamma=2.5e-8, sigma=0.95, tau=1.0)
    linear = _median_seconds(
        lambda: acsym.generate_ac_holdings(orders, args.periods, base, lams), args.repeats
    )
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, {platform.machine()}")
    print(f"{args.orders} orders x {args.periods} periods, median of {args.repeats}")
    print(f"{'model':<24} {'seconds':>9} {'x linear':>9} {'Newton steps':>13}")
    print(f"{'linear (sinh)':<24} {linear:>9.4f} {1.0:>9.2f} {'-':>13}")
    for alpha in (1.0, 0.5, 0.6, 1.5):
        params = replace(
            base, alpha=alpha, eta=base.eta * 1e5 ** (1 - alpha), gamma=0.0 if alpha > 1 else base.gamma
        )
        seconds = _median_seconds(
            lambda params=params: powerlaw.generate_powerlaw_holdings(orders, args.periods, params, lams),
            args.repeats,
        )
        start = powerlaw._initial(orders, args.periods, params, lams)
        _, _, steps = powerlaw._newton(start, params, lams)
        print(
            f"{'power law, alpha = ' + str(alpha):<24} {seconds:>9.4f} {seconds / linear:>9.2f} {steps:>13}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
