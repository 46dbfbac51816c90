"""The review workflow of a submitted batch: draft → submitted → approved | returned.

:func:`transition` moves a batch on (and its rows with it), checks the user's right to
(:mod:`.permissions`) and audits the change with its reason. Only approved rows count in
assessments and in what the public sees.
"""

from __future__ import annotations

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
)
from lanxi.services.monitoring.submit import BATCHES, OBS, PROGRESS, as_principal, lock_for_write
from lanxi.storage.models import BatchStatus, SubmissionBatchRow, utcnow

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


def batch_scope(session: Session, batch: SubmissionBatchRow, ref: Reference) -> BatchScope:
    """The provinces a batch's rows lie in (for approval rights)."""
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
    return BatchScope(batch.id, batch.submitted_by, provinces)


def transition(
    session: Session,
    batch_id: str,
    action: Literal["submit", "approve", "return"],
    user: str | Principal,
    *,
    reason: str | None = None,
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
        The user may not take the step for this batch.
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
    authorize(principal, act[action], batch_scope(session, batch, ref), ref=ref)
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
        "sha256": b.sha256,
    }


def list_batches(
    session: Session,
    user: str | Principal | None = None,
    *,
    status: str | None = None,
    kind: str | None = None,
) -> list[Record]:
    """Batches, newest first; the public sees approved batches only.

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
        principal = as_principal(session, user)
        try:
            authorize(principal, Action.READ_UNAPPROVED)
        except PermissionDenied:
            q = q.where(SubmissionBatchRow.status == "approved")
    if status is not None:
        q = q.where(SubmissionBatchRow.status == status)
    if kind is not None:
        q = q.where(SubmissionBatchRow.kind == kind)
    return [batch_record(b) for b in session.scalars(q)]


def count_rows(session: Session) -> dict[str, int]:
    """Rows of the monitoring tables (for summaries and tests)."""
    return {
        "observations": session.scalar(select(func.count()).select_from(OBS)) or 0,
        "task_progress_reports": session.scalar(select(func.count()).select_from(PROGRESS)) or 0,
        "submission_batches": session.scalar(select(func.count()).select_from(BATCHES)) or 0,
    }
