"""Shared fixtures: a throwaway PostgreSQL server, database URLs for both backends, a small catalogue.

PostgreSQL: ``pg_url`` starts a real server (initdb + pg_ctl) in a temporary directory for the test
session, listening on 127.0.0.1 on a free port, and stops and deletes it afterwards. When the
server binaries are missing the PostgreSQL tests are skipped — unless ``CI`` is set, where a missing
server is an error (``scripts/ensure-postgres.sh`` installs it).
"""

from __future__ import annotations

import contextlib
import glob
import gzip
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import textwrap
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from lanxi.data.catalog import PlanCatalog, load_catalog

PG_USER = "postgres"
PG_DB = "lanxi_test"


# --------------------------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------------------------


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def find_pg_bin() -> Path | None:
    """The directory holding initdb and pg_ctl: on PATH, or the newest /usr/lib/postgresql/*/bin."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).resolve().parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    for initdb in reversed(candidates):
        if (Path(initdb).parent / "pg_ctl").exists():
            return Path(initdb).parent
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _PgServer:
    """A PostgreSQL cluster in a temporary directory, run as the ``postgres`` user under root."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="lanxi-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            pw = pwd.getpwnam("postgres")  # the Debian package creates this system user
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
            self.root.chmod(0o700)

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        result = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=120)
        if result.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(
                f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}\n"
                f"{log}"
            )

    def start(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            PG_USER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions",
        )
        opts = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            opts,
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{PG_USER}@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=PG_USER, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(sql.encode())


@pytest.fixture(scope="session")
def pg_server() -> Iterator[_PgServer]:
    """A running throwaway PostgreSQL server (skipped, or an error under CI, if not installed)."""
    bindir = find_pg_bin()
    if bindir is None:
        msg = (
            "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or in "
            "/usr/lib/postgresql/*/bin; run scripts/ensure-postgres.sh"
        )
        if _ci():
            raise RuntimeError(msg + " (CI is set, so PostgreSQL tests may not be skipped)")
        pytest.skip(msg)
    server = _PgServer(bindir)
    try:
        server.start()
        server.admin(f"CREATE DATABASE {PG_DB}")
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pg_url(pg_server: _PgServer) -> str:
    """URL of the ``lanxi_test`` database on the throwaway server."""
    return pg_server.url(PG_DB)


@pytest.fixture
def pg_database_factory(pg_server: _PgServer) -> Iterator[Callable[[], str]]:
    """A function that creates a new, empty PostgreSQL database and returns its URL; every
    database it made is dropped after the test."""
    made: list[str] = []

    def make() -> str:
        name = f"lanxi_t_{uuid.uuid4().hex[:12]}"
        pg_server.admin(f"CREATE DATABASE {name}")
        made.append(name)
        return pg_server.url(name)

    try:
        yield make
    finally:
        for name in made:
            pg_server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def fresh_pg_url(pg_database_factory: Callable[[], str]) -> str:
    """URL of a new, empty PostgreSQL database, dropped after the test."""
    return pg_database_factory()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of an empty database: a SQLite file in ``tmp_path``, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'lanxi.sqlite'}"
    return str(request.getfixturevalue("fresh_pg_url"))


# --------------------------------------------------------------------------------------------
# A small, valid plan catalogue (independent of the bundled data)
# --------------------------------------------------------------------------------------------

SEED = "001_ff21d5f6d73a90f5.txt"
SCHEME = "003_cf9ffa16fafa6b65.txt"

SAMPLE_FILES = {
    "regions.csv": f"""\
code,name,name_en,level,parent_code,province,in_scope,area_km2,lon,lat,source,code_source,geo_source,notes
LXCSQ,兰州—西宁城市群,Lanzhou–Xining Urban Agglomeration,agglomeration,,,whole,97500,102.3,36.2,{SEED} § 前言,project code,,
620000,甘肃省,Gansu Province,province,LXCSQ,甘肃,partial,425512,102.9,37.7,{SEED} § 前言,GB/T 2260,,
630000,青海省,Qinghai Province,province,LXCSQ,青海,partial,696638,95.9,35.4,{SEED} § 前言,GB/T 2260,,
620100,兰州市,Lanzhou,prefecture,620000,甘肃,whole,13132,103.5,36.3,{SEED} § 前言,GB/T 2260,,
620102,城关区,Chengguan District,county,620100,甘肃,whole,220,103.8,36.1,{SEED} § 前言,GB/T 2260,,
630100,西宁市,Xining,prefecture,630000,青海,whole,7660,101.6,36.8,{SEED} § 前言,GB/T 2260,,
630102,城东区,Chengdong District,county,630100,青海,whole,115,101.8,36.6,{SEED} § 前言,GB/T 2260,,
""",
    "region_aliases.csv": f"""\
code,alias_name,alias_code,valid_until,source
620100,兰州,,,{SEED} § 第三章
""",
    "region_groups.yaml": f"""\
- id: lanxi_core
  name: 兰西核心
  name_en: Lanzhou–Xining core
  kind: core
  members: ["620100", "630100"]
  source: {SEED} § 第三章
""",
    "plans.yaml": f"""\
- id: scheme2022
  title: 兰州—西宁城市群发展实施方案
  title_en: Implementation Scheme
  kind: implementation_scheme
  issuer: 甘肃省人民政府、青海省人民政府
  date: 2022-08-01
  period_start: 2022
  period_end: 2025
  file: {SCHEME}
  source: {SCHEME} § 标题
""",
    "indicators.yaml": f"""\
- id: urbanization_rate
  name: 常住人口城镇化率
  name_en: Urbanization rate of the resident population
  unit: "%"
  category: population
  frequency: annual
  aggregation: pop_weighted_mean
  higher_is_better: true
  range_min: 0
  range_max: 100
  source: {SCHEME} § 一(三)
""",
    "targets.yaml": f"""\
- id: scheme2022.urbanization.gansu
  plan: scheme2022
  kind: target
  indicator: urbanization_rate
  name: 常住人口城镇化率
  region_code: "620000"
  comparison: ge
  target_value: 60
  target_year: 2025
  unit: "%"
  nature: expected
  statement: 城镇化率达到60%以上
  source: {SCHEME} § 一(三)
- id: scheme2022.urbanization.qinghai
  plan: scheme2022
  kind: target
  indicator: urbanization_rate
  name: 常住人口城镇化率
  region_code: "630000"
  comparison: ge
  target_value: 62
  target_year: 2025
  baseline_value: 60.1
  baseline_year: 2020
  unit: "%"
  statement: 城镇化率达到62%以上
  source: {SCHEME} § 一(三)
""",
    "agencies.yaml": f"""\
- id: gs_fgw
  name: 甘肃省发展和改革委员会
  short_name: 省发展改革委
  name_en: Gansu Development and Reform Commission
  kind: provincial_department
  province: 甘肃
  region_code: "620000"
  source: {SCHEME} § 二(一)1
- id: qh_fgw
  name: 青海省发展和改革委员会
  short_name: 省发展改革委
  name_en: Qinghai Development and Reform Commission
  kind: provincial_department
  province: 青海
  region_code: "630000"
  source: {SCHEME} § 二(一)1
""",
    "tasks.yaml": f"""\
- id: t01
  plan: scheme2022
  number: 1
  section: 二(一)1
  section_title: 优化城市群空间格局
  title: 强化兰州和西宁中心城市功能
  text: 强化兰州、西宁中心城市功能，提升综合承载能力，推进兰西快速通道建设。
  lead_units: [gs_fgw]
  co_units: [qh_fgw]
  lead_units_text: 省发展改革委牵头
  co_units_text: 有关部门按职责分工负责
  regions: ["620100", "630100"]
  projects: [lanxi_expressway]
  targets: [scheme2022.urbanization.gansu]
  source: {SCHEME} § 二(一)1
""",
    "projects.yaml": f"""\
- id: lanxi_expressway
  name: 兰西快速通道
  kind: road
  plan: scheme2022
  column: 专栏1 交通
  regions: ["620100", "630100"]
  endpoints: [兰州, 西宁]
  status: ongoing
  status_text: 推进建设
  text: 推进兰西快速通道建设
  source: {SCHEME} § 二(一)1
""",
}


def write_sample_catalog(directory: Path) -> Path:
    """Write the sample catalogue's files into ``directory`` and return it."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in SAMPLE_FILES.items():
        (directory / name).write_text(textwrap.dedent(content), encoding="utf-8")
    return directory


@pytest.fixture
def sample_catalog(tmp_path: Path) -> PlanCatalog:
    """A small valid catalogue: LXCSQ, 2 provinces with 1 prefecture and 1 county each, 1 plan,
    1 indicator, 2 targets, 2 agencies, 1 task, 1 project and 1 region group."""
    return load_catalog(write_sample_catalog(tmp_path / "plans"))


@pytest.fixture
def migrated_engine(db_url: str) -> Iterator[Engine]:
    """An engine on an empty database migrated to the newest schema (both backends)."""
    from lanxi.storage.db import get_engine
    from lanxi.storage.migrate import init_db

    engine = get_engine(db_url)
    try:
        init_db(engine)
        yield engine
    finally:
        engine.dispose()


# --------------------------------------------------------------------------------------------
# Real published data: ../shared beside the repository, else the copies vendored in tests/fixtures
# --------------------------------------------------------------------------------------------

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
#: Set to force the vendored copies even when ``../shared`` exists (how a fresh clone runs).
VENDORED_ENV = "LANXI_TEST_VENDORED"


def shared_or_vendored(sub: str, vendored: str, tmp: pytest.TempPathFactory) -> Path:
    """``../shared/<sub>`` beside the repository, else ``tests/fixtures/<vendored>/*.gz`` unpacked.

    The repository never names an absolute path: ``../shared`` is found from this file, and a
    fresh clone without it runs the same tests on the vendored (gzip) copies instead of skipping.
    """
    shared = REPO.parent / "shared" / sub
    if shared.is_dir() and not os.environ.get(VENDORED_ENV):
        return shared
    out = tmp.mktemp(vendored.replace("/", "_"))
    for gz in sorted((FIXTURES / vendored).glob("*.gz")):
        (out / gz.name.removesuffix(".gz")).write_bytes(gzip.decompress(gz.read_bytes()))
    return out


@pytest.fixture(scope="session")
def seeds_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plan documents (``../shared/seeds`` or the vendored copies)."""
    return shared_or_vendored("seeds", "seeds", tmp_path_factory)


@pytest.fixture(scope="session")
def cnemc_snapshots_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two CNEMC national snapshots (``../shared/validation/cnemc-aqi`` or vendored)."""
    return shared_or_vendored("validation/cnemc-aqi", "cnemc-aqi", tmp_path_factory)
