"""The dashboard's Reports page: a form per kind in both languages, the sign-in note, a download."""

from __future__ import annotations

import base64
import re

from fastapi.testclient import TestClient
from tests.web.test_pages import _login

from lanxi.reports.catalogue import KIND_INFO

INTERNAL = {"compensation", "progress", "midterm", "summary"}


def _forms(html: str) -> dict[str, str]:
    """Kind → action of every download form of the page."""
    found = re.findall(r'method="get" action="(/api/v1/reports/[^"]+)" id="rep-([^"]+)"', html)
    return {kind: action for action, kind in found}


def test_page_in_chinese_and_english(page_client: TestClient) -> None:
    r = page_client.get("/reports")
    assert r.status_code == 200
    html = r.text
    assert '<html lang="zh-CN">' in html and "报告下载" in html
    assert 'href="/reports" aria-current="page">报告</a>' in html  # the nav link
    assert "年度环境空气质量报告" in html and "月度水质监测评估通报" in html
    forms = _forms(html)
    # anonymous: forms for the open kinds, a sign-in note for the others
    assert set(forms) == set(KIND_INFO) - INTERNAL
    assert forms["water-monthly"] == "/api/v1/reports/water-monthly"
    main = html.split('<main id="main"')[1].split("</main>")[0]  # not the page's JSON catalogue
    assert main.count("此报告仅供规划管理部门的登录用户") == len(INTERNAL)
    # every field has a label (keyboard and screen-reader use)
    for field in re.findall(r'<(?:input|select) id="([^"]+)"', html):
        assert f'<label for="{field}">' in html, field
    assert 'name="period" value="2025-06"' in html
    assert '<option value="zh" selected>' in html

    en = page_client.get("/reports", params={"lang": "en"}).text
    assert '<html lang="en">' in en and "Report downloads" in en
    assert 'href="/reports" aria-current="page">Reports</a>' in en
    assert "Annual ambient air quality report" in en
    assert '<option value="en" selected>' in en
    main = en.split('<main id="main"')[1].split("</main>")[0]
    assert main.count("This report is for signed-in users of the plan offices") == len(INTERNAL)


def test_signed_in_sees_every_form_and_downloads(page_client: TestClient) -> None:
    _login(page_client, "demo_gansu")
    html = page_client.get("/reports").text
    assert set(_forms(html)) == set(KIND_INFO)
    # what the form sends: every field, the empty ones included
    r = page_client.get(
        "/api/v1/reports/water-warnings",
        params={"period": "2025Q2", "region": "", "lang": "zh", "format": "html"},
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert "季度水质预警通报" in r.text


def test_preview_shows_the_first_page_and_explains_errors(page_client: TestClient) -> None:
    r = page_client.get("/reports/water-monthly/preview", params={"period": "2025-06"})
    assert r.status_code == 200, r.text
    data = re.search(r'src="data:image/png;base64,([^"]*)"', r.text)
    assert data is not None
    png = base64.b64decode(data.group(1))  # the first page, drawn by pdftoppm
    assert png.startswith(b"\x89PNG") and len(png) > 5000
    assert "/api/v1/reports/water-monthly?period=2025-06&amp;lang=zh&amp;format=pdf" in r.text
    # a bad period: the problem in the page's language, not the API's JSON
    bad = page_client.get("/reports/water-monthly/preview", params={"period": "June"})
    assert bad.status_code == 400
    assert "此报告的报告期应写作年-月，如 2025-06" in bad.text and '"problems"' not in bad.text
    en = page_client.get("/reports/water-monthly/preview", params={"period": "June", "lang": "en"})
    assert (
        "needs a period of the form YYYY-MM" in en.text and "This report cannot be made" in en.text
    )
    # an internal kind, anonymous: refused in words
    denied = page_client.get("/reports/midterm/preview", params={"lang": "zh"})
    assert denied.status_code == 403 and "此报告仅供规划管理部门的登录用户查看" in denied.text
