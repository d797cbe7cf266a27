"""Scale-out with Dask: batches of orders and Monte Carlo paths computed chunk by chunk.

The runtime stays numpy on one machine by default; these helpers are reached only when a Dask
array or a ``distributed`` client is passed (:func:`acsym.generate_ac_holdings` with Dask
arrays, :func:`acsym.simulate_execution` with ``client=``). Each chunk runs the numpy code
itself, so the results are the numpy results: holdings element for element, and simulated
paths bit for bit with the same seed (path i draws its shocks from block ``i // B`` of the seed
sequence wherever it is computed). Requires ``dask[array]`` (``acsym[dask]``), and
``distributed`` for a cluster.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from acsym._typing import FloatArray

if TYPE_CHECKING:
    from acsym.model import AlmgrenChrissParams


def is_dask(value: Any) -> bool:
    """Whether ``value`` is a Dask collection (without importing Dask)."""
    return hasattr(value, "__dask_graph__")


def dask_holdings(
    order_size: Any, duration_periods: int, params: AlmgrenChrissParams, risk_aversion: Any
) -> Any:
    """:func:`acsym.generate_ac_holdings` chunk by chunk: a lazy Dask array of shape
    ``broadcast(order_size, risk_aversion).shape + (N + 1,)``, chunked like the batch and whole
    along the time axis. Warnings about out-of-range values are emitted when a chunk is computed."""
    import dask.array as da

    from acsym.trajectory import _check_params, _periods, generate_ac_holdings

    _check_params(params)
    steps, _problem = _periods(duration_periods)  # TypeError now; range problems per chunk
    orders, lams = da.broadcast_arrays(
        da.asarray(order_size, dtype=np.float64), da.asarray(risk_aversion, dtype=np.float64)
    )
    lams = lams.rechunk(orders.chunks)
    width = (steps or 0) + 1

    def block(o: FloatArray, lam: FloatArray) -> FloatArray:
        return np.ascontiguousarray(generate_ac_holdings(o, duration_periods, params, lam))

    return da.map_blocks(
        block, orders, lams, new_axis=orders.ndim, chunks=(*orders.chunks, (width,)), dtype=np.float64
    )


def _path_range(
    trades: FloatArray,
    params: AlmgrenChrissParams,
    entropy: Any,
    spawn_key: tuple[int, ...],
    start: int,
    stop: int,
) -> FloatArray:
    """Shortfalls of paths start..stop-1, drawn exactly as :func:`acsym.simulation._simulate`
    draws them (``start`` is a multiple of the block)."""
    from acsym.simulation import _block_paths, _deterministic_shortfall, _path_shortfalls, _shock_weights

    weights = _shock_weights(trades, params)
    block = _block_paths(weights.size)
    buffer = np.empty((stop - start, weights.size))
    for first in range(start, stop, block):
        last = min(first + block, stop)
        child = np.random.SeedSequence(entropy, spawn_key=(*spawn_key, first // block))
        np.random.Generator(np.random.PCG64(child)).standard_normal(out=buffer[first - start : last - start])
    return _path_shortfalls(buffer, weights, _deterministic_shortfall(trades, params))


def simulate_paths(
    trades: FloatArray,
    params: AlmgrenChrissParams,
    n_paths: int,
    seed_sequence: np.random.SeedSequence,
    chunk_size: int,
    client: Any,
) -> FloatArray:
    """Every path's shortfall, in chunks of about ``chunk_size`` paths computed on ``client``
    (a ``distributed.Client``); the samples are those of the single-process run."""
    from acsym.simulation import _block_paths

    block = _block_paths(max(trades.size - 1, 0))
    chunk = max(block, chunk_size // block * block)
    starts = list(range(0, n_paths, chunk))
    entropy, spawn_key = seed_sequence.entropy, tuple(seed_sequence.spawn_key)
    futures = client.map(
        _path_range,
        [trades] * len(starts),
        [params] * len(starts),
        [entropy] * len(starts),
        [spawn_key] * len(starts),
        starts,
        [min(s + chunk, n_paths) for s in starts],
        pure=False,
    )
    return np.concatenate(client.gather(futures)) if starts else np.empty(0)
