"""Migrations build the schema the models describe, on SQLite and PostgreSQL, and the database
enforces the audit rule, the versioning rule and the role-scope rule by itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    delete,
    func,
    insert,
    inspect,
    make_url,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError

from lanxi.data.catalog import PlanCatalog
from lanxi.storage.db import get_engine, normalize_url
from lanxi.storage.load import load_plans
from lanxi.storage.migrate import (
    MIGRATIONS_DIR,
    alembic_config,
    current_revision,
    downgrade,
    head_revision,
    init_db,
    upgrade,
)
from lanxi.storage.models import (
    AuditLogRow,
    Base,
    ObservationRow,
    RegionRow,
    RoleRow,
    TaskProgressReportRow,
    UserRow,
)

EXPECTED_TABLES = {
    "regions",
    "region_aliases",
    "region_groups",
    "region_group_members",
    "plans",
    "indicators",
    "targets",
    "agencies",
    "tasks",
    "task_assignments",
    "task_regions",
    "task_projects",
    "task_targets",
    "projects",
    "project_regions",
    "submission_batches",
    "observations",
    "task_progress_reports",
    "users",
    "roles",
    "audit_log",
    # environment (0003)
    "water_sections",
    "water_samples",
    "air_stations",
    "air_observations",
    # web platform (0005)
    "web_sessions",
    "api_tokens",
}

AUDIT = AuditLogRow.__table__
OBS = ObservationRow.__table__
PROGRESS = TaskProgressReportRow.__table__


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def _diff(engine: Engine, metadata: MetaData) -> list[Any]:
    with engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn), metadata))


# ---- upgrade / downgrade --------------------------------------------------------------------


def test_upgrade_to_head_creates_every_table(db_url: str) -> None:
    assert current_revision(db_url) is None
    assert init_db(db_url) == head_revision()
    assert current_revision(db_url) == head_revision()
    engine = get_engine(db_url)
    try:
        assert _tables(engine) == EXPECTED_TABLES | {"alembic_version"}
        assert {t.name for t in Base.metadata.sorted_tables} == EXPECTED_TABLES
    finally:
        engine.dispose()


def test_init_db_again_leaves_an_up_to_date_database_alone(db_url: str) -> None:
    init_db(db_url)
    engine = get_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(insert(UserRow.__table__).values(username="alice", display_name="A"))
        assert init_db(db_url) == head_revision()
        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(UserRow.__table__)) == 1
    finally:
        engine.dispose()


def test_downgrade_to_base_drops_every_table_and_upgrade_rebuilds(db_url: str) -> None:
    assert upgrade(db_url) == head_revision()
    assert downgrade(db_url, "base") is None
    engine = get_engine(db_url)
    try:
        assert _tables(engine) == {"alembic_version"}
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                n = conn.scalar(
                    text("SELECT count(*) FROM pg_proc WHERE proname = 'audit_log_refuse_change'")
                )
            assert n == 0
        assert upgrade(db_url) == head_revision()
        assert _tables(engine) == EXPECTED_TABLES | {"alembic_version"}
    finally:
        engine.dispose()


# ---- models == migration --------------------------------------------------------------------


def test_models_match_the_migration(migrated_engine: Engine) -> None:
    assert _diff(migrated_engine, Base.metadata) == []


def test_the_comparison_detects_drift(migrated_engine: Engine) -> None:
    drifted = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(drifted)
    drifted.tables["regions"].append_column(Column("population", Integer))
    obs = drifted.tables["observations"]
    obs.indexes.remove(next(ix for ix in obs.indexes if ix.name == "ix_observations_batch_id"))
    diffs = _diff(migrated_engine, drifted)
    assert [d[0] for d in diffs] == ["remove_index", "add_column"]
    assert diffs[0][1].name == "ix_observations_batch_id"
    assert diffs[1][2:] == ("regions", drifted.tables["regions"].c.population)


def test_alembic_runs_without_an_ini_file() -> None:
    cfg = alembic_config("postgresql://lanxi:p%25w@db.example/lanxi")  # password p%w
    assert cfg.config_file_name is None
    assert Path(cfg.get_main_option("script_location") or "") == MIGRATIONS_DIR
    stored = make_url(cfg.get_main_option("sqlalchemy.url") or "")
    assert (stored.drivername, stored.password, stored.database) == (
        "postgresql+psycopg",
        "p%w",
        "lanxi",
    )
    assert (MIGRATIONS_DIR / "env.py").is_file()
    assert (MIGRATIONS_DIR / "versions" / "0001_initial.py").is_file()


# ---- connection settings --------------------------------------------------------------------


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(tmp_path: Path) -> None:
    engine = get_engine(f"sqlite:///{tmp_path / 'new' / 'dir' / 'x.sqlite'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            # 5 s per attempt, three attempts (issue 14: lock first, bounded retries, then 503)
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5_000
    finally:
        engine.dispose()
    assert (tmp_path / "new" / "dir" / "x.sqlite").exists()


def test_foreign_keys_are_enforced(migrated_engine: Engine) -> None:
    with pytest.raises(IntegrityError), migrated_engine.begin() as conn:
        conn.execute(
            insert(RegionRow.__table__).values(
                code="620100",
                name="兰州市",
                name_en="Lanzhou",
                level="prefecture",
                parent_code="620000",
                in_scope="whole",
                source="s",
                code_source="c",
            )
        )


def test_plain_postgresql_urls_use_psycopg() -> None:
    assert normalize_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert normalize_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert normalize_url("sqlite:///a.sqlite").drivername == "sqlite"


def test_get_engine_defaults_to_the_settings_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lanxi.settings import get_settings

    url = f"sqlite:///{tmp_path / 'from-env.sqlite'}"
    monkeypatch.setenv("LANXI_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        engine = get_engine()
        assert engine.url.render_as_string() == url
        engine.dispose()
    finally:
        get_settings.cache_clear()


# ---- the audit rule -------------------------------------------------------------------------


def _audit_row(actor: str = "alice") -> dict[str, Any]:
    return {
        "actor": actor,
        "action": "update",
        "entity": "observations",
        "entity_id": "1",
        "old": {"value": 1.5},
        "new": {"value": 2.5},
        "reason": "typo",
    }


def _assert_append_only(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(AUDIT).values(**_audit_row()))
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(update(AUDIT).values(actor="mallory"))
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(delete(AUDIT))
    if engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text("TRUNCATE audit_log"))
    with engine.begin() as conn:  # appending still works
        conn.execute(insert(AUDIT).values(**_audit_row("bob")))
    with engine.connect() as conn:
        rows = conn.execute(select(AUDIT.c.actor, AUDIT.c.old, AUDIT.c.at).order_by(AUDIT.c.id))
        got = rows.all()
    assert [(r.actor, r.old) for r in got] == [("alice", {"value": 1.5}), ("bob", {"value": 1.5})]
    assert all(r.at is not None for r in got)


def test_audit_log_refuses_update_and_delete(migrated_engine: Engine) -> None:
    _assert_append_only(migrated_engine)


def test_audit_log_is_append_only_in_a_schema_built_from_the_models(db_url: str) -> None:
    engine = get_engine(db_url)
    try:
        Base.metadata.create_all(engine)
        _assert_append_only(engine)
        Base.metadata.drop_all(engine)
        assert _tables(engine) == set()
    finally:
        engine.dispose()


# ---- the versioning rule --------------------------------------------------------------------


def _obs(version: int, *, current: bool, region: str = "620000", value: float = 55.0) -> dict:
    return {
        "indicator_id": "urbanization_rate",
        "region_code": region,
        "period": "2023",
        "value": value,
        "unit": "%",
        "source": "甘肃省2023年国民经济和社会发展统计公报",
        "entered_by": "alice",
        "status": "submitted",
        "version": version,
        "is_current": current,
        "synthetic": False,
    }


def test_only_one_current_observation_version(
    migrated_engine: Engine, sample_catalog: PlanCatalog
) -> None:
    engine = migrated_engine
    load_plans(engine, sample_catalog)
    with engine.begin() as conn:
        conn.execute(insert(OBS).values(**_obs(1, current=True)))
    # a second current version of the same (indicator, region, period) is refused
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(OBS).values(**_obs(2, current=True, value=56.0)))
    # the same version number twice is refused, current or not
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(OBS).values(**_obs(1, current=False)))
    # the correction: retire version 1, add version 2 as current, in one transaction
    with engine.begin() as conn:
        conn.execute(update(OBS).where(OBS.c.version == 1).values(is_current=False))
        conn.execute(insert(OBS).values(**_obs(2, current=True, value=56.0)))
        # another region's current value for the same period is independent
        conn.execute(insert(OBS).values(**_obs(1, current=True, region="630000", value=61.0)))
    with engine.connect() as conn:
        current = conn.execute(
            select(OBS.c.region_code, OBS.c.version, OBS.c.value)
            .where(OBS.c.is_current)
            .order_by(OBS.c.region_code)
        ).all()
        total = conn.scalar(select(func.count()).select_from(OBS))
    assert [tuple(r) for r in current] == [("620000", 2, 56.0), ("630000", 1, 61.0)]
    assert total == 3


def test_observation_status_and_version_are_checked(
    migrated_engine: Engine, sample_catalog: PlanCatalog
) -> None:
    load_plans(migrated_engine, sample_catalog)
    for bad in ({"status": "published"}, {"version": 0}):
        with pytest.raises(IntegrityError), migrated_engine.begin() as conn:
            conn.execute(insert(OBS).values(**(_obs(1, current=True) | bad)))


def _report(version: int, *, current: bool, **kw: Any) -> dict:
    return {
        "task_id": "t01",
        "agency_id": "gs_fgw",
        "period": "2023H2",
        "progress": "推进中",
        "percent": 40.0,
        "narrative": "快速通道前期工作完成",
        "evidence_links": ["https://example.invalid/doc/1"],
        "entered_by": "alice",
        "status": "draft",
        "version": version,
        "is_current": current,
        "synthetic": True,
    } | kw


def test_only_one_current_progress_report_and_values_are_checked(
    migrated_engine: Engine, sample_catalog: PlanCatalog
) -> None:
    engine = migrated_engine
    load_plans(engine, sample_catalog)
    with engine.begin() as conn:
        conn.execute(insert(PROGRESS).values(**_report(1, current=True)))
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(PROGRESS).values(**_report(2, current=True)))
    for bad in ({"progress": "进行中"}, {"percent": 120.0}, {"status": "done"}):
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(insert(PROGRESS).values(**_report(3, current=False, **bad)))
    with engine.connect() as conn:
        row = conn.execute(select(PROGRESS)).one()
    assert (row.progress, row.evidence_links, row.synthetic) == (
        "推进中",
        ["https://example.invalid/doc/1"],
        True,
    )


# ---- role grants ----------------------------------------------------------------------------


def test_a_role_grant_has_at_most_one_scope(
    migrated_engine: Engine, sample_catalog: PlanCatalog
) -> None:
    engine = migrated_engine
    load_plans(engine, sample_catalog)
    roles = RoleRow.__table__
    with engine.begin() as conn:
        uid = conn.execute(
            insert(UserRow.__table__).values(username="bob", display_name="Bob")
        ).inserted_primary_key[0]
        conn.execute(insert(roles).values(user_id=uid, role="reviewer", province_code="620000"))
        conn.execute(insert(roles).values(user_id=uid, role="reporter", agency_id="gs_fgw"))
        conn.execute(insert(roles).values(user_id=uid, role="admin"))
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            insert(roles).values(
                user_id=uid, role="reporter", province_code="620000", agency_id="gs_fgw"
            )
        )
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(UserRow.__table__).values(username="bob", display_name="Bob 2"))
    with engine.connect() as conn:
        got = conn.execute(select(roles.c.role).order_by(roles.c.id)).scalars().all()
        active = conn.scalar(select(UserRow.__table__.c.is_active))
    assert got == ["reviewer", "reporter", "admin"]
    assert active is True
