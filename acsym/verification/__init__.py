"""Verification of the model family beyond the base model, one module per model.

Each module exposes ``rows(settings) -> list[acsym.verify.Row]``: its generated functions against
mpmath references and a direct solve, collected by :func:`acsym.verify.compute_report`. Like
:mod:`acsym.verify`, these modules import mpmath and SymPy and are never loaded by the runtime.
"""
