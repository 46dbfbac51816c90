"""Roll-ups by the declared rule, synthetic data and its wipe, evaluations."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import func, select

from lanxi.compute.rollup import Rule, rollup
from lanxi.errors import PermissionDenied
from lanxi.services.monitoring import demo
from lanxi.services.monitoring.evaluation import evaluate, evaluation_date
from lanxi.services.monitoring.progress import progress_records
from lanxi.services.monitoring.submit import submit_file
from lanxi.services.monitoring.tasks import annual_task_list, completion, task_status
from lanxi.services.monitoring.workflow import transition
from lanxi.storage.models import ObservationRow, SubmissionBatchRow, TaskProgressReportRow

REGIONS = pd.DataFrame(
    {
        "code": ["A", "P1", "P2", "c1", "c2", "c3"],
        "parent_code": [None, "A", "A", "P1", "P1", "P2"],
        "level": ["agglomeration", "province", "province", "county", "county", "county"],
    }
)
RULES = {
    "pop": Rule("sum"),
    "urban": Rule("sum"),
    "rate": Rule("ratio_of_sums", "pop"),
    "life": Rule("pop_weighted_mean"),
    "growth": Rule("not_additive"),
}


def frame(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"indicator_id": i, "region_code": r, "period": "2023", "value": v} for i, r, v in rows]
    )


def test_rollup_rules_by_hand() -> None:
    v = frame(
        [
            ("pop", "c1", 100),
            ("pop", "c2", 300),
            ("pop", "c3", 50),
            ("urban", "c1", 80),
            ("urban", "c2", 120),
            ("urban", "c3", 40),
            ("rate", "c1", 80.0),
            ("rate", "c2", 40.0),
            ("rate", "c3", 80.0),
            ("life", "c1", 70),
            ("life", "c2", 74),
            ("life", "c3", 80),
            ("growth", "c1", 5),
            ("growth", "c2", 7),
            ("growth", "c3", 6),
        ]
    )
    out = rollup(
        v, REGIONS, RULES, indicators=["pop", "rate", "life", "growth"], weight="pop"
    ).set_index(["indicator_id", "region_code"])
    assert out.loc[("pop", "P1"), "value"] == 400
    assert out.loc[("pop", "A"), "value"] == 450
    # ratio of sums: P1 = (80 + 120) / (100 + 300) = 50 %, not the plain mean 60 %
    assert out.loc[("rate", "P1"), "value"] == pytest.approx(50.0)
    assert out.loc[("rate", "A"), "value"] == pytest.approx(240 / 450 * 100)
    assert out.loc[("life", "P1"), "value"] == pytest.approx((70 * 100 + 74 * 300) / 400)
    assert out.loc[("life", "A"), "value"] == pytest.approx((70 * 100 + 74 * 300 + 80 * 50) / 450)
    g = out.loc[("growth", "P1")]
    assert pd.isna(g["value"]) and "not additive" in g["note"]


def test_incomplete_rollups_name_the_missing_children() -> None:
    out = rollup(frame([("pop", "c1", 100)]), REGIONS, RULES, weight="pop")
    p1 = out.set_index("region_code").loc["P1"]
    assert pd.isna(p1["value"]) and p1["missing"] == ["c2"] and not p1["complete"]


def test_plan_figures_demo_and_wipe(store) -> None:
    with store() as s, s.begin():
        first = demo.load_plan_figures(s)
        again = demo.load_plan_figures(s)
    assert again.existing and again.batch_id == first.batch_id
    with store() as s, s.begin():
        res = demo.generate_synthetic(s, "admin", seed=5, until_year=2024, users=False)
        assert res["observations"].inserted > 0 and res["task_progress"].inserted > 0
    with store() as s, s.begin():  # same seed: nothing new
        assert demo.generate_synthetic(s, "admin", seed=5, until_year=2024, users=False)[
            "observations"
        ].existing
    with store() as s:
        recs = progress_records(s)
        assert recs and all(r["synthetic"] for r in recs if r["latest_value"] is not None)
        syn = s.scalar(
            select(func.count())
            .select_from(ObservationRow)
            .where(ObservationRow.synthetic.is_(True))
        )
        src = set(s.scalars(select(ObservationRow.source).where(ObservationRow.synthetic)))
    assert syn and src == {"synthetic: lanxi demo (seed 5)"}
    with pytest.raises(PermissionDenied), store() as s, s.begin():
        demo.wipe_synthetic(s, "lanzhou")
    with store() as s, s.begin():
        counts = demo.wipe_synthetic(s, "admin")
    assert counts["observations"] == syn and counts["batches"] == 2
    with store() as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(ObservationRow)
                .where(ObservationRow.synthetic.is_(True))
            )
            == 0
        )
        assert s.scalar(select(func.count()).select_from(TaskProgressReportRow)) == 0
        left = s.scalars(select(SubmissionBatchRow.file_name)).all()
        real = s.scalars(select(ObservationRow.note)).all()
    assert left == ["plan-data:targets.yaml"]  # the plan's baseline (60.1 % in 2020) stays
    assert real == ["scheme2022.urbanization.qinghai: 60.1 % — 城镇化率达到62%以上"]


def test_wipe_restores_the_real_current_version(store, write_csv) -> None:
    with store() as s, s.begin():
        r = submit_file(s, write_csv("urbanization_rate,630000,2021,60.5,%,统计公报,"), "admin")
        transition(s, r.batch_id, "approve", "office2")
    with store() as s, s.begin():
        demo.generate_synthetic(s, "admin", seed=1, until_year=2023, users=False)
        real = s.scalars(
            select(ObservationRow).where(
                ObservationRow.period == "2021", ObservationRow.region_code == "630000"
            )
        )
        assert [(o.synthetic, o.is_current) for o in real] == [(False, True)]  # left alone
    with store() as s, s.begin():
        demo.wipe_synthetic(s, "admin")
        left = s.execute(select(ObservationRow.synthetic, ObservationRow.is_current)).all()
    assert [tuple(x) for x in left] == [(False, True)]


def test_evaluations_are_reproducible_and_dated(store) -> None:
    with store() as s, s.begin():
        demo.generate_synthetic(s, "admin", seed=2, until_year=2024, users=False)
    with store() as s:
        assert str(evaluation_date(s, "midterm")) == "2024-01-01"
        assert str(evaluation_date(s, "summary")) == "2025-12-31"
        a = evaluate(s, "midterm")
        b = evaluate(s, "midterm")
        c = evaluate(s, "summary")
    assert a == b and a["inputs_sha256"] == b["inputs_sha256"]
    assert a["result_sha256"] != c["result_sha256"] and a["synthetic_inputs"]
    assert {t["target_id"] for t in a["targets"]} == {
        "scheme2022.urbanization.gansu",
        "scheme2022.urbanization.qinghai",
    }
    assert all(t["latest_period"] is None or t["latest_period"] <= "2023" for t in a["targets"])


def test_task_views(store, write_csv) -> None:
    with store() as s, s.begin():
        r = submit_file(
            s,
            write_csv(
                "t01,gs_fgw,2023H1,推进中,40,,",
                "t01,gs_fgw,2023H2,滞后,45,,",
                "t01,qh_fgw,2022H2,已完成,100,,",
                progress=True,
            ),
            "admin",
        )
        transition(s, r.batch_id, "approve", "office2")
    import datetime as dt

    with store() as s:
        rows = {x["agency_id"]: x for x in task_status(s, as_of=dt.date(2024, 3, 1))}
        assert rows["gs_fgw"]["progress"] == "滞后" and rows["gs_fgw"]["overdue"]
        assert rows["qh_fgw"]["progress"] == "已完成" and not rows["qh_fgw"]["stalled"]
        late = {x["agency_id"]: x for x in task_status(s, as_of=dt.date(2026, 3, 1))}
        assert late["gs_fgw"]["stalled"] and "end of the plan period" in " ".join(
            late["gs_fgw"]["reasons"]
        )
        by_prov = {x["group"]: x for x in completion(s, "province", as_of=dt.date(2024, 3, 1))}
        assert (by_prov["620000"]["completed"], by_prov["630000"]["completed"]) == (0, 1)
        annual = annual_task_list(s)
        assert [(x["year"], x["agency_id"], x["progress"]) for x in annual] == [
            (2022, "qh_fgw", "已完成"),
            (2023, "gs_fgw", "滞后"),
        ]
