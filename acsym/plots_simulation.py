"""Histograms of simulated costs against the Gaussian the closed forms predict (needs matplotlib).

Imported only by ``acsym simulate --plot``; matplotlib is the optional extra ``plot``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from acsym.simulation import SimulationResult

_BINS = 80


def _import_pyplot() -> Any:
    try:
        import matplotlib
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError(
            "plotting needs matplotlib: pip install 'acsym[plot]' (or pip install matplotlib)"
        ) from error
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_cost_histograms(results: Sequence[SimulationResult], path: str | Path) -> Path:
    """Draw one histogram of simulated shortfalls per result, with the derived normal density.

    Parameters
    ----------
    results : sequence of SimulationResult
        Each simulated with ``return_samples=True``.
    path : str or Path
        The image to write (the format follows the suffix, e.g. ``.png``).

    Returns
    -------
    Path
        The file written.

    Notes
    -----
    The model's shortfall is linear in Gaussian shocks, so E and Var fix its distribution:
    N(E, Var). A schedule with Var = 0 (a market order) is drawn as a vertical line at E.
    Requires matplotlib.
    """
    plt = _import_pyplot()
    missing = [r.strategy_name for r in results if r.samples is None]
    if missing:
        raise ValueError(f"simulate with return_samples=True to plot; no samples for {missing}")
    figure, axes = plt.subplots(
        len(results), 1, figsize=(8.0, 2.8 * len(results) + 0.6), squeeze=False, layout="constrained"
    )
    for axis, result in zip(axes[:, 0], results, strict=True):
        samples = np.asarray(result.samples)
        sd = result.expected_std
        if sd > 0:
            low = min(float(samples.min()), result.expected_cost - 4 * sd)
            high = max(float(samples.max()), result.expected_cost + 4 * sd)
            axis.hist(
                samples,
                bins=_BINS,
                range=(low, high),
                density=True,
                color="tab:blue",
                alpha=0.45,
                label=f"simulated, {result.n_paths:,} paths",
            )
            grid = np.linspace(low, high, 400)
            density = np.exp(-0.5 * ((grid - result.expected_cost) / sd) ** 2) / (sd * math.sqrt(2 * math.pi))
            axis.plot(grid, density, color="tab:red", lw=1.8, label="derived N(E, Var)")
            axis.set_ylabel("density [1/currency]")
        else:
            axis.axvline(result.expected_cost, color="tab:red", lw=1.8, label="derived E (Var = 0)")
            axis.plot(
                [result.mean],
                [0.5],
                "o",
                color="tab:blue",
                transform=axis.get_xaxis_transform(),
                label=f"every simulated path ({result.n_paths:,})",
            )
            axis.set_yticks([])
        var95 = result.value_at_risk.get(0.95)
        if var95 is not None and sd > 0:
            axis.axvline(var95, color="black", ls="--", lw=1.0, label="simulated VaR 95%")
        axis.set_title(
            f"{result.strategy_name}: mean {result.mean:,.2f} (E {result.expected_cost:,.2f}), "
            f"sd {result.std:,.2f} (derived {sd:,.2f}) currency",
            fontsize=10,
        )
        axis.set_xlabel("implementation shortfall [currency], positive = cost")
        if result.notional > 0:
            to_bps = result.notional / 1e4
            top = axis.secondary_xaxis(
                "top", functions=(lambda c, s=to_bps: c / s, lambda b, s=to_bps: b * s)
            )
            top.set_xlabel("shortfall [bps of notional]", fontsize=8)
        axis.legend(fontsize=8, loc="upper right")
    target = Path(path)
    figure.savefig(target, dpi=110)
    plt.close(figure)
    return target
