"""Evaluation as of a date: dynamic monitoring, mid-term and summary evaluation.

Gansu's plan names the regime 动态监测—中期评估—总结评估. Each is a *result set* computed from the
approved data as of one date:

* ``dynamic`` — the latest status, as of the given date (default today);
* ``midterm`` — as of the mid-point of the plan period (1 January of ``period_start`` to
  31 December of ``period_end``);
* ``summary`` — as of the end of the plan period.

A result set is reproducible: it holds the SHA-256 of its inputs (the approved observations and
reports used, the targets, the method's parameters and the date) and of its content, and the same
inputs give the same numbers and the same hashes. Reports and the web read it as it is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections import Counter
from typing import Any, Literal

from sqlalchemy.orm import Session

from lanxi.errors import NotFoundError
from lanxi.services.monitoring.common import Record, load_reference, targets_of
from lanxi.services.monitoring.progress import params_for, progress_records
from lanxi.services.monitoring.queries import approved_observations, approved_progress
from lanxi.services.monitoring.tasks import task_status
from lanxi.storage.models import PlanRow

Kind = Literal["dynamic", "midterm", "summary"]
KINDS: tuple[str, ...] = ("dynamic", "midterm", "summary")


def evaluation_date(
    session: Session, kind: Kind, *, plan: str = "scheme2022", as_of: dt.date | None = None
) -> dt.date:
    """The as-of date of an evaluation of ``plan``.

    Raises
    ------
    NotFoundError
        Unknown kind or plan, or a plan without a period (for mid-term and summary).
    """
    if kind not in KINDS:
        raise NotFoundError(f"no evaluation '{kind}': use dynamic, midterm or summary")
    if kind == "dynamic":
        return as_of or dt.date.today()
    p = session.get(PlanRow, plan)
    if p is None:
        raise NotFoundError(f"no plan '{plan}' (list them with `lanxi plans`)")
    if p.period_start is None or p.period_end is None:
        raise NotFoundError(f"plan '{plan}' has no plan period: use a dynamic evaluation")
    start, end = dt.date(p.period_start, 1, 1), dt.date(p.period_end, 12, 31)
    if kind == "summary":
        return end
    return start + (end - start) // 2


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: the text that is hashed."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _sha(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()


def evaluate(
    session: Session,
    kind: Kind = "dynamic",
    *,
    plan: str = "scheme2022",
    as_of: dt.date | None = None,
    method: str = "opensdg",
    include_synthetic: bool = True,
    stalled_periods: int = 2,
) -> Record:
    """Compute one evaluation result set.

    Parameters
    ----------
    session : Session
        Open session.
    kind : {"dynamic", "midterm", "summary"}
        Which evaluation (sets the date, see the module docstring).
    plan : str
        The plan evaluated (its targets and tasks).
    as_of : date, optional
        The date of a dynamic evaluation (default today).
    method : {"opensdg", "eurostat", "unsd"}
        Progress method.
    include_synthetic : bool
        Use synthetic (demonstration) data; ``synthetic_inputs`` says whether any was used.
    stalled_periods : int
        See :func:`lanxi.services.monitoring.tasks.task_status`.

    Returns
    -------
    dict
        ``kind, plan, as_of, method, targets, tasks, summary, synthetic_inputs, inputs_sha256,
        result_sha256`` — ``targets`` as :func:`progress_records`, ``tasks`` as
        :func:`task_status` (the plan's tasks).
    """
    date = evaluation_date(session, kind, plan=plan, as_of=as_of)
    ref = load_reference(session)
    params = params_for(method)
    targets = progress_records(
        session, plan=plan, as_of=date, method=method, include_synthetic=include_synthetic, ref=ref
    )
    tasks = [
        t
        for t in task_status(
            session,
            as_of=date,
            stalled_periods=stalled_periods,
            include_synthetic=include_synthetic,
            ref=ref,
        )
        if t["plan"] == plan
    ]
    target_rows = targets_of(session, plan=plan)
    obs = approved_observations(
        session,
        indicators=sorted({t.indicator_id for t in target_rows if t.indicator_id}),
        as_of=date,
        include_synthetic=include_synthetic,
    )
    reports = approved_progress(session, as_of=date, include_synthetic=include_synthetic)
    reports = reports.loc[reports["task_id"].isin({t["task_id"] for t in tasks})]
    inputs = {
        "kind": kind,
        "plan": plan,
        "as_of": date.isoformat(),
        "method": dataclasses.asdict(params),
        "stalled_periods": stalled_periods,
        "targets": sorted(
            [
                t.id,
                t.indicator_id,
                t.region_code,
                t.comparison,
                t.target_value,
                t.target_year,
                t.baseline_value,
                t.baseline_year,
            ]
            for t in target_rows
        ),
        "observations": sorted(
            [
                r.indicator_id,
                r.region_code,
                r.period,
                float(r.value),
                int(r.version),
                bool(r.synthetic),
            ]
            for r in obs.itertuples(index=False)
        ),
        "reports": sorted(
            [
                r.task_id,
                r.agency_id,
                r.period,
                r.progress,
                None if r.percent is None or r.percent != r.percent else float(r.percent),
                int(r.version),
                bool(r.synthetic),
            ]
            for r in reports.itertuples(index=False)
        ),
    }
    status_counts = Counter(str(t["status"]) for t in targets)
    summary = {
        "targets": len(targets),
        "by_status": dict(sorted(status_counts.items())),
        "task_assignments": len(tasks),
        "tasks_completed": sum(t["progress"] == "已完成" for t in tasks),
        "tasks_overdue": sum(bool(t["overdue"]) for t in tasks),
        "tasks_stalled": sum(bool(t["stalled"]) for t in tasks),
    }
    synthetic = bool(obs["synthetic"].any()) if len(obs) else False
    synthetic = synthetic or (bool(reports["synthetic"].any()) if len(reports) else False)
    result: Record = {
        "kind": kind,
        "plan": plan,
        "as_of": date.isoformat(),
        "method": method,
        "targets": targets,
        "tasks": tasks,
        "summary": summary,
        "synthetic_inputs": synthetic,
        "inputs_sha256": _sha(inputs),
    }
    result["result_sha256"] = _sha(result)
    return result
