"""Regenerate the figures of the README and the docs: ``python scripts/make_figures.py``.

Each figure is drawn by :mod:`acsym.plots` from the seed example or a liquid stock (ADV 5e6
shares, $100, 2% daily volatility, 1-cent spread, 500k shares over one day in 78 buckets of five
minutes) and checked with :func:`acsym.plots.layout_problems`; a figure with overlapping or
clipped text is not written and the script exits 1.
"""

from __future__ import annotations

import sys
from pathlib import Path

import acsym
from acsym import plots
from acsym.frontier import efficient_frontier

DOCS = Path(__file__).resolve().parents[1] / "docs"


def compute_figures() -> dict[str, object]:
    """Every figure by file name (draws, writes nothing)."""
    seed = acsym.calibrate_ac_params(50_000, 0.02, 0.05, 0.50)
    liquid = acsym.calibrate_ac_params(5e6, 0.01, 0.02, 100.0, tau=1 / 78)
    figures: dict[str, object] = {}
    for name, (order, periods, params, lam) in {
        "seed": (5_000.0, 10, seed, 1e-2),
        "liquid": (500_000.0, 78, liquid, 1e-6),
    }.items():
        strategies = [
            acsym.generate_twap_trajectory(order, periods, params),
            acsym.generate_vwap_trajectory(order, periods, params),
            acsym.generate_market_order_trajectory(order, periods, params),
            acsym.generate_ac_trajectory(order, periods, params, lam),
        ]
        frontier = efficient_frontier(order, periods, params, points=201)
        results = [
            acsym.simulate_execution(s, params, 100_000, seed=1, return_samples=True) for s in strategies
        ]
        figures[f"frontier-{name}.png"] = plots.plot_frontier(frontier, strategies)
        figures[f"comparison-{name}.png"] = plots.plot_comparison(strategies, results, frontier=frontier)
    return figures


def main() -> int:
    failed = 0
    for name, figure in compute_figures().items():
        problems = plots.layout_problems(figure)  # type: ignore[arg-type]
        if problems:
            failed += 1
            print(f"not written: {name}: " + "; ".join(problems), file=sys.stderr)
            continue
        figure.savefig(DOCS / name, dpi=110)  # type: ignore[attr-defined]
        print(f"wrote {DOCS / name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
