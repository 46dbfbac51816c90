"""Benchmark of lanxi.compute.access on synthetic road-like graphs (run on demand).

What it measures, on a seeded grid with random removals, diagonals and three road classes:

1. OD matrix: ``travel_time_matrix`` for ``--od`` random origins × ``--od`` random destinations
   with ``engine="dijkstra"`` (compiled bucket search, one search per origin, stopped when every
   destination is settled; what ``"auto"`` runs below 50,000 nodes or 2,000 × 2,000) on 1 thread
   and on ``--workers`` threads, and with
   ``engine="scipy"`` (the previous engine, scipy's Fibonacci-heap Dijkstra) on 1 process.
   With ``engine="ch"`` (``--no-ch`` to skip): the contraction hierarchy's build
   (``contract``, timed and reported apart, like pandana's) and its many-to-many bucket query on
   the same OD sets (1 thread and ``--workers`` threads), answers checked against
   ``"dijkstra"``, with the shortcut count, the hierarchy's size and the build's tracemalloc
   peak (numba's allocations are traced).
2. 1-hour reach: ``reach(limit=60)`` from every node (``--reach-origins`` to sample instead), the
   search cut at 60 minutes.
3. The same with networkx (``single_source_dijkstra_path_length``, pure Python, one process) on
   a few origins and **extrapolated** linearly to the full origin count.
4. igraph if installed (``Graph.distances``, C core) on ``--igraph-origins`` origins, extrapolated.
5. pandana if installed (contraction hierarchies; ``shortest_path_lengths`` on every pair of the
   same OD matrix, nothing extrapolated, answers asserted within ``--pandana-tolerance`` of
   Lanxi's, on 1 thread and ``--workers`` threads, the OpenMP limit set with threadpoolctl and
   verified; ``precompute`` + ``aggregate`` for the
   reach, at ``--pandana-reach-minutes`` because its 60-minute precompute needs > 7 GiB at 10⁵
   nodes; lanxi's reach is timed at the same bound for that ratio). pandana is AGPL-licensed:
   it is used here only and is never imported by the package (keep it in a ``bench`` extra).

Like is compared with like: each ratio is printed with the thread count of both sides, which is
the same on both sides; networkx and igraph are measured on ``--nx-origins`` / ``--igraph-origins``
origins (200 by default, the issue-17 floor) and extrapolated to all origins.
Reports throughput (OD pairs/s), speedups, and peak memory (tracemalloc peak of our OD run —
numpy reports its buffers to tracemalloc — and the process's ru_maxrss), plus ``uptime``.

Examples
--------
Quick run (default, 20,000 nodes, 300 × 300 OD)::

    .venv/bin/python benchmarks/bench_access.py

The 100,000-node run of the brief (2,000 × 2,000 OD, reach from every node)::

    .venv/bin/python benchmarks/bench_access.py --nodes 100000 --od 2000 --workers 2

One million nodes (reach on a 20,000-origin sample, extrapolated; no pandana reach)::

    .venv/bin/python benchmarks/bench_access.py --nodes 1000000 --od 2000 --workers 2 \
        --reach-origins 20000 --nx-origins 2 --no-scipy --no-pandana-reach

The one-core runs of ``docs/accessibility.md`` (CH engine against pandana and networkx)::

    .venv/bin/python benchmarks/bench_access.py --nodes 100000 --od 2000 --clock cpu \
        --reach-origins 20000 --no-pandana-reach
    .venv/bin/python benchmarks/bench_access.py --nodes 1000000 --od 2000 --clock cpu \
        --reach-origins 2000 --nx-origins 2 --igraph-origins 5 --no-scipy --no-pandana-reach \

"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib.util
import os
import resource
import sys
import time
import tracemalloc
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lanxi.compute.access import (
    ContractionHierarchy,
    Network,
    contract,
    network_from_arrays,
    reach,
    travel_time_matrix,
)

# Road classes of the synthetic graph: (every k-th grid line, speed km/h).
EXPRESSWAY = (50, 100.0)
ARTERIAL = (10, 60.0)
LOCAL_SPEED = 30.0


@dataclass
class Graph:
    u: np.ndarray
    v: np.ndarray
    minutes: np.ndarray
    x: np.ndarray
    y: np.ndarray
    net: Network


def synthetic_graph(n_nodes: int, seed: int = 42) -> Graph:
    """Grid of ~n_nodes with 10 % of links removed, diagonals added, three speed classes.

    Grid spacing 1 km; link lengths jittered ±20 %; ~2.5 edges per node (two-way).
    """
    rng = np.random.default_rng(seed)
    side = round(float(np.sqrt(n_nodes)))
    n = side * side
    idx = np.arange(n).reshape(side, side)
    row, col = np.divmod(np.arange(n), side)
    # horizontal and vertical links
    hu, hv = idx[:, :-1].ravel(), idx[:, 1:].ravel()
    vu, vv = idx[:-1, :].ravel(), idx[1:, :].ravel()
    u = np.concatenate([hu, vu])
    v = np.concatenate([hv, vv])
    on_line = np.concatenate([row[hu], col[vu]])  # grid line index carrying the link
    speed = np.full(u.size, LOCAL_SPEED)
    speed[on_line % ARTERIAL[0] == 0] = ARTERIAL[1]
    speed[on_line % EXPRESSWAY[0] == 0] = EXPRESSWAY[1]
    length = np.ones(u.size)
    keep = (rng.random(u.size) > 0.10) | (speed > LOCAL_SPEED)  # remove 10 % of local links
    u, v, speed, length = u[keep], v[keep], speed[keep], length[keep]
    # diagonals on ~70 % of cells (local streets)
    cells = idx[:-1, :-1].ravel()
    pick = rng.random(cells.size) < 0.70
    flip = rng.random(cells.size) < 0.5
    du = np.where(flip, cells, cells + 1)[pick]
    dv = np.where(flip, cells + side + 1, cells + side)[pick]
    u = np.concatenate([u, du])
    v = np.concatenate([v, dv])
    speed = np.concatenate([speed, np.full(du.size, LOCAL_SPEED)])
    length = np.concatenate([length, np.full(du.size, np.sqrt(2.0))])
    length *= rng.uniform(0.8, 1.2, length.size)
    minutes = length / speed * 60.0
    x, y = col.astype(float), row.astype(float)
    net = network_from_arrays(u, v, minutes, n_nodes=n)
    return Graph(u, v, minutes, x, y, net)


_CLOCK = {"wall": time.perf_counter, "cpu": time.process_time}
_clock_name = "wall"


def clock() -> float:
    """The benchmark's clock: wall time, or this process's CPU time (``--clock cpu``)."""
    return _CLOCK[_clock_name]()


def fmt_s(t: float) -> str:
    return f"{t:8.2f} s" if t < 600 else f"{t / 60:8.1f} min"


def rss_mib() -> float:
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024 if sys.platform != "darwin" else kib / 2**20


def bench_lanxi_od(
    g: Graph, orig: np.ndarray, dest: np.ndarray, workers: int, engine: str = "dijkstra"
):
    gc.collect()
    tracemalloc.start()
    t0 = clock()
    od = travel_time_matrix(g.net, orig, dest, workers=workers, engine=engine)
    dt = clock() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return od, dt, peak / 2**20


def bench_lanxi_ch(
    g: Graph, orig: np.ndarray, dest: np.ndarray
) -> tuple[ContractionHierarchy, float, float, np.ndarray, float, float]:
    """Build the hierarchy (timed apart), then query the OD matrix with it (1 thread).

    Returns the hierarchy, build time, build peak (tracemalloc: numba's allocations are traced),
    the matrix, the query time (without tracemalloc, which slows the query loop ~2.5×) and the
    query's peak (a second, traced run).
    """
    gc.collect()
    tracemalloc.start()
    t0 = clock()
    ch = contract(g.net)
    build = clock() - t0
    _, build_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    gc.collect()
    t0 = clock()
    od = travel_time_matrix(g.net, orig, dest, hierarchy=ch)
    dt = clock() - t0
    tracemalloc.start()
    travel_time_matrix(g.net, orig, dest, hierarchy=ch)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return ch, build, build_peak / 2**20, od, dt, peak / 2**20


def bench_lanxi_reach(g: Graph, origins: np.ndarray | None, workers: int, limit: float = 60.0):
    t0 = clock()
    r = reach(g.net, origins, limit=limit, workers=workers)
    return r, clock() - t0


def bench_lanxi_od_ch(
    g: Graph,
    ch: ContractionHierarchy,
    orig: np.ndarray,
    dest: np.ndarray,
    workers: int,
    expected: np.ndarray,
) -> tuple[np.ndarray, float, None]:
    t0 = clock()
    od = travel_time_matrix(g.net, orig, dest, hierarchy=ch, workers=workers)
    dt = clock() - t0
    assert np.array_equal(od, expected)
    return od, dt, None


def bench_igraph(g: Graph, orig: np.ndarray, dest: np.ndarray, od: np.ndarray, k: int):
    import igraph as ig

    t0 = clock()
    graph = ig.Graph(n=g.net.n_nodes, edges=np.column_stack([g.u, g.v]).tolist(), directed=False)
    graph.es["w"] = g.minutes.tolist()
    build = clock() - t0
    t0 = clock()
    got = np.array(graph.distances(source=orig[:k].tolist(), target=dest.tolist(), weights="w"))
    per_origin = (clock() - t0) / k
    np.testing.assert_allclose(got, od[:k], rtol=1e-9)  # same answers
    return build, per_origin


def bench_networkx(g: Graph, orig: np.ndarray, dest: np.ndarray, od: np.ndarray, k: int):
    import networkx as nx

    t0 = clock()
    graph = nx.Graph()
    graph.add_weighted_edges_from(zip(g.u.tolist(), g.v.tolist(), g.minutes.tolist(), strict=True))
    build = clock() - t0
    sample = orig[:k]
    t0 = clock()
    for i, s in enumerate(sample):
        d = nx.single_source_dijkstra_path_length(graph, int(s), weight="weight")
        got = np.array([d.get(int(t), np.inf) for t in dest])
        np.testing.assert_allclose(got, od[i], rtol=1e-9)  # same answers
    od_per_origin = (clock() - t0) / k
    t0 = clock()
    for s in sample:
        nx.single_source_dijkstra_path_length(graph, int(s), cutoff=60.0, weight="weight")
    reach_per_origin = (clock() - t0) / k
    return build, od_per_origin, reach_per_origin


def _threads(n: int):
    """Limit OpenMP threads (pandana) to ``n`` and check that the limit holds.

    pandana parallelises with OpenMP and reads no argument for it; threadpoolctl (the ``bench``
    extra) sets the limit, and every OpenMP runtime loaded in the process must then report ``n``
    threads. Without threadpoolctl the benchmark stops instead of comparing unequal thread counts.
    """
    try:
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:
        sys.exit("threadpoolctl is needed to run pandana on a known thread count: pip install "
                 "'lanxi[bench]'")  # fmt: skip

    @contextlib.contextmanager
    def limited():
        with threadpool_limits(limits=n, user_api="openmp"):
            omp = [i for i in threadpool_info() if i["user_api"] == "openmp"]
            wrong = [i for i in omp if i["num_threads"] != n]
            assert not wrong, f"OpenMP thread limit {n} did not hold: {wrong}"
            yield len(omp)

    return limited()


def bench_pandana(
    g: Graph,
    orig: np.ndarray,
    dest: np.ndarray,
    od: np.ndarray,
    thread_counts: list[int],
    reach_minutes: float | None,
    reach_threads: int,
    tolerance: float,
    rel_tolerance: float = 0.0,
):
    """pandana on exactly Lanxi's OD pairs (every origin × destination), per thread count.

    pandana has no many-to-many query: ``shortest_path_lengths`` answers a list of pairs, here
    all ``len(orig) × len(dest)`` pairs of the matrix Lanxi computes, nothing extrapolated. The
    answers must equal Lanxi's within ``tolerance`` minutes plus ``rel_tolerance`` times the
    time (pandana stores impedances as float32
    and accumulates in float32) before any time is printed.
    """
    import pandana

    t0 = clock()
    net = pandana.Network(
        pd.Series(g.x),
        pd.Series(g.y),
        pd.Series(g.u),
        pd.Series(g.v),
        pd.DataFrame({"minutes": g.minutes}),
        twoway=True,
    )
    build = clock() - t0
    src = np.repeat(orig, dest.size)
    dst = np.tile(dest, orig.size)
    ref = od.ravel()
    pps = {}
    err = 0.0
    for k in thread_counts:
        with _threads(k):
            t0 = clock()
            got = np.asarray(net.shortest_path_lengths(src, dst, imp_name="minutes"))
            pps[k] = ref.size / (clock() - t0)
        finite = np.isfinite(ref)
        # pandana reports an unreachable pair as a huge number, not inf
        assert (got[~finite] > 1e6).all(), "pandana reaches pairs Lanxi finds unreachable"
        err = float(np.max(np.abs(got[finite] - ref[finite]))) if finite.any() else 0.0
        # the error grows with the path: a stated absolute part plus a relative part
        allowed = tolerance + rel_tolerance * np.abs(ref[finite])
        worst = float(np.max(np.abs(got[finite] - ref[finite]) - allowed)) if finite.any() else 0
        assert worst <= 0, (
            f"pandana differs from Lanxi by up to {err:.3g} min, beyond {tolerance} min + "
            f"{rel_tolerance:g} × the time"
        )
    if reach_minutes is None:
        return build, pps, err, None, None
    with _threads(reach_threads):
        t0 = clock()
        net.precompute(reach_minutes)
        net.set(pd.Series(np.arange(g.x.size)), variable=pd.Series(np.ones(g.x.size)), name="one")
        counts = net.aggregate(
            reach_minutes, type="sum", decay="flat", imp_name="minutes", name="one"
        )
        reach_all = clock() - t0
    return build, pps, err, reach_all, np.asarray(counts)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nodes", type=int, default=20_000, help="graph size (default 20,000)")
    ap.add_argument("--od", type=int, default=300, help="origins = destinations (default 300)")
    ap.add_argument(
        "--reach-origins", type=int, default=0, help="sample size for 1-hour reach (0 = every node)"
    )
    ap.add_argument("--workers", type=int, default=1, help="threads for lanxi (default 1)")
    ap.add_argument("--nx-origins", type=int, default=200, help="networkx origins, extrapolated")
    ap.add_argument("--igraph-origins", type=int, default=200, help="igraph origins, extrapolated")
    ap.add_argument(
        "--pandana-rel-tolerance",
        type=float,
        default=2e-3,
        help="plus this fraction of the time: pandana's error grows with the path (0.96 min on "
        "a 10^6-node grid, where paths run to hours)",
    )
    ap.add_argument(
        "--pandana-tolerance",
        type=float,
        default=0.5,
        help="largest |pandana - lanxi| accepted, minutes (pandana computes in float32)",
    )
    ap.add_argument(
        "--pandana-reach-minutes",
        type=float,
        default=30.0,
        help="bound of pandana's precompute/aggregate reach (60 needs > 7 GiB at 10^5 nodes)",
    )
    ap.add_argument("--no-ch", action="store_true", help="skip the contraction-hierarchy engine")
    ap.add_argument("--no-networkx", action="store_true")
    ap.add_argument("--no-igraph", action="store_true")
    ap.add_argument("--no-scipy", action="store_true", help="skip the engine='scipy' OD run")
    ap.add_argument("--no-pandana", action="store_true")
    ap.add_argument("--no-pandana-reach", action="store_true")
    ap.add_argument(
        "--clock",
        choices=["wall", "cpu"],
        default="wall",
        help="cpu: this process's CPU time (robust on a shared machine; 1 thread only)",
    )
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args(argv)
    for name in ("nx_origins", "igraph_origins"):
        if getattr(a, name) < min(200, a.od):
            flag = name.replace("_", "-")
            print(f"note: --{flag} {getattr(a, name)} is below the 200 origins the fair-benchmark "
                  "rule asks for (issue 17): its ratio rests on few searches")  # fmt: skip
    global _clock_name
    _clock_name = a.clock
    if a.clock == "cpu" and a.workers > 1:
        ap.error("--clock cpu sums the CPU time of all threads: use it with --workers 1")
    print(f"clock: {a.clock} time; load average: {os.getloadavg()}")

    t0 = time.perf_counter()
    g = synthetic_graph(a.nodes, a.seed)
    n = g.net.n_nodes
    print(
        f"graph: {n:,} nodes, {g.u.size:,} edges ({g.net.n_arcs:,} arcs), "
        f"built in {time.perf_counter() - t0:.1f} s"
    )
    rng = np.random.default_rng(a.seed + 1)
    orig = rng.choice(n, a.od, replace=False)
    dest = rng.choice(n, a.od, replace=False)
    pairs = a.od * a.od
    travel_time_matrix(g.net, orig[:2], dest[:2])  # compile (or load) the kernels first
    reach(g.net, orig[:2], limit=1.0)

    od, t_od, peak = bench_lanxi_od(g, orig, dest, 1)
    print(f"\n[lanxi]   OD {a.od:,}×{a.od:,} = {pairs:,} pairs, 1 thread: {fmt_s(t_od)}")
    print(f"          {pairs / t_od:,.0f} pairs/s; tracemalloc peak {peak:,.0f} MiB")
    print(f"          unreachable pairs: {int(np.isinf(od).sum()):,}")
    t_od_w = t_od
    if a.workers > 1:
        od_w, t_od_w, _ = bench_lanxi_od(g, orig, dest, a.workers)
        assert np.array_equal(od_w, od)
        print(
            f"[lanxi]   OD on {a.workers} threads: {fmt_s(t_od_w)} ({pairs / t_od_w:,.0f} pairs/s)"
        )
    if not a.no_scipy:
        od_s, t_sc, peak_s = bench_lanxi_od(g, orig, dest, 1, engine="scipy")
        np.testing.assert_allclose(od_s, od, rtol=1e-12)
        print(
            f"[scipy]   OD, engine='scipy' (csgraph Dijkstra), 1 process: {fmt_s(t_sc)} "
            f"({pairs / t_sc:,.0f} pairs/s; peak {peak_s:,.0f} MiB) → lanxi {t_sc / t_od:,.2f}×"
        )
    t_ch = t_ch_w = t_ch_build = None
    if not a.no_ch:
        contract(network_from_arrays(g.u[:50], g.v[:50], g.minutes[:50]))  # compile / load
        ch, t_ch_build, build_peak, od_ch, t_ch, peak_ch = bench_lanxi_ch(g, orig, dest)
        np.testing.assert_allclose(od_ch, od, rtol=1e-12)  # same answers as the exact engine
        assert np.array_equal(np.isinf(od_ch), np.isinf(od))
        print(
            f"[lanxi-ch] contraction hierarchy build {fmt_s(t_ch_build)} (not in the OD time): "
            f"{ch.n_shortcuts:,} shortcuts ({ch.n_shortcuts / g.net.n_arcs:.2f} per input arc), "
            f"{ch.n_arcs:,} hierarchy arcs, {ch.nbytes / 2**20:,.0f} MiB; "
            f"build tracemalloc peak {build_peak:,.0f} MiB"
        )
        print(
            f"          OD, engine='ch', 1 thread: {fmt_s(t_ch)} ({pairs / t_ch:,.0f} pairs/s; "
            f"tracemalloc peak {peak_ch:,.0f} MiB) → {t_od / t_ch:,.1f}× engine='dijkstra'; "
            f"with its build {fmt_s(t_ch + t_ch_build)} ({t_od / (t_ch + t_ch_build):,.2f}×); "
            "same answers (rtol 1e-12)"
        )
        t_ch_w = t_ch
        if a.workers > 1:
            _, t_ch_w, _ = bench_lanxi_od_ch(g, ch, orig, dest, a.workers, od_ch)
            print(
                f"          OD, engine='ch', {a.workers} threads: {fmt_s(t_ch_w)} "
                f"({pairs / t_ch_w:,.0f} pairs/s)"
            )
        del ch
    r_orig = None if a.reach_origins <= 0 else rng.choice(n, min(a.reach_origins, n), replace=False)
    n_r = n if r_orig is None else r_orig.size
    note = "" if r_orig is None else f" (measured on {n_r:,} origins, extrapolated)"
    reach_runs = {}
    for w in sorted({1, a.workers}):
        counts, t_reach = bench_lanxi_reach(g, r_orig, w)
        reach_runs[w] = t_reach * n / n_r
        print(
            f"[lanxi]   1-hour reach from every node, {w} thread(s): {fmt_s(reach_runs[w])}{note}"
        )
        print(
            f"          {n_r / t_reach:,.0f} origins/s; "
            f"median nodes reached {np.median(counts):,.0f}"
        )
    t_reach_all = reach_runs[1]

    if not a.no_networkx and importlib.util.find_spec("networkx"):
        build, per_od, per_reach = bench_networkx(g, orig, dest, od, a.nx_origins)
        t_nx = per_od * a.od
        t_nx_reach = per_reach * n
        print(
            f"\n[networkx] graph build {fmt_s(build)}; measured on {a.nx_origins} origins, "
            "EXTRAPOLATED to all, 1 process:"
        )
        print(
            f"          OD {fmt_s(t_nx)}  ({pairs / t_nx:,.0f} pairs/s) → lanxi (1 thread) "
            f"{t_nx / t_od:,.1f}×"
        )
        print(
            f"          1-hour reach {fmt_s(t_nx_reach)} → lanxi (1 thread) "
            f"{t_nx_reach / t_reach_all:,.1f}×"
        )
        if t_ch is not None and t_ch_build is not None:
            print(
                f"          OD → lanxi engine='ch' (1 thread) {t_nx / t_ch:,.0f}× "
                f"({t_nx / (t_ch + t_ch_build):,.1f}× with the hierarchy build)"
            )
    elif not a.no_networkx:
        print("\n[networkx] not installed — skipped")

    if not a.no_igraph and importlib.util.find_spec("igraph"):
        k = min(a.igraph_origins, a.od)
        build, per = bench_igraph(g, orig, dest, od, k)
        t_ig = per * a.od
        print(
            f"\n[igraph]  build {fmt_s(build)}; OD measured on {k} origins, EXTRAPOLATED, "
            f"1 thread: {fmt_s(t_ig)} ({pairs / t_ig:,.0f} pairs/s) "
            f"→ lanxi (1 thread) {t_ig / t_od:,.1f}×"
        )

    if not a.no_pandana and importlib.util.find_spec("pandana"):
        counts_t = sorted({1, a.workers})
        rm = None if a.no_pandana_reach else a.pandana_reach_minutes
        build, pps, err, p_reach, p_counts = bench_pandana(
            g,
            orig,
            dest,
            od,
            counts_t,
            rm,
            a.workers,
            a.pandana_tolerance,
            a.pandana_rel_tolerance,
        )
        print(f"\n[pandana] contraction hierarchy build {fmt_s(build)} (not in the OD time)")
        print(
            f"          OD: all {pairs:,} pairs of the same matrix, pairwise (pandana has no "
            f"many-to-many query); answers checked: max |Δ| vs lanxi {err:.2e} min "
            f"(tolerance {a.pandana_tolerance:g} min + {a.pandana_rel_tolerance:g} × the time)"
        )
        lanxi_od = {1: t_od, a.workers: t_od_w}
        lanxi_ch = {1: t_ch, a.workers: t_ch_w}
        for k in counts_t:
            line = (
                f"          {k} thread(s) each side (threadpoolctl limit verified): pandana "
                f"{fmt_s(pairs / pps[k])} ({pps[k]:,.0f} pairs/s) → lanxi engine='dijkstra' "
                f"{pairs / pps[k] / lanxi_od[k]:,.1f}×"
            )
            if lanxi_ch[k] is not None:
                line += f", engine='ch' {pairs / pps[k] / lanxi_ch[k]:,.1f}× (queries only)"
            print(line)
        if t_ch is not None and t_ch_build is not None:
            print(
                f"          builds: pandana {fmt_s(build)}, lanxi {fmt_s(t_ch_build)}; build + OD "
                f"on 1 thread: pandana {fmt_s(build + pairs / pps[1])}, lanxi "
                f"{fmt_s(t_ch_build + t_ch)} "
                f"({(build + pairs / pps[1]) / (t_ch_build + t_ch):,.1f}×)"
            )
        if p_reach is not None and rm is not None:
            ours, t_ours = bench_lanxi_reach(g, None, a.workers, limit=rm)
            print(
                f"          {rm:g}-minute reach (precompute + aggregate, every node, {a.workers} "
                f"thread(s) each side) {fmt_s(p_reach)}; lanxi {fmt_s(t_ours)} "
                f"→ lanxi {p_reach / t_ours:,.2f}×"
            )
            rel = np.abs(p_counts - ours) / np.maximum(ours, 1)
            print(
                f"          reach counts vs lanxi: median relative difference {np.median(rel):.2%}"
            )
    elif not a.no_pandana:
        print("\n[pandana] not installed — skipped (pip install pandana; benchmark only, AGPL)")

    print(f"\npeak RSS of the whole run: {rss_mib():,.0f} MiB; load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
