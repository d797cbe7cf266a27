"""Derivations behind the desk features (acsym.limits, acsym.clock): the algebra the runtime
uses, proved equal to the model's expected cost and variance.

- The bounded QP of :func:`acsym.limits.optimal_schedule_with_limits` minimises E + lambda Var
  written in the trades as fractions u = n / X of a fixed order X: up to terms that are constant
  when the trades sum to X, it is (X^2 eta_tilde / tau) (u' Q u - 2 w' u) with
  Q_ij = delta_ij + a (N + 1 - max(i, j)), w_j = a (N + 1 - j) and
  a = lambda sigma^2 tau^2 / eta_tilde.
- The cumulative expected cost of :func:`acsym.clock.trajectory_frame`: the expected cost of
  trades n_1..n_k, trade by trade (each pays the permanent impact of the earlier ones and its own
  temporary impact), equals the arbitrary-schedule expected cost of the prefix n_1..n_k.
"""

from __future__ import annotations

import sympy as sp

from acsym.derivation import discrete
from acsym.derivation.symbols import X, epsilon, eta, eta_tilde, gamma, lam, sigma, tau


def limits_quadratic_residual(steps: int) -> sp.Expr:
    """E + lambda Var minus the runtime's quadratic form, for ``steps`` intervals (0 if it holds).

    E and Var are the model's (:func:`acsym.derivation.discrete.expected_cost`, ``variance``)
    with x_k = X - (n_1 + ... + n_k); the residual keeps the terms that do not depend on the
    trades once they sum to X (gamma X^2 / 2, epsilon X and a constant), written out.
    """
    trades = [discrete.n[i] for i in range(1, steps + 1)]
    holdings = [X - sp.Add(*trades[:i]) for i in range(1, steps + 1)]
    cost = discrete.expected_cost().subs(
        {
            discrete.sum_abs_trades: sp.Add(*trades),
            discrete.sum_squared_trades: sp.Add(*[v**2 for v in trades]),
        }
    )
    variance = sigma**2 * tau * sp.Add(*[h**2 for h in holdings])
    a = lam * sigma**2 * tau**2 / eta_tilde
    u = [v / X for v in trades]
    quadratic = sp.Add(
        *[
            (int(i == j) + a * (steps + 1 - max(i, j))) * u[i - 1] * u[j - 1]
            for i in range(1, steps + 1)
            for j in range(1, steps + 1)
        ]
    ) - 2 * sp.Add(*[a * (steps + 1 - j) * u[j - 1] for j in range(1, steps + 1)])
    constant = gamma * X**2 / 2 + epsilon * sp.Add(*trades) + X**2 * eta_tilde / tau * a * steps
    return sp.expand(cost + lam * variance - (X**2 * eta_tilde / tau * quadratic + constant))


def cumulative_cost_residual(steps: int) -> sp.Expr:
    """Trade-by-trade expected cost of n_1..n_steps minus the schedule formula of that prefix.

    Trade k executes at E[S_{k-1}] - epsilon - eta n_k / tau with E[S_{k-1}] = S_0 -
    gamma (n_1 + ... + n_{k-1}): it costs n_k (gamma (n_1 + ... + n_{k-1}) + epsilon + eta n_k / tau)
    (trades of one sign, so |n_k| = n_k).
    """
    trades = [discrete.n[i] for i in range(1, steps + 1)]
    by_trade = sp.Add(
        *[v * (gamma * sp.Add(*trades[:i]) + epsilon + eta * v / tau) for i, v in enumerate(trades)]
    )
    prefix = discrete.expected_cost().subs(
        {
            discrete.sum_abs_trades: sp.Add(*trades),
            discrete.sum_squared_trades: sp.Add(*[v**2 for v in trades]),
            X: sp.Add(*trades),
            eta_tilde: discrete.eta_tilde_definition(),
        }
    )
    return sp.expand(by_trade - prefix)
