"""Single-factor classification of surface-water samples (GB 3838-2002 + 环办〔2011〕22号).

The class of a sample (or of a period mean) is the worst class among its assessed items —
the *single-factor method* (单因子评价法) of GB 3838-2002 §5.1 and of the 2011 method, 二、（一）1.
All class limits come from ``gb3838_2002_table1.yaml`` and all method rules from
``water_eval_2011.yaml`` (see :mod:`lanxi.standards.gb3838`); this module holds no numbers.

Everything is vectorized over rows *and* items with numpy (the text columns in one compiled loop,
:mod:`lanxi.compute.water.render`): no Python loop runs per row.

Rules as implemented
--------------------
* Upper-limit items: class = first class Ⅰ…Ⅴ whose limit the value does not exceed (``C ≤ limit``;
  a value equal to a limit belongs to that class; equal limits of two classes give the better
  class); above the Ⅴ limit → 劣Ⅴ (class 6).
* Dissolved oxygen (higher is better): first class whose minimum the value reaches (``C ≥ limit``);
  below the Ⅴ minimum → 劣Ⅴ.
* pH: 6 ≤ pH ≤ 9 is compatible with every class (class Ⅰ for the maximum); outside → 劣Ⅴ.
* Total phosphorus uses the 湖、库 limits on rows whose waterbody is ``"lake"``.
* Water temperature, total nitrogen and fecal coliform never enter ``water_class``
  (2011 method 一、（一）1); fecal coliform (all rows) and total nitrogen (lakes only,
  河流总氮除外) get their own reference classes ``fecal_coliform_class`` / ``tn_class``.
* Missing values are skipped, never read as zero; a row with no assessed value has no class.
* Over-standard multiple (超标倍数) = (C − limit)/limit of the reference class; not computed for
  water temperature, pH and DO (2011 method 二、（一）3（1））.
* Main pollutants (主要污染指标), only when the class is worse than Ⅲ: items worse than Ⅲ,
  cyanide and heavy metals first, then worst class, then largest multiple against the Ⅲ limit;
  at most three.

References
----------
.. [1] GB 3838-2002 地表水环境质量标准, 表1 and §5.1.
.. [2] 环境保护部办公厅. 地表水环境质量评价办法（试行）, 环办〔2011〕22号, 2011.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lanxi.compute.gbt8170 import multiple_half_even
from lanxi.compute.plausibility import rules as plausibility_rules
from lanxi.compute.plausibility import unit_problems
from lanxi.compute.times import to_beijing
from lanxi.compute.water.detection import is_bare_not_detected, split_detection
from lanxi.compute.water.render import render_cells
from lanxi.errors import Problem, ValidationError
from lanxi.standards.gb3838 import (
    ITEM_KEYS,
    WORSE_THAN_V,
    Gb3838Table,
    WaterEvalRules,
    gb3838_table,
    water_eval_rules,
)

#: Columns every water-sample frame must have.
REQUIRED_COLUMNS: tuple[str, ...] = ("section", "time", "waterbody")
#: Allowed values of the waterbody column.
WATERBODIES: tuple[str, ...] = ("river", "lake")
#: Optional column holding each row's target class (1–5).
TARGET_COLUMN = "target_class"
#: Physical bounds of pH used by validation (not a class limit).
PH_BOUNDS = (0.0, 14.0)


@dataclass(frozen=True)
class ItemClasses:
    """Per-item classes of a frame, as arrays (the vectorized core of this module).

    Attributes
    ----------
    items : tuple of str
        Item keys of the columns, in GB 3838 table order.
    values : numpy.ndarray
        Shape ``(n_rows, n_items)``; concentrations, ``NaN`` where missing.
    classes : numpy.ndarray
        Same shape; class 1–6 as float, ``NaN`` where the value is missing.
    is_lake : numpy.ndarray
        Shape ``(n_rows,)``; rows whose waterbody is a lake or reservoir.
    """

    items: tuple[str, ...]
    values: np.ndarray
    classes: np.ndarray
    is_lake: np.ndarray


def _limits_for(table: Gb3838Table, items: Sequence[str], is_lake: bool) -> np.ndarray:
    rows = [table.index(k) for k in items]
    source = table.lake_limits if is_lake else table.river_limits
    return source[rows] if rows else np.empty((0, 5))


def _is_lake(df: pd.DataFrame, waterbody_col: str) -> np.ndarray:
    if waterbody_col not in df.columns:
        raise ValueError(f"column {waterbody_col!r} (river/lake) is missing")
    wb = df[waterbody_col].astype("string")
    bad = ~wb.isin(WATERBODIES).fillna(False).to_numpy(dtype=bool)
    if bad.any():
        raise ValueError(
            f"column {waterbody_col!r} must be 'river' or 'lake'; run validate_water_frame first"
        )
    return (wb == "lake").fillna(False).to_numpy(dtype=bool)


def item_classes(df: pd.DataFrame, *, waterbody_col: str = "waterbody") -> ItemClasses:
    """Class of every item of every row (vectorized).

    Parameters
    ----------
    df : pandas.DataFrame
        Item columns named by the keys of GB 3838 表1 (``ph``, ``do``, ``codmn`` …), numeric, and a
        waterbody column (``"river"`` or ``"lake"``). Other columns are ignored.
    waterbody_col : str
        Name of the waterbody column.

    Returns
    -------
    ItemClasses
        Values and classes as ``(n_rows, n_items)`` arrays.
    """
    table = gb3838_table()
    items = tuple(k for k in table.items if k in df.columns)
    is_lake = _is_lake(df, waterbody_col)
    if not items:
        empty = np.empty((len(df), 0))
        return ItemClasses(items, empty, empty.copy(), is_lake)
    values = (
        df[list(items)].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    )
    classes = np.full(values.shape, np.nan)
    directions = np.array([table.directions[k] for k in items])

    upper = np.flatnonzero(directions == "upper")
    if upper.size:
        v = values[:, upper]
        river = _limits_for(table, [items[j] for j in upper], False)
        lake = _limits_for(table, [items[j] for j in upper], True)
        count = (v[:, :, None] > river[None, :, :]).sum(axis=2)
        differs = np.flatnonzero((river != lake).any(axis=1))  # total phosphorus
        for j in differs:  # loop over items (1), not rows
            lake_count = (v[:, j, None] > lake[j][None, :]).sum(axis=1)
            count[:, j] = np.where(is_lake, lake_count, count[:, j])
        classes[:, upper] = np.where(np.isnan(v), np.nan, count + 1)

    lower = np.flatnonzero(directions == "lower")
    if lower.size:
        v = values[:, lower]
        limits = _limits_for(table, [items[j] for j in lower], False)
        count = (v[:, :, None] < limits[None, :, :]).sum(axis=2)
        classes[:, lower] = np.where(np.isnan(v), np.nan, count + 1)

    rng = np.flatnonzero(directions == "range")
    if rng.size:
        low, high = table.ph_range
        v = values[:, rng]
        inside = (v >= low) & (v <= high)
        classes[:, rng] = np.where(np.isnan(v), np.nan, np.where(inside, 1, WORSE_THAN_V))
    return ItemClasses(items, values, classes, is_lake)


def _target_array(df: pd.DataFrame, target_class: int | str | None) -> np.ndarray | None:
    if target_class is None:
        return None
    if isinstance(target_class, str):
        if target_class not in df.columns:
            raise ValueError(f"target class column {target_class!r} is missing")
        t = pd.to_numeric(df[target_class], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    else:
        t = np.full(len(df), float(target_class))
    ok = np.isnan(t) | np.isin(t, [1, 2, 3, 4, 5])
    if not ok.all():
        raise ValueError("target class must be an integer 1–5 (Ⅰ–Ⅴ)")
    return t


def _multiples(
    ic: ItemClasses, table: Gb3838Table, rules: WaterEvalRules, ref_class: np.ndarray
) -> np.ndarray:
    """(C − L_ref)/L_ref per row × item (float, for ranking), ``NaN`` where not computed."""
    n, m = ic.values.shape
    if m == 0:
        return np.full((n, m), np.nan)
    k = np.nan_to_num(ref_class, nan=1).astype(int) - 1
    river = _limits_for(table, ic.items, False).T[k]  # (n, m): limit of each row's class
    lake = _limits_for(table, ic.items, True).T[k]
    ref = np.where(ic.is_lake[:, None], lake, river)
    computed = np.array([table.directions[i] == "upper" for i in ic.items]) & ~np.isin(
        np.array(ic.items), list(rules.multiple_not_computed)
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (ic.values - ref) / ref
    out[:, ~computed] = np.nan
    out[np.isnan(ref_class)] = np.nan
    return out


def _main_pollutants(
    ic: ItemClasses, assessed: np.ndarray, table: Gb3838Table, rules: WaterEvalRules
) -> np.ndarray:
    n, m = ic.classes.shape
    if m == 0:
        return np.full(n, "", dtype=object)
    above = rules.main_pollutant_above_class
    candidate = assessed & (np.nan_to_num(ic.classes, nan=0) > above)
    mult = _multiples(ic, table, rules, np.full(n, float(rules.multiple_reference_class)))
    priority = np.isin(np.array(ic.items), list(rules.priority_items))[None, :] & candidate
    # Stable lexicographic sort per row; the last key is the primary one.
    order = np.lexsort(
        (
            -np.nan_to_num(mult, nan=-np.inf),
            -np.nan_to_num(ic.classes, nan=0),
            -priority.astype(np.int8),
            -candidate.astype(np.int8),
        ),
        axis=-1,
    )
    top = order[:, : min(rules.main_pollutant_count, m)]
    take = np.take_along_axis(candidate, top, axis=1)
    rows, rank = np.nonzero(take)
    cols = top[rows, rank]
    ref = np.full(rows.size, float(rules.multiple_reference_class))
    shown = _reported_multiples(ic, table, rules, rows, cols, ref)
    return render_cells(rows, cols, shown, ic.items, n)


def _reported_multiples(
    ic: ItemClasses,
    table: Gb3838Table,
    rules: WaterEvalRules,
    rows: np.ndarray,
    cols: np.ndarray,
    ref_class: np.ndarray,
) -> np.ndarray:
    """The multiple of each selected cell as reported: GB/T 8170 on the decimal values.

    ``(C − L)/L`` rounded half to even to ``rules.multiple_decimals`` in exact integer arithmetic
    (:func:`lanxi.compute.gbt8170.multiple_half_even`): BOD5 6.06 against 4 is 0.515 → 0.52, where
    float64 gives 0.51. ``ref_class`` is the class of each cell's limit; NaN where not computed.
    """
    if rows.size == 0:
        return np.empty(0)
    k = np.nan_to_num(ref_class, nan=1).astype(int) - 1
    river = _limits_for(table, ic.items, False)  # (items, 5)
    lake = _limits_for(table, ic.items, True)
    ref = np.where(ic.is_lake[rows], lake[cols, k], river[cols, k])
    out = multiple_half_even(ic.values[rows, cols], ref, rules.multiple_decimals)
    computed = np.array([table.directions[i] == "upper" for i in ic.items]) & ~np.isin(
        np.array(ic.items), list(rules.multiple_not_computed)
    )
    out[~computed[cols] | np.isnan(ref_class)] = np.nan
    return out


def _nullable_int(values: np.ndarray) -> pd.arrays.IntegerArray:
    return pd.array(np.where(np.isnan(values), pd.NA, values), dtype="Int64")


def _nullable_str(values: np.ndarray, valid: np.ndarray) -> pd.api.extensions.ExtensionArray:
    text = values.astype(object)
    text[~valid] = None
    return pd.array(text, dtype="string")


def classify_samples(
    df: pd.DataFrame,
    *,
    waterbody_col: str = "waterbody",
    target_class: int | str | None = None,
) -> pd.DataFrame:
    """Classify each row by the single-factor method (GB 3838-2002 表1, 环办〔2011〕22号).

    Parameters
    ----------
    df : pandas.DataFrame
        Rows of samples or of period means: ``section``, ``time``/``period``, a waterbody column
        (``"river"`` or ``"lake"``) and any of the item columns ``ph``, ``do``, ``codmn``, ``cod``,
        ``bod5``, ``nh3n``, ``tp``, ``tn``, ``cu``, ``zn``, ``f``, ``se``, ``as``, ``hg``, ``cd``,
        ``cr6``, ``pb``, ``cn``, ``phenol``, ``oil``, ``las``, ``s``, ``fecal_coliform``
        (mg/L; fecal coliform in 个/L; pH dimensionless). Missing values are skipped.
    waterbody_col : str
        Name of the waterbody column; ``"lake"`` rows use the 湖、库 total-phosphorus limits.
    target_class : int, str or None
        Target class 1–5 of every row (int) or the name of a column holding it. When given, the
        output has ``exceeding_items``.

    Returns
    -------
    pandas.DataFrame
        A copy of ``df`` with

        * ``water_class`` (Int64, 1–6; 6 = 劣Ⅴ; NA when no assessed item has a value);
        * ``water_class_label`` (Ⅰ Ⅱ Ⅲ Ⅳ Ⅴ 劣Ⅴ);
        * ``worst_items``: items that set the class, ``;``-joined in table order;
        * ``main_pollutants``: when the class is worse than Ⅲ, up to three ``item:multiple``
          (multiple against the Ⅲ limit; no number for pH and DO), e.g. ``"tp:0.50;nh3n:0.20"``;
        * ``exceeding_items`` (only with ``target_class``): items worse than the target with their
          multiple against the target-class limit, e.g. ``"nh3n:0.35;tp:0.10"``; ``""`` when the row
          meets its target;
        * ``fecal_coliform_class`` / ``tn_class`` when those columns exist: the reference classes
          (total nitrogen for lakes only).

    Notes
    -----
    GB 3838-2002 §5.1 asks for the exceeding items and their multiples against the target
    (functional) class; the 2011 method (二、（一）3（1）) defines 超标倍数 against the Ⅲ limit
    for main pollutants. Both use (C − limit)/limit.

    Examples
    --------
    >>> frame = pd.DataFrame({"waterbody": ["river"], "nh3n": [1.2], "tp": [0.25], "do": [6.5]})
    >>> out = classify_samples(frame, target_class=3)
    >>> int(out.loc[0, "water_class"]), out.loc[0, "water_class_label"], out.loc[0, "worst_items"]
    (4, 'Ⅳ', 'nh3n;tp')
    >>> out.loc[0, "exceeding_items"], out.loc[0, "main_pollutants"]
    ('nh3n:0.20;tp:0.25', 'tp:0.25;nh3n:0.20')
    """
    table = gb3838_table()
    rules = water_eval_rules()
    ic = item_classes(df, waterbody_col=waterbody_col)
    n, m = ic.classes.shape
    names = np.array(ic.items)

    excl_river = np.isin(names, list(rules.excluded["river"])) if m else np.zeros(0, bool)
    excl_lake = np.isin(names, list(rules.excluded["lake"])) if m else np.zeros(0, bool)
    assessed = ~np.where(ic.is_lake[:, None], excl_lake[None, :], excl_river[None, :])
    has = assessed & ~np.isnan(ic.classes)
    c = np.where(has, ic.classes, 0.0)
    wc = c.max(axis=1) if m else np.zeros(n)
    valid = wc > 0

    out = df.copy()
    wc_nan = np.where(valid, wc, np.nan)
    out["water_class"] = _nullable_int(wc_nan)
    labels = np.array(table.class_labels, dtype=object)
    out["water_class_label"] = _nullable_str(labels[np.clip(wc.astype(int), 1, 6) - 1], valid)
    worst = has & (c == wc[:, None])
    rows, cols = np.nonzero(worst)
    out["worst_items"] = _nullable_str(render_cells(rows, cols, None, ic.items, n), valid)
    out["main_pollutants"] = _nullable_str(
        _main_pollutants(ic, assessed, table, rules),
        valid & (wc > rules.main_pollutant_above_class),
    )

    target = _target_array(df, target_class)
    if target is not None:
        exceeds = has & (ic.classes > np.nan_to_num(target, nan=np.inf)[:, None])
        rows, cols = np.nonzero(exceeds)
        mult = _reported_multiples(ic, table, rules, rows, cols, target[rows])
        text = render_cells(rows, cols, mult, ic.items, n)
        out["exceeding_items"] = _nullable_str(text, valid & ~np.isnan(target))

    for item in dict.fromkeys([*rules.reference["river"], *rules.reference["lake"]]):
        if item not in ic.items:
            continue
        j = ic.items.index(item)
        applies = np.where(
            ic.is_lake, item in rules.reference["lake"], item in rules.reference["river"]
        )
        out[f"{item}_class"] = _nullable_int(np.where(applies, ic.classes[:, j], np.nan))
    return out


# --------------------------------------------------------------------------- validation


#: Items that are never reported below a detection limit (a "<7" pH or "0.5L" temperature is a
#: mistake, not a laboratory's result).
NO_DETECTION_LIMIT: frozenset[str] = frozenset({"ph", "water_temp"})


def _data_row(position: int) -> int:
    """Spreadsheet row of a 0-based data position (header is row 1)."""
    return position + 2


def validate_water_frame(
    df: pd.DataFrame, file: str = "<input>", *, extra_columns: Iterable[str] = ()
) -> None:
    """Check a frame of water samples; raise once, listing every problem.

    Parameters
    ----------
    df : pandas.DataFrame
        Columns ``section``, ``time``, ``waterbody`` and item columns (GB 3838 表1 keys, plus
        ``water_temp``); optionally ``target_class``.
    file : str
        Name of the source, used in messages.
    extra_columns : iterable of str
        Further column names to accept (e.g. ``city``).

    Raises
    ------
    ValidationError
        Listing every problem with its spreadsheet row (data row + 1 for the header) and column:
        missing or unknown columns, empty section ids, missing or unparseable dates, waterbody not
        ``river``/``lake``, non-numeric, infinite or negative values, values implausible in mg/L
        per section (``lanxi/data/plausibility.yaml``: NH3-N 500 looks like µg/L), pH outside
        0–14, target class not 1–5.

    Examples
    --------
    >>> bad = pd.DataFrame({"section": ["A"], "time": ["2024-13-01"], "waterbody": ["sea"],
    ...                     "nh3n": ["x"]})
    >>> try:
    ...     validate_water_frame(bad, "samples.csv")
    ... except ValidationError as err:
    ...     print(len(err.problems))
    3
    """
    problems: list[Problem] = []
    allowed = {*REQUIRED_COLUMNS, *ITEM_KEYS, TARGET_COLUMN, *extra_columns}
    for col in REQUIRED_COLUMNS:
        if col not in df.columns:
            problems.append(Problem(file, None, col, "required column is missing; add it"))
    for col in df.columns:
        if col not in allowed:
            problems.append(
                Problem(
                    file,
                    None,
                    str(col),
                    "unknown column; item columns are the GB 3838 表1 keys "
                    f"({', '.join(ITEM_KEYS)})",
                )
            )

    def blank(s: pd.Series) -> np.ndarray:
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            # a column read as numbers (lanxi.io.tables): only NaN is blank; spelling 120,000
            # numbers as text to find none took seconds
            return s.isna().to_numpy(dtype=bool)
        text = s.astype("string").str.strip()
        return (s.isna() | (text == "")).fillna(True).to_numpy(dtype=bool)

    if "section" in df.columns:
        for pos in np.flatnonzero(blank(df["section"])):
            problems.append(Problem(file, _data_row(int(pos)), "section", "section id is empty"))

    if "time" in df.columns:
        col = df["time"]
        empty = blank(col)
        if pd.api.types.is_datetime64_any_dtype(col):
            bad = np.zeros(len(df), dtype=bool)
        else:
            parsed, _ = to_beijing(col.where(~empty), fmt="ISO8601")
            bad = parsed.isna().to_numpy(dtype=bool) & ~empty
        for pos in np.flatnonzero(empty):
            problems.append(Problem(file, _data_row(int(pos)), "time", "date is missing"))
        for pos in np.flatnonzero(bad):
            problems.append(
                Problem(
                    file,
                    _data_row(int(pos)),
                    "time",
                    "not a date; write it as YYYY-MM-DD (ISO 8601)",
                    col.iloc[pos],
                )
            )

    if "waterbody" in df.columns:
        wb = df["waterbody"]
        bad = ~wb.astype("string").isin(WATERBODIES).fillna(False).to_numpy(dtype=bool)
        for pos in np.flatnonzero(bad):
            problems.append(
                Problem(
                    file,
                    _data_row(int(pos)),
                    "waterbody",
                    "must be 'river' or 'lake'",
                    wb.iloc[pos],
                )
            )

    for item in (k for k in ITEM_KEYS if k in df.columns):
        col = df[item]
        empty = blank(col)
        if item in NO_DETECTION_LIMIT:
            numbers = pd.to_numeric(col.where(~empty), errors="coerce")
        else:
            numbers, _ = split_detection(col.where(~empty))
        v = numbers.to_numpy(dtype=float, na_value=np.nan)
        for pos in np.flatnonzero(np.isnan(v) & ~empty):
            cell = col.iloc[pos]
            if is_bare_not_detected(cell) and item not in NO_DETECTION_LIMIT:
                message = (
                    "below detection without the limit; write the limit, e.g. 0.025L, <0.025 or "
                    "ND(0.025) (½ of it is used, 环办监测函〔2020〕82号 七)"
                )
                message_zh = "未检出但未给出检出限；请写明检出限，如 0.025L、<0.025 或 ND(0.025)"
            else:
                message = "not a number; leave blank if not measured"
                message_zh = "不是数值；未监测请留空"
            problems.append(
                Problem(file, _data_row(int(pos)), item, message, cell, message_zh=message_zh)
            )
        for pos in np.flatnonzero(np.isinf(v)):
            problems.append(
                Problem(
                    file,
                    _data_row(int(pos)),
                    item,
                    "not a finite number",
                    col.iloc[pos],
                    message_zh="不是有限数值",
                )
            )
        rule = plausibility_rules("water").get(item)
        if rule is not None:
            problems += unit_problems(
                v,
                df["section"].astype(str) if "section" in df.columns else None,
                rule,
                file=file,
                field=item,
                unit_name="section",
                row_offset=_data_row(0),
            )
        with np.errstate(invalid="ignore"):
            negative = v < 0
        for pos in np.flatnonzero(negative):
            problems.append(
                Problem(file, _data_row(int(pos)), item, "concentration cannot be negative", v[pos])
            )
        if item == "ph":
            with np.errstate(invalid="ignore"):
                out = v > PH_BOUNDS[1]
            for pos in np.flatnonzero(out):
                problems.append(
                    Problem(file, _data_row(int(pos)), item, "pH must be within 0–14", v[pos])
                )

    if TARGET_COLUMN in df.columns:
        col = df[TARGET_COLUMN]
        t = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        bad = ~np.isin(t, [1, 2, 3, 4, 5]) & ~blank(col)
        for pos in np.flatnonzero(bad):
            problems.append(
                Problem(
                    file,
                    _data_row(int(pos)),
                    TARGET_COLUMN,
                    "target class must be an integer 1–5 (Ⅰ–Ⅴ)",
                    col.iloc[pos],
                )
            )
    if problems:
        problems.sort(key=lambda p: p.row or 0)
        raise ValidationError(problems)
