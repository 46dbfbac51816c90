"""Duplicate station-times and section-times: refused with the rows named, or resolved on request."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from lanxi.cli.main import app
from lanxi.compute.duplicates import resolve_duplicates
from lanxi.errors import ValidationError

runner = CliRunner()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _year_of_days(pm25: int) -> str:
    days = pd.date_range("2025-01-01", "2025-12-31", freq="D")
    return "".join(f"A,{d:%Y-%m-%d},{pm25}\n" for d in days)


def test_annual_daily_with_a_repeated_winter_is_refused(tmp_path: Path) -> None:
    # 365 days of PM2.5 35, then January to the middle of February again at 71: today's silent
    # answer would be n = 365 + 31 days and a mean above 35
    extra = "".join(f"A,{d:%Y-%m-%d},71\n" for d in pd.date_range("2025-01-01", periods=31))
    src = _write(tmp_path / "d.csv", "station,time,pm2_5\n" + _year_of_days(35) + extra)
    out = tmp_path / "o.csv"
    res = runner.invoke(app, ["air", "annual", str(src), "--kind", "daily", "--out", str(out)])
    assert res.exit_code == 2, res.output
    assert not out.exists()
    assert "row 366" in res.output and "is also row 1 (different values)" in res.output
    assert "… and 11 more duplicate rows" in res.output  # 31 repeats: 20 listed, 11 counted


def test_annual_daily_first_keeps_the_year(tmp_path: Path) -> None:
    extra = "".join(f"A,{d:%Y-%m-%d},71\n" for d in pd.date_range("2025-01-01", periods=31))
    src = _write(tmp_path / "d.csv", "station,time,pm2_5\n" + _year_of_days(35) + extra)
    out = tmp_path / "o.csv"
    res = runner.invoke(
        app,
        ["air", "annual", str(src), "--kind", "daily", "--duplicates", "first", "--out", str(out)],
    )
    assert res.exit_code == 0, res.output
    row = pd.read_csv(out).iloc[0]
    assert row["n_pm2_5"] == 365 and row["pm2_5_annual_mean"] == 35


def test_daily_rows_at_two_times_of_one_day_are_duplicates(tmp_path: Path) -> None:
    src = _write(
        tmp_path / "d.csv", "station,time,pm2_5\nA,2025-06-01 00:00,30\nA,2025-06-01 12:00,40\n"
    )
    res = runner.invoke(
        app, ["air", "annual", str(src), "--kind", "daily", "--out", str(tmp_path / "o.csv")]
    )
    assert res.exit_code == 2
    assert "row 2" in res.output and "station A on 2025-06-01" in res.output


def test_same_time_written_two_ways_is_a_duplicate(tmp_path: Path) -> None:
    src = _write(
        tmp_path / "h.csv",
        "station,time,pm2_5\nA,2025-06-01 10:00,30\nB,2025-06-01 10:00,30\nA,2025-06-01T10:00:00,30\n",
    )
    res = runner.invoke(app, ["air", "aqi", str(src), "--out", str(tmp_path / "o.csv")])
    assert res.exit_code == 2
    assert "row 3" in res.output and "is also row 1 (the same values)" in res.output


def test_aqi_mean_policy(tmp_path: Path) -> None:
    src = _write(
        tmp_path / "h.csv",
        "station,time,name,pm2_5\nA,2025-06-01 10:00,职工医院,30\nA,2025-06-01 10:00,职工医院,40\n",
    )
    out = tmp_path / "o.csv"
    res = runner.invoke(app, ["air", "aqi", str(src), "--duplicates", "mean", "--out", str(out)])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(out)
    # one row, PM2.5 (30 + 40) / 2 = 35 → IAQI 50
    assert len(df) == 1 and df.loc[0, "pm2_5"] == 35 and df.loc[0, "aqi"] == 50
    assert df.loc[0, "name"] == "职工医院"


def test_water_classify_duplicate_section_time(tmp_path: Path) -> None:
    src = _write(
        tmp_path / "w.csv",
        "section,time,waterbody,nh3n\nS1,2025-06-01,river,0.4\nS1,2025-06-01,river,1.8\n",
    )
    res = runner.invoke(app, ["water", "classify", str(src), "--out", str(tmp_path / "o.csv")])
    assert res.exit_code == 2
    # spreadsheet rows: header is row 1
    assert "row 3" in res.output and "section S1 at 2025-06-01 is also row 2" in res.output
    out = tmp_path / "o.csv"
    res = runner.invoke(
        app, ["water", "classify", str(src), "--duplicates", "last", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    df = pd.read_csv(out)
    # NH3-N 1.8: Ⅴ类 (1.5 < 1.8 ≤ 2.0)
    assert len(df) == 1 and df.loc[0, "water_class_label"] == "Ⅴ"


def test_resolve_without_duplicates_returns_the_frame() -> None:
    df = pd.DataFrame({"s": ["A", "B"], "v": [1, 2]})
    assert resolve_duplicates(df, [df["s"]]) is df


def test_missing_keys_are_not_duplicates() -> None:
    df = pd.DataFrame({"s": ["A", "A"], "t": [None, None]})
    assert resolve_duplicates(df, [df["s"], df["t"]]) is df


def test_unknown_policy() -> None:
    df = pd.DataFrame({"s": ["A", "A"]})
    with pytest.raises(ValueError, match="policy must be one of"):
        resolve_duplicates(df, [df["s"]], policy="median")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        resolve_duplicates(df, [df["s"]])
