"""Rebuild the rail layer of the bundled planning network through station nodes.

Run from the repository root::

    python scripts/build_rail_network.py

What it does (see ``src/lanxi/data/networks/README.md``, "Rail"):

* station nodes at their OpenStreetMap coordinates (``osm_railway_stations.csv``, ODbL 1.0,
  © OpenStreetMap contributors; the rows needed are bundled in ``lanxi/data/networks``); a station
  the OSM extract does not name is placed at the seat it serves and marked approximate;
* every high-speed (``hsr``) and conventional (``rail``) line as a chain of station-to-station
  legs: length = great-circle × detour (1.10 / 1.25), in-vehicle minutes = length / speed
  (0.8 × design speed) + a stop allowance per leg (dwell, braking and acceleration);
* access/egress links between each station and the county seat(s) it serves (class
  ``access``, great-circle × 1.30 at 30 km/h), one way each: seat → station carries the
  expected wait (``WAIT_FACTOR`` × the station's headway), station → seat none;
* headways: from the timetable boards in ``../shared/data/rail`` where the station has a board
  (trains of the 兰州—西宁 corridor leaving between 06:00 and 22:00), else the class default.

Roads and other edges are kept as they are. The script is idempotent.
"""

from __future__ import annotations

import csv
import itertools
import math
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
NET = ROOT / "src" / "lanxi" / "data" / "networks"
SHARED_RAIL = ROOT.parent / "shared" / "data" / "rail"
R = 6371.0088

#: Share of the headway waited on average (random arrivals: half the headway).
WAIT_FACTOR = 0.5
#: Headway used where no board gives one (minutes), by the classes a station serves.
DEFAULT_HEADWAY = {"hsr": 60.0, "rail": 120.0}
#: Minutes added to every rail leg for the stop at its end (dwell, braking, acceleration).
STOP_ALLOWANCE = {"hsr": 2.0, "rail": 2.0}
SPEED = {"hsr": (200.0, 250.0), "rail": (96.0, 120.0)}  # (used, design) km/h
DETOUR = {"hsr": 1.10, "rail": 1.25}
ACCESS_DETOUR, ACCESS_SPEED = 1.30, 30.0
#: Operating window for headways from the boards (minutes of the day).
WINDOW = (6 * 60, 22 * 60)

OSM_SOURCE = (
    "OpenStreetMap railway station '{osm}' (© OpenStreetMap contributors, ODbL 1.0; extract "
    "2025-01 via OpenQGIS/OMap-GeoDB@29eeb63f), lanxi/data/networks/osm_railway_stations.csv"
)
APPROX_SOURCE = (
    "approximate: no named station in the OSM extract; placed at the seat it serves ({seat}) "
    "so that the line still runs through a station node with access and waiting"
)

# node_id, name, OSM name (None: approximate at the seat), seats served, board name
STATIONS: list[tuple[str, str, str | None, tuple[str, ...], str | None]] = [
    ("lanzhou_west_station", "兰州西站", "兰州西", ("620103",), "兰州西"),
    ("lanzhou_station", "兰州站", "兰州", ("620102",), "兰州"),
    ("xining_station", "西宁站", "西宁", ("630102",), "西宁"),
    ("haishiwan_station", "海石湾站（红古）", "海石湾", ("620111",), None),
    ("minhe_south_station", "民和南站", "民和南", ("630222",), None),
    ("haidong_station", "海东站（原乐都南站）", "海东", ("630202",), None),
    ("haidong_west_station", "海东西站（平安）", "海东西", ("630203",), None),
    ("xigu_station", "西固站", "西固", ("620104",), None),
    ("ledu_station", "乐都站", "乐都", ("630202",), None),
    ("pingan_station", "平安驿站", "平安驿", ("630203",), None),
    ("hekou_south_station", "河口南站", "河口南", (), None),
    ("yuzhong_station", "榆中站", "榆中", ("620123",), None),
    ("dingxi_north_station", "定西北站", None, ("621102",), None),
    ("qinwangchuan_station", "兰州新区站（秦王川）", None, ("lanzhou_xinqu",), None),
    ("baiyin_south_station", "白银南站", None, ("620402",), None),
    ("jingyuan_north_station", "靖远北站", None, ("620421",), None),
    ("pingchuan_west_station", "平川西站", None, ("620403",), None),
    ("yongdeng_station", "永登站", None, ("620121",), None),
    ("huangyuan_station", "湟源站", None, ("630123",), None),
    ("haiyan_station", "海晏站", None, ("632223",), None),
]

SPEED_NOTE = {
    "hsr": "speed = 0.8 x 250 km/h design speed (兰新客专 / 中兰 / 宝兰 / 中川城际); 0.8 = planning "  # noqa: E501
    "allowance for curves and grades",
    "rail": "speed = 0.8 x design speed of a conventional line (assumed 120 km/h; approximate)",
}
# line name, class, station sequence, basis
LINES: list[tuple[str, str, list[str], str]] = [
    (
        "兰新客专（兰新高铁）兰州西—西宁",
        "hsr",
        [
            "lanzhou_west_station",
            "haishiwan_station",
            "minhe_south_station",
            "haidong_station",
            "haidong_west_station",
            "xining_station",
        ],
        "兰新客专兰州至西宁段 named in 003_cf9ffa16fafa6b65.txt § 协同推进铁路建设 / 构建公路运输网; "  # noqa: E501
        "stations 兰州西, 海石湾, 民和南, 海东, 海东西, 西宁 (OSM)",
    ),
    (
        "中川城际 兰州西—中川机场",
        "hsr",
        ["lanzhou_west_station", "zhongchuan_airport"],
        "兰州（中川机场）—张掖铁路 named in 001; 兰州西至中川机场 61 km (news 2024-12-19) not used: "  # noqa: E501
        "great circle x 1.10 between the OSM station and the airport node",
    ),
    (
        "中兰高铁 中川—兰州新区（秦王川）—白银—靖远—平川",
        "hsr",
        [
            "zhongchuan_airport",
            "qinwangchuan_station",
            "baiyin_south_station",
            "jingyuan_north_station",
            "pingchuan_west_station",
        ],
        "兰州—中卫高速铁路 named in 001_ff21d5f6d73a90f5.txt § 第一节 畅通综合交通运输网络 / 专栏5; "  # noqa: E501
        "design 250 km/h (中兰段 opening reports 2022-12-29)",
    ),
    (
        "宝兰高铁 兰州西—榆中—定西北",
        "hsr",
        ["lanzhou_west_station", "yuzhong_station", "dingxi_north_station"],
        "陇海—兰新通道 named in 001_ff21d5f6d73a90f5.txt § 第一节 畅通综合交通运输网络 / 专栏5",
    ),
    (
        "兰青铁路（既有线）兰州—西宁",
        "rail",
        [
            "lanzhou_station",
            "xigu_station",
            "haishiwan_station",
            "ledu_station",
            "pingan_station",
            "xining_station",
        ],
        "conventional 兰州—西宁 line (the brief's '兰新铁路' Lanzhou–Xining section is 兰青铁路); "
        "stations 兰州, 西固, 海石湾, 乐都, 平安驿, 西宁 (OSM); 民和 has no station node (民和南 on "  # noqa: E501
        "the high-speed line serves it)",
    ),
    (
        "兰新铁路（既有线）兰州—永登",
        "rail",
        ["lanzhou_station", "lanzhou_west_station", "hekou_south_station", "yongdeng_station"],
        "陇海—兰新通道 named in 001_ff21d5f6d73a90f5.txt § 第一节 畅通综合交通运输网络 / 专栏5",
    ),
    (
        "青藏铁路 西宁—湟源—海晏",
        "rail",
        ["xining_station", "huangyuan_station", "haiyan_station"],
        "青藏铁路扩能 named in 001_ff21d5f6d73a90f5.txt § 第一节 畅通综合交通运输网络 / 专栏5",
    ),
]


def gc_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * R * math.asin(math.sqrt(h))


def _minute(t: str) -> int | None:
    if ":" not in t:
        return None
    h, m = t.split(":")
    return int(h) * 60 + int(m)


def board_headways() -> dict[str, tuple[float, int]]:
    """Headway (minutes) and train count per boarded station, from ../shared boards."""
    boards = {}
    for name in ("兰州西", "兰州", "西宁"):
        path = SHARED_RAIL / f"timetable_board_{name}.csv"
        with path.open(encoding="utf-8") as f:
            boards[name] = {r["车次"].lstrip("始终过"): r for r in csv.DictReader(f)}
    out = {}
    for name, board in boards.items():
        other = boards["西宁"] if name != "西宁" else {**boards["兰州西"], **boards["兰州"]}
        n = 0
        for num, r in board.items():
            dep = _minute(r["发车时间"])
            if dep is None or not WINDOW[0] <= dep < WINDOW[1] or num not in other:
                continue
            arr = _minute(other[num]["到站时间"])
            if arr is not None and 0 < (arr - dep) % 1440 < 400:  # leaves here, reaches there
                n += 1
        out[name] = ((WINDOW[1] - WINDOW[0]) / n, n)
    return out


def main() -> int:
    nodes = pd.read_csv(NET / "lanxi_planning_nodes.csv", dtype=str, keep_default_na=False)
    edges = pd.read_csv(NET / "lanxi_planning_edges.csv", dtype=str, keep_default_na=False)
    osm_path = NET / "osm_railway_stations.csv"
    osm = pd.read_csv(osm_path, dtype=str, keep_default_na=False).set_index("name")
    seats = nodes.set_index("node_id")
    headways = board_headways() if SHARED_RAIL.exists() else {}
    if not headways:
        print("../shared/data/rail not found: keeping the headways in the bundled edges")

    station_ids = {s[0] for s in STATIONS}
    keep_nodes = nodes[~nodes["node_id"].isin(station_ids)]
    new_nodes = []
    where: dict[str, tuple[float, float]] = {}
    for node_id, name, osm_name, served, _board in STATIONS:
        if osm_name is not None:
            lon = round(float(osm.loc[osm_name, "lon"]), 5)
            lat = round(float(osm.loc[osm_name, "lat"]), 5)
            src = OSM_SOURCE.format(osm=osm_name)
        else:
            seat = seats.loc[served[0]]
            lon, lat = float(seat["lon"]), float(seat["lat"])
            src = APPROX_SOURCE.format(seat=f"{served[0]} {seat['name']}")
        where[node_id] = (lon, lat)
        new_nodes.append(
            {
                "node_id": node_id,
                "name": name,
                "kind": "station",
                "region_code": "",
                "lon": f"{lon}",
                "lat": f"{lat}",
                "population": "",
                "coord_source": src,
            }
        )
    for nid in ("zhongchuan_airport",):
        where[nid] = (float(seats.loc[nid, "lon"]), float(seats.loc[nid, "lat"]))
    out_nodes = pd.concat([keep_nodes, pd.DataFrame(new_nodes)], ignore_index=True)

    old_wait = {}
    if "wait_min" in edges:
        for r in edges[edges["class"] == "access"].to_dict("records"):
            if r["wait_min"]:
                old_wait[r["v"]] = float(r["wait_min"])
    is_station_access = (edges["class"] == "access") & (
        edges["u"].isin(station_ids) | edges["v"].isin(station_ids)
    )
    roads = edges[~edges["class"].isin(["hsr", "rail"]) & ~is_station_access].copy()
    for c in ("minutes", "in_vehicle_min", "wait_min"):
        if c not in roads:
            roads[c] = ""

    classes_at: dict[str, set[str]] = {}
    rows = []
    for line, cls, stops, basis in LINES:
        used, design = SPEED[cls]
        for a, b in itertools.pairwise(stops):
            classes_at.setdefault(a, set()).add(cls)
            classes_at.setdefault(b, set()).add(cls)
            length = round(gc_km(*where[a], *where[b]) * DETOUR[cls], 1)
            in_vehicle = round(length / used * 60 + STOP_ALLOWANCE[cls], 2)
            rows.append(
                {
                    "u": a,
                    "v": b,
                    "name": line,
                    "class": cls,
                    "length_km": f"{length}",
                    "length_method": f"great_circle_x{DETOUR[cls]:.2f}",
                    "speed_kmh": f"{used:g}",
                    "design_speed_kmh": f"{design:g}",
                    "oneway": "false",
                    "basis": f"{basis}; {SPEED_NOTE[cls]}; minutes = length / speed + "
                    f"{STOP_ALLOWANCE[cls]:g} min stop allowance (dwell, braking, acceleration)",
                    "minutes": f"{in_vehicle}",
                    "in_vehicle_min": f"{in_vehicle}",
                    "wait_min": "",
                }
            )
    board_of = {s[0]: s[4] for s in STATIONS}
    for node_id, name, _osm, served, _board in STATIONS:
        board = board_of[node_id]
        if board is not None and board in headways:
            headway, n = headways[board]
            h_basis = (
                f"headway {headway:.1f} min = 960 min / {n} corridor trains leaving 06:00-22:00 "
                f"(timetable board {board}, about 2020-12; not shipped)"
            )
            wait = round(WAIT_FACTOR * headway, 1)
        elif board is not None and node_id in old_wait:
            wait = old_wait[node_id]
            h_basis = f"wait {wait} min kept from the last build (timetable board {board})"
        else:
            headway = min(DEFAULT_HEADWAY[c] for c in classes_at.get(node_id, {"rail"}))
            wait = round(WAIT_FACTOR * headway, 1)
            h_basis = f"headway {headway:g} min = the class default (no timetable board)"
        for seat in served:
            lon, lat = float(seats.loc[seat, "lon"]), float(seats.loc[seat, "lat"])
            length = round(gc_km(lon, lat, *where[node_id]) * ACCESS_DETOUR, 1)
            access = round(length / ACCESS_SPEED * 60, 2)
            common = {
                "name": "站点接驳 station access/egress",
                "class": "access",
                "length_km": f"{length}",
                "length_method": f"great_circle_x{ACCESS_DETOUR:.2f}",
                "speed_kmh": f"{ACCESS_SPEED:g}",
                "design_speed_kmh": f"{ACCESS_SPEED:g}",
                "oneway": "true",
                "in_vehicle_min": "",
            }
            rows.append(
                {
                    **common,
                    "u": seat,
                    "v": node_id,
                    "basis": f"access from the seat to {name} at 30 km/h (assumption) plus the "
                    f"expected wait {WAIT_FACTOR:g} x headway; {h_basis}",
                    "minutes": f"{round(access + wait, 2)}",
                    "wait_min": f"{wait}",
                }
            )
            rows.append(
                {
                    **common,
                    "u": node_id,
                    "v": seat,
                    "basis": f"egress from {name} to the seat at 30 km/h (assumption); no wait",
                    "minutes": f"{access}",
                    "wait_min": "0",
                }
            )
    out_edges = pd.concat([roads, pd.DataFrame(rows)], ignore_index=True)
    out_nodes.to_csv(NET / "lanxi_planning_nodes.csv", index=False, lineterminator="\n")
    out_edges.to_csv(NET / "lanxi_planning_edges.csv", index=False, lineterminator="\n")
    print(f"{len(new_nodes)} station nodes, {len(rows)} rail and access edges")
    return 0


if __name__ == "__main__":
    sys.exit(main())
