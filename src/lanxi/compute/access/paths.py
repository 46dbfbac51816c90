"""Shortest travel times on a :class:`~lanxi.compute.access.graph.Network`.

Engines, all exact:

* ``engine="dijkstra"`` (what ``engine="auto"``, the default, runs except for the large OD
  matrices named below): the numba kernels of :mod:`lanxi.compute.access.kernels` — one search
  per origin, Dinitz's bucket queue when every arc time is positive (a binary heap otherwise),
  buffers reused across origins so a bounded search costs only the ball it explores, and an OD
  search that stops once every destination is settled. Origins are spread over ``workers``
  threads (the kernels release the GIL).
  ``engine="heap"`` forces the binary heap (for comparison).
* ``engine="scipy"``: :func:`scipy.sparse.csgraph.dijkstra` (a Fibonacci-heap Dijkstra), origins
  in chunks whose distance block stays under ``max_bytes``, ``workers`` processes; kept as the
  reference the kernels are tested against.
* ``engine="ch"`` (:func:`travel_time_matrix` only): a contraction hierarchy
  (:mod:`lanxi.compute.access.ch`) — built once (pass ``hierarchy=`` to reuse one), then each
  OD matrix costs two small upward searches per origin and destination plus bucket scans. Worth
  its build for large OD sets on large graphs: ``engine="auto"`` uses it for unbounded matrices
  of at least 2,000 × 2,000 on networks of at least 50,000 nodes (``CH_AUTO_MIN_NODES``,
  ``CH_AUTO_MIN_PAIRS_SIDE``).

The functions:

* :func:`travel_time_matrix` — many-to-many times, memory ``n_origins × n_destinations × 8``
  bytes for the result plus ``O(nodes + arcs)`` per thread (bucket engine) or ``max_bytes`` per
  chunk (scipy engine).
* :func:`nearest_centre` — for every node, the time to (or from) the nearest of a set of centres,
  in one multi-source search (scipy, ``min_only=True``), with the centre that wins.
* :func:`reach` — how many nodes (or how much weight, e.g. population) each origin reaches within
  a time limit; the search stops at the limit, which is what makes an all-origins "1-hour reach"
  affordable.

``direction="from"`` measures travel from the origins (the default); ``"to"`` measures travel
*towards* them, by searching the transposed matrix.

References
----------
.. [1] Dijkstra, E. W. (1959). A note on two problems in connexion with graphs. *Numerische
   Mathematik* 1, 269–271.
.. [2] Dinitz, E. A. (1978). Economical algorithms for finding shortest paths in a network. In
   *Transportation Modeling Systems*, 36–44 (bucket width = the smallest arc length); see also
   Cherkassky, B. V., Goldberg, A. V. & Radzik, T. (1996). Shortest paths algorithms: theory and
   experimental evaluation. *Mathematical Programming* 73, 129–174.
.. [3] SciPy ``scipy.sparse.csgraph.dijkstra`` (``indices``, ``limit``, ``min_only``).
"""

from __future__ import annotations

import itertools
import multiprocessing as mp
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from lanxi.compute.access import kernels
from lanxi.compute.access.ch import ContractionHierarchy, contract
from lanxi.compute.access.graph import Network

__all__ = ["Direction", "Engine", "nearest_centre", "reach", "travel_time_matrix"]

Direction = Literal["from", "to"]
Engine = Literal["auto", "dijkstra", "heap", "scipy", "ch"]

#: Default bound on the size of one chunk's distance block (256 MiB).
DEFAULT_MAX_BYTES = 256 * 2**20

#: ``engine="auto"`` answers an unbounded OD matrix from a contraction hierarchy (built for the
#: call) when the network has at least ``CH_AUTO_MIN_NODES`` nodes and there are at least
#: ``CH_AUTO_MIN_PAIRS_SIDE`` origins and as many destinations. Measured on the benchmark grid
#: (``docs/accessibility.md``, Performance; 2,000 × 2,000, one core): build + queries took
#: 1/2.5 of the one-search-per-origin time at 2·10⁴ nodes, 1/2.7 at 5·10⁴, 1/2.8 at 10⁵ and
#: 1/4.4 at 10⁶.
CH_AUTO_MIN_NODES = 50_000
CH_AUTO_MIN_PAIRS_SIDE = 2_000


def _oriented(network: Network, direction: Direction) -> sp.csr_matrix:
    if direction == "from":
        return network.times
    if direction == "to":
        return network.times.T.tocsr()
    raise ValueError(f"direction must be 'from' or 'to', not {direction!r}")


def _chunks(n_items: int, n_nodes: int, max_bytes: int, workers: int = 1) -> Iterator[slice]:
    size = max(1, int(max_bytes // (8 * max(n_nodes, 1))))
    if workers > 1:  # at least ~4 chunks per worker to balance the load
        size = min(size, max(1, -(-n_items // (4 * workers))))
    for start in range(0, n_items, size):
        yield slice(start, min(start + size, n_items))


# Worker-process state for workers > 1 (set by the pool initializer; fork shares it cheaply).
_W: dict[str, object] = {}


def _init_worker(matrix: sp.csr_matrix, cols: np.ndarray | None, limit: float) -> None:
    _W["m"], _W["cols"], _W["limit"] = matrix, cols, limit


def _block(src: np.ndarray) -> np.ndarray:
    m = _W["m"]
    cols = _W["cols"]
    d = dijkstra(m, directed=True, indices=src, limit=_W["limit"])
    return d if cols is None else d[:, cols]


def _pool(
    workers: int, matrix: sp.csr_matrix, cols: np.ndarray | None, limit: float
) -> ProcessPoolExecutor:
    method = "fork" if "fork" in mp.get_all_start_methods() else None
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=mp.get_context(method),
        initializer=_init_worker,
        initargs=(matrix, cols, limit),
    )


def _kernel_split(n_items: int, workers: int) -> list[slice]:
    """Contiguous slices of the origins, one per thread."""
    k = max(1, min(workers, n_items))
    bounds = np.linspace(0, n_items, k + 1).astype(int)
    return [slice(int(a), int(b)) for a, b in itertools.pairwise(bounds) if b > a]


def _run_threads(jobs: list[tuple[object, ...]], fn: Callable[..., None], workers: int) -> None:
    """Run ``fn(*job)`` for each job, on ``workers`` threads when more than one."""
    if workers > 1 and len(jobs) > 1:
        with ThreadPoolExecutor(max_workers=workers) as ex:
            for f in [ex.submit(fn, *j) for j in jobs]:
                f.result()
        return
    for j in jobs:
        fn(*j)


def _check_engine(engine: str, allow_ch: bool = False) -> None:
    if engine == "ch" and not allow_ch:
        raise ValueError(
            "engine='ch' is for travel_time_matrix only; use 'auto', 'heap' or 'scipy'"
        )
    if engine not in ("auto", "dijkstra", "heap", "scipy", "ch"):
        raise ValueError(
            f"engine must be 'auto', 'dijkstra', 'heap', 'scipy' or 'ch', not {engine!r}"
        )


def _kernel_od(
    m: sp.csr_matrix, src: np.ndarray, cols: np.ndarray, limit: float, engine: str, workers: int
) -> np.ndarray:
    out = np.empty((src.size, cols.size), dtype=np.float64)
    if src.size == 0 or cols.size == 0:
        return out
    ip, ix, w = m.indptr, m.indices, np.ascontiguousarray(m.data, dtype=np.float64)
    delta = kernels.bucket_width(w) if engine in ("auto", "dijkstra") else 0.0
    src = np.ascontiguousarray(src, dtype=np.int64)
    cols = np.ascontiguousarray(cols, dtype=np.int64)
    lim = float(limit)
    jobs: list[tuple[object, ...]] = []
    for sl in _kernel_split(src.size, workers):
        if delta > 0:
            jobs.append((ip, ix, w, src[sl], cols, lim, delta, out[sl]))
        else:
            jobs.append((ip, ix, w, src[sl], cols, lim, out[sl]))
    fn = kernels.od_rows_bucket if delta > 0 else kernels.od_rows
    _run_threads(jobs, fn, workers)
    return out


def _kernel_reach(
    m: sp.csr_matrix,
    src: np.ndarray,
    limit: float,
    w: np.ndarray | None,
    engine: str,
    workers: int,
) -> np.ndarray:
    out = np.empty(src.size, dtype=np.float64)
    if src.size == 0:
        return out
    ip, ix, wt = m.indptr, m.indices, np.ascontiguousarray(m.data, dtype=np.float64)
    delta = kernels.bucket_width(wt) if engine in ("auto", "dijkstra") else 0.0
    nw = np.ones(m.shape[0]) if w is None else np.ascontiguousarray(w, dtype=np.float64)
    src = np.ascontiguousarray(src, dtype=np.int64)
    lim = float(limit)
    jobs: list[tuple[object, ...]] = []
    for sl in _kernel_split(src.size, workers):
        if delta > 0:
            jobs.append((ip, ix, wt, src[sl], lim, delta, nw, out[sl]))
        else:
            jobs.append((ip, ix, wt, src[sl], lim, nw, out[sl]))
    fn = kernels.reach_rows_bucket if delta > 0 else kernels.reach_rows
    _run_threads(jobs, fn, workers)
    return out


def _ch_pays(network: Network, origins: object, destinations: object, limit: float) -> bool:
    """The automatic choice of the contraction hierarchy (see ``CH_AUTO_MIN_NODES``)."""
    if np.isfinite(limit) or network.n_nodes < CH_AUTO_MIN_NODES:
        return False
    sides = [
        network.n_nodes if ids is None else int(np.size(np.asarray(ids, dtype=object)))
        for ids in (origins, destinations)
    ]
    return min(sides) >= CH_AUTO_MIN_PAIRS_SIDE


def travel_time_matrix(
    network: Network,
    origins: Sequence[object] | np.ndarray | None = None,
    destinations: Sequence[object] | np.ndarray | None = None,
    *,
    limit: float = np.inf,
    direction: Direction = "from",
    max_bytes: int = DEFAULT_MAX_BYTES,
    workers: int = 1,
    engine: Engine = "auto",
    hierarchy: ContractionHierarchy | None = None,
) -> np.ndarray:
    """Many-to-many shortest travel times in minutes.

    Parameters
    ----------
    network : Network
        The network.
    origins, destinations : sequence of node ids, optional
        Default: every node.
    limit : float
        Stop each search at this many minutes; pairs farther apart get ``inf``.
    direction : {"from", "to"}
        ``"from"``: times from each origin to each destination; ``"to"``: from each destination to
        each origin (the matrix is still indexed ``[origin, destination]``).
    max_bytes : int
        ``engine="scipy"`` only: upper bound on one chunk's full distance block; sets the origin
        chunk size.
    workers : int
        Threads (kernel engines) or processes (``engine="scipy"``; each gets a copy of the matrix,
        shared by ``fork`` where available) to spread the origins over; ``1``: this thread.
    engine : {"auto", "dijkstra", "heap", "scipy", "ch"}
        ``"dijkstra"``: the compiled bucket search (heap search when some arc takes zero time),
        one per origin; ``"auto"``: the same, or a contraction hierarchy built for the call when
        ``limit`` is infinite, the network has at least ``CH_AUTO_MIN_NODES`` (50,000) nodes
        and there are at least ``CH_AUTO_MIN_PAIRS_SIDE`` (2,000) origins and as many
        destinations; ``"heap"``: the compiled binary-heap search; ``"scipy"``:
        ``scipy.sparse.csgraph``; ``"ch"``: a contraction hierarchy, built here unless
        ``hierarchy`` is given. All give the same times (to float rounding).
    hierarchy : ContractionHierarchy, optional
        A hierarchy built by :func:`~lanxi.compute.access.ch.contract` from this network, reused
        instead of building one (implies ``engine="ch"``; ``"auto"`` or ``"ch"`` only).

    Returns
    -------
    numpy.ndarray
        Shape ``(len(origins), len(destinations))``, ``float64``, ``inf`` where unreachable.

    Notes
    -----
    One search per origin, each stopped when every destination is settled or at ``limit``:
    ``O(n_origins · (E + V log V))`` time at worst (heap), ``O(n_origins · (E + V + L/Δ))``
    with buckets (``L`` the largest time found, ``Δ`` the shortest arc time). ``engine="ch"``:
    the build (once) plus one upward search per origin and per destination and the bucket scans
    (see :mod:`lanxi.compute.access.ch`).
    """
    _check_engine(engine, allow_ch=True)
    n = network.n_nodes
    if engine == "auto" and hierarchy is None and _ch_pays(network, origins, destinations, limit):
        engine = "ch"
    if hierarchy is not None or engine == "ch":
        if engine not in ("auto", "ch"):
            raise ValueError(f"a hierarchy is queried with engine='ch', not {engine!r}")
        if hierarchy is None:
            hierarchy = contract(network)
        elif hierarchy.n_nodes != network.n_nodes or not np.array_equal(
            hierarchy.node_ids, network.node_ids
        ):
            raise ValueError("the hierarchy was not built from this network (node ids differ)")
        return hierarchy.travel_time_matrix(
            origins, destinations, limit=limit, direction=direction, workers=workers
        )
    m = _oriented(network, direction)
    src = np.arange(n) if origins is None else network.index(origins)
    if engine != "scipy":
        all_cols = np.arange(n) if destinations is None else network.index(destinations)
        return _kernel_od(m, src, all_cols, limit, engine, workers)
    cols = None if destinations is None else network.index(destinations)
    n_cols = n if cols is None else cols.size
    out = np.empty((src.size, n_cols), dtype=np.float64)
    slices = list(_chunks(src.size, n, max_bytes, workers))
    if workers > 1 and len(slices) > 1:
        with _pool(workers, m, cols, limit) as ex:
            for sl, block in zip(slices, ex.map(_block, [src[s] for s in slices]), strict=True):
                out[sl] = block
        return out
    for sl in slices:
        d = dijkstra(m, directed=True, indices=src[sl], limit=limit)
        out[sl] = d if cols is None else d[:, cols]
    return out


def nearest_centre(
    network: Network,
    centres: Sequence[object] | np.ndarray,
    *,
    limit: float = np.inf,
    direction: Direction = "from",
) -> pd.DataFrame:
    """Travel time between every node and the nearest of a set of centres.

    One multi-source Dijkstra search (``min_only=True``): the result equals the minimum over
    centres of the single-centre times, at the cost of one search.

    Parameters
    ----------
    network : Network
        The network.
    centres : sequence of node ids
        The centres (at least one).
    limit : float
        Stop the search at this many minutes.
    direction : {"from", "to"}
        ``"from"``: time from the nearest centre to each node (the reach of a "1-hour circle"
        drawn around centres); ``"to"``: time from each node to its nearest centre.

    Returns
    -------
    pandas.DataFrame
        Indexed by node id, columns ``minutes`` (``inf`` if not reached) and ``centre`` (the id of
        the nearest centre, ``None`` if not reached).
    """
    idx = network.index(centres)
    if idx.size == 0:
        raise ValueError("need at least one centre")
    m = _oriented(network, direction)
    dist, _pred, sources = dijkstra(
        m, directed=True, indices=idx, limit=limit, min_only=True, return_predecessors=True
    )
    centre = np.full(network.n_nodes, None, dtype=object)
    ok = sources >= 0
    centre[ok] = network.node_ids[sources[ok]]
    index = pd.Index(network.node_ids, name="node_id")
    # dtype=object keeps None (pandas' string inference would turn it into NaN).
    return pd.DataFrame(
        {
            "minutes": pd.Series(dist, index=index),
            "centre": pd.Series(centre, index=index, dtype=object),
        }
    )


def reach(
    network: Network,
    origins: Sequence[object] | np.ndarray | None = None,
    *,
    limit: float = 60.0,
    weights: np.ndarray | None = None,
    direction: Direction = "from",
    max_bytes: int = DEFAULT_MAX_BYTES,
    workers: int = 1,
    cluster_size: int = 256,
    engine: Engine = "auto",
) -> np.ndarray:
    """Number of nodes (or total weight) reachable from each origin within ``limit`` minutes.

    Parameters
    ----------
    network : Network
        The network.
    origins : sequence of node ids, optional
        Default: every node ("1-hour reach from every node").
    limit : float
        Time budget in minutes (inclusive: a node at exactly ``limit`` counts).
    weights : numpy.ndarray, optional
        One weight per node (e.g. population); default counts nodes (the origin itself included).
    direction : {"from", "to"}
        Reach outwards from the origin, or the catchment that can reach it.
    max_bytes, workers, engine
        As in :func:`travel_time_matrix`, except that ``"ch"`` is refused (a reach is a bounded
        search from every origin) and ``"auto"`` is ``"dijkstra"``.
    cluster_size : int
        ``engine="scipy"`` only: origins per cluster (see Notes); ``0`` searches the whole graph
        from every origin.

    Returns
    -------
    numpy.ndarray
        One value per origin (``float64``).

    Notes
    -----
    The kernel engines reset only the labels a search touched, so a bounded search costs time
    proportional to the ball it explores. A bounded search still costs ``O(n_nodes)`` per origin
    in scipy (its distance row and heap
    nodes are initialised for the whole graph), which dominates on large graphs. So origins are
    grouped into clusters of about ``cluster_size`` nearby origins (cells of a network Voronoi
    diagram around sampled seeds, from one multi-source search); for each cluster ``C`` the
    *ball* ``B = {v : min_{c in C} t(c, v) <= limit}`` is found with one multi-source bounded
    search, and every origin of ``C`` is searched on the subgraph induced by ``B`` only. This is
    exact: a path of length ``<= limit`` from ``c`` only visits nodes within ``limit`` of ``c``,
    all of which are in ``B``.
    """
    if limit < 0:
        raise ValueError("limit must be >= 0")
    _check_engine(engine)
    m = _oriented(network, direction)
    n = network.n_nodes
    src = np.arange(n) if origins is None else network.index(origins)
    w = None if weights is None else np.asarray(weights, dtype=float)
    if w is not None and w.shape != (n,):
        raise ValueError(f"weights must have one value per node ({n}), got shape {w.shape}")
    if engine != "scipy":
        return _kernel_reach(m, src, limit, w, engine, workers)
    out = np.empty(src.size, dtype=np.float64)
    if cluster_size > 0 and np.isfinite(limit) and src.size > cluster_size:
        groups = _clusters(m, src, cluster_size)
    else:
        groups = [np.arange(src.size)]
    if workers > 1 and len(groups) > 1:
        with _pool(workers, m, None, limit) as ex:
            jobs = [(src[gi], w, max_bytes) for gi in groups]
            for gi, vals in zip(groups, ex.map(_reach_group_worker, jobs), strict=True):
                out[gi] = vals
        return out
    for gi in groups:
        out[gi] = _reach_group(m, src[gi], limit, w, max_bytes)
    return out


def _clusters(m: sp.csr_matrix, src: np.ndarray, cluster_size: int) -> list[np.ndarray]:
    """Positions into ``src`` grouped by network Voronoi cell of sampled seeds."""
    rng = np.random.default_rng(0)
    n_seeds = -(-src.size // cluster_size)
    seeds = rng.choice(src, size=n_seeds, replace=False)
    _d, _p, nearest = dijkstra(
        m, directed=False, indices=seeds, min_only=True, return_predecessors=True
    )
    cell = nearest[src]
    order = np.argsort(cell, kind="stable")
    bounds = np.flatnonzero(np.diff(cell[order])) + 1
    groups: list[np.ndarray] = []
    for g in np.split(order, bounds):
        # keep clusters small even when a cell is large (or holds unreached origins)
        groups.extend(np.array_split(g, -(-g.size // (2 * cluster_size))))
    return groups


def _reach_group(
    m: sp.csr_matrix, src: np.ndarray, limit: float, w: np.ndarray | None, max_bytes: int
) -> np.ndarray:
    n = m.shape[0]
    if src.size > 1:
        ball_d = dijkstra(m, directed=True, indices=src, limit=limit, min_only=True)
        ball = np.flatnonzero(np.isfinite(ball_d))
    else:
        ball = np.arange(n)
    if ball.size < n:
        sub = m[ball][:, ball]
        local = np.searchsorted(ball, src)
        w_sub = None if w is None else w[ball]
    else:
        sub, local, w_sub = m, src, w
    out = np.empty(src.size, dtype=np.float64)
    for sl in _chunks(src.size, sub.shape[0], max_bytes):
        d = dijkstra(sub, directed=True, indices=local[sl], limit=limit)
        ok = np.isfinite(d)
        out[sl] = ok.sum(axis=1) if w_sub is None else ok @ w_sub
    return out


def _reach_group_worker(args: tuple[np.ndarray, np.ndarray | None, int]) -> np.ndarray:
    src, w, max_bytes = args
    return _reach_group(_W["m"], src, _W["limit"], w, max_bytes)  # type: ignore[arg-type]
