"""acsym: the Almgren-Chriss optimal execution model, derived with SymPy, generated as numpy.

The runtime imports numpy only; :mod:`acsym.formulas` holds the generated vectorised functions.
"""

from acsym import formulas
from acsym._validate import InputWarning
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
from acsym.model import AlmgrenChrissParams, calibrate_ac_params
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

__all__ = [
    "AlmgrenChrissParams",
    "CalibrationResult",
    "CalibrationWarning",
    "EfficientFrontier",
    "ExecutionTrajectory",
    "InputWarning",
    "SimulationResult",
    "calibrate_ac_params",
    "calibrate_impact",
    "efficient_frontier",
    "formulas",
    "generate_ac_holdings",
    "generate_ac_trajectory",
    "generate_market_order_trajectory",
    "generate_twap_trajectory",
    "generate_vwap_trajectory",
    "implied_risk_aversion",
    "linear_impact_at_rate",
    "risk_aversion_for_cost",
    "risk_aversion_for_variance",
    "simulate_execution",
    "u_shaped_volume_profile",
]
__version__ = "0.1.0"
