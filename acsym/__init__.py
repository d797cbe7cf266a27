"""acsym: the Almgren-Chriss optimal execution model, derived with SymPy, generated as numpy.

The runtime imports numpy only; :mod:`acsym.formulas` holds the generated vectorised functions.
The public names below are loaded on first use (PEP 562), so ``import acsym`` costs little more
than ``import numpy``; ``from acsym import generate_ac_trajectory`` loads what that needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from acsym import formulas

if TYPE_CHECKING:
    from acsym._validate import InputWarning
    from acsym.clock import TradingSession
    from acsym.desk import (
        ScheduleEvaluation,
        evaluate_schedule,
        optimal_schedule,
        pov_schedule,
        risk_aversion_for_target,
    )
    from acsym.frontier import (
        EfficientFrontier,
        efficient_frontier,
        implied_risk_aversion,
        risk_aversion_for_cost,
        risk_aversion_for_variance,
    )
    from acsym.impact import (
        CalibrationResult,
        CalibrationWarning,
        calibrate_impact,
        linear_impact_at_rate,
    )
    from acsym.limits import optimal_schedule_with_limits, round_to_lots
    from acsym.model import AlmgrenChrissParams, calibrate_ac_params
    from acsym.models.basket import (
        BasketFrontier,
        BasketParams,
        BasketTrajectory,
        basket_efficient_frontier,
        generate_basket_trajectory,
    )
    from acsym.models.drift import generate_drift_trajectory
    from acsym.models.powerlaw import (
        generate_powerlaw_holdings,
        generate_powerlaw_trajectory,
        powerlaw_continuous_holdings,
        powerlaw_frontier,
        powerlaw_params_from_fit,
    )
    from acsym.models.soft_deadline import generate_soft_deadline_trajectory
    from acsym.models.transient import (
        TransientSchedule,
        generate_transient_trades,
        transient_continuous_schedule,
        transient_expected_cost,
        transient_kernel_matrix,
    )
    from acsym.sensitivity import CostSensitivities, cost_sensitivities, holdings_sensitivities
    from acsym.simulation import SimulationResult, simulate_execution
    from acsym.trajectory import (
        ExecutionTrajectory,
        generate_ac_holdings,
        generate_ac_trajectory,
        generate_market_order_trajectory,
        generate_twap_trajectory,
        generate_vwap_trajectory,
        u_shaped_volume_profile,
    )

#: where each public name lives
_LOCATIONS = {
    "InputWarning": "acsym._validate",
    "TradingSession": "acsym.clock",
    "ScheduleEvaluation": "acsym.desk",
    "evaluate_schedule": "acsym.desk",
    "optimal_schedule": "acsym.desk",
    "pov_schedule": "acsym.desk",
    "risk_aversion_for_target": "acsym.desk",
    "optimal_schedule_with_limits": "acsym.limits",
    "round_to_lots": "acsym.limits",
    "EfficientFrontier": "acsym.frontier",
    "efficient_frontier": "acsym.frontier",
    "implied_risk_aversion": "acsym.frontier",
    "risk_aversion_for_cost": "acsym.frontier",
    "risk_aversion_for_variance": "acsym.frontier",
    "CalibrationResult": "acsym.impact",
    "CalibrationWarning": "acsym.impact",
    "calibrate_impact": "acsym.impact",
    "linear_impact_at_rate": "acsym.impact",
    "AlmgrenChrissParams": "acsym.model",
    "calibrate_ac_params": "acsym.model",
    "CostSensitivities": "acsym.sensitivity",
    "cost_sensitivities": "acsym.sensitivity",
    "holdings_sensitivities": "acsym.sensitivity",
    "BasketFrontier": "acsym.models.basket",
    "BasketParams": "acsym.models.basket",
    "BasketTrajectory": "acsym.models.basket",
    "basket_efficient_frontier": "acsym.models.basket",
    "generate_basket_trajectory": "acsym.models.basket",
    "generate_drift_trajectory": "acsym.models.drift",
    "generate_soft_deadline_trajectory": "acsym.models.soft_deadline",
    "generate_powerlaw_holdings": "acsym.models.powerlaw",
    "generate_powerlaw_trajectory": "acsym.models.powerlaw",
    "powerlaw_continuous_holdings": "acsym.models.powerlaw",
    "powerlaw_frontier": "acsym.models.powerlaw",
    "powerlaw_params_from_fit": "acsym.models.powerlaw",
    "TransientSchedule": "acsym.models.transient",
    "generate_transient_trades": "acsym.models.transient",
    "transient_continuous_schedule": "acsym.models.transient",
    "transient_expected_cost": "acsym.models.transient",
    "transient_kernel_matrix": "acsym.models.transient",
    "SimulationResult": "acsym.simulation",
    "simulate_execution": "acsym.simulation",
    "ExecutionTrajectory": "acsym.trajectory",
    "generate_ac_holdings": "acsym.trajectory",
    "generate_ac_trajectory": "acsym.trajectory",
    "generate_market_order_trajectory": "acsym.trajectory",
    "generate_twap_trajectory": "acsym.trajectory",
    "generate_vwap_trajectory": "acsym.trajectory",
    "u_shaped_volume_profile": "acsym.trajectory",
}

__all__ = [
    "AlmgrenChrissParams",
    "BasketFrontier",
    "BasketParams",
    "BasketTrajectory",
    "CalibrationResult",
    "CalibrationWarning",
    "CostSensitivities",
    "EfficientFrontier",
    "ExecutionTrajectory",
    "InputWarning",
    "ScheduleEvaluation",
    "SimulationResult",
    "TradingSession",
    "TransientSchedule",
    "basket_efficient_frontier",
    "calibrate_ac_params",
    "calibrate_impact",
    "cost_sensitivities",
    "efficient_frontier",
    "evaluate_schedule",
    "formulas",
    "generate_ac_holdings",
    "generate_ac_trajectory",
    "generate_basket_trajectory",
    "generate_drift_trajectory",
    "generate_market_order_trajectory",
    "generate_powerlaw_holdings",
    "generate_powerlaw_trajectory",
    "generate_soft_deadline_trajectory",
    "generate_transient_trades",
    "generate_twap_trajectory",
    "generate_vwap_trajectory",
    "holdings_sensitivities",
    "implied_risk_aversion",
    "linear_impact_at_rate",
    "optimal_schedule",
    "optimal_schedule_with_limits",
    "pov_schedule",
    "powerlaw_continuous_holdings",
    "powerlaw_frontier",
    "powerlaw_params_from_fit",
    "risk_aversion_for_cost",
    "risk_aversion_for_target",
    "risk_aversion_for_variance",
    "round_to_lots",
    "simulate_execution",
    "transient_continuous_schedule",
    "transient_expected_cost",
    "transient_kernel_matrix",
    "u_shaped_volume_profile",
]
__version__ = "0.2.0"


def __getattr__(name: str) -> Any:
    if name in _LOCATIONS:
        value = getattr(importlib.import_module(_LOCATIONS[name]), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module 'acsym' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LOCATIONS])
