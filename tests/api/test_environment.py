"""/water/* and /air/*: the engines on the stored (synthetic) monitoring data."""

from __future__ import annotations

from fractions import Fraction

from fastapi.testclient import TestClient


def test_water_monthly_classes(client: TestClient) -> None:
    body = client.get("/api/v1/water/monthly", params={"month": "2025-06"}).json()
    assert body["total"] == 12  # the real sections of the bulletins and the 青—甘 agreement
    for s in body["items"]:
        assert s["period"] == "2025-06"
        assert 1 <= s["water_class"] <= 6
        if s["target_class"] is None:  # no source states the section's target
            assert s["meets_target"] is None
        else:
            assert s["meets_target"] == (s["water_class"] <= s["target_class"])
        assert s["name"]
    assert sum(s["target_class"] is not None for s in body["items"]) == 2


def test_water_latest_month_by_default(client: TestClient) -> None:
    months = client.get("/api/v1/water/months").json()
    assert months[0] == max(months)
    body = client.get("/api/v1/water/monthly").json()
    assert {s["period"] for s in body["items"]} == {months[0]}


def test_water_monthly_says_how_each_place_is_known(client: TestClient) -> None:
    # water_sections.csv: 新城桥 (HH-XCQ) and 民和桥 (HS-MHQ) carry a monitoring network's
    # coordinates; 什川桥 (HH-SCQ) a county's representative point (coord_quality approximate);
    # 扶河桥 (HH-FHQ) none (placed near the seat of 兰州市). Read from the bundled file by hand.
    items = client.get("/api/v1/water/monthly").json()["items"]
    pos = {s["section"]: (s["position"], s["lon"], s["lat"]) for s in items}
    assert pos["HH-XCQ"] == ("measured", 103.583889, 36.117222)
    assert pos["HS-MHQ"][0] == "measured"
    assert pos["HH-SCQ"][0] == "approximate"
    assert pos["HH-FHQ"][0] == "placed_near_city"
    assert sum(p[0] == "measured" for p in pos.values()) == 2
    assert sum(p[0] == "approximate" for p in pos.values()) == 8


def test_water_warnings_and_annual(client: TestClient) -> None:
    w = client.get("/api/v1/water/warnings", params={"quarter": "2025Q3"}).json()
    sections = [x for x in w["items"] if x["scope"] == "section"]
    assert len(sections) == 12 and {x["period"] for x in w["items"]} == {"2025Q3"}
    # the graded levels, thresholds of the settings on every row (defaults 2, 1, Ⅲ)
    assert {x["warning_level"] for x in w["items"]} <= {1, 2, None}
    assert {(x["level1_decline"], x["level2_decline"], x["below_class"]) for x in w["items"]} == {
        (2, 1, 3)
    }
    a = client.get("/api/v1/water/annual", params={"year": 2025}).json()
    assert {x["level"] for x in a["items"]} >= {"city"}
    assert client.get("/api/v1/water/monthly", params={"month": "2025-6"}).status_code == 422


def test_air_daily_aqi_is_the_largest_index(client: TestClient) -> None:
    body = client.get("/api/v1/air/daily", params={"city": "兰州市", "limit": 1000}).json()
    # the demo: 31 hourly days from 1 January, daily values for the rest of the year
    assert body["total"] == 365
    for d in body["items"]:
        iaqi = [v for k, v in d.items() if k.startswith("iaqi_") and v is not None]
        assert d["aqi"] == max(iaqi)
        assert d["edition"] == "2012"  # 2025: HJ 633-2012 in force


def test_good_days_ratio_matches_the_calendar(client: TestClient) -> None:
    days = client.get("/api/v1/air/daily", params={"city": "兰州市", "limit": 1000}).json()["items"]
    annual = client.get("/api/v1/air/annual", params={"level": "city"}).json()["items"]
    lz = next(a for a in annual if a["unit"] == "兰州市")
    good = sum(1 for d in days if d["aqi"] <= 100)
    assert lz["good_days"] == good
    assert abs(lz["good_days_ratio_raw"] - good / len(days)) < 1e-12
    # reported to 0.1 % (HJ 663 数据修约, GB/T 8170 half to even)
    assert lz["good_days_ratio"] == round(Fraction(1000 * good, len(days))) / 1000
    assert lz["method"] == "HJ 663-2013"


def test_impossible_periods_are_refused_not_errors(client: TestClient) -> None:
    for params in ({"month": "2025-13"}, {"month": "0000-01"}):
        r = client.get("/api/v1/water/monthly", params=params)
        assert r.status_code == 422 and r.json()["error"]["problems"][0]["field"] == "month"
    r = client.get("/api/v1/water/warnings", params={"quarter": "0000Q1"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error"


def test_water_monthly_marks_synthetic_sections_from_the_samples(client: TestClient) -> None:
    # the demo store holds only the environment demo's samples (synthetic = true): every section
    # of the month carries the mark the dashboard shows, read from the stored samples
    items = client.get("/api/v1/water/monthly", params={"month": "2025-06"}).json()["items"]
    assert items and all(r["synthetic"] is True for r in items)
