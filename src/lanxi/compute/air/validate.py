"""Checks on an air-quality input frame before any index is computed.

Every problem is collected (unknown column, non-numeric or negative value, bad time, a station's
values in the wrong unit — :mod:`lanxi.compute.plausibility`) and raised once in a
:class:`~lanxi.errors.ValidationError`, with the row and column of each.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from lanxi.compute.plausibility import may_fail, unit_problems
from lanxi.compute.plausibility import rules as plausibility_rules
from lanxi.compute.times import to_beijing
from lanxi.errors import Problem, ValidationError
from lanxi.standards.hj633 import POLLUTANTS

#: Optional extra input of real-time reports (HJ 633-2012 SO2 rule above 800 µg/m³).
EXTRA_COLUMNS: tuple[str, ...] = ("so2_24h",)

#: Label columns accepted and not checked: ``edition`` (written by ``daily_from_hourly``; replaced
#: by ``compute_aqi``'s own).
LABEL_COLUMNS: tuple[str, ...] = ("edition",)

#: Rows listed per column and rule before the rest are summarised in one line.
MAX_ROWS_LISTED = 20


def _rows(
    file: str, field: str, mask: np.ndarray, values: object, message: str, limit: int
) -> list[Problem]:
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return []
    vals = np.asarray(values, dtype=object)
    out = [Problem(file, int(i) + 1, field, message, vals[i]) for i in idx[:limit]]
    if idx.size > limit:
        out.append(
            Problem(file, None, field, f"… and {idx.size - limit} more rows with the same problem")
        )
    return out


def validate_air_frame(
    df: pd.DataFrame,
    file: str = "<input>",
    *,
    time_col: str = "time",
    require_time: bool = True,
    max_rows: int = MAX_ROWS_LISTED,
) -> None:
    """Check an air-quality frame; raise once with every problem.

    Parameters
    ----------
    df : pandas.DataFrame
        Columns ``station``, ``time`` and any of ``so2``, ``no2``, ``pm10``, ``pm2_5``, ``o3_1h``,
        ``o3_8h`` (µg/m³), ``co`` (mg/m³), ``so2_24h``.
    file : str
        Name of the source, used in messages.
    time_col : str
        Name of the time column.
    require_time : bool
        Whether the time column must be present.
    max_rows : int
        Rows listed per column and rule; the rest are counted in one summary problem.

    Raises
    ------
    ValidationError
        Listing every problem: unknown columns, no pollutant column, non-numeric, infinite or
        negative concentrations, missing or unparseable times, values implausible in their unit
        per station (CO above 150 mg/m³: µg/m³; every value of a µg/m³ pollutant below 1:
        mg/m³ — ``lanxi/data/plausibility.yaml``). Row numbers are 1-based positions in the
        frame.

    Examples
    --------
    >>> validate_air_frame(pd.DataFrame({"time": ["2026-03-01"], "pm2_5": [12.0]}))
    """
    problems = air_frame_problems(
        df, file, time_col=time_col, require_time=require_time, max_rows=max_rows
    )
    if problems:
        raise ValidationError(problems)


def air_frame_problems(
    df: pd.DataFrame,
    file: str = "<input>",
    *,
    time_col: str = "time",
    require_time: bool = True,
    max_rows: int = MAX_ROWS_LISTED,
    skip_values: Collection[str] = (),
) -> list[Problem]:
    """The problems :func:`validate_air_frame` raises, as a list (empty when the frame is clean).

    Parameters
    ----------
    df, file, time_col, require_time, max_rows
        As in :func:`validate_air_frame`.
    skip_values : collection of str
        Numeric columns whose negative and infinite values the caller checks itself (the AQI
        kernel does it on its one pass over the data); every other check still runs on them.

    Returns
    -------
    list of Problem
    """
    problems: list[Problem] = []
    known = {"station", time_col, *POLLUTANTS, *EXTRA_COLUMNS, *LABEL_COLUMNS}
    for col in df.columns:
        if col not in known:
            problems.append(
                Problem(
                    file,
                    None,
                    str(col),
                    f"unknown column; expected station, {time_col} and any of "
                    f"{', '.join((*POLLUTANTS, *EXTRA_COLUMNS))}",
                )
            )
    if not any(p in df.columns for p in POLLUTANTS):
        problems.append(
            Problem(file, None, None, f"no pollutant column; expected any of {POLLUTANTS}")
        )

    if time_col in df.columns:
        raw = df[time_col]
        if isinstance(raw.dtype, np.dtype) and raw.dtype.kind == "M":
            stamps = raw.to_numpy()
            # NaT is the smallest int64: one min reduction (no 16 M-row mask) finds whether any
            if stamps.size and stamps.view(np.int64).min() == np.iinfo(np.int64).min:
                bad = np.isnat(stamps)
            else:
                bad = np.zeros(0, dtype=bool)
        elif isinstance(raw.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(raw):
            bad = raw.isna().to_numpy()
        else:
            parsed, _ = to_beijing(raw)
            bad = parsed.isna().to_numpy()
        problems += _rows(
            file,
            time_col,
            bad,
            raw,
            "missing or unreadable time; use ISO 8601 (Beijing time, or with an offset)",
            max_rows,
        )
    elif require_time:
        problems.append(Problem(file, None, time_col, "time column missing"))

    stations: list[pd.Series | None] = []  # the station labels, made once when first needed

    def station_labels() -> pd.Series | None:
        if not stations:
            stations.append(df["station"].astype(str) if "station" in df.columns else None)
        return stations[0]

    for col in (*POLLUTANTS, *EXTRA_COLUMNS):
        if col not in df.columns:
            continue
        series = df[col]
        if pd.api.types.is_bool_dtype(series):
            problems.append(Problem(file, None, col, "boolean column; expected concentrations"))
            continue
        if pd.api.types.is_numeric_dtype(series):
            vals = series.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            text = series.astype("string").str.strip()
            numeric = pd.to_numeric(text.mask(text == ""), errors="coerce")
            bad = (numeric.isna() & text.notna() & (text != "")).to_numpy(dtype=bool)
            problems += _rows(file, col, bad, series, "not a number", max_rows)
            vals = numeric.to_numpy(dtype=np.float64, na_value=np.nan)
        if col not in skip_values or not pd.api.types.is_numeric_dtype(series):
            problems += _rows(file, col, np.isinf(vals), series, "infinite value", max_rows)
            problems += _rows(
                file, col, vals < 0, series, "negative concentration; use NaN for missing", max_rows
            )
        rule = plausibility_rules("air").get(col)
        if rule is not None and may_fail(vals, rule):
            problems += unit_problems(
                vals,
                station_labels(),
                rule,
                file=file,
                field=col,
            )
    return problems
