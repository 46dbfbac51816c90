"""Excel workbook of a report (xlsxwriter): a cover sheet, one sheet per section, a sources sheet.

Numbers are written as numbers — exactly the service's values — with a display format (shares as
``0.0%``, values already in per cent as ``0.0"%"``, integers with thousands separators); empty
values stay empty cells, never zeros. Each section's tables are stacked on its sheet, each with a
title row, a bold header and a source line; the section's charts and maps are placed beside them.
"""

from __future__ import annotations

import base64
import io
import math
import re
from pathlib import Path
from typing import Any

import xlsxwriter

from lanxi.reports.content import Column, Report
from lanxi.reports.i18n import t

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub(" ", title).strip()[:28] or "sheet"
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[:26]} {n}"
        n += 1
    used.add(name.lower())
    return name


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


class _Formats:
    def __init__(self, wb: Any) -> None:
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.h3 = wb.add_format({"bold": True, "font_size": 11})
        self.header = wb.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.text = wb.add_format({"text_wrap": True, "valign": "top", "border": 1})
        self.source = wb.add_format({"italic": True, "font_color": "#555555"})
        self.bold = wb.add_format({"bold": True})
        self.warn = wb.add_format({"bold": True, "bg_color": "#FFF4D6"})
        self._wb = wb
        self._num: dict[str, Any] = {}

    def number(self, column: Column) -> Any:
        if column.kind == "points":
            # a change of a share in percentage points: the share's difference, shown signed
            dec = "0" if column.digits == 0 else "0." + "0" * column.digits
            fmt = f"+{dec}%;-{dec}%;{dec}%"
        elif column.kind == "percent":
            dec = "0" if column.digits == 0 else "0." + "0" * column.digits
            fmt = f"{dec}%" if column.scale == 1 else f'{dec}"%"'
        elif column.kind == "int":
            fmt = "#,##0"
        else:
            fmt = "#,##0" if column.digits == 0 else "#,##0." + "0" * column.digits
        if fmt not in self._num:
            self._num[fmt] = self._wb.add_format({"num_format": fmt, "border": 1})
        return self._num[fmt]


def render_xlsx(report: Report, path: Path | io.BytesIO) -> None:
    """Write the report as a workbook.

    Parameters
    ----------
    report : Report
        Built by :func:`lanxi.reports.build_report`.
    path : Path or BytesIO
        Where to write.
    """
    lang = report.lang
    wb = xlsxwriter.Workbook(
        path if isinstance(path, io.BytesIO) else str(path), {"strings_to_numbers": False}
    )
    wb.set_properties({"title": report.title, "comments": f"lanxi report {report.kind}"})
    f = _Formats(wb)
    used: set[str] = set()
    _cover(wb.add_worksheet(_sheet_name(t("xlsx.cover", lang), used)), report, f)
    for section in report.sections:
        ws = wb.add_worksheet(_sheet_name(section.title, used))
        _section(ws, section, report, f)
    src = wb.add_worksheet(_sheet_name(t("xlsx.sources", lang), used))
    _sources(src, report, f)
    wb.close()


def _cover(ws: Any, report: Report, f: _Formats) -> None:
    lang = report.lang
    sep = "；" if lang == "zh" else "; "
    ws.write(0, 0, report.title, f.title)
    rows: list[tuple[str, str]] = [
        (t("xlsx.kind", lang), report.kind),
        (t("meta.subtitle", lang), report.subtitle),
        (t("meta.period", lang), report.period or ""),
        (t("meta.region", lang), report.region or ""),
        (t("meta.as_of", lang), report.as_of.isoformat() if report.as_of else ""),
        (t("meta.generated_at", lang), report.generated_at.isoformat(timespec="seconds")),
        (t("meta.editions", lang), sep.join(report.editions)),
        (t("meta.methods", lang), sep.join(report.methods)),
    ]
    r = 2
    for k, v in rows:
        ws.write_string(r, 0, k, f.bold)
        ws.write_string(r, 1, v)
        r += 1
    if report.synthetic:
        ws.write_string(r + 1, 0, t("meta.synthetic", lang), f.warn)
        r += 1
    if report.no_data:
        ws.write_string(r + 1, 0, t("no_data", lang), f.warn)
        r += 1
    for note in report.notes:
        r += 1
        ws.write_string(r + 1, 0, note)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 90)


def _section(ws: Any, section: Any, report: Report, f: _Formats) -> None:
    lang = report.lang
    ws.write_string(0, 0, section.title, f.title)
    r = 2
    if section.no_data:
        ws.write_string(r, 0, t("no_data", lang), f.warn)
        r += 2
    for p in section.paragraphs:
        ws.write_string(r, 0, p)
        r += 1
    if section.paragraphs:
        r += 1
    widths: dict[int, int] = {}
    for table in section.tables:
        ws.write_string(r, 0, table.title, f.h3)
        r += 1
        for j, c in enumerate(table.columns):
            ws.write_string(r, j, c.label, f.header)
            widths[j] = max(widths.get(j, 6), min(_width(c.label), 30))
        header_row = r
        r += 1
        if not table.rows:
            ws.write_string(r, 0, t("no_data", lang), f.warn)
            r += 1
        for row in table.rows:
            for j, c in enumerate(table.columns):
                v = row.get(c.key)
                if v is None or (isinstance(v, float) and not math.isfinite(v)):
                    continue
                if isinstance(v, bool):
                    ws.write_boolean(r, j, v, f.text)
                elif isinstance(v, int | float) and c.kind in ("int", "float", "percent", "points"):
                    ws.write_number(r, j, v, f.number(c))
                else:
                    ws.write_string(r, j, str(v), f.text)
                    widths[j] = max(widths.get(j, 6), min(_width(str(v)), 50))
            r += 1
        if table.rows:
            ws.autofilter(header_row, 0, r - 1, len(table.columns) - 1)
        ws.write_string(r, 0, f"{t('meta.source', lang)}: {table.source}", f.source)
        r += 3
    for j, w in widths.items():
        ws.set_column(j, j, max(8, w + 2))
    col = max(widths, default=0) + 2
    fr = 2
    for fig in section.figures:
        ws.write_string(fr, col, fig.title, f.h3)
        data = io.BytesIO(base64.b64decode(fig.png_base64))
        ws.insert_image(
            fr + 1, col, f"{fig.id}.png", {"image_data": data, "x_scale": 0.6, "y_scale": 0.6}
        )
        fr += 26


def _sources(ws: Any, report: Report, f: _Formats) -> None:
    lang = report.lang
    heads = [
        t("xlsx.item", lang),
        t("xlsx.what", lang),
        t("xlsx.column", lang),
        t("meta.source", lang),
    ]
    for j, h in enumerate(heads):
        ws.write_string(0, j, h, f.header)
    r = 1
    for table in report.tables():
        ws.write_string(r, 0, table.id)
        ws.write_string(r, 1, table.title)
        ws.write_string(r, 2, "")
        ws.write_string(r, 3, table.source)
        r += 1
        for c in table.columns:
            if c.source:
                ws.write_string(r, 0, table.id)
                ws.write_string(r, 1, table.title)
                ws.write_string(r, 2, c.label)
                ws.write_string(r, 3, c.source)
                r += 1
    for fig in report.figures():
        ws.write_string(r, 0, fig.id)
        ws.write_string(r, 1, fig.title)
        ws.write_string(r, 2, "")
        ws.write_string(r, 3, fig.source)
        r += 1
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 36)
    ws.set_column(2, 2, 18)
    ws.set_column(3, 3, 90)
    ws.freeze_panes(1, 0)
