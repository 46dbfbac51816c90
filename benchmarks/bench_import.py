"""Benchmark: import 1,000,000 observation rows with full validation and versioning.

Run on demand::

    .venv/bin/python benchmarks/bench_import.py                      # SQLite, and PostgreSQL if
                                                                     # initdb/pg_ctl are installed
    .venv/bin/python benchmarks/bench_import.py --rows 200000 --postgres postgresql://u@h/db

For each backend, in the same run and from the same CSV file:

* **plain** — the fastest plain load of the same file into a table without constraints, the
  yardstick (issue 17): ``COPY … FROM STDIN`` on PostgreSQL, one ``executemany`` in one
  transaction on SQLite (see :func:`time_plain`);
* **lanxi** — ``submit_file``: read as text, every validation rule (indicator, region, period form
  of the indicator's frequency, number, unit conversion, plausible range, duplicate keys),
  versioning against the current rows, the batch, the audit entry, and the insert (``COPY`` on
  PostgreSQL, ``INSERT … SELECT FROM json_each`` on SQLite; :mod:`lanxi.services.monitoring.bulk`)
  into the indexed, constrained ``observations`` table (foreign keys, unique keys, checks), all in
  one transaction that commits inside the timing;
* **lanxi, re-import** — the same file with 10 % of the values changed: 10 % new versions (old
  rows retired, one audit entry each), 90 % unchanged.

The ratio is plain seconds ÷ Lanxi seconds. Against pandas' ``to_sql`` (row INSERTs, the yardstick
before issue 17) the first import ran at 0.5× or better; against the fastest plain load it is far
lower, and that is the honest figure (``docs/performance.md``).

The data: the bundled catalogue plus ten synthetic daily indicators (unit 万人), 51 regions, days
from 1990-01-01 — 10 × 51 × 1961 days ≈ 1,000,110 rows, half of them given in 人 (converted).
PostgreSQL is started like ``tests/conftest.py`` does (initdb in a temporary directory) unless a URL
is given with ``--postgres``; the database must then be empty.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select, text

from lanxi.data.catalog import PlanCatalog, bundled_catalog
from lanxi.domain.plans import Indicator
from lanxi.services.monitoring import permissions as perms
from lanxi.services.monitoring.submit import SubmitResult, submit_file
from lanxi.storage.db import get_engine, session_factory
from lanxi.storage.load import load_plans
from lanxi.storage.migrate import init_db
from lanxi.storage.models import ObservationRow

N_INDICATORS = 10
SEED = 20250201


def bench_catalog() -> PlanCatalog:
    """The bundled catalogue with ten daily indicators for the benchmark."""
    cat = bundled_catalog()
    extra = [
        Indicator(
            id=f"bench_daily_{k:02d}",
            name=f"基准测试指标{k}",
            name_en=f"Benchmark indicator {k}",
            unit="万人",
            category="benchmark",
            frequency="daily",
            aggregation="sum",
            higher_is_better=True,
            range_min=0,
            range_max=100000,
            source="benchmarks/bench_import.py § synthetic",
        )
        for k in range(N_INDICATORS)
    ]
    return dataclasses.replace(cat, indicators=[*cat.indicators, *extra])


def make_rows(n_rows: int, regions: list[str]) -> pd.DataFrame:
    """About ``n_rows`` observations of the benchmark indicators (seeded)."""
    rng = np.random.default_rng(SEED)
    n_days = -(-n_rows // (N_INDICATORS * len(regions)))
    days = pd.date_range("1990-01-01", periods=n_days, freq="D").strftime("%Y-%m-%d")
    ind = np.repeat([f"bench_daily_{k:02d}" for k in range(N_INDICATORS)], len(regions) * n_days)
    reg = np.tile(np.repeat(regions, n_days), N_INDICATORS)
    per = np.tile(days, N_INDICATORS * len(regions))
    n = len(ind)
    value = np.round(rng.lognormal(4.0, 1.0, n).clip(0.01, 99999), 4)
    in_persons = rng.random(n) < 0.5
    unit = np.where(in_persons, "人", "万人")
    shown = np.where(in_persons, np.round(value * 10000, 0), value)
    return pd.DataFrame(
        {
            "indicator_id": ind,
            "region_code": reg,
            "period": per,
            "value": shown,
            "unit": unit,
            "source": "synthetic benchmark",
            "note": "",
        }
    )


def prepare(url: str) -> Engine:
    """Schema, catalogue and an office user in an empty database."""
    engine = get_engine(url)
    init_db(engine)
    load_plans(engine, bench_catalog())
    with session_factory(engine)() as s, s.begin():
        perms.ensure_user(
            s,
            "bench",
            [perms.Grant(perms.Role.AGGLOMERATION_OFFICE)],
            actor=perms.system_principal("bench"),
        )
    return engine


def reset_peak_rss() -> None:
    """Reset the process's peak resident set size (Linux ≥ 4.0; a no-op elsewhere)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_rss_mib() -> float | None:
    """Peak resident set size since the last reset, in MiB (``VmHWM``; None if unknown)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages (as ``uptime`` prints them) and the CPU count."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} CPUs"


PLAIN_DDL = (
    "CREATE TABLE plain_observations (indicator_id TEXT, region_code TEXT, period TEXT, "
    "value DOUBLE PRECISION, unit TEXT, source TEXT, note TEXT)"
)


def time_plain(engine: Engine, csv: Path) -> tuple[float, int]:
    """The fastest plain load of the same file into a table without constraints; seconds, rows.

    PostgreSQL: ``COPY … FROM STDIN (FORMAT csv)`` streaming the file (psycopg). SQLite: the rows
    read with the ``csv`` module and inserted with one ``executemany`` in one transaction — the
    fastest load the sqlite3 driver offers. Neither validates, converts units or versions
    anything: this is the floor Lanxi's import is measured against.
    """
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS plain_observations"))
        conn.execute(text(PLAIN_DDL))
    t0 = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        if engine.dialect.name == "postgresql":
            with (
                open(csv, "rb") as f,
                cur.copy(  # type: ignore[attr-defined]
                    "COPY plain_observations FROM STDIN (FORMAT csv, HEADER true)"
                ) as copy,
            ):
                while block := f.read(1 << 20):
                    copy.write(block)
        else:
            import csv as csv_module

            with open(csv, encoding="utf-8", newline="") as f:
                reader = csv_module.reader(f)
                next(reader)
                # Lanxi's engine runs the driver in autocommit and begins transactions itself
                # (storage/db.py): begin one here, or every row would be its own transaction
                cur.execute("BEGIN")
                cur.executemany(
                    "INSERT INTO plain_observations VALUES (?, ?, ?, ?, ?, ?, ?)", reader
                )
        raw.commit()
        cur.execute("SELECT count(*) FROM plain_observations")
        n = int(cur.fetchone()[0])
    finally:
        raw.close()
    return time.perf_counter() - t0, n


def time_lanxi(engine: Engine, csv: Path) -> tuple[float, SubmitResult]:
    """``submit_file`` in one transaction; seconds and the result."""
    t0 = time.perf_counter()
    with session_factory(engine)() as s, s.begin():
        result = submit_file(s, csv, "bench")
    return time.perf_counter() - t0, result


def run(label: str, url: str, n_rows: int, workdir: Path) -> list[dict[str, object]]:
    """Run the three timings on one database and return result rows."""
    engine = prepare(url)
    try:
        with engine.connect() as conn:
            regions = sorted(conn.scalars(text("SELECT code FROM regions")).all())
        frame = make_rows(n_rows, regions)
        csv = workdir / f"{label}_observations.csv"
        frame.to_csv(csv, index=False)
        changed = frame.copy()
        pick = np.random.default_rng(SEED + 1).random(len(changed)) < 0.10
        changed.loc[pick, "value"] = np.round(changed.loc[pick, "value"] * 1.01 + 1, 4)
        csv2 = workdir / f"{label}_observations_corrected.csv"
        changed.to_csv(csv2, index=False)

        del frame, changed  # the runs read the files; keep their memory out of the peaks
        n_rows_file = int(pd.read_csv(csv, usecols=["period"]).shape[0])
        peaks: list[float | None] = []
        times: list[float] = []
        cpu: list[float] = []
        for step in ("plain", "lanxi", "re-import"):
            reset_peak_rss()
            c0 = time.process_time()
            if step == "plain":
                t, n_plain = time_plain(engine, csv)
            elif step == "lanxi":
                t, res = time_lanxi(engine, csv)
            else:
                t, res2 = time_lanxi(engine, csv2)
            times.append(t)
            cpu.append(time.process_time() - c0)
            peaks.append(peak_rss_mib())
            print(
                f"  {label}: {step} {t:.2f} s (CPU of this process {cpu[-1]:.2f} s), "
                f"peak RSS {peaks[-1] or 0:,.0f} MiB",
                flush=True,
            )
        t_plain, t_lanxi, t_re = times
        with engine.connect() as conn:
            stored = conn.scalar(select(func.count()).select_from(ObservationRow))
            current = conn.scalar(
                select(func.count()).select_from(ObservationRow).where(ObservationRow.is_current)
            )
        assert current == n_rows_file, (current, n_rows_file)
        assert stored == n_rows_file + int(pick.sum()), stored
        rows = [
            {
                "backend": label,
                "run": "plain load (COPY on PostgreSQL, executemany on SQLite)",
                "rows": n_plain,
                "seconds": t_plain,
                "rows_per_s": n_plain / t_plain,
                "ratio": 1.0,
                "cpu_s": cpu[0],
                "peak_mib": peaks[0],
            },
            {
                "backend": label,
                "run": "lanxi submit (validate + version + insert)",
                "rows": n_rows_file,
                "seconds": t_lanxi,
                "rows_per_s": n_rows_file / t_lanxi,
                "ratio": t_plain / t_lanxi,
                "cpu_s": cpu[1],
                "peak_mib": peaks[1],
                "detail": res.summary(),
            },
            {
                "backend": label,
                "run": "lanxi re-import, 10 % corrected",
                "rows": n_rows_file,
                "seconds": t_re,
                "rows_per_s": n_rows_file / t_re,
                "ratio": t_plain / t_re,
                "cpu_s": cpu[2],
                "peak_mib": peaks[2],
                "detail": res2.summary(),
            },
        ]
        return rows
    finally:
        engine.dispose()


def _start_postgres() -> tuple[object, str]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import conftest  # the throwaway server of the test suite

    bindir = conftest.find_pg_bin()
    if bindir is None:
        raise RuntimeError("PostgreSQL binaries not found (scripts/ensure-postgres.sh)")
    server = conftest._PgServer(bindir)
    server.start()
    server.admin("CREATE DATABASE lanxi_bench")
    return server, server.url("lanxi_bench")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres", help="URL of an empty PostgreSQL database")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    args = parser.parse_args(argv)

    results: list[dict[str, object]] = []
    load_before = load_average()
    print(f"load average before: {load_before}", flush=True)
    with tempfile.TemporaryDirectory(prefix="lanxi-bench-") as tmp:
        work = Path(tmp)
        if not args.no_sqlite:
            results += run("sqlite", f"sqlite:///{work / 'bench.sqlite'}", args.rows, work)
        if not args.no_postgres:
            server = None
            url = args.postgres
            try:
                if url is None:
                    server, url = _start_postgres()
                results += run("postgresql", url, args.rows, work)
            finally:
                if server is not None:
                    server.stop()
    print(f"\nImport of {args.rows:,} observation rows (goal: lanxi / plain ≥ 0.5)")
    print(f"load average before: {load_before}; after: {load_average()}\n")
    print(
        f"{'backend':<11} {'run':<45} {'rows':>9} {'s':>7} {'rows/s':>9} {'× plain':>8} "
        f"{'peak MiB':>9} {'CPU s':>7}"
    )
    for r in results:
        peak = r["peak_mib"]
        print(
            f"{r['backend']:<11} {r['run']:<45} {r['rows']:>9,} {r['seconds']:>7.2f} "
            f"{r['rows_per_s']:>9,.0f} {r['ratio']:>8.2f} "
            f"{'n/a' if peak is None else format(peak, ',.0f'):>9} {r['cpu_s']:>7.2f}"
        )
    print(
        "\nCPU s: CPU time of this process (SQLite: all the work; PostgreSQL: the client side "
        "only, the server's work is not counted)"
    )
    for r in results:
        if r.get("detail"):
            print(f"  {r['backend']}: {r['detail']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
