"""The approval pages (issue 14): only the actions a role may take are offered; the review shows
old value, new value and difference; the submitter's page lists returns with their reasons;
times in Beijing time, labelled. In-process, and in headless Chromium."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import PASSWORD
from tests.web.test_e2e import CHROMIUM, Page, browser

__all__ = ["browser"]

HEADER = "indicator_id,region_code,period,value,unit,source,note\n"


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m
    return m.group(1)


def _login(c: TestClient, user: str) -> str:
    c.cookies.clear()
    csrf = _csrf(c.get("/login").text)
    r = c.post(
        "/login",
        data={"username": user, "password": PASSWORD, "csrf_token": csrf, "next": "/submit"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    return _csrf(c.get("/submit").text)


def _upload(c: TestClient, csrf: str, body: str, name: str, comment: str = "") -> str:
    r = c.post(
        "/submit",
        data={"csrf_token": csrf, "comment": comment},
        files={"file": (name, (HEADER + body).encode(), "text/csv")},
    )
    assert r.status_code == 201, r.text
    return re.search(r'id="batch-id">([0-9a-f-]+)<', r.text).group(1)  # type: ignore[union-attr]


def test_review_offers_only_allowed_actions_and_shows_the_values(page_client: TestClient) -> None:
    csrf = _login(page_client, "demo_lanzhou")
    first = _upload(page_client, csrf, "urbanization_rate,620100,2008,60.0,%,s,\n", "lz08a.csv")
    gs_csrf = _login(page_client, "demo_gansu")
    r = page_client.post(f"/queue/{first}/approve", data={"csrf_token": gs_csrf})
    assert r.status_code == 200  # redirected to the queue

    csrf = _login(page_client, "demo_lanzhou")
    second = _upload(
        page_client,
        csrf,
        "urbanization_rate,620100,2008,63.0,%,s,\n",
        "lz08b.csv",
        comment="按年鉴更正",
    )
    # the city submitter's queue and review pages offer no Approve / Return button
    queue = page_client.get("/queue").text
    assert f'data-batch="{second}"' in queue
    assert 'class="approve"' not in queue and f"/queue/{second}/approve" not in queue
    review = page_client.get(f"/queue/{second}").text
    assert 'class="approve"' not in review and "按年鉴更正" in review
    # the submitter's own page
    mine = page_client.get("/mine").text
    assert f'data-batch="{second}"' in mine and "待审批" in mine

    _login(page_client, "demo_gansu")
    queue = page_client.get("/queue").text
    assert f"/queue/{second}/approve" in queue and "按年鉴更正" in queue
    assert "（北京时间）" in queue
    review = page_client.get(f"/queue/{second}").text
    row = re.search(r"<tr>\s*<td>1</td>.*?</tr>", review, re.S)
    assert row is not None
    cells = re.findall(r'class="num (old|new|diff)">([^<]*)<', row.group(0))
    # published 60, submitted 63: +3 (+5.0 %)
    assert cells == [("old", "60"), ("new", "63"), ("diff", "+3 (+5.0%)")]
    assert 'class="approve"' in review
    r = page_client.post(
        f"/queue/{second}/return", data={"csrf_token": _csrf(review), "reason": "请附年鉴页码"}
    )
    assert r.status_code == 200

    _login(page_client, "demo_lanzhou")
    mine = page_client.get("/mine?lang=en").text
    row = re.search(rf'data-batch="{second}".*?</tr>', mine, re.S)
    assert row is not None
    assert "returned" in row.group(0) and "请附年鉴页码" in row.group(0)
    assert "demo_gansu" in row.group(0) and "(Beijing time)" in row.group(0)


def test_self_approval_from_the_page_is_refused_in_chinese(page_client: TestClient) -> None:
    csrf = _login(page_client, "demo_gansu")
    batch = _upload(page_client, csrf, "urbanization_rate,620100,2007,58.0,%,s,\n", "gs07.csv")
    queue = page_client.get("/queue").text
    assert f'data-batch="{batch}"' in queue and f"/queue/{batch}/approve" not in queue
    r = page_client.post(f"/queue/{batch}/approve", data={"csrf_token": csrf})
    assert r.status_code == 403
    assert "四眼审核" in r.text and "由您本人报送" in r.text
    r = page_client.post(f"/queue/{batch}/approve?lang=en", data={"csrf_token": csrf})
    assert r.status_code == 403 and "four-eyes approval" in r.text


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
def test_city_submitter_sees_no_approve_button_in_chromium(
    browser: Any, live_server: str, tmp_path: Path
) -> None:
    good = tmp_path / "lz06.csv"
    good.write_text(HEADER + "urbanization_rate,620100,2006,57.5,%,兰州统计年鉴,\n", "utf-8")
    city = Page(browser, live_server)
    try:
        page = city.open("/login?next=/submit")
        page.fill("#username", "demo_lanzhou")
        page.fill("#password", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_url(re.compile(r"/submit$"))
        page.set_input_files("#file", str(good))
        page.fill("#comment", "首次报送 2006 年数据")
        page.click("#upload-form button[type=submit]")
        page.wait_for_selector("#batch-id")
        batch = page.locator("#batch-id").inner_text()
        page = city.open("/queue")
        row = page.locator(f'tr[data-batch="{batch}"]')
        assert row.count() == 1
        assert page.locator("button.approve").count() == 0
        assert page.locator("button.return").count() == 0
        page = city.open("/mine")
        assert "首次报送 2006 年数据" in page.locator(f'tr[data-batch="{batch}"]').inner_text()
        assert city.errors == [] and city.outside == []
    finally:
        city.close()

    approver = Page(browser, live_server)
    try:
        page = approver.open("/login?next=/queue")
        page.fill("#username", "demo_gansu")
        page.fill("#password", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_url(re.compile(r"/queue$"))
        page.locator(f'tr[data-batch="{batch}"] a.review-link').click()
        page.wait_for_selector("#review")
        assert "首次报送 2006 年数据" in page.locator("#batch-comment").inner_text()
        assert page.locator("#review td.new").first.inner_text() == "57.5"
        page.locator("button.approve").click()
        page.wait_for_selector("#done")
        assert f"{batch}:approved" in page.locator("#done").inner_text()
        assert approver.errors == []
    finally:
        approver.close()
