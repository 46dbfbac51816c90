"""Time to build and render every report on the demo data (run on demand).

Usage::

    .venv/bin/python benchmarks/bench_reports.py [--air-days 31] [--repeat 1]

Sets up a SQLite store in a temporary directory (bundled plans, the plans' figures, ``lanxi demo``
seed 1 up to 2025, ``lanxi env demo`` with ``--air-days`` days of hourly air data), then for each
kind builds the report (the services' work) and renders it as HTML, PDF and Excel, printing the
seconds of each step, the PDF's pages and the process's peak memory. The machine load
(``uptime``) is printed first and last: the figures scale with it on a shared machine.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import tempfile
import time
from pathlib import Path

from lanxi.reports import KINDS, build_report, render_bytes
from lanxi.services import store
from lanxi.services.environment import store as env_store
from lanxi.services.monitoring.demo import generate_synthetic, setup_monitoring

PERIODS = {
    "water-monthly": "2025-06",
    "water-warnings": "2025Q2",
    "water-annual": "2025",
    "air-annual": "2025",
    "compensation": "2025",
    "progress": "2025",
    "public": "2025",
}


#: Issue 16's goal: a kind's content and PDF in under this many seconds, in process.
BUILD_GOAL_S = 5.0


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def _pages(pdf: bytes, tmp: Path) -> int:
    path = tmp / "pages.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    return next((int(x.split()[-1]) for x in info.splitlines() if x.startswith("Pages:")), 0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--air-days", type=int, default=31)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--lang", choices=("zh", "en"), default="zh")
    args = ap.parse_args()
    print("load before:", _uptime())
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        t0 = time.perf_counter()
        store.init_database(url)
        store.load_bundled_plans(url)
        with store.session(url) as s:
            setup_monitoring(s)
        with store.session(url) as s:
            generate_synthetic(s, seed=1, until_year=2025)
        env_store.generate_demo(year=2025, air_days=args.air_days, url=url)
        print(f"demo store: {time.perf_counter() - t0:.1f} s (air days: {args.air_days})")
        print(f"{'kind':<15}{'build s':>9}{'html s':>9}{'pdf s':>9}{'xlsx s':>9}{'pages':>7}  goal")
        totals = [0.0, 0.0, 0.0, 0.0]
        for kind in KINDS:
            best = [float("inf")] * 4
            pages = 0
            for _ in range(args.repeat):
                t = time.perf_counter()
                rep = build_report(kind, period=PERIODS.get(kind), url=url, lang=args.lang)
                times = [time.perf_counter() - t]
                for fmt in ("html", "pdf", "xlsx"):
                    t = time.perf_counter()
                    data = render_bytes(rep, fmt)
                    times.append(time.perf_counter() - t)
                    if fmt == "pdf":
                        pages = _pages(data, Path(tmp))
                best = [min(a, b) for a, b in zip(best, times, strict=True)]
            totals = [a + b for a, b in zip(totals, best, strict=True)]
            # issue 16: each kind builds (content + PDF) in under 5 s in process
            ok = "ok" if best[0] + best[2] < BUILD_GOAL_S else f"> {BUILD_GOAL_S:.0f} s"
            print(f"{kind:<15}" + "".join(f"{x:9.2f}" for x in best) + f"{pages:7d}  {ok}")
        print(f"{'all kinds':<15}" + "".join(f"{x:9.2f}" for x in totals))
        store.engine(url).dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MiB")
    print("load after:", _uptime())


if __name__ == "__main__":
    main()
