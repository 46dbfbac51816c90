"""Accessibility on the bundled planning-level network: isochrones and the 1-hour circle."""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Query

from lanxi.api.deps import access
from lanxi.services import analytics as analytics_svc

router = APIRouter(tags=["accessibility"])

Centre = Annotated[
    str,
    Query(min_length=1, max_length=100, description="county unit, prefecture or node, e.g. 西宁市"),
]
Minutes = Annotated[float, Query(gt=0, le=600, description="time budget in minutes")]


@cache
def _network() -> analytics_svc.LoadedNetwork:
    return analytics_svc.open_network()


@lru_cache(maxsize=128)
def _circle(center: str, minutes: float) -> dict[str, Any]:
    loaded = _network()
    result = analytics_svc.circle(loaded, center, minutes)
    return {"result": result, "geojson": analytics_svc.circle_geojson(loaded, result)}


@router.get("/access/circle", dependencies=[access()])
def circle(center: Centre = "西宁市", minutes: Minutes = 60.0) -> dict[str, Any]:
    """The N-minute circle (default 1 hour) around a centre, with its GeoJSON.

    Coverage of the 39 county units (population and area shares) and a FeatureCollection of the
    counties, the isochrone and the centre.
    """
    return _circle(center.strip(), float(minutes))


@router.get("/access/isochrone", dependencies=[access()])
def isochrone(center: Centre = "西宁市", minutes: Minutes = 60.0) -> dict[str, Any]:
    """Network nodes reached within ``minutes`` of the centre, with a GeoJSON polygon."""
    loaded = _network()
    result = analytics_svc.isochrone(loaded, center.strip(), float(minutes))
    return {"result": result, "geojson": analytics_svc.isochrone_geojson(loaded, result)}
