"""Does calibration help? Simulated contests with a known true quality and known juror biases.

    .venv/bin/python benchmarks/calibration.py [--contests 200] [--replicates 200] [--seed 2026]

Each contest has entries of true quality q ~ N(0, 1) and a pool of jurors (about 25 reviews
each), every entry reviewed by 3 or 5 jurors drawn at random. A juror is fair, lenient (adds
0.5–1.5), harsh (subtracts 0.5–1.5) or noisy (three times the noise), and uses the scale more or
less widely (×0.6–1.4); the score is round(50 + 12 · (spread · q + bias + noise)) on 0–100. Sizes
run from 25 to 10,000 entries: 25, 50, 100, 250, 500, 1,000 in turn, and 10,000 in every 100th
contest (one with 3 and one with 5 jurors per entry in the default 200: minutes, not hours).

For each method the product offers — raw mean, median, trimmed mean, z-score calibration — and
the model of `review.uncertainty` (the bootstrap with juror effects re-estimated per draw: entries
ordered by their chance of being among the 5 winners, then by score), it prints how often the
method's top 5 is exactly the true top 5, and the mean share of the true top 5 it finds. Then the
calibration of the stated chances: predicted vs observed share of true top-5 entries per decile of
the predicted chance, and the Brier score. The maths is the product's own: `review.reference`
ranks, `review.uncertainty` estimates; nothing is reimplemented here. No database is used.
"""

import argparse
import itertools
import os
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from review import reference, uncertainty  # noqa: E402

TOP = 5
SIZES = (25, 50, 100, 250, 500, 1000)
LARGE = 10_000
LARGE_EVERY = 100
METHODS = ("mean", "median", "trimmed", "calibrated", "model")
LABELS = {
    "mean": "raw mean",
    "median": "median",
    "trimmed": "trimmed mean (20%)",
    "calibrated": "z-score calibrated",
    "model": "bootstrap model (chance)",
}
CRITERION = reference.Criterion(1, 1.0, 0, 100)


def simulate(rng: np.random.Generator, size: int, per_entry: int) -> tuple[reference.RoundData, np.ndarray]:
    """A contest as the product's plain data, and each entry's true quality."""
    quality = rng.normal(0.0, 1.0, size)
    pool = max(per_entry + 3, round(size * per_entry / 25))
    kind = rng.choice(4, pool, p=[0.35, 0.25, 0.25, 0.15])  # fair, lenient, harsh, noisy
    bias = np.where(
        kind == 1, rng.uniform(0.5, 1.5, pool), np.where(kind == 2, -rng.uniform(0.5, 1.5, pool), 0.0)
    )
    noise = np.where(kind == 3, 1.2, 0.4)
    spread = rng.uniform(0.6, 1.4, pool)
    applications = [reference.Application(i + 1, 1, None, f"E{i + 1:05d}") for i in range(size)]
    reviews = []
    for i in range(size):
        for juror in rng.choice(pool, per_entry, replace=False):
            value = 50 + 12 * (spread[juror] * quality[i] + bias[juror] + rng.normal(0.0, noise[juror]))
            reviews.append(
                reference.ReviewData(
                    len(reviews) + 1, int(juror) + 1, i + 1, {1: int(np.clip(round(value), 0, 100))}
                )
            )
    data = reference.RoundData(
        round_id=0,
        method="calibrated",
        trim_share=Decimal("0.20"),
        tie_break_criterion_id=None,
        criteria=[CRITERION],
        applications=applications,
        reviews=reviews,
    )
    return data, quality


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contests", type=int, default=200)
    parser.add_argument("--replicates", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    exact: dict[str, list[bool]] = defaultdict(list)
    found: dict[str, list[float]] = defaultdict(list)
    by_size: dict[tuple[str, int, int], list[bool]] = defaultdict(list)
    predicted, observed = [], []
    started = time.perf_counter()
    for n in range(args.contests):
        size = LARGE if (n + 1) % LARGE_EVERY == 0 else SIZES[n % len(SIZES)]
        per_entry = 3 if (n // len(SIZES)) % 2 == 0 else 5  # every size with 3 and with 5
        data, quality = simulate(rng, size, per_entry)
        truth = {i + 1 for i in np.argsort(-quality)[:TOP]}
        tops = {}
        base = None
        for method in METHODS[:-1]:
            ranking = reference.rank(data, method=method)
            tops[method] = {row.application_id for row in ranking.rows[:TOP]}
            if method == "calibrated":
                base = ranking
        result = uncertainty.estimate(
            data,
            uncertainty.Limits(TOP, {1: TOP}),
            seed=int(rng.integers(2**31)),
            replicates=args.replicates,
            method="calibrated",
            base=base,
        )
        ordered = sorted(
            result.rows, key=lambda r: (-r.probability, -(r.score if r.score is not None else -1e9))
        )
        tops["model"] = {row.application_id for row in ordered[:TOP]}
        for method in METHODS:
            exact[method].append(tops[method] == truth)
            found[method].append(len(tops[method] & truth) / TOP)
            by_size[(method, size, per_entry)].append(tops[method] == truth)
        for row in result.rows:
            predicted.append(row.probability)
            observed.append(row.application_id in truth)
    elapsed = time.perf_counter() - started
    print(f"{args.contests} simulated contests, {args.replicates} bootstrap draws each, seed {args.seed}")
    print(f"({elapsed:.0f} s; load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())})\n")
    print(f"Recovery of the true top {TOP}:")
    print(f"  {'method':<26} {'exact top 5':>12} {'share found':>12}")
    for method in METHODS:
        print(f"  {LABELS[method]:<26} {np.mean(exact[method]):>11.1%} {np.mean(found[method]):>12.1%}")
    print("\nExact top 5 by size and jurors per entry (contests):")
    header = "  " + f"{'size':>6} {'k':>2} {'n':>4} " + " ".join(f"{m[:10]:>10}" for m in METHODS)
    print(header)
    for size in (*SIZES, LARGE):
        for k in (3, 5):
            cells = [by_size.get((m, size, k), []) for m in METHODS]
            if cells[0]:
                print(
                    f"  {size:>6} {k:>2} {len(cells[0]):>4} "
                    + " ".join(f"{np.mean(c):>10.0%}" for c in cells)
                )
    p, o = np.array(predicted), np.array(observed, dtype=float)
    print("\nCalibration of the stated chance of being among the top 5 (every entry of every contest):")
    print(f"  {'predicted':<12} {'entries':>9} {'mean predicted':>15} {'observed':>9}")
    edges = np.linspace(0, 1, 11)
    for low, high in itertools.pairwise(edges):
        mask = (p >= low) & ((p < high) if high < 1 else (p <= high))
        if mask.any():
            share, count = o[mask].mean(), int(mask.sum())
            print(f"  {low:.1f}–{high:.1f}    {count:>9} {p[mask].mean():>15.3f} {share:>9.3f}")
    print(
        f"\n  Brier score {np.mean((p - o) ** 2):.5f} (0 is perfect; always saying 0 scores {np.mean(o):.5f})"
    )
    likely = p >= uncertainty.LIKELY
    unlikely = p <= uncertainty.UNLIKELY
    print(
        f"  “likely winner” (p ≥ {uncertainty.LIKELY}): {int(likely.sum())} entries, "
        f"{o[likely].mean():.1%} truly in the top {TOP}"
    )
    print(
        f"  “unlikely” (p ≤ {uncertainty.UNLIKELY}): {int(unlikely.sum())} entries, "
        f"{o[unlikely].mean():.2%} truly in the top {TOP}"
    )


if __name__ == "__main__":
    main()
