"""Model parameters: :class:`AlmgrenChrissParams` and :func:`calibrate_ac_params` (the seed API).

Units: quantities in shares, prices in currency per share, time in the unit of ``tau`` (the
seed's heuristics calibrate per day, so ``tau = 1.0`` is one day).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from acsym import formulas_scalar
from acsym._validate import (
    LARGEST_PARAMETER,
    CalibrationWarning,
    describe,
    nonnegative,
    positive,
    real,
    scale_problem,
    warn,
)

if TYPE_CHECKING:
    from acsym.impact import CalibrationResult

#: seed heuristic: trading 1% of daily volume costs one spread of temporary impact
TEMPORARY_IMPACT_PARTICIPATION = 0.01
#: seed heuristic: trading 10% of daily volume moves the price by one spread permanently
PERMANENT_IMPACT_PARTICIPATION = 0.10

_NAN = float("nan")


@dataclass(frozen=True)
class AlmgrenChrissParams:
    """Calibrated parameters for Almgren-Chriss optimal execution.

    Attributes
    ----------
    eta : float
        Temporary impact coefficient, h(v) = epsilon + eta v [currency * time / share**2].
    gamma : float
        Permanent impact coefficient, g(v) = gamma v [currency / share**2].
    sigma : float
        Absolute price volatility per square root of the time unit [currency / (share * time**0.5)].
    alpha : float
        Impact exponent of the square-root model the parameters came from (typically 0.5).
    tau : float
        Time between trades [time units], default 1.0.
    source_calibration : CalibrationResult or None
        The impact fit the parameters were derived from, if any.
    warnings : tuple of str
        Validation and calibration warnings.
    epsilon : float
        Fixed cost per share traded, the half spread [currency / share], default 0.
    price : float
        Reference price, to express costs in basis points [currency / share]; NaN if unknown.
    """

    eta: float
    gamma: float
    sigma: float
    alpha: float = 0.5
    tau: float = 1.0
    source_calibration: CalibrationResult | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)
    epsilon: float = 0.0
    price: float = _NAN

    def __post_init__(self) -> None:
        for name in ("eta", "gamma", "sigma", "alpha", "tau", "epsilon", "price"):
            object.__setattr__(self, name, real(name, getattr(self, name)))
        object.__setattr__(self, "warnings", tuple(self.warnings))

    @cached_property
    def eta_tilde(self) -> float:
        """eta - gamma tau / 2 [currency * time / share**2]; the model needs it > 0.

        Computed once per instance (the dataclass is frozen), by the generated scalar form.
        """
        return float(formulas_scalar.eta_tilde(self.eta, self.gamma, self.tau))

    def problems(self) -> list[str]:
        """Messages for every parameter out of the model's domain (empty when usable).

        The parameters are checked once per instance (the dataclass is frozen): every function
        that takes them asks again at no cost ("validate once, at the boundary").
        """
        return list(self._problems)

    @cached_property
    def _problems(self) -> tuple[str, ...]:
        rules: list[tuple[str, Any, str]] = [
            ("eta", nonnegative, "must be finite and >= 0"),
            ("gamma", nonnegative, "must be finite and >= 0"),
            ("sigma", nonnegative, "must be finite and >= 0"),
            ("tau", positive, "must be finite and > 0"),
            ("epsilon", nonnegative, "must be finite and >= 0"),
        ]
        messages = [
            describe(f"params.{name}", getattr(self, name), rule)
            for name, check, rule in rules
            if not check(getattr(self, name))
        ]
        if messages:
            return tuple(messages)
        messages = [
            describe(f"params.{name}", getattr(self, name), f"must be below {LARGEST_PARAMETER:g}")
            + ": the generated formulas' compensated products split each factor in two halves, "
            "which overflow past that; express the inputs in other units"
            for name, _, _ in rules
            if getattr(self, name) >= LARGEST_PARAMETER
        ]
        # eta_tilde = eta - gamma tau / 2 must be computable before anything else is
        terms = [
            [("params.eta", self.eta, 1.0)],
            [("params.gamma", self.gamma, 1.0), ("params.tau", self.tau, 1.0)],
        ]
        problem = None if messages else scale_problem("eta_tilde's terms", terms)
        return tuple(messages + ([problem] if problem else []))


def calibrate_ac_params(
    daily_volume: float,
    daily_spread: float,
    daily_volatility: float,
    price: float,
    alpha: float = 0.5,
    tau: float = 1.0,
    source_calibration: CalibrationResult | None = None,
    trading_rate: float | None = None,
) -> AlmgrenChrissParams:
    """Derive Almgren-Chriss parameters from daily market data with the seed's heuristics.

    Parameters
    ----------
    daily_volume : float
        Average daily volume [shares / day], > 0.
    daily_spread : float
        Bid-ask spread [currency / share], >= 0.
    daily_volatility : float
        Daily volatility of returns [fraction, 0.02 = 2%], >= 0.
    price : float
        Reference price [currency / share], > 0.
    alpha : float, default 0.5
        Impact exponent of the square-root model, > 0.
    tau : float, default 1.0
        Time between trades [days], > 0.
    source_calibration : CalibrationResult, optional
        An impact fit on the user's own executions (:func:`acsym.calibrate_impact`), recorded
        in the result; ``alpha`` is taken from it (the ``alpha`` argument is then ignored).
    trading_rate : float, optional
        With ``source_calibration``: the trading rate [shares / day] at which to linearise the
        fit, e.g. X / T for an order of X shares over T days. ``eta`` and ``epsilon`` then come
        from :func:`acsym.linear_impact_at_rate` (the secant of the fitted curve at that rate)
        instead of the spread heuristics; ``gamma`` keeps its heuristic.

    Returns
    -------
    AlmgrenChrissParams
        With ``eta = spread / (0.01 V)`` (trading 1% of daily volume per day costs one spread),
        ``gamma = spread / (0.10 V)`` (10% of daily volume moves the price one spread),
        ``sigma = daily_volatility * price``, ``epsilon = spread / 2`` and ``price``. If an
        input is out of range the numeric fields are NaN and ``warnings`` says why (an
        :class:`~acsym.InputWarning` is also emitted); a warning is added when
        eta_tilde = eta - gamma tau / 2 <= 0, where the model is not well posed.

    Warns
    -----
    InputWarning
        An input out of range (the parameters are then NaN).
    CalibrationWarning
        Inputs in range that look swapped or in another unit: a spread at or above the price,
        a daily volatility above 1 (100% a day: percent instead of a fraction?), a relative
        spread above the daily volatility (spread and volatility swapped?). The parameters are
        computed as asked; the message is also in ``warnings``.

    Raises
    ------
    TypeError
        If an argument is not a real number.
    """
    values = {
        "daily_volume": real("daily_volume", daily_volume),
        "daily_spread": real("daily_spread", daily_spread),
        "daily_volatility": real("daily_volatility", daily_volatility),
        "price": real("price", price),
        "alpha": real("alpha", alpha),
        "tau": real("tau", tau),
    }
    rules = {
        "daily_volume": (positive, "must be finite and > 0"),
        "daily_spread": (nonnegative, "must be finite and >= 0"),
        "daily_volatility": (nonnegative, "must be finite and >= 0"),
        "price": (positive, "must be finite and > 0"),
        "alpha": (positive, "must be finite and > 0"),
        "tau": (positive, "must be finite and > 0"),
    }
    notes: list[str] = []
    if source_calibration is not None:
        values["alpha"], notes = _alpha_from(source_calibration, values["alpha"])
    elif trading_rate is not None:
        raise TypeError("trading_rate needs a source_calibration to linearise")
    messages = [
        warn(describe(name, values[name], rule) + "; parameters are NaN", stacklevel=2)
        for name, (check, rule) in rules.items()
        if not check(values[name])
    ]
    if not messages and not math.isfinite(values["daily_spread"] / values["daily_volume"] / 0.01):
        messages.append(
            warn(
                describe(
                    "daily_volume",
                    values["daily_volume"],
                    "too small for the spread: eta = daily_spread / (0.01 daily_volume) overflows",
                )
                + "; parameters are NaN",
                stacklevel=2,
            )
        )
    if messages:
        return _nan_params(values, source_calibration, messages)

    messages += notes
    messages += _implausible(values)
    volume, spread = values["daily_volume"], values["daily_spread"]
    # divided in turn: a subnormal volume gives inf (caught by params.problems), not 0 / 0
    eta = spread / TEMPORARY_IMPACT_PARTICIPATION / volume
    gamma = spread / PERMANENT_IMPACT_PARTICIPATION / volume
    epsilon = spread / 2
    if source_calibration is not None and source_calibration.ok and trading_rate is not None:
        linear = _linearised(source_calibration, trading_rate, values, messages)
        if linear is not None:
            eta, epsilon = linear
    sigma = values["daily_volatility"] * values["price"]
    params = AlmgrenChrissParams(
        eta=eta,
        gamma=gamma,
        sigma=sigma,
        alpha=values["alpha"],
        tau=values["tau"],
        source_calibration=source_calibration,
        warnings=tuple(messages),
        epsilon=epsilon,
        price=values["price"],
    )
    scale = params.problems()  # the heuristics' quotients can leave what a double holds
    if scale:
        messages += [warn(f"the market data give {m}; parameters are NaN", stacklevel=2) for m in scale]
        return _nan_params(values, source_calibration, messages)
    if not params.eta_tilde > 0:
        message = warn(
            f"eta_tilde = eta - gamma * tau / 2 = {params.eta_tilde!r} <= 0: the model is not well "
            f"posed (it needs eta > gamma * tau / 2; tau = {values['tau']!r}) and "
            f"generate_ac_trajectory falls back to TWAP",
            stacklevel=2,
        )
        # the instance was made here and is not shared yet: it carries its own warning
        object.__setattr__(params, "warnings", (*params.warnings, message))
    return params


def _nan_params(
    values: dict[str, float], source_calibration: CalibrationResult | None, messages: list[str]
) -> AlmgrenChrissParams:
    """NaN parameters that keep the inputs' alpha, tau and price and say why (``messages``)."""
    return AlmgrenChrissParams(
        eta=_NAN,
        gamma=_NAN,
        sigma=_NAN,
        alpha=values["alpha"],
        tau=values["tau"],
        source_calibration=source_calibration,
        warnings=tuple(messages),
        epsilon=_NAN,
        price=values["price"] if positive(values["price"]) else _NAN,
    )


def _implausible(values: dict[str, float]) -> list[str]:
    """Messages for inputs in range that look swapped or in another unit (CalibrationWarning)."""
    spread, volatility, price = values["daily_spread"], values["daily_volatility"], values["price"]
    messages = []
    if spread >= price:
        messages.append(
            f"daily_spread = {spread!r} is not below price = {price!r}: a spread wider than the "
            "price is implausible (arguments swapped? the order is daily_volume, daily_spread, "
            "daily_volatility, price)"
        )
    if volatility > 1.0:
        messages.append(
            f"daily_volatility = {volatility!r} is above 1 (100% a day): it must be a fraction "
            "(0.02 = 2%), was it given in percent?"
        )
    elif 0 < volatility < spread / price and spread < price:
        messages.append(
            f"the relative spread daily_spread / price = {spread / price!r} exceeds "
            f"daily_volatility = {volatility!r}: a spread wider than a typical day's move is "
            "implausible (daily_spread and daily_volatility swapped? the spread is in currency "
            "per share, the volatility a fraction)"
        )
    for message in messages:
        warnings.warn(message, CalibrationWarning, stacklevel=3)
    return messages


def _alpha_from(result: Any, alpha: float) -> tuple[float, list[str]]:
    """The impact exponent of a fit (TypeError unless ``result`` is a CalibrationResult)."""
    from acsym.impact import CalibrationResult

    if not isinstance(result, CalibrationResult):
        raise TypeError(f"source_calibration must be a CalibrationResult, got {type(result).__name__}")
    if result.ok:
        return result.alpha, []
    reason = "; ".join(result.warnings) or "its parameters are NaN"
    message = f"source_calibration failed ({reason}): alpha, eta and epsilon keep the heuristics"
    return alpha, [warn(message, stacklevel=4)]


def _linearised(
    result: CalibrationResult, trading_rate: float, values: dict[str, float], messages: list[str]
) -> tuple[float, float] | None:
    """(eta, epsilon) of the fit's secant at ``trading_rate`` [shares / day], or None."""
    from acsym.impact import linear_impact_at_rate

    rate = real("trading_rate", trading_rate)
    linear = linear_impact_at_rate(
        result, rate, values["daily_volume"], values["daily_volatility"], values["price"]
    )
    if math.isfinite(linear.eta) and math.isfinite(linear.epsilon):
        return linear.eta, linear.epsilon
    messages.append(
        warn(
            describe("trading_rate", rate, "must be finite and > 0")
            + ": eta and epsilon keep the spread heuristics",
            stacklevel=4,
        )
    )
    return None
