"""Benchmark of ``lanxi air import`` on a month of national release files (run on demand).

Writes ``--hours`` hourly files (default 744, a 31-day month) of ``--stations`` rows each
(default 1,600, about the national network) in CNEMC's release layout — the 23 agglomeration rows
of the real 2022-01-01T00 sample plus filler stations, synthetic values — into a temporary folder,
then times :func:`lanxi.services.air_import.import_releases` (read every file with pyarrow, keep
the agglomeration's stations, build the station-hour and station-day tables). Prints rows read,
seconds and rows per second. The folder is deleted afterwards.

Example::

    PYTHONPATH=src .venv/bin/python benchmarks/bench_air_import.py --hours 744
"""

from __future__ import annotations

import argparse
import io
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd

from lanxi.services.air_import import import_releases

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "cnemc-release"


def write_month(folder: Path, hours: int, stations: int) -> int:
    """Write the files; return the number of rows."""
    base = pd.read_csv(SAMPLE / "sample_2022-01-01T00.csv", dtype={"stationcode": str})
    reps = -(-stations // len(base))
    filler = pd.concat([base] * reps, ignore_index=True).iloc[:stations].copy()
    filler.loc[len(base) :, "stationcode"] = [
        f"{9000 + i}A" for i in range(stations - len(base))
    ]
    buf = io.StringIO()
    filler.drop(columns="timepoint").to_csv(buf, index=False, header=False)
    body = buf.getvalue().splitlines()
    header = ",".join(base.columns)
    for h in pd.date_range("2022-01-01 01:00", periods=hours, freq="h"):
        tp = h.strftime("%Y-%m-%dT%H:%M:%S")
        day = folder / tp[:10]
        day.mkdir(exist_ok=True)
        lines = "\n".join(f"{tp},{line}" for line in body)
        (day / f"{tp[:13]}.csv").write_text(f"{header}\n{lines}\n", "utf-8")
    return hours * stations


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hours", type=int, default=744)
    ap.add_argument("--stations", type=int, default=1600)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="lanxi-air-import-"))
    try:
        t0 = time.perf_counter()
        rows = write_month(folder, args.hours, args.stations)
        print(f"wrote {args.hours} files, {rows:,} rows in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        res = import_releases(folder)
        s = time.perf_counter() - t0
        print(
            f"import: {rows:,} rows read in {s:.2f} s ({rows / s:,.0f} rows/s); kept "
            f"{len(res.hourly):,} station-hours and {len(res.daily):,} station-days of "
            f"{res.n_stations} stations"
        )
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
