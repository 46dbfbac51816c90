"""CPU cost of HJ 663's rounding in the annual air evaluation (run on demand).

Usage::

    .venv/bin/python benchmarks/bench_air_rounding.py [--stations 21] [--repeat 10]

Evaluates one synthetic, seeded year of daily values per station (the agglomeration has 21
stations) with ``annual_evaluation(rounding=True)`` and ``rounding=False`` alternately in one
process and prints the best CPU time (``time.process_time``) of each and their ratio, with the load
average (``/proc/loadavg``) before and after: on a shared machine only same-run ratios compare.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from lanxi.compute.air.annual import annual_evaluation


def _load() -> str:
    with open("/proc/loadavg", encoding="ascii") as f:
        return " ".join(f.read().split()[:3])


def _year(stations: int) -> pd.DataFrame:
    rng = np.random.default_rng(20251)
    days = pd.date_range("2025-01-01", "2025-12-31", freq="D")
    n = len(days)
    frames = [
        pd.DataFrame(
            {
                "station": f"S{s}",
                "time": days,
                "so2": rng.gamma(3, 4, n),
                "no2": rng.gamma(4, 8, n),
                "pm10": rng.gamma(4, 18, n),
                "pm2_5": rng.gamma(4, 9, n),
                "co": rng.gamma(4, 0.2, n),
                "o3_8h": rng.gamma(6, 18, n),
                "aqi": rng.integers(20, 180, n),
            }
        )
        for s in range(stations)
    ]
    return pd.concat(frames, ignore_index=True)


def main() -> None:
    """Print the best CPU time with and without rounding, and the ratio."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stations", type=int, default=21)
    ap.add_argument("--repeat", type=int, default=10)
    args = ap.parse_args()
    df = _year(args.stations)
    annual_evaluation(df)  # warm caches (standards files, imports)
    print(f"load average before: {_load()}")
    best = {True: float("inf"), False: float("inf")}
    for _ in range(args.repeat):
        for flag in (True, False):
            t = time.process_time()
            annual_evaluation(df, rounding=flag)
            best[flag] = min(best[flag], time.process_time() - t)
    print(f"load average after:  {_load()}")
    print(f"{args.stations} station-years, best of {args.repeat}:")
    print(f"  rounding=True   {best[True] * 1000:7.1f} ms CPU")
    print(f"  rounding=False  {best[False] * 1000:7.1f} ms CPU")
    print(f"  ratio           {best[True] / best[False]:7.3f}")


if __name__ == "__main__":
    main()
