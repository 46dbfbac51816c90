"""Benchmark of ``lanxi air import FILE.csv`` on a provincial-style export (run on demand).

Writes a CSV with Chinese headers and units (站点名称, 监测时间, SO2(μg/m3) …, CO(μg/m3)) for the
current bundled stations, ``--days`` days of hours each (synthetic values), into a temporary
folder, then times :func:`lanxi.services.sheet_import.import_air_sheet` (built-in mapping chosen
by the headers, names resolved, CO converted). Prints rows, seconds and rows per second.

Example::

    PYTHONPATH=src .venv/bin/python benchmarks/bench_sheet_import.py --days 90
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from lanxi.services import sheet_import, stations


def main() -> None:
    """Write the export, import it, print the timing."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--days", type=int, default=90)
    args = ap.parse_args()
    names = stations.current_stations()["name"].tolist()
    times = pd.date_range("2025-01-01 01:00", periods=24 * args.days, freq="h")
    rng = np.random.default_rng(1)
    n = len(names) * len(times)
    df = pd.DataFrame(
        {
            "站点名称": np.repeat(names, len(times)),
            "监测时间": np.tile(times.strftime("%Y-%m-%d %H:%M"), len(names)),
        }
    )
    for col in ("SO2", "NO2", "PM10", "PM2.5", "O3", "O3_8h"):
        df[f"{col}(μg/m3)"] = rng.integers(1, 200, n)
    df["CO(μg/m3)"] = rng.integers(200, 3000, n)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.csv"
        df.to_csv(path, index=False)
        t0 = time.perf_counter()
        result, _info = sheet_import.import_air_sheet(path)
        dt = time.perf_counter() - t0
    rows = len(result.hourly)
    print(f"{rows} station-hours in {dt:.2f} s ({rows / dt:,.0f} rows/s)")


if __name__ == "__main__":
    main()
