"""Testing helpers for users of acsym: Hypothesis strategies of valid inputs
(:mod:`acsym.testing.strategies`) and a conformance kit that checks any Almgren-Chriss
implementation against the derivation (:mod:`acsym.testing.conformance`, example adapters in
:mod:`acsym.testing.adapters`). They need hypothesis, and the kit also mpmath
(``pip install "acsym[conformance]"``).
"""
