"""Headers and pages: HEAD wherever GET works, no-store for signed-in answers, error pages in the
page's language, and the API docs page on vendored Swagger UI under the CSP (in Chromium)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.api.conftest import login
from tests.web.conftest import PASSWORD
from tests.web.test_e2e import CHROMIUM, Page, browser

__all__ = ["browser"]


def test_head_works_where_get_does(page_client: TestClient) -> None:
    for path in ("/", "/indicators", "/api/v1/regions", "/api/v1/docs", "/static/app.css"):
        get = page_client.get(path)
        head = page_client.head(path)
        assert get.status_code == 200, path
        assert head.status_code == 200, path
        assert head.content == b""
        assert head.headers["content-type"] == get.headers["content-type"]
    assert page_client.head("/no-such-page").status_code == 404


def test_no_store_on_signed_in_answers(page_client: TestClient) -> None:
    public = page_client.get("/api/v1/observations", params={"limit": 1})
    assert "no-store" not in public.headers.get("cache-control", "")
    assert "no-store" not in page_client.get("/").headers.get("cache-control", "")
    login(page_client, "demo_gansu", PASSWORD)
    for path in ("/", "/queue", "/submit", "/api/v1/batches", "/api/v1/observations"):
        r = page_client.get(path)
        assert r.status_code == 200, path
        assert r.headers["cache-control"] == "no-store", path
    # static files stay cacheable for everyone
    assert "no-store" not in page_client.get("/static/app.css").headers.get("cache-control", "")
    token = page_client.post("/api/v1/auth/tokens", json={"name": "t"})
    if token.status_code == 201:
        page_client.cookies.clear()
        page_client.headers.pop("X-CSRF-Token", None)
        r = page_client.get(
            "/api/v1/batches", headers={"Authorization": f"Bearer {token.json()['token']}"}
        )
        assert r.headers["cache-control"] == "no-store"


def test_error_pages_in_the_page_language(page_client: TestClient) -> None:
    zh = page_client.get("/no-such-page")
    assert zh.status_code == 404
    assert "找不到该页面" in zh.text and "Not Found" not in zh.text
    en = page_client.get("/no-such-page", params={"lang": "en"})
    assert "was not found" in en.text
    # the API keeps its JSON shape
    assert page_client.get("/api/v1/no-such").json()["error"]["code"] == "not_found"


def test_docs_page_uses_only_vendored_assets(page_client: TestClient) -> None:
    r = page_client.get("/api/v1/docs")
    assert r.status_code == 200
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "http" not in r.text.replace("http-equiv", "")
    assert "<script>" not in r.text  # no inline script
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "lanxi-init.js"):
        assert page_client.get(f"/api/v1/docs-assets/{asset}").status_code == 200
    versions = Path(__file__).parents[2] / "src/lanxi/web/static/vendor/VERSIONS"
    assert "swagger-ui-dist 5.36.0" in versions.read_text(encoding="utf-8")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
def test_docs_page_loads_in_chromium(browser: Any, live_server: str) -> None:
    page = Page(browser, live_server)
    blocked: list[str] = []
    page.page.on("requestfailed", lambda r: blocked.append(r.url))
    try:
        p = page.open("/api/v1/docs")
        p.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
        assert "Lanxi" in p.inner_text(".swagger-ui .info .title")
        assert p.locator(".opblock").count() > 30  # every operation is listed
        assert page.outside == []
        assert blocked == []
        assert [e for e in page.errors if "Content Security Policy" in e or "Refused" in e] == []
        assert page.errors == []
    finally:
        page.close()


def test_chinese_page_shows_chinese_problems(page_client: TestClient) -> None:
    from tests.web.test_pages import _form_csrf, _login

    _login(page_client, "demo_lanzhou")
    csrf = _form_csrf(page_client.get("/submit").text)
    bad = "indicator_id,region_code,period,value,unit,source,note\nurbanization_rate,620100,2024,abc,%,s,\n"
    r = page_client.post(
        "/submit", data={"csrf_token": csrf}, files={"file": ("bad.csv", bad.encode(), "text/csv")}
    )
    assert r.status_code == 422
    assert "[数值] 不是数字" in r.text and "[number] not a number" not in r.text
    r = page_client.post(
        "/submit?lang=en",
        data={"csrf_token": csrf},
        files={"file": ("bad.csv", bad.encode(), "text/csv")},
    )
    assert "[number] not a number" in r.text
    # an over-limit upload on the page: 413 with the Chinese message
    big = b"x" * (21 * 2**20)
    r = page_client.post(
        "/submit?lang=zh", data={"csrf_token": csrf}, files={"file": ("big.csv", big, "text/csv")}
    )
    assert r.status_code == 413 and "超过上限" in r.text
