"""Testing helpers for users of acsym (``acsym.testing.strategies`` needs hypothesis)."""
