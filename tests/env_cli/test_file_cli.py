"""`lanxi air …` and `lanxi water …` on files: the contract of issue 3."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from tests.strict_json import strict_loads
from typer.testing import CliRunner

from lanxi.cli.main import app

runner = CliRunner()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_air_aqi_hourly_csv_carries_identifying_columns(tmp_path: Path) -> None:
    src = _write(
        tmp_path / "h.csv",
        "station,time,name,city,so2,no2,pm10,pm2_5,o3_1h,co\n"
        "1001A,2025-06-01 10:00,职工医院,兰州,10,40,80,35,120,0.8\n"
        "1001A,2025-06-01 11:00,职工医院,兰州,10,40,80,80,120,0.8\n"
        "1001A,2025-06-01 12:00,职工医院,兰州,10,40,40,20,100,0.8\n",
    )
    out = tmp_path / "o.csv"
    res = runner.invoke(app, ["air", "aqi", str(src), "--kind", "hourly", "--out", str(out)])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(out, keep_default_na=False)
    assert list(df["name"]) == ["职工医院"] * 3 and list(df["city"]) == ["兰州"] * 3
    # PM10 80: (100-50)/(150-50)×(80-50)+50 = 65; PM2.5 80: (150-100)/(115-75)×5+100 = 106.25 → 107
    assert list(df["aqi"]) == [65, 107, 40]
    assert list(df["category"]) == ["良", "轻度污染", "优"]
    assert list(df["primary_pollutant"]) == ["PM10", "PM2.5", ""]
    assert {"iaqi_so2", "iaqi_pm2_5", "iaqi_co", "iaqi_o3_1h"} <= set(df.columns)
    assert set(df["edition"].astype(str)) == {"2012"}


def test_air_aqi_edition_2026_json_and_xlsx(tmp_path: Path) -> None:
    src = _write(tmp_path / "d.csv", "station,time,pm2_5\nA,2025-06-01,61\n")
    out = tmp_path / "o.json"
    args = ["air", "aqi", str(src), "--kind", "daily", "--edition", "2026", "--out", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    rec = strict_loads(out.read_text(encoding="utf-8"))[0]
    assert rec["edition"] == "2026" and rec["aqi"] == 101 and rec["category"] == "轻度污染"
    xl = tmp_path / "o.xlsx"
    args[-1] = str(xl)
    assert runner.invoke(app, args).exit_code == 0
    ws = openpyxl.load_workbook(xl).active
    assert ws is not None and "aqi" in [c.value for c in ws[1]]


def test_air_aqi_bad_input_lists_every_problem_and_writes_nothing(tmp_path: Path) -> None:
    src = _write(
        tmp_path / "bad.csv",
        "station,time,pm25,so2,co\nA,notadate,3,-1,x\nA,2025-01-01,3,5,2\n",
    )
    out = tmp_path / "o.csv"
    res = runner.invoke(app, ["air", "aqi", str(src), "--out", str(out)])
    assert res.exit_code == 2
    err = res.stderr
    for needle in ("'pm25': unknown column", "row 1, field 'time'", "field 'so2'", "field 'co'"):
        assert needle in err
    assert not out.exists()


def test_air_aqi_co_in_micrograms_refused(tmp_path: Path) -> None:
    src = _write(tmp_path / "co.csv", "station,time,co\nA,2025-01-01,800\nA,2025-01-02,900\n")
    res = runner.invoke(app, ["air", "aqi", str(src), "--out", str(tmp_path / "o.csv")])
    assert res.exit_code == 2 and "µg/m³" in res.stderr


def test_air_aqi_unknown_output_kind(tmp_path: Path) -> None:
    src = _write(tmp_path / "d.csv", "station,time,pm2_5\nA,2025-06-01,61\n")
    res = runner.invoke(app, ["air", "aqi", str(src), "--out", str(tmp_path / "o.txt")])
    assert res.exit_code == 2 and not (tmp_path / "o.txt").exists()


def test_air_annual_daily_station_and_city(tmp_path: Path) -> None:
    days = pd.date_range("2025-01-01", periods=365, freq="D").strftime("%Y-%m-%d")
    i = np.arange(1, 366)
    frames = []
    for st, pm in (("A", 30.0), ("B", 40.0)):
        frames.append(
            pd.DataFrame(
                {
                    "station": st,
                    "city": "兰州",
                    "time": days,
                    "so2": 10.0,
                    "no2": 30.0,
                    "pm10": 60.0,
                    "pm2_5": pm,
                    "co": i / 100,
                    "o3_8h": i / 4,
                }
            )
        )
    src = tmp_path / "daily.csv"
    pd.concat(frames).to_csv(src, index=False)
    out = tmp_path / "annual.csv"
    res = runner.invoke(app, ["air", "annual", str(src), "--out", str(out)])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(out)
    assert list(df["level"]) == ["station", "station", "city"]
    city = df[df["level"] == "city"].iloc[0]
    # 兰州 is named by its current name and code (one lookup, services/regions.py)
    assert city["unit"] == "兰州市" and str(city["region_code"]) == "620100"
    assert city["pm2_5_annual_mean"] == pytest.approx(35.0)
    assert bool(city["pm2_5_complies"])  # 35 ≤ 35 (GB 3095-2012 grade Ⅱ)
    # k = 1 + 364 × 0.95 = 346.8 → 3.468 mg/m³, reported rounded (HJ 663 数据修约, GB/T 8170)
    assert city["co_p95"] == 3.5 and city["co_p95_raw"] == pytest.approx(3.468)
    assert city["rounding"] == "HJ 663-2013 数据修约 (GB/T 8170)"
    assert city["edition"] == 2012
    b = df[df["unit"] == "B"].iloc[0]
    assert not bool(b["pm2_5_complies"]) and not bool(b["complies_grade_ii"])


def test_air_annual_from_hourly(tmp_path: Path) -> None:
    hours = pd.date_range("2025-03-01", periods=48, freq="h")
    df = pd.DataFrame(
        {"station": "A", "time": hours.strftime("%Y-%m-%d %H:%M"), "pm2_5": 50.0, "o3_1h": 80.0}
    )
    src = tmp_path / "h.csv"
    df.to_csv(src, index=False)
    out = tmp_path / "a.csv"
    res = runner.invoke(app, ["air", "annual", str(src), "--out", str(out)])
    assert res.exit_code == 0, res.output
    r = pd.read_csv(out).iloc[0]
    assert r["n_pm2_5"] == 2 and r["pm2_5_annual_mean"] == 50.0 and not bool(r["pm2_5_valid"])
    assert r["good_days"] == 2


def test_water_classify(tmp_path: Path) -> None:
    src = _write(
        tmp_path / "w.csv",
        "section,time,waterbody,name,do,nh3n,tp,codmn\n"
        "HS1,2025-03-15,river,民和桥,6.5,1.2,0.25,3\n"
        "HS1,2025-04-15,river,民和桥,8,0.1,0.01,1\n"
        "L1,2025-04-15,lake,湖,8,0.1,0.03,1\n",
    )
    out = tmp_path / "o.csv"
    res = runner.invoke(app, ["water", "classify", str(src), "--out", str(out)])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(out, keep_default_na=False)
    assert list(df["water_class"]) == [4, 1, 3]
    assert list(df["water_class_label"]) == ["Ⅳ", "Ⅰ", "Ⅲ"]
    assert df.loc[0, "worst_items"] == "nh3n;tp"
    assert df.loc[0, "name"] == "民和桥"


def test_water_classify_bad_input(tmp_path: Path) -> None:
    src = _write(
        tmp_path / "w.csv",
        "section,time,waterbody,nh3n,foo\nS,2025-13-01,sea,x,1\n",
    )
    out = tmp_path / "o.csv"
    res = runner.invoke(app, ["water", "classify", str(src), "--out", str(out)])
    assert res.exit_code == 2
    for needle in ("'foo'", "'time'", "'waterbody'", "'nh3n'"):
        assert needle in res.stderr
    assert not out.exists()


def test_water_compensation_from_file_hand_computed(tmp_path: Path) -> None:
    # the 新安江 index rule names 街口: its parties, fund and central amount come from the rule
    lines = ["section,time,waterbody,codmn,nh3n,tp,tn"]
    for y in (2008, 2009, 2010):  # the pilot's fixed base period
        lines += [f"街口,{y}-0{m}-10,river,2.0,0.10,0.020,1.0" for m in (3, 6)]
    lines += ["街口,2011-06-10,river,9.0,0.90,0.090,9.0"]  # not in the base period: ignored
    lines += [
        "街口,2013-03-10,river,1.6,0.08,0.021,1.1",
        "街口,2013-06-10,river,2.0,0.10,0.021,1.1",
    ]
    src = _write(tmp_path / "w.csv", "\n".join(lines) + "\n")
    out = tmp_path / "st.json"
    args = ["water", "compensation", "--section", "街口", "--year", "2013", "--file", str(src)]
    res = runner.invoke(app, [*args, "--out", str(out)])
    assert res.exit_code == 0, res.output
    st = strict_loads(out.read_text(encoding="utf-8"))[0]
    # C0 = 2008–2010 means (2, 0.1, 0.02, 1); ratios 0.9, 0.9, 1.05, 1.1 → P = 0.85 × 0.25 × 3.95
    assert st["p"] == pytest.approx(0.839375)
    assert (st["payer"], st["payee"], st["amount"]) == ("浙江", "安徽", 1.0)
    assert st["central_fund"] == 3.0
    # the same samples under another name: no agreement names it, no statement
    other = _write(tmp_path / "b.csv", src.read_text(encoding="utf-8").replace("街口", "B"))
    res = runner.invoke(
        app, ["water", "compensation", "--section", "B", "--year", "2013", "--file", str(other)]
    )
    assert res.exit_code == 2 and "不出具结算单" in res.stderr


def test_water_assess_and_warnings_from_file(tmp_path: Path) -> None:
    lines = ["section,time,waterbody,target_class,nh3n"]
    lines += ["A,2024-04-10,river,3,0.4", "A,2025-04-10,river,3,0.9", "A,2025-05-10,river,3,1.2"]
    lines += ["C,2024-04-10,river,2,0.4", "C,2025-04-10,river,2,0.4"]
    src = _write(tmp_path / "w.csv", "\n".join(lines) + "\n")
    res = runner.invoke(app, ["water", "assess", "--month", "2025-05", "--file", str(src)])
    assert res.exit_code == 0, res.output
    assert "A,river,2025-05,1,1.2,3,4,Ⅳ" in res.stdout and res.stdout.rstrip().endswith("False")
    res = runner.invoke(
        app, ["water", "warnings", "--quarter", "2025Q2", "--file", str(src), "--json"]
    )
    assert res.exit_code == 0, res.output
    rows = {r["unit"]: r for r in json.loads(res.stdout)}
    # A: April 0.9 Ⅲ (not worse than Ⅲ); May 1.2 Ⅳ, 1—5月 (0.9 + 1.2)/2 = 1.05 Ⅳ against 1—5月
    # 2024 0.4 Ⅱ, but May 2024 has no sample: the month's fall is unknown, no level (the rule
    # needs both falls). C stays Ⅱ. Neither is warned; the facts are those of May.
    assert rows["A"]["warning_level"] is None and rows["A"]["water_class"] == 4
    assert rows["A"]["cumulative_class"] == 4 and rows["A"]["cumulative_last_year_class"] == 2
    assert rows["C"]["warning_level"] is None and rows["C"]["water_class"] == 2
    res = runner.invoke(app, ["water", "assess", "--month", "2030-01", "--file", str(src)])
    assert res.exit_code == 2 and "no samples in 2030-01" in res.stderr


def test_water_warning_thresholds_are_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lanxi.settings import get_settings

    lines = ["section,time,waterbody,target_class,nh3n"]
    lines += ["A,2024-04-10,river,3,0.4", "A,2025-04-10,river,3,1.2"]
    src = _write(tmp_path / "w.csv", "\n".join(lines) + "\n")
    args = ["water", "warnings", "--quarter", "2025Q2", "--file", str(src), "--json"]
    # A in April 2025: 1.2 Ⅳ against 0.4 Ⅱ a year before, month and 1—4月 alike (fall 2), worse
    # than Ⅲ, missing Ⅲ → 一级 with the default 2 classes; 二级 when 一级 needs 3
    monkeypatch.setenv("LANXI_HOME", str(tmp_path / "home"))
    get_settings.cache_clear()
    try:
        res = runner.invoke(app, args)
        assert res.exit_code == 0, res.output
        a = json.loads(res.stdout)[0]
        assert (a["unit"], a["warning_level"], a["level1_decline"]) == ("A", 1, 2)
        monkeypatch.setenv("LANXI_WATER_WARNING_LEVEL1_DECLINE", "3")
        get_settings.cache_clear()
        res = runner.invoke(app, args)
        a = json.loads(res.stdout)[0]
        assert (a["warning_level"], a["warning_level_zh"], a["level1_decline"]) == (2, "二级", 3)
    finally:
        get_settings.cache_clear()


def test_air_aqi_excel_input_and_keep_option(tmp_path: Path) -> None:
    src = tmp_path / "in.xlsx"
    pd.DataFrame(
        {"station": ["A"], "time": ["2026-03-02"], "pm10": ["121"], "operator": ["X"]}
    ).to_excel(src, index=False)
    out = tmp_path / "o.csv"
    res = runner.invoke(app, ["air", "aqi", str(src), "--kind", "daily", "--out", str(out)])
    assert res.exit_code == 2 and "'operator': unknown column" in res.stderr
    args = ["air", "aqi", str(src), "--kind", "daily", "--keep", "operator", "--out", str(out)]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    r = pd.read_csv(out).iloc[0]
    # HJ 633-2026 (by date) PM10 120 → 100, 250 → 150: 121 → 100.38 → 101
    assert r["operator"] == "X" and r["aqi"] == 101 and str(r["edition"]) == "2026"
