"""acsym: the Almgren-Chriss optimal execution model, derived with SymPy, generated as numpy.

The runtime imports numpy only. ``acsym.formulas`` holds the generated vectorised functions.
"""

from acsym import formulas

__all__ = ["formulas"]
__version__ = "0.1.0"
