"""Submission, versioning, idempotency, the review workflow, permissions and the audit log."""

from __future__ import annotations

import dataclasses
import multiprocessing
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from lanxi.data.catalog import PlanCatalog
from lanxi.errors import PermissionDenied
from lanxi.services.monitoring import permissions as perms
from lanxi.services.monitoring.queries import list_audit, list_observations
from lanxi.services.monitoring.submit import submit_file
from lanxi.services.monitoring.workflow import TransitionError, list_batches, transition
from lanxi.storage.db import get_engine, session_factory
from lanxi.storage.load import load_plans
from lanxi.storage.migrate import init_db
from lanxi.storage.models import AuditLogRow, ObservationRow, TaskProgressReportRow

LZ = "urbanization_rate,620100,2023,83.5,%,公报,"
XN = "urbanization_rate,630100,2023,72.0,%,公报,"


def submit(store: sessionmaker[Session], path: Path, user: str = "admin", **kw: object):
    with store() as s, s.begin():
        return submit_file(s, path, user, **kw)  # type: ignore[arg-type]


def step(
    store: sessionmaker[Session], batch: str, action: str, user: str, reason: str | None = None
):
    with store() as s, s.begin():
        return transition(s, batch, action, user, reason=reason)  # type: ignore[arg-type]


def rows(store: sessionmaker[Session]) -> list[tuple]:
    with store() as s:
        return [
            tuple(r)
            for r in s.execute(
                select(
                    ObservationRow.region_code,
                    ObservationRow.version,
                    ObservationRow.value,
                    ObservationRow.is_current,
                    ObservationRow.status,
                ).order_by(ObservationRow.region_code, ObservationRow.version)
            )
        ]


# ---- idempotency and versioning --------------------------------------------------------------


def test_same_file_twice_changes_nothing(store, write_csv: Callable[..., Path]) -> None:
    path = write_csv(LZ, XN)
    first = submit(store, path)
    again = submit(store, path)
    assert (first.inserted, first.existing) == (2, False)
    assert (again.batch_id, again.existing, again.inserted) == (first.batch_id, True, 0)
    assert len(rows(store)) == 2
    with store() as s:
        assert len(list_batches(s, "admin")) == 1


def test_a_corrected_value_is_a_new_version_and_the_old_one_stays(store, write_csv) -> None:
    submit(store, write_csv(LZ, XN))
    r = submit(store, write_csv("urbanization_rate,620100,2023,84.0,%,公报,", XN))
    assert (r.inserted, r.versioned, r.unchanged) == (0, 1, 1)
    assert rows(store) == [
        ("620100", 1, 83.5, False, "submitted"),
        ("620100", 2, 84.0, True, "submitted"),
        ("630100", 1, 72.0, True, "submitted"),
    ]
    with store() as s:
        entry = s.scalars(select(AuditLogRow).where(AuditLogRow.action == "new_version")).one()
    assert entry.entity_id == "urbanization_rate:620100:2023"
    assert (entry.old["value"], entry.new["value"], entry.actor) == (83.5, 84.0, "admin")
    assert entry.new["version"] == 2 and "corrected" in (entry.reason or "")


def test_a_returned_value_submitted_again_is_a_new_version(store, write_csv) -> None:
    first = submit(store, write_csv(LZ))
    step(store, first.batch_id, "return", "office2", reason="check the source")
    # the very same bytes again: the existing (returned) batch, nothing written
    same = submit(store, write_csv(LZ, name="again.csv"))
    assert (same.existing, same.batch_id, same.status) == (True, first.batch_id, "returned")
    # the returned row in another file: not "unchanged" but a new version to review
    again = submit(store, write_csv(LZ, XN))
    assert (again.inserted, again.versioned, again.unchanged) == (1, 1, 0)
    assert rows(store) == [
        ("620100", 1, 83.5, False, "returned"),
        ("620100", 2, 83.5, True, "submitted"),
        ("630100", 1, 72.0, True, "submitted"),
    ]


# ---- workflow --------------------------------------------------------------------------------


def test_draft_submitted_approved(store, write_csv) -> None:
    r = submit(store, write_csv(LZ), "lanzhou", draft=True)
    assert r.status == "draft"
    assert step(store, r.batch_id, "submit", "lanzhou")["status"] == "submitted"
    rec = step(store, r.batch_id, "approve", "gansu")
    assert (rec["status"], rec["decided_by"]) == ("approved", "gansu")
    assert rows(store) == [("620100", 1, 83.5, True, "approved")]


def test_submitted_returned_with_reason(store, write_csv) -> None:
    r = submit(store, write_csv(LZ), "lanzhou")
    rec = step(store, r.batch_id, "return", "gansu", reason="来源不明 source missing")
    assert (rec["status"], rec["reason"]) == ("returned", "来源不明 source missing")
    assert rows(store)[0][-1] == "returned"
    with store() as s:
        last = list_audit(s, "admin", entity="submission_batches")[-1]
    assert (last["action"], last["old"], last["new"]["status"], last["reason"]) == (
        "return",
        {"status": "submitted"},
        "returned",
        "来源不明 source missing",
    )


@pytest.mark.parametrize(
    ("start", "action", "message"),
    [
        ("draft", "approve", "needs a batch that is submitted"),
        ("draft", "return", "needs a batch that is submitted"),
        ("submitted", "submit", "needs a batch that is draft"),
        ("approved", "approve", "is approved"),
        ("approved", "return", "is approved"),
        ("returned", "approve", "corrected by submitting a new file"),
        ("returned", "submit", "is returned"),
    ],
)
def test_forbidden_transitions(store, write_csv, start: str, action: str, message: str) -> None:
    r = submit(store, write_csv(LZ), "admin", draft=True)
    if start != "draft":
        step(store, r.batch_id, "submit", "admin")
    if start == "approved":
        step(store, r.batch_id, "approve", "office2")
    if start == "returned":
        step(store, r.batch_id, "return", "office2", reason="x")
    with pytest.raises(TransitionError, match=message), store() as s, s.begin():
        transition(s, r.batch_id, action, "office2", reason="why")  # type: ignore[arg-type]


def test_a_return_needs_a_reason(store, write_csv) -> None:
    r = submit(store, write_csv(LZ))
    with pytest.raises(TransitionError, match="needs a reason"):
        step(store, r.batch_id, "return", "admin", reason=" ")


# ---- permissions -----------------------------------------------------------------------------


def test_city_submitter_writes_only_its_regions(store, write_csv) -> None:
    submit(store, write_csv("urbanization_rate,620102,2023,90,%,s,"), "lanzhou")  # a county in it
    with pytest.raises(PermissionDenied, match=r"row 3: region 630100 西宁市"):
        submit(store, write_csv(LZ, XN), "lanzhou")
    assert len(rows(store)) == 1


def test_department_writes_only_tasks_it_leads_or_shares(store, write_csv) -> None:
    ok = submit(store, write_csv("t01,gs_fgw,2023H2,推进中,40,,", progress=True), "gs_dept")
    assert ok.inserted == 1
    with pytest.raises(PermissionDenied, match="agency qh_fgw is not yours"):
        submit(store, write_csv("t01,qh_fgw,2023H2,推进中,40,,", progress=True), "gs_dept")
    with pytest.raises(PermissionDenied, match="outside your regions"):
        submit(store, write_csv(LZ), "gs_dept")


def test_department_refused_on_a_task_it_neither_leads_nor_shares(
    db_url: str, sample_catalog: PlanCatalog, write_csv
) -> None:
    t01 = sample_catalog.tasks[0]  # gs_fgw leads, qh_fgw shares (按职责分工负责)
    t02 = t01.model_copy(update={"id": "t02", "number": 2, "co_units": []})  # gs_fgw only
    catalog = dataclasses.replace(sample_catalog, tasks=[t01, t02])
    engine = get_engine(db_url)
    init_db(engine)
    load_plans(engine, catalog)
    factory = session_factory(engine)
    try:
        with factory() as s, s.begin():
            perms.ensure_user(
                s,
                "qh_dept",
                [perms.Grant(perms.Role.DEPARTMENT, "qh_fgw")],
                actor=perms.system_principal("test"),
            )
        shared = submit(
            factory, write_csv("t01,qh_fgw,2023H2,推进中,40,,", progress=True), "qh_dept"
        )
        assert shared.inserted == 1  # a co-unit reports on the task it shares
        with pytest.raises(
            PermissionDenied, match="agency qh_fgw neither leads nor shares task t02"
        ):
            submit(factory, write_csv("t02,qh_fgw,2023H2,推进中,40,,", progress=True), "qh_dept")
        with factory() as s:
            assert s.scalar(select(func.count()).select_from(TaskProgressReportRow)) == 1
    finally:
        engine.dispose()


def test_province_admin_approves_only_its_province(store, write_csv) -> None:
    r = submit(store, write_csv(XN), "xining")
    with pytest.raises(PermissionDenied, match="outside your province"):
        step(store, r.batch_id, "approve", "gansu")
    with pytest.raises(PermissionDenied, match="province_admin or agglomeration_office"):
        step(store, r.batch_id, "approve", "xining")
    assert step(store, r.batch_id, "approve", "qinghai")["status"] == "approved"


def test_agglomeration_level_rows_need_the_office(store, write_csv) -> None:
    r = submit(store, write_csv("urbanization_rate,LXCSQ,2023,66,%,s,"), "admin")
    with pytest.raises(PermissionDenied, match="agglomeration / national level"):
        step(store, r.batch_id, "approve", "gansu")
    assert step(store, r.batch_id, "approve", "office2")["status"] == "approved"


def test_public_reads_approved_only_and_writes_nothing(store, write_csv) -> None:
    a = submit(store, write_csv(LZ))
    submit(store, write_csv(XN))
    step(store, a.batch_id, "approve", "office2")
    with store() as s:
        seen = list_observations(s, "citizen")
        assert [r["region_code"] for r in seen] == ["620100"]
        # signed in or not, the default is approved data (issue 12)
        assert [r["region_code"] for r in list_observations(s, "lanzhou")] == ["620100"]
        # pending values on request only, each with its status to mark it; least privilege
        # (issue 14): Lanzhou's submitter never sees Xining's pending row, the office does
        both = list_observations(s, "lanzhou", status="all")
        assert sorted((r["region_code"], r["status"]) for r in both) == [("620100", "approved")]
        assert list_observations(s, "lanzhou", status="pending") == []
        everything = list_observations(s, "admin", status="all")
        assert sorted((r["region_code"], r["status"]) for r in everything) == [
            ("620100", "approved"),
            ("630100", "submitted"),
        ]
        assert len(list_observations(s, "admin")) == 1
        with pytest.raises(PermissionDenied, match="approved data only"):
            list_observations(s, "citizen", status="submitted")
        with pytest.raises(PermissionDenied, match="approved data only"):
            list_observations(s, "citizen", status="pending")
        with pytest.raises(PermissionDenied, match="approved data only"):
            list_audit(s, "citizen")
        assert [b["status"] for b in list_batches(s, "citizen")] == ["approved"]
    with pytest.raises(PermissionDenied, match=r"\(public\) allow no submissions"):
        submit(store, write_csv(LZ, name="p.csv"), "citizen")


def test_unknown_users_and_user_management(store, write_csv) -> None:
    with pytest.raises(PermissionDenied, match="no such user"):
        submit(store, write_csv(LZ), "mallory")
    with store() as s, s.begin():
        actor = perms.load_principal(s, "lanzhou")
        with pytest.raises(PermissionDenied, match="only the agglomeration_office"):
            perms.create_user(s, "eve", actor=actor)
        office = perms.load_principal(s, "admin")
        perms.create_user(s, "eve", actor=office)
        assert perms.grant_role(s, "eve", "city_submitter", "630100", actor=office)["granted"]
        assert not perms.grant_role(s, "eve", "city_submitter", "630100", actor=office)["granted"]
        users = {u["username"]: u["roles"] for u in perms.list_users(s)}
    assert users["eve"] == ["city_submitter:630100"]
    assert submit(store, write_csv(XN), "eve").inserted == 1


# ---- audit -------------------------------------------------------------------------------------


def test_every_change_is_audited(store, write_csv) -> None:
    r = submit(store, write_csv(LZ), "lanzhou")
    step(store, r.batch_id, "approve", "gansu")
    with store() as s:
        log = [
            (e["actor"], e["action"], e["entity"])
            for e in list_audit(s, "admin")
            if not e["actor"].startswith("system:")
        ]
    assert log == [
        ("lanzhou", "submit", "submission_batches"),
        ("gansu", "approve", "submission_batches"),
    ]


# ---- two processes at once -----------------------------------------------------------------


def _worker(url: str, path: str, user: str, barrier: object) -> None:  # pragma: no cover - child
    from lanxi.storage.db import get_engine, session_factory

    engine = get_engine(url)
    barrier.wait()  # type: ignore[attr-defined]
    with session_factory(engine)() as s, s.begin():
        submit_file(s, path, user)
    engine.dispose()


def test_two_processes_submit_to_the_same_region_at_once(
    store, db_url: str, tmp_path: Path
) -> None:
    periods = range(1980, 2030)
    a = tmp_path / "a.csv"
    b = tmp_path / "b.csv"
    head = "indicator_id,region_code,period,value,unit,source,note\n"
    # both write 50 periods of the same region; the first 25 keys overlap with other values
    a.write_text(
        head + "".join(f"urbanization_rate,620100,{p},{50 + (p % 7)},%,a,\n" for p in periods),
        encoding="utf-8",
    )
    b.write_text(
        head + "".join(f"urbanization_rate,620100,{p - 25},{60 + (p % 5)},%,b,\n" for p in periods),
        encoding="utf-8",
    )
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(2)
    procs = [ctx.Process(target=_worker, args=(db_url, str(f), "lanzhou", barrier)) for f in (a, b)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    with store() as s:
        total = s.scalar(select(func.count()).select_from(ObservationRow))
        current = s.execute(
            select(ObservationRow.period, func.count())
            .where(ObservationRow.is_current)
            .group_by(ObservationRow.period)
        ).all()
        versions = s.execute(
            select(ObservationRow.period, func.max(ObservationRow.version)).group_by(
                ObservationRow.period
            )
        ).all()
    keys = set(range(1955, 2030))
    overlap = set(range(1980, 2005))
    assert total == len(keys) + len(overlap)  # nothing lost, nothing duplicated
    assert {int(p) for p, n in current} == keys and all(n == 1 for _, n in current)
    assert {int(p) for p, v in versions if v == 2} == overlap


def test_progress_reports_are_versioned(store, write_csv) -> None:
    submit(store, write_csv("t01,gs_fgw,2023H2,推进中,40,,", progress=True))
    r = submit(
        store, write_csv("t01,gs_fgw,2023H2,推进中,60,,https://example.invalid/a", progress=True)
    )
    assert (r.versioned, r.inserted) == (1, 0)
    with store() as s:
        got = s.execute(
            select(
                TaskProgressReportRow.version,
                TaskProgressReportRow.percent,
                TaskProgressReportRow.is_current,
                TaskProgressReportRow.evidence_links,
            ).order_by(TaskProgressReportRow.version)
        ).all()
    assert [tuple(g) for g in got] == [
        (1, 40.0, False, []),
        (2, 60.0, True, ["https://example.invalid/a"]),
    ]
