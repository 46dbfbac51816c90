"""Time and size of ``lanxi env demo`` and of the year's air evaluation on it (run on demand).

Usage::

    .venv/bin/python benchmarks/bench_env_demo.py [--air-days 31] [--no-air-daily] [--repeat 3]

Writes the demo into a fresh SQLite file in a temporary directory (``generate_demo`` with the
given options), then evaluates the year on the store (``env_store.air_annual``: hourly days plus
stored daily days), printing the rows written, the seconds of each step (best of ``--repeat``),
the file's size, the process's peak memory and each city's good-days ratio. The machine load
(``uptime``) is printed first and last: the figures scale with it on a shared machine. A full year
of hourly data instead of the default: ``--air-days 365 --no-air-daily``.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import tempfile
import time
from pathlib import Path

from lanxi.services import store
from lanxi.services.environment import store as env_store


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--air-days", type=int, default=31)
    ap.add_argument("--no-air-daily", action="store_true")
    ap.add_argument("--year", type=int, default=2025)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print("load before:", _uptime())
    demo_s, annual_s = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            path = Path(tmp) / f"demo{i}.sqlite"
            url = f"sqlite:///{path}"
            store.init_database(url)
            t0 = time.perf_counter()
            n = env_store.generate_demo(
                year=args.year, air_days=args.air_days, air_daily=not args.no_air_daily, url=url
            )
            demo_s.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            result = env_store.air_annual(args.year, url=url)
            annual_s.append(time.perf_counter() - t0)
            size = path.stat().st_size
            store.engine(url).dispose()
    print(f"rows: {n}")
    print(f"generate_demo: best {min(demo_s):.2f} s of {[round(x, 2) for x in demo_s]}")
    print(f"air_annual (read + evaluate): best {min(annual_s):.2f} s")
    print(f"SQLite file: {size / 2**20:.1f} MiB")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    cities = result[result["level"] == "city"]
    for r in cities.itertuples():
        print(f"  {r.unit}: {r.good_days}/{r.aqi_days} = {100 * r.good_days_ratio:.1f} %")
    print("load after:", _uptime())


if __name__ == "__main__":
    main()
