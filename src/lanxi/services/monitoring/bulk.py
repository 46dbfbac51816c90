r"""Bulk insert of validated observation rows: ``COPY`` on PostgreSQL, JSON rows on SQLite.

The rows arrive validated and versioned (:mod:`lanxi.services.monitoring.submit`); this module
only moves them into the ``observations`` table inside the caller's transaction, so the batch
still lands whole or not at all, and every constraint, index and foreign key of the table is
checked by the database as for any other insert.

Why hand-written: neither SQLAlchemy's ``insert().values(list)`` nor ``DataFrame.to_sql`` uses
PostgreSQL's ``COPY``, and psycopg's ``Copy.write_row`` formats one row per Python call (a million
calls for the benchmark's file). Here the rows are formatted as CSV by pandas' C writer in chunks
and streamed to ``COPY … FROM STDIN (FORMAT csv)``. CSV cannot tell an empty string from NULL
(``COPY`` reads an unquoted empty field as NULL) and a multi-line field could hold a line ``\.``
(the end-of-data marker of older servers); when a text column holds an empty string or a line
break, the rows are sent with ``write_row`` instead, which is exact for every value.

On SQLite the varying columns go to the database as JSON arrays of rows, read by one ``INSERT …
SELECT … FROM json_each(?)`` per chunk, and the columns that hold one value for the whole batch
(user, status, batch, time, flags) are written once into the statement: binding a million rows
one by one through ``executemany`` cost a third more CPU (``benchmarks/bench_import.py``).
"""

from __future__ import annotations

import csv
import json
import sqlite3
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from lanxi.storage.models import ObservationRow

OBS: Table = ObservationRow.__table__  # type: ignore[assignment]

#: Rows formatted and sent per ``COPY`` write (bounds the memory of the CSV text).
COPY_CHUNK_ROWS = 100_000


def bulk_insert_observations(session: Session, rows: pd.DataFrame) -> None:
    """Insert observation rows fast: ``COPY`` on PostgreSQL, JSON rows on SQLite.

    Parameters
    ----------
    session : Session
        Open session; the rows are written in its transaction (the caller commits).
    rows : pandas.DataFrame
        The columns of the ``observations`` table except ``id``: indicator_id, region_code,
        period, value, unit, source, entered_by, status, version, is_current, synthetic,
        batch_id, created_at, note. Missing values (None, NaN) are stored as NULL.
    """
    if len(rows) == 0:
        return
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        _copy_postgres(conn.connection.driver_connection, rows)
        return
    if conn.dialect.name == "sqlite":
        cols = list(rows.columns)
        out = rows.copy()
        if "created_at" in out:
            stamps = out["created_at"]
            fmt = {t: _sqlite_time(t) for t in stamps.unique()}
            out["created_at"] = stamps.map(fmt)
        for b in ("is_current", "synthetic"):
            if b in out:
                out[b] = out[b].astype(int)
        if "version" in out:
            out["version"] = out["version"].astype(int)
        # columns with one value for the whole batch (user, status, batch, time, flags) are
        # written once into the statement, so the driver binds only the varying ones per row
        slots: list[str] = []
        columns: list[list[Any]] = []
        for c in cols:
            literal = _constant_literal(out[c])
            if literal is None:
                slots.append("?")
                columns.append(_py_column(out[c]))
            else:
                slots.append(literal)
        names = ", ".join(cols)
        if not columns:  # every column constant (a single row): nothing to bind
            for _ in range(len(out)):
                conn.exec_driver_sql(
                    f"INSERT INTO observations ({names}) VALUES ({', '.join(slots)})"
                )
            return
        chunks = _json_chunks(columns) if sqlite3.sqlite_version_info >= (3, 38) else None
        if chunks is not None:
            # one statement per chunk: SQLite reads the rows from a JSON array in C
            k = iter(range(len(columns)))
            picks = ", ".join(f"value->>{next(k)}" if x == "?" else x for x in slots)
            sql = f"INSERT INTO observations ({names}) SELECT {picks} FROM json_each(?)"
            for chunk in chunks:
                conn.exec_driver_sql(sql, (chunk,))
            return
        sql = f"INSERT INTO observations ({names}) VALUES ({', '.join(slots)})"
        conn.exec_driver_sql(sql, list(zip(*columns, strict=True)))
        return
    session.execute(insert(OBS), rows.astype(object).where(rows.notna(), None).to_dict("records"))


def _copy_postgres(raw: Any, rows: pd.DataFrame) -> None:
    """``COPY`` the rows through the psycopg connection ``raw`` (same transaction)."""
    assert raw is not None
    cols = ", ".join(rows.columns)
    with raw.cursor() as cur:
        if _csv_safe(rows):
            rows = _times_as_text(rows)
            sql = f"COPY observations ({cols}) FROM STDIN (FORMAT csv)"
            with cur.copy(sql) as copy:
                for start in range(0, len(rows), COPY_CHUNK_ROWS):
                    chunk = rows.iloc[start : start + COPY_CHUNK_ROWS]
                    text = chunk.to_csv(
                        index=False,
                        header=False,
                        na_rep="",
                        quoting=csv.QUOTE_MINIMAL,
                        lineterminator="\n",
                    )
                    copy.write(text.encode("utf-8"))
            return
        objs = rows.astype(object).where(rows.notna(), None)
        with cur.copy(f"COPY observations ({cols}) FROM STDIN") as copy:
            for rec in objs.itertuples(index=False, name=None):
                copy.write_row(rec)


def _times_as_text(rows: pd.DataFrame) -> pd.DataFrame:
    """Timestamps as ISO 8601 text, each distinct one formatted once.

    ``to_csv`` formats a datetime column cell by cell, which took longer than all other columns
    together for a batch (whose rows share one ``created_at``).
    """
    out = rows
    for name in rows.columns:
        s = rows[name]
        if s.dtype.kind == "M":
            text = {t: pd.Timestamp(t).isoformat() for t in s.dropna().unique()}
            out = out.assign(**{name: s.map(text)})
    return out


def _json_chunks(columns: list[list[Any]]) -> list[str] | None:
    """The rows as JSON arrays of ``COPY_CHUNK_ROWS`` rows, or None if a value is not JSON.

    Every chunk is encoded before anything is inserted, so a value JSON cannot hold (NaN,
    infinity, an object) sends the whole batch through ``executemany`` instead. Python's encoder
    writes floats by ``repr`` and SQLite reads them back to the same double (checked by
    ``tests/monitoring/test_bulk.py``).
    """
    out = []
    for start in range(0, len(columns[0]), COPY_CHUNK_ROWS):
        part = [c[start : start + COPY_CHUNK_ROWS] for c in columns]
        try:
            out.append(
                json.dumps(list(zip(*part, strict=True)), ensure_ascii=False, allow_nan=False)
            )
        except (TypeError, ValueError):
            return None
    return out


def _csv_safe(rows: pd.DataFrame) -> bool:
    """True when no text cell is empty or spans lines (then CSV is exact, see the module)."""
    for name in rows.columns:
        s = rows[name]
        if s.dtype.kind in "biufcmM":
            continue
        for u in pd.unique(s.to_numpy(dtype=object)):
            if isinstance(u, str) and (u == "" or "\n" in u or "\r" in u):
                return False
    return True


def _py_column(s: pd.Series) -> list[Any]:
    """A column as a list of Python values (None for missing), for the DB-API driver."""
    if s.dtype == object or str(s.dtype) in ("str", "string"):
        arr = s.to_numpy(dtype=object)
        mask = pd.isna(arr)
        if mask.any():
            arr = arr.copy()
            arr[mask] = None
        return arr.tolist()
    if s.dtype.kind == "f":
        arr = s.to_numpy()
        out = arr.tolist()
        if np.isnan(arr).any():
            out = [None if np.isnan(x) else x for x in out]
        return out
    return s.tolist()


def _constant_literal(s: pd.Series) -> str | None:
    """A SQLite literal for a column holding one text or integer value, else None.

    Text is quoted by SQLite's only rule (a quote is doubled); texts with a NUL, floats and
    missing values are bound as parameters instead.
    """
    if s.dtype.kind == "f":
        return None
    first = s.iloc[0]
    if isinstance(first, bool | np.bool_):
        value: Any = int(first)
    elif isinstance(first, int | np.integer):
        value = int(first)
    elif isinstance(first, str) and "\x00" not in first:
        value = first
    else:
        return None
    if not (s == first).all():
        return None
    if isinstance(value, int):
        return str(value)
    return "'" + value.replace("'", "''") + "'"


def _sqlite_time(t: Any) -> str:
    """A timestamp as SQLAlchemy stores ``DateTime`` in SQLite (naive UTC, microseconds)."""
    ts = pd.Timestamp(t)
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts.strftime("%Y-%m-%d %H:%M:%S.%f")
