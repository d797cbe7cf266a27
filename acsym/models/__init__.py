"""The model family beyond the base Almgren-Chriss schedule, one runtime module per model.

Each module here imports the generated :mod:`acsym.formulas` (never :mod:`acsym.derivation`),
follows the seed's conventions (frozen dataclasses, NaN plus an :class:`~acsym.InputWarning` for
out-of-range values, TypeError for wrong types) and is re-exported lazily from :mod:`acsym`.
"""
