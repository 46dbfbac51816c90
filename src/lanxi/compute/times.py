"""Times of input tables on one clock: Beijing time (Asia/Shanghai, UTC+8).

Chinese monitoring data are in Beijing time, and the rules that depend on a date (the HJ 633 edition
in force, a calendar day of GB 3095, a month of the water assessment) read the Beijing date. So:

* a time **without** an offset (``2026-06-01 12:00``) is Beijing time, as it always was;
* a time **with** an offset (``2026-06-01T04:00:00Z``, ``…+08:00``, ``…-0500``) is converted to
  Beijing time — ``2026-05-31T23:00:00Z`` is 2026-06-01 07:00 in Beijing, under HJ 633-2026;
* a column may mix both and mix offsets (the engines see one naive Beijing clock).

The commands write times back in Beijing time, labelled with ``+08:00`` whenever the input carried
any offset (so a file read back elsewhere keeps its meaning); naive input stays naive.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: The clock of every time the engines see.
BEIJING = "Asia/Shanghai"

#: A UTC offset (or Z/UTC) after a clock time, at the end of a cell.
_OFFSET = re.compile(
    r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d*)?)?\s*(?:Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)$", re.IGNORECASE
)


def to_beijing(values: pd.Series, *, fmt: str = "mixed") -> tuple[pd.Series, bool]:
    """Parse a time column into naive Beijing times.

    Parameters
    ----------
    values : pandas.Series
        Text cells, or datetimes (naive: Beijing; tz-aware: converted).
    fmt : str
        ``format`` of :func:`pandas.to_datetime` for the cells (``"mixed"`` or ``"ISO8601"``).

    Returns
    -------
    (times, had_offset)
        ``times``: naive ``datetime64`` Beijing times, ``NaT`` where a cell is missing or not a
        time; ``had_offset``: whether any cell carried an offset.

    Examples
    --------
    >>> t, off = to_beijing(pd.Series(["2026-05-31T23:00:00Z", "2026-06-01 07:00"]))
    >>> [str(x) for x in t], off
    (['2026-06-01 07:00:00', '2026-06-01 07:00:00'], True)
    """
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert(BEIJING).dt.tz_localize(None), True
    if pd.api.types.is_datetime64_any_dtype(values):
        return values, False
    text = values.astype("string").str.strip()
    has_offset = text.str.contains(_OFFSET, na=False).to_numpy(dtype=bool)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    naive = ~has_offset & text.notna().to_numpy(dtype=bool)
    if naive.any():
        parsed = pd.to_datetime(text[naive].astype(object), format=fmt, errors="coerce")
        if isinstance(parsed.dtype, pd.DatetimeTZDtype):  # pragma: no cover - guarded by regex
            parsed = parsed.dt.tz_convert(BEIJING).dt.tz_localize(None)
        out[naive] = parsed.astype("datetime64[us]")
    if has_offset.any():
        cells = text[has_offset].str.replace(r"\s*(UTC|GMT)$", "Z", regex=True, case=False)
        aware = pd.to_datetime(cells.astype(object), format=fmt, errors="coerce", utc=True)
        out[has_offset] = aware.dt.tz_convert(BEIJING).dt.tz_localize(None).astype("datetime64[us]")
    return out, bool(np.any(has_offset))


def label_beijing(times: pd.Series) -> pd.Series:
    """Naive Beijing times as tz-aware ``Asia/Shanghai`` times (written with ``+08:00``)."""
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        return times.dt.tz_convert(BEIJING)
    return times.dt.tz_localize(BEIJING)
