"""The command line as a contract: every subcommand, careless input, the same promises.

Each case runs ``acsym.cli.main`` in process (fast) and checks the exit status, that stderr
names the problem (flag, value, what is allowed) with no traceback, and that stdout is one
strict JSON document (RFC 8259: no NaN, no inf) with the shared envelope wherever ``--json``
was given. A few subprocesses check what needs a real process (a closed pipe, the entry point).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acsym import cli
from acsym.impact import example_fills_path

ROOT = Path(__file__).resolve().parents[1]
FAST_SIMULATE = ["--paths", "400", "--no-progress"]


def _strict_json(text: str) -> Any:
    """Parse JSON, failing on NaN, Infinity or -Infinity (Python's json accepts them)."""

    def reject(constant: str) -> None:
        raise AssertionError(f"non-strict JSON constant {constant} in the output")

    return json.loads(text, parse_constant=reject)


@dataclass(frozen=True)
class Run:
    status: int
    out: str
    err: str
    document: Any = None


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> Run:
    status = cli.main(argv)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err, captured.err
    assert status != cli.EXIT_INTERNAL, captured.err
    document = None
    if "--json" in argv:
        document = _strict_json(captured.out)
        assert list(document)[:5] == list(cli.ENVELOPE[:5])
        assert list(document)[-3:] == list(cli.ENVELOPE[-3:])
        assert document["exit_status"] == status
        assert document["ok"] == (status == 0)
        for row in document["rows"]:
            assert {"name", "ok", "warnings"} <= set(row)
    return Run(status, captured.out, captured.err, document)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("inputs")
    example = example_fills_path().read_text().splitlines()
    header, rows = example[0], example[1:]
    names = header.split(",")
    paths = {
        "empty": folder / "empty.csv",
        "binary": folder / "binary.csv",
        "nul": folder / "nul.csv",
        "header_only": folder / "header_only.csv",
        "a_file": folder / "a_file.txt",
        "extreme": folder / "extreme.csv",
        "percent": folder / "percent.csv",
        "renamed": folder / "renamed.csv",
    }
    paths["empty"].write_text("")
    paths["binary"].write_bytes(bytes(range(256)) * 8)
    paths["nul"].write_text(header + "\n1,2\x00,3,4\n")
    paths["header_only"].write_text(header + "\n")
    paths["a_file"].write_text("not a folder")
    extreme = dict(zip(names, rows[0].split(","), strict=True))
    extreme.update(quantity="1e300", daily_volume="1")
    paths["extreme"].write_text("\n".join([header, *rows, ",".join(extreme[n] for n in names)]) + "\n")
    vol = names.index("daily_volatility")
    percent = [
        ",".join(f"{100 * float(c):g}" if i == vol else c for i, c in enumerate(row.split(",")))
        for row in rows
    ]
    paths["percent"].write_text("\n".join([header, *percent]) + "\n")
    renamed = header.replace("quantity", "qty").replace("daily_volume", "adv")
    paths["renamed"].write_text("\n".join([renamed, *rows]) + "\n")
    return paths


MODEL_COMMANDS = ("trajectory", "frontier", "simulate")


def _extra(command: str) -> list[str]:
    return FAST_SIMULATE if command == "simulate" else []


# (argv, exit status, fragments every one of which stderr must contain)
BAD_FLAGS: list[tuple[list[str], list[str]]] = [
    (["--order-size", "-5000"], ["--order-size", "'-5000'", "> 0"]),
    (["--periods", "0"], ["--periods", "'0'", "integer from 1"]),
    (["--periods", "1.5"], ["--periods", "'1.5'", "not an integer"]),
    (["--periods", "100000000000"], ["--periods", "10000000"]),
    (["--order-size", "nan"], ["--order-size", "'nan'", "finite"]),
    (["--order-size", "1e400"], ["--order-size", "finite"]),
    (["--order-size", "abc"], ["--order-size", "'abc'", "not a number"]),
    (["--risk-aversion", "-1"], ["--risk-aversion", "'-1'", ">= 0"]),
    (["--tau", "0"], ["--tau", "'0'", "> 0"]),
    (["--tau", "5parsecs"], ["--tau", "5min"]),
    (["--tau", "1/0"], ["--tau", "'1/0'"]),
    (["--price", "0"], ["--price", "'0'", "> 0"]),
    (["--daily-volume=-inf"], ["--daily-volume", "> 0"]),
    (["--risk-aversion", "-1e-5"], ["--risk-aversion", "is written --risk-aversion=VALUE"]),
    (["--daily-spread", "-0.01"], ["--daily-spread", ">= 0"]),
    (["--alpha", "0.9"], ["--alpha", "changes nothing"]),
    (["--bogus"], ["unrecognized arguments: --bogus"]),
]
#: the model commands that use a flag of BAD_FLAGS (`acsym frontier --alpha`: the power-law frontier)
USED_FLAGS = {("frontier", "--alpha")}
BAD_FLAG_CASES = [
    pytest.param(command, flags, fragments, id=f"{command}-{' '.join(flags)}")
    for flags, fragments in BAD_FLAGS
    for command in MODEL_COMMANDS
    if (command, flags[0]) not in USED_FLAGS
]


@pytest.mark.parametrize(("command", "flags", "fragments"), BAD_FLAG_CASES)
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_bad_flags_exit_2_with_one_line_each_and_no_table(
    command: str, flags: list[str], fragments: list[str], as_json: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [command, *flags, *_extra(command), *(["--json"] if as_json else [])]
    result = run(argv, capsys)
    assert result.status == 2
    for fragment in fragments:
        assert fragment in result.err
    assert len([line for line in result.err.splitlines() if "error:" in line]) == 1
    if as_json:
        assert result.document["errors"] and result.document["rows"] == []
    else:
        assert result.out == ""  # no table of NaN


def test_every_bad_flag_is_reported_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(
        ["trajectory", "--order-size", "-5000", "--periods", "0", "--tau", "x", "--alpha", "1"], capsys
    )
    assert result.status == 2
    errors = [line for line in result.err.splitlines() if "error:" in line]
    assert len(errors) == 4
    assert all(line.startswith("acsym trajectory: error: argument --") for line in errors)


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["simulate", "--paths", "0"], ["--paths", "'0'", ">= 2"]),
        (["simulate", "--paths", "1"], ["--paths", "'1'"]),
        (["simulate", "--seed", "-1"], ["--seed", "'-1'", ">= 0"]),
        (["simulate", "--seed", "x"], ["--seed", "not an integer"]),
        (["simulate", "--chunk-size", "0"], ["--chunk-size", ">= 1"]),
        (["basket", "c.csv", "o.csv", "--simulate", "1"], ["--simulate", "'1'", ">= 2"]),
        (["basket", "c.csv", "o.csv", "--simulate", "many"], ["--simulate", "not an integer"]),
        (["basket", "c.csv", "o.csv", "--simulate", "9", "--seed=-3"], ["--seed", "'-3'", ">= 0"]),
        (["frontier", "--points", "1"], ["--points", "'1'"]),
        (["frontier", "--points", "10000000"], ["--points", "100000"]),
        (["trajectory", "--plot", "/nonexistent/x.png"], ["--plot", "no such folder"]),
        (["simulate", "--plot", "/nonexistent/x.png"], ["--plot", "no such folder"]),
        (["frontier", "--plot", "out.txt"], ["--plot", "unknown image format"]),
        (["calibrate", "--plot", "out.txt"], ["--plot", "unknown image format"]),
        (["calibrate", "/nonexistent/fills.csv"], ["FILLS.csv", "No such file"]),
        (["calibrate", "--columns", "quantity"], ["--columns", "NAME=COLUMN"]),
        (["calibrate", "--columns", "size=qty"], ["--columns", "'size=qty'"]),
        (["calibrate", "--robust=yes"], ["--robust"]),
        (["verify", "--quick", "--fast"], ["unrecognized arguments: --fast"]),
        (["regenerate", "--chek"], ["unrecognized arguments"]),
        (["derive", "--latex=1"], ["--latex"]),
        (["nosuchcommand"], ["invalid choice"]),
        ([], ["required: COMMAND"]),
    ],
)
def test_bad_input_of_each_subcommand_exits_2(
    argv: list[str], fragments: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    for as_json in (False, True):
        flags = argv + (["--no-progress"] if argv[:1] == ["simulate"] else [])
        result = run(flags + (["--json"] if as_json else []), capsys)
        assert result.status == 2, result.err
        for fragment in fragments:
            assert fragment in result.err
        if not as_json:
            assert result.out == ""


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("empty", "empty file"),
        ("binary", "not a readable CSV"),
        # Python 3.10's csv refuses a NUL byte itself; 3.11 on reads it as a cell
        ("nul", "must hold numbers" if sys.version_info >= (3, 11) else "not a readable CSV"),
        ("a_file", "lack the column"),
        ("renamed", "--columns quantity=qty"),
    ],
)
def test_calibrate_rejects_unusable_files(
    files: dict[str, Path], name: str, fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run(["calibrate", str(files[name]), "--json"], capsys)
    assert result.status == 2 and fragment in result.err
    assert result.document["errors"]


def test_calibrate_a_folder_or_unwritable_plot(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["calibrate", str(files["a_file"].parent)], capsys).status == 2
    inside_a_file = str(files["a_file"] / "fit.png")
    result = run(["calibrate", "--plot", inside_a_file], capsys)
    assert result.status == 2 and "--plot" in result.err


def test_calibrate_without_usable_rows_exits_1(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    result = run(["calibrate", str(files["header_only"]), "--json"], capsys)
    assert result.status == 1
    assert result.document["rows"][0]["ok"] is False
    assert any("too few usable rows" in w for w in result.document["warnings"])


def test_calibrate_drops_an_extreme_row_and_counts_it(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    clean = run(["calibrate", "--json"], capsys).document
    for robust in ([], ["--robust"]):
        result = run(["calibrate", str(files["extreme"]), "--json", *robust], capsys)
        assert result.status == 0
        assert "DLASCL" not in result.err and "SVD" not in result.err
        assert result.document["n_dropped"] == 1 and result.document["n_used"] == clean["n_used"]
        assert any("Q/V outside" in w for w in result.document["warnings"])
    assert result.document["alpha"] == pytest.approx(
        run(["calibrate", "--robust", "--json"], capsys).document["alpha"]
    )


def test_calibrate_warns_about_percent_volatility(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    clean = run(["calibrate", "--json"], capsys).document
    result = run(["calibrate", str(files["percent"]), "--json"], capsys)
    assert result.status == 0
    assert "looks like percent" in result.err
    assert any("looks like percent" in w for w in result.document["warnings"])
    # the fit is linear in the volatility: a 100 times larger volatility, a 100 times smaller c
    assert result.document["coefficient"] == pytest.approx(clean["coefficient"] / 100, rel=1e-6)


def test_calibrate_maps_columns(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    clean = run(["calibrate", "--json"], capsys).document
    argv = ["calibrate", str(files["renamed"]), "--columns", "quantity=qty, daily_volume=adv", "--json"]
    result = run(argv, capsys)
    assert result.status == 0
    assert result.document["alpha"] == clean["alpha"]
    assert result.document["inputs"]["columns"] == {"quantity": "qty", "daily_volume": "adv"}


def test_inputs_echo_flags_not_parser_bookkeeping(capsys: pytest.CaptureFixture[str]) -> None:
    # `frontier` marks --alpha as used with set_defaults(uses_flags=...): not an input
    for argv in (["frontier", "--json"], ["frontier", "--alpha", "0.6", "--json"]):
        result = run(argv, capsys)
        assert result.status == 0
        assert "uses_flags" not in result.document["inputs"]


def test_huge_order_exits_2_and_names_the_overflow(capsys: pytest.CaptureFixture[str]) -> None:
    for command in MODEL_COMMANDS:
        result = run([command, "--order-size", "1e300", *_extra(command), "--json"], capsys)
        assert result.status == 2
        assert "not finite" in result.err
        assert result.document["rows"] and not any(row["ok"] for row in result.document["rows"])


def test_large_but_finite_order_prints_short_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(["trajectory", "--order-size", "1e100"], capsys)
    assert result.status == 0
    assert max(len(word) for word in result.out.split()) < 30  # no 100-digit numbers
    assert "times the volume traded" in result.err  # and the implausible order is warned about


EXTREMES = ["5e-324", "1e-300", "1e-30", "1e30", "1e300", "1.7e308"]
NUMERIC_FLAGS = [
    "--daily-volume",
    "--daily-spread",
    "--daily-volatility",
    "--price",
    "--order-size",
    "--risk-aversion",
    "--tau",
]


@pytest.mark.parametrize("flag", NUMERIC_FLAGS)
def test_extreme_values_never_crash(flag: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Any value, however extreme: exit 0 with finite numbers, or 2 with a reason; valid JSON."""
    for value in EXTREMES:
        for command in ("trajectory", "frontier"):
            result = run(
                [command, flag, value, "--points", "3"]
                if command == "frontier"
                else [command, flag, value, "--json"],
                capsys,
            )
            assert result.status in (0, 2), (command, flag, value, result.err)
            if result.status == 2:
                assert "error:" in result.err
            elif result.document is not None:  # a failed row is marked and says why
                assert all(row["ok"] or row["warnings"] for row in result.document["rows"])


def test_json_rows_share_their_fields_across_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    documents = {
        command: run([command, *_extra(command), "--json"], capsys).document for command in MODEL_COMMANDS
    }
    common = {
        "name",
        "ok",
        "strategy",
        "risk_aversion",
        "expected_cost",
        "expected_cost_bps",
        "std",
        "std_bps",
        "warnings",
    }
    for command, document in documents.items():
        assert document["command"] == command
        for row in document["rows"]:
            assert common <= set(row), (command, set(row))
            assert list(row)[:2] == ["name", "ok"] and list(row)[-1] == "warnings"
    # the same schedule gives the same row in every subcommand
    ac = [next(r for r in d["rows"] if r["name"] == "almgren_chriss") for d in documents.values()]
    for row in ac[1:]:
        for key in ("expected_cost", "std", "expected_cost_bps"):
            assert row[key] == ac[0][key]


def test_durations_for_tau(capsys: pytest.CaptureFixture[str]) -> None:
    taus = {}
    for text in ("1/78", "5min", "5 min", "300s", "0.0128205128205128205"):
        result = run(["trajectory", "--tau", text, "--periods", "78", "--json"], capsys)
        assert result.status == 0, result.err
        taus[text] = result.document["inputs"]["tau"]
        assert result.document["params"]["tau"] == taus[text]
    assert all(tau == pytest.approx(1 / 78, rel=1e-15) for tau in taus.values())
    hours = run(["trajectory", "--tau", "6.5h", "--json"], capsys).document["inputs"]["tau"]
    assert (
        hours
        == pytest.approx(1.0)
        == run(["trajectory", "--tau", "1d", "--json"], capsys).document["inputs"]["tau"]
    )


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    import acsym

    result = run(["--version"], capsys)
    assert result.status == 0 and result.out.strip() == f"acsym {acsym.__version__}"
    for command in ("derive", "regenerate", "verify", "trajectory", "calibrate", "simulate", "frontier"):
        result = run([command, "--help"], capsys)
        assert result.status == 0 and "usage" in result.out and "%%" not in result.out


def test_warnings_are_printed_once_without_a_source_line(capsys: pytest.CaptureFixture[str]) -> None:
    # a spread wider than a day's move: a CalibrationWarning the output carries exactly once
    result = run(["trajectory", "--daily-volatility", "0.01", "--json"], capsys)
    assert result.status == 0
    messages = [w for w in result.document["warnings"] if "relative spread" in w]
    assert len(messages) == 1
    assert result.err.count("relative spread") == 1 and "cli.py" not in result.err
    assert "CalibrationWarning" not in result.err


def test_a_failed_row_is_marked_and_the_rest_exits_0(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import acsym.trajectory as module

    real = module.generate_vwap_trajectory

    def broken(order_size: float, duration_periods: int, params: Any) -> Any:
        return real(-order_size, duration_periods, params)  # NaN, with an InputWarning

    monkeypatch.setattr(module, "generate_vwap_trajectory", broken)
    for command in ("frontier", "simulate"):
        result = run([command, *_extra(command), "--json"], capsys)
        assert result.status == 0
        rows = {row["name"]: row for row in result.document["rows"]}
        assert rows["vwap"]["ok"] is False and rows["vwap"]["warnings"]
        assert rows["vwap"]["expected_cost"] is None  # NaN is null
        assert all(row["ok"] for name, row in rows.items() if name != "vwap")
        assert any("order_size" in w for w in result.document["warnings"])
        text = run([command, *_extra(command)], capsys)
        assert text.status == 0
        failed = [line for line in text.out.splitlines() if "failed" in line]
        assert len(failed) == 1 and "vwap" in failed[0]
        assert not any("nan" in line for line in text.out.splitlines() if "failed" not in line)


def test_simulate_prints_one_seed_that_reproduces_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    first = run(["simulate", *FAST_SIMULATE, "--json"], capsys).document
    seed = first["seed"]
    assert isinstance(seed, int) and seed >= 0
    again = run(["simulate", *FAST_SIMULATE, "--seed", str(seed), "--json"], capsys).document
    assert again["results"] == first["results"] and again["differences"] == first["differences"]
    text = run(["simulate", *FAST_SIMULATE, "--seed", str(seed)], capsys).out
    assert f"seed: {seed}" in text and text.count("seed:") == 1


def test_simulate_uses_common_random_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    document = run(["simulate", "--paths", "4000", "--seed", "7", "--no-progress", "--json"], capsys).document
    costs = {row["name"]: row["expected_cost"] for row in document["rows"]}
    for difference in document["differences"]:
        # the simulated difference agrees with the derived one (independent closed forms)
        derived = costs[difference["strategy"]] - costs[difference["against"]]
        assert difference["derived_difference"] == pytest.approx(derived)
        assert abs(difference["mean_difference"] - derived) <= 5 * difference["stderr"]
        assert difference["stderr"] <= difference["stderr_if_independent"] * (1 + 1e-9)
    gains = {d["strategy"]: d["precision_gain"] for d in document["differences"]}
    assert gains["twap"] > 10  # A-C at lambda = 1e-5 is close to TWAP: shared shocks cancel


def test_closed_pipe_exits_quietly() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "acsym", "trajectory", "--periods", "20000", "--json"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()
    err = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=60) == cli.EXIT_PIPE
    assert "Traceback" not in err and "BrokenPipe" not in err


def test_entry_point_exit_status_and_internal_errors(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "acsym", "trajectory", "--order-size", "-1"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "acsym trajectory: error: argument --order-size: '-1': out of range (allowed: a finite number > 0)"
    ]

    def boom(args: Any, out: Any) -> None:
        raise KeyError("expected_cost")

    monkeypatch.setattr(cli, "_trajectory", boom)
    status = cli.main(["trajectory", "--json"])
    captured = capsys.readouterr()
    assert status == cli.EXIT_INTERNAL and "Traceback" not in captured.err
    assert "internal error: KeyError" in captured.err
    assert _strict_json(captured.out)["exit_status"] == cli.EXIT_INTERNAL


def test_strict_json_helper_covers_numpy_and_non_finite() -> None:
    value = {"a": np.float64("nan"), "b": [math.inf, np.int64(3)], "c": np.array([1.0, -np.inf]), "d": (1, 2)}
    assert _strict_json(cli.to_json(value)) == {"a": None, "b": [None, 3], "c": [1.0, None], "d": [1, 2]}


def test_an_older_style_handler_still_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A subcommand written as ``def _name(args) -> int`` (printing itself) keeps working."""

    def legacy(args: Any) -> int:
        print("legacy output")
        return 1

    monkeypatch.setattr(cli, "_derive", legacy)  # build_parser registers it when main runs
    assert cli.main(["derive"]) == 1
    assert capsys.readouterr().out == "legacy output\n"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    flag=st.sampled_from([*NUMERIC_FLAGS, "--alpha"]),
    text=st.one_of(
        st.text(max_size=12),
        st.floats().map(repr),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.sampled_from(["1/78", "5min", "1e-3d", "2.5h", "1/0", "0/0", "-0", "1_000", " 7 "]),
    ),
)
def test_any_text_in_any_flag_exits_0_or_2_with_strict_json(
    flag: str, text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run(["trajectory", f"{flag}={text}", "--json"], capsys)
    assert result.status in (0, 2)
    if result.status == 2:
        assert result.document["errors"] and "error:" in result.err
    else:
        assert all(row["ok"] or row["warnings"] for row in result.document["rows"])
