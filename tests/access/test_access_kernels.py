"""The compiled kernels (bucket and heap searches) against scipy and the naive reference."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lanxi.compute.access import network_from_arrays, reach, travel_time_matrix
from lanxi.compute.access.kernels import bucket_width


@st.composite
def graphs(draw, zeros: bool):
    n = draw(st.integers(2, 25))
    m = draw(st.integers(1, 70))
    u = draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    v = draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    lo = 0.0 if zeros else 0.05
    t = draw(
        st.lists(st.floats(lo, 40.0, allow_nan=False, allow_infinity=False), min_size=m, max_size=m)
    )
    if zeros:
        t[0] = 0.0
    oneway = draw(st.lists(st.booleans(), min_size=m, max_size=m))
    return network_from_arrays(
        np.array(u), np.array(v), np.array(t), n_nodes=n, oneway=np.array(oneway)
    )


def _check_against_scipy(net, limit: float, direction: str, workers: int) -> None:
    n = net.n_nodes
    rng = np.random.default_rng(n)
    orig = rng.integers(0, n, min(n, 7))
    dest = rng.integers(0, n, min(n, 5))  # duplicates allowed
    ref = travel_time_matrix(net, orig, dest, limit=limit, direction=direction, engine="scipy")
    for engine in ("auto", "heap"):
        got = travel_time_matrix(
            net, orig, dest, limit=limit, direction=direction, engine=engine, workers=workers
        )
        np.testing.assert_allclose(got, ref, rtol=1e-12)
        assert np.array_equal(np.isinf(got), np.isinf(ref))
    full_ref = travel_time_matrix(net, limit=limit, direction=direction, engine="scipy")
    np.testing.assert_allclose(
        travel_time_matrix(net, limit=limit, direction=direction), full_ref, rtol=1e-12
    )
    if np.isfinite(limit):
        w = np.linspace(1.0, 2.0, n)
        for engine in ("auto", "heap"):
            r = reach(
                net, limit=limit, direction=direction, weights=w, engine=engine, workers=workers
            )
            r_ref = reach(
                net, limit=limit, direction=direction, weights=w, engine="scipy", cluster_size=0
            )
            np.testing.assert_allclose(r, r_ref, rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    net=graphs(zeros=False),
    limit=st.sampled_from([np.inf, 0.0, 10.0, 37.5]),
    direction=st.sampled_from(["from", "to"]),
    workers=st.sampled_from([1, 2]),
)
def test_bucket_search_equals_scipy(net, limit, direction, workers):
    assert bucket_width(net.times.data) > 0  # the bucket kernel is the one under test
    _check_against_scipy(net, limit, direction, workers)


@settings(max_examples=40, deadline=None)
@given(
    net=graphs(zeros=True),
    limit=st.sampled_from([np.inf, 0.0, 12.0]),
    direction=st.sampled_from(["from", "to"]),
)
def test_heap_search_with_zero_arcs_equals_scipy(net, limit, direction):
    assert bucket_width(net.times.data) == 0.0  # zero arcs: the heap kernel runs
    _check_against_scipy(net, limit, direction, 1)


def test_bucket_width_rule():
    assert bucket_width(np.array([0.5, 2.0])) == pytest.approx(0.5, rel=1e-8)
    assert bucket_width(np.array([0.5, 2.0])) < 0.5
    assert bucket_width(np.array([0.0, 2.0])) == 0.0
    assert bucket_width(np.array([1e-9, 100.0]), max_buckets=1000) == 0.0
    assert bucket_width(np.array([])) == 0.0


def test_hand_computed_bucket_case():
    # 0 -1.5-> 1 -1.5-> 2 ; 0 -4-> 2 ; 2 -0.7-> 3 (one-way); shortest 0→3 = 3.7
    net = network_from_arrays(
        np.array([0, 1, 0, 2]), np.array([1, 2, 2, 3]), np.array([1.5, 1.5, 4.0, 0.7]), oneway=True
    )
    assert bucket_width(net.times.data) > 0
    got = travel_time_matrix(net, [0, 3], [0, 1, 2, 3])
    np.testing.assert_allclose(got[0], [0.0, 1.5, 3.0, 3.7])
    assert np.isinf(got[1, :3]).all() and got[1, 3] == 0.0
    assert reach(net, [0], limit=3.0)[0] == 3  # 0, 1, 2 (2 at exactly 3.0 counts)
    assert travel_time_matrix(net, [0], [3], limit=3.69)[0, 0] == np.inf


def test_bad_engine_is_refused():
    net = network_from_arrays(np.array([0]), np.array([1]), np.array([1.0]))
    with pytest.raises(ValueError, match="engine"):
        travel_time_matrix(net, engine="fast")  # type: ignore[arg-type]
