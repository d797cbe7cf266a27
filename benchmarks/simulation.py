"""Throughput of :func:`acsym.simulate_execution` against the cost of its random numbers alone.

Run from a source checkout::

    python benchmarks/simulation.py                       # 1e5 paths x 390 periods, 7 repeats
    python benchmarks/simulation.py --paths 1000000 --repeats 1

The floor is drawing the same number of normals (paths x periods) with
``Generator.standard_normal`` in the same process: once as a single array (what a naive
simulation would do) and once in 1024-path blocks into a reused buffer (what the simulation
does). The target is a simulation at most 3x slower than the floor. Every figure is the median
of ``--repeats`` runs.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys

import numpy as np
from _timing import median_seconds

import acsym
import acsym.simulation

BLOCK = 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--paths", type=int, default=100_000)
    parser.add_argument("--periods", type=int, default=390)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--chunk-size", type=int, default=acsym.simulation.DEFAULT_CHUNK_SIZE)
    args = parser.parse_args(argv)

    params = acsym.calibrate_ac_params(50_000, 0.02, 0.05, 0.50, tau=1 / args.periods)
    trajectory = acsym.generate_ac_trajectory(5_000, args.periods, params, 1e-2)
    normals = args.paths * args.periods

    def one_array() -> object:
        return np.random.default_rng(1).standard_normal((args.paths, args.periods))

    def blocks() -> object:
        rng = np.random.default_rng(1)
        buffer = np.empty((BLOCK, args.periods))
        for start in range(0, args.paths, BLOCK):
            rng.standard_normal(out=buffer[: min(BLOCK, args.paths - start)])
        return buffer

    result: list[acsym.SimulationResult] = []

    def simulate() -> object:
        result[:] = [
            acsym.simulate_execution(trajectory, params, args.paths, seed=1, chunk_size=args.chunk_size)
        ]
        return result

    rows = [
        ("floor: standard_normal, one array", median_seconds(one_array, args.repeats)),
        ("floor: standard_normal, 1024-path blocks", median_seconds(blocks, args.repeats)),
        ("simulate_execution", median_seconds(simulate, args.repeats)),
    ]
    floor = rows[0][1]
    print(
        f"{args.paths:,} paths x {args.periods} periods ({normals:,} normals), median of {args.repeats} runs"
    )
    print(
        f"numpy {np.__version__}, Python {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} CPUs, {platform.processor() or platform.platform()}\n"
    )
    print(f"{'':<42} {'seconds':>9} {'paths/s':>12} {'normals/s':>12} {'x floor':>8}")
    for name, seconds in rows:
        print(
            f"{name:<42} {seconds:>9.3f} {args.paths / seconds:>12,.0f} "
            f"{normals / seconds:>12.3g} {seconds / floor:>8.2f}"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    print(f"\npeak resident memory of this process: {peak:,.0f} MB (the one-array floor included)")
    r = result[0]
    print(
        f"check: mean {r.mean:.4f} vs E {r.expected_cost:.4f} ({r.mean_gap:+.2f} s.e.), "
        f"std {r.std:.4f} vs sqrt(Var) {r.expected_std:.4f} ({r.std_gap:+.2f} s.e.)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
