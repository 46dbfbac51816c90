"""The air report across the 2026 change of editions; region filters; evaluation options."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests import reference_air
from tests.reports.conftest import STAMP

from lanxi.errors import ValidationError
from lanxi.reports import Report, build_report
from lanxi.services import store
from lanxi.services.environment import store as env_store
from lanxi.services.environment import views as env_views
from lanxi.services.monitoring.demo import setup_monitoring


@pytest.fixture(scope="module")
def url_2026(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A store with synthetic air data of 2026 (10 hourly days, daily values; → 2026 editions)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('air2026') / 's.sqlite'}"
    store.init_database(url)
    store.load_bundled_plans(url)
    with store.session(url) as s:
        setup_monitoring(s)
    env_store.generate_demo(year=2026, air_days=10, url=url)
    yield url
    store.engine(url).dispose()


def test_2026_good_days_by_each_days_edition_and_the_2035_target_under_2012(
    url_2026: str,
) -> None:
    # expectation: tests/reference_air.py from the standards' breakpoints — January and February
    # 2026 under HJ 633-2012, from 2026-03-01 under HJ 633-2026 (PM2.5 60, PM10 120 at IAQI 100)
    db = url_2026.removeprefix("sqlite:///")
    by_day = reference_air.good_days(db, 2026)
    under_2012 = reference_air.good_days(db, 2026, edition="2012")
    rep = build_report("air-annual", period="2026", url=url_2026, generated_at=STAMP)
    assert rep.editions == ["HJ 633-2026", "GB 3095-2026"]
    rows = rep.table("good-days").rows
    assert len(rows) == 10  # the nine cities and 兰州新区, a unit of its own under no target
    new_area = reference_air.CODES["兰州新区"]
    for r in rows:
        if reference_air.CODES[r["unit"]] == new_area:
            g, n = by_day[new_area]
            assert (r["good_days"], r["aqi_days"]) == (g, n) and r["meets_target"] is None
            continue
        g, n = by_day[reference_air.CODES[r["unit"]]]
        assert (r["good_days"], r["aqi_days"]) == (g, n) == (g, 365)
        assert round(100 * r["good_days_ratio"], 6) == reference_air.percent(g, n)
        # the next target (2035, 85 %, set in 2018) is read under the 2012 edition it was set under
        g12, n12 = under_2012[reference_air.CODES[r["unit"]]]
        assert round(100 * r["target_ratio"], 6) == reference_air.percent(g12, n12)
        level = "已达到" if reference_air.percent(g12, n12) >= 85 else "尚未达到"
        assert r["meets_target"] == level  # met early; "尚未达到" below it (2035 has not come)
    # the editions differ on this data: a count that ignored the change would not match
    assert any(by_day[c] != under_2012[c] for c in by_day)
    # the daily calendar counts the same good days as the annual table
    cal = env_views.air_daily_aqi(url_2026)
    for code, (g, n) in by_day.items():
        days = [d for d in cal if d["region_code"] == code]
        assert len(days) == n and sum(d["aqi"] <= 100 for d in days) == g
    text = " ".join(p for s in rep.sections for p in s.paragraphs)
    assert "2035" in text and "85" in text  # the 2018 plan's 2035 target, the next one not past
    assert "按 2012 版标准重新计算" in text
    (target,) = [t for t in rep.table("targets").rows if t["target_year"] == 2035]
    assert target["edition_title"] == "HJ 633-2012 / GB 3095-2012"
    nine = [v for c, v in under_2012.items() if c != new_area]
    assert target["good_days_ratio"] == reference_air.mean_percent(nine)


def test_a_month_of_hourly_data_only_warns_of_the_validity_rule(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hours.sqlite'}"
    store.init_database(url)
    env_store.generate_demo(air_days=5, air_daily=False, url=url)  # no daily values
    rep = build_report("air-annual", period="2025", url=url, generated_at=STAMP)
    (good,) = [s for s in rep.sections if s.id == "good-days"]
    assert any("324" in p for p in good.paragraphs)
    assert {r["aqi_days"] for r in rep.table("good-days").rows} == {5}
    assert not any(r["days_valid"] for r in rep.table("good-days").rows)
    store.engine(url).dispose()


def test_region_filters(reports: dict[str, Report], demo_url: str) -> None:
    rep = build_report("water-annual", period="2025", region="甘肃", url=demo_url)
    cities = {r["region"] for r in rep.table("cities").rows}
    assert cities == {"兰州市"}  # the bulletins' Gansu sections are all in Lanzhou
    assert [r["region"] for r in rep.table("provinces").rows] == ["甘肃"]
    # a code works as well as a name, and ranks stay those of the whole assessment
    by_code = build_report("water-monthly", period="2025-06", region="620100", url=demo_url)
    assert {r["section"] for r in by_code.table("sections").rows} == {
        "HH-XCQ",
        "HH-FHQ",
        "HH-BLQ",
        "HH-SCQ",
        "HS-HSQ",
        "ZL-JPC",
        "DT-XMX",
        "DT-XTX",
    }
    ranks = {r["region"]: r["rank"] for r in reports["water-annual"].table("cities").rows}
    assert {r["region"]: r["rank"] for r in rep.table("cities").rows} == {
        c: ranks[c] for c in cities
    }
    prog = build_report("progress", period="2025", region="甘肃省", url=demo_url)
    rows = prog.table("targets").rows  # the name resolved to 620000
    assert rows and len(rows) < len(reports["progress"].table("targets").rows)
    assert "兰州—西宁城市群" not in {r["region"] for r in rows}
    assert len(prog.table("projects").rows) < len(reports["progress"].table("projects").rows)


def test_evaluations_refuse_a_date_or_region(demo_url: str) -> None:
    with pytest.raises(ValidationError) as exc:
        build_report("midterm", as_of=dt.date(2024, 1, 1), region="西宁市", url=demo_url)
    text = str(exc.value)
    assert "--as-of" in text and "--region" in text and "lanxi report progress" in text
