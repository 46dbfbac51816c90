"""OSM readers: arcs follow the oneway tag (pyrosm returns a two-way road once); closed ways out."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lanxi.io.networks import read_osm_pbf
from lanxi.io.osm_pbf import closed_to_cars, direction, way_tags


def _arcs(net) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    c = net.times.tocoo()
    ids = net.node_ids
    return set(zip(ids[c.row].tolist(), ids[c.col].tolist(), strict=True))


@pytest.mark.parametrize(
    ("tags", "sense"),
    [
        ({}, 0),
        ({"oneway": "yes"}, 1),
        ({"oneway": "1"}, 1),
        ({"oneway": "-1"}, -1),
        ({"oneway": "reverse"}, -1),
        ({"oneway": "no", "highway": "motorway"}, 0),
        ({"highway": "motorway"}, 1),
        ({"junction": "roundabout"}, 1),
    ],
)
def test_direction(tags: dict[str, str], sense: int) -> None:
    assert direction(tags) == sense


@pytest.mark.parametrize(
    ("tags", "closed"),
    [
        ({"access": "private"}, True),
        ({"access": "no"}, True),
        ({"access": "private;delivery"}, True),
        ({"access": "no", "motor_vehicle": "yes"}, False),  # the specific tag decides
        ({"access": "yes", "motorcar": "no"}, True),
        ({"access": "destination"}, False),
        ({"access": "permissive"}, False),
        ({}, False),
    ],
)
def test_closed_to_cars(tags: dict[str, str], closed: bool) -> None:
    assert closed_to_cars(tags) is closed


def test_way_tags_merge_columns_and_json() -> None:
    rec = {"highway": "residential", "oneway": None, "tags": '{"access":"private","x":"1"}'}
    assert way_tags(rec) == {"access": "private", "x": "1", "highway": "residential"}


class _FakeOSM:
    """pyrosm's OSM for a three-way map: each segment once, in the way's direction."""

    def __init__(self, path: str) -> None:
        self.path = path

    def get_network(self, network_type: str, nodes: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
        node_frame = pd.DataFrame(
            {"id": [1, 2, 3, 4, 5], "lon": [0.0, 0.01, 0.02, 0.03, 0.04], "lat": [0.0] * 5}
        )
        base = {"highway": "residential", "maxspeed": "30", "length": 1000.0}
        edges = pd.DataFrame(
            [
                {**base, "u": 1, "v": 2, "oneway": None, "tags": None},  # two-way
                {**base, "u": 2, "v": 3, "oneway": "yes", "tags": None},
                {**base, "u": 3, "v": 4, "oneway": "-1", "tags": None},  # runs 4 → 3
                {**base, "u": 4, "v": 5, "oneway": None, "tags": '{"access":"private"}'},
            ]
        )
        return node_frame, edges


def test_pyrosm_reader_follows_oneway_on_a_small_map(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("pyrosm")
    fake.OSM = _FakeOSM  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pyrosm", fake)
    net = read_osm_pbf(Path("fake.osm.pbf"), engine="pyrosm")
    assert _arcs(net) == {("1", "2"), ("2", "1"), ("2", "3"), ("4", "3")}


def test_pyrosm_test_map_keeps_both_directions_and_matches_pyosmium() -> None:
    pyrosm = pytest.importorskip("pyrosm")
    pytest.importorskip("osmium")
    path = pyrosm.get_data("test_pbf")
    a = read_osm_pbf(path, engine="pyrosm")
    # pyrosm's 781 driving segments: 184 tagged oneway=yes, 597 two-way → 184 + 2 × 597 arcs
    assert a.times.nnz == 184 + 2 * 597
    b = read_osm_pbf(path, engine="osmium")
    service = b.edges["class"].to_numpy() == "service"
    b_road = {(u, v) for u, v, s in zip(b.edges["u"], b.edges["v"], service, strict=True) if not s}
    b_road |= {
        (v, u)
        for u, v, s, ow in zip(b.edges["u"], b.edges["v"], service, b.edges["oneway"], strict=True)
        if not s and not ow
    }
    # the two readers give the same arcs (pyosmium also reads service roads, pyrosm's
    # 'driving' type leaves them out)
    assert _arcs(a) == b_road
    assert np.isfinite(a.times.data).all()
