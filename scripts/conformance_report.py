"""Write docs/conformance.md: acsym and its peers run through the conformance kit.

    python scripts/conformance_report.py                       # acsym, slippage-tca, almgren-chriss
    python scripts/conformance_report.py --no-almgren-chriss   # without the separate venv

acsym and slippage-tca (the ``bench`` extra) run in this environment. almgren-chriss pins
numpy < 2, so it runs in a venv of its own (created on first use at ``--venv``, with acsym
installed there from this checkout) through ``acsym conform ... --json``, and its JSON report
is formatted by the same code. ``compute_*`` functions return data; only :func:`main` writes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's acsym, whatever is installed

from acsym.testing import adapters  # noqa: E402
from acsym.testing.conformance import (  # noqa: E402
    CHECKS,
    ConformanceDomain,
    check_conformance,
    format_markdown,
)

ALMGREN_CHRISS = "acsym.testing.adapters:almgren_chriss"
#: what the separate venv needs (the peer imports scipy without declaring it)
VENV_PACKAGES = ("almgren-chriss==1.1.0", "numpy<2", "scipy", "mpmath", "hypothesis")

#: adapters run in this environment: (name in the report, adapter, domain)
IN_PROCESS = (
    ("acsym.testing.adapters:acsym_adapter", adapters.acsym_adapter, ConformanceDomain()),
    ("acsym.testing.adapters:slippage_tca", adapters.slippage_tca, ConformanceDomain()),
    # a desk that only trades kappa T <= 50 restricts the search: --domain max_kappa_horizon=50
    (
        "acsym.testing.adapters:slippage_tca (kappa T <= 50)",
        adapters.slippage_tca,
        ConformanceDomain(max_kappa_horizon=50.0),
    ),
    (
        "acsym.testing.adapters:slippage_tca_closed_form",
        adapters.slippage_tca_closed_form,
        ConformanceDomain(),
    ),
)


def compute_in_process(examples: int, paths: int) -> list[dict[str, Any]]:
    reports = []
    for name, adapter, domain in IN_PROCESS:
        print(f"running {name} ...", file=sys.stderr)
        report = check_conformance(
            adapter, domain=domain, examples=examples, monte_carlo_paths=paths, name=name
        )
        reports.append(report.to_json())
    return reports


def almgren_chriss_python(venv: Path) -> Path:
    """The python of a venv with almgren-chriss and acsym (this checkout); created once."""
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *VENV_PACKAGES], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-e", str(ROOT)], check=True)
    return python


def compute_almgren_chriss(venv: Path, examples: int, paths: int) -> dict[str, Any]:
    python = almgren_chriss_python(venv)
    print(f"running {ALMGREN_CHRISS} in {venv} ...", file=sys.stderr)
    command = [str(python), "-m", "acsym", "conform", ALMGREN_CHRISS, "--json"]
    command += ["--examples", str(examples), "--paths", str(paths)]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if out.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} exited {out.returncode}:\n{out.stderr}")
    document: dict[str, Any] = json.loads(out.stdout)
    # the command line's JSON layout: the checks are its rows
    skip = {"command", "acsym_version", "ok", "exit_status", "inputs", "rows", "warnings", "errors"}
    report = {key: value for key, value in document.items() if key not in skip}
    report["checks"] = [
        {k: v for k, v in row.items() if k not in ("ok", "warnings")} for row in document["rows"]
    ]
    return report


#: why a peer fails a check, read from its source; printed only while the check fails
CAUSES: dict[tuple[str, str], str] = {
    ("slippage_tca", "nonnegative"): "`trajectory_from_trades` rebuilds the holdings as X minus the "
    "running sum of the trades, which cancels once the schedule is urgent: holdings the optimum "
    "puts at 1e-20 X come out 0 or slightly negative (normwise the schedule stays within about "
    "1e-14 X of the optimum: mpmath_agreement passes).",
    ("slippage_tca", "first_order_conditions"): "the same cancellation: an x_1 of 1e-22 X "
    "rounded to 0 leaves x_0 - (2 + c) x_1 + x_2 = X instead of 0.",
    ("slippage_tca_closed_form", "finite_no_exception"): "`closed_form_moments` (the paper's "
    "equation 20) evaluates sinh(2 kappa T), which overflows past kappa T = 355.",
    ("slippage_tca_closed_form", "mpmath_agreement"): "the closed-form variance subtracts nearly "
    "equal terms when kappa T is small and loses digits.",
    ("slippage_tca_closed_form", "moments_vs_schedule"): "as for mpmath_agreement: the closed "
    "form, not the schedule, is off.",
    ("almgren_chriss", "boundary_values"): "`trade_trajectory` builds its grid as "
    "`np.arange(T / tau + 1) * tau`: when N tau / tau rounds above N it sells in an extra period.",
    ("almgren_chriss", "finite_no_exception"): "`cost_expectation` evaluates `math.sinh(2 kappa "
    "T)`, which raises OverflowError past kappa T = 355 (`trade_list`'s sinh(kappa T) past 710).",
    ("almgren_chriss", "twap_at_zero"): "at lambda = 0, kappa = 0 and `trade_list` divides by "
    "`math.sinh(0)`: ZeroDivisionError.",
    ("almgren_chriss", "continuity_at_zero"): "its kappa is arccosh(1 + y) / tau, which rounds "
    "to 0 once y < 1e-16 (a small lambda): then the same division by sinh(0).",
    ("almgren_chriss", "paper_example"): "the paper's trajectory B is lambda = 0: ZeroDivisionError.",
    ("almgren_chriss", "mpmath_agreement"): "the closed-form variance loses digits at small "
    "kappa T, as slippage-tca's does.",
    ("almgren_chriss", "moments_vs_schedule"): "as for mpmath_agreement.",
}


def _causes(report: dict[str, Any]) -> str:
    function = report["adapter"].split(":", 1)[1].split(" ")[0]
    lines = [
        f"- {c['name']}: {CAUSES[function, c['name']]}"
        for c in report["checks"]
        if c["status"] == "fail" and (function, c["name"]) in CAUSES
    ]
    return "\n\nWhy (read from its source):\n\n" + "\n".join(lines) if lines else ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _summary(reports: list[dict[str, Any]]) -> list[str]:
    names = [r["adapter"].split(":", 1)[1] for r in reports]
    lines = ["| check | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for i, check in enumerate(CHECKS):
        cells = []
        for r in reports:
            c = r["checks"][i]
            cells.append({"pass": "pass", "fail": "**FAIL**", "skip": "skip"}[c["status"]])
        lines.append(f"| {check.name} | " + " | ".join(cells) + " |")
    return lines


INTRODUCTION = """\
# Conformance: Almgren-Chriss implementations against the derivation

Generated by `python scripts/conformance_report.py` ({examples} Hypothesis examples per check,
{paths} Monte Carlo paths per input); do not edit by hand. The kit is
`acsym.testing.conformance`: wrap an implementation in an adapter (a function
`(order_size, periods, *, tau, sigma, eta, gamma, epsilon, risk_aversion) -> holdings`, or a
`Schedule` with the trades, expected cost and variance it computes; examples in
`acsym/testing/adapters.py`) and run it

- from the command line: `acsym conform mypkg.module:adapter [--json] [--domain max_kappa_horizon=50]`
  (exit 1 when a check fails);
- in a test suite: `assert_conforms(adapter)` (an `AssertionError` lists each failure and its
  minimal input);
- from Python: `check_conformance(adapter)` returns a `ConformanceReport`.

Hypothesis searches the domain below (`hypothesis.target` steering it to the largest error) and
shrinks each failure to a minimal input, printed as a call that reproduces it. "inputs" counts
the inputs a check evaluated, shrinking included; "skipped" ones are inputs it could not use
because the adapter raised or returned NaN / inf there (reported by `finite_no_exception`).
The worst error is the largest error relative to its bound found anywhere in the search.

## The checks

| check | property | tolerance |
|---|---|---|
{checks}

## Summary

{summary}

## Reports
"""

ALMGREN_CHRISS_RUN = """
almgren-chriss pins numpy < 2, so the script runs it in a venv of its own (`--venv`, created
on first use with {packages}, and acsym installed there from this checkout) as
`DIR/bin/python -m acsym conform {name} --json`, and formats that JSON with the same code.
"""

ALMGREN_CHRISS_MISSING = """
### `{name}`: not run

almgren-chriss pins numpy < 2 and needs its own environment: run
`python scripts/conformance_report.py --venv DIR` where pip can reach PyPI (it creates the venv
with {packages} and acsym from this checkout), or by hand:
`DIR/bin/python -m acsym conform {name} --json`.
"""


def compute_document(reports: list[dict[str, Any]], examples: int, paths: int, missing: str | None) -> str:
    checks = "\n".join(f"| {c.name} | {_cell(c.claim)} | {_cell(c.tolerance)} |" for c in CHECKS)
    text = INTRODUCTION.format(
        examples=examples, paths=paths, checks=checks, summary="\n".join(_summary(reports))
    )
    sections = [format_markdown(r) + _causes(r) for r in reports]
    packages = ", ".join(VENV_PACKAGES)
    if missing is None:
        text += ALMGREN_CHRISS_RUN.format(name=ALMGREN_CHRISS, packages=packages)
    else:
        sections.append(
            ALMGREN_CHRISS_MISSING.format(name=ALMGREN_CHRISS, packages=packages).strip()
            + f"\n\n(This run: {missing}.)"
        )
    return text + "\n" + "\n\n".join(sections) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200, help="Hypothesis examples per check")
    parser.add_argument("--paths", type=int, default=20_000, help="Monte Carlo paths per input")
    parser.add_argument(
        "--venv",
        type=Path,
        default=Path(tempfile.gettempdir()) / "ac-venv",
        help="the almgren-chriss venv (created on first use; default %(default)s)",
    )
    parser.add_argument("--no-almgren-chriss", action="store_true", help="skip the separate venv")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "conformance.md")
    args = parser.parse_args()
    reports = compute_in_process(args.examples, args.paths)
    missing = None
    if args.no_almgren_chriss:
        missing = "--no-almgren-chriss"
    else:
        try:
            reports.append(compute_almgren_chriss(args.venv, args.examples, args.paths))
        except (OSError, RuntimeError, subprocess.CalledProcessError, json.JSONDecodeError) as error:
            missing = f"{type(error).__name__}: {error}"
    args.output.write_text(compute_document(reports, args.examples, args.paths, missing))
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
