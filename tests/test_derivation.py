"""The derivation's results are what they claim: symbolic proofs, and mpmath at 50 digits."""

from __future__ import annotations

import random

import mpmath
import pytest
import sympy as sp

from acsym.derivation import continuous, discrete, special, stable
from acsym.derivation.proofs import PROOFS
from acsym.derivation.symbols import N, T, X, eta, gamma, j, kappa, lam, sigma, t, tau


@pytest.mark.parametrize("proof", PROOFS, ids=[p.name for p in PROOFS])
def test_proof_holds(proof):
    assert proof.holds(), f"{proof.name}: {proof.claim} -> residual {proof.residual()}"


def test_results_have_the_papers_form():
    # Independent of the proofs: the results printed in the paper, typed here.
    assert sp.simplify(continuous.kappa_continuous() - sp.sqrt(lam) * sigma / sp.sqrt(eta)) == 0
    assert discrete.eta_tilde_definition() == eta - gamma * tau / 2
    kt = sp.Symbol("kappatilde", nonnegative=True)
    expected = sp.Eq(2 * sp.cosh(kappa * tau) - 2, kt**2 * tau**2)
    assert sp.simplify(discrete.characteristic_equation().lhs - expected.lhs) == 0
    assert discrete.well_posedness() == sp.Gt(eta - gamma * tau / 2, 0)


def _mp_direct_sums(a: mpmath.mpf, steps: int) -> tuple[mpmath.mpf, mpmath.mpf]:
    """sum (x_j/X)^2 and sum (n_j/X)^2 by brute force from the sinh schedule."""
    x = [mpmath.sinh(a * (steps - i)) / mpmath.sinh(a * steps) for i in range(steps + 1)]
    return mpmath.fsum(v**2 for v in x[1:]), mpmath.fsum((x[i - 1] - x[i]) ** 2 for i in range(1, steps + 1))


@pytest.mark.parametrize("seed", range(3))
def test_closed_forms_match_brute_force_sums_at_50_digits(seed):
    rng = random.Random(seed)
    a = discrete.kappa_tau
    forms = {
        "holdings": (discrete.SUM_OF_SQUARED_HOLDINGS, stable.sum_of_squared_holdings_stable()),
        "trades": (discrete.SUM_OF_SQUARED_TRADES, stable.sum_of_squared_trades_stable()),
    }
    functions = {
        name: [sp.lambdify((a, N), f.rewrite(sp.exp), modules="mpmath") for f in pair]
        for name, pair in forms.items()
    }
    with mpmath.workdps(50):
        for _ in range(5):
            steps = rng.randint(1, 40)
            a_value = mpmath.mpf(10) ** rng.uniform(-6, 1)
            sx, sn = _mp_direct_sums(a_value, steps)
            for name, direct in (("holdings", sx), ("trades", sn)):
                for f in functions[name]:
                    value = f(a_value, steps)
                    assert abs(value - direct) <= mpmath.mpf(10) ** -35 * max(abs(direct), 1e-30)


def test_first_principles_shortfall_for_a_concrete_schedule():
    # N = 3 by hand: trades 1, 2, 3 (X = 6); each trade pays the permanent impact of the earlier.
    n = discrete.n
    mean, variance = discrete.shortfall_mean_and_variance(3)
    values = {n[1]: 1, n[2]: 2, n[3]: 3}
    by_hand_mean = gamma * (1 * 2 + 1 * 3 + 2 * 3) + discrete.epsilon * 6 + eta / tau * (1 + 4 + 9)
    assert sp.simplify(mean.subs(values) - by_hand_mean) == 0
    by_hand_variance = sigma**2 * tau * (5**2 + 3**2)  # x_1 = 5, x_2 = 3
    assert sp.simplify(variance.subs(values) - by_hand_variance) == 0


def test_optimal_schedule_solves_a_concrete_quadratic_program():
    # Exact rational check of the first-order conditions at N = 4 with kappa from the root.
    values = {tau: sp.Rational(1, 2), N: 4, T: 2, X: 1}
    holdings = [discrete.holdings_solution().subs(values).subs(j, i) for i in range(5)]
    kt2 = sp.Rational(3, 10)
    kappa_value = discrete.kappa_textbook().subs(
        {sp.Symbol("kappatilde", nonnegative=True): sp.sqrt(kt2), tau: values[tau]}
    )
    for i in range(1, 4):
        second = (holdings[i - 1] - 2 * holdings[i] + holdings[i + 1]) / values[tau] ** 2
        residual = (second - kt2 * holdings[i]).subs(kappa, kappa_value)
        assert abs(sp.N(residual, 40)) < 1e-35


def test_sinh_tail_series_coefficients_are_the_taylor_series():
    z = sp.Symbol("z")
    coefficients = special.sinh_tail_series_coefficients()
    assert coefficients[:3] == [sp.Rational(1, 6), sp.Rational(1, 120), sp.Rational(1, 5040)]
    assert coefficients[5] == sp.Rational(1, sp.factorial(13))
    assert special.sinh_tail(0) == sp.Rational(1, 6) and special.exprel(0) == 1
    assert sp.simplify(special.exprel(z).rewrite(sp.exp) - (sp.exp(z) - 1) / z) == 0


def test_holdings_limit_in_time():
    # x(0) = X and x(T) = 0 for the continuous solution too.
    x = continuous.holdings_solution()
    assert sp.simplify(x.subs(t, 0)) == X
    assert x.subs(t, T) == 0
