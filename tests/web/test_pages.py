"""Dashboard pages in process: every page, both languages, forms, headers, static files."""

from __future__ import annotations

import re

import pytest
import yaml
from fastapi.testclient import TestClient
from tests.web.conftest import PASSWORD

from lanxi.web import i18n
from lanxi.web.pages import NAV

PAGES = ["/", "/indicators", "/tasks", "/water", "/air", "/access", "/reports", "/login"]
HEADER = "indicator_id,region_code,period,value,unit,source,note\n"


def test_catalogues_have_the_same_keys() -> None:
    zh, en = i18n.catalogue("zh"), i18n.catalogue("en")
    assert set(zh) == set(en)
    assert all(zh.values()) and all(en.values())
    assert zh["nav_overview"] == "总览" and en["nav_overview"] == "Overview"


def test_templates_use_only_known_keys() -> None:
    keys = set(i18n.catalogue("zh"))
    from lanxi.web.pages import WEB_DIR

    used: set[str] = set()
    for p in (WEB_DIR / "templates").glob("*.html"):
        used |= set(re.findall(r"\bt\('([a-z_]+)'\)", p.read_text("utf-8")))
    used |= set(
        re.findall(r'\bt\("([a-z_]+)"\)', (WEB_DIR / "static" / "app.js").read_text("utf-8"))
    )
    used |= {key for _href, key in NAV}
    assert used - keys == set()


@pytest.mark.parametrize("path", PAGES)
def test_every_page_in_chinese_first(page_client: TestClient, path: str) -> None:
    r = page_client.get(path)
    assert r.status_code == 200
    assert '<html lang="zh-CN">' in r.text
    assert "跳到正文" in r.text  # skip link
    assert 'id="main"' in r.text
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    # nothing from outside the machine
    assert not re.search(r'(src|href)="(https?:)?//', r.text)


def test_english_switch_is_remembered(page_client: TestClient) -> None:
    r = page_client.get("/tasks", params={"lang": "en"})
    assert '<html lang="en">' in r.text and "Task progress" in r.text
    r = page_client.get("/water")  # the cookie keeps English
    assert "Surface-water quality" in r.text
    r = page_client.get("/water", params={"lang": "zh"})
    assert "地表水环境质量" in r.text


def test_submit_and_queue_need_sign_in(page_client: TestClient) -> None:
    for path in ("/submit", "/queue"):
        r = page_client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"/login?next={path}"


def _form_csrf(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m
    return m.group(1)


def _login(c: TestClient, user: str) -> None:
    csrf = _form_csrf(c.get("/login").text)
    r = c.post(
        "/login",
        data={"username": user, "password": PASSWORD, "csrf_token": csrf, "next": "/submit"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/submit"


def test_login_form_refuses_missing_csrf_and_bad_password(page_client: TestClient) -> None:
    page_client.get("/login")
    r = page_client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert r.status_code == 403
    csrf = _form_csrf(page_client.get("/login").text)
    r = page_client.post(
        "/login", data={"username": "admin", "password": "wrong-wrong", "csrf_token": csrf}
    )
    assert r.status_code == 401 and 'role="alert"' in r.text


def test_next_cannot_leave_the_site(page_client: TestClient) -> None:
    csrf = _form_csrf(page_client.get("/login").text)
    r = page_client.post(
        "/login",
        data={
            "username": "demo_gansu",
            "password": PASSWORD,
            "csrf_token": csrf,
            "next": "//evil.example/x",
        },
        follow_redirects=False,
    )
    assert r.headers["location"] == "/"


def test_upload_lists_every_problem_then_submit_and_approve(page_client: TestClient) -> None:
    _login(page_client, "demo_lanzhou")
    page = page_client.get("/submit").text
    csrf = _form_csrf(page)
    bad = HEADER + "urbanization_rate,620100,2024,abc,%,公报,\nnope,620100,2024,1,%,公报,\n"
    r = page_client.post(
        "/submit", data={"csrf_token": csrf}, files={"file": ("bad.csv", bad.encode(), "text/csv")}
    )
    assert r.status_code == 422
    rows = re.findall(r"<tr><td>bad.csv</td><td>(\d+)</td><td>([a-z_]+)</td>", r.text)
    assert ("2", "value") in rows and ("3", "indicator_id") in rows
    good = HEADER + "urbanization_rate,620100,2019,81.5,%,兰州统计年鉴,\n"
    r = page_client.post(
        "/submit",
        data={"csrf_token": csrf},
        files={"file": ("good.csv", good.encode(), "text/csv")},
    )
    assert r.status_code == 201
    batch = re.search(r'id="batch-id">([0-9a-f-]+)<', r.text).group(1)  # type: ignore[union-attr]
    # the city may not approve its own batch
    r = page_client.post(f"/queue/{batch}/approve", data={"csrf_token": csrf})
    assert r.status_code == 403
    page_client.cookies.clear()
    _login(page_client, "demo_gansu")
    queue = page_client.get("/queue").text
    assert batch in queue
    r = page_client.post(
        f"/queue/{batch}/approve", data={"csrf_token": _form_csrf(queue)}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == f"/queue?done={batch}:approved"
    obs = page_client.get(
        "/api/v1/observations", params={"indicator": "urbanization_rate", "region": "620100"}
    ).json()
    assert any(o["period"] == "2019" and o["value"] == 81.5 for o in obs["items"])


@pytest.mark.parametrize(
    "path",
    [
        "/static/../pyproject.toml",
        "/static/%2e%2e/%2e%2e/settings.py",
        "/static/..%2f..%2fsettings.py",
        "/static/vendor/../../api/app.py",
        "/static//etc/passwd",
        "/static/%2fetc%2fpasswd",
    ],
)
def test_static_path_traversal_is_refused(page_client: TestClient, path: str) -> None:
    r = page_client.get(path)
    assert r.status_code == 404
    assert "create_app" not in r.text and "root:" not in r.text


def test_vendored_libraries_are_served_with_licences(page_client: TestClient) -> None:
    for path in (
        "/static/vendor/echarts/echarts.min.js",
        "/static/vendor/leaflet/leaflet.js",
        "/static/vendor/echarts/LICENSE",
        "/static/vendor/leaflet/LICENSE",
    ):
        assert page_client.get(path).status_code == 200, path
    versions = page_client.get("/static/vendor/VERSIONS").text
    assert "echarts 6." in versions and "leaflet 1." in versions


def test_html_errors_for_pages_json_for_the_api(page_client: TestClient) -> None:
    r = page_client.get("/no-such-page")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    r = page_client.get("/api/v1/no-such")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_page_routes_declare_access() -> None:
    from fastapi.routing import APIRoute

    from lanxi.api.deps import access_of
    from lanxi.web.pages import router

    for r in router.routes:
        assert isinstance(r, APIRoute)
        stack, found = [r.dependant], False
        while stack:
            d = stack.pop()
            found = found or (d.call is not None and access_of(d.call) is not None)
            stack.extend(d.dependencies)
        assert found, r.path


def test_locale_files_parse_to_strings() -> None:
    from lanxi.web.pages import WEB_DIR

    for lang in i18n.LANGUAGES:
        data = yaml.safe_load((WEB_DIR / "locales" / f"{lang}.yaml").read_text("utf-8"))
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in data.items())
