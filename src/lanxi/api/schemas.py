"""Public response shapes of the API (pydantic): what a client sees, never a database row.

Each shape lists its fields; :func:`lanxi.api.listing.respond` cuts service records down to them,
so a column added to a table does not leak until it is added here (and documented).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Out(BaseModel):
    """Base of the public shapes: unknown keys of a service record are dropped."""

    model_config = ConfigDict(extra="ignore")


class CodeName(Out):
    """A region reference."""

    code: str
    name: str | None = None


class Unit(Out):
    """A responsible agency in a task record."""

    id: str
    name: str
    province: str | None = None
    kind: str | None = None


class RegionOut(Out):
    """A region of the agglomeration (county, prefecture, province, the agglomeration)."""

    code: str
    name: str
    name_en: str
    level: str
    parent_code: str | None = None
    province: str | None = None
    in_scope: str
    area_km2: float | None = None
    lon: float | None = None
    lat: float | None = None
    aliases: list[Any] = []
    groups: list[Any] = []
    source: str
    code_source: str
    geo_source: str | None = None


class GroupOut(Out):
    """A region group of the spatial structure (一带双圈多节点)."""

    id: str
    name: str
    name_en: str
    kind: str
    members: list[CodeName]
    description: str | None = None
    source: str


class PlanOut(Out):
    """A plan document."""

    id: str
    title: str
    title_en: str
    kind: str
    issuer: str
    doc_number: str | None = None
    date: str | None = None
    period_start: int | None = None
    period_end: int | None = None
    file: str
    source: str


class IndicatorOut(Out):
    """An indicator definition (what is measured, its unit, frequency and roll-up rule)."""

    id: str
    name: str
    unit: str
    frequency: str
    aggregation: str
    numerator: str | None = None
    denominator: str | None = None
    range_min: float | None = None
    range_max: float | None = None
    higher_is_better: bool | None = None


class TargetOut(Out):
    """A target, quoted statistic or qualitative goal of a plan, with its source."""

    id: str
    indicator_id: str | None = None
    name: str
    name_en: str | None = None
    unit: str | None = None
    kind: str
    comparison: str | None = None
    target_value: float | None = None
    target_year: int | None = None
    baseline_value: float | None = None
    baseline_year: int | None = None
    nature: str | None = None
    region_code: str
    region_name: str | None = None
    group: str | None = None
    plan: str
    statement: str
    source: str


class TaskOut(Out):
    """A task of the implementation scheme with its lead and co-responsible units."""

    id: str
    plan: str
    number: int
    section: str
    section_title: str
    title: str
    text: str
    lead_units: list[Unit]
    co_units: list[Unit]
    regions: list[Any] = []
    projects: list[Any] = []
    targets: list[Any] = []
    lead_units_text: str
    co_units_text: str | None = None
    source: str


class ProjectOut(Out):
    """A named key project."""

    id: str
    name: str
    kind: str
    plan: str
    column: str | None = None
    regions: list[CodeName] = []
    endpoints: list[Any] = []
    status: str | None = None
    status_text: str | None = None
    text: str
    source: str


class ObservationOut(Out):
    """One observation (indicator × region × period), with its status and version."""

    indicator_id: str
    indicator_name: str | None = None
    region_code: str
    region_name: str | None = None
    period: str
    value: float
    unit: str
    status: str
    version: int
    is_current: bool
    synthetic: bool
    source: str
    note: str | None = None
    batch_id: str | None = None
    created_at: str | None = None


class ProgressOut(Out):
    """Progress of one target by a published method."""

    target_id: str
    plan: str
    indicator_id: str
    indicator_name: str | None = None
    region_code: str
    region_name: str | None = None
    name: str
    comparison: str | None = None
    unit: str | None = None
    baseline_value: float | None = None
    baseline_year: int | None = None
    baseline_source: str | None = None
    latest_value: float | None = None
    latest_period: str | None = None
    target_value: float | None = None
    target_year: int | None = None
    expected_value: float | None = None
    projected_value: float | None = None
    gap: float | None = None
    direction: int | None = None
    shortfall: float | None = None
    ratio: float | None = None
    status: str
    status_label: str | None = None
    #: the words every surface shows (progress_methods.yaml ``status_labels``)
    status_zh: str | None = None
    status_en: str | None = None
    nature: str | None = None
    nature_zh: str | None = None
    method: str
    synthetic: bool
    n_observations: int
    notes: list[Any] = []


class TaskStatusOut(Out):
    """Status of one task assignment (task × responsible agency)."""

    task_id: str
    number: int
    section: str
    title: str
    plan: str
    agency_id: str
    agency_name: str | None = None
    province: str | None = None
    role: str
    latest_period: str | None = None
    progress: str | None = None
    percent: float | None = None
    overdue: bool
    stalled: bool
    reasons: list[str] = []
    synthetic: bool


class TaskCompletionOut(Out):
    """Completion of the task assignments of one group (agency, province, city or section)."""

    group: str
    name: str | None = None
    assignments: int
    completed: int
    share_completed: float | None = None
    in_progress: int
    not_started: int
    lagging: int
    no_report: int
    overdue: int
    stalled: int


class TaskReportOut(Out):
    """An approved task progress report."""

    task_id: str
    agency_id: str
    agency_name: str | None = None
    period: str
    progress: str
    percent: float | None = None
    narrative: str | None = None
    evidence_links: list[Any] = []
    status: str
    version: int
    synthetic: bool


class BatchOut(Out):
    """A submission batch (one uploaded file)."""

    id: str
    kind: str
    file_name: str
    status: str
    submitted_by: str
    created_at: str | None = None
    rows: int | None = None
    decided_by: str | None = None
    decided_at: str | None = None
    reason: str | None = None
    comment: str | None = None
    sha256: str


class ReviewItemOut(Out):
    """One row of a batch under review, with the published value it would replace.

    Observations fill ``indicator_*``, ``region_*``, ``value``, ``unit``, ``old_value``,
    ``difference``, ``difference_percent``; task progress fills ``task_id``, ``agency_*``,
    ``progress``, ``percent``, ``old_progress``, ``old_percent`` and ``difference`` (percentage
    points). ``old_*`` is empty for a key with nothing published yet.
    """

    period: str
    version: int
    old_version: int | None = None
    difference: float | None = None
    notes: list[str] = []
    notes_zh: list[str] = []
    indicator_id: str | None = None
    indicator_name: str | None = None
    region_code: str | None = None
    region_name: str | None = None
    unit: str | None = None
    value: float | None = None
    old_value: float | None = None
    difference_percent: float | None = None
    source: str | None = None
    note: str | None = None
    task_id: str | None = None
    agency_id: str | None = None
    agency_name: str | None = None
    progress: str | None = None
    percent: float | None = None
    old_progress: str | None = None
    old_percent: float | None = None
    narrative: str | None = None


class BatchReviewOut(BatchOut):
    """A batch as its approver reads it: every row with the value it would replace."""

    may_decide: bool
    own: bool
    four_eyes: bool
    new: int
    changed: int
    total: int
    offset: int
    items: list[ReviewItemOut]


class SubmitOut(Out):
    """What a submission did."""

    batch_id: str
    kind: str
    status: str
    file_name: str
    sha256: str
    rows: int
    inserted: int
    versioned: int
    unchanged: int
    existing: bool


class UserOut(Out):
    """A user with their grants."""

    username: str
    display_name: str | None = None
    is_active: bool
    roles: list[str]


class MeOut(Out):
    """The caller: name, roles and scopes, how they signed in, the CSRF token of the session."""

    username: str
    roles: list[str]
    scopes: list[str]
    office: bool
    auth: str
    csrf_token: str | None = None


class TokenOut(Out):
    """A new API token (shown once)."""

    token: str
    name: str
    expires_at: str | None = None


class TokenInfoOut(Out):
    """An API token as listed (never its value)."""

    id: int
    username: str
    name: str
    created_at: str | None = None
    expires_at: str | None = None
    last_used_at: str | None = None
    revoked_at: str | None = None
    state: str


class Row(Out):
    """A row of an assessment table (its columns depend on the items measured)."""

    model_config = ConfigDict(extra="allow")


class AuditOut(Out):
    """One entry of the append-only audit log."""

    id: int
    at: str | None = None
    actor: str
    action: str
    entity: str
    entity_id: str | None = None
    old: dict[str, Any] | None = None
    new: dict[str, Any] | None = None
    reason: str | None = None
