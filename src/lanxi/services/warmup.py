"""Compile every numba kernel once, into the cache of :func:`lanxi.home.numba_cache_dir`.

numba compiles a kernel the first time it is called with a given set of argument types and, with
``cache=True``, writes the machine code to its cache directory; later processes load it in
milliseconds. :func:`compile_kernels` calls each public engine that runs a kernel on a tiny input of
the types real inputs have (float64 columns, int32/int64 graph arrays), so that after ``lanxi
setup`` the first real call in a fresh process costs what the second does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Compiled:
    """One warm-up step: what was compiled (or loaded from the cache) and how long it took."""

    name: str
    seconds: float


def _air() -> None:
    import numpy as np
    import pandas as pd

    from lanxi.compute.air import compute_aqi, daily_from_hourly

    # two days either side of 2026-03-01: both HJ 633 editions, real-time and daily reports
    times = pd.date_range("2026-02-27", periods=96, freq="h")
    n = len(times)
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "station": "W",
            "time": times,
            "so2": rng.uniform(2, 30, n),
            "no2": rng.uniform(5, 60, n),
            "co": rng.uniform(0.2, 2.0, n),
            "o3_1h": rng.uniform(10, 150, n),
            "pm10": rng.uniform(20, 200, n),
            "pm2_5": rng.uniform(10, 120, n),
        }
    )
    compute_aqi(frame, kind="hourly")
    daily = daily_from_hourly(frame)
    compute_aqi(daily, kind="daily")


def _water() -> None:
    import pandas as pd

    from lanxi.compute.water.classify import classify_samples

    frame = pd.DataFrame(
        {
            "section": ["W", "W"],
            "waterbody": ["river", "lake"],
            "do": [7.5, 4.0],
            "nh3n": [0.2, 1.6],
            "tp": [0.05, 0.3],
        }
    )
    classify_samples(frame, target_class=3)


def _access() -> None:
    import numpy as np

    from lanxi.compute.access.ch import contract
    from lanxi.compute.access.graph import network_from_arrays
    from lanxi.compute.access.paths import reach, travel_time_matrix

    # a 20 × 20 grid, two-way and one-way arcs: the kernels' int and float array types
    side = 20
    ids = np.arange(side * side).reshape(side, side)
    u = np.concatenate([ids[:, :-1].ravel(), ids[:-1, :].ravel()])
    v = np.concatenate([ids[:, 1:].ravel(), ids[1:, :].ravel()])
    minutes = np.full(len(u), 1.5)
    for oneway in (False, True):
        net = network_from_arrays(u, v, minutes, oneway=oneway)
        travel_time_matrix(net, engine="dijkstra")
        travel_time_matrix(net, limit=10.0, engine="dijkstra")
        reach(net, limit=10.0, engine="dijkstra")
        travel_time_matrix(net, engine="ch", hierarchy=contract(net))


STEPS: tuple[tuple[str, Callable[[], None]], ...] = (
    ("AQI (HJ 633-2012/2026)", _air),
    ("water classes (GB 3838)", _water),
    ("shortest paths and contraction hierarchy", _access),
)


def compile_kernels(progress: Callable[[str], None] | None = None) -> list[Compiled]:
    """Compile (or load from the cache) every numba kernel Lanxi has.

    Parameters
    ----------
    progress : callable, optional
        Called with each step's name before it runs.

    Returns
    -------
    list of Compiled
        Each step and its wall time: seconds to compile on a cold cache, milliseconds once cached.
    """
    done = []
    for name, step in STEPS:
        if progress is not None:
            progress(name)
        t0 = time.perf_counter()
        step()
        done.append(Compiled(name, time.perf_counter() - t0))
    return done
