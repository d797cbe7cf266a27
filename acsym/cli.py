"""The ``acsym`` command line (also ``python -m acsym``).

Subcommands import what they need when they run, so ``acsym --help`` stays as light as
``import acsym``; SymPy is loaded only by ``derive``, ``regenerate`` and ``verify``.

The contract, the same for every subcommand:

* **Exit status.** 0: done (also when some rows of a comparison failed: they are marked, with
  their warnings). 1: the command ran and its check failed (``verify``, ``regenerate --check``,
  ``derive --prove``, a fit that could not be made). 2: invalid input, nothing computed: one
  line per problem on stderr naming the flag, the value and what is allowed. 70: an internal
  error (a bug), one line, no traceback (``ACSYM_TRACEBACK=1`` shows it). 141: stdout was
  closed early (``acsym ... | head``), quietly, as a Unix tool killed by SIGPIPE.
* **JSON** (``--json``): one strict RFC 8259 document on stdout, also on errors: NaN and inf are
  ``null``. Every subcommand writes the same envelope (:data:`ENVELOPE`): ``command``,
  ``acsym_version``, ``ok``, ``exit_status``, ``inputs``, then its own fields, ``rows`` (each
  row: ``name``, ``ok``, its values, ``warnings``), ``warnings`` (every warning of the run) and
  ``errors``.
* **Warnings** are never silent and never printed twice: each is carried in the output (a
  ``warning:`` line on stderr, and the JSON) once, without a Python source line.

Adding a subcommand: write ``def _name(args, out: Outcome) -> None`` that fills ``out`` (rows
from :func:`result_row`, record fields, text lines; raise :class:`UsageError` for bad input),
register it in :func:`build_parser` with ``set_defaults(run=_name)``, and declare its flags
with :func:`_add_flag` and a :class:`Check` (parsed and range-checked together, so every bad
flag is reported at once). :func:`_run` does the rest: warnings, JSON, exit status. (A handler
in the older style, ``def _name(args) -> int`` printing its own output, still runs, without
the JSON envelope.)
"""

from __future__ import annotations

import argparse
import inspect
import math
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

from acsym._units import DURATION_FORMS, NUMBER_FORMS, SESSION_MINUTES, parse_duration, parse_number

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70
EXIT_PIPE = 141

#: the top-level fields of every subcommand's JSON document, in order (subcommands add theirs
#: between ``inputs`` and ``rows``)
ENVELOPE = ("command", "acsym_version", "ok", "exit_status", "inputs", "rows", "warnings", "errors")
#: the fields every row starts and ends with
ROW_FIELDS = ("name", "ok", "warnings")


def version() -> str:
    """The installed acsym version (package metadata; ``acsym.__version__`` in a bare checkout)."""
    from importlib import metadata

    try:
        return metadata.version("acsym")
    except metadata.PackageNotFoundError:
        import acsym

        return acsym.__version__


# ---------------------------------------------------------------------------------------------
# the shared machinery: outcome, rows, strict JSON, flags and their checks


#: optional packages a subcommand may need, and the extra that installs each
OPTIONAL_PACKAGES = {
    "sympy": "derive",
    "mpmath": "derive",
    "hypothesis": "conformance",
    "scipy": "calibration",
    "matplotlib": "plot",
}


class UsageError(Exception):
    """Invalid input: each problem becomes one line on stderr and the exit status is 2."""

    def __init__(self, *problems: str) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


@dataclass
class Outcome:
    """What a subcommand produced; :func:`_run` turns it into output and an exit status.

    Attributes
    ----------
    record : dict
        The subcommand's own JSON fields (NaN and inf allowed: they are written as null).
    rows : list of dict
        One per result (strategy, fit, verified function), built with :func:`result_row`.
    lines : list of str
        The human-readable output (stdout without ``--json``).
    notes : list of str
        Side remarks such as "wrote x.png" (stdout, or stderr under ``--json``).
    warnings, errors : list of str
        Collected in addition to every Python warning the run emits.
    status : int
        The exit status the subcommand asks for (:func:`_run` may raise it).
    all_failed_status : int
        The status when no row succeeded (2: the inputs gave nothing usable).
    """

    record: dict[str, Any] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    status: int = EXIT_OK
    all_failed_status: int = EXIT_USAGE

    def say(self, line: str = "") -> None:
        self.lines.append(line)


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def result_row(
    name: str, values: dict[str, Any], warnings: Sequence[str] = (), required: Sequence[str] = ()
) -> dict[str, Any]:
    """A row of the output: ``name``, ``ok``, ``values``, ``warnings``.

    The row is ok when every field named in ``required`` is a finite number; otherwise a
    warning says which value is not, so a failed row is never silent.
    """
    notes = list(dict.fromkeys(warnings))
    bad = [key for key in required if not _finite(values.get(key))]
    if bad:
        shown = ", ".join(f"{key} = {values.get(key)!r}" for key in bad)
        notes.append(
            f"{name}: {shown} not finite: an input is beyond what float64 arithmetic can represent"
            if not notes
            else f"{name}: {shown} not finite"
        )
    return {"name": name, "ok": not bad, **values, "warnings": notes}


def _ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, NaN where the denominator is 0 or not finite (no exception)."""
    if not (_finite(denominator) and denominator != 0):
        return math.nan
    return numerator / denominator


def jsonable(value: Any) -> Any:
    """``value`` as strict JSON data: NaN and inf become None, numpy values plain Python."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(item) for item in value]
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return jsonable(value.tolist())
    if isinstance(value, _Problem):
        return value.text
    return str(value)


def to_json(value: Any) -> str:
    """Strict RFC 8259 JSON text of ``value`` (see :func:`jsonable`)."""
    import json

    return json.dumps(jsonable(value), indent=2, allow_nan=False)


@dataclass(frozen=True)
class _Problem:
    """A flag value that could not be used; every one is reported before anything runs."""

    text: str
    reason: str


@dataclass(frozen=True)
class Check:
    """An argparse ``type`` that parses and range-checks, and never raises.

    A bad value becomes a :class:`_Problem`, so that :func:`_flag_problems` can report every
    bad flag together (argparse would stop at the first).
    """

    parse: Callable[[str], Any]
    forms: str
    allowed: str
    test: Callable[[Any], bool]

    def __call__(self, text: str) -> Any:
        try:
            value = self.parse(text)
        except Unusable as reason:
            return _Problem(text, str(reason))
        except (ValueError, OverflowError):
            return _Problem(text, f"not {self.forms}")
        if not self.test(value):
            return _Problem(text, f"out of range (allowed: {self.allowed})")
        return value


def _integer(text: str) -> int:
    return int(text.strip())


POSITIVE = Check(parse_number, NUMBER_FORMS, "a finite number > 0", lambda v: math.isfinite(v) and v > 0)
NONNEGATIVE = Check(parse_number, NUMBER_FORMS, "a finite number >= 0", lambda v: math.isfinite(v) and v >= 0)
DURATION = Check(
    parse_duration, DURATION_FORMS, "a finite duration > 0", lambda v: math.isfinite(v) and v > 0
)
#: at most ten million: more intervals than any session has seconds, and within memory
PERIODS = Check(_integer, "an integer", "an integer from 1 to 10000000", lambda v: 1 <= v <= 10_000_000)
SEED = Check(_integer, "an integer", "an integer >= 0", lambda v: v >= 0)


def at_least(minimum: int, maximum: int | None = None) -> Check:
    """An integer flag with a minimum (and optionally a maximum)."""
    allowed = f"an integer >= {minimum}" if maximum is None else f"an integer from {minimum} to {maximum}"
    return Check(
        _integer, "an integer", allowed, lambda v: v >= minimum and (maximum is None or v <= maximum)
    )


_PLOT_SUFFIXES = (".png", ".svg", ".svgz", ".pdf", ".jpg", ".jpeg", ".eps", ".ps", ".tif", ".tiff", ".webp")


class Unusable(ValueError):
    """Raised by a :class:`Check` parser with the reason a value cannot be used."""


def _plot_path(text: str) -> str:
    """A path a figure can be written to: a known image suffix in an existing writable folder."""
    import importlib.util
    from pathlib import Path

    path = Path(text).expanduser()
    if path.suffix.lower() not in _PLOT_SUFFIXES:
        raise Unusable(f"unknown image format (allowed suffixes: {', '.join(_PLOT_SUFFIXES)})")
    if not path.parent.is_dir():
        raise Unusable(f"no such folder {path.parent}")
    writable = os.access(path.parent, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))
    if path.is_dir() or not writable:
        raise Unusable("not writable")
    if importlib.util.find_spec("matplotlib") is None:
        raise Unusable("drawing needs matplotlib: pip install 'acsym[plot]'")
    return str(path)


PLOT = Check(_plot_path, "a path", "a writable image path", lambda v: True)

#: flags accepted for the seed contract that no model uses yet: rejected, with the reason.
#: A subcommand that uses one lists it in ``set_defaults(uses_flags=...)`` (see
#: :func:`_flag_problems`; :func:`_inputs` leaves that list out of the JSON) and reads the value.
UNUSED_FLAGS: dict[str, str] = {
    "alpha": "changes nothing here: this command's impact is linear or fitted; `acsym frontier "
    "--alpha A` compares power-law impact with exponent A, `acsym powerlaw` fits it to fills "
    "(Almgren 2003)",
}


def _flag_name(dest: str) -> str:
    return "--" + dest.replace("_", "-")


def _flag_problems(args: argparse.Namespace) -> list[str]:
    """One line per unusable flag: the flag, the value typed, what is allowed."""
    problems = []
    used = getattr(args, "uses_flags", ())  # a subcommand's set_defaults(uses_flags=...)
    for dest, value in vars(args).items():
        name = _flag_name(dest) if dest != "fills" else "FILLS.csv"
        if isinstance(value, _Problem):
            problems.append(f"argument {name}: {value.text!r}: {value.reason}")
        elif dest in UNUSED_FLAGS and dest not in used and value is not None:
            problems.append(f"argument {name}: {value!r} {UNUSED_FLAGS[dest]}")
    return problems


def _add_flag(
    parser: argparse.ArgumentParser | Any, name: str, check: Check, default: Any, help: str
) -> None:
    """A flag parsed and range-checked by ``check`` (see :class:`Check`)."""
    shown = "" if default is None else " (default %(default)s)"
    parser.add_argument(_flag_name(name), type=check, default=default, help=help + shown)


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors raised to :func:`main` instead of exiting."""

    def error(self, message: str) -> NoReturn:
        flag = message.partition("argument ")[2].partition(":")[0] or "--flag"
        if message.endswith("expected one argument"):  # argparse takes "-1e-5" for a flag
            message += f"; a value that starts with '-' is written {flag.split('/')[0]}=VALUE"
        raise _ArgumentError(self.prog, message)


class _ArgumentError(Exception):
    def __init__(self, prog: str, message: str) -> None:
        super().__init__(message)
        self.prog, self.message = prog, message


def _command_of(argv: Sequence[str]) -> str:
    return next((a for a in argv if not a.startswith("-")), "")


def _main(argv: Sequence[str]) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _ArgumentError as error:
        print(f"{error.prog}: error: {error.message} (see {error.prog} --help)", file=sys.stderr)
        if "--json" in argv:
            print(to_json(_envelope(_command_of(argv), EXIT_USAGE, {}, Outcome(errors=[error.message]))))
        return EXIT_USAGE
    except SystemExit as done:  # --help, --version
        return done.code if isinstance(done.code, int) else EXIT_OK
    return _run(args)


def _inputs(args: argparse.Namespace) -> dict[str, Any]:
    skipped = ("run", "command", "json", "uses_flags")  # parser bookkeeping, not inputs
    return {key: value for key, value in vars(args).items() if key not in skipped}


def _envelope(command: str, status: int, inputs: dict[str, Any], out: Outcome) -> dict[str, Any]:
    document: dict[str, Any] = {
        "command": command,
        "acsym_version": version(),
        "ok": status == EXIT_OK,
        "exit_status": status,
        "inputs": inputs,
    }
    document.update({key: value for key, value in out.record.items() if key not in ENVELOPE})
    document.update(rows=out.rows, warnings=out.warnings, errors=out.errors)
    return document


def _message(caught: warnings.WarningMessage) -> str:
    return str(caught.message)


def _beyond_float64(args: argparse.Namespace, what: str) -> str:
    """The error for inputs in range whose results overflow: names the flags that were set."""
    given = [
        f"{_flag_name(name)} {getattr(args, name)!r}"
        for name, default in SEED_EXAMPLE.items()
        if getattr(args, name, default) not in (default, None)
    ]
    flags = f" with {', '.join(given)}" if given else ""
    return f"{what}{flags}: the values are beyond what float64 arithmetic can represent"


def _run(args: argparse.Namespace) -> int:
    """Run one subcommand under the contract of this module; return the exit status."""
    out = Outcome()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            problems = _flag_problems(args)
            if problems:
                raise UsageError(*problems)
            if len(inspect.signature(args.run).parameters) == 1:
                # a handler in the older style prints its own output and returns its status
                out.status = args.run(args)
            else:
                args.run(args, out)
        except UsageError as error:
            out.errors += error.problems
            out.status = EXIT_USAGE
        except MemoryError:
            out.errors.append("not enough memory for this run: ask for fewer --periods or --paths")
            out.status = EXIT_USAGE
        except BrokenPipeError:
            raise
        except Exception as error:
            if os.environ.get("ACSYM_TRACEBACK"):
                raise
            if isinstance(error, ModuleNotFoundError) and error.name in OPTIONAL_PACKAGES:
                extra = OPTIONAL_PACKAGES[error.name]
                out.errors.append(f"this command needs {error.name}: pip install 'acsym[{extra}]'")
                out.status = EXIT_USAGE
            elif isinstance(error, ArithmeticError) or str(error) == "math domain error":
                # a float operation out of range inside the model: the inputs are in range but
                # too extreme to compute with (the math module's domain errors are ValueErrors)
                out.errors.append(_beyond_float64(args, f"{type(error).__name__}: {error}"))
                out.status = EXIT_USAGE
            else:  # a bug: one line, not a traceback
                out.errors.append(
                    f"internal error: {type(error).__name__}: {error} (a bug in acsym, please report "
                    "it with the command line; ACSYM_TRACEBACK=1 shows the traceback)"
                )
                out.status = EXIT_INTERNAL
    row_warnings = [message for row in out.rows for message in row["warnings"]]
    out.warnings = list(dict.fromkeys([*out.warnings, *row_warnings, *map(_message, caught)]))
    status = out.status
    failed = bool(out.rows) and not any(row["ok"] for row in out.rows)
    if failed and status == EXIT_OK:
        status = out.all_failed_status
        if status == EXIT_USAGE:
            out.errors.append(_beyond_float64(args, "no finite result") + " (see the warnings)")
    if args.json:
        print(to_json(_envelope(args.command, status, _inputs(args), out)))
    elif status == EXIT_FAILED or (status == EXIT_OK and not failed):  # a failed check shows why
        for line in out.lines:
            print(line)
    notes = sys.stderr if args.json else sys.stdout
    for note in out.notes:
        print(note, file=notes)
    for message in out.warnings:
        print(f"warning: {message}", file=sys.stderr)
    for message in out.errors:
        print(f"acsym {args.command}: error: {message}", file=sys.stderr)
    sys.stdout.flush()
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (see the module docstring)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        return _main(arguments)
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_PIPE
    except KeyboardInterrupt:
        print("acsym: interrupted", file=sys.stderr)
        return 130


def _quiet_stdout() -> None:
    """After a closed pipe: point stdout at /dev/null so the exit flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


# ---------------------------------------------------------------------------------------------
# derive, regenerate, verify


def _derive(args: argparse.Namespace, out: Outcome) -> None:
    from acsym.derivation import document
    from acsym.derivation.proofs import PROOFS

    out.say(document.pretty(latex=args.latex))
    if args.prove:
        failed = 0
        for proof in PROOFS:
            ok = proof.holds()
            failed += not ok
            out.say(f"[{'proved' if ok else 'FAILED'}] {proof.name}: {proof.claim}")
        out.status = EXIT_FAILED if failed else EXIT_OK


def _regenerate(args: argparse.Namespace, out: Outcome) -> None:
    from acsym.derivation import array_api, codegen, document, scalar

    targets = [
        (codegen.TARGET, codegen.render),
        (scalar.TARGET, scalar.render),
        (array_api.TARGET, array_api.render),
    ]
    if document.TARGET.parent.is_dir():  # docs/ exists in a source checkout, not in a wheel
        targets.append((document.TARGET, document.markdown))
    stale = []
    if note := codegen.version_note(codegen.TARGET.read_text() if codegen.TARGET.exists() else ""):
        print(note, file=sys.stderr)
    for path, render in targets:
        text = render()
        current = path.read_text() if path.exists() else ""
        if current == text:
            continue
        if args.check:
            stale.append(path)
            out.say(codegen.drift(current, text, path).rstrip("\n"))
        else:
            try:
                path.write_text(text)
            except OSError as error:
                raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
            out.say(f"wrote {path}")
    if stale:
        names = ", ".join(str(p) for p in stale)
        out.say(f"\nout of date with the derivation: {names}\nrun `{codegen.COMMAND}` and commit.")
        out.status = EXIT_FAILED
    elif args.check:
        out.say("generated files are up to date with the derivation")


def _verify(args: argparse.Namespace, out: Outcome) -> None:
    from acsym import verify

    report = verify.compute_report(verify.Settings(quick=args.quick))
    data = verify.report_json(report)
    for raw, row in zip(data.pop("rows"), report.rows, strict=True):
        notes = list(raw.pop("warnings", None) or [])
        out.rows.append({"name": f"{row.function} ({row.form})", "ok": row.passed, **raw, "warnings": notes})
    out.record.update(data)
    out.say(verify.format_table(report))
    out.all_failed_status = EXIT_FAILED
    out.status = EXIT_OK if report.passed else EXIT_FAILED


# ---------------------------------------------------------------------------------------------
# trajectory, frontier, simulate: the seed example's market and order


#: the seed plan's smoke example, the defaults of ``acsym trajectory``
SEED_EXAMPLE = {
    "daily_volume": 50_000.0,
    "daily_spread": 0.02,
    "daily_volatility": 0.05,
    "price": 0.50,
    "order_size": 5_000.0,
    "periods": 10,
    "risk_aversion": 1e-5,
    "tau": 1.0,
    "alpha": 0.5,
}


#: (group, option, check, help) of every input of the seed example; defaults: SEED_EXAMPLE
_MARKET_FLAGS: tuple[tuple[str, str, Check, str], ...] = (
    ("market", "daily_volume", POSITIVE, "average daily volume [shares/day]"),
    ("market", "daily_spread", NONNEGATIVE, "bid-ask spread [currency/share]"),
    ("market", "daily_volatility", NONNEGATIVE, "daily volatility [fraction, 0.02 = 2%%]"),
    ("market", "price", POSITIVE, "reference price [currency/share]"),
    (
        "market",
        "tau",
        DURATION,
        f"interval length: days (1/78), or a duration (5min, 2h, 1d; a trading day is "
        f"{SESSION_MINUTES:g} minutes)",
    ),
    ("order", "order_size", POSITIVE, "shares to sell"),
    ("order", "periods", PERIODS, "number of trading intervals N"),
    ("order", "risk_aversion", NONNEGATIVE, "lambda [1/currency]"),
)


def _add_market_arguments(parser: argparse.ArgumentParser, alpha_help: str | None = None) -> None:
    """Flags for every input of the seed example (calibration, order, risk aversion); a
    subcommand that uses --alpha says how in ``alpha_help``."""
    groups = {
        "market": parser.add_argument_group("market data (calibrated with the seed's heuristics)"),
        "order": parser.add_argument_group("order"),
    }
    for group, name, check, text in _MARKET_FLAGS:
        _add_flag(groups[group], name, check, SEED_EXAMPLE[name], text)
    _add_flag(
        groups["market"],
        "alpha",
        POSITIVE,
        None,
        alpha_help or "impact exponent: rejected until a model uses it (the A-C impact is linear)",
    )
    parser.add_argument("--json", action="store_true", help="print one strict JSON document")


def _calibrated(args: argparse.Namespace, out: Outcome) -> Any:
    """AlmgrenChrissParams from the market-data flags; UsageError if they give none."""
    from acsym.model import calibrate_ac_params

    params = calibrate_ac_params(
        args.daily_volume,
        args.daily_spread,
        args.daily_volatility,
        args.price,
        alpha=SEED_EXAMPLE["alpha"],
        tau=args.tau,
    )
    if params.problems():
        shown = "; ".join(params.warnings or params.problems())
        raise UsageError(_beyond_float64(args, f"the calibrated parameters are unusable ({shown})"))
    participation = _ratio(args.order_size, args.daily_volume * args.periods * args.tau)
    if participation > 1:
        out.warnings.append(
            f"the order ({args.order_size:g} shares) is {participation:.3g} times the volume traded "
            f"over its horizon ({args.periods} x {args.tau:g} days of {args.daily_volume:g} shares/day): "
            "far beyond the participation the impact heuristics describe"
        )
    return params


def _params_record(params: Any) -> dict[str, Any]:
    names = ("eta", "gamma", "sigma", "epsilon", "eta_tilde", "tau", "price")
    return {name: getattr(params, name) for name in names}


def _strategy_row(trajectory: Any, notional: float, **extra: Any) -> dict[str, Any]:
    """The row of one strategy: the same fields in trajectory, frontier and simulate."""
    details = dict(trajectory.params or {})
    variance = details.get("variance", math.nan)
    std = math.sqrt(variance) if _finite(variance) and variance >= 0 else math.nan
    values = {
        "strategy": trajectory.strategy_name,
        "risk_aversion": trajectory.risk_aversion,
        "expected_cost": details.get("expected_cost", math.nan),
        "expected_cost_bps": trajectory.total_cost_estimate,
        "std": std,
        "std_bps": _ratio(std, notional) * 1e4,
        **extra,
    }
    required = ("expected_cost", "expected_cost_bps", "std", "std_bps")
    return result_row(trajectory.strategy_name, values, trajectory.warnings, required)


def _amount(value: float, decimals: int = 2) -> str:
    """A number with thousands separators, or in exponent form when it is huge."""
    if _finite(value) and abs(value) < 1e15:
        return f"{value:,.{decimals}f}"
    return f"{value:.6g}"


def _days(tau: float) -> str:
    minutes = tau * SESSION_MINUTES
    clock = f" = {minutes:g} min" if tau < 1 and abs(minutes - round(minutes)) < 1e-9 else ""
    return f"{tau:g} day(s){clock}"


def _trajectory(args: argparse.Namespace, out: Outcome) -> None:
    from acsym.trajectory import generate_ac_trajectory

    params = _calibrated(args, out)
    trajectory = generate_ac_trajectory(args.order_size, args.periods, params, args.risk_aversion)
    details = dict(trajectory.params or {})
    notional = args.order_size * args.price or math.nan  # 0 when the product underflows
    row = _strategy_row(trajectory, notional, kappa=details.get("kappa", math.nan))
    out.rows.append(row)
    out.record.update(
        params=_params_record(params),
        timestamps=trajectory.timestamps,
        holdings=trajectory.holdings,
        trade_sizes=trajectory.trade_sizes,
    )
    if not row["ok"]:
        return
    if args.plot is not None:
        _plot_holdings(args, params, trajectory, out)
    cost, std = row["expected_cost"], row["std"]
    out.say("Calibrated Almgren-Chriss parameters")
    out.say(f"  eta       = {params.eta:.6g}  currency*day/share^2  (temporary impact)")
    out.say(f"  gamma     = {params.gamma:.6g}  currency/share^2  (permanent impact)")
    out.say(f"  sigma     = {params.sigma:.6g}  currency/(share*day^0.5)")
    out.say(f"  epsilon   = {params.epsilon:.6g}  currency/share  (half spread)")
    out.say(f"  eta_tilde = {params.eta_tilde:.6g}   kappa = {row['kappa']:.6g} /day")
    out.say(
        f"\nSell {_amount(args.order_size, 0)} shares over {args.periods} periods of {_days(args.tau)}, "
        f"risk aversion {args.risk_aversion:g} /currency\n"
    )
    out.say(f"{'period':>6} {'time':>8} {'holdings':>14} {'trade':>12} {'% of order':>10}")
    out.say(f"{0:>6} {0.0:>8.3f} {_amount(trajectory.holdings[0]):>14} {'':>12} {'':>10}")
    for k in range(1, len(trajectory.holdings)):
        trade = trajectory.trade_sizes[k - 1]
        out.say(
            f"{k:>6} {trajectory.timestamps[k]:>8.3f} {_amount(trajectory.holdings[k]):>14} "
            f"{_amount(trade):>12} {100 * _ratio(trade, args.order_size):>9.2f}%"
        )
    out.say(
        f"\nexpected cost  {_amount(cost, 4)} currency = {_amount(row['expected_cost_bps'])} bps of "
        f"{_amount(notional)}"
    )
    out.say(f"std deviation  {_amount(std, 4)} currency = {_amount(row['std_bps'])} bps")


def _plot_failed(args: argparse.Namespace, error: Exception) -> NoReturn:
    reason = getattr(error, "strerror", None) or str(error)
    raise UsageError(f"argument --plot: cannot write {args.plot}: {reason}")


def _plot_holdings(args: argparse.Namespace, params: Any, trajectory: Any, out: Outcome) -> None:
    """The chosen schedule against schedules from TWAP to 25% of TWAP's risk."""
    from acsym.frontier import efficient_frontier

    try:
        from acsym.plots import plot_holdings

        with warnings.catch_warnings():  # the trajectory itself already reported bad input
            warnings.simplefilter("ignore")
            frontier = efficient_frontier(args.order_size, args.periods, params, points=5)
        # standard deviation 100%, 75%, 50% and 25% of TWAP's (the last point is the market order)
        others = [frontier.trajectory(i) for i in range(4)] if frontier.warnings == () else []
        plot_holdings(others, highlight=trajectory, path=args.plot)
    except (ImportError, OSError, ValueError) as error:
        _plot_failed(args, error)
    out.notes.append(f"wrote {args.plot}")


def _frontier(args: argparse.Namespace, out: Outcome) -> None:
    from acsym.frontier import efficient_frontier, implied_risk_aversion
    from acsym.trajectory import (
        generate_ac_trajectory,
        generate_market_order_trajectory,
        generate_twap_trajectory,
        generate_vwap_trajectory,
    )

    params = _calibrated(args, out)
    inputs = (args.order_size, args.periods, params)
    frontier = efficient_frontier(*inputs, points=args.points)
    out.warnings += frontier.warnings
    strategies = [
        generate_twap_trajectory(*inputs),
        generate_vwap_trajectory(*inputs),
        generate_market_order_trajectory(*inputs),
        generate_ac_trajectory(*inputs, risk_aversion=args.risk_aversion),
    ]
    notional = args.order_size * args.price or math.nan  # 0 when the product underflows
    for strategy in strategies:
        lam = strategy.risk_aversion
        implied = lam if strategy.strategy_name != "vwap" else implied_risk_aversion(strategy, params)
        # the optimal schedule with the same risk: what the strategy gives away in expected cost
        twin = generate_ac_trajectory(*inputs, risk_aversion=implied) if math.isfinite(implied) else strategy
        cost = dict(strategy.params or {}).get("expected_cost", math.nan)
        excess = cost - dict(twin.params or {}).get("expected_cost", math.nan)
        out.rows.append(
            _strategy_row(strategy, notional, implied_risk_aversion=implied, excess_cost_over_frontier=excess)
        )
    names = ("risk_aversion", "kappa", "expected_cost", "expected_cost_bps", "std", "std_bps")
    out.record.update(
        params=_params_record(params), frontier={name: getattr(frontier, name) for name in names}
    )
    nonlinear = powerlaw_params = None
    if args.alpha is not None:
        powerlaw_params = _powerlaw_twin(args, params)
        nonlinear = _powerlaw_frontier(args, powerlaw_params, frontier.risk_aversion, notional, out)
        out.record.update(powerlaw_frontier=nonlinear)
    if args.plot is not None:
        try:
            from acsym.plots import plot_comparison

            dense = efficient_frontier(*inputs, points=max(args.points, 201))
            curves = None
            if powerlaw_params is not None:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # the table above reported them
                    curves = _powerlaw_curve(args, powerlaw_params, dense.risk_aversion)
            plot_comparison(strategies, frontier=dense, curves=curves, path=args.plot)
        except (ImportError, OSError, ValueError) as error:
            _plot_failed(args, error)
        out.notes.append(f"wrote {args.plot}")
    out.say(
        f"Efficient frontier: sell {_amount(args.order_size, 0)} shares over {args.periods} periods of "
        f"{_days(args.tau)}; eta_tilde = {params.eta_tilde:.6g}, sigma = {params.sigma:.6g}\n"
    )
    out.say(
        f"{'lambda [1/cur]':>15} {'kappa [1/day]':>14} {'E [currency]':>13} {'E [bps]':>9} "
        f"{'std [currency]':>15} {'std [bps]':>10}"
    )
    for i in range(len(frontier)):
        out.say(
            f"{frontier.risk_aversion[i]:>15.6g} {frontier.kappa[i]:>14.6g} "
            f"{_amount(frontier.expected_cost[i], 4):>13} {_amount(frontier.expected_cost_bps[i]):>9} "
            f"{_amount(frontier.std[i], 4):>15} {_amount(frontier.std_bps[i]):>10}"
        )
    out.say("\n(first row TWAP, lambda = 0; last row the market order, lambda -> inf)\n")
    if nonlinear is not None:
        _say_powerlaw_frontier(nonlinear, out)
    out.say(
        f"{'strategy':<16} {'lambda [1/cur]':>15} {'E [currency]':>13} {'E [bps]':>9} {'std [currency]':>15} "
        f"{'std [bps]':>10} {'excess E [cur]':>15}"
    )
    for row in out.rows:
        if not row["ok"]:
            out.say(f"{row['strategy']:<16} failed: {'; '.join(row['warnings'])}")
            continue
        lam = row["implied_risk_aversion"]
        shown = f"{lam:.6g}" if row["strategy"] != "vwap" else f"~{lam:.6g}"
        out.say(
            f"{row['strategy']:<16} {shown:>15} {_amount(row['expected_cost'], 4):>13} "
            f"{_amount(row['expected_cost_bps']):>9} {_amount(row['std'], 4):>15} "
            f"{_amount(row['std_bps']):>10} "
            f"{_amount(row['excess_cost_over_frontier'], 4):>15}"
        )
    out.say(
        "\n~ implied: the lambda of the optimal schedule with the same variance; excess E: expected\n"
        "cost above that optimal schedule (what the strategy gives away at equal risk)"
    )


def _strategies(args: argparse.Namespace, params: Any) -> tuple[list[Any], list[str]]:
    """The schedules ``acsym simulate`` compares: A-C, TWAP and any other generator available."""
    import inspect

    from acsym import trajectory as module

    schedules = [
        module.generate_ac_trajectory(args.order_size, args.periods, params, args.risk_aversion),
        module.generate_twap_trajectory(args.order_size, args.periods, params),
    ]
    skipped = []
    for name in ("generate_vwap_trajectory", "generate_market_order_trajectory"):
        generator = getattr(module, name, None)
        if generator is None:
            continue
        try:
            inspect.signature(generator).bind(args.order_size, args.periods, params)
        except TypeError:
            skipped.append(f"{name} (needs other arguments)")
            continue
        schedules.append(generator(args.order_size, args.periods, params))
    return schedules, skipped


def _progress_bar(total: int, description: str) -> Any:
    """A tqdm bar that appears only if the run takes over two seconds; None without tqdm."""
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, desc=description, unit="path", unit_scale=True, delay=2.0, leave=False)


#: ``simulate`` keeps every path of every strategy (for the common-random-number differences)
#: while they fit in this many bytes
SAMPLES_BUDGET = 1 << 28


def _differences(results: Sequence[Any]) -> list[dict[str, Any]]:
    """Each strategy's cost minus the first's, path by path (common random numbers).

    With the same shocks the difference of two costs varies far less than either cost, so its
    standard error ``std(A - B) / sqrt(n)`` is smaller than the ``sqrt(se_A**2 + se_B**2)`` of two
    independent runs: ``precision_gain`` is the ratio, and its square is how many times more
    paths independent runs would need for the same precision.
    """
    base = results[0]
    rows = []
    for result in results[1:]:
        difference = result.samples - base.samples
        n = difference.size
        shared = float(difference.std(ddof=1)) / math.sqrt(n)
        independent = math.hypot(result.mean_stderr, base.mean_stderr)
        mean = float(difference.mean())
        derived = result.expected_cost - base.expected_cost
        rows.append(
            {
                "strategy": result.strategy_name,
                "against": base.strategy_name,
                "mean_difference": mean,
                "stderr": shared,
                "stderr_if_independent": independent,
                "derived_difference": derived,
                "gap": _ratio(mean - derived, shared),
                "precision_gain": _ratio(independent, shared) if shared > 0 else math.inf,
            }
        )
    return rows


def _simulate(args: argparse.Namespace, out: Outcome) -> None:
    import secrets

    from acsym.simulation import simulate_execution

    params = _calibrated(args, out)
    schedules, skipped = _strategies(args, params)
    # one seed for every strategy: path i of each sees the same shocks (common random numbers)
    seed = args.seed if args.seed is not None else secrets.randbits(63)
    keep = args.plot is not None or 8 * args.paths * len(schedules) <= SAMPLES_BUDGET
    results = []
    for schedule in schedules:
        bar = None if args.no_progress else _progress_bar(args.paths, schedule.strategy_name)
        try:
            results.append(
                simulate_execution(
                    schedule,
                    params,
                    args.paths,
                    seed=seed,
                    chunk_size=args.chunk_size,
                    return_samples=keep,
                    progress=bar.update if bar is not None else None,
                )
            )
        finally:
            if bar is not None:
                bar.close()
    notional = args.order_size * args.price or math.nan  # 0 when the product underflows
    for schedule, result in zip(schedules, results, strict=True):
        row = _strategy_row(
            schedule,
            notional,
            simulated_mean=result.mean,
            simulated_mean_stderr=result.mean_stderr,
            simulated_std=result.std,
            mean_gap=result.mean_gap,
            std_gap=result.std_gap,
        )
        row["warnings"] = list(dict.fromkeys([*row["warnings"], *result.warnings]))
        row["ok"] = row["ok"] and _finite(result.mean)
        out.rows.append(row)
    usable = [r for r, row in zip(results, out.rows, strict=True) if row["ok"]]
    usable_schedules = [s for s, row in zip(schedules, out.rows, strict=True) if row["ok"]]
    differences = _differences(usable) if keep and len(usable) > 1 else []
    if not keep:
        out.warnings.append(
            f"cost differences not computed: keeping {args.paths:,} paths of {len(schedules)} strategies "
            f"needs over {SAMPLES_BUDGET >> 20} MiB; run fewer --paths"
        )
    out.record.update(
        params=_params_record(params),
        seed=seed,
        results=[r.as_dict() for r in results],
        differences=differences,
        skipped=skipped,
        plot=args.plot,
    )
    if not any(row["ok"] for row in out.rows):
        return
    if args.plot is not None:
        from acsym.plots import plot_comparison

        try:
            plot_comparison(usable_schedules, usable, path=args.plot)
        except (ImportError, OSError, ValueError) as error:
            _plot_failed(args, error)
        out.notes.append(f"wrote {args.plot}")
    failed = [f"{row['name']} (failed: {'; '.join(row['warnings'])})" for row in out.rows if not row["ok"]]
    _simulate_text(args, out, usable, differences, notional, seed, [*skipped, *failed])


def _simulate_text(
    args: argparse.Namespace,
    out: Outcome,
    results: Sequence[Any],
    differences: Sequence[dict[str, Any]],
    notional: float,
    seed: int,
    skipped: Sequence[str],
) -> None:
    out.say(
        f"Implementation shortfall of selling {_amount(args.order_size, 0)} shares over {args.periods} "
        f"periods of {_days(args.tau)} (notional {_amount(notional)} currency)"
    )
    out.say(f"{args.paths:,} simulated paths of the discrete A-C dynamics; positive = cost\n")
    header = (
        f"{'strategy':<16} {'mean':>11} {'+/- s.e.':>9} {'derived E':>11} {'gap/se':>7}"
        f" {'std':>11} {'+/- s.e.':>9} {'sqrt(Var)':>11} {'gap/se':>7}"
    )
    tails_header = f"{'strategy':<16} {'VaR 95%':>21} {'ES 95%':>21} {'VaR 99%':>21} {'ES 99%':>21}"
    for unit, scale in (("currency", 1.0), ("bps of notional", _ratio(1e4, notional))):
        out.say(f"[{unit}]  simulated, and derived from E and Var; gap = (simulated - derived) / s.e.")
        out.say(header)
        for r in results:
            out.say(
                f"{r.strategy_name:<16} {r.mean * scale:>#11.5g} {r.mean_stderr * scale:>#9.2g} "
                f"{r.expected_cost * scale:>#11.5g} {r.mean_gap:>+7.2f} {r.std * scale:>#11.5g} "
                f"{r.std_stderr * scale:>#9.2g} {r.expected_std * scale:>#11.5g} {r.std_gap:>+7.2f}"
            )
        out.say(f"\n[{unit}]  tails: simulated (derived from the normal N(E, Var))")
        out.say(tails_header)
        for r in results:
            cells = [
                f"{simulated[p] * scale:#.5g} ({derived[p] * scale:#.5g})"
                for p in (0.95, 0.99)
                for simulated, derived in (
                    (r.value_at_risk, r.derived_value_at_risk),
                    (r.expected_shortfall, r.derived_expected_shortfall),
                )
            ]
            out.say(f"{r.strategy_name:<16} " + " ".join(f"{c:>21}" for c in cells))
        out.say()
    if differences:
        base = differences[0]["against"]
        out.say(
            f"[currency]  cost minus {base}'s, path by path: every strategy sees the same random "
            "numbers (common random numbers)"
        )
        out.say(
            f"{'strategy':<16} {'simulated':>12} {'+/- s.e.':>9} {'derived':>12} {'gap/se':>7} "
            f"{'s.e. if independent':>20} {'precision gain':>15}"
        )
        for d in differences:
            gain = d["precision_gain"]
            shown = f"{gain:.3g}x" if math.isfinite(gain) else "exact"
            out.say(
                f"{d['strategy']:<16} {d['mean_difference']:>#12.5g} {d['stderr']:>#9.2g} "
                f"{d['derived_difference']:>#12.5g} {d['gap']:>+7.2f} {d['stderr_if_independent']:>#20.2g} "
                f"{shown:>15}"
            )
        gains = [d["precision_gain"] for d in differences if math.isfinite(d["precision_gain"])]
        if gains:
            best = max(gains)
            out.say(
                f"shared random numbers make the differences up to {best:.3g} times more precise than "
                f"independent runs ({best**2:.3g} times fewer paths for the same standard error)"
            )
        out.say()
    out.say(f"seed: {seed}  (--seed {seed} reproduces this run exactly)")
    if args.plot is not None:
        out.say(f"plot: {args.plot}")
    for name in skipped:
        out.say(f"not simulated: {name}")


# ---------------------------------------------------------------------------------------------
# calibrate


def _columns(text: str) -> dict[str, str]:
    """``quantity=qty,daily_volume=adv`` as ``{"quantity": "qty", "daily_volume": "adv"}``."""
    from acsym.impact import FILL_COLUMNS, OPTIONAL_FILL_COLUMNS

    mapping = {}
    for item in text.split(","):
        name, equals, source = (part.strip() for part in item.partition("="))
        if not equals or not name or not source or name not in FILL_COLUMNS + OPTIONAL_FILL_COLUMNS:
            raise ValueError
        mapping[name] = source
    return mapping


COLUMNS = Check(
    _columns,
    "NAME=COLUMN pairs, NAME one of quantity, daily_volume, daily_volatility, slippage_bps, "
    "duration (e.g. quantity=qty,daily_volume=adv)",
    "NAME=COLUMN pairs",
    lambda v: True,
)


def _calibrate(args: argparse.Namespace, out: Outcome) -> None:
    from acsym import impact

    source = args.fills if args.fills is not None else impact.example_fills_path()
    try:
        result = impact.calibrate_impact(source, robust=args.robust, columns=args.columns)
    except ModuleNotFoundError as exc:
        raise UsageError(f"calibrate needs {exc.name}: pip install 'acsym[calibration]'") from None
    except OSError as exc:
        raise UsageError(f"argument FILLS.csv: cannot read {source}: {exc.strerror or exc}") from None
    except (TypeError, ValueError) as exc:
        raise UsageError(f"argument FILLS.csv: {exc}") from None
    out.all_failed_status = EXIT_FAILED
    record = result.as_dict()
    names = ("epsilon", "epsilon_stderr", "coefficient", "coefficient_stderr", "alpha", "alpha_stderr")
    out.rows.append(
        result_row(
            f"{result.form} form, {result.loss}",
            {name: record[name] for name in names},
            (),
            required=("epsilon", "coefficient", "alpha") if result.ok else (),
        )
    )
    out.rows[-1]["ok"] = result.ok
    out.record.update(fills=str(source), **record)
    if not result.ok:
        out.status = EXIT_FAILED
    if args.plot is not None:
        try:
            from acsym.plots import plot_impact_fit

            plot_impact_fit(result, source, columns=args.columns, path=args.plot)
        except (ImportError, OSError, ValueError) as error:
            _plot_failed(args, error)
        out.notes.append(f"wrote {args.plot}")
    x = "Q/(V*duration)" if result.form == "participation" else "Q/V"
    method = "least squares" if result.loss == "linear" else f"robust ({result.loss} loss)"
    out.say(f"fills: {source}")
    out.say(f"model: slippage_bps = epsilon + coefficient * daily_volatility * ({x})^alpha, {method}")
    out.say(f"rows:  {result.n_used} used, {result.n_dropped} dropped")
    pm = impact.format_estimate
    out.say(f"  epsilon     = {pm(result.epsilon, result.epsilon_stderr)} bps")
    out.say(f"  coefficient = {pm(result.coefficient, result.coefficient_stderr)} bps per unit of volatility")
    out.say(f"  alpha       = {pm(result.alpha, result.alpha_stderr)}")
    out.say(f"  (estimate ± one standard error, {result.standard_errors})")
    out.say(
        f"R^2 = {result.r_squared:.4f}, residual rmse = {result.residuals.rmse:.3g} bps, n = {result.n_used}"
    )


# ---------------------------------------------------------------------------------------------
# the parser


def _add_plot_argument(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--plot",
        metavar="FILE.png",
        type=PLOT,
        default=None,
        help=f"also write {what} to FILE (PNG, SVG or PDF by suffix; needs the 'plot' extra)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = _Parser(
        prog="acsym",
        description="The Almgren-Chriss optimal execution model, derived with SymPy. Exit status: "
        "0 done, 1 a check failed, 2 invalid input (one line per problem on stderr).",
    )
    parser.add_argument("--version", action="version", version=f"acsym {version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    derive = commands.add_parser(
        "derive",
        help="print the derivation (and prove it)",
        description="Print every derived result of the model.",
    )
    derive.add_argument("--latex", action="store_true", help="print LaTeX instead of unicode")
    derive.add_argument(
        "--prove", action="store_true", help="also run every symbolic proof; exit 1 if one fails"
    )
    derive.set_defaults(run=_derive, json=False)

    regenerate = commands.add_parser(
        "regenerate",
        help="regenerate acsym/formulas.py, formulas_scalar.py, formulas_xp.py and docs/derivation.md",
        description="Run the derivation and write the generated numpy module and its document.",
    )
    regenerate.add_argument(
        "--check", action="store_true", help="write nothing; show the diff and exit 1 if a file is stale"
    )
    regenerate.set_defaults(run=_regenerate, json=False)

    verify = commands.add_parser(
        "verify",
        help="measure every generated function against mpmath and the direct QP solve",
        description="Evaluate every generated function on a grid and random points covering the "
        "whole valid domain, against the derivation's textbook forms in mpmath (50+ digits) and "
        "the directly solved quadratic program; report the worst errors, and the naive forms'. "
        "Exit 1 if a generated function exceeds its bound or returns NaN or inf.",
    )
    verify.add_argument("--json", action="store_true", help="print the report as JSON")
    verify.add_argument("--quick", action="store_true", help="a small sweep (a few seconds)")
    verify.set_defaults(run=_verify)

    trajectory = commands.add_parser(
        "trajectory",
        help="the optimal schedule for an order (default: the seed example)",
        description="Calibrate parameters from market data and print the optimal schedule, "
        "its expected cost and standard deviation. With no flags: the seed plan's example.",
    )
    _add_market_arguments(trajectory)
    _add_plot_argument(trajectory, "the holdings over time (with TWAP and riskier schedules)")
    trajectory.set_defaults(run=_trajectory)

    calibrate = commands.add_parser(
        "calibrate",
        help="fit the power-law impact model to a CSV of fills",
        description=(
            "Fit slippage_bps = epsilon + coefficient * daily_volatility * (Q/V)^alpha (or the "
            "participation form Q/(V*duration) when the file has a duration column, in days) by "
            "nonlinear least squares, with standard errors. Columns: quantity (shares), "
            "daily_volume (shares/day), daily_volatility (fraction, 0.02 = 2%), slippage_bps. "
            "Unusable rows are dropped and counted. Exit 1 if no fit could be made."
        ),
    )
    calibrate.add_argument(
        "fills",
        nargs="?",
        default=None,
        metavar="FILLS.csv",
        help="fills file (default: the shipped example)",
    )
    calibrate.add_argument("--json", action="store_true", help="print one strict JSON document")
    calibrate.add_argument("--robust", action="store_true", help="robust fit (soft-L1 loss) against outliers")
    calibrate.add_argument(
        "--columns",
        type=COLUMNS,
        default=None,
        metavar="NAME=COLUMN,...",
        help="the file's column for each input, e.g. quantity=qty,daily_volume=adv",
    )
    _add_plot_argument(calibrate, "slippage against Q/V, log axes, with the fit")
    calibrate.set_defaults(run=_calibrate)

    simulate = commands.add_parser(
        "simulate",
        help="Monte Carlo of the cost of A-C, TWAP and other schedules (default: the seed example)",
        description="Simulate the discrete Almgren-Chriss price dynamics for each strategy and "
        "print the cost distribution (mean, std, VaR, expected shortfall) next to the derived "
        "E and sqrt(Var). Every strategy sees the same random numbers, so their cost differences "
        "are far more precise than independent runs'. With no flags: the seed plan's example.",
    )
    _add_market_arguments(simulate)
    _add_flag(simulate, "paths", at_least(2), 100_000, "number of simulated paths")
    _add_flag(simulate, "seed", SEED, None, "random seed, >= 0 (default: fresh entropy, printed)")
    _add_flag(
        simulate,
        "chunk_size",
        at_least(1),
        16_384,
        "paths held in memory at once; does not change the numbers",
    )
    _add_plot_argument(simulate, "the strategies compared: holdings, trades, simulated cost distributions")
    simulate.add_argument(
        "--no-progress", action="store_true", help="no progress bar (shown by tqdm, acsym[progress])"
    )
    simulate.set_defaults(run=_simulate)

    frontier = commands.add_parser(
        "frontier",
        help="the efficient frontier and other strategies (default: the seed example)",
        description="Expected cost and standard deviation of the optimal schedule from TWAP "
        "(lambda = 0) to the market order (lambda -> inf), with TWAP, VWAP, the market order and "
        "the Almgren-Chriss schedule at --risk-aversion compared on the same footing. With --alpha, "
        "the frontier of power-law impact h(v) = epsilon + eta v^alpha (Almgren 2003) at the same "
        "risk aversions next to it. With --json, non-finite numbers (the market order's lambda = "
        "inf) are null.",
    )
    _add_market_arguments(
        frontier,
        alpha_help="impact exponent: adds the power-law frontier (Almgren 2003), its eta chosen so "
        "that the impact per unit rate at the TWAP rate is the linear model's eta",
    )
    _add_flag(
        frontier,
        "points",
        at_least(2, 100_000),
        11,
        "frontier points, evenly spaced in standard deviation, both ends included",
    )
    _add_plot_argument(frontier, "the strategies compared: holdings, trades, costs and the frontier")
    frontier.set_defaults(run=_frontier, uses_flags=("alpha",))
    _add_conform_command(commands)
    _add_desk_commands(commands)
    _add_family_commands(commands)
    _add_powerlaw_command(commands)
    return parser


# --------------------------------------------------------------------------------------------
# acsym conform: the conformance kit (acsym.testing.conformance) on anyone's implementation


def _add_conform_command(commands: Any) -> None:
    conform = commands.add_parser(
        "conform",
        help="check an Almgren-Chriss implementation against the derivation",
        description="Run the conformance kit (acsym.testing.conformance) on an adapter: agreement "
        "with the mpmath optimum, boundary values, no negative holdings, no NaN/inf/exception, "
        "TWAP at lambda = 0 and continuity, monotone front-loading, the first-order conditions, E "
        "and V against the schedule sums and Monte Carlo, the paper's example. Hypothesis searches "
        "and shrinks each failure to a minimal input. Exit 0 if every check passes, 1 if one "
        "fails, 2 for a bad adapter or domain.",
    )
    conform.add_argument(
        "adapter",
        metavar="MODULE:FUNCTION",
        help="the adapter, e.g. acsym.testing.adapters:slippage_tca (see acsym.testing.conformance)",
    )
    conform.add_argument("--json", action="store_true", help="print the report as JSON")
    conform.add_argument(
        "--domain",
        action="append",
        default=[],
        metavar="NAME=VALUE[,...]",
        help="restrict the search, e.g. max_kappa_horizon=50,max_periods=390 (repeatable; names: "
        "the fields of ConformanceDomain)",
    )
    conform.add_argument(
        "--examples", type=int, default=200, help="Hypothesis examples per check (default %(default)s)"
    )
    conform.add_argument(
        "--rtol", type=float, default=1e-9, help="the relative tolerance (default %(default)s)"
    )
    conform.add_argument(
        "--paths", type=int, default=20_000, help="Monte Carlo paths per input (default %(default)s)"
    )
    conform.add_argument(
        "--check", action="append", default=None, metavar="NAME", help="run only this check (repeatable)"
    )
    conform.set_defaults(run=_conform)


def _conform(args: argparse.Namespace, out: Outcome) -> None:
    from acsym.testing import conformance

    try:
        adapter = conformance.load_adapter(args.adapter)
        domain = conformance.ConformanceDomain.parse(args.domain) if args.domain else None
    except (ValueError, ImportError) as error:
        raise UsageError(str(error)) from error
    report = conformance.check_conformance(
        adapter,
        domain=domain or conformance.ConformanceDomain(),
        name=args.adapter,
        examples=args.examples,
        tolerances=conformance.Tolerances(rtol=args.rtol),
        monte_carlo_paths=args.paths,
        checks=args.check,
    )
    data = report.to_json()
    for check in data.pop("checks"):
        out.rows.append({"name": check["name"], "ok": check["status"] != "fail", **check, "warnings": []})
    out.record.update(data)
    out.say(report.to_markdown())
    out.all_failed_status = EXIT_FAILED
    out.status = EXIT_OK if report.passed else EXIT_FAILED


# --- for a trading desk: `acsym desk` and `acsym evaluate` (issue 14) --------------------------


def _add_session_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "clock time (overrides --periods and --tau: tau = bucket / day length, in trading days)"
    )
    group.add_argument("--start", metavar="HH:MM", help="session start, e.g. 09:30")
    group.add_argument("--end", metavar="HH:MM", help="session end, e.g. 16:00")
    group.add_argument("--bucket", metavar="LENGTH", help="bucket length, e.g. 5min, 30s, 1h")
    group.add_argument("--date", metavar="YYYY-MM-DD", help="trading date (default today)")
    group.add_argument(
        "--day-length", default="6h30min", help="one trading day, the model's time unit (default %(default)s)"
    )
    parser.add_argument("--side", choices=("sell", "buy"), default="sell", help="order side (default sell)")


def _session(args: argparse.Namespace) -> Any:
    """The TradingSession of --start/--end/--bucket, or None; sets args.periods and args.tau."""
    from acsym.clock import TradingSession

    given = [args.start, args.end, args.bucket]
    if all(v is None for v in given):
        return None
    if any(v is None for v in given):
        raise ValueError("--start, --end and --bucket go together")
    session = TradingSession.from_clock(
        args.start, args.end, args.bucket, date=args.date, day_length=args.day_length
    )
    args.periods, args.tau = session.duration_periods, session.tau
    return session


def _desk_schedule(args: argparse.Namespace, params: Any) -> Any:
    from acsym import desk, limits

    targets = {
        "target_std": args.target_std,
        "target_std_bps": args.target_std_bps,
        "target_cost_bps": args.target_cost_bps,
    }
    chosen = {k: v for k, v in targets.items() if v is not None}
    limited = any(v is not None for v in (args.max_participation, args.min_child, args.max_child))
    if args.strategy == "pov":
        schedule = desk.pov_schedule(
            args.order_size, args.participation, args.daily_volume, args.periods, params, side=args.side
        )
    elif args.strategy in ("twap", "vwap"):
        from acsym import trajectory

        generate = getattr(trajectory, f"generate_{args.strategy}_trajectory")
        schedule = desk.with_side(generate(args.order_size, args.periods, params), args.side)
    else:
        schedule = desk.optimal_schedule(
            args.order_size,
            args.periods,
            params,
            side=args.side,
            **(chosen or {"risk_aversion": args.risk_aversion}),
        )
        if limited:
            schedule = limits.optimal_schedule_with_limits(
                args.order_size,
                args.periods,
                params,
                schedule.risk_aversion,
                max_participation=args.max_participation,
                daily_volume=args.daily_volume,
                min_child=args.min_child,
                max_child=args.max_child,
                side=args.side,
            )
    if args.lot_size is not None:
        schedule = limits.round_to_lots(schedule, args.lot_size, params)
    return schedule


def _print_schedule(out: Outcome, schedule: Any, params: Any, session: Any, evaluation: Any) -> None:
    from acsym.clock import trajectory_frame

    frame = trajectory_frame(schedule, params, session)
    clock = session is not None
    time_header = "time" if clock else "time [days]"
    out.say(f"{'k':>4} {time_header:>19} {'to trade':>14} {'trade':>12} {'% of order':>10} {'E so far':>13}")
    for k, row in enumerate(frame.itertuples(index=False)):
        shown = str(row.time)[:19] if clock else f"{row.time:.6f}"
        trade = f"{row.trades:>12,.2f}" if k else f"{'':>12}"
        pct = f"{row.pct_of_order:>9.2f}%" if k else f"{'':>10}"
        out.say(
            f"{k:>4} {shown:>19} {row.holdings:>14,.2f} {trade} {pct} {row.cumulative_expected_cost:>13,.2f}"
        )
    e = evaluation
    out.say(
        f"\nexpected cost  {e.expected_cost:,.4f} currency = {e.expected_cost_bps:.2f} bps"
        f"    std {e.std:,.4f} currency = {e.std_bps:.2f} bps"
    )
    out.say(
        f"implied lambda {e.implied_risk_aversion:.6g} /currency; excess over the optimal schedule "
        f"with the same risk {e.excess_cost:,.4f} currency = {e.excess_cost_bps:.2f} bps"
    )


def _evaluation_row(evaluation: Any, warnings: Sequence[str]) -> dict[str, Any]:
    values = {
        k: v for k, v in evaluation.as_dict().items() if k not in ("holdings", "trade_sizes", "warnings")
    }
    return result_row(
        evaluation.trajectory.strategy_name,
        values,
        warnings,
        required=("expected_cost", "std"),
    )


def _desk(args: argparse.Namespace, out: Outcome) -> None:
    from acsym import desk
    from acsym.clock import trajectory_frame

    try:
        session = _session(args)
    except (TypeError, ValueError) as error:
        raise UsageError(str(error)) from error
    if args.strategy == "pov" and args.participation is None:
        raise UsageError("--strategy pov needs --participation")
    params = _calibrated(args, out)
    schedule = _desk_schedule(args, params)
    evaluation = desk.evaluate_schedule(
        schedule, params, side=args.side, strategy_name=schedule.strategy_name
    )
    if args.plot is not None:
        _plot_desk_frontier(args, params, schedule, out)
    details = dict(schedule.params or {})
    extra = {
        k: details[k]
        for k in ("limits_cost", "limits_cost_bps", "lot_size", "completion_period")
        if k in details
    }
    frame = trajectory_frame(schedule, params, session)
    times = [str(t)[:19] for t in frame["time"]] if session is not None else frame["time"].tolist()
    row = _evaluation_row(evaluation, [*schedule.warnings, *evaluation.warnings])
    row.update(
        strategy=schedule.strategy_name,
        side=args.side,
        order_size=args.order_size,
        periods=args.periods,
        tau_days=args.tau,
        risk_aversion=schedule.risk_aversion,
        **extra,
        time=times,
        holdings=frame["holdings"].tolist(),
        trade_sizes=schedule.trade_sizes.tolist(),
        signed_trades=desk.signed_trades(schedule).tolist(),
        cumulative_expected_cost=frame["cumulative_expected_cost"].tolist(),
    )
    row["warnings"] = row.pop("warnings")  # rows end with their warnings
    out.rows.append(row)
    out.record.update(params=_params_record(params), side=args.side)
    span = f"{args.start}-{args.end} in {args.bucket} buckets" if session is not None else ""
    out.say(
        f"{args.side.capitalize()} {args.order_size:,.0f} shares, {schedule.strategy_name}, over "
        f"{args.periods} intervals of {args.tau:.6g} trading day(s) {span}\n"
    )
    _print_schedule(out, schedule, params, session, evaluation)
    if "limits_cost" in extra:
        out.say(
            f"the limits cost {extra['limits_cost']:,.4f} currency = {extra['limits_cost_bps']:.2f} bps "
            "of E + lambda Var (against the optimal schedule without limits)"
        )


def _plot_desk_frontier(args: argparse.Namespace, params: Any, schedule: Any, out: Outcome) -> None:
    """The frontier with TWAP, VWAP, the market order and the desk's schedule."""
    from acsym import trajectory
    from acsym.frontier import efficient_frontier

    inputs = (args.order_size, args.periods, params)
    try:
        from acsym.plots import plot_frontier

        markers = [
            trajectory.generate_twap_trajectory(*inputs),
            trajectory.generate_vwap_trajectory(*inputs),
            trajectory.generate_market_order_trajectory(*inputs),
            schedule,
        ]
        plot_frontier(efficient_frontier(*inputs, points=201), markers, path=args.plot)
    except (ImportError, OSError, ValueError) as error:
        _plot_failed(args, error)
    out.notes.append(f"wrote {args.plot}")


def _read_schedule(path: str) -> tuple[Any, str]:
    """(values, kind) from a CSV with a 'trades' or a 'holdings' column."""
    import csv

    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        raise ValueError(f"{path}: no rows")
    columns = {name.strip().lower(): name for name in rows[0]}
    for kind in ("trades", "holdings"):
        if kind in columns:
            values = [row[columns[kind]] for row in rows]
            try:
                return [float(v) for v in values if v is not None and v.strip() != ""], kind
            except ValueError as error:
                raise ValueError(f"{path}: column {kind!r}: {error}") from None
    raise ValueError(f"{path}: needs a 'trades' or a 'holdings' column, found {sorted(columns)}")


def _evaluate(args: argparse.Namespace, out: Outcome) -> None:
    from acsym import desk

    try:
        session = _session(args)
        values, kind = _read_schedule(args.schedule)
    except (OSError, TypeError, ValueError, UnicodeDecodeError) as error:
        raise UsageError(str(error)) from error
    params = _calibrated(args, out)
    evaluation = desk.evaluate_schedule(values, params, kind=kind, side=args.side)
    if session is not None and session.duration_periods != evaluation.duration_periods:
        raise UsageError(
            f"the session has {session.duration_periods} buckets, the schedule "
            f"{evaluation.duration_periods} intervals"
        )
    out.rows.append(_evaluation_row(evaluation, evaluation.warnings))
    out.record.update(params=_params_record(params), side=args.side, schedule=args.schedule)
    out.say(
        f"{args.side.capitalize()} {evaluation.order_size:,.0f} shares over {evaluation.duration_periods} "
        f"intervals of {args.tau:.6g} trading day(s), from {args.schedule}\n"
    )
    _print_schedule(out, evaluation.trajectory, params, session, evaluation)


def _add_desk_commands(commands: Any) -> None:
    """`acsym desk` and `acsym evaluate`."""
    desk = commands.add_parser(
        "desk",
        help="a schedule for a desk: buy or sell, clock times, risk targets, POV, lots, limits",
        description="Calibrate from market data (the seed example by default) and print a "
        "schedule on the clock: the optimal one at --risk-aversion or at a risk or cost target, "
        "TWAP, VWAP or POV; optionally under per-bucket limits and rounded to lots. Prints "
        "the expected cost and std in currency and bps, the implied lambda and the excess "
        "over the optimal schedule with the same risk. Time unit: trading days.",
    )
    _add_market_arguments(desk)
    _add_session_arguments(desk)
    target = desk.add_argument_group(
        "risk target (instead of --risk-aversion)"
    ).add_mutually_exclusive_group()
    target.add_argument("--target-std-bps", type=float, help="std of the cost [bps of notional]")
    target.add_argument("--target-std", type=float, help="std of the cost [currency]")
    target.add_argument("--target-cost-bps", type=float, help="expected cost [bps of notional]")
    desk.add_argument(
        "--strategy", choices=("optimal", "twap", "vwap", "pov"), default="optimal", help="(default optimal)"
    )
    desk.add_argument(
        "--participation", type=float, help="POV rate, a fraction of market volume (0.1 = 10%%)"
    )
    limits = desk.add_argument_group("limits and lots (the optimal schedule under limits needs scipy)")
    limits.add_argument("--max-participation", type=float, help="at most this fraction of a bucket's volume")
    limits.add_argument("--min-child", type=float, help="smallest trade per bucket [shares]")
    limits.add_argument("--max-child", type=float, help="largest trade per bucket [shares]")
    limits.add_argument("--lot-size", type=float, help="round the trades to lots [shares], total kept")
    _add_plot_argument(desk, "the efficient frontier with this schedule, TWAP, VWAP and the market order")
    desk.set_defaults(run=_desk)

    evaluate = commands.add_parser(
        "evaluate",
        help="price your own schedule from a CSV (a 'trades' or 'holdings' column)",
        description="Expected cost and std (currency and bps), implied lambda and the excess "
        "cost over the optimal schedule with the same risk, for the schedule in the file: a "
        "'trades' column (shares per interval; the order is their sum) or a 'holdings' column "
        "(from the order size down to 0). Intervals are --tau trading days (or --bucket).",
    )
    evaluate.add_argument("schedule", metavar="SCHEDULE.csv")
    _add_market_arguments(evaluate)
    _add_session_arguments(evaluate)
    evaluate.set_defaults(run=_evaluate)


# --- the model family beyond the base model (issue 15): drift, soft deadline, baskets ----------


def _add_family_commands(commands: Any) -> None:
    """Subcommands ``drift``, ``soft-deadline`` and ``basket``."""
    drift = commands.add_parser(
        "drift",
        help="the optimal schedule with an expected price drift (default: the seed example)",
        description="Almgren-Chriss with a directional view: the price is expected to move by "
        "--drift currency/share per day. With --drift 0: the schedule of `acsym trajectory`.",
    )
    _add_market_arguments(drift)
    drift.add_argument(
        "--drift", type=float, default=0.0, help="expected drift mu [currency/(share*day)] (default 0)"
    )
    drift.set_defaults(run=_drift)
    soft = commands.add_parser(
        "soft-deadline",
        help="liquidation where shares left at the horizon pay a penalty (Cartea-Jaimungal-Penalva)",
        description="Shares left at the horizon are sold at once at S_T - alpha q: the schedule "
        "leaves some for that block sale. Continuous time, CJP's k = eta, b = gamma, phi = lambda sigma^2; "
        "--discrete: the exact optimum of the discrete model of `acsym trajectory` with x_N free.",
    )
    _add_market_arguments(soft)
    soft.add_argument(
        "--terminal-penalty",
        type=float,
        required=True,
        help="alpha [currency/share^2], >= gamma / 2",
    )
    soft.add_argument(
        "--discrete",
        action="store_true",
        help="the discrete-time optimum (eta_tilde, the discrete kappa) instead of CJP's continuous one",
    )
    soft.set_defaults(run=_soft_deadline)
    basket = commands.add_parser(
        "basket",
        help="the optimal schedule for a basket of assets sold together",
        description="COVARIANCE.csv: the m x m covariance of price changes per day "
        "[currency^2/(share^2*day)] (an optional header row is skipped). ORDERS.csv: a header "
        "row and one row per asset with columns order_size, temporary_impact and optionally "
        "permanent_impact and epsilon (the half-spread, currency/share) (per-asset impact; "
        "cross-impact through the Python API). --simulate PATHS adds a Monte Carlo of the "
        "schedule with correlated price shocks.",
    )
    basket.add_argument("covariance", metavar="COVARIANCE.csv")
    basket.add_argument("orders", metavar="ORDERS.csv")
    basket.add_argument("--periods", type=int, default=10, help="number of intervals N (default %(default)s)")
    basket.add_argument("--risk-aversion", type=float, default=1e-6, help="lambda (default %(default)s)")
    basket.add_argument("--tau", type=float, default=1.0, help="interval length [days] (default %(default)s)")
    _add_flag(basket, "simulate", at_least(2), None, "also simulate the schedule's cost on this many paths")
    _add_flag(basket, "seed", SEED, None, "random seed of --simulate, >= 0 (default: fresh entropy, printed)")
    basket.add_argument("--json", action="store_true", help="print a machine-readable result")
    basket.set_defaults(run=_basket)


def _print_family_schedule(
    args: argparse.Namespace, out: Outcome, trajectory: Any, extra: dict[str, Any]
) -> None:
    notional = args.order_size * args.price or math.nan
    details = dict(trajectory.params or {})
    row = _strategy_row(trajectory, notional, **extra, kappa=details.get("kappa", math.nan))
    out.rows.append(row)
    out.record.update(
        timestamps=trajectory.timestamps, holdings=trajectory.holdings, trade_sizes=trajectory.trade_sizes
    )
    out.say(f"{trajectory.strategy_name}: " + ", ".join(f"{k} = {v:g}" for k, v in extra.items()))
    out.say(f"{'period':>6} {'time':>8} {'holdings':>14} {'trade':>12}")
    out.say(f"{0:>6} {0.0:>8.3f} {trajectory.holdings[0]:>14,.2f}")
    for k in range(1, len(trajectory.holdings)):
        out.say(
            f"{k:>6} {trajectory.timestamps[k]:>8.3f} {trajectory.holdings[k]:>14,.2f} "
            f"{trajectory.trade_sizes[k - 1]:>12,.2f}"
        )
    out.say(f"\nexpected cost  {row['expected_cost']:,.4f} currency, std deviation {row['std']:,.4f}")


def _drift(args: argparse.Namespace, out: Outcome) -> None:
    from acsym.models.drift import generate_drift_trajectory

    params = _calibrated(args, out)
    out.record.update(params=_params_record(params))
    trajectory = generate_drift_trajectory(
        args.order_size, args.periods, params, args.risk_aversion, args.drift
    )
    _print_family_schedule(args, out, trajectory, {"drift": args.drift, "risk_aversion": args.risk_aversion})


def _soft_deadline(args: argparse.Namespace, out: Outcome) -> None:
    from acsym.models.soft_deadline import generate_soft_deadline_trajectory

    params = _calibrated(args, out)
    out.record.update(params=_params_record(params))
    trajectory = generate_soft_deadline_trajectory(
        args.order_size,
        args.periods,
        params,
        args.terminal_penalty,
        args.risk_aversion,
        discrete=args.discrete,
    )
    extra = {
        "terminal_penalty": args.terminal_penalty,
        "risk_aversion": args.risk_aversion,
        "unsold": float((trajectory.params or {})["unsold"]),
    }
    _print_family_schedule(args, out, trajectory, extra)


def _read_matrix(path: str) -> Any:
    import numpy as np

    with open(path) as handle:
        rows = [line.strip() for line in handle if line.strip()]
    try:
        float(rows[0].split(",")[0])
    except ValueError:
        rows = rows[1:]  # a header row
    return np.array([[float(v) for v in row.split(",")] for row in rows])


def _basket(args: argparse.Namespace, out: Outcome) -> None:
    import numpy as np

    from acsym.models.basket import generate_basket_trajectory

    try:
        covariance = _read_matrix(args.covariance)
        with open(args.orders) as handle:
            header = [name.strip() for name in handle.readline().split(",")]
            table = np.array(
                [[float(v) for v in line.split(",")] for line in handle if line.strip()], ndmin=2
            )
        columns = {name: table[:, i] for i, name in enumerate(header)}
        orders, impact = columns["order_size"], columns["temporary_impact"]
        permanent, epsilon = columns.get("permanent_impact"), columns.get("epsilon")
        result = generate_basket_trajectory(
            orders, args.periods, covariance, impact, permanent, args.risk_aversion, args.tau, epsilon
        )
    except (OSError, ValueError, KeyError, IndexError, UnicodeDecodeError) as exc:
        raise UsageError(f"could not read the basket ({type(exc).__name__}: {exc})") from exc
    std = math.sqrt(result.variance) if result.variance >= 0 else math.nan
    values: dict[str, Any] = {"method": result.method, "expected_cost": result.expected_cost, "std": std}
    simulation = (
        _basket_simulation(args, result) if args.simulate is not None and not result.warnings else None
    )
    if simulation is not None:
        values.update(
            simulated_mean=simulation.mean,
            simulated_mean_stderr=simulation.mean_stderr,
            simulated_std=simulation.std,
            mean_gap=simulation.mean_gap,
            std_gap=simulation.std_gap,
        )
    required = ("expected_cost", "std") + (("simulated_mean", "simulated_std") if simulation else ())
    warnings = [*result.warnings, *(simulation.warnings if simulation else ())]
    out.rows.append(result_row("basket", values, warnings, required=required))
    out.record.update(
        kappas=result.kappas,
        timestamps=result.timestamps,
        holdings=result.holdings,
        trade_sizes=result.trade_sizes,
    )
    out.say(f"basket of {orders.size} assets, {args.periods} periods, method: {result.method}")
    out.say(f"{'period':>6} " + " ".join(f"{'asset ' + str(i + 1):>14}" for i in range(orders.size)))
    for k, holdings in enumerate(result.holdings):
        out.say(f"{k:>6} " + " ".join(f"{v:>14,.2f}" for v in holdings))
    out.say(f"\nexpected cost  {result.expected_cost:,.4f} currency, std deviation {std:,.4f}")
    if simulation is not None:
        out.record.update(seed=simulation.seed_entropy, simulation=simulation.as_dict())
        out.say(
            f"simulated      {simulation.mean:,.4f} +- {simulation.mean_stderr:,.4f} (mean, "
            f"{simulation.mean_gap:+.2f} s.e. from E), std deviation {simulation.std:,.4f} "
            f"({simulation.std_gap:+.2f} s.e. from sqrt(Var)) over {simulation.n_paths:,} paths"
        )
        out.say(
            f"seed: {simulation.seed_entropy}  (--seed {simulation.seed_entropy} reproduces this run exactly)"
        )


def _basket_simulation(args: argparse.Namespace, result: Any) -> Any:
    """``acsym basket --simulate PATHS``: the schedule's Monte Carlo with correlated shocks."""
    import secrets

    from acsym.simulation import simulate_execution

    seed = args.seed if args.seed is not None else secrets.randbits(63)
    return simulate_execution(result, result.params, args.simulate, seed=seed)


# --- `acsym frontier --alpha` (issue 16): the power-law frontier next to the linear one ------


def _powerlaw_twin(args: argparse.Namespace, params: Any) -> Any:
    """The linear params with impact exponent ``--alpha``; UsageError if they are not well posed.

    Its eta makes the impact per unit rate at the TWAP rate, :func:`acsym.formulas.powerlaw_trade_eta`
    of the TWAP trade, the calibrated linear eta: at alpha = 1 it is the linear model itself."""
    from dataclasses import replace

    import numpy as np

    from acsym import formulas
    from acsym.models.powerlaw import _well_posed

    twap_trade = args.order_size / args.periods
    eta = params.eta / float(formulas.powerlaw_trade_eta(twap_trade, params.tau, 1.0, args.alpha))
    nonlinear = replace(params, alpha=args.alpha, eta=eta)
    reason = _well_posed(np.array([args.order_size]), nonlinear)
    if reason is not None:  # rather than the TWAP fallback's frontier
        raise UsageError(f"argument --alpha: {args.alpha!r} gives no power-law frontier here: {reason}")
    return nonlinear


def _powerlaw_frontier(
    args: argparse.Namespace, nonlinear: Any, risk_aversion: Any, notional: float, out: Outcome
) -> dict[str, Any]:
    """The power-law frontier of :func:`_powerlaw_twin` at the linear frontier's risk aversions,
    as JSON fields."""
    import numpy as np

    from acsym.models.powerlaw import powerlaw_frontier

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cost, variance = powerlaw_frontier(args.order_size, args.periods, nonlinear, risk_aversion)
    out.warnings += [f"power-law frontier: {w.message}" for w in caught]
    std = np.sqrt(variance)
    return {
        "alpha": args.alpha,
        "eta": nonlinear.eta,
        "risk_aversion": np.asarray(risk_aversion, dtype=np.float64),
        "expected_cost": cost,
        "expected_cost_bps": cost / notional * 1e4,
        "std": std,
        "std_bps": std / notional * 1e4,
    }


def _powerlaw_curve(args: argparse.Namespace, params: Any, risk_aversion: Any) -> dict[str, Any]:
    """The power-law frontier as a labelled (std, expected cost) curve for ``plot_comparison``."""
    import numpy as np

    from acsym.models.powerlaw import powerlaw_frontier

    cost, variance = powerlaw_frontier(args.order_size, args.periods, params, risk_aversion)
    return {f"power-law frontier (alpha = {params.alpha:.3g})": (np.sqrt(variance), cost)}


def _say_powerlaw_frontier(frontier: dict[str, Any], out: Outcome) -> None:
    out.say(
        f"Power-law frontier (Almgren 2003): h(v) = epsilon + eta v^alpha, alpha = {frontier['alpha']:g}, "
        f"eta = {frontier['eta']:.6g} (the linear eta per unit rate at the TWAP rate)\n"
    )
    out.say(
        f"{'lambda [1/cur]':>15} {'E [currency]':>13} {'E [bps]':>9} {'std [currency]':>15} {'std [bps]':>10}"
    )
    for i in range(len(frontier["risk_aversion"])):
        out.say(
            f"{frontier['risk_aversion'][i]:>15.6g} {_amount(frontier['expected_cost'][i], 4):>13} "
            f"{_amount(frontier['expected_cost_bps'][i]):>9} {_amount(frontier['std'][i], 4):>15} "
            f"{_amount(frontier['std_bps'][i]):>10}"
        )
    out.say("\n(the same risk aversions as the linear frontier above)\n")


# --- `acsym powerlaw` (issue 16): a schedule with the fitted impact exponent ------------------


def _add_powerlaw_command(commands: Any) -> None:
    powerlaw = commands.add_parser(
        "powerlaw",
        help="fit impact to fills, then the optimal schedule with the fitted exponent",
        description="Fit slippage_bps = epsilon + coefficient * daily_volatility * x^alpha to "
        "FILLS.csv (default: the shipped example), turn the fit into power-law temporary impact "
        "h(v) = epsilon + eta v^alpha at the given market data, and print the optimal schedule "
        "(Almgren 2003) next to the linear Almgren-Chriss schedule. The exponent is the fitted one "
        "(--alpha is refused; `acsym frontier --alpha A` takes a given exponent).",
    )
    powerlaw.add_argument("fills", nargs="?", default=None, metavar="FILLS.csv", help="fills file")
    _add_market_arguments(powerlaw)
    _add_plot_argument(
        powerlaw, "both schedules compared, with the power-law frontier next to the linear one"
    )
    powerlaw.set_defaults(run=_powerlaw)


def _powerlaw(args: argparse.Namespace, out: Outcome) -> None:
    from acsym import impact
    from acsym.models.powerlaw import generate_powerlaw_trajectory, powerlaw_params_from_fit
    from acsym.trajectory import generate_ac_trajectory

    source = args.fills if args.fills is not None else impact.example_fills_path()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", impact.CalibrationWarning)  # `acsym calibrate` shows them
        fit = impact.calibrate_impact(source)
    if not fit.ok:
        raise UsageError(f"no impact fit could be made from {source}: {'; '.join(fit.warnings)}")
    params = powerlaw_params_from_fit(
        fit, args.daily_volume, args.daily_spread, args.daily_volatility, args.price, tau=args.tau
    )
    ours = generate_powerlaw_trajectory(args.order_size, args.periods, params, args.risk_aversion)
    linear_params = _calibrated(args, out)
    linear = generate_ac_trajectory(args.order_size, args.periods, linear_params, args.risk_aversion)
    notional = args.order_size * args.price or math.nan
    out.rows.append(_strategy_row(ours, notional, alpha=params.alpha))
    out.rows.append(_strategy_row(linear, notional))
    out.record.update(
        fit={"alpha": params.alpha, "eta": params.eta, "epsilon": params.epsilon, "gamma": params.gamma},
        holdings=ours.holdings,
        linear_holdings=linear.holdings,
    )
    out.say(f"fitted alpha = {params.alpha:.4g}, eta = {params.eta:.6g} currency/share*(day/share)^alpha")
    out.say(f"{'period':>6} {'power law':>14} {'linear A-C':>14}")
    for k, (a, b) in enumerate(zip(ours.holdings, linear.holdings, strict=True)):
        out.say(f"{k:>6} {a:>14,.2f} {b:>14,.2f}")
    for name, row in (("power law", out.rows[0]), ("linear A-C", out.rows[1])):
        out.say(f"{name}: expected cost {row['expected_cost']:,.4f} currency, std {row['std']:,.4f}")
    if args.plot is not None:
        _plot_powerlaw(args, params, linear_params, [linear, ours], out)


def _plot_powerlaw(
    args: argparse.Namespace, params: Any, linear_params: Any, schedules: list[Any], out: Outcome
) -> None:
    """The linear and power-law schedules compared; both models' frontiers in one panel."""
    import numpy as np

    from acsym.frontier import efficient_frontier

    try:
        from acsym.plots import plot_comparison

        frontier = efficient_frontier(args.order_size, args.periods, linear_params, points=201)
        lams = frontier.risk_aversion[np.isfinite(frontier.risk_aversion)][::5]
        curve = _powerlaw_curve(args, params, lams)
        plot_comparison(schedules, frontier=frontier, curves=curve, path=args.plot)
    except (ImportError, OSError, ValueError) as error:
        _plot_failed(args, error)
    out.notes.append(f"wrote {args.plot}")
