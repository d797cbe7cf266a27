"""`acsym frontier --alpha`: the power-law frontier (Almgren 2003) next to the linear one."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import acsym
from acsym import cli
from acsym.models import powerlaw


def _document(argv: list[str], capsys: pytest.CaptureFixture[str]) -> Any:
    assert cli.main([*argv, "--json"]) == 0
    out = capsys.readouterr().out

    def reject(constant: str) -> None:
        raise AssertionError(f"non-strict JSON constant {constant}")

    return json.loads(out, parse_constant=reject)


def test_at_alpha_one_the_power_law_frontier_is_the_linear_one(capsys: pytest.CaptureFixture[str]) -> None:
    document = _document(["frontier", "--alpha", "1", "--points", "7"], capsys)
    linear, nonlinear = document["frontier"], document["powerlaw_frontier"]
    assert nonlinear["risk_aversion"] == linear["risk_aversion"]  # inf is null in both
    for name in ("expected_cost", "expected_cost_bps", "std", "std_bps"):
        np.testing.assert_allclose(nonlinear[name], linear[name], rtol=1e-12, atol=1e-9 * max(linear[name]))


@pytest.mark.parametrize("alpha", ["0.4", "0.6", "0.9"])
def test_the_power_law_rows_trade_variance_for_cost(alpha: str, capsys: pytest.CaptureFixture[str]) -> None:
    document = _document(["frontier", "--alpha", alpha, "--points", "9"], capsys)
    rows = document["powerlaw_frontier"]
    assert rows["alpha"] == float(alpha)
    cost, std = np.array(rows["expected_cost"]), np.array(rows["std"])
    # from TWAP (lambda = 0) to the market order (lambda -> inf, null in strict JSON)
    assert rows["risk_aversion"][0] == 0 and rows["risk_aversion"][-1] is None
    assert np.all(np.diff(cost) > 0) and np.all(np.diff(std) < 0)
    assert std[-1] == 0
    # at lambda = 0 both models sell evenly: the same schedule, the impact matched at that rate
    assert cost[0] == pytest.approx(document["frontier"]["expected_cost"][0], rel=1e-12)
    assert std[0] == pytest.approx(document["frontier"]["std"][0], rel=1e-12)


def test_the_text_shows_both_frontiers(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["frontier", "--alpha", "0.6", "--points", "3"]) == 0
    out = capsys.readouterr().out
    assert "Efficient frontier" in out and "Power-law frontier" in out and "alpha = 0.6" in out
    assert "nan" not in out.lower()


def test_a_power_law_without_a_frontier_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    # alpha > 1 needs gamma = 0; the calibrated gamma is > 0: no TWAP fallback passed off as a frontier
    assert cli.main(["frontier", "--alpha", "1.5"]) == 2
    err = capsys.readouterr().err
    assert "--alpha" in err and "not convex" in err


def test_the_plot_draws_both_frontiers(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / "frontier.png"
    assert cli.main(["frontier", "--alpha", "0.6", "--points", "3", "--plot", str(target)]) == 0
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@settings(max_examples=15, deadline=None)
@given(
    alpha=st.floats(0.3, 1.0),
    lams=st.lists(st.floats(1e-8, 1e-4), min_size=2, max_size=5, unique=True),
)
def test_the_power_law_frontier_is_monotone_and_ends_at_the_market_order(
    alpha: float, lams: list[float]
) -> None:
    params = acsym.AlmgrenChrissParams(eta=2.5e-6 * 1e4 ** (1 - alpha), gamma=2.5e-8, sigma=0.95, alpha=alpha)
    order, steps = 2e5, 12
    ordered = np.array([0.0, *sorted(lams), np.inf])
    cost, variance = powerlaw.powerlaw_frontier(order, steps, params, ordered)
    assert np.all(np.diff(cost) >= -1e-12 * cost[-1]) and np.all(np.diff(variance) <= 1e-12 * variance[0])
    # lambda -> inf: the market order, whose cost is the printed schedule cost of one trade
    market = np.zeros(steps)
    market[0] = order
    single = acsym.formulas.powerlaw_schedule_expected_cost(
        market, params.tau, params.gamma, params.eta, params.epsilon, alpha
    )
    assert cost[-1] == pytest.approx(float(single), rel=1e-14) and variance[-1] == 0


def test_at_alpha_one_the_api_frontier_is_the_closed_form() -> None:
    params = acsym.AlmgrenChrissParams(eta=2.5e-6, gamma=2.5e-7, sigma=0.95, epsilon=0.0625, price=50.0)
    frontier = acsym.efficient_frontier(1e6, 20, params, points=9)
    cost, variance = powerlaw.powerlaw_frontier(1e6, 20, replace(params, alpha=1.0), frontier.risk_aversion)
    np.testing.assert_allclose(cost, frontier.expected_cost, rtol=1e-12)
    np.testing.assert_allclose(np.sqrt(variance), frontier.std, rtol=1e-10, atol=1e-9 * frontier.std[0])
