"""The conformance kit: acsym passes it, and each check catches the bug it is meant for.

Each planted bug is a small change to a correct adapter (acsym's); the kit must fail the check
named after it, shrink the failure to an input that still reproduces it, and leave the checks
the bug does not touch passing. The searches are small (a few Hypothesis examples per check);
the full run is ``python scripts/conformance_report.py``.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from acsym import formulas
from acsym.cli import main as cli_main
from acsym.testing import adapters
from acsym.testing.conformance import (
    CHECKS,
    PAPER_EXAMPLE,
    ConformanceDomain,
    Problem,
    Schedule,
    Tolerances,
    assert_conforms,
    check_conformance,
    format_markdown,
    load_adapter,
)
from acsym.verify import mp_optimal_holdings, naive_holdings, naive_kappa

#: a small search: the suite must stay fast
SMALL = ConformanceDomain(max_periods=60)


def _run(adapter: Any, *checks: str, examples: int = 15, domain: ConformanceDomain = SMALL) -> Any:
    return check_conformance(adapter, checks=checks, examples=examples, domain=domain, monte_carlo_paths=500)


def _reproduce(adapter: Any, minimal: dict[str, Any]) -> Any:
    """Call the adapter on a minimal input as the report prints it."""
    problem = Problem(**{k: v for k, v in minimal.items() if k in Problem.__dataclass_fields__})
    return adapter(problem.order_size, problem.periods, **problem.keywords())


def test_acsym_conforms() -> None:
    report = assert_conforms(adapters.acsym_adapter, domain=SMALL, examples=8, monte_carlo_paths=500)
    assert report.passed and [c.name for c in report.checks] == [c.name for c in CHECKS]
    assert all(c.status == "pass" for c in report.checks)
    agreement = report.checks[0]
    assert agreement.examples >= 8 and agreement.worst_error < 1e-13


def test_paper_example_is_the_papers() -> None:
    """The example's kappa is the paper's 0.6 / day (lambda = 1e-6), from the textbook form."""
    problem = PAPER_EXAMPLE[0]
    kappa = naive_kappa(problem.risk_aversion, problem.sigma, problem.eta_tilde, problem.tau)
    assert round(float(kappa), 1) == 0.6
    x = [float(v) for v in mp_optimal_holdings(1e6, 5, 1e-6, 0.95, problem.eta_tilde, 1.0)]
    np.testing.assert_allclose(x, naive_holdings(1e6, np.arange(6.0), 5.0, kappa), rtol=1e-12, atol=1e-6)


# -- planted bugs -------------------------------------------------------------------------------


def _acsym(order_size: float, periods: int, **kw: float) -> Schedule:
    return adapters.acsym_adapter(order_size, periods, **kw)  # type: ignore[arg-type]


def textbook(order_size: float, periods: int, *, tau: float, sigma: float, eta: float, gamma: float,
             epsilon: float, risk_aversion: float) -> Any:  # fmt: skip
    """The seed's textbook forms: arccosh kappa and the sinh ratio (0/0 at lambda = 0)."""
    eta_tilde = eta - gamma * tau / 2
    kappa = naive_kappa(risk_aversion, sigma, eta_tilde, tau)
    t = np.arange(periods + 1) * tau
    return naive_holdings(order_size, t, periods * tau, kappa)


def test_textbook_forms_fail_at_zero_and_at_large_kappa_horizon() -> None:
    report = _run(
        textbook, "finite_no_exception", "twap_at_zero", "continuity_at_zero", "mpmath_agreement", examples=10
    )
    status = {c.name: c.status for c in report.checks}
    assert status == {
        "finite_no_exception": "fail",
        "twap_at_zero": "fail",
        "continuity_at_zero": "fail",
        "mpmath_agreement": "pass",  # where it is finite, the sinh ratio is accurate
    }
    for check in report.failures():
        with np.errstate(all="ignore"):
            x = np.asarray(_reproduce(textbook, check.minimal_input))
        assert not np.isfinite(x).all()  # the minimal input reproduces the NaN
    twap = report.checks[1]
    assert twap.minimal_input["risk_aversion"] == 0.0 and twap.minimal_input["periods"] == 1


def negative_tail(order_size: float, periods: int, **kw: float) -> Any:
    """Holdings of -1e-12 X just before the end (a buy-back)."""
    x = np.array(_acsym(order_size, periods, **kw).holdings)
    if periods >= 2:
        x[-2] = -1e-12 * order_size
    return x


def test_negative_holdings_are_found_and_shrunk() -> None:
    report = _run(negative_tail, "nonnegative", "boundary_values")
    negative, boundary = report.checks
    assert negative.status == "fail" and boundary.status == "pass"
    assert negative.minimal_input["periods"] == 2  # the smallest N with an interior holding
    assert np.min(_reproduce(negative_tail, negative.minimal_input)) < 0
    assert "x_1 = -" in negative.minimal_detail


def extra_period(order_size: float, periods: int, *, tau: float, **kw: float) -> Any:
    """One step too many for some N, as almgren-chriss has for some (N, tau) pairs (its T / tau
    rounds up): here for every N = 2 mod 3, so the search meets it whatever floats it draws."""
    steps = np.arange(periods + 1 + (periods % 3 == 2))
    return order_size * np.clip(1 - steps / periods, 0, None)


def test_wrong_length_fails_boundary_values() -> None:
    (boundary,) = _run(extra_period, "boundary_values", examples=40).checks
    assert boundary.status == "fail" and "holdings for N" in boundary.minimal_detail
    assert len(_reproduce(extra_period, boundary.minimal_input)) != boundary.minimal_input["periods"] + 1


def eta_not_eta_tilde(order_size: float, periods: int, **kw: float) -> Schedule:
    """The seed's cost: eta where the model has eta_tilde (and no epsilon)."""
    s = _acsym(order_size, periods, **kw)
    n = np.asarray(s.trades)
    cost = 0.5 * kw["gamma"] * order_size**2 + kw["eta"] * float(np.sum(n**2)) / kw["tau"]
    return replace(s, expected_cost=cost)


def test_wrong_expected_cost_fails_the_moment_checks() -> None:
    report = _run(eta_not_eta_tilde, "moments_vs_schedule", "mpmath_agreement", "first_order_conditions")
    status = {c.name: c.status for c in report.checks}
    assert status == {
        "moments_vs_schedule": "fail",
        "mpmath_agreement": "fail",
        "first_order_conditions": "pass",  # the schedule itself is right
    }
    assert report.checks[0].minimal_detail.startswith("E = ")


def test_monte_carlo_catches_a_large_error_in_the_variance() -> None:
    def double_variance(order_size: float, periods: int, **kw: float) -> Schedule:
        s = _acsym(order_size, periods, **kw)
        return replace(s, variance=4 * float(s.variance or 0.0))

    domain = replace(SMALL, min_periods=5)
    (mc,) = _run(double_variance, "moments_vs_monte_carlo", examples=40, domain=domain).checks
    assert mc.status == "fail" and "sqrt(V)" in mc.minimal_detail
    assert mc.worst_error > 5


def test_first_order_conditions_catch_a_perturbed_schedule() -> None:
    def bumped(order_size: float, periods: int, **kw: float) -> Any:
        x = np.array(_acsym(order_size, periods, **kw).holdings)
        x[1:-1] *= 1 + 1e-6
        return x

    report = _run(bumped, "first_order_conditions", "mpmath_agreement", "boundary_values")
    assert [c.status for c in report.checks] == ["fail", "fail", "pass"]
    assert report.checks[0].minimal_input["periods"] == 2


def test_reversed_risk_aversion_fails_monotone_front_loading() -> None:
    def reversed_lambda(order_size: float, periods: int, *, risk_aversion: float, **kw: float) -> Any:
        lam = 1e-30 / risk_aversion if risk_aversion > 0 else 0.0
        return _acsym(order_size, periods, risk_aversion=lam, **kw).holdings

    (monotone,) = _run(reversed_lambda, "monotone_front_loading", examples=8).checks
    assert monotone.status == "fail" and "lambda_factor" in monotone.minimal_input


def test_exceptions_are_reported_with_their_minimal_input() -> None:
    def raises_past_n_3(order_size: float, periods: int, **kw: float) -> Any:
        if periods > 3:
            raise OverflowError("math range error")
        return _acsym(order_size, periods, **kw).holdings

    (finite,) = _run(raises_past_n_3, "finite_no_exception").checks
    assert finite.status == "fail" and finite.minimal_input["periods"] == 4
    assert finite.minimal_detail == "raised OverflowError: math range error"
    assert finite.minimal_call is not None and finite.minimal_call.startswith("adapter(1.0, 4, tau=")


# -- the domain, the report and the three ways to run ---------------------------------------


def test_the_domain_restricts_the_search() -> None:
    domain = ConformanceDomain.parse(["max_kappa_horizon=2,max_periods=7", "allow_zero_risk_aversion=false"])
    assert domain == ConformanceDomain(max_kappa_horizon=2.0, max_periods=7, allow_zero_risk_aversion=False)
    seen: list[Problem] = []

    def recording(order_size: float, periods: int, **kw: float) -> Any:
        problem = Problem(order_size, periods, **kw)
        seen.append(problem)
        return _acsym(order_size, periods, **kw)

    report = check_conformance(
        recording, checks=["mpmath_agreement", "twap_at_zero"], examples=20, domain=domain
    )
    assert report.checks[1].status == "skip" and "excludes" in report.checks[1].note
    assert seen and all(p.periods <= 7 and 0 < p.kappa_horizon <= 2 * (1 + 1e-9) for p in seen)
    with pytest.raises(ValueError, match="max_periods"):
        ConformanceDomain.parse("max_periods=0")
    with pytest.raises(ValueError, match="NAME=VALUE"):
        ConformanceDomain.parse("kappa<50")


def test_checks_without_moments_are_skipped() -> None:
    def holdings_only(order_size: float, periods: int, **kw: float) -> Any:
        return list(_acsym(order_size, periods, **kw).holdings)

    report = _run(holdings_only, "moments_vs_schedule", "mpmath_agreement", examples=5)
    assert [c.status for c in report.checks] == ["skip", "pass"]
    assert "no expected cost" in report.checks[0].note


def test_report_is_strict_json_and_prints_the_minimal_input() -> None:
    report = _run(textbook, "finite_no_exception", "twap_at_zero", examples=10)
    data = json.loads(json.dumps(report.to_json(), allow_nan=False))
    assert data["passed"] is False and data["checks"][1]["worst_error"] == "inf"
    text = format_markdown(data)
    assert text == report.to_markdown()
    assert "**FAIL**" in text and report.checks[1].minimal_call in text


def test_unknown_checks_and_adapters_are_rejected() -> None:
    with pytest.raises(ValueError, match="unknown check"):
        check_conformance(adapters.acsym_adapter, checks=["speed"])
    assert load_adapter("acsym.testing.adapters:acsym_adapter") is adapters.acsym_adapter
    for spec, message in (
        ("acsym.testing.adapters", "MODULE:FUNCTION"),
        ("no_such_module_xyz:f", "cannot import"),
        ("acsym.testing.adapters:nothing", "no attribute"),
        ("acsym.testing.conformance:CHECKS", "not a callable"),
    ):
        with pytest.raises(ValueError, match=message):
            load_adapter(spec)


def test_cli(capsys: pytest.CaptureFixture[str]) -> None:
    base = [
        "conform",
        "acsym.testing.adapters:acsym_adapter",
        "--examples",
        "5",
        "--domain",
        "max_periods=20",
    ]
    assert cli_main([*base, "--check", "boundary_values", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True and data["passed"] is True
    assert [row["name"] for row in data["rows"]] == ["boundary_values"]
    assert cli_main([*base, "--check", "paper_example"]) == 0
    assert "paper_example | pass" in capsys.readouterr().out
    assert (
        cli_main(["conform", "tests.test_conformance:textbook", "--examples", "5", "--check", "twap_at_zero"])
        == 1
    )
    assert "**FAIL**" in capsys.readouterr().out
    assert cli_main(["conform", "nope"]) == 2
    assert "MODULE:FUNCTION" in capsys.readouterr().err


def test_slippage_tca_buys_back() -> None:
    """A finding of docs/conformance.md: slippage-tca's holdings go negative (it rebuilds them
    as X minus the running sum of its trades, which cancels once the schedule is urgent)."""
    pytest.importorskip("slippage")
    # urgent schedules only (kappa T >= 100), where the cancellation happens, so the search does
    # not depend on how many examples reach that corner
    urgent = ConformanceDomain(min_kappa_horizon=100.0, allow_zero_risk_aversion=False)
    (negative,) = _run(adapters.slippage_tca, "nonnegative", examples=60, domain=urgent).checks
    assert negative.status == "fail"
    assert min(_reproduce(adapters.slippage_tca, negative.minimal_input).holdings) < 0


def test_tolerances_are_the_stated_bounds() -> None:
    assert Tolerances().rtol == 1e-9
    loose = check_conformance(
        textbook, checks=["paper_example"], tolerances=Tolerances(rtol=math.inf), examples=1
    )
    # the textbook form is 0/0 at lambda = 0 (the paper's trajectory B) whatever the tolerance
    assert loose.checks[0].status == "fail" and loose.checks[0].minimal_input["risk_aversion"] == 0.0
    kappa = float(formulas.kappa(1e-6, 0.95, PAPER_EXAMPLE[0].eta_tilde, 1.0))
    assert 0.6 < kappa < 0.61


def test_importing_the_kit_is_light() -> None:
    """hypothesis, mpmath, sympy and the peers load only when a check runs."""
    code = (
        "import sys, acsym.testing.adapters, acsym.testing.conformance; "
        "print(sorted(m for m in ('hypothesis', 'mpmath', 'sympy', 'slippage') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_report_script_writes_the_document(tmp_path: Any) -> None:
    """docs/conformance.md is produced by scripts/conformance_report.py (here a tiny run)."""
    pytest.importorskip("slippage")
    output = tmp_path / "conformance.md"
    script = Path(__file__).resolve().parents[1] / "scripts" / "conformance_report.py"
    command = [sys.executable, str(script), "--examples", "3", "--paths", "200"]
    subprocess.run(
        [*command, "--no-almgren-chriss", "--output", str(output)], check=True, capture_output=True
    )
    text = output.read_text()
    assert text.startswith("# Conformance") and "### `acsym.testing.adapters:acsym_adapter`: conforms" in text
    assert "| paper_example | pass |" in text and "almgren_chriss`: not run" in text
