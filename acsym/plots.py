"""Figures: the efficient frontier, holdings and trades over time, cost distributions, and one
figure comparing strategies.

One convention for every function: it takes an optional ``ax`` (or ``figure`` for the multi-panel
comparison), returns the :class:`matplotlib.figure.Figure`, and writes a file only when given a
``path``. Styling (a strategy's colour, line and marker; thousands separators; bps axes) lives
once, here. Requires matplotlib (``pip install "acsym[plot]"``), imported only when a function
here runs, so ``import acsym`` never loads it. Figures are drawn on matplotlib's Agg canvas
without pyplot: nothing here touches the global backend or opens a window, so it runs headless
and leaves an interactive session's settings alone.

Words follow the rest of acsym: *expected cost* is the mean implementation shortfall; *expected
shortfall* is the CVaR of :class:`~acsym.simulation.SimulationResult`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from os import PathLike
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

import numpy as np

from acsym.frontier import EfficientFrontier
from acsym.simulation import SimulationResult
from acsym.trajectory import (
    BPS,
    ExecutionTrajectory,
    generate_market_order_trajectory,
    generate_twap_trajectory,
    generate_vwap_trajectory,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from acsym.clock import TradingSession
    from acsym.impact import CalibrationResult

__all__ = [
    "layout_problems",
    "plot_comparison",
    "plot_costs",
    "plot_frontier",
    "plot_holdings",
    "plot_impact_fit",
    "plot_trades",
    "strategy_label",
]

Path_ = str | PathLike[str]

#: at most this many points per line carry markers; past it markers only clutter
MAX_MARKED_POINTS = 40
#: the confidence level whose VaR and expected shortfall :func:`plot_costs` marks
LEVEL = 0.95


@dataclass(frozen=True)
class _Style:
    colour: str
    linestyle: str
    marker: str
    size: float  # marker area on the frontier [points**2]


#: one look per strategy, everywhere (the A-C point is small so a nearby TWAP square shows round it)
_STYLES = {
    "twap": _Style("black", "--", "s", 110),
    "vwap": _Style("tab:green", "-.", "D", 80),
    "pov": _Style("tab:orange", ":", "P", 90),
    "market_order": _Style("tab:red", "-", "^", 100),
    "almgren_chriss": _Style("tab:purple", "-", "o", 45),
}
_OTHER_COLOURS = ("tab:purple", "tab:blue", "tab:brown", "tab:pink", "tab:olive", "tab:cyan", "tab:gray")
_OTHER_LINES = ("-", (0, (5, 1)), (0, (3, 1, 1, 1)), (0, (1, 1)))


def _matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError('plotting needs matplotlib: pip install "acsym[plot]"') from error
    return matplotlib


def _new_figure(size: tuple[float, float]) -> Figure:
    _matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _new_axes(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    """``ax`` and its root figure, or a new figure on an Agg canvas."""
    if ax is not None:
        _matplotlib()
        return ax.figure.figure, ax  # the root figure, also when ax sits in a subfigure
    figure = _new_figure(size)
    return figure, figure.add_subplot()


def _save(figure: Figure, path: Path_ | None) -> Figure:
    if path is not None:
        figure.savefig(path, dpi=150)
    return figure


def _scaling(factor: float) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    """Forward and inverse maps of a secondary axis that shows ``factor`` times the primary."""

    def forward(values: Any) -> Any:
        return np.asarray(values) * factor

    def inverse(values: Any) -> Any:
        return np.asarray(values) / factor

    return forward, inverse


def _thousands(*axes: Any) -> None:
    """Tick labels with thousands separators and no offset text (``1e6`` never collides)."""
    from matplotlib.ticker import Formatter, MaxNLocator

    class Thousands(Formatter):
        def __call__(self, value: float, pos: int | None = None) -> str:
            axis: Any = self.axis
            locs = np.asarray(axis.get_majorticklocs() if axis is not None else [], dtype=float)
            steps = np.diff(np.sort(locs))
            step = float(steps[steps > 0].min()) if steps.size and (steps > 0).any() else 1.0
            decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
            text = f"{value:,.{decimals}f}"
            return "0" if text.lstrip("-").strip("0.,") == "" else text

    for axis in axes:
        axis.set_major_formatter(Thousands())
        if axis.axis_name == "x":  # long labels such as 19,502,500: fewer of them side by side
            axis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))


def _style(trajectory: ExecutionTrajectory, index: int) -> _Style:
    name = trajectory.strategy_name
    if name == "almgren_chriss" and trajectory.risk_aversion == 0:
        return _STYLES["twap"]
    if name in _STYLES and name != "almgren_chriss":
        return _STYLES[name]
    return _Style(
        _OTHER_COLOURS[index % len(_OTHER_COLOURS)],
        _OTHER_LINES[index % len(_OTHER_LINES)],  # type: ignore[arg-type]
        "o",
        45,
    )


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
    if trajectory.strategy_name == "pov":
        rate = (trajectory.params or {}).get("participation")
        return "POV" if rate is None else f"POV {100 * rate:.3g}%"
    if trajectory.strategy_name != "almgren_chriss" or math.isnan(trajectory.risk_aversion):
        return trajectory.strategy_name.replace("_", " ")  # limited, rounded, the user's own, ...
    lam = trajectory.risk_aversion
    suffix = " (TWAP)" if lam == 0 else ""
    return f"Almgren\u2013Chriss, \u03bb = {_format_lambda(lam)}{suffix}"


def _clock(trajectory: ExecutionTrajectory, session: TradingSession | None) -> Any:
    """Clock times of the schedule's grid (datetime64) from ``session``, else None."""
    if session is None:
        return None
    times = np.asarray(session.timestamps)
    if len(times) != len(trajectory.timestamps):
        raise ValueError(
            f"the session has {len(times) - 1} buckets, "
            f"the schedule {len(trajectory.timestamps) - 1} intervals"
        )
    return times


def _time_axis(
    axes: Axes, trajectory: ExecutionTrajectory, time_unit: str, session: TradingSession | None
) -> Any:
    """The x values of the schedule's grid; labels the axis (clock time when the schedule has it)."""
    clock = _clock(trajectory, session)
    if clock is None:
        axes.set_xlabel(f"time [{time_unit}]")
        return np.asarray(trajectory.timestamps, dtype=float)
    from matplotlib.dates import AutoDateLocator, DateFormatter

    axes.xaxis.set_major_locator(AutoDateLocator(maxticks=8))
    axes.xaxis.set_major_formatter(DateFormatter("%H:%M"))
    axes.set_xlabel(f"time [clock, {np.datetime_as_string(clock[0], unit='D')}]")
    return clock.astype("datetime64[us]").astype(object)


def _legend(axes: Axes, title: str | None, *, outside: bool = False, **kwargs: Any) -> None:
    options: dict[str, Any] = {"fontsize": "small", "title_fontsize": "small", "framealpha": 0.9}
    if outside:  # below the axes: the plot area stays free for the data (and an inset)
        options.update(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2)
    else:
        options.update(loc="best")
    options.update(kwargs)
    axes.legend(title=title, **options)


# --- the efficient frontier ---------------------------------------------------------------------


def _marker_point(trajectory: ExecutionTrajectory) -> tuple[float, float]:
    details = trajectory.params or {}
    variance = details.get("variance", math.nan)
    return math.sqrt(variance) if variance >= 0 else math.nan, details.get("expected_cost", math.nan)


def plot_frontier(
    frontier: EfficientFrontier,
    markers: Sequence[ExecutionTrajectory] | None = None,
    *,
    curves: Mapping[str, tuple[Any, Any]] | None = None,
    zoom: bool | None = None,
    currency: str = "currency",
    ax: Axes | None = None,
    path: Path_ | None = None,
) -> Figure:
    """The efficient frontier, standard deviation against expected cost, with strategies marked.

    Parameters
    ----------
    frontier : EfficientFrontier
        From :func:`acsym.frontier.efficient_frontier` (a few hundred points draw a smooth curve).
    markers : sequence of ExecutionTrajectory, optional
        Schedules to mark at (sqrt(variance), expected_cost) from their ``params``. Default:
        TWAP, VWAP (the default U-shaped profile) and the market order for the frontier's order.
    curves : mapping of str to (array_like, array_like), optional
        More frontiers to draw next to this one, by label: (standard deviation, expected cost)
        [currency], e.g. the power-law model's (:func:`acsym.powerlaw_frontier` gives E and Var).
    zoom : bool, optional
        Draw an inset around the marked schedules other than the market order (TWAP .. the
        chosen schedule), where the market order's cost squashes them into a sliver. Default:
        when their expected costs span less than a quarter of the axis.
    currency : str, default "currency"
        Name of the currency unit in the axis labels.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.
    path : str or path-like, optional
        Where to save the figure (PNG, SVG, PDF, ... by suffix).

    Returns
    -------
    matplotlib.figure.Figure
        Standard deviation of the cost on x and expected cost on y, both in ``currency`` (bottom
        and left axes) and, when the params carry a price, in basis points of the notional (top
        and right axes).

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    """
    if not isinstance(frontier, EfficientFrontier):
        raise TypeError(f"frontier must be an EfficientFrontier, got {type(frontier).__name__}")
    figure, axes = _new_axes(ax, (7.0, 5.6))
    if markers is None:
        inputs = (frontier.order_size, frontier.duration_periods, frontier.params)
        markers = [
            generate_twap_trajectory(*inputs),
            generate_vwap_trajectory(*inputs),
            generate_market_order_trajectory(*inputs),
        ]
    panels = [axes]
    points = [_marker_point(t) for t in markers]
    inner = [p for t, p in zip(markers, points, strict=True) if t.strategy_name != "market_order"]
    inner = [p for p in inner if all(math.isfinite(v) for v in p)]
    cost = np.asarray(frontier.expected_cost, dtype=float)
    span = float(np.nanmax(cost) - np.nanmin(cost)) if np.isfinite(cost).any() else math.nan
    if inner:
        low = min(p[1] for p in inner)
        high = max(p[1] for p in inner)
        if zoom is None:
            zoom = math.isfinite(span) and span > 0 and (high - low) < 0.25 * span
    else:
        zoom = False
    if zoom:
        inset = axes.inset_axes((0.42, 0.42, 0.55, 0.5))
        panels.append(inset)
    extra = {label: (np.asarray(x, float), np.asarray(y, float)) for label, (x, y) in (curves or {}).items()}
    for panel in panels:
        panel.plot(
            frontier.std,
            frontier.expected_cost,
            color="0.25",
            linewidth=1.8,
            label="efficient frontier (\u03bb from 0 to \u221e)",
            zorder=1,
        )
        for index, (label, (curve_std, curve_cost)) in enumerate(extra.items()):
            colour = _OTHER_COLOURS[(index + 1) % len(_OTHER_COLOURS)]
            panel.plot(
                curve_std, curve_cost, color=colour, linestyle="--", linewidth=1.6, label=label, zorder=1
            )
        for index, (trajectory, (std, expected)) in enumerate(zip(markers, points, strict=True)):
            style = _style(trajectory, index)
            panel.scatter(
                [std],
                [expected],
                marker=style.marker,
                s=style.size,
                color=style.colour,
                edgecolor="black",
                linewidth=0.6,
                label=strategy_label(trajectory),
                zorder=3,
                clip_on=panel is not axes,  # the market order sits on the main y axis
            )
        panel.grid(True, alpha=0.3)
        _thousands(panel.xaxis, panel.yaxis)
    if zoom:
        stds = [p[0] for p in inner]
        width = max(max(stds) - min(stds), 0.05 * max(stds), 1e-300)
        height = max(high - low, 0.05 * abs(high), 1e-300)
        inset.set_xlim(min(stds) - 0.25 * width, max(stds) + 0.25 * width)
        inset.set_ylim(low - 0.3 * height, high + 0.3 * height)
        inset.tick_params(labelsize="x-small")
        inset.set_title("zoom: the strategies near TWAP", fontsize="x-small")
        axes.indicate_inset_zoom(inset, edgecolor="0.4")
    axes.set_xlabel(f"standard deviation of the cost [{currency}]")
    axes.set_ylabel(f"expected cost [{currency}]")
    axes.set_xlim(left=0.0)
    _legend(
        axes,
        f"{frontier.order_size:,.0f} shares in {frontier.duration_periods} intervals; \u03bb in 1/{currency}",
        outside=True,
    )
    notional = frontier.notional
    if math.isfinite(notional) and notional > 0:
        to_bps = _scaling(BPS / notional)
        axes.secondary_xaxis("top", functions=to_bps).set_xlabel("standard deviation [bps of notional]")
        axes.secondary_yaxis("right", functions=to_bps).set_ylabel("expected cost [bps of notional]")
    return _save(figure, path)


# --- holdings and trades over time --------------------------------------------------------------


def _order(trajectories: Sequence[ExecutionTrajectory]) -> float:
    return float(abs(trajectories[0].holdings[0])) if trajectories else math.nan


def plot_holdings(
    trajectories: Sequence[ExecutionTrajectory],
    *,
    highlight: ExecutionTrajectory | None = None,
    time_unit: str = "days",
    session: TradingSession | None = None,
    currency: str = "currency",
    ax: Axes | None = None,
    path: Path_ | None = None,
) -> Figure:
    """Holdings over time of several schedules (several risk aversions, other strategies).

    Parameters
    ----------
    trajectories : sequence of ExecutionTrajectory
        Schedules to draw, e.g. ``[frontier.trajectory(i) for i in ...]``, TWAP, VWAP, POV.
    highlight : ExecutionTrajectory, optional
        One more schedule, drawn thicker (the one the user chose).
    time_unit : str, default "days"
        Name of the time unit of ``params.tau`` in the axis label.
    session : TradingSession, optional
        The trading session the schedules are laid on (:class:`acsym.TradingSession`): time is
        then drawn as clock time, HH:MM.
    currency : str, default "currency"
        Name of the currency unit (lambda is in 1 / currency).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.
    path : str or path-like, optional
        Where to save the figure.

    Returns
    -------
    matplotlib.figure.Figure
        Shares held at each time t_k (left axis, with thousands separators) and as a percentage
        of the order (right axis); within an interval the schedule trades at a constant rate, so
        points are joined by lines. Points carry markers only up to 40 intervals.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    ValueError
        If there is nothing to draw.
    """
    drawn = list(trajectories)
    if not drawn and highlight is None:
        raise ValueError("plot_holdings needs at least one trajectory")
    figure, axes = _new_axes(ax, (7.0, 5.0))
    everything = [*drawn, *([highlight] if highlight is not None else [])]
    for index, trajectory in enumerate(everything):
        chosen = trajectory is highlight
        style = _Style("tab:red", "-", "o", 0) if chosen else _style(trajectory, index)
        twap = style is _STYLES["twap"]
        times = _time_axis(axes, trajectory, time_unit, session)
        axes.plot(
            times,
            trajectory.holdings,
            marker=style.marker if len(trajectory.holdings) <= MAX_MARKED_POINTS + 1 else None,
            markersize=4 if not chosen else 5,
            color=style.colour,
            linestyle=style.linestyle,
            linewidth=2.6 if chosen else 1.4,
            label=strategy_label(trajectory) + (" (chosen)" if chosen else ""),
            zorder=4 if twap else (3 if chosen else 2),  # TWAP dashed on top: never hidden
        )
    order = _order(everything)
    axes.set_ylabel("holdings [shares]")
    axes.set_ylim(bottom=0.0)
    if session is None:
        axes.set_xlim(left=0.0)
    axes.grid(True, alpha=0.3)
    _thousands(axes.yaxis)
    _legend(axes, f"{order:,.0f} shares; \u03bb in 1/{currency}", loc="upper right")
    if math.isfinite(order) and order > 0:
        axes.secondary_yaxis("right", functions=_scaling(100.0 / order)).set_ylabel("holdings [% of order]")
    return _save(figure, path)


def plot_trades(
    trajectories: Sequence[ExecutionTrajectory],
    *,
    time_unit: str = "days",
    session: TradingSession | None = None,
    ax: Axes | None = None,
    path: Path_ | None = None,
) -> Figure:
    """Shares traded in each interval, one step line per schedule.

    Parameters
    ----------
    trajectories : sequence of ExecutionTrajectory
        Schedules to draw.
    time_unit : str, default "days"
        Name of the time unit in the axis label.
    session : TradingSession, optional
        The trading session the schedules are laid on: bucket edges are labelled by clock time.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.
    path : str or path-like, optional
        Where to save the figure.

    Returns
    -------
    matplotlib.figure.Figure
        Trades per interval [shares] as steps over each interval. A schedule that trades far more
        in one interval than the others (a market order) is cut at the top and its size written
        on the plot, so the others stay readable.
    """
    drawn = list(trajectories)
    if not drawn:
        raise ValueError("plot_trades needs at least one trajectory")
    figure, axes = _new_axes(ax, (7.0, 4.4))
    peaks = [float(np.max(np.abs(t.trade_sizes))) if len(t.trade_sizes) else 0.0 for t in drawn]
    regular = [p for p, t in zip(peaks, drawn, strict=True) if t.strategy_name != "market_order"]
    ceiling = 1.25 * max(regular) if regular and max(regular) > 0 else None
    for index, trajectory in enumerate(drawn):
        style = _style(trajectory, index)
        times = _time_axis(axes, trajectory, time_unit, session)
        trades = np.abs(np.asarray(trajectory.trade_sizes, dtype=float))
        axes.stairs(
            trades,
            times if session is None else np.arange(len(times)),
            color=style.colour,
            linestyle=style.linestyle,
            linewidth=1.5,
            label=strategy_label(trajectory),
        )
        if ceiling is not None and peaks[index] > ceiling:
            axes.annotate(
                f"{strategy_label(trajectory)}: {peaks[index]:,.0f} shares \u2191",
                xy=(0.02, 0.95),
                xycoords="axes fraction",
                va="top",
                fontsize="small",
                color=style.colour,
            )
    clock = _clock(drawn[0], session)
    if clock is not None:  # stairs take numbers: label the bucket edges by clock time
        positions = np.linspace(0, len(clock) - 1, min(len(clock), 7)).round().astype(int)
        axes.set_xticks(positions, [str(np.datetime_as_string(clock[i], unit="m"))[-5:] for i in positions])
    axes.set_ylabel("trade per interval [shares]")
    axes.set_ylim(0.0, ceiling)
    axes.grid(True, alpha=0.3)
    _thousands(axes.yaxis)
    _legend(axes, None, loc="upper right")
    return _save(figure, path)


# --- cost distributions -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Costs:
    """What the cost panel draws of one strategy (simulated or derived) [currency]."""

    label: str
    style: _Style
    mean: float
    std: float
    value_at_risk: float
    expected_shortfall: float
    notional: float
    samples: Any = None


def _derived_costs(trajectory: ExecutionTrajectory, index: int, notional: float) -> _Costs:
    std, mean = _marker_point(trajectory)
    z = NormalDist().inv_cdf(LEVEL)
    return _Costs(
        strategy_label(trajectory),
        _style(trajectory, index),
        mean,
        std,
        mean + z * std,
        mean + std * math.exp(-0.5 * z * z) / (math.sqrt(2 * math.pi) * (1 - LEVEL)),
        notional,
    )


def _simulated_costs(result: SimulationResult, index: int) -> _Costs:
    name = result.strategy_name
    style = _STYLES.get(name, _style_for_name(index))
    labels = {"twap": "TWAP", "vwap": "VWAP", "pov": "POV", "market_order": "market order"}
    return _Costs(
        labels.get(name, "Almgren\u2013Chriss" if name == "almgren_chriss" else name),
        style,
        result.mean,
        result.std,
        result.value_at_risk.get(LEVEL, math.nan),
        result.expected_shortfall.get(LEVEL, math.nan),
        result.notional,
        result.samples,
    )


def _style_for_name(index: int) -> _Style:
    return _Style(_OTHER_COLOURS[index % len(_OTHER_COLOURS)], "-", "o", 45)


def _draw_costs(axes: Axes, entries: Sequence[_Costs], currency: str, bins: int) -> None:
    stochastic = [e for e in entries if e.std > 0 and math.isfinite(e.std)]
    if stochastic:
        low = min(e.mean - 4 * e.std for e in stochastic)
        high = max(max(e.mean + 4 * e.std, e.expected_shortfall) for e in stochastic)
    else:
        low = min(e.mean for e in entries)
        high = max(e.mean for e in entries)
        pad = max(abs(high - low), abs(high), 1.0) * 0.1
        low, high = low - pad, high + pad
    grid = np.linspace(low, high, 400)
    for entry in stochastic:
        colour = entry.style.colour
        if entry.samples is not None:
            axes.hist(
                np.asarray(entry.samples),
                bins=bins,
                range=(low, high),
                density=True,
                histtype="stepfilled",
                color=colour,
                alpha=0.22,
            )
        density = np.exp(-0.5 * ((grid - entry.mean) / entry.std) ** 2) / (entry.std * math.sqrt(2 * math.pi))
        style = entry.style
        axes.plot(grid, density, color=colour, linestyle=style.linestyle, linewidth=1.6, label=entry.label)
        axes.axvline(entry.value_at_risk, color=colour, linestyle="--", linewidth=0.9)
        axes.axvline(entry.expected_shortfall, color=colour, linestyle=":", linewidth=1.1)
    outside = []
    for entry in entries:
        if entry in stochastic:
            continue
        if low <= entry.mean <= high:  # a deterministic cost: a marker on the axis, not a spike
            axes.plot(
                [entry.mean],
                [0.0],
                marker=entry.style.marker,
                markersize=9,
                color=entry.style.colour,
                markeredgecolor="black",
                linestyle="none",
                clip_on=False,
                zorder=5,
                label=f"{entry.label} (no risk)",
            )
        else:  # far outside the others' range (a market order): named in the legend's title
            arrow = "\u2192" if entry.mean > high else "\u2190"
            outside.append(f"{entry.label} (no risk): {entry.mean:,.0f} {currency} {arrow}")
    title = "\n".join(outside) or None
    axes.set_xlim(low, high)
    axes.set_ylim(bottom=0.0)
    if stochastic:
        from matplotlib.lines import Line2D

        handles, labels = axes.get_legend_handles_labels()
        handles += [
            Line2D([], [], color="0.3", linestyle="--", linewidth=0.9),
            Line2D([], [], color="0.3", linestyle=":", linewidth=1.1),
        ]
        labels += [f"value at risk {LEVEL:.0%}", f"expected shortfall (CVaR) {LEVEL:.0%}"]
        _legend(axes, title, handles=handles, labels=labels, loc="upper right")
    else:
        _legend(axes, title, loc="upper right")
    axes.set_ylabel("probability density")
    axes.set_yticks([])  # its numbers (1/currency) mean nothing to read off
    axes.set_xlabel(f"cost (implementation shortfall) [{currency}]")
    axes.grid(True, alpha=0.3)
    _thousands(axes.xaxis)
    notionals = {e.notional for e in entries}
    (notional,) = notionals if len(notionals) == 1 else (math.nan,)
    if math.isfinite(notional) and notional > 0:
        axes.secondary_xaxis("top", functions=_scaling(BPS / notional)).set_xlabel("cost [bps of notional]")


def plot_costs(
    results: Sequence[SimulationResult],
    *,
    bins: int = 80,
    currency: str = "currency",
    ax: Axes | None = None,
    path: Path_ | None = None,
) -> Figure:
    """Simulated cost distributions of several strategies on one shared currency / bps axis.

    Parameters
    ----------
    results : sequence of SimulationResult
        From :func:`acsym.simulate_execution`; with ``return_samples=True`` each is drawn as a
        histogram under its derived normal density N(E, Var), otherwise as the density alone.
    bins : int, default 80
        Histogram bins over the shared range.
    currency : str, default "currency"
        Name of the currency unit.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.
    path : str or path-like, optional
        Where to save the figure.

    Returns
    -------
    matplotlib.figure.Figure
        Overlaid distributions, each strategy in its colour, its simulated value at risk (dashed)
        and expected shortfall, the CVaR (dotted), at the 95% level. A strategy with no risk (a
        market order) is a marker on the axis, or named at the edge when its cost lies far
        outside the others'.

    Notes
    -----
    The model's cost is linear in Gaussian shocks, so E and Var fix its distribution: N(E, Var).
    """
    entries = list(results)
    if not entries:
        raise ValueError("plot_costs needs at least one SimulationResult")
    for result in entries:
        if not isinstance(result, SimulationResult):
            raise TypeError(f"results must hold SimulationResult, got {type(result).__name__}")
    figure, axes = _new_axes(ax, (7.5, 4.8))
    _draw_costs(axes, [_simulated_costs(r, i) for i, r in enumerate(entries)], currency, bins)
    return _save(figure, path)


# --- one figure to compare strategies -----------------------------------------------------------


def plot_comparison(
    trajectories: Sequence[ExecutionTrajectory],
    results: Sequence[SimulationResult] | None = None,
    *,
    frontier: EfficientFrontier | None = None,
    curves: Mapping[str, tuple[Any, Any]] | None = None,
    time_unit: str = "days",
    session: TradingSession | None = None,
    currency: str = "currency",
    figure: Figure | None = None,
    path: Path_ | None = None,
) -> Figure:
    """Several strategies side by side: holdings, trades per interval, cost distribution, frontier.

    Parameters
    ----------
    trajectories : sequence of ExecutionTrajectory
        The strategies, each with the ``params`` its generator gives (expected cost, variance).
    results : sequence of SimulationResult, optional
        Their simulations (same order): the cost panel then shows the simulated distributions;
        otherwise the derived N(E, Var) of each.
    frontier : EfficientFrontier, optional
        Adds a panel with the frontier and the strategies marked on it.
    curves : mapping of str to (array_like, array_like), optional
        More frontiers for that panel (see :func:`plot_frontier`).
    time_unit : str, default "days"
        Name of the time unit.
    session : TradingSession, optional
        The trading session the schedules are laid on: time is drawn as clock time.
    currency : str, default "currency"
        Name of the currency unit.
    figure : matplotlib.figure.Figure, optional
        Figure to draw on (cleared first); default a new one.
    path : str or path-like, optional
        Where to save the figure.

    Returns
    -------
    matplotlib.figure.Figure
        Two by two panels (the frontier's is left out when no frontier is given).
    """
    drawn = list(trajectories)
    if not drawn:
        raise ValueError("plot_comparison needs at least one trajectory")
    if figure is None:
        figure = _new_figure((13.0, 9.5))
    else:
        _matplotlib()
        figure.clear()
    grid = figure.subplots(2, 2, squeeze=False)
    plot_holdings(drawn, time_unit=time_unit, session=session, currency=currency, ax=grid[0, 0])
    plot_trades(drawn, time_unit=time_unit, session=session, ax=grid[0, 1])
    notional = frontier.notional if frontier is not None else math.nan
    if results is not None:
        # the trajectories' styles, so a strategy looks the same in every panel
        entries = [
            replace(_simulated_costs(r, i), style=_style(t, i))
            for i, (r, t) in enumerate(zip(results, drawn, strict=True))
        ]
    else:
        if not math.isfinite(notional):
            price = drawn[0].params.get("price", math.nan) if drawn[0].params else math.nan
            notional = _order(drawn) * price if price == price else math.nan
        entries = [_derived_costs(t, i, notional) for i, t in enumerate(drawn)]
    _draw_costs(grid[1, 0], entries, currency, 80)
    if frontier is not None:
        plot_frontier(frontier, drawn, curves=curves, currency=currency, ax=grid[1, 1])
    else:
        grid[1, 1].remove()
    return _save(figure, path)


# --- impact fitted to fills ---------------------------------------------------------------------


def plot_impact_fit(
    result: CalibrationResult,
    fills: Any,
    *,
    columns: Mapping[str, str] | None = None,
    title: str | None = None,
    ax: Axes | None = None,
    path: Path_ | None = None,
) -> Figure:
    """Slippage against ``x`` (``Q / V`` or participation) on log axes, with the fit.

    Parameters
    ----------
    result : CalibrationResult
        The fit of ``fills`` (:func:`acsym.calibrate_impact`).
    fills : mapping, pandas.DataFrame, str or os.PathLike
        The fills that were fitted (see :func:`acsym.impact.read_fills`).
    columns : mapping of str to str, optional
        The fills' own column names, as for :func:`acsym.calibrate_impact`.
    title : str, optional
        Axes title; default names the model and the loss.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.
    path : str or path-like, optional
        Where to save the figure.

    Returns
    -------
    matplotlib.figure.Figure
        The fills coloured by daily volatility [%], the fitted curves at the 10th, 50th and 90th
        percentiles of the fills' volatility, and the estimates with one standard error.

    Notes
    -----
    Fills with slippage <= 0 bps cannot be drawn on a log axis; the legend counts them.
    """
    from acsym.impact import _bad_rows, _regressor, format_estimate, read_fills

    figure, axes = _new_axes(ax, (8.0, 5.5))
    use = result.form == "participation"
    data = read_fills(fills, columns)
    with np.errstate(all="ignore"):
        bad, _ = _bad_rows(data, use)
        x = _regressor(data, use)[~bad]
    sigma = data["daily_volatility"][~bad]
    y = data["slippage_bps"][~bad]
    shown = y > 0
    points = axes.scatter(
        x[shown], y[shown], c=100 * sigma[shown], cmap="viridis", s=16, alpha=0.8, edgecolors="none"
    )
    hidden = int(np.count_nonzero(~shown))
    points.set_label(f"fills (n = {int(shown.sum()):,}; {hidden} with slippage \u2264 0 not shown)")
    figure.colorbar(points, ax=axes, label="daily volatility [%]")
    if result.ok and x.size:
        grid = np.geomspace(np.min(x), np.max(x), 200)
        for q, style in ((10, ":"), (50, "-"), (90, "--")):
            level = float(np.percentile(sigma, q))
            curve = result.slippage_bps(grid, level)
            axes.plot(
                grid[curve > 0],
                curve[curve > 0],
                style,
                color="crimson",
                lw=2,
                label=f"fit at volatility {100 * level:.2g}% (p{q})",
            )
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel(
        "participation rate Q / (V duration)" if use else "order size Q / V [fraction of daily volume]"
    )
    axes.set_ylabel("slippage [bps of arrival price]")
    fit_text = (
        rf"$\epsilon$ = {format_estimate(result.epsilon, result.epsilon_stderr)} bps,  "
        rf"$c$ = {format_estimate(result.coefficient, result.coefficient_stderr)} bps/$\sigma$,  "
        rf"$\alpha$ = {format_estimate(result.alpha, result.alpha_stderr)},  "
        f"R\u00b2 = {result.r_squared:.3f}  (\u00b1 1 s.e., {result.standard_errors})"
    )
    method = "least squares" if result.loss == "linear" else f"robust, {result.loss} loss"
    axes.set_title(title or rf"impact fit ({method}): slippage = $\epsilon + c\,\sigma\,x^{{\alpha}}$")
    axes.text(0.01, 0.99, fit_text, transform=axes.transAxes, va="top", fontsize="small")
    axes.grid(True, which="major", alpha=0.3)
    axes.legend(loc="lower right", fontsize="small", framealpha=0.9)
    return _save(figure, path)


# --- layout check -------------------------------------------------------------------------------


def layout_problems(figure: Figure, *, tolerance: float = 1.0) -> list[str]:
    """Text that overlaps other text or is cut off by the canvas, after drawing ``figure``.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        A figure from this module (or any matplotlib figure).
    tolerance : float, default 1.0
        Overlaps and overhangs up to this many pixels are ignored.

    Returns
    -------
    list of str
        One line per problem (empty when the layout holds): the texts and how far they overlap.
        The tests run it on every plot at several sizes; ``scripts/make_figures.py`` refuses to
        write a figure that has any.
    """
    from matplotlib.text import Text

    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    tick_labels: set[int] = set()
    drawn_tick_labels: set[int] = set()
    axis_objects: list[Any] = figure.findobj(lambda artist: hasattr(artist, "get_major_ticks"))
    for axes in axis_objects:
        for tick in [*axes.get_major_ticks(), *axes.get_minor_ticks()]:
            tick_labels.update((id(tick.label1), id(tick.label2)))
        for tick in axes._update_ticks():  # the ticks inside the view limits, as drawn
            drawn_tick_labels.update((id(tick.label1), id(tick.label2)))
    texts = []
    for text in figure.findobj(Text):
        if not text.get_visible() or not text.get_text().strip():
            continue
        if id(text) in tick_labels and id(text) not in drawn_tick_labels:
            continue
        if text.axes is not None and not text.axes.get_visible():
            continue
        texts.append((text, text.get_window_extent(renderer)))
    canvas = figure.bbox
    problems = []
    for text, box in texts:
        if (
            box.x0 < canvas.x0 - tolerance
            or box.y0 < canvas.y0 - tolerance
            or box.x1 > canvas.x1 + tolerance
            or box.y1 > canvas.y1 + tolerance
        ):
            problems.append(f"{text.get_text()!r} is cut off by the canvas")
    for i, (first, a) in enumerate(texts):
        for second, b in texts[i + 1 :]:
            width = min(a.x1, b.x1) - max(a.x0, b.x0)
            height = min(a.y1, b.y1) - max(a.y0, b.y0)
            if width > tolerance and height > tolerance:
                problems.append(
                    f"{first.get_text()!r} overlaps {second.get_text()!r} by {width:.0f} x {height:.0f} px"
                )
    return problems
