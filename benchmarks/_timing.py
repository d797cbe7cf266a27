"""The wall-clock median the smaller benchmark scripts share (benchmarks/run.py and powerlaw.py
interleave candidates and time thread CPU instead)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(run: Callable[[], object], repeats: int = 5) -> float:
    """The median wall-clock time of ``repeats`` calls of ``run`` [seconds]."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
