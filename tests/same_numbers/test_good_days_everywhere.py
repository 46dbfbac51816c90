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
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import uvicorn
from tests import reference_air
from tests.reports.conftest import STAMP, pdf_text, squeeze
from typer.testing import CliRunner

from lanxi.api import create_app
from lanxi.cli.main import app as cli
from lanxi.reports import build_report, render
from lanxi.services import store
from lanxi.services.environment import store as env_store
from lanxi.services.monitoring.demo import setup_monitoring
from lanxi.settings import Settings, get_settings

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    u = f"sqlite:///{tmp_path_factory.mktemp('same2026') / 's.sqlite'}"
    store.init_database(u)
    store.load_bundled_plans(u)
    with store.session(u) as s:
        setup_monitoring(s)
    env_store.generate_demo(year=2026, air_days=5, url=u)
    yield u
    store.engine(u).dispose()


@pytest.fixture(scope="module")
def expected(url: str) -> dict[str, float]:
    """City name → good-days ratio (%, 0.1) under the edition in force on each day."""
    counts = reference_air.good_days(url.removeprefix("sqlite:///"), 2026)
    names = {c: n for n, c in reference_air.CODES.items()}
    out = {names[c]: reference_air.percent(g, n) for c, (g, n) in counts.items()}
    assert len(out) == 10  # the nine cities and 兰州新区 (stations of its own)
    # the edition matters on this data: under HJ 633-2012 all year some city would differ
    old = reference_air.good_days(url.removeprefix("sqlite:///"), 2026, edition="2012")
    assert any(old[c] != counts[c] for c in counts)
    return out


def test_cli_json(url: str, expected: dict[str, float]) -> None:
    # the command as a user runs it: a process of its own on the store of LANXI_DATABASE_URL
    res = subprocess.run(
        [sys.executable, "-m", "lanxi.cli.main", "air", "targets", "--year", "2026", "--json"],
        env={**os.environ, "LANXI_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr
    got = _cli_city_ratios(json.loads(res.stdout))
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
            cli, ["report", "air-annual", "--period", "2025", "--out", str(tmp_path / "a.xlsx")]
        )
        assert res.exit_code == 0, res.output
        monkeypatch.setenv("LANXI_DATABASE_URL", url)
        get_settings.cache_clear()
        res = runner.invoke(cli, ["air", "targets", "--year", "2026", "--json"])
        assert res.exit_code == 0, res.output
    finally:
        get_settings.cache_clear()
        store.engine(other).dispose()
    got = _cli_city_ratios(json.loads(res.stdout))
    assert got == {k: v for k, v in expected.items() if k != "兰州新区"}


def test_report_excel_and_pdf(url: str, expected: dict[str, float], tmp_path: Path) -> None:
    rep = build_report("air-annual", period="2026", url=url, generated_at=STAMP)
    xlsx = render(rep, "xlsx", tmp_path / "air.xlsx")
    wb = openpyxl.load_workbook(xlsx, data_only=True)
    found = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            if row and row[0] in expected and row[0] not in found:
                nums = [v for v in row[1:] if isinstance(v, float)]
                found[row[0]] = nums
    for city, pct in expected.items():
        # the ratio cell holds the fraction shown as a percentage
        assert any(abs(100 * v - pct) < 1e-9 for v in found[city]), (city, found[city])
    text = pdf_text(render(rep, "pdf", tmp_path / "air.pdf"))
    for city, pct in expected.items():
        assert squeeze(f"{city}") in text and f"{pct:.1f}%" in text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live(url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = Settings(database_url=url, home=tmp_path_factory.mktemp("live26"), env="test")
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_api_json(live: str, expected: dict[str, float]) -> None:
    import urllib.request

    with urllib.request.urlopen(f"{live}/api/v1/air/annual?level=city&year=2026") as r:
        items: list[dict[str, Any]] = json.load(r)["items"]
    got = {i["unit"]: round(100 * i["good_days_ratio"], 6) for i in items}
    assert got == expected


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
def test_dashboard(live: str, expected: dict[str, float]) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = b.new_context(locale="zh-CN").new_page()
            page.goto(live + "/air")
            page.wait_for_selector("#air-annual table tbody tr")
            rows = page.locator("#air-annual table tbody tr").all_inner_texts()
        finally:
            b.close()
    got = {}
    for line in rows:
        cells = line.split("\t")
        got[cells[0].strip()] = cells[3]
    assert set(got) == set(expected)
    for city, pct in expected.items():
        assert got[city].startswith(f"{pct:.1f}%"), (city, got[city])
