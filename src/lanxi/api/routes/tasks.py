"""Tasks, their status (task × agency), and their progress reports."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from lanxi.api.deps import Db, access
from lanxi.api.listing import DOWNLOADS, Listing, Page, respond
from lanxi.api.schemas import (
    ProjectOut,
    TaskCompletionOut,
    TaskOut,
    TaskReportOut,
    TaskStatusOut,
)
from lanxi.services import plans as plan_svc
from lanxi.services import read_cache
from lanxi.services.monitoring import task_reports as report_svc
from lanxi.services.monitoring import tasks as task_svc
from lanxi.services.monitoring.permissions import Principal

router = APIRouter(tags=["tasks"])

Text = Annotated[str | None, Query(max_length=100)]


@router.get("/tasks", response_model=Page[TaskOut], responses=DOWNLOADS, dependencies=[access()])
def tasks(
    db: Db,
    params: Listing,
    agency: Text = None,
    province: Text = None,
    region: Text = None,
    section: Text = None,
) -> Page[TaskOut] | Response:
    """The 58 tasks of the implementation scheme with their lead and co-responsible units."""
    rows = plan_svc.list_tasks(db, agency=agency, province=province, region=region, section=section)
    return respond(rows, TaskOut, params, "tasks")


@router.get(
    "/tasks/status",
    response_model=Page[TaskStatusOut],
    responses=DOWNLOADS,
    dependencies=[access()],
)
def task_status(
    db: Db,
    params: Listing,
    agency: Text = None,
    province: Text = None,
    as_of: dt.date | None = None,
    overdue: bool | None = None,
) -> Page[TaskStatusOut] | Response:
    """Status of every task assignment from approved reports: progress, overdue, stalled."""
    rows = read_cache.cached(
        db,
        "task_status",
        (agency, province, as_of),
        lambda: task_svc.task_status(db, agency=agency, province=province, as_of=as_of),
    )
    if overdue is not None:
        rows = [r for r in rows if r["overdue"] is overdue]
    return respond(rows, TaskStatusOut, params, "task_status")


@router.get(
    "/tasks/completion",
    response_model=Page[TaskCompletionOut],
    responses=DOWNLOADS,
    dependencies=[access()],
)
def task_completion(
    db: Db,
    params: Listing,
    by: Literal["agency", "province", "city", "section"] = "province",
    as_of: dt.date | None = None,
) -> Page[TaskCompletionOut] | Response:
    """Completion of task assignments by agency, province, city or section (approved reports)."""
    rows = read_cache.cached(
        db,
        "task_completion",
        (by, as_of),
        lambda: task_svc.completion(db, by, as_of=as_of),
    )
    return respond(rows, TaskCompletionOut, params, "task_completion")


@router.get(
    "/tasks/reports",
    response_model=Page[TaskReportOut],
    responses=DOWNLOADS,
)
def task_reports(
    db: Db,
    params: Listing,
    user: Annotated[Principal, access()],
    task: Text = None,
    agency: Text = None,
    status: Text = None,
) -> Page[TaskReportOut] | Response:
    """Task progress reports (the public: the latest approved version of each)."""
    rows = report_svc.list_task_reports(db, user, task=task, agency=agency, status=status)
    return respond(rows, TaskReportOut, params, "task_reports")


@router.get(
    "/projects", response_model=Page[ProjectOut], responses=DOWNLOADS, dependencies=[access()]
)
def projects(
    db: Db, params: Listing, kind: Text = None, region: Text = None
) -> Page[ProjectOut] | Response:
    """Named key projects, optionally of one kind or touching one region."""
    return respond(
        plan_svc.list_projects(db, kind=kind, region=region), ProjectOut, params, "projects"
    )
