"""Unit plausibility of measured values, per station (or section) and per item.

A whole column in the wrong unit is easy to catch; one station's CO in µg/m³ among others in mg/m³,
or one laboratory's NH3-N in µg/L, is not — and gives a plausible wrong answer (AQI 500, 劣Ⅴ). The
rules are data (``lanxi/data/plausibility.yaml``, each with its rationale):

``above``
    A value above the ceiling is possible in the expected unit only as a unit mistake.
``all_below``
    A station whose every value (at least ``min_values``, not all 0) is below the floor gave them in
    a unit a thousand times larger.

Problems name the station, the rows (as ranges) and what was probably meant:
``CO 900–1000 at station 1001A, rows 5–8 (4 of 24): above 150 mg/m³ … looks like µg/m³ — divide by
1000``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from lanxi.errors import Problem
from lanxi.standards.plausibility import Rule, rules

__all__ = ["LABELS", "Rule", "may_fail", "rules", "unit_problems"]

#: Names used in messages.
LABELS: Mapping[str, str] = {
    "co": "CO",
    "so2": "SO2",
    "no2": "NO2",
    "pm10": "PM10",
    "pm2_5": "PM2.5",
    "o3_1h": "O3 (1 h)",
    "o3_8h": "O3 (8 h)",
    "nh3n": "NH3-N",
    "tp": "TP",
    "tn": "TN",
    "codmn": "CODMn",
    "cod": "COD",
    "bod5": "BOD5",
    "do": "DO",
    "cr6": "Cr(VI)",
}


def _ranges(rows: np.ndarray) -> str:
    """``[5, 6, 7, 8, 12]`` → ``"5–8, 12"`` (at most eight ranges, then "…")."""
    parts: list[str] = []
    start = prev = int(rows[0])
    for r in (*rows[1:].tolist(), None):
        if r is not None and r == prev + 1:
            prev = r
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if r is not None:
            start = prev = int(r)
    return ", ".join(parts[:8]) + (", …" if len(parts) > 8 else "")


def _fmt(x: float) -> str:
    return f"{x:g}"


def may_fail(values: np.ndarray, rule: Rule) -> bool:
    """Whether :func:`unit_problems` can find anything in ``values`` (its first, cheap test).

    False when no value is above the ceiling (``above``) or none lies between 0 and the floor
    (``all_below``): then there is no problem, and the stations need not be looked at. A caller
    checking many clean columns asks this before it builds the station labels.
    """
    with np.errstate(invalid="ignore"):
        if rule.above is not None:
            return bool((values > rule.above).any())
        if rule.all_below is not None:
            return bool(((values > 0) & (values < rule.all_below)).any())
    return False


def unit_problems(
    values: np.ndarray,
    groups: pd.Series | None,
    rule: Rule,
    *,
    file: str,
    field: str,
    unit_name: str = "station",
    row_offset: int = 1,
) -> list[Problem]:
    """Problems of one item's values under ``rule``, grouped by station (or section).

    Parameters
    ----------
    values : numpy.ndarray
        The item's values (float, NaN for missing), in row order.
    groups : pandas.Series or None
        The station (section) of each row; None → the file is one group.
    rule : Rule
    file, field : str
        For messages.
    unit_name : str
        ``"station"`` or ``"section"``, for messages.
    row_offset : int
        Row number of position 0.

    Returns
    -------
    list of Problem
        One per group with implausible values; a single file-level problem when every value of
        the file is implausible (a whole column in the other unit).
    """
    if not may_fail(values, rule):
        return []
    with np.errstate(invalid="ignore"):
        if rule.above is not None:
            bad = values > rule.above
            why_en = f"above {_fmt(rule.above)} {rule.unit}"
            why_zh = f"高于 {_fmt(rule.above)} {rule.unit}"
        elif rule.all_below is not None:
            bad = _all_below_groups(values, groups, rule)
            why_en = f"every value below {_fmt(rule.all_below)} {rule.unit}"
            why_zh = f"所有数值均小于 {_fmt(rule.all_below)} {rule.unit}"
        else:
            return []
    if not bad.any():
        return []
    name = LABELS.get(rule.item, rule.item)
    finite = np.isfinite(values)
    what_en = f"looks like {rule.probably}; {rule.unit} expected — {rule.fix}"
    what_zh = f"疑似以 {rule.probably} 填报；应为 {rule.unit}（{_fix_zh(rule.fix)}）"
    if bad.sum() == finite.sum():
        lo, hi = float(np.nanmin(values[bad])), float(np.nanmax(values[bad]))
        span = _fmt(lo) if lo == hi else f"{_fmt(lo)}–{_fmt(hi)}"
        return [
            Problem(
                file,
                None,
                field,
                f"{name} {span} in every row: {why_en}; the column {what_en}",
                message_zh=f"{name} 全部数值 {span}：{why_zh}，整列{what_zh}",
            )
        ]
    keys = (
        pd.Series(np.zeros(len(values), dtype=int))
        if groups is None
        else pd.Series(groups.to_numpy(), dtype=object)
    )
    problems = []
    for key, idx in (
        pd.Series(np.arange(len(values)))[bad].groupby(keys[bad].to_numpy()).groups.items()
    ):
        pos = np.asarray(sorted(int(i) for i in idx))
        in_group = int(((keys == key).to_numpy() & finite).sum())
        vals = values[pos]
        lo, hi = float(np.nanmin(vals)), float(np.nanmax(vals))
        span = _fmt(lo) if lo == hi else f"{_fmt(lo)}–{_fmt(hi)}"
        where = "" if groups is None else f" at {unit_name} {key}"
        where_zh = (
            "" if groups is None else f"（{'站点' if unit_name == 'station' else '断面'} {key}）"
        )
        rows = _ranges(pos + row_offset)
        rows_en = f"row {rows}" if len(pos) == 1 else f"rows {rows}"
        of_zh = f"共 {in_group} 行中 {len(pos)} 行"
        problems.append(
            Problem(
                file,
                int(pos[0]) + row_offset,
                field,
                f"{name} {span}{where}, {rows_en} ({len(pos)} of {in_group}): {why_en}; {what_en}",
                message_zh=f"{name} {span}{where_zh}，第 {rows} 行（{of_zh}）：{why_zh}，{what_zh}",
            )
        )
    return problems


def _all_below_groups(values: np.ndarray, groups: pd.Series | None, rule: Rule) -> np.ndarray:
    """Rows of the groups whose every finite value is below the floor (and not all 0)."""
    assert rule.all_below is not None
    keys = np.zeros(len(values), dtype=int) if groups is None else groups.to_numpy()
    frame = pd.DataFrame({"k": keys, "v": values})
    stats = frame.groupby("k", sort=False)["v"].agg(["max", "count"])
    flagged = stats[
        (stats["max"] < rule.all_below) & (stats["max"] > 0) & (stats["count"] >= rule.min_values)
    ].index
    if len(flagged) == 0:
        return np.zeros(len(values), dtype=bool)
    return frame["k"].isin(flagged).to_numpy() & np.isfinite(values)


def _fix_zh(fix: str) -> str:
    return {"divide by 1000": "除以 1000", "multiply by 1000": "乘以 1000"}.get(fix, fix)
