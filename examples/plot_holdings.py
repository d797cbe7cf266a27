"""
Holdings for several risk aversions
===================================

How the urgency kappa shapes the schedule: from TWAP (a straight line) to front-loaded
schedules, with VWAP for comparison.
"""

import matplotlib.pyplot as plt

import acsym
from acsym.plots import plot_holdings, plot_trades

params = acsym.calibrate_ac_params(5e6, 0.01, 0.02, 100.0, tau=1 / 78)
schedules = [acsym.generate_ac_trajectory(500_000, 78, params, lam) for lam in (0.0, 3e-7, 1e-6, 3e-6)]
schedules.append(acsym.generate_vwap_trajectory(500_000, 78, params))
fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 8), layout="constrained")
plot_holdings(schedules, ax=top)
plot_trades(schedules, ax=bottom)
plt.show()
