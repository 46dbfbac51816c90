"""The review workflow of a submitted batch: draft → submitted → approved | returned.

:func:`transition` moves a batch on (and its rows with it), checks the user's right to
(:mod:`.permissions`) and audits the change with its reason. Only approved rows count in
assessments and in what the public sees.

Four-eyes approval (``LANXI_FOUR_EYES``, on by default): the submitter of a batch never approves
or returns it. :func:`batch_review` is what an approver reads before deciding: every row of the
batch with the published value it would replace, the difference, validation notes, and the
submitter's comment. :func:`list_batches` shows each user the batches of their own scope
(least privilege) and, with ``mine=True``, the batches they submitted.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from lanxi.errors import LanxiError, NotFoundError, PermissionDenied
from lanxi.services.monitoring.common import (
    Record,
    Reference,
    audit_entry,
    load_reference,
    write_audit,
)
from lanxi.services.monitoring.permissions import (
    Action,
    BatchScope,
    Principal,
    authorize,
    batch_provinces,
    batch_scope_filter,
    may_decide,
)
from lanxi.services.monitoring.submit import BATCHES, OBS, PROGRESS, as_principal, lock_for_write
from lanxi.storage.models import BatchStatus, SubmissionBatchRow, utcnow

#: A change of the published value larger than this (relative) is flagged in the review.
LARGE_CHANGE = 0.5

#: Batch status after each workflow action, from the statuses it may be taken from.
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": (("draft",), "submitted"),
    "approve": (("submitted",), "approved"),
    "return": (("submitted",), "returned"),
}


class TransitionError(LanxiError):
    """A workflow step that the batch's status does not allow (e.g. approving a draft)."""


def _rowcount(result: Any) -> int:
    """Rows touched by an UPDATE or DELETE."""
    return int(getattr(result, "rowcount", 0) or 0)


def four_eyes_enabled() -> bool:
    """The deployment's ``LANXI_FOUR_EYES`` setting (True by default)."""
    from lanxi.settings import get_settings

    return bool(get_settings().four_eyes)


def batch_scope(
    session: Session, batch: SubmissionBatchRow, ref: Reference, *, four_eyes: bool | None = None
) -> BatchScope:
    """The provinces a batch's rows lie in and its submitter (for approval rights).

    ``four_eyes`` defaults to the deployment's setting (:func:`four_eyes_enabled`).
    """
    if batch.kind == "observations":
        regions = session.scalars(
            select(OBS.c.region_code).where(OBS.c.batch_id == batch.id).distinct()
        ).all()
        provinces = batch_provinces(ref, regions=regions)
    else:
        agencies = session.scalars(
            select(PROGRESS.c.agency_id).where(PROGRESS.c.batch_id == batch.id).distinct()
        ).all()
        provinces = batch_provinces(ref, agencies=agencies)
    fe = four_eyes_enabled() if four_eyes is None else four_eyes
    return BatchScope(batch.id, batch.submitted_by, provinces, four_eyes=fe)


def transition(
    session: Session,
    batch_id: str,
    action: Literal["submit", "approve", "return"],
    user: str | Principal,
    *,
    reason: str | None = None,
    four_eyes: bool | None = None,
) -> Record:
    """Move a batch along the workflow: submit, approve or return.

    ``submit``: draft → submitted; ``approve`` / ``return``: submitted → approved / returned
    (``reason`` required for a return). The batch's rows take the new status with it; the
    change is audited with the reason.

    Parameters
    ----------
    session : Session
        Open session; the caller commits.
    batch_id : str
        The batch id (a unique prefix of at least 8 characters is enough).
    action : {"submit", "approve", "return"}
        The step.
    user : str or Principal
        Who acts (see :mod:`.permissions` for who may).
    reason : str, optional
        Why (required for ``return``).
    four_eyes : bool, optional
        Four-eyes approval (the submitter may not approve or return); default the
        ``LANXI_FOUR_EYES`` setting.

    Returns
    -------
    dict
        The batch as :func:`batch_record` shows it.

    Raises
    ------
    NotFoundError
        No such batch.
    TransitionError
        The batch's status does not allow the step, or a return without reason.
    PermissionDenied
        The user may not take the step for this batch (e.g. approving their own batch under
        four-eyes approval).
    """
    if action not in TRANSITIONS:
        raise TransitionError(f"unknown workflow step '{action}': use submit, approve or return")
    lock_for_write(session)
    ref = load_reference(session)
    principal = as_principal(session, user, ref)
    batch = find_batch(session, batch_id)
    allowed_from, new_status = TRANSITIONS[action]
    if batch.status not in allowed_from:
        raise TransitionError(
            f"batch {batch.id} is {batch.status}: '{action}' needs a batch that is "
            f"{' or '.join(allowed_from)}"
            + (
                " (a returned batch is corrected by submitting a new file)"
                if batch.status == "returned"
                else ""
            )
        )
    if action == "return" and not (reason and reason.strip()):
        raise TransitionError("a returned batch needs a reason (--reason) that says what to fix")
    act = {"submit": Action.SUBMIT_BATCH, "approve": Action.APPROVE, "return": Action.RETURN}
    authorize(
        principal, act[action], batch_scope(session, batch, ref, four_eyes=four_eyes), ref=ref
    )
    now = utcnow()
    old_status = batch.status
    values: dict[str, Any] = {"status": new_status}
    if action in ("approve", "return"):
        values |= {"decided_by": principal.username, "decided_at": now}
    if reason:
        values["reason"] = reason.strip()
    session.execute(update(BATCHES).where(BATCHES.c.id == batch.id).values(**values))
    table = OBS if batch.kind == "observations" else PROGRESS
    n = _rowcount(
        session.execute(update(table).where(table.c.batch_id == batch.id).values(status=new_status))
    )
    write_audit(
        session,
        [
            audit_entry(
                principal.username,
                action,
                "submission_batches",
                batch.id,
                old={"status": old_status},
                new={"status": new_status, "rows": n},
                reason=reason.strip() if reason else None,
                at=now,
            )
        ],
    )
    session.expire_all()
    return batch_record(find_batch(session, batch.id))


def find_batch(session: Session, batch_id: str) -> SubmissionBatchRow:
    """A batch by id, or by a unique prefix of at least 8 characters.

    Raises
    ------
    NotFoundError
    """
    key = batch_id.strip()
    b = session.get(SubmissionBatchRow, key)
    if b is not None:
        return b
    if len(key) >= 8:
        found = session.scalars(
            select(SubmissionBatchRow).where(SubmissionBatchRow.id.startswith(key)).limit(2)
        ).all()
        if len(found) == 1:
            return found[0]
    raise NotFoundError(f"no batch '{batch_id}' (list them with `lanxi batches`)")


def batch_record(b: SubmissionBatchRow) -> Record:
    """A batch in its stable JSON shape."""
    return {
        "id": b.id,
        "kind": b.kind,
        "file_name": b.file_name,
        "status": b.status,
        "submitted_by": b.submitted_by,
        "created_at": b.created_at.isoformat() if b.created_at else None,
        "rows": b.row_count,
        "decided_by": b.decided_by,
        "decided_at": b.decided_at.isoformat() if b.decided_at else None,
        "reason": b.reason,
        "comment": b.comment,
        "sha256": b.sha256,
    }


def list_batches(
    session: Session,
    user: str | Principal | None = None,
    *,
    status: str | None = None,
    kind: str | None = None,
    mine: bool = False,
) -> list[Record]:
    """Batches, newest first, as ``user`` may see them.

    The public sees approved batches only; a city submitter the batches of their regions and
    their own; a province administrator those of the province; the office all
    (:func:`~.permissions.batch_scope_filter`).

    Parameters
    ----------
    session : Session
        Open session.
    user : str or Principal, optional
        The reader (None: no filter, for system jobs).
    status, kind : str, optional
        Filters.
    mine : bool
        Only the batches ``user`` submitted (the submitter's own page).

    Raises
    ------
    NotFoundError
        For an unknown status.
    """
    if status is not None and status not in {s.value for s in BatchStatus}:
        raise NotFoundError(
            f"no batch status '{status}': use one of {', '.join(s.value for s in BatchStatus)}"
        )
    q = select(SubmissionBatchRow).order_by(
        SubmissionBatchRow.created_at.desc(), SubmissionBatchRow.id
    )
    if user is not None:
        ref = load_reference(session)
        principal = as_principal(session, user, ref)
        try:
            authorize(principal, Action.READ_UNAPPROVED)
        except PermissionDenied:
            q = q.where(SubmissionBatchRow.status == "approved")
        else:
            q = q.where(batch_scope_filter(principal, ref))
        if mine:
            q = q.where(SubmissionBatchRow.submitted_by == principal.username)
    if status is not None:
        q = q.where(SubmissionBatchRow.status == status)
    if kind is not None:
        q = q.where(SubmissionBatchRow.kind == kind)
    return [batch_record(b) for b in session.scalars(q)]


def visible_batch(
    session: Session, batch_id: str, user: str | Principal, ref: Reference | None = None
) -> SubmissionBatchRow:
    """A batch ``user`` may see (least privilege), by id or unique prefix.

    Raises
    ------
    NotFoundError
        No such batch, or one outside the user's scope (not disclosed).
    PermissionDenied
        The public asking for a batch that is not approved.
    """
    ref = ref or load_reference(session)
    principal = as_principal(session, user, ref)
    batch = find_batch(session, batch_id)
    if batch.status != "approved":
        authorize(principal, Action.READ_UNAPPROVED)
    seen = session.scalar(
        select(func.count())
        .select_from(SubmissionBatchRow)
        .where(SubmissionBatchRow.id == batch.id, batch_scope_filter(principal, ref))
    )
    if not seen:
        raise NotFoundError(f"no batch '{batch_id}' (list them with `lanxi batches`)")
    return batch


def _num(x: Any) -> float | None:
    if x is None:
        return None
    v = float(x)
    return None if math.isnan(v) else v


def _obs_review_rows(session: Session, batch_id: str, ref: Reference) -> list[Record]:
    """Every observation of a batch with the published value it would replace."""
    rows = session.execute(
        select(OBS)
        .where(OBS.c.batch_id == batch_id)
        .order_by(OBS.c.indicator_id, OBS.c.region_code, OBS.c.period)
    ).all()
    if not rows:
        return []
    inds = sorted({r.indicator_id for r in rows})
    regs = sorted({r.region_code for r in rows})
    prev: dict[tuple[str, str, str], list[tuple[int, float, str]]] = {}
    q = select(
        OBS.c.indicator_id, OBS.c.region_code, OBS.c.period, OBS.c.version, OBS.c.value, OBS.c.unit
    ).where(OBS.c.status == "approved", OBS.c.batch_id.is_distinct_from(batch_id))
    if len(inds) <= 1000:
        q = q.where(OBS.c.indicator_id.in_(inds))
    if len(regs) <= 1000:
        q = q.where(OBS.c.region_code.in_(regs))
    for p in session.execute(q):
        prev.setdefault((p.indicator_id, p.region_code, p.period), []).append(
            (int(p.version), float(p.value), str(p.unit))
        )
    out: list[Record] = []
    for r in rows:
        earlier = [
            c for c in prev.get((r.indicator_id, r.region_code, r.period), []) if c[0] < r.version
        ]
        old = max(earlier) if earlier else None
        new_v = float(r.value)
        old_v = old[1] if old is not None else None
        diff = new_v - old_v if old_v is not None else None
        pct = diff / abs(old_v) * 100 if diff is not None and old_v else None
        notes, notes_zh = [], []
        if old is None:
            notes.append("new: nothing published yet for this indicator, region and period")
            notes_zh.append("新增：该指标、地区和时期尚无已发布数值")
        elif diff == 0:
            notes.append("same value as the published one (a new version of source or note)")
            notes_zh.append("数值与已发布值相同（来源或备注有更新）")
        elif pct is not None and abs(pct) > LARGE_CHANGE * 100:
            notes.append(
                f"changes the published value by {pct:+.1f} %: more than "
                f"{LARGE_CHANGE * 100:.0f} %, check the unit and the decimal point"
            )
            notes_zh.append(
                f"较已发布值变化 {pct:+.1f}%，超过 {LARGE_CHANGE * 100:.0f}%，请核对单位和小数点"
            )
        if r.synthetic:
            notes.append("synthetic (demonstration) row")
            notes_zh.append("合成（演示）数据")
        ind = ref.indicators.get(r.indicator_id, {})
        out.append(
            {
                "indicator_id": r.indicator_id,
                "indicator_name": ind.get("name"),
                "region_code": r.region_code,
                "region_name": ref.regions.get(r.region_code, {}).get("name"),
                "period": r.period,
                "unit": r.unit,
                "value": new_v,
                "old_value": old_v,
                "old_version": old[0] if old is not None else None,
                "difference": diff,
                "difference_percent": round(pct, 2) if pct is not None else None,
                "version": int(r.version),
                "source": r.source,
                "note": r.note,
                "notes": notes,
                "notes_zh": notes_zh,
            }
        )
    return out


def _progress_review_rows(session: Session, batch_id: str, ref: Reference) -> list[Record]:
    """Every task progress report of a batch with the published report it would replace."""
    rows = session.execute(
        select(PROGRESS)
        .where(PROGRESS.c.batch_id == batch_id)
        .order_by(PROGRESS.c.task_id, PROGRESS.c.agency_id, PROGRESS.c.period)
    ).all()
    if not rows:
        return []
    tasks = sorted({r.task_id for r in rows})
    prev: dict[tuple[str, str, str], list[tuple[int, str, float | None]]] = {}
    q = select(
        PROGRESS.c.task_id,
        PROGRESS.c.agency_id,
        PROGRESS.c.period,
        PROGRESS.c.version,
        PROGRESS.c.progress,
        PROGRESS.c.percent,
    ).where(
        PROGRESS.c.status == "approved",
        PROGRESS.c.batch_id.is_distinct_from(batch_id),
        PROGRESS.c.task_id.in_(tasks),
    )
    for p in session.execute(q):
        prev.setdefault((p.task_id, p.agency_id, p.period), []).append(
            (int(p.version), str(p.progress), _num(p.percent))
        )
    out: list[Record] = []
    for r in rows:
        pkey = (r.task_id, r.agency_id, r.period)
        earlier = [c for c in prev.get(pkey, []) if c[0] < r.version]
        old = max(earlier, key=lambda c: c[0]) if earlier else None
        pct = _num(r.percent)
        old_pct = old[2] if old is not None else None
        diff = pct - old_pct if pct is not None and old_pct is not None else None
        notes, notes_zh = [], []
        if old is None:
            notes.append("new: nothing published yet for this task, agency and period")
            notes_zh.append("新增：该任务、单位和时期尚无已发布报告")
        elif diff is not None and diff < 0:
            notes.append(f"completion goes down by {-diff:g} percentage points")
            notes_zh.append(f"完成比例下降 {-diff:g} 个百分点")
        if r.synthetic:
            notes.append("synthetic (demonstration) row")
            notes_zh.append("合成（演示）数据")
        out.append(
            {
                "task_id": r.task_id,
                "agency_id": r.agency_id,
                "agency_name": ref.agencies.get(r.agency_id, {}).get("name"),
                "period": r.period,
                "progress": r.progress,
                "percent": pct,
                "old_progress": old[1] if old is not None else None,
                "old_percent": old_pct,
                "old_version": old[0] if old is not None else None,
                "difference": diff,
                "version": int(r.version),
                "narrative": r.narrative,
                "notes": notes,
                "notes_zh": notes_zh,
            }
        )
    return out


def decidable(
    session: Session, batch_ids: list[str], user: str | Principal, *, four_eyes: bool | None = None
) -> set[str]:
    """The batches of ``batch_ids`` that ``user`` may approve or return now.

    What a page offers: Approve and Return only where the user may take them (their province,
    not their own batch under four-eyes approval, a submitted batch).
    """
    ref = load_reference(session)
    principal = as_principal(session, user, ref)
    out = set()
    for bid in batch_ids:
        batch = session.get(SubmissionBatchRow, bid)
        if batch is None or batch.status != "submitted":
            continue
        if may_decide(principal, batch_scope(session, batch, ref, four_eyes=four_eyes)):
            out.add(bid)
    return out


def batch_review(
    session: Session,
    batch_id: str,
    user: str | Principal,
    *,
    four_eyes: bool | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> Record:
    """What an approver reads before deciding on a batch.

    Parameters
    ----------
    session : Session
        Open session.
    batch_id : str
        The batch (id or unique prefix of 8+ characters).
    user : str or Principal
        The reader; the batch must be within their scope (:func:`visible_batch`).
    four_eyes : bool, optional
        Default the ``LANXI_FOUR_EYES`` setting.
    offset, limit : int, optional
        The part of ``items`` returned (all rows by default); the counts cover every row.

    Returns
    -------
    dict
        :func:`batch_record` plus ``total`` (rows of the batch), ``offset``,
        ``may_decide`` (the reader may approve or return it now), ``own`` (the reader
        submitted it), ``four_eyes``, ``changed`` and ``new`` (row counts) and ``items``:
        every row, for observations ``indicator_id, indicator_name, region_code, region_name,
        period, unit, value, old_value, old_version, difference, difference_percent, version,
        source, note, notes, notes_zh``; for task progress ``task_id, agency_id, agency_name,
        period, progress, percent, old_progress, old_percent, old_version, difference,
        version, narrative, notes, notes_zh``.
        ``old_*`` is the published (approved) version the row would replace; ``difference`` is
        new − old (percentage points for task progress).

    Raises
    ------
    NotFoundError, PermissionDenied
    """
    ref = load_reference(session)
    principal = as_principal(session, user, ref)
    batch = visible_batch(session, batch_id, principal, ref)
    scope = batch_scope(session, batch, ref, four_eyes=four_eyes)
    items = (
        _obs_review_rows(session, batch.id, ref)
        if batch.kind == "observations"
        else _progress_review_rows(session, batch.id, ref)
    )
    return batch_record(batch) | {
        "may_decide": batch.status == "submitted" and may_decide(principal, scope),
        "own": batch.submitted_by == principal.username,
        "four_eyes": scope.four_eyes,
        "new": sum(1 for i in items if i["old_version"] is None),
        "changed": sum(1 for i in items if i["old_version"] is not None),
        "total": len(items),
        "offset": offset,
        "items": items[offset : None if limit is None else offset + limit],
    }


def count_rows(session: Session) -> dict[str, int]:
    """Rows of the monitoring tables (for summaries and tests)."""
    return {
        "observations": session.scalar(select(func.count()).select_from(OBS)) or 0,
        "task_progress_reports": session.scalar(select(func.count()).select_from(PROGRESS)) or 0,
        "submission_batches": session.scalar(select(func.count()).select_from(BATCHES)) or 0,
    }
