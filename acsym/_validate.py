"""Input checks shared by the public API: TypeError for wrong types, NaN plus a warning for
numeric values out of range (the seed contract). Nothing here raises on a bad *value*."""

from __future__ import annotations

import math
import numbers
import os
import sys
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from acsym._typing import FloatArray


class InputWarning(UserWarning):
    """An argument was out of range; the result is NaN (or a documented fallback) instead."""


class CalibrationWarning(UserWarning):
    """A warning from calibration: rows dropped, a fit that failed or looks suspect, inputs
    that look swapped or in another unit than documented (percent for a fraction, ...). The
    result is still computed as asked."""


def _to_float(value: Any, name: str = "value") -> float:
    """float(value), with integers too large for a float (past 1.8e308) as +-inf and an
    :class:`InputWarning` saying so: they are out of range like any infinite value, and the
    caller's own check then answers NaN (or treats inf as it documents)."""
    try:
        return float(value)
    except OverflowError:
        digits = len(str(abs(int(value))))
        warn(
            f"{name} = an integer of {digits} digits does not fit a float (at most 1.8e308); "
            "it is taken as inf",
            stacklevel=4,
        )
        return math.inf if value > 0 else -math.inf


def real(name: str, value: Any) -> float:
    """``value`` as a float; TypeError unless it is a real number (bool and str are not).

    A Python integer too large for a float becomes +-inf (out of range wherever finiteness is
    required, so callers answer NaN with an :class:`InputWarning`, never OverflowError).
    """
    if type(value) is float:  # the common case, without the abstract-class check
        return value
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    return _to_float(value, name)


def real_array(name: str, value: Any) -> FloatArray:
    """``value`` as a float64 array; TypeError unless every element is a real number.

    Python integers too large for a float (which numpy keeps as objects) become +-inf.
    """
    array = np.asarray(value)
    if array.dtype == np.object_ and all(
        isinstance(v, numbers.Real) and not isinstance(v, bool | np.bool_) for v in array.flat
    ):
        return np.array([_to_float(v, name) for v in array.flat], dtype=np.float64).reshape(array.shape)
    if array.dtype == np.bool_ or array.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must be a real number or an array of real numbers, got {type(value).__name__} {value!r}"
        )
    return array.astype(np.float64)


def frozen_array(values: Any) -> FloatArray:
    """A read-only float64 copy of ``values`` that cannot be made writable.

    The data live in an immutable ``bytes`` object and the array is a view of it, so
    ``setflags(write=True)`` raises ValueError on the array and on its base alike (a read-only
    array that owns its data could simply be switched back). Copies (``np.array(a)``) are
    writable as usual.
    """
    array = np.asarray(values, dtype=np.float64)
    return np.frombuffer(np.ascontiguousarray(array).tobytes(), dtype=np.float64).reshape(array.shape)


def warn(message: str, stacklevel: int = 3) -> str:
    """Emit ``message`` as an :class:`InputWarning` and return it (for a result's warnings)."""
    warnings.warn(message, InputWarning, stacklevel=stacklevel + 1)
    return message


def describe(name: str, value: float, requirement: str) -> str:
    """The message for an out-of-range value: names the argument, its value and the rule."""
    return f"{name} = {value!r} is out of range ({requirement})"


#: largest magnitude of a model parameter: the generated code's compensated products split
#: each factor in two halves (Veltkamp), and 134217729 * x overflows past 1.3e300
LARGEST_PARAMETER = 1e300


def positive(value: float) -> bool:
    return math.isfinite(value) and value > 0


def nonnegative(value: float) -> bool:
    return math.isfinite(value) and value >= 0


# --- what double precision and memory allow ---------------------------------------------------

#: margin (a factor 2**20) kept from the ends of the normal range for the formulas' own
#: constant factors (1/6, 2N - 1, 1e4 for basis points ...)
_LOG_MARGIN = 20 * math.log(2.0)
_LOG_TINY = math.log(sys.float_info.min) + _LOG_MARGIN
_LOG_HUGE = math.log(sys.float_info.max) - _LOG_MARGIN


Factor = tuple[str, float, float]


def scale_problem(what: str, terms: Sequence[Sequence[Factor]]) -> str | None:
    """Why a sum of products of ``value**power`` is not representable, or None when it is.

    ``terms`` lists the products (each a sequence of (name, value, power) factors) a formula
    adds up. The generated formulas work in the units they are given, so a quantity they form
    (X**2, sigma**2 X**2 tau**3, the notional X * price ...) must be a normal double, with a
    2**20 margin for their constant factors: past 1.8e308 a term overflows to inf, and below
    2.2e-308 it loses digits or becomes 0 (then 0/0). A product with a zero factor is exactly
    0 and fine; a term that underflows next to a larger normal one is negligible and fine, so
    the sum fails when any term overflows or its largest term underflows. Computed in
    logarithms, so the check itself cannot overflow.
    """
    logs = [
        (sum(power * math.log(abs(value)) for _, value, power in factors), factors)
        for factors in terms
        if all(value != 0 for _, value, _ in factors)
    ]
    if not logs:
        return None
    log, factors = max(logs, key=lambda item: item[0])
    if _LOG_TINY <= log <= _LOG_HUGE:
        return None
    product = " * ".join(name if power == 1 else f"{name}**{power:g}" for name, _, power in factors)
    values = ", ".join(f"{name} = {value!r}" for name, value, _ in factors if not name[0].isdigit())
    side = "overflows" if log > _LOG_HUGE else "underflows"
    return (
        f"{what} {product} = 1e{log / math.log(10.0):+.0f} {side} double precision (normal numbers "
        f"span 2.2e-308 to 1.8e308) at {values}: express the order or the time in other units "
        "(lots, thousands of shares; minutes, days) so the model's quantities stay in range"
    )


#: default working memory one call may ask for [bytes]; the environment variable
#: ``ACSYM_MEMORY_BUDGET`` (in bytes) overrides it
DEFAULT_MEMORY_BUDGET = 4 * 2**30


def memory_budget() -> int:
    """The memory budget [bytes]: ``ACSYM_MEMORY_BUDGET`` if set (an integer > 0), else 4 GiB."""
    text = os.environ.get("ACSYM_MEMORY_BUDGET", "").strip()
    try:
        value = int(float(text)) if text else DEFAULT_MEMORY_BUDGET
    except ValueError:
        value = DEFAULT_MEMORY_BUDGET
    return value if value > 0 else DEFAULT_MEMORY_BUDGET


def _bytes(count: float) -> str:
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if count >= size:
            return f"{count / size:.3g} {unit}"
    return f"{count:.0f} bytes"


def memory_problem(what: str, n_bytes: float) -> str | None:
    """Why ``what`` (needing about ``n_bytes``) does not fit the memory budget, or None."""
    budget = memory_budget()
    if n_bytes <= budget:
        return None
    return (
        f"{what} needs about {_bytes(n_bytes)} of memory, more than the budget of {_bytes(budget)} "
        "(set the environment variable ACSYM_MEMORY_BUDGET, in bytes, to allow more)"
    )
