"""A report's figures are the API's figures for the same store (issue 7: "the same as the API's").

The report is built with the reports layer and the API is asked over HTTP on the same demo store;
the two must agree value by value.
"""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from lanxi.reports import build_report

STAMP = dt.datetime(2026, 1, 1, 9, 0)


def test_water_monthly_report_equals_api(sqlite_client: TestClient, demo_sqlite_url: str) -> None:
    api = sqlite_client.get("/api/v1/water/monthly", params={"month": "2025-06", "limit": 1000})
    assert api.status_code == 200
    by_section = {r["section"]: r for r in api.json()["items"]}
    report = build_report(
        "water-monthly", period="2025-06", url=demo_sqlite_url, generated_at=STAMP
    )
    rows = report.table("sections").rows
    assert len(rows) == len(by_section) == 12
    for r in rows:
        a = by_section[r["section"]]
        assert r["water_class_label"] == a["water_class_label"]
        assert r["meets_target"] == a["meets_target"]  # None where no target is published


def test_air_annual_report_equals_api(sqlite_client: TestClient, demo_sqlite_url: str) -> None:
    # the dashboard's annual air figures and the annual air report: one evaluation, same numbers
    api = sqlite_client.get("/api/v1/air/annual", params={"level": "city", "limit": 1000})
    assert api.status_code == 200
    items = {r["unit"]: r for r in api.json()["items"]}
    assert {r["year"] for r in items.values()} == {2025}
    report = build_report("air-annual", period="2025", url=demo_sqlite_url, generated_at=STAMP)
    good = report.table("good-days").rows
    means = {r["unit"]: r for r in report.table("pollutants-city").rows}
    assert len(good) == len(items) == 10  # 9 prefectures + 兰州新区 (a CNEMC city of its own)
    for r in good:
        a = items[r["unit"]]
        assert r["good_days_ratio"] == a["good_days_ratio"]
        assert means[r["unit"]]["pm2_5_annual_mean"] == a["pm2_5_annual_mean"]
        assert means[r["unit"]]["o3_8h_p90"] == a["o3_8h_p90"]
    # a whole year of demo days: the ratios are those of 365 valid days, not of January alone
    assert all(a["n_pm2_5"] == 365 for a in items.values())
