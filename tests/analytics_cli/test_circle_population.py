"""The circle's population share from the 2020 census, recomputed by hand on a small network."""

from __future__ import annotations

import pandas as pd
import pytest

from lanxi.compute.access import network_from_frames
from lanxi.io.networks import planning_data_dir
from lanxi.services.analytics import LoadedNetwork, circle, isochrone

# 2020 census resident populations, typed from shared/data/census2020/county_population_2020_key.csv
CHENGDONG, CHENGZHONG, CHENGXI, CHENGBEI = 489372, 325813, 326866, 417701  # 西宁 630102…105
CHENGGUAN = 1484016  # 兰州 城关区 620102
NEW_AREA = 288200  # 兰州新区 620171
TOTAL = 12190082 + NEW_AREA  # Σ of the 39 county units + 兰州新区


@pytest.fixture(scope="module")
def loaded() -> LoadedNetwork:
    # the bundled seats of the 39 units and the 兰州新区 node, joined only by these edges:
    # 城中 —10— 城东 —50— 城西 —5— 城北 (西宁), 城关 —30— 兰州新区; every other seat isolated
    nodes = pd.read_csv(planning_data_dir() / "lanxi_planning_nodes.csv", dtype={"node_id": str})
    nodes = nodes[nodes["kind"].isin(["county_seat", "new_area"])]
    nodes = nodes[(nodes["kind"] == "county_seat") | (nodes["node_id"] == "lanzhou_xinqu")]
    edges = pd.DataFrame(
        {
            "u": ["630103", "630102", "630104", "620102"],
            "v": ["630102", "630104", "630105", "lanzhou_xinqu"],
            "minutes": [10.0, 50.0, 5.0, 30.0],
        }
    )
    net = network_from_frames(
        edges, nodes[["node_id", "name", "kind", "region_code", "lon", "lat"]]
    )
    return LoadedNetwork(net, "test network", bundled=False)


def test_share_population_by_hand(loaded: LoadedNetwork) -> None:
    res = circle(loaded, "630103", 60)
    # 城中 0 min, 城东 10, 城西 60 (inclusive) are in; 城北 65 is out
    assert res["n_units"] == 39 and res["n_covered"] == 3
    covered = CHENGZHONG + CHENGDONG + CHENGXI
    assert res["population_covered"] == covered == 1142051
    assert res["population_total"] == TOTAL == 12478282
    assert res["share_population"] == pytest.approx(round(1142051 / 12478282, 4))
    assert res["share_population"] == 0.0915
    assert res["share_county_units"] == round(3 / 39, 4)
    # population-weighted mean time over the reachable units (the four 西宁 districts)
    t = (CHENGZHONG * 0 + CHENGDONG * 10 + CHENGXI * 60 + CHENGBEI * 65) / (
        CHENGZHONG + CHENGDONG + CHENGXI + CHENGBEI
    )
    assert res["weighted_mean_minutes"] == pytest.approx(t, abs=0.01)


def test_new_area_counts_its_people_at_its_own_node(loaded: LoadedNetwork) -> None:
    res = circle(loaded, "620102", 45)
    # 城关 and 兰州新区 (30 min): one county unit, two populations
    assert res["n_covered"] == 1
    assert res["population_covered"] == CHENGGUAN + NEW_AREA == 1772216
    assert res["share_population"] == round(1772216 / 12478282, 4) == 0.142
    iso = isochrone(loaded, "620102", 45)
    assert (iso["share_population"], iso["population_covered"]) == (0.142, 1772216)


def test_cli_circle_reports_census_share() -> None:
    import json

    from typer.testing import CliRunner

    from lanxi.cli.main import app

    res = CliRunner().invoke(
        app, ["access", "circle", "--center", "西宁市", "--minutes", "60", "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    body = json.loads(res.stdout)
    assert body["share_population"] is not None and 0 < body["share_population"] < 1
    assert body["population_total"] == TOTAL
    # the share is the covered people over the total, as printed
    assert body["share_population"] == round(body["population_covered"] / TOTAL, 4)
