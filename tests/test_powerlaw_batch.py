"""The power-law Newton solver's batch machinery: blocks, the tridiagonal sweep, the active set."""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import acsym
from acsym.models import powerlaw

BASE = acsym.AlmgrenChrissParams(eta=2.5e-6, gamma=2.5e-8, sigma=0.95, tau=1.0)


def _params(alpha: float) -> acsym.AlmgrenChrissParams:
    return replace(
        BASE, alpha=alpha, eta=BASE.eta * 1e5 ** (1 - alpha), gamma=0.0 if alpha > 1 else BASE.gamma
    )


@pytest.mark.parametrize("alpha", [0.5, 1.0, 1.5])
def test_a_batch_in_blocks_is_the_batch_at_once(alpha: float, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(7)
    orders, lams = 10 ** rng.uniform(4, 6.5, 23), 10 ** rng.uniform(-8, -5, 23)
    whole = powerlaw.generate_powerlaw_holdings(orders, 10, _params(alpha), lams)
    monkeypatch.setattr(powerlaw, "_CHUNK", 50)  # blocks of 4 orders, the last of 3
    blocks = powerlaw.generate_powerlaw_holdings(orders, 10, _params(alpha), lams)
    np.testing.assert_allclose(blocks, whole, rtol=0, atol=1e-15 * np.max(orders))
    # and every order alone
    for i in (0, 5, 22):
        alone = powerlaw.generate_powerlaw_holdings(orders[i], 10, _params(alpha), lams[i])
        np.testing.assert_allclose(alone, whole[i], rtol=0, atol=1e-15 * orders[i])


@settings(max_examples=30, deadline=None)
@given(size=st.integers(1, 12), batch=st.integers(1, 5), seed=st.integers(0, 2**32 - 1))
def test_the_sweep_solves_every_tridiagonal_system(size: int, batch: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    upper = -rng.uniform(0.0, 1.0, (size - 1, batch))
    # diagonally dominant, hence positive definite (as the Hessian on sell schedules)
    padded = np.zeros((size + 1, batch))
    padded[1:-1] = -upper
    diagonal = padded[:-1] + padded[1:] + rng.uniform(0.1, 2.0, (size, batch))
    rhs = rng.normal(size=(size, batch))
    ours = powerlaw._solve_tridiagonal(diagonal.copy(), upper, rhs)
    for b in range(batch):
        matrix = np.diag(diagonal[:, b]) + np.diag(upper[:, b], 1) + np.diag(upper[:, b], -1)
        np.testing.assert_allclose(ours[:, b], np.linalg.solve(matrix, rhs[:, b]), rtol=1e-12, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    alpha=st.sampled_from([0.2, 0.5, 0.8, 0.99, 1.01, 1.5, 3.0]),
    steps=st.integers(1, 300),
    log_orders=st.lists(st.floats(0.0, 9.0), min_size=1, max_size=4),
    log_lam=st.one_of(st.just(-np.inf), st.floats(-12.0, 2.0)),
)
def test_newtons_start_is_a_sell_schedule(
    alpha: float, steps: int, log_orders: list[float], log_lam: float
) -> None:
    # what Newton needs from any start: x_0 = X and x_N = 0 exactly, no trade < 0, and for
    # alpha < 1 (where f'' is infinite at 0) every trade > 0
    orders = 10 ** np.array(log_orders)
    lams = np.full(orders.shape, 10**log_lam)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning from the start's formulas
        start = powerlaw._initial(orders, steps, _params(alpha), lams)
    trades = start[:, :-1] - start[:, 1:]
    assert np.all(start[:, 0] == orders) and np.all(start[:, -1] == 0.0)
    assert np.all(np.isfinite(start)) and np.all(trades >= 0)
    if alpha < 1:
        assert np.all(trades > 0)
