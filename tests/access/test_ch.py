"""The contraction-hierarchy engine against the exact Dijkstra engines and hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lanxi.compute.access import (
    ContractionHierarchy,
    contract,
    network_from_arrays,
    travel_time_matrix,
)
from lanxi.errors import NotFoundError

INF = np.inf


def _cycle(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    u = np.arange(n)
    return u, (u + 1) % n, np.ones(n)


def test_triangle_with_witnesses_needs_no_shortcut():
    # 0-1 (1), 1-2 (1), 0-2 (1.5): every path through a middle node has a shorter direct arc,
    # so whatever the order, no shortcut is added.
    net = network_from_arrays(np.array([0, 1, 0]), np.array([1, 2, 2]), np.array([1.0, 1.0, 1.5]))
    ch = contract(net)
    assert ch.n_shortcuts == 0
    expected = np.array([[0.0, 1.0, 1.5], [1.0, 0.0, 1.0], [1.5, 1.0, 0.0]])
    np.testing.assert_array_equal(ch.travel_time_matrix(), expected)


def test_directed_cycle_needs_a_shortcut_and_keeps_direction():
    # One-way cycle 0→1→2→3→4→0 of unit arcs: contracting any node v leaves its in-neighbour
    # v-1 and out-neighbour v+1 joined only through v (the other way round does not exist), so
    # the first contraction must add the shortcut v-1 → v+1 of length 2.
    net = network_from_arrays(*_cycle(5), oneway=True)
    ch = contract(net)
    assert ch.n_shortcuts >= 1
    i = np.arange(5)
    expected = ((i[None, :] - i[:, None]) % 5).astype(float)  # t(i, j) = (j - i) mod 5
    np.testing.assert_array_equal(ch.travel_time_matrix(), expected)
    np.testing.assert_array_equal(ch.travel_time_matrix(direction="to"), expected.T)


def test_two_way_pentagon_hand_computed():
    # Two-way cycle of 5 unit edges: t(i, j) = min(|i-j|, 5-|i-j|); the first contracted node's
    # neighbours are 2 apart through it and 3 the other way, so a shortcut pair is needed.
    net = network_from_arrays(*_cycle(5))
    ch = contract(net)
    assert ch.n_shortcuts >= 2
    i = np.arange(5)
    d = np.abs(i[None, :] - i[:, None])
    np.testing.assert_array_equal(ch.travel_time_matrix(), np.minimum(d, 5 - d).astype(float))


def test_disconnected_limit_zero_arcs_and_self_loops():
    # Component A: a →(0) b →(2.5) c one-way, plus a self-loop on b; component B: d - e (4).
    u = np.array([0, 1, 1, 3])
    v = np.array([1, 2, 1, 4])
    t = np.array([0.0, 2.5, 0.1, 4.0])
    net = network_from_arrays(u, v, t, oneway=np.array([True, True, True, False]))
    ch = contract(net)
    expected = np.array(
        [
            [0.0, 0.0, 2.5, INF, INF],
            [INF, 0.0, 2.5, INF, INF],
            [INF, INF, 0.0, INF, INF],
            [INF, INF, INF, 0.0, 4.0],
            [INF, INF, INF, 4.0, 0.0],
        ]
    )
    np.testing.assert_array_equal(ch.travel_time_matrix(), expected)
    limited = expected.copy()
    limited[limited > 2.5] = INF
    np.testing.assert_array_equal(ch.travel_time_matrix(limit=2.5), limited)
    with_limit_below = expected.copy()
    with_limit_below[with_limit_below > 2.4] = INF
    np.testing.assert_array_equal(ch.travel_time_matrix(limit=2.4), with_limit_below)


def test_rejects_negative_times_and_unknown_nodes():
    net = network_from_arrays(np.array([0]), np.array([1]), np.array([-1.0]))
    with pytest.raises(ValueError, match="non-negative"):
        contract(net)
    ok = network_from_arrays(np.array([0]), np.array([1]), np.array([1.0]))
    with pytest.raises(NotFoundError, match="7"):
        contract(ok).travel_time_matrix([7], [0])


@st.composite
def graphs(draw):
    n = draw(st.integers(1, 30))
    m = draw(st.integers(0, 90))
    u = draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    v = draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    # a few distinct values make ties (equal witnesses) frequent; zeros are allowed
    t = draw(
        st.lists(
            st.one_of(st.sampled_from([0.0, 1.0, 2.0, 3.0]), st.floats(0.0, 30.0)),
            min_size=m,
            max_size=m,
        )
    )
    oneway = draw(st.lists(st.booleans(), min_size=m, max_size=m))
    return network_from_arrays(
        np.array(u, dtype=np.int64),
        np.array(v, dtype=np.int64),
        np.array(t, dtype=float),
        n_nodes=n,
        oneway=np.array(oneway, dtype=bool),
    )


@settings(max_examples=150, deadline=None)
@given(
    net=graphs(),
    limit=st.sampled_from([INF, 0.0, 2.0, 17.5]),
    direction=st.sampled_from(["from", "to"]),
    settle=st.sampled_from([1, 3, 500]),
    workers=st.sampled_from([1, 2]),
)
def test_property_equals_exact_engine(net, limit, direction, settle, workers):
    # settle_limit=1 cuts every witness search short: only superfluous shortcuts, same answers.
    ch = contract(net, settle_limit=settle, settle_limit_priority=settle)
    ref = travel_time_matrix(net, limit=limit, direction=direction, engine="heap")
    got = travel_time_matrix(net, limit=limit, direction=direction, workers=workers, hierarchy=ch)
    assert np.array_equal(np.isinf(got), np.isinf(ref))
    np.testing.assert_allclose(got, ref, rtol=1e-12)
    assert np.all(np.diag(got) == 0.0)


def test_road_like_grid_equals_exact_engine_and_duplicates():
    rng = np.random.default_rng(5)
    side = 40
    idx = np.arange(side * side).reshape(side, side)
    u = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    v = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    keep = rng.random(u.size) > 0.1
    u, v = u[keep], v[keep]
    t = rng.uniform(0.5, 2.5, u.size)
    oneway = rng.random(u.size) < 0.2
    net = network_from_arrays(u, v, t, n_nodes=side * side, oneway=oneway)
    ch = contract(net)
    assert isinstance(ch, ContractionHierarchy)
    assert ch.n_arcs >= net.n_arcs  # every arc survives as an upward or downward arc
    orig = np.concatenate([rng.choice(net.n_nodes, 60, replace=False), [3, 3]])
    dest = np.concatenate([rng.choice(net.n_nodes, 50, replace=False), [3]])
    for limit in (INF, 9.0):
        ref = travel_time_matrix(net, orig, dest, limit=limit)
        got = travel_time_matrix(net, orig, dest, limit=limit, engine="ch")
        np.testing.assert_allclose(got, ref, rtol=1e-12)
        assert np.array_equal(np.isinf(got), np.isinf(ref))
        np.testing.assert_allclose(ch.matrix(orig, dest, limit=limit, workers=2), ref, rtol=1e-12)
    assert got[-1, -1] == 0.0


def test_hierarchy_must_match_network_and_engine():
    a = network_from_arrays(np.array([0, 1]), np.array([1, 2]), np.array([1.0, 1.0]))
    b = network_from_arrays(np.array([0]), np.array([1]), np.array([1.0]))
    ch = contract(a)
    np.testing.assert_array_equal(travel_time_matrix(a, [0], [2], hierarchy=ch), [[2.0]])
    with pytest.raises(ValueError, match="not built from this network"):
        travel_time_matrix(b, hierarchy=ch)
    with pytest.raises(ValueError, match="engine='ch'"):
        travel_time_matrix(a, hierarchy=ch, engine="heap")
    from lanxi.compute.access import reach

    with pytest.raises(ValueError, match="travel_time_matrix only"):
        reach(a, engine="ch")  # type: ignore[arg-type]


@settings(max_examples=80, deadline=None)
@given(net=graphs(), settle=st.sampled_from([1, 500]))
def test_property_two_way_graphs_take_the_symmetric_path(net, settle):
    # Every edge two-way: the contraction checks each pair of neighbours once (symmetric mode).
    two_way = network_from_arrays(
        *[net.edges[c].to_numpy() for c in ("u", "v", "minutes")], n_nodes=net.n_nodes
    )
    from lanxi.compute.access.ch import _is_symmetric

    assert _is_symmetric(two_way.times)
    ch = contract(two_way, settle_limit=settle, settle_limit_priority=settle)
    ref = travel_time_matrix(two_way, engine="heap")
    got = ch.travel_time_matrix()
    assert np.array_equal(np.isinf(got), np.isinf(ref))
    np.testing.assert_allclose(got, ref, rtol=1e-12)


def test_symmetry_check_sees_stored_zeros():
    one_way_zero = network_from_arrays(np.array([0]), np.array([1]), np.array([0.0]), oneway=True)
    from lanxi.compute.access.ch import _is_symmetric

    assert not _is_symmetric(one_way_zero.times)
    np.testing.assert_array_equal(contract(one_way_zero).travel_time_matrix(), [[0, 0], [INF, 0]])


def test_auto_engine_picks_the_hierarchy_only_for_large_unbounded_matrices(monkeypatch):
    from lanxi.compute.access import paths

    built: list[int] = []
    real = paths.contract

    def spy(network, **kw):
        built.append(network.n_nodes)
        return real(network, **kw)

    monkeypatch.setattr(paths, "contract", spy)
    monkeypatch.setattr(paths, "CH_AUTO_MIN_NODES", 5)
    monkeypatch.setattr(paths, "CH_AUTO_MIN_PAIRS_SIDE", 3)
    net = network_from_arrays(*_cycle(5))
    ref = travel_time_matrix(net, engine="dijkstra")
    np.testing.assert_array_equal(travel_time_matrix(net), ref)  # 5 × 5 on 5 nodes: CH
    assert built == [5]
    travel_time_matrix(net, [0, 1], [0, 1, 2])  # two origins: below the rule
    travel_time_matrix(net, limit=10.0)  # bounded: below the rule
    travel_time_matrix(net, engine="dijkstra")
    assert built == [5]
    monkeypatch.setattr(paths, "CH_AUTO_MIN_NODES", 6)
    travel_time_matrix(net)  # network too small
    assert built == [5]
