"""Regions, their boundaries (GeoJSON from the bundled layers) and the region groups."""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from lanxi.api.deps import Db, access
from lanxi.api.listing import DOWNLOADS, Listing, Page, respond
from lanxi.api.schemas import GroupOut, RegionOut
from lanxi.data.boundaries import load_boundaries
from lanxi.services import plans as plan_svc

router = APIRouter(tags=["regions"])


class Level(StrEnum):
    """Region levels."""

    agglomeration = "agglomeration"
    province = "province"
    prefecture = "prefecture"
    county = "county"


class LayerLevel(StrEnum):
    """Levels with a bundled boundary layer."""

    county = "county"
    prefecture = "prefecture"


@router.get(
    "/regions", response_model=Page[RegionOut], responses=DOWNLOADS, dependencies=[access()]
)
def regions(
    db: Db,
    params: Listing,
    level: Level | None = None,
    group: Annotated[str | None, Query(max_length=100, description="group id or name")] = None,
) -> Page[RegionOut] | Response:
    """Regions of the agglomeration, optionally of one level or one region group."""
    rows = plan_svc.list_regions(db, level=level.value if level else None, group=group)
    return respond(rows, RegionOut, params, "regions")


@cache
def _layer(level: str) -> dict[str, Any]:
    return load_boundaries(level)


@router.get("/regions/boundaries", dependencies=[access()])
def boundaries(db: Db, level: LayerLevel = LayerLevel.county) -> dict[str, Any]:
    """The boundary layer as a GeoJSON FeatureCollection (WGS 84).

    Each feature's properties hold the region's code, names, level, province and groups.
    """
    info = {r["code"]: r for r in plan_svc.list_regions(db, level=level.value)}
    layer = _layer(level.value)
    feats = []
    for f in layer["features"]:
        code = str(f["properties"].get("code"))
        r = info.get(code, {})
        props = {
            "code": code,
            "name": r.get("name", f["properties"].get("name")),
            "name_en": r.get("name_en"),
            "level": level.value,
            "province": r.get("province"),
            "parent_code": r.get("parent_code"),
            "groups": r.get("groups", []),
        }
        feats.append({"type": "Feature", "properties": props, "geometry": f["geometry"]})
    return {
        "type": "FeatureCollection",
        "properties": layer.get("properties", {}),
        "features": feats,
    }


@router.get("/regions/{code}", response_model=RegionOut, dependencies=[access()])
def region(db: Db, code: str) -> dict[str, Any]:
    """One region by code or name."""
    row = plan_svc.resolve_region(db, code)
    return next(r for r in plan_svc.list_regions(db) if r["code"] == row.code)


@router.get("/groups", response_model=Page[GroupOut], responses=DOWNLOADS, dependencies=[access()])
def groups(db: Db, params: Listing) -> Page[GroupOut] | Response:
    """The spatial structure: the development belt, the two metropolitan circles, node cities."""
    return respond(plan_svc.list_groups(db), GroupOut, params, "groups")
