"""Worked example of the annual responsibility report (年度水环境责任考核结果), by hand.

Rules (docs/water.md, “Annual compliance”; 环办〔2011〕22号 for the classes): a section meets its
target in the year when the class of its annual mean concentrations is at or better than its
target class; ``share_meeting`` = sections meeting / sections; ``compliance_rate`` = section-months
meeting / section-months; cities and provinces ranked by the share (ties share a rank); the change
against the year before in 百分点; trend improved / declined.

Only NH3-N varies (GB 3838-2002: Ⅱ ≤ 0.5, Ⅲ ≤ 1.0, Ⅳ ≤ 1.5 mg/L); every other item is Ⅱ or better.
Two months a year (January, February):

* 边墙村 HS-OUT (海东市, 青海, target Ⅲ): 2025 0.6 Ⅲ ✓, 1.2 Ⅳ ✗; annual mean 0.9 Ⅲ ✓.
  2024 1.2, 1.2: annual Ⅳ ✗.
* 大河家 HH-OUT (海东市, 青海, target Ⅱ): 0.4 every month, Ⅱ ✓ both years.
* 湟水桥 HS-HSQ (兰州市, 甘肃, target Ⅲ): 2025 1.2, 1.2 Ⅳ ✗ ✗, annual ✗; 2024 0.8 Ⅲ ✓.

海东市: 2 sections, 2 meeting → 100.0 %; section-months 3 of 4 → 75.0 %; 2024 1 of 2 → 50.0 %;
change +50.0 百分点, improved; rank 1. 兰州市: 0 of 1 → 0.0 %; 0 of 2 → 0.0 %; 2024 100.0 %;
change −100.0 百分点, declined; rank 2. 青海 = 海东市, 甘肃 = 兰州市 (one city each here).
"""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from tests.reports.conftest import STAMP, pdf_text, squeeze

from lanxi.reports import build_report, render, render_bytes

BASE = {"ph": 7.0, "do": 6.0, "codmn": 3.0, "cod": 10.0, "bod5": 2.0, "tp": 0.1, "f": 0.5}
# section: (city, province, target class, NH3-N 2024 Jan/Feb, NH3-N 2025 Jan/Feb)
SECTIONS = {
    "HS-OUT": ("海东市", "青海", 3, [1.2, 1.2], [0.6, 1.2]),
    "HH-OUT": ("海东市", "青海", 2, [0.4, 0.4], [0.4, 0.4]),
    "HS-HSQ": ("兰州市", "甘肃", 3, [0.8, 0.8], [1.2, 1.2]),
}


def fixture_samples() -> pd.DataFrame:
    rows = []
    for section, (city, province, target, before, now) in SECTIONS.items():
        for year, series in ((2024, before), (2025, now)):
            for month, nh3n in enumerate(series, start=1):
                rows.append(
                    {
                        "section": section,
                        "time": f"{year}-{month:02d}-15",
                        "waterbody": "river",
                        "target_class": target,
                        "city": city,
                        "province": province,
                        **BASE,
                        "nh3n": nh3n,
                    }
                )
    return pd.DataFrame(rows)


@pytest.fixture
def report(empty_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from lanxi.reports.builders import water

    monkeypatch.setattr(water, "stored_samples", lambda url: fixture_samples())
    monkeypatch.setattr(water, "flag_synthetic", lambda *a, **k: None)
    return build_report("water-annual", period="2025", url=empty_url, generated_at=STAMP)


def test_the_cities_and_provinces_by_hand(report) -> None:  # type: ignore[no-untyped-def]
    cities = {r["region"]: r for r in report.table("cities").rows}
    hd, lz = cities["海东市"], cities["兰州市"]
    assert (hd["sections"], hd["sections_meeting"], hd["share_meeting"]) == (2, 2, 1.0)
    assert (hd["section_months"], hd["section_months_meeting"]) == (4, 3)
    assert hd["compliance_rate"] == pytest.approx(0.75)
    assert hd["previous_share_meeting"] == pytest.approx(0.5)
    assert hd["share_change"] == pytest.approx(0.5) and hd["trend_label"] == "好转"
    assert (lz["share_meeting"], lz["compliance_rate"], lz["share_change"]) == (0.0, 0.0, -1.0)
    assert (hd["rank"], lz["rank"]) == (1, 2)
    provinces = {r["region"]: r for r in report.table("provinces").rows}
    assert provinces["青海"]["compliance_rate"] == pytest.approx(0.75)
    assert provinces["甘肃"]["compliance_rate"] == 0.0


def test_the_pdf_and_workbook_state_them(report, tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = pdf_text(render(report, "pdf", tmp_path / "annual.pdf"))
    # 海东市's row: rank 1, 2 sections, 2 meeting, 100.0%, 4 section-months, 3 meeting, 75.0%,
    # 50.0% the year before, +50.0 百分点, 好转
    assert squeeze("1 海东市 青海 2 2 100.0% 4 3 75.0% 50.0%") in text
    assert squeeze("2 兰州市 甘肃 1 0 0.0% 2 0 0.0% 100.0%") in text
    wb = openpyxl.load_workbook(io.BytesIO(render_bytes(report, "xlsx")))
    values = [
        [c.value for c in row]
        for ws in wb.worksheets
        for row in ws.iter_rows()
        if any(c.value == "海东市" for c in row)
    ]
    assert values and any(0.75 in row and 1 in row for row in values)
