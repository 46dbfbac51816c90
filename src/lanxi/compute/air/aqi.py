"""Air quality index (AQI) of HJ 633-2012 and HJ 633-2026, vectorized.

Every number comes from :mod:`lanxi.standards.hj633` (the YAML tables); this module holds the
method only:

1. (2026 only) round each concentration per GB/T 8170 — µg/m³ to integers, CO mg/m³ to one decimal
   (HJ 633-2026 4.2.2, 4.2.3);
2. find the bracketing breakpoints with :func:`numpy.searchsorted` and interpolate (式(1));
3. apply the rules above 800 µg/m³ (SO2 1-h, O3 8-h) and cap at IAQI 500 above the last breakpoint;
4. round every IAQI up to an integer (2012 6.2, 2026 4.2.6);
5. AQI = max of the IAQIs present (式(2)); a missing concentration never counts as 0;
6. primary pollutant(s) = those whose IAQI equals the AQI, when AQI > 50 (ties all listed).

References
----------
.. [1] HJ 633-2012 环境空气质量指数（AQI）技术规定（试行）, 表1, 式(1)–(2), 4.4, 5.1, 6.2, 表A.1.
.. [2] HJ 633-2026 环境空气质量指数（AQI）技术规定, 表1, 表3, 式(1)–(2), 4.2, 4.3, 表A.1.
.. [3] GB/T 8170-2008 数值修约规则与极限数值的表示和判定, 3.3 进舍规则.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, time

import numpy as np
import pandas as pd

from lanxi.compute.air.validate import validate_air_frame
from lanxi.standards.hj633 import (
    EDITIONS,
    KINDS,
    POLLUTANTS,
    AqiStandard,
    BreakpointTable,
    Edition,
    Kind,
    breakpoints,
    switch_date,
)

#: Display label of each input column, used in ``primary_pollutant``.
LABELS: dict[str, str] = {
    "so2": "SO2",
    "no2": "NO2",
    "pm10": "PM10",
    "co": "CO",
    "o3_1h": "O3_1h",
    "o3_8h": "O3_8h",
    "pm2_5": "PM2.5",
}

#: Optional input: SO2 24-hour average, used by HJ 633-2012 when SO2 1-hour exceeds 800 µg/m³.
SO2_24H = "so2_24h"

#: Table column of each input, by report type (SO2, NO2 and CO differ) and for any report.
_TABLE_OF: dict[str, dict[str, str]] = {
    "hourly": {"so2": "so2_1h", "no2": "no2_1h", "co": "co_1h"},
    "daily": {"so2": "so2_24h", "no2": "no2_24h", "co": "co_24h"},
}
_TABLE_OF_ANY: dict[str, str] = {
    "pm10": "pm10_24h",
    "pm2_5": "pm2_5_24h",
    "o3_1h": "o3_1h",
    "o3_8h": "o3_8h",
    SO2_24H: "so2_24h",
}

#: Rows processed at a time; bounds the temporaries of a 16-million-row frame to a few MB.
CHUNK = 1 << 18

#: Float noise tolerance when rounding an interpolated IAQI up (5.0000000001 is 5, not 6).
_CEIL_EPS = 1e-9


# --------------------------------------------------------------------------- one table


def round_gbt8170(values: np.ndarray, decimals: int) -> np.ndarray:
    """Round per GB/T 8170-2008 3.3 (四舍六入五成双: round half to even on the decimal value).

    A value whose binary form sits a hair below or above an exact half (``2.675`` is stored as
    ``2.67499…``) is treated as the half it was written as.

    Parameters
    ----------
    values : numpy.ndarray
        Non-negative concentrations.
    decimals : int
        Digits kept after the decimal point.

    Returns
    -------
    numpy.ndarray
        Rounded copy (float64); NaN stays NaN.

    Examples
    --------
    >>> round_gbt8170(np.array([34.5, 35.5, 35.4, 2.25, 2.35]), 0).tolist()
    [34.0, 36.0, 35.0, 2.0, 2.0]
    >>> round_gbt8170(np.array([2.25, 2.35, 2.675]), 1).tolist()
    [2.2, 2.4, 2.7]
    """
    scale = 10.0**decimals
    scaled = np.round(np.asarray(values, dtype=np.float64) * scale, 6)
    return np.rint(scaled) / scale


def _lookup(c: np.ndarray, table: BreakpointTable, std: AqiStandard) -> np.ndarray:
    """Rounded-up IAQI of concentrations ``c`` in one table column (no rounding of ``c``)."""
    if table.segment_of is not None:
        # fmin ignores NaN: a missing value indexes the top, then stays NaN through slope * c
        seg = table.segment_of[np.fmin(c, table.conc[-1]).astype(np.intp)]
    else:
        seg = np.searchsorted(table.conc, c, side="left") - 1
        np.clip(seg, 0, len(table.slope) - 1, out=seg)
    out = table.slope[seg] * c
    out += table.intercept[seg]
    out -= _CEIL_EPS
    np.ceil(out, out=out)
    out += 0.0  # -0.0 (from C = 0) becomes 0.0
    above = c > table.conc[-1]
    if above.any():
        rule = std.beyond.get(table.key)
        if rule is None:
            out[above] = std.cap_iaqi
        elif rule.action == "fixed":
            out[above] = rule.iaqi
        else:  # 2012: no IAQI from this column; the caller reports another indicator's
            out[above] = np.nan
    return out


def _prepare(c: np.ndarray, column: str, std: AqiStandard) -> np.ndarray:
    """Concentrations as float64, rounded per GB/T 8170 when the edition asks for it."""
    c = np.asarray(c, dtype=np.float64)
    if std.concentration_decimals is not None:
        dec = std.concentration_decimals.get(column, std.concentration_decimals["default"])
        c = round_gbt8170(c, dec)
    return c


def _check_kind(kind: str) -> Kind:
    if kind == "hourly":
        return "hourly"
    if kind == "daily":
        return "daily"
    raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")


def _check_edition(edition: str) -> Edition:
    if edition == "2012":
        return "2012"
    if edition == "2026":
        return "2026"
    raise ValueError(f"edition must be one of {EDITIONS}, got {edition!r}")


def iaqi(pollutant: str, conc: object, *, kind: Kind, edition: Edition) -> np.ndarray:
    """Individual AQI of one pollutant (HJ 633 式(1), rounded up).

    Parameters
    ----------
    pollutant : str
        Input column: ``"so2"``, ``"no2"``, ``"pm10"``, ``"co"``, ``"o3_1h"``, ``"o3_8h"``,
        ``"pm2_5"``, or ``"so2_24h"`` (SO2 24-hour average in a real-time report).
    conc : array_like
        Concentrations, µg/m³ (CO mg/m³). NaN means missing.
    kind : {"hourly", "daily"}
        Real-time report (实时报) or daily report (日报); selects the 1-hour or 24-hour column for
        SO2, NO2 and CO. PM10 and PM2.5 always use the 24-hour column, O3 the column of its name.
    edition : {"2012", "2026"}

    Returns
    -------
    numpy.ndarray
        Integer IAQI values as float64; NaN where the concentration is missing, and where
        HJ 633-2012 computes no IAQI (SO2 1-h or O3 8-h above 800 µg/m³: the standard reports the
        SO2 24-h or O3 1-h IAQI instead, which :func:`compute_aqi` does).

    Raises
    ------
    ValueError
        For an unknown pollutant, kind or edition, or a negative concentration.

    Notes
    -----
    Above the last breakpoint of a full column the IAQI is 500 (the standards leave it open; 500 is
    the top of the scale). HJ 633-2026 rounds the concentration per GB/T 8170 first.

    Examples
    --------
    >>> iaqi("pm2_5", [35.4, 40.0, np.nan], kind="daily", edition="2012").tolist()
    [51.0, 57.0, nan]
    >>> iaqi("pm2_5", [35.4, 40.0], kind="daily", edition="2026").tolist()
    [50.0, 60.0]
    """
    kind = _check_kind(kind)
    std = breakpoints(_check_edition(edition))
    key = _TABLE_OF[kind].get(pollutant) or _TABLE_OF_ANY.get(pollutant)
    if key is None:
        raise ValueError(
            f"unknown pollutant {pollutant!r}; expected one of {(*POLLUTANTS, SO2_24H)}"
        )
    c = np.asarray(conc, dtype=np.float64)
    if np.any(c < 0):
        raise ValueError(f"{pollutant}: negative concentration(s); check the input")
    flat = c.ravel()
    out = np.empty(flat.shape, dtype=np.float64)
    table = std.tables[key]
    for start in range(0, flat.size, CHUNK):
        part = slice(start, start + CHUNK)
        out[part] = _lookup(_prepare(flat[part], pollutant, std), table, std)
    return out.reshape(c.shape)


# --------------------------------------------------------------------------- frames


def _editions(df: pd.DataFrame, edition: str | None, time_col: str) -> np.ndarray | Edition:
    """One edition for every row, or an int8 array (0 → 2012, 1 → 2026) chosen by date."""
    if edition is not None:
        return _check_edition(edition)
    times = df[time_col]
    if not pd.api.types.is_datetime64_any_dtype(times):
        times = pd.to_datetime(times, format="mixed")
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        times = times.dt.tz_convert("Asia/Shanghai").dt.tz_localize(None)
    boundary = np.datetime64(datetime.combine(switch_date(), time()), "ns")
    codes = (times.to_numpy(dtype="datetime64[ns]") >= boundary).astype(np.int8)
    if codes.size and codes.min() == codes.max():
        return EDITIONS[int(codes[0])]
    return codes


def compute_aqi(
    df: pd.DataFrame,
    *,
    kind: Kind = "hourly",
    edition: Edition | None = None,
    time_col: str = "time",
    validate: bool = True,
) -> pd.DataFrame:
    """AQI, category, colour and primary pollutant of every row (HJ 633).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per station and period: ``station``, ``time`` and any of ``so2``, ``no2``,
        ``pm10``, ``pm2_5``, ``o3_1h``, ``o3_8h`` (µg/m³) and ``co`` (mg/m³); optionally
        ``so2_24h`` (2012 real-time reports, see Notes). The columns hold the concentrations the
        report uses — see Notes.
    kind : {"hourly", "daily"}
        ``"hourly"``: real-time report (实时报); ``"daily"``: daily report (日报).
    edition : {"2012", "2026"} or None
        ``None`` picks per row by the calendar date of ``time`` (HJ 633-2026 from 2026-03-01).
    time_col : str
        Name of the time column (needed when ``edition`` is None).
    validate : bool
        Run :func:`validate_air_frame` first (cheap, vectorized).

    Returns
    -------
    pandas.DataFrame
        The input columns plus ``iaqi_<pollutant>`` (float32, integers or NaN) for each pollutant
        column the report uses, ``aqi`` (nullable Int16), ``level`` (nullable Int8, 1–6),
        ``category`` (优 … 严重污染), ``category_en``, ``color`` (``#RRGGBB`` of 表A.1),
        ``primary_pollutant`` (labels joined by ``;``; empty when AQI ≤ 50; missing when AQI is) and
        ``edition``. Text columns are categoricals.

    Raises
    ------
    ValidationError
        If ``validate`` and the frame has problems (all listed).

    Notes
    -----
    Which column is looked up in which table column (``indicators`` in the YAML):

    * 2012 real-time (5.1.3, 表4): SO2, NO2, CO, O3 1-h on the 1-hour columns; ``o3_8h`` (the
      8-hour moving average) on the O3 8-h column; ``pm10`` and ``pm2_5`` are the **24-hour moving
      averages**, on the 24-hour columns. CNEMC's published real-time AQI (2017–2018) instead used
      the PM 1-hour values and left O3 8-h out: pass those columns to reproduce it
      (``docs/air.md``).
    * 2012 daily (5.1.2): 24-hour means; ``o3_1h`` = daily max 1-hour, ``o3_8h`` = daily max 8-hour.
    * 2026 real-time (4.2.3, 4.2.4): the six 1-hour averages; PM on the daily columns; ``o3_8h``
      is not an indicator and is ignored.
    * 2026 daily (4.2.2): daily means and O3 daily max 8-hour; ``o3_1h`` is ignored.

    Above 800 µg/m³: HJ 633-2012 reports SO2 by its 24-hour IAQI (column ``so2_24h`` in a real-time
    report; NaN if absent) and O3 by its 1-hour IAQI (``iaqi_o3_8h`` is then NaN); HJ 633-2026
    counts SO2 1-h as IAQI 200 and O3 8-h as IAQI 300.

    Examples
    --------
    >>> frame = pd.DataFrame({"station": ["A"], "time": ["2026-03-01"], "pm2_5": [35.4]})
    >>> out = compute_aqi(frame, kind="daily")
    >>> int(out["aqi"].iloc[0]), out["category"].iloc[0], out["edition"].iloc[0]
    (50, '优', '2026')
    """
    kind = _check_kind(kind)
    if validate:
        validate_air_frame(df, time_col=time_col, require_time=edition is None)
    n = len(df)
    eds = _editions(df, edition, time_col)
    present = [
        ed
        for ed in EDITIONS
        if (ed == eds if isinstance(eds, str) else (eds == EDITIONS.index(ed)).any())
    ]
    stds = {ed: breakpoints(ed) for ed in present}
    used = [
        p
        for p in POLLUTANTS
        if p in df.columns and any(p in stds[ed].indicators[kind] for ed in present)
    ]
    values = {p: df[p].to_numpy(dtype=np.float64, na_value=np.nan) for p in used}
    so2_24h = (
        df[SO2_24H].to_numpy(dtype=np.float64, na_value=np.nan) if SO2_24H in df.columns else None
    )
    iaqis = {p: np.empty(n, dtype=np.float32) for p in used}
    aqi = np.empty(n, dtype=np.float32)
    codes = np.empty(n, dtype=np.int16)
    threshold = np.array([breakpoints(ed).primary_above for ed in EDITIONS], dtype=np.float32)

    def chunk(start: int) -> None:
        part = slice(start, min(start + CHUNK, n))
        for p in used:
            iaqis[p][part] = np.nan
        for ed in present:
            std = stds[ed]
            rows = (
                None
                if isinstance(eds, str)
                else np.flatnonzero(eds[part] == EDITIONS.index(ed)) + start
            )
            if rows is not None and rows.size == 0:
                continue
            where = part if rows is None else rows
            mapping = std.indicators[kind]
            for p in used:
                key = mapping.get(p)
                if key is None:
                    continue
                c = _prepare(values[p][where], p, std)
                res = _lookup(c, std.tables[key], std)
                rule = std.beyond.get(key)
                if rule is not None and rule.action == "use_indicator":
                    res = _fallback(
                        res, c, rule.indicator, rule.above, where, std, mapping, so2_24h
                    )
                iaqis[p][where] = res
        # AQI = max of the IAQIs present (式(2)); bit k of the code: pollutant k ties the AQI
        # above the primary-pollutant threshold (AQI > 50)
        top = aqi[part]
        top[:] = np.nan
        for p in used:
            np.fmax(top, iaqis[p][part], out=top)
        limit = threshold[EDITIONS.index(eds)] if isinstance(eds, str) else threshold[eds[part]]
        above = top > limit
        code = codes[part]
        code[:] = 0
        for bit, p in enumerate(used):
            code |= ((iaqis[p][part] == top) & above).astype(np.int16) << bit
        code[np.isnan(top)] = -1

    starts = range(0, n, CHUNK)
    workers = min(len(starts), os.cpu_count() or 1)
    if workers > 1:
        with ThreadPoolExecutor(workers) as pool:  # numpy releases the GIL in these loops
            list(pool.map(chunk, starts))
    else:
        for start in starts:
            chunk(start)
    return _assemble(df, iaqis, aqi, codes, eds, stds, present)


def _fallback(
    res: np.ndarray,
    c: np.ndarray,
    indicator: str | None,
    above: float,
    where: slice | np.ndarray,
    std: AqiStandard,
    mapping: dict[str, str],
    so2_24h: np.ndarray | None,
) -> np.ndarray:
    """HJ 633-2012 表1 notes (2)/(3): report another indicator's IAQI above 800 µg/m³.

    When that indicator is itself one of the report's indicators (O3 1-h), it already counts, so the
    column stays NaN. Otherwise (SO2 24-h in a real-time report) its IAQI takes the place.
    """
    if indicator is None or indicator in mapping or indicator in mapping.values():
        return res
    high = c > above
    if indicator == "so2_24h" and so2_24h is not None and high.any():
        sub = _prepare(so2_24h[where][high], SO2_24H, std)
        res[high] = _lookup(sub, std.tables["so2_24h"], std)
    return res


def _assemble(
    df: pd.DataFrame,
    iaqis: dict[str, np.ndarray],
    aqi: np.ndarray,
    codes: np.ndarray,
    eds: np.ndarray | Edition,
    stds: dict[Edition, AqiStandard],
    present: list[Edition],
) -> pd.DataFrame:
    n = len(df)
    missing = np.isnan(aqi)
    names = list(iaqis)
    combos = [
        ";".join(LABELS[p] for b, p in enumerate(names) if code >> b & 1)
        for code in range(1 << len(names))
    ]
    # keep only the combinations that occur (bincount + remap: O(n), no sort)
    used = np.flatnonzero(np.bincount(codes + 1, minlength=len(combos) + 1)[1:])
    remap = np.full(len(combos) + 1, -1, dtype=np.int16)
    remap[used + 1] = np.arange(used.size, dtype=np.int16)
    primary = pd.Categorical.from_codes(remap[codes + 1], categories=[combos[i] for i in used])

    std = stds[present[0]] if present else breakpoints("2026")
    cats = std.categories  # levels, names and colours are the same in both editions
    aqi_int = np.where(missing, 0, aqi).astype(np.int16)
    level_of = np.searchsorted(std.level_edges, np.arange(int(std.cap_iaqi) + 1), side="right")
    level = level_of.astype(np.int8)[aqi_int]  # 0-based level of every AQI 0…500
    level[missing] = -1
    out: dict[str, object] = {f"iaqi_{p}": arr for p, arr in iaqis.items()}
    out["aqi"] = pd.arrays.IntegerArray(aqi_int, missing)
    out["level"] = pd.arrays.IntegerArray(level + 1, missing)
    out["category"] = pd.Categorical.from_codes(level, categories=[c.category for c in cats])
    out["category_en"] = pd.Categorical.from_codes(level, categories=[c.category_en for c in cats])
    out["color"] = pd.Categorical.from_codes(level, categories=[c.hex for c in cats])
    out["primary_pollutant"] = primary
    edition_codes = np.full(n, EDITIONS.index(eds), dtype=np.int8) if isinstance(eds, str) else eds
    out["edition"] = pd.Categorical.from_codes(edition_codes, categories=list(EDITIONS))
    new = pd.DataFrame(out, index=df.index, copy=False)
    keep = df.drop(columns=[c for c in new.columns if c in df.columns])
    return pd.concat([keep, new], axis=1)
