"""Every route declares its access through the one dependency; refusals; injection strings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.api.conftest import login

from lanxi.api.app import API_PREFIX, ROUTE_MODULES
from lanxi.api.deps import access_of
from lanxi.services.monitoring.permissions import Action
from lanxi.services.store import session
from lanxi.storage.models import RegionRow, TaskRow

Make = Callable[[], TestClient]

#: Routes that write or show unapproved data, and what they need.
PROTECTED = {
    ("GET", "/api/v1/batches"): Action.READ_UNAPPROVED,
    ("POST", "/api/v1/batches"): Action.READ_UNAPPROVED,
    ("POST", "/api/v1/tasks/reports"): Action.READ_UNAPPROVED,
    ("POST", "/api/v1/batches/{batch_id}/send"): Action.READ_UNAPPROVED,
    ("POST", "/api/v1/batches/{batch_id}/approve"): Action.APPROVE,
    ("POST", "/api/v1/batches/{batch_id}/return"): Action.RETURN,
    ("GET", "/api/v1/users"): Action.MANAGE_USERS,
    ("GET", "/api/v1/audit"): Action.READ_UNAPPROVED,
}


def _checks(route: APIRoute) -> list[tuple[Any, bool]]:
    found = []
    stack = [route.dependant]
    while stack:
        d = stack.pop()
        if d.call is not None and access_of(d.call) is not None:
            found.append(access_of(d.call))
        stack.extend(d.dependencies)
    return found


def _api_routes(client: TestClient) -> list[APIRoute]:
    out = []
    for module in ROUTE_MODULES:
        for r in module.router.routes:
            assert isinstance(r, APIRoute)
            out.append(r)
    return out


def test_every_route_declares_its_access(sqlite_client: TestClient) -> None:
    routes = _api_routes(sqlite_client)
    assert len(routes) > 30
    for r in routes:
        assert _checks(r), f"{r.methods} {r.path} has no access() dependency"
    # nothing escapes the audit: the OpenAPI paths are exactly these routes
    spec = sqlite_client.get("/api/v1/openapi.json").json()
    assert set(spec["paths"]) == {API_PREFIX + r.path for r in routes}


def test_protected_routes_check_the_right_action(sqlite_client: TestClient) -> None:
    seen = {}
    for r in _api_routes(sqlite_client):
        for m in r.methods:
            seen[(m, API_PREFIX + r.path)] = {a for a, _ in _checks(r)}
    for key, action in PROTECTED.items():
        assert action in seen[key], key
    # every unsafe route needs at least a signed-in user
    for r in _api_routes(sqlite_client):
        if r.methods & {"POST", "PUT", "PATCH", "DELETE"} and r.path not in ("/auth/login",):
            assert any(a is not None or s for a, s in _checks(r)), r.path


def _call(c: TestClient, method: str, path: str) -> Any:
    url = path.replace("{batch_id}", "00000000-0000-0000-0000-000000000000")
    if method == "GET":
        return c.get(url)
    body: dict[str, Any] = {"reason": "x"} if url.endswith("/return") else {}
    if url.endswith("/tasks/reports"):
        body = {
            "task_id": "t01",
            "agency_id": "gov_lanzhou",
            "period": "2023H2",
            "progress": "推进中",
        }
    if url == "/api/v1/batches":
        return c.post(url, files={"file": ("a.csv", b"x", "text/csv")})
    return c.post(url, json=body)


def test_anonymous_is_refused(fresh_app: Make) -> None:
    c = fresh_app()
    token = c.get("/api/v1/auth/csrf").json()["csrf_token"]
    c.headers["X-CSRF-Token"] = token  # a valid double-submit token: refused for the role
    for method, path in PROTECTED:
        r = _call(c, method, path)
        assert r.status_code == 401, (method, path, r.text)
        assert r.json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize(
    ("user", "refused"),
    [
        ("demo_lanzhou", {"approve", "return", "users"}),
        ("demo_gansu", {"users"}),
    ],
)
def test_wrong_role_is_refused(fresh_app: Make, user: str, refused: set[str]) -> None:
    c = fresh_app()
    login(c, user)
    for method, path in PROTECTED:
        name = path.rstrip("/").rsplit("/", 1)[-1]
        r = _call(c, method, path)
        if name in refused:
            assert r.status_code == 403, (user, method, path, r.text)
            assert r.json()["error"]["code"] == "forbidden"
        else:
            assert r.status_code != 403, (user, method, path, r.text)


def test_public_role_user_is_refused_writes(fresh_app: Make, write_url: str) -> None:
    from lanxi.services import auth as auth_svc
    from lanxi.services.monitoring.permissions import Grant, Role, ensure_user, system_principal

    system = system_principal("test")
    with session(write_url) as s:
        ensure_user(s, "citizen", [Grant(Role.PUBLIC)], actor=system)
        auth_svc.set_password(s, "citizen", "reads-approved-data-1", actor=system)
    c = fresh_app()
    login(c, "citizen", "reads-approved-data-1")
    for method, path in PROTECTED:
        r = _call(c, method, path)
        assert r.status_code == 403, (method, path, r.text)


INJECTIONS = [
    "' OR '1'='1",
    "620100'; DROP TABLE regions; --",
    '" OR 1=1 --',
    "%' UNION SELECT username, password_hash FROM users --",
    "../../etc/passwd",
]


@pytest.mark.parametrize("bad", INJECTIONS)
def test_sql_injection_strings_are_harmless(client: TestClient, demo_url: str, bad: str) -> None:
    for path, param in [
        ("/api/v1/regions", "group"),
        ("/api/v1/tasks", "agency"),
        ("/api/v1/tasks", "region"),
        ("/api/v1/projects", "kind"),
        ("/api/v1/observations", "indicator"),
        ("/api/v1/observations", "region"),
        ("/api/v1/progress", "plan"),
        ("/api/v1/targets", "region"),
        ("/api/v1/air/daily", "city"),
        ("/api/v1/access/circle", "center"),
    ]:
        r = client.get(path, params={param: bad})
        assert r.status_code in (200, 404, 422), (path, param, r.status_code, r.text)
        if r.status_code == 200:
            body = r.json()
            assert body.get("total", 0) == 0 or path == "/api/v1/tasks", (path, param)
        assert "$argon2" not in r.text
    r = client.get(f"/api/v1/regions/{bad}")
    assert r.status_code == 404
    with session(demo_url) as s:
        assert s.scalar(select(func.count()).select_from(RegionRow)) > 39
        assert s.scalar(select(func.count()).select_from(TaskRow)) == 58
