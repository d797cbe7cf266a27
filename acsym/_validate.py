"""Input checks shared by the public API: TypeError for wrong types, NaN plus a warning for
numeric values out of range (the seed contract). Nothing here raises on a bad *value*."""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

import numpy as np

from acsym._typing import FloatArray


class InputWarning(UserWarning):
    """An argument was out of range; the result is NaN (or a documented fallback) instead."""


def real(name: str, value: Any) -> float:
    """``value`` as a float; TypeError unless it is a real number (bool and str are not)."""
    if type(value) is float:  # the common case, without the abstract-class check
        return value
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    return float(value)


def real_array(name: str, value: Any) -> FloatArray:
    """``value`` as a float64 array; TypeError unless every element is a real number."""
    array = np.asarray(value)
    if array.dtype == np.bool_ or array.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must be a real number or an array of real numbers, got {type(value).__name__} {value!r}"
        )
    return array.astype(np.float64)


def warn(message: str, stacklevel: int = 3) -> str:
    """Emit ``message`` as an :class:`InputWarning` and return it (for a result's warnings)."""
    warnings.warn(message, InputWarning, stacklevel=stacklevel + 1)
    return message


def describe(name: str, value: float, requirement: str) -> str:
    """The message for an out-of-range value: names the argument, its value and the rule."""
    return f"{name} = {value!r} is out of range ({requirement})"


def positive(value: float) -> bool:
    return math.isfinite(value) and value > 0


def nonnegative(value: float) -> bool:
    return math.isfinite(value) and value >= 0
