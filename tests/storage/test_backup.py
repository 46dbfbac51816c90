"""Backups are complete and restorable: SQLite's online backup and PostgreSQL's pg_dump."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, make_url, select

from lanxi.data.catalog import PlanCatalog
from lanxi.storage import backup as backup_module
from lanxi.storage.backup import BackupError, backup, find_pg_dump
from lanxi.storage.db import get_engine
from lanxi.storage.load import load_plans
from lanxi.storage.migrate import current_revision, head_revision, init_db
from lanxi.storage.models import Base, UserRow


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: conn.scalar(select(func.count()).select_from(t))
            for t in Base.metadata.sorted_tables
        }


@pytest.fixture
def sqlite_db(tmp_path: Path, sample_catalog: PlanCatalog) -> str:
    url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    engine = get_engine(url)
    try:
        init_db(engine)
        load_plans(engine, sample_catalog)
        with engine.begin() as conn:
            conn.execute(UserRow.__table__.insert().values(username="alice", display_name="甲"))
    finally:
        engine.dispose()
    return url


def test_sqlite_backup_is_a_restorable_copy(sqlite_db: str, tmp_path: Path) -> None:
    live = get_engine(sqlite_db)
    try:
        expected = _counts(live)
        # the backup is taken while another connection holds the database open
        with live.connect() as conn:
            out = backup(sqlite_db, tmp_path / "backups" / "lanxi-copy.sqlite")
            conn.execute(select(1))
    finally:
        live.dispose()
    assert out == tmp_path / "backups" / "lanxi-copy.sqlite"
    with sqlite3.connect(out) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        triggers = {
            r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
        }
    raw.close()
    assert triggers == {"audit_log_no_update", "audit_log_no_delete"}

    restored_url = f"sqlite:///{out}"
    restored = get_engine(restored_url)
    try:
        assert _counts(restored) == expected
        assert expected["regions"] == 7
        assert expected["audit_log"] == 17
        assert expected["users"] == 1
        assert current_revision(restored) == head_revision()
    finally:
        restored.dispose()


def test_sqlite_backup_refuses_to_overwrite_unless_asked(sqlite_db: str, tmp_path: Path) -> None:
    out = tmp_path / "b.sqlite"
    out.write_bytes(b"precious")
    with pytest.raises(BackupError, match="already exists"):
        backup(sqlite_db, out)
    assert out.read_bytes() == b"precious"
    backup(sqlite_db, out, overwrite=True)
    with sqlite3.connect(out) as raw:
        assert raw.execute("SELECT count(*) FROM regions").fetchone() == (7,)
    raw.close()


def test_backup_refuses_what_it_cannot_copy(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="in-memory"):
        backup("sqlite://", tmp_path / "a.sqlite")
    with pytest.raises(BackupError, match="does not exist"):
        backup(f"sqlite:///{tmp_path / 'missing.sqlite'}", tmp_path / "b.sqlite")
    with pytest.raises(BackupError, match="not supported"):
        backup("mysql://u@h/db", tmp_path / "c.sql")
    assert not (tmp_path / "missing.sqlite").exists()


def test_missing_pg_dump_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backup_module, "find_pg_dump", lambda: None)
    with pytest.raises(BackupError, match=r"pg_dump not found.*apt-get install postgresql-client"):
        backup("postgresql://lanxi@127.0.0.1:5432/lanxi", tmp_path / "x.sql")
    assert not (tmp_path / "x.sql").exists()


@pytest.mark.postgres
def test_failing_pg_dump_reports_its_error(tmp_path: Path, pg_url: str) -> None:
    closed_port = make_url(pg_url).set(port=1)
    with pytest.raises(BackupError, match="pg_dump failed"):
        backup(closed_port, tmp_path / "x.sql")
    assert not (tmp_path / "x.sql").exists()


@pytest.mark.postgres
def test_pg_dump_contains_every_table_and_restores(
    pg_database_factory: Callable[[], str], sample_catalog: PlanCatalog, tmp_path: Path
) -> None:
    live_url = pg_database_factory()
    engine = get_engine(live_url)
    try:
        init_db(engine)
        load_plans(engine, sample_catalog)
        expected = _counts(engine)
    finally:
        engine.dispose()

    out = backup(live_url, tmp_path / "lanxi.sql")

    dump = out.read_text(encoding="utf-8")
    assert len(dump) > 10_000
    for table in Base.metadata.tables:
        assert f"CREATE TABLE public.{table} (" in dump
    assert "CREATE TRIGGER audit_log_append_only" in dump
    assert "兰州—西宁城市群" in dump  # data, not only schema

    # restore into a new database with psql (installed next to pg_dump) and compare row counts
    psql = Path(str(find_pg_dump())).with_name("psql")
    restored_url = pg_database_factory()
    libpq = make_url(restored_url).set(drivername="postgresql").render_as_string()
    subprocess.run(
        [str(psql), "-q", "-v", "ON_ERROR_STOP=1", "-d", libpq, "-f", str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    restored = get_engine(restored_url)
    try:
        assert _counts(restored) == expected
        assert expected["regions"] == 7
        assert current_revision(restored) == head_revision()
    finally:
        restored.dispose()


@pytest.mark.postgres
def test_pg_dump_custom_format(fresh_pg_url: str, tmp_path: Path) -> None:
    init_db(fresh_pg_url)
    out = backup(fresh_pg_url, tmp_path / "lanxi.dump", pg_format="custom")
    data = out.read_bytes()
    assert data.startswith(b"PGDMP")
    assert b"audit_log" in data
