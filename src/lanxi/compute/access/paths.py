"""Shortest travel times on a :class:`~lanxi.compute.access.graph.Network`.

All searches run in compiled code, :func:`scipy.sparse.csgraph.dijkstra` (a Fibonacci-heap
Dijkstra), one origin chunk at a time:

* :func:`travel_time_matrix` — many-to-many times; origins are processed in chunks whose distance
  block (``chunk × n_nodes`` floats) stays under ``max_bytes``, and only the destination columns
  are kept, so memory is bounded by ``max_bytes + n_origins × n_destinations × 8``.
* :func:`nearest_centre` — for every node, the time to (or from) the nearest of a set of centres,
  in one multi-source search (``min_only=True``, SciPy ≥ 1.3), with the centre that wins.
* :func:`reach` — how many nodes (or how much weight, e.g. population) each origin reaches within
  a time limit; the search stops at the limit (``limit=``), which is what makes an all-origins
  "1-hour reach" affordable.

``direction="from"`` measures travel from the origins (the default); ``"to"`` measures travel
*towards* them, by searching the transposed matrix.

References
----------
.. [1] Dijkstra, E. W. (1959). A note on two problems in connexion with graphs. *Numerische
   Mathematik* 1, 269–271.
.. [2] SciPy ``scipy.sparse.csgraph.dijkstra`` (``indices``, ``limit``, ``min_only``).
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from lanxi.compute.access.graph import Network

__all__ = ["Direction", "nearest_centre", "reach", "travel_time_matrix"]

Direction = Literal["from", "to"]

#: Default bound on the size of one chunk's distance block (256 MiB).
DEFAULT_MAX_BYTES = 256 * 2**20


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


def travel_time_matrix(
    network: Network,
    origins: Sequence[object] | np.ndarray | None = None,
    destinations: Sequence[object] | np.ndarray | None = None,
    *,
    limit: float = np.inf,
    direction: Direction = "from",
    max_bytes: int = DEFAULT_MAX_BYTES,
    workers: int = 1,
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
        Upper bound on one chunk's full distance block; sets the origin chunk size.
    workers : int
        Processes to spread chunks over (``1``: in this process). Each worker gets a copy of the
        matrix (shared by ``fork`` where available).

    Returns
    -------
    numpy.ndarray
        Shape ``(len(origins), len(destinations))``, ``float64``, ``inf`` where unreachable.

    Notes
    -----
    One Dijkstra search per origin, each over the whole graph unless ``limit`` stops it earlier:
    ``O(n_origins · (E + V log V))`` time.
    """
    m = _oriented(network, direction)
    n = network.n_nodes
    src = np.arange(n) if origins is None else network.index(origins)
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
    max_bytes, workers : int
        As in :func:`travel_time_matrix`.
    cluster_size : int
        Origins per cluster (see Notes); ``0`` searches the whole graph from every origin.

    Returns
    -------
    numpy.ndarray
        One value per origin (``float64``).

    Notes
    -----
    A bounded search still costs ``O(n_nodes)`` per origin in scipy (its distance row and heap
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
    m = _oriented(network, direction)
    n = network.n_nodes
    src = np.arange(n) if origins is None else network.index(origins)
    w = None if weights is None else np.asarray(weights, dtype=float)
    if w is not None and w.shape != (n,):
        raise ValueError(f"weights must have one value per node ({n}), got shape {w.shape}")
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
