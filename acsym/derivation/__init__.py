"""The SymPy derivation of the Almgren-Chriss model (build time only; the runtime never imports it).

Modules: :mod:`~acsym.derivation.symbols` (symbols, units), :mod:`~acsym.derivation.continuous`
(Euler-Lagrange), :mod:`~acsym.derivation.discrete` (cost, variance, first-order conditions,
kappa, closed forms), :mod:`~acsym.derivation.stable` (the runtime forms and their proofs),
:mod:`~acsym.derivation.codegen` (writes ``acsym/formulas.py``), :mod:`~acsym.derivation.scalar`
(writes ``acsym/formulas_scalar.py``, the scalar twins), :mod:`~acsym.derivation.fast` (the
fused forms of the schedule).
"""
