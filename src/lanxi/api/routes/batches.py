"""Submission: templates, upload (every validation problem returned), the workflow steps.

``POST /batches`` takes a CSV or Excel file made from a template; a file with problems is refused
whole with every problem in the error's ``problems`` (status 422), nothing written. A good file
becomes a batch (``submitted``, or ``draft`` with ``draft=true``); ``send`` moves a draft to
submitted; ``approve`` and ``return`` (with a reason) are the approver's. Row-level rights (own
regions, own tasks, own province) are checked by the services with ``authorize``.
"""

from __future__ import annotations

import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from lanxi.api.deps import ANY_BATCH, Db, access, read_first
from lanxi.api.listing import DOWNLOADS, XLSX, Listing, Page, respond
from lanxi.api.schemas import BatchOut, BatchReviewOut, SubmitOut
from lanxi.services.monitoring import submit as submit_svc
from lanxi.services.monitoring import templates as template_svc
from lanxi.services.monitoring import workflow as workflow_svc
from lanxi.services.monitoring.permissions import Action, Principal
from lanxi.services.monitoring.upload import UploadLimits

router = APIRouter(tags=["submission"])

Text = Annotated[str | None, Query(max_length=100)]


class TemplateKind(StrEnum):
    """Kinds of submission template."""

    observations = "observations"
    task_progress = "task-progress"


class TemplateFormat(StrEnum):
    """Template file formats."""

    xlsx = "xlsx"
    csv = "csv"


@router.get(
    "/templates/{kind}",
    responses={200: {"content": {XLSX: {}, "text/csv": {}}, "description": "the template"}},
    dependencies=[access()],
)
def template(
    db: Db,
    kind: TemplateKind,
    format: TemplateFormat = TemplateFormat.xlsx,
    indicator: Annotated[list[str] | None, Query(max_length=50)] = None,
    region: Annotated[list[str] | None, Query(max_length=50)] = None,
    task: Annotated[list[str] | None, Query(max_length=50)] = None,
    agency: Annotated[list[str] | None, Query(max_length=50)] = None,
) -> Response:
    """A submission template (Excel with the valid codes on a sheet, or CSV)."""
    with tempfile.TemporaryDirectory(prefix="lanxi-template-") as tmp:
        out = Path(tmp) / f"lanxi-{kind.value}.{format.value}"
        template_svc.write_template(
            db,
            kind.value,
            out,
            indicators=indicator or (),
            regions=region or (),
            tasks=task or (),
            agencies=agency or (),
        )
        data = out.read_bytes()
    media = XLSX if format is TemplateFormat.xlsx else "text/csv; charset=utf-8"
    return Response(
        data,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{out.name}"'},
    )


@router.get("/batches", response_model=Page[BatchOut], responses=DOWNLOADS)
def batches(
    db: Db,
    params: Listing,
    user: Annotated[Principal, access(Action.READ_UNAPPROVED)],
    status: Text = None,
    kind: Text = None,
    mine: bool = False,
) -> Page[BatchOut] | Response:
    """Submission batches within the caller's scope, newest first.

    ``status=submitted`` is the approver's queue; ``mine=true`` the caller's own batches (with
    their status and return reasons). A city submitter sees the batches of their regions, a
    province administrator those of the province, the office all.
    """
    rows = workflow_svc.list_batches(db, user, status=status, kind=kind, mine=mine)
    return respond(rows, BatchOut, params, "batches")


@router.get("/batches/{batch_id}", response_model=BatchReviewOut)
def batch_review(
    db: Db,
    user: Annotated[Principal, access(Action.READ_UNAPPROVED)],
    batch_id: str,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> Any:
    """A batch as its approver reads it.

    Every row with the published value it would replace, the difference and validation notes,
    the submitter's comment, and whether the caller may approve or return it now
    (``may_decide``; false for the submitter under four-eyes approval). ``items`` are paged
    (``offset``, ``limit``; ``total`` rows in all).
    """
    return workflow_svc.batch_review(db, batch_id, user, offset=offset, limit=limit)


@router.post("/batches", response_model=SubmitOut, status_code=201)
@read_first
def submit(
    request: Request,
    db: Db,
    user: Annotated[Principal, access(Action.READ_UNAPPROVED)],
    file: Annotated[UploadFile, File(description="a CSV or Excel file made from a template")],
    draft: Annotated[bool, Form()] = False,
    comment: Annotated[
        str | None, Form(max_length=2000, description="a note to the approver")
    ] = None,
) -> Any:
    """Validate an uploaded file and store it as one batch (all rows or none).

    Refused before parsing when over a limit (413 ``too_large``: file size, rows, an ``.xlsx``'s
    uncompressed size or parts) or not a readable workbook (422 ``unreadable_file``); parsed and
    validated before the write lock is taken.
    """
    # a sync route (run in the thread pool): the store is never used from the event loop
    limits = UploadLimits.from_settings(request.app.state.settings)
    data = file.file.read(limits.max_bytes + 1)
    result = submit_svc.submit_upload(
        db, data, file.filename, user, draft=draft, limits=limits, comment=comment
    )
    return result.__dict__


class ReportIn(BaseModel):
    """One task progress report, entered in a form."""

    task_id: str = Field(max_length=8)
    agency_id: str = Field(max_length=64)
    period: str = Field(max_length=16)
    progress: str = Field(max_length=8, description="未启动 / 推进中 / 已完成 / 滞后")
    percent: float | None = Field(default=None, ge=0, le=100)
    narrative: str | None = Field(default=None, max_length=4000)
    evidence_links: list[str] = Field(default_factory=list, max_length=20)
    draft: bool = False


@router.post("/tasks/reports", response_model=SubmitOut, status_code=201)
def report(
    db: Db, user: Annotated[Principal, access(Action.READ_UNAPPROVED)], body: ReportIn
) -> Any:
    """Report the progress of one task (validated like a file, one batch of one row)."""
    frame = pd.DataFrame(
        [
            {
                "task_id": body.task_id,
                "agency_id": body.agency_id,
                "period": body.period,
                "progress": body.progress,
                "percent": "" if body.percent is None else str(body.percent),
                "narrative": body.narrative or "",
                "evidence_links": ";".join(body.evidence_links),
            }
        ],
        dtype=object,
    )
    result = submit_svc.submit_frame(
        db,
        frame,
        user,
        kind="task_progress",
        file_name=f"web-report-{body.task_id}",
        sha256=submit_svc.frame_sha256(frame, "task_progress"),
        draft=body.draft,
    )
    return result.__dict__


class ReturnIn(BaseModel):
    """Why a batch goes back to its submitter."""

    reason: str = Field(min_length=1, max_length=2000)


@router.post("/batches/{batch_id}/send", response_model=BatchOut)
def send(db: Db, user: Annotated[Principal, access(Action.READ_UNAPPROVED)], batch_id: str) -> Any:
    """Submit a draft batch for approval (its submitter only)."""
    return workflow_svc.transition(db, batch_id, "submit", user)


class ApproveIn(BaseModel):
    """An optional note of the approver, kept with the batch and in the audit log."""

    reason: str | None = Field(default=None, max_length=2000)


@router.post("/batches/{batch_id}/approve", response_model=BatchOut)
def approve(
    db: Db,
    user: Annotated[Principal, access(Action.APPROVE, target=ANY_BATCH)],
    batch_id: str,
    body: ApproveIn | None = None,
) -> Any:
    """Approve a submitted batch (province administrator of all its rows, or the office).

    Never by its submitter under four-eyes approval (``LANXI_FOUR_EYES``); an optional
    ``reason`` (the approver's note) is kept with the batch.
    """
    reason = body.reason if body is not None else None
    return workflow_svc.transition(db, batch_id, "approve", user, reason=reason)


@router.post("/batches/{batch_id}/return", response_model=BatchOut)
def return_(
    db: Db,
    user: Annotated[Principal, access(Action.RETURN, target=ANY_BATCH)],
    batch_id: str,
    body: ReturnIn,
) -> Any:
    """Return a submitted batch to its submitter with the reason."""
    return workflow_svc.transition(db, batch_id, "return", user, reason=body.reason)
