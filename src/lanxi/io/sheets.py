"""Spreadsheet exports of provincial monitoring systems, read through a column mapping.

A *column mapping* (YAML; format in ``docs/cli.md``, built-in ones in ``lanxi/data/mappings``)
says which sheet to read, how many header rows it has, which column holds the station (or section),
the time, and each pollutant (or water item), in which unit, and how times are written. This module
is the I/O half: it loads and checks mappings, reads the cells of a workbook or CSV (through
:func:`lanxi.io.tables.read_table`), flattens multi-row (merged) headers, and matches the headers
to the mapping. Resolving station names and converting values is done by
:mod:`lanxi.services.sheet_import`.

Headers are compared after normalisation (:func:`normalize_header`): NFKC (full-width brackets,
``³`` → ``3``, ``µ`` → ``μ``), case-folded, blanks and ``_ - . ·`` removed, a unit in the header
(``SO2(μg/m3)``, ``CO（mg/m³）``, ``溶解氧 mg/L``) split off, and a trailing ``浓度`` dropped.
A unit stated in a header (or in a merged group header above it) is the unit of the column.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from lanxi.errors import Problem, ValidationError
from lanxi.io.tables import read_table

__all__ = [
    "AIR_UNITS",
    "UNITS",
    "ColumnMap",
    "HeaderMatch",
    "Mapping",
    "builtin_mappings",
    "convert_factor",
    "load_mapping",
    "match_headers",
    "normalize_header",
    "read_grid",
    "split_unit",
    "target_units",
]

#: Canonical unit ← regular expression (on NFKC, case-folded text).
UNITS: dict[str, str] = {
    "µg/m³": r"(?:μg|ug|微克)/(?:m3|立方米|标准立方米)",
    "mg/m³": r"(?:mg|毫克)/(?:m3|立方米|标准立方米)",
    "µg/L": r"(?:μg|ug|微克)/(?:l|升)",
    "ng/L": r"(?:ng|纳克)/(?:l|升)",
    "mg/L": r"(?:mg|毫克)/(?:l|升)",
    "个/L": r"(?:个|mpn)/(?:l|升)",
    "无量纲": r"无量纲",
    "℃": r"(?:°c|℃)",
}
#: Conversions (multiply, divide) from → to; the same unit is (1, 1).
_CONVERT: dict[tuple[str, str], tuple[int, int]] = {
    ("µg/m³", "mg/m³"): (1, 1000),
    ("mg/m³", "µg/m³"): (1000, 1),
    ("µg/L", "mg/L"): (1, 1000),
    ("ng/L", "mg/L"): (1, 1_000_000),
    ("mg/L", "µg/L"): (1000, 1),
}
_UNIT_RES = [
    (unit, re.compile(r"[\(\[（【{]?\s*(?:单位[:：]?\s*)?" + rx + r"\s*[\)\]）】}]?"))
    for unit, rx in UNITS.items()
]
_STRIP = re.compile(r"[\s_\-.·]+")
_KINDS = ("air", "water")
_KEY = {"air": "station", "water": "section"}


#: Units of the engines' air columns (HJ 633 / GB 3095: CO in mg/m³, the others in µg/m³).
AIR_UNITS: dict[str, str] = {
    "so2": "µg/m³",
    "no2": "µg/m³",
    "pm10": "µg/m³",
    "pm2_5": "µg/m³",
    "co": "mg/m³",
    "o3_1h": "µg/m³",
    "o3_8h": "µg/m³",
}


@cache
def target_units(kind: str) -> dict[str, str]:
    """Lanxi column → its unit: air (:data:`AIR_UNITS`) or water (GB 3838-2002 表1 units)."""
    if kind == "air":
        return dict(AIR_UNITS)
    from lanxi.standards.gb3838 import gb3838_table

    out = {}
    for item, unit in gb3838_table().units.items():
        _, canon = split_unit(f"({unit})")
        out[item] = canon or unit
    return out


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def split_unit(text: str) -> tuple[str, str | None]:
    """Split a header into its name and the unit written in it (canonical form), if any.

    Examples
    --------
    >>> split_unit("CO（μg/m3）")
    ('co', 'µg/m³')
    >>> split_unit("溶解氧 mg/L")
    ('溶解氧', 'mg/L')
    """
    t = _nfkc(str(text)).strip()
    for unit, rx in _UNIT_RES:
        m = rx.search(t)
        if m:
            rest = (t[: m.start()] + t[m.end() :]).strip()
            return rest, unit
    return t, None


def normalize_header(text: str) -> str:
    """The form headers and aliases are compared in (unit removed; see the module docstring)."""
    name, _ = split_unit(text)
    name = _STRIP.sub("", name)
    name = re.sub(r"[()\[\]{}【】]", "", name)
    if name.endswith("浓度") and len(name) > 2:
        name = name[:-2]
    return name


def convert_factor(src: str, dst: str) -> tuple[int, int] | None:
    """(multiply, divide) turning a value in ``src`` into ``dst``; None if not convertible."""
    if src == dst:
        return (1, 1)
    return _CONVERT.get((src, dst))


@dataclass(frozen=True)
class ColumnMap:
    """One Lanxi column: header aliases and the unit the source gives when its header has none."""

    target: str
    headers: tuple[str, ...]
    unit: str | None = None


@dataclass(frozen=True)
class Mapping:
    """A column mapping (see ``docs/cli.md``, 列映射).

    Attributes
    ----------
    name, kind, title : str
        Identifier, ``air`` or ``water``, and a human title.
    sheet : str or int or None
        Worksheet (name or 0-based index); None: the first.
    header_rows : int or None
        Header rows (cells of a column joined); None: detected (``auto``).
    skip_rows : int
        Rows above the header to skip (only with an explicit ``header_rows``).
    layout : str
        ``wide`` (one column per pollutant) or ``long`` (item, value and unit columns).
    key_headers, key_by : tuple of str, str
        Header aliases of the station (air) or section (water) column; ``name``, ``code`` or
        ``auto``.
    context_headers : tuple of str
        ``city`` (air) or ``river`` (water) aliases, used to tell apart equal names.
    time_headers, hour_headers : tuple of str
        Aliases of the time column and of a separate hour column.
    time_format : str or None
        A ``strptime`` format; None: flexible (``2025-01-01 13:00``, ``2025年6月``, …).
    hour_label : str
        ``end`` (a time point closes its hour, CNEMC's use) or ``start``.
    resolution : str
        Air: ``hourly``, ``daily`` or ``auto``. Water: ``sample``.
    columns : tuple of ColumnMap
        Value columns.
    long_item, long_value, long_unit : tuple of str
        Long layout: aliases of the item, value and unit columns.
    source : str
        Where the mapping came from (built-in name or file).
    """

    name: str
    kind: str
    title: str
    sheet: str | int | None
    header_rows: int | None
    skip_rows: int
    layout: str
    key_headers: tuple[str, ...]
    key_by: str
    context_headers: tuple[str, ...]
    time_headers: tuple[str, ...]
    hour_headers: tuple[str, ...]
    time_format: str | None
    hour_label: str
    resolution: str
    columns: tuple[ColumnMap, ...]
    long_item: tuple[str, ...] = ()
    long_value: tuple[str, ...] = ()
    long_unit: tuple[str, ...] = ()
    source: str = ""

    @property
    def key(self) -> str:
        """``station`` (air) or ``section`` (water)."""
        return _KEY[self.kind]


def _aliases(raw: Any, where: str, problems: list[Problem], src: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str | int | float):
        return (str(raw),)
    if isinstance(raw, list) and all(isinstance(x, str | int | float) for x in raw):
        return tuple(str(x) for x in raw)
    problems.append(
        Problem(
            src,
            None,
            where,
            "expected a header text or a list of them",
            raw,
            message_zh="应为一个表头文字或表头文字列表",
        )
    )
    return ()


def _headers_of(raw: Any, where: str, problems: list[Problem], src: str) -> tuple[str, ...]:
    if isinstance(raw, dict):
        return _aliases(raw.get("headers", raw.get("header")), f"{where}.headers", problems, src)
    return _aliases(raw, where, problems, src)


def parse_mapping(data: Any, source: str) -> Mapping:
    """Check a mapping read from YAML; raise once with every problem.

    Raises
    ------
    ValidationError
        Naming the mapping file and each wrong key with its expected form.
    """
    p: list[Problem] = []

    def bad(key: str, msg: str, zh: str, value: object = None) -> None:
        p.append(Problem(source, None, key, msg, value, message_zh=zh))

    if not isinstance(data, dict):
        raise ValidationError(
            [
                Problem(
                    source,
                    None,
                    None,
                    "a column mapping is a YAML mapping (kind:, columns:, …)",
                    message_zh="列映射应为 YAML 映射（kind:、columns: 等）",
                )
            ]
        )
    kind = data.get("kind")
    if kind not in _KINDS:
        bad("kind", "must be air or water", "须为 air 或 water", kind)
        kind = "air"
    key = _KEY[kind]
    ctx = "city" if kind == "air" else "river"
    layout = data.get("layout", "wide")
    if layout not in ("wide", "long"):
        bad("layout", "must be wide or long", "须为 wide 或 long", layout)
    hr = data.get("header_rows", "auto")
    header_rows: int | None = None
    if hr != "auto":
        if isinstance(hr, int) and not isinstance(hr, bool) and 1 <= hr <= 10:
            header_rows = hr
        else:
            bad(
                "header_rows", "must be auto or a whole number 1–10", "须为 auto 或 1–10 的整数", hr
            )
    skip = data.get("skip_rows", 0)
    if not (isinstance(skip, int) and skip >= 0):
        bad("skip_rows", "must be a whole number ≥ 0", "须为不小于 0 的整数", skip)
        skip = 0
    sheet = data.get("sheet")
    if sheet is not None and not isinstance(sheet, str | int):
        bad(
            "sheet", "must be a sheet name or a 0-based index", "须为工作表名或从 0 起的序号", sheet
        )
        sheet = None
    keyspec = data.get(key)
    key_headers = _headers_of(keyspec, key, p, source)
    if not key_headers:
        bad(key, f"needed: the header(s) of the {key} column", f"缺少{key}列的表头", keyspec)
    key_by = keyspec.get("by", "auto") if isinstance(keyspec, dict) else "auto"
    if key_by not in ("name", "code", "auto"):
        bad(f"{key}.by", "must be name, code or auto", "须为 name、code 或 auto", key_by)
    tspec = data.get("time")
    time_headers = _headers_of(tspec, "time", p, source)
    if not time_headers:
        bad("time", "needed: the header(s) of the time column", "缺少时间列的表头", tspec)
    tdict = tspec if isinstance(tspec, dict) else {}
    hour_headers = _aliases(tdict.get("hour_headers"), "time.hour_headers", p, source)
    fmt = tdict.get("format", "auto")
    if not isinstance(fmt, str):
        bad("time.format", "must be auto or a strptime format", "须为 auto 或 strptime 格式", fmt)
        fmt = "auto"
    label = tdict.get("hour_label", "end")
    if label not in ("end", "start"):
        bad("time.hour_label", "must be end or start", "须为 end 或 start", label)
    resolution = data.get("resolution", "auto" if kind == "air" else "sample")
    allowed = ("hourly", "daily", "auto") if kind == "air" else ("sample",)
    if resolution not in allowed:
        bad("resolution", f"must be one of {', '.join(allowed)}", "取值无效", resolution)
    targets = target_units(kind)
    cols: list[ColumnMap] = []
    raw_cols = data.get("columns")
    if not isinstance(raw_cols, dict) or not raw_cols:
        bad("columns", "needed: Lanxi column → {headers: […], unit: …}", "缺少 columns 映射")
        raw_cols = {}
    for target, spec in raw_cols.items():
        where = f"columns.{target}"
        if target not in targets:
            bad(
                where,
                f"unknown Lanxi column; expected one of {', '.join(targets)}",
                "未知的兰西列名",
                target,
            )
            continue
        headers = _headers_of(spec, where, p, source)
        unit = spec.get("unit") if isinstance(spec, dict) else None
        if unit is not None:
            _, canon = split_unit(f"({unit})")
            if canon is None or convert_factor(canon, targets[target]) is None:
                bad(
                    f"{where}.unit",
                    f"unit not convertible to {targets[target]}; expected e.g. {targets[target]}",
                    f"单位无法换算为 {targets[target]}",
                    unit,
                )
            unit = canon
        cols.append(ColumnMap(str(target), headers or (str(target),), unit))
    lspec = data.get("long") if layout == "long" else None
    long_item: tuple[str, ...] = ()
    long_value: tuple[str, ...] = ()
    long_unit: tuple[str, ...] = ()
    if layout == "long":
        if not isinstance(lspec, dict):
            bad("long", "needed for layout long: item, value, unit headers", "长表须给出 long 设置")
            lspec = {}
        long_item = _aliases(lspec.get("item"), "long.item", p, source)
        long_value = _aliases(lspec.get("value"), "long.value", p, source)
        long_unit = _aliases(lspec.get("unit"), "long.unit", p, source)
        if not long_item or not long_value:
            bad("long", "needed: item and value headers", "缺少项目列或数值列的表头")
    if p:
        raise ValidationError(p)
    return Mapping(
        name=str(data.get("name", Path(source).stem)),
        kind=kind,
        title=str(data.get("title", data.get("name", source))),
        sheet=sheet,
        header_rows=header_rows,
        skip_rows=skip if header_rows is not None else 0,
        layout=layout,
        key_headers=key_headers,
        key_by=key_by,
        context_headers=_headers_of(data.get(ctx), ctx, p, source),
        time_headers=time_headers,
        hour_headers=hour_headers,
        time_format=None if fmt == "auto" else fmt,
        hour_label=label,
        resolution=resolution,
        columns=tuple(cols),
        long_item=long_item,
        long_value=long_value,
        long_unit=long_unit,
        source=source,
    )


def load_mapping(path: Path | str) -> Mapping:
    """Load a mapping: a YAML file, or the name of a built-in one (``cn-air-station``, …).

    Raises
    ------
    ValidationError
        Missing file, unreadable YAML, or a wrong key (every problem listed).
    """
    builtins = builtin_mappings()
    if str(path) in builtins:
        return builtins[str(path)]
    path = Path(path)
    if not path.exists():
        raise ValidationError(
            [
                Problem(
                    str(path),
                    None,
                    None,
                    "mapping file not found; built-in mappings: " + ", ".join(sorted(builtins)),
                    message_zh="找不到列映射文件",
                )
            ]
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ValidationError(
            [
                Problem(
                    path.name,
                    None,
                    None,
                    f"not readable as YAML: {exc}",
                    message_zh="无法按 YAML 读取",
                )
            ]
        ) from exc
    return parse_mapping(data, path.name)


@cache
def builtin_mappings() -> dict[str, Mapping]:
    """The built-in mappings (``lanxi/data/mappings/*.yaml``) by name."""
    out: dict[str, Mapping] = {}
    folder = resources.files("lanxi") / "data" / "mappings"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            m = parse_mapping(yaml.safe_load(entry.read_text(encoding="utf-8")), entry.name)
            out[m.name] = m
    return out


# ------------------------------------------------------------------------------------ reading


def read_grid(
    path: Path, sheet: str | int | None = None, skip_rows: int = 0
) -> tuple[list[list[str | None]], str]:
    """The cells of a sheet (or CSV) as text, row 0 = the file's first row.

    Read with :func:`lanxi.io.tables.read_table` (its encodings and missing-value tokens); the
    header row it takes is put back as row 0 (pandas' ``Unnamed: n`` and ``.1`` de-duplication
    undone). A CSV's lines above the header are skipped (``skip_rows``, or found: lines narrower
    than the header, as a title line) and stand as empty rows, so row numbers are the file's.

    Returns
    -------
    (rows, sheet_name)
        ``sheet_name`` is "" for CSV.
    """
    path = Path(path)
    sheet_name = ""
    if path.suffix.lower() in (".xlsx", ".xls") and isinstance(sheet, str):
        sheet_name = sheet
    elif path.suffix.lower() in (".xlsx", ".xls"):
        try:
            with pd.ExcelFile(
                path, engine="openpyxl" if path.suffix.lower() == ".xlsx" else None
            ) as book:
                names = book.sheet_names
        except (ValueError, OSError, ImportError) as exc:
            raise ValidationError(
                [
                    Problem(
                        path.name,
                        None,
                        None,
                        f"cannot read as a workbook: {exc}",
                        message_zh="无法作为 Excel 工作簿读取",
                    )
                ]
            ) from exc
        idx = int(sheet or 0)
        if idx >= len(names):
            raise ValidationError(
                [
                    Problem(
                        path.name,
                        None,
                        "sheet",
                        f"no sheet {idx}; the workbook has {', '.join(map(str, names))}",
                        message_zh="工作簿中没有该工作表",
                    )
                ]
            )
        sheet_name = str(names[idx])
    try:
        with warnings.catch_warnings():
            # pandas' notice that its default xlsx engine will change (read_table keeps openpyxl)
            warnings.filterwarnings("ignore", message="The default engine for reading")
            if sheet_name:
                df = read_table(path, sheet=sheet_name)
            else:
                # short title lines above the header: a CSV reader takes its width from the
                # first line it reads
                skip_rows = skip_rows or _csv_title_lines(path)
                df = read_table(path, skip_rows=skip_rows)
    except ImportError as exc:  # .xls needs xlrd
        raise ValidationError(
            [
                Problem(
                    path.name,
                    None,
                    None,
                    f"cannot read {path.suffix} files here ({exc}); install lanxi[xls] or save "
                    "the workbook as .xlsx",
                    message_zh=f"无法读取 {path.suffix} 文件：请安装 lanxi[xls]，或另存为 .xlsx",
                )
            ]
        ) from exc
    except ValueError as exc:  # e.g. a sheet name the workbook lacks
        raise ValidationError(
            [
                Problem(
                    path.name,
                    None,
                    "sheet",
                    str(exc),
                    sheet=sheet_name or None,
                    message_zh="无法读取该工作表",
                )
            ]
        ) from exc
    head: list[str | None] = []
    seen: set[str] = set()
    for c in df.columns:
        text = str(c)
        if re.fullmatch(r"Unnamed: \d+", text):
            head.append(None)
            continue
        m = re.fullmatch(r"(.*)\.(\d+)", text)
        if m and m.group(1) in seen:
            text = m.group(1)
        seen.add(text)
        head.append(text)
    cells = df.astype(object)
    body: list[list[str | None]] = cells.where(cells.notna(), None).to_numpy().tolist()
    skipped: list[list[str | None]] = [[] for _ in range(skip_rows if not sheet_name else 0)]
    return [*skipped, head, *body], sheet_name


def _csv_title_lines(path: Path) -> int:
    """Lines above a CSV's header that are narrower than it (a title): 0 if none."""
    raw = path.read_bytes()[:200_000]
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        return 0
    lines = list(csv.reader(io.StringIO("\n".join(text.splitlines()[:30]))))
    widths = [len(f) for f in lines]
    if not widths:
        return 0
    widest = max(widths)
    first = next(i for i, w in enumerate(widths) if w == widest)
    # a title line: narrower than the header and at most one text in it
    titles = all(
        w < widest and sum(1 for x in f if x.strip()) <= 1
        for w, f in zip(widths[:first], lines[:first], strict=True)
    )
    return first if titles else 0


@dataclass
class HeaderMatch:
    """Which column holds what, as found in a sheet's header.

    Attributes
    ----------
    first_data_row : int
        0-based grid row of the first data row.
    key, context, time, hour : int or None
        Column indexes of the station/section, city/river, time and hour columns.
    values : dict
        Lanxi column → (column index, unit from the header or None).
    item, value, unit : int or None
        Long layout: item, value and unit columns.
    headers : list of str
        Each column's joined header text (for messages).
    """

    first_data_row: int
    key: int | None = None
    context: int | None = None
    time: int | None = None
    hour: int | None = None
    values: dict[str, tuple[int, str | None]] = field(default_factory=dict)
    item: int | None = None
    value: int | None = None
    unit: int | None = None
    headers: list[str] = field(default_factory=list)


def _find(parts: list[list[tuple[str, bool]]], aliases: tuple[str, ...]) -> int | None:
    want = {normalize_header(a) for a in aliases}
    for j, col in enumerate(parts):
        # the lowest header cell of the column first; cells filled from a merged group never
        # name a column
        for text, filled in reversed(col):
            if not filled and normalize_header(text) in want:
                return j
    return None


def _header_block(grid: list[list[str | None]], m: Mapping) -> int | None:
    """Number of header rows (from the grid's top) when ``header_rows`` is auto."""
    want = {normalize_header(a) for a in m.key_headers}
    limit = min(len(grid), 20)
    for i in range(limit):
        cols = [j for j, v in enumerate(grid[i]) if v is not None and normalize_header(v) in want]
        if not cols:
            continue
        j = cols[0]
        r = i + 1
        while r < len(grid) and r - i <= 4:
            cell = grid[r][j] if j < len(grid[r]) else None
            if cell is not None and normalize_header(cell) not in want:
                return r
            r += 1
        return r
    return None


def match_headers(grid: list[list[str | None]], m: Mapping) -> HeaderMatch | None:
    """Locate the mapping's columns in a grid; None if the key or time column is not found."""
    if m.header_rows is not None:
        top, end = m.skip_rows, m.skip_rows + m.header_rows
    else:
        found = _header_block(grid, m)
        if found is None:
            return None
        top, end = 0, found
    if end > len(grid):
        return None
    width = max((len(r) for r in grid[top:end]), default=0)
    parts: list[list[tuple[str, bool]]] = [[] for _ in range(width)]
    for r in range(top, end):
        row = grid[r]
        last: str | None = None
        for j in range(width):
            v = row[j] if j < len(row) else None
            if v is not None and str(v).strip():
                parts[j].append((str(v).strip(), False))
                last = str(v).strip()
            elif last is not None and r < end - 1:
                # a merged group header spans the blank cells to its right (not the last row)
                parts[j].append((last, True))
    hm = HeaderMatch(first_data_row=end)
    # a column is named by its header cell nearest the data (not a merged group or a title)
    hm.headers = [next((t for t, f in reversed(col) if not f), "") for col in parts]
    hm.key = _find(parts, m.key_headers)
    hm.time = _find(parts, m.time_headers)
    if hm.key is None or hm.time is None:
        return None
    hm.context = _find(parts, m.context_headers) if m.context_headers else None
    hm.hour = _find(parts, m.hour_headers) if m.hour_headers else None
    taken: set[int | None] = {hm.key, hm.time, hm.context, hm.hour}
    if m.layout == "long":
        hm.item = _find(parts, m.long_item)
        hm.value = _find(parts, m.long_value)
        hm.unit = _find(parts, m.long_unit) if m.long_unit else None
        return hm if hm.item is not None and hm.value is not None else None
    for cm in m.columns:
        found = _find(parts, cm.headers)
        if found is None or found in taken:
            continue
        j = found
        taken.add(j)
        unit = None
        for text, _filled in reversed(parts[j]):  # the nearest header cell stating a unit
            unit = split_unit(text)[1]
            if unit:
                break
        hm.values[cm.target] = (j, unit)
    return hm
