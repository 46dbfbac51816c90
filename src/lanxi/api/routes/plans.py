"""Plans, indicators and targets."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from lanxi.api.deps import Db, access
from lanxi.api.listing import DOWNLOADS, Listing, Page, respond
from lanxi.api.schemas import IndicatorOut, PlanOut, TargetOut
from lanxi.services import plans as plan_svc
from lanxi.services.monitoring.common import load_reference

router = APIRouter(tags=["plans"])

Text = Annotated[str | None, Query(max_length=100)]


class TargetKind(StrEnum):
    """Kinds of plan statements."""

    target = "target"
    statistic = "statistic"
    qualitative = "qualitative"


@router.get("/plans", response_model=Page[PlanOut], responses=DOWNLOADS, dependencies=[access()])
def plans(db: Db, params: Listing) -> Page[PlanOut] | Response:
    """The plan documents."""
    return respond(plan_svc.list_plans(db), PlanOut, params, "plans")


@router.get(
    "/indicators", response_model=Page[IndicatorOut], responses=DOWNLOADS, dependencies=[access()]
)
def indicators(
    db: Db, params: Listing, frequency: Text = None, aggregation: Text = None
) -> Page[IndicatorOut] | Response:
    """Indicator definitions: unit, reporting frequency, roll-up rule, plausible range."""
    ref = load_reference(db)
    rows = [{"id": k, **v} for k, v in sorted(ref.indicators.items())]
    if frequency is not None:
        rows = [r for r in rows if r["frequency"] == frequency]
    if aggregation is not None:
        rows = [r for r in rows if r["aggregation"] == aggregation]
    return respond(rows, IndicatorOut, params, "indicators")


@router.get(
    "/targets", response_model=Page[TargetOut], responses=DOWNLOADS, dependencies=[access()]
)
def targets(
    db: Db,
    params: Listing,
    plan: Text = None,
    kind: TargetKind | None = None,
    indicator: Text = None,
    region: Text = None,
) -> Page[TargetOut] | Response:
    """Targets, quoted statistics and qualitative goals of the plans, each with its source."""
    rows = plan_svc.list_plan_targets(db, plan=plan, kind=kind.value if kind else None)
    if indicator is not None:
        rows = [r for r in rows if r["indicator_id"] == indicator]
    if region is not None:
        rows = [r for r in rows if r["region_code"] == region]
    return respond(rows, TargetOut, params, "targets")
