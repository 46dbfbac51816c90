"""Read-only queries on a SQLite store with the standard library, for commands that must start fast.

Opening the store through SQLAlchemy costs most of a second of imports (the ORM, the models) —
more than a short listing such as ``lanxi regions`` may take in all (issue 17: under 0.3 s). This
module reads a SQLite store with :mod:`sqlite3` alone. It is an optimisation, never a second
store: a caller runs the *same* SQL text that it runs through SQLAlchemy on other databases,
and falls back to SQLAlchemy whenever :class:`UnavailableError` is raised (no file, no Lanxi
schema yet, a URL this module does not parse, any SQLite error), so every message about a
missing or broken store stays the one the full path gives.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: Milliseconds a SQLite connection waits for a lock before giving up (per attempt); the store's
#: one value, which :data:`lanxi.storage.db.SQLITE_BUSY_TIMEOUT_MS` takes from here.
BUSY_TIMEOUT_MS = 5_000

#: Runs one SQL statement with named parameters (``:name``) and returns its rows as tuples.
Fetch = Callable[[str, Mapping[str, Any]], Sequence[Sequence[Any]]]


class UnavailableError(Exception):
    """The store cannot be read here; use the SQLAlchemy path instead."""


def sqlite_file(url: str) -> Path | None:
    """The file of a plain SQLite URL (``sqlite:///path``), or ``None`` for anything else.

    Deliberately narrow — a URL with a query string, percent-escapes, ``file:`` URIs or an
    in-memory database gives ``None``, and the caller uses SQLAlchemy, which reads every form
    (:func:`lanxi.storage.db.sqlite_path` is the full parser).
    """
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if url.startswith(prefix):
            db = url[len(prefix) :]
            if not db or "?" in db or "%" in db or db.startswith(("file:", ":memory:")):
                return None
            return Path(db)
    return None


@contextmanager
def reader(path: Path) -> Iterator[Fetch]:
    """A read-only connection to the SQLite store at ``path``, as a :data:`Fetch` function.

    Raises
    ------
    UnavailableError
        If the file does not exist, is not a SQLite database, has no Lanxi schema (no
        ``alembic_version`` row), or a query fails.
    """
    if not path.is_file():
        raise UnavailableError(f"no file {path}")
    try:
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
        )
    except sqlite3.Error as exc:
        raise UnavailableError(str(exc)) from exc
    try:

        def fetch(sql: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
            try:
                return conn.execute(sql, dict(params)).fetchall()
            except sqlite3.Error as exc:
                raise UnavailableError(str(exc)) from exc

        if not fetch(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'", {}
        ) or not fetch("SELECT version_num FROM alembic_version", {}):
            raise UnavailableError(f"{path} has no Lanxi schema")
        # one snapshot for every query of the caller, as a SQLAlchemy session's transaction gives
        conn.execute("BEGIN")
        yield fetch
    finally:
        conn.close()
