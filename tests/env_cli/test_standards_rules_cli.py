"""The rules of issue 13 on the command line: HJ 633-2026 5.3.1/5.3.2 and the HJ 663 percentiles."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from lanxi.cli.main import app

runner = CliRunner()

ROW = (
    "station,time,so2,no2,pm10,pm2_5,o3_1h,co\n"
    "1001A,2026-06-01 12:00,,20,40,30,100,0.5\n"
    "1001A,2025-06-01 12:00,,20,40,30,100,0.5\n"
)


def test_air_aqi_withholds_the_2026_aqi_when_so2_is_missing(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(ROW, encoding="utf-8")
    out = tmp_path / "out.csv"
    res = runner.invoke(app, ["air", "aqi", str(src), "--out", str(out)])
    assert res.exit_code == 0, res.output
    got = pd.read_csv(out)
    # 2026 (5.3.1): the others give 43 ≤ 100 → no AQI, no category; 2025 (HJ 633-2012): 43 优
    assert pd.isna(got.loc[0, "aqi"]) and pd.isna(got.loc[0, "category"])
    assert got.loc[0, "iaqi_pm2_5"] == 43
    assert got.loc[1, "aqi"] == 43 and got.loc[1, "category"] == "优"
    # 5.3.2 declared: SO2 is not in the monitoring programme
    res = runner.invoke(app, ["air", "aqi", str(src), "--out", str(out), "--not-monitored", "so2"])
    assert res.exit_code == 0, res.output
    assert pd.read_csv(out)["aqi"].tolist() == [43, 43]


def test_air_aqi_refuses_an_unknown_not_monitored_pollutant(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(ROW, encoding="utf-8")
    res = runner.invoke(
        app, ["air", "aqi", str(src), "--out", str(tmp_path / "o.csv"), "--not-monitored", "SO2"]
    )
    assert res.exit_code == 2
    assert "not_monitored" in res.stderr and "SO2" in res.stderr
