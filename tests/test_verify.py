"""acsym.verify: the quick sweep passes, the checker fails when it should, the oracles agree."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import mpmath
import numpy as np
import pytest

from acsym import cli, formulas, verify
from acsym.verify import BOUND, DIGITS, HARD_CASES, HardCase, Settings


@pytest.fixture(scope="module")
def quick_report() -> verify.Report:
    return verify.compute_report(Settings(quick=True))


def _rows(report: verify.Report, form: str = "generated") -> dict[tuple[str, str], verify.Row]:
    return {(r.function, r.oracle): r for r in report.rows if r.form.startswith(form)}


@pytest.mark.parametrize("name", list(verify.GENERATED))
def test_quick_sweep_generated_function_within_bound_against_mpmath(quick_report, name):
    row = _rows(quick_report)[(name, "mpmath")]
    assert row.points > 0
    assert row.passed, row.message()
    assert row.nonfinite == 0 and not row.warnings
    assert row.worst_error <= BOUND


@pytest.mark.parametrize("name", ["holdings", "trade_sizes", "expected_cost", "variance"])
def test_quick_sweep_generated_function_within_bound_against_the_qp(quick_report, name):
    row = _rows(quick_report)[(name, "QP (mpmath)")]
    assert row.points > 0
    assert row.passed, row.message()


def test_quick_sweep_numpy_qp_agrees_with_mpmath_qp(quick_report):
    (row,) = [r for r in quick_report.rows if r.function == "qp_numpy"]
    assert row.passed, row.message()


def test_quick_sweep_shows_the_naive_forms_failing(quick_report):
    naive = {(r.function, r.form): r for r in quick_report.rows if r.form.startswith("naive")}
    kappa = next(r for (f, _), r in naive.items() if f == "kappa")
    holdings = next(r for (f, _), r in naive.items() if f == "holdings")
    variance = next(r for (f, _), r in naive.items() if f == "variance")
    assert kappa.worst_error == pytest.approx(1.0)  # arccosh(1 + y) returns exactly 0
    assert holdings.nonfinite > 0  # sinh overflows past kappa T ~ 710
    assert variance.worst_error > 1e-6  # the difference cancels as kappa T -> 0
    assert all(r.bound is None for r in naive.values())


@pytest.mark.parametrize("case", HARD_CASES, ids=[f"{c.function}-{c.why}" for c in HARD_CASES])
def test_hard_case(case: HardCase):
    value = float(getattr(formulas, case.function)(*case.arguments))
    if case.expected is not None:
        exact = mpmath.mpf(case.expected)
    else:
        exact = verify.mp_converged(verify.mp_reference(case.function), case.arguments)
    error = verify.mp_relative_error(value, exact)
    assert error <= case.rtol, (
        f"1 of 1 points bad ({case.why}):\n  {case.function}{case.arguments} -> {value!r}, "
        f"expected {float(exact)!r}, relative error {error:.3g} > rtol {case.rtol:g}"
    )


def test_the_check_fails_for_a_function_off_by_1e12(monkeypatch):
    scenarios = verify.domain(quick=True).take(np.arange(40))
    points = verify.compute_points(scenarios, per_schedule=1)
    subset = {"holdings": points["holdings"]}
    exact = verify.compute_references(subset)
    honest = formulas.holdings
    monkeypatch.setattr(formulas, "holdings", lambda *a: honest(*a) * (1 + 1e-12))
    (row,) = verify.compute_generated_rows(subset, exact)
    assert not row.passed
    normal = sum(1 for e in exact["holdings"] if abs(e) >= verify.TINY)  # below: absolute errors
    assert len(row.bad) == normal
    message = row.message()
    assert message.startswith(f"holdings (generated): {normal} of {row.points} points bad")
    assert "relative error 1e-12" in message


def test_the_check_fails_for_nan_and_for_floating_point_warnings(monkeypatch):
    scenarios = verify.domain(quick=True).take(np.arange(10))
    points = {"variance": verify.compute_points(scenarios, per_schedule=1)["variance"]}
    exact = verify.compute_references(points)
    honest = formulas.variance

    def broken(*args):
        value = np.asarray(honest(*args), dtype=np.float64)
        value[0] = np.float64(1.0) / np.zeros(1)[0] * 0.0  # 0 * inf: NaN, with numpy's flags
        return value

    monkeypatch.setattr(formulas, "variance", broken)
    (row,) = verify.compute_generated_rows(points, exact)
    assert not row.passed
    assert row.nonfinite == 1 and row.warnings == ("divide by zero", "invalid value")


def test_mp_converged_raises_when_the_reference_does_not_settle():
    def noise(x):
        return x + mpmath.rand()

    with pytest.raises(ArithmeticError, match="did not settle"):
        verify.mp_converged(noise, (1.0,))


def test_mp_converged_raises_precision_for_the_textbook_arccosh():
    # arccosh(1 + y) at y ~ 5e-35 keeps 15 digits at 50-digit precision: the loop must go on.
    args = (1e-40, 0.02, 1e-6, 1.0)
    value = verify.mp_converged(verify.mp_reference("kappa"), args)
    with mpmath.workdps(120):
        exact = 2 * mpmath.asinh(
            mpmath.sqrt(mpmath.mpf(args[0]) / mpmath.mpf(args[2])) * mpmath.mpf(args[1]) / 2
        )
        assert abs(value - exact) < mpmath.mpf(10) ** -40 * exact


@pytest.mark.parametrize(
    ("steps", "kappa_tau"), [(1, 0.3), (2, 1e-9), (5, 0.7), (12, 3.0), (40, 1e-4), (7, 60.0)]
)
def test_qp_oracle_equals_the_sinh_schedule(steps, kappa_tau):
    # Independent of each other: the tridiagonal solve knows no sinh; the schedule knows no solve.
    tau, sigma, eta_tilde, order = 0.25, 0.3, 2e-3, 1e6
    with mpmath.workdps(DIGITS + 20):
        c = 2 * (mpmath.cosh(mpmath.mpf(kappa_tau)) - 1)
        risk_aversion = float(c * eta_tilde / (sigma**2 * tau**2))
        c_float = (
            mpmath.mpf(risk_aversion) * mpmath.mpf(sigma) ** 2 * mpmath.mpf(tau) ** 2 / mpmath.mpf(eta_tilde)
        )
        kappa = mpmath.acosh(1 + c_float / 2)  # kappa tau of the float lambda
        expected = [
            order * mpmath.sinh(kappa * (steps - j)) / mpmath.sinh(kappa * steps) for j in range(steps + 1)
        ]
    solved = verify.mp_optimal_holdings(order, steps, risk_aversion, sigma, eta_tilde, tau)
    with mpmath.workdps(DIGITS):
        errors = [abs(s - e) / order for s, e in zip(solved, expected, strict=True)]
        assert max(errors) < mpmath.mpf(10) ** -40


def test_numpy_qp_matches_mpmath_qp_in_a_batch():
    rng = np.random.default_rng(7)
    steps = 30
    order = 10 ** rng.uniform(0, 9, 5)
    risk_aversion = np.array([0.0, 1e-9, 1e-6, 1e-3, 1.0])
    sigma, eta_tilde, tau = np.full(5, 0.02), np.full(5, 1e-5), np.full(5, 0.5)
    batch = verify.np_optimal_holdings(order, steps, risk_aversion, sigma, eta_tilde, tau)
    assert batch.shape == (5, steps + 1)
    for i in range(5):
        exact = verify.mp_optimal_holdings(order[i], steps, risk_aversion[i], 0.02, 1e-5, 0.5)
        np.testing.assert_allclose(batch[i], [float(v) for v in exact], rtol=1e-12, atol=0)
    np.testing.assert_allclose(batch[0], order[0] * (steps - np.arange(steps + 1)) / steps, rtol=1e-13)


def test_domain_covers_the_stated_ranges():
    d = verify.domain()
    kappa_horizon = d.kappa * d.horizon
    positive = kappa_horizon[kappa_horizon > 0]
    assert positive.min() <= 1.01e-12 and kappa_horizon.max() >= 0.99e5
    assert np.any(d.risk_aversion == 0) and np.all(np.isfinite(d.risk_aversion))
    assert np.max(d.kappa * d.tau) > 36  # the first trade sells all but e^-36 of the order
    assert d.steps.min() == 1 and d.steps.max() == 100_000
    assert np.any(np.isclose(d.tau, 1 / 1440)) and np.any(d.tau == 86400.0) and np.any(d.tau == 60.0)
    assert d.price.min() <= 0.01 * 1.001 and d.price.max() >= 1e5 * 0.999
    assert d.order_size.min() == 1 and d.order_size.max() == 1e9
    eta_tilde = d.eta_tilde
    assert np.all(eta_tilde > 0) and np.min(eta_tilde / d.eta) < 1e-11


def test_report_table_and_json(quick_report, monkeypatch, capsys):
    table = verify.format_table(quick_report)
    assert "| function | form |" in table and "python -m acsym verify --quick" in table
    assert "within its bound" in table
    monkeypatch.setattr(verify, "compute_report", lambda settings: quick_report)
    assert cli.main(["verify", "--quick", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["passed"] is True
    names = {row["function"] for row in data["rows"] if row["form"] == "generated"}
    assert names == set(verify.GENERATED)
    assert all(math.isfinite(row["worst_error"]) for row in data["rows"] if row["form"] == "generated")
    failing = verify.Row(
        "f",
        "generated",
        "mpmath",
        1,
        math.inf,
        {},
        1,
        1,
        BOUND,
        (verify.BadPoint({"x": 1.0}, math.nan, 1.0, math.inf),),
    )
    strict = json.dumps(verify.report_json(verify.Report("c", 1, 0.0, (failing,))), allow_nan=False)
    assert json.loads(strict)["rows"][0]["bad"][0]["value"] == "nan"


def test_failure_message_lists_every_bad_point():
    bad = tuple(verify.BadPoint({"x": float(i)}, 1.0 + 1e-10 * i, 1.0, 1e-10 * i) for i in range(1, 3))
    row = verify.Row("f", "generated", "mpmath", 5, 2e-10, {"x": 2.0}, 0, 2, BOUND, bad)
    assert not row.passed
    lines = row.message().splitlines()
    assert lines[0] == "f (generated): 2 of 5 points bad"
    assert "relative error 1e-10" in lines[1] and "relative error 2e-10" in lines[2]


def test_verify_subcommand_has_help(capsys):
    assert cli.main(["verify", "--help"]) == 0
    assert "--quick" in capsys.readouterr().out


def test_import_acsym_verify_loads_neither_sympy_nor_mpmath():
    code = (
        "import sys, acsym, acsym.verify, acsym.cli; "
        "print(','.join(m for m in ('sympy', 'mpmath') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
