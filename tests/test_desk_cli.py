"""`acsym desk` and `acsym evaluate`: clock times, sides, targets, POV, limits, lots, JSON."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import acsym
from acsym.cli import main

pytest.importorskip("pandas")

MARKET = ["--daily-volume", "5e6", "--daily-spread", "0.01", "--daily-volatility", "0.02", "--price", "100"]
DAY = ["--start", "09:30", "--end", "16:00", "--bucket", "30min", "--date", "2026-11-25"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_desk_target_std_bps_on_the_clock(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        "desk",
        *MARKET,
        *DAY,
        "--order-size",
        "500000",
        "--side",
        "buy",
        "--target-std-bps",
        "30",
        "--json",
    )
    assert status == 0
    record = json.loads(out)["rows"][0]
    assert record["side"] == "buy" and record["periods"] == 13
    assert record["tau_days"] == pytest.approx(30 / 390)
    assert record["time"][0] == "2026-11-25 09:30:00" and record["time"][-1] == "2026-11-25 16:00:00"
    assert record["std_bps"] == pytest.approx(30.0, rel=1e-9)
    assert min(record["signed_trades"]) > 0  # bought
    assert sum(record["trade_sizes"]) == pytest.approx(500_000, rel=1e-12)
    params = acsym.calibrate_ac_params(5e6, 0.01, 0.02, 100.0, tau=30 / 390)
    direct = acsym.optimal_schedule(500_000, 13, params, target_std_bps=30.0)
    np.testing.assert_allclose(record["trade_sizes"], direct.trade_sizes, rtol=1e-12)


def test_desk_prints_clock_times_and_std_next_to_cost(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "desk", *MARKET, *DAY, "--order-size", "500000")
    assert status == 0
    assert "2026-11-25 10:00:00" in out and "bps" in out and "std" in out


def test_desk_pov_with_limits_and_lots(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys, "desk", *MARKET, *DAY, "--order-size", "500000", "--strategy", "pov",
        "--participation", "0.15", "--lot-size", "100", "--json",
    )  # fmt: skip
    assert status == 0
    record = json.loads(out)["rows"][0]
    assert record["strategy"] == "pov_lots" and record["lot_size"] == 100
    assert math.fsum(record["trade_sizes"]) == 500_000
    status, out, _ = run(
        capsys, "desk", *MARKET, *DAY, "--order-size", "500000", "--risk-aversion", "1e-6",
        "--max-participation", "0.12", "--json",
    )  # fmt: skip
    record = json.loads(out)["rows"][0]
    assert status == 0 and record["limits_cost_bps"] > 0
    assert record["strategy"] == "almgren_chriss_limited"


def test_desk_errors(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "desk", "--start", "09:30", "--end", "16:00", "--bucket", "7min")
    assert status == 2 and "whole number" in err
    status, _, err = run(capsys, "desk", "--strategy", "pov")
    assert status == 2 and "--participation" in err


def test_evaluate_a_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    params = acsym.calibrate_ac_params(5e6, 0.01, 0.02, 100.0, tau=30 / 390)
    vwap = acsym.generate_vwap_trajectory(500_000, 13, params)
    path = tmp_path / "schedule.csv"
    path.write_text("time,trades\n" + "".join(f"{k},{float(t)!r}\n" for k, t in enumerate(vwap.trade_sizes)))
    status, out, _ = run(capsys, "evaluate", str(path), *MARKET, *DAY, "--json")
    assert status == 0
    record = json.loads(out)["rows"][0]
    expected = acsym.evaluate_schedule(vwap.trade_sizes, params)
    assert record["expected_cost"] == pytest.approx(expected.expected_cost, rel=1e-12)
    assert record["implied_risk_aversion"] == pytest.approx(
        acsym.implied_risk_aversion(vwap, params), rel=1e-9
    )
    assert record["excess_cost"] > 0
    status, out, _ = run(capsys, "evaluate", str(path), *MARKET, *DAY)
    assert status == 0 and "implied lambda" in out and "2026-11-25 16:00:00" in out
    bad = tmp_path / "bad.csv"
    bad.write_text("qty\n1\n")
    status, _, err = run(capsys, "evaluate", str(bad))
    assert status == 2 and "trades" in err


def test_the_readme_desk_example_runs() -> None:
    text = (Path(__file__).parent.parent / "README.md").read_text()
    section = text.split("## For a trading desk", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    frame, limited = namespace["frame"], namespace["limited"]
    assert len(frame) == 79  # type: ignore[arg-type]
    assert limited.params["limits_cost_bps"] >= 0  # type: ignore[attr-defined]


def test_desk_plots_its_schedule_on_the_frontier(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    path = tmp_path / "frontier.png"
    status, _, err = run(
        capsys, "desk", *MARKET, *DAY, "--order-size", "500000", "--strategy", "pov",
        "--participation", "0.2", "--plot", str(path), "--json",
    )  # fmt: skip
    assert status == 0 and path.stat().st_size > 0 and "wrote" in err
