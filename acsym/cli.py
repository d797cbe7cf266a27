"""The ``acsym`` command line (also ``python -m acsym``).

Subcommands import what they need when they run, so ``acsym --help`` stays as light as
``import acsym``; SymPy is loaded only by ``derive``, ``regenerate`` and ``verify``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _derive(args: argparse.Namespace) -> int:
    from acsym.derivation import document
    from acsym.derivation.proofs import PROOFS

    print(document.pretty(latex=args.latex))
    if args.prove:
        failed = 0
        for proof in PROOFS:
            ok = proof.holds()
            failed += not ok
            print(f"[{'proved' if ok else 'FAILED'}] {proof.name}: {proof.claim}")
        return 1 if failed else 0
    return 0


def _regenerate(args: argparse.Namespace) -> int:
    from acsym.derivation import codegen, document

    targets = [(codegen.TARGET, codegen.render)]
    if document.TARGET.parent.is_dir():  # docs/ exists in a source checkout, not in a wheel
        targets.append((document.TARGET, document.markdown))
    stale = []
    for path, render in targets:
        text = render()
        current = path.read_text() if path.exists() else ""
        if current == text:
            continue
        if args.check:
            stale.append(path)
            sys.stdout.write(codegen.drift(current, text, path))
        else:
            path.write_text(text)
            print(f"wrote {path}")
    if stale:
        names = ", ".join(str(p) for p in stale)
        print(f"\nout of date with the derivation: {names}\nrun `{codegen.COMMAND}` and commit.")
        return 1
    if args.check:
        print("generated files are up to date with the derivation")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from acsym import verify

    return verify.main(quick=args.quick, as_json=args.json)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(
        prog="acsym",
        description="The Almgren-Chriss optimal execution model, derived with SymPy.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    derive = commands.add_parser(
        "derive",
        help="print the derivation (and prove it)",
        description="Print every derived result of the model.",
    )
    derive.add_argument("--latex", action="store_true", help="print LaTeX instead of unicode")
    derive.add_argument(
        "--prove", action="store_true", help="also run every symbolic proof; exit 1 if one fails"
    )
    derive.set_defaults(run=_derive)

    regenerate = commands.add_parser(
        "regenerate",
        help="regenerate acsym/formulas.py and docs/derivation.md",
        description="Run the derivation and write the generated numpy module and its document.",
    )
    regenerate.add_argument(
        "--check", action="store_true", help="write nothing; show the diff and exit 1 if a file is stale"
    )
    regenerate.set_defaults(run=_regenerate)

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    status: int = args.run(args)
    return status
