"""acsym: the Almgren-Chriss optimal execution model, derived with SymPy, generated as numpy.

The runtime imports numpy only; :mod:`acsym.formulas` holds the generated vectorised functions.
"""

from acsym import formulas
from acsym._validate import InputWarning
from acsym.model import AlmgrenChrissParams, calibrate_ac_params
from acsym.simulation import SimulationResult, simulate_execution
from acsym.trajectory import ExecutionTrajectory, generate_ac_holdings, generate_ac_trajectory

__all__ = [
    "AlmgrenChrissParams",
    "ExecutionTrajectory",
    "InputWarning",
    "SimulationResult",
    "calibrate_ac_params",
    "formulas",
    "generate_ac_holdings",
    "generate_ac_trajectory",
    "simulate_execution",
]
__version__ = "0.1.0"
