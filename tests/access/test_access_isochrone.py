from __future__ import annotations

import numpy as np
import pytest
import shapely

from lanxi.compute.access import (
    isochrone_polygon,
    network_from_frames,
    reachable_nodes,
    travel_time_matrix,
)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("minutes", [0.0, 3.0, 8.0, 25.0])
def test_isochrone_contains_exactly_nodes_within(seed, minutes, random_graph, oracle):
    net = network_from_frames(*random_graph(seed))
    coo = net.times.tocoo()
    arcs = list(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True))
    src = int(net.index("n2")[0])
    dist = oracle(net.n_nodes, arcs, src)
    expected = {net.node_ids[i] for i, d in enumerate(dist) if d <= minutes}
    got = reachable_nodes(net, ["n2"], minutes)
    assert set(got.index) == expected
    assert (got <= minutes).all()
    assert got.is_monotonic_increasing


def test_multi_centre_isochrone_is_union(five_node):
    net = network_from_frames(*five_node)
    both = set(reachable_nodes(net, ["A", "D"], 15).index)
    assert both == set(reachable_nodes(net, ["A"], 15).index) | set(
        reachable_nodes(net, ["D"], 15).index
    )
    assert both == {"A", "B", "E", "D"}


def test_direction_to(five_node):
    edges, nodes = five_node
    edges = edges.assign(oneway=[True, True, True, True])  # A→B→C→D, B→E
    net = network_from_frames(edges, nodes)
    assert set(reachable_nodes(net, ["D"], 100).index) == {"D"}
    assert set(reachable_nodes(net, ["D"], 100, direction="to").index) == {"A", "B", "C", "D"}


@pytest.mark.parametrize("method", ["edges", "concave"])
def test_polygon_covers_reached_nodes_only(five_node, method):
    net = network_from_frames(*five_node)
    poly = isochrone_polygon(net, ["A"], 30, method=method, buffer_km=1.0)
    assert poly.is_valid and not poly.is_empty
    pts = dict(zip(net.node_ids, zip(net.lon, net.lat, strict=True), strict=True))
    for node in ["A", "B", "C", "E"]:  # times 0, 10, 30, 15
        assert poly.covers(shapely.Point(pts[node]))
    assert not poly.covers(shapely.Point(pts["D"]))  # 70 min


def test_edges_polygon_follows_partial_edge(five_node):
    net = network_from_frames(*five_node)
    # 50 min from A: D is 70 min away, so half of C–D (40 min) is covered.
    poly = isochrone_polygon(net, ["A"], 50, buffer_km=0.5)
    c, d = np.array([103.3, 36.0]), np.array([103.7, 36.0])
    assert poly.covers(shapely.Point(c + 0.45 * (d - c)))
    assert not poly.covers(shapely.Point(c + 0.6 * (d - c)))


def test_zero_minutes_is_the_centre_buffer(five_node):
    net = network_from_frames(*five_node)
    poly = isochrone_polygon(net, ["A"], 0, buffer_km=2.0)
    assert poly.covers(shapely.Point(103.0, 36.0))
    assert not poly.covers(shapely.Point(103.1, 36.0))
    # a 2 km disc: pi * 4 km² ≈ 12.6 km² ≈ 0.00126 deg² at 36° N
    assert poly.area == pytest.approx(
        np.pi * 4 / (110.574 * 111.320 * np.cos(np.radians(36))), rel=0.02
    )
    with pytest.raises(ValueError, match="minutes"):
        isochrone_polygon(net, ["A"], -1)
    assert travel_time_matrix(net, ["A"], ["A"])[0, 0] == 0
