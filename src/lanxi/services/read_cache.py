"""A small in-process cache for expensive read views, keyed by the monitoring data's version.

Every change to observations, progress reports, batches, users and roles writes the append-only
audit log, so ``max(audit_log.id)`` is a version of the monitoring data: a cached result is used
only while no audited change has happened since it was computed. Used by the API for progress and
task status (the dashboard's most-read views); each worker process keeps its own cache.
:func:`published_version` is the finer version of what the public sees, for the API's cache of
public answers (:mod:`lanxi.api.answer_cache`).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Engine, Select, func, select
from sqlalchemy.orm import Session

from lanxi.storage.env_models import AirObservationRow, WaterSampleRow
from lanxi.storage.models import (
    AuditLogRow,
    ObservationRow,
    TaskProgressReportRow,
    WorkflowStatus,
)

T = TypeVar("T")
#: ``Session.info`` key set on a session that only reads (the API's ``GET`` requests): what it
#: reads may be cached under the data version its own snapshot sees (:func:`session_version`).
READ_ONLY = "lanxi_read_only"
MAX_ENTRIES = 256
#: A data version: a tuple of ids.
Version = tuple[int, ...]
_cache: dict[tuple[Hashable, ...], object] = {}
_lock = threading.Lock()
#: The memo of the current :func:`read_scope` (None outside one); per thread and task.
_scope: ContextVar[dict[tuple[Hashable, ...], Any] | None] = ContextVar(
    "lanxi_read_scope", default=None
)


def data_version(engine: Engine) -> Version:
    """**The** data version every cache keys on: :func:`published_version`.

    Keyed on it: the API's answers (:mod:`lanxi.api.answer_cache`), the environment views
    (:mod:`lanxi.services.environment.views`) and the progress and task views (:func:`cached`).

    Every write path moves it: submissions once approved (approved ids), approvals and returns,
    plan reloads, environment loads (``lanxi env demo``: the audit entry and the id ranges),
    ``lanxi env network`` (its audit entry) — each of them leaves an audit entry.
    """
    return published_version(engine)


def monitoring_version(session: Session) -> int:
    """The largest audit-log id (0 for an empty log)."""
    return int(session.scalar(select(func.max(AuditLogRow.id))) or 0)


def cached(session: Session, name: str, args: tuple[Hashable, ...], make: Callable[[], T]) -> T:
    """``make()``, or its result for the same ``name``, ``args``, data version and day.

    The day is part of the key because views like task status are assessed as of today.
    """
    eng = session.get_bind().engine
    key = (str(eng.url), name, args, data_version(eng), dt.date.today())
    with _lock:
        if key in _cache:
            return _cache[key]  # type: ignore[return-value]
    value = make()
    with _lock:
        if len(_cache) >= MAX_ENTRIES:
            _cache.clear()
        _cache[key] = value
    return value


#: Audit actions that never change what the public sees by themselves: a submission and the new
#: versions it stores are not approved (the public reads the latest *approved* version of each
#: key); a submission stored as approved inserts approved rows, which the version counts.
PRIVATE_ACTIONS = ("submit", "new_version")
#: Audit entities of the monitoring workflow and of accounts: entries about them never change the
#: environment views (water and air are loaded by system jobs with entries of their own).
WORKFLOW_ENTITIES = (
    "submission_batches",
    "observations",
    "task_progress_reports",
    "users",
    "roles",
    "api_tokens",
    "web_sessions",
)


def environment_part(version: Version) -> Version:
    """The part of the one data version the environment views depend on.

    The id ranges of ``water_samples`` and ``air_observations`` and the last audit entry outside
    :data:`WORKFLOW_ENTITIES` (catalogue loads, network reloads, environment loads): an approval
    moves the data version but not this part, so it does not make every worker read the whole
    air table again.
    """
    return version[3:]


def published_version(engine: Engine) -> Version:
    """The version of the published data, in one query.

    ``max(audit_log.id)`` over the entries that may change a public answer (catalogue loads,
    approvals, returns, wipes, …: every action but :data:`PRIVATE_ACTIONS`), the largest id of an
    approved observation and of an approved task report, the id range of the water and air
    tables, and ``max(audit_log.id)`` outside :data:`WORKFLOW_ENTITIES` (what the environment
    views key on: :func:`environment_part`). Submissions waiting for approval leave it
    unchanged, so 20 busy submitters do not empty the cache of the public dashboard.
    """
    with engine.connect() as conn:
        row = conn.execute(published_version_query()).one()
    return tuple(int(v or 0) for v in row)


def session_version(session: Session) -> Version:
    """:func:`published_version` as the session's own snapshot sees it.

    What a read-only session reads (e.g. the catalogue) may be cached under this version: the
    version and the data come from the same snapshot, so a cached value is never labelled with
    a version newer than the data it was made from.
    """
    row = session.execute(published_version_query()).one()
    return tuple(int(v or 0) for v in row)


@cache
def published_version_query() -> Select[Any]:
    """The one statement of :func:`published_version` (one row of ids; built once)."""
    approved = WorkflowStatus.APPROVED.value
    return select(
        select(func.max(AuditLogRow.id))
        .where(AuditLogRow.action.not_in(PRIVATE_ACTIONS))
        .scalar_subquery(),
        select(func.max(ObservationRow.id))
        .where(ObservationRow.status == approved)
        .scalar_subquery(),
        select(func.max(TaskProgressReportRow.id))
        .where(TaskProgressReportRow.status == approved)
        .scalar_subquery(),
        select(func.min(WaterSampleRow.id)).scalar_subquery(),
        select(func.max(WaterSampleRow.id)).scalar_subquery(),
        select(func.min(AirObservationRow.id)).scalar_subquery(),
        select(func.max(AirObservationRow.id)).scalar_subquery(),
        select(func.max(AuditLogRow.id))
        .where(AuditLogRow.entity.not_in(WORKFLOW_ENTITIES))
        .scalar_subquery(),
    )


@contextmanager
def read_scope() -> Iterator[None]:
    """Within the block, a read made again with the same arguments is not made again.

    One report reads the same rows several times through different services (the year's air
    observations for the annual evaluation and for the AQI level days; the approved task reports
    for the status of the tasks and for each completion table). Inside the block, the reads that
    go through :func:`scoped` are made once; the memo lives only as long as the block (one
    report's build), so nothing is kept between requests and no data version is needed. Nested
    blocks share the outermost memo.
    """
    if _scope.get() is not None:
        yield
        return
    token = _scope.set({})
    try:
        yield
    finally:
        _scope.reset(token)


def scoped(
    key: tuple[Hashable, ...], make: Callable[[], T], copy: Callable[[T], T] | None = None
) -> T:
    """``make()``, made once per ``key`` inside a :func:`read_scope` (every time outside one).

    Parameters
    ----------
    key : tuple
        What identifies the read: the function's name, the database URL and the arguments.
    make : callable
        The read.
    copy : callable, optional
        Applied to the remembered value before it is returned (a frame a caller may modify).
    """
    memo = _scope.get()
    if memo is None:
        return make()
    if key not in memo:
        memo[key] = make()
    value: T = memo[key]
    return copy(value) if copy is not None else value
