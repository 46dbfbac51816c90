"""/access/circle and /access/isochrone on the bundled network."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_one_hour_circle_of_xining(client: TestClient) -> None:
    body = client.get("/api/v1/access/circle", params={"center": "西宁市"}).json()
    res = body["result"]
    assert res["minutes"] == 60.0
    reached = {r["code"]: r for r in res["reached"]}
    assert reached["630102"]["minutes"] == 0  # the centre's own county
    assert all(r["minutes"] <= 60 for r in res["reached"])
    assert all(r["minutes"] is None or r["minutes"] > 60 for r in res["not_reached"])
    assert len(res["reached"]) + len(res["not_reached"]) == 39
    kinds = {f["properties"].get("kind") for f in body["geojson"]["features"]}
    assert {"county", "centre"} <= kinds


def test_longer_budget_reaches_more(client: TestClient) -> None:
    n60 = len(
        client.get("/api/v1/access/circle", params={"center": "兰州市"}).json()["result"]["reached"]
    )
    n120 = len(
        client.get("/api/v1/access/circle", params={"center": "兰州市", "minutes": 120}).json()[
            "result"
        ]["reached"]
    )
    assert n120 >= n60


def test_unknown_centre(client: TestClient) -> None:
    r = client.get("/api/v1/access/circle", params={"center": "no-such-place"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_isochrone(client: TestClient) -> None:
    body = client.get("/api/v1/access/isochrone", params={"center": "西宁市", "minutes": 30}).json()
    assert body["geojson"]["type"] == "FeatureCollection"
