"""Back up the database: SQLite's online backup API, or ``pg_dump`` for PostgreSQL.

Both work while the database is in use. A SQLite backup is itself a SQLite database (open it, or
copy it back in place, to restore); a PostgreSQL backup is a ``pg_dump`` file (plain SQL for
``psql``, or the custom format for ``pg_restore``).
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Literal

from sqlalchemy import URL

from lanxi.errors import LanxiError
from lanxi.storage.db import normalize_url, sqlite_path


class BackupError(LanxiError):
    """A backup could not be made; the message says why and what to do."""


def find_pg_dump() -> Path | None:
    """``pg_dump`` on ``PATH``, or the newest one in ``/usr/lib/postgresql/*/bin``."""
    on_path = shutil.which("pg_dump")
    if on_path:
        return Path(on_path)
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_dump"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    return Path(found[-1]) if found else None


def _backup_sqlite(source: Path, path: Path) -> None:
    if not source.exists():
        raise BackupError(f"SQLite database {source} does not exist; nothing to back up")
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(path)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _backup_postgresql(url: URL, path: Path, pg_format: str) -> None:
    pg_dump = find_pg_dump()
    if pg_dump is None:
        raise BackupError(
            "pg_dump not found (looked on PATH and in /usr/lib/postgresql/*/bin); install the "
            "PostgreSQL client tools (Debian/Ubuntu: apt-get install postgresql-client) in the "
            "same major version as the server, or put pg_dump on PATH"
        )
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)  # not on the command line, where ps shows it
    libpq = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    cmd = [
        str(pg_dump),
        f"--format={pg_format}",
        "--no-owner",
        "--no-privileges",
        f"--file={path}",
        f"--dbname={libpq}",
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        path.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed (exit {result.returncode}): {result.stderr.strip()}")


def backup(
    url: str | URL,
    path: str | Path,
    *,
    overwrite: bool = False,
    pg_format: Literal["plain", "custom"] = "plain",
) -> Path:
    """Write a consistent copy of the database to ``path``.

    Parameters
    ----------
    url : str or sqlalchemy.URL
        The database to back up (SQLite file or PostgreSQL).
    path : str or Path
        The file to write; its directory is created if missing.
    overwrite : bool
        Replace an existing file (refused by default).
    pg_format : {"plain", "custom"}
        PostgreSQL only: plain SQL (restore with ``psql -f``) or pg_dump's custom format (restore
        with ``pg_restore``).

    Returns
    -------
    Path
        The backup file.

    Raises
    ------
    BackupError
        If the file exists, the database is in memory or missing, the backend is not supported,
        or ``pg_dump`` is missing or fails.

    Notes
    -----
    SQLite uses the online backup API (:meth:`sqlite3.Connection.backup`), which copies pages
    consistently while other connections keep writing. PostgreSQL uses ``pg_dump``, which reads
    in one snapshot; the dump omits ownership and grants so it restores into any database.
    """
    out = Path(path)
    if out.exists() and not overwrite:
        raise BackupError(f"{out} already exists; choose another file or pass overwrite=True")
    u = normalize_url(url)
    backend = u.get_backend_name()
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():
        out.unlink()
    if backend == "sqlite":
        source = sqlite_path(u)
        if source is None:
            raise BackupError("an in-memory SQLite database cannot be backed up to a file")
        _backup_sqlite(source, out)
    elif backend == "postgresql":
        _backup_postgresql(u, out, pg_format)
    else:
        raise BackupError(f"backup of {backend} databases is not supported (SQLite, PostgreSQL)")
    return out
