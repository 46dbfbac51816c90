"""Engines and sessions.

SQLite is the embedded default; PostgreSQL (through psycopg 3) is the server option. Every SQLite
connection gets ``PRAGMA foreign_keys = ON``, ``journal_mode = WAL`` (file databases) and a
``busy_timeout``, and runs with real transactions (``BEGIN`` is emitted by SQLAlchemy, so DDL in a
migration is transactional and SAVEPOINTs work).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

from lanxi.storage.sqlite_read import BUSY_TIMEOUT_MS

#: Milliseconds a SQLite connection waits for a lock before giving up (per attempt).
SQLITE_BUSY_TIMEOUT_MS = BUSY_TIMEOUT_MS
#: Attempts a write transaction makes to take the lock (each waits the busy timeout) before the
#: store answers "busy": 3 × 5 s. PostgreSQL waits the same total as its ``lock_timeout``.
WRITE_LOCK_ATTEMPTS = 3
#: Execution option that marks a write transaction: it takes the write lock at ``BEGIN``.
WRITE = "lanxi_write"


def normalize_url(url: str | URL) -> URL:
    """Parse a database URL and choose Lanxi's drivers.

    ``postgresql://…`` and ``postgres://…`` become ``postgresql+psycopg://…`` (psycopg 3, the
    driver Lanxi installs); other URLs are returned parsed but unchanged.

    Parameters
    ----------
    url : str or sqlalchemy.URL
        A SQLAlchemy database URL, e.g. ``sqlite:///lanxi.sqlite`` or
        ``postgresql://user@host/lanxi``.

    Returns
    -------
    sqlalchemy.URL
        The parsed URL.
    """
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u


def sqlite_path(url: str | URL) -> Path | None:
    """The file of a SQLite URL, or ``None`` for an in-memory database or another backend."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite":
        return None
    db = u.database
    if (
        not db
        or db == ":memory:"
        or db.startswith("file::memory:")
        or u.query.get("mode") == "memory"
    ):
        return None
    return Path(db)


def _json_dumps(value: Any) -> str:
    # Keep Chinese text readable in the database (and in dumps of it).
    return json.dumps(value, ensure_ascii=False)


def _on_sqlite_connect(dbapi_connection: Any, connection_record: Any) -> None:
    # Let SQLAlchemy emit BEGIN itself (see _on_sqlite_begin): pysqlite's own transaction
    # handling would otherwise commit before DDL and break SAVEPOINTs.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
    finally:
        cursor.close()


def _on_sqlite_begin(conn: Any) -> None:
    if not conn.get_execution_options().get(WRITE):
        conn.exec_driver_sql("BEGIN")
        return
    # A write transaction takes the lock before it reads: in WAL mode a read snapshot cannot be
    # upgraded once another writer has committed, and the busy timeout never applies to that.
    for attempt in range(WRITE_LOCK_ATTEMPTS):
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except Exception as exc:
            if attempt == WRITE_LOCK_ATTEMPTS - 1 or not is_busy(exc):
                raise
            time.sleep(0.05 * (attempt + 1))


def _on_pg_begin(conn: Any) -> None:
    if conn.get_execution_options().get(WRITE):
        wait = SQLITE_BUSY_TIMEOUT_MS * WRITE_LOCK_ATTEMPTS
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {wait}")


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` says the store's write lock could not be had in time.

    SQLite: ``database is locked`` / ``busy``; PostgreSQL: ``lock_not_available`` (55P03, the
    ``lock_timeout`` of a write transaction).
    """
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if getattr(e, "sqlstate", None) == "55P03":
            return True
        text = str(e).lower()
        if "database is locked" in text or "database table is locked" in text:
            return True
        if "sqlite_busy" in text or "lock timeout" in text:
            return True
        e = getattr(e, "orig", None) or e.__cause__
    return False


def write_engine(engine: Engine) -> Engine:
    """The same engine (same pool) whose transactions take the write lock first.

    On SQLite its transactions start with ``BEGIN IMMEDIATE`` (retried
    :data:`WRITE_LOCK_ATTEMPTS` times, each waiting the busy timeout); on PostgreSQL they set a
    ``lock_timeout`` of the same total, so a writer waiting too long gets an error that
    :func:`is_busy` recognises instead of waiting for ever.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        From :func:`get_engine`.

    Returns
    -------
    sqlalchemy.Engine
    """
    return engine.execution_options(**{WRITE: True})


def get_engine(url: str | URL | None = None, *, echo: bool = False) -> Engine:
    """Create an engine for a database URL, with Lanxi's connection settings.

    Parameters
    ----------
    url : str or sqlalchemy.URL, optional
        The database; ``Settings.database_url`` (``LANXI_DATABASE_URL``) by default.
    echo : bool
        Log every SQL statement.

    Returns
    -------
    sqlalchemy.Engine
        A new engine; call ``engine.dispose()`` when done with it.

    Notes
    -----
    For a SQLite file the parent directory is created if missing. SQLite connections enforce
    foreign keys, use write-ahead logging and wait up to ``SQLITE_BUSY_TIMEOUT_MS`` for locks.
    """
    if url is None:
        from lanxi.settings import get_settings

        url = get_settings().database_url
    u = normalize_url(url)
    if u.get_backend_name() != "sqlite":
        pg = create_engine(u, echo=echo, pool_pre_ping=True, json_serializer=_json_dumps)
        if u.get_backend_name() == "postgresql":
            event.listen(pg, "begin", _on_pg_begin)
        return pg
    path = sqlite_path(u)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(u, echo=echo, json_serializer=_json_dumps)
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to ``engine`` (objects stay usable after commit).

    Parameters
    ----------
    engine : sqlalchemy.Engine
        From :func:`get_engine`.

    Returns
    -------
    sqlalchemy.orm.sessionmaker
        Call it to open a :class:`~sqlalchemy.orm.Session`.
    """
    return sessionmaker(bind=engine, expire_on_commit=False)
