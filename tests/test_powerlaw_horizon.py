"""The power-law horizon T(C) (Almgren 2003) at every ratio w = lambda sigma^2 X^2 / C: the
generated form (Pfaff below w = 4, the connection formula at infinity above) against mpmath's
2F1 at 50 digits, and at alpha = 1 against the closed form asinh(sqrt(w)) / sqrt(w)."""

from __future__ import annotations

import mpmath
import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from acsym import formulas

ORDER, RISK, SIGMA, ETA = 3e5, 2e-6, 0.95, 2.5e-6


def _mp_horizon(order: float, constant: float, lam: float, sigma: float, eta: float, alpha: float) -> float:
    """X (alpha eta / C)^p 2F1(p, 1/2; 3/2; -w), p = 1 / (alpha + 1), at 50 digits (the textbook
    form of the integral int_0^X dx / v(x))."""
    with mpmath.workdps(50):
        a = mpmath.mpf(alpha)
        p = 1 / (a + 1)
        ratio = mpmath.mpf(lam) * mpmath.mpf(sigma) ** 2 * mpmath.mpf(order) ** 2 / mpmath.mpf(constant)
        scale = mpmath.mpf(order) * (a * mpmath.mpf(eta) / mpmath.mpf(constant)) ** p
        return float(scale * mpmath.hyp2f1(p, mpmath.mpf(1) / 2, mpmath.mpf(3) / 2, -ratio))


def _constant(ratio: float) -> float:
    return RISK * SIGMA**2 * ORDER**2 / ratio


alphas = st.one_of(
    st.just(1.0),
    st.floats(1.0 - 1e-6, 1.0 + 1e-6),
    st.floats(0.3, 3.0),
)


@settings(max_examples=150, deadline=None)
@given(alpha=alphas, log_ratio=st.floats(-6.0, 12.0))
@example(alpha=1.0, log_ratio=12.0)
@example(alpha=1.0, log_ratio=float(np.log10(4.0)))
@example(alpha=1.0 + 1e-9, log_ratio=9.0)
@example(alpha=0.3, log_ratio=12.0)
@example(alpha=3.0, log_ratio=12.0)
def test_horizon_matches_mpmath(alpha: float, log_ratio: float) -> None:
    constant = _constant(10.0**log_ratio)
    got = float(formulas.powerlaw_horizon(ORDER, constant, RISK, SIGMA, ETA, alpha))
    exact = _mp_horizon(ORDER, constant, RISK, SIGMA, ETA, alpha)
    assert abs(got - exact) <= 1e-13 * exact


def test_alpha_one_is_the_arcsinh_closed_form() -> None:
    # p = 1/2: int_0^1 (1 + w s^2)^(-1/2) ds = asinh(sqrt(w)) / sqrt(w), the logarithmic case
    ratios = np.concatenate(
        [np.logspace(-6, 300, 307), [4.0, np.nextafter(4.0, 0.0), np.nextafter(4.0, 8.0)]]
    )
    constants = RISK * SIGMA**2 * ORDER**2 / ratios
    got = formulas.powerlaw_horizon(ORDER, constants, RISK, SIGMA, ETA, 1.0)
    # the same w as the generated function forms from the arguments
    w = ORDER**2 * RISK * SIGMA**2 / constants
    root = np.sqrt(w)
    expected = ORDER * np.sqrt(ETA / constants) * np.arcsinh(root) / root
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=0)


def test_horizon_has_no_jump_at_the_switch() -> None:
    # C falls as w rises, so T rises; on an even grid of w across w = 4 its increments are
    # equal to first order: the two branches meet without a jump
    for alpha in (0.3, 1.0, 1.0 + 1e-9, 2.0, 3.0):
        ratios = 4.0 * (1.0 + np.linspace(-1e-6, 1e-6, 41))
        horizons = formulas.powerlaw_horizon(ORDER, _constant(1.0) / ratios, RISK, SIGMA, ETA, alpha)
        increments = np.diff(horizons)
        assert np.min(increments) > 0
        assert np.max(increments) / np.min(increments) < 1.0 + 1e-4


def test_horizon_is_finite_at_the_ends_and_broadcasts() -> None:
    # lambda = 0 (w = 0): the constant-rate horizon X (alpha eta / C)^p; w = 1e300: finite
    alpha = np.array([0.5, 1.0, 2.0])
    constant = 1e-3
    at_zero = formulas.powerlaw_horizon(ORDER, constant, 0.0, SIGMA, ETA, alpha)
    np.testing.assert_allclose(at_zero, ORDER * (alpha * ETA / constant) ** (1 / (alpha + 1)), rtol=1e-15)
    huge = formulas.powerlaw_horizon(ORDER, _constant(1e300), RISK, SIGMA, ETA, alpha)
    assert np.all(np.isfinite(huge)) and np.all(huge > 0)
    grid = formulas.powerlaw_horizon(
        ORDER, np.array([[_constant(1e-3)], [_constant(1e9)]]), RISK, SIGMA, ETA, alpha
    )
    assert grid.shape == (2, 3)
    for i, ratio in enumerate((1e-3, 1e9)):
        for j, a in enumerate(alpha):
            exact = _mp_horizon(ORDER, _constant(ratio), RISK, SIGMA, ETA, float(a))
            assert abs(grid[i, j] - exact) <= 1e-13 * exact
