"""/regions, /regions/boundaries, /groups."""

from __future__ import annotations

import io

import openpyxl
from fastapi.testclient import TestClient


def test_counties(client: TestClient) -> None:
    r = client.get("/api/v1/regions", params={"level": "county", "limit": 1000})
    body = r.json()
    assert body["total"] == 39
    assert len(body["items"]) == 39
    first = body["items"][0]
    assert (first["code"], first["name"], first["level"]) == ("620102", "城关区", "county")
    assert first.get("source")


def test_pagination(client: TestClient) -> None:
    a = client.get("/api/v1/regions", params={"level": "county", "limit": 10}).json()
    b = client.get("/api/v1/regions", params={"level": "county", "limit": 10, "offset": 10}).json()
    assert (a["total"], a["limit"], a["offset"]) == (39, 10, 0)
    assert b["offset"] == 10
    codes = [x["code"] for x in a["items"] + b["items"]]
    assert len(set(codes)) == 20
    assert codes == sorted(codes)
    tail = client.get("/api/v1/regions", params={"level": "county", "offset": 35}).json()
    assert len(tail["items"]) == 4


def test_one_region_by_code_and_name(client: TestClient) -> None:
    assert client.get("/api/v1/regions/620100").json()["name"] == "兰州市"
    assert client.get("/api/v1/regions/西宁市").json()["code"] == "630100"


def test_group_filter(client: TestClient) -> None:
    body = client.get("/api/v1/regions", params={"group": "central_cities"}).json()
    assert sorted(x["code"] for x in body["items"]) == ["620100", "630100"]


def test_boundaries_geojson(client: TestClient) -> None:
    fc = client.get("/api/v1/regions/boundaries", params={"level": "county"}).json()
    assert fc["type"] == "FeatureCollection"
    assert len(fc["features"]) == 39
    f = next(f for f in fc["features"] if f["properties"]["code"] == "630102")
    assert f["properties"]["name"] == "城东区"
    assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")
    lon, lat = (
        f["geometry"]["coordinates"][0][0][:2]
        if f["geometry"]["type"] == "Polygon"
        else (f["geometry"]["coordinates"][0][0][0][:2])
    )
    assert 101 < lon < 102.5 and 36 < lat < 37.2  # Xining
    pref = client.get("/api/v1/regions/boundaries", params={"level": "prefecture"}).json()
    assert {f["properties"]["level"] for f in pref["features"]} == {"prefecture"}


def test_groups(client: TestClient) -> None:
    body = client.get("/api/v1/groups").json()
    ids = {g["id"] for g in body["items"]}
    assert {"central_cities", "lanxi_belt", "lanzhou_baiyin_metro", "xining_haidong_metro"} <= ids


def test_csv_download(client: TestClient) -> None:
    r = client.get("/api/v1/regions", params={"level": "county", "format": "csv"})
    assert r.headers["content-type"].startswith("text/csv")
    assert 'filename="regions.csv"' in r.headers["content-disposition"]
    lines = r.text.strip().split("\n")
    assert lines[0].startswith("code,name,name_en,level")
    assert len(lines) == 40  # header + 39, limit ignored for downloads
    assert lines[1].startswith("620102,城关区,")


def test_xlsx_download(client: TestClient) -> None:
    r = client.get("/api/v1/regions", params={"level": "county", "format": "xlsx", "limit": 5})
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    ws = wb.active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:2] == ("code", "name")
    assert len(rows) == 40
    assert rows[1][:2] == ("620102", "城关区")
