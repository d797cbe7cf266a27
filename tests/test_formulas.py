"""The generated numpy functions against the derivation's textbook forms in mpmath."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

from acsym import formulas
from acsym.verify import DIGITS, mp_reference

RNG_SEED = 20261125


def _log_uniform(rng: np.random.Generator, low: float, high: float, size: int) -> np.ndarray:
    return 10 ** rng.uniform(np.log10(low), np.log10(high), size)


def _points(name: str, size: int = 60) -> list[tuple[float, ...]]:
    rng = np.random.default_rng(RNG_SEED)
    steps = rng.integers(1, 2000, size).astype(float)
    tau = _log_uniform(rng, 1e-3, 1e2, size)
    horizon = steps * tau
    kappa_t = _log_uniform(rng, 1e-10, 3e3, size)
    kappa = kappa_t / horizon
    order = _log_uniform(rng, 1, 1e9, size)
    time = np.floor(rng.uniform(0, 1, size) * (steps + 1)) * tau
    time_trade = np.maximum(time, tau)
    eta = _log_uniform(rng, 1e-9, 1e-2, size)
    gamma = _log_uniform(rng, 1e-10, 1e-3, size)
    sigma = _log_uniform(rng, 1e-3, 1e2, size)
    lam = _log_uniform(rng, 1e-12, 1e-2, size)
    eps = _log_uniform(rng, 1e-4, 1.0, size)
    columns = {
        "eta_tilde": (eta, gamma, tau),
        "kappa": (lam, sigma, eta, tau),
        "kappa_continuous": (lam, sigma, eta),
        "holdings": (order, time, horizon, kappa),
        "trade_sizes": (order, time_trade, horizon, kappa, tau),
        "expected_cost": (order, horizon, tau, kappa, gamma, eta, eps),
        "variance": (order, horizon, tau, kappa, sigma),
    }
    return list(zip(*columns[name], strict=True))


@pytest.mark.parametrize(
    "name",
    ["eta_tilde", "kappa", "kappa_continuous", "holdings", "trade_sizes", "expected_cost", "variance"],
)
def test_generated_function_matches_textbook_form_at_50_digits(name):
    points = _points(name)
    columns = [np.array(c) for c in zip(*points, strict=True)]
    values = getattr(formulas, name)(*columns)  # one vectorised call
    reference = mp_reference(name)
    bad = []
    with mpmath.workdps(DIGITS):
        for point, value in zip(points, values, strict=True):
            exact = reference(*[mpmath.mpf(float(v)) for v in point])
            if exact == 0 or abs(exact) < 1e-300:
                continue  # the value underflows; its accuracy is issue-5 territory
            error = float(abs((mpmath.mpf(float(value)) - exact) / exact))
            if not error <= 1e-12:
                bad.append((point, float(value), float(exact), error))
    assert not bad, f"{len(bad)} of {len(points)} points bad:\n" + "\n".join(map(str, bad))


def test_kappa_zero_is_twap_to_the_last_bit():
    steps = 7
    j = np.arange(steps + 1)
    x = formulas.holdings(1234.5, j, steps, 0.0)
    np.testing.assert_array_equal(x, 1234.5 * ((steps - j) / steps))
    n = formulas.trade_sizes(1234.5, j[1:], steps, 0.0, 1.0)
    np.testing.assert_array_equal(n, 1234.5 * (1.0 / steps))


def test_holdings_start_at_the_order_and_end_at_zero():
    kappa_tau = np.array([0.0, 1e-12, 1e-3, 1.0, 50.0, 800.0, 1e4])[:, None]
    j = np.arange(11)
    x = formulas.holdings(1e6, j, 10, kappa_tau)
    assert x.shape == (7, 11)
    np.testing.assert_array_equal(x[:, 0], 1e6)
    np.testing.assert_array_equal(x[:, -1], 0.0)
    assert np.all(np.isfinite(x)) and np.all(np.diff(x, axis=-1) <= 0)


def test_no_overflow_at_long_horizons():
    # sinh(kappa T) overflows past 710; the stable forms must not.
    kappa_t = np.array([700.0, 720.0, 5e3, 1e5])
    args = (1e6, kappa_t, 1.0, 1.0)
    assert np.all(np.isfinite(formulas.expected_cost(1e6, kappa_t, 1.0, 1.0, 1e-7, 1e-6, 0.01)))
    assert np.all(np.isfinite(formulas.variance(*args, 0.02)))
    x1 = formulas.holdings(1e6, 1.0, kappa_t, 1.0)
    np.testing.assert_allclose(x1, 1e6 * np.exp(-1.0), rtol=1e-14)  # x_1 -> X e^-kappa tau


def test_schedule_formulas_equal_the_closed_forms_on_the_optimal_schedule():
    tau, steps = 0.5, 40
    kappa = np.array([0.0, 0.01, 0.7, 3.0])[:, None]
    j = np.arange(steps + 1) * tau
    x = formulas.holdings(5e4, j, steps * tau, kappa)
    n = formulas.trade_sizes(5e4, j[1:], steps * tau, kappa, tau)
    e_sum = formulas.schedule_expected_cost(n, tau, 1e-7, 2e-6, 0.005)
    v_sum = formulas.schedule_variance(x, tau, 0.03)
    e = formulas.expected_cost(5e4, steps * tau, tau, kappa[:, 0], 1e-7, 2e-6, 0.005)
    v = formulas.variance(5e4, steps * tau, tau, kappa[:, 0], 0.03)
    np.testing.assert_allclose(e_sum, e, rtol=1e-13)
    np.testing.assert_allclose(v_sum, v, rtol=1e-13)


def test_schedule_formulas_against_math_fsum():
    import math

    rng = np.random.default_rng(1)
    n = rng.uniform(-5, 100, 37)
    x = np.concatenate([[n.sum()], n.sum() - np.cumsum(n)])
    cost = formulas.schedule_expected_cost(n, 0.25, 3e-3, 4e-2, 0.05)
    total = math.fsum(n)
    expected = (
        0.5 * 3e-3 * total**2
        + 0.05 * math.fsum(abs(v) for v in n)
        + 4e-2 / 0.25 * math.fsum(v * v for v in n)
    )
    assert cost == pytest.approx(expected, rel=1e-13)
    assert formulas.schedule_variance(x, 0.25, 0.3) == pytest.approx(
        0.09 * 0.25 * math.fsum(v * v for v in x[1:]), rel=1e-13
    )


def test_scalars_give_scalars_and_arrays_broadcast():
    value = formulas.kappa(1e-6, 0.02, 1e-6, 1.0)
    assert np.ndim(value) == 0 and isinstance(float(value), float)
    grid = formulas.kappa(np.logspace(-8, -2, 5)[:, None], np.array([0.01, 0.02, 0.03]), 1e-6, 1.0)
    assert grid.shape == (5, 3)
    assert formulas.kappa(0.0, 0.02, 1e-6, 1.0) == 0.0
