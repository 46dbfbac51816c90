"""Fixtures of the report tests: one demo store per session, reports built (and rendered) once.

The store is a SQLite file in a temporary directory with the bundled plans, the plans' figures,
``lanxi demo`` (monitoring, seed 1, up to 2025) and ``lanxi env demo`` (water 2024–2025, 31 days of
hourly air data from 2025-01-01 and daily air values for all of 2025). WeasyPrint is slowish, so each kind's PDF is rendered once per
session (``pdfs``) and every test reads the same file.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from lanxi.reports import KINDS, Report, build_report, render
from lanxi.services import store
from lanxi.services.environment import store as env_store
from lanxi.services.monitoring.demo import generate_synthetic, setup_monitoring

#: The period each kind is built for on the demo data.
PERIODS: dict[str, str | None] = {
    "water-monthly": "2025-06",
    "water-warnings": "2025Q2",
    "water-annual": "2025",
    "air-annual": "2025",
    "compensation": "2025",
    "progress": "2025",
    "midterm": None,
    "summary": None,
    "public": "2025",
}
#: A fixed generated-at stamp, so two builds can be compared.
STAMP = dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _store(path: Path, *, demo: bool) -> str:
    url = f"sqlite:///{path}"
    store.init_database(url)
    store.load_bundled_plans(url)
    with store.session(url) as s:
        setup_monitoring(s)
    if demo:
        with store.session(url) as s:
            generate_synthetic(s, seed=1, until_year=2025)
        env_store.generate_demo(year=2025, air_days=31, url=url)
    return url


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a SQLite store with the bundled plans and both demos."""
    url = _store(tmp_path_factory.mktemp("reports") / "demo.sqlite", demo=True)
    yield url
    store.engine(url).dispose()


@pytest.fixture(scope="session")
def empty_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a store with the plans and their quoted figures only: no samples, no reports."""
    url = _store(tmp_path_factory.mktemp("reports-empty") / "empty.sqlite", demo=False)
    yield url
    store.engine(url).dispose()


@pytest.fixture(scope="session")
def reports(demo_url: str) -> dict[str, Report]:
    """Every kind built once in Chinese on the demo store."""
    return {k: build_report(k, period=PERIODS[k], url=demo_url, generated_at=STAMP) for k in KINDS}


@pytest.fixture(scope="session")
def pdfs(reports: dict[str, Report], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every kind's PDF, rendered once."""
    out = tmp_path_factory.mktemp("pdf")
    return {k: render(r, "pdf", out / f"{k}.pdf") for k, r in reports.items()}


@pytest.fixture(scope="session")
def reports_en(demo_url: str) -> dict[str, Report]:
    """Every kind built once in English on the demo store."""
    return {
        k: build_report(k, period=PERIODS[k], url=demo_url, generated_at=STAMP, lang="en")
        for k in KINDS
    }


@pytest.fixture(scope="session")
def pdfs_en(
    reports_en: dict[str, Report], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """Every kind's English PDF, rendered once."""
    out = tmp_path_factory.mktemp("pdf-en")
    return {k: render(r, "pdf", out / f"{k}.pdf") for k, r in reports_en.items()}


def pdf_text(path: Path) -> str:
    """The PDF's text (pdftotext) with all white space removed.

    Table cells wrap over lines, so a name or a number is looked for without white space: compare
    with ``squeeze(expected)``.
    """
    res = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True)
    return squeeze(res.stdout)


def squeeze(text: str) -> str:
    """``text`` without any white space."""
    return "".join(text.split())
