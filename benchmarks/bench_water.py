"""Benchmark: classify 10,000 sections × 12 months × 24 items (synthetic, seeded).

Run with ``.venv/bin/python benchmarks/bench_water.py [--repeat R]``. Goal: under 2 s for
120,000 rows. Each data set is classified ``--repeat`` times (default 5) after a warm-up that
loads the standards and the compiled text kernel; the best and the median run are printed with
the load average, since the machine is shared.

Two data sets are timed, both with a target class (so ``exceeding_items`` is built too):

* ``typical`` — each item log-normal around its class Ⅱ limit: most rows Ⅰ–Ⅲ, a few worse;
* ``worst case`` — each item uniform up to 1.3 × its class Ⅴ limit: nearly every row 劣Ⅴ with
  many exceeding items, so every text column is long.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from lanxi.compute.water import classify_samples
from lanxi.standards.gb3838 import ITEM_KEYS, gb3838_table

N_SECTIONS = 10_000
N_MONTHS = 12
SEED = 20240601


def synthetic_samples(
    n_sections: int = N_SECTIONS, n_months: int = N_MONTHS, *, worst_case: bool = False
) -> pd.DataFrame:
    """Monthly samples of all 24 items of GB 3838 表1 (5 % missing), seeded."""
    rng = np.random.default_rng(SEED)
    table = gb3838_table()
    n = n_sections * n_months
    data: dict[str, object] = {
        "section": np.repeat([f"S{i:05d}" for i in range(n_sections)], n_months),
        "time": np.tile(pd.date_range("2024-01-15", periods=n_months, freq="MS"), n_sections),
        "waterbody": np.repeat(rng.choice(["river", "lake"], n_sections, p=[0.8, 0.2]), n_months),
    }
    for item in ITEM_KEYS:
        if item == "water_temp":
            values = rng.uniform(0, 30, n)
        elif item == "ph":
            values = rng.normal(7.5, 0.8 if worst_case else 0.4, n)
        elif item == "do":
            values = rng.uniform(1, 10, n) if worst_case else rng.normal(7.5, 1.2, n)
        else:
            limits = table.limits(item)
            if worst_case:
                values = rng.uniform(0, limits.max() * 1.3, n)
            else:
                values = limits[1] * rng.lognormal(-0.7, 0.45, n)
        values[rng.random(n) < 0.05] = np.nan
        data[item] = values
    return pd.DataFrame(data)


def run(label: str, frame: pd.DataFrame, repeat: int) -> float:
    """Time ``repeat`` classifications of ``frame``; print the best and the median."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = classify_samples(frame, target_class=3)
        times.append(time.perf_counter() - start)
    best, median = min(times), float(np.median(times))
    rows = len(frame)
    items = sum(1 for k in ITEM_KEYS if k in frame.columns)
    print(
        f"{label:>10}: {N_SECTIONS:,} sections × {N_MONTHS} months × {items} items = "
        f"{rows:,} rows: best {best:.3f} s ({rows / best:,.0f} rows/s), median {median:.3f} s "
        f"of {repeat}; goal < 2 s"
    )
    shares = out["water_class_label"].value_counts(normalize=True).round(3).to_dict()
    print(f"{'':>10}  classes: {shares}")
    return best


def main() -> None:
    """Warm up (standards tables, compiled kernel), then time both data sets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with open("/proc/loadavg", encoding="ascii") as f:
        print(f"load average at start: {' '.join(f.read().split()[:3])}")
    typical = synthetic_samples()
    worst = synthetic_samples(worst_case=True)
    classify_samples(worst.head(1000), target_class=3)
    run("typical", typical, args.repeat)
    run("worst case", worst, args.repeat)
    with open("/proc/loadavg", encoding="ascii") as f:
        print(f"load average at end: {' '.join(f.read().split()[:3])}")


if __name__ == "__main__":
    main()
