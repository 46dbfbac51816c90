"""A period with no data says so plainly; bad options are refused; the ``lanxi report`` command."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from tests.reports.conftest import PERIODS, STAMP, pdf_text
from typer.testing import CliRunner

from lanxi.cli.main import app
from lanxi.errors import ValidationError
from lanxi.reports import KINDS, build_report, render, render_bytes
from lanxi.services import store
from lanxi.settings import get_settings

runner = CliRunner()

EMPTY_PERIODS = {
    "water-monthly": "2019-01",
    "water-warnings": "2019Q1",
    "water-annual": "2019",
    "air-annual": "2019",
    "compensation": "2019",
}


@pytest.mark.parametrize("kind", sorted(EMPTY_PERIODS))
def test_demo_store_empty_period(kind: str, demo_url: str) -> None:
    rep = build_report(kind, period=EMPTY_PERIODS[kind], url=demo_url, generated_at=STAMP)
    assert rep.no_data
    assert rep.tables() == [] and rep.figures() == []  # no zeros, no empty charts
    html = render_bytes(rep, "html").decode()
    assert "本期无数据" in html and "2019" in html


@pytest.mark.parametrize("kind", KINDS)
def test_empty_store(kind: str, empty_url: str) -> None:
    """No samples, no air data, no reports (the plans' figures only): every kind says so."""
    period = PERIODS[kind]
    rep = build_report(
        kind,
        period=period,
        as_of=dt.date(2015, 1, 1) if kind in ("progress", "public") else None,
        url=empty_url,
        generated_at=STAMP,
    )
    assert rep.no_data, kind
    assert rep.tables() == [] and rep.figures() == []
    assert rep.sections[0].paragraphs and "本期无数据" in rep.sections[0].paragraphs[0]


def test_no_data_pdf_and_workbook(empty_url: str, tmp_path: Path) -> None:
    rep = build_report("water-monthly", period="2025-06", url=empty_url, generated_at=STAMP)
    text = pdf_text(render(rep, "pdf", tmp_path / "empty.pdf"))
    assert "本期无数据" in text and "月度水质监测评估通报" in text
    assert "合成" not in text  # nothing synthetic shown either
    wb = openpyxl.load_workbook(render(rep, "xlsx", tmp_path / "empty.xlsx"))
    values = [c.value for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert "本期无数据" in values
    assert not any(isinstance(v, int | float) for v in values)  # not a single number, no zeros
    en = build_report("air-annual", period="2025", lang="en", url=empty_url, generated_at=STAMP)
    assert "No data for this period" in render_bytes(en, "html").decode()


def test_bad_requests_are_refused(demo_url: str) -> None:
    with pytest.raises(ValidationError) as exc:
        build_report("water-monthly", period="2025-6", url=demo_url)
    assert (
        "--period" in str(exc.value) and "YYYY-MM" in str(exc.value) and "2025-6" in str(exc.value)
    )
    with pytest.raises(ValidationError) as exc:
        build_report("weekly", lang="fr", url=demo_url)  # type: ignore[arg-type]
    assert "weekly" in str(exc.value) and "fr" in str(exc.value)  # both problems at once
    with pytest.raises(ValidationError):
        build_report("water-warnings", period="2025-04", url=demo_url)


@pytest.fixture
def cli_db(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("LANXI_DATABASE_URL", demo_url)
    get_settings.cache_clear()
    yield demo_url
    get_settings.cache_clear()
    store.engine(None).dispose()


def test_cli_report(cli_db: str, tmp_path: Path) -> None:
    out = tmp_path / "annual.xlsx"
    res = runner.invoke(app, ["report", "water-annual", "--period", "2025", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "Wrote" in res.output and "合成数据" in res.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["报告信息", "各省考核结果", "各市州考核结果", "数据来源"]
    out = tmp_path / "comp.html"
    res = runner.invoke(
        app,
        [
            "report",
            "compensation",
            "--period",
            "2025",
            "--lang",
            "en",
            "--format",
            "html",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "Annual statement of cross-provincial eco-compensation" in out.read_text()


def test_cli_refuses_before_writing(cli_db: str, tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    res = runner.invoke(app, ["report", "water-monthly", "--period", "June", "--out", str(out)])
    assert res.exit_code == 2 and "YYYY-MM" in res.output
    assert not out.exists()
    res = runner.invoke(
        app, ["report", "progress", "--format", "pdf", "--out", str(tmp_path / "x.xlsx")]
    )
    assert res.exit_code == 2 and "needs a .pdf file" in res.output
    res = runner.invoke(app, ["report", "progress", "--out", str(tmp_path / "x.docx")])
    assert res.exit_code == 2
    assert list(tmp_path.iterdir()) == []
