"""Clock time and the schedule table (acsym.clock, ExecutionTrajectory.to_frame)."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

import acsym
from acsym import desk
from acsym.clock import TradingSession, parse_duration

pd = pytest.importorskip("pandas")

SESSION = TradingSession.from_clock("09:30", "16:00", "5min", date="2026-11-25")
PARAMS = SESSION.calibrate(5e6, 0.01, 0.02, 100.0)


def test_a_full_session_in_five_minute_buckets() -> None:
    assert SESSION.duration_periods == 78
    assert SESSION.tau == 5 / 390 and PARAMS.tau == SESSION.tau
    assert SESSION.horizon == pytest.approx(1.0, rel=1e-15)  # one trading day
    assert SESSION.timestamps.dtype == np.dtype("datetime64[s]")
    assert str(SESSION.timestamps[0]) == "2026-11-25T09:30:00"
    assert str(SESSION.timestamps[-1]) == "2026-11-25T16:00:00"


def test_half_a_session_is_half_a_day() -> None:
    morning = TradingSession.from_clock("09:30", "12:45", "15min", date="2026-11-25")
    assert morning.duration_periods == 13 and morning.horizon == pytest.approx(0.5, rel=1e-15)
    other_market = TradingSession.from_clock("08:00", "16:30", "30min", day_length="8h30min")
    assert other_market.horizon == pytest.approx(1.0, rel=1e-15)


def test_from_timestamps_accepts_a_datetime_index() -> None:
    index = pd.date_range("2026-11-25 09:30", "2026-11-25 16:00", freq="5min")
    session = TradingSession.from_timestamps(index)
    np.testing.assert_array_equal(session.timestamps, SESSION.timestamps)
    assert session.tau == SESSION.tau
    with pytest.raises(ValueError, match="evenly spaced"):
        TradingSession.from_timestamps(index[[0, 1, 3]])


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("5min", 300), ("30s", 30), ("1h", 3600), ("6h30min", 23_400), (datetime.timedelta(minutes=2), 120)],
)
def test_durations(value: object, seconds: int) -> None:
    assert parse_duration(value) == np.timedelta64(seconds, "s")


def test_bad_sessions_say_what_is_wrong() -> None:
    with pytest.raises(ValueError, match="whole number"):
        TradingSession.from_clock("09:30", "16:00", "7min")
    with pytest.raises(ValueError, match="after"):
        TradingSession.from_clock("16:00", "09:30", "5min")
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration("five minutes")
    with pytest.raises(ValueError, match="time of day"):
        TradingSession.from_clock("9.30", "16:00", "5min")
    with pytest.raises(TypeError):
        parse_duration(5)


@pytest.mark.parametrize("side", ["sell", "buy"])
def test_the_frame_lays_the_schedule_on_the_clock(side: str) -> None:
    schedule = desk.optimal_schedule(500_000, SESSION.duration_periods, PARAMS, side=side, risk_aversion=1e-6)
    frame = schedule.to_frame(PARAMS, SESSION)
    assert list(frame.columns) == [
        "time",
        "holdings",
        "trades",
        "signed_trades",
        "pct_of_order",
        "cumulative_pct",
        "cumulative_expected_cost",
    ]
    assert len(frame) == 79 and frame["time"].iloc[-1] == pd.Timestamp("2026-11-25 16:00")
    assert frame["pct_of_order"].sum() == pytest.approx(100.0, rel=1e-12)
    assert frame["cumulative_pct"].iloc[-1] == 100.0
    sign = 1 if side == "buy" else -1
    np.testing.assert_array_equal(frame["signed_trades"].to_numpy()[1:], sign * schedule.trade_sizes)
    # the cumulative expected cost, trade by trade from the price dynamics: trade k pays the
    # permanent impact of the trades before it plus its own temporary impact
    trades = schedule.trade_sizes
    before = np.concatenate(([0.0], np.cumsum(trades)[:-1]))
    per_trade = trades * (PARAMS.gamma * before + PARAMS.epsilon + PARAMS.eta * trades / PARAMS.tau)
    np.testing.assert_allclose(
        frame["cumulative_expected_cost"].to_numpy()[1:], np.cumsum(per_trade), rtol=1e-12
    )
    assert frame["cumulative_expected_cost"].iloc[-1] == pytest.approx(
        schedule.params["expected_cost"], rel=1e-12
    )


def test_the_frame_without_a_session_is_in_days() -> None:
    schedule = acsym.generate_twap_trajectory(1000, 4, PARAMS)
    frame = schedule.to_frame()
    np.testing.assert_array_equal(frame["time"].to_numpy(), schedule.timestamps)
    assert frame["cumulative_expected_cost"].isna().all()
    with pytest.raises(ValueError, match="buckets"):
        schedule.to_frame(PARAMS, SESSION)
