"""A user's own statistical-yearbook table: the documented schema, its check, and the matrix view.

Users bring sector data from their own yearbooks (统计年鉴) in one long table, one row per region,
year and sector:

==============  ========  ===========================================================
column          type      rule
==============  ========  ===========================================================
``region_code``  text      region code (e.g. the 6-digit 行政区划代码 ``620100``); required
``year``         integer   calendar year; required
``sector``       text      sector name or code (e.g. ``第二产业``, ``C``); required
``value``        number    amount, ≥ 0 (employment, value added, output…); required
``unit``         text      unit of ``value`` (``万人``, ``亿元``…); required, one unit per sector
==============  ========  ===========================================================

No other column is allowed (a misspelt column is an error, not silently ignored); the key
(``region_code``, ``year``, ``sector``) must be unique. :func:`validate_yearbook` checks all of
this and raises one :class:`~lanxi.errors.ValidationError` listing every problem with its row
(counting the header as row 1, like a spreadsheet) and column. :func:`to_matrix` turns one year
into the region × sector frame that :mod:`lanxi.compute.structure` takes.

The functions work on a DataFrame already in memory; reading the CSV or Excel file is the job of
the caller (the services or CLI layer), which passes the file name for the messages.
"""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import pandas as pd

from lanxi.compute.structure import _is_missing
from lanxi.errors import Problem, ValidationError

__all__ = ["COLUMNS", "KEY", "to_matrix", "validate_yearbook"]

#: The columns of a yearbook table, in order.
COLUMNS: tuple[str, ...] = ("region_code", "year", "sector", "value", "unit")
#: The columns that identify a row.
KEY: tuple[str, ...] = ("region_code", "year", "sector")

_TEXT = ("region_code", "sector", "unit")


def _row(i: int) -> int:
    """Spreadsheet row of the i-th (0-based) data row: the header is row 1."""
    return i + 2


def validate_yearbook(df: pd.DataFrame, *, file: str = "<yearbook>") -> pd.DataFrame:
    """Check a yearbook table against the schema and return it typed and clean.

    Parameters
    ----------
    df : DataFrame
        The table as read (cells may still be text).
    file : str
        File name used in the problems (keyword-only).

    Returns
    -------
    DataFrame
        Columns ``region_code`` (str, stripped), ``year`` (int), ``sector`` (str, stripped),
        ``value`` (float), ``unit`` (str, stripped), with a fresh RangeIndex.

    Raises
    ------
    ValidationError
        Every problem at once: unknown or missing columns, missing cells, a non-numeric or
        negative value, a year that is not a whole number, a duplicate (region, year, sector)
        key, a sector reported in more than one unit.

    Examples
    --------
    >>> t = pd.DataFrame({"region_code": ["620100"], "year": [2020], "sector": ["第二产业"],
    ...                   "value": ["1046.6"], "unit": ["亿元"]})
    >>> float(validate_yearbook(t).loc[0, "value"])
    1046.6
    """
    problems: list[Problem] = []
    cols = [str(c) for c in df.columns]
    unknown = [c for c in cols if c not in COLUMNS]
    missing = [c for c in COLUMNS if c not in cols]
    if unknown:
        problems.append(
            Problem(file, 1, ",".join(unknown), f"unknown column(s); expected {list(COLUMNS)}")
        )
    if missing:
        problems.append(
            Problem(file, 1, ",".join(missing), f"missing column(s); expected {list(COLUMNS)}")
        )
    if missing:
        raise ValidationError(problems)
    frame = df.copy()
    frame.columns = cols
    n = len(frame)
    out: dict[str, list[object]] = {c: [None] * n for c in COLUMNS}
    bad_rows: set[int] = set()
    for i in range(n):
        for c in COLUMNS:
            raw = frame[c].iloc[i]
            if _is_missing(raw):
                problems.append(Problem(file, _row(i), c, "missing value"))
                bad_rows.add(i)
                continue
            if c in _TEXT:
                out[c][i] = _text(raw)
            elif c == "year":
                year = _whole_number(raw)
                if year is None:
                    problems.append(
                        Problem(file, _row(i), c, "year must be a whole number", value=raw)
                    )
                    bad_rows.add(i)
                else:
                    out[c][i] = year
            else:
                v = pd.to_numeric(pd.Series([raw]), errors="coerce").iloc[0]
                if np.isnan(v) or not np.isfinite(v):
                    problems.append(
                        Problem(file, _row(i), c, "not a number; give a plain number", value=raw)
                    )
                    bad_rows.add(i)
                elif v < 0:
                    problems.append(Problem(file, _row(i), c, "negative; must be ≥ 0", value=raw))
                    bad_rows.add(i)
                else:
                    out[c][i] = float(v)
    first_seen: dict[tuple[object, ...], int] = {}
    for i in range(n):
        key = tuple(out[c][i] for c in KEY)
        if any(k is None for k in key):
            continue
        if key in first_seen:
            problems.append(
                Problem(
                    file,
                    _row(i),
                    ",".join(KEY),
                    f"duplicate key (region_code, year, sector) = {key}; first at row "
                    f"{_row(first_seen[key])}",
                )
            )
        else:
            first_seen[key] = i
    units: dict[object, tuple[object, int]] = {}
    for i in range(n):
        sec, unit = out["sector"][i], out["unit"][i]
        if sec is None or unit is None:
            continue
        if sec not in units:
            units[sec] = (unit, i)
        elif units[sec][0] != unit:
            problems.append(
                Problem(
                    file,
                    _row(i),
                    "unit",
                    f"sector {sec!r} is in {units[sec][0]!r} at row {_row(units[sec][1])}; "
                    "one unit per sector",
                    value=unit,
                )
            )
    if problems:
        raise ValidationError(problems)
    clean = pd.DataFrame(out)
    clean["year"] = clean["year"].astype(int)
    clean["value"] = clean["value"].astype(float)
    return clean


def _text(raw: object) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _whole_number(raw: object) -> int | None:
    v = pd.to_numeric(pd.Series([raw]), errors="coerce").iloc[0]
    if np.isnan(v) or not np.isfinite(v) or not float(v).is_integer():
        return None
    return int(v)


def to_matrix(
    df: pd.DataFrame,
    year: int,
    *,
    file: str = "<yearbook>",
    fill_value: float | None = None,
) -> pd.DataFrame:
    """One year of a yearbook table as a region × sector matrix.

    Parameters
    ----------
    df : DataFrame
        A yearbook table (checked with :func:`validate_yearbook` first).
    year : int
        The year to extract.
    file : str
        File name used in the problems.
    fill_value : float, optional
        Value for a (region, sector) pair with no row; default None leaves it missing (NaN), which
        the structure functions reject — fill with 0 only when absence really means zero.

    Returns
    -------
    DataFrame
        Index ``region_code`` and columns ``sector``, both sorted; values as float.

    Raises
    ------
    ValidationError
        The table fails the schema, or has no row for ``year``.
    """
    clean = validate_yearbook(df, file=file)
    rows = clean[clean["year"] == int(year)]
    if rows.empty:
        years = sorted(int(y) for y in clean["year"].unique())
        raise ValidationError(
            [Problem(file, None, "year", f"no rows for year {year}; years present: {years}")]
        )
    wide = rows.pivot(index="region_code", columns="sector", values="value").sort_index()
    wide = wide.reindex(sorted(wide.columns, key=_sort_key), axis=1)
    if fill_value is not None:
        wide = wide.fillna(float(fill_value))
    wide.columns.name = "sector"
    wide.index.name = "region_code"
    return wide.astype(float)


def _sort_key(x: Hashable) -> str:
    return str(x)
