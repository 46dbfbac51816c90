"""Every report rendered on the demo data: PDF text and first page, workbook, HTML.

The PDFs are rendered once per session (``pdfs``); ``pdftotext`` and ``pdftoppm`` (poppler-utils,
installed by ``scripts/ensure-system-deps.sh``) read them back.
"""

from __future__ import annotations

import base64
import io
import re
import subprocess
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from PIL import Image
from tests.reports.conftest import PERIODS, STAMP, pdf_text, squeeze

from lanxi.reports import KINDS, Report, build_report, render, render_bytes
from lanxi.reports.i18n import t


def _pct(x: float, digits: int = 1) -> str:
    return f"{100 * x:.{digits}f}%"


def test_every_pdf_has_its_title_and_the_synthetic_note(
    pdfs: dict[str, Path], reports: dict[str, Report]
) -> None:
    for kind, path in pdfs.items():
        text = pdf_text(path)
        assert squeeze(reports[kind].title) in text, kind
        assert "合成演示数据" in text, kind  # every demo report says its data are synthetic
        assert "2026年1月5日09:30" in text, kind  # the generated-at stamp, in Chinese form
        assert "第1页共" in text, kind  # page numbers 第 N 页 共 M 页


def test_pdf_figures_water(pdfs: dict[str, Path], reports: dict[str, Report]) -> None:
    text = pdf_text(pdfs["water-monthly"])
    assert "2025年6月" in text and squeeze("GB 3838-2002") in text
    for r in reports["water-monthly"].table("sections").rows:
        assert r["section"] not in text  # the section's name, never its code
        assert squeeze(r["section_name"])[:4] in text
    hs = next(r for r in reports["water-monthly"].table("values").rows if r["section"] == "HS-OUT")
    assert f"{hs['nh3n']:.3f}" in text  # a measured monthly mean, as the table prints it
    text = pdf_text(pdfs["water-annual"])
    for r in reports["water-annual"].table("cities").rows:
        assert squeeze(r["region_name"])[:4] in text
        if r["compliance_rate"] is not None:  # None: no section of the city has a target
            assert _pct(r["compliance_rate"]) in text
    text = pdf_text(pdfs["water-warnings"])
    assert "全部断面季度情况" in text and "2025年第二季度" in text
    assert squeeze("季度预警级别") in text and "预警规则" in text


def test_pdf_figures_compensation_and_air(
    pdfs: dict[str, Path], reports: dict[str, Report]
) -> None:
    (row,) = reports["compensation"].table("settlement").rows
    text = pdf_text(pdfs["compensation"])
    assert row["section"] == "HS-OUT" and row["rule"] in text
    # HS-OUT is 边墙村, settled under the 青—甘 rule, whose amounts were never reported
    summary = reports["compensation"].sections[0].paragraphs[1]
    assert "边墙村" in text and squeeze(summary)[:30] in text
    assert "甘肃" in text and "青海" in text and "盖章" in text
    assert "浙江" not in text and "安徽" not in text
    text = pdf_text(pdfs["air-annual"])
    assert squeeze("HJ 633-2012") in text and squeeze("GB 3095-2012") in text
    assert "2026年以前制定的目标按其制定时的标准版本" in text  # pre-2026 targets: 2012 edition
    for r in reports["air-annual"].table("good-days").rows:
        assert _pct(r["good_days_ratio"]) in text
    # a whole year of demo data: every statistic has its 324 valid days, so no validity warning
    assert "不足324天" not in text and "有效监测天数" not in text
    meets = {r["meets_target"] for r in reports["air-annual"].table("good-days").rows}
    # None: 兰州新区, a unit of its own, never under a target
    assert meets == {"已达到", "未达到", None}  # the demo's cities lie on both sides of 90 %
    assert "未达到" in text


def test_pdf_figures_plan_reports(pdfs: dict[str, Path], reports: dict[str, Report]) -> None:
    text = pdf_text(pdfs["progress"])
    for heading in ("目标指标进展", "重点任务完成情况", "重点项目"):
        assert heading in text
    first = reports["progress"].table("completion-province").rows[0]
    assert first["name"] in text and _pct(first["share_completed"]) in text
    text = pdf_text(pdfs["midterm"])
    assert "2023年7月2日" in text  # the mid-point of 2021–2025
    text = pdf_text(pdfs["summary"])
    assert "2025年12月31日" in text


@pytest.mark.parametrize("kind", KINDS)
def test_first_page_is_not_blank(kind: str, pdfs: dict[str, Path], tmp_path: Path) -> None:
    prefix = tmp_path / "page"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdfs[kind]), str(prefix)],
        check=True,
    )
    (png,) = tmp_path.glob("page*.png")
    pixels = np.asarray(Image.open(png).convert("L"), dtype=float)
    assert pixels.std() > 10  # text, rules and images, not an empty page (a blank page: 0)
    assert (pixels < 250).mean() > 0.05


def test_pdf_has_a_cjk_font(pdfs: dict[str, Path]) -> None:
    res = subprocess.run(
        ["pdffonts", str(pdfs["water-monthly"])], check=True, capture_output=True, text=True
    )
    assert "CJK" in res.stdout  # Noto Sans/Serif CJK embedded: Chinese is drawn, not boxes


def test_workbooks(reports: dict[str, Report], tmp_path: Path) -> None:
    for kind, rep in reports.items():
        path = render(rep, "xlsx", tmp_path / f"{kind}.xlsx")
        wb = openpyxl.load_workbook(path)
        names = wb.sheetnames
        assert names[0] == "报告信息" and names[-1] == "数据来源", kind
        assert len(names) == len(rep.sections) + 2, kind
        assert wb[names[0]]["A1"].value == rep.title
        sources = [c.value for c in wb["数据来源"]["D"]][1:]
        assert all(sources) and len(sources) >= len(rep.tables()), kind
    wb = openpyxl.load_workbook(tmp_path / "water-annual.xlsx")
    ws = wb["各市州考核结果"]
    rows = reports["water-annual"].table("cities").rows
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "排名")
    for i, r in enumerate(rows, start=header + 1):
        assert ws.cell(i, 1).value == r["rank"]
        rate = ws.cell(i, 9)
        if r["compliance_rate"] is None:  # 兰州市: none of its sections has a published target
            assert rate.value in (None, "", "—", "-"), rate.value
            continue
        # a number (xlsxwriter writes 16 significant digits; Excel keeps 15)
        assert isinstance(rate.value, float)
        assert rate.value == pytest.approx(r["compliance_rate"], rel=1e-15)
        assert rate.number_format == "0.0%"  # a number shown as a share, not text
    wb = openpyxl.load_workbook(tmp_path / "compensation.xlsx")
    values = [c.value for row in wb["水质类别与结算"].iter_rows() for c in row]
    year = reports["compensation"].table("periods").rows[0]
    assert any(isinstance(v, float) and v == pytest.approx(year["nh3n"], rel=1e-15) for v in values)


def test_html_is_self_contained(reports: dict[str, Report]) -> None:
    html = render_bytes(reports["water-monthly"], "html").decode()
    assert "<style>" in html and "@page" in html  # CSS inline
    assert "<link" not in html
    srcs = re.findall(r'src="([^"]+)"', html)
    assert len(srcs) == 2 and all(s.startswith("data:image/png;base64,") for s in srcs)
    img = Image.open(io.BytesIO(base64.b64decode(srcs[0].split(",", 1)[1])))
    assert img.format == "PNG" and img.width > 300
    assert "http://" not in html and "https://" not in html
    # HS-OUT is the real section 边墙村 since main's real water sections
    assert "月度水质监测评估通报" in html and "边墙村" in html and "HS-OUT" not in html


def test_english_report(demo_url: str, tmp_path: Path) -> None:
    rep = build_report("water-annual", period="2025", lang="en", url=demo_url, generated_at=STAMP)
    assert rep.title == "Annual water-environment responsibility assessment"
    html = render_bytes(rep, "html").decode()
    assert 'lang="en"' in html and "Compliance rate" in html and "Results by city" in html
    assert "synthetic demonstration data" in html
    wb = openpyxl.load_workbook(render(rep, "xlsx", tmp_path / "en.xlsx"))
    assert wb.sheetnames[0] == "Report" and wb.sheetnames[-1] == "Sources"


def test_english_reports_name_the_water_items_in_english(demo_url: str) -> None:
    # HS-OUT (边墙村) is settled under the 青—甘 class-step rule: its periods table names the
    # items it prints, in English
    rep = build_report("compensation", period="2025", lang="en", url=demo_url, generated_at=STAMP)
    labels = {c.key: c.label for c in rep.table("periods").columns}
    assert labels["nh3n"] == "ammonia nitrogen (NH3-N)"
    assert labels["codmn"] == "permanganate index (CODMn)"
    html = render_bytes(rep, "html").decode()
    assert "ammonia nitrogen" in html and "氨氮" not in html and "nh3n" not in html
    assert "湟水" not in html and "边墙村" not in html and "Bianqiang Village" in html
    zh = build_report("compensation", period="2025", url=demo_url, generated_at=STAMP)
    zh_labels = {c.key: c.label for c in zh.table("periods").columns}
    assert zh_labels["codmn"] == "高锰酸盐指数"  # the standard's name, without its code
    monthly = build_report(
        "water-monthly", period="2025-06", lang="en", url=demo_url, generated_at=STAMP
    )
    labels = {c.key: c.label for c in monthly.table("values").columns}
    assert labels["tp"] == "total phosphorus (mg/L)" and labels["ph"] == "pH (dimensionless)"


def test_same_inputs_same_content(reports: dict[str, Report], demo_url: str) -> None:
    again = build_report("compensation", period="2025", url=demo_url, generated_at=STAMP)
    assert again.model_dump(mode="json") == reports["compensation"].model_dump(mode="json")


def test_report_json_round_trip(reports: dict[str, Report]) -> None:
    data = reports["water-warnings"].model_dump(mode="json")
    assert Report.model_validate(data) == reports["water-warnings"]
    assert data["generated_at"].startswith("2026-01-05T09:30:00")
    assert data["sections"][2]["figures"][0]["kind"] == "map"


def test_periods_cover_every_kind() -> None:
    assert set(PERIODS) == set(KINDS)
    assert t("kind.water-monthly") == "月度水质监测评估通报"
