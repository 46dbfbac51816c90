"""Water and air assessments of the stored monitoring data (GB 3838-2002, HJ 633 / GB 3095)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from lanxi.api.deps import access
from lanxi.api.listing import DOWNLOADS, Listing, Page, respond
from lanxi.api.schemas import Row
from lanxi.services import legends
from lanxi.services.environment import views as env_views

router = APIRouter(tags=["environment"])


def _url(request: Request) -> str:
    return str(request.app.state.database_url)


@router.get(
    "/water/monthly", response_model=Page[Row], responses=DOWNLOADS, dependencies=[access()]
)
def water_monthly(
    request: Request,
    params: Listing,
    month: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")] = None,
) -> Page[Row] | Response:
    """Class of every section in a month (default the latest) and whether it meets its target."""
    rows = env_views.water_monthly(_url(request), month=month)
    return respond(rows, Row, params, "water_monthly")


@router.get("/water/months", dependencies=[access()])
def water_months(request: Request) -> list[str]:
    """Months with water samples, newest first."""
    return env_views.water_months(_url(request))


@router.get(
    "/water/warnings", response_model=Page[Row], responses=DOWNLOADS, dependencies=[access()]
)
def water_warnings(
    request: Request,
    params: Listing,
    quarter: Annotated[str | None, Query(pattern=r"^\d{4}Q[1-4]$", description="YYYYQn")] = None,
    month: Annotated[
        str | None, Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM (instead of quarter)")
    ] = None,
) -> Page[Row] | Response:
    """Graded water-quality warnings (一级 / 二级) of a quarter (default the latest) or a month.

    One row per section, then one per city: ``warning_level``, ``previous_level``, ``change``
    (raised, kept, up, down, lifted) with their words, the classes the level rests on, and the
    thresholds in force (``level1_decline``, ``level2_decline``, ``below_class``; settings
    ``LANXI_WATER_WARNING_LEVEL*``) — the rule of the monthly and quarterly bulletins.
    """
    rows = env_views.water_warnings(_url(request), quarter=quarter, month=month)
    return respond(rows, Row, params, "water_warnings")


@router.get("/water/annual", response_model=Page[Row], responses=DOWNLOADS, dependencies=[access()])
def water_annual(
    request: Request,
    params: Listing,
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
) -> Page[Row] | Response:
    """Annual assessment per city and province (default the latest year)."""
    rows = env_views.water_annual(_url(request), year=year)
    return respond(rows, Row, params, "water_annual")


@router.get("/air/daily", response_model=Page[Row], responses=DOWNLOADS, dependencies=[access()])
def air_daily(
    request: Request,
    params: Listing,
    city: Annotated[str | None, Query(max_length=100)] = None,
) -> Page[Row] | Response:
    """Daily AQI per city (HJ 633; the edition in force on each day is in ``edition``)."""
    rows = env_views.air_daily_aqi(_url(request), city=city)
    return respond(rows, Row, params, "air_daily")


@router.get("/air/annual", response_model=Page[Row], responses=DOWNLOADS, dependencies=[access()])
def air_annual(
    request: Request,
    params: Listing,
    level: Annotated[str | None, Query(pattern=r"^(city|station)$")] = None,
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
) -> Page[Row] | Response:
    """Annual evaluation (HJ 663-2013) per city and station, good-days ratio, edition used.

    ``year`` defaults to the newest year in the store; hourly and daily observations are used
    as in the annual air report (a station-day from its hours when it has any).
    """
    rows = env_views.air_annual_cities(_url(request), year=year)
    if level is not None:
        rows = [r for r in rows if r["level"] == level]
    return respond(rows, Row, params, "air_annual")


@router.get("/air/targets", response_model=Page[Row], responses=DOWNLOADS, dependencies=[access()])
def air_targets(
    request: Request,
    params: Listing,
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    level: Annotated[str | None, Query(pattern=r"^(target|city)$")] = None,
) -> Page[Row] | Response:
    """The plans' good-days targets assessed on the stored observations of a year.

    One ``level=target`` row per target (its cities' mean ratio, the comparison and the verdict)
    and one ``level=city`` row per city it covers; ``year`` defaults to the newest in the store.
    The same rows as ``lanxi air targets`` and the annual air report.
    """
    rows = env_views.air_targets(_url(request), year=year)
    if level is not None:
        rows = [r for r in rows if r["level"] == level]
    return respond(rows, Row, params, "air_targets")


@router.get("/legends", dependencies=[access()])
def legends_route() -> dict[str, object]:
    """AQI levels with their colours (HJ 633 表2 / 附录A, both editions) and water-class colours.

    The dashboard colours its maps and calendars with these; the reports' charts read the same
    data.
    """
    return legends.legends()
