"""Validation of submitted observations and task progress reports, vectorized over the frame.

A submitted file is read as text (:func:`lanxi.io.tables.read_table`); every rule runs over whole
columns at once (pandas string and set operations, no per-row Python), and only rows that break a
rule are turned into :class:`~lanxi.errors.Problem` objects — with the file, the sheet, the
spreadsheet row number (the header is row 1), the column, the value, the rule and how to fix it.
All problems of a file are raised together as one :class:`~lanxi.errors.ValidationError`.

Rules for observations (columns ``indicator_id, region_code, period, value, unit, source, note``):

1. the header has the required columns and no unknown ones;
2. required cells are filled (``indicator_id, region_code, period, value, unit``);
3. the indicator exists; 4. the region exists;
5. the period has the form of the indicator's frequency (see :mod:`.common`);
6. the value is a finite number;
7. the unit is the indicator's unit or converts to it (``lanxi/data/units.yaml``: 万人 ↔ 人,
   亿元 ↔ 万元 ↔ 元, % ↔ ratio, …); the stored value is in the indicator's unit;
8. the (converted) value lies in the indicator's plausible range (``range_min``/``range_max``);
9. no (indicator, region, period) appears twice in the file.

Rules for task progress (``task_id, agency_id, period, progress, percent, narrative,
evidence_links``): the task and the agency exist; the period is ``YYYY``, ``YYYYHn``,
``YYYYQn`` or ``YYYY-MM``; ``progress`` is one of 未启动 / 推进中 / 已完成 / 滞后; ``percent``
(optional) is a number from 0 to 100, 100 when 已完成 and 0 when 未启动; each evidence link
(separated by ``;`` or new lines) is an ``http(s)://`` address; no (task, agency, period) twice.

With many rows breaking one rule, the first ``max_per_rule`` are listed and one more problem
counts the rest.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from lanxi.errors import Problem, ValidationError
from lanxi.services.monitoring.common import (
    PERIOD_FORMS,
    PERIOD_PATTERNS,
    PROGRESS_PERIOD_FORM,
    PROGRESS_PERIOD_PATTERN,
    PROGRESS_STATUSES,
    Reference,
    conversion_factor,
    convertible_units,
)
from lanxi.services.monitoring.problem_text import message_zh

Kind = Literal["observations", "task_progress"]

OBSERVATION_COLUMNS = ("indicator_id", "region_code", "period", "value", "unit", "source", "note")
OBSERVATION_REQUIRED = ("indicator_id", "region_code", "period", "value", "unit")
PROGRESS_COLUMNS = (
    "task_id",
    "agency_id",
    "period",
    "progress",
    "percent",
    "narrative",
    "evidence_links",
)
PROGRESS_REQUIRED = ("task_id", "agency_id", "period", "progress")

COLUMNS: dict[str, tuple[str, ...]] = {
    "observations": OBSERVATION_COLUMNS,
    "task_progress": PROGRESS_COLUMNS,
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "observations": OBSERVATION_REQUIRED,
    "task_progress": PROGRESS_REQUIRED,
}

#: Spreadsheet row of the first data row (the header is row 1).
FIRST_ROW = 2


def _row_numbers(frame: pd.DataFrame) -> np.ndarray:
    """The file's line (spreadsheet row) of each data row.

    The header is row 1 unless ``frame.attrs["first_row"]`` says where the data start (a CSV
    template's ``#`` lines above the header).
    """
    first = int(frame.attrs.get("first_row", FIRST_ROW))
    return np.arange(first, first + len(frame))


def detect_kind(frame: pd.DataFrame) -> Kind | None:
    """``"observations"`` if the header has ``indicator_id``, ``"task_progress"`` if ``task_id``."""
    cols = {str(c).strip() for c in frame.columns}
    if "indicator_id" in cols:
        return "observations"
    if "task_id" in cols:
        return "task_progress"
    return None


class _Col:
    """A text column factorized: ``codes`` into ``uniques`` (stripped), −1 for empty cells.

    Rules run on the few unique values and are broadcast to rows through the codes, so a file of
    a million rows costs little more than its distinct indicators, regions and periods.
    """

    def __init__(self, frame: pd.DataFrame, col: str) -> None:
        self.name = col
        n = len(frame)
        if col not in frame.columns or frame[col].isna().all():
            self.codes = np.full(n, -1, dtype=np.int64)
            self.uniques = np.array([], dtype=object)
        else:
            codes, uniq = pd.factorize(frame[col], use_na_sentinel=True)
            stripped = np.array([str(u).strip() for u in uniq], dtype=object)
            c2, u2 = pd.factorize(stripped)
            u2 = np.asarray(u2, dtype=object)
            codes = np.where(codes >= 0, c2[np.maximum(codes, 0)], -1).astype(np.int64)
            empty = np.flatnonzero(u2 == "")
            if len(empty):
                codes[codes == empty[0]] = -1
            self.codes = codes
            self.uniques = u2
        self._ext = np.append(self.uniques, "")

    @property
    def empty(self) -> np.ndarray:
        """True where the cell is empty."""
        return self.codes < 0

    def values(self, idx: np.ndarray | slice | None = None) -> np.ndarray:
        """The stripped text of rows ``idx`` (all rows by default; '' for empty cells)."""
        codes = self.codes if idx is None else self.codes[idx]
        return self._ext[codes]

    def on_uniques(self, fn: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """Evaluate ``fn`` on the unique values and broadcast to rows (False for empty cells)."""
        res = np.append(np.asarray(fn(self.uniques), dtype=bool), False)
        return res[self.codes]

    def map(self, mapping: Mapping[str, object], default: object = None) -> np.ndarray:
        """Map each row's value through ``mapping`` (``default`` for unknown and empty)."""
        ext = np.array([mapping.get(u, default) for u in self.uniques] + [default], dtype=object)
        return ext[self.codes]


def _round_sig(x: np.ndarray, where: np.ndarray, digits: int = 12) -> np.ndarray:
    """Round converted values to ``digits`` significant digits.

    0.801 × 100 gives 80.1, not 80.10000000000001; values that were not converted are left
    exactly as given.
    """
    out = x.copy()
    sel = where & np.isfinite(x) & (x != 0)
    if sel.any():
        v = x[sel]
        scale = 10.0 ** (digits - 1 - np.floor(np.log10(np.abs(v))))
        out[sel] = np.round(v * scale) / scale
    return out


def _none_where(col: _Col) -> np.ndarray:
    """The column's text, None for empty cells."""
    out = col.values().astype(object)
    out[col.empty] = None
    return out


class _Problems:
    """Collects problems of one file, row by row only where a rule failed."""

    def __init__(self, file: str, sheet: str | None, rows: np.ndarray, max_per_rule: int | None):
        self.file = file
        self.sheet = sheet
        self.rows = rows
        self.max = max_per_rule
        self.items: list[Problem] = []

    def file_level(self, field: str | None, message: str, value: object = None) -> None:
        self.items.append(
            Problem(self.file, None, field, message, value, self.sheet, message_zh(message))
        )

    def add(
        self,
        mask: np.ndarray | pd.Series,
        field: str,
        values: _Col | _Lazy | _Raw | np.ndarray,
        message: str | Callable[[np.ndarray], Sequence[str]],
    ) -> None:
        """Add one problem per row where ``mask`` is true (the first ``max_per_rule`` rows)."""
        m = np.asarray(mask, dtype=bool)
        n = int(m.sum())
        if n == 0:
            return
        idx = np.flatnonzero(m)
        shown = idx if self.max is None else idx[: self.max]
        vals = (
            values.values(shown)
            if isinstance(values, _Col | _Lazy | _Raw)
            else np.asarray(values)[shown]
        )
        msgs = [message] * len(shown) if isinstance(message, str) else list(message(shown))
        zh_of: dict[str, str | None] = {}
        for i, v, msg in zip(shown, vals.tolist(), msgs, strict=True):
            text = str(msg)
            if text not in zh_of:
                zh_of[text] = message_zh(text)
            self.items.append(
                Problem(
                    self.file, int(self.rows[i]), field, text, _plain(v), self.sheet, zh_of[text]
                )
            )
        if len(shown) < n:
            more = (
                f"… and {n - len(shown)} more row(s) with the same problem "
                f"(the first at row {int(self.rows[shown[0]])})"
            )
            self.items.append(
                Problem(self.file, None, field, more, None, self.sheet, message_zh(more))
            )

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationError(self.items)


def _plain(v: object) -> object:
    if v is None or v == "" or (isinstance(v, float) and np.isnan(v)):
        return None
    return v


def _check_header(frame: pd.DataFrame, kind: Kind, problems: _Problems) -> None:
    cols = [str(c) for c in frame.columns]
    expected = COLUMNS[kind]
    missing = [c for c in REQUIRED[kind] if c not in cols]
    unknown = [c for c in cols if c not in expected]
    header = ", ".join(expected)
    for c in missing:
        problems.file_level(
            c,
            f"[columns] required column '{c}' is missing; the header must be: {header} "
            "(generate one with `lanxi template`)",
        )
    for c in unknown:
        problems.file_level(c, f"[columns] unknown column '{c}' (misspelt?); allowed: {header}", c)
    for c in sorted({c for c in cols if cols.count(c) > 1}):
        problems.file_level(c, f"[columns] column '{c}' appears more than once")
    if len(frame) == 0:
        problems.file_level(None, "[rows] the file has no data rows below the header")
    problems.raise_if_any()


def _required(frame: pd.DataFrame, cols: tuple[str, ...], problems: _Problems) -> list[_Col]:
    out = []
    for c in cols:
        col = _Col(frame, c)
        problems.add(col.empty, c, col, f"[required] '{c}' is empty; fill it in")
        out.append(col)
    return out


def _duplicates(keys: list[_Col], rows: np.ndarray, problems: _Problems, label: str) -> None:
    code = np.zeros(len(rows), dtype=np.int64)
    for k in keys:
        code = code * (len(k.uniques) + 1) + (k.codes + 1)
    dup = pd.Series(code).duplicated(keep="first").to_numpy()
    if not dup.any():
        return
    first = pd.Series(rows).groupby(code).transform("first").to_numpy()

    def text(idx: np.ndarray) -> np.ndarray:
        return np.array(
            [" / ".join(str(k.values(np.array([i]))[0]) for k in keys) for i in idx], dtype=object
        )

    problems.add(
        dup,
        keys[0].name,
        _Lazy(text),
        lambda idx: [
            f"[unique] duplicate {label}: the same key is at row {first[i]}; keep one row per key"
            for i in idx
        ],
    )


class _Raw:
    """A column used as is (no factorizing), for nearly-unique values."""

    def __init__(self, series: pd.Series) -> None:
        self.series = series

    def blank(self, candidates: np.ndarray) -> np.ndarray:
        """True where the cell is empty or whitespace, checked only on ``candidates`` rows."""
        out = np.zeros(len(self.series), dtype=bool)
        idx = np.flatnonzero(candidates)
        if len(idx):
            sub = self.series.iloc[idx]
            out[idx] = (sub.isna() | (sub.astype(str).str.strip() == "")).to_numpy()
        return out

    def values(self, idx: np.ndarray) -> np.ndarray:
        return self.series.iloc[idx].to_numpy(dtype=object)


class _Lazy:
    """Values computed only for the rows shown in problems."""

    def __init__(self, fn: Callable[[np.ndarray], np.ndarray]) -> None:
        self.fn = fn

    def values(self, idx: np.ndarray) -> np.ndarray:
        return self.fn(idx)


def validate_observations(
    frame: pd.DataFrame,
    ref: Reference,
    *,
    file: str,
    sheet: str | None = None,
    any_year: bool = False,
    max_per_rule: int | None = 100,
) -> pd.DataFrame:
    """Validate a frame of submitted observations and convert values to the indicators' units.

    Parameters
    ----------
    frame : pandas.DataFrame
        As read by :func:`lanxi.io.tables.read_table` (text cells).
    ref : Reference
        The catalogue (:func:`lanxi.services.monitoring.common.load_reference`).
    file, sheet : str
        Named in every problem.
    any_year : bool
        Also accept ``YYYY`` for indicators of any frequency (figures quoted by the plans).
    max_per_rule : int or None
        List at most this many rows per rule (None: all).

    Returns
    -------
    pandas.DataFrame
        ``row, indicator_id, region_code, period, value, unit, source, note, submitted_value,
        submitted_unit`` — ``value`` in the indicator's ``unit``; ``source``/``note`` None if empty.

    Raises
    ------
    ValidationError
        Every problem found; nothing is returned.
    """
    rows = _row_numbers(frame)
    problems = _Problems(file, sheet, rows, max_per_rule)
    frame = excel_date_periods(frame, ref)
    _check_header(frame, "observations", problems)
    ind, reg, per, unit = _required(
        frame, ("indicator_id", "region_code", "period", "unit"), problems
    )
    # values are nearly all distinct: parse the column directly rather than factorize it
    raw = frame["value"]
    number = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    finite = np.isfinite(number)
    val = _Raw(raw)
    blank = val.blank(~finite)
    problems.add(blank, "value", val, "[required] 'value' is empty; fill it in")

    known_ind = ind.on_uniques(lambda u: np.isin(u, list(ref.indicators)))
    problems.add(
        ~ind.empty & ~known_ind,
        "indicator_id",
        ind,
        "[indicator exists] unknown indicator; use an id from the template's codes sheet "
        "(`lanxi indicators`)",
    )
    known_reg = reg.on_uniques(lambda u: np.isin(u, list(ref.regions)))
    problems.add(
        ~reg.empty & ~known_reg,
        "region_code",
        reg,
        "[region exists] unknown region code; use a 6-digit code or LXCSQ from the codes sheet "
        "(`lanxi regions`)",
    )

    # period form: evaluated once per distinct (indicator, period) pair
    freq_of = {i: m["frequency"] for i, m in ref.indicators.items()}
    freq = ind.map(freq_of)
    pair = ind.codes * (len(per.uniques) + 1) + (per.codes + 1)
    pcodes, puniq = pd.factorize(pair)
    ok_pairs = np.zeros(len(puniq), dtype=bool)
    u_ind = puniq // (len(per.uniques) + 1)
    u_per = puniq % (len(per.uniques) + 1) - 1
    for j, (ii, pp) in enumerate(zip(u_ind, u_per, strict=True)):
        if ii < 0 or pp < 0:
            continue
        f = freq_of.get(ind.uniques[ii])
        text = str(per.uniques[pp])
        if f is None:
            continue
        good = re.fullmatch(PERIOD_PATTERNS.get(f, PERIOD_PATTERNS["annual"]), text) is not None
        if not good and any_year:
            good = re.fullmatch(PERIOD_PATTERNS["annual"], text) is not None
        if good and len(text) == 10:
            try:
                dt.date.fromisoformat(text)
            except ValueError:
                good = False
        ok_pairs[j] = good
    period_ok = ok_pairs[pcodes]
    problems.add(
        known_ind & ~per.empty & ~period_ok,
        "period",
        per,
        lambda idx: [
            "[period form] the period does not fit the indicator's frequency: write "
            + PERIOD_FORMS.get(str(freq[i]), "YYYY")
            for i in idx
        ],
    )

    problems.add(
        ~blank & ~finite,
        "value",
        val,
        "[number] not a number: write digits with a decimal point, no thousands separators or "
        "units (e.g. 1234.5)",
    )

    # units: one conversion factor per distinct (unit, indicator) pair
    unit_of = {i: m["unit"] for i, m in ref.indicators.items()}
    upair = unit.codes * (len(ind.uniques) + 1) + (ind.codes + 1)
    ucodes, uuniq = pd.factorize(upair)
    factors = np.full(len(uuniq), np.nan)
    for j, code in enumerate(uuniq):
        uu, ii = code // (len(ind.uniques) + 1), code % (len(ind.uniques) + 1) - 1
        if uu < 0 or ii < 0 or ind.uniques[ii] not in unit_of:
            continue
        f = conversion_factor(str(unit.uniques[uu]), str(unit_of[ind.uniques[ii]]))
        factors[j] = np.nan if f is None else f
    factor = factors[ucodes]
    ind_unit = ind.map(unit_of)
    problems.add(
        known_ind & ~unit.empty & np.isnan(factor),
        "unit",
        unit,
        lambda idx: [
            "[unit] does not convert to the indicator's unit; use one of: "
            + " / ".join(convertible_units(str(ind_unit[i])))
            for i in idx
        ],
    )

    converted = _round_sig(number * factor, factor != 1.0)
    lo = ind.map({i: m["range_min"] for i, m in ref.indicators.items()}).astype(float)
    hi = ind.map({i: m["range_max"] for i, m in ref.indicators.items()}).astype(float)
    with np.errstate(invalid="ignore"):
        out_of_range = finite & ~np.isnan(factor) & ((converted < lo) | (converted > hi))
    submitted_unit = unit.values()

    def _range_msg(idx: np.ndarray) -> list[str]:
        out = []
        for i in idx:
            lo_t = "−∞" if np.isnan(lo[i]) else f"{lo[i]:g}"
            hi_t = "∞" if np.isnan(hi[i]) else f"{hi[i]:g}"
            conv = (
                " after conversion to the indicator's unit"
                if submitted_unit[i] != ind_unit[i]
                else ""
            )
            out.append(
                f"[plausible range] {converted[i]:g} {ind_unit[i]}{conv} is outside the "
                f"indicator's range [{lo_t}, {hi_t}]; check the unit and the decimal point"
            )
        return out

    problems.add(out_of_range, "value", val, _range_msg)
    _duplicates([ind, reg, per], rows, problems, "(indicator_id, region_code, period)")
    problems.raise_if_any()

    source = _Col(frame, "source")
    note = _Col(frame, "note")
    return pd.DataFrame(
        {
            "row": rows,
            "indicator_id": ind.values(),
            "region_code": reg.values(),
            "period": per.values(),
            "value": converted,
            "unit": ind_unit,
            "source": _none_where(source),
            "note": _none_where(note),
            "submitted_value": number,
            "submitted_unit": submitted_unit,
        }
    )


#: A date or datetime as Excel hands it over (a month typed in Excel is a date: its first day).
_EXCEL_DATE = r"(?:19|20|21)\d{2}-\d{2}-\d{2}(?: 00:00:00)?"


def excel_date_periods(frame: pd.DataFrame, ref: Reference) -> pd.DataFrame:
    """Periods that Excel turned into dates, written back as the period the indicator asks for.

    A month or year typed in Excel reaches the file as a date (``2025-06-01 00:00:00``). Where
    the indicator is monthly and the date is a month's first day it becomes ``2025-06``; annual
    and 1 January: ``2025``; quarterly and a quarter's first day: ``2025Q2``; daily or once (a
    date is asked): the date. Each converted row gets a note saying so (in Chinese and English).
    Other dates are left for the period rule to report.

    Parameters
    ----------
    frame : pandas.DataFrame
        Submitted observations (text cells).
    ref : Reference
        The catalogue (the indicators' frequencies).

    Returns
    -------
    pandas.DataFrame
        ``frame`` itself when nothing was converted, else a shallow copy with new ``period`` and
        ``note`` columns.
    """
    if "period" not in frame.columns or "indicator_id" not in frame.columns:
        return frame
    text = frame["period"].astype("string").str.strip()
    is_date = text.str.fullmatch(_EXCEL_DATE).fillna(False).to_numpy(dtype=bool)
    if not is_date.any():
        return frame
    freq = frame["indicator_id"].map({i: m["frequency"] for i, m in ref.indicators.items()})
    year, month, day = text.str[:4], text.str[5:7], text.str[8:10]
    new = pd.Series(pd.NA, index=frame.index, dtype="string")
    quarter = {"01": "Q1", "04": "Q2", "07": "Q3", "10": "Q4"}
    first = day == "01"
    rules = [
        ((freq == "monthly") & first, year + "-" + month),
        ((freq == "annual") & first & (month == "01"), year),
        ((freq == "quarterly") & first & month.isin(list(quarter)), year + month.map(quarter)),
        (freq.isin(["daily", "once"]), text.str[:10]),
    ]
    for cond, value in rules:
        take = is_date & cond.fillna(False).to_numpy(dtype=bool) & new.isna().to_numpy()
        new[take] = value[take]
    done = new.notna().to_numpy() & (new != text).fillna(False).to_numpy(dtype=bool)
    if not done.any():
        return frame
    out = frame.copy(deep=False)
    period = frame["period"].astype(object).copy()
    period[done] = new[done].astype(object)
    out["period"] = period
    remark = (
        "期间由 Excel 日期 " + text[done] + " 转换为 " + new[done] + "（period converted from an "
        "Excel date）"
    ).astype(object)
    note = (
        frame["note"].astype(object).copy()
        if "note" in frame.columns
        else pd.Series(None, index=frame.index, dtype=object)
    )
    old = note[done]
    has = old.notna() & (old.astype("string").str.strip() != "")
    note[done] = np.where(has.to_numpy(), old.astype(str) + "；" + remark, remark)
    out["note"] = note
    return out


_LINK_SPLIT = r"[;\s]+"


def validate_progress(
    frame: pd.DataFrame,
    ref: Reference,
    *,
    file: str,
    sheet: str | None = None,
    max_per_rule: int | None = 100,
) -> pd.DataFrame:
    """Validate a frame of task progress reports.

    Parameters
    ----------
    frame : pandas.DataFrame
        Text cells, columns as :data:`PROGRESS_COLUMNS`.
    ref : Reference
        The catalogue.
    file, sheet : str
        Named in every problem.
    max_per_rule : int or None
        List at most this many rows per rule.

    Returns
    -------
    pandas.DataFrame
        ``row, task_id, agency_id, period, progress, percent, narrative, evidence_links`` —
        ``percent`` NaN when empty, ``evidence_links`` a list of URLs.

    Raises
    ------
    ValidationError
        Every problem found.
    """
    rows = _row_numbers(frame)
    problems = _Problems(file, sheet, rows, max_per_rule)
    _check_header(frame, "task_progress", problems)
    task, agency, per, prog = _required(frame, PROGRESS_REQUIRED, problems)
    problems.add(
        ~task.empty & ~task.on_uniques(lambda u: np.isin(u, list(ref.tasks))),
        "task_id",
        task,
        "[task exists] unknown task; use an id t01…t58 from the codes sheet (`lanxi tasks`)",
    )
    problems.add(
        ~agency.empty & ~agency.on_uniques(lambda u: np.isin(u, list(ref.agencies))),
        "agency_id",
        agency,
        "[agency exists] unknown agency; use an id from the codes sheet (`lanxi agencies`)",
    )
    period_ok = per.on_uniques(
        lambda u: np.array([re.fullmatch(PROGRESS_PERIOD_PATTERN, str(x)) is not None for x in u])
    )
    problems.add(
        ~per.empty & ~period_ok,
        "period",
        per,
        f"[period form] write the reporting period as {PROGRESS_PERIOD_FORM}",
    )
    problems.add(
        ~prog.empty & ~prog.on_uniques(lambda u: np.isin(u, PROGRESS_STATUSES)),
        "progress",
        prog,
        "[status] progress must be one of " + " / ".join(PROGRESS_STATUSES),
    )
    pct_col = _Col(frame, "percent")
    pct_text = np.array([str(x).rstrip("%").strip() for x in pct_col.values()], dtype=object)
    pct = pd.to_numeric(np.where(pct_col.empty, np.nan, pct_text), errors="coerce").astype(float)
    problems.add(
        ~pct_col.empty & np.isnan(pct),
        "percent",
        pct_col,
        "[percent] not a number: write the percentage complete as 0–100",
    )
    with np.errstate(invalid="ignore"):
        problems.add(
            ~np.isnan(pct) & ((pct < 0) | (pct > 100)),
            "percent",
            pct_col,
            "[percent] the percentage complete must be between 0 and 100",
        )
        status = prog.values()
        problems.add(
            (status == "已完成") & ~np.isnan(pct) & (pct != 100),
            "percent",
            pct_col,
            "[percent] a task reported 已完成 is 100 % complete: write 100 or choose 推进中",
        )
        problems.add(
            (status == "未启动") & ~np.isnan(pct) & (pct != 0),
            "percent",
            pct_col,
            "[percent] a task reported 未启动 is 0 % complete: write 0 or choose 推进中",
        )
    links_col = _Col(frame, "evidence_links")
    links = [[x for x in re.split(_LINK_SPLIT, str(t)) if x] for t in links_col.values()]
    bad_links = np.array(
        [any(not x.startswith(("http://", "https://")) for x in xs) for xs in links], dtype=bool
    )
    problems.add(
        bad_links,
        "evidence_links",
        links_col,
        "[links] each evidence link must be an http:// or https:// address, separated by ';'",
    )
    _duplicates([task, agency, per], rows, problems, "(task_id, agency_id, period)")
    problems.raise_if_any()
    narrative = _Col(frame, "narrative")
    return pd.DataFrame(
        {
            "row": rows,
            "task_id": task.values(),
            "agency_id": agency.values(),
            "period": per.values(),
            "progress": status,
            "percent": pct,
            "narrative": _none_where(narrative),
            "evidence_links": pd.Series(links, dtype=object).to_numpy(),
        }
    )
