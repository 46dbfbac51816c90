"""Fixtures of the accessibility tests: a naive Dijkstra oracle, random small graphs, a 5-node
network with hand-computed times."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest


def naive_dijkstra(n: int, arcs: list[tuple[int, int, float]], source: int) -> list[float]:
    """Shortest times from ``source`` over directed ``arcs`` (u, v, w), by repeated linear scans."""
    adj: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for u, v, w in arcs:
        adj[u].append((v, w))
    dist = [math.inf] * n
    done = [False] * n
    dist[source] = 0.0
    for _ in range(n):
        best, u = math.inf, -1
        for i in range(n):
            if not done[i] and dist[i] < best:
                best, u = dist[i], i
        if u < 0:
            break
        done[u] = True
        for v, w in adj[u]:
            if dist[u] + w < dist[v]:
                dist[v] = dist[u] + w
    return dist


def random_edges(seed: int, n: int = 12, m: int = 30) -> pd.DataFrame:
    """A random small edge list with one-way edges, parallel edges and zero times."""
    rng = np.random.default_rng(seed)
    u = rng.integers(0, n, m)
    v = rng.integers(0, n, m)
    keep = u != v
    minutes = rng.choice([0.0, 1.0, 2.5, 4.0, 7.0, 10.0], size=m)
    return pd.DataFrame(
        {
            "u": [f"n{i}" for i in u[keep]],
            "v": [f"n{i}" for i in v[keep]],
            "minutes": minutes[keep],
            "oneway": rng.random(m)[keep] < 0.4,
        }
    )


def random_nodes(seed: int, n: int = 12) -> pd.DataFrame:
    rng = np.random.default_rng(seed + 1000)
    return pd.DataFrame(
        {
            "node_id": [f"n{i}" for i in range(n)],
            "lon": 103 + rng.random(n),
            "lat": 36 + rng.random(n),
        }
    )


@pytest.fixture
def oracle() -> Callable[[int, list[tuple[int, int, float]], int], list[float]]:
    """The naive O(V²) Dijkstra (pure Python, test-only)."""
    return naive_dijkstra


@pytest.fixture
def random_graph() -> Callable[..., tuple[pd.DataFrame, pd.DataFrame]]:
    """Factory ``(seed, n=12, m=30) -> (edges, nodes)`` of random small graphs."""

    def make(seed: int, n: int = 12, m: int = 30) -> tuple[pd.DataFrame, pd.DataFrame]:
        return random_edges(seed, n, m), random_nodes(seed, n)

    return make


@pytest.fixture
def five_node():
    """A 5-node line/star with hand-checkable times (minutes).

    A —10— B —20— C —40— D ;  B —5— E   (all two-way)
    """
    edges = pd.DataFrame(
        {
            "u": ["A", "B", "C", "B"],
            "v": ["B", "C", "D", "E"],
            "minutes": [10.0, 20.0, 40.0, 5.0],
        }
    )
    nodes = pd.DataFrame(
        {
            "node_id": list("ABCDE"),
            "lon": [103.0, 103.1, 103.3, 103.7, 103.1],
            "lat": [36.0, 36.0, 36.0, 36.0, 36.05],
            "population": [100.0, 50.0, 30.0, 20.0, 0.0],
        }
    )
    return edges, nodes
