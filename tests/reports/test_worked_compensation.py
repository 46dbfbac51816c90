"""Worked example of the compensation statement's amount, computed by hand.

Rule (``compensation_rules.yaml``, qing-gan-2024, 黄河流域（青甘段）横向生态保护补偿协议, as
reported by 人民日报 2024-08-25): class-step, annual assessment of 边墙村 (HS-OUT); the base class is
the section's target class (Ⅲ) because the agreement's is not reported; the amount per class step
is not reported either, so it is set here as a user would (``amount_per_step`` = 500 万元; the
report's seam: the service call with that option). Worse than the base → the upstream party
(青海) pays the downstream party (甘肃) steps × amount.

Fixture: NH3-N 1.6, 1.8, 1.9 mg/L in January–March 2025 (every other item Ⅱ or better).
Hand calculation: annual mean (1.6 + 1.8 + 1.9)/3 = 1.767 mg/L → Ⅴ (1.5 < C ≤ 2.0, GB 3838-2002
表1); Ⅴ against base Ⅲ = 2 classes worse → 青海 pays 甘肃 2 × 500 = 1000 万元. Each month is Ⅴ as
well (1.6, 1.8, 1.9 all in (1.5, 2.0]) but only the annual row counts (compliance: annual).
"""

from __future__ import annotations

import functools
import io
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from tests.reports.conftest import STAMP, pdf_text, squeeze

from lanxi.reports import build_report, render, render_bytes

BASE = {"ph": 7.0, "do": 6.0, "codmn": 3.0, "cod": 10.0, "bod5": 2.0, "tp": 0.1, "f": 0.5}


def fixture_samples() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "section": "HS-OUT",
                "time": f"2025-{m:02d}-15",
                "waterbody": "river",
                "target_class": 3,
                "city": "海东市",
                "province": "青海",
                **BASE,
                "nh3n": v,
            }
            for m, v in enumerate([1.6, 1.8, 1.9], start=1)
        ]
    )


def _build(empty_url: str, monkeypatch: pytest.MonkeyPatch, lang: str):  # type: ignore[no-untyped-def]
    from lanxi.reports.builders import compensation, water
    from lanxi.services.environment import compensation as env

    monkeypatch.setattr(compensation, "stored_samples", lambda url: fixture_samples())
    monkeypatch.setattr(compensation, "flag_synthetic", lambda *a, **k: None)
    monkeypatch.setattr(water, "stored_samples", lambda url: fixture_samples())
    # the user's amount per class step (the agreement's is not reported)
    monkeypatch.setattr(
        env, "water_compensation", functools.partial(env.water_compensation, amount_per_step=500.0)
    )
    return build_report(
        "compensation",
        period="2025",
        section="HS-OUT",
        url=empty_url,
        generated_at=STAMP,
        lang=lang,
    )


def test_the_amount_by_hand(empty_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rep = _build(empty_url, monkeypatch, "zh")
    (row,) = rep.table("settlement").rows
    assert (row["water_class_label"], row["base_class_label"]) == ("Ⅴ", "Ⅲ")
    assert (row["payer"], row["payee"], row["amount"], row["unit"]) == (
        "青海",
        "甘肃",
        1000.0,
        "万元",
    )
    assert row["amount_per_step"] == 500.0
    periods = {r["period"]: r for r in rep.table("periods").rows}
    assert periods["2025"]["steps"] == -2 and periods["2025"]["counts"] is True
    assert periods["2025"]["nh3n"] == pytest.approx((1.6 + 1.8 + 1.9) / 3)
    assert [periods[m]["water_class_label"] for m in ("2025-01", "2025-02", "2025-03")] == [
        "Ⅴ",
        "Ⅴ",
        "Ⅴ",
    ]
    assert not any(periods[m]["counts"] for m in ("2025-01", "2025-02", "2025-03"))
    text = pdf_text(render(rep, "pdf", tmp_path / "compensation.pdf"))
    assert squeeze("由青海向甘肃补偿1000万元") in text
    assert squeeze("2025年边墙村断面年均水质Ⅴ类，基准Ⅲ类") in text
    wb = openpyxl.load_workbook(io.BytesIO(render_bytes(rep, "xlsx")))
    rows = [[c.value for c in r] for ws in wb.worksheets for r in ws.iter_rows()]
    assert any("边墙村" in row and 1000 in row and "青海" in row for row in rows)


def test_the_signatures_carry_the_number_and_the_totals(
    empty_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The page with the parties' seals names the statement and its total: it cannot be detached.

    边墙村 is the second section the 青—甘 agreement names (大河家, 边墙村): number 2 of 2025.
    """
    rep = _build(empty_url, monkeypatch, "zh")
    path = render(rep, "pdf", tmp_path / "compensation.pdf")
    pages = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout.split("\f")
    (page,) = [squeeze(p) for p in pages if "盖章" in p]
    assert squeeze("青海（盖章）") in page and squeeze("甘肃（盖章）") in page
    assert squeeze("结算单编号：青甘补偿结算〔2025〕2号（边墙村断面2025年度）") in page
    assert squeeze("结算金额合计：2025年度由青海向甘肃拨付1,000万元。") in page


def test_the_english_statement(empty_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    rep = _build(empty_url, monkeypatch, "en")
    (row,) = rep.table("settlement").rows
    assert (row["payer"], row["payee"], row["amount"], row["unit"]) == (
        "Qinghai Province",
        "Gansu Province",
        1000.0,
        "10,000 yuan",
    )
    paragraphs = next(s for s in rep.sections if s.id == "statement").paragraphs
    assert paragraphs[0] == "Statement No.: Qinghai-Gansu settlement [2025] No. 2"
    statement = next(p for p in paragraphs if "pays" in p)
    assert "Qinghai Province pays Gansu Province 1000 10,000 yuan" in statement
    assert "Bianqiang Village" in statement
