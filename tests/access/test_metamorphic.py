"""Metamorphic tests of the accessibility engines (issue 13): a two-way network reversed (every edge
``u → v`` written ``v → u``) gives the same travel times; any network reversed gives the transposed
times; shuffled edge rows and relabelled nodes change nothing. The engines are compared with
themselves on transformed networks, on graphs drawn by hypothesis."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from lanxi.compute.access import network_from_frames, reach, travel_time_matrix

ENGINES = ("dijkstra", "heap", "scipy", "ch")


@st.composite
def edge_lists(draw: st.DrawFn, oneway: bool | None = None) -> pd.DataFrame:
    n = draw(st.integers(min_value=2, max_value=14))
    m = draw(st.integers(min_value=1, max_value=40))
    ends = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda e: e[0] != e[1])
    pairs = draw(st.lists(ends, min_size=1, max_size=m))
    minutes = draw(
        st.lists(
            st.sampled_from([0.0, 0.5, 1.0, 2.5, 4.0, 7.25, 10.0, 33.3]),
            min_size=len(pairs),
            max_size=len(pairs),
        )
    )
    ow = (
        [oneway] * len(pairs)
        if oneway is not None
        else draw(st.lists(st.booleans(), min_size=len(pairs), max_size=len(pairs)))
    )
    return pd.DataFrame(
        {
            "u": [f"n{a}" for a, _ in pairs],
            "v": [f"n{b}" for _, b in pairs],
            "minutes": minutes,
            "oneway": ow,
        }
    )


def _reversed(edges: pd.DataFrame) -> pd.DataFrame:
    return edges.assign(u=edges["v"], v=edges["u"])


def _matrix(edges: pd.DataFrame, engine: str, ids: list[str] | None = None) -> np.ndarray:
    net = network_from_frames(edges)
    ids = ids if ids is not None else sorted(net.node_ids)
    return travel_time_matrix(net, ids, ids, engine=engine)  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(edge_lists(oneway=False), st.sampled_from(ENGINES))
def test_reversing_a_two_way_network_gives_the_same_times(edges: pd.DataFrame, engine: str) -> None:
    forward = _matrix(edges, engine)
    np.testing.assert_array_equal(_matrix(_reversed(edges), engine), forward)
    np.testing.assert_array_equal(forward, forward.T)  # two-way: symmetric


@settings(max_examples=60, deadline=None)
@given(edge_lists(), st.sampled_from(ENGINES))
def test_reversing_any_network_transposes_the_times(edges: pd.DataFrame, engine: str) -> None:
    forward = _matrix(edges, engine)
    np.testing.assert_array_equal(_matrix(_reversed(edges), engine), forward.T)
    # direction="to" on the reversed network is the forward matrix again
    net = network_from_frames(_reversed(edges))
    ids = sorted(net.node_ids)
    back = travel_time_matrix(net, ids, ids, direction="to", engine=engine)  # type: ignore[arg-type]
    np.testing.assert_array_equal(back, forward)


@settings(max_examples=40, deadline=None)
@given(edge_lists(), st.integers(min_value=0, max_value=2**31 - 1))
def test_shuffled_edges_and_relabelled_nodes_change_nothing(edges: pd.DataFrame, seed: int) -> None:
    forward = _matrix(edges, "dijkstra")
    shuffled = edges.sample(frac=1.0, random_state=seed)
    np.testing.assert_array_equal(_matrix(shuffled, "dijkstra"), forward)
    # relabel n<i> → z<i> (another sort order of the ids): same times, looked up by the new names
    rename = {f"n{i}": f"z{99 - i:02d}" for i in range(14)}
    relabelled = edges.assign(u=edges["u"].map(rename), v=edges["v"].map(rename))
    ids = sorted(network_from_frames(edges).node_ids)
    got = _matrix(relabelled, "dijkstra", [rename[i] for i in ids])
    np.testing.assert_array_equal(got, forward)
    # reach within 10 minutes follows the matrix
    net = network_from_frames(shuffled)
    counts = reach(net, ids, limit=10.0)  # nodes within 10 minutes of each origin
    np.testing.assert_array_equal(counts, (forward <= 10.0).sum(axis=1).astype(float))
