"""The ``acsym`` command line (also ``python -m acsym``).

Subcommands import what they need when they run, so ``acsym --help`` stays as light as
``import acsym``; SymPy is loaded only by ``derive``, ``regenerate`` and ``verify``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any


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


#: (group, option, type, help) of every input of the seed example; defaults: SEED_EXAMPLE
_MARKET_FLAGS: tuple[tuple[str, str, type, str], ...] = (
    ("market", "daily_volume", float, "average daily volume [shares/day]"),
    ("market", "daily_spread", float, "bid-ask spread [currency/share]"),
    ("market", "daily_volatility", float, "daily volatility [fraction]"),
    ("market", "price", float, "reference price [currency/share]"),
    ("market", "alpha", float, "impact exponent"),
    ("market", "tau", float, "interval length [days]"),
    ("order", "order_size", float, "shares to sell"),
    ("order", "periods", int, "number of trading intervals N"),
    ("order", "risk_aversion", float, "lambda [1/currency]"),
)


def _add_market_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags for every input of the seed example (calibration, order, risk aversion)."""
    groups = {
        "market": parser.add_argument_group("market data (calibrated with the seed's heuristics)"),
        "order": parser.add_argument_group("order"),
    }
    for group, name, kind, text in _MARKET_FLAGS:
        groups[group].add_argument(
            "--" + name.replace("_", "-"),
            type=kind,
            default=SEED_EXAMPLE[name],
            help=f"{text} (default %(default)s)",
        )
    parser.add_argument("--json", action="store_true", help="print a machine-readable result")


def _calibrated(args: argparse.Namespace) -> Any:
    """AlmgrenChrissParams from the market-data flags of :func:`_add_market_arguments`."""
    from acsym.model import calibrate_ac_params

    return calibrate_ac_params(
        args.daily_volume,
        args.daily_spread,
        args.daily_volatility,
        args.price,
        alpha=args.alpha,
        tau=args.tau,
    )


def _trajectory(args: argparse.Namespace) -> int:
    import json
    import math

    from acsym.trajectory import generate_ac_trajectory

    params = _calibrated(args)
    trajectory = generate_ac_trajectory(args.order_size, args.periods, params, args.risk_aversion)
    if args.plot is not None and not _plot_holdings(args, params, trajectory):
        return 1
    details = dict(trajectory.params or {})
    cost, variance = details["expected_cost"], details["variance"]
    std = math.sqrt(variance) if variance >= 0 else math.nan
    notional = args.order_size * args.price
    if args.json:
        print(
            json.dumps(
                {
                    "params": {
                        "eta": params.eta,
                        "gamma": params.gamma,
                        "sigma": params.sigma,
                        "epsilon": params.epsilon,
                        "eta_tilde": params.eta_tilde,
                        "alpha": params.alpha,
                        "tau": params.tau,
                        "price": params.price,
                    },
                    "order_size": args.order_size,
                    "periods": args.periods,
                    "risk_aversion": args.risk_aversion,
                    "kappa": details["kappa"],
                    "timestamps": trajectory.timestamps.tolist(),
                    "holdings": trajectory.holdings.tolist(),
                    "trade_sizes": trajectory.trade_sizes.tolist(),
                    "expected_cost": cost,
                    "expected_cost_bps": trajectory.total_cost_estimate,
                    "std": std,
                    "std_bps": std / notional * 1e4,
                    "warnings": list(params.warnings) + list(trajectory.warnings),
                },
                indent=2,
            )
        )
        return 0
    print("Calibrated Almgren-Chriss parameters")
    print(f"  eta       = {params.eta:.6g}  currency*day/share^2  (temporary impact)")
    print(f"  gamma     = {params.gamma:.6g}  currency/share^2  (permanent impact)")
    print(f"  sigma     = {params.sigma:.6g}  currency/(share*day^0.5)")
    print(f"  epsilon   = {params.epsilon:.6g}  currency/share  (half spread)")
    print(f"  eta_tilde = {params.eta_tilde:.6g}   kappa = {details['kappa']:.6g} /day")
    print(
        f"\nSell {args.order_size:,.0f} shares over {args.periods} periods of {args.tau:g} "
        f"day(s), risk aversion {args.risk_aversion:g} /currency\n"
    )
    print(f"{'period':>6} {'time':>8} {'holdings':>14} {'trade':>12} {'% of order':>10}")
    print(f"{0:>6} {0.0:>8.3f} {trajectory.holdings[0]:>14,.2f} {'':>12} {'':>10}")
    for k in range(1, len(trajectory.holdings)):
        trade = trajectory.trade_sizes[k - 1]
        print(
            f"{k:>6} {trajectory.timestamps[k]:>8.3f} {trajectory.holdings[k]:>14,.2f} "
            f"{trade:>12,.2f} {100 * trade / args.order_size:>9.2f}%"
        )
    print(
        f"\nexpected cost  {cost:,.4f} currency = {trajectory.total_cost_estimate:.2f} bps of {notional:,.2f}"
    )
    print(f"std deviation  {std:,.4f} currency = {std / notional * 1e4:.2f} bps")
    for message in list(params.warnings) + list(trajectory.warnings):
        print(f"warning: {message}")
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    import json
    import math
    import warnings

    from acsym import impact

    source = args.fills if args.fills is not None else impact.example_fills_path()
    try:
        with warnings.catch_warnings():
            # the result carries every warning; print them once, below, without a source line
            warnings.simplefilter("ignore", impact.CalibrationWarning)
            result = impact.calibrate_impact(source, robust=args.robust)
    except ModuleNotFoundError as exc:
        print(f"acsym calibrate: needs {exc.name}: pip install 'acsym[calibration]'", file=sys.stderr)
        return 2
    except (OSError, TypeError, ValueError) as exc:
        print(f"acsym calibrate: {exc}", file=sys.stderr)
        return 2
    for note in result.warnings:
        print(f"warning: {note}", file=sys.stderr)
    if args.json:
        record = {"fills": str(source), **result.as_dict()}

        def clean(value: object) -> object:  # strict JSON has no NaN
            if isinstance(value, float) and not math.isfinite(value):
                return None
            if isinstance(value, list):
                return [clean(v) for v in value]
            if isinstance(value, dict):
                return {k: clean(v) for k, v in value.items()}
            return value

        print(json.dumps(clean(record), indent=2))
    else:
        x = "Q/(V*duration)" if result.form == "participation" else "Q/V"
        method = "least squares" if result.loss == "linear" else f"robust ({result.loss} loss)"
        print(f"fills: {source}")
        print(f"model: slippage_bps = epsilon + coefficient * daily_volatility * ({x})^alpha, {method}")
        print(f"rows:  {result.n_used} used, {result.n_dropped} dropped")
        pm = impact.format_estimate
        print(f"  epsilon     = {pm(result.epsilon, result.epsilon_stderr)} bps")
        print(
            f"  coefficient = {pm(result.coefficient, result.coefficient_stderr)} bps per unit of volatility"
        )
        print(f"  alpha       = {pm(result.alpha, result.alpha_stderr)}")
        print("  (estimate ± one standard error)")
        rmse = result.residuals.rmse
        print(f"R^2 = {result.r_squared:.4f}, residual rmse = {rmse:.3g} bps, n = {result.n_used}")
    if args.plot is not None:
        try:
            impact.plot_fit(result, source, args.plot)
        except ModuleNotFoundError as exc:
            print(f"acsym calibrate: --plot needs {exc.name}: pip install 'acsym[plot]'", file=sys.stderr)
            return 2
        print(f"wrote {args.plot}", file=sys.stderr if args.json else sys.stdout)
    return 0 if result.ok else 1


def _strategies(args: argparse.Namespace, params: Any) -> tuple[list[Any], list[str]]:
    """The schedules ``acsym simulate`` compares: A-C, TWAP and any other generator available."""
    import dataclasses
    import inspect

    from acsym import trajectory as module

    schedules = [module.generate_ac_trajectory(args.order_size, args.periods, params, args.risk_aversion)]
    twap = getattr(module, "generate_twap_trajectory", None)
    if twap is not None:
        schedules.append(twap(args.order_size, args.periods, params))
    else:  # lambda = 0 is TWAP exactly
        schedules.append(
            dataclasses.replace(
                module.generate_ac_trajectory(args.order_size, args.periods, params, 0.0),
                strategy_name="twap",
            )
        )
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


def _finite_or_null(value: Any) -> Any:
    """``value`` with every NaN or infinite float replaced by None (strict JSON)."""
    import math

    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite_or_null(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite_or_null(item) for item in value]
    return value


def _simulate(args: argparse.Namespace) -> int:
    import json

    from acsym.simulation import simulate_execution

    params = _calibrated(args)
    schedules, skipped = _strategies(args, params)
    results = []
    for schedule in schedules:
        bar = None if args.no_progress else _progress_bar(args.paths, schedule.strategy_name)
        try:
            results.append(
                simulate_execution(
                    schedule,
                    params,
                    args.paths,
                    seed=args.seed,
                    chunk_size=args.chunk_size,
                    return_samples=args.plot is not None,
                    progress=bar.update if bar is not None else None,
                )
            )
        finally:
            if bar is not None:
                bar.close()
    if args.plot is not None:
        from acsym.plots_simulation import plot_cost_histograms

        plot_cost_histograms(results, args.plot)
    if args.json:
        print(
            json.dumps(
                _finite_or_null(
                    {
                        "params": {
                            "eta": params.eta,
                            "gamma": params.gamma,
                            "sigma": params.sigma,
                            "epsilon": params.epsilon,
                            "eta_tilde": params.eta_tilde,
                            "tau": params.tau,
                            "price": params.price,
                        },
                        "order_size": args.order_size,
                        "periods": args.periods,
                        "risk_aversion": args.risk_aversion,
                        "paths": args.paths,
                        "seed": args.seed,
                        "results": [r.as_dict() for r in results],
                        "skipped": skipped,
                        "plot": args.plot,
                    }
                ),
                indent=2,
                allow_nan=False,
            )
        )
        return 0

    notional = args.order_size * args.price
    print(
        f"Implementation shortfall of selling {args.order_size:,.0f} shares over {args.periods} periods "
        f"of {args.tau:g} day(s) (notional {notional:,.2f} currency)"
    )
    print(f"{args.paths:,} simulated paths of the discrete A-C dynamics; positive = cost\n")
    header = (
        f"{'strategy':<16} {'mean':>11} {'+/- s.e.':>9} {'derived E':>11} {'gap/se':>7}"
        f" {'std':>11} {'+/- s.e.':>9} {'sqrt(Var)':>11} {'gap/se':>7}"
    )
    tails_header = f"{'strategy':<16} {'VaR 95%':>21} {'ES 95%':>21} {'VaR 99%':>21} {'ES 99%':>21}"
    for unit, scale in (("currency", 1.0), ("bps of notional", 1e4 / notional)):
        print(f"[{unit}]  simulated, and derived from E and Var; gap = (simulated - derived) / s.e.")
        print(header)
        for r in results:
            print(
                f"{r.strategy_name:<16} {r.mean * scale:>#11.5g} {r.mean_stderr * scale:>#9.2g} "
                f"{r.expected_cost * scale:>#11.5g} {r.mean_gap:>+7.2f} {r.std * scale:>#11.5g} "
                f"{r.std_stderr * scale:>#9.2g} {r.expected_std * scale:>#11.5g} {r.std_gap:>+7.2f}"
            )
        print(f"\n[{unit}]  tails: simulated (derived from the normal N(E, Var))")
        print(tails_header)
        for r in results:
            cells = [
                f"{simulated[p] * scale:#.5g} ({derived[p] * scale:#.5g})"
                for p in (0.95, 0.99)
                for simulated, derived in (
                    (r.value_at_risk, r.derived_value_at_risk),
                    (r.expected_shortfall, r.derived_expected_shortfall),
                )
            ]
            print(f"{r.strategy_name:<16} " + " ".join(f"{c:>21}" for c in cells))
        print()
    seeds = sorted({str(r.seed_entropy) for r in results})
    print(f"seed: {', '.join(seeds)}  (pass --seed to reproduce)")
    if args.plot is not None:
        print(f"plot: {args.plot}")
    for name in skipped:
        print(f"not simulated: {name}")
    for message in {m: None for r in results for m in r.warnings}:
        print(f"warning: {message}")
    return 0


def _add_plot_argument(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--plot",
        metavar="FILE.png",
        default=None,
        help=f"also write {what} to FILE (PNG, SVG or PDF by suffix; needs the 'plot' extra)",
    )


def _wrote(path: str, args: argparse.Namespace) -> None:
    # with --json stdout is the machine-readable result, so the note goes to stderr
    print(f"wrote {path}", file=sys.stderr if args.json else sys.stdout)


def _plot_holdings(args: argparse.Namespace, params: Any, trajectory: Any) -> bool:
    """The chosen schedule against schedules from TWAP to 25% of TWAP's risk; False on failure."""
    import warnings

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
        print(f"error: cannot write {args.plot}: {error}", file=sys.stderr)
        return False
    _wrote(args.plot, args)
    return True


def _finite(values: Any) -> Any:
    """JSON-safe: non-finite numbers (lambda = inf, NaN) become null."""
    import math

    if isinstance(values, list | tuple):
        return [_finite(v) for v in values]
    return values if math.isfinite(values) else None


def _frontier(args: argparse.Namespace) -> int:
    import json
    import math

    from acsym.frontier import efficient_frontier, implied_risk_aversion
    from acsym.trajectory import (
        generate_ac_trajectory,
        generate_market_order_trajectory,
        generate_twap_trajectory,
        generate_vwap_trajectory,
    )

    params = _calibrated(args)
    inputs = (args.order_size, args.periods, params)
    frontier = efficient_frontier(*inputs, points=args.points)
    strategies = [
        generate_twap_trajectory(*inputs),
        generate_vwap_trajectory(*inputs),
        generate_market_order_trajectory(*inputs),
        generate_ac_trajectory(*inputs, risk_aversion=args.risk_aversion),
    ]
    notional = args.order_size * args.price
    rows = []
    for strategy in strategies:
        details = dict(strategy.params or {})
        lam = strategy.risk_aversion
        implied = lam if strategy.strategy_name != "vwap" else implied_risk_aversion(strategy, params)
        # the optimal schedule with the same risk: what the strategy gives away in expected cost
        twin = generate_ac_trajectory(*inputs, risk_aversion=implied) if math.isfinite(implied) else strategy
        excess = details["expected_cost"] - dict(twin.params or {})["expected_cost"]
        std = math.sqrt(details["variance"]) if details["variance"] >= 0 else math.nan
        rows.append(
            {
                "strategy": strategy.strategy_name,
                "risk_aversion": lam,
                "implied_risk_aversion": implied,
                "expected_cost": details["expected_cost"],
                "expected_cost_bps": strategy.total_cost_estimate,
                "std": std,
                "std_bps": std / notional * 1e4,
                "excess_cost_over_frontier": excess,
            }
        )
    if args.plot is not None:
        try:
            from acsym.plots import plot_frontier

            dense = efficient_frontier(*inputs, points=max(args.points, 201))
            plot_frontier(dense, strategies, path=args.plot)
        except (ImportError, OSError, ValueError) as error:
            print(f"error: cannot write {args.plot}: {error}", file=sys.stderr)
            return 1
        _wrote(args.plot, args)
    warnings = list(params.warnings) + list(frontier.warnings)
    if args.json:
        table = {
            name: _finite(getattr(frontier, name).tolist())
            for name in ("risk_aversion", "kappa", "expected_cost", "expected_cost_bps", "std", "std_bps")
        }
        result = {
            "params": {
                "eta": params.eta,
                "gamma": params.gamma,
                "sigma": params.sigma,
                "epsilon": params.epsilon,
                "eta_tilde": params.eta_tilde,
                "alpha": params.alpha,
                "tau": params.tau,
                "price": params.price,
            },
            "order_size": args.order_size,
            "periods": args.periods,
            "frontier": table,
            "strategies": [{k: _finite(v) if k != "strategy" else v for k, v in r.items()} for r in rows],
            "warnings": warnings,
        }
        print(json.dumps(_finite_params(result), indent=2))
        return 0
    print(
        f"Efficient frontier: sell {args.order_size:,.0f} shares over {args.periods} periods of "
        f"{args.tau:g} day(s); eta_tilde = {params.eta_tilde:.6g}, sigma = {params.sigma:.6g}\n"
    )
    header = (
        f"{'lambda [1/cur]':>15} {'kappa [1/day]':>14} {'E [currency]':>13} {'E [bps]':>9} "
        f"{'std [currency]':>15} {'std [bps]':>10}"
    )
    print(header)
    for i in range(len(frontier)):
        lam, kappa, cost = frontier.risk_aversion[i], frontier.kappa[i], frontier.expected_cost[i]
        print(
            f"{lam:>15.6g} {kappa:>14.6g} {cost:>13,.4f} {frontier.expected_cost_bps[i]:>9.2f} "
            f"{frontier.std[i]:>15,.4f} {frontier.std_bps[i]:>10.2f}"
        )
    print("\n(first row TWAP, lambda = 0; last row the market order, lambda -> inf)\n")
    print(
        f"{'strategy':<16} {'lambda [1/cur]':>15} {'E [currency]':>13} {'E [bps]':>9} {'std [currency]':>15} "
        f"{'std [bps]':>10} {'excess E [cur]':>15}"
    )
    for row in rows:
        lam = row["implied_risk_aversion"]
        shown = f"{lam:.6g}" if row["strategy"] != "vwap" else f"~{lam:.6g}"
        print(
            f"{row['strategy']:<16} {shown:>15} {row['expected_cost']:>13,.4f} "
            f"{row['expected_cost_bps']:>9.2f} {row['std']:>15,.4f} {row['std_bps']:>10.2f} "
            f"{row['excess_cost_over_frontier']:>15,.4f}"
        )
    print(
        "\n~ implied: the lambda of the optimal schedule with the same variance; excess E: expected\n"
        "cost above that optimal schedule (what the strategy gives away at equal risk)"
    )
    for message in warnings:
        print(f"warning: {message}")
    return 0


def _finite_params(result: dict[str, Any]) -> dict[str, Any]:
    result["params"] = {k: _finite(v) for k, v in result["params"].items()}
    return result


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
            "daily_volume (shares/day), daily_volatility (fraction, 0.02 = 2%%), slippage_bps. "
            "Exit 1 if no fit could be made."
        ),
    )
    calibrate.add_argument(
        "fills",
        nargs="?",
        default=None,
        metavar="FILLS.csv",
        help="fills file (default: the shipped example)",
    )
    calibrate.add_argument("--json", action="store_true", help="print the result as JSON")
    calibrate.add_argument("--robust", action="store_true", help="robust fit (soft-L1 loss) against outliers")
    calibrate.add_argument(
        "--plot", metavar="FILE.png", help="draw slippage against Q/V, log axes, with the fit"
    )
    calibrate.set_defaults(run=_calibrate)
    simulate = commands.add_parser(
        "simulate",
        help="Monte Carlo of the cost of A-C, TWAP and other schedules (default: the seed example)",
        description="Simulate the discrete Almgren-Chriss price dynamics for each strategy and "
        "print the cost distribution (mean, std, VaR, expected shortfall) next to the derived "
        "E and sqrt(Var). With no flags: the seed plan's example.",
    )
    _add_market_arguments(simulate)
    simulate.add_argument(
        "--paths", type=int, default=100_000, help="number of simulated paths (default %(default)s)"
    )
    simulate.add_argument(
        "--seed", type=int, default=None, help="random seed, >= 0 (default: fresh entropy, printed)"
    )
    simulate.add_argument(
        "--chunk-size",
        type=int,
        default=16_384,
        help="paths held in memory at once; does not change the numbers (default %(default)s)",
    )
    simulate.add_argument(
        "--plot",
        metavar="FILE.png",
        default=None,
        help="draw cost histograms with the derived normal density (needs matplotlib: acsym[plot])",
    )
    simulate.add_argument(
        "--no-progress", action="store_true", help="no progress bar (shown by tqdm, acsym[progress])"
    )
    simulate.set_defaults(run=_simulate)
    frontier = commands.add_parser(
        "frontier",
        help="the efficient frontier and other strategies (default: the seed example)",
        description="Expected cost and standard deviation of the optimal schedule from TWAP "
        "(lambda = 0) to the market order (lambda -> inf), with TWAP, VWAP, the market order and "
        "the Almgren-Chriss schedule at --risk-aversion compared on the same footing. With --json, "
        "non-finite numbers (the market order's lambda = inf) are null.",
    )
    _add_market_arguments(frontier)
    frontier.add_argument(
        "--points",
        type=int,
        default=11,
        help="frontier points, evenly spaced in standard deviation, both ends included (default %(default)s)",
    )
    _add_plot_argument(frontier, "the frontier with the strategies marked")
    frontier.set_defaults(run=_frontier)
    _add_powerlaw_command(commands)
    return parser


# --- `acsym powerlaw` (issue 16): a schedule with the fitted impact exponent ------------------


def _add_powerlaw_command(commands: Any) -> None:
    powerlaw = commands.add_parser(
        "powerlaw",
        help="fit impact to fills, then the optimal schedule with the fitted exponent",
        description="Fit slippage_bps = epsilon + coefficient * daily_volatility * x^alpha to "
        "FILLS.csv (default: the shipped example), turn the fit into power-law temporary impact "
        "h(v) = epsilon + eta v^alpha at the given market data, and print the optimal schedule "
        "(Almgren 2003) next to the linear Almgren-Chriss schedule. --alpha is ignored: the "
        "exponent is the fitted one.",
    )
    powerlaw.add_argument("fills", nargs="?", default=None, metavar="FILLS.csv", help="fills file")
    _add_market_arguments(powerlaw)
    powerlaw.set_defaults(run=_powerlaw)


def _powerlaw(args: argparse.Namespace) -> int:
    import json
    import warnings

    from acsym import impact
    from acsym.models.powerlaw import generate_powerlaw_trajectory, powerlaw_params_from_fit
    from acsym.trajectory import generate_ac_trajectory

    source = args.fills if args.fills is not None else impact.example_fills_path()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", impact.CalibrationWarning)
        fit = impact.calibrate_impact(source)
    params = powerlaw_params_from_fit(
        fit, args.daily_volume, args.daily_spread, args.daily_volatility, args.price, tau=args.tau
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ours = generate_powerlaw_trajectory(args.order_size, args.periods, params, args.risk_aversion)
        linear = generate_ac_trajectory(args.order_size, args.periods, _calibrated(args), args.risk_aversion)
    messages = list(params.warnings) + [str(w.message) for w in caught]
    if args.json:
        print(
            json.dumps(
                {
                    "alpha": params.alpha,
                    "eta": _finite(params.eta),
                    "epsilon": _finite(params.epsilon),
                    "gamma": params.gamma,
                    "holdings": [_finite(v) for v in ours.holdings.tolist()],
                    "linear_holdings": [_finite(v) for v in linear.holdings.tolist()],
                    "expected_cost": _finite(ours.params["expected_cost"] if ours.params else None),
                    "variance": _finite(ours.params["variance"] if ours.params else None),
                    "warnings": messages,
                },
                indent=2,
            )
        )
        return 0 if fit.ok else 1
    print(f"fitted alpha = {params.alpha:.4g}, eta = {params.eta:.6g} currency/share*(day/share)^alpha")
    print(f"{'period':>6} {'power law':>14} {'linear A-C':>14}")
    for k, (a, b) in enumerate(zip(ours.holdings, linear.holdings, strict=True)):
        print(f"{k:>6} {a:>14,.2f} {b:>14,.2f}")
    if ours.params:
        cost, variance = ours.params["expected_cost"], ours.params["variance"]
        print(f"expected cost {cost:,.4f} currency, variance {variance:,.4g}")
    for message in messages:
        print(f"warning: {message}")
    return 0 if fit.ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    status: int = args.run(args)
    return status
