"""The batch form of the holdings (one sinh per element) against the stable form and mpmath."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

from acsym import AlmgrenChrissParams, formulas, generate_ac_holdings
from acsym import trajectory as trajectory_module
from acsym.derivation import batch, fast
from acsym.verify import DIGITS, mp_reference

RNG_SEED = 20261125


def _grid_points(size: int) -> tuple[np.ndarray, ...]:
    """Orders, times j, horizons N and kappa tau with kappa N log-uniform over the direct range."""
    rng = np.random.default_rng(RNG_SEED)
    steps = rng.integers(1, 5000, size).astype(float)
    kappa_t = 10 ** rng.uniform(-12, np.log10(batch.DIRECT_RANGE), size)
    kappa_t[:3] = [batch.DIRECT_RANGE, 1e-300, 1.0]  # the ends of the range
    order = 10 ** rng.uniform(0, 9, size)
    time = np.floor(rng.uniform(0, 1, size) * (steps + 1))
    return order, time, steps, kappa_t / steps


def test_runtime_range_is_the_derivations():
    assert trajectory_module.DIRECT_RANGE == batch.DIRECT_RANGE


def test_direct_form_matches_the_stable_form_to_1e_14():
    order, time, steps, kappa = _grid_points(200_000)
    direct = formulas.holdings_direct(order, time, steps, kappa)
    stable = formulas.holdings(order, time, steps, kappa)
    nonzero = stable != 0
    assert np.array_equal(direct == 0, ~nonzero)  # x_N = 0 exactly in both
    error = np.abs(direct[nonzero] - stable[nonzero]) / stable[nonzero]
    bad = np.flatnonzero(error > 1e-14)
    assert bad.size == 0, f"{bad.size} of {error.size} points bad, worst {error.max():.3g}"


def test_direct_form_matches_the_textbook_form_at_50_digits():
    order, time, steps, kappa = (c[:300] for c in _grid_points(300))
    values = formulas.holdings_direct(order, time, steps, kappa)
    reference = mp_reference("holdings_direct")
    bad = []
    with mpmath.workdps(DIGITS):
        for point in zip(order, time, steps, kappa, values, strict=True):
            exact = reference(*[mpmath.mpf(float(v)) for v in point[:4]])
            if exact == 0:
                continue
            error = float(abs((mpmath.mpf(float(point[4])) - exact) / exact))
            if not error <= 1e-14:
                bad.append((point, error))
    assert not bad, f"{len(bad)} of {len(values)} points bad:\n" + "\n".join(map(str, bad))


@pytest.fixture
def params() -> AlmgrenChrissParams:
    return AlmgrenChrissParams(eta=2.5e-6, gamma=2.5e-7, sigma=0.95, tau=1.0, epsilon=0.0625, price=50.0)


@pytest.mark.parametrize(
    "risk_aversion",
    [
        np.array([0.0, 1e-12, 1e-9, 1e-8]),  # TWAP and kappa T inside the direct range
        np.array([1e-6, 1e-4, 1e-2]),  # all outside it (kappa T up to ~6e4)
        np.array([0.0, 1e-10, 1e-7, 1e-6, 1e-2]),  # mixed
    ],
)
def test_batch_holdings_equal_the_stable_form(params, risk_aversion):
    orders = np.array([[1e3], [2.5e5], [1e6]])  # broadcast to (3, len(risk_aversion))
    steps = 100
    batch_holdings = generate_ac_holdings(orders, steps, params, risk_aversion)
    kappa_tau = formulas.kappa_tau(risk_aversion, params.sigma, params.eta_tilde, params.tau)
    expected = formulas.holdings(orders[..., None], np.arange(steps + 1.0), float(steps), kappa_tau[:, None])
    assert batch_holdings.shape == (3, risk_aversion.size, steps + 1)
    # 1e-14 in the direct range; past it the urgent form (acsym.derivation.fast) rounds kappa t
    # uncompensated, kappa t eps / 2 relative (the stable form compensates it)
    kappa_horizon = kappa_tau[:, None] * steps
    eps = np.finfo(np.float64).eps
    rtol = np.where(kappa_horizon <= batch.DIRECT_RANGE, 1e-14, 1e-14 + kappa_horizon * eps)
    assert np.all(np.abs(batch_holdings - expected) <= rtol * np.abs(expected))
    twap = risk_aversion == 0
    np.testing.assert_array_equal(batch_holdings[:, twap], expected[:, twap])  # TWAP exactly


def test_batch_holdings_of_a_scalar_order(params):
    holdings = generate_ac_holdings(1e6, 10, params, 1e-9)
    assert holdings.shape == (11,)
    assert holdings[0] == 1e6 and holdings[-1] == 0.0  # the boundaries exactly


@pytest.mark.parametrize("chunk", [1, 7, 2**18])
def test_chunked_batch_equals_one_piece(params, monkeypatch, chunk):
    monkeypatch.setattr(trajectory_module, "_CHUNK", chunk)
    orders = np.array([[1e3], [2.5e5]])
    lams = np.array([0.0, 1e-10, 1e-7, 1e-2, 1e20])
    steps = 9
    holdings = generate_ac_holdings(orders, steps, params, lams)
    kappa_tau = formulas.kappa_tau(lams, params.sigma, params.eta_tilde, params.tau)
    direct = (kappa_tau > 0) & (kappa_tau * steps <= batch.DIRECT_RANGE)
    urgent = (kappa_tau * steps > batch.DIRECT_RANGE) & (kappa_tau * steps <= fast.URGENT_RANGE)
    assert direct.any() and urgent.any() and not (direct | urgent).all()
    time = np.arange(steps + 1.0)
    expected = np.where(
        direct[:, None],
        formulas.holdings_direct(
            orders[..., None], time, float(steps), np.where(direct, kappa_tau, 1.0)[:, None]
        ),
        np.where(
            urgent[:, None],
            formulas.holdings_urgent(
                orders[..., None], time, float(steps), np.where(urgent, kappa_tau, 1.0)[:, None]
            ),
            formulas.holdings(orders[..., None], time, float(steps), kappa_tau[:, None]),
        ),
    )
    expected[..., 0] = orders
    np.testing.assert_array_equal(holdings, expected)
