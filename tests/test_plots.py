"""The figures: one convention (ax in, Figure out, a file only when asked), and layouts that hold.

Every plot is drawn for the seed example and a liquid stock (ADV 5e6, $100, 500k shares in 78
and 390 buckets) with one and six strategies, and checked with :func:`acsym.plots.layout_problems`
(no two text elements overlap, nothing is cut off by the canvas).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("matplotlib", reason="the plot extra (acsym[plot]) is not installed")

import acsym
from acsym import plots
from acsym.frontier import efficient_frontier

SEED = {"daily_volume": 50_000, "daily_spread": 0.02, "daily_volatility": 0.05, "price": 0.5}
LIQUID = {"daily_volume": 5e6, "daily_spread": 0.01, "daily_volatility": 0.02, "price": 100.0}
CASES = {
    "seed": (5_000.0, 10, SEED, 1e-5),
    "liquid-78": (500_000.0, 78, LIQUID, 1e-6),
    "liquid-390": (500_000.0, 390, LIQUID, 1e-6),
}


def _case(name: str, count: int) -> tuple[list[Any], Any, Any]:
    order, periods, market, lam = CASES[name]
    params = acsym.calibrate_ac_params(**market, tau=1.0 / periods if periods > 10 else 1.0)
    frontier = efficient_frontier(order, periods, params, points=101)
    six = [
        acsym.generate_twap_trajectory(order, periods, params),
        acsym.generate_vwap_trajectory(order, periods, params),
        acsym.generate_market_order_trajectory(order, periods, params),
        *(acsym.generate_ac_trajectory(order, periods, params, lam * f) for f in (0.3, 1.0, 3.0)),
    ]
    return (six if count == 6 else six[-2:-1]), frontier, params


@pytest.fixture(scope="module", params=[(name, count) for name in CASES for count in (1, 6)], ids=str)
def case(request: pytest.FixtureRequest) -> tuple[list[Any], Any, Any, list[Any]]:
    strategies, frontier, params = _case(*request.param)
    results = [acsym.simulate_execution(s, params, 2_000, seed=3, return_samples=True) for s in strategies]
    return strategies, frontier, params, results


def _figures(case: tuple[list[Any], Any, Any, list[Any]]) -> dict[str, Any]:
    strategies, frontier, _, results = case
    return {
        "frontier": plots.plot_frontier(frontier, strategies),
        "holdings": plots.plot_holdings(strategies, highlight=strategies[-1]),
        "trades": plots.plot_trades(strategies),
        "costs": plots.plot_costs(results),
        "comparison": plots.plot_comparison(strategies, frontier=frontier),
        "comparison-simulated": plots.plot_comparison(strategies, results),
    }


def test_no_text_overlaps_or_is_cut_off(case: Any) -> None:
    for name, figure in _figures(case).items():
        assert plots.layout_problems(figure) == [], name


def test_layout_check_finds_overlaps_and_overhangs() -> None:
    figure = plots._new_figure((4.0, 3.0))
    figure.text(0.5, 0.5, "one label")
    figure.text(0.52, 0.5, "another label")
    figure.text(0.99, 0.99, "off the edge of the canvas")
    problems = plots.layout_problems(figure)
    assert any("overlaps" in p for p in problems)
    assert any("cut off" in p for p in problems)


def test_every_plot_follows_one_convention(tmp_path: Path) -> None:
    """ax in, the Figure out; a file only when a path is given."""
    from matplotlib.figure import Figure

    strategies, frontier, params = _case("seed", 6)
    results = [acsym.simulate_execution(s, params, 500, seed=1) for s in strategies]
    calls = {
        "frontier": lambda **kw: plots.plot_frontier(frontier, strategies, **kw),
        "holdings": lambda **kw: plots.plot_holdings(strategies, **kw),
        "trades": lambda **kw: plots.plot_trades(strategies, **kw),
        "costs": lambda **kw: plots.plot_costs(results, **kw),
    }
    for name, call in calls.items():
        host = plots._new_figure((6.0, 4.0))
        ax = host.add_subplot()
        assert call(ax=ax) is host and ax.has_data(), name
        assert not (tmp_path / f"{name}.png").exists()  # drawn, not written
        figure = call(path=tmp_path / f"{name}.png")
        assert isinstance(figure, Figure)
        assert (tmp_path / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    host = plots._new_figure((12.0, 9.0))
    assert plots.plot_comparison(strategies, results, frontier=frontier, figure=host) is host
    assert len([a for a in host.axes if a.get_label() != "<colorbar>"]) >= 4


def test_costs_share_one_axis_and_deterministic_costs_are_markers() -> None:
    strategies, _, params = _case("seed", 6)
    results = [acsym.simulate_execution(s, params, 2_000, seed=5, return_samples=True) for s in strategies]
    figure = plots.plot_costs(results)
    axes = figure.axes[0]
    low, high = axes.get_xlim()
    for result in results:
        if result.expected_std > 0:  # every risky strategy's bulk is on the one shared axis
            assert low <= result.expected_cost - 3 * result.expected_std
            assert result.expected_cost + 3 * result.expected_std <= high
    market = next(r for r in results if r.strategy_name == "market_order")
    legend = axes.get_legend()
    title = legend.get_title().get_text()
    if low <= market.mean <= high:
        assert any("market order (no risk)" in t.get_text() for t in legend.get_texts())
    else:  # far to the right: named, with its cost, not drawn as a spike that squashes the rest
        assert "market order (no risk)" in title and f"{market.mean:,.0f}" in title
    labels = [t.get_text() for t in legend.get_texts()]
    assert "value at risk 95%" in labels and "expected shortfall (CVaR) 95%" in labels


def test_frontier_zooms_on_the_strategies_the_market_order_squashes() -> None:
    strategies, frontier, _ = _case("liquid-78", 6)
    figure = plots.plot_frontier(frontier, strategies)
    main = figure.axes[0]
    assert main.get_ylabel() == "expected cost [currency]"
    inset = next(a for a in main.child_axes if "zoom" in getattr(a, "get_title", str)())
    twap = strategies[0].params
    x0, x1 = inset.get_xlim()
    y0, y1 = inset.get_ylim()
    assert x0 < np.sqrt(twap["variance"]) < x1 and y0 < twap["expected_cost"] < y1
    assert (y1 - y0) < 0.25 * (main.get_ylim()[1] - main.get_ylim()[0])
    figure.canvas.draw()
    for axes in [*figure.axes, inset]:  # thousands separators instead of a "1e6" offset that collides
        assert axes.xaxis.get_offset_text().get_text() == ""
        assert axes.yaxis.get_offset_text().get_text() == ""
    unzoomed = plots.plot_frontier(frontier, strategies, zoom=False).axes[0]
    assert not any("zoom" in getattr(a, "get_title", str)() for a in unzoomed.child_axes)


def test_holdings_markers_only_for_short_schedules_and_thousands_separators() -> None:
    for name, marked in (("seed", True), ("liquid-390", False)):
        strategies, _, _ = _case(name, 6)
        figure = plots.plot_holdings(strategies)
        lines = [line for line in figure.axes[0].get_lines() if len(line.get_xdata()) > 2]
        assert all((line.get_marker() not in (None, "None", "")) == marked for line in lines), name
    figure.canvas.draw()
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert any("," in label for label in labels)


def test_styles_keep_overlapping_schedules_apart() -> None:
    strategies, _, _ = _case("liquid-78", 6)
    figure = plots.plot_holdings(strategies)
    looks = {(line.get_color(), str(line.get_linestyle())) for line in figure.axes[0].get_lines()}
    assert len(looks) == len(strategies)


@pytest.mark.parametrize("bucket, periods", [("5min", 78), ("1min", 390)])
def test_clock_time_when_the_schedule_is_laid_on_a_session(bucket: str, periods: int) -> None:
    session = acsym.TradingSession.from_clock("09:30", "16:00", bucket, date="2026-11-25")
    params = session.calibrate(5e6, 0.01, 0.02, 100.0)
    strategies = [
        acsym.generate_twap_trajectory(500_000, periods, params),
        acsym.generate_vwap_trajectory(500_000, periods, params),
        acsym.pov_schedule(500_000, 0.15, 5e6, periods, params),
        acsym.generate_ac_trajectory(500_000, periods, params, 1e-6),
    ]
    for figure in (
        plots.plot_holdings(strategies, session=session),
        plots.plot_trades(strategies, session=session),
        plots.plot_comparison(strategies, session=session),
    ):
        assert plots.layout_problems(figure) == []
        figure.canvas.draw()
        labels = [t.get_text() for t in figure.axes[0].get_xticklabels() if t.get_text()]
        assert labels and all(":" in label for label in labels), labels  # HH:MM
    with pytest.raises(ValueError, match="buckets"):
        plots.plot_holdings(strategies, session=acsym.TradingSession.from_clock("09:30", "10:00", "5min"))


def test_impact_fit_follows_the_convention_and_holds_its_layout(tmp_path: Path) -> None:
    from acsym.impact import calibrate_impact, example_fills_path

    with pytest.warns(acsym.CalibrationWarning):  # the shipped fills have outliers (heavy tails)
        fit = calibrate_impact(example_fills_path())
    host = plots._new_figure((8.0, 5.5))
    ax = host.add_subplot()
    assert plots.plot_impact_fit(fit, example_fills_path(), ax=ax) is host
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert plots.layout_problems(host) == []
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert sum("fit at volatility" in label for label in labels) == 3
    target = tmp_path / "fit.png"
    figure = plots.plot_impact_fit(fit, example_fills_path(), path=target)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and plots.layout_problems(figure) == []
