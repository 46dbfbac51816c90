"""The store as the CLI, the API and the reports use it: one engine per URL, sessions, set-up.

Everything here reads the database URL from the settings (``LANXI_DATABASE_URL``) unless one is
passed, so that tests and scripts can point at any SQLite file or PostgreSQL server.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.table import Table
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from lanxi.services.read_cache import READ_ONLY
from lanxi.settings import get_settings
from lanxi.storage import migrate as _migrate
from lanxi.storage.db import WRITE, get_engine, is_busy, session_factory, write_engine
from lanxi.storage.models import (
    AgencyRow,
    IndicatorRow,
    PlanRow,
    ProjectRow,
    RegionGroupRow,
    RegionRow,
    TargetRow,
    TaskRow,
)


def database_url(url: str | None = None) -> str:
    """The URL in use: ``url`` if given, else the settings' ``database_url``."""
    return url if url is not None else str(get_settings().database_url)


class _Engines:
    """One engine per database URL for the life of the process (:data:`engine`).

    The key is the URL the argument stands for *at the call*: ``engine(None)`` is the engine of
    the settings' URL as they are now. (A cache keyed on the argument kept, for ``None``, the
    engine of whatever URL was configured at the first call: after ``LANXI_DATABASE_URL`` changed
    and the settings were re-read, ``lanxi air targets`` run in the same process read the former
    store while the environment views keyed their cache on the new URL — an empty or foreign
    answer.)
    """

    def __init__(self) -> None:
        self._by_url: dict[str, Engine] = {}
        self._lock = threading.Lock()

    def __call__(self, url: str | None = None) -> Engine:
        key = database_url(url)
        with self._lock:
            eng = self._by_url.get(key)
            if eng is None:
                eng = self._by_url[key] = get_engine(key)
        return eng

    def cache_clear(self) -> None:
        """Forget every engine (as ``functools.cache`` offers; the engines are not disposed)."""
        with self._lock:
            self._by_url.clear()


#: ``engine(url=None)``: the engine of ``url``, or of the configured store (one per URL).
engine = _Engines()


def write_sessions(eng: Engine) -> sessionmaker[Session]:
    """A session factory whose transactions take the store's write lock before they read.

    See :func:`lanxi.storage.db.write_engine`; a writer that cannot have the lock in time gets an
    error for which :func:`store_busy` is true (the API answers 503 with ``Retry-After``).
    """
    return session_factory(write_engine(eng))


def begin_write(s: Session) -> None:
    """Start ``s``'s next transaction as a write transaction (lock first).

    Call it when ``s`` has no transaction open (after a commit or rollback). The session is no
    longer read-only (:data:`lanxi.services.read_cache.READ_ONLY`): it may now see its own writes.
    """
    s.info.pop(READ_ONLY, None)
    s.connection(execution_options={WRITE: True})


def store_busy(exc: BaseException) -> bool:
    """Whether ``exc`` means the write lock could not be had in time (try again later)."""
    return is_busy(exc)


@contextmanager
def session(url: str | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on error.

    Raises
    ------
    lanxi.errors.ConfigurationError
        If the database has not been created yet (with the command that creates it).
    """
    eng = engine(url)
    _require_schema(eng)
    with session_factory(eng)() as s, s.begin():
        yield s


def _require_schema(eng: Engine) -> None:
    from lanxi.errors import ConfigurationError

    if _migrate.current_revision(eng) is None:
        raise ConfigurationError(
            f"the database at {eng.url.render_as_string(hide_password=True)} has no Lanxi schema "
            "yet: run `lanxi setup` (or `lanxi db init` then `lanxi load-plans`)"
        )


def init_database(url: str | None = None) -> str:
    """Create the database if needed and migrate it to the newest schema; return the revision."""
    return _migrate.init_db(engine(url))


def upgrade_database(revision: str = "head", url: str | None = None) -> str | None:
    """Migrate the schema to ``revision``; return the revision reached."""
    return _migrate.upgrade(engine(url), revision)


def sessions(url: str | None = None) -> Any:
    """A session factory (``sessionmaker``) on the store at ``url``, for the API's requests."""
    from lanxi.storage.db import session_factory

    return session_factory(engine(url))


def current_revision(url: str | None = None) -> str | None:
    """The schema revision of the database, or None for an empty database."""
    return _migrate.current_revision(engine(url))


def backup_database(path: Path, url: str | None = None) -> Path:
    """Back up the database to ``path`` (SQLite online backup, or pg_dump for PostgreSQL)."""
    from lanxi.storage import backup as _backup

    return _backup.backup(database_url(url), path)


def load_bundled_plans(url: str | None = None) -> Any:
    """Load the bundled plan data (idempotent); return the load report."""
    eng = engine(url)
    _require_schema(eng)
    from lanxi.data.catalog import bundled_catalog  # pydantic models of every plan record
    from lanxi.storage import load as _load

    return _load.load_plans(eng, bundled_catalog())


def counts(url: str | None = None) -> dict[str, int]:
    """Row counts of the plan tables, by kind."""
    with session(url) as s:
        return {
            "regions": s.scalar(select(func.count()).select_from(RegionRow)) or 0,
            "counties": s.scalar(
                select(func.count()).select_from(RegionRow).where(RegionRow.level == "county")
            )
            or 0,
            "region_groups": s.scalar(select(func.count()).select_from(RegionGroupRow)) or 0,
            "plans": s.scalar(select(func.count()).select_from(PlanRow)) or 0,
            "indicators": s.scalar(select(func.count()).select_from(IndicatorRow)) or 0,
            "targets": s.scalar(select(func.count()).select_from(TargetRow)) or 0,
            "tasks": s.scalar(select(func.count()).select_from(TaskRow)) or 0,
            "agencies": s.scalar(select(func.count()).select_from(AgencyRow)) or 0,
            "projects": s.scalar(select(func.count()).select_from(ProjectRow)) or 0,
        }


LABELS = {
    "regions": "区域 Regions",
    "counties": "  其中县级单元 of which county-level",
    "region_groups": "空间结构分组 Region groups",
    "plans": "规划文件 Plans",
    "indicators": "指标 Indicators",
    "targets": "目标与统计 Targets & statistics",
    "tasks": "重点任务 Tasks",
    "agencies": "责任单位 Agencies",
    "projects": "重点项目 Projects",
}


def summary_table(url: str | None = None) -> Table:
    """A rich table of what the store holds."""
    t = Table(title="兰西城市群规划数据 Lanxi plan data", header_style="bold cyan")
    t.add_column("内容 What")
    t.add_column("数量 Count", justify="right")
    for k, n in counts(url).items():
        t.add_row(LABELS[k], str(n))
    return t
