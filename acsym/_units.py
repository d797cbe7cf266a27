"""Durations typed by people: ``1/78``, ``5min``, ``2.5h``, ``1d``, in the model's time unit.

The model's default time unit is the trading day: daily volume, daily volatility and the
seed's impact heuristics are all per trading day. A clock duration is converted with the
length of the trading session, :data:`SESSION_MINUTES` (390 minutes, the 6.5-hour NYSE day),
so ``5min`` is ``1/78`` of a day.
"""

from __future__ import annotations

import math
import re

#: minutes in one trading day (the model's time unit): the 6.5-hour session of US equities
SESSION_MINUTES = 390.0

#: unit suffix -> length in days
_UNITS: dict[str, float] = {
    "d": 1.0,
    "day": 1.0,
    "days": 1.0,
    "h": 60.0 / SESSION_MINUTES,
    "hour": 60.0 / SESSION_MINUTES,
    "hours": 60.0 / SESSION_MINUTES,
    "min": 1.0 / SESSION_MINUTES,
    "mins": 1.0 / SESSION_MINUTES,
    "minute": 1.0 / SESSION_MINUTES,
    "minutes": 1.0 / SESSION_MINUTES,
    "s": 1.0 / (60.0 * SESSION_MINUTES),
    "sec": 1.0 / (60.0 * SESSION_MINUTES),
    "second": 1.0 / (60.0 * SESSION_MINUTES),
    "seconds": 1.0 / (60.0 * SESSION_MINUTES),
}

_DURATION = re.compile(r"^\s*(.*?)\s*([a-zA-Z]+)\s*$")

#: what :func:`parse_number` and :func:`parse_duration` accept, for error messages
NUMBER_FORMS = "a number or a fraction such as 1/78"
DURATION_FORMS = "a number of days, a fraction such as 1/78, or a duration such as 5min, 2h, 30s, 1d"


def parse_number(text: str) -> float:
    """A float from ``"0.5"``, ``"1e-5"`` or a fraction ``"1/78"``; ValueError otherwise.

    Non-finite results (``"nan"``, ``"1e400"``, ``"1/0"``) are returned as NaN or inf for the
    caller's range check; only text that is no number at all raises.
    """
    numerator, slash, denominator = text.strip().partition("/")
    if not slash:
        return float(numerator)
    top, bottom = float(numerator), float(denominator)
    if bottom == 0:
        return math.nan
    return top / bottom


def parse_duration(text: str) -> float:
    """A duration in trading days from ``"0.5"``, ``"1/78"``, ``"5min"``, ``"2.5h"``, ``"1d"``.

    Parameters
    ----------
    text : str
        A number (days), a fraction (days), or a number followed by a unit: ``s``, ``min``,
        ``h`` (clock time within a session of :data:`SESSION_MINUTES` minutes) or ``d``.

    Returns
    -------
    float
        The duration in days (NaN or inf are returned for the caller's range check).

    Raises
    ------
    ValueError
        If the text is no duration (an unknown unit, no number).
    """
    try:
        return parse_number(text)
    except ValueError:
        pass
    match = _DURATION.match(text)
    if match is None or match.group(2).lower() not in _UNITS:
        raise ValueError(f"not a duration: {text!r}")
    return parse_number(match.group(1)) * _UNITS[match.group(2).lower()]
