"""Air quality index (AQI) of HJ 633-2012 and HJ 633-2026, vectorized.

Every number comes from :mod:`lanxi.standards.hj633` (the YAML tables); this module holds the
method only:

1. (2026 only) round each concentration per GB/T 8170 — µg/m³ to integers, CO mg/m³ to one decimal
   (HJ 633-2026 4.2.2, 4.2.3);
2. find the bracketing breakpoints (an integer segment index per table) and interpolate (式(1));
3. apply the rules above 800 µg/m³ (SO2 1-h, O3 8-h) and cap at IAQI 500 above the last breakpoint;
4. round every IAQI up to an integer (2012 6.2, 2026 4.2.6);
5. AQI = max of the IAQIs present (式(2)); a missing concentration never counts as 0;
6. primary pollutant(s) = those whose IAQI equals the AQI, when AQI > 50 (ties all listed);
7. (2026 only, 5.3.1) when an indicator of the report is missing or invalid, the AQI, level,
   category and primary pollutant are published only when the AQI exceeds 100; otherwise they are
   NA and only the concentrations and IAQIs stand — unless the pollutant is declared outside the
   monitoring programme under 5.3.2 (``not_monitored``). HJ 633-2012 has no such rule.

:func:`iaqi` is the numpy reference of steps 1–4 and :func:`aqi_reference` of steps 5 and 7;
:func:`compute_aqi` runs all seven in the compiled kernel of :mod:`lanxi.compute.air.kernel`,
which agrees with them bit for bit.

References
----------
.. [1] HJ 633-2012 环境空气质量指数（AQI）技术规定（试行）, 表1, 式(1)–(2), 4.4, 5.1, 6.2, 表A.1.
.. [2] HJ 633-2026 环境空气质量指数（AQI）技术规定, 表1, 表3, 式(1)–(2), 4.2, 4.3, 5.3, 表A.1.
.. [3] GB/T 8170-2008 数值修约规则与极限数值的表示和判定, 3.3 进舍规则.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, time
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from lanxi.compute.air.validate import air_frame_problems, validate_air_frame
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

if TYPE_CHECKING:  # the kernel module imports numba, which the command line loads on first use
    from lanxi.compute.air.kernel import KernelSpec

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

#: Float noise tolerance when rounding an interpolated IAQI up (5.0000000001 is 5, not 6).
CEIL_EPS = 1e-9

#: Rows processed at a time (at most); bounds the temporaries of a 16-million-row frame to a few MB.
CHUNK = 1 << 18

#: Fewest rows of one thread-pool task of :func:`compute_aqi` (a task costs some 10 µs).
MIN_CHUNK = 1 << 14

#: Fewest rows of one task of the final renumbering pass (two bytes a row).
REMAP_CHUNK = 1 << 21


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
    out -= CEIL_EPS
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


def _check_not_monitored(not_monitored: Collection[str]) -> frozenset[str]:
    unknown = sorted(set(not_monitored) - set(POLLUTANTS))
    if unknown:
        raise ValueError(f"not_monitored: unknown pollutant(s) {unknown}; expected {POLLUTANTS}")
    return frozenset(not_monitored)


def aqi_reference(
    df: pd.DataFrame,
    *,
    kind: Kind,
    edition: Edition,
    not_monitored: Collection[str] = (),
) -> np.ndarray:
    """AQI of every row by the numpy reference: 式(2) over :func:`iaqi`, then HJ 633-2026 5.3.1.

    The plain formulation :func:`compute_aqi` must agree with bit for bit (tests); no rule above
    800 µg/m³ that needs another column (HJ 633-2012 SO2 24-hour) is applied here.

    Parameters
    ----------
    df : pandas.DataFrame
        Pollutant columns as in :func:`compute_aqi`.
    kind : {"hourly", "daily"}
    edition : {"2012", "2026"}
    not_monitored : collection of str
        Pollutants exempt from 5.3.1 under 5.3.2 (see :func:`compute_aqi`).

    Returns
    -------
    numpy.ndarray
        float64 AQI, NaN where there is none or where 5.3.1 withholds it.

    Examples
    --------
    >>> row = pd.DataFrame({"no2": [20.0], "pm10": [40.0], "pm2_5": [30.0], "o3_1h": [100.0],
    ...                     "co": [0.5], "so2": [np.nan]})
    >>> aqi_reference(row, kind="hourly", edition="2012").tolist()  # 2012: max of the IAQIs
    [43.0]
    >>> aqi_reference(row, kind="hourly", edition="2026").tolist()  # 5.3.1: SO2 missing, ≤ 100
    [nan]
    """
    kind = _check_kind(kind)
    std = breakpoints(_check_edition(edition))
    exempt = _check_not_monitored(not_monitored)
    indicators = [p for p in POLLUTANTS if p in std.indicators[kind]]
    n = len(df)
    values = np.full((max(len(indicators), 1), n), np.nan)
    for k, p in enumerate(indicators):
        if p in df.columns:
            values[k] = iaqi(p, df[p].to_numpy(dtype=np.float64), kind=kind, edition=edition)
    present = ~np.isnan(values)
    aqi = np.where(present.any(axis=0), np.fmax.reduce(values, axis=0), np.nan)
    if std.publish_aqi_above is not None:
        must = np.array([p not in exempt for p in indicators] or [False])
        complete = present[must].all(axis=0)
        aqi[~complete & ~(aqi > std.publish_aqi_above)] = np.nan
    return aqi


# --------------------------------------------------------------------------- frames


def _edition_plan(
    df: pd.DataFrame, edition: Edition | None, time_col: str
) -> tuple[list[Edition], np.ndarray, int, int]:
    """Editions present, the times as int64, the 2026-03-01 boundary in their unit, fixed edition.

    The edition is a monotone function of the time, so the earliest and latest times tell which
    editions occur; the kernel picks per row only when both do (``fixed`` is then -1).
    """
    empty = np.empty(0, dtype=np.int64)
    if edition is not None:
        return [edition], empty, 0, EDITIONS.index(edition)
    times = df[time_col]
    if not pd.api.types.is_datetime64_any_dtype(times):
        times = pd.to_datetime(times, format="mixed")
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        times = times.dt.tz_convert("Asia/Shanghai").dt.tz_localize(None)
    values = times.to_numpy()
    if values.size == 0:
        return [], empty, 0, 0
    unit = np.datetime_data(values.dtype)[0]
    boundary = int(
        np.datetime64(datetime.combine(switch_date(), time()))
        .astype(f"datetime64[{unit}]")
        .view(np.int64)
    )
    ints = values.view(np.int64)  # NaT is the smallest int64: before the boundary, as NaT < any
    first = int(ints.min() >= boundary)
    last = int(ints.max() >= boundary)
    if first == last:
        return [EDITIONS[first]], empty, 0, first
    return list(EDITIONS), np.ascontiguousarray(ints), boundary, -1


def compute_aqi(
    df: pd.DataFrame,
    *,
    kind: Kind = "hourly",
    edition: Edition | None = None,
    time_col: str = "time",
    validate: bool = True,
    not_monitored: Collection[str] = (),
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
        Check the frame (:func:`validate_air_frame`); the checks of negative and infinite values
        of float columns run inside the kernel, on the same pass that computes the index.
    not_monitored : collection of str
        HJ 633-2026 5.3.2: pollutants the monitoring programme of the station or city does not
        measure **and** that, in the measured history, were not the primary pollutant of a
        轻度污染 or worse day within three consecutive years — the caller's declaration (the data
        cannot show either). Their absence does not withhold the AQI. Default: none, so 5.3.1
        applies to every indicator of the report.

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

    Missing data (HJ 633-2026 5.3.1): when one of the six indicators of a 2026 report is missing
    (NaN, or its column absent) the AQI is computed from the others and published only when it
    exceeds 100; otherwise ``aqi``, ``level``, ``category``, ``color`` and
    ``primary_pollutant`` are NA and the IAQIs stand. Such a row is no 优 or 良 day: the
    good-days counts of :mod:`lanxi.compute.air.annual` and :mod:`lanxi.compute.air.targets`
    count only rows with an AQI. HJ 633-2012 rows take the maximum of the IAQIs present.

    The rows run through one compiled loop (:mod:`lanxi.compute.air.kernel`, bit for bit the
    arithmetic of :func:`iaqi`) in chunks of up to :data:`CHUNK` rows on a thread pool.

    Examples
    --------
    >>> frame = pd.DataFrame({"station": ["A"], "time": ["2026-03-01"], "pm2_5": [35.4],
    ...                       "pm10": [20.0], "so2": [5.0], "no2": [10.0], "co": [0.4],
    ...                       "o3_8h": [60.0]})
    >>> out = compute_aqi(frame, kind="daily")
    >>> int(out["aqi"].iloc[0]), out["category"].iloc[0], out["edition"].iloc[0]
    (50, '优', '2026')
    >>> out = compute_aqi(frame.drop(columns="so2"), kind="daily")  # 5.3.1: SO2 missing
    >>> out["aqi"].iloc[0] is pd.NA, float(out["iaqi_pm2_5"].iloc[0])
    (True, 50.0)
    """
    # numba is imported on first use: the command line starts without it
    from lanxi.compute.air.kernel import SLOTS, aqi_rows

    kind = _check_kind(kind)
    if edition is not None:
        edition = _check_edition(edition)
    exempt = _check_not_monitored(not_monitored)
    columns = {s: df[s] for s in SLOTS if s in df.columns}  # each looked up once (~10 µs each)
    # float64 columns are checked for negative and infinite values inside the kernel
    deferred = [s for s, c in columns.items() if pd.api.types.is_float_dtype(c.dtype)]
    if validate and air_frame_problems(
        df, time_col=time_col, require_time=edition is None, skip_values=deferred
    ):
        validate_air_frame(df, time_col=time_col, require_time=edition is None)
    present, times, boundary, fixed = _edition_plan(df, edition, time_col)
    stds = {ed: breakpoints(ed) for ed in present}
    used = [
        p
        for p in POLLUTANTS
        if p in df.columns and any(p in stds[ed].indicators[kind] for ed in present)
    ]
    spec = _kernel_spec(tuple(present), kind)
    given = list(columns)
    cols = tuple(
        _readonly(columns[s].to_numpy(dtype=np.float64, na_value=np.nan) if s in given else None)
        for s in SLOTS
    )
    n = len(df)
    size = _chunk_rows(n)
    starts = list(range(0, n, size))
    iaqis = np.empty((len(used), n), dtype=np.float32)
    aqi = np.empty(n, dtype=np.int16)
    missing = np.empty(n, dtype=np.bool_)
    level = np.empty(n, dtype=np.int8)
    codes = np.empty(n, dtype=np.int8)
    editions = np.empty(n, dtype=np.int8)
    # codes -1 … 2**7 - 1 (seven pollutants at most); the kernel fills whole 64-bit words
    seen = np.zeros((len(starts), (1 << len(POLLUTANTS)) + 1), dtype=np.bool_)
    slots = np.array([SLOTS.index(p) for p in used], dtype=np.int64)
    required, need, publish_above = _missing_rule(stds, kind, used, exempt)
    check = np.array([SLOTS.index(s) for s in given if s not in used], dtype=np.int64)

    def chunk(i: int) -> int:
        start = starts[i]
        return int(
            aqi_rows(
                cols, slots, check, times, boundary, fixed,
                spec.table_id, spec.scale, spec.top, spec.action, spec.action_value,
                spec.slope, spec.intercept, spec.seg_start, spec.seg_all,
                spec.lut, spec.lut_start, spec.lut_max, spec.divisor,
                spec.threshold, spec.level_of, required, need, publish_above,
                iaqis, aqi, missing, level, codes, editions, seen[i],
                start, min(start + size, n),
            )
        )  # fmt: skip

    bad = _run(chunk, len(starts), warm=bool(aqi_rows.signatures))
    if validate and bad:
        validate_air_frame(df, time_col=time_col, require_time=edition is None)
    return _assemble(df, used, iaqis, aqi, missing, level, codes, seen, editions, stds)


def _missing_rule(
    stds: dict[Edition, AqiStandard], kind: Kind, used: list[str], exempt: frozenset[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The kernel's arrays of HJ 633-2026 5.3.1, per edition (index into EDITIONS).

    ``required[e, k]``: IAQI column ``k`` (of ``used``) is an indicator of edition ``e`` that must
    be present; ``need[e]``: how many indicators must be present (absent columns included, so a
    frame without one falls short); ``publish_above[e]``: the AQI above which it is published
    anyway. An edition without the rule needs 0.
    """
    required = np.zeros((len(EDITIONS), max(len(used), 1)), dtype=np.int8)
    need = np.zeros(len(EDITIONS), dtype=np.int64)
    publish_above = np.full(len(EDITIONS), np.inf, dtype=np.float32)
    for ed, std in stds.items():
        if std.publish_aqi_above is None:
            continue
        e = EDITIONS.index(ed)
        indicators = [p for p in std.indicators[kind] if p not in exempt]
        need[e] = len(indicators)
        publish_above[e] = std.publish_aqi_above
        for k, p in enumerate(used):
            required[e, k] = p in indicators
    return required, need, publish_above


@cache
def _kernel_spec(editions: tuple[Edition, ...], kind: Kind) -> KernelSpec:
    """The kernel's tables of these editions (built once: the standards are cached too)."""
    from lanxi.compute.air.kernel import build_spec

    return build_spec({ed: breakpoints(ed) for ed in editions}, kind)


@cache
def _combos(used: tuple[str, ...]) -> list[str]:
    """Primary-pollutant label of every code (bit ``b`` set: ``used[b]`` is primary)."""
    return [
        ";".join(LABELS[p] for b, p in enumerate(used) if code >> b & 1)
        for code in range(1 << len(used))
    ]


@cache
def _categories(categories: tuple[str, ...]) -> pd.CategoricalDtype:
    """The dtype of a text column of the output, made once.

    pandas checks the categories anew every time a dtype is made: most of a small frame's
    assembly.
    """
    return pd.CategoricalDtype(list(categories))


def _readonly(values: np.ndarray | None) -> np.ndarray:
    """A contiguous read-only float64 view, or an empty one for an absent column.

    pandas hands out read-only views, and the kernel's tuple of columns needs one array type.
    """
    out = np.ascontiguousarray(values if values is not None else np.empty(0), dtype=np.float64)
    out = out.view()
    out.flags.writeable = False
    return out


def _cores() -> int:
    """The cores this thread may run on (its CPU affinity: ``taskset``, a container's cpuset).

    Not :func:`os.cpu_count`, the machine's: a process limited to one core computes in this
    thread, with no thread-pool hand-offs that would only take turns on that core.
    """
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _chunk_rows(n: int) -> int:
    """Rows per thread-pool task: four tasks per core (balance), within MIN_CHUNK … CHUNK."""
    per_task = -(-n // (4 * _cores()))
    per_task = -(-per_task // 4096) * 4096  # whole blocks of the kernel
    return max(MIN_CHUNK, min(CHUNK, per_task))


_POOL: tuple[int, ThreadPoolExecutor] | None = None


def _pool() -> ThreadPoolExecutor:
    """The module's thread pool (one thread per core), made on first use and kept.

    Starting threads on every call costs more than a small frame's whole computation. A forked
    child (a server worker, a multiprocessing pool) gets its own: the parent's threads do not
    exist there, and its pool would never run a task.
    """
    global _POOL
    if _POOL is None or _POOL[0] != os.getpid():
        _POOL = (
            os.getpid(),
            ThreadPoolExecutor(os.cpu_count() or 1, thread_name_prefix="lanxi-aqi"),
        )
    return _POOL[1]


def _run(fn: Callable[[int], int], n_chunks: int, *, warm: bool = True) -> int:
    """Sum of ``fn(i)`` over the chunks, on the module's thread pool (the kernels release the GIL).

    A single chunk, or every chunk when this thread may use one core only (:func:`_cores`), runs
    in this thread. When the kernel is not ``warm`` (numba compiles it, or loads it from its
    cache, on first use) the first chunk runs here before the others start.
    """
    if n_chunks == 0:
        return 0
    if n_chunks == 1 or _cores() == 1:
        return sum(fn(i) for i in range(n_chunks))
    first = 0 if warm else 1
    total = 0 if warm else fn(0)
    return total + sum(_pool().map(fn, range(first, n_chunks)))


def _assemble(
    df: pd.DataFrame,
    used: list[str],
    iaqis: np.ndarray,
    aqi: np.ndarray,
    missing: np.ndarray,
    level: np.ndarray,
    codes: np.ndarray,
    seen: np.ndarray,
    editions: np.ndarray,
    stds: dict[Edition, AqiStandard],
) -> pd.DataFrame:
    from lanxi.compute.air.kernel import remap_codes

    n = len(df)
    combos = _combos(tuple(used))
    # keep only the combinations that occur: the kernel marked them, one remap pass renumbers
    occurs = np.flatnonzero(np.any(seen, axis=0)[1 : len(combos) + 1])
    remap = np.full(len(combos) + 1, -1, dtype=np.int8)
    remap[occurs + 1] = np.arange(occurs.size, dtype=np.int8)
    size = max(_chunk_rows(n), REMAP_CHUNK)  # two bytes a row: big tasks, a small frame in one
    starts = list(range(0, n, size))
    level_1 = np.empty_like(level)

    def renumber(i: int) -> int:
        remap_codes(codes, remap, level, level_1, starts[i], min(starts[i] + size, n))
        return 0

    _run(renumber, len(starts), warm=bool(remap_codes.signatures))
    std = next(iter(stds.values())) if stds else breakpoints("2026")
    cats = std.categories  # levels, names and colours are the same in both editions

    def categorical(values: np.ndarray, categories: list[str]) -> pd.Categorical:
        dtype = _categories(tuple(categories))
        return pd.Categorical.from_codes(values, dtype=dtype, validate=False)

    out: dict[str, object] = {f"iaqi_{p}": iaqis[k] for k, p in enumerate(used)}
    out["aqi"] = pd.arrays.IntegerArray(aqi, missing)
    out["level"] = pd.arrays.IntegerArray(level_1, missing)
    out["category"] = categorical(level, [c.category for c in cats])
    out["category_en"] = categorical(level, [c.category_en for c in cats])
    out["color"] = categorical(level, [c.hex for c in cats])
    out["primary_pollutant"] = categorical(codes, [combos[i] for i in occurs])
    out["edition"] = categorical(editions, list(EDITIONS))
    new = pd.DataFrame(out, index=df.index, copy=False)
    replaced = [c for c in new.columns if c in df.columns]
    keep = df.drop(columns=replaced) if replaced else df  # drop() copies even when it drops none
    return pd.concat([keep, new], axis=1)
