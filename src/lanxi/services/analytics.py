"""Use cases of the regional analytics: accessibility on a network, and the yearbook statistics.

The CLI (``lanxi access …``, ``lanxi structure …``, ``lanxi linkage gravity``, ``lanxi coupling``)
only parses arguments and prints what these functions return: plain records (lists of dicts) and,
for the 1-hour circle, one dict in a stable JSON shape. Python users can call them directly.

Accessibility (see ``docs/accessibility.md``)
    The network is the bundled **planning-level** network (:func:`lanxi.io.networks.
    load_planning_network`) unless a file is given. The 39 county-level units of the plan are
    represented by their seats (the bundled seat coordinates, ``lanxi_planning_nodes.csv``); on a
    user's network each seat is snapped to the nearest network node and the snapping distance is
    reported.

Centres
    ``--center`` accepts, comma-separated for a multi-centre circle: a node id of the network; a
    county-level unit (code or name, e.g. ``630102`` or ``城东区``) → its seat; a prefecture (code
    or name, e.g. ``西宁市``) → the seat of its **lowest-coded county-level unit in the plan**.
    GB/T 2260 numbers the districts of the central city first, so this picks the prefecture's
    central district: 城关区 (兰州), 白银区, 安定区 (定西), 临夏市, 城东区 (西宁, whose four central
    districts lie within a few kilometres of each other), 乐都区 (海东), 海晏县, 同仁市, 共和县.

Scope
    Every result carries a ``scope``: ``county`` (the plan's 39 county-level units), ``prefecture``
    (the 9 whole prefectures) or ``node`` (network nodes, for node-level isochrones and matrices).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import shapely

from lanxi.compute.access import (
    Network,
    coverage,
    isochrone_polygon,
    reachable_nodes,
    travel_time_matrix,
)
from lanxi.compute.access.coverage import CoverageResult
from lanxi.data import census
from lanxi.data.census import census_2020
from lanxi.errors import NotFoundError, Problem, ValidationError

__all__ = [
    "BUNDLED_NETWORK_NOTE",
    "CIRCLE_DEFINITION",
    "SCOPES",
    "Centre",
    "LoadedNetwork",
    "circle",
    "circle_geojson",
    "isochrone",
    "isochrone_geojson",
    "open_network",
    "plan_regions",
    "population_coverage",
    "population_units",
    "region_population",
    "region_statistics",
    "resolve_centres",
    "travel_times",
    "unit_nodes",
]

Scope = Literal["county", "prefecture"]
#: The two scopes of the plan's regions.
SCOPES: tuple[str, ...] = ("county", "prefecture")

BUNDLED_NETWORK_NOTE = (
    "bundled PLANNING-LEVEL network (lanxi/data/networks): county seats and key towns joined by "
    "the expressways, national roads and railways the plans name, at design speeds, without "
    "congestion; trains run between station nodes (OSM coordinates) reached from the seats, with "
    "the expected wait for the train at boarding; orders of magnitude only, not a routable street "
    "network. Pass "
    "--network FILE (e.g. an OpenStreetMap extract) for figures that matter."
)

CIRCLE_DEFINITION = (
    "A county-level unit is covered when its seat (县城/区政府驻地) is reached within the "
    "threshold from the nearest centre along the fastest path of the network (travel time; by "
    "rail: access to the station, the expected wait (half the headway), in-vehicle time and "
    "egress). share_county_units = covered units / units; share_population = resident "
    "population (2020 census) of covered units / of all units, the units' people being the 39 "
    "county units' and 兰州新区's (at its own node). Basis: the 1小时通勤圈 of "
    "国家发展改革委《关于培育发展现代化都市圈的指导意见》"
    "(发改规划〔2019〕328号); see docs/accessibility.md."
)

POPULATION_NOTE = (
    "population-weighted by the 2020 census (lanxi/data/statistics/census, 常住人口): the 39 "
    "county units at their seats and 兰州新区 (620171, 288,200 people, a census row of its own) "
    "at its own node; docs/data-regions.md"
)

#: Node kinds counted as places (settlements) in the per-kind shares of a circle.
PLACE_KINDS: tuple[str, ...] = ("county_seat", "new_area", "town")


# --------------------------------------------------------------------------------------------
# Bundled regions and statistics
# --------------------------------------------------------------------------------------------


def _data_path(*parts: str) -> Path:
    return Path(str(resources.files("lanxi").joinpath("data", *parts)))


@lru_cache(maxsize=1)
def plan_regions() -> pd.DataFrame:
    """The plan's regions (``lanxi/data/plans/regions.csv``) indexed by code, as text.

    Returns
    -------
    pandas.DataFrame
        Columns include ``name``, ``name_en``, ``level``, ``parent_code``, ``lon``, ``lat``.
    """
    df = pd.read_csv(_data_path("plans", "regions.csv"), dtype=str, keep_default_na=False)
    return df.set_index("code")


def scope_codes(scope: str) -> list[str]:
    """Codes of the regions of a scope: the 39 county units or the 9 prefectures."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {SCOPES}, not {scope!r}")
    r = plan_regions()
    return sorted(r.index[r["level"] == scope])


def _prefecture_of(code: str) -> str:
    r = plan_regions()
    return str(r.at[code, "parent_code"]) if code in r.index else ""


def _name(code: str) -> str:
    r = plan_regions()
    return str(r.at[code, "name"]) if code in r.index else ""


@lru_cache(maxsize=1)
def region_statistics() -> pd.DataFrame:
    """Statistics quoted by the plan documents (``lanxi/data/statistics/region_statistics.csv``).

    Returns
    -------
    pandas.DataFrame
        One row per figure: ``region``, ``region_kind``, ``name``, ``year``, ``indicator``,
        ``value`` (float), ``unit``, ``statement``, ``source``. Only figures the documents quote
        are bundled: the agglomeration (2016) and the 兰州经济圈 (2020), none per county.
    """
    df = pd.read_csv(
        _data_path("statistics", "region_statistics.csv"), dtype=str, keep_default_na=False
    )
    df["value"] = df["value"].astype(float)
    return df


def region_population() -> dict[str, dict[str, Any]]:
    """Resident populations per region code: the 2020 census, else the plan documents' figures.

    Every prefecture and county-level unit of the agglomeration (and 兰州新区 620171) from the
    bundled 2020 census (:func:`lanxi.data.census.census_2020`, persons); the agglomeration
    ``LXCSQ`` = the 39 county units + 兰州新区 (:func:`lanxi.data.census.agglomeration_population`);
    any other region from :func:`region_statistics` (latest year).

    Returns
    -------
    dict
        Region code → ``{"population": float, "unit", "year", "source"}``.
    """
    df = region_statistics()
    df = df[(df["region_kind"] == "region") & (df["indicator"] == "population_resident")]
    df = df.sort_values("year")
    out: dict[str, dict[str, Any]] = {
        str(r["region"]): {
            "population": float(r["value"]),
            "unit": r["unit"],
            "year": r["year"],
            "source": r["source"],
        }
        for _, r in df.iterrows()
    }
    src = census.CENSUS_SOURCE[2020]
    for code, pop in zip(census_2020()["code"], census_2020()["population"], strict=True):
        out[str(code)] = {"population": float(pop), "unit": "人", "year": "2020", "source": src}
    out["LXCSQ"] = {
        "population": float(census.agglomeration_population()["total"]),
        "unit": "人",
        "year": "2020",
        "source": src + " (39 county units + 兰州新区 620171; docs/data-regions.md)",
    }
    return out


def population_units(net: Network, max_snap: float | None = None) -> pd.DataFrame:
    """The units whose people the population-weighted coverage counts, on a network.

    The plan's 39 county units at their seats' nodes (:func:`unit_nodes`) and 兰州新区 (620171:
    its residents are a census row of their own, not in 永登 or 皋兰) at its own node
    (``lanzhou_xinqu`` on the bundled network, else the node nearest to its bundled position).

    A unit whose seat is farther from the network than ``max_snap`` km (default the setting,
    :func:`max_snap_km`) is off the network and never covered.

    Returns
    -------
    pandas.DataFrame
        Index ``code``; columns ``name``, ``node_id``, ``on_network``, ``population`` (2020
        census, persons).
    """
    limit = max_snap_km() if max_snap is None else float(max_snap)
    units = unit_nodes(net, limit)[["name", "node_id", "on_network"]]
    ids = pd.Index(net.node_ids)
    if census.NEW_AREA_NODE in ids:
        node, on = census.NEW_AREA_NODE, True
    else:
        lon, lat = _new_area_position()
        pos, km = _nearest_nodes(net, np.array([lon]), np.array([lat]))
        node, on = net.node_ids[int(pos[0])], bool(km[0] <= limit)
    extra = pd.DataFrame(
        {"name": ["兰州新区"], "node_id": [node], "on_network": [on]},
        index=pd.Index([census.NEW_AREA_CODE]),
    )
    frame = pd.concat([units, extra])
    frame.index.name = "code"
    pops = census_2020().set_index("code")["population"]
    frame["population"] = pops.reindex(frame.index).astype(float).to_numpy()
    return frame


def _new_area_position() -> tuple[float, float]:
    from lanxi.io.networks import planning_data_dir

    df = pd.read_csv(planning_data_dir() / "lanxi_planning_nodes.csv", dtype=str)
    row = df[df["node_id"] == census.NEW_AREA_NODE].iloc[0]
    return float(row["lon"]), float(row["lat"])


def population_coverage(
    net: Network, centres: list[object], minutes: float, *, max_snap: float | None = None
) -> CoverageResult:
    """Population-weighted coverage of the circle: one definition for circles and isochrones.

    ``share_population = Σ_covered P_i / Σ P_i`` over :func:`population_units` (39 county units
    and 兰州新区, 2020 census), a unit covered when it is on the network (within ``max_snap`` km)
    and its node is reached within ``minutes``.
    """
    units = population_units(net, max_snap)
    return coverage(net, centres, units, minutes=minutes, on_network_col="on_network")


# --------------------------------------------------------------------------------------------
# Networks, units and centres
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedNetwork:
    """A network with a description of where it came from.

    Attributes
    ----------
    network : Network
        The network.
    label : str
        What to print in results' ``network`` field.
    bundled : bool
        True for the bundled planning-level network.
    """

    network: Network
    label: str
    bundled: bool


def open_network(path: Path | None = None, *, nodes: Path | None = None) -> LoadedNetwork:
    """Load the bundled planning-level network, or a network file by its extension.

    Parameters
    ----------
    path : Path, optional
        ``.csv`` edge list (or the same table as ``.parquet``/``.arrow``; with ``nodes``, a node
        table, for coordinates), ``.geojson``/``.json``
        edges, ``.graphml`` (OSMnx) or ``.osm.pbf``; default the bundled network.
    nodes : Path, optional
        Node CSV for a CSV edge list.

    Returns
    -------
    LoadedNetwork
    """
    from lanxi.io import networks as nio

    if path is None:
        return LoadedNetwork(nio.load_planning_network(), BUNDLED_NETWORK_NOTE, True)
    name = path.name.lower()
    if not path.exists():
        raise ValidationError([Problem(str(path), None, None, "network file not found")])
    if name.endswith((".csv", ".parquet", ".arrow", ".feather")):
        net = nio.read_edge_csv(path, nodes)
    elif name.endswith((".geojson", ".json")):
        net = nio.read_edge_geojson(path)
    elif name.endswith(".graphml"):
        net = nio.read_graphml(path)
    elif name.endswith(".pbf"):
        net = nio.read_osm_pbf(path)
    else:
        raise ValidationError(
            [
                Problem(
                    path.name,
                    None,
                    None,
                    "unknown network format; expected .csv (or .parquet, .arrow), .geojson, "
                    ".graphml or .osm.pbf",
                )
            ]
        )
    return LoadedNetwork(net, f"user network {path.name} (--network)", False)


@lru_cache(maxsize=1)
def _seats() -> pd.DataFrame:
    """Bundled seat coordinates of the 39 county units: index code, columns lon, lat."""
    from lanxi.io.networks import planning_data_dir

    df = pd.read_csv(planning_data_dir() / "lanxi_planning_nodes.csv", dtype=str)
    df = df[df["kind"] == "county_seat"]
    out = pd.DataFrame(
        {"lon": df["lon"].astype(float).to_numpy(), "lat": df["lat"].astype(float).to_numpy()},
        index=pd.Index(df["region_code"].astype(str), name="code"),
    )
    return out.sort_index()


def _nearest_nodes(net: Network, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest network node (position) to each point, and the distance in km."""
    from scipy.spatial import cKDTree

    ok = np.isfinite(net.lon) & np.isfinite(net.lat)
    if not ok.any():
        raise ValidationError(
            [Problem("network", None, "lon/lat", "nodes have no coordinates; cannot snap places")]
        )
    lat0 = float(np.nanmean(net.lat[ok]))
    kx, ky = 111.320 * math.cos(math.radians(lat0)), 110.574
    cand = np.flatnonzero(ok)
    tree = cKDTree(np.column_stack([net.lon[cand] * kx, net.lat[cand] * ky]))
    dist, j = tree.query(np.column_stack([lon * kx, lat * ky]))
    return cand[j], np.asarray(dist, dtype=float)


def max_snap_km() -> float:
    """The snapping limit of the setting ``LANXI_ACCESS_MAX_SNAP_KM`` (default 5 km)."""
    from lanxi.settings import get_settings

    return float(get_settings().access_max_snap_km)


def unit_nodes(net: Network, max_snap: float | None = None) -> pd.DataFrame:
    """The node of each of the plan's 39 county-level units on a network.

    Parameters
    ----------
    net : Network
        The network.
    max_snap : float, optional
        Snapping limit in km; default :func:`max_snap_km` (the setting).

    Returns
    -------
    pandas.DataFrame
        Index ``code``; columns ``name``, ``prefecture_code``, ``prefecture``, ``node_id``,
        ``snap_km`` (0 when the network has a node whose id is the code, as the bundled network
        does; else the distance from the bundled seat coordinate to the nearest node) and
        ``on_network`` (``snap_km`` ≤ the limit).
    """
    limit = max_snap_km() if max_snap is None else float(max_snap)
    seats = _seats()
    codes = seats.index.to_numpy()
    ids = pd.Index(net.node_ids)
    pos = ids.get_indexer(pd.Index(codes, dtype=object))
    snap = np.zeros(len(codes))
    miss = pos < 0
    if miss.any():
        p, d = _nearest_nodes(net, seats["lon"].to_numpy()[miss], seats["lat"].to_numpy()[miss])
        pos[miss] = p
        snap[miss] = d
    return pd.DataFrame(
        {
            "name": [_name(c) for c in codes],
            "prefecture_code": [_prefecture_of(c) for c in codes],
            "prefecture": [_name(_prefecture_of(c)) for c in codes],
            "node_id": net.node_ids[pos],
            "snap_km": np.round(snap, 3),
            "on_network": snap <= limit,
        },
        index=pd.Index(codes, name="code"),
    )


def _off_network(part: str, code: str, snap: float, limit: float) -> ValidationError:
    return ValidationError(
        [
            Problem(
                "network",
                None,
                "--center",
                f"{part}: the seat of {code} {_name(code)} is {snap:,.1f} km from the nearest node "
                f"of the network (limit {limit:g} km, LANXI_ACCESS_MAX_SNAP_KM): the network does "
                "not cover this place; use a network of the area or raise the limit",
                message_zh=f"{part}：{_name(code)}（{code}）驻地距网络最近节点 {snap:,.1f} 公里，"
                f"超过吸附上限 {limit:g} 公里（LANXI_ACCESS_MAX_SNAP_KM）：该网络未覆盖此地",
            )
        ]
    )


def check_minutes(minutes: float) -> float:
    """Refuse a time budget that is not a finite number ≥ 0 (``--minutes inf`` or ``nan``)."""
    if not math.isfinite(minutes) or minutes < 0:
        raise ValidationError(
            [
                Problem(
                    "--minutes",
                    None,
                    "minutes",
                    "must be a finite number of minutes ≥ 0",
                    minutes,
                    message_zh="分钟数须为不小于 0 的有限数",
                )
            ]
        )
    return float(minutes)


@dataclass(frozen=True)
class Centre:
    """Centres of a circle, resolved to network nodes.

    Attributes
    ----------
    query : str
        What the user gave.
    nodes : list
        Network node ids.
    labels : list of str
        A readable name per node.
    rule : str
        How each part of the query was resolved.
    """

    query: str
    nodes: list[object]
    labels: list[str]
    rule: str


def _node_name(net: Network, node: object) -> str:
    if "name" in net.nodes.columns and node in net.nodes.index:
        v = net.nodes.at[node, "name"]
        if isinstance(v, str) and v:
            return v
    return _name(str(node)) or str(node)


def resolve_centres(net: Network, query: str, *, max_snap: float | None = None) -> Centre:
    """Resolve ``--center``: node ids, county units or prefectures, comma-separated.

    Parameters
    ----------
    net : Network
        The network.
    query : str
        E.g. ``西宁市``, ``630102``, ``城东区``, ``xining_station`` or ``兰州市,西宁市``.
    max_snap : float, optional
        Snapping limit in km (default the setting ``LANXI_ACCESS_MAX_SNAP_KM``).

    Returns
    -------
    Centre

    Raises
    ------
    NotFoundError
        Naming each part that is neither a node, a county-level unit nor a prefecture.
    ValidationError
        When a county unit's or prefecture's seat is farther from the network than the limit
        (the network does not cover it: a Helsinki street network and ``--center 西宁市``).
    """
    regions = plan_regions()
    limit = max_snap_km() if max_snap is None else float(max_snap)
    units = unit_nodes(net, limit)
    nodes: list[object] = []
    rules: list[str] = []
    unknown: list[str] = []
    id_index = pd.Index(net.node_ids.astype(str))
    for part in [p.strip() for p in re.split(r"[,，、]", query) if p.strip()]:
        hits = regions.index[
            (regions.index == part) | (regions["name"] == part) | (regions["name_en"] == part)
        ]
        if not len(hits):
            short = regions["name"].map(_short_name)
            hits = regions.index[(short == part) & regions["level"].isin(SCOPES)]
        if part in id_index and not len(hits):
            node = net.node_ids[id_index.get_loc(part)]
            nodes.append(node)
            rules.append(f"{part}: node id")
            continue
        if len(hits) == 1:
            code = str(hits[0])
            level = regions.at[code, "level"]
            if level == "county":
                if not units.at[code, "on_network"]:
                    raise _off_network(part, code, float(units.at[code, "snap_km"]), limit)
                node = units.at[code, "node_id"]
                rules.append(f"{part}: county-level unit {code} → its seat node {node}")
                nodes.append(node)
                continue
            if level == "prefecture":
                members = units[units["prefecture_code"] == code]
                first = str(members.index.min())
                if not members.at[first, "on_network"]:
                    raise _off_network(part, first, float(members.at[first, "snap_km"]), limit)
                node = members.at[first, "node_id"]
                rules.append(
                    f"{part}: prefecture {code} → seat of its lowest-coded county-level unit "
                    f"{first} {_name(first)} (node {node})"
                )
                nodes.append(node)
                continue
        names = net.nodes["name"] if "name" in net.nodes.columns else pd.Series(dtype=str)
        by_name = names.index[names == part]
        if len(by_name) == 1:
            nodes.append(by_name[0])
            rules.append(f"{part}: node named {part}")
            continue
        unknown.append(part)
    if unknown:
        raise NotFoundError(
            f"centre not found: {', '.join(unknown)}; give a node id of the network, a "
            "county-level unit (code or name, e.g. 630102 or 城东区) or a prefecture (e.g. 西宁市)"
        )
    if not nodes:
        raise NotFoundError("no centre given")
    unique = list(dict.fromkeys(nodes))
    return Centre(query, unique, [_node_name(net, n) for n in unique], "; ".join(rules))


def _short_name(name: str) -> str:
    """Drop one trailing 市/州/县/区: ``西宁市`` → ``西宁``, ``兰州市`` → ``兰州``."""
    return name[:-1] if len(name) > 2 and name[-1] in "市州县区" else name


def _finite(x: float) -> float | None:
    return None if not np.isfinite(x) else round(float(x), 2)


# --------------------------------------------------------------------------------------------
# Travel-time matrix, isochrone, circle
# --------------------------------------------------------------------------------------------


def travel_times(
    loaded: LoadedNetwork,
    origins: Sequence[str] | None = None,
    destinations: Sequence[str] | None = None,
    *,
    chunk: int = 64,
    progress: Callable[[int, int], None] | None = None,
) -> list[dict[str, Any]]:
    """Travel-time matrix as long records (one per origin–destination pair).

    Parameters
    ----------
    loaded : LoadedNetwork
        From :func:`open_network`.
    origins, destinations : sequence of str, optional
        Each item resolved as in :func:`resolve_centres`; default the 39 county units' seats.
    chunk : int
        Origins per shortest-path call (the progress step).
    progress : callable, optional
        Called with ``(done, total)`` origins after each chunk.

    Returns
    -------
    list of dict
        ``origin``, ``origin_name``, ``destination``, ``destination_name``, ``minutes`` (null
        when unreachable, or when a default seat is off the network — farther from it than
        ``LANXI_ACCESS_MAX_SNAP_KM``), ``scope`` (``county`` for the default sets, else ``node``),
        ``network``.
    """
    net = loaded.network
    units = unit_nodes(net)

    def side(
        items: Sequence[str] | None,
    ) -> tuple[list[object], list[str], list[str], np.ndarray]:
        if not items:
            return (
                list(units["node_id"]),
                list(units.index),
                list(units["name"]),
                units["on_network"].to_numpy(dtype=bool),
            )
        nodes, keys, names = [], [], []
        for it in items:
            c = resolve_centres(net, it)
            nodes.append(c.nodes[0])
            keys.append(it)
            names.append(c.labels[0])
        return nodes, keys, names, np.ones(len(nodes), dtype=bool)

    o_nodes, o_keys, o_names, o_on = side(origins)
    d_nodes, d_keys, d_names, d_on = side(destinations)
    scope = "county" if not origins and not destinations else "node"
    total = len(o_nodes)
    blocks = []
    for start in range(0, total, chunk):
        blocks.append(travel_time_matrix(net, o_nodes[start : start + chunk], d_nodes))
        if progress is not None:
            progress(min(start + chunk, total), total)
    mat = np.vstack(blocks) if blocks else np.empty((0, len(d_nodes)))
    # a seat farther from the network than the snapping limit has no time (null), not 0 minutes
    mat[~o_on, :] = np.nan
    mat[:, ~d_on] = np.nan
    label = "bundled planning-level network" if loaded.bundled else loaded.label
    return [
        {
            "origin": o_keys[i],
            "origin_name": o_names[i],
            "destination": d_keys[j],
            "destination_name": d_names[j],
            "minutes": _finite(mat[i, j]),
            "scope": scope,
            "network": label,
        }
        for i in range(total)
        for j in range(len(d_nodes))
    ]


def isochrone(loaded: LoadedNetwork, center: str, minutes: float) -> dict[str, Any]:
    """Nodes reached within ``minutes`` of the centre(s), with their times.

    Parameters
    ----------
    loaded : LoadedNetwork
        From :func:`open_network`.
    center : str
        As in :func:`resolve_centres`.
    minutes : float
        Time budget.

    Returns
    -------
    dict
        ``centre`` (query, nodes, names, rule), ``minutes``, ``scope`` (``node``), ``network``
        ``share_population``, ``population_covered`` and ``population_total`` (as in
        :func:`circle`, :func:`population_coverage`), ``population_note`` and ``nodes``: one
        record per reached node (``node_id``, ``name``, ``kind``, ``region_code``,
        ``minutes``), by time.
    """
    minutes = check_minutes(minutes)
    net = loaded.network
    c = resolve_centres(net, center)
    t = reachable_nodes(net, c.nodes, minutes)
    pop = population_coverage(net, c.nodes, minutes)
    kinds = net.nodes["kind"] if "kind" in net.nodes.columns else None
    codes = net.nodes["region_code"] if "region_code" in net.nodes.columns else None
    rows = []
    for node, m in t.items():
        rows.append(
            {
                "node_id": node,
                "name": _node_name(net, node),
                "kind": None if kinds is None else _str_or_none(kinds.get(node)),
                "region_code": None if codes is None else _str_or_none(codes.get(node)),
                "minutes": round(float(m), 2),
            }
        )
    return {
        "centre": _centre_dict(c),
        "minutes": float(minutes),
        "scope": "node",
        "network": loaded.label,
        "share_population": None
        if pop.share_population is None
        else round(pop.share_population, 4),
        "population_covered": int(pop.units.loc[pop.units["covered"], "population"].sum()),
        "population_total": int(pop.units["population"].sum()),
        "population_note": POPULATION_NOTE,
        "nodes": rows,
    }


def _str_or_none(v: object) -> str | None:
    return v if isinstance(v, str) and v else None


def _centre_dict(c: Centre) -> dict[str, Any]:
    return {"query": c.query, "nodes": c.nodes, "names": c.labels, "rule": c.rule}


def circle(
    loaded: LoadedNetwork, center: str, minutes: float = 60.0, *, max_snap: float | None = None
) -> dict[str, Any]:
    """The N-minute circle around one or several centres: coverage of the 39 county units.

    Parameters
    ----------
    loaded : LoadedNetwork
        From :func:`open_network`.
    center : str
        As in :func:`resolve_centres`.
    minutes : float
        Threshold (60 for the 1-hour circle); a finite number ≥ 0.
    max_snap : float, optional
        Snapping limit in km (default the setting ``LANXI_ACCESS_MAX_SNAP_KM``, 5 km). A seat
        farther from the network is not on it: never covered, listed in ``off_network``.

    Returns
    -------
    dict
        ``centre``, ``minutes``, ``scope`` (``county``), ``network``, ``definition``,
        ``n_units``, ``n_covered``, ``n_unreachable`` (including the units off the network),
        ``max_snap_km``, ``n_off_network``, ``off_network`` (``code``, ``name``, ``prefecture``,
        ``snap_km``), ``share_county_units``, ``share_population``
        (:func:`population_coverage`: 2020 census, the 39 units and 兰州新区),
        ``population_covered``, ``population_total`` (persons), ``population_note``,
        ``weighted_mean_minutes`` (population-weighted), ``shares_by_kind`` (county seats, new
        areas, towns of the network), ``reached`` and ``not_reached`` (``code``, ``name``,
        ``prefecture``, ``minutes``, ``node_id``, ``snap_km``).
    """
    minutes = check_minutes(minutes)
    net = loaded.network
    limit = max_snap_km() if max_snap is None else float(max_snap)
    units = unit_nodes(net, limit)
    if not units["on_network"].any():
        nearest = float(units["snap_km"].min())
        raise ValidationError(
            [
                Problem(
                    "network",
                    None,
                    None,
                    f"the network does not cover the plan area: the nearest county seat is "
                    f"{nearest:,.1f} km from any node (limit {limit:g} km, "
                    "LANXI_ACCESS_MAX_SNAP_KM)",
                    message_zh=f"网络未覆盖规划范围：最近的县级驻地距网络节点 {nearest:,.1f} 公里"
                    f"（吸附上限 {limit:g} 公里）",
                )
            ]
        )
    c = resolve_centres(net, center, max_snap=limit)
    res = coverage(
        net, c.nodes, units, minutes=minutes, population_col=None, on_network_col="on_network"
    )
    pop = population_coverage(net, c.nodes, minutes, max_snap=limit)
    t = res.units["minutes"].to_numpy()
    records = []
    for i, (code, u) in enumerate(units.iterrows()):
        records.append(
            {
                "code": code,
                "name": u["name"],
                "prefecture": u["prefecture"],
                "minutes": _finite(t[i]),
                "covered": bool(res.units["covered"].iloc[i]),
                "node_id": u["node_id"] if u["on_network"] else None,
                "snap_km": float(u["snap_km"]),
                "on_network": bool(u["on_network"]),
            }
        )
    records.sort(key=lambda r: (r["minutes"] is None, r["minutes"] or 0.0, r["code"]))
    note = POPULATION_NOTE
    return {
        "centre": _centre_dict(c),
        "minutes": float(minutes),
        "scope": "county",
        "network": loaded.label,
        "definition": CIRCLE_DEFINITION,
        "n_units": res.n_units,
        "n_covered": res.n_covered,
        "n_unreachable": res.n_unreachable,
        "max_snap_km": limit,
        "n_off_network": int((~units["on_network"]).sum()),
        "off_network": [
            {
                "code": r["code"],
                "name": r["name"],
                "prefecture": r["prefecture"],
                "snap_km": r["snap_km"],
            }
            for r in records
            if not r["on_network"]
        ],
        "share_county_units": round(res.share_units, 4),
        "share_population": None
        if pop.share_population is None
        else round(pop.share_population, 4),
        "population_covered": int(pop.units.loc[pop.units["covered"], "population"].sum()),
        "population_total": int(pop.units["population"].sum()),
        "population_note": note,
        "weighted_mean_minutes": _finite(pop.weighted_mean_minutes),
        "shares_by_kind": _shares_by_kind(net, c.nodes, minutes),
        "reached": [r for r in records if r["covered"]],
        "not_reached": [r for r in records if not r["covered"]],
    }


def _shares_by_kind(net: Network, centres: list[object], minutes: float) -> list[dict[str, Any]]:
    if "kind" not in net.nodes.columns:
        return []
    t = reachable_nodes(net, centres, minutes)
    kinds = net.nodes["kind"]
    out = []
    for kind in PLACE_KINDS:
        members = kinds.index[kinds == kind]
        if not len(members):
            continue
        n_cov = int(pd.Index(members).isin(t.index).sum())
        out.append(
            {
                "kind": kind,
                "n_nodes": len(members),
                "n_covered": n_cov,
                "share": round(n_cov / len(members), 4),
            }
        )
    return out


# --------------------------------------------------------------------------------------------
# GeoJSON for the web
# --------------------------------------------------------------------------------------------


def _point(net: Network, node: object) -> dict[str, Any] | None:
    i = int(net.index(node)[0])
    if not (np.isfinite(net.lon[i]) and np.isfinite(net.lat[i])):
        return None
    return {"type": "Point", "coordinates": [float(net.lon[i]), float(net.lat[i])]}


def _polygon_feature(
    net: Network, centres: list[object], minutes: float, props: Mapping[str, Any]
) -> dict[str, Any]:
    geom = isochrone_polygon(net, centres, minutes)
    return {
        "type": "Feature",
        "properties": {"kind": "isochrone", "minutes": float(minutes), **props},
        "geometry": shapely.geometry.mapping(geom) if not geom.is_empty else None,
    }


def isochrone_geojson(loaded: LoadedNetwork, result: Mapping[str, Any]) -> dict[str, Any]:
    """A FeatureCollection (WGS 84 lon/lat) of an :func:`isochrone` result.

    One ``isochrone`` polygon (network-following, see
    :func:`lanxi.compute.access.isochrone_polygon`), then one ``node`` point per reached node.
    """
    net = loaded.network
    centres = result["centre"]["nodes"]
    feats = [
        _polygon_feature(
            net,
            centres,
            result["minutes"],
            {"centre": result["centre"]["query"], "network": result["network"]},
        )
    ]
    for r in result["nodes"]:
        feats.append(
            {
                "type": "Feature",
                "properties": {"kind": "node", **r},
                "geometry": _point(net, r["node_id"]),
            }
        )
    return {"type": "FeatureCollection", "features": feats}


def circle_geojson(loaded: LoadedNetwork, result: Mapping[str, Any]) -> dict[str, Any]:
    """A FeatureCollection (WGS 84 lon/lat) of a :func:`circle` result.

    The 39 county boundaries (``lanxi.data.boundaries``) with ``minutes`` and ``covered``, the
    isochrone polygon, and the centre point(s).
    """
    from lanxi.data.boundaries import load_boundaries

    net = loaded.network
    by_code = {r["code"]: r for r in [*result["reached"], *result["not_reached"]]}
    feats: list[dict[str, Any]] = []
    for f in load_boundaries("county")["features"]:
        code = str(f["properties"].get("code"))
        r = by_code.get(code, {})
        feats.append(
            {
                "type": "Feature",
                "properties": {
                    "kind": "county",
                    "code": code,
                    "name": f["properties"].get("name"),
                    "minutes": r.get("minutes"),
                    "covered": r.get("covered"),
                    "scope": "county",
                },
                "geometry": f["geometry"],
            }
        )
    centres = result["centre"]["nodes"]
    feats.append(
        _polygon_feature(
            net,
            centres,
            result["minutes"],
            {"centre": result["centre"]["query"], "network": result["network"]},
        )
    )
    for node, name in zip(centres, result["centre"]["names"], strict=True):
        feats.append(
            {
                "type": "Feature",
                "properties": {"kind": "centre", "node_id": node, "name": name},
                "geometry": _point(net, node),
            }
        )
    return {"type": "FeatureCollection", "features": feats}
