"""Coverage of the 95% intervals of :func:`acsym.calibrate_impact` under three kinds of noise.

Run from a source checkout::

    python benchmarks/calibration_coverage.py              # 200 fits of 300 orders per case
    python benchmarks/calibration_coverage.py --fits 500

Each case simulates fills from the size-form model (epsilon = 2 bps, c = 8000, alpha = 0.5)
and counts how often each parameter's 95% interval covers the truth: Gaussian noise of 2 bps;
noise proportional to the impact (sd = 0.3 x impact + 0.5 bps, as in real fills); and 2% of
the rows hit by outliers of 40 to 100 bps. Coverage should be near 0.95 (the binomial 99.9%
band for 200 fits is about 0.905..0.985).
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np

import acsym

TRUE = {"epsilon": 2.0, "coefficient": 8000.0, "alpha": 0.5}


def fills(rng: np.random.Generator, n: int, kind: str) -> dict[str, np.ndarray]:
    volume = 10 ** rng.uniform(5.0, 7.5, n)
    x = 10 ** rng.uniform(-4.0, -1.0, n)
    sigma = rng.uniform(0.01, 0.04, n)
    impact = TRUE["coefficient"] * sigma * x ** TRUE["alpha"]
    noise = rng.normal(0.0, 1.0, n)
    if kind == "proportional":
        noise *= 0.3 * impact + 0.5
    else:
        noise *= 2.0
    if kind == "outliers":
        hit = rng.choice(n, max(1, n // 50), replace=False)
        noise[hit] += rng.uniform(40.0, 100.0, hit.size)
    return {
        "quantity": x * volume,
        "daily_volume": volume,
        "daily_volatility": sigma,
        "slippage_bps": TRUE["epsilon"] + impact + noise,
    }


def coverage(kind: str, fits: int, rows: int, **options: object) -> tuple[dict[str, float], float]:
    covered = dict.fromkeys(TRUE, 0)
    robust_share = 0
    for seed in range(fits):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", acsym.CalibrationWarning)
            result = acsym.calibrate_impact(fills(np.random.default_rng(seed), rows, kind), **options)  # type: ignore[arg-type]
        robust_share += result.standard_errors != "classical"
        for name, truth in TRUE.items():
            low, high = result.interval(name)
            covered[name] += low <= truth <= high
    return {name: count / fits for name, count in covered.items()}, robust_share / fits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fits", type=int, default=200)
    parser.add_argument("--rows", type=int, default=300)
    args = parser.parse_args()
    cases = [
        ("gaussian", {"standard_errors": "classical"}),
        ("gaussian", {}),
        ("proportional", {"standard_errors": "classical"}),
        ("proportional", {}),
        ("outliers", {"standard_errors": "classical"}),
        ("outliers", {}),
        ("outliers", {"robust": True}),
    ]
    print(f"{args.fits} fits of {args.rows} orders each; coverage of the 95% intervals")
    print(f"{'noise':<13} {'options':<32} {'epsilon':>8} {'c':>8} {'alpha':>8} {'robust SE':>10}")
    for kind, options in cases:
        rates, share = coverage(kind, args.fits, args.rows, **options)
        shown = ", ".join(f"{k}={v}" for k, v in options.items()) or "defaults (auto)"
        print(
            f"{kind:<13} {shown:<32} {rates['epsilon']:>8.3f} {rates['coefficient']:>8.3f} "
            f"{rates['alpha']:>8.3f} {share:>10.2f}"
        )


if __name__ == "__main__":
    main()
