"""acsym: the Almgren-Chriss optimal execution model, derived with SymPy, generated as numpy.

The runtime imports numpy only; :mod:`acsym.formulas` holds the generated vectorised functions.
"""

from acsym import formulas
from acsym._validate import InputWarning
from acsym.impact import (
    CalibrationResult,
    CalibrationWarning,
    calibrate_impact,
    linear_impact_at_rate,
)
from acsym.model import AlmgrenChrissParams, calibrate_ac_params
from acsym.simulation import SimulationResult, simulate_execution
from acsym.trajectory import ExecutionTrajectory, generate_ac_holdings, generate_ac_trajectory

__all__ = [
    "AlmgrenChrissParams",
    "CalibrationResult",
    "CalibrationWarning",
    "ExecutionTrajectory",
    "InputWarning",
    "SimulationResult",
    "calibrate_ac_params",
    "calibrate_impact",
    "formulas",
    "generate_ac_holdings",
    "generate_ac_trajectory",
    "linear_impact_at_rate",
    "simulate_execution",
]
__version__ = "0.1.0"
