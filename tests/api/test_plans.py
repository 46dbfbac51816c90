"""/plans, /indicators, /targets."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_plans(client: TestClient) -> None:
    ids = {p["id"] for p in client.get("/api/v1/plans").json()["items"]}
    assert {"plan2018", "scheme2022", "gansu2021"} <= ids


def test_indicators(client: TestClient) -> None:
    body = client.get("/api/v1/indicators", params={"limit": 1000}).json()
    by_id = {i["id"]: i for i in body["items"]}
    assert by_id["air_good_days_ratio"]["unit"] == "%"
    annual = client.get("/api/v1/indicators", params={"frequency": "annual", "limit": 1000}).json()
    assert 0 < annual["total"] <= body["total"]
    assert {i["frequency"] for i in annual["items"]} == {"annual"}


def test_targets_filtered_by_plan_and_kind(client: TestClient) -> None:
    body = client.get("/api/v1/targets", params={"plan": "gansu2021", "kind": "target"}).json()
    assert body["total"] > 0
    assert {t["plan"] for t in body["items"]} == {"gansu2021"}
    assert {t["kind"] for t in body["items"]} == {"target"}
    t = next(t for t in body["items"] if t["id"] == "gansu2021.lzec.air_good_days_ratio.2025")
    assert (t["target_value"], t["target_year"], t["comparison"]) == (90.0, 2025, "ge")
    assert "002_" in t["source"]


def test_statistic_quoted_by_the_plan(client: TestClient) -> None:
    body = client.get(
        "/api/v1/targets", params={"indicator": "academician_count", "kind": "statistic"}
    ).json()
    t = next(t for t in body["items"] if t["region_code"] == "620000")
    assert (t["baseline_value"], t["baseline_year"]) == (21.0, 2020)
