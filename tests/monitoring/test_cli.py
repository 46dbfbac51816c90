"""The monitoring commands end to end on the bundled data (SQLite)."""

from __future__ import annotations

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
def cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    work = tmp_path_factory.mktemp("moncli")
    mp = pytest.MonkeyPatch()
    mp.setenv("LANXI_DATABASE_URL", f"sqlite:///{work / 'lanxi.sqlite'}")
    mp.delenv("LANXI_USER", raising=False)
    get_settings.cache_clear()
    store.engine.cache_clear()
    result = runner.invoke(app, ["setup"])
    assert result.exit_code == 0, result.output
    assert "Plan figures" in result.output
    yield work
    mp.undo()
    get_settings.cache_clear()
    store.engine.cache_clear()


def ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_plan_figures_are_approved_real_observations(cli: Path) -> None:
    rows = strict_loads(
        ok("observations", "--indicator", "gdp", "--format", "json", "--as", "admin")
    )
    lx = [r for r in rows if r["region_code"] == "LXCSQ"]
    assert [(r["period"], r["value"], r["status"], r["synthetic"]) for r in lx] == [
        ("2016", 4874.0, "approved", False)
    ]
    assert lx[0]["source"].startswith("001_ff21d5f6d73a90f5.txt § 前言")
    assert lx[0]["entered_by"] == "system:plan-data"


def test_template_submit_approve_and_progress(cli: Path) -> None:
    xlsx = cli / "obs.xlsx"
    out = ok(
        "template",
        "observations",
        "--indicator",
        "urbanization_rate",
        "--region",
        "620100",
        "--region",
        "630100",
        "--out",
        str(xlsx),
    )
    assert "codes" in out
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["data"]
    assert [c.value for c in ws[1]][:5] == [
        "indicator_id",
        "region_code",
        "period",
        "value",
        "unit",
    ]
    assert (ws["A2"].value, ws["B3"].value, ws["E2"].value) == ("urbanization_rate", "630100", "%")
    codes = [c.value for c in wb["codes"]["A"]][2:6]
    assert "urbanization_rate" in [c.value for c in wb["codes"]["A"]]
    assert codes
    ws["C2"], ws["D2"], ws["F2"] = "2024", 84.1, "兰州市统计公报"
    ws["C3"], ws["D3"], ws["E3"], ws["F3"] = "2024", 0.801, "ratio", "西宁市统计公报"
    wb.save(xlsx)
    res = strict_loads(ok("submit", str(xlsx), "--format", "json"))
    assert (res["inserted"], res["status"]) == (2, "submitted")
    again = strict_loads(ok("submit", str(xlsx), "--format", "json"))
    assert again["existing"] and again["batch_id"] == res["batch_id"]
    pending = strict_loads(ok("batches", "--status", "submitted", "--format", "json"))
    assert [b["id"] for b in pending] == [res["batch_id"]]
    # four-eyes approval: admin submitted, so admin may not approve (exit 2, zh and en reason)
    own = runner.invoke(app, ["approve", res["batch_id"][:8]])
    assert own.exit_code != 0 and "four-eyes" in own.output
    ok("users", "add", "office2")
    ok("users", "grant", "office2", "agglomeration_office")
    ok("approve", res["batch_id"][:8], "--as", "office2")
    rows = strict_loads(
        ok(
            "observations",
            "--indicator",
            "urbanization_rate",
            "--region",
            "630100",
            "--status",
            "approved",
            "--format",
            "json",
        )
    )
    assert [(r["period"], r["value"]) for r in rows if r["period"] == "2024"] == [("2024", 80.1)]
    out = runner.invoke(app, ["observations", "--as", "nobody_here"])
    assert out.exit_code == 1 and "no such user" in out.output


def test_refused_submission_exits_2_and_writes_nothing(cli: Path) -> None:
    bad = cli / "bad.csv"
    bad.write_text(
        "indicator_id,region_code,period,value,unit,source,note\n"
        "urbanization_rate,620100,2024Q1,84,%,s,\n",
        encoding="utf-8",
    )
    before = ok("batches", "--format", "json")
    result = runner.invoke(app, ["submit", str(bad)])
    assert result.exit_code == 2
    assert "row 2, field 'period'" in result.output and "[period form]" in result.output
    assert ok("batches", "--format", "json") == before


def test_demo_progress_tasks_audit_and_wipe(cli: Path) -> None:
    out = ok("demo", "--until", "2024", "--seed", "3")
    assert "synthetic" in out.lower()
    prog = strict_loads(ok("progress", "--plan", "scheme2022", "--format", "json"))
    assert {
        "indicator_id",
        "region_code",
        "latest_value",
        "latest_period",
        "target_value",
        "target_year",
        "status",
        "method",
    } <= set(prog[0])
    assert {p["indicator_id"] for p in prog} == {
        "air_good_days_ratio",
        "gdp_growth",
        "urbanization_rate",
    }
    assert all(p["method"] == "opensdg" for p in prog)
    euro = strict_loads(
        ok(
            "progress",
            "--plan",
            "scheme2022",
            "--method",
            "eurostat",
            "--as-of",
            "2023-12-31",
            "--format",
            "json",
        )
    )
    assert all(p["latest_period"] is None or p["latest_period"] <= "2023" for p in euro)
    by_section = strict_loads(ok("tasks", "status", "--by", "section", "--format", "json"))
    assert by_section and {"group", "completed", "overdue", "stalled"} <= set(by_section[0])
    assert strict_loads(ok("task-status", "--province", "青海", "--format", "json"))
    assert strict_loads(ok("tasks", "--province", "青海", "--format", "json"))  # still lists tasks
    assert strict_loads(ok("annual-tasks", "--year", "2023", "--format", "json"))
    assert strict_loads(
        ok("rollup", "--indicator", "urbanization_rate", "--period", "2024", "--format", "json")
    )
    ev = strict_loads(ok("evaluate", "midterm"))
    assert ev["as_of"] == "2023-07-02" and ev["synthetic_inputs"]  # mid-point of 2021–2025
    public = strict_loads(ok("observations", "--as", "demo_public", "--format", "json"))
    assert public and all(r["status"] == "approved" for r in public)
    audit = strict_loads(ok("audit", "--since", "2000-01-01", "--format", "json"))
    assert {"submit", "approve"} <= {a["action"] for a in audit}
    assert "wiped" in ok("demo", "--wipe")
    assert strict_loads(ok("observations", "--synthetic", "--format", "json")) == []


def test_users_commands(cli: Path) -> None:
    ok("users", "add", "wang", "--name", "王")
    ok("users", "grant", "wang", "province_admin", "青海")
    users = {u["username"]: u for u in strict_loads(ok("users", "list", "--format", "json"))}
    assert users["wang"]["roles"] == ["province_admin:630000"]
    denied = runner.invoke(app, ["users", "add", "li", "--as", "wang"])
    assert denied.exit_code == 1 and "only the agglomeration_office" in denied.output
    bad = cli / "qh.csv"
    bad.write_text(
        "indicator_id,region_code,period,value,unit,source,note\ngdp,620100,2024,3500,亿元,s,\n",
        encoding="utf-8",
    )
    refused = runner.invoke(app, ["submit", str(bad), "--as", "wang"])
    assert refused.exit_code == 2 and "outside your regions" in refused.output


def test_token_commands_and_password_reset(cli: Path) -> None:
    ok("users", "add", "tok_user")
    ok("users", "grant", "tok_user", "city_submitter", "620100")
    out = ok("token", "create", "nightly", "--as", "tok_user", "--days", "7")
    token = out.strip().splitlines()[-1]
    assert token.startswith("lx_")
    listed = strict_loads(ok("token", "list", "--as", "tok_user", "--format", "json"))
    assert [(t["name"], t["state"]) for t in listed] == [("nightly", "active")]
    # another user sees none of them; the office (admin) sees them
    assert strict_loads(ok("token", "list", "--user", "tok_user", "-f", "json"))
    refused = runner.invoke(app, ["token", "revoke", str(listed[0]["id"]), "--as", "demo_public"])
    assert refused.exit_code == 1
    # a weak password is refused with exit code 2
    weak = runner.invoke(app, ["users", "password", "tok_user", "--password", "1234567890"])
    assert weak.exit_code == 2 and "common" in weak.output
    # a reset revokes the token
    ok("users", "password", "tok_user", "--generate")
    listed = strict_loads(ok("token", "list", "--as", "tok_user", "--all", "--format", "json"))
    assert [t["state"] for t in listed] == ["revoked"]
    second = strict_loads(ok("token", "list", "--as", "tok_user", "--format", "json"))
    assert second == []
    ok("token", "create", "again", "--as", "tok_user")
    tid = strict_loads(ok("token", "list", "--as", "tok_user", "-f", "json"))[0]["id"]
    assert "revoked" in ok("token", "revoke", str(tid))  # by the office (admin)
