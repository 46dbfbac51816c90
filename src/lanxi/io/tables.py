"""Reading and writing tabular files for the engines' command-line front ends.

The engines take DataFrames; this module is the I/O around them, and the one place that chooses a
file format by its extension (:data:`READABLE`, :data:`WRITABLE`, :func:`table_format`): CSV,
Excel, JSON (output), Parquet and Arrow IPC (``.arrow``/``.feather``). Cells are read as text so
that the engines' validators see exactly what the user wrote (``"12,3"`` or ``"n/a"`` is
reported, not silently turned into NaN); with ``numeric=`` the value columns whose every cell is a
plain number come as numbers at once (the fast path of the large-file commands, same answers).

CSV is written by pyarrow's CSV writer (:func:`write_table`, :class:`TableSink`), in the form
docs/cli.md ("Output files") describes: UTF-8 with a byte-order mark, numbers in their shortest
exact form, missing values as empty cells, formula-like text neutralised. Large inputs are read
in batches (:func:`iter_table`) and written batch by batch (:class:`TableSink`).
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import os
import re
import warnings
from collections.abc import Collection, Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import pandas as pd

from lanxi.errors import Problem, ValidationError
from lanxi.export import FORMULA_STARTS

if TYPE_CHECKING:
    import pyarrow as pa

#: Table formats by extension: what each extension is read or written as.
FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".xls": "xls",
    ".json": "json",
    ".parquet": "parquet",
    ".arrow": "arrow",
    ".feather": "arrow",
}
#: Extensions an input table may have.
READABLE = (".csv", ".xlsx", ".xls", ".parquet", ".arrow", ".feather")
#: Extensions an output table may have.
WRITABLE = (".csv", ".xlsx", ".json", ".parquet", ".arrow", ".feather")
#: Formats read and written in batches (:func:`iter_table`, :class:`TableSink`).
STREAMABLE = frozenset({"csv", "parquet", "arrow"})

#: Environment variable: inputs larger than this many MB are processed in batches by the
#: commands that can (``lanxi air aqi``); default :data:`STREAM_MB_DEFAULT`.
STREAM_MB_ENV = "LANXI_STREAM_MB"
STREAM_MB_DEFAULT = 256.0
#: Rows per batch when streaming (``LANXI_STREAM_ROWS``).
STREAM_ROWS_DEFAULT = 1_000_000

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


def read_table(
    path: Path,
    *,
    sheet: str | int = 0,
    skip_rows: int = 0,
    numeric: Collection[str] | None = None,
    times: Collection[str] = ("time",),
) -> pd.DataFrame:
    """Read a CSV (UTF-8 with or without BOM, or GB18030/GBK), Excel, Parquet or Arrow IPC file.

    The one reader of every input table (``lanxi air``, ``water``, ``structure``, ``submit`` and
    the web and API uploads). The encoding of a CSV is detected (:func:`decode_text`), stored in
    ``df.attrs["encoding"]`` and logged when it is not UTF-8; cells equal to one of
    :data:`MISSING_TOKENS` are read as missing, except in the :data:`FREE_TEXT_COLUMNS`.

    Parameters
    ----------
    path : Path
        ``.csv``, ``.xlsx``, ``.xls``, ``.parquet``, ``.arrow`` or ``.feather``.
    sheet : str or int
        The worksheet for Excel input.
    skip_rows : int
        CSV only: lines above the header to skip (e.g. the ``#`` lines of a template).
    numeric : collection of str or None
        Value columns to return as ``float64`` when *every* cell is a plain number or a missing
        token (otherwise the column stays text, for the validator to name the bad cells). With
        it, ``times`` columns whose every cell is an ISO date-time without offset come as
        ``datetime64`` and a CSV is parsed by pyarrow (several times faster); None (default):
        every cell of a CSV or Excel file as text.
    times : collection of str
        Time columns tried as ISO date-times when ``numeric`` is given.

    Returns
    -------
    pandas.DataFrame
        One column per header cell, values as strings (empty cells and the
        :data:`MISSING_TOKENS` as missing), except the ``numeric``/``times`` columns converted
        and a Parquet or Arrow file's non-text columns, which keep their types. ``attrs``:
        ``file`` (the name) and ``encoding`` (``utf-8``, ``utf-8-sig``, ``gb18030``; ``xlsx`` for
        a workbook, ``parquet``/``arrow``).

    Raises
    ------
    ValidationError
        If the file is missing, of an unknown kind, in an unknown text encoding or not readable
        as a table.
    """
    path = Path(path)
    if not path.exists():
        raise ValidationError([Problem(str(path), None, None, "file not found")])
    kind = table_format(path, "read")
    suffix = path.suffix.lower()
    if kind in ("parquet", "arrow"):
        df = _arrow_frame(_read_arrow_file(path, kind), path.name, numeric, times, text=True)
        df.attrs["encoding"] = kind
        return df
    if kind == "csv" and numeric is not None and skip_rows == 0:
        fast = _read_csv_fast(path, numeric, times)
        if fast is not None:
            return fast
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


def table_format(path: Path, mode: str = "read") -> str:
    """The format of a table file, by its extension (the one place that decides it).

    Parameters
    ----------
    path : Path
        The file.
    mode : {"read", "write"}
        Whether the file is an input (:data:`READABLE`) or an output (:data:`WRITABLE`).

    Returns
    -------
    str
        ``csv``, ``xlsx``, ``xls``, ``json``, ``parquet`` or ``arrow``.

    Raises
    ------
    ValidationError
        Naming the file, the extension and the ones accepted.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    allowed = READABLE if mode == "read" else WRITABLE
    if suffix not in allowed:
        what = "input" if mode == "read" else "output"
        listed = ", ".join(allowed)
        shown = suffix or "(none)"
        raise ValidationError(
            [
                Problem(
                    path.name,
                    None,
                    None,
                    f"unknown {what} file kind '{shown}'; expected one of {listed}",
                    message_zh=f"不支持的{'输入' if mode == 'read' else '输出'}文件类型“{shown}”；"
                    f"应为 {listed} 之一",
                )
            ]
        )
    return FORMATS[suffix]


def check_output(path: Path) -> str:
    """Refuse an output extension before any work is done; return the format."""
    return table_format(path, "write")


# ------------------------------------------------------------------------------ fast reading


def _pa() -> Any:
    import pyarrow as pa

    return pa


def _read_arrow_file(path: Path, kind: str) -> pa.Table:
    import pyarrow as pa

    try:
        if kind == "parquet":
            import pyarrow.parquet as pq

            return pq.read_table(path)
        import pyarrow.feather as feather

        return feather.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise ValidationError(
            [Problem(path.name, None, None, f"cannot read as a {kind} table: {exc}")]
        ) from exc


def _head_encoding(path: Path) -> str:
    """``utf8`` or ``gb18030``, from the first MB (the whole file is not decoded twice)."""
    with path.open("rb") as fh:
        head = fh.read(1 << 20)
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf8"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf8"
    except UnicodeDecodeError:
        return "gb18030"


def _csv_options(path: Path, block_rows_hint: int | None = None) -> tuple[Any, Any, Any, str]:
    """The read, parse and convert options of pyarrow reading every column of ``path`` as text."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    encoding = _head_encoding(path)
    with path.open("rb") as fh:
        first = fh.readline()
    header = first.decode("utf-8-sig" if encoding == "utf8" else "gb18030").rstrip("\r\n")
    names = next(csv.reader([header]))
    read = pacsv.ReadOptions(
        encoding=encoding, block_size=(16 << 20) if block_rows_hint is None else block_rows_hint
    )
    parse = pacsv.ParseOptions()
    convert = pacsv.ConvertOptions(
        column_types={n: pa.string() for n in names},
        strings_can_be_null=True,
        null_values=[""],
        quoted_strings_can_be_null=True,
    )
    return read, parse, convert, encoding


def _read_csv_fast(
    path: Path, numeric: Collection[str], times: Collection[str]
) -> pd.DataFrame | None:
    """A CSV through pyarrow (typed value columns); None when pyarrow refuses the file.

    The pandas reader then reads it again and gives the row-level messages (a line with too many
    fields, an encoding error): the fast path never changes what a bad file is told.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        read, parse, convert, encoding = _csv_options(path)
        table = pacsv.read_csv(
            path, read_options=read, parse_options=parse, convert_options=convert
        )
    except (pa.ArrowException, ValueError, UnicodeDecodeError, StopIteration):
        return None
    if len(set(table.column_names)) != len(table.column_names):
        return None
    if encoding == "gb18030":
        log.warning("%s: 按 GB18030/GBK 编码读取 read as GB18030/GBK (not UTF-8)", path.name)
    df = _arrow_frame(table, path.name, numeric, times, text=False)
    df.attrs["encoding"] = "utf-8" if encoding == "utf8" else "gb18030"
    return df


def _is_text(t: Any) -> bool:
    pa = _pa()
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t))


def _blank_tokens_arrow(col: Any) -> Any:
    """Cells equal to a missing token once trimmed, as null (Arrow, vectorised)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    hit = pc.is_in(pc.utf8_trim_whitespace(col), value_set=pa.array(MISSING_TOKENS))
    if not pc.any(hit).as_py():
        return col
    return pc.if_else(hit, pa.scalar(None, col.type), col)


def _to_float(col: Any) -> Any:
    """``col`` as float64 if every non-missing cell is a plain number, else ``col`` (text)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for attempt in (col, None):
        if attempt is None:
            attempt = _blank_tokens_arrow(col)
            if attempt is col:
                return col
        try:
            out = attempt.cast(pa.float64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
        # Arrow reads "nan"/"inf" as numbers; the validator reports them as the text path does
        if pc.any(pc.invert(pc.is_finite(out))).as_py():
            return col
        return out
    return _blank_tokens_arrow(col)


def _to_time(col: Any) -> Any:
    """``col`` as timestamp[us] if every cell is an ISO date-time without offset, else ``col``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        return col.cast(pa.timestamp("us"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    # months written YYYY-MM (water samples): the first of the month, as to_beijing reads them;
    # only when every cell has that length, so a longer cell is never cut short
    lengths = pc.utf8_length(col)
    if len(col) and pc.all(pc.equal(lengths, 7)).as_py():
        try:
            return pc.strptime(col, format="%Y-%m", unit="us")
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    return _blank_tokens_arrow(col)


def _arrow_frame(
    table: pa.Table,
    name: str,
    numeric: Collection[str] | None,
    times: Collection[str],
    *,
    text: bool,
) -> pd.DataFrame:
    """A pandas frame of an Arrow table read from a file, cells as :func:`read_table` gives them.

    Text columns: missing tokens blanked (not in :data:`FREE_TEXT_COLUMNS`); the ``numeric`` and
    ``times`` ones converted when every cell allows. Non-text columns (Parquet, Arrow) keep their
    types; with ``text`` and no ``numeric`` they are returned as text, as a CSV's would be.
    """
    import pyarrow as pa

    names = [str(c).strip() for c in table.column_names]
    cols = []
    for n, col in zip(names, table.columns, strict=True):
        t = col.type
        if pa.types.is_dictionary(t) and _is_text(t.value_type):
            col = col.cast(t.value_type)
            t = col.type
        if _is_text(t):
            if numeric is not None and n in numeric:
                col = _to_float(col)
            elif numeric is not None and n in times:
                col = _to_time(col)
            elif n not in FREE_TEXT_COLUMNS:
                col = _blank_tokens_arrow(col)
        elif text and numeric is None and not pa.types.is_null(t):
            col = col.cast(pa.string()) if not pa.types.is_timestamp(t) else col
        cols.append(col)
    df = pa.table(cols, names=[f"__{i}" for i in range(len(names))]).to_pandas()
    df.columns = names
    df.attrs["file"] = name
    df.attrs["encoding"] = "parquet" if text else "utf-8"
    return df


def iter_table(
    path: Path,
    *,
    numeric: Collection[str] | None = None,
    times: Collection[str] = ("time",),
    rows: int | None = None,
) -> Iterator[pd.DataFrame]:
    """Read a CSV, Parquet or Arrow file in batches of about ``rows`` rows.

    Each batch is what :func:`read_table` with the same ``numeric`` gives for those rows (a
    column converted batch by batch: one batch may keep as text a column another converts; the
    engines accept both). ``df.attrs["offset"]`` is the number of data rows before the batch.

    Raises
    ------
    ValidationError
        For a format that cannot be streamed (Excel) or a file pyarrow cannot parse (read it
        whole, with :func:`read_table`, for the row-level message).
    """
    import pyarrow as pa

    path = Path(path)
    kind = table_format(path, "read")
    rows = rows or stream_rows()
    if kind not in STREAMABLE:
        raise ValidationError([Problem(path.name, None, None, f"{kind} is not read in batches")])
    offset = 0
    batches: Iterator[Any]
    if kind == "parquet":
        import pyarrow.parquet as pq

        batches = pq.ParquetFile(path).iter_batches(batch_size=rows)
    elif kind == "arrow":
        import pyarrow.feather as feather

        batches = iter(feather.read_table(path, memory_map=True).to_batches(max_chunksize=rows))
    else:
        import pyarrow.csv as pacsv

        read, parse, convert, _ = _csv_options(path, block_rows_hint=_csv_block(path, rows))
        try:
            batches = iter(
                pacsv.open_csv(
                    path, read_options=read, parse_options=parse, convert_options=convert
                )
            )
        except (pa.ArrowException, ValueError) as exc:
            raise ValidationError(
                [Problem(path.name, None, None, f"cannot read as a table: {exc}")]
            ) from exc
    pending: list[Any] = []
    size = 0
    while True:
        try:
            batch = next(batches, None)
        except (pa.ArrowException, ValueError) as exc:
            raise ValidationError(
                [Problem(path.name, None, None, f"cannot read as a table: {exc}")]
            ) from exc
        if batch is not None:
            pending.append(batch)
            size += batch.num_rows
        if pending and (size >= rows or batch is None):
            table = pa.Table.from_batches(pending)
            df = _arrow_frame(table, path.name, numeric, times, text=False)
            df.index = pd.RangeIndex(offset, offset + len(df))
            df.attrs["offset"] = offset
            offset += len(df)
            pending, size = [], 0
            yield df
        if batch is None:
            return


def _csv_block(path: Path, rows: int) -> int:
    """Bytes per CSV block for about ``rows`` rows (from the first lines' length)."""
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    lines = max(1, head.count(b"\n"))
    per_row = max(8, len(head) // lines)
    longest = max((len(line) for line in head.split(b"\n")), default=0)
    return int(min(max(per_row * rows // 4, 4 * longest, 4096), 256 << 20))


def stream_rows() -> int:
    """Rows per batch when streaming (``LANXI_STREAM_ROWS``, default 1,000,000)."""
    return int(os.environ.get("LANXI_STREAM_ROWS") or STREAM_ROWS_DEFAULT)


def should_stream(path: Path) -> bool:
    """Whether an input is large enough to be processed in batches.

    A CSV, Parquet or Arrow file larger than ``LANXI_STREAM_MB`` megabytes (default 256; 0:
    always stream, a negative value: never), or holding more than twice ``LANXI_STREAM_ROWS``
    rows (exact for Parquet and Arrow, which compress a station-year of 16.6 M rows into
    ~150 MB; estimated from the size for CSV).
    """
    path = Path(path)
    if FORMATS.get(path.suffix.lower()) not in STREAMABLE:
        return False
    limit = float(os.environ.get(STREAM_MB_ENV) or STREAM_MB_DEFAULT)
    if limit < 0:
        return False
    if path.stat().st_size >= limit * 1024 * 1024:
        return True
    rows = table_rows_estimate(path)
    return rows is not None and rows > 2 * stream_rows()


# ------------------------------------------------------------------------------------ writing

#: Written first in a CSV file: Excel on Chinese Windows reads a CSV without it as GBK.
CSV_BOM = b"\xef\xbb\xbf"
_NUMBER_OR_DASH = r"^([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|-)$"
_FORMULA = "^[" + re.escape("".join(FORMULA_STARTS)) + "]"


def _plain_frame(df: pd.DataFrame, *, text_times: bool) -> pd.DataFrame:
    """Categoricals as text; with ``text_times`` datetimes as ISO 8601 text (JSON, Excel)."""
    out = df.copy(deep=False)
    for c in out.columns:
        col = out[c]
        if isinstance(col.dtype, pd.CategoricalDtype):
            out[c] = col.astype("string" if text_times else col.cat.categories.dtype)
        elif isinstance(col.dtype, pd.DatetimeTZDtype) and text_times:
            out[c] = _iso_offset(col)
        elif pd.api.types.is_datetime64_any_dtype(col) and text_times:
            out[c] = col.dt.strftime("%Y-%m-%dT%H:%M:%S")
    return out


def _iso_offset(col: pd.Series) -> pd.Series:
    """ISO 8601 with the offset: 2026-06-01T07:00:00+08:00."""
    text = col.dt.strftime("%Y-%m-%dT%H:%M:%S%z")
    return text.str.replace(r"([+-]\d{2})(\d{2})$", r"\1:\2", regex=True)


def _arrow_table(df: pd.DataFrame, *, for_csv: bool) -> pa.Table:
    """``df`` as an Arrow table; for CSV every cell already in its written form where needed.

    CSV: datetimes as ``2025-06-01T08:00:00`` (tz-aware with ``+08:00``), booleans as
    ``True``/``False`` (pandas' form, kept), text passed through the CSV-injection guard
    (:func:`lanxi.export.csv_safe`, vectorised), dictionaries decoded, whole-number floats as
    integers (the same text, ``20``, written faster).
    """
    import pyarrow as pa

    df = df.copy(deep=False)
    for c in df.columns:
        col = df[c]
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            df[c] = _iso_offset(col) if for_csv else col
        elif col.dtype == object:
            # mixed cells (numbers and text, lists): their text, as pandas would write them
            inferred = pd.api.types.infer_dtype(col, skipna=True)
            if inferred not in ("string", "empty", "floating", "integer", "boolean"):
                df[c] = col.map(lambda v: v if v is None or v is pd.NA else str(v)).astype("string")
    table = pa.Table.from_pandas(df, preserve_index=False)
    cols = []
    quoted = False
    for col in table.columns:
        col = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
        t = col.type
        if pa.types.is_dictionary(t) and not for_csv:
            col = col.cast(t.value_type)
            t = col.type
        if pa.types.is_null(t):
            col = col.cast(pa.string())
        elif for_csv:
            col, needs = _csv_column(col)
            quoted = quoted or needs
        cols.append(col)
    out = pa.table(cols, names=[str(c) for c in df.columns])
    return out.replace_schema_metadata({"lanxi_csv_quote": "needed" if quoted else "none"})


def _csv_column(col: Any) -> tuple[Any, bool]:
    """One column in the form the CSV shows (see :func:`_arrow_table`); whether it needs quotes."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = col.type
    if pa.types.is_floating(t):
        try:  # a whole-number column is written as integers: same text, several times faster
            return col.cast(pa.int64()), False
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return col, False
    if pa.types.is_boolean(t):
        return pc.if_else(col, "True", "False"), False
    if not (
        pa.types.is_timestamp(t)
        or pa.types.is_date(t)
        or _is_text(t)
        or (pa.types.is_dictionary(t) and _is_text(t.value_type))
    ):
        return col, False
    # text and times are formatted on their distinct values (a station-year has 8,760 hours and
    # a few hundred stations), then spread back: formatting 16 M times one by one is seconds
    enc = col if pa.types.is_dictionary(t) else col.dictionary_encode()
    values, indices = enc.dictionary, enc.indices
    if len(values) > 0.5 * len(col) and not pa.types.is_dictionary(t):
        values, indices = col, None
    if pa.types.is_timestamp(values.type):
        if values.type.unit != "s":
            values = values.cast(pa.timestamp("s"), safe=False)
        values = pc.strftime(values, "%Y-%m-%dT%H:%M:%S")
    elif pa.types.is_date(values.type):
        values = pc.strftime(values, "%Y-%m-%d")
    else:
        formula = pc.and_(
            pc.match_substring_regex(values, _FORMULA),
            pc.invert(pc.match_substring_regex(values, _NUMBER_OR_DASH)),
        )
        if pc.any(formula).as_py():
            quote = pa.scalar("'", values.type)
            values = pc.if_else(
                formula,
                pc.binary_join_element_wise(quote, values, pa.scalar("", values.type)),
                values,
            )
    needs = _is_text(values.type) and _quote_needed(values)
    return (values if indices is None else pc.take(values, indices)), needs


def _quote_needed(values: Any) -> bool:
    """Whether some text cell holds a comma, a quote or a line break."""
    import pyarrow.compute as pc

    return any(pc.any(pc.match_substring(values, ch)).as_py() for ch in (",", '"', "\n", "\r"))


def _csv_header(names: list[str]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([csv_safe_cell(n) for n in names])
    return buf.getvalue().encode("utf-8")


def csv_safe_cell(value: str) -> str:
    """A header cell through the CSV-injection guard (:func:`lanxi.export.csv_safe`)."""
    from lanxi.export import csv_safe

    return str(csv_safe(value))


#: Rows per slice of a CSV batch formatted by one thread.
_CSV_SLICE_ROWS = 262_144


def _write_csv_rows(table: pa.Table, fh: Any) -> None:
    """The rows of ``table`` (no header) onto the open binary file ``fh``, by pyarrow.

    Text is quoted only when some cell of the batch needs it (pyarrow's ``needed`` style then
    quotes every text cell, which every CSV reader reads the same); numbers are never quoted.
    Slices of a large batch are formatted in threads (pyarrow releases the GIL) and written in
    order.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    meta = table.schema.metadata or {}
    style = meta.get(b"lanxi_csv_quote", b"needed").decode()
    opts = pacsv.WriteOptions(include_header=False, quoting_style=style, batch_size=65536)
    if table.num_rows <= _CSV_SLICE_ROWS or (os.cpu_count() or 1) < 2:
        pacsv.write_csv(table, fh, opts)
        return
    from concurrent.futures import ThreadPoolExecutor

    def render(start: int) -> bytes:
        sink = pa.BufferOutputStream()
        pacsv.write_csv(table.slice(start, _CSV_SLICE_ROWS), sink, opts)
        return bytes(sink.getvalue())

    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        for chunk in pool.map(render, range(0, table.num_rows, _CSV_SLICE_ROWS)):
            fh.write(chunk)


def write_table(df: pd.DataFrame, path: Path) -> Path:
    r"""Write ``df`` by the file's extension: CSV, Excel, JSON (records), Parquet or Arrow IPC.

    CSV: UTF-8 with a byte-order mark (Excel on Chinese Windows reads a CSV without it as GBK),
    ``\\n`` line ends, written by pyarrow; numbers in their shortest exact form (``20`` for 20.0,
    ``0.1``, ``3e-05`` as ``0.00003``); missing values as empty cells; times as
    ``2025-06-01T08:00:00`` (with ``+08:00`` when the times carry an offset); booleans
    ``True``/``False``; text starting like a formula gets a leading ``'``; text quoted only when
    some cell of the file needs it. Parquet and Arrow keep the types (times as timestamps,
    categories as text). The file is written whole or not at all (a temporary file renamed).

    Raises
    ------
    ValidationError
        If the extension is not one of :data:`WRITABLE`.
    """
    path = Path(path)
    kind = table_format(path, "write")
    if kind in STREAMABLE:
        with TableSink(path) as sink:
            sink.write(df)
        return path
    tmp = path.with_name(f".{path.name}.part")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        out = _plain_frame(df, text_times=True)
        if kind == "xlsx":
            with pd.ExcelWriter(tmp, engine="xlsxwriter") as xw:
                out.to_excel(xw, index=False, sheet_name="data")
                ws = xw.sheets["data"]
                ws.freeze_panes(1, 0)
                ws.autofilter(0, 0, len(out), max(0, len(out.columns) - 1))
        else:
            out.to_json(tmp, orient="records", force_ascii=False, date_format="iso", indent=1)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


class TableSink:
    """A table file written batch by batch (CSV, Parquet, Arrow IPC), whole or not at all.

    ``with TableSink(path) as sink: sink.write(frame)`` … The batches go to a temporary file
    beside ``path``, renamed to ``path`` when the block ends without an error and deleted when
    it raises. Every batch must have the first one's columns. JSON and Excel are collected and
    written at the end (they cannot be appended to).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.kind = table_format(self.path, "write")
        self.tmp = self.path.with_name(f".{self.path.name}.part")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.rows = 0
        self._fh: Any = None
        self._writer: Any = None
        self._schema: Any = None
        self._names: list[str] | None = None
        self._frames: list[pd.DataFrame] = []

    def __enter__(self) -> TableSink:
        return self

    def write(self, df: pd.DataFrame) -> None:
        """Append the rows of ``df``."""
        names = [str(c) for c in df.columns]
        if self._names is None:
            self._names = names
        elif names != self._names:
            raise ValueError(f"batch columns {names} differ from the first batch's {self._names}")
        self.rows += len(df)
        if self.kind not in STREAMABLE:
            self._frames.append(df)
            return
        table = _arrow_table(df, for_csv=self.kind == "csv")
        if self.kind == "csv":
            if self._fh is None:
                self._fh = self.tmp.open("wb")
                self._fh.write(CSV_BOM + _csv_header(names))
            _write_csv_rows(table, self._fh)
            return
        if self._schema is None:
            self._schema = table.schema
            if self.kind == "parquet":
                import pyarrow.parquet as pq

                self._writer = pq.ParquetWriter(self.tmp, self._schema)
            else:
                import pyarrow.ipc as ipc

                self._writer = ipc.new_file(str(self.tmp), self._schema)
        elif table.schema != self._schema:
            table = table.cast(self._schema)
        self._writer.write_table(table)

    def close(self, ok: bool = True) -> None:
        """Finish the file (``ok``) or delete what was written."""
        try:
            if self._writer is not None:
                self._writer.close()
            if self._fh is not None:
                self._fh.close()
            if ok:
                if self.kind not in STREAMABLE:
                    frame = pd.concat(self._frames, ignore_index=True) if self._frames else None
                    if frame is not None:
                        write_table(frame, self.path)
                    return
                if self._names is None:  # nothing written: an empty file with no columns
                    self.write(pd.DataFrame())
                    self.close(ok)
                    return
                os.replace(self.tmp, self.path)
        finally:
            self._writer = self._fh = None
            self.tmp.unlink(missing_ok=True)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close(ok=exc_type is None)


def table_rows_estimate(path: Path) -> int | None:
    """Rows of a table file: exact for Parquet and Arrow, estimated for CSV (from its size)."""
    path = Path(path)
    kind = FORMATS.get(path.suffix.lower())
    if kind == "parquet":
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(path).metadata.num_rows)
    if kind == "arrow":
        import pyarrow.feather as feather

        return int(feather.read_table(path, memory_map=True).num_rows)
    if kind == "csv":
        with path.open("rb") as fh:
            head = fh.read(1 << 20)
        lines = head.count(b"\n")
        if lines < 2:
            return None
        return max(0, int(path.stat().st_size * (lines - 1) / len(head)))
    return None
