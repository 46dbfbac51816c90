"""Times with offsets: converted to Beijing time, labelled on the way out; mixed offsets accepted."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from lanxi.cli.main import app
from lanxi.compute.times import to_beijing

runner = CliRunner()


def test_to_beijing_converts_offsets_and_keeps_naive_times() -> None:
    cells = pd.Series(
        [
            "2026-05-31T23:00:00Z",  # 07:00 next day in Beijing
            "2026-06-01 07:00",  # naive: Beijing already
            "2026-06-01T09:00+08:00",
            "2026-06-01T01:00:00-0100",  # 02:00 UTC = 10:00 Beijing
            "2026-05-31 15:30 UTC",
            "2026-06-01",  # a date: '-01' is not an offset
            "not a time",
            None,
        ]
    )
    t, had_offset = to_beijing(cells)
    assert had_offset
    assert [None if pd.isna(x) else str(x) for x in t] == [
        "2026-06-01 07:00:00",
        "2026-06-01 07:00:00",
        "2026-06-01 09:00:00",
        "2026-06-01 10:00:00",
        "2026-05-31 23:30:00",
        "2026-06-01 00:00:00",
        None,
        None,
    ]


def test_naive_only_reports_no_offset() -> None:
    _, had_offset = to_beijing(pd.Series(["2026-06-01", "2026-06-01 12:00"]))
    assert not had_offset


def test_mixed_offsets_in_air_aqi_give_beijing_times_labelled(tmp_path: Path) -> None:
    src = tmp_path / "z.csv"
    src.write_text(
        "station,time,pm2_5\nA,2026-05-31T23:00:00Z,30\nA,2026-06-01 08:00,40\n"
        "A,2026-06-01T09:00+08:00,50\n",
        encoding="utf-8",
    )
    out = tmp_path / "o.csv"
    res = runner.invoke(app, ["air", "aqi", str(src), "--out", str(out)])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(out)
    assert df["time"].tolist() == [
        "2026-06-01T07:00:00+08:00",
        "2026-06-01T08:00:00+08:00",
        "2026-06-01T09:00:00+08:00",
    ]


def test_naive_times_stay_naive(tmp_path: Path) -> None:
    src = tmp_path / "n.csv"
    src.write_text("station,time,pm2_5\nA,2026-06-01 08:00,40\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    assert runner.invoke(app, ["air", "aqi", str(src), "--out", str(out)]).exit_code == 0
    assert pd.read_csv(out)["time"].tolist() == ["2026-06-01T08:00:00"]


def test_utc_and_beijing_copies_of_one_hour_are_duplicates(tmp_path: Path) -> None:
    src = tmp_path / "d.csv"
    src.write_text(
        "station,time,pm2_5\nA,2026-06-01T02:00:00Z,30\nA,2026-06-01 10:00,30\n", encoding="utf-8"
    )
    res = runner.invoke(app, ["air", "aqi", str(src), "--out", str(tmp_path / "o.csv")])
    assert res.exit_code == 2
    assert "row 2" in res.output and "is also row 1" in res.output


def test_mixed_offsets_in_air_annual_and_water(tmp_path: Path) -> None:
    air = tmp_path / "a.csv"
    air.write_text(
        "station,time,pm2_5\nA,2025-06-01T00:00:00Z,30\nA,2025-06-02T00:00:00+05:00,30\n"
        "A,2025-06-03,30\n",
        encoding="utf-8",
    )
    res = runner.invoke(app, ["air", "annual", str(air), "--out", str(tmp_path / "o.csv")])
    assert res.exit_code == 0, res.output
    water = tmp_path / "w.csv"
    water.write_text(
        "section,time,waterbody,nh3n\nS1,2025-06-30T20:00:00Z,river,0.4\n"
        "S2,2025-06-01T10:00+08:00,river,0.4\n",
        encoding="utf-8",
    )
    out = tmp_path / "w_out.csv"
    res = runner.invoke(app, ["water", "classify", str(water), "--out", str(out)])
    assert res.exit_code == 0, res.output
    # 20:00 UTC on 30 June is 04:00 on 1 July in Beijing: a July sample
    assert pd.read_csv(out)["time"].tolist() == ["2025-07-01", "2025-06-01"]
