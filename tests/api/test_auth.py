"""Sign-in, sessions (no fixation), CSRF, bearer tokens, the rate limit, cookie flags."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from tests.api.conftest import PASSWORD, login

from lanxi.api import create_app
from lanxi.api.security import CSRF_COOKIE, SESSION_COOKIE
from lanxi.settings import Settings

Make = Callable[[], TestClient]


def _csrf(c: TestClient) -> str:
    return str(c.get("/api/v1/auth/csrf").json()["csrf_token"])


def test_login_and_me(fresh_app: Make) -> None:
    c = fresh_app()
    assert c.get("/api/v1/auth/me").json()["username"] == "anonymous"
    csrf = login(c, "demo_gansu")
    me = c.get("/api/v1/auth/me").json()
    assert (me["username"], me["roles"], me["auth"]) == (
        "demo_gansu",
        ["province_admin"],
        "session",
    )
    assert me["csrf_token"] == csrf


def test_wrong_password_and_unknown_user_look_the_same(fresh_app: Make) -> None:
    c = fresh_app()
    t = _csrf(c)
    a = c.post(
        "/api/v1/auth/login",
        json={"username": "demo_gansu", "password": "nope-nope-1"},
        headers={"X-CSRF-Token": t},
    )
    b = c.post(
        "/api/v1/auth/login",
        json={"username": "ghost", "password": "nope-nope-1"},
        headers={"X-CSRF-Token": t},
    )
    assert a.status_code == b.status_code == 401
    assert a.json()["error"]["message"] == b.json()["error"]["message"]
    assert SESSION_COOKIE not in c.cookies


def test_session_id_changes_at_login(fresh_app: Make) -> None:
    c = fresh_app()
    login(c, "demo_lanzhou")
    first = c.cookies[SESSION_COOKIE]
    login(c, "demo_lanzhou")
    second = c.cookies[SESSION_COOKIE]
    assert first != second
    # the old id no longer signs anyone in
    other = fresh_app()
    other.cookies.set(SESSION_COOKIE, first)
    assert other.get("/api/v1/auth/me").json()["username"] == "anonymous"
    # an id planted before login (fixation) is not adopted
    planted = fresh_app()
    planted.cookies.set(SESSION_COOKIE, "attacker-chosen-id")
    t = _csrf(planted)
    r = planted.post(
        "/api/v1/auth/login",
        json={"username": "demo_lanzhou", "password": PASSWORD},
        headers={"X-CSRF-Token": t},
    )
    new = next(h for h in r.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE + "="))
    assert new.split(";")[0] != f"{SESSION_COOKIE}=attacker-chosen-id"
    attacker = fresh_app()
    attacker.cookies.set(SESSION_COOKIE, "attacker-chosen-id")
    assert attacker.get("/api/v1/auth/me").json()["username"] == "anonymous"


def test_cookie_flags(fresh_app: Make) -> None:
    c = fresh_app()
    t = _csrf(c)
    r = c.post(
        "/api/v1/auth/login",
        json={"username": "demo_gansu", "password": PASSWORD},
        headers={"X-CSRF-Token": t},
    )
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    low = cookie.lower()
    assert "httponly" in low and "samesite=lax" in low and "path=/" in low
    assert "secure" not in low  # not production


def test_secure_cookie_in_production(write_url: str, tmp_path: Path) -> None:
    settings = Settings(
        database_url=write_url, home=tmp_path, env="production", secret_key="x" * 40
    )
    with TestClient(create_app(settings, web=False), base_url="https://testserver") as c:
        t = _csrf(c)
        r = c.post(
            "/api/v1/auth/login",
            json={"username": "demo_gansu", "password": PASSWORD},
            headers={"X-CSRF-Token": t},
        )
        assert r.status_code == 200
        cookies = r.headers.get_list("set-cookie")
        assert all("secure" in h.lower() for h in cookies if h.startswith(SESSION_COOKIE))


def test_logout_ends_the_session(fresh_app: Make) -> None:
    c = fresh_app()
    login(c, "demo_gansu")
    sid = c.cookies[SESSION_COOKIE]
    assert c.post("/api/v1/auth/logout").status_code == 204
    other = fresh_app()
    other.cookies.set(SESSION_COOKIE, sid)
    assert other.get("/api/v1/auth/me").json()["username"] == "anonymous"


def test_csrf_missing_or_wrong_is_refused(fresh_app: Make) -> None:
    c = fresh_app()
    csrf = login(c, "admin")
    del c.headers["X-CSRF-Token"]
    r = c.post("/api/v1/auth/tokens", json={"name": "x"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf"
    r = c.post("/api/v1/auth/tokens", json={"name": "x"}, headers={"X-CSRF-Token": "wrong"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf"
    # another session's token does not work either
    other = fresh_app()
    other_csrf = login(other, "admin")
    assert other_csrf != csrf
    r = c.post("/api/v1/auth/tokens", json={"name": "x"}, headers={"X-CSRF-Token": other_csrf})
    assert r.status_code == 403
    r = c.post("/api/v1/auth/tokens", json={"name": "x"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201


def test_login_needs_the_double_submit_token(fresh_app: Make) -> None:
    c = fresh_app()
    r = c.post("/api/v1/auth/login", json={"username": "demo_gansu", "password": PASSWORD})
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf"
    _csrf(c)
    r = c.post(
        "/api/v1/auth/login",
        json={"username": "demo_gansu", "password": PASSWORD},
        headers={"X-CSRF-Token": "not-the-cookie"},
    )
    assert r.status_code == 403
    assert c.cookies.get(CSRF_COOKIE)


def test_bearer_token_for_scripts(fresh_app: Make) -> None:
    c = fresh_app()
    login(c, "demo_gansu")
    token = c.post("/api/v1/auth/tokens", json={"name": "script"}).json()["token"]
    script = fresh_app()
    h = {"Authorization": f"Bearer {token}"}
    me = script.get("/api/v1/auth/me", headers=h).json()
    assert (me["username"], me["auth"]) == ("demo_gansu", "token")
    # no CSRF for bearer requests (no cookie is involved)
    r = script.post("/api/v1/batches/00000000/approve", headers=h)
    assert r.status_code == 404
    bad = script.get("/api/v1/auth/me", headers={"Authorization": "Bearer lx_forged"})
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "unauthenticated"


def test_login_rate_limited_per_user_and_address(fresh_app: Make) -> None:
    c = fresh_app()
    t = _csrf(c)
    for _ in range(5):
        r = c.post(
            "/api/v1/auth/login",
            json={"username": "demo_xining", "password": "wrong-pass-1"},
            headers={"X-CSRF-Token": t},
        )
        assert r.status_code == 401
    r = c.post(
        "/api/v1/auth/login",
        json={"username": "demo_xining", "password": PASSWORD},
        headers={"X-CSRF-Token": t},
    )
    assert r.status_code == 429
    assert r.json()["error"]["code"] == "rate_limited"
    assert int(r.headers["Retry-After"]) > 0
    # another user from the same address is not locked out by these five
    r = c.post(
        "/api/v1/auth/login",
        json={"username": "demo_qinghai", "password": PASSWORD},
        headers={"X-CSRF-Token": t},
    )
    assert r.status_code == 200
