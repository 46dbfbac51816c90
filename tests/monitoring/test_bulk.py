"""The bulk insert stores every value exactly, on SQLite and PostgreSQL (both COPY paths)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from lanxi.services.monitoring.submit import submit_file
from lanxi.storage.models import ObservationRow, SubmissionBatchRow

NOTES = {
    "2001": 'comma, "quotes" and \\N, \\. 反斜杠',
    "2002": None,  # an empty cell: NULL
    "2003": "  ≈ 左右; tab\there ",
    "2004": "-",
}


def write(path: Path, notes: dict[str, str | None], source: str = "公报") -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["indicator_id", "region_code", "period", "value", "unit", "source", "note"])
        for k, (period, note) in enumerate(notes.items()):
            w.writerow(
                ["urbanization_rate", "620100", period, f"6{k}.123456789012", "%", source, note]
            )
    return path


def stored(store: sessionmaker[Session]) -> dict[str, tuple[float, str | None, str]]:
    with store() as s:
        rows = s.execute(
            select(
                ObservationRow.period,
                ObservationRow.value,
                ObservationRow.note,
                ObservationRow.source,
            )
        ).all()
    return {p: (v, n, src) for p, v, n, src in rows}


@pytest.mark.parametrize(
    "notes",
    [NOTES, {**NOTES, "2005": "two\nlines\n\\.\nand a dot line"}],
    ids=["csv-copy", "row-copy"],
)
def test_values_and_texts_round_trip(
    store: sessionmaker[Session], tmp_path: Path, notes: dict[str, str | None]
) -> None:
    with store() as s, s.begin():
        r = submit_file(s, write(tmp_path / "n.csv", notes), "admin")
    assert r.inserted == len(notes)
    got = stored(store)
    expect = {
        p: (float(f"6{k}.123456789012"), None if n is None else n.strip(), "公报")
        for k, (p, n) in enumerate(notes.items())
    }
    assert got == expect
    with store() as s:  # every row carries its batch's time, to the microsecond
        batch = s.get(SubmissionBatchRow, r.batch_id)
        stamps = set(s.scalars(select(ObservationRow.created_at)))
    assert batch is not None and len(stamps) == 1
    (stamp,) = stamps

    def utc(t: dt.datetime) -> dt.datetime:  # SQLite gives naive UTC, PostgreSQL aware times
        return t.replace(tzinfo=dt.UTC) if t.tzinfo is None else t.astimezone(dt.UTC)

    assert utc(stamp) == utc(batch.created_at)


def test_a_constant_text_with_quotes_is_stored_as_given(
    store: sessionmaker[Session], tmp_path: Path
) -> None:
    # one source for every row: SQLite writes it once into the statement, quoted
    source = "O'Brien's 公报'); DROP TABLE observations; --"
    with store() as s, s.begin():
        submit_file(s, write(tmp_path / "q.csv", {"2001": "a", "2002": "b"}, source), "admin")
    assert {src for _, _, src in stored(store).values()} == {source}


def test_every_double_comes_back_exactly(store: sessionmaker[Session], tmp_path: Path) -> None:
    import numpy as np

    regions = ["620100", "620102", "630100", "630102", "620000", "630000", "LXCSQ"]
    rng = np.random.default_rng(7)
    values = (rng.random(300 * len(regions)) * 100).tolist()
    values[:4] = [0.1 + 0.2, 100 / 3, 5e-324, 99.99999999999999]
    path = tmp_path / "many.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write("indicator_id,region_code,period,value,unit,source,note\n")
        k = 0
        for r in regions:
            for year in range(1900, 2200):
                f.write(f"urbanization_rate,{r},{year},{values[k]!r},%,s,\n")
                k += 1
    with store() as s, s.begin():
        assert submit_file(s, path, "admin").inserted == len(values)
    with store() as s:
        got = s.scalars(select(ObservationRow.value).order_by(ObservationRow.id)).all()
    assert got == values


def test_a_row_without_varying_columns(store: sessionmaker[Session], tmp_path: Path) -> None:
    import pandas as pd

    from lanxi.services.monitoring.bulk import bulk_insert_observations

    with store() as s, s.begin():
        r = submit_file(s, write(tmp_path / "one.csv", {"2001": None}), "admin")
        batch = s.get(SubmissionBatchRow, r.batch_id)
        assert batch is not None
        row = {
            "indicator_id": "urbanization_rate",
            "region_code": "630100",
            "period": "2001",
            "value": 5,  # an integer: every column holds one value
            "unit": "%",
            "source": "s",
            "entered_by": "admin",
            "status": "submitted",
            "version": 1,
            "is_current": True,
            "synthetic": False,
            "batch_id": r.batch_id,
            "created_at": batch.created_at,
            "note": "n",
        }
        bulk_insert_observations(s, pd.DataFrame([row]))
    with store() as s:
        got = s.execute(
            select(ObservationRow.region_code, ObservationRow.value, ObservationRow.note).order_by(
                ObservationRow.region_code
            )
        ).all()
    assert [tuple(g) for g in got] == [("620100", 60.123456789012, None), ("630100", 5.0, "n")]
