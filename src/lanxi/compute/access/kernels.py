"""Compiled Dijkstra kernels (numba): one search per origin, binary heap, reused buffers.

Why hand-written: measured on the benchmark's 10⁵-node road-like grid (``benchmarks/
bench_access.py``, one core), a one-to-all search takes about 20–26 ms in
``scipy.sparse.csgraph.dijkstra`` (Fibonacci heap, every call initialises ``O(n)`` heap nodes),
44 ms in igraph (``Graph.distances``), 61–69 ms in networkit (``Dijkstra``, ``SPSP``) and
107 ms in rustworkx — none of the well-kept libraries is fast enough for the OD-matrix goals of
issue 5. The kernel below is the textbook algorithm, kept exact and short:

* a binary min-heap with lazy deletion (an arc relaxation that lowers a label pushes a new entry;
  stale entries are skipped when popped), so heap memory is ``O(arcs)`` and there is no
  decrease-key;
* the distance array is allocated once per thread and only the labels a search touched are reset
  afterwards, so a search bounded by ``limit`` costs time proportional to the ball it explores,
  not to the graph;
* a many-to-many search stops as soon as every destination is settled (their labels are final
  then), or when the next label exceeds ``limit``;
* the functions release the GIL (``nogil=True``) so origins can be spread over threads.

Labels are sums of arc times along the path found, in float64, as in SciPy; results agree with
``scipy.sparse.csgraph.dijkstra`` to rounding (tested against it and a naive reference).

References
----------
.. [1] Dijkstra, E. W. (1959). A note on two problems in connexion with graphs. *Numerische
   Mathematik* 1, 269–271.
.. [2] Cormen, T. H., Leiserson, C. E., Rivest, R. L. & Stein, C. (2009). *Introduction to
   Algorithms*, 3rd ed., §6.5 (binary heaps) and §24.3 (Dijkstra's algorithm).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["bucket_width", "od_rows", "reach_rows"]


@njit(inline="always")
def heap_pop(heap_d: np.ndarray, heap_v: np.ndarray, size: int) -> int:  # pragma: no cover
    """Remove the root of the binary min-heap ``heap_d[:size]`` (values in ``heap_v``).

    The last entry moves down from the top; returns the new size. Read the root before calling.
    Inlined into its callers by numba (``inline="always"``): no call in the search loop.
    """
    size -= 1
    if size > 0:
        ld = heap_d[size]
        lv = heap_v[size]
        i = 0
        while True:
            c = 2 * i + 1
            if c >= size:
                break
            if c + 1 < size and heap_d[c + 1] < heap_d[c]:
                c += 1
            if heap_d[c] >= ld:
                break
            heap_d[i] = heap_d[c]
            heap_v[i] = heap_v[c]
            i = c
        heap_d[i] = ld
        heap_v[i] = lv
    return size


@njit(inline="always")
def heap_push(
    heap_d: np.ndarray, heap_v: np.ndarray, size: int, d: float, v: int
) -> int:  # pragma: no cover
    """Add ``(d, v)`` to the binary min-heap ``heap_d[:size]`` (sift up); returns the new size."""
    i = size
    while i > 0:
        p = (i - 1) >> 1
        if heap_d[p] <= d:
            break
        heap_d[i] = heap_d[p]
        heap_v[i] = heap_v[p]
        i = p
    heap_d[i] = d
    heap_v[i] = v
    return size + 1


@njit(cache=True, nogil=True)
def _search(
    indptr: np.ndarray,
    indices: np.ndarray,
    weights: np.ndarray,
    source: int,
    limit: float,
    dist: np.ndarray,
    touched: np.ndarray,
    heap_d: np.ndarray,
    heap_v: np.ndarray,
    is_target: np.ndarray,
    n_targets: int,
) -> int:  # pragma: no cover - compiled; exercised through od_rows/reach_rows
    """One Dijkstra search; labels in ``dist`` (``inf`` on entry), returns #touched nodes.

    Stops when ``n_targets`` distinct targets are settled (``n_targets <= 0``: never) or when
    the smallest label left exceeds ``limit``. Labels above ``limit`` may remain in ``dist``.
    """
    dist[source] = 0.0
    touched[0] = source
    n_touched = 1
    heap_d[0] = 0.0
    heap_v[0] = source
    size = 1
    found = 0
    while size > 0:
        d = heap_d[0]
        u = heap_v[0]
        size = heap_pop(heap_d, heap_v, size)
        if d > dist[u]:
            continue  # stale entry
        if d > limit:
            break
        if n_targets > 0 and is_target[u]:
            found += 1
            if found >= n_targets:
                break
        for k in range(indptr[u], indptr[u + 1]):
            v = indices[k]
            nd = d + weights[k]
            if nd < dist[v]:
                if dist[v] == np.inf:
                    touched[n_touched] = v
                    n_touched += 1
                dist[v] = nd
                size = heap_push(heap_d, heap_v, size, nd, v)
    return n_touched


@njit(cache=True, nogil=True)
def od_rows(
    indptr: np.ndarray,
    indices: np.ndarray,
    weights: np.ndarray,
    sources: np.ndarray,
    cols: np.ndarray,
    limit: float,
    out: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Fill ``out[i, j]`` with the time from ``sources[i]`` to ``cols[j]`` (``inf`` if > limit).

    Parameters
    ----------
    indptr, indices, weights : numpy.ndarray
        The CSR arrays of the (non-negative) arc-time matrix.
    sources, cols : numpy.ndarray
        Row positions of the origins and column positions of the destinations.
    limit : float
        Search bound in minutes (``inf``: none).
    out : numpy.ndarray
        ``float64`` array of shape ``(len(sources), len(cols))``, written in place.
    """
    n = indptr.size - 1
    dist = np.full(n, np.inf)
    touched = np.empty(n, dtype=np.int32)
    heap_d = np.empty(weights.size + 1, dtype=np.float64)
    heap_v = np.empty(weights.size + 1, dtype=np.int32)
    is_target = np.zeros(n, dtype=np.bool_)
    n_targets = 0
    for j in range(cols.size):
        if not is_target[cols[j]]:
            is_target[cols[j]] = True
            n_targets += 1
    for i in range(sources.size):
        k = _search(
            indptr,
            indices,
            weights,
            sources[i],
            limit,
            dist,
            touched,
            heap_d,
            heap_v,
            is_target,
            n_targets,
        )
        for j in range(cols.size):
            x = dist[cols[j]]
            out[i, j] = x if x <= limit else np.inf
        for t in range(k):
            dist[touched[t]] = np.inf


@njit(cache=True, nogil=True)
def reach_rows(
    indptr: np.ndarray,
    indices: np.ndarray,
    weights: np.ndarray,
    sources: np.ndarray,
    limit: float,
    node_weight: np.ndarray,
    out: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Fill ``out[i]`` with the total ``node_weight`` of nodes within ``limit`` of ``sources[i]``.

    Parameters
    ----------
    indptr, indices, weights : numpy.ndarray
        The CSR arrays of the (non-negative) arc-time matrix.
    sources : numpy.ndarray
        Row positions of the origins.
    limit : float
        Time budget in minutes, inclusive.
    node_weight : numpy.ndarray
        One weight per node (ones to count nodes).
    out : numpy.ndarray
        ``float64`` array of length ``len(sources)``, written in place.
    """
    n = indptr.size - 1
    dist = np.full(n, np.inf)
    touched = np.empty(n, dtype=np.int32)
    heap_d = np.empty(weights.size + 1, dtype=np.float64)
    heap_v = np.empty(weights.size + 1, dtype=np.int32)
    no_target = np.zeros(1, dtype=np.bool_)
    for i in range(sources.size):
        k = _search(
            indptr,
            indices,
            weights,
            sources[i],
            limit,
            dist,
            touched,
            heap_d,
            heap_v,
            no_target,
            0,
        )
        total = 0.0
        for t in range(k):
            v = touched[t]
            if dist[v] <= limit:
                total += node_weight[v]
            dist[v] = np.inf
        out[i] = total


def bucket_width(weights: np.ndarray, max_buckets: int = 1 << 20) -> float:
    """Bucket width for the exact bucket search, or ``0.0`` when the heap search must be used.

    Dinitz's rule: with every arc time ``>= Δ``, all labels in the lowest non-empty bucket
    ``[kΔ, (k+1)Δ)`` are final, so a bucket is settled in any order. Zero-time arcs break the
    rule (heap search then); so does a ratio ``max/min`` above ``max_buckets`` (too many buckets).

    Parameters
    ----------
    weights : numpy.ndarray
        Arc times.
    max_buckets : int
        Largest ratio of the longest to the shortest arc time for which buckets are used.

    Returns
    -------
    float
        ``Δ`` slightly below the shortest arc time (so that rounding never puts a relaxed node in
        the bucket being settled), or ``0.0``.
    """
    if weights.size == 0:
        return 0.0
    lo, hi = float(weights.min()), float(weights.max())
    if not lo > 0.0 or not np.isfinite(hi) or hi / lo > max_buckets:
        return 0.0
    return lo * (1.0 - 1e-9)


@njit(cache=True, nogil=True)
def _n_slots(weights: np.ndarray, delta: float) -> int:  # pragma: no cover - compiled
    """Circular bucket count: a power of two above the widest span of live labels."""
    need = int(weights.max() / delta) + 3
    n = 1
    while n < need:
        n *= 2
    return n


@njit(cache=True, nogil=True)
def _bucket_search(
    indptr: np.ndarray,
    indices: np.ndarray,
    weights: np.ndarray,
    source: int,
    limit: float,
    delta: float,
    dist: np.ndarray,
    touched: np.ndarray,
    head: np.ndarray,
    nxt: np.ndarray,
    prv: np.ndarray,
    is_target: np.ndarray,
    n_targets: int,
) -> int:  # pragma: no cover - compiled
    """Dinitz's bucket search (all arc times ``> delta``); same contract as :func:`_search`.

    ``head`` (one entry per circular bucket slot, ``-1`` = empty) must be clear on entry and is
    clear on return. A node whose label drops while it is already labelled is always in a bucket
    (a settled node's label cannot drop: every arc is longer than ``delta``), the one that
    ``int(old label / delta)`` names, so no per-node slot is stored.
    """
    mask = head.size - 1  # a power of two: slot = bucket & mask
    inv_delta = 1.0 / delta
    dist[source] = 0.0
    touched[0] = source
    n_touched = 1
    head[0] = source
    nxt[source] = -1
    prv[source] = -1
    queued = 1
    found = 0
    cur = 0
    done = False
    while queued > 0 and not done:
        if cur * delta > limit:
            break
        slot = cur & mask
        while head[slot] != -1:
            u = head[slot]
            h = nxt[u]
            head[slot] = h
            if h != -1:
                prv[h] = -1
            queued -= 1
            d = dist[u]
            if d > limit:
                continue
            if n_targets > 0 and is_target[u]:
                found += 1
                if found >= n_targets:
                    done = True
                    break
            for k in range(indptr[u], indptr[u + 1]):
                v = indices[k]
                nd = d + weights[k]
                if nd < dist[v]:
                    if dist[v] == np.inf:
                        touched[n_touched] = v
                        n_touched += 1
                    else:  # unlink v from its bucket
                        p, q = prv[v], nxt[v]
                        if p != -1:
                            nxt[p] = q
                        else:
                            head[int(dist[v] * inv_delta) & mask] = q
                        if q != -1:
                            prv[q] = p
                        queued -= 1
                    dist[v] = nd
                    s = int(nd * inv_delta) & mask
                    q = head[s]
                    nxt[v] = q
                    prv[v] = -1
                    if q != -1:
                        prv[q] = v
                    head[s] = v
                    queued += 1
        cur += 1
    if queued > 0:  # stopped early: clear the buckets left
        head[:] = -1
    return n_touched


@njit(cache=True, nogil=True)
def od_rows_bucket(
    indptr: np.ndarray,
    indices: np.ndarray,
    weights: np.ndarray,
    sources: np.ndarray,
    cols: np.ndarray,
    limit: float,
    delta: float,
    out: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """:func:`od_rows` by the bucket search (``delta`` from :func:`bucket_width`)."""
    n = indptr.size - 1
    n_slots = _n_slots(weights, delta)
    dist = np.full(n, np.inf)
    touched = np.empty(n, dtype=np.int32)
    head = np.full(n_slots, -1, dtype=np.int32)
    nxt = np.empty(n, dtype=np.int32)
    prv = np.empty(n, dtype=np.int32)
    is_target = np.zeros(n, dtype=np.bool_)
    n_targets = 0
    for j in range(cols.size):
        if not is_target[cols[j]]:
            is_target[cols[j]] = True
            n_targets += 1
    for i in range(sources.size):
        k = _bucket_search(
            indptr,
            indices,
            weights,
            sources[i],
            limit,
            delta,
            dist,
            touched,
            head,
            nxt,
            prv,
            is_target,
            n_targets,
        )
        for j in range(cols.size):
            x = dist[cols[j]]
            out[i, j] = x if x <= limit else np.inf
        for t in range(k):
            dist[touched[t]] = np.inf


@njit(cache=True, nogil=True)
def reach_rows_bucket(
    indptr: np.ndarray,
    indices: np.ndarray,
    weights: np.ndarray,
    sources: np.ndarray,
    limit: float,
    delta: float,
    node_weight: np.ndarray,
    out: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """:func:`reach_rows` by the bucket search (``delta`` from :func:`bucket_width`)."""
    n = indptr.size - 1
    n_slots = _n_slots(weights, delta)
    dist = np.full(n, np.inf)
    touched = np.empty(n, dtype=np.int32)
    head = np.full(n_slots, -1, dtype=np.int32)
    nxt = np.empty(n, dtype=np.int32)
    prv = np.empty(n, dtype=np.int32)
    no_target = np.zeros(1, dtype=np.bool_)
    for i in range(sources.size):
        k = _bucket_search(
            indptr,
            indices,
            weights,
            sources[i],
            limit,
            delta,
            dist,
            touched,
            head,
            nxt,
            prv,
            no_target,
            0,
        )
        total = 0.0
        for t in range(k):
            v = touched[t]
            if dist[v] <= limit:
                total += node_weight[v]
            dist[v] = np.inf
        out[i] = total
