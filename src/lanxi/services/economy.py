"""Use cases of the structure, linkage and coupling statistics on a user's yearbook file.

Every function reads one yearbook table (CSV or Excel, the schema of
:mod:`lanxi.compute.yearbook`: ``region_code, year, sector, value, unit``), checks it with
:func:`~lanxi.compute.yearbook.validate_yearbook` (every problem named by row and column, raised
once), keeps the regions of the chosen **scope** — ``county`` (the plan's 39 county-level units)
or ``prefecture`` (its 9 whole prefectures) — and returns plain records, each carrying ``scope``.
A region code outside the scope is an error naming its row, not silently dropped.

How each command reads the table:

``structure lq|krugman|similarity``
    Sectors are industries (employment, value added…), one year (default: the latest).
    The reference economy is the regions of the file together.
``linkage gravity``
    Two "sectors" per region: population (default sector name ``population``) and GDP
    (``gdp``); distance is great-circle between the regions' representative points
    (``regions.csv``) in km, or the network travel time between their seats in minutes.
``structure inequality``
    One sector holding a regional total (GDP, income…), one year; the regions' resident
    populations from the file's population sector when it has one, else the bundled 2020 census
    (the default weights): Theil (population-weighted, between/within prefectures at county
    scope), population-weighted Gini and Williamson of the per-capita values.
``coupling``
    Sectors are subsystems and values their levels U in [0, 1] (e.g. entropy-weight indices),
    one row per region × year × subsystem; C, T, D per region and year.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from lanxi.compute.coupling import classify, coupling_coordination, grade_scale
from lanxi.compute.inequality import gini, theil_population, williamson
from lanxi.compute.linkage import gravity_linkage, linkage_membership
from lanxi.compute.structure import krugman_specialization, location_quotient, similarity_matrix
from lanxi.compute.yearbook import to_matrix, validate_yearbook
from lanxi.data.census import CENSUS_SOURCE, census_2020
from lanxi.errors import Problem, ValidationError
from lanxi.io.tables import read_table
from lanxi.services.analytics import (
    SCOPES,
    LoadedNetwork,
    open_network,
    plan_regions,
    resolve_centres,
    scope_codes,
)

__all__ = [
    "coupling",
    "gravity",
    "inequality",
    "read_yearbook",
    "structure_krugman",
    "structure_lq",
    "structure_similarity",
]

Distance = Literal["great-circle", "travel-time"]
EARTH_RADIUS_KM = 6371.0088


def read_yearbook(path: Path, *, scope: str = "county") -> pd.DataFrame:
    """Read, validate and scope-check a yearbook file.

    Parameters
    ----------
    path : Path
        CSV or Excel file in the yearbook schema.
    scope : {"county", "prefecture"}
        Which regions are allowed.

    Returns
    -------
    pandas.DataFrame
        The validated table (``region_code, year, sector, value, unit``).

    Raises
    ------
    ValidationError
        Schema problems, or region codes outside the scope, each with row and column.
    """
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {SCOPES}, not {scope!r}")
    raw = read_table(Path(path))
    file = Path(path).name
    clean = validate_yearbook(raw, file=file)
    allowed = set(scope_codes(scope))
    other = "prefecture" if scope == "county" else "county"
    problems = [
        Problem(
            file,
            i + 2,
            "region_code",
            f"not one of the plan's {len(allowed)} {scope}-scope regions; "
            f"use --scope {other} if this is a {other} code",
            value=code,
        )
        for i, code in enumerate(clean["region_code"])
        if code not in allowed
    ]
    if problems:
        raise ValidationError(problems)
    clean.attrs["file"] = file
    return clean


def _year(df: pd.DataFrame, year: int | None) -> int:
    return int(df["year"].max()) if year is None else int(year)


def _name(code: object) -> str:
    r = plan_regions()
    return str(r.at[code, "name"]) if code in r.index else ""


def _matrix(path: Path, year: int | None, scope: str) -> tuple[pd.DataFrame, int]:
    df = read_yearbook(path, scope=scope)
    y = _year(df, year)
    return to_matrix(df, y, file=df.attrs["file"]), y


def structure_lq(
    path: Path, *, year: int | None = None, scope: str = "county"
) -> list[dict[str, Any]]:
    """Location quotients of every sector in every region (reference: the regions together).

    Returns
    -------
    list of dict
        ``region_code``, ``region_name``, ``sector``, ``year``, ``lq``, ``scope``.
    """
    m, y = _matrix(path, year, scope)
    lq = location_quotient(m)
    return [
        {
            "region_code": r,
            "region_name": _name(r),
            "sector": s,
            "year": y,
            "lq": round(float(lq.at[r, s]), 6),
            "scope": scope,
        }
        for r in lq.index
        for s in lq.columns
    ]


def structure_krugman(
    path: Path, *, year: int | None = None, scope: str = "county"
) -> list[dict[str, Any]]:
    """Krugman specialisation index of each region against the other regions together.

    Returns
    -------
    list of dict
        ``region_code``, ``region_name``, ``year``, ``krugman`` (in [0, 2]), ``reference``,
        ``scope``.
    """
    m, y = _matrix(path, year, scope)
    k = krugman_specialization(m, exclude_self=True)
    return [
        {
            "region_code": r,
            "region_name": _name(r),
            "year": y,
            "krugman": round(float(v), 6),
            "reference": "the other regions of the file",
            "scope": scope,
        }
        for r, v in k.items()
    ]


def structure_similarity(
    path: Path, *, year: int | None = None, scope: str = "county"
) -> list[dict[str, Any]]:
    """UNIDO structure similarity coefficient of every pair of regions.

    Returns
    -------
    list of dict
        ``region_a``, ``name_a``, ``region_b``, ``name_b``, ``year``, ``similarity``, ``scope``
        (pairs a < b).
    """
    m, y = _matrix(path, year, scope)
    s = similarity_matrix(m)
    labels = list(s.index)
    return [
        {
            "region_a": a,
            "name_a": _name(a),
            "region_b": b,
            "name_b": _name(b),
            "year": y,
            "similarity": round(float(s.at[a, b]), 6),
            "scope": scope,
        }
        for i, a in enumerate(labels)
        for b in labels[i + 1 :]
    ]


def inequality(
    path: Path,
    *,
    sector: str = "gdp",
    year: int | None = None,
    scope: str = "county",
    population_sector: str = "population",
) -> dict[str, Any]:
    """Regional inequality of a total (GDP…) across the regions, weighted by population.

    Population weights are the default, as in Chinese regional studies: the Theil index
    ``T = Σ (Y_i/Y)·ln[(Y_i/Y)/(P_i/P)]`` (:func:`lanxi.compute.inequality.theil_population`; at
    county scope split between and within prefectures), the population-weighted Gini and
    Williamson's coefficient of the per-capita values ``Y_i / P_i``. ``P_i`` is the file's
    ``population_sector`` when the file has it for the year, else the 2020 census resident
    population (bundled, persons; ``population_source`` says which).

    Returns
    -------
    dict
        ``sector``, ``year``, ``scope``, ``n``, ``population_source``, ``theil`` (form, total,
        between, within, between_share), ``gini_population_weighted``, ``williamson`` and
        ``regions`` (``region_code``, ``region_name``, ``value``, ``population``,
        ``per_capita``).
    """
    m, y = _matrix(path, year, scope)
    file = m.attrs.get("file", Path(path).name)
    if sector not in m.columns:
        raise ValidationError(
            [
                Problem(
                    file,
                    None,
                    "sector",
                    f"no sector {sector!r} in {y} (sectors: {', '.join(map(str, m.columns))})",
                    message_zh=f"{y} 年没有 {sector!r} 这一项",
                )
            ]
        )
    values = m[sector].astype(float)
    if population_sector in m.columns:
        pop = m[population_sector].astype(float)
        source = f"{file}: sector {population_sector!r}, {y}"
    else:
        census = census_2020().set_index("code")["population"].astype(float)
        pop = census.reindex(values.index)
        source = CENSUS_SOURCE[2020]
    groups = None
    if scope == "county":
        groups = pd.Series([_prefecture(c) for c in values.index], index=values.index)
    t = theil_population(values, pop, groups=groups)
    per_capita = values / pop
    return {
        "sector": sector,
        "year": y,
        "scope": scope,
        "n": len(values),
        "population_source": source,
        "theil": {
            "form": t.form,
            "formula": t.formula,
            "total": round(t.total, 6),
            "between": None if t.between is None else round(t.between, 6),
            "within": None if t.within is None else round(t.within, 6),
            "between_share": None if t.between_share is None else round(t.between_share, 4),
        },
        "gini_population_weighted": round(gini(per_capita, weights=pop), 6),
        "williamson": round(williamson(per_capita, pop), 6),
        "regions": [
            {
                "region_code": c,
                "region_name": _name(c),
                "value": float(values[c]),
                "population": float(pop[c]),
                "per_capita": float(per_capita[c]),
            }
            for c in values.index
        ],
    }


def _prefecture(code: object) -> str:
    r = plan_regions()
    return str(r.at[code, "parent_code"]) if code in r.index else ""


def _great_circle(codes: list[str]) -> pd.DataFrame:
    r = plan_regions()
    lon = np.radians(r.loc[codes, "lon"].astype(float).to_numpy())
    lat = np.radians(r.loc[codes, "lat"].astype(float).to_numpy())
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
    d = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
    return pd.DataFrame(d, index=codes, columns=codes)


def _travel_time(codes: list[str], loaded: LoadedNetwork) -> pd.DataFrame:
    from lanxi.compute.access import travel_time_matrix

    nodes = [resolve_centres(loaded.network, c).nodes[0] for c in codes]
    t = travel_time_matrix(loaded.network, nodes, nodes)
    t = np.minimum(t, t.T)  # symmetric: the faster direction
    return pd.DataFrame(t, index=codes, columns=codes)


def gravity(
    path: Path,
    *,
    year: int | None = None,
    scope: str = "county",
    exponent: float = 2.0,
    distance: Distance = "great-circle",
    population_sector: str = "population",
    gdp_sector: str = "gdp",
    network: Path | None = None,
) -> list[dict[str, Any]]:
    r"""Gravity-model economic linkage :math:`R_{ij} = \sqrt{P_i G_i}\sqrt{P_j G_j}/d_{ij}^b`.

    Parameters
    ----------
    path : Path
        Yearbook file with the population and GDP "sectors".
    year : int, optional
        Default: the latest year of the file.
    scope : {"county", "prefecture"}
        Regions allowed.
    exponent : float
        Distance-decay exponent ``b``.
    distance : {"great-circle", "travel-time"}
        Great-circle km between the regions' representative points (``regions.csv``), or
        minutes on the network between their seats (prefectures: see
        :func:`lanxi.services.analytics.resolve_centres`).
    population_sector, gdp_sector : str
        Sector names of population and GDP in the file.
    network : Path, optional
        Network for ``travel-time``; default the bundled planning-level network.

    Returns
    -------
    list of dict
        One per pair (a < b), strongest first: ``region_a``, ``name_a``, ``region_b``,
        ``name_b``, ``year``, ``distance``, ``distance_unit``, ``strength``,
        ``membership_a_to_b`` (b's share of a's total linkage), ``exponent``, ``scope``.
    """
    df = read_yearbook(path, scope=scope)
    y = _year(df, year)
    m = to_matrix(df, y, file=df.attrs["file"])
    missing = [s for s in (population_sector, gdp_sector) if s not in m.columns]
    if missing:
        raise ValidationError(
            [
                Problem(
                    df.attrs["file"],
                    None,
                    "sector",
                    f"no sector {s!r} in year {y}; sectors present: {list(m.columns)} "
                    "(name them with --population-sector / --gdp-sector)",
                )
                for s in missing
            ]
        )
    codes = [str(c) for c in m.index]
    if distance == "great-circle":
        d = _great_circle(codes)
        unit = "km"
    elif distance == "travel-time":
        d = _travel_time(codes, open_network(network))
        unit = "min"
    else:
        raise ValueError(f"distance must be 'great-circle' or 'travel-time', not {distance!r}")
    strength = gravity_linkage(m[population_sector], m[gdp_sector], d, b=exponent)
    member = linkage_membership(strength)
    rows: list[dict[str, Any]] = [
        {
            "region_a": a,
            "name_a": _name(a),
            "region_b": b,
            "name_b": _name(b),
            "year": y,
            "distance": round(float(d.at[a, b]), 3),
            "distance_unit": unit,
            "strength": float(strength.at[a, b]),
            "membership_a_to_b": round(float(member.at[a, b]), 6),
            "exponent": exponent,
            "scope": scope,
        }
        for i, a in enumerate(codes)
        for b in codes[i + 1 :]
    ]
    rows.sort(key=lambda r: -r["strength"])
    return rows


def parse_weights(text: str | None) -> dict[str, float] | None:
    """Parse ``--weights economy=0.5,ecology=0.5`` into a mapping (None when not given)."""
    if not text:
        return None
    out: dict[str, float] = {}
    problems = []
    for part in [p.strip() for p in text.split(",") if p.strip()]:
        key, sep, val = part.partition("=")
        try:
            num = float(val)
        except ValueError:
            num = math.nan
        if not sep or not key.strip() or not math.isfinite(num):
            problems.append(
                Problem("--weights", None, None, "expected NAME=NUMBER[,NAME=NUMBER…]", part)
            )
        else:
            out[key.strip()] = num
    if problems:
        raise ValidationError(problems)
    return out


#: Decimals of C, T and D in the output; the grades are read from these rounded values.
COUPLING_DECIMALS = 6


def _rounded(value: object) -> float | None:
    """``value`` rounded to :data:`COUPLING_DECIMALS` (half to even on its decimal form)."""
    from decimal import ROUND_HALF_EVEN, Decimal

    x = float(value)  # type: ignore[arg-type]
    if not math.isfinite(x):
        return None
    q = Decimal(repr(x)).quantize(Decimal(1).scaleb(-COUPLING_DECIMALS), rounding=ROUND_HALF_EVEN)
    return float(q)


def coupling(
    path: Path,
    *,
    year: int | None = None,
    scope: str = "county",
    weights: Mapping[str, float] | None = None,
) -> list[dict[str, Any]]:
    """Coupling degree C, coordination index T and coupling coordination degree D.

    Parameters
    ----------
    path : Path
        Yearbook file whose sectors are the subsystems and values their levels in [0, 1].
    year : int, optional
        One year; default every year of the file.
    scope : {"county", "prefecture"}
        Regions allowed.
    weights : mapping, optional
        Subsystem → contribution coefficient (summing to 1); default equal.

    Returns
    -------
    list of dict
        ``region_code``, ``region_name``, ``year``, one ``U_<subsystem>`` per subsystem, ``C``,
        ``T``, ``D``, ``grade`` (ten classes of D), ``stage`` (four stages of C), ``scope``.
        C, T and D are rounded to :data:`COUPLING_DECIMALS` decimals (half to even, on the
        decimal value) and the grade and stage are those of the *rounded* values, so a printed
        D of 0.9 is always graded 良好协调 (0.8 < D ≤ 0.9). Where a value is undefined (every
        level 0: C = 0/0) it is ``None`` (JSON ``null``), and so are its grade or stage.
    """
    df = read_yearbook(path, scope=scope)
    if year is not None:
        df = df[df["year"] == int(year)]
        if df.empty:
            raise ValidationError([Problem(path.name, None, "year", f"no rows for year {year}")])
    above = [
        Problem(
            path.name,
            int(i) + 2,
            "value",
            "a subsystem level must lie in [0, 1]; standardise first (e.g. entropy weights)",
            value=v,
        )
        for i, v in df["value"].items()
        if v > 1
    ]
    if above:
        raise ValidationError(above)
    wide = df.pivot(index=["region_code", "year"], columns="sector", values="value")
    if wide.isna().any().any():
        gaps = [
            f"{r} {y}: {s}" for (r, y), row in wide.iterrows() for s, v in row.items() if pd.isna(v)
        ]
        raise ValidationError(
            [Problem(path.name, None, "sector", f"missing subsystem level for {g}") for g in gaps]
        )
    out = coupling_coordination(wide, weights=weights)
    d_grades, c_grades = grade_scale("coordination_10"), grade_scale("coupling_4")
    rows = []
    for (code, y), r in out.iterrows():
        levels = {f"U_{s}": float(wide.at[(code, y), s]) for s in wide.columns}
        c, t, d = (_rounded(r[k]) for k in ("C", "T", "D"))
        rows.append(
            {
                "region_code": code,
                "region_name": _name(code),
                "year": int(y),
                **levels,
                "C": c,
                "T": t,
                "D": d,
                # graded on the printed (rounded) values: D = 0.9000000000000001 is 0.9, 良好协调
                "grade": None if d is None else classify(d, d_grades),
                "stage": None if c is None else classify(c, c_grades),
                "scope": scope,
            }
        )
    return rows
