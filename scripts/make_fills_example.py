"""Write ``acsym/data/fills_example.csv``: synthetic fills for ``acsym calibrate``.

The orders follow the size form of the impact model that :func:`acsym.impact.calibrate_impact`
fits, ``slippage_bps = epsilon + c * daily_volatility * (Q / V) ** alpha``, with

* ``epsilon = 2`` bps, ``c = 8000`` bps per unit of daily volatility (Y = 0.8), ``alpha = 0.5``;
* 300 orders; ``Q / V`` log-uniform in [1e-4, 0.1]; daily volume ``V`` log-uniform in
  [2e5, 2e7] shares; ``Q`` rounded to whole shares (the slippage uses the rounded ``Q``);
  daily volatility uniform in [0.01, 0.04];
* noise: Gaussian, standard deviation 2 bps, on every order, plus an extra 30-80 bps
  (uniform) on 6 orders chosen at random (2 %, fills hit by news), so a least-squares and a
  robust fit (``acsym calibrate --robust``) visibly differ;
* numpy ``Generator`` (PCG64) with the fixed seed ``SEED``.

Run from the repository root: ``python scripts/make_fills_example.py``. The numbers are written
with 6 significant digits (volatility, slippage) or as integers (shares).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

SEED = 20240607
N_ORDERS = 300
EPSILON_BPS = 2.0
COEFFICIENT = 8000.0
ALPHA = 0.5
NOISE_BPS = 2.0
N_OUTLIERS = 6
OUTLIER_BPS = (30.0, 80.0)
TARGET = Path(__file__).resolve().parent.parent / "acsym" / "data" / "fills_example.csv"


def compute_fills(seed: int = SEED) -> dict[str, np.ndarray]:
    """The synthetic fills as columns (shares, shares/day, fraction/day, bps)."""
    rng = np.random.default_rng(seed)
    volume = np.round(10 ** rng.uniform(np.log10(2e5), np.log10(2e7), N_ORDERS))
    fraction = 10 ** rng.uniform(-4.0, -1.0, N_ORDERS)
    quantity = np.maximum(np.round(fraction * volume), 1.0)
    volatility = rng.uniform(0.01, 0.04, N_ORDERS)
    slippage = EPSILON_BPS + COEFFICIENT * volatility * (quantity / volume) ** ALPHA
    slippage += rng.normal(0.0, NOISE_BPS, N_ORDERS)
    outliers = rng.choice(N_ORDERS, N_OUTLIERS, replace=False)
    slippage[outliers] += rng.uniform(*OUTLIER_BPS, N_OUTLIERS)
    return {
        "quantity": quantity,
        "daily_volume": volume,
        "daily_volatility": volatility,
        "slippage_bps": slippage,
    }


def main() -> None:
    """Write the CSV file."""
    fills = compute_fills()
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    with TARGET.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(list(fills))
        for q, v, s, y in zip(*fills.values(), strict=True):
            writer.writerow([f"{q:.0f}", f"{v:.0f}", f"{s:.6g}", f"{y:.6g}"])
    print(f"wrote {TARGET} ({N_ORDERS} orders)")


if __name__ == "__main__":
    main()
