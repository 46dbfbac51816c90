"""/tasks, /tasks/status, /tasks/reports, /projects."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient


def test_58_tasks_with_units(client: TestClient) -> None:
    body = client.get("/api/v1/tasks", params={"limit": 1000}).json()
    assert body["total"] == 58
    t1 = body["items"][0]
    assert (t1["id"], t1["title"]) == ("t01", "大力提升兰州综合实力")
    assert t1["lead_units"][0]["name"] == "兰州市人民政府"


def test_task_filters(client: TestClient) -> None:
    qh = client.get("/api/v1/tasks", params={"province": "青海", "limit": 1000}).json()
    assert 0 < qh["total"] < 58
    for t in qh["items"]:
        assert any(u["province"] == "青海" for u in t["lead_units"] + t["co_units"])
    sec = client.get("/api/v1/tasks", params={"section": "二(一)"}).json()
    assert sec["total"] > 0 and all(t["section"].startswith("二(一)") for t in sec["items"])


def test_task_status_overdue_filter(client: TestClient) -> None:
    all_ = client.get("/api/v1/tasks/status", params={"limit": 1}).json()["total"]
    od = client.get("/api/v1/tasks/status", params={"overdue": "true", "limit": 1000}).json()
    nod = client.get("/api/v1/tasks/status", params={"overdue": "false", "limit": 1}).json()
    assert od["total"] + nod["total"] == all_
    assert all(r["overdue"] for r in od["items"])


def test_task_reports_public_sees_approved(client: TestClient) -> None:
    body = client.get("/api/v1/tasks/reports", params={"task": "t01", "limit": 1000}).json()
    assert body["total"] > 0
    assert {r["status"] for r in body["items"]} == {"approved"}
    assert all(r["task_id"] == "t01" for r in body["items"])
    # the public may not ask for unapproved reports
    r = client.get("/api/v1/tasks/reports", params={"status": "submitted"})
    assert r.status_code == 401


def test_projects_csv(client: TestClient) -> None:
    r = client.get("/api/v1/projects", params={"kind": "rail", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows and {row["kind"] for row in rows} == {"rail"}
    assert set(rows[0]) >= {"id", "name", "plan", "regions", "source"}


def test_task_status_cache_sees_a_new_report(fresh_app: object) -> None:
    from tests.api.conftest import login

    c = fresh_app()  # type: ignore[operator]
    login(c, "admin")
    before = c.get("/api/v1/tasks/status", params={"agency": "gov_lanzhou", "limit": 1000}).json()
    r = c.post(
        "/api/v1/tasks/reports",
        json={
            "task_id": "t01",
            "agency_id": "gov_lanzhou",
            "period": "2024H2",
            "progress": "已完成",
            "percent": 100,
        },
    )
    batch = r.json()["batch_id"]
    # four-eyes approval: another approver (Gansu's administrator) approves admin's report
    approver = fresh_app()  # type: ignore[operator]
    login(approver, "demo_gansu")
    assert approver.post(f"/api/v1/batches/{batch}/approve").status_code == 200
    after = c.get("/api/v1/tasks/status", params={"agency": "gov_lanzhou", "limit": 1000}).json()
    t01 = next(x for x in after["items"] if x["task_id"] == "t01")
    assert (t01["progress"], t01["latest_period"]) == ("已完成", "2024H2")
    assert before != after


def test_task_completion_groups_add_up(client: TestClient) -> None:
    total = client.get("/api/v1/tasks/status", params={"limit": 1}).json()["total"]
    prov = client.get("/api/v1/tasks/completion", params={"by": "province"}).json()["items"]
    # every assignment falls in exactly one province group (or the national one)
    assert sum(g["assignments"] for g in prov) == total
    assert {"620000", "630000"} <= {g["group"] for g in prov}
    for g in prov:
        parts = g["completed"] + g["in_progress"] + g["not_started"] + g["lagging"] + g["no_report"]
        assert parts == g["assignments"]
        assert g["share_completed"] == g["completed"] / g["assignments"]
    # by section each task counts once, by its lead agency
    sec = client.get("/api/v1/tasks/completion", params={"by": "section"}).json()["items"]
    assert sum(g["assignments"] for g in sec) == 58
    city = client.get("/api/v1/tasks/completion", params={"by": "city"}).json()["items"]
    assert {g["name"] for g in city} >= {"兰州市", "西宁市", "海东市"}
    r = client.get("/api/v1/tasks/completion", params={"by": "county"})
    assert r.status_code == 422
