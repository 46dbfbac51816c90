"""Time to build and render every report kind × format on the demo data (run on demand).

Usage::

    .venv/bin/python benchmarks/bench_reports.py [--air-days 31] [--repeat 2] [--lang zh|en|both]
        [--kinds water-monthly,progress] [--formats pdf,html,xlsx] [--no-first]

Sets up a SQLite store in a temporary directory (bundled plans, the plans' figures, ``lanxi demo``
seed 1 up to 2025, ``lanxi env demo`` with ``--air-days`` days of hourly air data). Then, for each
kind × format (× language), a **fresh Python process** builds the report (the services' work) and
renders it, which gives two figures:

* **first in process**: the first build and render in that process, imports included (what one
  ``lanxi report`` command or the first request to a new worker pays);
* **warm**: the best of ``--repeat`` further builds and renders of the same report in the same
  process (what a running server or a batch of reports pays; caches of what cannot change during a
  process — fonts, the bundled catalogue, templates — and the views keyed on the store's data
  version are warm).

Each figure is given as wall-clock seconds and as CPU seconds of the process (``process_time``):
on a shared machine the wall clock grows with the load while the CPU time stays close to what an
idle machine gives. Issue 16's goal is a kind built (content and rendering) in under
:data:`BUILD_GOAL_S` seconds in process; the last columns say whether the warm and the first
figures meet it. The machine load (``uptime``) is printed first and last, and the 1-minute load
beside every row.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PERIODS = {
    "water-monthly": "2025-06",
    "water-warnings": "2025Q2",
    "water-annual": "2025",
    "air-annual": "2025",
    "compensation": "2025",
    "progress": "2025",
    "public": "2025",
}
FORMATS = ("pdf", "html", "xlsx")

#: Issue 16's goal: a kind's content and its rendering in under this many seconds, in process.
BUILD_GOAL_S = 5.0


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def _load1() -> float:
    return os.getloadavg()[0]


def _pages(pdf: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True).stdout
    return next((int(x.split()[-1]) for x in info.splitlines() if x.startswith("Pages:")), 0)


def _child(url: str, kind: str, fmt: str, lang: str, repeat: int) -> dict[str, Any]:
    """One fresh process: the first build and render (imports included), then ``repeat`` more."""
    w0, c0 = time.perf_counter(), time.process_time()
    from lanxi.reports import build_report, render_bytes

    def once() -> tuple[float, float, float, float, bytes]:
        w, c = time.perf_counter(), time.process_time()
        rep = build_report(kind, period=PERIODS.get(kind), url=url, lang=lang)  # type: ignore[arg-type]
        wb, cb = time.perf_counter() - w, time.process_time() - c
        w, c = time.perf_counter(), time.process_time()
        data = render_bytes(rep, fmt)
        return wb, cb, time.perf_counter() - w, time.process_time() - c, data

    wb, cb, wr, cr, data = once()
    first_import_wall = time.perf_counter() - w0 - wb - wr
    first_import_cpu = time.process_time() - c0 - cb - cr
    first = {
        "wall": time.perf_counter() - w0,
        "cpu": time.process_time() - c0,
        "import_wall": first_import_wall,
        "import_cpu": first_import_cpu,
        "build_wall": wb,
        "render_wall": wr,
    }
    warm: dict[str, float] = {}
    for _ in range(repeat):
        wb, cb, wr, cr, data = once()
        if not warm or wb + wr < warm["wall"]:
            warm = {
                "wall": wb + wr,
                "cpu": cb + cr,
                "build_wall": wb,
                "build_cpu": cb,
                "render_wall": wr,
                "render_cpu": cr,
            }
    return {
        "first": first,
        "warm": warm,
        "pages": _pages(data) if fmt == "pdf" else None,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _setup(url: str, air_days: int) -> None:
    from lanxi.services import store
    from lanxi.services.environment import store as env_store
    from lanxi.services.monitoring.demo import generate_synthetic, setup_monitoring

    store.init_database(url)
    store.load_bundled_plans(url)
    with store.session(url) as s:
        setup_monitoring(s)
    with store.session(url) as s:
        generate_synthetic(s, seed=1, until_year=2025)
    env_store.generate_demo(year=2025, air_days=air_days, url=url)
    store.engine(url).dispose()


def _run_child(url: str, kind: str, fmt: str, lang: str, repeat: int) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", url, kind, fmt, lang, str(repeat)]
    out = subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy())
    if out.returncode != 0:
        raise SystemExit(f"{kind} {fmt} {lang} failed:\n{out.stderr[-3000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _ok(seconds: float) -> str:
    return "ok" if seconds < BUILD_GOAL_S else "FAIL"


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        url, kind, fmt, lang, repeat = sys.argv[2:7]
        print(json.dumps(_child(url, kind, fmt, lang, int(repeat))))
        return
    from lanxi.reports import KINDS

    ap = argparse.ArgumentParser()
    ap.add_argument("--air-days", type=int, default=31)
    ap.add_argument("--repeat", type=int, default=2, help="warm builds per kind × format")
    ap.add_argument("--lang", choices=("zh", "en", "both"), default="zh")
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--store", help="an existing demo store (SQLite file) instead of a new one")
    args = ap.parse_args()
    kinds = [k for k in args.kinds.split(",") if k]
    formats = [f for f in args.formats.split(",") if f]
    langs = ("zh", "en") if args.lang == "both" else (args.lang,)
    print("load before:", _uptime())
    print(f"goal (issue 16): each kind built and rendered in under {BUILD_GOAL_S:.0f} s in process")
    with tempfile.TemporaryDirectory() as tmp:
        if args.store:
            url = f"sqlite:///{Path(args.store).resolve()}"
        else:
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
            t0 = time.perf_counter()
            _setup(url, args.air_days)
            print(f"demo store: {time.perf_counter() - t0:.1f} s (air days: {args.air_days})")
        head = (
            f"{'kind':<15}{'fmt':<5}{'lang':<5}"
            f"{'build':>7}{'render':>7}{'warm':>7}{'cpu':>6}"
            f"{'first':>7}{'cpu':>6}{'import':>7}{'pages':>6}{'load':>6}  goal warm/first"
        )
        print("seconds: warm = build + render (best of repeats), first = first in a fresh process")
        print(head)
        fails = 0
        rows = []
        for lang in langs:
            for kind in kinds:
                for fmt in formats:
                    r = _run_child(url, kind, fmt, lang, args.repeat)
                    w, f = r["warm"], r["first"]
                    verdict = f"{_ok(w['wall'])}/{_ok(f['wall'])}"
                    fails += w["wall"] >= BUILD_GOAL_S
                    rows.append((kind, fmt, lang, r))
                    print(
                        f"{kind:<15}{fmt:<5}{lang:<5}"
                        f"{w['build_wall']:7.2f}{w['render_wall']:7.2f}{w['wall']:7.2f}"
                        f"{w['cpu']:6.2f}{f['wall']:7.2f}{f['cpu']:6.2f}{f['import_wall']:7.2f}"
                        f"{r['pages'] or '':>6}{_load1():6.1f}  {verdict}",
                        flush=True,
                    )
        worst = max(rows, key=lambda x: x[3]["warm"]["wall"])
        worst_first = max(rows, key=lambda x: x[3]["first"]["wall"])
        print(
            f"slowest warm: {worst[0]} {worst[1]} {worst[2]} {worst[3]['warm']['wall']:.2f} s "
            f"(cpu {worst[3]['warm']['cpu']:.2f} s); slowest first: {worst_first[0]} "
            f"{worst_first[1]} {worst_first[2]} {worst_first[3]['first']['wall']:.2f} s "
            f"(cpu {worst_first[3]['first']['cpu']:.2f} s)"
        )
        peak = max(r["peak_mib"] for *_, r in rows)
        print(f"peak memory of a process: {peak:.0f} MiB")
        print(
            f"goal (warm, wall clock): {'met' if not fails else f'NOT met by {fails}'} "
            f"of {len(rows)} kind × format × language"
        )
    print("load after:", _uptime())


if __name__ == "__main__":
    main()
