"""Figures: the efficient frontier with other strategies marked, and holdings over time.

Requires matplotlib (``pip install "acsym[plot]"``), imported only when a function here runs,
so ``import acsym`` never loads it. Figures are drawn on matplotlib's Agg canvas without pyplot:
nothing here touches the global backend or opens a window, so it runs headless (CI, servers)
and leaves an interactive session's settings alone.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from os import PathLike
from typing import TYPE_CHECKING, Any

import numpy as np

from acsym.frontier import EfficientFrontier
from acsym.trajectory import (
    BPS,
    ExecutionTrajectory,
    generate_market_order_trajectory,
    generate_twap_trajectory,
    generate_vwap_trajectory,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_frontier", "plot_holdings", "strategy_label"]

_STYLE = {  # marker, colour, size: the A-C point is small so a nearby TWAP square shows round it
    "twap": ("s", "tab:blue", 110),
    "vwap": ("D", "tab:green", 80),
    "market_order": ("^", "tab:red", 100),
    "almgren_chriss": ("o", "tab:purple", 45),
}


def _matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError('plotting needs matplotlib: pip install "acsym[plot]"') from error
    return matplotlib


def _new_axes(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    """``ax`` and its figure, or a new figure on an Agg canvas."""
    _matplotlib()
    if ax is not None:
        return ax.figure.figure, ax  # the root figure, also when ax sits in a subfigure
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def _save(figure: Figure, path: str | PathLike[str] | None) -> None:
    if path is not None:
        figure.savefig(path, dpi=150)


def _scaling(factor: float) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    """Forward and inverse maps of a secondary axis that shows ``factor`` times the primary."""

    def forward(values: Any) -> Any:
        return np.asarray(values) * factor

    def inverse(values: Any) -> Any:
        return np.asarray(values) / factor

    return forward, inverse


def _format_lambda(value: float) -> str:
    if value == 0:
        return "0"
    if math.isinf(value):
        return "\u221e"
    mantissa, exponent = f"{value:.2e}".split("e")
    return f"${mantissa} \\times 10^{{{int(exponent)}}}$" if int(exponent) else mantissa


def strategy_label(trajectory: ExecutionTrajectory) -> str:
    """A legend label: the strategy's name, and lambda [1 / currency] for Almgren-Chriss."""
    names = {"twap": "TWAP", "vwap": "VWAP", "market_order": "market order"}
    if trajectory.strategy_name in names:
        return names[trajectory.strategy_name]
    rate = (trajectory.params or {}).get("participation")
    if trajectory.strategy_name == "pov" and rate is not None:
        return f"POV {100 * rate:.3g}%"
    if trajectory.strategy_name != "almgren_chriss" or math.isnan(trajectory.risk_aversion):
        return trajectory.strategy_name.replace("_", " ")  # limited, rounded, the user's own, ...
    lam = trajectory.risk_aversion
    suffix = " (TWAP)" if lam == 0 else ""
    return f"Almgren\u2013Chriss, \u03bb = {_format_lambda(lam)}{suffix}"


def plot_frontier(
    frontier: EfficientFrontier,
    markers: Sequence[ExecutionTrajectory] | None = None,
    *,
    currency: str = "currency",
    ax: Axes | None = None,
    path: str | PathLike[str] | None = None,
) -> Figure:
    """The efficient frontier, standard deviation against expected cost, with strategies marked.

    Parameters
    ----------
    frontier : EfficientFrontier
        From :func:`acsym.frontier.efficient_frontier` (a few hundred points draw a smooth curve).
    markers : sequence of ExecutionTrajectory, optional
        Schedules to mark at (sqrt(variance), expected_cost) from their ``params``. Default:
        TWAP, VWAP (the default U-shaped profile) and the market order for the frontier's order.
    currency : str, default "currency"
        Name of the currency unit in the axis labels.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.
    path : str or path-like, optional
        Where to save the figure (PNG, SVG, PDF, ... by suffix).

    Returns
    -------
    matplotlib.figure.Figure
        Standard deviation of the shortfall on x and expected shortfall on y, both in
        ``currency`` (bottom and left axes) and, when the params carry a price, in basis points
        of the notional (top and right axes).

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    """
    if not isinstance(frontier, EfficientFrontier):
        raise TypeError(f"frontier must be an EfficientFrontier, got {type(frontier).__name__}")
    figure, axes = _new_axes(ax, (7.0, 4.8))
    if markers is None:
        inputs = (frontier.order_size, frontier.duration_periods, frontier.params)
        markers = [
            generate_twap_trajectory(*inputs),
            generate_vwap_trajectory(*inputs),
            generate_market_order_trajectory(*inputs),
        ]
    axes.plot(
        frontier.std,
        frontier.expected_cost,
        color="0.25",
        linewidth=1.8,
        label="efficient frontier (\u03bb from 0 to \u221e)",
        zorder=1,
    )
    for trajectory in markers:
        details = trajectory.params or {}
        std = math.sqrt(details.get("variance", math.nan))
        marker, colour, size = _STYLE.get(trajectory.strategy_name, ("o", "tab:gray", 60))
        axes.scatter(
            [std],
            [details.get("expected_cost", math.nan)],
            marker=marker,
            s=size,
            color=colour,
            edgecolor="black",
            linewidth=0.6,
            label=strategy_label(trajectory),
            zorder=3,
            clip_on=False,  # the market order sits on the y axis
        )
    axes.set_xlabel(f"standard deviation of the shortfall [{currency}]")
    axes.set_ylabel(f"expected shortfall [{currency}]")
    axes.set_xlim(left=0.0)
    axes.grid(True, alpha=0.3)
    axes.legend(
        loc="upper right",
        fontsize="small",
        framealpha=0.9,
        title=f"{frontier.order_size:,.0f} shares in {frontier.duration_periods} intervals; "
        f"\u03bb in 1/{currency}",
        title_fontsize="small",
    )
    notional = frontier.notional
    if math.isfinite(notional) and notional > 0:
        to_bps, from_bps = _scaling(BPS / notional)
        axes.secondary_xaxis("top", functions=(to_bps, from_bps)).set_xlabel(
            "standard deviation [bps of notional]"
        )
        axes.secondary_yaxis("right", functions=(to_bps, from_bps)).set_ylabel(
            "expected shortfall [bps of notional]"
        )
    _save(figure, path)
    return figure


def plot_holdings(
    trajectories: Sequence[ExecutionTrajectory],
    *,
    highlight: ExecutionTrajectory | None = None,
    time_unit: str = "days",
    currency: str = "currency",
    ax: Axes | None = None,
    path: str | PathLike[str] | None = None,
) -> Figure:
    """Holdings over time of several schedules (several risk aversions, other strategies).

    Parameters
    ----------
    trajectories : sequence of ExecutionTrajectory
        Schedules to draw, e.g. ``[frontier.trajectory(i) for i in ...]`` or
        :func:`acsym.generate_ac_trajectory` at several lambdas.
    highlight : ExecutionTrajectory, optional
        One more schedule, drawn thicker (the one the user chose).
    time_unit : str, default "days"
        Name of the time unit of ``params.tau`` in the axis label.
    currency : str, default "currency"
        Name of the currency unit (lambda is in 1 / currency).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.
    path : str or path-like, optional
        Where to save the figure.

    Returns
    -------
    matplotlib.figure.Figure
        Shares held at each time t_k (left axis) and as a percentage of the order (right axis);
        within an interval the schedule sells at a constant rate, so points are joined by lines.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    """
    figure, axes = _new_axes(ax, (7.0, 4.4))
    drawn = list(trajectories)
    if not drawn and highlight is None:
        raise ValueError("plot_holdings needs at least one trajectory")
    colours = _matplotlib().colormaps["viridis"](np.linspace(0.0, 0.85, max(len(drawn), 1)))
    for trajectory, colour in zip(drawn, colours, strict=False):
        twap = trajectory.strategy_name == "twap" or (
            trajectory.strategy_name == "almgren_chriss" and trajectory.risk_aversion == 0
        )
        # TWAP dashed and on top: a nearby chosen schedule must not hide it
        axes.plot(
            trajectory.timestamps,
            trajectory.holdings,
            marker=".",
            color="black" if twap else colour,
            linestyle="--" if twap else "-",
            linewidth=1.2 if twap else 1.4,
            label=strategy_label(trajectory),
            zorder=4 if twap else 2,
        )
    if highlight is not None:
        axes.plot(
            highlight.timestamps,
            highlight.holdings,
            marker="o",
            color="tab:red",
            linewidth=2.6,
            label=strategy_label(highlight) + " (chosen)",
            zorder=3,
        )
    reference = highlight if highlight is not None else drawn[0]
    order = float(reference.holdings[0])
    legend_title = f"selling {order:,.0f} shares; \u03bb in 1/{currency}"
    axes.set_xlabel(f"time [{time_unit}]")
    axes.set_ylabel("holdings [shares]")
    axes.set_ylim(bottom=0.0)
    axes.set_xlim(left=0.0)
    axes.grid(True, alpha=0.3)
    axes.legend(
        loc="upper right", fontsize="small", framealpha=0.9, title=legend_title, title_fontsize="small"
    )
    if math.isfinite(order) and order > 0:
        axes.secondary_yaxis("right", functions=_scaling(100.0 / order)).set_ylabel("holdings [% of order]")
    _save(figure, path)
    return figure
