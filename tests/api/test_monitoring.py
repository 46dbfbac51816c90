"""/observations, /progress: what the public sees."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_plan_figure_is_an_approved_observation(client: TestClient) -> None:
    body = client.get(
        "/api/v1/observations", params={"indicator": "academician_count", "region": "620000"}
    ).json()
    obs = next(o for o in body["items"] if o["period"] == "2020")
    assert (obs["value"], obs["unit"], obs["status"], obs["synthetic"]) == (
        21.0,
        "人",
        "approved",
        False,
    )
    assert "entered_by" not in obs  # not part of the public shape


def test_public_sees_only_approved(client: TestClient) -> None:
    body = client.get("/api/v1/observations", params={"limit": 1000}).json()
    assert body["total"] > 0
    assert {o["status"] for o in body["items"]} == {"approved"}
    assert client.get("/api/v1/observations", params={"status": "submitted"}).status_code == 401


def test_synthetic_filter(client: TestClient) -> None:
    real = client.get("/api/v1/observations", params={"synthetic": "false", "limit": 1}).json()
    syn = client.get("/api/v1/observations", params={"synthetic": "true", "limit": 1}).json()
    both = client.get("/api/v1/observations", params={"limit": 1}).json()
    assert real["total"] > 0 and syn["total"] > 0
    assert real["total"] + syn["total"] == both["total"]


def test_progress_of_a_target(client: TestClient) -> None:
    body = client.get("/api/v1/progress", params={"indicator": "air_good_days_ratio"}).json()
    p = next(
        p for p in body["items"] if p["target_id"] == "gansu2021.lzec.air_good_days_ratio.2025"
    )
    assert (p["target_value"], p["target_year"], p["method"]) == (90.0, 2025, "opensdg")
    assert p["status"] in {
        "target_met",
        "on_track",
        "needs_acceleration",
        "limited_progress",
        "deterioration",
        "off_track",
        "not_assessed",
        "insufficient_data",
    }
    # the gap is target − latest for an "at least" target
    assert abs(p["gap"] - (p["target_value"] - p["latest_value"])) < 1e-9


def test_progress_methods(client: TestClient) -> None:
    for m in ("opensdg", "eurostat", "unsd"):
        body = client.get("/api/v1/progress", params={"method": m, "limit": 1}).json()
        assert body["items"][0]["method"] == m
    assert client.get("/api/v1/progress", params={"method": "x"}).status_code == 422


def test_signed_in_users_see_approved_by_default_and_pending_on_request(
    sqlite_client: TestClient,
) -> None:
    from tests.api.conftest import login

    c = sqlite_client
    anon = c.get("/api/v1/observations", params={"limit": 1}).json()["total"]
    login(c, "demo_gansu")
    default = c.get("/api/v1/observations", params={"limit": 1000}).json()
    # the same approved rows as the public, not a mixture with drafts (issue 12)
    assert default["total"] == anon
    assert {o["status"] for o in default["items"]} <= {"approved"}
    pending = c.get("/api/v1/observations", params={"status": "pending", "limit": 1000}).json()
    assert all(o["status"] in ("draft", "submitted", "returned") for o in pending["items"])
    every = c.get("/api/v1/observations", params={"status": "all", "limit": 1}).json()
    assert every["total"] >= pending["total"]
