"""Isochrones: what can be reached within N minutes, as node sets and as polygons.

:func:`reachable_nodes` is exact on the network: the nodes whose shortest time from the nearest
centre is ``<= minutes``. :func:`isochrone_polygon` draws an area around them, by one of two
documented methods:

``"edges"`` (default)
    The union of the reachable parts of the network, buffered by ``buffer_km``: every edge whose
    both ends are reached, plus, for an edge with one end reached at time ``t``, the straight-line
    fraction ``(minutes - t) / edge_minutes`` of it from that end. This follows the network and
    never covers unreached corridors, at the cost of an arbitrary buffer width (the distance one
    could walk or drive off the network).
``"concave"``
    :func:`shapely.concave_hull` of the reached nodes (``ratio`` 0 → very concave, 1 → convex
    hull), then buffered. Smooth, but may bridge gaps between reached corridors.

Buffering is done in a local equirectangular projection (kilometres, centred on the reached
nodes' mean latitude) and transformed back to longitude/latitude; the distortion is below 1 % over
a few hundred kilometres at these latitudes, enough for planning maps, not for surveying.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from lanxi.compute.access.graph import Network
from lanxi.compute.access.paths import Direction, nearest_centre

__all__ = ["isochrone_polygon", "reachable_nodes"]

#: Kilometres per degree of latitude (mean meridional degree, WGS 84).
KM_PER_DEG_LAT = 110.574
#: Kilometres per degree of longitude at the equator (WGS 84 semi-major axis).
KM_PER_DEG_LON_EQ = 111.320


def reachable_nodes(
    network: Network,
    centres: Sequence[object] | np.ndarray,
    minutes: float,
    *,
    direction: Direction = "from",
) -> pd.Series:
    """Nodes reachable within ``minutes`` of the nearest centre.

    Parameters
    ----------
    network : Network
        The network.
    centres : sequence of node ids
        One or several centres.
    minutes : float
        Time budget (inclusive).
    direction : {"from", "to"}
        Travel from the centres (default) or towards them.

    Returns
    -------
    pandas.Series
        Travel time in minutes, indexed by the ids of the reached nodes, sorted by time.
    """
    if minutes < 0:
        raise ValueError("minutes must be >= 0")
    near = nearest_centre(network, centres, limit=minutes, direction=direction)
    t = near["minutes"]
    return t[t <= minutes].sort_values(kind="stable")


def _to_km(lon: np.ndarray, lat: np.ndarray, lat0: float) -> tuple[np.ndarray, np.ndarray]:
    return lon * KM_PER_DEG_LON_EQ * np.cos(np.radians(lat0)), lat * KM_PER_DEG_LAT


def _to_deg(geom: BaseGeometry, lat0: float) -> BaseGeometry:
    kx = KM_PER_DEG_LON_EQ * np.cos(np.radians(lat0))
    return shapely.transform(geom, lambda xy: xy / np.array([kx, KM_PER_DEG_LAT]))


def isochrone_polygon(
    network: Network,
    centres: Sequence[object] | np.ndarray,
    minutes: float,
    *,
    method: Literal["edges", "concave"] = "edges",
    buffer_km: float = 2.0,
    ratio: float = 0.3,
    direction: Direction = "from",
) -> BaseGeometry:
    """Area reachable within ``minutes``, as a shapely geometry in longitude/latitude.

    Parameters
    ----------
    network : Network
        The network; nodes need coordinates.
    centres : sequence of node ids
        One or several centres.
    minutes : float
        Time budget.
    method : {"edges", "concave"}
        See the module docstring.
    buffer_km : float
        Buffer width around reached edges (``"edges"``) or around the hull (``"concave"``).
    ratio : float
        :func:`shapely.concave_hull` ratio for ``"concave"``.
    direction : {"from", "to"}
        Travel from the centres or towards them.

    Returns
    -------
    shapely.geometry.base.BaseGeometry
        A (Multi)Polygon; empty when nothing is reached.
    """
    times = reachable_nodes(network, centres, minutes, direction=direction)
    if times.empty:
        return shapely.Polygon()
    pos = network.index(times.index.to_numpy())
    lon, lat = network.lon[pos], network.lat[pos]
    if not (np.isfinite(lon).all() and np.isfinite(lat).all()):
        raise ValueError("every reached node needs lon/lat coordinates to draw an isochrone")
    lat0 = float(lat.mean())
    if method == "concave":
        x, y = _to_km(lon, lat, lat0)
        hull = shapely.concave_hull(shapely.multipoints(np.column_stack([x, y])), ratio=ratio)
        return _to_deg(hull.buffer(buffer_km), lat0)
    if method != "edges":
        raise ValueError(f"method must be 'edges' or 'concave', not {method!r}")
    return _edges_polygon(network, times, minutes, buffer_km, lat0, direction)


def _edges_polygon(
    network: Network,
    times: pd.Series,
    minutes: float,
    buffer_km: float,
    lat0: float,
    direction: Direction,
) -> BaseGeometry:
    coo = network.times.tocoo()
    if direction == "to":  # travelling towards the centre: walk arcs backwards
        rows, cols = coo.col, coo.row
    else:
        rows, cols = coo.row, coo.col
    t_all = np.full(network.n_nodes, np.inf)
    t_all[network.index(times.index.to_numpy())] = times.to_numpy()
    t_from = t_all[rows]
    reached_from = np.isfinite(t_from)
    rows, cols, w, t_from = (
        rows[reached_from],
        cols[reached_from],
        coo.data[reached_from],
        t_from[reached_from],
    )
    frac = np.where(w > 0, np.clip((minutes - t_from) / np.where(w > 0, w, 1.0), 0.0, 1.0), 1.0)
    x, y = _to_km(network.lon, network.lat, lat0)
    x0, y0 = x[rows], y[rows]
    x1 = x0 + frac * (x[cols] - x0)
    y1 = y0 + frac * (y[cols] - y0)
    ok = np.isfinite(x1) & np.isfinite(y1)
    segs = np.stack([np.column_stack([x0[ok], y0[ok]]), np.column_stack([x1[ok], y1[ok]])], axis=1)
    pts_x, pts_y = _to_km(
        network.lon[network.index(times.index.to_numpy())],
        network.lat[network.index(times.index.to_numpy())],
        lat0,
    )
    parts = [shapely.points(np.column_stack([pts_x, pts_y]))]
    if len(segs):
        parts.append(shapely.linestrings(segs))
    geoms = np.concatenate([np.atleast_1d(p) for p in parts])
    area = shapely.union_all(shapely.buffer(geoms, buffer_km))
    return _to_deg(area, lat0)
