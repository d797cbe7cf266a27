"""
A basket: two stocks sold together
==================================

Sell 1,000,000 shares of one $100 stock and 500,000 of another over one day in 20 buckets,
at three correlations of their price moves. Together, the basket's risk is what matters, so
the schedule of each depends on the other. Negatively correlated, the second position hedges
the first and is sold slowly; positively correlated, it adds to the risk and is sold fast, even
past zero (a small short that hedges the rest of the first) before it is bought back. The
optimal basket schedule is a sum of modes, each with its own urgency kappa.
"""

import matplotlib.pyplot as plt
import numpy as np

import acsym

orders = np.array([1e6, 5e5])  # shares
impact, permanent = [2.5e-6, 1e-6], [2.5e-7, 1e-7]  # eta [$ day / share^2], gamma [$ / share^2]
tau, N, lam = 1 / 20, 20, 1e-6  # days; intervals; 1 / $
variances = np.array([6.25, 4.0])  # ($ per share)^2 per day: 2.5% and 2% of $100

fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
for correlation, style in ((-0.8, "-"), (0.0, ":"), (0.8, "--")):
    cross = correlation * np.sqrt(variances[0] * variances[1])
    covariance = [[variances[0], cross], [cross, variances[1]]]
    basket = acsym.generate_basket_trajectory(orders, N, covariance, impact, permanent, lam, tau=tau)
    for asset in range(2):
        ax.plot(
            basket.timestamps,
            basket.holdings[:, asset] / orders[asset],
            style,
            color=f"C{asset}",
            label=f"stock {asset + 1}, correlation {correlation:+.1f}",
        )
ax.set(xlabel="time [trading days]", ylabel="holdings [fraction of the order]")
ax.legend()
plt.show()

# %%
# The expected cost and risk of the basket, and a Monte Carlo check of the expected cost.
covariance = [[6.25, -4.0], [-4.0, 4.0]]
basket = acsym.generate_basket_trajectory(orders, N, covariance, impact, permanent, lam, tau=tau)
simulated = acsym.simulate_execution(basket, basket.params, 2_000, seed=1)
print(
    f"E = ${basket.expected_cost:,.0f} (simulated ${simulated.mean:,.0f} ± {simulated.mean_stderr:,.0f}), "
    f"std = ${np.sqrt(basket.variance):,.0f}; mode kappas {basket.kappas} per day"
)
