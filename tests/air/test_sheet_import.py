"""``lanxi air import FILE.xlsx``: provincial spreadsheet exports read through a column mapping.

The workbooks are built here with openpyxl the way provincial systems export them: a title row,
a merged two-row header (a merged 污染物浓度 group over the pollutants, the key columns merged
vertically), units in the headers, station names instead of CNEMC codes, CO in µg/m³. Every
expected value is typed from the fixture and converted by hand.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from lanxi.cli.main import app
from lanxi.errors import ValidationError
from lanxi.io import sheets
from lanxi.services import sheet_import as si

runner = CliRunner()


@pytest.fixture
def env_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The store at ``db_url`` as the configured one (settings and engine caches cleared)."""
    from lanxi.services import store
    from lanxi.settings import get_settings

    monkeypatch.setenv("LANXI_DATABASE_URL", db_url)
    get_settings.cache_clear()
    store.engine.cache_clear()
    store.init_database(db_url)
    yield db_url
    store.engine(db_url).dispose()
    store.engine(None).dispose()
    get_settings.cache_clear()
    store.engine.cache_clear()


def _merged_workbook(path: Path, rows: list[list[object]]) -> Path:
    """Title row, then a two-row header with merged cells, then ``rows``."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "小时数据"
    ws.append(["甘肃省环境空气质量自动监测小时数据（导出）"])
    ws.merge_cells("A1:J1")
    ws.append(["站点名称", "城市", "监测时间", "浓度（μg/m³）", None, None, None, None])
    ws.append([None, None, None, "SO2", "NO2", "PM10", "PM2.5", "O3"])
    ws["I2"] = "CO（μg/m³）"  # CO in µg/m³, to be converted to mg/m³
    ws["J2"] = "O3_8h（μg/m³）"
    ws.merge_cells("D2:H2")
    for col in "ABCIJ":
        ws.merge_cells(f"{col}2:{col}3")
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


GOOD_ROWS: list[list[object]] = [
    # name, city, end of the hour, SO2, NO2, PM10, PM2.5, O3, CO µg/m³, O3_8h
    ["生物制品所", "兰州市", "2025-01-01 01:00", 12, 40, 88, 51, 30, 1250, 25],
    ["世纪职校", "西宁市", "2025-01-02 00:00", 9, 33, "—", 47, 18, 800, 21],
    ["3245A", "兰州新区", "2025-01-01 01:00", 7, 21, 64, 30, 52, 450, None],
]


def test_merged_header_names_units_and_the_hour_label(tmp_path: Path) -> None:
    path = _merged_workbook(tmp_path / "export.xlsx", GOOD_ROWS)
    res, info = si.import_air_sheet(path)
    assert info.mapping == "cn-air-station" and info.auto
    assert info.sheet == "小时数据" and info.resolution == "hourly"
    assert res.daily.empty and len(res.hourly) == 3
    h = res.hourly.set_index("station")
    # 生物制品所 → 1478A (兰州市); the time point 01:00 ends the hour 00:00–01:00
    assert h.loc["1478A", "city"] == "兰州市"
    assert h.loc["1478A", "time"] == pd.Timestamp("2025-01-01 00:00")
    assert (h.loc["1478A", "so2"], h.loc["1478A", "no2"], h.loc["1478A", "pm10"]) == (12, 40, 88)
    assert (h.loc["1478A", "pm2_5"], h.loc["1478A", "o3_1h"], h.loc["1478A", "o3_8h"]) == (
        51,
        30,
        25,
    )
    # CO 1250 µg/m³ = 1.25 mg/m³; 800 µg/m³ = 0.8; 450 µg/m³ = 0.45
    assert h.loc["1478A", "co"] == 1.25
    assert h.loc["3629A", "co"] == 0.8 and h.loc["3245A", "co"] == 0.45
    # 世纪职校 → 3629A (西宁市); 2025-01-02 00:00 ends the hour 23:00–24:00 of 1 January
    assert h.loc["3629A", "time"] == pd.Timestamp("2025-01-01 23:00")
    assert math.isnan(h.loc["3629A", "pm10"])  # "—" is a missing value
    # a CNEMC code in the name column is taken as a code
    assert h.loc["3245A", "city"] == "兰州新区" and math.isnan(h.loc["3245A", "o3_8h"])
    assert info.columns["co"] == "CO（μg/m³） [µg/m³ → mg/m³]" and info.columns["so2"] == "SO2"


def test_unknown_station_and_bad_cells_are_all_listed(tmp_path: Path) -> None:
    rows = [
        ["生物制品所", "兰州市", "2025-01-01 01:00", 12, 40, 88, 51, 30, 1250, 25],
        ["东岗", "兰州市", "2025-01-01 01:00", 12, 40, 88, 51, 30, 1250, 25],
        ["生物制品所", "兰州市", "2025-01-01 02:00", 12, "40a", 88, 51, 30, 1250, 25],
        ["东岗", "兰州市", "2025-01-01 02:00", 12, 40, 88, 51, 30, 1250, 25],
        ["生物制品所", "兰州市", "2025-13-01 03:00", 12, 40, 88, 51, 30, 1250, 25],
        ["生物制品所", "兰州市", "2025-01-01 01:00", 12, 40, 88, 51, 30, -5, 25],
    ]
    path = _merged_workbook(tmp_path / "bad.xlsx", rows)
    with pytest.raises(ValidationError) as err:
        si.import_air_sheet(path)
    probs = {(p.row, p.field): p for p in err.value.problems}
    # sheet rows: title 1, header 2–3, data from 4
    assert set(probs) == {(6, "NO2"), (8, "监测时间"), (9, "CO（μg/m³）"), (5, "站点名称")}
    assert probs[(6, "NO2")].value == "40a"
    unknown = probs[(5, "站点名称")]
    assert unknown.value == "东岗" and "rows 5, 7" in unknown.message
    assert "未知站点" in (unknown.message_zh or "")
    for p in err.value.problems:
        assert p.file == "bad.xlsx" and p.sheet == "小时数据" and p.message_zh
    # the CLI refuses with exit code 2 and writes nothing
    out = tmp_path / "h.csv"
    res = runner.invoke(app, ["air", "import", str(path), "--hourly", str(out)])
    assert res.exit_code == 2 and not out.exists()


def test_daily_csv_with_units_in_headers(tmp_path: Path) -> None:
    path = tmp_path / "日数据.csv"
    path.write_text(
        "城市,站点名称,日期,SO2(μg/m3),NO2(μg/m3),PM10(μg/m3),PM2.5(μg/m3),CO(mg/m3),"
        "O3日最大8小时(μg/m3)\n"
        "海东市,平安区公安北苑,2025-01-05,15,36,102,70,1.4,58\n"
        "兰州市,和平,2025-01-05,,29,95,61,1.1,64\n",
        encoding="utf-8-sig",
    )
    res, info = si.import_air_sheet(path)
    assert info.resolution == "daily" and res.hourly.empty
    d = res.daily.set_index("station")
    assert list(d.index) == ["3242A", "3867A"]
    assert d.loc["3867A", "time"] == pd.Timestamp("2025-01-05")  # a date is not shifted
    assert (d.loc["3867A", "pm10"], d.loc["3867A", "co"], d.loc["3867A", "o3_8h"]) == (102, 1.4, 58)
    assert math.isnan(d.loc["3242A", "so2"])
    assert "o3_1h" not in d.columns


def test_hour_column_1_to_24(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text(
        "站点名称,日期,小时,PM2.5浓度(μg/m³),CO浓度(mg/m³)\n"
        "教育港,2025-02-01,1,40,0.9\n"
        "教育港,2025-02-01,24,55,1.3\n",
        encoding="utf-8",
    )
    res, _ = si.import_air_sheet(path)
    h = res.hourly
    # hour 1 = 00:00–01:00; hour 24 = 23:00–24:00 of the same day
    assert list(h["time"]) == [pd.Timestamp("2025-02-01 00:00"), pd.Timestamp("2025-02-01 23:00")]
    assert list(h["pm2_5"]) == [40, 55] and list(h["co"]) == [0.9, 1.3]


def test_long_layout_is_chosen_and_units_per_row(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["站点名称", "监测时间", "监测项目", "监测值", "单位"])
    ws.append(["百合公园", "2025-03-01 10:00", "PM10", 80, "μg/m³"])
    ws.append(["百合公园", "2025-03-01 10:00", "一氧化碳", 700, "μg/m³"])
    ws.append(["百合公园", "2025-03-01 10:00", "NO2", 41, "微克/立方米"])
    path = tmp_path / "long.xlsx"
    wb.save(path)
    res, info = si.import_air_sheet(path)
    assert info.mapping == "cn-air-long" and info.auto
    row = res.hourly.iloc[0]
    assert row["station"] == "3241A" and row["time"] == pd.Timestamp("2025-03-01 09:00")
    assert (row["pm10"], row["co"], row["no2"]) == (80, 0.7, 41)


def test_own_mapping_file(tmp_path: Path) -> None:
    mp = tmp_path / "m.yaml"
    mp.write_text(
        "kind: air\nname: my-office\nsheet: 数据\nheader_rows: 1\nskip_rows: 2\n"
        "station: {headers: [测点], by: name}\n"
        "time: {headers: [Time], hour_label: start, format: '%d/%m/%Y %H:%M'}\n"
        "columns:\n  co: {headers: [一氧化碳], unit: ug/m3}\n  pm2_5: {headers: [细颗粒]}\n",
        encoding="utf-8",
    )
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "说明"
    data = wb.create_sheet("数据")
    data.append(["报表"])
    data.append([None])
    data.append(["测点", "Time", "一氧化碳", "细颗粒"])
    data.append(["第五水厂", "02/01/2025 05:00", 1500, 33])
    path = tmp_path / "own.xlsx"
    wb.save(path)
    out = tmp_path / "h.csv"
    res = runner.invoke(
        app, ["air", "import", str(path), "--mapping", str(mp), "--hourly", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert "my-office" in res.output and "指定 given" in res.output
    got = pd.read_csv(out)
    # start-labelled: 05:00 stays; day-first format; 1500 µg/m³ = 1.5 mg/m³
    assert got.loc[0, "station"] == "1483A" and got.loc[0, "time"] == "2025-01-02T05:00:00"
    assert (got.loc[0, "co"], got.loc[0, "pm2_5"]) == (1.5, 33)


def test_bad_mapping_lists_every_key(tmp_path: Path) -> None:
    mp = tmp_path / "bad.yaml"
    mp.write_text(
        "kind: air\nlayout: diagonal\nheader_rows: 0\nstation: {headers: [站点], by: nickname}\n"
        "columns:\n  pm25: {headers: [PM2.5]}\n  co: {headers: [CO], unit: ppm}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as err:
        sheets.load_mapping(mp)
    fields = {p.field for p in err.value.problems}
    assert fields == {
        "layout",
        "header_rows",
        "station.by",
        "time",
        "columns.pm25",
        "columns.co.unit",
    }
    assert all(p.file == "bad.yaml" and p.message_zh for p in err.value.problems)


def test_headers_matching_no_mapping(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        si.import_air_sheet(path)
    assert "--mapping" in err.value.problems[0].message


def test_cli_detects_the_spreadsheet_and_stores(tmp_path: Path, env_db: str) -> None:
    from lanxi.services.environment import store as env_store

    url = env_db
    path = _merged_workbook(tmp_path / "export.xlsx", GOOD_ROWS)
    pq = tmp_path / "h.parquet"
    res = runner.invoke(app, ["air", "import", str(path), "--hourly", str(pq), "--store"])
    assert res.exit_code == 0, res.output
    assert "cn-air-station" in res.output and "自动选用" in res.output
    assert len(pd.read_parquet(pq)) == 3
    stored = env_store.air_frame("hourly", url).set_index("station")
    assert stored.loc["1478A", "co"] == 1.25 and stored.loc["3629A", "pm2_5"] == 47
    # an hourly file asked for daily output is refused
    res = runner.invoke(app, ["air", "import", str(path), "--daily", str(tmp_path / "d.csv")])
    assert res.exit_code == 2 and not (tmp_path / "d.csv").exists()


def test_unit_normalisation() -> None:
    assert sheets.split_unit("CO（μg/m3）") == ("co", "µg/m³")
    assert sheets.split_unit("PM2.5(µg/m³)")[1] == "µg/m³"  # micro sign and ³
    assert sheets.split_unit("汞 (ug/L)")[1] == "µg/L"
    assert sheets.normalize_header("O3-8h") == sheets.normalize_header("O3_8h")
    assert sheets.normalize_header("SO2浓度(μg/m3)") == "so2"
    assert sheets.convert_factor("µg/m³", "mg/m³") == (1, 1000)
    assert sheets.convert_factor("mg/L", "mg/m³") is None


def test_city_prefixed_names_and_excel_serial_times(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["监测点位", "监测时间", "PM10"])
    # 45658 = 2025-01-01 (days since 1899-12-30); + 0.5 = 12:00, the end of 11:00–12:00
    ws.append(["兰州市生物制品所", 45658.5, 61])
    ws.append(["西宁第五水厂站", 45658.5, 47])
    path = tmp_path / "serial.xlsx"
    wb.save(path)
    res, _ = si.import_air_sheet(path)
    h = res.hourly.set_index("station")
    assert list(h.index) == ["1478A", "1483A"]
    assert h.loc["1478A", "time"] == pd.Timestamp("2025-01-01 11:00")
    assert (h.loc["1478A", "pm10"], h.loc["1483A", "pm10"]) == (61, 47)


def test_co_without_unit_that_looks_like_micrograms_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "co.csv"
    path.write_text(
        "站点名称,监测时间,CO\n和平,2025-01-01 01:00,1200\n和平,2025-01-01 02:00,900\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as err:
        si.import_air_sheet(path)
    (p,) = err.value.problems
    # median of 1200 and 900 = 1050 > 50 mg/m³
    assert p.field == "CO" and "1050" in p.message and "µg/m³" in p.message and p.message_zh


def test_csv_with_a_title_line_above_the_header(tmp_path: Path) -> None:
    path = tmp_path / "titled.csv"
    path.write_text(
        "兰州市环境空气质量小时数据\n"
        "站点名称,监测时间,NO2(μg/m3),CO(mg/m3)\n"
        "和平,2025-01-01 01:00,31,0.7\n"
        "和平,2025-01-01 02:00,x,0.6\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as err:
        si.import_air_sheet(path)
    (p,) = err.value.problems
    assert (p.row, p.field, p.value) == (4, "NO2(μg/m3)", "x")  # the file's own line number
    path.write_text(path.read_text(encoding="utf-8").replace(",x,", ",29,"), encoding="utf-8")
    res, _ = si.import_air_sheet(path)
    assert list(res.hourly["no2"]) == [31, 29] and list(res.hourly["co"]) == [0.7, 0.6]
