"""Spreadsheet exports (Excel / CSV) of provincial monitoring systems → the engines' tables.

``lanxi air import FILE.xlsx`` and ``lanxi water import FILE.xlsx`` come here. A column mapping
(:mod:`lanxi.io.sheets`; built-in ones for the common Chinese header sets, chosen automatically by
the headers, or ``--mapping FILE.yaml``) says where the station/section, time and values are. Then:

* stations are identified by CNEMC code or by **name**, resolved through the bundled station list
  (:func:`lanxi.services.stations.bundled_stations`, current and retired codes; where a name has
  several codes, the one valid on the row's date); sections by id or name through the bundled
  sections (:func:`lanxi.services.environment.store.bundled_sections`), the river telling equal
  names apart; an unknown name is a problem;
* values are converted to the engines' units (CO µg/m³ → mg/m³ divides by 1000; µg/L → mg/L);
* air hourly times are shifted to the **start** of the hour when the mapping says a time point
  ends its hour (``hour_label: end``, CNEMC's convention and the built-in mapping's);
* every problem (file, sheet, row, field, expected form, in English and Chinese) is collected and
  raised at once: nothing is returned, written or stored unless the whole file is good.

Results: :class:`lanxi.services.air_import.AirImport` (station-hour or station-day table, as the
CNEMC import gives) and :class:`WaterImport` (the samples table ``lanxi water … --file`` reads,
as :func:`lanxi.services.environment.store.samples_frame` gives it).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pandas as pd
from sqlalchemy import Table, delete, insert, tuple_

from lanxi.errors import Problem, ValidationError
from lanxi.io import sheets
from lanxi.io.sheets import HeaderMatch, Mapping
from lanxi.services import stations as station_list
from lanxi.services.air_import import AirImport
from lanxi.services.store import session
from lanxi.storage.env_models import WaterSampleRow

__all__ = [
    "SPREADSHEET_SUFFIXES",
    "SheetInfo",
    "WaterImport",
    "choose_mapping",
    "import_air_sheet",
    "import_water_sheet",
    "is_spreadsheet",
    "store_water",
    "write_water",
]

SPREADSHEET_SUFFIXES = (".xlsx", ".xls", ".csv")
#: Cells read as "no value" (besides empty cells).
MISSING = frozenset({"—", "–", "-", "--", "——", "/", "na", "n/a", "nan", "null", "无", "缺测"})
_CNEMC_NAME = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}|china_sites_\d{8})\.csv$", re.IGNORECASE)


def is_spreadsheet(path: Path) -> bool:
    """A single ``.xlsx``/``.xls`` file, or a ``.csv`` not named like a CNEMC release file."""
    path = Path(path)
    if path.is_dir() or path.suffix.lower() not in SPREADSHEET_SUFFIXES:
        return False
    return not _CNEMC_NAME.search(path.name)


@dataclass(frozen=True)
class SheetInfo:
    """What was read: the mapping used (and whether chosen automatically), sheet, resolution."""

    mapping: str
    title: str
    auto: bool
    sheet: str
    resolution: str
    hour_label: str
    rows: int
    columns: dict[str, str]
    ignored: tuple[str, ...] = ()

    def summary(self) -> str:
        """One line for the user, Chinese then English."""
        how = "自动选用 chosen automatically" if self.auto else "指定 given"
        cols = ", ".join(f"{k}←{v}" for k, v in self.columns.items())
        text = f"列映射 mapping {self.mapping} ({how}: {self.title}); {self.rows} rows; {cols}"
        if self.ignored:
            text += "; 未使用的列 columns not read: " + ", ".join(self.ignored)
        if self.resolution == "hourly":
            text += (
                "; 时间为小时结束时刻 time points end their hour"
                if self.hour_label == "end"
                else "; 时间为小时开始时刻 time points start their hour"
            )
        return text


@dataclass(frozen=True)
class WaterImport:
    """Imported water samples.

    Attributes
    ----------
    samples : pandas.DataFrame
        ``section``, ``time`` (``YYYY-MM-DD``), ``waterbody``, ``target_class``, ``city``,
        ``province`` and one column per item (GB 3838 keys, mg/L; pH dimensionless).
    info : SheetInfo
    """

    samples: pd.DataFrame
    info: SheetInfo


# ---------------------------------------------------------------------------- mapping choice


def choose_mapping(
    grid: list[list[str | None]], kind: str, mapping: Mapping | None, file: str, sheet: str
) -> tuple[Mapping, HeaderMatch, bool]:
    """The mapping to use and its header match: the given one, or the built-in that fits best."""
    if mapping is not None:
        if mapping.kind != kind:
            raise ValidationError(
                [
                    Problem(
                        mapping.source,
                        None,
                        "kind",
                        f"a {mapping.kind} mapping cannot import {kind} data",
                        message_zh=f"该列映射用于 {mapping.kind} 数据，不能导入 {kind} 数据",
                    )
                ]
            )
        hm = sheets.match_headers(grid, mapping)
        if hm is None:
            raise ValidationError([_no_header(file, sheet, mapping)])
        return mapping, hm, False
    best: tuple[int, Mapping, HeaderMatch] | None = None
    for m in sheets.builtin_mappings().values():
        if m.kind != kind:
            continue
        hm = sheets.match_headers(grid, m)
        if hm is None:
            continue
        score = len(hm.values) + (10 if hm.item is not None else 0)
        if best is None or score > best[0]:
            best = (score, m, hm)
    if best is None:
        names = ", ".join(m.name for m in sheets.builtin_mappings().values() if m.kind == kind)
        key = "站点/断面" if kind == "air" else "断面"
        raise ValidationError(
            [
                Problem(
                    file,
                    None,
                    None,
                    f"the headers match no built-in mapping ({names}): no {kind} key/time "
                    "column found; give --mapping FILE.yaml (docs/cli.md, column mappings)",
                    sheet=sheet or None,
                    message_zh=f"表头与内置列映射均不符（未找到{key}或时间列），"
                    "请用 --mapping 指定",
                )
            ]
        )
    return best[1], best[2], True


def _no_header(file: str, sheet: str, m: Mapping) -> Problem:
    return Problem(
        file,
        None,
        None,
        f"mapping {m.name}: no header row with a {m.key} column ({', '.join(m.key_headers)}) "
        f"and a time column ({', '.join(m.time_headers)})",
        sheet=sheet or None,
        message_zh=f"列映射 {m.name}：未找到含{m.key}列与时间列的表头行",
    )


# ---------------------------------------------------------------------------------- parsing


def _norm_name(text: str) -> str:
    t = unicodedata.normalize("NFKC", str(text)).strip()
    return re.sub(r"\s+", "", t)


def _cell(row: list[str | None], j: int | None) -> str | None:
    if j is None or j >= len(row):
        return None
    v = row[j]
    if v is None:
        return None
    v = str(v).strip()
    return None if v == "" or v.casefold() in MISSING else v


_CN_TIME = [
    (re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"), r"\1-\2-\3"),
    (re.compile(r"(\d{4})年(\d{1,2})月"), r"\1-\2"),
    (re.compile(r"(\d{1,2})时(\d{1,2})分?"), r" \1:\2"),
    (re.compile(r"(\d{1,2})[时点]"), r" \1:00"),
]


_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def _parse_time(text: str, fmt: str | None) -> pd.Timestamp | None:
    serial = _number(text)
    if serial is not None and 20_000 <= serial <= 80_000:
        # an Excel date serial (days since 1899-12-30) in a cell without a date format
        return (_EXCEL_EPOCH + pd.to_timedelta(serial, unit="D")).round("s")
    try:
        if fmt:
            return pd.Timestamp(dt.datetime.strptime(text, fmt))
        t = text.strip()
        for rx, rep in _CN_TIME:
            t = rx.sub(rep, t)
        t = re.sub(r"\s+", " ", t).strip()
        if re.fullmatch(r"\d{4}[-/.]\d{1,2}", t):
            t = t.replace("/", "-").replace(".", "-") + "-01"
        ts = pd.Timestamp(t)
    except (ValueError, TypeError):
        return None
    return None if pd.isna(ts) else ts


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        pass
    t = unicodedata.normalize("NFKC", text).strip().replace(",", "")
    try:
        return float(t)
    except ValueError:
        return None


@dataclass
class _Rows:
    """Rows read from the sheet: key text, context text, time, values, sheet row numbers."""

    keys: list[str]
    contexts: list[str | None]
    times: list[pd.Timestamp]
    values: list[dict[str, float]]
    rownos: list[int]


def _read_rows(
    grid: list[list[str | None]],
    m: Mapping,
    hm: HeaderMatch,
    file: str,
    sheet: str,
    problems: list[Problem],
) -> _Rows:
    units = sheets.target_units(m.kind)
    unit_of = {c.target: c.unit for c in m.columns}
    header = hm.headers
    sheet_or_none = sheet or None

    def prob(rowno: int | None, fld: str | None, msg: str, zh: str, value: object = None) -> None:
        problems.append(Problem(file, rowno, fld, msg, value, sheet=sheet_or_none, message_zh=zh))

    # the conversion of each wide column (header unit, else the mapping's, else the engine's)
    factors: dict[str, tuple[int, int]] = {}
    for target, src in _source_units(m, hm).items():
        j = hm.values[target][0]
        f = sheets.convert_factor(src, units[target])
        if f is None:
            prob(
                None,
                header[j],
                f"unit {src} cannot be converted to {units[target]} (the unit of {target})",
                f"单位 {src} 无法换算为 {units[target]}（{target} 的单位）",
            )
        else:
            factors[target] = f
    if m.layout == "wide" and not hm.values:
        prob(
            None,
            None,
            f"mapping {m.name}: no value column found; expected headers such as "
            + ", ".join(c.headers[0] for c in m.columns[:6]),
            f"列映射 {m.name}：未找到任何监测项目列",
        )
    item_of: dict[str, str] = {}
    for c in m.columns:
        for h in c.headers:
            item_of[sheets.normalize_header(h)] = c.target

    out = _Rows([], [], [], [], [])
    parsed: dict[str, pd.Timestamp | None] = {}  # times repeat across stations: parse once
    index: dict[tuple[str, pd.Timestamp], int] = {}
    key_field = header[hm.key] if hm.key is not None else m.key
    time_field = header[hm.time] if hm.time is not None else "time"
    for r in range(hm.first_data_row, len(grid)):
        row = grid[r]
        rowno = r + 1  # the sheet's row number (1-based, header rows included)
        key = _cell(row, hm.key)
        ttext = _cell(row, hm.time)
        if key is None and ttext is None and all(_cell(row, j) is None for j in range(len(row))):
            continue  # blank row
        if key is None:
            prob(
                rowno, key_field, f"empty: expected a {m.key} name or code", "为空：应为名称或编码"
            )
            continue
        if ttext is None:
            ts = None
        elif ttext in parsed:
            ts = parsed[ttext]
        else:
            ts = parsed[ttext] = _parse_time(ttext, m.time_format)
        if ts is None:
            expected = m.time_format or "e.g. 2025-01-01 13:00, 2025-06-15 or 2025年6月"
            prob(
                rowno,
                time_field,
                f"not a time; expected {expected}",
                f"无法识别的时间，应为如 {expected}",
                ttext,
            )
            continue
        if hm.hour is not None:
            htext = _cell(row, hm.hour)
            hour = _number(htext) if htext is not None else None
            if hour is None or hour != int(hour) or not 0 <= hour <= 24:
                prob(
                    rowno,
                    header[hm.hour],
                    "not an hour; expected a whole number 0–24",
                    "无法识别的小时，应为 0–24 的整数",
                    htext,
                )
                continue
            ts = ts.normalize() + pd.Timedelta(hours=int(hour))
        vals: dict[str, float] = {}
        if m.layout == "long":
            itext = _cell(row, hm.item)
            item = item_of.get(sheets.normalize_header(itext)) if itext else None
            if item is None:
                prob(
                    rowno,
                    header[cast(int, hm.item)],
                    "unknown item; expected one of " + ", ".join(c.headers[0] for c in m.columns),
                    "未知的监测项目",
                    itext,
                )
                continue
            utext = _cell(row, hm.unit) if hm.unit is not None else None
            cell_unit = sheets.split_unit(f"({utext})")[1] if utext else None
            if utext and cell_unit is None:
                prob(
                    rowno,
                    header[hm.unit] if hm.unit is not None else None,
                    "unknown unit; expected e.g. µg/m³, mg/m³, mg/L, µg/L",
                    "无法识别的单位，应为如 µg/m³、mg/m³、mg/L、µg/L",
                    utext,
                )
                continue
            src = cell_unit or sheets.split_unit(itext or "")[1] or unit_of.get(item) or units[item]
            f = sheets.convert_factor(src, units[item])
            if f is None:
                prob(
                    rowno,
                    header[hm.unit] if hm.unit is not None else header[cast(int, hm.item)],
                    f"unit cannot be converted to {units[item]} (the unit of {item})",
                    f"单位无法换算为 {units[item]}",
                    utext or src,
                )
                continue
            cols = [(item, cast(int, hm.value), f)]
        else:
            cols = [(t, j, factors[t]) for t, (j, _u) in hm.values.items() if t in factors]
        ok = True
        for target, j, (mul, div) in cols:
            text = _cell(row, j)
            if text is None:
                continue
            x = _number(text)
            if x is None or not math.isfinite(x):
                ok = False
                prob(
                    rowno,
                    header[j],
                    "not a number; expected a value such as 12 or 0.8 (empty, — or NA if missing)",
                    "不是数值；应为如 12 或 0.8 的数（缺测留空、填 — 或 NA）",
                    text,
                )
                continue
            if x < 0:
                ok = False
                prob(rowno, header[j], "negative; expected a value ≥ 0", "为负数；应不小于 0", text)
                continue
            vals[target] = x * mul / div
        if not ok:
            continue
        k = (key, ts)
        if k in index:
            i = index[k]
            if m.layout == "long" and not (set(vals) & set(out.values[i])):
                out.values[i].update(vals)
                continue
            prob(
                rowno,
                key_field,
                f"duplicate of row {out.rownos[i]} (same {m.key} and time)",
                f"与第 {out.rownos[i]} 行重复（{m.key}与时间相同）",
                key,
            )
            continue
        index[k] = len(out.keys)
        out.keys.append(key)
        out.contexts.append(_cell(row, hm.context))
        out.times.append(ts)
        out.values.append(vals)
        out.rownos.append(rowno)
    return out


def _source_units(m: Mapping, hm: HeaderMatch) -> dict[str, str]:
    """Unit of each wide value column: stated in its header, else the mapping's, else Lanxi's."""
    units = sheets.target_units(m.kind)
    unit_of = {c.target: c.unit for c in m.columns}
    return {t: hunit or unit_of.get(t) or units[t] for t, (_j, hunit) in hm.values.items()}


def _rows_text(rows: list[int]) -> str:
    return ", ".join(map(str, rows[:8])) + (" …" if len(rows) > 8 else "")


def _strip_city(name: str, cities: list[str]) -> str:
    for c in cities:
        for prefix in (c, c.removesuffix("市"), c.removesuffix("州")):
            if len(prefix) >= 2 and name.startswith(prefix) and len(name) > len(prefix):
                return name[len(prefix) :]
    return name


def _resolve_stations(
    rows: _Rows, m: Mapping, key_field: str, file: str, sheet: str, problems: list[Problem]
) -> list[str]:
    st = station_list.bundled_stations()
    codes = set(st["id"])
    by_name: dict[str, list[dict[str, str]]] = {}
    for rec in st.to_dict("records"):
        by_name.setdefault(_norm_name(rec["name"]), []).append(rec)
    cities = sorted({_norm_name(c) for c in st["city"]}, key=len, reverse=True)
    out: list[str] = []
    unknown: dict[str, list[int]] = {}
    for key, ctx, ts, rowno in zip(rows.keys, rows.contexts, rows.times, rows.rownos, strict=True):
        k = _norm_name(key)
        if m.key_by in ("code", "auto") and k.upper() in codes:
            out.append(k.upper())
            continue
        cands = by_name.get(k, []) if m.key_by != "code" else []
        if not cands and m.key_by != "code":
            # 兰州市生物制品所, 兰州生物制品所站: a city prefix or a 站 suffix around the name
            cands = by_name.get(_strip_city(k, cities), []) or by_name.get(
                _strip_city(k, cities).removesuffix("站"), []
            )
        if ctx and len(cands) > 1:
            cands = [c for c in cands if c["city"][:2] == _norm_name(ctx)[:2]] or cands
        if len(cands) > 1:
            day = ts.date().isoformat()
            valid = [
                c
                for c in cands
                if c["valid_from"] <= day and (c["valid_to"] == "" or c["valid_to"] > day)
            ]
            cands = valid or cands
        if not cands:
            unknown.setdefault(key, []).append(rowno)
            out.append("")
            continue
        out.append(cands[0]["id"])
    for key, rownos in unknown.items():
        problems.append(
            Problem(
                file,
                rownos[0],
                key_field,
                f"unknown station (rows {_rows_text(rownos)}): expected the name or CNEMC code of "
                "a bundled station of the agglomeration (lanxi/data/environment/air_stations.csv)",
                key,
                sheet=sheet or None,
                message_zh=f"未知站点（第 {_rows_text(rownos)} 行）：应为城市群内置站点的名称或"
                "国控站点编码",
            )
        )
    return out


def _section_names(name: str) -> set[str]:
    """Names a section goes by: 湟水桥（湟水河桥） also as 湟水桥 and 湟水河桥; no trailing 断面."""
    full = _norm_name(name)
    names = {full, re.sub(r"\(.*?\)", "", full), *re.findall(r"\((.*?)\)", full)}
    names |= {n.removesuffix("断面") for n in names}
    return {n for n in names if n}


def _river_key(name: str) -> str:
    """湟水河 and 湟水, 黄河干流 and 黄河 compare equal."""
    k = _norm_name(name).replace("干流", "")
    return k.removesuffix("河") or k


def _resolve_sections(
    rows: _Rows, key_field: str, file: str, sheet: str, problems: list[Problem]
) -> tuple[list[str], pd.DataFrame]:
    from lanxi.services.environment.store import bundled_sections

    secs = bundled_sections()
    ids = {_norm_name(i): i for i in secs["id"]}
    by_name: dict[str, list[dict[str, str]]] = {}
    for rec in secs.to_dict("records"):
        for name in _section_names(rec["name"]):
            by_name.setdefault(name, []).append(rec)
    out: list[str] = []
    unknown: dict[str, list[int]] = {}
    wrong_river: dict[tuple[str, str], list[int]] = {}
    for key, ctx, rowno in zip(rows.keys, rows.contexts, rows.rownos, strict=True):
        k = _norm_name(key)
        if k in ids:
            out.append(ids[k])
            continue
        cands = by_name.get(k) or by_name.get(k.removesuffix("断面"), [])
        if ctx and cands:
            same = [c for c in cands if _river_key(c["river"]) == _river_key(ctx)]
            if not same:
                wrong_river.setdefault((key, ctx), []).append(rowno)
                out.append("")
                continue
            cands = same
        if not cands:
            unknown.setdefault(key, []).append(rowno)
            out.append("")
            continue
        out.append(cands[0]["id"])
    for key, rownos in unknown.items():
        problems.append(
            Problem(
                file,
                rownos[0],
                key_field,
                f"unknown section (rows {_rows_text(rownos)}): expected the name or id of a "
                "bundled section (lanxi/data/environment/water_sections.csv)",
                key,
                sheet=sheet or None,
                message_zh=f"未知断面（第 {_rows_text(rownos)} 行）：应为内置断面的名称或编号",
            )
        )
    for (key, river), rownos in wrong_river.items():
        problems.append(
            Problem(
                file,
                rownos[0],
                key_field,
                f"no bundled section of this name on river {river} (rows {_rows_text(rownos)})",
                key,
                sheet=sheet or None,
                message_zh=f"{river}上没有该名称的内置断面（第 {_rows_text(rownos)} 行）",
            )
        )
    return out, secs


def _read(
    path: Path, kind: str, mapping: Mapping | None, sheet: str | int | None
) -> tuple[Mapping, HeaderMatch, bool, list[list[str | None]], str]:
    path = Path(path)
    skip = mapping.skip_rows if mapping is not None and path.suffix.lower() == ".csv" else 0
    grid, sheet_name = sheets.read_grid(
        path, sheet if sheet is not None else (mapping.sheet if mapping else None), skip
    )
    m, hm, auto = choose_mapping(grid, kind, mapping, path.name, sheet_name)
    return m, hm, auto, grid, sheet_name


def _info(m: Mapping, hm: HeaderMatch, auto: bool, sheet: str, res: str, n: int) -> SheetInfo:
    if m.layout == "long":
        cols = {"item": hm.headers[cast(int, hm.item)], "value": hm.headers[cast(int, hm.value)]}
    else:
        units = sheets.target_units(m.kind)
        cols = {}
        for t, src in _source_units(m, hm).items():
            text = hm.headers[hm.values[t][0]]
            if src != units[t]:
                text += f" [{src} → {units[t]}]"
            cols[t] = text
    used = {hm.key, hm.time, hm.context, hm.hour, hm.item, hm.value, hm.unit}
    used |= {j for j, _u in hm.values.values()}
    ignored = tuple(h for j, h in enumerate(hm.headers) if h and j not in used)
    return SheetInfo(m.name, m.title, auto, sheet, res, m.hour_label, n, cols, ignored)


def _check_co_unit(
    rows: _Rows, m: Mapping, hm: HeaderMatch, file: str, sheet: str
) -> Problem | None:
    """A problem when CO, read in the column's unit, looks like µg/m³ (a unit left out)."""
    from lanxi.standards.plausibility import rules

    # HJ 633's highest CO breakpoint (plausibility.yaml): a median above it is no mg/m³ value
    ceiling = rules("air")["co"].above
    co = [v["co"] for v in rows.values if "co" in v]
    if not co or ceiling is None:
        return None
    median = float(pd.Series(co).median())
    if median <= ceiling:
        return None
    field = hm.headers[hm.values["co"][0]] if "co" in hm.values else "co"
    src = _source_units(m, hm).get("co", "mg/m³")
    return Problem(
        file,
        None,
        field,
        f"CO median is {median:g} mg/m³ with the column read in {src}: looks like µg/m³; "
        "write the unit in the header (CO(μg/m³)) or in the mapping (unit: µg/m³)",
        sheet=sheet or None,
        message_zh=f"CO 中位数为 {median:g} mg/m³，疑似以 µg/m³ 填报；请在表头（CO(μg/m³)）"
        "或列映射（unit: µg/m³）中写明单位",
    )


def import_air_sheet(
    path: Path,
    *,
    mapping: Mapping | None = None,
    sheet: str | int | None = None,
) -> tuple[AirImport, SheetInfo]:
    """Read a station-hour or station-day spreadsheet export into the tables of the CNEMC import.

    Parameters
    ----------
    path : Path
        ``.xlsx``, ``.xls`` or ``.csv``.
    mapping : Mapping, optional
        :func:`lanxi.io.sheets.load_mapping`; None: the built-in mapping the headers match.
    sheet : str or int, optional
        Worksheet (overrides the mapping's).

    Returns
    -------
    (AirImport, SheetInfo)
        ``hourly`` or ``daily`` filled (the other empty), ``published`` empty.

    Raises
    ------
    ValidationError
        Every problem of the file (unknown station names, bad times, values, units, duplicates).
    """
    m, hm, auto, grid, sheet_name = _read(path, "air", mapping, sheet)
    file = Path(path).name
    problems: list[Problem] = []
    rows = _read_rows(grid, m, hm, file, sheet_name, problems)
    key_field = hm.headers[cast(int, hm.key)]
    codes = _resolve_stations(rows, m, key_field, file, sheet_name, problems)
    co_problem = _check_co_unit(rows, m, hm, file, sheet_name)
    if co_problem is not None:
        problems.append(co_problem)
    if not rows.keys and not problems:
        problems.append(
            Problem(
                file, None, None, "no data rows", sheet=sheet_name or None, message_zh="无数据行"
            )
        )
    if problems:
        raise ValidationError(problems)
    resolution = m.resolution
    if resolution == "auto":
        timed = hm.hour is not None or any(t.hour or t.minute for t in rows.times)
        resolution = "hourly" if timed else "daily"
    st = station_list.bundled_stations()
    city_of = dict(zip(st["id"], st["city"], strict=True))
    cols = list(sheets.AIR_UNITS)
    times = pd.DatetimeIndex(rows.times).as_unit("ns")
    if resolution == "hourly" and m.hour_label == "end":
        times = times - pd.Timedelta(hours=1)  # the hour's start
    elif resolution == "daily":
        times = times.normalize()
    frame = pd.DataFrame(
        {
            "station": codes,
            "city": [city_of[c] for c in codes],
            "time": times,
        }
    )
    for c in cols:
        frame[c] = [v.get(c, float("nan")) for v in rows.values]
    frame = frame.dropna(axis=1, how="all")
    frame = frame.sort_values(["station", "time"], kind="stable").reset_index(drop=True)
    empty = frame.iloc[0:0]
    result = AirImport(
        hourly=frame if resolution == "hourly" else empty,
        daily=frame if resolution == "daily" else empty,
        published=pd.DataFrame(columns=["station", "time", "aqi", "primarypollutant"]),
        n_files=1,
        n_stations=int(frame["station"].nunique()),
    )
    return result, _info(m, hm, auto, sheet_name, resolution, len(frame))


def import_water_sheet(
    path: Path,
    *,
    mapping: Mapping | None = None,
    sheet: str | int | None = None,
) -> WaterImport:
    """Read a section-sample spreadsheet export into the water samples table.

    Parameters
    ----------
    path : Path
        ``.xlsx``, ``.xls`` or ``.csv``.
    mapping : Mapping, optional
        None: the built-in mapping the headers match.
    sheet : str or int, optional
        Worksheet (overrides the mapping's).

    Returns
    -------
    WaterImport

    Raises
    ------
    ValidationError
        Every problem of the file (unknown sections, bad times, values, units, duplicates).
    """
    m, hm, auto, grid, sheet_name = _read(path, "water", mapping, sheet)
    file = Path(path).name
    problems: list[Problem] = []
    rows = _read_rows(grid, m, hm, file, sheet_name, problems)
    key_field = hm.headers[cast(int, hm.key)]
    ids, secs = _resolve_sections(rows, key_field, file, sheet_name, problems)
    for vals, rowno in zip(rows.values, rows.rownos, strict=True):
        ph = vals.get("ph")
        if ph is not None and ph > 14:
            j = hm.values.get("ph", (cast(int, hm.value), None))[0]
            problems.append(
                Problem(
                    file,
                    rowno,
                    hm.headers[j],
                    "pH outside 0–14",
                    ph,
                    sheet=sheet_name or None,
                    message_zh="pH 超出 0–14",
                )
            )
    if not rows.keys and not problems:
        problems.append(
            Problem(
                file, None, None, "no data rows", sheet=sheet_name or None, message_zh="无数据行"
            )
        )
    if problems:
        raise ValidationError(problems)
    meta = secs.set_index("id")
    items = [c for c in sheets.target_units("water") if any(c in v for v in rows.values)]
    frame = pd.DataFrame(
        {
            "section": ids,
            "time": [t.strftime("%Y-%m-%d") for t in rows.times],
            "waterbody": [meta.at[i, "waterbody"] for i in ids],
            "target_class": [meta.at[i, "target_class"] for i in ids],
            "city": [meta.at[i, "city"] for i in ids],
            "province": [meta.at[i, "province"] for i in ids],
        }
    )
    for c in items:
        frame[c] = [v.get(c, float("nan")) for v in rows.values]
    frame = frame.sort_values(["section", "time"], kind="stable").reset_index(drop=True)
    return WaterImport(frame, _info(m, hm, auto, sheet_name, "sample", len(frame)))


def write_water(result: WaterImport, path: Path) -> Path:
    """Write the samples table by extension (:func:`lanxi.io.tables.write_table`)."""
    from lanxi.io.tables import write_table

    return write_table(result.samples, Path(path))


def store_water(
    result: WaterImport, url: str | None = None, *, batch: str | None = None
) -> dict[str, Any]:
    """Store the samples (measured, ``synthetic = false``), replacing the same section-time-item.

    The bundled sections are loaded first (the samples reference ``water_sections``).

    Returns
    -------
    dict
        ``water_samples`` (values written) and ``batch``.
    """
    from lanxi.services.environment.store import load_network

    load_network(url)
    batch = batch or f"import-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}"
    df = result.samples
    items = [c for c in sheets.target_units("water") if c in df]
    long = df.melt(
        id_vars=["section", "time"], value_vars=items, var_name="item", value_name="value"
    ).dropna(subset=["value"])
    records = [
        {
            "section_id": r.section,
            "time": dt.datetime.fromisoformat(str(r.time)),
            "item": r.item,
            "value": float(r.value),
            "synthetic": False,
            "batch_id": batch,
        }
        for r in long.itertuples(index=False)
    ]
    t = cast(Table, WaterSampleRow.__table__)
    keys = [(r["section_id"], r["time"], r["item"]) for r in records]
    chunk = 500
    with session(url) as s:
        conn = s.connection()
        for i in range(0, len(keys), chunk):  # the same section-time-items, any batch
            conn.execute(
                delete(t).where(tuple_(t.c.section_id, t.c.time, t.c.item).in_(keys[i : i + chunk]))
            )
        for i in range(0, len(records), 50_000):
            conn.execute(insert(t), records[i : i + 50_000])
    return {"water_samples": len(records), "batch": batch}
