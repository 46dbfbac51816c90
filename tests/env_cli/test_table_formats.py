"""Table files in and out by extension, the CSV form, and batches (issue 17, goal 1).

Expected values are computed by hand from HJ 633-2012 表1 (hourly breakpoints) and GB 3838-2002
表1, never by the code under test.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from lanxi.cli.main import app
from lanxi.errors import ValidationError
from lanxi.io.tables import iter_table, read_table, table_format, write_table
from lanxi.services.environment import assessments as svc

runner = CliRunner()

# Row 1: SO2 150 → IAQI 50; NO2 200 → 100; CO 10 mg/m³ → 100; O3 200 → 100; PM10 250 → 150;
# PM2.5 115 → 150 (HJ 633-2012 表1 breakpoints, each value on a breakpoint): AQI 150, 轻度污染,
# primary pollutants PM10 and PM2.5. Row 2: PM2.5 75 alone → IAQI 100, AQI 100, 良, PM2.5.
HOURLY = pd.DataFrame(
    {
        "station": ["1001A", "1001A"],
        "time": ["2025-06-01 08:00", "2025-06-01 09:00"],
        "name": ["兰州 站", "=HYPERLINK()"],
        "so2": [150.0, np.nan],
        "no2": [200.0, np.nan],
        "co": [10.0, np.nan],
        "o3_1h": [200.0, np.nan],
        "pm10": [250.0, np.nan],
        "pm2_5": [115.0, 75.0],
    }
)


def _write_input(df: pd.DataFrame, path: Path) -> Path:
    kind = table_format(path, "read")
    if kind == "csv":
        df.to_csv(path, index=False)
    elif kind == "parquet":
        df.to_parquet(path, index=False)
    else:
        df.reset_index(drop=True).to_feather(path)
    return path


def _read_output(path: Path) -> pd.DataFrame:
    kind = table_format(path, "write")
    if kind == "csv":
        return pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False, na_values=[""])
    if kind == "parquet":
        return pd.read_parquet(path)
    if kind == "arrow":
        return pd.read_feather(path)
    if kind == "json":
        return pd.DataFrame(json.loads(path.read_text(encoding="utf-8")))
    return pd.read_excel(path, sheet_name="data", engine="openpyxl")


@pytest.mark.parametrize("src", ["in.csv", "in.parquet", "in.arrow", "in.feather"])
@pytest.mark.parametrize("dst", ["o.csv", "o.parquet", "o.arrow", "o.feather", "o.json", "o.xlsx"])
def test_air_aqi_round_trip_by_extension(tmp_path: Path, src: str, dst: str) -> None:
    inp = _write_input(HOURLY, tmp_path / src)
    out = tmp_path / dst
    res = runner.invoke(
        app,
        ["air", "aqi", str(inp), "--edition", "2012", "--keep", "name", "--out", str(out)],
    )
    assert res.exit_code == 0, res.output
    df = _read_output(out)
    assert [int(v) for v in df["aqi"]] == [150, 100]
    assert list(df["category"]) == ["轻度污染", "良"]
    assert list(df["primary_pollutant"]) == ["PM10;PM2.5", "PM2.5"]
    assert [float(v) for v in df["iaqi_pm2_5"]] == [150.0, 100.0]
    assert df["iaqi_so2"].isna().tolist() == [False, True]
    assert df.loc[0, "name"] == "兰州 站"


def test_parquet_keeps_types_csv_is_text_for_people(tmp_path: Path) -> None:
    inp = _write_input(HOURLY, tmp_path / "in.parquet")
    runner.invoke(app, ["air", "aqi", str(inp), "--edition", "2012", "--keep", "name", "--out",
                        str(tmp_path / "o.parquet")])  # fmt: skip
    typed = pd.read_parquet(tmp_path / "o.parquet")
    assert pd.api.types.is_datetime64_any_dtype(typed["time"])
    assert typed.loc[0, "time"] == pd.Timestamp("2025-06-01 08:00")
    res = runner.invoke(app, ["air", "aqi", str(inp), "--edition", "2012", "--keep", "name",
                              "--out", str(tmp_path / "o.csv")])  # fmt: skip
    assert res.exit_code == 0, res.output
    raw = (tmp_path / "o.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel on Chinese Windows
    lines = raw.decode("utf-8-sig").split("\n")
    assert lines[0].startswith("name,station,time,so2,")
    cells = lines[1].split(",")
    # no quotes when no cell needs them; 150.0 written 150; the time as ISO 8601
    assert cells[:4] == ["兰州 站", "1001A", "2025-06-01T08:00:00", "150"]
    second = lines[2].split(",")
    assert second[0] == "'=HYPERLINK()"  # formula neutralised (OWASP)
    assert second[3:8] == ["", "", "", "", ""]  # missing values: empty cells
    assert lines[3] == ""  # one newline at the end, \n line ends


def test_csv_quotes_only_when_a_cell_needs_it(tmp_path: Path) -> None:
    df = pd.DataFrame({"a": ["x, y", 'say "hi"', None], "b": [1.5, 2.0, np.nan]})
    out = write_table(df, tmp_path / "q.csv")
    back = pd.read_csv(out, encoding="utf-8-sig")
    assert back["a"].tolist()[:2] == ["x, y", 'say "hi"'] and pd.isna(back["a"][2])
    assert back["b"].tolist()[:2] == [1.5, 2.0]
    assert '"x, y"' in out.read_text(encoding="utf-8-sig")


def test_unknown_extensions_are_refused_with_the_accepted_ones(tmp_path: Path) -> None:
    inp = _write_input(HOURLY, tmp_path / "in.csv")
    res = runner.invoke(app, ["air", "aqi", str(inp), "--out", str(tmp_path / "o.txt")])
    assert res.exit_code == 2
    assert "unknown output file kind '.txt'" in res.output
    assert ".parquet, .arrow, .feather" in res.output
    assert not (tmp_path / "o.txt").exists()
    bad_in = tmp_path / "in.dat"
    bad_in.write_text("station,time,pm2_5\n", encoding="utf-8")
    res = runner.invoke(app, ["air", "aqi", str(bad_in), "--out", str(tmp_path / "o.csv")])
    assert res.exit_code == 2
    assert "unknown input file kind '.dat'" in res.output
    with pytest.raises(ValidationError) as err:
        table_format(tmp_path / "x.ods", "write")
    assert (err.value.problems[0].message_zh or "").startswith("不支持的输出文件类型“.ods”")


def _year(n_stations: int, hours: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = n_stations * hours
    times = pd.date_range("2026-02-28", periods=hours, freq="h").strftime("%Y-%m-%d %H:%M")
    df = pd.DataFrame(
        {
            "station": np.repeat([f"{1001 + i}A" for i in range(n_stations)], hours),
            "time": np.tile(times, n_stations),
        }
    )
    for c, med, nd in (("so2", 12, 0), ("no2", 30, 0), ("co", 0.8, 1), ("o3_1h", 70, 0),
                       ("pm10", 80, 0), ("pm2_5", 40, 0)):  # fmt: skip
        v = np.round(med * rng.lognormal(0, 0.7, n), nd)
        v[rng.random(n) < 0.05] = np.nan
        df[c] = v
    return df


@pytest.mark.parametrize("ext", ["csv", "parquet", "arrow"])
def test_batches_give_the_whole_file_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ext: str
) -> None:
    # 7 stations × 72 h across 1 March 2026 (both HJ 633 editions), batches of 100 rows
    inp = _write_input(_year(7, 72, 5), tmp_path / f"in.{ext}")
    whole = svc.air_aqi_file(inp, tmp_path / f"whole.{ext}", stream=False)
    monkeypatch.setenv("LANXI_STREAM_ROWS", "100")
    seen: list[tuple[int, int | None]] = []
    batched = svc.air_aqi_file(
        inp, tmp_path / f"batched.{ext}", stream=True, progress=lambda d, t: seen.append((d, t))
    )
    assert whole == batched == 504
    assert len(seen) >= 4 and seen[-1][0] == 504  # 504 rows in batches of ≥ 100
    if ext == "csv":
        assert (tmp_path / "whole.csv").read_bytes() == (tmp_path / "batched.csv").read_bytes()
    a, b = _read_output(tmp_path / f"whole.{ext}"), _read_output(tmp_path / f"batched.{ext}")
    pd.testing.assert_frame_equal(a, b)
    assert set(a["edition"].astype(str)) == {"2012", "2026"}


def test_batches_name_the_file_row_of_a_bad_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    df = _year(2, 6, 1).astype({"pm2_5": object})
    df.loc[9, "pm2_5"] = "12,3"  # a decimal comma, data row 10
    inp = _write_input(df, tmp_path / "in.csv")
    with pytest.raises(ValidationError) as whole:
        svc.air_aqi_file(inp, tmp_path / "o.csv", stream=False)
    monkeypatch.setenv("LANXI_STREAM_ROWS", "4")
    with pytest.raises(ValidationError) as batched:
        svc.air_aqi_file(inp, tmp_path / "o.csv", stream=True)
    rows = [(p.row, p.field) for p in batched.value.problems]
    assert rows == [(p.row, p.field) for p in whole.value.problems] == [(10, "pm2_5")]
    assert not (tmp_path / "o.csv").exists()


def test_a_station_hour_repeated_in_another_batch_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    df = _year(2, 5, 2)
    df = pd.concat([df, df.iloc[[1]]], ignore_index=True)  # row 11 repeats row 2
    inp = _write_input(df, tmp_path / "in.parquet")
    monkeypatch.setenv("LANXI_STREAM_ROWS", "4")
    with pytest.raises(ValidationError) as err:
        svc.air_aqi_file(inp, tmp_path / "o.parquet", stream=True)
    (p,) = err.value.problems
    assert p.row == 11 and "1001A" in p.message and "first in row 2" in p.message
    assert not (tmp_path / "o.parquet").exists()
    assert not list(tmp_path.glob(".o.parquet*"))  # the partial file is gone too


def test_iter_table_batches_and_offsets(tmp_path: Path) -> None:
    inp = _write_input(_year(3, 10, 3), tmp_path / "in.parquet")
    parts = list(iter_table(inp, numeric={"pm2_5"}, rows=12))
    assert [len(p) for p in parts] == [12, 12, 6]
    assert [p.attrs["offset"] for p in parts] == [0, 12, 24]
    assert parts[1].index[0] == 12 and parts[0]["pm2_5"].dtype == np.float64


def test_read_table_numeric_keeps_bad_cells_as_text(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("station,time,pm2_5,so2,name\nA,2025-01-01,12, NA ,-\nA,2025-01-02,-,7,x\n",
                    encoding="utf-8")  # fmt: skip
    df = read_table(path, numeric={"pm2_5", "so2"})
    assert df["pm2_5"].tolist()[0] == 12.0 and pd.isna(df["pm2_5"][1])  # "-" is missing
    assert pd.isna(df["so2"][0]) and df["so2"][1] == 7.0  # " NA " trimmed is missing
    assert df["name"].tolist() == ["-", "x"]  # free text kept as written
    assert df["time"].tolist() == [pd.Timestamp("2025-01-01"), pd.Timestamp("2025-01-02")]
    path.write_text("station,time,pm2_5\nA,2025-01-01,12\nA,2025-01-02,nan\n", encoding="utf-8")
    assert read_table(path, numeric={"pm2_5"})["pm2_5"].tolist() == ["12", "nan"]  # validator's


def test_water_classify_parquet_and_csv_agree(tmp_path: Path) -> None:
    # GB 3838-2002 表1: DO 7.5 is Ⅰ (≥ 7.5); NH3-N 0.5 is Ⅱ (≤ 0.5), 2.5 above Ⅴ (2.0) → 劣Ⅴ
    df = pd.DataFrame(
        {
            "section": ["S1", "S1"],
            "time": ["2025-03", "2025-04"],
            "waterbody": ["river", "river"],
            "do": [7.5, 7.5],
            "nh3n": [0.5, 2.5],
        }
    )
    for ext in ("csv", "parquet", "arrow"):
        inp = _write_input(df, tmp_path / f"w.{ext}")
        out = tmp_path / f"o.{ext}"
        res = runner.invoke(app, ["water", "classify", str(inp), "--out", str(out)])
        assert res.exit_code == 0, res.output
        got = _read_output(out)
        assert [int(v) for v in got["water_class"]] == [2, 6], ext
        assert list(got["water_class_label"]) == ["Ⅱ", "劣Ⅴ"]
        assert [str(t)[:10] for t in got["time"]] == ["2025-03-01", "2025-04-01"]


def test_air_annual_parquet_equals_csv(tmp_path: Path) -> None:
    days = pd.DataFrame(
        {
            "station": ["1001A"] * 4,
            "time": ["2025-01-01", "2025-01-02", "2025-01-03", "2025-01-04"],
            "pm2_5": [30.0, 50.0, 70.0, 90.0],
        }
    )
    outs = []
    for ext in ("csv", "parquet"):
        inp = _write_input(days, tmp_path / f"d.{ext}")
        out = tmp_path / f"a.{ext}"
        res = runner.invoke(app, ["air", "annual", str(inp), "--kind", "daily", "--out", str(out)])
        assert res.exit_code == 0, res.output
        outs.append(_read_output(out))
    csv_out, pq_out = outs
    # the mean of 30, 50, 70, 90 is 60
    assert csv_out.loc[0, "pm2_5_annual_mean"] == pq_out.loc[0, "pm2_5_annual_mean"] == 60.0
    assert list(csv_out.columns) == list(pq_out.columns)
