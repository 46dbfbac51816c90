"""Rail in the bundled network: through station nodes, with waits, in-vehicle times as the boards.

The board times (``data/rail_board_times_lanzhou_xining.csv``, see ``data/README.md``) are the
departure → arrival times of the trains that appear on two of the 兰州西 / 兰州 / 西宁 boards
(about December 2020). They are the validation; the network is built without reading them for
its in-vehicle times (``scripts/build_rail_network.py``: OSM station coordinates, detour factor,
0.8 × design speed, a 2-minute stop allowance per leg). The boards hold no 海东 station: the
Xining–Haidong time cannot be checked against them.
"""

from __future__ import annotations

import statistics
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.sparse.csgraph import dijkstra

from lanxi.compute.access import travel_time_matrix
from lanxi.io.networks import load_planning_network, planning_data_dir

BOARDS = Path(__file__).parent / "data" / "rail_board_times_lanzhou_xining.csv"


@pytest.fixture(scope="module")
def net():
    return load_planning_network()


def _board_minutes(a: str, b: str, types: set[str] | None = None) -> list[int]:
    df = pd.read_csv(BOARDS, dtype=str)
    df = df[(df["from_station"] == a) & (df["to_station"] == b)]
    if types is not None:
        df = df[df["train_type"].isin(types)]

    def m(t: str) -> int:
        h, mm = t.split(":")
        return int(h) * 60 + int(mm)

    return [(m(r.arrival) - m(r.departure)) % 1440 for r in df.itertuples()]


@pytest.mark.parametrize(("a", "b"), [("兰州西", "西宁"), ("西宁", "兰州西")])
def test_high_speed_in_vehicle_time_within_10_percent_of_the_boards(net, a, b) -> None:
    ids = {"兰州西": "lanzhou_west_station", "西宁": "xining_station"}
    board = _board_minutes(a, b, {"动车组"})  # the EMUs on the 兰新客专
    assert len(board) >= 20
    model = travel_time_matrix(net.restrict(["hsr"]), [ids[a]], [ids[b]])[0, 0]
    median = statistics.median(board)
    assert abs(model - median) <= 0.10 * median, (model, median, min(board))
    assert model >= min(board) - 1  # no longer faster than the fastest train


@pytest.mark.parametrize(("a", "b"), [("兰州", "西宁"), ("西宁", "兰州")])
def test_conventional_in_vehicle_time_within_10_percent_of_the_boards(net, a, b) -> None:
    ids = {"兰州": "lanzhou_station", "西宁": "xining_station"}
    board = _board_minutes(a, b)  # every train between 兰州 and 西宁 runs on the 兰青 line
    assert len(board) >= 15
    model = travel_time_matrix(net.restrict(["rail"]), [ids[a]], [ids[b]])[0, 0]
    median = statistics.median(board)
    assert abs(model - median) <= 0.10 * median, (model, median)


def test_the_high_speed_line_runs_through_stations_not_county_seats(net) -> None:
    hsr = net.restrict(["hsr"])
    i = hsr.index(["lanzhou_west_station"])[0]
    _, pred = dijkstra(hsr.times, indices=i, return_predecessors=True)
    j = int(hsr.index(["xining_station"])[0])
    path = []
    while j != i:
        path.append(str(hsr.node_ids[j]))
        j = int(pred[j])
    kinds = set(net.nodes.loc[path, "kind"])
    assert kinds == {"station"}, path
    assert "haishiwan_station" in path and "620111" not in path


def test_boarding_waits_and_egress_does_not(net) -> None:
    edges = pd.read_csv(planning_data_dir() / "lanxi_planning_edges.csv", dtype=str)
    acc = edges[(edges["class"] == "access") & edges["wait_min"].notna()]
    stations = set(net.nodes.index[net.nodes["kind"] == "station"])
    board = acc[acc["v"].isin(stations)]
    alight = acc[acc["u"].isin(stations)]
    assert (board["wait_min"].astype(float) > 0).all() and (alight["wait_min"] == "0").all()
    # minutes = access at 30 km/h + the wait, by the documented rule
    exp = board["length_km"].astype(float) / 30 * 60 + board["wait_min"].astype(float)
    assert np.allclose(board["minutes"].astype(float), exp, atol=0.02)
    # every station node is reached from some county seat or area node, and left to one
    assert stations - {"hekou_south_station"} <= set(board["v"]) and set(alight["u"]) <= stations
    # the 西宁 wait: half of 960 min / the corridor trains leaving 西宁 06:00-22:00 on the board
    xn = board[board["v"] == "xining_station"].iloc[0]
    assert "timetable board 西宁" in xn["basis"]
