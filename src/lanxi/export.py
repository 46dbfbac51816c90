"""Tabular export shared by the CLI, the API and the reports: CSV, JSON and formatted Excel.

Records are plain dicts (the stable JSON shapes of the CLI contract). Nested values (lists of
agencies, lists of codes) stay nested in JSON and are flattened to ``;``-joined text in CSV and
Excel.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

# numpy, pandas and xlsxwriter are imported where they are used: the listing commands print
# through this module and must start without them (issue 17).
if TYPE_CHECKING:
    import pandas as pd

#: First characters that make a spreadsheet read a cell as a formula (OWASP "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def csv_safe(value: Any) -> Any:
    """A cell value that a spreadsheet opening the CSV shows as text, never runs as a formula.

    Text starting with ``= + - @``, a tab or a carriage return gets a leading ``'`` (the OWASP
    recommendation for CSV injection; the csv writer then quotes the cell as needed). Numbers —
    and text that is a plain number such as ``-12.5``, or a lone ``-`` — are returned unchanged:
    a negative value stays a number.

    Parameters
    ----------
    value : object
        A cell value.

    Returns
    -------
    object
        ``value``, or ``"'" + value`` for formula-like text.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        if value == "-" or _NUMBER.fullmatch(value):  # a lone dash (no value) is no formula
            return value
        return "'" + value
    return value


def csv_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with :func:`csv_safe` applied to every text cell (numbers untouched)."""
    import pandas as pd

    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(csv_safe)
    return out


def _flat(value: Any) -> Any:
    """Flatten a nested value for a spreadsheet cell."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        name = value.get("name")
        prov = value.get("province")
        if name is not None:
            return f"{name}" if not prov else f"{name}（{prov}）"
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "; ".join(str(_flat(v)) for v in value)
    return value


def columns_of(records: Sequence[Mapping[str, Any]]) -> list[str]:
    """Column names in first-seen order over all records."""
    cols: dict[str, None] = {}
    for r in records:
        for k in r:
            cols.setdefault(k, None)
    return list(cols)


def json_safe(value: Any) -> Any:
    """``value`` with every non-finite number (NaN, ±inf, pandas NA/NaT) as ``None``.

    Recurses into mappings, lists and tuples; numpy scalars become Python numbers. What
    :func:`dumps_strict` writes, so no output carries the bare ``NaN``/``Infinity`` that
    :func:`json.dumps` allows and JSON (RFC 8259) does not.
    """
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    np = sys.modules.get("numpy")  # no numpy value exists unless numpy was imported
    if np is not None and isinstance(value, np.generic):
        return json_safe(value.item())
    if isinstance(value, Mapping):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    pandas = sys.modules.get("pandas")  # likewise pandas' NA and NaT
    if pandas is not None and (value is pandas.NA or value is pandas.NaT):
        return None
    return value


def dumps_strict(value: Any, *, indent: int | None = 2) -> str:
    """JSON text of ``value``: valid JSON always (NaN/inf as ``null``), Chinese kept as is.

    The one JSON writer of the command line (``--format json``) and of the exported files; it
    refuses (``allow_nan=False``) anything :func:`json_safe` did not convert.
    """
    return json.dumps(
        json_safe(value), ensure_ascii=False, indent=indent, default=str, allow_nan=False
    )


def to_json(records: Sequence[Mapping[str, Any]]) -> str:
    """Records as a pretty JSON array (UTF-8 text, Chinese kept as is; NaN/inf as null)."""
    return dumps_strict(list(records))


def to_csv(records: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """Records as CSV text with a header row; nested values flattened, formulas neutralised.

    Every cell (and header) goes through :func:`csv_safe`, so the file is safe to open in a
    spreadsheet.
    """
    cols = list(columns) if columns is not None else columns_of(records)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([csv_safe(c) for c in cols])
    for r in records:
        w.writerow(["" if (v := _flat(r.get(c))) is None else csv_safe(v) for c in cols])
    return buf.getvalue()


def write_xlsx(
    sheets: Mapping[str, Sequence[Mapping[str, Any]]],
    path: Path | io.BytesIO,
    *,
    headers: Mapping[str, str] | None = None,
    title: str | None = None,
) -> None:
    """Write one formatted worksheet per entry of ``sheets``.

    Parameters
    ----------
    sheets : mapping of str to sequence of dict
        Sheet name → records.
    path : Path or BytesIO
        Where to write the workbook.
    headers : mapping of str to str, optional
        Display header per column key (e.g. ``{"name": "名称 Name"}``).
    title : str, optional
        A title row written above each table.

    Notes
    -----
    Numbers stay numbers; header row bold and frozen; an autofilter on the table; column widths
    fitted to the content (CJK characters counted double).
    """
    import xlsxwriter

    wb = xlsxwriter.Workbook(path if isinstance(path, io.BytesIO) else str(path))
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    title_fmt = wb.add_format({"bold": True, "font_size": 13})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    for name, records in sheets.items():
        ws = wb.add_worksheet(name[:31])
        cols = columns_of(records)
        row0 = 0
        if title:
            ws.write(0, 0, title, title_fmt)
            row0 = 2
        for j, c in enumerate(cols):
            ws.write(row0, j, (headers or {}).get(c, c), bold)
        widths = [_width((headers or {}).get(c, c)) for c in cols]
        for i, r in enumerate(records, start=row0 + 1):
            for j, c in enumerate(cols):
                v = _flat(r.get(c))
                if v is None:
                    continue
                if isinstance(v, bool):
                    ws.write_boolean(i, j, v)
                elif isinstance(v, int | float):
                    ws.write_number(i, j, v)
                else:
                    ws.write_string(i, j, str(v), wrap)
                widths[j] = max(widths[j], min(_width(str(v)), 60))
        for j, w in enumerate(widths):
            ws.set_column(j, j, max(6, w + 2))
        ws.freeze_panes(row0 + 1, 0)
        if records:
            ws.autofilter(row0, 0, row0 + len(records), max(0, len(cols) - 1))
    wb.close()


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
