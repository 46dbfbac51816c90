"""Read transport networks from files into :class:`~lanxi.compute.access.graph.Network`.

Formats
-------
CSV edge list (:func:`read_edge_csv`)
    Columns ``u, v`` and ``minutes`` or ``length_km`` + ``speed_kmh``; optional ``oneway``,
    ``class`` and any attribute. An optional node CSV has ``node_id, lon, lat``.
GeoJSON (:func:`read_edge_geojson`)
    A FeatureCollection of LineString features, properties as in the CSV; ``u``/``v`` default to
    the end coordinates, ``length_km`` to the line's great-circle length.
GraphML as written by OSMnx (:func:`read_graphml`)
    Read with networkx when it is installed, else with a small built-in XML parser (same result).
``.osm.pbf`` (:func:`read_osm_pbf`)
    With pyosmium (``pip install "lanxi[osm]"``, :mod:`lanxi.io.osm_pbf`) or pyrosm; raises a
    clear error when neither is installed.
Rail timetable CSV (:func:`read_rail_timetable`, :func:`timetable_to_edges`)
    ``train_id, stop_seq, station, arrival, departure`` → rail legs with in-vehicle time, average
    waiting (a fraction of the headway) and a boarding/transfer penalty.

Every reader validates its whole input and raises one :class:`~lanxi.errors.ValidationError`
whose problems name the file, the row (CSV: spreadsheet row, header = 1; GeoJSON: feature number;
GraphML: element number) and the field.

The bundled planning-level network (``lanxi/data/networks/``) loads with
:func:`load_planning_network`.
"""

from __future__ import annotations

import ast
import importlib.util
import io
import itertools
import json
import logging
import math
import re
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from lanxi.compute.access.graph import Network, network_from_frames
from lanxi.errors import ConfigurationError, Problem, ValidationError

log = logging.getLogger("lanxi.io")

__all__ = [
    "TIMETABLE_COLUMNS",
    "load_osm_default_speeds",
    "load_planning_network",
    "planning_data_dir",
    "read_edge_csv",
    "read_edge_geojson",
    "read_graphml",
    "read_node_csv",
    "read_osm_pbf",
    "read_rail_timetable",
    "timetable_to_edges",
]

#: Mean Earth radius (IUGG), km, for great-circle lengths.
EARTH_RADIUS_KM = 6371.0088
TIMETABLE_COLUMNS = ("train_id", "stop_seq", "station", "arrival", "departure")
_GRAPHML_NS = "{http://graphml.graphdrawing.org/xmlns}"


def planning_data_dir() -> Path:
    """Directory of the bundled network files."""
    return Path(str(resources.files("lanxi") / "data" / "networks"))


def _read_csv_text(path: Path) -> pd.DataFrame:
    if Path(path).suffix.lower() in (".parquet", ".arrow", ".feather"):
        # the same table as Parquet or Arrow IPC (lanxi.io.tables, cells as text)
        from lanxi.io.tables import read_table

        frame = read_table(Path(path)).astype(object).where(lambda f: f.notna(), "")
        return frame.apply(lambda s: s.astype(str).str.strip())
    text = Path(path).read_text(encoding="utf-8-sig")
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    return frame.apply(lambda s: s.str.strip())


def read_node_csv(path: str | Path) -> pd.DataFrame:
    """Read a node CSV (``node_id, lon, lat``, …) as strings; validated when a network is built.

    Parameters
    ----------
    path : str or Path
        The CSV file.

    Returns
    -------
    pandas.DataFrame
    """
    return _read_csv_text(Path(path))


def read_edge_csv(path: str | Path, nodes_path: str | Path | None = None) -> Network:
    """Read a CSV edge list (and optionally a node CSV) into a network.

    Parameters
    ----------
    path : str or Path
        Edge CSV; see :mod:`lanxi.compute.access.graph` for the columns.
    nodes_path : str or Path, optional
        Node CSV with ``node_id, lon, lat``; when given every edge end must be listed.

    Returns
    -------
    Network

    Raises
    ------
    ValidationError
        Naming file, row (header = row 1) and field of every problem in either file.
    """
    path = Path(path)
    edges = _read_csv_text(path)
    nodes = read_node_csv(nodes_path) if nodes_path is not None else None
    return network_from_frames(
        edges,
        nodes,
        source=path.name,
        nodes_source=Path(nodes_path).name if nodes_path is not None else "nodes",
        first_row=2,
    )


def _haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


def _line_length_km(coords: list[list[float]]) -> float:
    return sum(_haversine_km(a[0], a[1], b[0], b[1]) for a, b in itertools.pairwise(coords))


def read_edge_geojson(path: str | Path, *, decimals: int = 6) -> Network:
    """Read a GeoJSON FeatureCollection of LineString edges.

    Parameters
    ----------
    path : str or Path
        The GeoJSON file (coordinates in longitude/latitude).
    decimals : int
        When a feature has no ``u``/``v`` properties, its end points become nodes with ids
        ``"lon,lat"`` rounded to this many decimals, so touching lines share nodes.

    Returns
    -------
    Network

    Raises
    ------
    ValidationError
        Rows are feature numbers (1-based); fields are property names or ``geometry``.
    """
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValidationError(
            [Problem(path.name, exc.lineno, None, f"not valid JSON: {exc.msg}")]
        ) from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise ValidationError([Problem(path.name, None, "type", "expected a FeatureCollection")])
    problems: list[Problem] = []
    rows: list[dict[str, Any]] = []
    node_pos: dict[object, tuple[float, float]] = {}
    for k, feat in enumerate(doc.get("features") or [], start=1):
        geom = (feat or {}).get("geometry") or {}
        props = dict((feat or {}).get("properties") or {})
        coords = geom.get("coordinates")
        if geom.get("type") != "LineString" or not isinstance(coords, list) or len(coords) < 2:
            problems.append(
                Problem(
                    path.name,
                    k,
                    "geometry",
                    "must be a LineString with at least two positions",
                    geom.get("type"),
                )
            )
            continue
        try:
            pts = [[float(c[0]), float(c[1])] for c in coords]
        except (TypeError, ValueError, IndexError):
            problems.append(Problem(path.name, k, "geometry", "coordinates must be [lon, lat]"))
            continue
        bad = [p for p in pts if not (-180 <= p[0] <= 180 and -90 <= p[1] <= 90)]
        if bad:
            problems.append(
                Problem(path.name, k, "geometry", "coordinate outside lon/lat range", bad[0])
            )
            continue
        for end, pt in (("u", pts[0]), ("v", pts[-1])):
            if props.get(end) in (None, ""):
                props[end] = f"{round(pt[0], decimals)},{round(pt[1], decimals)}"
            node_pos.setdefault(props[end], (pt[0], pt[1]))
        if props.get("length_km") in (None, ""):
            props["length_km"] = _line_length_km(pts)
        rows.append(props)
    if problems:
        raise ValidationError(problems)
    edges = pd.DataFrame(rows)
    nodes = pd.DataFrame(
        [{"node_id": n, "lon": p[0], "lat": p[1]} for n, p in node_pos.items()],
        columns=["node_id", "lon", "lat"],
    )
    return network_from_frames(edges, nodes, source=path.name, nodes_source=path.name)


def load_osm_default_speeds() -> dict[str, float]:
    """Default speeds (km/h) by OSM ``highway`` value, from bundled ``osm_default_speeds.csv``."""
    frame = _read_csv_text(planning_data_dir() / "osm_default_speeds.csv")
    return {r.highway: float(r.speed_kmh) for r in frame.itertuples()}


_SPEED_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mph|km/h|kmh|kph)?\s*$", re.IGNORECASE)


def _parse_speed(value: object) -> float | None:
    """First numeric speed in km/h in an OSM ``maxspeed``-like value (lists take the first)."""
    if value is None:
        return None
    if isinstance(value, list | tuple):
        speeds = [s for s in (_parse_speed(v) for v in value) if s is not None]
        return min(speeds) if speeds else None
    text = str(value).strip()
    if text.startswith("["):
        try:
            return _parse_speed(ast.literal_eval(text))
        except (ValueError, SyntaxError):
            return None
    m = _SPEED_RE.match(text)
    if not m:
        return None
    speed = float(m.group(1))
    return speed * 1.609344 if (m.group(2) or "").lower() == "mph" else speed


def _first_highway(value: object) -> str:
    if isinstance(value, list | tuple):
        return str(value[0]) if value else ""
    text = str(value or "").strip()
    if text.startswith("["):
        try:
            items = ast.literal_eval(text)
            return str(items[0]) if items else ""
        except (ValueError, SyntaxError):
            return text
    return text


def _osm_edge_minutes(
    attrs: dict[str, Any], speeds: dict[str, float], default_speed_kmh: float | None
) -> tuple[float | None, float | None, str]:
    """(minutes, length_km, class) of an OSM edge; minutes ``None`` when no speed is known."""
    highway = _first_highway(attrs.get("highway"))
    length_km = None
    if attrs.get("length") not in (None, ""):
        length_km = float(attrs["length"]) / 1000.0
    if attrs.get("travel_time") not in (None, ""):
        return float(attrs["travel_time"]) / 60.0, length_km, highway
    speed = _parse_speed(attrs.get("speed_kph"))
    if speed is None:
        speed = _parse_speed(attrs.get("maxspeed"))
    if speed is None:
        speed = speeds.get(highway, default_speed_kmh)
    if speed is None or length_km is None or speed <= 0:
        return None, length_km, highway
    return length_km / speed * 60.0, length_km, highway


def _graphml_xml(path: Path) -> tuple[bool, list[dict[str, Any]], list[dict[str, Any]]]:
    """Parse GraphML with ElementTree: (directed, node records, edge records)."""
    root = ET.parse(path).getroot()
    keys = {k.get("id"): (k.get("for"), k.get("attr.name")) for k in root.iter(f"{_GRAPHML_NS}key")}
    graph = root.find(f"{_GRAPHML_NS}graph")
    if graph is None:
        raise ValidationError([Problem(path.name, None, "graph", "no <graph> element")])
    directed = graph.get("edgedefault", "directed") == "directed"

    def data(elem: ET.Element) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for d in elem.findall(f"{_GRAPHML_NS}data"):
            name = keys.get(d.get("key"), (None, d.get("key")))[1]
            out[str(name)] = d.text
        return out

    nodes = [{"id": n.get("id"), **data(n)} for n in graph.iter(f"{_GRAPHML_NS}node")]
    edges = [
        {"source": e.get("source"), "target": e.get("target"), **data(e)}
        for e in graph.iter(f"{_GRAPHML_NS}edge")
    ]
    return directed, nodes, edges


def _graphml_networkx(path: Path) -> tuple[bool, list[dict[str, Any]], list[dict[str, Any]]]:
    import networkx as nx

    g = nx.read_graphml(path)
    nodes = [{"id": n, **attrs} for n, attrs in g.nodes(data=True)]
    edges = [{"source": u, "target": v, **attrs} for u, v, attrs in g.edges(data=True)]
    return g.is_directed(), nodes, edges


def read_graphml(
    path: str | Path,
    *,
    engine: Literal["auto", "networkx", "xml"] = "auto",
    default_speed_kmh: float | None = None,
) -> Network:
    """Read a street network saved by OSMnx (``osmnx.save_graphml``).

    Node coordinates come from the ``x`` (lon) and ``y`` (lat) attributes. An edge's time is, in
    order: ``travel_time`` (seconds, as added by ``osmnx.add_edge_travel_times``); ``length`` (m)
    at ``speed_kph``; at ``maxspeed``; at the default speed of its ``highway`` class from the
    bundled ``osm_default_speeds.csv``; at ``default_speed_kmh``.

    Parameters
    ----------
    path : str or Path
        The GraphML file.
    engine : {"auto", "networkx", "xml"}
        ``"auto"`` uses networkx when installed, else the built-in parser.
    default_speed_kmh : float, optional
        Speed for edges with no usable speed; without it those edges are errors.

    Returns
    -------
    Network
        Directed when the file's ``edgedefault`` is directed (OSMnx's case: two-way streets are
        stored as two edges).

    Raises
    ------
    ValidationError
        Rows are element numbers (1-based) among nodes or edges; fields are attribute names.
    """
    path = Path(path)
    if engine == "auto":
        try:
            import networkx  # noqa: F401

            engine = "networkx"
        except ImportError:
            engine = "xml"
    directed, node_recs, edge_recs = (
        _graphml_networkx(path) if engine == "networkx" else _graphml_xml(path)
    )
    speeds = load_osm_default_speeds()
    problems: list[Problem] = []
    nodes = []
    for k, rec in enumerate(node_recs, start=1):
        try:
            nodes.append(
                {"node_id": str(rec["id"]), "lon": float(rec["x"]), "lat": float(rec["y"])}
            )
        except (KeyError, TypeError, ValueError):
            problems.append(Problem(path.name, k, "x/y", "node needs numeric x (lon) and y (lat)"))
    edges = []
    for k, rec in enumerate(edge_recs, start=1):
        minutes, length_km, highway = _osm_edge_minutes(rec, speeds, default_speed_kmh)
        if minutes is None:
            problems.append(
                Problem(
                    path.name,
                    k,
                    "travel_time",
                    "edge has no travel_time and no length with a usable speed "
                    "(speed_kph, maxspeed, a known highway class, or default_speed_kmh)",
                    rec.get("highway"),
                )
            )
            continue
        edges.append(
            {
                "u": str(rec["source"]),
                "v": str(rec["target"]),
                "minutes": minutes,
                "length_km": length_km if length_km is not None else np.nan,
                "class": highway or "edge",
                "oneway": directed,
            }
        )
    if problems:
        raise ValidationError(problems)
    return network_from_frames(
        pd.DataFrame(edges, columns=["u", "v", "minutes", "length_km", "class", "oneway"]),
        pd.DataFrame(nodes, columns=["node_id", "lon", "lat"]),
        source=path.name,
        nodes_source=path.name,
    )


def read_osm_pbf(
    path: str | Path,
    *,
    network_type: str = "driving",
    default_speed_kmh: float | None = None,
    engine: str = "auto",
) -> Network:
    """Read a road network from an OpenStreetMap ``.osm.pbf`` extract.

    Parameters
    ----------
    path : str or Path
        The extract (e.g. a Geofabrik Gansu/Qinghai file, clipped to the study area).
    network_type : str
        pyrosm network type (``"driving"``, ``"all"``, …); pyosmium reads the drivable classes
        of ``osm_default_speeds.csv`` only (``"driving"``).
    default_speed_kmh : float, optional
        pyrosm: speed for ways with no ``maxspeed`` and an unknown ``highway`` class.
    engine : {"auto", "osmium", "pyrosm"}
        ``"auto"``: pyosmium when installed, else pyrosm.

    Returns
    -------
    Network
        Directed (one-way ways one arc, others both); node ids are OSM node ids as strings.

    Raises
    ------
    ConfigurationError
        When the reader asked for (or, with ``"auto"``, both) is not installed:
        ``pip install "lanxi[osm]"``.
    """
    path = Path(path)
    have_osmium = importlib.util.find_spec("osmium") is not None
    if engine not in ("auto", "osmium", "pyrosm"):
        raise ValueError(f"engine must be 'auto', 'osmium' or 'pyrosm', not {engine!r}")
    if engine == "osmium" or (engine == "auto" and have_osmium):
        if not have_osmium:
            raise ConfigurationError(
                "reading .osm.pbf with engine='osmium' needs pyosmium: "
                'pip install "lanxi[osm]" (or pip install osmium)'
            )
        if network_type != "driving":
            raise ValueError("the pyosmium reader reads network_type='driving' only")
        from lanxi.io.osm_pbf import osmium_edges

        edges_df, nodes_df = osmium_edges(path, load_osm_default_speeds(), _parse_speed)
        return network_from_frames(edges_df, nodes_df, source=path.name, nodes_source=path.name)
    try:
        from pyrosm import OSM
    except ImportError as exc:
        raise ConfigurationError(
            "reading .osm.pbf needs the optional package 'osmium' (pyosmium) or 'pyrosm': "
            'pip install "lanxi[osm]" (or pip install osmium); alternatively convert the extract '
            "with OSMnx and use read_graphml()"
        ) from exc
    from lanxi.io.osm_pbf import closed_to_cars, direction, way_tags

    nodes_gdf, edges_gdf = OSM(str(path)).get_network(network_type=network_type, nodes=True)
    speeds = load_osm_default_speeds()
    problems: list[Problem] = []
    edges = []
    closed = 0
    # pyrosm returns each segment of a way once, in the way's direction: the arcs follow the
    # oneway tag (a two-way road gets both arcs), as in the pyosmium reader
    for k, rec in enumerate(edges_gdf.to_dict("records"), start=1):
        tags = way_tags(rec)
        if closed_to_cars(tags):
            closed += 1
            continue
        minutes, length_km, highway = _osm_edge_minutes(rec, speeds, default_speed_kmh)
        if minutes is None:
            problems.append(
                Problem(path.name, k, "maxspeed", "way has no usable speed", rec.get("highway"))
            )
            continue
        sense = direction(tags)
        u, v = str(rec["u"]), str(rec["v"])
        edges.append(
            {
                "u": v if sense < 0 else u,
                "v": u if sense < 0 else v,
                "minutes": minutes,
                "length_km": length_km,
                "class": highway or "edge",
                "oneway": sense != 0,
            }
        )
    if problems:
        raise ValidationError(problems)
    if closed:
        log.info(
            "%s: %d segments of ways closed to cars (access=no/private) left out",
            path.name,
            closed,
        )
    nodes = pd.DataFrame(
        {
            "node_id": nodes_gdf["id"].astype(str),
            "lon": nodes_gdf["lon"].astype(float),
            "lat": nodes_gdf["lat"].astype(float),
        }
    )
    return network_from_frames(pd.DataFrame(edges), nodes, source=path.name, nodes_source=path.name)


_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def _minutes_of_day(text: str) -> float | None:
    m = _TIME_RE.match(text.strip())
    if not m:
        return None
    h, mi, s = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    if mi > 59 or s > 59 or h > 47:
        return None
    return h * 60 + mi + s / 60


def read_rail_timetable(
    path: str | Path,
    *,
    period_min: float = 1080.0,
    wait_factor: float = 0.5,
    transfer_penalty_min: float = 5.0,
    max_wait_min: float | None = None,
    direct_pairs: bool = True,
) -> pd.DataFrame:
    """Read a rail timetable CSV and turn it into rail legs (an edge list).

    Parameters
    ----------
    path : str or Path
        CSV with columns ``train_id, stop_seq, station, arrival, departure`` (times ``HH:MM`` or
        ``HH:MM:SS``; hours up to 47 for trains past midnight; ``arrival`` may be blank at a
        train's first stop and ``departure`` at its last).
    period_min, wait_factor, transfer_penalty_min, max_wait_min, direct_pairs
        See :func:`timetable_to_edges`.

    Returns
    -------
    pandas.DataFrame
        The legs, ready for :func:`~lanxi.compute.access.graph.network_from_frames` (alone or
        concatenated with road edges and access links).

    Raises
    ------
    ValidationError
        Naming row (header = 1) and field of every bad value.
    """
    path = Path(path)
    frame = _read_csv_text(path)
    return timetable_to_edges(
        frame,
        source=path.name,
        period_min=period_min,
        wait_factor=wait_factor,
        transfer_penalty_min=transfer_penalty_min,
        max_wait_min=max_wait_min,
        direct_pairs=direct_pairs,
        first_row=2,
    )


def timetable_to_edges(
    timetable: pd.DataFrame,
    *,
    period_min: float = 1080.0,
    wait_factor: float = 0.5,
    transfer_penalty_min: float = 5.0,
    max_wait_min: float | None = None,
    direct_pairs: bool = True,
    source: str = "timetable",
    first_row: int = 1,
) -> pd.DataFrame:
    """Rail legs from a stop-times table.

    For every ordered station pair ``(a, b)`` served by a train without changing (consecutive
    stops only when ``direct_pairs`` is false), the leg's time is::

        minutes = in_vehicle + wait + transfer_penalty
        in_vehicle = min over trains of (arrival at b - departure from a)
        wait = min(wait_factor * period_min / n_trains, max_wait_min)

    ``n_trains`` is the number of trains serving ``a → b`` in the timetable, so
    ``period_min / n_trains`` is the average headway over the operating period. With random
    passenger arrivals the expected wait is half the headway (``wait_factor = 0.5``; e.g.
    Osuna & Newell 1972). The penalty is charged on every boarding: a journey with ``k``
    transfers pays ``k + 1`` penalties (set it to 0 to charge waiting only). Direct pairs keep a
    no-change ride from paying waits at intermediate stops.

    Parameters
    ----------
    timetable : pandas.DataFrame
        Columns ``train_id, stop_seq, station, arrival, departure`` (strings or numbers).
    period_min : float
        Operating period over which the trains run (default 18 h, 06:00–24:00).
    wait_factor : float
        Share of the headway waited on average (0.5 = half headway).
    transfer_penalty_min : float
        Minutes added per boarding.
    max_wait_min : float, optional
        Cap on the wait (for very infrequent services).
    direct_pairs : bool
        Also add legs between non-consecutive stops of the same train.
    source : str
        Name for error messages.
    first_row : int
        Row number of the first record (2 for a CSV with a header).

    Returns
    -------
    pandas.DataFrame
        Columns ``u, v, minutes, in_vehicle_min, wait_min, penalty_min, n_trains, class,
        oneway`` (``class = "rail_service"``, ``oneway = True``).

    References
    ----------
    .. [1] Osuna, E. E. & Newell, G. F. (1972). Control strategies for an idealized public
       transportation system. *Transportation Science* 6(1), 52–72.
    """
    problems: list[Problem] = []
    missing = [c for c in TIMETABLE_COLUMNS if c not in timetable.columns]
    for col in missing:
        problems.append(Problem(source, None, col, "required column is missing"))
    for name, val, ok in (
        ("period_min", period_min, period_min > 0),
        ("wait_factor", wait_factor, wait_factor >= 0),
        ("transfer_penalty_min", transfer_penalty_min, transfer_penalty_min >= 0),
    ):
        if not ok:
            problems.append(Problem(source, None, name, "parameter out of range", val))
    if problems:
        raise ValidationError(problems)

    stops: dict[str, list[tuple[int, int, str, float | None, float | None]]] = {}
    for k, rec in enumerate(timetable.to_dict("records")):
        row = k + first_row
        train = str(rec["train_id"]).strip()
        station = str(rec["station"]).strip()
        if not train:
            problems.append(Problem(source, row, "train_id", "train id is blank"))
        if not station:
            problems.append(Problem(source, row, "station", "station is blank"))
        try:
            seq = int(str(rec["stop_seq"]).strip())
        except ValueError:
            problems.append(Problem(source, row, "stop_seq", "must be an integer", rec["stop_seq"]))
            seq = -1
        times: list[float | None] = []
        for col in ("arrival", "departure"):
            raw = str(rec[col]).strip() if rec[col] is not None else ""
            if raw in ("", "nan"):
                times.append(None)
                continue
            t = _minutes_of_day(raw)
            if t is None:
                problems.append(Problem(source, row, col, "time must be HH:MM or HH:MM:SS", raw))
            times.append(t)
        if (
            times[0] is None
            and times[1] is None
            and not any(p.row == row and p.field in ("arrival", "departure") for p in problems)
        ):
            problems.append(Problem(source, row, "departure", "need an arrival or a departure"))
        stops.setdefault(train, []).append((seq, row, station, times[0], times[1]))

    legs: dict[tuple[str, str], list[tuple[float, str]]] = {}
    for train, seq_stops in stops.items():
        seq_stops.sort()
        seqs = [s[0] for s in seq_stops]
        for (s1, *_), (s2, r2, *_) in itertools.pairwise(seq_stops):
            if s1 == s2:
                problems.append(
                    Problem(source, r2, "stop_seq", f"duplicate stop_seq for train {train}", s2)
                )
        if len(set(seqs)) != len(seqs):
            continue
        # Unroll midnight: a time earlier than the previous one is on the next day.
        clock: list[tuple[str, float, float, int]] = []
        last = -math.inf
        offset = 0.0
        for _seq, row, station, arr, dep in seq_stops:
            a = arr if arr is not None else dep
            d = dep if dep is not None else arr
            if a is None or d is None:
                continue
            a += offset
            if a < last:
                offset += 1440.0
                a += 1440.0
            d += offset
            if d < a:
                problems.append(
                    Problem(source, row, "departure", "departure is before arrival", dep)
                )
            last = d
            clock.append((station, a, d, row))
        for i in range(len(clock) - 1):
            end = len(clock) if direct_pairs else i + 2
            for j in range(i + 1, end):
                if clock[i][0] == clock[j][0]:
                    continue
                legs.setdefault((clock[i][0], clock[j][0]), []).append(
                    (clock[j][1] - clock[i][2], train)
                )
    if problems:
        raise ValidationError(problems)

    out = []
    for (from_st, to_st), rides in legs.items():
        n_trains = len({t for _, t in rides})
        in_vehicle = min(r for r, _ in rides)
        wait = wait_factor * period_min / n_trains
        if max_wait_min is not None:
            wait = min(wait, max_wait_min)
        out.append(
            {
                "u": from_st,
                "v": to_st,
                "minutes": in_vehicle + wait + transfer_penalty_min,
                "in_vehicle_min": in_vehicle,
                "wait_min": wait,
                "penalty_min": transfer_penalty_min,
                "n_trains": n_trains,
                "class": "rail_service",
                "oneway": True,
            }
        )
    cols = [
        "u",
        "v",
        "minutes",
        "in_vehicle_min",
        "wait_min",
        "penalty_min",
        "n_trains",
        "class",
        "oneway",
    ]
    return pd.DataFrame(out, columns=cols)


def load_planning_network(data_dir: str | Path | None = None) -> Network:
    """The bundled planning-level network of the Lanzhou–Xining agglomeration.

    Nodes are the seats of the 39 county-level units plus key towns, stations and airports;
    edges are the expressways, national roads and railways the plans name, with lengths and
    speeds documented per row (``basis``). It is a *planning-level sketch* for orders of
    magnitude, not a routable street network: see ``lanxi/data/networks/README.md``.

    Parameters
    ----------
    data_dir : str or Path, optional
        Directory with ``lanxi_planning_nodes.csv`` and ``lanxi_planning_edges.csv``; default the
        bundled one.

    Returns
    -------
    Network
        Undirected (every edge two-way); :attr:`Network.nodes` holds ``name``, ``kind``
        (``county_seat``, ``new_area``, ``airport``, ``station``), ``region_code``,
        ``population`` (blank when not sourced) and ``coord_source``.
    """
    d = Path(data_dir) if data_dir is not None else planning_data_dir()
    return read_edge_csv(d / "lanxi_planning_edges.csv", d / "lanxi_planning_nodes.csv")
