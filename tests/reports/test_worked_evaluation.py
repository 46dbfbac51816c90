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
    rows = rep.table("targets").rows
    assert {r["verdict_text"] for r in rows} <= {"完成", "未完成", "无数据"}
    assert not any(r["verdict_text"] == "需加快" for r in rows)
    problems = next(s for s in rep.sections if s.id == "problems").paragraphs
    for r in rows:
        if r["verdict_text"] == "未完成" and r["latest_value"] is not None:
            # each unfinished target is stated with its latest value and target
            assert any(f"目标为{r['target_year']}年" in p for p in problems)
    assert next(s for s in rep.sections if s.id == "recommendations").paragraphs
