"""Each report's figures are the service functions' output for the same store (the API's numbers).

The reports call the services themselves; these tests call the services again, independently, and
compare every figure cell by cell (exact equality: nothing may be rounded or recomputed on the way).
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from tests import reference_air

from lanxi.compute.water import ClassStepStatement
from lanxi.reports import Report
from lanxi.services import store
from lanxi.services.environment import assessments as env
from lanxi.services.environment import compensation as comp
from lanxi.services.environment import store as env_store
from lanxi.services.monitoring import evaluation, progress, tasks
from lanxi.services.monitoring.progress import progress_records


def _same(a: object, b: object) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or b is pd.NA or (isinstance(b, float) and math.isnan(b))
    return a == b


def test_water_monthly_equals_water_assess(reports: dict[str, Report], demo_url: str) -> None:
    svc = env.water_assess(env_store.samples_frame(demo_url), "2025-06").set_index("section")
    rows = reports["water-monthly"].table("sections").rows
    assert len(rows) == len(svc) == 12
    for r in rows:
        s = svc.loc[r["section"]]
        assert r["water_class_label"] == s["water_class_label"]
        # NA where no source states the section's target
        assert r["meets_target"] == (
            None if pd.isna(s["meets_target"]) else bool(s["meets_target"])
        )
        assert _same(r["main_pollutants"], s["main_pollutants"])
        assert r["n_samples"] == s["n_samples"]
    met = int(svc["meets_target"].sum())
    targeted = int(svc["target_class"].notna().sum())
    assert targeted == 2  # 大河家 Ⅱ and 边墙村 Ⅲ, from the plans; the others have none published
    overview = reports["water-monthly"].sections[0].paragraphs[0]
    assert (
        f"共评价12个断面，{met}个达到水质目标，{targeted - met}个未达到，"
        f"{12 - targeted}个无公开的水质目标" in overview
    )
    values = {r["section"]: r for r in reports["water-monthly"].table("values").rows}
    for sec, s in svc.iterrows():
        for item in ("do", "codmn", "nh3n", "tp", "tn"):
            assert values[sec][item] == s[item]  # exact: the same float


def test_water_warnings_equal_service(reports: dict[str, Report], demo_url: str) -> None:
    from lanxi.reports.builders.water import sections_info
    from lanxi.services.bulletins import graded_warnings

    cities = {k: v["city"] for k, v in sections_info().items()}
    svc = graded_warnings(env_store.samples_frame(demo_url), "2025Q2", cities=cities)
    levels = svc.sections.set_index("section")
    rows = reports["water-warnings"].table("all-sections").rows
    assert {r["section"] for r in rows} == set(levels.index)
    ids = {t.id for t in reports["water-warnings"].tables()}
    shown = {
        r["section"]: r["level"]
        for r in (
            reports["water-warnings"].table("warning-sections").rows
            if "warning-sections" in ids
            else []
        )
    }
    expected = {s: r["level"] for s, r in levels.iterrows() if r["change"] is not None}
    assert {s: (None if pd.isna(v) else int(v)) for s, v in expected.items()} == shown


def test_water_annual_equals_service(reports: dict[str, Report], demo_url: str) -> None:
    svc = env.water_annual(env_store.samples_frame(demo_url), 2025)
    cities = svc[svc["level"] == "city"].set_index("region")
    rows = reports["water-annual"].table("cities").rows
    assert len(rows) == len(cities) == 2  # 兰州市, 海东市
    for r in rows:
        s = cities.loc[r["region"]]
        for k in ("share_meeting", "compliance_rate", "rank", "sections", "section_months"):
            assert _same(r[k], s[k]), k
    prov = {r["region"]: r for r in reports["water-annual"].table("provinces").rows}
    assert set(prov) == {"甘肃", "青海"}
    p = svc[svc["level"] == "province"].set_index("region")
    assert _same(prov["甘肃"]["compliance_rate"], p.loc["甘肃", "compliance_rate"])
    assert _same(prov["青海"]["compliance_rate"], p.loc["青海", "compliance_rate"])


def test_compensation_equals_service(reports: dict[str, Report], demo_url: str) -> None:
    st = comp.water_compensation(env_store.samples_frame(demo_url), "HS-OUT", 2025)
    assert isinstance(st, ClassStepStatement) and st.rule_id == "qing-gan-2024"
    (row,) = reports["compensation"].table("settlement").rows
    assert (row["payer"], row["payee"], row["amount"], row["unit"]) == (
        st.payer,
        st.payee,
        st.amount,
        st.unit,
    )
    periods = reports["compensation"].table("periods").rows
    assert [r["period"] for r in periods] == [p.period for p in st.periods]
    assert [r["steps"] for r in periods] == [p.steps for p in st.periods]
    assert [r["nh3n"] for r in periods] == [p.values["nh3n"] for p in st.periods]
    # parties from the 青—甘 rule; its amounts were not reported: none is set (a class equal to
    # the base settles at 0 whatever the amount)
    assert st.amount_per_step is None and (st.upstream, st.downstream) == ("青海", "甘肃")
    assert (st.amount is None) == any(p.steps for p in st.periods if p.counts)
    assert st.base_class == 3  # 边墙村's target class (the plan), as the rule's documented default
    dump = str(reports["compensation"].model_dump(mode="json"))
    assert "浙江" not in dump and "安徽" not in dump


def test_air_annual_good_days_match_the_standard(reports: dict[str, Report], demo_url: str) -> None:
    # expectation: tests/reference_air.py counts good days from the stored daily values with
    # plain SQL and HJ 633-2012's breakpoints at IAQI 100 (2025: the 2012 edition every day)
    ref = reference_air.good_days(demo_url.removeprefix("sqlite:///"), 2025)
    svc = env_store.air_annual(2025, url=demo_url)  # 31 hourly days + 334 daily days
    cities = svc[svc["level"] == "city"].set_index("unit")
    rows = reports["air-annual"].table("good-days").rows
    # the nine cities and 兰州新区, a unit of its own since the 2022 station list
    assert len(rows) == len(ref) == 10
    assert all(r["days_valid"] for r in rows)
    verdicts = set()
    for r in rows:
        g, n = ref[reference_air.CODES[r["unit"]]]
        assert (r["good_days"], r["aqi_days"]) == (g, n) == (g, 365)
        assert round(100 * r["good_days_ratio"], 6) == reference_air.percent(g, n)
        if r["unit"] == "兰州新区":  # never under a target: no verdict
            assert r["meets_target"] is None
            continue
        # the 2025 targets (90 %, set in 2021/2022 under HJ 633-2012) cover every city
        assert round(100 * r["target_ratio"], 6) == reference_air.percent(g, n)
        expected = "已达到" if reference_air.percent(g, n) >= 90 else "未达到"
        assert r["meets_target"] == expected
        verdicts.add(expected)
    assert verdicts == {"已达到", "未达到"}  # the demo's cities lie on both sides of 90 %
    # the group values: the mean of the covered cities' ratios, rounded once
    targets = {t["target_id"]: t for t in reports["air-annual"].table("targets").rows}
    lzec = targets["gansu2021.lzec.air_good_days_ratio.2025"]
    gansu = [ref[c] for c in ("620100", "620400", "621100", "622900")]
    assert lzec["good_days_ratio"] == reference_air.mean_percent(gansu)
    assert lzec["verdict_text"] == (
        "已达到" if reference_air.mean_percent(gansu) >= 90 else "未达到"
    )
    whole = targets["scheme2022.air_good_days_ratio.2025"]
    plan = [v for c, v in ref.items() if c != "620171"]  # the nine cities the target covers
    assert whole["good_days_ratio"] == reference_air.mean_percent(plan)
    pol = {r["unit"]: r for r in reports["air-annual"].table("pollutants-city").rows}
    for unit, s in cities.iterrows():
        assert pol[unit]["pm2_5_annual_mean"] == s["pm2_5_annual_mean"]
        assert pol[unit]["o3_8h_p90"] == s["o3_8h_p90"]
        # reported as HJ 663 rounds them: integers, CO to 0.1 mg/m³
        assert float(s["pm2_5_annual_mean"]).is_integer() and float(s["o3_8h_p90"]).is_integer()
        assert abs(s["pm2_5_annual_mean"] - s["pm2_5_annual_mean_raw"]) <= 0.5
        assert round(10 * s["co_p95"], 9).is_integer()
    assert set(svc["edition"]) == {"2012"}
    assert reports["air-annual"].editions == ["HJ 633-2012", "GB 3095-2012"]


def test_progress_equals_services(reports: dict[str, Report], demo_url: str) -> None:
    as_of = dt.date(2025, 12, 31)
    with store.session(demo_url) as s:
        recs = progress_records(s, as_of=as_of)
        by_city = tasks.completion(s, "city", as_of=as_of)
        status = tasks.task_status(s, as_of=as_of)
    rows = reports["progress"].table("targets").rows
    assert [r["target_id"] for r in rows] == [r["target_id"] for r in recs]
    for a, b in zip(rows, recs, strict=True):
        assert _same(a["latest_value"], b["latest_value"])
        assert a["target_value"] == b["target_value"]
        assert _same(a["ratio"], b["ratio"])
    city_rows = reports["progress"].table("completion-city").rows
    assert [(r["name"], r["completed"], r["share_completed"]) for r in city_rows] == [
        (r["name"], r["completed"], r["share_completed"]) for r in by_city
    ]
    late = reports["progress"].table("overdue").rows
    assert len(late) == sum(bool(r["overdue"] or r["stalled"]) for r in status)


@pytest.mark.parametrize("kind", ["midterm", "summary"])
def test_evaluations_equal_the_result_set(
    kind: str, reports: dict[str, Report], demo_url: str
) -> None:
    with store.session(demo_url) as s:
        res = evaluation.evaluate(s, kind, plan="scheme2022")  # type: ignore[arg-type]
    rep = reports[kind]
    assert rep.as_of == dt.date.fromisoformat(res["as_of"])
    assert any(res["result_sha256"][:16] in n for n in rep.notes)
    # the targets, grouped as binding / expected / not marked: together the result set's
    rows = [r for t in rep.tables() if t.id.startswith("targets") for r in t.rows]
    assert sorted((r["target_id"], r["latest_value"]) for r in rows) == sorted(
        (r["target_id"], r["latest_value"]) for r in res["targets"]
    )
    counts = {r["status_text"]: r["count"] for r in rep.table("summary").rows}
    assert sum(counts.values()) == res["summary"]["targets"]
    expected = {"midterm": dt.date(2023, 7, 2), "summary": dt.date(2025, 12, 31)}[kind]
    assert rep.as_of == expected


def test_public_uses_approved_targets_only(reports: dict[str, Report], demo_url: str) -> None:
    with store.session(demo_url) as s:
        recs = progress.progress_records(s, as_of=dt.date(2025, 12, 31))
    rows = reports["public"].table("targets").rows
    assert [r["latest_value"] for r in rows] == [r["latest_value"] for r in recs]
    ids = [t.id for t in reports["public"].tables()]
    assert "overdue" not in ids and "completion-agency" not in ids  # no internal detail
    assert reports["public"].synthetic  # the demo data are flagged, also to the public


def test_demo_plan_figures_are_derived_from_the_environment_data(demo_url: str) -> None:
    # the progress reports and the air report read one good-days ratio: the demo's plan figure is
    # the environment data's figure (expectation: tests/reference_air.py, not the service)
    ref = reference_air.good_days(demo_url.removeprefix("sqlite:///"), 2025)
    with store.session(demo_url) as s:
        recs = progress_records(s)
    latest = {
        (r["target_id"]): (r["latest_value"], r["latest_period"])
        for r in recs
        if r["indicator_id"] == "air_good_days_ratio"
    }
    # the nine cities the target covers: 兰州新区 (620171) is never under a target
    whole = reference_air.mean_percent([v for c, v in ref.items() if c != "620171"])
    gansu = reference_air.mean_percent([ref[c] for c in ("620100", "620400", "621100", "622900")])
    assert latest["scheme2022.air_good_days_ratio.2025"] == (whole, "2025")
    assert latest["gansu2021.lzec.air_good_days_ratio.2025"] == (gansu, "2025")
