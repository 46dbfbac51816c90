"""1-hour circle coverage and weighted average travel time.

Definitions
-----------
1-hour circle (1小时交通圈 / 1小时通勤圈)
    The set of places reachable within 60 minutes from a centre's network node by the fastest
    mode the network offers. The national guidance on metropolitan areas defines a 都市圈 as the
    urbanised area "以1小时通勤圈为基本范围" around a large central city [1]_; the Lanzhou–Xining
    implementation scheme sets the goal of a "1小时通勤经济圈" around 兰州–白银 [2]_, and the
    Qinghai proposals ask for "西宁—海东核心轴、紧密层（大通、湟源、湟中、互助、民和）节点间
    1小时内通达" [3]_. The threshold is a parameter (``minutes=60`` by default).
Coverage of units
    A unit (county-level unit, town, …) is *covered* when its representative node — for a county,
    the node of its seat (县城/区政府驻地) — is reached within the threshold from the nearest
    centre. Coverage shares: ``n_covered / n_units`` (count share) and, when populations are
    known, ``Σ_covered P_i / Σ P_i`` (population share, weighted by unit population).
Weighted average travel time
    ``T = Σ_i P_i t_i / Σ_i P_i`` over units, ``t_i`` the time between unit ``i`` and its nearest
    centre, ``P_i`` its population (or 1 each when populations are unknown) — the accessibility
    indicator of Gutiérrez (2001) [4]_. Units that cannot be reached at all are left out of ``T``
    and counted in ``n_unreachable``.

References
----------
.. [1] 国家发展改革委《关于培育发展现代化都市圈的指导意见》（发改规划〔2019〕328号）.
.. [2] 《兰州—西宁城市群发展"十四五"实施方案》（青政办〔2022〕5号）, task 1 of the 都市圈
   section ("打造1小时通勤经济圈"); shared/seeds/003_cf9ffa16fafa6b65.txt.
.. [3] Newspaper page of proposals on the agglomeration, transport section;
   shared/seeds/000_3d5a4e84929fa418.txt.
.. [4] Gutiérrez, J. (2001). Location, economic potential and daily accessibility: an analysis of
   the accessibility impact of the high-speed line Madrid–Barcelona–French border. *Journal of
   Transport Geography* 9(4), 229–242.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lanxi.compute.access.graph import Network
from lanxi.compute.access.paths import Direction, nearest_centre

__all__ = ["CoverageResult", "coverage", "coverage_by_group", "weighted_mean_travel_time"]


def weighted_mean_travel_time(
    minutes: np.ndarray | Sequence[float], weights: np.ndarray | Sequence[float] | None = None
) -> float:
    """Weighted average travel time ``Σ P_i t_i / Σ P_i`` (Gutiérrez 2001).

    Parameters
    ----------
    minutes : array_like
        Travel times ``t_i``; every value must be finite.
    weights : array_like, optional
        Weights ``P_i`` (e.g. population), non-negative; default 1 each.

    Returns
    -------
    float
        ``nan`` when there are no values or the weights sum to zero.

    Examples
    --------
    >>> weighted_mean_travel_time([10, 40], [3, 1])
    17.5
    """
    t = np.asarray(minutes, dtype=float)
    w = np.ones_like(t) if weights is None else np.asarray(weights, dtype=float)
    if t.shape != w.shape:
        raise ValueError(f"minutes and weights differ in shape: {t.shape} vs {w.shape}")
    if not np.isfinite(t).all():
        raise ValueError("travel times must be finite; drop unreachable units first")
    if (w < 0).any() or not np.isfinite(w).all():
        raise ValueError("weights must be finite and non-negative")
    total = w.sum()
    return float((w * t).sum() / total) if total > 0 else float("nan")


@dataclass(frozen=True)
class CoverageResult:
    """Coverage of a set of units by the circle around one or several centres.

    Attributes
    ----------
    minutes : float
        The threshold.
    n_units, n_covered, n_unreachable : int
        Units considered, units within the threshold, units not reachable at all.
    share_units : float
        ``n_covered / n_units`` (in [0, 1]).
    share_population : float | None
        Population share covered; ``None`` when no population was given.
    weighted_mean_minutes : float
        Weighted average travel time over reachable units (population-weighted when populations
        are given, else each unit weight 1); ``nan`` if none is reachable.
    units : pandas.DataFrame
        One row per unit: ``node_id``, ``population`` (or ``nan``), ``minutes``, ``centre``,
        ``covered``.
    """

    minutes: float
    n_units: int
    n_covered: int
    n_unreachable: int
    share_units: float
    share_population: float | None
    weighted_mean_minutes: float
    units: pd.DataFrame


def coverage(
    network: Network,
    centres: Sequence[object] | np.ndarray,
    units: pd.DataFrame,
    *,
    minutes: float = 60.0,
    node_col: str = "node_id",
    population_col: str | None = "population",
    direction: Direction = "from",
    on_network_col: str | None = None,
) -> CoverageResult:
    """Share of units (and of their population) within ``minutes`` of the nearest centre.

    Parameters
    ----------
    network : Network
        The network.
    centres : sequence of node ids
        Centre nodes (e.g. the node of 兰州 城关区, or several for a multi-centre circle).
    units : pandas.DataFrame
        One row per unit with its representative node (``node_col``) and optionally its population
        (``population_col``). Pass the county units to get county coverage, towns for town
        coverage.
    minutes : float
        Threshold (inclusive), 60 for the 1-hour circle.
    node_col : str
        Column of ``units`` holding node ids.
    population_col : str or None
        Column holding populations; ``None``, a missing column, or any blank value means "no
        population": the population share is ``None`` and the average time is unweighted.
    direction : {"from", "to"}
        ``"from"``: travel from the centre (the circle as drawn around it, the default);
        ``"to"``: travel from each unit to the centre.
    on_network_col : str, optional
        Boolean column of ``units``: False for a unit whose place is not on the network (its
        nearest node is farther than the snapping limit). Such a unit is never reached: not
        covered, counted unreachable, left out of the mean time, kept in the denominators.

    Returns
    -------
    CoverageResult
    """
    if not np.isfinite(minutes) or minutes < 0:
        raise ValueError("minutes must be a finite number >= 0")
    if node_col not in units.columns:
        raise ValueError(f"units has no column {node_col!r}")
    node_ids = units[node_col].to_numpy()
    pos = network.index(node_ids)
    near = nearest_centre(network, centres, direction=direction)
    t = near["minutes"].to_numpy()[pos]
    centre = near["centre"].to_numpy()[pos]
    if on_network_col is not None:
        off = ~units[on_network_col].to_numpy(dtype=bool)
        t = np.where(off, np.inf, t)
        centre = np.where(off, None, centre)
    covered = t <= minutes
    reachable = np.isfinite(t)

    pop: np.ndarray | None = None
    if population_col is not None and population_col in units.columns:
        raw = pd.to_numeric(units[population_col], errors="coerce").to_numpy(float)
        if len(raw) and np.isfinite(raw).all():
            if (raw < 0).any():
                raise ValueError("populations must be non-negative")
            pop = raw
    n = len(units)
    share_units = float(covered.sum() / n) if n else float("nan")
    share_pop = None
    if pop is not None:
        total = pop.sum()
        share_pop = float(pop[covered].sum() / total) if total > 0 else float("nan")
    w = pop if pop is not None else np.ones(n)
    wmean = (
        weighted_mean_travel_time(t[reachable], w[reachable]) if reachable.any() else float("nan")
    )
    frame = pd.DataFrame(
        {
            "node_id": node_ids,
            "population": pop if pop is not None else np.full(n, np.nan),
            "minutes": t,
            "centre": pd.Series(centre, index=units.index, dtype=object),
            "covered": covered,
        },
        index=units.index,
    )
    return CoverageResult(
        minutes=float(minutes),
        n_units=n,
        n_covered=int(covered.sum()),
        n_unreachable=int((~reachable).sum()),
        share_units=share_units,
        share_population=share_pop,
        weighted_mean_minutes=wmean,
        units=frame,
    )


def coverage_by_group(
    network: Network,
    centres: Sequence[object] | np.ndarray,
    units: pd.DataFrame,
    group_col: str,
    *,
    minutes: float = 60.0,
    node_col: str = "node_id",
    population_col: str | None = "population",
    direction: Direction = "from",
) -> pd.DataFrame:
    """Coverage per kind of unit (county units, towns, …) in one table.

    Parameters
    ----------
    network, centres, minutes, node_col, population_col, direction
        As in :func:`coverage`.
    units : pandas.DataFrame
        Units of every kind, with a ``group_col`` column naming the kind.
    group_col : str
        Column that splits the units (e.g. ``"kind"`` with ``county_seat`` and ``town``).

    Returns
    -------
    pandas.DataFrame
        One row per group: ``n_units``, ``n_covered``, ``n_unreachable``, ``share_units``,
        ``share_population`` (``nan`` without populations) and ``weighted_mean_minutes``.
    """
    rows = []
    for key, part in units.groupby(group_col, sort=True):
        r = coverage(
            network,
            centres,
            part,
            minutes=minutes,
            node_col=node_col,
            population_col=population_col,
            direction=direction,
        )
        rows.append(
            {
                group_col: key,
                "n_units": r.n_units,
                "n_covered": r.n_covered,
                "n_unreachable": r.n_unreachable,
                "share_units": r.share_units,
                "share_population": (np.nan if r.share_population is None else r.share_population),
                "weighted_mean_minutes": r.weighted_mean_minutes,
            }
        )
    return pd.DataFrame(rows).set_index(group_col)
