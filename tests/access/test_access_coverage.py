from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lanxi.compute.access import (
    coverage,
    coverage_by_group,
    network_from_frames,
    weighted_mean_travel_time,
)


def test_five_node_by_hand(five_node):
    edges, nodes = five_node
    net = network_from_frames(edges, nodes)
    units = nodes[["node_id", "population"]]
    # Times from A: A 0, B 10, C 30, D 70, E 15.
    r = coverage(net, ["A"], units, minutes=30)
    assert r.units["minutes"].tolist() == [0, 10, 30, 70, 15]
    assert r.n_covered == 4 and r.n_units == 5 and r.n_unreachable == 0
    assert r.share_units == pytest.approx(4 / 5)
    assert r.share_population == pytest.approx((100 + 50 + 30 + 0) / 200)
    # Σ P t / Σ P = (0*100 + 10*50 + 30*30 + 70*20 + 15*0) / 200 = 2800 / 200
    assert r.weighted_mean_minutes == pytest.approx(14.0)
    # Two centres: D's own population is then at 0 min.
    r2 = coverage(net, ["A", "D"], units, minutes=30)
    assert r2.share_population == 1.0
    assert r2.units.set_index("node_id").loc["D", "centre"] == "D"


def test_without_population_counts_units(five_node):
    edges, nodes = five_node
    net = network_from_frames(edges, nodes)
    units = nodes[["node_id"]].assign(population=[1.0, np.nan, 1.0, 1.0, 1.0])
    r = coverage(net, ["A"], units, minutes=12)
    assert r.share_population is None
    assert r.share_units == pytest.approx(2 / 5)  # A, B
    assert r.weighted_mean_minutes == pytest.approx((0 + 10 + 30 + 70 + 15) / 5)


def test_unreachable_units_are_counted_and_left_out_of_mean(five_node):
    edges, _nodes = five_node
    edges = pd.concat([edges, pd.DataFrame({"u": ["F"], "v": ["G"], "minutes": [1.0]})])
    net = network_from_frames(edges)
    units = pd.DataFrame({"node_id": ["A", "B", "F"], "population": [1.0, 1.0, 5.0]})
    r = coverage(net, ["A"], units)
    assert r.n_unreachable == 1
    assert r.share_population == pytest.approx(2 / 7)
    assert r.weighted_mean_minutes == pytest.approx(5.0)


@pytest.mark.parametrize("seed", range(10))
def test_shares_are_in_unit_interval_and_monotone_in_threshold(seed, random_graph):
    net = network_from_frames(*random_graph(seed))
    rng = np.random.default_rng(seed)
    units = pd.DataFrame({"node_id": net.node_ids, "population": rng.integers(0, 100, net.n_nodes)})
    last_u = last_p = -1.0
    for minutes in [0, 2, 5, 10, 20, 60]:
        r = coverage(net, ["n0", "n5"], units, minutes=minutes)
        assert 0.0 <= r.share_units <= 1.0
        assert r.share_population is None or 0.0 <= r.share_population <= 1.0
        assert r.share_units >= last_u
        if r.share_population is not None:
            assert r.share_population >= last_p
            last_p = r.share_population
        last_u = r.share_units


def test_faster_roads_into_the_centre_raise_coverage():
    """Directional test (pysal/access style): speeding up the radial roads raises coverage."""
    # A ring of 8 towns 50 km from a centre C, each on a radial road, linked by a ring road.
    towns = [f"T{i}" for i in range(8)]
    radial = pd.DataFrame({"u": "C", "v": towns, "length_km": 50.0, "speed_kmh": 40.0})
    ring = pd.DataFrame(
        {"u": towns, "v": towns[1:] + towns[:1], "length_km": 38.0, "speed_kmh": 60.0}
    )
    units = pd.DataFrame({"node_id": towns, "population": np.arange(1, 9) * 1000.0})

    def result(radial_speed: pd.Series):
        edges = pd.concat([radial.assign(speed_kmh=radial_speed), ring], ignore_index=True)
        return coverage(network_from_frames(edges), ["C"], units, minutes=60)

    slow = result(pd.Series([40.0] * 8))
    faster = result(pd.Series([40.0] * 4 + [100.0] * 4))  # upgrade half the radials
    fastest = result(pd.Series([100.0] * 8))
    assert slow.share_population < faster.share_population < fastest.share_population
    assert slow.weighted_mean_minutes > faster.weighted_mean_minutes > fastest.weighted_mean_minutes
    assert fastest.share_units == 1.0


def test_weighted_mean_travel_time():
    assert weighted_mean_travel_time([10, 40], [3, 1]) == 17.5
    assert weighted_mean_travel_time([10, 40]) == 25.0
    assert math.isnan(weighted_mean_travel_time([1.0], [0.0]))
    with pytest.raises(ValueError, match="finite"):
        weighted_mean_travel_time([1.0, np.inf])
    with pytest.raises(ValueError, match="non-negative"):
        weighted_mean_travel_time([1.0], [-1.0])


def test_coverage_by_group(five_node):
    edges, nodes = five_node
    net = network_from_frames(edges, nodes)
    units = nodes.assign(kind=["county_seat", "county_seat", "town", "town", "town"])
    table = coverage_by_group(net, ["A"], units, "kind", minutes=20)
    assert table.loc["county_seat", "share_units"] == 1.0  # A 0, B 10
    assert table.loc["town", "n_covered"] == 1  # E 15; C 30 and D 70 are out
    assert table.loc["town", "share_population"] == pytest.approx(0 / 50)
    assert table.loc["county_seat", "weighted_mean_minutes"] == pytest.approx(500 / 150)
