"""The array-API print of the catalog (``acsym.formulas_xp``) against the numpy module.

Both modules are printed from the same derivation; this row checks the second print wherever
``acsym verify`` checks the first: at the same points (the closed forms and the sensitivities),
through ``array_api_compat``'s numpy namespace, to the same bound. Skipped (no rows) where
``array-api-compat`` is not installed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from acsym import formulas

if TYPE_CHECKING:
    from acsym.verify import Row, Settings


def rows(settings: Settings) -> list[Row]:
    """One row per closed-form and sensitivity function: formulas_xp against formulas."""
    try:
        import array_api_compat  # noqa: F401
    except ImportError:
        return []
    import mpmath

    from acsym import formulas_xp, verify
    from acsym.verification import sensitivity

    scenarios = verify.domain(quick=settings.quick, seed=settings.seed)
    points = {
        name: p.columns
        for name, p in verify.compute_points(
            scenarios, per_schedule=settings.per_schedule, seed=settings.seed
        ).items()
    }
    finite = scenarios.take(np.flatnonzero(np.isfinite(scenarios.risk_aversion)))
    columns, at_times = sensitivity.arguments(finite), sensitivity.holdings_arguments(finite)
    for name in formulas.__all__:
        if "_d_" in name:
            table = at_times if name.startswith("holdings") else columns
            points[name] = tuple(table[a] for a in verify.GENERATED[name])
    out = []
    for name, arguments in points.items():
        if name not in formulas_xp.__all__:  # numpy-only forms (kappa_tau)
            continue
        with verify.floating_point_flags() as flags:
            values = np.asarray(getattr(formulas_xp, name)(*arguments), dtype=np.float64)
        expected = np.asarray(getattr(formulas, name)(*arguments), dtype=np.float64)
        with mpmath.workdps(verify.DIGITS):
            exact = [mpmath.mpf(float(v)) for v in expected.tolist()]
        rows_of_points = list(zip(*(np.asarray(c).tolist() for c in arguments), strict=True))
        row = verify.compute_row(
            name,
            "array API (numpy)",
            "acsym.formulas",
            verify.GENERATED[name],
            rows_of_points,
            values.tolist(),
            exact,
            verify.BOUND,
        )
        out.append(replace(row, warnings=tuple(sorted(flags))))
    return out
