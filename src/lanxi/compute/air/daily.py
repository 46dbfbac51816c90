"""Daily values from hourly air-quality data, with the validity rules of GB 3095.

Hourly rows are scattered into a dense ``(station-day, 24)`` grid (one vectorized assignment), so
every statistic is a numpy reduction along the hour axis — no loop over stations or days:

* 24-hour mean of SO2, NO2, CO, PM10, PM2.5: valid with at least 20 hourly values (GB 3095-2012
  and GB 3095-2026 表4), otherwise missing;
* daily maximum 1-hour O3: maximum of the hours present;
* daily maximum 8-hour O3 (GB 3095-2026 3.8–3.9): 8-hour moving averages ending at 8时 … 24时
  (the 17 windows inside the natural day), each valid with at least 6 hourly values (表4); the
  maximum is valid with at least 14 valid windows, or with fewer when it exceeds the grade Ⅱ limit
  (HJ 663-2013);
* moving averages over the previous hours (8-hour O3, 24-hour PM) for real-time reports, which
  reach into the previous day.

Hours are labelled by their start (``00:00`` = 00:00–01:00) unless ``hour_label="end"`` (Chinese
reports label 00:00–01:00 as 1时, so 24时 of a day is 00:00 of the next).

References
----------
.. [1] GB 3095-2012 环境空气质量标准, 表4; GB 3095-2026, 3.7–3.10, 6.4, 表4.
.. [2] HJ 663-2013 环境空气质量评价技术规范（试行） (O3 daily maximum 8-hour validity).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Literal

import numpy as np
import pandas as pd

from lanxi.compute.air.validate import validate_air_frame
from lanxi.errors import Problem, ValidationError
from lanxi.standards.hj633 import EDITIONS, Edition, switch_date, validity_rules

HourLabel = Literal["start", "end"]

#: Hourly input columns averaged over the day (O3 1-hour is ``o3_1h``).
MEAN_COLUMNS: tuple[str, ...] = ("so2", "no2", "pm10", "co", "pm2_5")
_NS_PER_HOUR = 3_600_000_000_000


@dataclass(frozen=True)
class _Grid:
    """Where each hourly row goes in the ``(pairs, 24)`` station-day grid."""

    flat: np.ndarray  # row → pair * 24 + hour of day
    n_pairs: int
    pair_station: pd.Index  # station of each pair
    pair_day: np.ndarray  # day number (days since 1970-01-01) of each pair
    prev_pair: np.ndarray  # pair of the same station on the previous day, or -1
    edition_code: np.ndarray  # int8 per pair: index into EDITIONS


def _hours(df: pd.DataFrame, time_col: str, hour_label: HourLabel) -> np.ndarray:
    times = pd.to_datetime(df[time_col], format="mixed")
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        times = times.dt.tz_convert("Asia/Shanghai").dt.tz_localize(None)
    ns = times.to_numpy(dtype="datetime64[ns]").view(np.int64)
    if hour_label == "end":
        return ns - _NS_PER_HOUR
    if not ns.flags.writeable or np.may_share_memory(ns, df[time_col].to_numpy()):
        ns = ns.copy()  # the caller works in place; never touch the input frame
    return ns


def _grid(
    df: pd.DataFrame,
    *,
    time_col: str,
    station_col: str,
    hour_label: HourLabel,
    edition: Edition | None,
    file: str,
) -> _Grid:
    problems: list[Problem] = []
    try:
        validate_air_frame(df, file, time_col=time_col)
    except ValidationError as exc:
        problems += exc.problems
    if station_col not in df.columns:
        problems.append(Problem(file, None, station_col, "station column missing"))
    if hour_label not in ("start", "end"):
        problems.append(
            Problem(file, None, None, "hour_label must be 'start' or 'end'", hour_label)
        )
    if problems:
        raise ValidationError(problems)

    ns = _hours(df, time_col, hour_label)
    off = ns % _NS_PER_HOUR != 0
    if off.any():
        first = int(np.flatnonzero(off)[0])
        problems.append(
            Problem(
                file,
                first + 1,
                time_col,
                f"{int(off.sum())} time(s) not on the hour",
                df[time_col].iloc[first],
            )
        )
    del off
    np.floor_divide(ns, _NS_PER_HOUR, out=ns)  # ns now holds hours since 1970
    day = ns // 24
    hod = (ns - day * 24).astype(np.int8)
    del ns

    st_codes, st_uniques = pd.factorize(df[station_col], sort=True)
    if (st_codes < 0).any():
        first = int(np.flatnonzero(st_codes < 0)[0])
        problems.append(Problem(file, first + 1, station_col, "missing station"))
    day0 = int(day.min()) if day.size else 0
    span = int(day.max()) - day0 + 2 if day.size else 1  # + 2: day - 1 never wraps to a station
    day -= day0
    key = st_codes.astype(np.int64)
    del st_codes
    key *= span
    key += day
    del day
    n_keys = len(st_uniques) * span
    if n_keys <= max(4 * len(key), 1 << 20):  # dense: a bitmap of station-days, no hashing
        present = np.zeros(n_keys, dtype=bool)
        present[key] = True
        pair_keys = np.flatnonzero(present)
        index_of = np.cumsum(present, dtype=np.int64) - 1
        del present
        flat = index_of[key]
        del index_of
    else:
        codes, uniques = pd.factorize(key, sort=True)
        pair_keys = np.asarray(uniques, dtype=np.int64)
        flat = codes.astype(np.int64)
    del key
    n_pairs = len(pair_keys)
    flat *= 24
    flat += hod
    del hod
    counts = np.bincount(flat, minlength=n_pairs * 24)
    dup = counts[flat] > 1
    del counts
    if dup.any():
        first = int(np.flatnonzero(dup)[0])
        problems.append(
            Problem(
                file,
                first + 1,
                time_col,
                f"{int(dup.sum())} rows share a station and hour with another row; "
                "keep one per hour",
                df[time_col].iloc[first],
            )
        )
    if problems:
        raise ValidationError(problems)

    pair_day = pair_keys % span + day0
    prev_pos = np.searchsorted(pair_keys, pair_keys - 1)
    prev_pos_c = np.minimum(prev_pos, max(n_pairs - 1, 0))
    prev_pair = np.where(
        (prev_pos < n_pairs) & (pair_keys[prev_pos_c] == pair_keys - 1), prev_pos_c, -1
    )
    if edition is not None:
        ed_code = np.full(n_pairs, EDITIONS.index(edition), dtype=np.int8)
    else:
        switch = datetime.combine(switch_date(), time())
        switch_day = int(np.datetime64(switch, "D").astype(np.int64))
        ed_code = (pair_day >= switch_day).astype(np.int8)
    return _Grid(
        flat=flat,
        n_pairs=n_pairs,
        pair_station=pd.Index(st_uniques).take(pair_keys // span),
        pair_day=pair_day,
        prev_pair=prev_pair,
        edition_code=ed_code,
    )


def _scatter(grid: _Grid, values: np.ndarray) -> np.ndarray:
    out = np.full(grid.n_pairs * 24, np.nan)
    out[grid.flat] = values
    return out.reshape(grid.n_pairs, 24)


def _per_pair(grid: _Grid, attr: str) -> np.ndarray:
    """A validity number per pair, from the rules of the pair's edition."""
    vals = np.array([getattr(validity_rules(ed), attr) for ed in EDITIONS], dtype=np.float64)
    return vals[grid.edition_code]


#: Means are rounded to this many decimals to drop float noise (160.00000000000003 is 160).
_DECIMALS = 9


def _mean_valid(hours: np.ndarray, min_count: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Mean over axis 1 of the finite values; NaN where fewer than ``min_count``.

    ``hours`` is scratch: its missing values are overwritten with 0.
    """
    missing = ~np.isfinite(hours)
    n = hours.shape[1] - missing.sum(axis=1)
    hours[missing] = 0.0
    return _finish(hours.sum(axis=1), n, min_count), n


def _finish(total: np.ndarray, n: np.ndarray, min_count: np.ndarray | float) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.round(total / n, _DECIMALS)
    mean[n < min_count] = np.nan
    return mean


def _window_means(
    hours: np.ndarray, length: int, min_count: np.ndarray | float
) -> tuple[np.ndarray, np.ndarray]:
    """Means of every run of ``length`` columns (windows starting at column 0, 1, …).

    ``hours`` is scratch: its missing values are overwritten with 0.
    """
    ok = np.isfinite(hours)
    hours[~ok] = 0.0
    rows = hours.shape[0]
    total = np.zeros((rows, hours.shape[1] + 1))
    np.cumsum(hours, axis=1, out=total[:, 1:])
    count = np.zeros((rows, hours.shape[1] + 1), dtype=np.int16)
    np.cumsum(ok, axis=1, out=count[:, 1:])
    w_total = total[:, length:] - total[:, :-length]
    w_count = count[:, length:] - count[:, :-length]
    return _finish(w_total, w_count, min_count), w_count


def _o3_8h_daily_max(grid: _Grid, o3: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rules = [validity_rules(ed) for ed in EDITIONS]
    r = rules[0]
    if any(
        (x.o3_8h_window, x.o3_first_end_hour, x.o3_last_end_hour)
        != (r.o3_8h_window, r.o3_first_end_hour, r.o3_last_end_hour)
        for x in rules
    ):
        raise NotImplementedError("editions with different O3 windows")  # pragma: no cover
    first = r.o3_first_end_hour - r.o3_8h_window  # start column of the first window
    last = r.o3_last_end_hour - r.o3_8h_window
    avg, _ = _window_means(o3, r.o3_8h_window, _per_pair(grid, "o3_8h_min_hours")[:, None])
    avg = avg[:, first : last + 1]
    n_windows = np.isfinite(avg).sum(axis=1)
    dmax = np.fmax.reduce(avg, axis=1) if avg.shape[1] else np.full(grid.n_pairs, np.nan)
    enough = n_windows >= _per_pair(grid, "o3_min_windows")
    exceeds = (dmax > _per_pair(grid, "o3_8h_limit")) & (_per_pair(grid, "o3_valid_if_exceeds") > 0)
    dmax[~(enough | exceeds)] = np.nan
    return dmax, n_windows


def daily_from_hourly(
    df: pd.DataFrame,
    *,
    edition: Edition | None = None,
    time_col: str = "time",
    station_col: str = "station",
    hour_label: HourLabel = "start",
    counts: bool = False,
    file: str = "<input>",
) -> pd.DataFrame:
    """Daily values per station from hourly concentrations (GB 3095 validity rules).

    Parameters
    ----------
    df : pandas.DataFrame
        Hourly rows: ``station``, ``time`` and any of ``so2``, ``no2``, ``pm10``, ``pm2_5``,
        ``co`` and ``o3_1h`` (the hourly O3). At most one row per station and hour.
    edition : {"2012", "2026"} or None
        Whose validity rules to apply; ``None`` picks per day (GB 3095-2026 from 2026-03-01).
    time_col, station_col : str
        Column names.
    hour_label : {"start", "end"}
        Whether ``time`` marks the start of the hour (default) or its end (Chinese 1时…24时).
    counts : bool
        Also return ``n_<pollutant>`` (hours present) and ``n_o3_8h`` (valid 8-hour windows).
    file : str
        Source name used in error messages.

    Returns
    -------
    pandas.DataFrame
        One row per station and day present, sorted: ``station``, ``time`` (the day, midnight),
        the 24-hour means of the mean columns present, ``o3_1h`` (daily max 1-hour) and ``o3_8h``
        (daily max 8-hour) when ``o3_1h`` is given, and ``edition`` — the GB 3095 edition whose
        表4 rules made the day. Invalid days are NaN. The frame is a valid input of
        :func:`lanxi.compute.air.compute_aqi` with ``kind="daily"`` (which labels its AQI anew).

    Raises
    ------
    ValidationError
        Problems of :func:`~lanxi.compute.air.validate_air_frame`, a missing station column,
        times not on the hour, or two rows for one station and hour — all listed together.

    Examples
    --------
    >>> hours = pd.date_range("2026-03-01", periods=24, freq="h")
    >>> frame = pd.DataFrame({"station": "A", "time": hours, "pm2_5": [40.0] * 19 + [np.nan] * 5})
    >>> daily_from_hourly(frame)["pm2_5"].tolist()  # 19 hours < 20: not a valid day
    [nan]
    """
    grid = _grid(
        df,
        time_col=time_col,
        station_col=station_col,
        hour_label=hour_label,
        edition=edition,
        file=file,
    )
    out: dict[str, object] = {
        station_col: grid.pair_station,
        time_col: pd.to_datetime(grid.pair_day, unit="D"),
    }
    extra: dict[str, np.ndarray] = {}
    min_hours = _per_pair(grid, "daily_min_hours")
    for col in MEAN_COLUMNS:
        if col in df.columns:
            vals = df[col].to_numpy(dtype=np.float64, na_value=np.nan)
            out[col], n = _mean_valid(_scatter(grid, vals), min_hours)
            extra[f"n_{col}"] = n
    if "o3_1h" in df.columns:
        o3 = _scatter(grid, df["o3_1h"].to_numpy(dtype=np.float64, na_value=np.nan))
        out["o3_1h"] = np.fmax.reduce(o3, axis=1)
        extra["n_o3_1h"] = np.isfinite(o3).sum(axis=1)
        out["o3_8h"], extra["n_o3_8h"] = _o3_8h_daily_max(grid, o3)
    out["edition"] = pd.Categorical.from_codes(grid.edition_code, categories=list(EDITIONS))
    if counts:
        out.update(extra)
    return pd.DataFrame(out)


def moving_average(
    df: pd.DataFrame,
    column: str,
    *,
    hours: int,
    min_hours: int,
    time_col: str = "time",
    station_col: str = "station",
    hour_label: HourLabel = "start",
    file: str = "<input>",
) -> np.ndarray:
    """Moving average over each hour and the ``hours - 1`` before it, per station.

    Parameters
    ----------
    df : pandas.DataFrame
        Hourly rows with ``station``, ``time`` and ``column``.
    column : str
        The concentration to average.
    hours : int
        Window length, 1…24 (8 for O3, 24 for the PM moving averages of real-time reports).
    min_hours : int
        Values needed in a window; fewer gives NaN (6 for O3 8-hour per GB 3095 表4).
    time_col, station_col, hour_label, file
        As in :func:`daily_from_hourly`.

    Returns
    -------
    numpy.ndarray
        One value per input row, in input order.
    """
    if not 1 <= hours <= 24 or not 1 <= min_hours <= hours:
        raise ValueError("need 1 <= min_hours <= hours <= 24")
    grid = _grid(
        df,
        time_col=time_col,
        station_col=station_col,
        hour_label=hour_label,
        edition=None,
        file=file,
    )
    today = _scatter(grid, df[column].to_numpy(dtype=np.float64, na_value=np.nan))
    yesterday = np.full_like(today, np.nan)
    has_prev = grid.prev_pair >= 0
    yesterday[has_prev] = today[grid.prev_pair[has_prev]]
    two_days = np.concatenate([yesterday, today], axis=1)  # (pairs, 48)
    avg, _ = _window_means(two_days, hours, min_hours)
    avg = avg[:, 24 - hours + 1 : 48 - hours + 1]  # the windows ending at today's 24 hours
    return np.ascontiguousarray(avg).reshape(-1)[grid.flat]


def o3_8h_moving(
    df: pd.DataFrame,
    *,
    time_col: str = "time",
    station_col: str = "station",
    hour_label: HourLabel = "start",
) -> np.ndarray:
    """O3 8-hour moving average per hour (GB 3095 3.8; valid with ≥ 6 hours, 表4).

    Parameters
    ----------
    df : pandas.DataFrame
        Hourly rows with ``station``, ``time`` and ``o3_1h``.
    time_col, station_col, hour_label
        As in :func:`daily_from_hourly`.

    Returns
    -------
    numpy.ndarray
        The average of each hour and the 7 before it, per input row.
    """
    rules = validity_rules("2026")
    return moving_average(
        df,
        "o3_1h",
        hours=rules.o3_8h_window,
        min_hours=rules.o3_8h_min_hours,
        time_col=time_col,
        station_col=station_col,
        hour_label=hour_label,
    )
