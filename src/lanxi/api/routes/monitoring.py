"""Observations and progress against targets (read), as each caller may see them."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from lanxi.api.deps import Db, access
from lanxi.api.listing import DOWNLOADS, Listing, Page, respond
from lanxi.api.schemas import AuditOut, ObservationOut, ProgressOut
from lanxi.services import read_cache
from lanxi.services.monitoring import progress as progress_svc
from lanxi.services.monitoring import queries as query_svc
from lanxi.services.monitoring.permissions import Action, Principal

router = APIRouter(tags=["monitoring"])

Text = Annotated[str | None, Query(max_length=100)]


class Method(StrEnum):
    """Progress methods."""

    opensdg = "opensdg"
    eurostat = "eurostat"
    unsd = "unsd"


@router.get("/observations", response_model=Page[ObservationOut], responses=DOWNLOADS)
def observations(
    db: Db,
    params: Listing,
    user: Annotated[Principal, access()],
    indicator: Text = None,
    region: Text = None,
    status: Text = None,
    synthetic: bool | None = None,
    history: bool = False,
) -> Page[ObservationOut] | Response:
    """Observations; the public sees the latest approved version of each key only."""
    rows = query_svc.list_observations(
        db,
        user,
        indicator=indicator,
        region=region,
        status=status,
        history=history,
        synthetic=synthetic,
    )
    return respond(rows, ObservationOut, params, "observations")


@router.get(
    "/progress", response_model=Page[ProgressOut], responses=DOWNLOADS, dependencies=[access()]
)
def progress(
    db: Db,
    params: Listing,
    plan: Text = None,
    region: Text = None,
    indicator: Text = None,
    as_of: dt.date | None = None,
    method: Method = Method.opensdg,
) -> Page[ProgressOut] | Response:
    """Progress of every quantitative target from approved data, by a published method."""
    rows = read_cache.cached(
        db,
        "progress",
        (plan, region, as_of, method.value),
        lambda: progress_svc.progress_records(
            db, plan=plan, region=region, as_of=as_of, method=method.value
        ),
    )
    if indicator is not None:
        rows = [r for r in rows if r["indicator_id"] == indicator]
    return respond(rows, ProgressOut, params, "progress")


@router.get("/audit", response_model=Page[AuditOut], responses=DOWNLOADS)
def audit(
    db: Db,
    params: Listing,
    user: Annotated[Principal, access(Action.READ_UNAPPROVED)],
    since: dt.date | None = None,
    entity: Text = None,
    actor: Text = None,
) -> Page[AuditOut] | Response:
    """The append-only audit log, oldest first (not for the public: it shows unapproved data)."""
    rows = query_svc.list_audit(db, user, since=since, entity=entity, actor=actor)
    for r in rows:
        if r.get("at") is not None and not isinstance(r["at"], str):
            r["at"] = r["at"].isoformat()
    return respond(rows, AuditOut, params, "audit")
