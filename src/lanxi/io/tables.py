"""Reading and writing tabular files (CSV, Excel, JSON) for the engines' command-line front ends.

The engines take DataFrames; this module is the I/O around them. Cells are read as text so that the
engines' validators see exactly what the user wrote (``"12,3"`` or ``"n/a"`` is reported, not
silently turned into NaN).
"""

from __future__ import annotations

import csv
import io
import logging
import re
import warnings
from collections.abc import Collection
from pathlib import Path

import pandas as pd

from lanxi.errors import Problem, ValidationError
from lanxi.export import csv_safe_frame

READABLE = (".csv", ".xlsx", ".xls")
WRITABLE = (".csv", ".xlsx", ".json")

log = logging.getLogger("lanxi.io")

#: Cell texts read as *missing* (after trimming spaces), in every column of every input table.
#: ``NA`` is what HJ 633's own tables print for a value not published; ``-``, ``—`` (em dash),
#: ``–`` (en dash), ``--``, ``-;``/``—;`` (a dash with the separator of some station exports),
#: ``/`` and ``N/A`` are what monitoring bulletins and Excel sheets use for "no value". The list is
#: documented in docs/cli.md ("Missing values"); anything else that is not a number is refused.
#: Below-detection notes (``0.02L``, ``<0.025``, ``ND``, ``未检出``) are *not* missing: the water
#: readers keep them (docs/water.md).
MISSING_TOKENS: tuple[str, ...] = (
    "",
    "NA",
    "N/A",
    "n/a",
    "na",
    "-",
    "--",
    "—",
    "–",
    "-;",
    "—;",
    "/",
)

#: Free-text columns whose cells are kept as written, a ``-`` or ``NA`` included (a note is text,
#: not a number that may be missing); an empty cell is still missing there.
FREE_TEXT_COLUMNS: frozenset[str] = frozenset(
    {"note", "source", "narrative", "evidence_links", "name", "station_name"}
)

#: Encodings tried for CSV input, in order. UTF-8 (with or without BOM) first; GB18030 — the
#: superset of GBK and GB2312 that Excel on Chinese Windows writes as "CSV" — second. A UTF-8 file
#: of Chinese text practically never decodes as GB18030 cleanly *and* as UTF-8, so the order
#: decides nothing for real files.
CSV_ENCODINGS: tuple[str, ...] = ("utf-8", "gb18030")


def decode_text(data: bytes, name: str = "<input>") -> tuple[str, str]:
    """Decode the bytes of a text table: UTF-8 (BOM or not), else GB18030.

    Parameters
    ----------
    data : bytes
        The file's content.
    name : str
        The file's name, for the message.

    Returns
    -------
    (text, encoding)
        ``encoding`` is ``"utf-8-sig"`` (UTF-8 with a byte-order mark), ``"utf-8"`` or
        ``"gb18030"``.

    Raises
    ------
    ValidationError
        If the bytes are neither UTF-8 nor GB18030.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise _codec_problem(name, exc) from exc
    first: UnicodeDecodeError | None = None
    for enc in CSV_ENCODINGS:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError as exc:
            first = first or exc
    assert first is not None
    raise _codec_problem(name, first)


def _codec_problem(name: str, exc: UnicodeDecodeError) -> ValidationError:
    return ValidationError(
        [
            Problem(
                name,
                None,
                None,
                f"cannot read the text: neither UTF-8 nor GB18030/GBK (byte {exc.start}); "
                "save the file as 'CSV UTF-8' (Excel: 另存为 → CSV UTF-8)",
                message_zh=f"无法识别文件编码：既不是 UTF-8 也不是 GB18030/GBK（第 {exc.start} "
                "字节）；请另存为“CSV UTF-8（逗号分隔）”",
            )
        ]
    )


def read_table(path: Path, *, sheet: str | int = 0, skip_rows: int = 0) -> pd.DataFrame:
    """Read a CSV (UTF-8 with or without BOM, or GB18030/GBK) or Excel file as a frame of strings.

    The one reader of every input table (``lanxi air``, ``water``, ``structure``, ``submit`` and
    the web and API uploads). The encoding of a CSV is detected (:func:`decode_text`), stored in
    ``df.attrs["encoding"]`` and logged when it is not UTF-8; cells equal to one of
    :data:`MISSING_TOKENS` are read as missing, except in the :data:`FREE_TEXT_COLUMNS`.

    Parameters
    ----------
    path : Path
        ``.csv``, ``.xlsx`` or ``.xls``.
    sheet : str or int
        The worksheet for Excel input.
    skip_rows : int
        CSV only: lines above the header to skip (e.g. the ``#`` lines of a template).

    Returns
    -------
    pandas.DataFrame
        One column per header cell, values as strings (empty cells and the
        :data:`MISSING_TOKENS` as missing). ``attrs``: ``file`` (the name) and ``encoding``
        (``utf-8``, ``utf-8-sig``, ``gb18030``; ``xlsx`` for a workbook).

    Raises
    ------
    ValidationError
        If the file is missing, of an unknown kind, in an unknown text encoding or not readable
        as a table.
    """
    path = Path(path)
    if not path.exists():
        raise ValidationError([Problem(str(path), None, None, "file not found")])
    suffix = path.suffix.lower()
    if suffix not in READABLE:
        raise ValidationError(
            [
                Problem(
                    path.name,
                    None,
                    None,
                    f"unknown file kind '{suffix}'; expected one of {READABLE}",
                )
            ]
        )
    encoding = "xlsx"
    try:
        if suffix == ".csv":
            text, encoding = decode_text(path.read_bytes(), path.name)
            if encoding == "gb18030":
                log.warning(
                    "%s: 按 GB18030/GBK 编码读取 read as GB18030/GBK (not UTF-8)", path.name
                )
            with warnings.catch_warnings():
                # index_col=False: a line with an extra field never shifts the columns into an
                # index; pandas warns instead, which _too_many_fields turns into the row named
                warnings.simplefilter("error", pd.errors.ParserWarning)
                try:
                    df = pd.read_csv(
                        io.StringIO(text),
                        dtype=str,
                        keep_default_na=False,
                        na_values=[""],
                        skiprows=skip_rows,
                        index_col=False,
                    )
                except pd.errors.ParserWarning as exc:
                    raise _too_many_fields(path.name, text, skip_rows) from exc
        else:
            # the engine named: .xls through python-calamine (a core dependency); naming
            # openpyxl also keeps pandas from warning that its default will change
            df = pd.read_excel(
                path,
                engine="openpyxl" if suffix == ".xlsx" else "calamine",
                sheet_name=sheet,
                dtype=str,
                keep_default_na=False,
                na_values=[""],
            )
    except pd.errors.ParserError as exc:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if m is None:
            raise ValidationError(
                [Problem(path.name, None, None, f"cannot read as a table: {exc}")]
            ) from exc
        expected, line, saw = (int(g) for g in m.groups())
        raise ValidationError(
            [_fields_problem(path.name, line + skip_rows, saw, expected)]
        ) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationError(
            [Problem(path.name, None, None, f"cannot read as a table: {exc}")]
        ) from exc
    df.columns = [str(c).strip() for c in df.columns]
    df = _blank_missing_tokens(df, skip=FREE_TEXT_COLUMNS)
    df.attrs["file"] = path.name
    df.attrs["encoding"] = encoding
    return df


def _fields_problem(name: str, line: int, saw: int, expected: int) -> Problem:
    return Problem(
        name,
        line,
        None,
        f"this line has {saw} fields, the header {expected}: a comma inside a value (write it in "
        'quotes, "12,3", or with a point, 12.3) or a stray separator',
        message_zh=f"该行有 {saw} 个字段，表头有 {expected} 个：数值中含逗号"
        "（请加引号或用小数点）或多了分隔符",
    )


def _too_many_fields(name: str, text: str, skip_rows: int) -> ValidationError:
    """The lines with more fields than the header (file line numbers)."""
    rows = csv.reader(io.StringIO(text))
    problems: list[Problem] = []
    width: int | None = None
    for line, fields in enumerate(rows, start=1):
        if line <= skip_rows or not fields:
            continue
        if width is None:
            width = len(fields)
            continue
        if len(fields) > width:
            problems.append(_fields_problem(name, line, len(fields), width))
    if not problems:  # pragma: no cover - pandas warned, so some line is longer
        problems.append(Problem(name, None, None, "a line has more fields than the header"))
    return ValidationError(problems[:20])


def _blank_missing_tokens(df: pd.DataFrame, skip: Collection[str] = ()) -> pd.DataFrame:
    """Cells that are a missing token once trimmed (``" NA "``, ``"- "``) become missing."""
    tokens = set(MISSING_TOKENS)
    for c in df.columns:
        if c in skip:
            continue
        col = df[c]
        if not (pd.api.types.is_string_dtype(col) or col.dtype == object):
            continue
        stripped = col.astype("string").str.strip()
        hit = (stripped.isin(tokens) & col.notna()).fillna(False).to_numpy(dtype=bool)
        if hit.any():
            df[c] = col.mask(hit)
    return df


def write_table(df: pd.DataFrame, path: Path) -> Path:
    """Write ``df`` as CSV (UTF-8), Excel or JSON (records), by the file's extension.

    Raises
    ------
    ValidationError
        If the extension is not one of ``.csv``, ``.xlsx``, ``.json``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        csv_safe_frame(df).to_csv(path, index=False, encoding="utf-8")
    elif suffix == ".xlsx":
        with pd.ExcelWriter(path, engine="xlsxwriter") as xw:
            df.to_excel(xw, index=False, sheet_name="data")
            ws = xw.sheets["data"]
            ws.freeze_panes(1, 0)
            ws.autofilter(0, 0, len(df), max(0, len(df.columns) - 1))
    elif suffix == ".json":
        df.to_json(path, orient="records", force_ascii=False, date_format="iso", indent=1)
    else:
        raise ValidationError(
            [
                Problem(
                    path.name,
                    None,
                    None,
                    f"unknown output kind '{suffix}'; expected one of {WRITABLE}",
                )
            ]
        )
    return path
