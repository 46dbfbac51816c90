"""Four-eyes approval as a setting, and least privilege per role in the services (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from lanxi.errors import PermissionDenied
from lanxi.services.monitoring.queries import list_audit, list_observations
from lanxi.services.monitoring.submit import submit_file
from lanxi.services.monitoring.task_reports import list_task_reports
from lanxi.services.monitoring.workflow import batch_review, decidable, list_batches, transition

LZ = "urbanization_rate,620100,2023,83.5,%,公报,"
XN = "urbanization_rate,630100,2023,72.0,%,公报,"


def submit(store: sessionmaker[Session], path: Path, user: str, **kw: object):
    with store() as s, s.begin():
        return submit_file(s, path, user, **kw)  # type: ignore[arg-type]


def test_four_eyes_refuses_the_submitter_even_the_office(store, write_csv) -> None:
    r = submit(store, write_csv(LZ), "admin")
    with pytest.raises(PermissionDenied, match="four-eyes") as info, store() as s, s.begin():
        transition(s, r.batch_id, "approve", "admin")
    assert info.value.message_zh is not None and "四眼审核" in info.value.message_zh
    assert "另一位审核人审批" in info.value.message_zh
    with store() as s:
        assert decidable(s, [r.batch_id], "admin") == set()
        assert decidable(s, [r.batch_id], "office2") == {r.batch_id}
        assert decidable(s, [r.batch_id], "gansu") == {r.batch_id}
        assert decidable(s, [r.batch_id], "lanzhou") == set()  # no approving role
    with store() as s, s.begin():
        assert transition(s, r.batch_id, "approve", "gansu")["status"] == "approved"


def test_four_eyes_can_be_switched_off_per_deployment(store, write_csv) -> None:
    r = submit(store, write_csv(LZ), "gansu")
    with store() as s:
        assert batch_review(s, r.batch_id, "gansu", four_eyes=False)["may_decide"] is True
        assert batch_review(s, r.batch_id, "gansu")["may_decide"] is False
    with store() as s, s.begin():
        rec = transition(s, r.batch_id, "approve", "gansu", four_eyes=False)
    assert (rec["status"], rec["decided_by"]) == ("approved", "gansu")


def test_the_setting_defaults_to_on(monkeypatch) -> None:
    from lanxi.settings import Settings

    assert Settings(database_url="sqlite://").four_eyes is True
    monkeypatch.setenv("LANXI_FOUR_EYES", "false")
    assert Settings(database_url="sqlite://").four_eyes is False


def test_least_privilege_per_role(store, write_csv) -> None:
    lz = submit(store, write_csv(LZ), "lanzhou", draft=True)
    xn = submit(store, write_csv(XN), "xining")
    prog = submit(store, write_csv("t01,gs_fgw,2023H1,推进中,40,,", progress=True), "gs_dept")
    with store() as s:

        def ids(user: str, **kw: object) -> set[str]:
            return {b["id"] for b in list_batches(s, user, **kw)}  # type: ignore[arg-type]

        # city submitters: their own region's drafts and batches, not the other city's
        assert ids("lanzhou") == {lz.batch_id}
        assert ids("xining") == {xn.batch_id}
        assert ids("lanzhou", status="draft") == {lz.batch_id}
        assert ids("xining", status="draft") == set()
        # province administrators: their province; the office: all
        assert ids("gansu") == {lz.batch_id, prog.batch_id}
        assert ids("qinghai") == {xn.batch_id}
        assert ids("admin") == {lz.batch_id, xn.batch_id, prog.batch_id}
        # a department: its agency's reports
        assert ids("gs_dept") == {prog.batch_id}
        assert ids("qh_dept") == set()

        # pending rows are shown on request only (issue 12), and then only within one's scope
        def reports(user: str) -> list[str]:
            return [r["agency_id"] for r in list_task_reports(s, user, status="submitted")]

        assert reports("gs_dept") == ["gs_fgw"]
        assert reports("qh_dept") == []
        assert reports("lanzhou") == []  # gs_fgw is a Gansu provincial body
        assert reports("gansu") == ["gs_fgw"]
        assert list_task_reports(s, "gs_dept") == []  # the default: approved reports only

        # pending observations
        def regions(user: str) -> set[str]:
            return {o["region_code"] for o in list_observations(s, user, status="all")}

        assert regions("lanzhou") == {"620100"}
        assert regions("xining") == {"630100"}
        assert regions("qinghai") == {"630100"}
        assert regions("admin") == {"620100", "630100"}
        assert list_observations(s, "admin") == []  # the default: approved data only

        # audit entries
        def audit_batches(user: str) -> set[str]:
            return {
                a["entity_id"] for a in list_audit(s, user) if a["entity"] == "submission_batches"
            }

        assert audit_batches("lanzhou") == {lz.batch_id}
        assert audit_batches("xining") == {xn.batch_id}
        assert audit_batches("gansu") == {lz.batch_id, prog.batch_id}
        assert audit_batches("admin") >= {lz.batch_id, xn.batch_id, prog.batch_id}
        obs_audit = {
            a["entity_id"] for a in list_audit(s, "xining") if a["entity"] == "observations"
        }
        assert all(":630100:" in e for e in obs_audit)
        # entries about users and roles are the office's
        assert not [a for a in list_audit(s, "lanzhou") if a["entity"] in ("users", "roles")]
        assert [a for a in list_audit(s, "admin") if a["entity"] == "users"]


def test_approved_data_stay_public_to_every_role(store, write_csv) -> None:
    xn = submit(store, write_csv(XN), "xining")
    with store() as s, s.begin():
        transition(s, xn.batch_id, "approve", "qinghai")
    with store() as s:
        assert xn.batch_id in {b["id"] for b in list_batches(s, "lanzhou")}
        seen = list_observations(s, "lanzhou", status="approved", region="630100")
        assert [o["value"] for o in seen] == [72.0]
