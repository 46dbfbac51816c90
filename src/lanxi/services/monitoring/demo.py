"""The plans' own figures as approved observations, and clearly labelled synthetic data.

* :func:`load_plan_figures` — every figure the plan documents quote (``targets.yaml`` records of
  kind ``statistic``, and the baselines of targets) becomes an approved observation with its
  source, ``synthetic = false``, entered by ``system:plan-data``. Idempotent (one batch per
  content of the figures); ``lanxi setup`` runs it.
* :func:`generate_synthetic` — ``lanxi demo``: a seeded, plausible series for each target's
  indicator and region (from the baseline towards the target), county series of population,
  urban population and GDP (so roll-ups can be shown), and half-yearly progress reports of each
  task's lead and co-responsible agencies. Every row is ``synthetic = true`` with source
  ``"synthetic: lanxi demo (seed N)"``; keys that have real data are left alone.
* :func:`wipe_synthetic` — removes the synthetic rows (the one deletion Lanxi allows), audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from lanxi.services.monitoring.common import (
    Record,
    audit_entry,
    load_reference,
    targets_of,
    write_audit,
)
from lanxi.services.monitoring.permissions import (
    Action,
    Grant,
    Principal,
    Role,
    authorize,
    ensure_user,
    system_principal,
)
from lanxi.services.monitoring.progress import progress_config
from lanxi.services.monitoring.submit import (
    BATCHES,
    OBS,
    PROGRESS,
    SubmitResult,
    as_principal,
    lock_for_write,
    submit_frame,
)
from lanxi.storage.models import PlanRow, TargetRow

PLAN_DATA_ACTOR = "system:plan-data"
DEMO_ACTOR = "system:demo"
#: File name of demo batches (how :func:`wipe_synthetic` recognizes them).
DEMO_PREFIX = "lanxi-demo"

#: Users created by ``lanxi demo`` to try the roles.
DEMO_USERS: dict[str, tuple[Grant, ...]] = {
    "demo_lanzhou": (Grant(Role.CITY_SUBMITTER, "620100"),),
    "demo_gs_fgw": (Grant(Role.DEPARTMENT, "gs_fgw"),),
    "demo_gansu": (Grant(Role.PROVINCE_ADMIN, "620000"),),
    "demo_public": (Grant(Role.PUBLIC),),
}


def _rowcount(result: Any) -> int:
    """Rows touched by an UPDATE or DELETE."""
    return int(getattr(result, "rowcount", 0) or 0)


def plan_figures(session: Session) -> pd.DataFrame:
    """The quoted figures of the plans as an observations frame (text cells).

    Statistics (``kind: statistic``) at their year, and targets' baselines at the baseline
    year. When two records quote a figure for the same indicator, region and year, the first (by
    id) is kept and the others are named in its note.
    """
    rows: list[dict[str, str]] = []
    seen: dict[tuple[str, str, str], dict[str, str]] = {}
    q = select(TargetRow).where(
        TargetRow.indicator_id.is_not(None),
        TargetRow.baseline_value.is_not(None),
        TargetRow.baseline_year.is_not(None),
        TargetRow.kind.in_(("statistic", "target")),
    )
    for t in session.scalars(q.order_by(TargetRow.id)):
        key = (str(t.indicator_id), t.region_code, str(t.baseline_year))
        qual = {
            "gt": "超过 more than ",
            "approx": "约 about ",
            "lt": "不到 less than ",
            "ge": "至少 at least ",
            "le": "至多 at most ",
        }.get(t.comparison or "", "")
        if t.kind != "statistic":  # a target's comparison qualifies the target, not the baseline
            qual = ""
        note = f"{t.id}: {qual}{t.baseline_value:g} {t.unit or ''} — {t.statement}".strip()
        if key in seen:
            seen[key]["note"] += f" | also quoted by {t.id}: {t.baseline_value:g}"
            continue
        row = {
            "indicator_id": str(t.indicator_id),
            "region_code": t.region_code,
            "period": str(t.baseline_year),
            "value": repr(float(t.baseline_value)),  # type: ignore[arg-type]
            "unit": t.unit or "",
            "source": t.source,
            "note": note,
        }
        seen[key] = row
        rows.append(row)
    cols = ["indicator_id", "region_code", "period", "value", "unit", "source", "note"]
    return pd.DataFrame(rows, columns=cols)


def load_plan_figures(session: Session) -> SubmitResult:
    """Store the plans' quoted figures as approved, real observations (idempotent).

    Returns
    -------
    SubmitResult
        ``existing`` is true when the same figures were loaded before.
    """
    ref = load_reference(session)
    frame = plan_figures(session)
    for c in ("unit",):
        frame[c] = [
            u or ref.indicators[i]["unit"]
            for u, i in zip(frame[c], frame["indicator_id"], strict=True)
        ]
    return submit_frame(
        session,
        frame,
        system_principal(PLAN_DATA_ACTOR),
        kind="observations",
        file_name="plan-data:targets.yaml",
        status="approved",
        any_year=True,
        ref=ref,
    )


def setup_monitoring(session: Session, admin: str = "admin") -> dict[str, Any]:
    """First-run set-up: the plan figures as approved observations and an office user.

    Returns
    -------
    dict
        ``plan_figures`` (a :class:`SubmitResult`) and ``admin_created`` (bool).
    """
    figures = load_plan_figures(session)
    created = ensure_user(
        session,
        admin,
        [Grant(Role.AGGLOMERATION_OFFICE)],
        display_name="规划办 agglomeration office (demo admin)",
        actor=system_principal("setup"),
    )
    return {"plan_figures": figures, "admin_created": created}


# --------------------------------------------------------------------------- synthetic data


def _occupied(session: Session, indicators: list[str]) -> set[tuple[str, str, str]]:
    """Keys with a real current observation (synthetic data must not hide them)."""
    q = select(OBS.c.indicator_id, OBS.c.region_code, OBS.c.period).where(
        OBS.c.is_current, OBS.c.synthetic.is_(False), OBS.c.indicator_id.in_(indicators)
    )
    return {(str(i), str(r), str(p)) for i, r, p in session.execute(q)}


def _clip(x: float, lo: float | None, hi: float | None) -> float:
    if lo is not None:
        x = max(x, lo)
    if hi is not None:
        x = min(x, hi)
    return x


def synthetic_observations(
    session: Session, *, seed: int = 1, until_year: int | None = None
) -> pd.DataFrame:
    """Seeded synthetic observations (text cells, the template's columns).

    For each quantitative target: yearly values from the year after its baseline (or the year
    before the plan period) to ``until_year`` (default: last year), along a compound path from
    the baseline to 60–115 % of the way to the target at the target year, with ±1 % noise;
    rate targets (growth rates) scatter around the target rate. Plus, for each county, population
    (万人), urbanization rate (%), urban population (万人) and GDP (亿元) for the last three years.
    """
    rng = np.random.default_rng(seed)
    ref = load_reference(session)
    until = until_year or dt.date.today().year - 1
    rate_ids = set(progress_config().get("rate_indicators", []))
    plans = {p.id: p for p in session.scalars(select(PlanRow))}
    source = f"synthetic: lanxi demo (seed {seed})"
    rows: list[dict[str, str]] = []

    def add(ind: str, region: str, year: int, value: float) -> None:
        m = ref.indicators.get(ind)
        if m is None:  # a catalogue without this indicator
            return
        v = _clip(value, m["range_min"], m["range_max"])
        rows.append(
            {
                "indicator_id": ind,
                "region_code": region,
                "period": str(year),
                "value": f"{v:.4f}",
                "unit": m["unit"],
                "source": source,
                "note": "合成数据 synthetic demonstration value",
            }
        )

    for t in targets_of(session):
        ind = str(t.indicator_id)
        if ref.indicators[ind]["frequency"] not in ("annual", "once"):
            continue
        target = float(t.target_value)  # type: ignore[arg-type]
        end = t.target_year or until
        p = plans.get(t.plan_id)
        start = t.baseline_year or ((p.period_start - 1) if p and p.period_start else end - 5)
        last = min(end, until)
        if last <= start:
            continue
        if ind in rate_ids:
            for y in range(start + 1, last + 1):
                add(ind, t.region_code, y, target + rng.normal(0, 0.8))
            continue
        up = t.comparison in ("ge", "gt") or (t.comparison not in ("le", "lt"))
        base = t.baseline_value
        if base is None:
            base = target * (rng.uniform(0.85, 0.97) if up else rng.uniform(1.03, 1.15))
            add(ind, t.region_code, start, base)
        reach = base + (target - base) * rng.uniform(0.6, 1.15)
        growth = (reach / base) ** (1 / (end - start)) - 1 if base > 0 else 0.0
        for y in range(start + 1, last + 1):
            add(ind, t.region_code, y, base * (1 + growth) ** (y - start) * rng.normal(1, 0.01))

    counties = sorted(c for c, r in ref.regions.items() if r["level"] == "county")
    for c in counties:
        pop = float(rng.lognormal(3.3, 0.5))
        rate = float(rng.uniform(30, 85))
        per_capita = float(rng.uniform(3, 9))  # 亿元 per 万人 = 10 000 元 per person
        for y in range(until - 2, until + 1):
            f = 1 + 0.004 * (y - until)
            pop_y, rate_y = pop * f, min(rate + 0.8 * (y - until), 99.0)
            add("population_resident", c, y, pop_y)
            add("urbanization_rate", c, y, rate_y)
            add("urban_population", c, y, pop_y * rate_y / 100)
            add("gdp", c, y, pop_y * per_capita * (1 + 0.05 * (y - until)))

    frame = pd.DataFrame(rows).drop_duplicates(
        subset=["indicator_id", "region_code", "period"], keep="first"
    )
    # what the environment data produce is derived from them, never invented beside them
    derived = environment_figures(session, ref)
    if not derived.empty:
        years = {(i, p) for i, p in zip(derived["indicator_id"], derived["period"], strict=True)}
        own = [
            (i, p) not in years for i, p in zip(frame["indicator_id"], frame["period"], strict=True)
        ]
        frame = pd.concat([frame.loc[own], derived], ignore_index=True)
    taken = _occupied(session, sorted(frame["indicator_id"].unique()))
    keep = [
        (i, r, p) not in taken
        for i, r, p in zip(
            frame["indicator_id"], frame["region_code"], frame["period"], strict=True
        )
    ]
    return frame.loc[keep].reset_index(drop=True)


def synthetic_progress(
    session: Session, *, seed: int = 1, until_year: int | None = None
) -> pd.DataFrame:
    """Seeded half-yearly progress reports of each task's agencies (text cells)."""
    rng = np.random.default_rng(seed + 7919)
    ref = load_reference(session)
    until = until_year or dt.date.today().year - 1
    rows: list[dict[str, str]] = []
    for task_id in sorted(ref.tasks, key=lambda t: ref.tasks[t]["number"]):
        for agency in ref.assignments.get(task_id, {}):
            pct = 0.0
            speed = rng.uniform(5, 22)
            for year in range(2022, until + 1):
                for half in (1, 2):
                    if year == 2022 and half == 1:
                        continue
                    pct = min(100.0, pct + max(0.0, rng.normal(speed, 6)))
                    if pct >= 100:
                        status = "已完成"
                    elif pct == 0:
                        status = "未启动"
                    elif rng.random() < 0.12:
                        status = "滞后"
                    else:
                        status = "推进中"
                    rows.append(
                        {
                            "task_id": task_id,
                            "agency_id": agency,
                            "period": f"{year}H{half}",
                            "progress": status,
                            "percent": f"{pct:.0f}" if status != "已完成" else "100",
                            "narrative": "合成数据 synthetic demonstration report",
                            "evidence_links": "",
                        }
                    )
    cols = ["task_id", "agency_id", "period", "progress", "percent", "narrative", "evidence_links"]
    return pd.DataFrame(rows, columns=cols)


def environment_figures(session: Session, ref: Any = None) -> pd.DataFrame:
    """The demo's plan-figure rows derived from the stored environment data (text cells).

    :func:`lanxi.services.environment.views.plan_figures` of the session's store, as template rows;
    indicators missing from the catalogue are left out. Empty without environment data.
    """
    from lanxi.services.environment import views as env_views

    ref = ref or load_reference(session)
    url = session.get_bind().engine.url.render_as_string(hide_password=False)
    figs = env_views.plan_figures(url)
    figs = figs[figs["indicator_id"].isin(list(ref.indicators))]
    if figs.empty:
        return pd.DataFrame()
    return pd.DataFrame(
        {
            "indicator_id": figs["indicator_id"],
            "region_code": figs["region_code"],
            "period": figs["period"],
            "value": [f"{v:.4f}" for v in figs["value"]],
            "unit": [ref.indicators[i]["unit"] for i in figs["indicator_id"]],
            "source": "synthetic: derived from the stored environment data (lanxi env demo)",
            "note": "合成数据 synthetic, derived from the environment demo data",
        }
    )


def sync_environment_figures(session: Session) -> SubmitResult | None:
    """Replace the demo's plan figures the environment data produce by the derived ones.

    Called after ``lanxi env demo``: where synthetic plan figures exist for an indicator and
    year the environment data cover, the derived values are stored as new approved synthetic
    versions (a batch, audited), so the progress reports and the air report read one figure.
    Nothing happens without synthetic plan figures (a store without ``lanxi demo``).
    """
    derived = environment_figures(session)
    if derived.empty:
        return None
    has_demo = session.scalar(
        select(func.count())
        .select_from(OBS)
        .where(
            OBS.c.synthetic.is_(True), OBS.c.indicator_id.in_(sorted(set(derived["indicator_id"])))
        )
    )
    if not has_demo:
        return None
    taken = _occupied(session, sorted(derived["indicator_id"].unique()))
    keep = [
        (i, r, p) not in taken
        for i, r, p in zip(
            derived["indicator_id"], derived["region_code"], derived["period"], strict=True
        )
    ]
    return submit_frame(
        session,
        derived.loc[keep].reset_index(drop=True),
        system_principal(DEMO_ACTOR),
        kind="observations",
        file_name=f"{DEMO_PREFIX}-environment-figures",
        status="approved",
        synthetic=True,
    )


def generate_synthetic(
    session: Session,
    user: str | Principal = DEMO_ACTOR,
    *,
    seed: int = 1,
    until_year: int | None = None,
    users: bool = True,
) -> dict[str, SubmitResult]:
    """``lanxi demo``: store seeded synthetic observations and progress reports, approved.

    Parameters
    ----------
    session : Session
        Open session; the caller commits.
    user : str or Principal
        Who asks (the agglomeration office; default the system's demo job).
    seed : int
        Random seed: the same seed and ``until_year`` give the same data (and the second run
        changes nothing).
    until_year : int, optional
        Last year of the series (default: last year).
    users : bool
        Also create the demo users (:data:`DEMO_USERS`).

    Returns
    -------
    dict
        ``observations`` and ``task_progress``: the two batches' :class:`SubmitResult`.

    Raises
    ------
    PermissionDenied
        Unless the user is the agglomeration office.
    """
    lock_for_write(session)
    principal = as_principal(session, user)
    authorize(principal, Action.MANAGE_DEMO)
    system = system_principal(DEMO_ACTOR)
    obs = synthetic_observations(session, seed=seed, until_year=until_year)
    prog = synthetic_progress(session, seed=seed, until_year=until_year)
    source = f"synthetic: lanxi demo (seed {seed})"
    out = {
        "observations": submit_frame(
            session,
            obs,
            system,
            kind="observations",
            file_name=f"{DEMO_PREFIX}-observations-seed{seed}",
            status="approved",
            synthetic=True,
            default_source=source,
        ),
        "task_progress": submit_frame(
            session,
            prog,
            system,
            kind="task_progress",
            file_name=f"{DEMO_PREFIX}-task-progress-seed{seed}",
            status="approved",
            synthetic=True,
            default_source=source,
        ),
    }
    if users:
        for name, grants in DEMO_USERS.items():
            ensure_user(session, name, grants, display_name=f"demo user ({name})", actor=system)
    return out


def wipe_synthetic(session: Session, user: str | Principal = DEMO_ACTOR) -> Record:
    """Delete every synthetic observation and progress report, and the demo batches; audited.

    Where a synthetic row was the current version of a key that also has real versions, the
    newest remaining version becomes current again.

    Returns
    -------
    dict
        ``observations``, ``task_progress_reports``, ``batches`` — rows deleted.

    Raises
    ------
    PermissionDenied
        Unless the user is the agglomeration office.
    """
    lock_for_write(session)
    principal = as_principal(session, user)
    authorize(principal, Action.MANAGE_DEMO)
    counts: Record = {}
    for table, key, name in (
        (OBS, ["indicator_id", "region_code", "period"], "observations"),
        (PROGRESS, ["task_id", "agency_id", "period"], "task_progress_reports"),
    ):
        keys = {
            tuple(r)
            for r in session.execute(
                select(*(table.c[k] for k in key)).where(
                    table.c.synthetic.is_(True), table.c.is_current
                )
            )
        }
        n = _rowcount(session.execute(delete(table).where(table.c.synthetic.is_(True))))
        counts[name] = n
        for k in keys:
            cond = [table.c[c] == v for c, v in zip(key, k, strict=True)]
            top = session.scalar(select(func.max(table.c.version)).where(*cond))
            if top is not None:
                session.execute(
                    update(table).where(*cond, table.c.version == top).values(is_current=True)
                )
    used = (
        select(OBS.c.batch_id)
        .where(OBS.c.batch_id.is_not(None))
        .union(select(PROGRESS.c.batch_id).where(PROGRESS.c.batch_id.is_not(None)))
    )
    counts["batches"] = _rowcount(
        session.execute(
            delete(BATCHES).where(
                BATCHES.c.file_name.startswith(DEMO_PREFIX), BATCHES.c.id.not_in(used)
            )
        )
    )
    write_audit(
        session,
        [
            audit_entry(
                principal.username,
                "wipe_synthetic",
                "observations",
                None,
                old=dict(counts),
                reason="synthetic demonstration data wiped on request",
            )
        ],
    )
    return counts


__all__ = [
    "DEMO_USERS",
    "generate_synthetic",
    "load_plan_figures",
    "plan_figures",
    "setup_monitoring",
    "synthetic_observations",
    "synthetic_progress",
    "wipe_synthetic",
]
