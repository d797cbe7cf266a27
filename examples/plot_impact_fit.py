"""
The impact fit from fills
=========================

Fit the power-law impact model ``slippage = epsilon + c * sigma * (Q/V)^alpha`` [bps] to the
shipped synthetic fills (300 orders; the true values are epsilon 2 bps, c 8000, alpha 0.5),
once by least squares and once with a robust (soft-L1) loss, and compare both with the seed's
heuristic linear impact. The slippage is divided by each fill's daily volatility so every
order sits on one curve.
"""

import matplotlib.pyplot as plt
import numpy as np

import acsym
from acsym.impact import calibrate_impact, example_fills_path, read_fills

fills = read_fills(example_fills_path())
x = fills["quantity"] / fills["daily_volume"]  # order size as a fraction of ADV
sigma = fills["daily_volatility"]  # daily volatility, a fraction
fit = calibrate_impact(fills)
robust = calibrate_impact(fills, robust=True)

# the seed's heuristics (1% of ADV moves the price by one spread, ...) for a $100 stock with a
# 1-cent spread and 2% volatility: expected cost of trading X = x * ADV over one day, in bps
params = acsym.calibrate_ac_params(5e6, 0.01, 0.02, 100.0)
grid = np.logspace(np.log10(x.min()), np.log10(x.max()), 200)
heuristic_bps = [acsym.generate_twap_trajectory(q * 5e6, 1, params).total_cost_estimate for q in grid]

fig, ax = plt.subplots(figsize=(7, 5), layout="constrained")
ax.scatter(x, (fills["slippage_bps"] - fit.epsilon) / sigma / 1e4, s=8, alpha=0.4, label="fills")
for result, label in ((fit, "least squares"), (robust, "robust (soft-L1)")):
    curve = (result.slippage_bps(grid, 1.0) - result.epsilon) / 1e4
    ax.plot(grid, curve, label=f"{label}: alpha = {result.alpha:.3f} ± {result.alpha_stderr:.3f}")
ax.plot(grid, (np.asarray(heuristic_bps) - 0.5) / 0.02 / 1e4, "--", label="seed heuristic (linear)")
ax.set(
    xscale="log",
    yscale="log",
    xlabel="order size Q / V (fraction of ADV)",
    ylabel="(slippage - epsilon) / daily volatility",
)
ax.legend(loc="upper left")
plt.show()

# %%
# The same robust fit as `acsym calibrate --robust --plot` draws it: every fill coloured by its
# volatility, the fitted curve at the 10th, 50th and 90th percentiles of volatility.
from acsym.plots import plot_impact_fit  # noqa: E402

fig, ax = plt.subplots(figsize=(8, 5.5), layout="constrained")
plot_impact_fit(robust, example_fills_path(), ax=ax)
plt.show()

# %%
# At 10% of ADV on this stock, what the two calibrations say (bps of notional):
print(
    f"fit: {float(fit.slippage_bps(0.1, 0.02)):.1f} bps; heuristic: "
    f"{acsym.generate_twap_trajectory(5e5, 1, params).total_cost_estimate:.1f} bps"
)
