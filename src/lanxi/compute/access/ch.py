"""Contraction hierarchy (numba): build once, then exact many-to-many travel-time matrices.

Contraction (Geisberger et al. 2008 [1]_) removes the nodes one at a time in the order of a
priority and, when node ``v`` goes, adds a *shortcut* ``u → w`` of length ``t(u,v) + t(v,w)`` for
each pair of remaining neighbours unless a *witness* path ``u ⇝ w`` avoiding ``v`` and no longer
than that is found. Distances between the remaining nodes are therefore kept at every step, and
every shortest path of the input has an equally long *up–down* path in the hierarchy: first arcs
towards later-contracted nodes, then arcs towards earlier ones. Implementation notes:

* directed arcs (one-way links): every node keeps an out-list and an in-list; a shortcut is
  considered for each in-neighbour ``u`` and out-neighbour ``w`` of ``v`` (``u ≠ w``); one witness
  search from ``u`` (forward, ``v`` skipped) serves all of ``v``'s out-neighbours. When every arc
  has a reverse arc of the same time (a two-way network, checked at the start), each unordered
  pair of neighbours is checked once and gives both arcs (a third fewer searches on the benchmark
  grid);
* a direct arc ``u → w`` no longer than the candidate is a witness found without a search; the
  search looks only for the other targets and stops once they are all settled;
* witness searches are bounded by a settled-node limit (``settle_limit``) and by the longest
  candidate; the labels they leave are lengths of real paths (also when a search is cut short),
  so a cut search can only add a superfluous shortcut, never lose a distance — the hierarchy
  stays exact. Hop limits are offered but, on the benchmark grid, hop-limited contraction
  searches added many superfluous shortcuts that made the contraction slower, so they are used
  only for the priority estimates (2 hops, 20 settled nodes);
* node priority = ``edge_weight · (shortcuts − arcs removed) + deleted neighbours + level``
  (edge difference, deleted-neighbours and search-space-depth terms of [1]_) in an indexed heap.
  When a node is contracted its neighbours get the new deleted-neighbour and level terms at once
  (their edge difference is re-simulated too with ``update_neighbours=True``: on a 10⁴-node
  benchmark grid 2.9× the build time for 26 % fewer shortcuts, so it is off by default); the
  node on top is re-evaluated with the contraction's own search before it is contracted (lazy
  update [1]_) and put back if it is no longer the minimum — otherwise the shortcuts of that
  search are the ones added;
* the dynamic adjacency lives in flat preallocated pools (per-node capacity, doubled by moving the
  list to the pool's end; the pool itself doubles when full) — no Python objects in the loop;
* a node's arcs left at its contraction are final: they go to the upward graph of the lower end.
  Nodes are renumbered by contraction rank, so the top of the hierarchy is contiguous in memory.

Query: many-to-many with buckets (Knopp et al. 2007 [2]_, the CH variant of [1]_): an upward
backward search from every destination leaves ``(destination, time)`` entries in the buckets of
the nodes it settles; an upward forward search from every origin scans the buckets of the nodes it
settles, and ``t(s, d) = min over meeting nodes of forward + backward label``. Both searches use
stall-on-demand [1]_ (a node reached by a shorter path from a higher node is neither expanded nor
given bucket entries: its label is not a shortest distance, so it cannot be the meeting node of a
shortest path). With ``limit`` both searches stop at the limit and longer times become ``inf``.
Origins are split over threads (the kernels release the GIL).

Times are float64 sums of the input arc times (in a different association than a one-to-all
Dijkstra, so they agree with the other engines to rounding, ~1e-15 relative). Zero-time arcs are
supported. Parallel arcs keep the fastest; self-loops are dropped (they never shorten a path).

References
----------
.. [1] Geisberger, R., Sanders, P., Schultes, D. & Delling, D. (2008). Contraction hierarchies:
   faster and simpler hierarchical routing in road networks. In *Experimental Algorithms (WEA
   2008)*, LNCS 5038, 319–333.
.. [2] Knopp, S., Sanders, P., Schultes, D., Schulz, F. & Wagner, D. (2007). Computing
   many-to-many shortest paths using highway hierarchies. In *Proc. 9th Workshop on Algorithm
   Engineering and Experiments (ALENEX)*, 36–45.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numba import njit

from lanxi.compute.access.graph import Network
from lanxi.compute.access.kernels import heap_pop, heap_push

__all__ = ["ContractionHierarchy", "contract"]

_INF = np.inf


# ---------------------------------------------------------------------------------------------
# Dynamic adjacency in a pool: list of node x = to[start[x] : start[x] + length[x]], capacity cap[x]
# ---------------------------------------------------------------------------------------------


@njit(cache=True, nogil=True)
def _grow_pool(
    to: np.ndarray, wt: np.ndarray, top: int, need: int
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """The pool arrays with room for ``need`` more slots after ``top`` (reallocated if needed)."""
    if top + need <= to.size:
        return to, wt
    size = max(2 * to.size, top + need + 16)
    to2 = np.empty(size, dtype=np.int32)
    wt2 = np.empty(size, dtype=np.float64)
    to2[:top] = to[:top]
    wt2[:top] = wt[:top]
    return to2, wt2


@njit(cache=True, nogil=True)
def _append(
    x: int,
    y: int,
    w: float,
    start: np.ndarray,
    length: np.ndarray,
    cap: np.ndarray,
    to: np.ndarray,
    wt: np.ndarray,
    top: int,
) -> int:  # pragma: no cover - compiled
    """Append ``(y, w)`` to the list of ``x``; returns the new pool top (room checked by caller)."""
    if length[x] == cap[x]:
        s = start[x]
        if s + cap[x] == top:  # last list of the pool: extend in place
            top += cap[x] if cap[x] > 0 else 2
            cap[x] = cap[x] * 2 if cap[x] > 0 else 2
        else:  # move to the end with double capacity
            nc = cap[x] * 2 if cap[x] > 0 else 2
            for k in range(length[x]):
                to[top + k] = to[s + k]
                wt[top + k] = wt[s + k]
            start[x] = top
            cap[x] = nc
            top += nc
    p = start[x] + length[x]
    to[p] = y
    wt[p] = w
    length[x] += 1
    return top


@njit(cache=True, nogil=True)
def _remove(
    x: int, y: int, start: np.ndarray, length: np.ndarray, to: np.ndarray, wt: np.ndarray
) -> None:  # pragma: no cover - compiled
    """Remove ``y`` from the list of ``x`` (swap with the last entry)."""
    s = start[x]
    e = s + length[x]
    for k in range(s, e):
        if to[k] == y:
            to[k] = to[e - 1]
            wt[k] = wt[e - 1]
            length[x] -= 1
            return


@njit(cache=True, nogil=True)
def _lower_to(
    x: int, y: int, w: float, start: np.ndarray, length: np.ndarray, to: np.ndarray, wt: np.ndarray
) -> bool:  # pragma: no cover - compiled
    """If ``y`` is in the list of ``x``, lower its weight to ``w`` (if shorter) and return True."""
    s = start[x]
    for k in range(s, s + length[x]):
        if to[k] == y:
            if w < wt[k]:
                wt[k] = w
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Witness search and node contraction
# ---------------------------------------------------------------------------------------------


@njit(cache=True, nogil=True)
def _witness(
    src: int,
    skip: int,
    max_d: float,
    settle_limit: int,
    max_hops: int,
    o_start: np.ndarray,
    o_len: np.ndarray,
    o_to: np.ndarray,
    o_wt: np.ndarray,
    dist: np.ndarray,
    hops: np.ndarray,
    touched: np.ndarray,
    heap_d: np.ndarray,
    heap_v: np.ndarray,
    is_tgt: np.ndarray,
    n_tgt: int,
) -> int:  # pragma: no cover - compiled
    """Bounded Dijkstra from ``src`` avoiding ``skip``; labels in ``dist``, returns #touched.

    Stops after ``settle_limit`` settled nodes, when the next label exceeds ``max_d`` or when all
    ``n_tgt`` targets are settled. A full heap drops pushes (labels stay upper bounds).
    """
    cap = heap_d.size
    dist[src] = 0.0
    hops[src] = 0
    touched[0] = src
    nt = 1
    heap_d[0] = 0.0
    heap_v[0] = src
    size = 1
    settled = 0
    found = 0
    while size > 0:
        d = heap_d[0]
        u = heap_v[0]
        size = heap_pop(heap_d, heap_v, size)
        if d > dist[u]:
            continue
        if d > max_d:
            break
        if is_tgt[u]:
            found += 1
            if found >= n_tgt:
                break
        settled += 1
        if settled > settle_limit:
            break
        h = hops[u] + 1
        if h > max_hops:
            continue
        s = o_start[u]
        for k in range(s, s + o_len[u]):
            v = o_to[k]
            if v == skip:
                continue
            nd = d + o_wt[k]
            if nd < dist[v] and nd <= max_d:
                if dist[v] == _INF:
                    touched[nt] = v
                    nt += 1
                dist[v] = nd
                hops[v] = h
                if size < cap:
                    size = heap_push(heap_d, heap_v, size, nd, v)
    return nt


@njit(cache=True, nogil=True)
def _shortcuts(
    v: int,
    settle_limit: int,
    max_hops: int,
    symmetric: bool,
    o_start: np.ndarray,
    o_len: np.ndarray,
    o_to: np.ndarray,
    o_wt: np.ndarray,
    i_start: np.ndarray,
    i_len: np.ndarray,
    i_to: np.ndarray,
    i_wt: np.ndarray,
    dist: np.ndarray,
    hops: np.ndarray,
    touched: np.ndarray,
    heap_d: np.ndarray,
    heap_v: np.ndarray,
    is_tgt: np.ndarray,
    cand: np.ndarray,
    sc_u: np.ndarray,
    sc_w: np.ndarray,
    sc_d: np.ndarray,
    stats: np.ndarray,
) -> int:  # pragma: no cover - compiled
    """The shortcuts contracting ``v`` needs, written to ``sc_*`` (sized ``in × out``); count."""
    os_ = o_start[v]
    oe = os_ + o_len[v]
    n_sc = 0
    # symmetric graph: in-list = out-list and t(u, w) = t(w, u), so each unordered pair of
    # neighbours is checked once, from the earlier one in the out-list, and gives both arcs
    a_lo = os_ if symmetric else i_start[v]
    a_hi = oe if symmetric else i_start[v] + i_len[v]
    for a in range(a_lo, a_hi):
        if symmetric:
            u = o_to[a]
            wu = o_wt[a]
            t_lo = a + 1
        else:
            u = i_to[a]
            wu = i_wt[a]
            t_lo = os_
        # candidates u → v → w; a direct arc u → w no longer than the candidate is a witness
        for k in range(t_lo, oe):
            w = o_to[k]
            if w != u:
                cand[w] = wu + o_wt[k]
        for k in range(o_start[u], o_start[u] + o_len[u]):
            y = o_to[k]
            if cand[y] >= 0.0 and o_wt[k] <= cand[y]:
                cand[y] = -1.0
        n_tgt = 0
        max_d = 0.0
        for k in range(t_lo, oe):
            w = o_to[k]
            if w != u and cand[w] >= 0.0:
                is_tgt[w] = True
                n_tgt += 1
                if cand[w] > max_d:
                    max_d = cand[w]
        if n_tgt == 0:
            continue
        nt = _witness(
            u,
            v,
            max_d,
            settle_limit,
            max_hops,
            o_start,
            o_len,
            o_to,
            o_wt,
            dist,
            hops,
            touched,
            heap_d,
            heap_v,
            is_tgt,
            n_tgt,
        )
        for k in range(t_lo, oe):
            w = o_to[k]
            if w == u or cand[w] < 0.0:
                continue
            is_tgt[w] = False
            c = cand[w]
            cand[w] = -1.0
            if dist[w] > c:
                sc_u[n_sc] = u
                sc_w[n_sc] = w
                sc_d[n_sc] = c
                n_sc += 1
                if symmetric:
                    sc_u[n_sc] = w
                    sc_w[n_sc] = u
                    sc_d[n_sc] = c
                    n_sc += 1
        stats[0] += 1
        stats[1] += nt
        for t in range(nt):
            dist[touched[t]] = _INF
    return n_sc


@njit(cache=True, nogil=True)
def _heap_up(hp: np.ndarray, hv: np.ndarray, pos: np.ndarray, i: int) -> None:  # pragma: no cover
    p_ = hp[i]
    v = hv[i]
    while i > 0:
        q = (i - 1) >> 1
        if hp[q] <= p_:
            break
        hp[i] = hp[q]
        hv[i] = hv[q]
        pos[hv[i]] = i
        i = q
    hp[i] = p_
    hv[i] = v
    pos[v] = i


@njit(cache=True, nogil=True)
def _heap_down(
    hp: np.ndarray, hv: np.ndarray, pos: np.ndarray, i: int, size: int
) -> None:  # pragma: no cover
    p_ = hp[i]
    v = hv[i]
    while True:
        c = 2 * i + 1
        if c >= size:
            break
        if c + 1 < size and hp[c + 1] < hp[c]:
            c += 1
        if hp[c] >= p_:
            break
        hp[i] = hp[c]
        hv[i] = hv[c]
        pos[hv[i]] = i
        i = c
    hp[i] = p_
    hv[i] = v
    pos[v] = i


@njit(cache=True, nogil=True)
def _contract_kernel(
    indptr: np.ndarray,
    indices: np.ndarray,
    weights: np.ndarray,
    settle_sim: int,
    settle_contract: int,
    hops_sim: int,
    hops_contract: int,
    edge_weight: float,
    lazy: bool,
    update_neighbours: bool,
    symmetric: bool,
) -> tuple[
    np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, int
]:  # pragma: no cover - compiled
    """Contract the graph: the ranks, the hierarchy's arcs and statistics.

    Returns ``rank``, ``arc_lo``, ``arc_hi``, ``arc_w``, ``arc_fwd`` (True: ``lo → hi``, False:
    ``hi → lo``), ``level``, ``stats`` (witness searches, nodes they touched, lazy updates,
    re-queued nodes) and the shortcut count.
    """
    n = indptr.size - 1
    # --- initial adjacency (self-loops dropped; the CSR has no parallel arcs)
    outdeg = np.zeros(n, dtype=np.int64)
    indeg = np.zeros(n, dtype=np.int64)
    for x in range(n):
        for k in range(indptr[x], indptr[x + 1]):
            y = indices[k]
            if y != x:
                outdeg[x] += 1
                indeg[y] += 1
    o_start = np.empty(n, dtype=np.int64)
    o_len = np.zeros(n, dtype=np.int64)
    o_cap = np.empty(n, dtype=np.int64)
    i_start = np.empty(n, dtype=np.int64)
    i_len = np.zeros(n, dtype=np.int64)
    i_cap = np.empty(n, dtype=np.int64)
    o_top = 0
    i_top = 0
    for x in range(n):
        o_start[x] = o_top
        o_cap[x] = 2 * outdeg[x] + 2
        o_top += o_cap[x]
        i_start[x] = i_top
        i_cap[x] = 2 * indeg[x] + 2
        i_top += i_cap[x]
    o_to = np.empty(2 * o_top + 16, dtype=np.int32)
    o_wt = np.empty(2 * o_top + 16, dtype=np.float64)
    i_to = np.empty(2 * i_top + 16, dtype=np.int32)
    i_wt = np.empty(2 * i_top + 16, dtype=np.float64)
    for x in range(n):
        for k in range(indptr[x], indptr[x + 1]):
            y = indices[k]
            if y != x:
                p = o_start[x] + o_len[x]
                o_to[p] = y
                o_wt[p] = weights[k]
                o_len[x] += 1
                q = i_start[y] + i_len[y]
                i_to[q] = x
                i_wt[q] = weights[k]
                i_len[y] += 1
    # --- search buffers
    dist = np.full(n, _INF)
    hops = np.zeros(n, dtype=np.int32)
    ed = np.zeros(n, dtype=np.float64)
    stats = np.zeros(8, dtype=np.int64)
    touched = np.empty(n, dtype=np.int32)
    hcap = 1 << 16
    heap_d = np.empty(hcap, dtype=np.float64)
    heap_v = np.empty(hcap, dtype=np.int32)
    is_tgt = np.zeros(n, dtype=np.bool_)
    cand = np.full(n, -1.0)
    sc_cap = 1024
    sc_u = np.empty(sc_cap, dtype=np.int64)
    sc_w = np.empty(sc_cap, dtype=np.int64)
    sc_d = np.empty(sc_cap, dtype=np.float64)
    deleted = np.zeros(n, dtype=np.int64)
    level = np.zeros(n, dtype=np.int64)
    contracted = np.zeros(n, dtype=np.bool_)
    mark = np.zeros(n, dtype=np.bool_)
    nbrs = np.empty(n, dtype=np.int64)
    # --- output arcs
    m0 = indices.size
    a_cap = 2 * m0 + 16
    arc_lo = np.empty(a_cap, dtype=np.int32)
    arc_hi = np.empty(a_cap, dtype=np.int32)
    arc_w = np.empty(a_cap, dtype=np.float64)
    arc_fwd = np.empty(a_cap, dtype=np.bool_)
    n_arc = 0
    # --- initial priorities
    hp = np.empty(n, dtype=np.float64)
    hv = np.empty(n, dtype=np.int64)
    pos = np.empty(n, dtype=np.int64)
    for x in range(n):
        need = i_len[x] * o_len[x]
        if need > sc_cap:
            sc_cap = 2 * need
            sc_u = np.empty(sc_cap, dtype=np.int64)
            sc_w = np.empty(sc_cap, dtype=np.int64)
            sc_d = np.empty(sc_cap, dtype=np.float64)
        s = _shortcuts(
            x, settle_sim, hops_sim, symmetric, o_start, o_len, o_to, o_wt,
            i_start, i_len, i_to, i_wt,
            dist, hops, touched, heap_d, heap_v, is_tgt, cand, sc_u, sc_w, sc_d, stats,
        )  # fmt: skip
        ed[x] = s - i_len[x] - o_len[x]
        hp[x] = edge_weight * ed[x]
        hv[x] = x
    for x in range(n):
        pos[x] = x
    for i in range(n // 2 - 1, -1, -1):
        _heap_down(hp, hv, pos, i, n)
    size = n
    rank = np.empty(n, dtype=np.int64)
    order = np.empty(n, dtype=np.int64)
    n_shortcuts = 0
    step = 0
    while size > 0:
        v = hv[0]
        need = i_len[v] * o_len[v]
        if need > sc_cap:
            sc_cap = 2 * need
            sc_u = np.empty(sc_cap, dtype=np.int64)
            sc_w = np.empty(sc_cap, dtype=np.int64)
            sc_d = np.empty(sc_cap, dtype=np.float64)
        have = False
        if lazy and size > 1:
            # re-evaluate with the contraction's own search: if v stays on top, its shortcuts
            # are the ones just found
            s = _shortcuts(
                v, settle_contract, hops_contract, symmetric, o_start, o_len, o_to, o_wt,
                i_start, i_len, i_to, i_wt,
                dist, hops, touched, heap_d, heap_v, is_tgt, cand, sc_u, sc_w, sc_d, stats,
            )  # fmt: skip
            have = True
            stats[2] += 1
            ed[v] = s - i_len[v] - o_len[v]
            pr = edge_weight * ed[v] + deleted[v] + level[v]
            if pr > hp[0]:
                hp[0] = pr
                _heap_down(hp, hv, pos, 0, size)
                if hv[0] != v:
                    stats[3] += 1
                    continue
        # pop v
        size -= 1
        if size > 0:
            hp[0] = hp[size]
            hv[0] = hv[size]
            pos[hv[0]] = 0
            _heap_down(hp, hv, pos, 0, size)
        pos[v] = -1
        if not have:
            s = _shortcuts(
                v, settle_contract, hops_contract, symmetric, o_start, o_len, o_to, o_wt,
                i_start, i_len, i_to, i_wt,
                dist, hops, touched, heap_d, heap_v, is_tgt, cand, sc_u, sc_w, sc_d, stats,
            )  # fmt: skip
        # room: each shortcut may move two lists (double capacity) and append one entry each
        o_need = 0
        i_need = 0
        for j in range(s):
            o_need += 2 * o_cap[sc_u[j]] + 4
            i_need += 2 * i_cap[sc_w[j]] + 4
        o_to, o_wt = _grow_pool(o_to, o_wt, o_top, o_need)
        i_to, i_wt = _grow_pool(i_to, i_wt, i_top, i_need)
        for j in range(s):
            u = sc_u[j]
            w = sc_w[j]
            c = sc_d[j]
            if _lower_to(u, w, c, o_start, o_len, o_to, o_wt):
                _lower_to(w, u, c, i_start, i_len, i_to, i_wt)
            else:
                o_top = _append(u, w, c, o_start, o_len, o_cap, o_to, o_wt, o_top)
                i_top = _append(w, u, c, i_start, i_len, i_cap, i_to, i_wt, i_top)
                n_shortcuts += 1
        # v's remaining arcs are final
        k_new = o_len[v] + i_len[v]
        if n_arc + k_new > a_cap:
            a_cap = max(2 * a_cap, n_arc + k_new)
            lo2 = np.empty(a_cap, dtype=np.int32)
            hi2 = np.empty(a_cap, dtype=np.int32)
            w2 = np.empty(a_cap, dtype=np.float64)
            f2 = np.empty(a_cap, dtype=np.bool_)
            lo2[:n_arc] = arc_lo[:n_arc]
            hi2[:n_arc] = arc_hi[:n_arc]
            w2[:n_arc] = arc_w[:n_arc]
            f2[:n_arc] = arc_fwd[:n_arc]
            arc_lo, arc_hi, arc_w, arc_fwd = lo2, hi2, w2, f2
        n_nb = 0
        for k in range(o_start[v], o_start[v] + o_len[v]):
            y = o_to[k]
            arc_lo[n_arc] = v
            arc_hi[n_arc] = y
            arc_w[n_arc] = o_wt[k]
            arc_fwd[n_arc] = True
            n_arc += 1
            _remove(y, v, i_start, i_len, i_to, i_wt)
            if not mark[y]:
                mark[y] = True
                nbrs[n_nb] = y
                n_nb += 1
        for k in range(i_start[v], i_start[v] + i_len[v]):
            y = i_to[k]
            arc_lo[n_arc] = v
            arc_hi[n_arc] = y
            arc_w[n_arc] = i_wt[k]
            arc_fwd[n_arc] = False
            n_arc += 1
            _remove(y, v, o_start, o_len, o_to, o_wt)
            if not mark[y]:
                mark[y] = True
                nbrs[n_nb] = y
                n_nb += 1
        o_len[v] = 0
        i_len[v] = 0
        contracted[v] = True
        rank[v] = step
        order[step] = v
        step += 1
        # re-evaluate the neighbours
        for j in range(n_nb):
            x = nbrs[j]
            mark[x] = False
            deleted[x] += 1
            if level[v] + 1 > level[x]:
                level[x] = level[v] + 1
            if not update_neighbours:
                pr = edge_weight * ed[x] + deleted[x] + level[x]
                i = pos[x]
                old = hp[i]
                hp[i] = pr
                if pr < old:
                    _heap_up(hp, hv, pos, i)
                else:
                    _heap_down(hp, hv, pos, i, size)
                continue
            need = i_len[x] * o_len[x]
            if need > sc_cap:
                sc_cap = 2 * need
                sc_u = np.empty(sc_cap, dtype=np.int64)
                sc_w = np.empty(sc_cap, dtype=np.int64)
                sc_d = np.empty(sc_cap, dtype=np.float64)
            s2 = _shortcuts(
                x, settle_sim, hops_sim, symmetric, o_start, o_len, o_to, o_wt,
                i_start, i_len, i_to, i_wt,
                dist, hops, touched, heap_d, heap_v, is_tgt, cand, sc_u, sc_w, sc_d, stats,
            )  # fmt: skip
            ed[x] = s2 - i_len[x] - o_len[x]
            pr = edge_weight * ed[x] + deleted[x] + level[x]
            i = pos[x]
            old = hp[i]
            hp[i] = pr
            if pr < old:
                _heap_up(hp, hv, pos, i)
            else:
                _heap_down(hp, hv, pos, i, size)
    return (
        rank,
        arc_lo[:n_arc].copy(),
        arc_hi[:n_arc].copy(),
        arc_w[:n_arc].copy(),
        arc_fwd[:n_arc].copy(),
        level,
        stats,
        n_shortcuts,
    )


# ---------------------------------------------------------------------------------------------
# Many-to-many query with buckets
# ---------------------------------------------------------------------------------------------


@njit(cache=True, nogil=True)
def _upward(
    src: int,
    limit: float,
    up_ip: np.ndarray,
    up_ix: np.ndarray,
    up_w: np.ndarray,
    st_ip: np.ndarray,
    st_ix: np.ndarray,
    st_w: np.ndarray,
    dist: np.ndarray,
    touched: np.ndarray,
    heap_d: np.ndarray,
    heap_v: np.ndarray,
    settled_v: np.ndarray,
    settled_d: np.ndarray,
) -> tuple[int, int]:  # pragma: no cover - compiled
    """Upward search with stall-on-demand; settled (non-stalled) nodes in ``settled_*``.

    ``up_*``: arcs to higher nodes in the search direction; ``st_*``: arcs from higher nodes into
    a node in the search direction (for stalling). Returns (#settled, #touched).
    """
    dist[src] = 0.0
    touched[0] = src
    nt = 1
    heap_d[0] = 0.0
    heap_v[0] = src
    size = 1
    ns = 0
    while size > 0:
        d = heap_d[0]
        u = heap_v[0]
        size = heap_pop(heap_d, heap_v, size)
        if d > dist[u]:
            continue
        if d > limit:
            break
        stalled = False
        for k in range(st_ip[u], st_ip[u + 1]):
            if dist[st_ix[k]] + st_w[k] < d:
                stalled = True
                break
        if stalled:
            continue
        settled_v[ns] = u
        settled_d[ns] = d
        ns += 1
        for k in range(up_ip[u], up_ip[u + 1]):
            v = up_ix[k]
            nd = d + up_w[k]
            if nd < dist[v]:
                if dist[v] == _INF:
                    touched[nt] = v
                    nt += 1
                dist[v] = nd
                size = heap_push(heap_d, heap_v, size, nd, v)
    return ns, nt


@njit(cache=True, nogil=True)
def _buckets(
    targets: np.ndarray,
    limit: float,
    fw_ip: np.ndarray,
    fw_ix: np.ndarray,
    fw_w: np.ndarray,
    bw_ip: np.ndarray,
    bw_ix: np.ndarray,
    bw_w: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """Backward upward searches from ``targets``: buckets as CSR (node → target index, time)."""
    n = fw_ip.size - 1
    dist = np.full(n, _INF)
    touched = np.empty(n, dtype=np.int32)
    heap_d = np.empty(bw_ix.size + 1, dtype=np.float64)
    heap_v = np.empty(bw_ix.size + 1, dtype=np.int32)
    sv = np.empty(n, dtype=np.int32)
    sd = np.empty(n, dtype=np.float64)
    cap = 1024 + 64 * targets.size
    e_node = np.empty(cap, dtype=np.int32)
    e_tgt = np.empty(cap, dtype=np.int32)
    e_d = np.empty(cap, dtype=np.float64)
    ne = 0
    for j in range(targets.size):
        ns, nt = _upward(
            targets[j], limit, bw_ip, bw_ix, bw_w, fw_ip, fw_ix, fw_w,
            dist, touched, heap_d, heap_v, sv, sd,
        )  # fmt: skip
        if ne + ns > cap:
            cap = max(2 * cap, ne + ns)
            a = np.empty(cap, dtype=np.int32)
            b = np.empty(cap, dtype=np.int32)
            c = np.empty(cap, dtype=np.float64)
            a[:ne] = e_node[:ne]
            b[:ne] = e_tgt[:ne]
            c[:ne] = e_d[:ne]
            e_node, e_tgt, e_d = a, b, c
        for k in range(ns):
            e_node[ne] = sv[k]
            e_tgt[ne] = j
            e_d[ne] = sd[k]
            ne += 1
        for k in range(nt):
            dist[touched[k]] = _INF
    b_ip = np.zeros(n + 1, dtype=np.int64)
    for k in range(ne):
        b_ip[e_node[k] + 1] += 1
    for x in range(n):
        b_ip[x + 1] += b_ip[x]
    fill = b_ip[:-1].copy()
    b_t = np.empty(ne, dtype=np.int32)
    b_d = np.empty(ne, dtype=np.float64)
    for k in range(ne):
        p = fill[e_node[k]]
        b_t[p] = e_tgt[k]
        b_d[p] = e_d[k]
        fill[e_node[k]] += 1
    return b_ip, b_t, b_d


@njit(cache=True, nogil=True)
def _scan(
    sources: np.ndarray,
    limit: float,
    fw_ip: np.ndarray,
    fw_ix: np.ndarray,
    fw_w: np.ndarray,
    bw_ip: np.ndarray,
    bw_ix: np.ndarray,
    bw_w: np.ndarray,
    b_ip: np.ndarray,
    b_t: np.ndarray,
    b_d: np.ndarray,
    out: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Forward upward searches from ``sources`` scanning the buckets into ``out`` rows."""
    n = fw_ip.size - 1
    dist = np.full(n, _INF)
    touched = np.empty(n, dtype=np.int32)
    heap_d = np.empty(fw_ix.size + 1, dtype=np.float64)
    heap_v = np.empty(fw_ix.size + 1, dtype=np.int32)
    sv = np.empty(n, dtype=np.int32)
    sd = np.empty(n, dtype=np.float64)
    for i in range(sources.size):
        row = out[i]
        row[:] = _INF
        ns, nt = _upward(
            sources[i], limit, fw_ip, fw_ix, fw_w, bw_ip, bw_ix, bw_w,
            dist, touched, heap_d, heap_v, sv, sd,
        )  # fmt: skip
        for k in range(ns):
            x = sv[k]
            d = sd[k]
            for e in range(b_ip[x], b_ip[x + 1]):
                val = d + b_d[e]
                t = b_t[e]
                if val < row[t]:
                    row[t] = val
        for k in range(nt):
            dist[touched[k]] = _INF
        if limit < _INF:
            for j in range(row.size):
                if row[j] > limit:
                    row[j] = _INF


def _csr(
    lo: np.ndarray, hi: np.ndarray, w: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR (indptr, int32 indices, weights) of arcs keyed by ``lo``, sorted by ``lo``, ``hi``."""
    order = np.lexsort((hi, lo))
    ip = np.zeros(n + 1, dtype=np.int64)
    np.add.at(ip, lo.astype(np.int64) + 1, 1)
    np.cumsum(ip, out=ip)
    return ip, np.ascontiguousarray(hi[order], dtype=np.int32), np.ascontiguousarray(w[order])


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ContractionHierarchy:
    """A contraction hierarchy of a :class:`~lanxi.compute.access.graph.Network`, built once.

    Build it with :func:`contract`; query it with :meth:`travel_time_matrix` (node ids) or
    :meth:`matrix` (node positions), as often as needed.

    Attributes
    ----------
    node_ids : numpy.ndarray
        The network's node ids (position ``i`` is node ``node_ids[i]``).
    rank : numpy.ndarray
        Contraction rank of every node (``0`` first contracted); the query graphs are indexed by
        rank.
    fw_indptr, fw_indices, fw_weights : numpy.ndarray
        Upward forward graph (CSR by rank): arcs ``x → y`` with ``rank y > rank x``.
    bw_indptr, bw_indices, bw_weights : numpy.ndarray
        Upward backward graph (CSR by rank): entry ``x → y`` stands for the arc ``y → x`` with
        ``rank y > rank x``.
    n_shortcuts : int
        Shortcuts added by the contraction.
    build_seconds : float
        CPU time of the contraction (``time.process_time``).
    """

    node_ids: np.ndarray
    rank: np.ndarray
    fw_indptr: np.ndarray
    fw_indices: np.ndarray
    fw_weights: np.ndarray
    bw_indptr: np.ndarray
    bw_indices: np.ndarray
    bw_weights: np.ndarray
    n_shortcuts: int
    build_seconds: float
    build_stats: dict[str, int] = field(repr=False)
    _index: pd.Index = field(repr=False)

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.rank.size)

    @property
    def n_arcs(self) -> int:
        """Arcs of the hierarchy (input arcs plus shortcuts, upward and downward)."""
        return int(self.fw_indices.size + self.bw_indices.size)

    @property
    def nbytes(self) -> int:
        """Memory held by the hierarchy's arrays, in bytes."""
        arrays = (
            self.rank,
            self.fw_indptr,
            self.fw_indices,
            self.fw_weights,
            self.bw_indptr,
            self.bw_indices,
            self.bw_weights,
        )
        return int(sum(a.nbytes for a in arrays))

    def matrix(
        self,
        sources: np.ndarray,
        targets: np.ndarray,
        *,
        limit: float = np.inf,
        workers: int = 1,
    ) -> np.ndarray:
        """Times from node positions ``sources`` to node positions ``targets``.

        Parameters
        ----------
        sources, targets : numpy.ndarray
            Integer node positions (``0 … n_nodes-1``); duplicates allowed.
        limit : float
            Times above ``limit`` become ``inf`` (the searches stop there).
        workers : int
            Threads to spread the sources over.

        Returns
        -------
        numpy.ndarray
            ``float64`` array ``(len(sources), len(targets))``, ``inf`` where unreachable.
        """
        from lanxi.compute.access.paths import _kernel_split, _run_threads

        src = np.ascontiguousarray(self.rank[np.asarray(sources, dtype=np.int64)], dtype=np.int64)
        tgt = np.ascontiguousarray(self.rank[np.asarray(targets, dtype=np.int64)], dtype=np.int64)
        out = np.empty((src.size, tgt.size), dtype=np.float64)
        if src.size == 0 or tgt.size == 0:
            return out
        lim = float(limit)
        fw = (self.fw_indptr, self.fw_indices, self.fw_weights)
        bw = (self.bw_indptr, self.bw_indices, self.bw_weights)
        b_ip, b_t, b_d = _buckets(tgt, lim, *fw, *bw)
        jobs: list[tuple[object, ...]] = [
            (src[sl], lim, *fw, *bw, b_ip, b_t, b_d, out[sl])
            for sl in _kernel_split(src.size, workers)
        ]
        _run_threads(jobs, _scan, workers)
        return out

    def travel_time_matrix(
        self,
        origins: Sequence[object] | np.ndarray | None = None,
        destinations: Sequence[object] | np.ndarray | None = None,
        *,
        limit: float = np.inf,
        direction: Literal["from", "to"] = "from",
        workers: int = 1,
    ) -> np.ndarray:
        """Many-to-many shortest travel times in minutes, by node id.

        Same contract as :func:`lanxi.compute.access.paths.travel_time_matrix`.

        Parameters
        ----------
        origins, destinations : sequence of node ids, optional
            Default: every node.
        limit : float
            Pairs farther apart than ``limit`` minutes get ``inf``.
        direction : {"from", "to"}
            ``"from"``: from each origin to each destination; ``"to"``: from each destination to
            each origin (still indexed ``[origin, destination]``).
        workers : int
            Threads.

        Returns
        -------
        numpy.ndarray
            Shape ``(len(origins), len(destinations))``, ``float64``, ``inf`` where unreachable.
        """
        src = np.arange(self.n_nodes) if origins is None else self._positions(origins)
        dst = np.arange(self.n_nodes) if destinations is None else self._positions(destinations)
        if direction == "from":
            return self.matrix(src, dst, limit=limit, workers=workers)
        if direction == "to":
            return np.ascontiguousarray(self.matrix(dst, src, limit=limit, workers=workers).T)
        raise ValueError(f"direction must be 'from' or 'to', not {direction!r}")

    def _positions(self, ids: object) -> np.ndarray:
        from lanxi.errors import NotFoundError

        arr = np.atleast_1d(np.asarray(ids, dtype=object))
        pos = np.asarray(self._index.get_indexer(pd.Index(arr, dtype=object)))
        missing = arr[pos < 0]
        if missing.size:
            shown = ", ".join(repr(x) for x in missing[:10].tolist())
            more = f" and {missing.size - 10} more" if missing.size > 10 else ""
            raise NotFoundError(f"not a node of the network: {shown}{more}")
        return pos.astype(np.int64)


#: Default witness-search bounds (settled nodes) while estimating priorities and contracting.
DEFAULT_SETTLE_SIM = 20
DEFAULT_SETTLE_CONTRACT = 500
#: Default hop bound of the priority estimates (the contraction's own searches have none).
DEFAULT_HOPS_SIM = 2


def _is_symmetric(m: sp.csr_matrix) -> bool:
    """Whether every arc has a reverse arc of the same time (stored zeros count as arcs)."""
    a = m.sorted_indices()
    b = m.T.tocsr().sorted_indices()
    return bool(
        np.array_equal(a.indptr, b.indptr)
        and np.array_equal(a.indices, b.indices)
        and np.array_equal(a.data, b.data)
    )


def contract(
    network: Network,
    *,
    settle_limit: int = DEFAULT_SETTLE_CONTRACT,
    settle_limit_priority: int = DEFAULT_SETTLE_SIM,
    hop_limit: int = 1_000_000,
    hop_limit_priority: int = DEFAULT_HOPS_SIM,
    edge_weight: float = 2.0,
    lazy: bool = True,
    update_neighbours: bool = False,
) -> ContractionHierarchy:
    """Build the contraction hierarchy of a network.

    Parameters
    ----------
    network : Network
        The network (its :attr:`~Network.times`, arcs of non-negative minutes).
    settle_limit : int
        Witness searches while contracting stop after this many settled nodes (a smaller bound
        adds superfluous shortcuts, never wrong ones).
    settle_limit_priority : int
        The same bound for the searches that estimate priorities.
    edge_weight : float
        Weight of the edge difference in the priority (deleted neighbours and level weigh 1).
    lazy : bool
        Re-evaluate the node on top of the queue before contracting it.

    Returns
    -------
    ContractionHierarchy

    Raises
    ------
    ValueError
        If an arc time is negative or not finite.
    """
    m = network.times.tocsr()
    w = np.ascontiguousarray(m.data, dtype=np.float64)
    if w.size and (not np.all(np.isfinite(w)) or w.min() < 0):
        raise ValueError("arc times must be finite and non-negative")
    n = network.n_nodes
    t0 = time.process_time()
    symmetric = _is_symmetric(m)
    rank, lo, hi, aw, fwd, _level, stats, n_sc = _contract_kernel(
        np.ascontiguousarray(m.indptr, dtype=np.int64),
        np.ascontiguousarray(m.indices, dtype=np.int64),
        w,
        int(settle_limit_priority),
        int(settle_limit),
        int(hop_limit_priority),
        int(hop_limit),
        float(edge_weight),
        bool(lazy),
        bool(update_neighbours),
        symmetric,
    )
    rlo, rhi = rank[lo], rank[hi]
    fw_ip, fw_ix, fw_w = _csr(rlo[fwd], rhi[fwd], aw[fwd], n)
    bw_ip, bw_ix, bw_w = _csr(rlo[~fwd], rhi[~fwd], aw[~fwd], n)
    dt = time.process_time() - t0
    return ContractionHierarchy(
        np.asarray(network.node_ids),
        rank,
        fw_ip,
        fw_ix,
        fw_w,
        bw_ip,
        bw_ix,
        bw_w,
        n_shortcuts=int(n_sc),
        build_seconds=dt,
        build_stats={
            "witness_searches": int(stats[0]),
            "witness_touched": int(stats[1]),
            "lazy_updates": int(stats[2]),
            "lazy_requeued": int(stats[3]),
        },
        _index=pd.Index(network.node_ids),
    )
