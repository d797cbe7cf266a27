"""Clock time: lay a schedule on a trading session, and tabulate it.

The model's time unit is the **trading day**: one session of ``day_length`` (6.5 hours, a
US equity session, by default), the unit in which :func:`acsym.calibrate_ac_params` measures
volume, volatility and impact. A session from ``start`` to ``end`` in buckets of ``bucket``
has N = (end - start) / bucket intervals of tau = bucket / day_length days each: pass
``tau=session.tau`` to :func:`acsym.calibrate_ac_params` and ``session.duration_periods`` as N.
Timestamps are numpy ``datetime64[s]``; pandas is needed only for :func:`trajectory_frame`
(``pip install 'acsym[pandas]'``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from acsym._typing import FloatArray

if TYPE_CHECKING:
    import pandas as pd

    from acsym.model import AlmgrenChrissParams
    from acsym.trajectory import ExecutionTrajectory

__all__ = ["DEFAULT_DAY_LENGTH", "TradingSession", "parse_duration", "trajectory_frame"]

#: length of one trading day, the model's time unit (NYSE / Nasdaq: 09:30 to 16:00)
DEFAULT_DAY_LENGTH = "6h30min"

_UNITS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "seconds": 1,
    "min": 60,
    "m": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hour": 3600,
    "hours": 3600,
}
_PART = re.compile(r"\s*(\d+(?:\.\d*)?)\s*([a-z]+)\s*")


def parse_duration(value: Any, name: str = "duration") -> np.timedelta64:
    """A length of time from '5min', '30s', '1h', '6h30min', a numpy timedelta64 or a
    ``datetime.timedelta`` (pandas Timedelta included), as ``timedelta64[s]``.

    Raises
    ------
    TypeError
        For another type; ValueError for a string that is not a duration or not a whole
        number of seconds.
    """
    import datetime

    if isinstance(value, np.timedelta64):
        return value.astype("timedelta64[s]")
    if isinstance(value, datetime.timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, str):
        text = value.strip().lower()
        parts = _PART.findall(text)
        if not parts or "".join(f"{n}{u}" for n, u in parts) != re.sub(r"\s+", "", text):
            raise ValueError(f"{name} = {value!r} is not a duration such as '5min', '30s' or '1h'")
        unknown = [u for _, u in parts if u not in _UNITS]
        if unknown:
            raise ValueError(f"{name} = {value!r}: unknown unit {unknown[0]!r} (use s, min or h)")
        seconds = sum(float(n) * _UNITS[u] for n, u in parts)
    else:
        raise TypeError(f"{name} must be a duration such as '5min', got {type(value).__name__} {value!r}")
    if not (math.isfinite(seconds) and seconds == round(seconds)):
        raise ValueError(f"{name} = {value!r} must be a whole number of seconds")
    return np.timedelta64(round(seconds), "s")


def _clock(value: Any, name: str) -> np.timedelta64:
    """Time of day '09:30' or '09:30:15' as seconds since midnight."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a time of day such as '09:30', got {type(value).__name__} {value!r}")
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*", value)
    if not match or int(match[1]) > 24 or int(match[2]) > 59 or int(match[3] or 0) > 59:
        raise ValueError(f"{name} = {value!r} is not a time of day such as '09:30'")
    return np.timedelta64(int(match[1]) * 3600 + int(match[2]) * 60 + int(match[3] or 0), "s")


@dataclass(frozen=True)
class TradingSession:
    """Equal buckets from a start to an end time, and their length in trading days.

    Build it with :meth:`from_clock` ('09:30', '16:00', '5min') or :meth:`from_timestamps`
    (an evenly spaced datetime64 array or pandas DatetimeIndex of bucket boundaries).

    Attributes
    ----------
    timestamps : numpy.ndarray
        The N + 1 bucket boundaries, ``datetime64[s]``, from the start to the end.
    day_length : numpy.timedelta64
        Length of one trading day, the model's time unit.
    """

    timestamps: np.ndarray
    day_length: np.timedelta64

    @classmethod
    def from_clock(
        cls,
        start: str = "09:30",
        end: str = "16:00",
        bucket: Any = "5min",
        *,
        date: Any = None,
        day_length: Any = DEFAULT_DAY_LENGTH,
    ) -> TradingSession:
        """The session from ``start`` to ``end`` (times of day, 'HH:MM') in ``bucket`` steps.

        ``date`` is a 'YYYY-MM-DD' string or datetime64 (default today, UTC). ValueError if
        the end is not after the start or the span is not a whole number of buckets.
        """
        begin, finish = _clock(start, "start"), _clock(end, "end")
        step = parse_duration(bucket, "bucket")
        day = np.datetime64("today", "D") if date is None else np.datetime64(date, "D")
        if not finish > begin:
            raise ValueError(f"end = {end!r} must be after start = {start!r}")
        if not step > np.timedelta64(0, "s"):
            raise ValueError(f"bucket = {bucket!r} must be > 0")
        span = finish - begin
        if span % step != np.timedelta64(0, "s"):
            raise ValueError(
                f"{start}-{end} is not a whole number of {bucket!r} buckets ({span / step:.4g}); "
                "choose a bucket that divides the session"
            )
        count = int(span // step)
        times = day.astype("datetime64[s]") + begin + step * np.arange(count + 1)
        return cls(timestamps=times, day_length=parse_duration(day_length, "day_length"))

    @classmethod
    def from_timestamps(cls, timestamps: Any, *, day_length: Any = DEFAULT_DAY_LENGTH) -> TradingSession:
        """A session from its N + 1 bucket boundaries (datetime64 array, DatetimeIndex, strings).

        ValueError unless there are at least two, increasing, evenly spaced (the model's
        intervals are equal).
        """
        times = np.asarray(timestamps, dtype="datetime64[s]")
        if times.ndim != 1 or times.size < 2:
            raise ValueError("timestamps must hold at least two bucket boundaries (N + 1 for N buckets)")
        steps = np.diff(times)
        if not (np.all(steps > np.timedelta64(0, "s")) and np.all(steps == steps[0])):
            raise ValueError("timestamps must be increasing and evenly spaced")
        return cls(timestamps=times, day_length=parse_duration(day_length, "day_length"))

    @property
    def duration_periods(self) -> int:
        """Number of buckets N."""
        return int(self.timestamps.size - 1)

    @property
    def bucket(self) -> np.timedelta64:
        """Length of one bucket."""
        return np.timedelta64(self.timestamps[1] - self.timestamps[0], "s")

    @property
    def tau(self) -> float:
        """Length of one bucket in the model's time unit [trading days]."""
        return float(self.bucket / self.day_length)

    @property
    def horizon(self) -> float:
        """Length of the session [trading days]."""
        return self.duration_periods * self.tau

    def calibrate(
        self, daily_volume: float, daily_spread: float, daily_volatility: float, price: float, **kw: Any
    ) -> AlmgrenChrissParams:
        """:func:`acsym.calibrate_ac_params` with ``tau`` this session's bucket [days]."""
        from acsym.model import calibrate_ac_params

        return calibrate_ac_params(daily_volume, daily_spread, daily_volatility, price, tau=self.tau, **kw)


def _cumulative_costs(trajectory: ExecutionTrajectory, params: AlmgrenChrissParams) -> FloatArray:
    """Expected cost of the trades up to each interval's end [currency], N values.

    The expected cost of trade k is n_k (gamma (n_1 + ... + n_{k-1}) + epsilon + eta n_k / tau):
    the permanent impact of the earlier trades plus its own temporary impact. Summed to k it is
    :func:`acsym.formulas.schedule_expected_cost` of the trades n_1..n_k (proof
    ``desk_cumulative_cost``), so each prefix is priced by the generated formula; the last
    equals the schedule's expected cost.
    """
    from acsym import formulas

    trades = trajectory.trade_sizes
    prefixes = np.tril(np.ones((trades.size, trades.size))) * trades  # row k: n_1..n_k, then 0
    return np.asarray(
        formulas.schedule_expected_cost(prefixes, params.tau, params.gamma, params.eta_tilde, params.epsilon)
    )


def trajectory_frame(
    trajectory: ExecutionTrajectory,
    params: AlmgrenChrissParams | None = None,
    session: TradingSession | None = None,
) -> pd.DataFrame:
    """The schedule as a table: one row per time t_0..t_N (needs pandas, ``acsym[pandas]``).

    Parameters
    ----------
    trajectory : ExecutionTrajectory
        Any schedule.
    params : AlmgrenChrissParams, optional
        For the cumulative expected cost (without them that column is NaN).
    session : TradingSession, optional
        Clock times for the rows; it must have N buckets.

    Returns
    -------
    pandas.DataFrame
        Columns ``time`` (datetime64 with a session, else t_k [days]), ``holdings`` [shares
        still to trade], ``trades`` [shares traded in (t_{k-1}, t_k], 0 in the first row],
        ``signed_trades`` (+ bought, - sold), ``pct_of_order`` [%], ``cumulative_pct`` [% done]
        and ``cumulative_expected_cost`` [currency], the expected cost of the trades so far.

    Raises
    ------
    ValueError
        If ``session`` does not have the trajectory's number of intervals.
    """
    import pandas as pd

    from acsym.desk import SIDES

    side = dict(trajectory.params or {}).get("side", "sell")
    holdings = trajectory.holdings
    order = float(holdings[0])
    trades = np.concatenate(([0.0], trajectory.trade_sizes))
    if session is not None:
        if session.duration_periods != trajectory.trade_sizes.size:
            raise ValueError(
                f"the session has {session.duration_periods} buckets, the trajectory "
                f"{trajectory.trade_sizes.size} intervals"
            )
        time: Any = session.timestamps
    else:
        time = trajectory.timestamps
    if params is not None:
        cumulative = np.concatenate(([0.0], _cumulative_costs(trajectory, params)))
    else:
        cumulative = np.full(holdings.shape, np.nan)
    return pd.DataFrame(
        {
            "time": time,
            "holdings": holdings,
            "trades": trades,
            "signed_trades": SIDES[side] * trades,
            "pct_of_order": 100 * trades / order,
            "cumulative_pct": 100 * (1 - holdings / order),
            "cumulative_expected_cost": cumulative,
        }
    )
