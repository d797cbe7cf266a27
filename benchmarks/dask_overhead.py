"""What Dask costs on one machine: the numpy run against the same work chunked with Dask.

Run from a source checkout (needs ``acsym[dask]``)::

    python benchmarks/dask_overhead.py                      # 2e5 orders x 390, 2e5 paths x 390
    python benchmarks/dask_overhead.py --orders 1000000 --paths 1000000 --workers 2

Three ways each: plain numpy in this process; Dask arrays on the default (threaded) scheduler;
and a ``distributed`` LocalCluster (``--workers`` worker processes, one thread each), which is
what a real cluster adds (serialisation, scheduling, gathering). Every figure is the median of
``--repeats`` runs and is printed with its ratio to numpy. The results are checked equal to the
numpy ones before timing. On one machine Dask cannot beat numpy's vectorised kernels; the
ratio says what the scale-out costs per chunk before a cluster's extra machines pay it back.
"""

from __future__ import annotations

import argparse
import os
import platform

import numpy as np
from _timing import median_seconds

import acsym


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--periods", type=int, default=390)
    parser.add_argument("--paths", type=int, default=200_000)
    parser.add_argument("--chunk", type=int, default=50_000, help="orders or paths per chunk")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    import dask.array as da
    import distributed

    params = acsym.calibrate_ac_params(50_000, 0.02, 0.05, 0.50, tau=1 / args.periods)
    orders = np.linspace(100.0, 1e6, args.orders)
    lams = np.geomspace(1e-8, 1e-2, args.orders)
    lazy_orders = da.from_array(orders, chunks=args.chunk)
    trajectory = acsym.generate_ac_trajectory(5_000, args.periods, params, 1e-2)

    def holdings_numpy() -> object:
        return acsym.generate_ac_holdings(orders, args.periods, params, lams)

    def holdings_dask() -> object:
        return acsym.generate_ac_holdings(lazy_orders, args.periods, params, lams).compute()

    def paths_numpy() -> object:
        return acsym.simulate_execution(trajectory, params, args.paths, seed=1, return_samples=True)

    rows: list[tuple[str, str, float]] = []
    expected = holdings_numpy()
    assert np.array_equal(np.asarray(holdings_dask()), np.asarray(expected))
    rows.append(("holdings", "numpy", median_seconds(holdings_numpy, args.repeats)))
    rows.append(("holdings", "dask threads", median_seconds(holdings_dask, args.repeats)))
    samples = paths_numpy().samples
    rows.append(("simulation", "numpy", median_seconds(paths_numpy, args.repeats)))
    with (
        distributed.LocalCluster(
            n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):

        def holdings_cluster() -> object:
            return client.compute(
                acsym.generate_ac_holdings(lazy_orders, args.periods, params, lams)
            ).result()

        def paths_cluster() -> object:
            return acsym.simulate_execution(
                trajectory,
                params,
                args.paths,
                seed=1,
                return_samples=True,
                client=client,
                chunk_size=args.chunk,
            )

        assert np.array_equal(np.asarray(holdings_cluster()), np.asarray(expected))
        assert np.array_equal(paths_cluster().samples, samples)
        rows.append(
            ("holdings", f"LocalCluster {args.workers} proc", median_seconds(holdings_cluster, args.repeats))
        )
        rows.append(
            ("simulation", f"LocalCluster {args.workers} proc", median_seconds(paths_cluster, args.repeats))
        )

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cpus, "
        f"Python {platform.python_version()}"
    )
    print(
        f"holdings: {args.orders} orders x {args.periods + 1}; simulation: {args.paths} paths x "
        f"{args.periods}; chunks of {args.chunk}; median of {args.repeats}"
    )
    base = {task: seconds for task, how, seconds in rows if how == "numpy"}
    print("| task | run | seconds | / numpy |\n|---|---|---|---|")
    for task, how, seconds in rows:
        print(f"| {task} | {how} | {seconds:.3f} | {seconds / base[task]:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
