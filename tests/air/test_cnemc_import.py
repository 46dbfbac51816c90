"""``lanxi air import``: CNEMC release files and china_sites files → station-hour / station-day.

Real data: the agglomeration's rows of the 2022-01-01T00 national release (vendored in
tests/fixtures/cnemc-release), the china_sites fixture built from it, and the agglomeration's rows
of the 2017-07-07T16 national snapshot (summer afternoon, O3-led) rewritten as a release file.
"""

from __future__ import annotations

import io
import json
import shutil
import tarfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from lanxi.cli.main import app
from lanxi.errors import ValidationError
from lanxi.io.cnemc import NUMERIC_FIELDS
from lanxi.services import air_import as ai

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "cnemc-release"
SAMPLE = FIXTURES / "sample_2022-01-01T00.csv"
SITES = FIXTURES / "china_sites_20220101.csv"
runner = CliRunner()


def _folder(tmp_path: Path, *files: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    for f in files:
        shutil.copy(f, d / f.name)
    return d


def test_release_file_maps_the_swapped_o3_fields(tmp_path: Path) -> None:
    res = ai.import_releases(_folder(tmp_path, SAMPLE))
    assert res.n_files == 1 and res.n_stations == 23
    h = res.hourly.set_index("station")
    # 1476A 兰炼宾馆, typed from the file: o3 64, o3_24h 2, o3_8h 45, o3_8h_24h 15
    row = h.loc["1476A"]
    assert row["time"] == pd.Timestamp("2021-12-31 23:00")  # the hour 23:00–24:00
    assert (row["o3_1h"], row["o3_8h"]) == (2.0, 15.0)  # latest 1-h, latest 8-h moving
    assert (row["pm10"], row["pm2_5"], row["so2"], row["no2"], row["co"]) == (120, 78, 21, 72, 1.5)
    assert row["city"] == "兰州市"
    assert h.loc["3245A", "city"] == "兰州新区" and h.loc["3867A", "city"] == "海东市"
    # the hour-00 file carries the natural-day values of the day before
    d = res.daily.set_index("station").loc["1476A"]
    assert d["time"] == pd.Timestamp("2021-12-31")
    assert (d["pm10"], d["pm2_5"], d["so2"], d["no2"], d["co"]) == (96, 60, 19, 67, 1.2)
    assert (d["o3_1h"], d["o3_8h"]) == (64.0, 45.0)  # day's max 1-h and max 8-h
    # consistency of the swap: a 24-h maximum is never below the latest value
    raw = pd.read_csv(SAMPLE)
    assert (raw["o3"] >= raw["o3_24h"]).all() and (raw["o3_8h"] >= raw["o3_8h_24h"]).all()


def test_o3_mapping_against_the_published_aqi(tmp_path: Path) -> None:
    res = ai.import_releases(_folder(tmp_path, SAMPLE))
    cmp = ai.published_agreement(res)
    assert len(cmp) == 23 and cmp["agree"].all()
    # hand check, HJ 633-2012 表1: 2667A 临夏 环保局 PM10 291 → 150 + 50/100·(291−250) = 170.5;
    # PM2.5 178 → 200 + 100/100·(178−150) = 228 → AQI 228 as published
    assert cmp.set_index("station").loc["2667A", "aqi"] == 228


def test_o3_mapping_on_an_ozone_led_summer_hour(tmp_path: Path, cnemc_snapshots_dir: Path) -> None:
    # the agglomeration's rows of the 2017-07-07T16 national snapshot, written as a release file
    feats = json.loads((cnemc_snapshots_dir / "2017-07-07T16.geojson").read_text("utf-8"))
    props = [f["properties"] for f in feats["features"]]
    keep = {"1475A", "1476A", "1478A", "1479A", "1480A", "1483A", "2647A"}
    rows = pd.DataFrame([p for p in props if p["stationcode"] in keep])
    cols = ["timepoint", "stationcode", "area", "positionname", "primarypollutant", *NUMERIC_FIELDS]
    d = tmp_path / "summer"
    d.mkdir()
    rows[cols].to_csv(d / "2017-07-07T16.csv", index=False)
    res = ai.import_releases(d)
    cmp = ai.published_agreement(res).set_index("station")
    # HJ 633-2012 表1 by hand, O3 1-hour from the o3_24h field: 1475A 196 → 50 + 50/40·36 = 95;
    # 1476A 170 → 50 + 50/40·10 = 62.5 → 63; 1478A 184 → 80; 1479A 185 → 81.25 → 82;
    # 1480A 203 → 101.5 → 102; 1483A 178 → 72.5 → 73; 2647A PM10 73 → 61.5 → 62
    assert cmp["pub_aqi"].to_dict() == {
        "1475A": 95, "1476A": 63, "1478A": 80, "1479A": 82, "1480A": 102, "1483A": 73, "2647A": 62
    }  # fmt: skip
    assert cmp["agree"].all()
    # read by its name, ``o3`` (the 24-h maximum: 200, 196, 187, 206) gives other AQIs where
    # it differs from the latest hour (1480A and 1483A peak at this hour: both fields equal)
    by_name = res.hourly.assign(
        o3_1h=rows.set_index("stationcode")["o3"]
        .astype(float)
        .reindex(res.hourly["station"])
        .to_numpy()
    )
    wrong = ai.published_agreement(ai.AirImport(by_name, res.daily, res.published, 1, 7))
    assert not wrong.set_index("station").loc[["1475A", "1476A", "1478A", "1479A"], "agree"].any()


def test_china_sites_gives_the_same_tables(tmp_path: Path) -> None:
    a = ai.import_releases(_folder(tmp_path, SAMPLE))
    b = ai.import_releases(_sites(tmp_path))
    assert b.n_stations == 23  # the blank foreign column 1001A is dropped
    pd.testing.assert_frame_equal(a.hourly, b.hourly, check_dtype=False)
    pd.testing.assert_frame_equal(a.daily, b.daily, check_dtype=False)
    assert ai.published_agreement(b)["agree"].all()


def _sites(tmp_path: Path) -> Path:
    d = tmp_path / "sites"
    d.mkdir()
    shutil.copy(SITES, d / SITES.name)
    return d


def test_zip_and_tar_archives(tmp_path: Path) -> None:
    z = tmp_path / "release.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(SAMPLE, "Archive/2022-01-01/2022-01-01T00.csv")
    t = tmp_path / "sites.tar.gz"
    with tarfile.open(t, "w:gz") as tf:
        tf.add(SITES, "china_sites_20220101.csv")
    assert ai.import_releases(z).n_stations == 23
    assert ai.import_releases(t).n_stations == 23


def test_bad_value_names_file_row_and_field(tmp_path: Path) -> None:
    d = tmp_path / "bad"
    d.mkdir()
    text = SAMPLE.read_text("utf-8").splitlines()
    parts = text[3].split(",")
    parts[8] = "12x"  # pm10 of the third station
    text[3] = ",".join(parts)
    (d / "2022-01-01T00.csv").write_text("\n".join(text) + "\n", "utf-8")
    (d / "notes.csv").write_text("a,b\n1,2\n", "utf-8")
    with pytest.raises(ValidationError) as e:
        ai.import_releases(d)
    probs = {(p.file.split("/")[-1], p.row, p.field) for p in e.value.problems}
    assert ("2022-01-01T00.csv", 4, "pm10") in probs
    assert any(f == "notes.csv" for f, _, _ in probs)
    assert all(p.message_zh for p in e.value.problems)


def test_cli_writes_parquet_and_csv_and_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    monkeypatch.setenv("LANXI_DATABASE_URL", url)
    from lanxi.services import store
    from lanxi.services.environment import store as env_store
    from lanxi.settings import get_settings

    get_settings.cache_clear()  # the settings are read once per process: read them anew
    request.addfinalizer(get_settings.cache_clear)

    store.init_database(url)
    src = _folder(tmp_path, SAMPLE)
    hp, dp = tmp_path / "h.parquet", tmp_path / "d.csv"
    res = runner.invoke(
        app, ["air", "import", str(src), "--hourly", str(hp), "--daily", str(dp), "--store"]
    )
    assert res.exit_code == 0, res.output
    assert len(pd.read_parquet(hp)) == 23 and len(pd.read_csv(dp)) == 23
    stored = env_store.air_frame("hourly", url).set_index("station")
    assert stored.loc["1476A", "o3_1h"] == 2.0 and stored.loc["1476A", "pm10"] == 120.0
    daily = env_store.air_frame("daily", url).set_index("station")
    assert daily.loc["1476A", "o3_8h"] == 45.0
    # a bad path is bad input: exit code 2
    res = runner.invoke(app, ["air", "import", str(tmp_path / "nope"), "--hourly", str(hp)])
    assert res.exit_code == 2


def test_speed_two_days_of_national_files(tmp_path: Path) -> None:
    # 48 hourly files of 1,600 stations each (76,800 rows), synthetic values in the real layout;
    # the month-scale figure is measured by benchmarks/bench_air_import.py (docs/air.md)
    d = tmp_path / "days"
    d.mkdir()
    base = pd.read_csv(SAMPLE, dtype={"stationcode": str})
    filler = pd.concat([base] * 70, ignore_index=True).iloc[:1600].copy()
    filler.loc[23:, "stationcode"] = [f"{9000 + i}A" for i in range(len(filler) - 23)]
    buf = io.StringIO()
    filler.drop(columns="timepoint").to_csv(buf, index=False, header=False)
    body = buf.getvalue().splitlines()
    header = ",".join(base.columns)
    for h in pd.date_range("2022-01-01 01:00", periods=48, freq="h"):
        tp = h.strftime("%Y-%m-%dT%H:%M:%S")
        (d / f"{tp[:13]}.csv").write_text(
            header + "\n" + "\n".join(f"{tp},{line}" for line in body) + "\n", "utf-8"
        )
    t0 = time.perf_counter()
    res = ai.import_releases(d)
    seconds = time.perf_counter() - t0
    assert len(res.hourly) == 48 * 23 and len(res.daily) == 2 * 23
    assert seconds < 10, seconds
    assert np.isfinite(res.hourly["pm10"]).all()
