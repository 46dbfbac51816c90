"""Road edges from an OpenStreetMap ``.osm.pbf`` extract with pyosmium (``osmium`` on PyPI).

Used by :func:`lanxi.io.networks.read_osm_pbf` when pyrosm is not installed (pyosmium is the
lighter of the two: wheels with libosmium inside, no GeoPandas). What it reads:

* ways whose ``highway`` value has a default speed in ``osm_default_speeds.csv`` (the drivable
  classes, ``motorway`` … ``service``); footways, cycleways, tracks and paths are skipped;
* one edge per pair of consecutive way nodes (no simplification), its length the great-circle
  distance between them and its speed the way's ``maxspeed`` (km/h, or ``mph``) or else the
  class default;
* direction after the OSM wiki, *Key:oneway*: ``oneway=yes|true|1`` one-way along the way,
  ``oneway=-1|reverse`` against it, ``junction=roundabout|circular`` and ``highway=motorway``
  one-way by implication, ``oneway=no`` two-way;
* ways closed to cars by their access tags are left out (:func:`closed_to_cars`: the most
  specific of ``motorcar``, ``motor_vehicle``, ``vehicle``, ``access`` that the way carries is
  ``no`` or ``private``, also as one of several values — OSM's access hierarchy, as OSMnx's and
  pyrosm's driving filters apply it). ``access=destination|delivery|permissive`` stay.

The pyrosm reader of :func:`lanxi.io.networks.read_osm_pbf` applies the same two functions to
pyrosm's edge records (:func:`way_tags`), so both readers give one network.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["closed_to_cars", "direction", "osmium_edges", "way_tags"]

_FORWARD = {"yes", "true", "1"}
_REVERSE = {"-1", "reverse"}
_EARTH_KM = 6371.0088  # IUGG mean Earth radius


def _km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * _EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


#: Access tags of a car, most specific first, then the general one (OSM wiki, *Key:access*).
CAR_ACCESS_KEYS: tuple[str, ...] = ("motorcar", "motor_vehicle", "vehicle", "access")

#: Access values that close a way (also as one of several ``;``-separated values).
CLOSED_VALUES: frozenset[str] = frozenset({"no", "private"})


def closed_to_cars(tags: dict[str, str]) -> bool:
    """Whether a way's access tags close it to cars (the most specific tag present decides)."""
    for key in CAR_ACCESS_KEYS:
        value = tags.get(key)
        if value is not None and str(value).strip():
            return any(part.strip().lower() in CLOSED_VALUES for part in str(value).split(";"))
    return False


def way_tags(record: dict[str, Any]) -> dict[str, str]:
    """The tags of a pyrosm edge record: its tag columns and its ``tags`` JSON, as text."""
    import json

    out: dict[str, str] = {}
    extra = record.get("tags")
    if isinstance(extra, str) and extra.strip():
        try:
            parsed = json.loads(extra)
        except ValueError:
            parsed = {}
        if isinstance(parsed, dict):
            out.update({str(k): str(v) for k, v in parsed.items() if v is not None})
    elif isinstance(extra, dict):
        out.update({str(k): str(v) for k, v in extra.items() if v is not None})
    for key in ("highway", "oneway", "junction", *CAR_ACCESS_KEYS, "maxspeed"):
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            out[key] = value
    return out


def direction(tags: dict[str, str]) -> int:
    """``1`` one-way along the way, ``-1`` against it, ``0`` two-way (OSM wiki, *Key:oneway*)."""
    ow = tags.get("oneway", "").strip().lower()
    if ow in _FORWARD:
        return 1
    if ow in _REVERSE:
        return -1
    if ow == "no":
        return 0
    if tags.get("junction") in ("roundabout", "circular") or tags.get("highway") == "motorway":
        return 1
    return 0


def osmium_edges(
    path: Path, speeds: dict[str, float], parse_speed: Any
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Edge and node frames of the drivable ways of an extract.

    Parameters
    ----------
    path : Path
        The ``.osm.pbf`` (or ``.osm``) file.
    speeds : dict
        Default speed (km/h) by ``highway`` value; ways of other classes are skipped.
    parse_speed : callable
        ``maxspeed`` text → km/h or ``None`` (shared with the GraphML reader).

    Returns
    -------
    tuple of pandas.DataFrame
        Edges (``u, v, minutes, length_km, speed_kmh, class, oneway, osm_way``) and nodes
        (``node_id, lon, lat``), ids as strings.
    """
    import osmium

    rows: list[dict[str, Any]] = []
    coords: dict[int, tuple[float, float]] = {}
    fp = osmium.FileProcessor(str(path)).with_locations()
    for obj in fp:
        if not isinstance(obj, osmium.osm.Way):
            continue
        tags = {t.k: t.v for t in obj.tags}
        hw = tags.get("highway", "")
        if hw not in speeds or closed_to_cars(tags):
            continue
        speed = parse_speed(tags.get("maxspeed")) or speeds[hw]
        sense = direction(tags)
        refs = [(n.ref, n.lon, n.lat) for n in obj.nodes if n.location.valid()]
        for (a, lon_a, lat_a), (b, lon_b, lat_b) in itertools.pairwise(refs):
            coords[a], coords[b] = (lon_a, lat_a), (lon_b, lat_b)
            km = _km(lon_a, lat_a, lon_b, lat_b)
            u, v = (b, a) if sense < 0 else (a, b)
            rows.append(
                {
                    "u": str(u),
                    "v": str(v),
                    "minutes": km / speed * 60.0,
                    "length_km": km,
                    "speed_kmh": speed,
                    "class": hw,
                    "oneway": sense != 0,
                    "osm_way": int(obj.id),
                }
            )
    edges = pd.DataFrame(
        rows,
        columns=["u", "v", "minutes", "length_km", "speed_kmh", "class", "oneway", "osm_way"],
    )
    nodes = pd.DataFrame(
        {
            "node_id": [str(k) for k in coords],
            "lon": [c[0] for c in coords.values()],
            "lat": [c[1] for c in coords.values()],
        }
    )
    return edges, nodes
