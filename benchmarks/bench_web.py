"""Benchmark: the web platform under 200 readers, 20 submitters and 2 approvers (PostgreSQL or
SQLite).

Run on demand::

    .venv/bin/python benchmarks/bench_web.py                 # 60 s, 200 readers, 20 submitters
    .venv/bin/python benchmarks/bench_web.py --seconds 20 --readers 50 --think 0.5
    .venv/bin/python benchmarks/bench_web.py --database sqlite --seconds 20

What it does:

1. starts a throwaway PostgreSQL server (as ``tests/conftest.py`` does), sets the store up with
   the plan data and the demo data (``lanxi.services.webdemo``), and creates 20 city submitters,
   each for its own county unit, with an API token;
2. starts the server — ``uvicorn --factory lanxi.api:create_app --workers N`` on a loopback port;
3. runs the load from a **second process** (this script with ``--client``): ``--readers`` clients
   waiting ``--think`` seconds (exponential, mean) between requests, each request of one of three
   classes — ``public`` (the dashboard's fixed anonymous reads: progress, overdue tasks, water,
   air, groups, observations, boundaries; mostly answer-cache hits), ``varied`` (anonymous reads
   with varied filters, indicator × region × offset: mostly cache misses) and ``signed-in``
   (an approver's token: the queue and observations with unapproved rows, never cached);
   ``--submitters`` clients that upload 10-row observation files (keys unique to the client) as
   fast as they are answered; and ``--approvers`` (the two province administrators) who approve
   what is submitted, so the published version — the answer cache's key — keeps changing;
4. reports p50 / p95 / p99 latency, throughput and errors per class, the answer cache's hit rate
   of anonymous reads, and checks in the database that every accepted batch is there with every
   row and value it sent.

Goals (issues 6 and 14) on the 2-core machine: p95 under 200 ms for reads at 200 readers, no
server errors, every accepted row present, on both databases. Everything stays on 127.0.0.1.
Note the machine load (``uptime``) printed with the result: the machine is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

READS = [
    "/api/v1/progress?limit=30",
    "/api/v1/tasks/status?overdue=true&limit=10",
    "/api/v1/water/monthly",
    "/api/v1/air/annual?level=city",
    "/api/v1/air/daily?city=%E5%85%B0%E5%B7%9E%E5%B8%82&limit=1000",
    "/api/v1/groups",
    "/api/v1/observations?indicator=urbanization_rate&limit=100",
    "/api/v1/regions/boundaries?level=county",
    "/api/v1/regions?level=county",
]
HEADER = "indicator_id,region_code,period,value,unit,source,note\n"
ROWS_PER_BATCH = 10
#: Classes of read requests (see the module docstring).
READ_CLASSES = ("public", "varied", "signed-in")


# --------------------------------------------------------------------------- the load (client)


def _pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


def _varied_path(rng: random.Random, meta: dict[str, Any]) -> str:
    """An anonymous read with filters the answer cache has rarely seen."""
    ind = rng.choice(meta["indicators"])
    reg = rng.choice(meta["regions"])
    kind = rng.randrange(4)
    if kind == 0:
        return f"/api/v1/observations?indicator={ind}&region={reg}&limit={rng.randint(5, 200)}"
    if kind == 1:
        return f"/api/v1/observations?indicator={ind}&offset={rng.randint(0, 300)}&limit=50"
    if kind == 2:
        return f"/api/v1/progress?region={reg}&limit={rng.randint(5, 60)}"
    return f"/api/v1/tasks/status?limit={rng.randint(5, 60)}&offset={rng.randint(0, 40)}"


def _signed_in_path(rng: random.Random, meta: dict[str, Any]) -> str:
    """A read of a signed-in approver (sees unapproved rows: never cached)."""
    if rng.random() < 0.4:
        return "/api/v1/batches?status=submitted&limit=20"
    ind = rng.choice(meta["indicators"])
    return f"/api/v1/observations?indicator={ind}&limit={rng.randint(10, 100)}"


async def _reader(
    client: Any, stop: float, think: float, meta: dict[str, Any], out: dict[str, Any]
) -> None:
    rng = random.Random()
    await asyncio.sleep(rng.random() * think)
    while time.monotonic() < stop:
        x = rng.random()
        headers = None
        if x < 0.5:
            cls, path = "public", rng.choice(READS)
        elif x < 0.8:
            cls, path = "varied", _varied_path(rng, meta)
        else:
            cls, path = "signed-in", _signed_in_path(rng, meta)
            headers = {"Authorization": f"Bearer {rng.choice(meta['reader_tokens'])}"}
        part = out[cls]
        t0 = time.perf_counter()
        try:
            r = await client.get(path, headers=headers)
            status = r.status_code
            if r.headers.get("x-lanxi-cache") == "hit":
                part["hits"] += 1
        except Exception as exc:  # a refused or dropped connection counts as an error
            status = f"exc:{type(exc).__name__}"
        part["lat"].append(time.perf_counter() - t0)
        part["status"][str(status)] = part["status"].get(str(status), 0) + 1
        if think > 0:
            await asyncio.sleep(rng.expovariate(1 / think))


async def _approver(client: Any, stop: float, token: str, out: dict[str, Any]) -> None:
    """Approve what is submitted (in the approver's province) until the end."""
    headers = {"Authorization": f"Bearer {token}"}
    while time.monotonic() < stop:
        try:
            r = await client.get(
                "/api/v1/batches", params={"status": "submitted", "limit": 20}, headers=headers
            )
            items = r.json().get("items", []) if r.status_code == 200 else []
        except Exception:
            items = []
        for b in items:
            if time.monotonic() >= stop:
                return
            t0 = time.perf_counter()
            try:
                a = await client.post(f"/api/v1/batches/{b['id']}/approve", headers=headers)
                status = a.status_code
            except Exception as exc:
                status = f"exc:{type(exc).__name__}"
            out["lat"].append(time.perf_counter() - t0)
            out["status"][str(status)] = out["status"].get(str(status), 0) + 1
            if status == 200:
                out["approved"] += 1
        await asyncio.sleep(0.2)


async def _submitter(client: Any, stop: float, spec: dict[str, Any], out: dict[str, Any]) -> None:
    headers = {"Authorization": f"Bearer {spec['token']}"}
    n = 0
    for indicator, value in spec["indicators"]:
        for start in range(1900, 2200 - ROWS_PER_BATCH + 1, ROWS_PER_BATCH):
            if time.monotonic() >= stop:
                return
            rows = [
                (indicator, spec["region"], str(start + k), value + 0.01 * ((n + k) % 50))
                for k in range(ROWS_PER_BATCH)
            ]
            text = HEADER + "".join(
                f"{i},{r},{p},{v:.2f},{spec['unit_of'][i]},bench {spec['user']} {n},\n"
                for i, r, p, v in rows
            )
            name = f"{spec['user']}-{n}.csv"
            n += 1
            t0 = time.perf_counter()
            try:
                r = await client.post(
                    "/api/v1/batches",
                    files={"file": (name, text.encode(), "text/csv")},
                    headers=headers,
                )
                status = r.status_code
                body = r.json() if status == 201 else None
            except Exception as exc:
                status, body = f"exc:{type(exc).__name__}", None
            out["lat"].append(time.perf_counter() - t0)
            out["status"][str(status)] = out["status"].get(str(status), 0) + 1
            if body is not None:
                out["accepted"].append({"batch_id": body["batch_id"], "rows": rows})


async def _client_main(args: argparse.Namespace) -> dict[str, Any]:
    try:
        import httpx2 as httpx
    except ImportError:  # pragma: no cover
        import httpx  # type: ignore[no-redef]

    plan = json.loads(Path(args.specs).read_text())
    specs, meta = plan["submitters"], plan["meta"]
    # keep-alive expiry under uvicorn's 5 s: with both at 5 s a reader back from a long pause could
    # send on a connection the server was closing at that moment (a client-side ReadError)
    limits = httpx.Limits(max_connections=args.readers + args.submitters + 10, keepalive_expiry=4.0)
    reads = {c: {"lat": [], "status": {}, "hits": 0} for c in READ_CLASSES}
    writes: dict[str, Any] = {"lat": [], "status": {}, "accepted": []}
    approvals: dict[str, Any] = {"lat": [], "status": {}, "approved": 0}
    async with httpx.AsyncClient(base_url=args.base, limits=limits, timeout=120) as client:
        t0 = time.monotonic()
        stop = t0 + args.seconds
        tasks = [_reader(client, stop, args.think, meta, reads) for _ in range(args.readers)]
        tasks += [_submitter(client, stop, s, writes) for s in specs[: args.submitters]]
        tasks += [_approver(client, stop, t, approvals) for t in meta["approver_tokens"]]
        await asyncio.gather(*tasks)
        elapsed = time.monotonic() - t0
    ru = resource.getrusage(resource.RUSAGE_SELF)
    cpu = ru.ru_utime + ru.ru_stime
    return {
        "elapsed": elapsed,
        "reads": reads,
        "writes": writes,
        "approvals": approvals,
        "client_cpu": cpu,
    }


# --------------------------------------------------------------------------- CPU per request


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and its children (the uvicorn workers)."""
    tick = os.sysconf("SC_CLK_TCK")

    def stat(p: int) -> tuple[int, float]:
        with open(f"/proc/{p}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[1]), (int(fields[11]) + int(fields[12])) / tick  # ppid, utime + stime

    total = stat(pid)[1]
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != pid:
            try:
                ppid, cpu = stat(int(entry))
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                total += cpu
    return total


def _cpu_probe(base: str, pid: int, plan: dict[str, Any], n: int) -> dict[str, dict[str, float]]:
    """Server CPU per request of each class, one request at a time (independent of load).

    After the load: ``n`` requests of each read class as the readers make them, ``n // 4``
    submissions of the probe's own submitter, then the approval of each of them. The server's
    CPU time (all its processes) is read before and after each class; the machine's load only
    stretches the wall-clock time, not the CPU time of a request. (PostgreSQL's own processes
    are not the server's children: their CPU is not counted.)
    """
    import httpx

    meta, spec = plan["meta"], plan["probe"]
    rng = random.Random(14)
    auth = {"Authorization": f"Bearer {meta['approver_tokens'][0]}"}
    out: dict[str, dict[str, float]] = {}
    with httpx.Client(base_url=base, timeout=120) as client:

        def run(cls: str, requests: list[tuple[str, str, dict[str, Any]]]) -> list[Any]:
            answers = []
            hits = 0
            c0, t0 = _tree_cpu(pid), time.perf_counter()
            for method, path, kw in requests:
                r = client.request(method, path, **kw)
                if r.status_code >= 300:
                    raise RuntimeError(f"probe {cls}: {method} {path} -> {r.status_code} {r.text}")
                hits += r.headers.get("x-lanxi-cache") == "hit"
                answers.append(r)
            cpu, wall = _tree_cpu(pid) - c0, time.perf_counter() - t0
            k = len(requests)
            out[cls] = {"n": k, "cpu_ms": 1000 * cpu / k, "wall_ms": 1000 * wall / k, "hits": hits}
            return answers

        # the fixed reads once first (each worker): the load's last approval changed the version,
        # and "public" measures the answer cache's hits (a miss costs what its view costs)
        for path in READS * 4:
            client.get(path)
        run("public", [("GET", rng.choice(READS), {}) for _ in range(n)])
        run("varied", [("GET", _varied_path(rng, meta), {}) for _ in range(n)])
        run(
            "signed-in",
            [("GET", _signed_in_path(rng, meta), {"headers": auth}) for _ in range(n)],
        )
        uploads = []
        per_indicator = (2200 - 1900) // ROWS_PER_BATCH  # years 1900-2199, 10 per batch
        for j in range(max(1, n // 4)):
            ind, value = spec["indicators"][j // per_indicator % len(spec["indicators"])]
            start = 1900 + (j % per_indicator) * ROWS_PER_BATCH
            text = HEADER + "".join(
                f"{ind},{spec['region']},{start + k},{value:.2f},"
                f"{spec['unit_of'][ind]},probe {j},\n"
                for k in range(ROWS_PER_BATCH)
            )
            files = {"file": (f"probe-{j}.csv", text.encode(), "text/csv")}
            uploads.append(
                (
                    "POST",
                    "/api/v1/batches",
                    {"files": files, "headers": {"Authorization": f"Bearer {spec['token']}"}},
                )
            )
        answers = run("submits", uploads)
        ids = [a.json()["batch_id"] for a in answers]
        run("approve", [("POST", f"/api/v1/batches/{i}/approve", {"headers": auth}) for i in ids])
    return out


# --------------------------------------------------------------------------- set-up and report


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_postgres() -> tuple[Any, str]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import conftest  # the throwaway server of the test suite

    bindir = conftest.find_pg_bin()
    if bindir is None:
        raise RuntimeError("PostgreSQL binaries not found (scripts/ensure-postgres.sh)")
    server = conftest._PgServer(bindir)
    server.start()
    server.admin("CREATE DATABASE lanxi_web_bench")
    return server, server.url("lanxi_web_bench")


def _prepare(url: str, n_submitters: int) -> dict[str, Any]:
    from lanxi.services import auth as auth_svc
    from lanxi.services import webdemo
    from lanxi.services.monitoring.common import load_reference
    from lanxi.services.monitoring.permissions import Grant, Role, ensure_user, system_principal
    from lanxi.services.store import session

    webdemo.prepare(url, demo=True, password="bench-password-1")
    system = system_principal("bench")
    specs = []
    with session(url) as s:
        ref = load_reference(s)
        counties = sorted(c for c, r in ref.regions.items() if r["level"] == "county")
        annual = sorted(
            (i, m)
            for i, m in ref.indicators.items()
            if m["frequency"] == "annual" and m["unit"] == "%"
        )
        indicators = []
        for i, m in annual:
            lo = m["range_min"] if m["range_min"] is not None else 0.0
            hi = m["range_max"] if m["range_max"] is not None else 100.0
            indicators.append((i, round((lo + hi) / 2, 2)))
        unit_of = {i: m["unit"] for i, m in annual}
        for k in range(n_submitters):
            user = f"bench_city_{k:02d}"
            region = counties[k % len(counties)]
            ensure_user(s, user, [Grant(Role.CITY_SUBMITTER, region)], actor=system)
            token = auth_svc.create_token(s, user, "bench", actor=system)
            specs.append(
                {
                    "user": user,
                    "region": region,
                    "token": token,
                    "indicators": indicators,
                    "unit_of": unit_of,
                }
            )
        # the CPU probe's own submitter (not one of the load's), in the first approver's province
        gansu = sorted(c for c in counties if c.startswith("62"))
        ensure_user(s, "bench_probe", [Grant(Role.CITY_SUBMITTER, gansu[0])], actor=system)
        probe = {
            "user": "bench_probe",
            "region": gansu[0],
            "token": auth_svc.create_token(s, "bench_probe", "bench", actor=system),
            "indicators": indicators,
            "unit_of": unit_of,
        }
        approvers = [
            auth_svc.create_token(s, u, "bench", actor=system)
            for u in ("demo_gansu", "demo_qinghai")
        ]
        meta = {
            "indicators": sorted(ref.indicators),
            "regions": sorted(c for c, r in ref.regions.items() if r["level"] != "county")
            + counties[:20],
            "approver_tokens": approvers,
            "reader_tokens": approvers,
        }
    return {"submitters": specs, "meta": meta, "probe": probe}


def _check(url: str, accepted: list[dict[str, Any]]) -> tuple[int, int, list[str]]:
    """Every accepted batch in the database with every row and value; (batches, rows, missing)."""
    from sqlalchemy import select

    from lanxi.services.store import session
    from lanxi.storage.models import ObservationRow, SubmissionBatchRow

    missing: list[str] = []
    n_rows = 0
    with session(url) as s:
        for a in accepted:
            b = s.get(SubmissionBatchRow, a["batch_id"])
            if b is None:
                missing.append(f"batch {a['batch_id']}")
                continue
            got = {
                (o.indicator_id, o.region_code, o.period): o.value
                for o in s.scalars(
                    select(ObservationRow).where(ObservationRow.batch_id == a["batch_id"])
                )
            }
            for ind, reg, per, val in a["rows"]:
                n_rows += 1
                v = got.get((ind, reg, per))
                if v is None or abs(v - round(val, 2)) > 1e-9:
                    missing.append(f"{a['batch_id']}: {ind} {reg} {per} {val} (found {v})")
    return len(accepted), n_rows, missing


def _summary(name: str, part: dict[str, Any], elapsed: float) -> str:
    lat = [x * 1000 for x in part["lat"]]
    n = len(lat)
    # approve: 409 another approver was first, 403 a batch of the other province (both expected)
    ok = ("2",) if name != "approve" else ("2", "403", "409")
    errors = sum(v for k, v in part["status"].items() if not k.startswith(ok))
    hits = f"{part['hits'] / n:>6.0%}" if "hits" in part and n else f"{'':>6}"
    return (
        f"{name:<10} {n:>8,} {n / elapsed:>8.1f} {_pct(lat, 50):>8.1f} {_pct(lat, 95):>8.1f} "
        f"{_pct(lat, 99):>8.1f} {errors:>7} {hits}  {json.dumps(part['status'], sort_keys=True)}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--readers", type=int, default=200)
    parser.add_argument("--submitters", type=int, default=20)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause of a reader (s)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--postgres", help="URL of an empty PostgreSQL database")
    parser.add_argument(
        "--database", choices=["postgresql", "sqlite"], default="postgresql", help="the store"
    )
    parser.add_argument(
        "--cpu-probe",
        type=int,
        default=200,
        help="after the load, this many requests of each read class one at a time (a quarter "
        "as many submissions and approvals) to measure the server's CPU per request; 0: skip",
    )
    parser.add_argument(
        "--profile", help="a directory: py-spy profiles of each worker during the load (raw)"
    )
    parser.add_argument("--client", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    parser.add_argument("--specs", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.client:
        result = asyncio.run(_client_main(args))
        Path(args.out).write_text(json.dumps(result))
        return 0

    server = None
    proc = None
    url = args.postgres
    backend = "SQLite" if args.database == "sqlite" else "PostgreSQL"
    sqlite_dir = tempfile.TemporaryDirectory(prefix="lanxi-bench-web-db-")
    try:
        if args.database == "sqlite":
            url = f"sqlite:///{Path(sqlite_dir.name) / 'bench.sqlite'}"
        elif url is None:
            server, url = _start_postgres()
        t0 = time.perf_counter()
        specs = _prepare(url, args.submitters)
        assert url is not None
        print(f"store ready in {time.perf_counter() - t0:.1f} s ({url.split('@')[-1]})")
        port = _free_port()
        env = dict(os.environ, LANXI_DATABASE_URL=url, LANXI_ENV="test")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "lanxi.api:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            env=env,
            start_new_session=True,  # its own process group, so _stop can end its workers
        )
        base = f"http://127.0.0.1:{port}"
        _wait_up(base)
        # warm every worker's caches a little (not measured)
        _warm(base)
        with tempfile.TemporaryDirectory(prefix="lanxi-bench-web-") as tmp:
            spec_file = Path(tmp) / "specs.json"
            spec_file.write_text(json.dumps(specs))
            out = Path(tmp) / "result.json"
            load_before = os.getloadavg()
            spies = _spy(proc.pid, args.profile, args.seconds) if args.profile else []
            server_cpu_before = _tree_cpu(proc.pid)
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--client",
                    "--base",
                    base,
                    "--specs",
                    str(spec_file),
                    "--out",
                    str(out),
                    "--seconds",
                    str(args.seconds),
                    "--readers",
                    str(args.readers),
                    "--submitters",
                    str(args.submitters),
                    "--think",
                    str(args.think),
                ],
                check=True,
            )
            load_after = os.getloadavg()
            # the server's CPU (its processes' user + system time) during the load
            server_cpu = _tree_cpu(proc.pid) - server_cpu_before
            result = json.loads(out.read_text())
        for spy in spies:
            spy.wait(timeout=120)
        probe = _cpu_probe(base, proc.pid, specs, args.cpu_probe) if args.cpu_probe else {}
        _stop(proc)
        proc = None
        batches, rows, missing = _check(url, result["writes"]["accepted"])
        el = result["elapsed"]
        print(
            f"\n{args.readers} readers (think {args.think} s) + {args.submitters} submitters, "
            f"{el:.1f} s, {args.workers} uvicorn workers on {backend}; load average "
            f"{load_before[0]:.2f} before, {load_after[0]:.2f} after (nproc {os.cpu_count()}); "
            f"CPU: load client {result['client_cpu']:.1f} s, server {server_cpu:.1f} s "
            f"({result['client_cpu'] / el:.0%} and {server_cpu / el:.0%} of one core)\n"
        )
        print(
            f"{'':<10} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
            f"{'errors':>7} {'cache':>6}  statuses"
        )
        reads = result["reads"]
        every: dict[str, Any] = {"lat": [], "status": {}, "hits": 0}
        for part in reads.values():
            every["lat"] += part["lat"]
            every["hits"] += part["hits"]
            for k, v in part["status"].items():
                every["status"][k] = every["status"].get(k, 0) + v
        for cls in READ_CLASSES:
            print(_summary(cls, reads[cls], el))
        print(_summary("all reads", every, el))
        print(_summary("submits", result["writes"], el))
        print(_summary("approve", result["approvals"], el))
        n_all = sum(len(p["lat"]) for p in [*reads.values(), result["writes"], result["approvals"]])
        print(
            f"\nserver CPU during the load: {1000 * server_cpu / max(n_all, 1):.1f} ms per request "
            f"on average ({n_all / max(server_cpu, 1e-9):.0f} requests per CPU second)"
        )
        if probe:
            print(
                "\nserver CPU per request, one request at a time after the load "
                "(independent of the machine's load):"
            )
            print(
                f"{'':<10} {'requests':>8} {'CPU ms':>8} {'req/CPU-s':>9} {'wall ms':>8} "
                f"{'cache':>6}"
            )
            for cls, p in probe.items():
                print(
                    f"{cls:<10} {p['n']:>8} {p['cpu_ms']:>8.2f} "
                    f"{1000 / max(p['cpu_ms'], 1e-3):>9.0f}"
                    f" {p['wall_ms']:>8.2f} {p['hits'] / p['n']:>6.0%}"
                )
        anonymous = [reads[c] for c in ("public", "varied")]
        n_anon = sum(len(p["lat"]) for p in anonymous)
        hit_rate = sum(p["hits"] for p in anonymous) / n_anon if n_anon else float("nan")
        print(
            f"\nanswer cache: {hit_rate:.0%} of anonymous reads were hits; "
            f"{result['approvals']['approved']} batches approved (the published version changed "
            "as often)"
        )
        print(
            f"\naccepted batches {batches:,}, rows {rows:,}; missing or wrong in the database: "
            f"{len(missing)}"
        )
        for m in missing[:10]:
            print("  ", m)
        errors = sum(
            v
            for part in [*reads.values(), result["writes"]]
            for k, v in part["status"].items()
            if not k.startswith("2")
        )
        return 1 if missing or errors else 0
    finally:
        if proc is not None:
            _stop(proc)
        if server is not None:
            server.stop()
        sqlite_dir.cleanup()


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server: SIGTERM, then SIGKILL of the whole group if it does not end."""
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.wait(timeout=30)


def _spy(pid: int, directory: str, seconds: float) -> list[subprocess.Popen[bytes]]:
    """``py-spy record`` of each worker of the server for the load's duration (raw stacks)."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    workers = [
        int(e)
        for e in os.listdir("/proc")
        if e.isdigit() and Path(f"/proc/{e}/stat").exists() and _ppid(int(e)) == pid
    ]
    spy = str(Path(sys.executable).with_name("py-spy"))
    return [
        subprocess.Popen(
            [
                spy,
                "record",
                "-p",
                str(w),
                "-d",
                str(int(seconds)),
                "-r",
                "100",
                "-f",
                "raw",
                "-o",
                str(out / f"worker-{w}.txt"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for w in workers
    ]


def _ppid(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def _wait_up(base: str) -> None:
    import urllib.request

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/api/v1/groups", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def _warm(base: str) -> None:
    import urllib.request

    for _ in range(4):
        for path in READS:
            with urllib.request.urlopen(base + path, timeout=120) as r:
                r.read()


if __name__ == "__main__":
    sys.exit(main())
