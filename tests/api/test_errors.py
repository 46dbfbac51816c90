"""One error shape for the whole API, pinned; OpenAPI served at /api/v1/openapi.json."""

from __future__ import annotations

from fastapi.testclient import TestClient

ERROR_KEYS = {"status", "code", "message", "message_en", "message_zh", "problems"}
PROBLEM_KEYS = {"file", "sheet", "row", "field", "value", "message", "message_en", "message_zh"}


def assert_error(r: object, status: int, code: str) -> dict:
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"}
    assert set(body["error"]) == ERROR_KEYS
    assert body["error"]["status"] == status
    assert body["error"]["code"] == code
    for p in body["error"]["problems"]:
        assert set(p) == PROBLEM_KEYS
    return body["error"]


def test_not_found_shape(sqlite_client: TestClient) -> None:
    err = assert_error(sqlite_client.get("/api/v1/regions/999999"), 404, "not_found")
    assert "999999" in err["message"]
    assert err["problems"] == []


def test_accept_language_picks_chinese_or_english() -> None:
    from lanxi.api.errors import accept_language

    assert accept_language("zh-CN,zh;q=0.9,en;q=0.8") == "zh"
    assert accept_language("en-US,en;q=0.9,zh-CN;q=0.8") == "en"
    assert accept_language("fr-FR, en;q=0.5, zh;q=0.7") == "zh"  # highest q among ours
    assert accept_language("zh;q=0, en;q=0.1") == "en"  # q=0: not acceptable
    assert accept_language("fr, de") is None
    assert accept_language("") is None


def test_error_in_the_callers_language(sqlite_client: TestClient) -> None:
    zh = assert_error(
        sqlite_client.get("/api/v1/no-such-thing", headers={"Accept-Language": "zh-CN"}),
        404,
        "not_found",
    )
    assert (zh["message"], zh["message_en"], zh["message_zh"]) == ("未找到", "Not Found", "未找到")
    en = assert_error(sqlite_client.get("/api/v1/no-such-thing"), 404, "not_found")
    assert (en["message"], en["message_zh"]) == ("Not Found", "未找到")
    bad = assert_error(
        sqlite_client.get("/api/v1/observations?limit=0", headers={"Accept-Language": "zh"}),
        422,
        "invalid_request",
    )
    assert (bad["message"], bad["message_en"]) == ("请求无效", "the request is not valid")


def test_unknown_route_shape(sqlite_client: TestClient) -> None:
    assert_error(sqlite_client.get("/api/v1/no-such-thing"), 404, "not_found")


def test_bad_parameter_lists_every_problem(sqlite_client: TestClient) -> None:
    err = assert_error(
        sqlite_client.get("/api/v1/regions?level=nope&limit=0&offset=-1"), 422, "invalid_request"
    )
    fields = sorted(p["field"] for p in err["problems"])
    assert fields == ["query.level", "query.limit", "query.offset"]
    assert {p["value"] for p in err["problems"]} == {"nope", "0", "-1"}


def test_anonymous_refused_shape(sqlite_client: TestClient) -> None:
    err = assert_error(sqlite_client.get("/api/v1/batches"), 401, "unauthenticated")
    assert "sign in" in err["message"]


def test_method_not_allowed_shape(sqlite_client: TestClient) -> None:
    assert_error(
        sqlite_client.delete("/api/v1/regions", headers={"X-CSRF-Token": "x"}),
        405,
        "method_not_allowed",
    )


def test_openapi_lists_the_routes(sqlite_client: TestClient) -> None:
    spec = sqlite_client.get("/api/v1/openapi.json").json()
    paths = set(spec["paths"])
    for p in (
        "/api/v1/regions",
        "/api/v1/regions/boundaries",
        "/api/v1/groups",
        "/api/v1/plans",
        "/api/v1/indicators",
        "/api/v1/targets",
        "/api/v1/observations",
        "/api/v1/progress",
        "/api/v1/tasks",
        "/api/v1/tasks/status",
        "/api/v1/tasks/reports",
        "/api/v1/projects",
        "/api/v1/water/monthly",
        "/api/v1/water/warnings",
        "/api/v1/water/annual",
        "/api/v1/air/daily",
        "/api/v1/air/annual",
        "/api/v1/access/circle",
        "/api/v1/batches",
        "/api/v1/batches/{batch_id}/approve",
        "/api/v1/auth/login",
    ):
        assert p in paths, p
    # the list routes document their downloads
    content = spec["paths"]["/api/v1/tasks"]["get"]["responses"]["200"]["content"]
    assert {"application/json", "text/csv"} <= set(content)
