"""
Comparing strategies
====================

Holdings, trades per bucket, simulated cost distributions on one shared axis (with the value at
risk and the expected shortfall at 95%) and the frontier, for the seed plan's example.
"""

import matplotlib.pyplot as plt

import acsym
from acsym.plots import plot_comparison

params = acsym.calibrate_ac_params(50_000, 0.02, 0.05, 0.50)
strategies = [
    acsym.generate_twap_trajectory(5_000, 10, params),
    acsym.generate_vwap_trajectory(5_000, 10, params),
    acsym.generate_market_order_trajectory(5_000, 10, params),
    acsym.generate_ac_trajectory(5_000, 10, params, risk_aversion=1e-2),
]
results = [acsym.simulate_execution(s, params, 20_000, seed=1, return_samples=True) for s in strategies]
frontier = acsym.efficient_frontier(5_000, 10, params, points=101)
fig = plt.figure(figsize=(13, 9.5), layout="constrained")
plot_comparison(strategies, results, frontier=frontier, figure=fig)
plt.show()

# %%
# The simulated moments against the derived ones (gap in standard errors):
for r in results:
    print(f"{r.strategy_name:>15}: mean {r.mean:8.2f} (E {r.expected_cost:8.2f}, gap {r.mean_gap:+.2f})")
