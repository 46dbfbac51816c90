"""Store-based environment commands on SQLite and PostgreSQL: network, demo, water assessments."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from lanxi.cli.main import app
from lanxi.services import store
from lanxi.services.environment import store as env_store
from lanxi.settings import get_settings

runner = CliRunner()


@pytest.fixture
def env_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("LANXI_DATABASE_URL", db_url)
    get_settings.cache_clear()
    store.engine.cache_clear()
    store.init_database(db_url)
    yield db_url
    store.engine(db_url).dispose()
    store.engine(None).dispose()
    get_settings.cache_clear()
    store.engine.cache_clear()


def test_bundled_network_is_sourced() -> None:
    sections = env_store.bundled_sections()
    # the real sections of the cities' bulletins and of the 2024 青—甘 agreement, none invented
    assert {
        "新城桥",
        "扶河桥",
        "包兰桥",
        "什川桥",
        "小峡桥",
        "民和桥",
        "享堂峡",
        "先明峡",
        "界牌村",
    } <= set(sections["name"])
    assert not sections["name"].str.contains("演示").any()
    assert (sections["synthetic_demo"] == "false").all()
    border = sections[sections["border"] == "true"].set_index("id")
    assert dict(border["name"]) == {"HS-OUT": "边墙村", "HH-OUT": "大河家"}
    assert dict(border["target_class"]) == {"HS-OUT": "3", "HH-OUT": "2"}  # from the plans
    assert border["target_source"].str.contains("§").all()
    # a target class only where a source states it
    assert (sections.loc[sections["target_class"] == "", "target_source"] == "").all()
    assert set(sections["coord_quality"]) == {"sourced", "approximate", "none"}
    approx = sections[sections["coord_quality"] == "approximate"]
    assert approx["coord_source"].str.startswith("approximate:").all()
    assert (sections["source"] != "").all()
    stations = env_store.bundled_stations()
    assert len(stations) == 29 and stations["id"].is_unique  # 23 current + 6 retired codes
    assert {"兰州市", "西宁市", "白银市", "定西市", "临夏州", "海东市"} <= set(stations["city"])
    assert stations["source"].str.contains("CNEMC").all()


def test_demo_then_every_water_command(env_db: str, tmp_path: Path) -> None:
    res = runner.invoke(app, ["env", "demo", "--air-days", "1", "--export", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "SYNTHETIC" in res.output
    frame = env_store.samples_frame(env_db)
    assert len(frame) == 12 * 24
    hourly = env_store.air_frame("hourly", env_db)
    assert len(hourly) == 23 * 24  # the stations valid on 2025-01-01
    # a second run replaces the synthetic rows instead of adding to them
    assert runner.invoke(app, ["env", "demo", "--air-days", "1"]).exit_code == 0
    assert len(env_store.samples_frame(env_db)) == 12 * 24

    out = tmp_path / "assess.csv"
    res = runner.invoke(app, ["water", "assess", "--month", "2025-06", "--out", str(out)])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(out)
    assert len(df) == 12 and {"water_class", "meets_target", "target_class"} <= set(df.columns)

    res = runner.invoke(app, ["water", "warnings", "--quarter", "2025Q2", "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    sections = [r for r in rows if r["scope"] == "section"]
    assert len(sections) == 12 and {r["period"] for r in rows} == {"2025Q2"}
    # the demo holds 2024 and 2025: each section's class a year before is known
    assert None not in {r["last_year_class"] for r in sections}
    assert {r["warning_level"] for r in rows} <= {1, 2, None}
    assert {(r["level1_decline"], r["level2_decline"], r["below_class"]) for r in rows} == {
        (2, 1, 3)
    }
    out_csv = tmp_path / "warnings.csv"
    res = runner.invoke(app, ["water", "warnings", "--quarter", "2025Q2", "--out", str(out_csv)])
    assert res.exit_code == 0, res.output
    assert len(pd.read_csv(out_csv)) == len(rows)

    res = runner.invoke(
        app, ["water", "annual", "--year", "2025", "--out", str(tmp_path / "a.json")]
    )
    assert res.exit_code == 0, res.output
    annual = pd.read_json(tmp_path / "a.json")
    assert set(annual["level"]) == {"city", "province"}
    assert set(annual.loc[annual["level"] == "province", "region"]) == {"青海", "甘肃"}

    # 边墙村 under the 青—甘 rule: parties from the rule, the unreported amount not invented
    res = runner.invoke(app, ["water", "compensation", "--section", "HS-OUT", "--year", "2025"])
    assert res.exit_code == 0, res.output
    assert "边墙村" in res.stdout and "青甘" in res.stdout and "浙江" not in res.stdout
    # against base Ⅰ the (synthetic) class is worse: 青海 owes 甘肃 an amount nobody has set
    args = ["water", "compensation", "--section", "边墙村", "--year", "2025", "--base-class", "1"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "应由青海向甘肃补偿" in res.stdout and "金额未设定" in res.stdout
    res = runner.invoke(app, [*args, "--amount-per-step", "1000"])
    assert res.exit_code == 0, res.output
    assert "金额未设定" not in res.stdout and "由青海向甘肃补偿" in res.stdout
    # an inland section has no agreement: no statement, a refusal in both languages
    res = runner.invoke(app, ["water", "compensation", "--section", "HH-XCQ", "--year", "2025"])
    assert res.exit_code == 2
    assert "不出具结算单" in res.stderr and "no compensation rule names section" in res.stderr

    # the same from the exported file
    src = tmp_path / "water_samples.csv"
    res = runner.invoke(app, ["water", "assess", "--month", "2025-06", "--file", str(src)])
    assert res.exit_code == 0, res.output
    assert len(pd.read_csv(pd.io.common.StringIO(res.stdout))) == 12
    res = runner.invoke(
        app, ["air", "annual", str(tmp_path / "air_hourly.csv"), "--out", str(tmp_path / "air.csv")]
    )
    assert res.exit_code == 0, res.output
    air = pd.read_csv(tmp_path / "air.csv")
    assert set(air["level"]) == {"station", "city"}


def test_store_commands_without_data_say_what_to_do(env_db: str) -> None:
    res = runner.invoke(app, ["water", "assess", "--month", "2025-06"])
    assert res.exit_code == 1 and "lanxi env demo" in res.stderr


def test_unknown_section(env_db: str) -> None:
    assert runner.invoke(app, ["env", "network"]).exit_code == 0
    assert runner.invoke(app, ["env", "demo", "--air-days", "0"]).exit_code == 0
    res = runner.invoke(app, ["water", "compensation", "--section", "NOPE", "--year", "2025"])
    assert res.exit_code == 2 and "NOPE" in res.stderr and "不出具结算单" in res.stderr
