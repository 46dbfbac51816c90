from __future__ import annotations

import importlib.util
import io
import json

import numpy as np
import pandas as pd
import pytest

from lanxi.compute.access import travel_time_matrix
from lanxi.errors import ConfigurationError, ValidationError
from lanxi.io.networks import (
    read_edge_csv,
    read_edge_geojson,
    read_graphml,
    read_osm_pbf,
    read_rail_timetable,
    timetable_to_edges,
)


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_roundtrip(tmp_path):
    nodes = _write(
        tmp_path / "n.csv", "node_id,lon,lat\n620102,103.83,36.05\nb,103.9,36.1\nc,104,36\n"
    )
    edges = _write(
        tmp_path / "e.csv",
        "u,v,length_km,speed_kmh,minutes,oneway,class\n"
        "620102,b,50,100,,false,expressway\n"
        "b,c,,,12,true,rail\n",
    )
    net = read_edge_csv(edges, nodes)
    assert list(net.node_ids) == ["620102", "b", "c"]  # ids stay strings
    t = travel_time_matrix(net)
    assert t[0, 1] == 30 and t[1, 2] == 12 and t[2, 1] == np.inf
    assert set(net.edges["class"]) == {"expressway", "rail"}


def test_csv_errors_name_row_and_field(tmp_path):
    nodes = _write(tmp_path / "nodes.csv", "node_id,lon,lat\na,103,36\na,200,36\nc,x,36\n")
    edges = _write(
        tmp_path / "edges.csv",
        "u,v,length_km,speed_kmh,oneway\n"
        "a,zz,10,60,false\n"  # row 2: unknown node
        "a,c,-5,60,false\n"  # row 3: negative length
        "a,c,10,0,maybe\n"  # row 4: zero speed, bad oneway
        ",c,10,60,false\n",  # row 5: blank u
    )
    with pytest.raises(ValidationError) as info:
        read_edge_csv(edges, nodes)
    found = {(p.file, p.row, p.field) for p in info.value.problems}
    assert ("nodes.csv", 3, "node_id") in found  # duplicate
    assert ("nodes.csv", 3, "lon") in found  # out of range
    assert ("nodes.csv", 4, "lon") in found  # not a number
    assert ("edges.csv", 2, "v") in found
    assert ("edges.csv", 3, "length_km") in found
    assert ("edges.csv", 4, "speed_kmh") in found
    assert ("edges.csv", 4, "oneway") in found
    assert ("edges.csv", 5, "u") in found
    assert "edges.csv, row 2, field 'v'" in str(info.value)


def test_csv_missing_columns(tmp_path):
    edges = _write(tmp_path / "e.csv", "from,to,length_km\n1,2,3\n")
    with pytest.raises(ValidationError) as info:
        read_edge_csv(edges)
    fields = {p.field for p in info.value.problems}
    assert {"u", "v", "minutes"} <= fields


# --- GeoJSON -----------------------------------------------------------------------------------


def _feature(coords, **props):
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": coords},
        "properties": props,
    }


def test_geojson_derives_nodes_and_lengths(tmp_path):
    doc = {
        "type": "FeatureCollection",
        "features": [
            _feature([[103.0, 36.0], [103.05, 36.0], [103.1, 36.0]], speed_kmh=60),
            _feature([[103.1, 36.0], [103.1, 36.1]], minutes=5, oneway=True, **{"class": "hsr"}),
        ],
    }
    net = read_edge_geojson(_write(tmp_path / "n.geojson", json.dumps(doc)))
    assert net.n_nodes == 3
    length = net.edges.loc[0, "length_km"]
    assert length == pytest.approx(0.1 * 111.195 * np.cos(np.radians(36)), rel=1e-3)
    t = travel_time_matrix(net, ["103.0,36.0"], ["103.1,36.1"])[0, 0]
    assert t == pytest.approx(length + 5)  # 60 km/h = 1 km/min


def test_geojson_errors_name_feature_and_field(tmp_path):
    doc = {
        "type": "FeatureCollection",
        "features": [
            _feature([[103.0, 36.0], [103.1, 36.0]], speed_kmh=60),
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [1, 2]},
                "properties": {},
            },
            _feature([[103.0, 36.0], [503.1, 36.0]], speed_kmh=60),
        ],
    }
    with pytest.raises(ValidationError) as info:
        read_edge_geojson(_write(tmp_path / "bad.geojson", json.dumps(doc)))
    assert {(p.row, p.field) for p in info.value.problems} == {(2, "geometry"), (3, "geometry")}
    doc["features"] = [_feature([[103.0, 36.0], [103.1, 36.0]], speed_kmh=-1)]
    with pytest.raises(ValidationError, match=r"row 1, field 'speed_kmh'"):
        read_edge_geojson(_write(tmp_path / "bad2.geojson", json.dumps(doc)))


# --- GraphML (OSMnx) ---------------------------------------------------------------------------

GRAPHML = """<?xml version='1.0' encoding='utf-8'?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <key id="d0" for="graph" attr.name="crs" attr.type="string"/>
  <key id="d1" for="node" attr.name="y" attr.type="string"/>
  <key id="d2" for="node" attr.name="x" attr.type="string"/>
  <key id="d3" for="edge" attr.name="highway" attr.type="string"/>
  <key id="d4" for="edge" attr.name="length" attr.type="string"/>
  <key id="d5" for="edge" attr.name="maxspeed" attr.type="string"/>
  <key id="d6" for="edge" attr.name="speed_kph" attr.type="string"/>
  <key id="d7" for="edge" attr.name="travel_time" attr.type="string"/>
  <graph edgedefault="directed">
    <data key="d0">epsg:4326</data>
    <node id="11"><data key="d1">36.0</data><data key="d2">103.0</data></node>
    <node id="12"><data key="d1">36.0</data><data key="d2">103.01</data></node>
    <node id="13"><data key="d1">36.01</data><data key="d2">103.01</data></node>
    <node id="14"><data key="d1">36.02</data><data key="d2">103.01</data></node>
    <edge source="11" target="12" id="0"><data key="d3">motorway</data><data key="d4">1000</data><data key="d7">30</data></edge>
    <edge source="12" target="11" id="0"><data key="d3">motorway</data><data key="d4">1000</data><data key="d6">60</data></edge>
    <edge source="12" target="13" id="0"><data key="d3">['primary', 'secondary']</data><data key="d4">1200</data></edge>
    <edge source="13" target="14" id="0"><data key="d3">residential</data><data key="d4">1609.344</data><data key="d5">30 mph</data></edge>
    EXTRA
  </graph>
</graphml>
"""

ENGINES = ["xml"] + (["networkx"] if importlib.util.find_spec("networkx") else [])


@pytest.mark.parametrize("engine", ENGINES)
def test_graphml_osmnx(tmp_path, engine):
    net = read_graphml(_write(tmp_path / "g.graphml", GRAPHML.replace("EXTRA", "")), engine=engine)
    t = travel_time_matrix(net, ["11", "12", "13"], ["11", "12", "13", "14"])
    assert t[0, 1] == pytest.approx(0.5)  # travel_time 30 s
    assert t[1, 0] == pytest.approx(1.0)  # 1 km at speed_kph 60
    assert t[1, 2] == pytest.approx(1.2)  # primary → default 60 km/h
    assert t[2, 3] == pytest.approx(2.0)  # 1 mile at 30 mph
    assert t[2, 1] == np.inf  # directed
    assert net.lon[net.index("13")[0]] == pytest.approx(103.01)


@pytest.mark.parametrize("engine", ENGINES)
def test_graphml_edge_without_speed_is_an_error(tmp_path, engine):
    extra = '<edge source="14" target="11" id="0"><data key="d3">footway</data><data key="d4">50</data></edge>'
    path = _write(tmp_path / "g.graphml", GRAPHML.replace("EXTRA", extra))
    with pytest.raises(ValidationError, match=r"g.graphml, row 5, field 'travel_time'"):
        read_graphml(path, engine=engine)
    net = read_graphml(path, engine=engine, default_speed_kmh=5.0)
    assert travel_time_matrix(net, ["14"], ["11"])[0, 0] == pytest.approx(0.6)


def test_graphml_engines_agree(tmp_path):
    if "networkx" not in ENGINES:
        pytest.skip("networkx not installed")
    path = _write(tmp_path / "g.graphml", GRAPHML.replace("EXTRA", ""))
    a, b = read_graphml(path, engine="xml"), read_graphml(path, engine="networkx")
    np.testing.assert_allclose(travel_time_matrix(a), travel_time_matrix(b, a.node_ids, a.node_ids))


# --- .osm.pbf ----------------------------------------------------------------------------------


def test_pbf_without_any_reader_names_the_extra(tmp_path, monkeypatch):
    real = importlib.util.find_spec

    def no_osm(name, *args):
        return None if name in ("osmium", "pyrosm") else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", no_osm)
    monkeypatch.setitem(__import__("sys").modules, "pyrosm", None)  # import fails
    with pytest.raises(ConfigurationError, match=r"lanxi\[osm\]"):
        read_osm_pbf(tmp_path / "x.osm.pbf")
    with pytest.raises(ConfigurationError, match="osmium"):
        read_osm_pbf(tmp_path / "x.osm.pbf", engine="osmium")


def _write_pbf(path):
    """A 5-node extract: a two-way primary road, a one-way trunk, a reversed one-way residential
    street with maxspeed, and a footway that must be skipped."""
    osmium = pytest.importorskip("osmium")
    # nodes on the equator, 0.01° of longitude apart (1.111950... km each)
    with osmium.SimpleWriter(str(path)) as w:
        for i in range(5):
            w.add_node(osmium.osm.mutable.Node(id=i + 1, location=(103.0 + 0.01 * i, 0.0)))
        ways = [
            (10, [1, 2], {"highway": "primary"}),  # 60 km/h default, two-way
            (11, [2, 3], {"highway": "trunk", "oneway": "yes"}),  # 80 km/h, 2 → 3 only
            (12, [4, 3], {"highway": "residential", "oneway": "-1", "maxspeed": "20"}),  # 3 → 4
            (13, [4, 5], {"highway": "footway"}),  # skipped
        ]
        for wid, refs, tags in ways:
            w.add_way(osmium.osm.mutable.Way(id=wid, nodes=refs, tags=tags))


def test_pbf_with_osmium_by_hand(tmp_path):
    f = tmp_path / "tiny.osm.pbf"
    _write_pbf(f)
    net = read_osm_pbf(f, engine="osmium")
    assert sorted(net.node_ids.tolist()) == ["1", "2", "3", "4"]  # node 5 only on the footway
    km = 2 * 6371.0088 * np.arcsin(np.sin(np.radians(0.01) / 2))  # 0.01° on the equator
    t = travel_time_matrix(net, ["1", "3", "4"], ["1", "2", "3", "4"])
    expected_1 = [
        0.0,
        km / 60 * 60,
        km / 60 * 60 + km / 80 * 60,
        km * (1 / 60 + 1 / 80 + 1 / 20) * 60,
    ]
    np.testing.assert_allclose(t[0], expected_1, rtol=1e-9)
    assert np.isinf(t[1, :2]).all()  # the trunk is one-way 2 → 3
    assert np.isinf(t[2, :3]).all()  # the residential street runs 3 → 4 only (oneway=-1)
    assert set(net.edges["class"]) == {"primary", "trunk", "residential"}
    if importlib.util.find_spec("osmium"):
        np.testing.assert_allclose(
            travel_time_matrix(read_osm_pbf(f), ["1"], ["4"]), t[:1, 3:], rtol=1e-12
        )


# --- rail timetable ----------------------------------------------------------------------------

TIMETABLE = """train_id,stop_seq,station,arrival,departure
G1,1,兰州西,,08:00
G1,2,海东,08:40,08:42
G1,3,西宁,09:05,
G3,1,兰州西,,10:00
G3,2,西宁,11:00,
D5,1,兰州西,,23:30
D5,2,海东,00:20,00:22
"""


def test_timetable_legs_by_hand(tmp_path):
    legs = read_rail_timetable(
        _write(tmp_path / "tt.csv", TIMETABLE), period_min=600, transfer_penalty_min=3
    ).set_index(["u", "v"])
    lx = legs.loc[("兰州西", "西宁")]
    assert lx["in_vehicle_min"] == 60  # G3 (G1 takes 65)
    assert lx["n_trains"] == 2
    assert lx["wait_min"] == 0.5 * 600 / 2
    assert lx["minutes"] == 60 + 150 + 3
    lh = legs.loc[("兰州西", "海东")]
    assert lh["in_vehicle_min"] == 40 and lh["n_trains"] == 2  # D5 crosses midnight: 50 min
    assert legs.loc[("海东", "西宁"), "in_vehicle_min"] == 23
    assert ("西宁", "兰州西") not in legs.index  # one-way legs
    assert (legs["class"] == "rail_service").all() and legs["oneway"].all()


def test_timetable_consecutive_only_and_wait_cap():
    frame = pd.read_csv(io.StringIO(TIMETABLE), dtype=str, keep_default_na=False)
    legs = timetable_to_edges(frame, direct_pairs=False, max_wait_min=20).set_index(["u", "v"])
    assert ("兰州西", "西宁") in legs.index  # G3 runs without stop
    assert legs["wait_min"].max() == 20


def test_timetable_errors_name_row_and_field(tmp_path):
    bad = (
        "train_id,stop_seq,station,arrival,departure\n"
        "G1,1,兰州西,,8h00\n"  # row 2
        "G1,x,西宁,09:05,\n"  # row 3
        "G2,1,兰州西,,\n"  # row 4
        "G3,1,兰州西,,10:00\n"
        "G3,1,西宁,11:00,\n"  # row 6: duplicate stop_seq
    )
    with pytest.raises(ValidationError) as info:
        read_rail_timetable(_write(tmp_path / "tt.csv", bad))
    found = {(p.row, p.field) for p in info.value.problems}
    assert {(2, "departure"), (3, "stop_seq"), (4, "departure"), (6, "stop_seq")} <= found
    with pytest.raises(ValidationError, match="train_id"):
        read_rail_timetable(_write(tmp_path / "t2.csv", "stop_seq,station,arrival,departure\n"))
