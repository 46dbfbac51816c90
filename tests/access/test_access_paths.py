from __future__ import annotations

import math

import numpy as np
import pytest

from lanxi.compute.access import (
    nearest_centre,
    network_from_arrays,
    network_from_frames,
    reach,
    travel_time_matrix,
)
from lanxi.errors import NotFoundError


def _oracle_matrix(net, naive_dijkstra) -> np.ndarray:
    coo = net.times.tocoo()
    arcs = list(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True))
    return np.array([naive_dijkstra(net.n_nodes, arcs, s) for s in range(net.n_nodes)])


def _edge_oracle(edges, ids, naive_dijkstra) -> np.ndarray:
    """Oracle built straight from the edge list (independent of the CSR builder)."""
    pos = {k: i for i, k in enumerate(ids)}
    arcs = []
    for r in edges.itertuples():
        arcs.append((pos[r.u], pos[r.v], float(r.minutes)))
        if not r.oneway:
            arcs.append((pos[r.v], pos[r.u], float(r.minutes)))
    return np.array([naive_dijkstra(len(ids), arcs, s) for s in range(len(ids))])


@pytest.mark.parametrize("seed", range(8))
def test_matrix_equals_naive_dijkstra(seed, random_graph, oracle):
    edges, nodes = random_graph(seed)
    net = network_from_frames(edges, nodes)
    expected = _edge_oracle(edges, list(net.node_ids), oracle)
    np.testing.assert_allclose(travel_time_matrix(net), expected)
    np.testing.assert_allclose(_oracle_matrix(net, oracle), expected)


@pytest.mark.parametrize("seed", range(4))
def test_subsets_chunks_workers_and_limit(seed, random_graph, oracle):
    edges, nodes = random_graph(seed, n=15, m=40)
    net = network_from_frames(edges, nodes)
    full = _edge_oracle(edges, list(net.node_ids), oracle)
    origins, dests = ["n3", "n0", "n7", "n11", "n2"], ["n5", "n1", "n3"]
    oi, di = net.index(origins), net.index(dests)
    tiny = 8 * net.n_nodes  # one origin per chunk
    got = travel_time_matrix(net, origins, dests, max_bytes=tiny)
    np.testing.assert_allclose(got, full[np.ix_(oi, di)])
    par = travel_time_matrix(net, origins, dests, max_bytes=tiny, workers=2)
    np.testing.assert_allclose(par, got)
    lim = travel_time_matrix(net, origins, dests, limit=7.0)
    np.testing.assert_allclose(
        lim, np.where(full[np.ix_(oi, di)] <= 7.0, full[np.ix_(oi, di)], np.inf)
    )


@pytest.mark.parametrize("seed", range(4))
def test_direction_to_is_transpose(seed, random_graph):
    net = network_from_frames(*random_graph(seed))
    np.testing.assert_allclose(travel_time_matrix(net, direction="to"), travel_time_matrix(net).T)


@pytest.mark.parametrize("seed", range(6))
def test_nearest_centre_is_min_over_centres(seed, random_graph):
    net = network_from_frames(*random_graph(seed))
    centres = ["n1", "n4", "n9"]
    full = travel_time_matrix(net, centres)
    near = nearest_centre(net, centres)
    np.testing.assert_allclose(near["minutes"].to_numpy(), full.min(axis=0))
    for node, t, centre in zip(near.index, near["minutes"], near["centre"].to_numpy(), strict=True):
        if math.isfinite(t):
            assert full[centres.index(centre), net.index(node)[0]] == pytest.approx(t)
        else:
            assert centre is None


@pytest.mark.parametrize("seed", range(4))
def test_reach_counts_and_weights(seed, random_graph, oracle):
    edges, nodes = random_graph(seed)
    net = network_from_frames(edges, nodes)
    full = _edge_oracle(edges, list(net.node_ids), oracle)
    np.testing.assert_array_equal(reach(net, limit=6.0), (full <= 6.0).sum(axis=1))
    w = np.arange(net.n_nodes, dtype=float)
    np.testing.assert_allclose(reach(net, limit=6.0, weights=w), (full <= 6.0) @ w)
    np.testing.assert_allclose(
        reach(net, limit=6.0, max_bytes=8 * net.n_nodes, workers=2), (full <= 6.0).sum(axis=1)
    )


def test_limit_is_inclusive():
    net = network_from_arrays([0, 1], [1, 2], [30.0, 30.0])
    assert reach(net, [0], limit=60.0)[0] == 3
    assert travel_time_matrix(net, [0], [2], limit=60.0)[0, 0] == 60.0


def test_parallel_edges_keep_fastest_and_zero_times_are_arcs():
    net = network_from_arrays([0, 0, 1], [1, 1, 2], [9.0, 4.0, 0.0], n_nodes=3)
    assert travel_time_matrix(net, [0], [1, 2]).tolist() == [[4.0, 4.0]]


def test_unknown_node_is_named():
    net = network_from_arrays([0], [1], [1.0])
    with pytest.raises(NotFoundError, match="99"):
        travel_time_matrix(net, [0, 99])


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("direction", ["from", "to"])
def test_clustered_reach_equals_full_search(seed, direction, random_graph, oracle):
    edges, nodes = random_graph(seed, n=40, m=90)
    net = network_from_frames(edges, nodes)
    full = _edge_oracle(edges, list(net.node_ids), oracle)
    if direction == "to":
        full = full.T
    w = np.linspace(0.0, 3.0, net.n_nodes)
    for limit in (0.0, 4.0, 9.0):
        expected = (full <= limit).sum(axis=1)
        for kwargs in ({"cluster_size": 3}, {"cluster_size": 5, "workers": 2}, {"cluster_size": 0}):
            got = reach(net, limit=limit, direction=direction, **kwargs)
            np.testing.assert_array_equal(got, expected)
        got_w = reach(net, limit=limit, direction=direction, weights=w, cluster_size=4)
        np.testing.assert_allclose(got_w, (full <= limit) @ w)
    some = ["n3", "n7", "n1", "n30", "n22", "n9", "n12"]
    np.testing.assert_array_equal(
        reach(net, some, limit=6.0, cluster_size=2, direction=direction),
        (full[net.index(some)] <= 6.0).sum(axis=1),
    )
