"""The CLI contract over the bundled plan data, on a fresh SQLite database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from tests.strict_json import strict_loads
from typer.testing import CliRunner

from lanxi.cli.main import app
from lanxi.services import store
from lanxi.settings import get_settings

runner = CliRunner()


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("cli") / "lanxi.sqlite"
    mp = pytest.MonkeyPatch()
    mp.setenv("LANXI_DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    store.engine.cache_clear()
    result = runner.invoke(app, ["setup"])
    assert result.exit_code == 0, result.output
    yield path
    mp.undo()
    get_settings.cache_clear()
    store.engine.cache_clear()


def run_json(*args: str) -> list[dict]:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return strict_loads(result.stdout)


def test_setup_prints_summary_and_next_steps(cli_db: Path) -> None:
    result = runner.invoke(app, ["setup"])  # a second run changes nothing and still succeeds
    assert result.exit_code == 0, result.output
    assert "重点任务 Tasks" in result.output
    assert "lanxi regions --level county" in result.output
    assert re.search(r"县级单元.*39", result.output)


def test_regions_county_json_lists_39_current_codes(cli_db: Path) -> None:
    rows = run_json("regions", "--level", "county")
    assert len(rows) == 39
    for r in rows:
        assert set(r) >= {
            "code",
            "name",
            "name_en",
            "level",
            "parent_code",
            "province",
            "lon",
            "lat",
            "source",
        }
        assert re.fullmatch(r"6[23]\d{4}", r["code"])
        assert r["code"][:2] == {"甘肃": "62", "青海": "63"}[r["province"]]
        assert r["parent_code"][:4] == r["code"][:4]
    by_code = {r["code"]: r for r in rows}
    assert by_code["630106"]["name"] == "湟中区"
    assert {"name": "湟中县", "code": "630122", "valid_until": 2020} in by_code["630106"]["aliases"]
    assert by_code["632301"]["name"] == "同仁市"
    assert "630122" not in by_code and "632321" not in by_code


def test_regions_by_group(cli_db: Path) -> None:
    rows = run_json("regions", "--group", "ganqing_demo_zone")
    assert sorted(r["code"] for r in rows) == ["620111", "630222"]
    rows = run_json("regions", "--group", "兰州经济圈")
    assert sorted(r["name"] for r in rows) == sorted(
        ["兰州市", "白银市", "定西市", "临夏回族自治州"]
    )


def test_unknown_group_is_a_clear_error(cli_db: Path) -> None:
    result = runner.invoke(app, ["regions", "--group", "nowhere"])
    assert result.exit_code == 1
    assert "no region group 'nowhere'" in result.output
    assert "lanxi_belt" in result.output


def test_tasks_json_lists_58_with_normalized_units(cli_db: Path) -> None:
    rows = run_json("tasks")
    assert len(rows) == 58
    assert [r["number"] for r in rows] == sorted(r["number"] for r in rows)
    for r in rows:
        assert set(r) >= {
            "id",
            "plan",
            "section",
            "title",
            "text",
            "lead_units",
            "co_units",
            "source",
        }
        assert r["lead_units"], r["id"]
        for u in r["lead_units"] + r["co_units"]:
            assert set(u) >= {"name", "province"}
            if u["province"] is not None:
                assert u["province"] in ("甘肃", "青海")
    both = [r for r in rows if r["lead_units_text"].startswith("两省")]
    assert both
    for r in both:
        provinces = {u["province"] for u in r["lead_units"]}
        assert {"甘肃", "青海"} <= provinces, r["id"]


def test_tasks_filters(cli_db: Path) -> None:
    all_rows = run_json("tasks")
    eco = run_json("tasks", "--agency", "生态环境厅")
    assert 0 < len(eco) < len(all_rows)
    assert all(any("生态环境厅" in u["name"] for u in r["lead_units"] + r["co_units"]) for r in eco)
    s3 = run_json("tasks", "--section", "三")
    assert s3 and all(r["section"].startswith("三") for r in s3)
    qh = run_json("tasks", "--province", "青海")
    assert all(any(u["province"] == "青海" for u in r["lead_units"] + r["co_units"]) for r in qh)
    minhe = run_json("tasks", "--region", "民和回族土族自治县")
    assert minhe and len(minhe) < len(all_rows)


def test_tasks_xlsx_is_a_formatted_workbook(cli_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "tasks.xlsx"
    result = runner.invoke(app, ["tasks", "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out)["tasks"]
    header = [c.value for c in ws[3]]
    assert "section" in header and "lead_units" in header
    assert ws.max_row == 3 + 58
    assert ws.freeze_panes == "A4"


def test_xlsx_without_out_is_refused(cli_db: Path) -> None:
    result = runner.invoke(app, ["tasks", "--format", "xlsx"])
    assert result.exit_code != 0
    assert "--out" in result.output


def test_indicators_contract_and_key_targets(cli_db: Path) -> None:
    rows = run_json("indicators")
    for r in rows:
        assert set(r) >= {
            "id",
            "name",
            "unit",
            "comparison",
            "target_value",
            "target_year",
            "baseline_value",
            "baseline_year",
            "region_code",
            "plan",
            "source",
        }
    good_air = [
        r
        for r in rows
        if r["indicator_id"] == "air_good_days_ratio"
        and r["plan"] == "scheme2022"
        and r["kind"] == "target"
    ]
    assert [(r["comparison"], r["target_value"], r["target_year"]) for r in good_air] == [
        ("ge", 90.0, 2025)
    ]
    scheme = run_json("indicators", "--plan", "scheme2022")
    assert scheme and all(r["plan"] == "scheme2022" for r in scheme)


def test_unknown_plan_is_a_clear_error(cli_db: Path) -> None:
    result = runner.invoke(app, ["indicators", "--plan", "nope"])
    assert result.exit_code == 1
    assert "no plan 'nope'" in result.output


def test_plans_and_groups_and_agencies(cli_db: Path) -> None:
    plans = run_json("plans")
    assert {p["id"] for p in plans} == {
        "plan2018",
        "gansu2021",
        "scheme2022",
        "news_proposals",
        "news_xining",
    }
    scheme = next(p for p in plans if p["id"] == "scheme2022")
    assert scheme["doc_number"] == "青政办〔2022〕5号"
    groups = {g["id"]: g for g in run_json("groups")}
    assert {m["code"] for m in groups["xining_haidong_metro"]["members"]} == {"630100", "630200"}
    ag = run_json("agencies", "--province", "甘肃")
    assert ag and all(a["province"] == "甘肃" for a in ag)
    assert sum(a["tasks_lead"] for a in run_json("agencies")) >= 58


def test_projects_filters(cli_db: Path) -> None:
    rows = run_json("projects")
    assert rows
    rail = run_json("projects", "--kind", "rail")
    assert rail and all(p["kind"] == "rail" for p in rail)
    xining = run_json("projects", "--region", "西宁市")
    assert xining and len(xining) < len(rows)


def test_csv_and_table_formats(cli_db: Path) -> None:
    result = runner.invoke(app, ["regions", "--level", "prefecture", "--format", "csv"])
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("code,name,name_en,level")
    assert len(lines) == 1 + 9
    result = runner.invoke(app, ["regions", "--level", "prefecture"])
    assert "兰州市" in result.stdout and "9 条" in result.stdout


def test_backup_copies_the_database(cli_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "copy.sqlite"
    result = runner.invoke(app, ["db", "backup", str(out)])
    assert result.exit_code == 0, result.output
    import sqlite3

    with sqlite3.connect(out) as con:
        assert con.execute("select count(*) from tasks").fetchone()[0] == 58


def test_commands_before_setup_say_what_to_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANXI_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite'}")
    get_settings.cache_clear()
    store.engine.cache_clear()
    try:
        result = runner.invoke(app, ["tasks"])
        assert result.exit_code == 1
        assert "lanxi setup" in result.output
    finally:
        get_settings.cache_clear()
        store.engine.cache_clear()


def test_circle_targets_name_their_region_group(cli_db: Path) -> None:
    rows = run_json("indicators", "--plan", "gansu2021")
    circle = [r for r in rows if r["name"].startswith("兰州经济圈")]
    assert circle
    assert {r["group"] for r in circle} == {"lanzhou_economic_circle"}
    assert {r["region_code"] for r in circle} == {"620000"}
    agglomeration = [
        r for r in run_json("indicators", "--plan", "scheme2022") if r["region_code"] == "LXCSQ"
    ]
    assert agglomeration
    assert all(r["group"] is None for r in agglomeration)
