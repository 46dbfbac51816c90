"""Task progress reports as records, for the API, the dashboard and the reports.

The public (and anyone without a working role) sees the latest approved version of each report;
other roles may ask for a status (``submitted`` for an approver's queue) or the current rows.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from lanxi.errors import NotFoundError
from lanxi.services.monitoring.common import Record, load_reference
from lanxi.services.monitoring.permissions import Principal, progress_scope
from lanxi.services.monitoring.queries import select_versions, visible_status
from lanxi.services.monitoring.submit import PROGRESS, as_principal


def list_task_reports(
    session: Session,
    user: str | Principal,
    *,
    task: str | None = None,
    agency: str | None = None,
    status: str | None = None,
) -> list[Record]:
    """Task progress reports as ``user`` may see them, ordered by task, agency, period.

    Parameters
    ----------
    session : Session
        Open session.
    user : str or Principal
        The reader.
    task, agency : str, optional
        A task id (``t01``) / an agency id (``gs_fgw``).
    status : {"draft", "submitted", "approved", "returned"}, optional
        ``approved`` (the default for the public): latest approved version per key; another
        status: current rows with it; none: current rows.

    Returns
    -------
    list of dict
        ``task_id, agency_id, agency_name, period, progress, percent, narrative,
        evidence_links, status, version, synthetic, batch_id``.

    Raises
    ------
    NotFoundError
        Unknown task, agency or status.
    PermissionDenied
        The public asking for unapproved reports.
    """
    ref = load_reference(session)
    principal = as_principal(session, user, ref)
    status = visible_status(principal, status)
    if task is not None and task not in ref.tasks:
        raise NotFoundError(f"no task '{task}' (list them with `lanxi tasks`)")
    if agency is not None and agency not in ref.agencies:
        raise NotFoundError(f"no agency '{agency}' (list them with `lanxi agencies`)")
    q = select_versions(PROGRESS, ["task_id", "agency_id", "period"], status)
    q = q.where(progress_scope(principal, ref))  # least privilege: others' pending reports hidden
    if task is not None:
        q = q.where(PROGRESS.c.task_id == task)
    if agency is not None:
        q = q.where(PROGRESS.c.agency_id == agency)
    q = q.order_by(PROGRESS.c.task_id, PROGRESS.c.agency_id, PROGRESS.c.period)
    return [
        {
            "task_id": m["task_id"],
            "agency_id": m["agency_id"],
            "agency_name": ref.agencies.get(m["agency_id"], {}).get("name"),
            "period": m["period"],
            "progress": m["progress"],
            "percent": m["percent"],
            "narrative": m["narrative"],
            "evidence_links": list(m["evidence_links"] or []),
            "status": m["status"],
            "version": m["version"],
            "synthetic": bool(m["synthetic"]),
            "batch_id": m["batch_id"],
        }
        for m in (r._mapping for r in session.execute(q))
    ]
