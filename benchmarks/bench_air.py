"""Benchmark: HJ 633 AQI for 1,900 stations × 8,760 hours (16.6 M rows, synthetic, seeded).

Run with ``.venv/bin/python benchmarks/bench_air.py [--stations N]``. Goals: the full hourly year in
under 10 s and 2 GB, and at least 200× the throughput of the PyPI packages ``aqi-hub`` and
``python-aqi`` (timed side by side on a 20,000-row sample when installed: they belong in a
``bench`` extra).

Timed, each with its peak memory (tracemalloc, numpy and pandas buffers included):

1. real-time AQI of the whole year, one edition (2025 → HJ 633-2012);
2. the same for a year that straddles 2026-03-01 (edition chosen per row);
3. daily values from the hourly year (GB 3095 validity), 1,900 × 365 station-days;
4. daily AQI of those station-days;
5. the packages on a 20,000-row sample, against Lanxi on the same rows; disagreements counted.
"""

from __future__ import annotations

import argparse
import contextlib
import resource
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from lanxi.compute.air import compute_aqi, daily_from_hourly, round_gbt8170

SEED = 20260301
N_STATIONS = 1_900
N_HOURS = 8_760
SAMPLE = 20_000
# log-normal medians (µg/m³, CO mg/m³) and spread, roughly a northern Chinese city
MEDIANS = {
    "so2": (12.0, 0.7),
    "no2": (30.0, 0.6),
    "co": (0.8, 0.5),
    "o3_1h": (70.0, 0.6),
    "o3_8h": (65.0, 0.5),
    "pm10": (80.0, 0.7),
    "pm2_5": (40.0, 0.8),
}


def synthetic_hours(n_stations: int, start: str, *, seed: int = SEED) -> pd.DataFrame:
    """Hourly concentrations, one decimal (CO two), 2 % missing, seeded."""
    rng = np.random.default_rng(seed)
    n = n_stations * N_HOURS
    times = pd.date_range(start, periods=N_HOURS, freq="h").to_numpy()
    data: dict[str, Any] = {
        "station": pd.Categorical.from_codes(
            np.repeat(np.arange(n_stations, dtype=np.int32), N_HOURS),
            categories=[f"{1001 + i}A" for i in range(n_stations)],
        ),
        "time": np.tile(times, n_stations),
    }
    for col, (median, sigma) in MEDIANS.items():
        values = median * rng.lognormal(0.0, sigma, n)
        values = np.round(values, 2 if col == "co" else 1)
        values[rng.random(n) < 0.02] = np.nan
        data[col] = values
    return pd.DataFrame(data)


def measure(label: str, rows: int, fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """Run ``fn`` once; print seconds, rows/s and peak traced memory."""
    tracemalloc.start()
    start = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{label:<46} {rows:>12,} rows {seconds:8.2f} s {rows / seconds:>14,.0f} rows/s "
        f"peak {peak / 2**30:6.2f} GiB"
    )
    return out, seconds, peak


def _rate(fn: Callable[[], Any], rows: int) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return rows / (time.perf_counter() - start), out


def compare_packages(hours: pd.DataFrame, full_rate: float) -> None:
    """Time aqi-hub and python-aqi on a sample and count where they disagree with Lanxi."""
    rng = np.random.default_rng(SEED)
    sample = (
        hours.iloc[rng.choice(len(hours), SAMPLE, replace=False)].dropna().reset_index(drop=True)
    )
    n = len(sample)
    cols = ["station", "time", "so2", "no2", "co", "o3_1h", "pm10", "pm2_5"]
    lanxi26 = compute_aqi(sample[cols], kind="hourly", edition="2026")["aqi"].to_numpy(dtype=float)
    lanxi12 = compute_aqi(sample[cols], kind="hourly", edition="2012")["aqi"].to_numpy(dtype=float)
    rate_lanxi, _ = _rate(lambda: compute_aqi(sample[cols], kind="hourly", edition="2026"), n)
    print(f"\nPackages on {n:,} complete sample rows (real-time AQI):")
    print(f"  lanxi on the sample                 {rate_lanxi:>14,.0f} rows/s")
    rows = sample[["pm2_5", "pm10", "so2", "no2", "co", "o3_1h"]].to_numpy().tolist()

    try:
        from aqi_hub.aqi_cn import cal_aqi_cn
    except ImportError:
        print("  aqi-hub not installed (pip install aqi-hub)")
    else:

        def hub(data: list[list[float]]) -> np.ndarray:
            return np.array([cal_aqi_cn(*r, data_type="hourly")[0] for r in data], dtype=float)

        rate, got = _rate(lambda: hub(rows), n)
        # aqi-hub implements HJ 633-2026; the same rows with concentrations rounded per GB/T 8170
        rounded = sample[["pm2_5", "pm10", "so2", "no2", "o3_1h"]].apply(
            lambda s: round_gbt8170(s.to_numpy(), 0)
        )
        rounded["co"] = round_gbt8170(sample["co"].to_numpy(), 1)
        rounded = rounded[["pm2_5", "pm10", "so2", "no2", "co", "o3_1h"]].to_numpy().tolist()
        got_rounded = hub(rounded)
        differ = got != lanxi26
        print(
            f"  aqi-hub (HJ 633-2026)               {rate:>14,.0f} rows/s  "
            f"(lanxi {rate_lanxi / rate:,.0f}× on the sample, {full_rate / rate:,.0f}× on the year)"
        )
        print(
            f"    disagrees with lanxi 2026 at {differ.sum():,} rows ({differ.mean():.1%}); "
            f"{(differ & (got_rounded == lanxi26)).sum():,} of them vanish when the inputs are "
            "rounded per GB/T 8170 first (HJ 633-2026 4.2.3), the rest are float noise before "
            f"rounding up ({(got_rounded != lanxi26).sum():,})"
        )

    try:
        import aqi as python_aqi
        from aqi.constants import (
            ALGO_MEP,
            POLLUTANT_CO_1H,
            POLLUTANT_NO2_1H,
            POLLUTANT_O3_1H,
            POLLUTANT_PM10,
            POLLUTANT_PM25,
            POLLUTANT_SO2_1H,
        )
    except ImportError:
        print("  python-aqi not installed (pip install python-aqi)")
        return
    keys = [
        POLLUTANT_PM25,
        POLLUTANT_PM10,
        POLLUTANT_SO2_1H,
        POLLUTANT_NO2_1H,
        POLLUTANT_CO_1H,
        POLLUTANT_O3_1H,
    ]

    def mep(data: list[list[float]]) -> np.ndarray:
        out = np.full(len(data), np.nan)
        for i, r in enumerate(data):
            with contextlib.suppress(IndexError, TypeError):  # fails above its tables
                out[i] = float(
                    python_aqi.to_aqi(
                        [(k, str(v)) for k, v in zip(keys, r, strict=True)], algo=ALGO_MEP
                    )
                )
        return out

    rate, got = _rate(lambda: mep(rows), n)
    crash = np.isnan(got)
    differ = (got != lanxi12) & ~crash
    print(
        f"  python-aqi (MEP = HJ 633-2012)      {rate:>14,.0f} rows/s  "
        f"(lanxi {rate_lanxi / rate:,.0f}× on the sample, {full_rate / rate:,.0f}× on the year)"
    )
    print(
        f"    disagrees with lanxi 2012 at {differ.sum():,} rows ({differ.mean():.1%}), lower at "
        f"{(got < lanxi12).sum():,}; fails (exception) at {crash.sum():,} rows above its tables"
    )
    return


def mixed_year(hours: pd.DataFrame) -> None:
    """Time the year 2025-11-01 … 2026-10-31: HJ 633-2012 before 2026-03-01, 2026 from then."""
    shifted = hours.assign(time=hours["time"] + pd.Timedelta(days=304))
    out, *_ = measure(
        "hourly AQI, edition per row (2025-11…2026-10)", len(hours), lambda: compute_aqi(shifted)
    )
    print(f"{'':<46} editions: {out['edition'].value_counts().to_dict()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=N_STATIONS)
    parser.add_argument("--no-packages", action="store_true")
    args = parser.parse_args()

    t0 = time.perf_counter()
    hours = synthetic_hours(args.stations, "2025-01-01")
    n = len(hours)
    print(f"synthetic input: {n:,} rows built in {time.perf_counter() - t0:.1f} s, "
          f"{hours.memory_usage(deep=False).sum() / 2**30:.2f} GiB\n")  # fmt: skip

    out, sec_h, peak_h = measure(
        "hourly AQI, HJ 633-2012 (year 2025)", n, lambda: compute_aqi(hours)
    )
    del out
    mixed_year(hours)
    days, *_ = measure(
        "daily values from hourly (GB 3095 表4)",
        n,
        lambda: daily_from_hourly(
            hours[["station", "time", "so2", "no2", "co", "o3_1h", "pm10", "pm2_5"]]
        ),
    )
    measure("daily AQI, HJ 633-2012", len(days), lambda: compute_aqi(days, kind="daily"))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"\nprocess peak RSS (input frame included): {rss:.2f} GiB")
    print(f"goals: hourly year < 10 s → {sec_h:.2f} s; < 2 GiB → {peak_h / 2**30:.2f} GiB traced")
    if not args.no_packages:
        compare_packages(hours, n / sec_h)


if __name__ == "__main__":
    main()
