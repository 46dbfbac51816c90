"""Uploaded files: limits checked before anything is parsed, and reading that never crashes.

An upload is refused before it is parsed when it is over a limit (:class:`UploadLimits`: file
size; for ``.xlsx`` the uncompressed size and the number of zip members, read from the zip's
directory; the number of data rows, counted on the raw bytes), and with a clear 422 when it is
not what its name says (a zip that is not a workbook, a truncated workbook, an ``.xls`` that is
not an Excel 97–2003 file). ``.xls`` files are read with python-calamine.

The declared sizes of a zip's members are the real bound: Python's zip reader (used by openpyxl)
stops every member at its declared size, so a member that inflates further is cut there, never
read in full.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from lanxi.errors import LanxiError, Problem, ValidationError
from lanxi.io.tables import read_table

MiB = 2**20
#: Member of every Excel workbook (an .xlsx without it is some other zip).
WORKBOOK_MEMBER = "xl/workbook.xml"
#: Start of every OLE2 compound file (an Excel 97–2003 .xls).
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml")


class UploadRefused(LanxiError):  # noqa: N818 - reads as the HTTP outcome
    """An upload refused before parsing: over a limit (413) or unreadable (422).

    Parameters
    ----------
    status : int
        413 (over a limit) or 422 (not a readable file of its kind).
    code : str
        ``too_large`` or ``unreadable_file``.
    problem : Problem
        What is wrong, in English and Chinese.
    """

    def __init__(self, status: int, code: str, problem: Problem) -> None:
        self.status = status
        self.code = code
        self.problem = problem
        super().__init__(problem.message)


@dataclass(frozen=True)
class UploadLimits:
    """The limits of one upload (settings ``LANXI_UPLOAD_*``, ``docs/deploy.md``).

    Attributes
    ----------
    max_bytes : int
        Largest file accepted.
    max_uncompressed_bytes : int
        ``.xlsx``: largest total of the zip members' declared uncompressed sizes.
    max_members : int
        ``.xlsx``: most zip members.
    max_rows : int
        Most data rows (CSV lines, or ``<row>`` elements of a worksheet).
    """

    max_bytes: int = 20 * MiB
    max_uncompressed_bytes: int = 100 * MiB
    max_members: int = 500
    max_rows: int = 200_000

    @classmethod
    def from_settings(cls, settings: Any = None) -> UploadLimits:
        """The limits of ``settings`` (default: the process's settings)."""
        if settings is None:
            from lanxi.settings import get_settings

            settings = get_settings()
        return cls(
            max_bytes=settings.upload_max_mb * MiB,
            max_uncompressed_bytes=settings.upload_max_uncompressed_mb * MiB,
            max_members=settings.upload_max_members,
            max_rows=settings.upload_max_rows,
        )


def safe_name(name: str | None) -> str:
    """A file name without directories or odd characters (the batch keeps it)."""
    base = Path((name or "upload").replace("\\", "/")).name
    base = re.sub(r"[^\w.\-]+", "_", base).strip("._") or "upload"
    return base[:120]


def _too_large(name: str, en: str, zh: str) -> UploadRefused:
    return UploadRefused(413, "too_large", Problem(name, None, None, en, message_zh=zh))


def _unreadable(name: str, en: str, zh: str) -> UploadRefused:
    return UploadRefused(422, "unreadable_file", Problem(name, None, None, en, message_zh=zh))


def _rows_over(name: str, rows: int, limits: UploadLimits) -> UploadRefused:
    return _too_large(
        name,
        f"the file has more than {limits.max_rows:,} data rows ({rows:,} found); split it into "
        "several files",
        f"文件数据行数超过上限 {limits.max_rows:,} 行（约 {rows:,} 行），请拆分为多个文件提交",
    )


def check_upload(data: bytes, name: str, limits: UploadLimits) -> None:
    """Refuse an upload over a limit, or not a file of its kind, before it is parsed.

    Parameters
    ----------
    data : bytes
        The file's content.
    name : str
        Its (safe) name; the extension says what it should be.
    limits : UploadLimits
        The limits.

    Raises
    ------
    UploadRefused
        413 ``too_large`` or 422 ``unreadable_file``, with a problem in English and Chinese.
    """
    if len(data) > limits.max_bytes:
        raise _too_large(
            name,
            f"the file is {len(data) / MiB:.1f} MiB; the largest accepted is "
            f"{limits.max_bytes / MiB:.0f} MiB",
            f"文件大小 {len(data) / MiB:.1f} MiB，超过上限 {limits.max_bytes / MiB:.0f} MiB",
        )
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        comments = 0
        for line in data.splitlines()[:200]:
            if not line.lstrip(b"\xef\xbb\xbf").startswith(b"#"):
                break
            comments += 1
        rows = lines - comments - 1
        if rows > limits.max_rows:
            raise _rows_over(name, rows, limits)
    elif suffix == ".xlsx":
        _check_xlsx(data, name, limits)
    elif suffix == ".xls" and not data.startswith(OLE2_MAGIC):
        if data.startswith(b"PK"):
            en, zh = (
                "the file is an .xlsx workbook named .xls; rename it to .xlsx",
                "该文件实为 .xlsx 工作簿，请将扩展名改为 .xlsx",
            )
        else:
            en = "the file is not an Excel 97–2003 workbook (.xls); save it as .xlsx or CSV"
            zh = "该文件不是 Excel 97–2003 工作簿（.xls），请另存为 .xlsx 或 CSV"
        raise _unreadable(name, en, zh)


def _check_xlsx(data: bytes, name: str, limits: UploadLimits) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise _unreadable(
            name,
            f"the file is not a complete .xlsx workbook (damaged or truncated: {exc}); save it "
            "again from Excel",
            "文件不是完整的 .xlsx 工作簿（已损坏或不完整），请在 Excel 中重新保存后提交",
        ) from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_members:
            raise _too_large(
                name,
                f"the workbook has {len(infos)} parts; at most {limits.max_members} are accepted",
                f"工作簿包含 {len(infos)} 个部件，超过上限 {limits.max_members} 个",
            )
        total = sum(i.file_size for i in infos)
        if total > limits.max_uncompressed_bytes:
            raise _too_large(
                name,
                f"the workbook unpacks to {total / MiB:,.0f} MiB; the largest accepted is "
                f"{limits.max_uncompressed_bytes / MiB:.0f} MiB (a compressed 'zip bomb' or a "
                "workbook with far more than data)",
                f"工作簿解压后 {total / MiB:,.0f} MiB，超过上限 "
                f"{limits.max_uncompressed_bytes / MiB:.0f} MiB",
            )
        names = {i.filename for i in infos}
        if WORKBOOK_MEMBER not in names:
            raise _unreadable(
                name,
                "the file is a zip archive but not an Excel workbook (it has no "
                f"{WORKBOOK_MEMBER}); upload the .xlsx made from the template",
                "文件是 zip 压缩包而不是 Excel 工作簿，请上传由模板填写的 .xlsx 文件",
            )
        try:
            for info in infos:
                if _SHEET.fullmatch(info.filename):
                    rows = _count_rows(zf, info)
                    if rows - 1 > limits.max_rows:
                        raise _rows_over(name, rows - 1, limits)
        except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
            raise _unreadable(
                name,
                f"a part of the workbook is damaged ({exc}); save it again from Excel",
                "工作簿的部分内容已损坏，请在 Excel 中重新保存后提交",
            ) from exc


def _count_rows(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """``<row`` elements of a worksheet, counted on the stream (bounded memory)."""
    n = 0
    tail = b""
    with zf.open(info) as f:
        while chunk := f.read(1 << 20):
            buf = tail + chunk
            n += buf.count(b"<row ") + buf.count(b"<row>")
            tail = buf[-5:]
            n -= tail.count(b"<row ") + tail.count(b"<row>")
    n += tail.count(b"<row ") + tail.count(b"<row>")
    return n


def read_upload(path: Path) -> tuple[pd.DataFrame, str | None]:
    """Read a checked upload as text cells: ``(frame, sheet name)``.

    CSV through :func:`lanxi.io.tables.read_table` (the template's ``#`` lines skipped); Excel:
    the ``data`` sheet if there is one, else the first; ``.xls`` with python-calamine.

    Raises
    ------
    ValidationError
        The file cannot be read as a table (the problem says why, in English and Chinese).
    """
    from lanxi.services.monitoring.validate import FIRST_ROW

    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            skip = _leading_comment_lines(path)
            frame = read_table(path, skip_rows=skip)
            frame.attrs["first_row"] = FIRST_ROW + skip
            return frame, None
        if suffix in (".xls", ".xlsx"):
            return read_excel_text(path)
        return read_table(path), None
    except (ValidationError, UploadRefused):
        raise
    except Exception as exc:
        raise ValidationError(
            [
                Problem(
                    path.name,
                    None,
                    None,
                    f"cannot read the file as a table ({type(exc).__name__}: {exc}); save it "
                    "again as .xlsx or UTF-8 CSV from the template",
                    message_zh="无法读取该文件的表格内容，请按模板另存为 .xlsx 或 UTF-8 CSV 后提交",
                )
            ]
        ) from exc


def _cell_text(v: object) -> str | None:
    """A workbook cell as the text a user typed (``2023`` not ``2023.0``; empty as missing)."""
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    return v if isinstance(v, str) else str(v)


def read_excel_text(path: Path) -> tuple[pd.DataFrame, str | None]:
    """The ``data`` sheet (else the first) of an .xlsx or .xls as text cells, streamed.

    python-calamine reads both formats, several times faster than openpyxl; rows are turned into
    text columns one at a time, so the only copy of the table in Python is the frame's (about
    180 MB for 200 000 rows of the template, ``docs/deploy.md``). Date cells come out as
    ``2025-06-01 00:00:00``; the validators turn them into the month or year asked for.
    """
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    names = list(wb.sheet_names)
    if not names:
        raise ValidationError(
            [
                Problem(
                    path.name,
                    None,
                    None,
                    "the workbook has no sheet",
                    message_zh="工作簿中没有工作表",
                )
            ]
        )
    sheet = "data" if "data" in names else names[0]
    rows = wb.get_sheet_by_name(sheet).iter_rows()
    header_row = next(rows, [])
    header: list[str] = []
    for h in header_row:
        name = str(_cell_text(h) or "").strip()
        base, k = name, 1
        while name in header:
            name, k = f"{base}.{k}", k + 1
        header.append(name)
    cols: list[list[str | None]] = [[] for _ in header]
    width = len(header)
    for r in rows:
        n = min(width, len(r))
        for j in range(n):
            cols[j].append(_cell_text(r[j]))
        for j in range(n, width):
            cols[j].append(None)
    # drop the empty rows a sheet often ends with (formatting without values)
    frame = pd.DataFrame({h: pd.Series(c, dtype=object) for h, c in zip(header, cols, strict=True)})
    del cols
    last = frame.notna().any(axis=1)
    if len(frame) and not last.iloc[-1]:
        keep = last[::-1].cummax()[::-1]
        frame = frame.loc[keep.to_numpy()]
    frame.attrs["file"] = path.name
    return frame, sheet


def _leading_comment_lines(path: Path) -> int:
    """How many lines at the top of a CSV start with ``#`` (a template's code lists)."""
    n = 0
    with path.open("rb") as f:
        for raw in f:
            line = raw.removeprefix(b"\xef\xbb\xbf") if n == 0 else raw
            if not line.startswith(b"#"):
                break
            n += 1
    return n
