"""Submission over the API: upload with every problem listed, roles, the workflow, publication."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from tests.api.conftest import login

Make = Callable[[], TestClient]
HEADER = "indicator_id,region_code,period,value,unit,source,note\n"


def upload(c: TestClient, text: str, name: str = "obs.csv", draft: bool = False) -> object:
    return c.post(
        "/api/v1/batches",
        files={"file": (name, (HEADER + text).encode(), "text/csv")},
        data={"draft": "true" if draft else "false"},
    )


def test_every_problem_is_listed_and_nothing_written(fresh_app: Make) -> None:
    c = fresh_app()
    login(c, "demo_lanzhou")
    before = c.get("/api/v1/batches").json()["total"]
    r = upload(
        c,
        "urbanization_rate,620100,2023,abc,%,公报,\n"
        "no_such_indicator,620100,2023,1,%,公报,\n"
        "urbanization_rate,620100,20x3,80,%,公报,\n",
        name="bad.csv",
    )
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "validation_error"
    by_row = {(p["row"], p["field"]) for p in err["problems"]}
    assert (2, "value") in by_row and (3, "indicator_id") in by_row and (4, "period") in by_row
    assert all(p["file"] == "bad.csv" for p in err["problems"])
    assert c.get("/api/v1/batches").json()["total"] == before


def test_submit_approve_publish(fresh_app: Make) -> None:
    city = fresh_app()
    login(city, "demo_lanzhou")
    r = upload(city, "urbanization_rate,620100,2023,83.25,%,兰州统计公报,\n", name="lz.csv")
    assert r.status_code == 201, r.text
    res = r.json()
    assert (res["status"], res["rows"], res["inserted"]) == ("submitted", 1, 1)
    batch = res["batch_id"]

    public = fresh_app()
    q = {"indicator": "urbanization_rate", "region": "620100"}
    assert all(
        o["period"] != "2023" for o in public.get("/api/v1/observations", params=q).json()["items"]
    )

    # the city submitter may not approve; Qinghai's administrator may not approve for Gansu
    assert city.post(f"/api/v1/batches/{batch}/approve").status_code == 403
    qh = fresh_app()
    login(qh, "demo_qinghai")
    r = qh.post(f"/api/v1/batches/{batch}/approve")
    assert r.status_code == 403 and "620000" in r.json()["error"]["message"]

    gs = fresh_app()
    login(gs, "demo_gansu")
    queue = gs.get("/api/v1/batches", params={"status": "submitted"}).json()
    assert batch in {b["id"] for b in queue["items"]}
    r = gs.post(f"/api/v1/batches/{batch}/approve")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert r.json()["decided_by"] == "demo_gansu"
    # approving twice is a conflict
    assert gs.post(f"/api/v1/batches/{batch}/approve").status_code == 409

    obs = public.get("/api/v1/observations", params=q).json()["items"]
    got = next(o for o in obs if o["period"] == "2023")
    assert (got["value"], got["status"], got["source"]) == (83.25, "approved", "兰州统计公报")


def test_city_cannot_write_for_another_city(fresh_app: Make) -> None:
    c = fresh_app()
    login(c, "demo_lanzhou")
    r = upload(c, "urbanization_rate,630100,2023,70,%,公报,\n", name="xn.csv")
    assert r.status_code == 403
    assert "630100" in r.json()["error"]["message"]


def test_return_needs_a_reason(fresh_app: Make) -> None:
    city = fresh_app()
    login(city, "demo_xining")
    batch = upload(city, "urbanization_rate,630100,2022,71.5,%,公报,\n", name="x.csv").json()[
        "batch_id"
    ]
    qh = fresh_app()
    login(qh, "demo_qinghai")
    r = qh.post(f"/api/v1/batches/{batch}/return", json={"reason": ""})
    assert r.status_code == 422
    r = qh.post(f"/api/v1/batches/{batch}/return", json={"reason": "来源请写全称"})
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["reason"]) == ("returned", "来源请写全称")


def test_draft_then_send(fresh_app: Make) -> None:
    c = fresh_app()
    login(c, "demo_xining")
    res = upload(c, "urbanization_rate,630100,2021,70.5,%,公报,\n", name="d.csv", draft=True).json()
    assert res["status"] == "draft"
    other = fresh_app()
    login(other, "demo_lanzhou")
    assert other.post(f"/api/v1/batches/{res['batch_id']}/send").status_code == 403
    r = c.post(f"/api/v1/batches/{res['batch_id']}/send")
    assert r.status_code == 200 and r.json()["status"] == "submitted"


def test_task_progress_report_form(fresh_app: Make) -> None:
    c = fresh_app()
    login(c, "demo_lanzhou")
    body = {
        "task_id": "t01",
        "agency_id": "gov_lanzhou",
        "period": "2023H2",
        "progress": "推进中",
        "percent": 40,
        "narrative": "兰州新区建设推进",
        "evidence_links": ["https://example.org/a"],
    }
    r = c.post("/api/v1/tasks/reports", json=body)
    assert r.status_code == 201, r.text
    assert (r.json()["kind"], r.json()["rows"]) == ("task_progress", 1)
    bad = dict(body, progress="差不多", period="20x3")
    r = c.post("/api/v1/tasks/reports", json=bad)
    assert r.status_code == 422
    fields = {p["field"] for p in r.json()["error"]["problems"]}
    assert {"progress", "period"} <= fields
    mine = c.get("/api/v1/tasks/reports", params={"task": "t01", "status": "submitted"}).json()
    assert any(x["narrative"] == "兰州新区建设推进" for x in mine["items"])


def test_template_download(fresh_app: Make) -> None:
    c = fresh_app()
    r = c.get("/api/v1/templates/observations", params={"format": "csv"})
    assert r.status_code == 200
    lines = r.text.splitlines()
    # the template lists its valid codes in leading '#' lines, which `submit` skips
    assert lines[0].startswith("# Lanxi template: observations")
    assert next(ln for ln in lines if not ln.startswith("#")) == HEADER.strip()
    x = c.get("/api/v1/templates/task-progress")
    assert x.content[:2] == b"PK"


def test_gbk_upload_goes_through_the_same_reader(fresh_app: Make) -> None:
    """A CSV saved by Excel on Chinese Windows (GBK) is read like UTF-8 (the API's upload)."""
    c = fresh_app()
    login(c, "demo_lanzhou")
    body = (HEADER + "urbanization_rate,620100,2023,83.25,%,兰州统计公报,NA\n").encode("gbk")
    r = c.post(
        "/api/v1/batches",
        files={"file": ("gbk.csv", body, "text/csv")},
        data={"draft": "false"},
    )
    # before issue 13 a GBK file was refused (422, a codec message)
    assert r.status_code == 201, r.text
    assert r.json()["rows"] == 1
