"""
A desk schedule on the clock: optimal, VWAP and POV
===================================================

Buy 500,000 shares of a $100 stock (ADV 5 million, 2% daily volatility, a 1-cent spread)
between 09:30 and 16:00 in 5-minute buckets: the optimal schedule at a risk target of 40 bps,
VWAP on a U-shaped volume profile, and 15% of volume (POV), drawn on the clock with their
expected cost and risk in bps of the notional.
"""

import matplotlib.pyplot as plt

import acsym
from acsym.plots import plot_holdings, plot_trades

session = acsym.TradingSession.from_clock("09:30", "16:00", "5min", date="2026-11-25")
params = session.calibrate(5e6, 0.01, 0.02, 100.0)  # tau = 5 min / 6.5 h [trading days]
N = session.duration_periods  # 78 buckets

optimal = acsym.optimal_schedule(500_000, N, params, side="buy", target_std_bps=40)
vwap = acsym.generate_vwap_trajectory(500_000, N, params)
pov = acsym.pov_schedule(500_000, 0.15, 5e6, N, params, side="buy")
schedules = [optimal, vwap, pov]

fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 8), layout="constrained")
plot_holdings(schedules, session=session, ax=top)
plot_trades(schedules, session=session, ax=bottom)
plt.show()

# %%
# Each schedule priced on the same footing: expected cost and std in bps, the lambda of the
# optimal schedule with the same risk, and what the schedule pays over it.
for schedule in schedules:
    report = acsym.evaluate_schedule(schedule.trade_sizes, params, side="buy")
    print(
        f"{schedule.strategy_name:>16}: E {report.expected_cost_bps:6.2f} bps, "
        f"std {report.std_bps:6.2f} bps, implied lambda {report.implied_risk_aversion:.3g}, "
        f"excess {report.excess_cost_bps:5.2f} bps"
    )
