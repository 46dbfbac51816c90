from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.sparse.csgraph import connected_components

from lanxi.compute.access import coverage, travel_time_matrix
from lanxi.io.networks import EARTH_RADIUS_KM, load_planning_network, planning_data_dir

COUNTY_CODES = [
    "620102",
    "620103",
    "620104",
    "620105",
    "620111",
    "620121",
    "620122",
    "620123",
    "620402",
    "620403",
    "620421",
    "620423",
    "621102",
    "621122",
    "621123",
    "621124",
    "622901",
    "622923",
    "622926",
    "622927",
    "630102",
    "630103",
    "630104",
    "630105",
    "630106",
    "630121",
    "630123",
    "630202",
    "630203",
    "630222",
    "630223",
    "630224",
    "630225",
    "632223",
    "632301",
    "632322",
    "632521",
    "632523",
    "632525",
]


@pytest.fixture(scope="module")
def net():
    return load_planning_network()


def test_has_the_39_county_units(net):
    assert len(COUNTY_CODES) == 39
    seats = net.nodes[net.nodes["kind"] == "county_seat"]
    assert sorted(seats["region_code"]) == sorted(COUNTY_CODES)
    assert (net.nodes["coord_source"].str.len() > 10).all()


def test_is_connected(net):
    n_comp, _ = connected_components(net.times, directed=True, connection="strong")
    assert n_comp == 1


def test_xining_reaches_ledu_within_an_hour(net):
    assert travel_time_matrix(net, ["630103"], ["630202"])[0, 0] <= 60


def test_lanzhou_xining_by_rail_60_to_80_minutes(net):
    rail = net.restrict(["hsr", "rail"])
    t = travel_time_matrix(rail, ["lanzhou_west_station"], ["xining_station"])[0, 0]
    assert 60 <= t <= 80


def test_lengths_follow_their_method(net):
    edges = pd.read_csv(planning_data_dir() / "lanxi_planning_edges.csv", dtype=str)
    nodes = pd.read_csv(planning_data_dir() / "lanxi_planning_nodes.csv", dtype=str).set_index(
        "node_id"
    )
    assert edges["basis"].str.len().gt(10).all()
    for r in edges.itertuples():
        if r.length_method == "cited":
            continue
        factor = float(r.length_method.removeprefix("great_circle_x"))
        lo1, la1, lo2, la2 = (
            float(nodes.loc[r.u, "lon"]),
            float(nodes.loc[r.u, "lat"]),
            float(nodes.loc[r.v, "lon"]),
            float(nodes.loc[r.v, "lat"]),
        )
        p1, p2 = math.radians(la1), math.radians(la2)
        h = (
            math.sin((p2 - p1) / 2) ** 2
            + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lo2 - lo1) / 2) ** 2
        )
        gc = 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))
        assert float(r.length_km) == pytest.approx(gc * factor, abs=0.06), (r.u, r.v)


def test_lanzhou_one_hour_circle_is_plausible(net):
    units = net.nodes[net.nodes["kind"] == "county_seat"].reset_index()
    r = coverage(net, ["620102"], units, minutes=60)
    assert 0 < r.share_units < 1
    assert r.share_population is None  # no bundled populations
    covered = set(r.units.loc[r.units["covered"], "node_id"])
    assert {"620102", "620103", "620104", "620105", "620402"} <= covered
    assert "632525" not in covered  # 贵南 is far beyond an hour
    assert np.isfinite(r.weighted_mean_minutes)
