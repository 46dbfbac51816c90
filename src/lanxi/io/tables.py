"""Reading and writing tabular files (CSV, Excel, JSON) for the engines' command-line front ends.

The engines take DataFrames; this module is the I/O around them. Cells are read as text so that the
engines' validators see exactly what the user wrote (``"12,3"`` or ``"n/a"`` is reported, not
silently turned into NaN).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lanxi.errors import Problem, ValidationError
from lanxi.export import csv_safe_frame

READABLE = (".csv", ".xlsx", ".xls")
WRITABLE = (".csv", ".xlsx", ".json")


def read_table(path: Path, *, sheet: str | int = 0, skip_rows: int = 0) -> pd.DataFrame:
    """Read a CSV (UTF-8, with or without BOM) or Excel file as a frame of strings.

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
        One column per header cell, values as strings (empty cells as missing).

    Raises
    ------
    ValidationError
        If the file is missing, of an unknown kind, or not readable as a table.
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
    try:
        if suffix == ".csv":
            df = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                na_values=[""],
                encoding="utf-8-sig",
                skiprows=skip_rows,
            )
        else:
            # the engine named: .xls through python-calamine (xlrd is not installed); naming
            # openpyxl also keeps pandas from warning that its default will change
            engine = "calamine" if suffix == ".xls" else "openpyxl"
            df = pd.read_excel(
                path,
                sheet_name=sheet,
                dtype=str,
                keep_default_na=False,
                na_values=[""],
                engine=engine,
            )
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise ValidationError(
            [Problem(path.name, None, None, f"cannot read as a table: {exc}")]
        ) from exc
    df.columns = [str(c).strip() for c in df.columns]
    df.attrs["file"] = path.name
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
