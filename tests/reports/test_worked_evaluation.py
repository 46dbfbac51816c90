"""Worked example of the evaluation's verdicts, problems and recommendations (rules by hand)."""

from __future__ import annotations

from lanxi.services.bulletins import evaluation_findings, verdict


def _target(tid: str, status: str, latest: float | None) -> dict[str, object]:
    return {
        "target_id": tid,
        "name": tid,
        "indicator_id": "x",
        "region_code": "LXCSQ",
        "unit": "%",
        "latest_value": latest,
        "latest_period": "2025",
        "target_value": 90.0,
        "target_year": 2025,
        "gap": None if latest is None else 90.0 - latest,
        "status": status,
        "required_rate": 0.02,
        "actual_rate": 0.01,
    }


def test_verdicts_at_the_end_and_before() -> None:
    assert verdict("target_met", 91.0, final=True) == "completed"
    assert verdict("needs_acceleration", 88.0, final=True) == "not_completed"  # not 需加快
    assert verdict(None, None, final=True) == "no_data"
    assert verdict("needs_acceleration", 88.0, final=False) == "needs_acceleration"


def test_findings_follow_the_rules() -> None:
    result = {
        "targets": [
            _target("b", "needs_acceleration", 88.0),
            _target("a", "deterioration", 70.0),
            _target("c", "target_met", 92.0),
            _target("d", "on_track", 85.0),
        ],
        "summary": {
            "task_assignments": 10,
            "tasks_completed": 6,
            "tasks_overdue": 2,
            "tasks_stalled": 1,
        },
    }
    problems, advice = evaluation_findings(result)
    # T1 for the deteriorating target first, then the one needing acceleration; met and on-track
    # targets give no finding; K1 for the 2 overdue and 1 stalled assignments
    assert [(f.rule, f.figures.get("target_id")) for f in problems] == [
        ("T1", "a"),
        ("T1", "b"),
        ("K1", None),
    ]
    assert problems[0].figures["gap"] == 20.0 and problems[2].figures["overdue"] == 2
    assert [f.rule for f in advice] == ["R1", "R1", "R2"]
    none, _ = evaluation_findings(
        {
            "targets": [_target("c", "target_met", 92.0)],
            "summary": {
                "task_assignments": 1,
                "tasks_completed": 1,
                "tasks_overdue": 0,
                "tasks_stalled": 0,
            },
        }
    )
    assert none == []


def test_summary_report_states_verdicts_and_findings(reports: dict) -> None:  # type: ignore[type-arg]
    rep = reports["summary"]
    rows = [r for t in rep.tables() if t.id.startswith("targets") for r in t.rows]
    assert {r["verdict_text"] for r in rows} <= {"完成", "未完成", "无数据"}
    assert not any(r["verdict_text"] == "需加快" for r in rows)
    problems = next(s for s in rep.sections if s.id == "problems").paragraphs
    for r in rows:
        if r["verdict_text"] == "未完成" and r["latest_value"] is not None:
            # each unfinished target is stated with its latest value and target
            assert any(f"目标为{r['target_year']}年" in p for p in problems)
    assert next(s for s in rep.sections if s.id == "recommendations").paragraphs


def test_binding_and_expected_by_the_outline() -> None:
    """Attribute rule: the plan's own mark wins; else the 十四五 outline's 表1 for the indicator."""
    from lanxi.services.bulletins import target_attribute

    # 地级及以上城市空气质量优良天数比率 is 约束性 in the outline (绿色生态), the same indicator
    assert target_attribute("air_good_days_ratio") == {
        "attribute": "binding",
        "basis": "same",
        "outline_indicator": "地级及以上城市空气质量优良天数比率",
    }
    # 常住人口城镇化率 预期性 (经济发展); GDP growth the analogue of 国内生产总值增长 (预期性)
    assert target_attribute("urbanization_rate")["attribute"] == "expected"
    assert target_attribute("gdp_growth")["basis"] == "analogue"
    # a plan that marks its target wins; an indicator the outline lacks is not marked
    assert target_attribute("gdp_growth", "binding")["basis"] == "plan"
    assert target_attribute("foreign_trade_dependence")["attribute"] == "unmarked"


def test_summary_groups_targets_and_lists_the_plans_projects(reports: dict) -> None:  # type: ignore[type-arg]
    """scheme2022's three targets: air 约束性 (met in the demo), GDP growth and urbanization 预期性."""
    from importlib import resources

    import yaml

    rep = reports["summary"]
    binding = rep.table("targets").rows
    expected = rep.table("targets-expected").rows
    assert [r["target_id"] for r in binding] == ["scheme2022.air_good_days_ratio.2025"]
    assert sorted(r["target_id"] for r in expected) == [
        "scheme2022.gdp_growth.2025",
        "scheme2022.urbanization_rate.2025",
    ]
    paras = next(s for s in rep.sections if s.id == "targets").paragraphs
    n_done = sum(r["verdict_text"] == "完成" for r in expected)
    assert f"预期性指标2项：完成{n_done}项，未完成{2 - n_done}项，无数据0项。" in paras
    # the plan's key projects: counted here from the bundled projects.yaml by stage
    text = (resources.files("lanxi.data.plans") / "projects.yaml").read_text("utf-8")
    mine = [p for p in yaml.safe_load(text) if p["plan"] == "scheme2022"]
    stages = {r["stage"]: r["count"] for r in rep.table("project-stages").rows}
    assert sum(stages.values()) == len(mine) == len(rep.table("projects").rows)
    assert stages.get("ongoing") == sum(p["status"] == "ongoing" for p in mine)
    assert rep.issuer and rep.issued  # 落款: the issuing office and the date


def test_the_sentence_states_a_shortfall_only_when_there_is_one() -> None:
    from lanxi.reports.builders.plan import _finding_text
    from lanxi.services.bulletins import Finding

    base = {
        "target_id": "scheme2022.gdp_growth.2025",
        "name": "地区生产总值年均增速",
        "indicator_id": "gdp_growth",
        "region_code": "LXCSQ",
        "unit": "%",
        "latest_value": 6.18,
        "latest_period": "2025",
        "target_value": 6.0,
        "target_year": 2025,
        "status": "target_missed",
        "required_rate": 6.0,
        "actual_rate": 6.18,
    }
    # higher is better, 6.18 against 6: gap 6 − 6.18 = −0.18, shortfall +1 × −0.18 = −0.18
    over = _finding_text(Finding("target", "T1", {**base, "gap": -0.18, "shortfall": -0.18}), "zh")
    assert "超过目标0.18个百分点" in over and "尚差" not in over
    # lower is better, 6.18 against 6: the same gap is a shortfall of 0.18
    short = _finding_text(Finding("target", "T1", {**base, "gap": -0.18, "shortfall": 0.18}), "zh")
    assert "尚差0.18个百分点" in short and "超过" not in short
    en = _finding_text(Finding("target", "T1", {**base, "gap": -0.18, "shortfall": -0.18}), "en")
    assert "0.18 percentage points beyond it" in en and "short" not in en
