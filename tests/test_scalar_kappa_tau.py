"""The scalar kappa_tau (issue 20, follow-up of issue 12): the twin of the compensated numpy
``_asinh_root`` equals the numpy kappa_tau bit for bit, except by one ulp where the exact value
lies within 0.01 ulp of a rounding midpoint (math.asinh and numpy's arcsinh may differ by an ulp
in the Newton step's starting point, and the final addition then rounds to either side), and is
within half an ulp of mpmath like the numpy one."""

from __future__ import annotations

import math

import mpmath
import pytest
from hypothesis import given, settings

from acsym import formulas, formulas_scalar, verify
from acsym.testing.strategies import log_uniform
from acsym.verify import compute_points, domain

#: within 0.01 ulp of a midpoint the final rounding may go either way (and 2% slack for it)
NEAR_MIDPOINT = 0.01
HALF_ULP_SLACK = 0.51


#: the textbook kappa tau, 2 asinh((tau / 2) sigma sqrt(lambda / eta_tilde)), in mpmath
KAPPA_TAU = verify.mp_reference("kappa_tau")


def _exact(risk_aversion: float, sigma: float, eta_tilde: float, tau: float) -> mpmath.mpf:
    """kappa tau at 60 digits from the derivation's textbook form (verify's mpmath oracle)."""
    with mpmath.workdps(60):
        return KAPPA_TAU(*(mpmath.mpf(v) for v in (risk_aversion, sigma, eta_tilde, tau)))


def _ulps(value: float, exact: mpmath.mpf) -> float:
    """Signed error of ``value`` in ulps of the exact value."""
    with mpmath.workdps(60):
        return float((mpmath.mpf(value) - exact) / mpmath.mpf(math.ulp(float(exact))))


def _check_twins(arguments: tuple[float, float, float, float]) -> None:
    """Scalar against numpy: equal, or one ulp apart at a near-midpoint where both are within
    half an ulp of mpmath."""
    numpy_value = float(formulas.kappa_tau(*arguments))
    value = formulas_scalar.kappa_tau(*arguments)
    if value == numpy_value:
        return
    exact = _exact(*arguments)
    assert abs(value - numpy_value) <= math.ulp(numpy_value), (arguments, value, numpy_value)
    scalar_error, numpy_error = _ulps(value, exact), _ulps(numpy_value, exact)
    assert abs(abs(scalar_error) - 0.5) <= NEAR_MIDPOINT, (arguments, scalar_error)
    assert abs(scalar_error) <= HALF_ULP_SLACK and abs(numpy_error) <= HALF_ULP_SLACK


@pytest.fixture(scope="module")
def verify_points() -> list[tuple[float, ...]]:
    return compute_points(domain(quick=True), per_schedule=2)["kappa_tau"].rows()


def test_scalar_kappa_tau_is_the_numpy_one_over_the_verify_points(verify_points):
    assert len(verify_points) > 100
    for arguments in verify_points:
        _check_twins(arguments)


def test_scalar_kappa_tau_is_correctly_rounded_over_the_verify_points(verify_points):
    for arguments in verify_points:
        exact = _exact(*arguments)
        if exact > 1400:  # as tests/test_kappa_tau.py: nothing is left after the first trade
            continue
        value = formulas_scalar.kappa_tau(*arguments)
        assert isinstance(value, float)
        if exact == 0:
            assert value == 0.0
        else:
            assert abs(_ulps(value, exact)) <= HALF_ULP_SLACK, arguments


WIDE = {
    "risk_aversion": log_uniform(min_value=1e-30, max_value=1e10),
    "sigma": log_uniform(min_value=1e-4, max_value=1e4),
    "eta_tilde": log_uniform(min_value=1e-20, max_value=1e2),
    "tau": log_uniform(min_value=1e-6, max_value=1e6),
}


@settings(max_examples=400, deadline=None)
@given(**WIDE)
def test_scalar_kappa_tau_is_the_numpy_one_over_wide_ranges(
    risk_aversion: float, sigma: float, eta_tilde: float, tau: float
) -> None:
    _check_twins((risk_aversion, sigma, eta_tilde, tau))


@settings(max_examples=300, deadline=None)
@given(**WIDE)
def test_scalar_kappa_tau_is_correctly_rounded(
    risk_aversion: float, sigma: float, eta_tilde: float, tau: float
) -> None:
    """Against mpmath at 60 digits, over both branches (kappa tau below and above 2)."""
    exact = _exact(risk_aversion, sigma, eta_tilde, tau)
    if exact > 1400:
        return
    value = formulas_scalar.kappa_tau(risk_aversion, sigma, eta_tilde, tau)
    assert abs(_ulps(value, exact)) <= HALF_ULP_SLACK, (value, float(exact))


def test_scalar_kappa_tau_near_the_branch_point_and_at_zero() -> None:
    """Around y = 1 (kappa tau = 2), where the residual switches from the sinh series to exp,
    and exactly 0 at lambda = 0."""
    assert formulas_scalar.kappa_tau(0.0, 0.3, 1e-6, 60.0) == 0.0
    z_one = math.sinh(1.0)
    for z in (
        z_one * (1 - 1e-9),
        math.nextafter(z_one, 0.0),
        z_one,
        math.nextafter(z_one, 2.0),
        z_one * (1 + 1e-9),
    ):
        # kappa tau = 2 asinh((tau / 2) sigma sqrt(lambda / eta_tilde)) = 2 asinh(z)
        arguments = (z * z, 1.0, 1.0, 2.0)
        _check_twins(arguments)
        assert abs(_ulps(formulas_scalar.kappa_tau(*arguments), _exact(*arguments))) <= HALF_ULP_SLACK
