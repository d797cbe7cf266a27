"""
Square-root impact against its linear secant
============================================

The impact fit on fills says slippage grows like the square root of the size (alpha near
0.5); the base model's impact is linear. Here are the optimal schedules for 200,000 shares of
a $50 stock (ADV 1 million, 2% daily volatility, a 5-cent spread) over one day in 10 buckets,
under the fitted power law and under the linear impact that matches it at the order's average
rate (its secant), at three risk aversions. Trading faster than average costs less under the
concave law than its secant says, so the power-law schedules start faster.
"""

import matplotlib.pyplot as plt

import acsym
from acsym.impact import calibrate_impact, example_fills_path

fit = calibrate_impact(example_fills_path(), robust=True)
market = dict(daily_volume=1e6, daily_spread=0.05, daily_volatility=0.02, price=50.0, tau=1 / 10)
powerlaw = acsym.powerlaw_params_from_fit(fit, **market)
linear = acsym.calibrate_ac_params(**market, source_calibration=fit, trading_rate=200_000)

fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
for i, lam in enumerate((1e-7, 1e-6, 1e-5)):  # [1 / $]
    curved = acsym.generate_powerlaw_trajectory(200_000, 10, powerlaw, risk_aversion=lam)
    straight = acsym.generate_ac_trajectory(200_000, 10, linear, risk_aversion=lam)
    ax.plot(
        curved.timestamps,
        curved.holdings,
        "-",
        color=f"C{i}",
        label=f"alpha = {powerlaw.alpha:.2f}, lambda = {lam:g}",
    )
    ax.plot(straight.timestamps, straight.holdings, "--", color=f"C{i}", label=f"linear, lambda = {lam:g}")
ax.set(xlabel="time [trading days]", ylabel="holdings [shares]")
ax.legend()
plt.show()
