"""Benchmark: whole ``lanxi`` commands on large files, as a user runs them (issue 17).

Each figure is one process (``python -m lanxi.cli.main …``): wall seconds, CPU seconds (user +
system, all threads) and peak RSS from ``os.wait4``; each goal is printed with PASS/FAIL, and the
load average (``uptime``) before and after, since a loaded machine inflates the wall times. The
inputs are synthetic and seeded, written once into ``--dir`` (kept between runs):

* ``air aqi`` on an hourly station-year: ``--stations`` × 8,760 hours (1,900 → 16.6 M rows, the
  national network) — goals: CSV in → CSV out under 30 s, Parquet in → Parquet out under 5 s,
  peak memory under 2 GB;
* ``water classify`` on 10,000 sections × 12 months × 24 items — goal: under 3 s end to end;
* ``air annual`` on a national station-year of daily values (1,900 × 365).

Run::

    .venv/bin/python benchmarks/bench_commands.py --dir ../lanxi-bench-data [--stations 1900]

Smaller ``--stations`` for a quick look. The input files of the full size take a few GB of disk.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path


def run(argv: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MiB) of one ``lanxi`` process; raises if it fails."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "lanxi.cli.main", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"lanxi {' '.join(argv)} failed:\n{err[-2000:]}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _make_inputs(folder: Path, stations: int, sections: int) -> dict[str, Path]:
    """Write the input files in a child process (this process stays small: see ``run``)."""
    code = f"""
import numpy as np, pandas as pd, pyarrow as pa, pyarrow.csv as pc, pyarrow.parquet as pq
from pathlib import Path
folder = Path({str(folder)!r})
rng = np.random.default_rng(20261207)
n_st, hours = {stations}, 8760
times = pd.date_range("2025-01-01", periods=hours, freq="h")
n = n_st * hours
names = np.array([f"{{1001 + i}}A" for i in range(n_st)])
cols = {{"station": pa.DictionaryArray.from_arrays(
            pa.array(np.repeat(np.arange(n_st, dtype=np.int32), hours)), pa.array(names)),
        "time": pa.array(np.tile(times.to_numpy(), n_st))}}
for c, med, sd, nd in (("so2", 12, .7, 0), ("no2", 30, .6, 0), ("co", .8, .5, 1),
                       ("o3_1h", 70, .6, 0), ("pm10", 80, .7, 0), ("pm2_5", 40, .8, 0)):
    v = np.round(med * rng.lognormal(0, sd, n), nd)
    v[rng.random(n) < .02] = np.nan
    cols[c] = pa.array(v, from_pandas=True)
t = pa.table(cols)
pq.write_table(t, folder / "hourly.parquet")
t2 = t.set_column(1, "time", pa.compute.strftime(t["time"], format="%Y-%m-%d %H:%M"))
t2 = t2.set_column(0, "station", t2["station"].cast(pa.string()))
pc.write_csv(t2, folder / "hourly.csv")
# daily means of the same stations: one row per station-day
d = pd.DataFrame({{"station": np.repeat(names, 365),
                   "time": np.tile(pd.date_range("2025-01-01", periods=365).strftime("%Y-%m-%d"),
                                   n_st)}})
for c, med, sd, nd in (("so2", 12, .5, 0), ("no2", 30, .4, 0), ("co", .8, .4, 1),
                       ("o3_8h", 80, .5, 0), ("pm10", 80, .5, 0), ("pm2_5", 40, .6, 0)):
    d[c] = np.round(med * rng.lognormal(0, sd, len(d)), nd)
d.to_csv(folder / "daily.csv", index=False)
d.to_parquet(folder / "daily.parquet", index=False)
# water: sections x 12 months, the 24 GB 3838 表1 items
items = ["do", "codmn", "cod", "bod5", "nh3n", "tp", "tn", "cu", "zn", "f", "se", "as", "hg",
         "cd", "cr6", "pb", "cn", "phenol", "oil", "las", "s", "fecal_coliform", "ph",
         "water_temp"]
m = {sections} * 12
w = pd.DataFrame({{"section": np.repeat([f"S{{i:05d}}" for i in range({sections})], 12),
                   "time": np.tile([f"2025-{{k:02d}}" for k in range(1, 13)], {sections}),
                   "waterbody": "river"}})
scale = {{"do": 7, "codmn": 3, "cod": 15, "bod5": 3, "nh3n": .4, "tp": .1, "tn": 1, "cu": .01,
          "zn": .05, "f": .5, "se": .002, "as": .005, "hg": .00003, "cd": .0005, "cr6": .005,
          "pb": .005, "cn": .002, "phenol": .001, "oil": .02, "las": .05, "s": .02,
          "fecal_coliform": 2000, "ph": 7.8, "water_temp": 12}}
for it in items:
    sd = {{"ph": .03, "water_temp": .03, "do": .15}}.get(it, .5)  # DO above 25 mg/L is refused
    w[it] = np.round(scale[it] * rng.lognormal(0, sd, m), 5)
w.to_csv(folder / "water.csv", index=False)
w.to_parquet(folder / "water.parquet", index=False)
"""
    subprocess.run([sys.executable, "-c", code], check=True)
    return {p.stem + p.suffix: p for p in folder.iterdir()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, required=True, help="folder for the input files")
    ap.add_argument("--stations", type=int, default=1900)
    ap.add_argument("--sections", type=int, default=10_000)
    ap.add_argument("--only", default="", help="run only the jobs whose label contains this")
    a = ap.parse_args()
    folder = a.dir / f"st{a.stations}-se{a.sections}"
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "water.parquet").exists():
        t0 = time.perf_counter()
        _make_inputs(folder, a.stations, a.sections)
        print(f"inputs written in {time.perf_counter() - t0:.0f} s to {folder}")
    print(f"load average at start: {os.getloadavg()}")
    out = folder / "out"
    out.mkdir(exist_ok=True)
    rows_h = a.stations * 8760
    full = a.stations >= 1900 and a.sections >= 10_000
    # (label, input, output, command, goal seconds, goal MiB); goals apply at the full size only
    jobs = [
        (f"air aqi, {rows_h:,} rows, CSV → CSV", "hourly.csv", "aqi.csv", ["air", "aqi"],
         30.0, 2048.0),
        (f"air aqi, {rows_h:,} rows, Parquet → Parquet", "hourly.parquet", "aqi.parquet",
         ["air", "aqi"], 5.0, 2048.0),
        (f"water classify, {a.sections * 12:,} samples, CSV → CSV", "water.csv", "water.csv",
         ["water", "classify"], 3.0, None),
        (f"water classify, {a.sections * 12:,} samples, Parquet → Parquet", "water.parquet",
         "water.parquet", ["water", "classify"], 3.0, None),
        (f"air annual, {a.stations * 365:,} station-days, CSV → CSV", "daily.csv", "annual.csv",
         ["air", "annual"], None, None),
        (f"air annual, {a.stations * 365:,} station-days, Parquet → Parquet", "daily.parquet",
         "annual.parquet", ["air", "annual"], None, None),
    ]  # fmt: skip
    print(f"{'workload':<58} {'wall':>8} {'CPU':>8} {'peak RSS':>10}  goal")
    for label, src, dst, cmd, goal_s, goal_mib in jobs:
        if a.only and a.only not in label:
            continue
        extra = ["--kind", "daily"] if cmd == ["air", "annual"] else []
        argv = [*cmd, str(folder / src), *extra, "--out", str(out / dst)]
        try:
            seconds, cpu, mib = run(argv)
        except RuntimeError as exc:
            print(f"{label:<58} FAILED: {str(exc).splitlines()[-1][:120]}")
            continue
        goal = ""
        if goal_s is not None:
            ok = seconds < goal_s and (goal_mib is None or mib < goal_mib)
            limit = f"< {goal_s:g} s" + (f", < {goal_mib / 1024:g} GB" if goal_mib else "")
            verdict = ("PASS" if ok else "FAIL") if full else "(goal is for the full size)"
            goal = f"{limit}: {verdict}"
        print(f"{label:<58} {seconds:6.2f} s {cpu:6.2f} s {mib:6.0f} MiB  {goal}")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
