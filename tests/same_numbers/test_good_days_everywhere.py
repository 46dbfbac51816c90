"""One figure, one answer: the good-days ratio on every surface equals the standard's count.

A store with synthetic air data of **2026** for all nine cities and 兰州新区 (the year spans 2026-03-01, the
day HJ 633-2026 came into force). For each city the good-days ratio (edition of each day) read
from the CLI's JSON (``lanxi air targets --json``), the API's JSON (``/air/annual``), the
dashboard (the air page's table, in Chromium), the annual air report's Excel cell and its PDF
text equals the expectation of ``tests/reference_air.py`` — a count written from HJ 633's
breakpoints over the stored daily values with plain SQL, not a call of the service.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests import reference_air
from tests.reports.conftest import squeeze
from tests.same_numbers.conftest import api_items, report_files, table_rows
from typer.testing import CliRunner

from lanxi.cli.main import app as cli_app
from lanxi.services import store
from lanxi.services.environment import store as env_store
from lanxi.settings import get_settings


@pytest.fixture(scope="module")
def expected(db: str) -> dict[str, float]:
    """City name → good-days ratio (%, 0.1) under the edition in force on each day."""
    counts = reference_air.good_days(db, 2026)
    names = {c: n for n, c in reference_air.CODES.items()}
    out = {names[c]: reference_air.percent(g, n) for c, (g, n) in counts.items()}
    assert len(out) == 10  # the nine cities and 兰州新区 (stations of its own)
    # the edition matters on this data: under HJ 633-2012 all year some city would differ
    old = reference_air.good_days(db, 2026, edition="2012")
    assert any(old[c] != counts[c] for c in counts)
    return out


def test_cli_json(cli: Callable[[str], Any], expected: dict[str, float]) -> None:
    # the command as a user runs it: a process of its own on the store of LANXI_DATABASE_URL
    rows = cli("air-targets")
    got = {
        r["unit_name"]: r["good_days_ratio_by_day"]
        for r in rows
        if r["level"] == "city" and r["target_id"] == "plan2018.air_good_days_ratio.2035"
    }
    # a target covers the nine cities; 兰州新区 is assessed on its own, under no target
    assert got == {k: v for k, v in expected.items() if k != "兰州新区"}


def _cli_city_ratios(rows: list[dict[str, Any]]) -> dict[str, float]:
    return {
        r["unit_name"]: r["good_days_ratio_by_day"]
        for r in rows
        if r["level"] == "city" and r["target_id"] == "plan2018.air_good_days_ratio.2035"
    }


def test_cli_json_in_process_after_a_report_on_another_store(
    url: str, expected: dict[str, float], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI in the test's own process, after a report was built on another configured store.

    Regression (issue 12): the store's engine was cached on the argument ``None``, so once a
    command had run on one ``LANXI_DATABASE_URL`` every later command in the process read that
    store whatever the settings said — ``lanxi air targets`` answered from the former store.
    """
    other = f"sqlite:///{tmp_path / 'other.sqlite'}"
    store.init_database(other)
    store.load_bundled_plans(other)
    env_store.generate_demo(year=2025, air_days=1, url=other)
    runner = CliRunner()
    try:
        monkeypatch.setenv("LANXI_DATABASE_URL", other)
        get_settings.cache_clear()
        res = runner.invoke(
            cli_app, ["report", "air-annual", "--period", "2025", "--out", str(tmp_path / "a.xlsx")]
        )
        assert res.exit_code == 0, res.output
        monkeypatch.setenv("LANXI_DATABASE_URL", url)
        get_settings.cache_clear()
        res = runner.invoke(cli_app, ["air", "targets", "--year", "2026", "--json"])
        assert res.exit_code == 0, res.output
    finally:
        get_settings.cache_clear()
        store.engine(other).dispose()
    got = _cli_city_ratios(json.loads(res.stdout))
    assert got == {k: v for k, v in expected.items() if k != "兰州新区"}


def test_report_excel_and_pdf(url: str, expected: dict[str, float], tmp_path: Path) -> None:
    rows, text = report_files(url, "air-annual", "2026", tmp_path)
    found: dict[str, list[float]] = {}
    for row in rows:
        if row and row[0] in expected and row[0] not in found:
            found[row[0]] = [v for v in row[1:] if isinstance(v, float)]
    for city, pct in expected.items():
        # the ratio cell holds the fraction shown as a percentage
        assert any(abs(100 * v - pct) < 1e-9 for v in found[city]), (city, found[city])
    for city, pct in expected.items():
        assert squeeze(f"{city}") in text and f"{pct:.1f}%" in text


def test_api_json(live: str, expected: dict[str, float]) -> None:
    items = api_items(live, "/air/annual?level=city&year=2026")
    got = {i["unit"]: round(100 * i["good_days_ratio"], 6) for i in items}
    assert got == expected


def test_dashboard(browser: object, live: str, expected: dict[str, float]) -> None:
    got = {cells[0]: cells[3] for cells in table_rows(browser, live + "/air", "#air-annual")}
    assert set(got) == set(expected)
    for city, pct in expected.items():
        assert got[city].startswith(f"{pct:.1f}%"), (city, got[city])
