"""
The efficient frontier
======================

Every optimal schedule from TWAP (lambda = 0) to the market order, with TWAP, VWAP and one
Almgren-Chriss schedule marked, for a liquid stock: ADV 5 million shares, $100, 2% daily
volatility, a 1-cent spread, 500,000 shares over one day in 78 five-minute buckets. The inset
zooms on the strategies the market order's cost would squash into a sliver.
"""

import matplotlib.pyplot as plt

import acsym
from acsym.plots import plot_frontier

params = acsym.calibrate_ac_params(5e6, 0.01, 0.02, 100.0, tau=1 / 78)
frontier = acsym.efficient_frontier(500_000, 78, params, points=201)
strategies = [
    acsym.generate_twap_trajectory(500_000, 78, params),
    acsym.generate_vwap_trajectory(500_000, 78, params),
    acsym.generate_market_order_trajectory(500_000, 78, params),
    acsym.generate_ac_trajectory(500_000, 78, params, risk_aversion=1e-6),
]
fig, ax = plt.subplots(figsize=(7, 5.6), layout="constrained")
plot_frontier(frontier, strategies, ax=ax)
plt.show()

# %%
# The lambda with a given risk: the frontier solves for it over all targets at once.
lam = frontier.risk_aversion_for_variance(300_000.0**2)
print(f"lambda for a std of $300,000: {float(lam):.3g} per $")
