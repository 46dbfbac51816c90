"""Reading the monitoring data: observations, progress reports, the audit log.

What a user sees depends on their role: the public sees approved data only (the latest approved
version of each key); every other role may also see drafts, submitted and returned rows. Every
record carries ``synthetic`` so demonstration data is never shown as real.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import Select, Table, and_, func, select
from sqlalchemy.orm import Session

from lanxi.errors import NotFoundError, PermissionDenied
from lanxi.services.monitoring.common import Record, load_reference, period_end
from lanxi.services.monitoring.permissions import (
    Action,
    Principal,
    audit_scope,
    authorize,
    observation_scope,
)
from lanxi.services.monitoring.submit import OBS, PROGRESS, as_principal
from lanxi.services.read_cache import scoped
from lanxi.services.regions import to_code
from lanxi.storage.models import AuditLogRow, WorkflowStatus

STATUSES = tuple(s.value for s in WorkflowStatus)


def _latest_approved(table: Table, key: list[str]) -> Select[Any]:
    """Rows that are the highest approved version of their key."""
    sub = (
        select(*(table.c[k] for k in key), func.max(table.c.version).label("v"))
        .where(table.c.status == WorkflowStatus.APPROVED.value)
        .group_by(*(table.c[k] for k in key))
        .subquery()
    )
    cond = and_(*(table.c[k] == sub.c[k] for k in key), table.c.version == sub.c.v)
    return select(table).join(sub, cond)


def approved_observations(
    session: Session,
    *,
    indicators: list[str] | None = None,
    regions: list[str] | None = None,
    as_of: dt.date | None = None,
    include_synthetic: bool = True,
) -> pd.DataFrame:
    """The latest approved version of every observation key, as a frame.

    Parameters
    ----------
    session : Session
        Open session.
    indicators, regions : list of str, optional
        Restrict to these ids / codes.
    as_of : date, optional
        Keep periods that ended on or before this date.
    include_synthetic : bool
        Keep synthetic (demonstration) rows.

    Returns
    -------
    pandas.DataFrame
        ``id, indicator_id, region_code, period, value, unit, version, synthetic, source``.
    """
    q = _latest_approved(OBS, ["indicator_id", "region_code", "period"])
    if indicators is not None:
        q = q.where(OBS.c.indicator_id.in_(indicators))
    if regions is not None:
        q = q.where(OBS.c.region_code.in_(regions))
    if not include_synthetic:
        q = q.where(OBS.c.synthetic.is_(False))
    cols = [
        "id",
        "indicator_id",
        "region_code",
        "period",
        "value",
        "unit",
        "version",
        "synthetic",
        "source",
    ]
    rows = session.execute(q.order_by(OBS.c.indicator_id, OBS.c.region_code, OBS.c.period))
    df = pd.DataFrame([{c: r._mapping[c] for c in cols} for r in rows], columns=cols)
    if as_of is not None and len(df):
        ends = df["period"].map(period_end)
        df = df.loc[ends <= as_of].reset_index(drop=True)
    return df


def approved_progress(
    session: Session, *, as_of: dt.date | None = None, include_synthetic: bool = True
) -> pd.DataFrame:
    """The latest approved version of every task progress report, as a frame.

    Returns
    -------
    pandas.DataFrame
        ``id, task_id, agency_id, period, progress, percent, version, synthetic``.
    """
    # read once per report (lanxi.services.read_cache.read_scope): the status of the tasks and
    # every completion table of a report read the same reports
    url = str(session.get_bind().engine.url)
    return scoped(
        ("approved_progress", url, as_of, include_synthetic),
        lambda: _approved_progress(session, as_of, include_synthetic),
        pd.DataFrame.copy,
    )


def _approved_progress(
    session: Session, as_of: dt.date | None, include_synthetic: bool
) -> pd.DataFrame:
    q = _latest_approved(PROGRESS, ["task_id", "agency_id", "period"])
    if not include_synthetic:
        q = q.where(PROGRESS.c.synthetic.is_(False))
    cols = ["id", "task_id", "agency_id", "period", "progress", "percent", "version", "synthetic"]
    # only the columns used, as tuples (a dict per row and the JSON columns took most of the time)
    q = q.with_only_columns(*(PROGRESS.c[c] for c in cols))
    rows = session.execute(q.order_by(PROGRESS.c.task_id, PROGRESS.c.agency_id, PROGRESS.c.period))
    df = pd.DataFrame([tuple(r) for r in rows], columns=cols)
    if as_of is not None and len(df):
        df = df.loc[df["period"].map(period_end) <= as_of].reset_index(drop=True)
    return df


def _can_read_unapproved(user: Principal) -> bool:
    try:
        authorize(user, Action.READ_UNAPPROVED)
    except PermissionDenied:
        return False
    return True


#: Requests for unapproved rows besides one status: ``pending`` (current draft, submitted and
#: returned rows) and ``all`` (current rows of every status).
PENDING_REQUESTS = ("pending", "all")


def visible_status(principal: Principal, status: str | None) -> str | None:
    """The status filter a reader gets: **approved unless pending data are asked for**.

    Every reader, signed in or not, sees the latest approved version of each key by default
    (``status`` None → ``approved``). Readers allowed to see unapproved rows ask for them with a
    status (``draft``, ``submitted``, ``returned``), ``pending`` (all three) or ``all`` (current
    rows of every status); each record carries its ``status`` so a surface can mark it.

    Raises
    ------
    NotFoundError
        ``status`` is not one of :data:`STATUSES` or :data:`PENDING_REQUESTS`.
    PermissionDenied
        A reader of published data only asking for another status.
    """
    if status is not None and status not in (*STATUSES, *PENDING_REQUESTS):
        raise NotFoundError(
            f"no status '{status}': use one of {', '.join((*STATUSES, *PENDING_REQUESTS))}"
        )
    if status in (None, "approved"):
        return "approved"
    if not _can_read_unapproved(principal):
        authorize(principal, Action.READ_UNAPPROVED)
    return status


def select_versions(table: Table, key: list[str], status: str | None) -> Select[Any]:
    """The rows a status filter selects from a versioned table.

    ``approved``: the latest approved version of each ``key`` (a later correction still under
    review does not hide it); otherwise the current versions, of ``status`` when given.
    """
    if status == "approved":
        return _latest_approved(table, key)
    q = select(table).where(table.c.is_current)
    if status in (None, "all"):
        return q
    if status == "pending":
        return q.where(table.c.status != WorkflowStatus.APPROVED.value)
    return q.where(table.c.status == status)


def list_observations(
    session: Session,
    user: str | Principal,
    *,
    indicator: str | None = None,
    region: str | None = None,
    status: str | None = None,
    history: bool = False,
    synthetic: bool | None = None,
) -> list[Record]:
    """Observations as a user may see them.

    Parameters
    ----------
    session : Session
        Open session.
    user : str or Principal
        The reader; the public sees the latest approved versions only.
    indicator : str, optional
        An indicator id.
    region : str, optional
        A region code; its sub-regions are included.
    status : {"approved", "draft", "submitted", "returned", "pending", "all"}, optional
        None or ``approved`` (default, for every reader): the latest approved version of each
        key; a status: current rows with it; ``pending``: current unapproved rows; ``all``:
        current rows of every status (unapproved ones for readers allowed to see them).
    history : bool
        Every version (old ones too), oldest first within a key.
    synthetic : bool, optional
        Only synthetic (True) or only real (False) rows.

    Returns
    -------
    list of dict
        ``indicator_id, indicator_name, region_code, region_name, period, value, unit, status,
        version, is_current, synthetic, source, note, batch_id, entered_by, created_at``.

    Raises
    ------
    NotFoundError
        Unknown indicator, region or status.
    PermissionDenied
        The public asking for unapproved rows.
    """
    ref = load_reference(session)
    principal = as_principal(session, user, ref)
    status = visible_status(principal, status)
    if indicator is not None and indicator not in ref.indicators:
        raise NotFoundError(f"no indicator '{indicator}' (list them with `lanxi indicators`)")
    region = to_code(region)  # 海南, 海南州, 632500: one region
    if region is not None and region not in ref.regions:
        raise NotFoundError(f"no region '{region}' (list them with `lanxi regions`)")
    key = ["indicator_id", "region_code", "period"]
    if history:
        q = select(OBS)
        if status == "pending":
            q = q.where(OBS.c.status != WorkflowStatus.APPROVED.value)
        elif status not in (None, "all"):
            q = q.where(OBS.c.status == status)
    else:
        q = select_versions(OBS, key, status)
    q = q.where(observation_scope(principal))  # least privilege: others' pending rows stay hidden
    if indicator is not None:
        q = q.where(OBS.c.indicator_id == indicator)
    if region is not None:
        q = q.where(OBS.c.region_code.in_(sorted(ref.descendants(region))))
    if synthetic is not None:
        q = q.where(OBS.c.synthetic.is_(synthetic))
    q = q.order_by(OBS.c.indicator_id, OBS.c.region_code, OBS.c.period, OBS.c.version)
    out = []
    for r in session.execute(q):
        m = r._mapping
        out.append(
            {
                "indicator_id": m["indicator_id"],
                "indicator_name": ref.indicators.get(m["indicator_id"], {}).get("name"),
                "region_code": m["region_code"],
                "region_name": ref.regions.get(m["region_code"], {}).get("name"),
                "period": m["period"],
                "value": m["value"],
                "unit": m["unit"],
                "status": m["status"],
                "version": m["version"],
                "is_current": bool(m["is_current"]),
                "synthetic": bool(m["synthetic"]),
                "source": m["source"],
                "note": m["note"],
                "batch_id": m["batch_id"],
                "entered_by": m["entered_by"],
                "created_at": m["created_at"].isoformat() if m["created_at"] else None,
            }
        )
    return out


def list_audit(
    session: Session,
    user: str | Principal,
    *,
    since: dt.datetime | dt.date | None = None,
    entity: str | None = None,
    actor: str | None = None,
    limit: int | None = None,
) -> list[Record]:
    """Audit log entries, oldest first (the newest ``limit`` if given).

    Least privilege: the office reads every entry; other roles the entries of their own regions,
    agencies and batches, and their own actions (:func:`~.permissions.audit_scope`).

    Raises
    ------
    PermissionDenied
        For the public role (the log shows unapproved data).
    """
    ref = load_reference(session)
    principal = as_principal(session, user, ref)
    authorize(principal, Action.READ_UNAPPROVED)
    q = select(AuditLogRow).where(audit_scope(principal, ref))
    if since is not None:
        start = since if isinstance(since, dt.datetime) else dt.datetime.combine(since, dt.time())
        if start.tzinfo is None:
            start = start.replace(tzinfo=dt.UTC)
        if session.get_bind().dialect.name == "sqlite":
            start = start.astimezone(dt.UTC).replace(tzinfo=None)
        q = q.where(AuditLogRow.at >= start)
    if entity is not None:
        q = q.where(AuditLogRow.entity == entity)
    if actor is not None:
        q = q.where(AuditLogRow.actor == actor)
    if limit is not None:
        q = q.order_by(AuditLogRow.id.desc()).limit(limit)
        rows = list(reversed(session.scalars(q).all()))
    else:
        rows = list(session.scalars(q.order_by(AuditLogRow.id)))
    return [
        {
            "id": a.id,
            "at": a.at.isoformat() if a.at else None,
            "actor": a.actor,
            "action": a.action,
            "entity": a.entity,
            "entity_id": a.entity_id,
            "old": a.old,
            "new": a.new,
            "reason": a.reason,
        }
        for a in rows
    ]
