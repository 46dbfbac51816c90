"""Create and migrate the database schema with Alembic, configured in code.

No ``alembic.ini`` is needed: :func:`alembic_config` points Alembic at the migration scripts inside
the installed package, so migrations work from a wheel as well as from a checkout.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import URL, Engine, inspect, text

from lanxi.storage.db import get_engine, normalize_url

if TYPE_CHECKING:  # Alembic is imported where a migration runs, not by every command that reads
    from alembic.config import Config

#: The directory of the migration scripts (``env.py``, ``versions/``) inside the package.
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | URL | None = None) -> Config:
    """An Alembic configuration built in code.

    Parameters
    ----------
    url : str or sqlalchemy.URL, optional
        Stored as ``sqlalchemy.url`` for Alembic commands run without a connection (e.g. from the
        ``alembic`` command line through a script that calls this function).

    Returns
    -------
    alembic.config.Config
        With ``script_location`` set to :data:`MIGRATIONS_DIR`.
    """
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        rendered = normalize_url(url).render_as_string(hide_password=False)
        cfg.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    """The newest revision among the bundled migrations."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def _run(url: str | URL | Engine, action: str, revision: str) -> None:
    from alembic import command

    engine = url if isinstance(url, Engine) else get_engine(url)
    try:
        with engine.begin() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            getattr(command, action)(cfg, revision)
    finally:
        if engine is not url:
            engine.dispose()


def upgrade(url: str | URL | Engine, revision: str = "head") -> str | None:
    """Migrate a database up to ``revision``, in one transaction.

    Parameters
    ----------
    url : str, sqlalchemy.URL or sqlalchemy.Engine
        The database.
    revision : str
        Target revision; ``"head"`` (newest) by default.

    Returns
    -------
    str or None
        The revision the database is at afterwards.
    """
    _run(url, "upgrade", revision)
    return current_revision(url)


def downgrade(url: str | URL | Engine, revision: str = "base") -> str | None:
    """Migrate a database down to ``revision`` (``"base"``: drop every Lanxi table).

    Parameters
    ----------
    url : str, sqlalchemy.URL or sqlalchemy.Engine
        The database.
    revision : str
        Target revision; ``"base"`` by default.

    Returns
    -------
    str or None
        The revision the database is at afterwards (``None`` at base).
    """
    _run(url, "downgrade", revision)
    return current_revision(url)


def current_revision(url: str | URL | Engine) -> str | None:
    """The schema revision of a database.

    Parameters
    ----------
    url : str, sqlalchemy.URL or sqlalchemy.Engine
        The database.

    Returns
    -------
    str or None
        The revision id, or ``None`` for a database without Lanxi's schema.
    """
    engine = url if isinstance(url, Engine) else get_engine(url)
    try:
        with engine.connect() as conn:
            # what alembic's MigrationContext.get_current_revision reads, without importing
            # Alembic (a quarter of a second) in every command that opens the store
            if not inspect(conn).has_table("alembic_version"):
                return None
            heads = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    finally:
        if engine is not url:
            engine.dispose()
    if len(heads) > 1:
        raise RuntimeError(f"the database is at several revisions: {sorted(heads)}")
    return heads[0] if heads else None


def init_db(url: str | URL | Engine) -> str:
    """Create the database if needed and bring its schema to the newest revision.

    Safe to run again: an up-to-date database is left as it is.

    Parameters
    ----------
    url : str, sqlalchemy.URL or sqlalchemy.Engine
        The database (a SQLite file and its directory are created if missing; a PostgreSQL
        database must exist).

    Returns
    -------
    str
        The head revision the database is now at.
    """
    upgrade(url, "head")
    return head_revision()
