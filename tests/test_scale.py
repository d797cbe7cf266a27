"""Scale-out with Dask: the same holdings and the same simulated paths as the numpy run."""

from __future__ import annotations

import numpy as np
import pytest

import acsym

da = pytest.importorskip("dask.array")


@pytest.fixture
def params() -> acsym.AlmgrenChrissParams:
    return acsym.calibrate_ac_params(50_000.0, 0.02, 0.05, 0.5)


def test_holdings_from_dask_arrays_are_the_numpy_holdings(params):
    orders = np.geomspace(1.0, 1e9, 700)
    lams = np.concatenate([[0.0], np.geomspace(1e-12, 1e3, 699)])  # TWAP, tiny and huge kappa T
    expected = acsym.generate_ac_holdings(orders, 30, params, lams)
    lazy = acsym.generate_ac_holdings(da.from_array(orders, chunks=256), 30, params, lams)
    assert isinstance(lazy, da.Array) and lazy.shape == expected.shape
    assert np.array_equal(lazy.compute(), expected)


def test_dask_holdings_broadcast_and_mark_bad_values(params):
    orders = da.from_array(np.array([1_000.0, -5.0, 2_000.0]), chunks=2)
    lams = np.array([[1e-6], [np.nan]])
    with pytest.warns(acsym.InputWarning):
        got = acsym.generate_ac_holdings(orders, 5, params, lams).compute()
    assert got.shape == (2, 3, 6)
    assert np.isnan(got[1]).all() and np.isnan(got[0, 1]).all()
    assert np.array_equal(
        got[0, [0, 2]], acsym.generate_ac_holdings(np.array([1_000.0, 2_000.0]), 5, params, 1e-6)
    )
    with pytest.raises(TypeError):
        acsym.generate_ac_holdings(orders, 5, {"eta": 1.0}, 1e-6)


def test_monte_carlo_on_a_local_cluster_is_bit_identical(params):
    distributed = pytest.importorskip("distributed")
    trajectory = acsym.generate_ac_trajectory(5_000.0, 20, params, 1e-5)
    local = acsym.simulate_execution(trajectory, params, 5_000, seed=11, return_samples=True)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = acsym.simulate_execution(
            trajectory, params, 5_000, seed=11, return_samples=True, client=client, chunk_size=1_500
        )
    assert np.array_equal(local.samples, remote.samples)
    assert remote.mean == local.mean and remote.quantiles == local.quantiles
    assert remote.seed_entropy == local.seed_entropy
