"""Task progress: completion, overdue and stalled tasks, the annual joint task list.

Completion by agency, city, province and section; the annual joint task list is the scheme's
分年度重点工作任务.

Everything reads the latest approved progress report of each (task, agency, period).

* **status of an assignment** (a task × one of its lead or co-responsible agencies): the progress
  of the agency's latest approved report on the task (by period), or ``未报告`` (no report);
* **overdue**: the latest report says 滞后, or the plan period has ended (31 December of the plan's
  ``period_end``) and the task is not 已完成;
* **stalled**: not 已完成 and no report for ``stalled_periods`` reporting periods (the length of the
  agency's last report period; half-years when it never reported) before the as-of date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from lanxi.errors import NotFoundError
from lanxi.services.monitoring.common import (
    PROVINCE_CODES,
    Record,
    Reference,
    load_reference,
    period_end,
    period_interval,
)
from lanxi.services.monitoring.queries import approved_progress
from lanxi.services.read_cache import scoped
from lanxi.storage.models import PlanRow

NO_REPORT = "未报告"
Grouping = Literal["agency", "province", "city", "section"]


def _plan_ends(session: Session) -> dict[str, dt.date | None]:
    return {
        p.id: dt.date(p.period_end, 12, 31) if p.period_end else None
        for p in session.scalars(select(PlanRow))
    }


def _province_code(value: str) -> str:
    v = value.strip().removesuffix("省")
    code = PROVINCE_CODES.get(v, v)
    if code not in PROVINCE_CODES.values():
        raise NotFoundError(f"no province '{value}': use 甘肃 / 620000 or 青海 / 630000")
    return code


def task_status(
    session: Session,
    *,
    agency: str | None = None,
    province: str | None = None,
    as_of: dt.date | None = None,
    stalled_periods: int = 2,
    include_synthetic: bool = True,
    ref: Reference | None = None,
) -> list[Record]:
    """The status of every task assignment (task × responsible agency).

    Parameters
    ----------
    session : Session
        Open session.
    agency : str, optional
        An agency id, or text in its name.
    province : str, optional
        甘肃 / 青海 (or the code): agencies of that province.
    as_of : date, optional
        The date of the assessment (default today); reports of later periods are ignored.
    stalled_periods : int
        Reporting periods without a report after which an unfinished task is stalled.
    include_synthetic : bool
        Use synthetic (demonstration) reports too.
    ref : Reference, optional
        Reference data.

    Returns
    -------
    list of dict
        ``task_id, number, section, title, plan, agency_id, agency_name, province, role,
        latest_period, progress, percent, overdue, stalled, reasons, synthetic``.
    """
    as_of = as_of or dt.date.today()
    ref = ref or load_reference(session)
    # made once per report (lanxi.services.read_cache.read_scope): a progress report asks for the
    # same status for its list of late tasks and for each of its four completion tables; the
    # reference is part of the key (and kept with the result, so its id stays its own)
    key = (
        "task_status",
        str(session.get_bind().engine.url),
        agency,
        province,
        as_of,
        stalled_periods,
        include_synthetic,
        id(ref),
    )
    _, rows = scoped(
        key,
        lambda: (
            ref,
            _task_status(session, agency, province, as_of, stalled_periods, include_synthetic, ref),
        ),
    )
    return [{**r, "reasons": list(r["reasons"])} for r in rows]


def _task_status(
    session: Session,
    agency: str | None,
    province: str | None,
    as_of: dt.date,
    stalled_periods: int,
    include_synthetic: bool,
    ref: Reference,
) -> list[Record]:
    prov = _province_code(province) if province is not None else None
    if agency is not None:
        matches = {
            a for a, m in ref.agencies.items() if agency == a or agency in str(m.get("name", ""))
        }
        if not matches:
            raise NotFoundError(f"no agency matches '{agency}' (list them with `lanxi agencies`)")
    else:
        matches = None
    reports = approved_progress(session, as_of=as_of, include_synthetic=include_synthetic)
    latest: dict[tuple[str, str], dict[str, object]] = {}
    for r in reports.itertuples(index=False):
        k = (r.task_id, r.agency_id)
        end = period_end(r.period)
        if k not in latest or end > latest[k]["end"]:  # type: ignore[operator]
            latest[k] = {
                "end": end,
                "period": r.period,
                "progress": r.progress,
                "percent": r.percent,
                "synthetic": bool(r.synthetic),
            }
    plan_end = _plan_ends(session)
    out = []
    for task_id in sorted(ref.tasks, key=lambda t: ref.tasks[t]["number"]):
        t = ref.tasks[task_id]
        for agency_id, role in ref.assignments.get(task_id, {}).items():
            a = ref.agencies.get(agency_id, {})
            if matches is not None and agency_id not in matches:
                continue
            if prov is not None and a.get("province") != prov:
                continue
            rep = latest.get((task_id, agency_id))
            progress = str(rep["progress"]) if rep else NO_REPORT
            reasons = []
            overdue = False
            if progress == "滞后":
                overdue = True
                reasons.append("reported 滞后 (lagging)")
            plan_stop = plan_end.get(t["plan"])
            if plan_stop is not None and as_of > plan_stop and progress != "已完成":
                overdue = True
                reasons.append(
                    f"not 已完成 at the end of the plan period ({plan_stop.isoformat()})"
                )
            stalled = False
            if progress != "已完成":
                if rep is None:
                    stalled = True
                    reasons.append("no approved report")
                else:
                    start, stop = period_interval(str(rep["period"]))
                    length = (stop - start).days + 1
                    if (as_of - stop).days > stalled_periods * length:
                        stalled = True
                        reasons.append(
                            f"no report for {stalled_periods} periods after {rep['period']}"
                        )
            out.append(
                {
                    "task_id": task_id,
                    "number": t["number"],
                    "section": t["section"],
                    "title": t["title"],
                    "plan": t["plan"],
                    "agency_id": agency_id,
                    "agency_name": a.get("name"),
                    "province": a.get("province"),
                    "role": role,
                    "latest_period": rep["period"] if rep else None,
                    "progress": progress,
                    "percent": None
                    if not rep or rep["percent"] is None or rep["percent"] != rep["percent"]
                    else float(rep["percent"]),  # type: ignore[arg-type]
                    "overdue": overdue,
                    "stalled": stalled,
                    "reasons": reasons,
                    "synthetic": bool(rep["synthetic"]) if rep else False,
                }
            )
    return out


def _section_key(section: str) -> str:
    return section.split(")")[0] + ")" if ")" in section else section


def completion(
    session: Session,
    by: Grouping = "agency",
    *,
    as_of: dt.date | None = None,
    stalled_periods: int = 2,
    include_synthetic: bool = True,
) -> list[Record]:
    """Completion of task assignments grouped by agency, province, city or section.

    Parameters
    ----------
    session : Session
        Open session.
    by : {"agency", "province", "city", "section"}
        ``city``: agencies whose seat is a prefecture-level city or a county in it (city and
        county governments); ``section``: the scheme's section (二(一), 三(二), …), counting each
        task once by its lead agency's status.
    as_of, stalled_periods, include_synthetic
        As for :func:`task_status`.

    Returns
    -------
    list of dict
        ``group, name, assignments, completed, share_completed, in_progress, not_started,
        lagging, no_report, overdue, stalled``.
    """
    if by not in ("agency", "province", "city", "section"):
        raise NotFoundError(f"no grouping '{by}': use agency, province, city or section")
    ref = load_reference(session)
    rows = task_status(
        session,
        as_of=as_of,
        stalled_periods=stalled_periods,
        include_synthetic=include_synthetic,
        ref=ref,
    )
    groups: dict[str, list[Record]] = defaultdict(list)
    names: dict[str, str] = {}
    if by == "section":
        seen: set[str] = set()
        for r in rows:
            if r["role"] != "lead" or r["task_id"] in seen:
                continue
            seen.add(r["task_id"])
            key = _section_key(str(r["section"]))
            groups[key].append(r)
            names[key] = key
    else:
        for r in rows:
            a = ref.agencies.get(str(r["agency_id"]), {})
            if by == "agency":
                key, name = str(r["agency_id"]), str(a.get("name"))
            elif by == "province":
                key = str(a.get("province") or "national")
                name = ref.regions.get(key, {}).get(
                    "name", "中央及跨省单位 national / cross-province"
                )
            else:
                code = a.get("region_code")
                if not code or ref.regions.get(code, {}).get("level") not in (
                    "prefecture",
                    "county",
                ):
                    continue
                if ref.regions[code]["level"] == "county":
                    code = ref.regions[code]["parent_code"]
                key, name = str(code), str(ref.regions.get(code, {}).get("name"))
            groups[key].append(r)
            names[key] = name
    out = []
    for key in sorted(groups):
        rs = groups[key]
        n = len(rs)
        done = sum(r["progress"] == "已完成" for r in rs)
        out.append(
            {
                "group": key,
                "name": names[key],
                "assignments": n,
                "completed": done,
                # unrounded: each surface rounds once for display (rounding here first made
                # 244/477 = 51.153 % read 51.1 % on the dashboard and in the reports)
                "share_completed": done / n if n else None,
                "in_progress": sum(r["progress"] == "推进中" for r in rs),
                "not_started": sum(r["progress"] == "未启动" for r in rs),
                "lagging": sum(r["progress"] == "滞后" for r in rs),
                "no_report": sum(r["progress"] == NO_REPORT for r in rs),
                "overdue": sum(bool(r["overdue"]) for r in rs),
                "stalled": sum(bool(r["stalled"]) for r in rs),
            }
        )
    return out


def annual_task_list(
    session: Session,
    *,
    year: int | None = None,
    as_of: dt.date | None = None,
    include_synthetic: bool = True,
) -> list[Record]:
    """The annual joint task list (分年度重点工作任务): per year, each task and agency's status.

    For every year with approved reports, the last report of the year of each (task, agency).

    Returns
    -------
    list of dict
        ``year, task_id, number, section, title, agency_id, agency_name, role, period, progress,
        percent, synthetic`` — ordered by year and task number.
    """
    ref = load_reference(session)
    reports = approved_progress(session, as_of=as_of, include_synthetic=include_synthetic)
    last: dict[tuple[int, str, str], object] = {}
    for r in reports.itertuples(index=False):
        start, end = period_interval(r.period)
        k = (start.year, r.task_id, r.agency_id)
        prev = last.get(k)
        if prev is None or end > prev[0]:  # type: ignore[index]
            last[k] = (end, r)
    out = []
    for (y, task_id, agency_id), (_, r) in sorted(  # type: ignore[misc]
        last.items(), key=lambda kv: (kv[0][0], ref.tasks[kv[0][1]]["number"], kv[0][2])
    ):
        if year is not None and y != year:
            continue
        t = ref.tasks[task_id]
        out.append(
            {
                "year": y,
                "task_id": task_id,
                "number": t["number"],
                "section": t["section"],
                "title": t["title"],
                "agency_id": agency_id,
                "agency_name": ref.agencies.get(agency_id, {}).get("name"),
                "role": ref.assignments.get(task_id, {}).get(agency_id),
                "period": r.period,
                "progress": r.progress,
                "percent": None
                if r.percent is None or r.percent != r.percent
                else float(r.percent),
                "synthetic": bool(r.synthetic),
            }
        )
    return out
