"""The database tables as SQLAlchemy declarative models.

Three groups of tables:

* **catalogue** (loaded from the bundled plan data by :func:`lanxi.storage.load.load_plans`):
  ``regions``, ``region_aliases``, ``region_groups`` (+ ``region_group_members``), ``plans``,
  ``indicators``, ``targets``, ``agencies``, ``tasks`` (+ ``task_assignments``, ``task_regions``,
  ``task_projects``, ``task_targets``), ``projects`` (+ ``project_regions``);
* **monitoring** (written by users): ``observations``, ``task_progress_reports``,
  ``submission_batches``;
* **access and accountability**: ``users``, ``roles``, ``audit_log``.

The schema itself is created by the Alembic migrations in :mod:`lanxi.storage.migrations`; a test
checks that these models and the migrations describe the same tables (``compare_metadata``).

Versioning rule: an observation (or progress report) is never edited in place. A correction is a
new row with ``version`` + 1; the previous row gets ``is_current = false``. A partial unique index
allows at most one current row per (indicator, region, period) — per (task, agency, period) for
progress reports — and a unique constraint forbids two rows with the same version.

Audit rule: ``audit_log`` is append-only. Database triggers refuse ``UPDATE`` and ``DELETE`` on it
(and ``TRUNCATE`` on PostgreSQL); the triggers are created by the migration and, for databases
built with ``Base.metadata.create_all`` (tests, scratch use), by the DDL attached below.
"""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    DDL,
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: Constraint and index names, so that migrations can name (and later drop) them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """The current time in UTC (timezone-aware)."""
    return dt.datetime.now(dt.UTC)


def new_batch_id() -> str:
    """A new submission batch identifier (a random UUID, as text)."""
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    """Declarative base of every Lanxi table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}  # noqa: RUF012


class WorkflowStatus(StrEnum):
    """Review status of an observation or a progress report."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


class BatchStatus(StrEnum):
    """Status of a submission batch (a file of observations or progress reports).

    ``rejected`` means validation failed and nothing was written; ``reason`` says why.
    """

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"
    REJECTED = "rejected"


class ProgressStatus(StrEnum):
    """How far a task has got, in the wording of the provinces' progress reports."""

    NOT_STARTED = "未启动"
    IN_PROGRESS = "推进中"
    COMPLETED = "已完成"
    LAGGING = "滞后"


class AssignmentRole(StrEnum):
    """An agency's role in a task: 牵头 (lead) or 按职责分工负责 (co)."""

    LEAD = "lead"
    CO = "co"


def _in(column: str, enum: type[StrEnum]) -> str:
    values = ", ".join(f"'{m.value}'" for m in enum)
    return f"{column} IN ({values})"


def _created_at(*, index: bool = False) -> Mapped[dt.datetime]:
    """A creation time: set by Python (UTC), with a server default for raw SQL inserts."""
    return mapped_column(
        DateTime(timezone=True),
        default=utcnow,
        server_default=func.current_timestamp(),
        index=index,
    )


# --------------------------------------------------------------------------------------------
# Catalogue: regions, plans, indicators, targets, agencies, tasks, projects
# --------------------------------------------------------------------------------------------


class RegionRow(Base):
    """A region: the agglomeration (``LXCSQ``), a province, a prefecture or a county."""

    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16), index=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    province: Mapped[str | None] = mapped_column(String(8))
    in_scope: Mapped[str] = mapped_column(String(8))
    area_km2: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text)
    code_source: Mapped[str] = mapped_column(Text)
    geo_source: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)


class RegionAliasRow(Base):
    """A former or short name (and former code) of a region."""

    __tablename__ = "region_aliases"
    __table_args__ = (UniqueConstraint("code", "alias_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    alias_name: Mapped[str] = mapped_column(String(100))
    alias_code: Mapped[str | None] = mapped_column(String(6))
    valid_until: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text)


class RegionGroupRow(Base):
    """A named group of regions (a belt, a metropolitan circle, …)."""

    __tablename__ = "region_groups"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    description: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)


class RegionGroupMemberRow(Base):
    """A region's membership of a group; ``position`` keeps the order of the data file."""

    __tablename__ = "region_group_members"

    group_id: Mapped[str] = mapped_column(
        ForeignKey("region_groups.id", ondelete="CASCADE"), primary_key=True
    )
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class PlanRow(Base):
    """A plan document (or another source document)."""

    __tablename__ = "plans"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))
    issuer: Mapped[str] = mapped_column(Text)
    doc_number: Mapped[str | None] = mapped_column(String(100))
    date: Mapped[dt.date | None] = mapped_column(Date)
    period_start: Mapped[int | None] = mapped_column(Integer)
    period_end: Mapped[int | None] = mapped_column(Integer)
    file: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)


class IndicatorRow(Base):
    """A measurable quantity (the metric), independent of any plan's target for it."""

    __tablename__ = "indicators"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(64), index=True)
    frequency: Mapped[str] = mapped_column(String(16))
    aggregation: Mapped[str] = mapped_column(String(32))
    numerator: Mapped[str | None] = mapped_column(String(64))
    denominator: Mapped[str | None] = mapped_column(String(64))
    higher_is_better: Mapped[bool | None] = mapped_column(Boolean)
    range_min: Mapped[float | None] = mapped_column(Float)
    range_max: Mapped[float | None] = mapped_column(Float)
    description: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)


class TargetRow(Base):
    """What a plan states about an indicator in a region (target, baseline or quoted figure)."""

    __tablename__ = "targets"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    indicator_id: Mapped[str | None] = mapped_column(ForeignKey("indicators.id"), index=True)
    name: Mapped[str] = mapped_column(Text)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    group_id: Mapped[str | None] = mapped_column(ForeignKey("region_groups.id"), index=True)
    comparison: Mapped[str | None] = mapped_column(String(8))
    target_value: Mapped[float | None] = mapped_column(Float)
    target_year: Mapped[int | None] = mapped_column(Integer)
    baseline_value: Mapped[float | None] = mapped_column(Float)
    baseline_year: Mapped[int | None] = mapped_column(Integer)
    unit: Mapped[str | None] = mapped_column(String(32))
    nature: Mapped[str | None] = mapped_column(String(16))
    statement: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)


class AgencyRow(Base):
    """A normalized responsible unit."""

    __tablename__ = "agencies"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    province: Mapped[str | None] = mapped_column(String(8))
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    source: Mapped[str] = mapped_column(Text)


class TaskRow(Base):
    """A numbered task of the 2022 implementation scheme."""

    __tablename__ = "tasks"

    id: Mapped[str] = mapped_column(String(8), primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(32))
    section_title: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    lead_units_text: Mapped[str] = mapped_column(Text)
    co_units_text: Mapped[str | None] = mapped_column(Text)
    defects: Mapped[list[Any]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(Text)


class TaskAssignmentRow(Base):
    """An agency's assignment to a task, as lead (牵头) or co-responsible unit."""

    __tablename__ = "task_assignments"
    __table_args__ = (CheckConstraint(_in("role", AssignmentRole), name="role"),)

    task_id: Mapped[str] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(8), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class TaskRegionRow(Base):
    """A region named in a task's text."""

    __tablename__ = "task_regions"

    task_id: Mapped[str] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class TaskProjectRow(Base):
    """A key project named in a task's text."""

    __tablename__ = "task_projects"

    task_id: Mapped[str] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class TaskTargetRow(Base):
    """A target that is a sub-target of a task."""

    __tablename__ = "task_targets"

    task_id: Mapped[str] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    target_id: Mapped[str] = mapped_column(ForeignKey("targets.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class ProjectRow(Base):
    """A named key project. ``plan_column`` is the 专栏 it is listed in (``column`` in the data)."""

    __tablename__ = "projects"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    plan_column: Mapped[str | None] = mapped_column(Text)
    endpoints: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[str | None] = mapped_column(String(16))
    status_text: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)


class ProjectRegionRow(Base):
    """A region a project touches."""

    __tablename__ = "project_regions"

    project_id: Mapped[str] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


# --------------------------------------------------------------------------------------------
# Monitoring: submission batches, observations, task progress reports
# --------------------------------------------------------------------------------------------


class SubmissionBatchRow(Base):
    """One submitted file (of observations or progress reports) and its fate.

    ``sha256`` is unique: one batch per file content, so submitting the same file again finds
    the existing batch. ``row_count`` is the number of rows in the file; ``decided_by`` and
    ``decided_at`` say who approved or returned the batch, and when.
    """

    __tablename__ = "submission_batches"
    __table_args__ = (CheckConstraint(_in("status", BatchStatus), name="status"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_batch_id)
    kind: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True, unique=True)
    submitted_by: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=BatchStatus.DRAFT.value)
    created_at: Mapped[dt.datetime] = _created_at()
    reason: Mapped[str | None] = mapped_column(Text)
    row_count: Mapped[int | None] = mapped_column(Integer)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: The submitter's note to the approver (migration 0006).
    comment: Mapped[str | None] = mapped_column(Text)


class ObservationRow(Base):
    """A value of an indicator in a region for a period, in one version.

    ``period`` is ``YYYY`` (annual), ``YYYYQn`` (quarterly), ``YYYY-MM`` (monthly) or
    ``YYYY-MM-DD`` (daily). Only one version per (indicator, region, period) is current.
    """

    __tablename__ = "observations"
    __table_args__ = (
        UniqueConstraint("indicator_id", "region_code", "period", "version"),
        CheckConstraint(_in("status", WorkflowStatus), name="status"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index(
            "uq_observations_current",
            "indicator_id",
            "region_code",
            "period",
            unique=True,
            sqlite_where=text("is_current = 1"),
            postgresql_where=text("is_current"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[str] = mapped_column(ForeignKey("indicators.id"))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    period: Mapped[str] = mapped_column(String(16))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(Text)
    entered_by: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=WorkflowStatus.DRAFT.value)
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    batch_id: Mapped[str | None] = mapped_column(ForeignKey("submission_batches.id"), index=True)
    created_at: Mapped[dt.datetime] = _created_at()
    note: Mapped[str | None] = mapped_column(Text)


class TaskProgressReportRow(Base):
    """An agency's report on a task's progress for a period, in one version.

    ``progress`` is one of 未启动 / 推进中 / 已完成 / 滞后 (:class:`ProgressStatus`); ``status`` is
    the review status (:class:`WorkflowStatus`). Only one version per (task, agency, period) is
    current.
    """

    __tablename__ = "task_progress_reports"
    __table_args__ = (
        UniqueConstraint("task_id", "agency_id", "period", "version"),
        CheckConstraint(_in("progress", ProgressStatus), name="progress"),
        CheckConstraint(_in("status", WorkflowStatus), name="status"),
        CheckConstraint("percent IS NULL OR (percent >= 0 AND percent <= 100)", name="percent"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index(
            "uq_task_progress_reports_current",
            "task_id",
            "agency_id",
            "period",
            unique=True,
            sqlite_where=text("is_current = 1"),
            postgresql_where=text("is_current"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id"))
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    period: Mapped[str] = mapped_column(String(16))
    progress: Mapped[str] = mapped_column(String(8))
    percent: Mapped[float | None] = mapped_column(Float)
    narrative: Mapped[str | None] = mapped_column(Text)
    evidence_links: Mapped[list[Any]] = mapped_column(JSON, default=list)
    entered_by: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=WorkflowStatus.DRAFT.value)
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    batch_id: Mapped[str | None] = mapped_column(ForeignKey("submission_batches.id"), index=True)
    created_at: Mapped[dt.datetime] = _created_at()


# --------------------------------------------------------------------------------------------
# Access and accountability: users, roles, audit log
# --------------------------------------------------------------------------------------------


class UserRow(Base):
    """A person (or service account) who signs in; ``password_hash`` is empty for SSO-only users."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = _created_at()


class RoleRow(Base):
    """One grant of a role to a user, optionally limited to a province, a region or an agency.

    At most one of ``province_code``, ``region_code`` and ``agency_id`` is set; none set means the
    grant covers the whole agglomeration.
    """

    __tablename__ = "roles"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN province_code IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN region_code IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN agency_id IS NULL THEN 0 ELSE 1 END) <= 1",
            name="one_scope",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    province_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"))
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"))
    agency_id: Mapped[str | None] = mapped_column(ForeignKey("agencies.id"))
    granted_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = _created_at()


class AuditLogRow(Base):
    """One entry of the append-only audit log.

    ``old`` and ``new`` hold the changed fields before and after (the whole record for an insert,
    ``old`` only for a delete). ``actor`` is a username or ``system:<job>``.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = _created_at(index=True)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(128))
    old: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    new: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    reason: Mapped[str | None] = mapped_column(Text)


# --------------------------------------------------------------------------------------------
# Append-only triggers for metadata.create_all (the migration creates the same triggers itself).
# --------------------------------------------------------------------------------------------

#: SQL of the triggers that make ``audit_log`` append-only, per dialect.
AUDIT_TRIGGERS_SQL: dict[str, list[str]] = {
    "sqlite": [
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN "
        "SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END",
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN "
        "SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION USING MESSAGE = "
        "'audit_log is append-only: ' || TG_OP || ' refused'; END $$",
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()",
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()",
    ],
}

for _dialect, _statements in AUDIT_TRIGGERS_SQL.items():
    for _sql in _statements:
        event.listen(AuditLogRow.__table__, "after_create", DDL(_sql).execute_if(dialect=_dialect))
event.listen(
    AuditLogRow.__table__,
    "after_drop",
    DDL("DROP FUNCTION IF EXISTS audit_log_refuse_change()").execute_if(dialect="postgresql"),
)

# The environment tables (water sections and samples, air stations and observations).
from lanxi.storage import env_models as _env_models  # noqa: E402, F401

# The web platform's tables (browser sessions, API tokens).
from lanxi.storage import web_models as _web_models  # noqa: E402, F401

#: Every table, in an order that respects foreign keys (parents first).
TABLES = [t.name for t in Base.metadata.sorted_tables]
