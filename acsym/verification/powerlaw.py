"""Verification of the power-law impact model (Almgren 2003).

Two oracles:

1. every generated ``powerlaw_*`` function against its textbook form in mpmath (the horizon's
   reference is the direct 2F1 of SymPy's integral, evaluated by mpmath.hyp2f1; the printed form
   is Pfaff's transformation below w = lambda sigma^2 X^2 / C = 4 and the connection formula at
   infinity above, held to BOUND for every w, with w up to 1e12 and alpha = 1 and 1 +- 1e-9
   among the points). The gradient is a difference
   of nearly equal marginal costs near the optimum, so each point's bound is BOUND times its
   condition number, sum |terms| / |gradient|, computed in mpmath;
2. the Newton schedule against the minimiser of E + lambda Var written directly in mpmath (the
   model's definition, not the derivation's gradient), found by mpmath.findroot on its
   numerical gradient at 40 digits: errors in units of the order size.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from acsym import formulas
from acsym.verify import BOUND, GENERATED, Row, Settings, compute_row, mp_converged, mp_reference

#: the Newton schedule is held to this, in units of the order size
SCHEDULE_BOUND = 1e-12


def _log_uniform(rng: np.random.Generator, low: float, high: float, size: int) -> Any:
    return np.exp(rng.uniform(np.log(low), np.log(high), size))


def compute_points(size: int, seed: int) -> dict[str, tuple[Any, ...]]:
    """Arguments of every generated power-law function, as parallel arrays."""
    rng = np.random.default_rng(seed + 16)
    tau = _log_uniform(rng, 1e-3, 1e2, size)
    alpha = np.concatenate([[1.0, 0.5, 2.0], rng.uniform(0.2, 2.5, size - 3)])
    order = _log_uniform(rng, 1.0, 1e9, size)
    trade = order * _log_uniform(rng, 1e-4, 1.0, size)
    next_trade = trade * _log_uniform(rng, 0.2, 5.0, size)
    holding = order * rng.uniform(0.0, 1.0, size)
    eta = _log_uniform(rng, 1e-9, 1e-2, size)
    # gamma below the curvature at the trades, so the Hessian entries are the convex ones
    curvature = alpha * (alpha + 1) * eta * np.minimum(trade, next_trade) ** (alpha - 1) / tau**alpha
    gamma = curvature * rng.uniform(0.0, 0.9, size)
    sigma = _log_uniform(rng, 1e-3, 1e2, size)
    lam = np.concatenate([[0.0], _log_uniform(rng, 1e-10, 1e-2, size - 1)])
    epsilon = _log_uniform(rng, 1e-4, 1.0, size)
    # C from w = lambda sigma^2 X^2 / C in [1e-6, 1e12]
    w = _log_uniform(rng, 1e-6, 1e12, size)
    positive_lam = np.where(lam > 0, lam, 1e-6)
    constant = positive_lam * sigma**2 * order**2 / w
    # the horizon also at alpha = 1 (its logarithmic case) and on either side, at large w
    horizon_alpha, horizon_w = alpha.copy(), w.copy()
    horizon_alpha[3:6], horizon_w[3:6] = (1.0, 1.0 + 1e-9, 1.0 - 1e-9), (1e12, 1e9, 1e6)
    horizon_constant = positive_lam * sigma**2 * order**2 / horizon_w
    steps = rng.integers(1, 12, size)
    schedules = [order[i] * rng.dirichlet(np.ones(steps[i])) for i in range(size)]
    # the Newton solver's forms: one power per trade (eta_j), then f' and f'' of each trade
    trade_eta = eta * (trade / tau) ** (alpha - 1)
    marginal = ((alpha + 1) * trade_eta / tau - gamma) * trade
    next_marginal = marginal * _log_uniform(rng, 0.2, 5.0, size)
    curvature = alpha * (alpha + 1) * trade_eta / tau - gamma
    next_curvature = curvature * _log_uniform(rng, 0.2, 5.0, size)
    # the C = 0 schedule for alpha < 0.95 at times where u = (beta - 1) k X**(beta - 1) t runs
    # from 1e-6 (the start) to 1e3 (the tail: x / X down to e**-270, exp's rounding 270 eps)
    growth = _log_uniform(rng, 1e-6, 1e3, size)
    at_zero = tuple(a[alpha < 0.95] for a in (order, growth, positive_lam, sigma, eta, alpha))
    z_order, z_growth, z_lam, z_sigma, z_eta, z_alpha = at_zero
    excess = (1 - z_alpha) / (1 + z_alpha)
    speed = (z_lam * z_sigma**2 / (z_alpha * z_eta)) ** (1 / (z_alpha + 1)) * z_order**excess
    return {
        "powerlaw_holdings_at_zero": (z_order, z_growth / (excess * speed), z_lam, z_sigma, z_eta, z_alpha),
        "powerlaw_trade_eta": (trade, tau, eta, alpha),
        "powerlaw_marginal_cost": (trade, trade_eta, tau, gamma, alpha),
        "powerlaw_curvature": (trade_eta, tau, gamma, alpha),
        "powerlaw_gradient_from_marginals": (marginal, next_marginal, holding, tau, sigma, lam),
        "powerlaw_hessian_diagonal_from_curvatures": (curvature, next_curvature, tau, sigma, lam),
        "powerlaw_hessian_offdiagonal_from_curvature": (next_curvature,),
        "powerlaw_period_objective": (trade, trade_eta, holding, tau, gamma, sigma, lam),
        "powerlaw_gradient": (trade, next_trade, holding, tau, eta, gamma, alpha, sigma, lam),
        "powerlaw_hessian_diagonal": (trade, next_trade, tau, eta, gamma, alpha, sigma, lam),
        "powerlaw_hessian_offdiagonal": (next_trade, tau, eta, gamma, alpha),
        "powerlaw_schedule_expected_cost": (schedules, tau, gamma, eta, epsilon, alpha),
        "powerlaw_rate": (holding, constant, positive_lam, sigma, eta, alpha),
        "powerlaw_horizon": (order, horizon_constant, positive_lam, sigma, eta, horizon_alpha),
        "powerlaw_horizon_at_zero": (
            order[alpha > 1],
            positive_lam[alpha > 1],
            sigma[alpha > 1],
            eta[alpha > 1],
            alpha[alpha > 1],
        ),
    }


def mp_schedule_expected_cost(trades: Any, tau: Any, gamma: Any, eta: Any, epsilon: Any, alpha: Any) -> Any:
    """The expected cost of a schedule from the model's definition, in mpmath: trade k pays
    |n_k| (epsilon + eta |n_k / tau|^alpha) and the permanent impact gamma n_i of each earlier
    trade i (mp_reference cannot sum a term with a parameter in its exponent)."""
    import mpmath

    cost = mpmath.mpf(0)
    earlier = mpmath.mpf(0)
    for trade in trades:
        cost += abs(trade) * (epsilon + eta * abs(trade / tau) ** alpha) + gamma * trade * earlier
        earlier += trade
    return cost


def _condition(terms: Any, point: tuple[float, ...]) -> float:
    """sum |terms| / |sum of the terms| at one point, in mpmath: the amplification of the
    rounding of a sum of terms of either sign."""
    import mpmath

    with mpmath.workdps(50):
        values = terms(*(mpmath.mpf(float(v)) for v in point))
        total = sum(values, mpmath.mpf(0))
        return float(sum(abs(t) for t in values) / max(abs(total), mpmath.mpf(1e-300)))


#: the terms of every generated power-law function that is a sum of terms of either sign; its
#: bound is BOUND times their condition number (a difference of nearly equal terms near the
#: optimum, or f' and f'' where gamma nearly cancels the temporary impact's share)
_CONDITIONS: dict[str, Any] = {
    "powerlaw_gradient": lambda n1, n2, x, tau, eta, gamma, alpha, sigma, lam: (
        (alpha + 1) * eta * (n1 / tau) ** alpha,
        -(alpha + 1) * eta * (n2 / tau) ** alpha,
        -gamma * n1,
        gamma * n2,
        2 * lam * sigma**2 * tau * x,
    ),
    "powerlaw_marginal_cost": lambda n, e, tau, gamma, alpha: ((alpha + 1) * e / tau * n, -gamma * n),
    "powerlaw_curvature": lambda e, tau, gamma, alpha: (alpha * (alpha + 1) * e / tau, -gamma),
    "powerlaw_gradient_from_marginals": lambda m1, m2, x, tau, sigma, lam: (
        -m1,
        m2,
        2 * lam * sigma**2 * tau * x,
    ),
    "powerlaw_hessian_diagonal_from_curvatures": lambda c1, c2, tau, sigma, lam: (
        c1,
        c2,
        2 * lam * sigma**2 * tau,
    ),
    "powerlaw_period_objective": lambda n, e, x, tau, gamma, sigma, lam: (
        e / tau * n**2,
        -gamma / 2 * n**2,
        lam * sigma**2 * tau * x**2,
    ),
}


def compute_generated_rows(size: int, seed: int) -> list[Row]:
    """Each generated power-law function against its reference in mpmath."""
    rows = []
    for name, columns in compute_points(size, seed).items():
        count = len(columns[0])
        points = [tuple(c[i] for c in columns) for i in range(count)]
        if name == "powerlaw_schedule_expected_cost":
            values = [float(formulas.powerlaw_schedule_expected_cost(p[0], *p[1:])) for p in points]
        else:
            arrays = [np.asarray(c, dtype=np.float64) for c in columns]
            values = np.asarray(getattr(formulas, name)(*arrays), dtype=np.float64).tolist()
        reference = (
            mp_schedule_expected_cost if name == "powerlaw_schedule_expected_cost" else mp_reference(name)
        )
        exact = [mp_converged(reference, p) for p in points]
        rtol = None
        if name in _CONDITIONS:
            rtol = [BOUND * max(1.0, _condition(_CONDITIONS[name], p)) for p in points]
        names = GENERATED[name]
        rows.append(compute_row(name, "generated", "mpmath", names, points, values, exact, BOUND, rtol))
    return rows


def mp_minimiser(order: float, steps: int, params: Any, lam: float) -> list[Any]:
    """Holdings x_1..x_{N-1} minimising E + lambda Var, the model written directly in mpmath:
    trade k pays n_k (epsilon + eta (n_k / tau)^alpha) plus the permanent impact gamma n_i of
    every earlier trade i; Var = sigma^2 tau sum x_k^2. The root of its numerical gradient."""
    import mpmath

    with mpmath.workdps(40):
        tau, eta, gamma = mpmath.mpf(params.tau), mpmath.mpf(params.eta), mpmath.mpf(params.gamma)
        alpha, sigma, risk = mpmath.mpf(params.alpha), mpmath.mpf(params.sigma), mpmath.mpf(lam)
        total = mpmath.mpf(order)

        def objective(*interior: Any) -> Any:
            holdings = [total, *interior, mpmath.mpf(0)]
            trades = [holdings[i - 1] - holdings[i] for i in range(1, steps + 1)]
            cost = mpmath.mpf(0)
            for i, trade in enumerate(trades):
                earlier = sum(trades[:i], mpmath.mpf(0))
                cost += abs(trade) * eta * (abs(trade) / tau) ** alpha + gamma * trade * earlier
            return cost + risk * sigma**2 * tau * sum(h**2 for h in holdings[1:])

        def gradient(*interior: Any) -> list[Any]:
            out = []
            for i in range(len(interior)):
                order_i = [0] * len(interior)
                order_i[i] = 1
                out.append(mpmath.diff(objective, interior, tuple(order_i)))
            return out

        start = [total * (steps - i) / steps for i in range(1, steps)]
        root = mpmath.findroot(gradient, start, tol=mpmath.mpf(10) ** -30 * total, maxsteps=50)
        return [root[i] for i in range(root.rows)] if isinstance(root, mpmath.matrix) else [root]


def compute_schedule_row(seed: int, cases: int) -> Row:
    """The Newton schedule against :func:`mp_minimiser`, in units of the order size."""
    import mpmath

    from acsym.model import AlmgrenChrissParams
    from acsym.models.powerlaw import generate_powerlaw_holdings

    rng = np.random.default_rng(seed + 17)
    points, values, exact = [], [], []
    for case in range(cases):
        alpha = float(rng.choice([0.5, 0.6, 0.75, 1.0, 1.5]))
        gamma = 0.0 if alpha > 1 or case % 2 else 2.5e-7
        params = AlmgrenChrissParams(
            eta=2.5e-6 * 1e5 ** (1 - alpha), gamma=gamma, sigma=0.95, alpha=alpha, tau=1.0
        )
        steps = int(rng.integers(2, 6))
        order = float(10 ** rng.uniform(4, 6.5))
        lam = float(10 ** rng.uniform(-8, -5))
        holdings = generate_powerlaw_holdings(order, steps, params, lam)
        reference = mp_minimiser(order, steps, params, lam)
        for i, x in enumerate(reference, start=1):
            points.append((alpha, float(steps), float(i), order, lam))
            values.append(float(holdings[i]) / order)
            with mpmath.workdps(40):
                exact.append(x / order)
    names = ("alpha", "steps", "j", "order_size", "risk_aversion")
    return compute_row(
        "powerlaw holdings (Newton)",
        "runtime",
        "mpmath minimiser",
        names,
        points,
        values,
        exact,
        SCHEDULE_BOUND,
    )


def rows(settings: Settings) -> list[Row]:
    """The power-law rows of ``acsym verify``."""
    size = 40 if settings.quick else 400
    cases = 4 if settings.quick else 24
    return [*compute_generated_rows(size, settings.seed), compute_schedule_row(settings.seed, cases)]
