"""The model's symbols, their assumptions, and the names and units they carry at runtime.

Units: shares for quantities, currency per share for prices, and one *time unit* chosen by
the user (a day, a minute, a period) for ``tau`` and the horizon ``T``; every rate is per that
unit.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

# Order and schedule
X = sp.Symbol("X", positive=True)  # order size, shares
N = sp.Symbol("N", positive=True, integer=True)  # number of trading intervals
T = sp.Symbol("T", positive=True)  # horizon, time units
tau = sp.Symbol("tau", positive=True)  # interval length T / N, time units
t = sp.Symbol("t", nonnegative=True)  # time since the start, time units
j = sp.Symbol("j", integer=True, nonnegative=True)  # interval index
k = sp.Symbol("k", integer=True, positive=True)  # summation index

# Market
sigma = sp.Symbol("sigma", nonnegative=True)  # price volatility, currency / (share * time^1/2)
gamma = sp.Symbol("gamma", nonnegative=True)  # permanent impact, currency / share^2
eta = sp.Symbol("eta", positive=True)  # temporary impact, currency * time / share^2
epsilon = sp.Symbol("epsilon", nonnegative=True)  # fixed cost (half spread), currency / share
lam = sp.Symbol("lambda", nonnegative=True)  # risk aversion, 1 / currency

# Derived
eta_tilde = sp.Symbol("etatilde", positive=True)  # eta - gamma tau / 2, on the convex domain
kappa = sp.Symbol("kappa", nonnegative=True)  # decay rate, 1 / time
kappa_tilde = sp.Symbol("kappatilde", nonnegative=True)  # sqrt(lambda sigma^2 / eta_tilde)

# Schedules as arrays: holdings x_0..x_N and trades n_1..n_N
x = sp.IndexedBase("x", real=True)
n = sp.IndexedBase("n", real=True)
xi = sp.IndexedBase("xi", real=True)  # standard normal price shocks

# Drift (Almgren & Chriss 2000, the section on drift)
mu = sp.Symbol("mu", real=True)  # expected price drift, currency / (share * time)

# Soft deadline (Cartea, Jaimungal & Penalva 2015, ch. 6)
alpha_T = sp.Symbol("alpha_T", positive=True)  # terminal penalty per share left at T, currency / share^2

# Baskets (Almgren & Chriss 2000, the appendix on multiple securities)
covariance = sp.Symbol("C", real=True)  # an element of the price covariance, currency^2 / (share^2 time)


@dataclass(frozen=True)
class Argument:
    """How a model symbol appears in the generated functions."""

    symbol: sp.Basic
    name: str
    unit: str
    description: str


ARGUMENTS: dict[str, Argument] = {
    a.name: a
    for a in (
        Argument(X, "order_size", "shares", "order to sell, X > 0"),
        Argument(T, "horizon", "time units", "trading horizon T = N * tau > 0"),
        Argument(tau, "tau", "time units", "length of one trading interval, tau > 0"),
        Argument(t, "time", "time units", "time since the start, 0 <= time <= horizon"),
        Argument(sigma, "sigma", "currency / (share * time unit**0.5)", "price volatility, >= 0"),
        Argument(gamma, "gamma", "currency / share**2", "permanent impact coefficient, >= 0"),
        Argument(eta, "eta", "currency * time unit / share**2", "temporary impact coefficient, >= 0"),
        Argument(epsilon, "epsilon", "currency / share", "fixed cost per share (half spread), >= 0"),
        Argument(lam, "risk_aversion", "1 / currency", "risk aversion lambda >= 0"),
        Argument(
            eta_tilde,
            "eta_tilde",
            "currency * time unit / share**2",
            "eta - gamma * tau / 2, > 0 where the model is well posed",
        ),
        Argument(kappa, "kappa", "1 / time unit", "decay rate of the optimal schedule, >= 0"),
        Argument(n, "trade_sizes", "shares", "trades n_1..n_N along the last axis"),
        Argument(x, "holdings", "shares", "holdings x_0..x_N along the last axis"),
        Argument(mu, "drift", "currency / (share * time unit)", "expected price drift mu (> 0: rising)"),
        Argument(
            alpha_T,
            "terminal_penalty",
            "currency / share**2",
            "cost per share per share left at the horizon (shares q cost terminal_penalty * q**2)",
        ),
        Argument(
            covariance,
            "covariance",
            "currency**2 / (share**2 * time unit)",
            "covariance of the price changes per unit time (an element, or the whole matrix)",
        ),
    )
}

# Power-law temporary impact h(v) = epsilon sgn(v) + eta |v|^alpha (Almgren 2003): see powerlaw.py
alpha = sp.Symbol("alpha", positive=True)  # impact exponent (1: linear, 0.5: square root)
first_integral = sp.Symbol("C", nonnegative=True)  # alpha eta v^(alpha+1) - lambda sigma^2 x^2
trade = sp.Symbol("n_j", positive=True)  # one trade n_j = x_{j-1} - x_j of a sell schedule
next_trade = sp.Symbol("n_j+1", positive=True)  # the next trade n_{j+1} = x_j - x_{j+1}
holding = sp.Symbol("x_j", real=True)  # one holding x_j

ARGUMENTS.update(
    {
        a.name: a
        for a in (
            Argument(alpha, "alpha", "dimensionless", "impact exponent, h(v) = eta abs(v)**alpha, > 0"),
            Argument(
                first_integral,
                "first_integral",
                "currency / time unit",
                "C = alpha eta v**(alpha + 1) - risk_aversion sigma**2 x**2, constant on the optimum",
            ),
            Argument(trade, "trade", "shares", "a trade n_j = x_{j-1} - x_j > 0"),
            Argument(next_trade, "next_trade", "shares", "the next trade n_{j+1} = x_j - x_{j+1} > 0"),
            Argument(holding, "holding", "shares", "the holding x_j between the two trades"),
        )
    }
)

# Transient impact with resilience (Obizhaeva & Wang 2013): see transient.py
impact = sp.Symbol("iota", positive=True)  # price impact per share traded (1 / book depth)
rho = sp.Symbol("rho", positive=True)  # resilience: the impact decays like exp(-rho t)
other_time = sp.Symbol("s", nonnegative=True)  # a second time, for the kernel matrix
intervals = sp.Symbol("M", positive=True, integer=True)  # N as a runtime argument (N itself is a Sum's bound)

ARGUMENTS.update(
    {
        a.name: a
        for a in (
            Argument(impact, "impact", "currency / share**2", "price move per share traded, 1 / depth"),
            Argument(rho, "resilience", "1 / time unit", "decay rate rho of the transient impact, > 0"),
            Argument(other_time, "other_time", "time units", "a second time (kernel matrix column)"),
            Argument(intervals, "steps", "intervals", "number of intervals N >= 1 (N + 1 trade times)"),
        )
    }
)

# Basket schedules (Almgren & Chriss 2000, the appendix): whole matrices as runtime arguments
permanent_matrix = sp.Symbol("Gamma", real=True)  # the permanent impact matrix, currency / share^2
h_tilde_matrix = sp.Symbol("Htilde", real=True)  # H - Gamma tau / 2, currency time / share^2

ARGUMENTS.update(
    {
        a.name: a
        for a in (
            Argument(
                permanent_matrix,
                "permanent_impact",
                "currency / share**2",
                "permanent impact matrix Gamma (m x m, symmetric)",
            ),
            Argument(
                h_tilde_matrix,
                "h_tilde",
                "currency * time unit / share**2",
                "temporary impact matrix net of the permanent's discrete share, H - Gamma tau / 2 (m x m)",
            ),
        )
    }
)

# Soft deadline in discrete time: the holding x_N left for the block sale at T
unsold = sp.Symbol("x_N", nonnegative=True)  # shares left at the horizon, shares

ARGUMENTS["unsold"] = Argument(
    unsold, "unsold", "shares", "shares x_N left at the horizon, sold as one block, >= 0"
)

# Power-law impact per unit rate at a trade, eta (n / tau)^(alpha - 1) = h(v) / v less epsilon: the
# Newton solver evaluates one power per trade and writes f, f' and f'' in it (see powerlaw.py)
trade_eta = sp.Symbol("eta_j", positive=True)
# and f'(n), f''(n) of a trade, each evaluated once per trade, then shared by its two windows
marginal = sp.Symbol("fp_j", real=True)
next_marginal = sp.Symbol("fp_j+1", real=True)
curvature_j = sp.Symbol("fpp_j", real=True)
next_curvature = sp.Symbol("fpp_j+1", real=True)

ARGUMENTS.update(
    {
        a.name: a
        for a in (
            Argument(
                trade_eta,
                "trade_eta",
                "currency * time unit / share**2",
                "eta (n_j / tau)**(alpha - 1), the power-law impact per unit rate at trade n_j",
            ),
            Argument(
                marginal, "marginal_cost", "currency / share", "f'(n_j), the marginal cost of trade n_j"
            ),
            Argument(
                next_marginal, "next_marginal_cost", "currency / share", "f'(n_{j+1}) of the next trade"
            ),
            Argument(
                curvature_j, "curvature", "currency / share**2", "f''(n_j), the cost's curvature at n_j"
            ),
            Argument(
                next_curvature, "next_curvature", "currency / share**2", "f''(n_{j+1}) of the next trade"
            ),
        )
    }
)
