"""Printing records in the formats every listing command offers: table, csv, json, xlsx."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from lanxi.export import _flat, to_csv, to_json, write_xlsx

console = Console()
err_console = Console(stderr=True)


class Format(StrEnum):
    """Output formats of listing commands."""

    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


def emit(
    records: Sequence[Mapping[str, Any]],
    fmt: Format,
    *,
    table_columns: Mapping[str, str],
    out: Path | None = None,
    sheet: str = "data",
    title: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Print or write ``records`` in ``fmt``.

    Parameters
    ----------
    records : sequence of dict
        The records, in their stable JSON shape.
    fmt : Format
        ``table`` prints the ``table_columns`` with Chinese headers; ``csv`` and ``json`` print
        every field (or write to ``out``); ``xlsx`` writes a formatted workbook to ``out``.
    table_columns : mapping
        Field → header for the terminal table.
    out : Path, optional
        File to write instead of standard output (required for ``xlsx``).
    sheet, title, headers
        Passed to :func:`lanxi.export.write_xlsx`.
    """
    if fmt is Format.xlsx:
        if out is None:
            raise typer.BadParameter("--format xlsx needs --out FILE.xlsx", param_hint="--out")
        write_xlsx({sheet: records}, out, headers=headers, title=title)
        err_console.print(f"写入 Wrote {len(records)} rows to {out}")
        return
    if fmt is Format.table:
        table = Table(title=title, show_lines=False, header_style="bold cyan", expand=False)
        for header in table_columns.values():
            table.add_column(header, overflow="fold")
        for r in records:
            table.add_row(
                *["" if (v := _flat(r.get(k))) is None else str(v) for k in table_columns]
            )
        console.print(table)
        console.print(f"[dim]{len(records)} 条 rows[/dim]")
        return
    if out is not None and _write_file(records, fmt, out):
        err_console.print(f"写入 Wrote {len(records)} rows to {out}")
        return
    text = to_json(records) if fmt is Format.json else to_csv(records)
    if out is not None:
        out.write_text(text, encoding="utf-8")
        err_console.print(f"写入 Wrote {len(records)} rows to {out}")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _write_file(records: Sequence[Mapping[str, Any]], fmt: Format, out: Path) -> bool:
    """Write a CSV, Parquet or Arrow file through :func:`lanxi.io.tables.write_table`.

    The file's extension chooses the format (an unknown one is refused, naming the ones
    accepted); a ``.json`` file keeps the JSON shape (nested values nested): False is returned
    for the caller to write it. Nested values are flattened as in the CSV text.
    """
    from lanxi.io.tables import check_output

    kind = check_output(out)
    if kind == "json":
        return False
    import pandas as pd

    from lanxi.export import columns_of
    from lanxi.io.tables import write_table

    cols = columns_of(records)
    frame = pd.DataFrame([[_flat(r.get(c)) for c in cols] for r in records], columns=cols)
    write_table(frame, out)
    return True
