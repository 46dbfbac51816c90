"""Fixtures of the "same number everywhere" suite: one store, one server, one browser for the folder.

The store is a SQLite file with the bundled plans, the monitoring demo (seed 1, up to 2025: task
reports and plan figures) and the environment demo of **2026** (water samples of 2025 and 2026 at
every bundled section; daily air values for every day of 2026 at every station, five days of
hours), so the year spans 2026-03-01 (HJ 633-2026) and all nine cities. One uvicorn server on it
serves the API and the dashboard; one headless Chromium reads the pages. The CLI runs as a user
runs it, in a process of its own on ``LANXI_DATABASE_URL``. Reports are built in this process.

The expectations never come from these fixtures: each module computes its own from the standard's
or the rule's text (``tests/reference_*.py``).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import uvicorn
from tests.reports.conftest import STAMP, pdf_text

from lanxi.api import create_app
from lanxi.reports import build_report, render
from lanxi.services import store
from lanxi.services.environment import store as env_store
from lanxi.services.monitoring.demo import generate_synthetic, setup_monitoring
from lanxi.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
PAGE_TIMEOUT_MS = 120_000
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")


@pytest.fixture(scope="package")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The store of the suite (see the module docstring)."""
    u = f"sqlite:///{tmp_path_factory.mktemp('same2026') / 's.sqlite'}"
    store.init_database(u)
    store.load_bundled_plans(u)
    with store.session(u) as s:
        setup_monitoring(s)
    with store.session(u) as s:
        generate_synthetic(s, seed=1, until_year=2025)
    env_store.generate_demo(year=2026, air_days=5, url=u)
    yield u
    store.engine(u).dispose()


@pytest.fixture(scope="package")
def db(url: str) -> str:
    """The SQLite file of the store, for the references' plain SQL."""
    return url.removeprefix("sqlite:///")


#: Non-default water warning thresholds (``test_water_everywhere``; defaults 2, 1 and Ⅲ).
WARN_ENV = {
    "LANXI_WATER_WARNING_LEVEL1_DECLINE": "3",
    "LANXI_WATER_WARNING_LEVEL2_DECLINE": "2",
    "LANXI_WATER_WARNING_BELOW_CLASS": "2",
}
#: Every CLI command the folder reads, by name: its arguments and extra environment. They run
#: together (a few processes at a time) the first time one is asked for, so the folder waits for
#: the slowest rather than for their sum.
COMMANDS: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "air-targets": (("air", "targets", "--year", "2026", "--json"), {}),
    "water-assess": (("water", "assess", "--month", "2026-12", "--json"), {}),
    "water-annual": (("water", "annual", "--year", "2026", "--json"), {}),
    "water-compensation": (
        ("water", "compensation", "--section", "HS-OUT", "--year", "2026", "--json"),
        {},
    ),
    "water-compensation-set": (
        (
            "water",
            "compensation",
            "--section",
            "HS-OUT",
            "--year",
            "2026",
            "--base-class",
            "4",
            "--amount-per-step",
            "500",
            "--json",
        ),
        {},
    ),
    "progress": (("progress", "--format", "json"), {}),
    "progress-2023": (("progress", "--as-of", "2023-12-31", "--format", "json"), {}),
    "task-completion": (("task-status", "--by", "province", "--format", "json"), {}),
}


@pytest.fixture(scope="package")
def cli(url: str) -> Iterator[Callable[[str], Any]]:
    """``cli(name)``: the parsed JSON output of the command ``COMMANDS[name]`` on the store."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=max(2, (os.cpu_count() or 2))) as pool:
        futures = {
            name: pool.submit(run_cli, url, *args, env=env)
            for name, (args, env) in COMMANDS.items()
        }
        yield lambda name: futures[name].result()


def run_cli(url: str, *args: str, env: dict[str, str] | None = None) -> Any:
    """``lanxi ARGS`` in a process of its own on ``url``; its standard output parsed as JSON."""
    res = subprocess.run(
        [sys.executable, "-m", "lanxi.cli.main", *args],
        env={**os.environ, "LANXI_DATABASE_URL": url, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(url: str, home: Path) -> Iterator[str]:
    """A uvicorn server (API and dashboard) on ``url`` for the ``with`` block: its base URL.

    The app reads the process's settings (``lanxi.settings.get_settings``) where a service does;
    its answer cache lives as long as the server.
    """
    settings = Settings(database_url=url, home=home, env="test")
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


@pytest.fixture(scope="package")
def live(url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the folder's server on the suite's store."""
    with serve(url, tmp_path_factory.mktemp("live26")) as base:
        yield base


def api_items(live: str, path: str) -> list[dict[str, Any]]:
    """Every item of an API list route (``path`` with its query, under ``/api/v1``)."""
    import urllib.request

    sep = "&" if "?" in path else "?"
    with urllib.request.urlopen(f"{live}/api/v1{path}{sep}limit=1000") as r:
        body = json.load(r)
    assert body["total"] == len(body["items"]), "more than one page"
    items: list[dict[str, Any]] = body["items"]
    return items


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One headless Chromium for the folder (closed after it: the web tests start their own)."""
    if not CHROMIUM.exists():
        pytest.skip("needs /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield b
        finally:
            b.close()


def table_rows(browser: Any, page_url: str, selector: str) -> list[list[str]]:
    """The cells of each row of the table ``selector`` on ``page_url``, as Chromium renders them."""
    ctx = browser.new_context(locale="zh-CN")
    try:
        page = ctx.new_page()
        page.goto(page_url)
        # generous: on a loaded machine the CLI processes and report builds run beside the page
        page.wait_for_selector(f"{selector} table tbody tr", timeout=PAGE_TIMEOUT_MS)
        rows: list[list[str]] = page.eval_on_selector_all(
            f"{selector} table tbody tr",
            "trs => trs.map(tr => Array.from(tr.cells).map(td => td.innerText.trim()))",
        )
    finally:
        ctx.close()
    return rows


def report_files(
    url: str, kind: str, period: str, out: Path, *, pdf: bool = True, **request: Any
) -> tuple[list[list[Any]], str]:
    """A report built on ``url``: every row of every sheet of its Excel file, and its PDF text.

    The PDF text has no white space (``tests.reports.conftest.pdf_text``); "" with ``pdf`` False.
    """
    out.mkdir(parents=True, exist_ok=True)
    rep = build_report(kind, period=period, url=url, generated_at=STAMP, **request)
    wb = openpyxl.load_workbook(render(rep, "xlsx", out / f"{kind}.xlsx"), data_only=True)
    rows = [list(r) for ws in wb.worksheets for r in ws.iter_rows(values_only=True)]
    return rows, pdf_text(render(rep, "pdf", out / f"{kind}.pdf")) if pdf else ""
