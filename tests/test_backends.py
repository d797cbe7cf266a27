"""acsym.formulas_xp, the array-API print of the catalog, on every array library we can run.

Each backend evaluates the generated functions at the points of ``acsym verify --quick`` (the
closed forms) and on a padded batch of its schedules (the schedule functions), and must agree
with the numpy module, :mod:`acsym.formulas`, to 1e-13 relative. CuPy runs the same code path;
its test skips where no GPU (or no cupy) is present: ``pip install cupy-cuda12x`` on a machine
with a CUDA GPU, then ``python -m pytest tests/test_backends.py -k cupy``.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import pytest

from acsym import formulas, verify
from acsym.derivation import (
    basket,
    drift,
    drift_moments,
    powerlaw,
    soft_deadline,
    soft_deadline_discrete,
    transient,
)
from acsym.derivation.catalog import formulas as catalog

formulas_xp = pytest.importorskip("acsym.formulas_xp")
pytest.importorskip("array_api_compat")

RTOL = 1e-13
TINY = float(np.finfo(np.float64).tiny)
#: the model family's functions (drift, soft deadline, baskets, power law, transient impact):
#: verified in their own modules (acsym.verification.*), not yet over this module's points
FAMILY = {
    f.name
    for module in (drift, drift_moments, soft_deadline, soft_deadline_discrete, basket, powerlaw, transient)
    for f in module.formulas()
}
#: every function printed for the array API (the catalog but its numpy-only forms)
NAMES = [f.name for f in catalog() if f.name in formulas_xp.__all__ and f.name not in FAMILY]
#: the sensitivities are large expressions (a few thousand operations each): slow to compile
#: with jax.jit and to schedule with Dask, so those backends run two of them, the rest eagerly
SENSITIVITIES = [name for name in NAMES if "_d_" in name]
SAMPLE = [name for name in NAMES if "_d_" not in name] + [
    "expected_cost_d_eta",
    "variance_d_tau",
    "holdings_d_tau",
]


@cache
def _points() -> dict[str, tuple[np.ndarray, ...]]:
    """The closed-form functions' points of ``acsym verify --quick``, and the schedule
    functions on all of its schedules, zero-padded to one batch (zeros change neither sum)."""
    settings = verify.Settings(quick=True)
    scenarios = verify.domain(quick=True, seed=settings.seed)
    points = verify.compute_points(scenarios, per_schedule=settings.per_schedule, seed=settings.seed)
    out = {name: p.columns for name, p in points.items() if name in NAMES}
    subset = verify.qp_subset(scenarios, budget=settings.schedule_budget, seed=settings.seed + 5)
    for name, p in verify.compute_schedule_points(scenarios, subset, seed=settings.seed).items():
        schedules, *scalars = p.columns
        width = max(len(s) for s in schedules)
        padded = np.zeros((len(schedules), width))
        for row, schedule in zip(padded, schedules, strict=True):
            row[: len(schedule)] = schedule
        out[name] = (padded, *(np.asarray(c, dtype=np.float64) for c in scalars))
    # the sensitivities at every scenario with a finite lambda (lambda = 0 included)
    from acsym.verification.sensitivity import arguments, holdings_arguments

    finite = scenarios.take(np.flatnonzero(np.isfinite(scenarios.risk_aversion)))
    columns, at_times = arguments(finite), holdings_arguments(finite)
    for name in NAMES:
        if "_d_" in name:
            table = at_times if name.startswith("holdings") else columns
            out[name] = tuple(table[a] for a in verify.GENERATED[name])
    return out


def test_every_generated_function_is_covered():
    assert sorted(_points()) == sorted(NAMES)
    numpy_only = {f.name for f in catalog()} - set(NAMES) - FAMILY
    # asinh_root's compensated routine is numpy code, and no array-API standard has 2F1
    assert numpy_only == {"kappa_tau"}


def _bad(name: str, got: Any, floor: Any = 0.0) -> list[str]:
    """Points where ``got`` differs from the numpy module by more than RTOL (or ``floor``)."""
    columns = _points()[name]
    expected = np.asarray(getattr(formulas, name)(*columns), dtype=np.float64)
    got = np.asarray(got, dtype=np.float64)
    assert got.shape == expected.shape
    error = np.abs(got - expected)
    bad = ~((got == expected) | (error <= np.maximum(RTOL * np.abs(expected), floor)))
    lines = [
        f"{name}({', '.join(str(c[i]) if c.ndim == 1 else 'schedule' for c in columns)}): "
        f"{got[i]!r} vs {expected[i]!r}"
        for i in np.flatnonzero(bad)[:10]
    ]
    return [f"{np.count_nonzero(bad)} of {bad.size} points bad", *lines] if lines else []


def _check_all(convert: Callable[[np.ndarray], Any], to_numpy: Callable[[Any], Any], **kw: Any) -> None:
    failures = []
    for name in kw.get("names", NAMES):
        function = kw.get("wrap", lambda f: f)(getattr(formulas_xp, name))
        got = to_numpy(function(*(convert(c) for c in _points()[name])))
        floor = kw.get("floor", lambda name: 0.0)(name)
        failures += _bad(name, got, floor)
    assert not failures, "\n".join(failures)


def test_numpy_through_array_api_compat_is_the_numpy_module():
    _check_all(lambda c: c, np.asarray)


def test_array_api_strict():
    xps = pytest.importorskip("array_api_strict")
    # bit for bit on numpy 2; on numpy 1.x array_api_strict's elementwise functions take other
    # loops, so cancelling sensitivities differ at the terms' scale, as with XLA (_jax_floor)
    old_numpy = int(np.__version__.split(".")[0]) < 2
    _check_all(xps.asarray, np.asarray, **({"floor": _jax_floor} if old_numpy else {}))
    assert isinstance(formulas_xp.kappa(xps.asarray(1e-6), 0.1, 1e-3, 1.0), type(xps.asarray(1.0)))


def test_python_scalars_give_numpy():
    value = formulas_xp.kappa(1e-6, 0.1, 1e-3, 1.0)
    assert np.ndim(value) == 0 and value.dtype == np.float64  # numpy's 0-d result
    assert value == formulas.kappa(1e-6, 0.1, 1e-3, 1.0)


@pytest.fixture
def jax_x64() -> Any:
    jax = pytest.importorskip("jax")
    previous = jax.config.read("jax_enable_x64")
    jax.config.update("jax_enable_x64", True)
    yield jax
    jax.config.update("jax_enable_x64", previous)


def _jax_floor(name: str) -> Any:
    """XLA on CPU flushes subnormal results to zero, and it evaluates exp with its own kernel,
    so an exact cancellation in numpy (the variance of a one-step schedule is exactly 0) is a
    rounding residue of the terms' size there: compare those against the terms' scale (for the
    sensitivities, Q / p / 100 as ``acsym verify`` does)."""
    if "_d_" in name:
        from acsym.verification.sensitivity import FLOOR, scale

        quantity, parameter = name.split("_d_")
        columns = dict(zip(verify.GENERATED[name], _points()[name], strict=True))
        positive = columns[parameter] > 0  # at p = 0 (lambda = 0, gamma = 0) no floor
        safe = {**columns, parameter: np.where(positive, columns[parameter], 1.0)}
        return np.where(positive, np.maximum(TINY, FLOOR * scale(quantity, parameter, safe)), TINY)
    if name != "variance":
        return TINY
    order_size, horizon, _tau, _kappa, sigma = _points()[name]
    return np.maximum(TINY, RTOL * order_size**2 * sigma**2 * horizon)


def test_jax_jit_on_cpu(jax_x64):
    jnp = jax_x64.numpy
    _check_all(jnp.asarray, np.asarray, wrap=jax_x64.jit, floor=_jax_floor, names=SAMPLE)
    assert jax_x64.jit(formulas_xp.kappa)(1e-6, 0.1, 1e-3, 1.0).dtype == jnp.float64


def test_jax_eager_sensitivities(jax_x64):
    _check_all(jax_x64.numpy.asarray, np.asarray, floor=_jax_floor, names=SENSITIVITIES)


def test_jax_grad_runs_through_the_module(jax_x64):
    # d kappa / d risk_aversion by jax.grad against a central difference of the numpy module
    lam, sigma, eta_tilde, tau = 1e-6, 0.3, 1e-3, 0.5
    grad = float(jax_x64.grad(formulas_xp.kappa)(lam, sigma, eta_tilde, tau))
    h = lam * 1e-5
    difference = (
        formulas.kappa(lam + h, sigma, eta_tilde, tau) - formulas.kappa(lam - h, sigma, eta_tilde, tau)
    ) / (2 * h)
    assert grad == pytest.approx(difference, rel=1e-8)


def test_dask_chunked_default_scheduler():
    da = pytest.importorskip("dask.array")

    def chunked(c: np.ndarray) -> Any:  # two chunks: the sensitivities are large graphs
        return da.from_array(c, chunks=(c.shape[0] // 2 + 1, *c.shape[1:]))

    _check_all(chunked, lambda result: result.compute(), names=SAMPLE)
    assert isinstance(formulas_xp.holdings(chunked(np.ones(8)), 0.5, 1.0, 0.3), da.Array)  # lazy


def test_dask_on_a_distributed_local_cluster():
    distributed = pytest.importorskip("distributed")
    da = pytest.importorskip("dask.array")
    name = "holdings"
    columns = [da.from_array(c, chunks=c.shape[0] // 3 + 1) for c in _points()[name]]
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        got = client.compute(formulas_xp.holdings(*columns)).result()
    assert not _bad(name, got)


def _gpu_count() -> int:
    try:
        import cupy

        return int(cupy.cuda.runtime.getDeviceCount())
    except Exception:  # no cupy, no CUDA driver, no device: all mean "cannot run here"
        return 0


@pytest.mark.skipif(
    _gpu_count() == 0, reason="CuPy tests need cupy and a CUDA GPU (pip install cupy-cuda12x)"
)
def test_cupy_on_a_gpu():
    import cupy

    _check_all(cupy.asarray, cupy.asnumpy)


def test_import_acsym_loads_no_array_library():
    code = (
        "import sys, acsym, acsym.formulas_xp; "
        "print(','.join(m for m in ('array_api_compat', 'jax', 'dask', 'cupy') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_generated_module_uses_standard_names_only():
    from acsym.derivation import array_api

    text = array_api.render()
    body = text.split("__all__", 1)[1]
    for numpy_only in ("numpy.", "arcsinh", "polyval", "np."):
        assert numpy_only not in body.replace("array_api_compat.numpy", "")


def test_verify_checks_the_array_api_module():
    from acsym.verification import array_api

    rows = array_api.rows(verify.Settings(quick=True))
    assert {row.function for row in rows} == {n for n in NAMES if not n.startswith("schedule_")}
    assert all(row.passed and row.points > 0 and row.worst_error == 0 for row in rows), [
        row.message() for row in rows if not row.passed
    ]
