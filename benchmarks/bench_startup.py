"""Benchmark: the ``lanxi`` command as a user starts it — start-up and first calls (issue 17).

Each figure is a whole process (``python -m lanxi.cli.main …``), its wall time and peak RSS (from
``os.wait4``), best and median of ``--repeat`` runs:

1. ``lanxi --help`` and ``lanxi regions`` (on a store made by ``lanxi setup`` in a temporary
   ``LANXI_HOME``) — goals: under 0.3 s and 80 MB;
2. first calls: with an empty numba cache, ``lanxi setup`` (which compiles every kernel), then
   ``lanxi air aqi`` on a small hourly file in a fresh process, twice — goal: the first within
   1 s of the second; and, for contrast, the first call without ``setup`` (cold cache).

Run::

    .venv/bin/python benchmarks/bench_startup.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MiB) and CPU seconds (user + system) of one ``lanxi`` process.

    The CPU time is what the start-up costs whatever else runs on the machine; on a loaded
    machine the wall time is mostly waiting for a core.
    """
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "lanxi.cli.main", *argv],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"lanxi {' '.join(argv)} failed:\n{err}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def timed(label: str, argv: list[str], env: dict[str, str], repeat: int) -> list[float]:
    runs = [run(argv, env) for _ in range(repeat)]
    secs = [r[0] for r in runs]
    mib = max(r[1] for r in runs)
    cpu = [r[2] for r in runs]
    print(
        f"{label:<44} best {min(secs):6.3f} s  median {statistics.median(secs):6.3f} s  "
        f"CPU median {statistics.median(cpu):6.3f} s  peak RSS {mib:6.1f} MiB  ({repeat} runs)"
    )
    return secs


def hourly_file(path: Path) -> Path:
    """Ten stations × one week of hourly concentrations (seeded).

    Written with the standard library: this process stays small, so that the peak RSS each child
    reports (which counts the memory it had when it was forked) is the child's own.
    """
    rng = random.Random(1)
    start = datetime(2026, 2, 26)
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["station", "time", "so2", "no2", "co", "o3_1h", "pm10", "pm2_5"])
        for i in range(10):
            for h in range(168):
                t = (start + timedelta(hours=h)).strftime("%Y-%m-%d %H:%M")
                out.writerow(
                    [f"{1001 + i}A", t, rng.randint(2, 30), rng.randint(5, 60),
                     round(rng.uniform(0.2, 2.0), 1), rng.randint(10, 150),
                     rng.randint(20, 200), rng.randint(10, 120)]
                )  # fmt: skip
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    print(f"load average at start: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        base = {
            k: v
            for k, v in os.environ.items()
            if k not in ("NUMBA_CACHE_DIR", "LANXI_NUMBA_CACHE_DIR", "LANXI_DATABASE_URL")
        }
        env = {**base, "LANXI_HOME": str(home / "home"), "COLUMNS": "100"}
        src = hourly_file(home / "hourly.csv")
        aqi = ["air", "aqi", str(src), "--kind", "hourly", "--out", str(home / "aqi.csv")]

        print("\n1. start-up")
        timed("lanxi --help", ["--help"], env, a.repeat)
        t0 = time.perf_counter()
        run(["setup"], env)
        print(f"{'(lanxi setup, cold numba cache)':<44} {time.perf_counter() - t0:6.1f} s")
        timed("lanxi regions", ["regions"], env, a.repeat)
        timed("lanxi regions --format json", ["regions", "--format", "json"], env, a.repeat)

        print("\n2. first calls after lanxi setup (numba cache filled by setup)")
        first = run(aqi, env)[0]
        second = run(aqi, env)[0]
        rest = timed("lanxi air aqi, later processes", aqi, env, a.repeat)
        print(
            f"{'lanxi air aqi, first process after setup':<44} {first:6.3f} s; the second "
            f"{second:6.3f} s; first − median of later: {first - statistics.median(rest):+.3f} s "
            "(goal: within 1 s)"
        )
        cold = {**env, "LANXI_HOME": str(home / "cold")}
        t0 = time.perf_counter()
        run(aqi, cold)
        print(
            f"{'lanxi air aqi, first process, no setup':<44} {time.perf_counter() - t0:6.3f} s "
            "(compiles the AQI kernel)"
        )
    print(f"\nload average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
