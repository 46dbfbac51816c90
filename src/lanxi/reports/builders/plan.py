"""Plan reports: implementation progress, mid-term and summary evaluation, the public summary.

Figures come from :mod:`lanxi.services.monitoring` — :func:`~lanxi.services.monitoring.progress.
progress_records` (each target's status), :func:`~lanxi.services.monitoring.tasks.completion` and
:func:`~lanxi.services.monitoring.tasks.task_status` (tasks), :func:`~lanxi.services.monitoring.
evaluation.evaluate` (the reproducible result sets) — and :func:`lanxi.services.plans.
list_projects`; the same functions ``lanxi progress``, ``lanxi tasks status``, ``lanxi evaluate``
and the API call.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy.orm import Session

from lanxi.errors import Problem, ValidationError
from lanxi.reports import charts, maps
from lanxi.reports.builders.air import target_region
from lanxi.reports.builders.common import (
    ReportRequest,
    col,
    label,
    new_report,
    no_data_report,
    plain,
    require_period,
    table,
)
from lanxi.reports.content import Column, Figure, Lang, Report, Section
from lanxi.reports.fmt import date_label
from lanxi.reports.i18n import t
from lanxi.reports.names import (
    agency_name,
    chinese_original,
    clause_number,
    indicator_name,
    plain_source,
    plan_title,
    region_name,
    unit_name,
)
from lanxi.services import plans as plan_svc
from lanxi.services.bulletins import (
    Finding,
    evaluation_findings,
    project_counts,
    target_attribute,
    verdict,
)
from lanxi.services.monitoring import evaluation as eval_svc
from lanxi.services.monitoring import progress as progress_svc
from lanxi.services.monitoring import tasks as task_svc
from lanxi.services.monitoring.queries import approved_observations
from lanxi.services.store import session

MAP_INDICATOR = "urbanization_rate"


def _as_of(req: ReportRequest) -> dt.date:
    if req.as_of is not None:
        return req.as_of
    if req.period is not None:
        return dt.date(int(require_period(req, "year")), 12, 31)
    return dt.date.today()


def _region_code(s: Session, region: str | None) -> str | None:
    """A region's code from its code, name or former name (None stays None)."""
    return None if region is None else plan_svc.resolve_region(s, region).code


def _target_rows(records: list[dict[str, Any]], lang: Lang) -> list[dict[str, Any]]:
    out = []
    for r in records:
        row = dict(r)
        row["status_text"] = label("status", r["status"], lang)
        row["indicator"] = indicator_name(r["indicator_id"], r["indicator_name"], lang)
        # the progress record names the target's unit (its group, e.g. 兰州经济圈)
        row["region"] = region_name(
            r.get("region_name") or target_region(r["target_id"], r["region_code"], r.get("name")),
            lang,
        )
        row["plan_name"] = plan_title(r.get("plan"), lang)
        row["unit"] = unit_name(r.get("unit"), lang)
        row["baseline"] = r["baseline_value"]
        row["notes"] = plain(r.get("notes"))
        out.append(row)
    return out


def _target_columns(lang: Lang) -> list[Column]:
    return [
        col("indicator", lang),
        col("region", lang),
        col("unit", lang),
        col("baseline", lang, "float", digits=2),
        col("baseline_year", lang),
        col("latest_value", lang, "float", digits=2),
        col("latest_period", lang),
        col("target_value", lang, "float", digits=2),
        col("target_year", lang),
        col("ratio", lang, "float", digits=2),
        col("status_text", lang),
        col("synthetic", lang, "bool"),
    ]


def _status_chart(records: list[dict[str, Any]], lang: Lang, src: str) -> Figure:
    counts = Counter(str(r["status"]) for r in records)
    keys = sorted(counts)
    title = t("fig.status_counts", lang)
    return Figure(
        id="chart-status",
        title=title,
        kind="chart",
        png_base64=charts.bar_chart(
            [str(label("status", k, lang)) for k in keys],
            [counts[k] for k in keys],
            title=title,
            ylabel=t("axis.targets", lang),
            horizontal=True,
        ),
        source=src,
    )


def _completion_table(
    s: Session, by: str, as_of: dt.date, lang: Lang, *, public: bool = False
) -> Any:
    recs = task_svc.completion(s, by, as_of=as_of)  # type: ignore[arg-type]
    for r in recs:
        r["name"] = agency_name(r.get("name"), lang)
        if by == "section" and lang == "en":
            r["name"] = "§ " + clause_number(str(r["name"]))
    cols = [
        col("name", lang, label=t(f"col.group_{by}", lang)),
        col("assignments", lang, "int"),
        col("completed", lang, "int"),
        col("share_completed", lang, "percent", digits=1),
        col("in_progress", lang, "int"),
        col("not_started", lang, "int"),
        col("lagging", lang, "int"),
        col("no_report", lang, "int"),
    ]
    if not public:
        cols += [col("overdue", lang, "int"), col("stalled", lang, "int")]
    return table(
        f"completion-{by}",
        t(f"table.completion_{by}", lang),
        cols,
        recs,
        t("src.completion", lang),
        keep=("group",),
    )


def _county_map(s: Session, as_of: dt.date, lang: Lang) -> Figure | None:
    counties = {r["code"] for r in plan_svc.list_regions(s, level="county")}
    obs = approved_observations(s, indicators=[MAP_INDICATOR], as_of=as_of)
    obs = obs[obs["region_code"].isin(counties)]
    if obs.empty:
        return None
    latest = obs.sort_values("period").groupby("region_code").tail(1)
    values = {str(r.region_code): float(r.value) for r in latest.itertuples(index=False)}
    periods = sorted(set(latest["period"]))
    title = t("fig.county_urbanization", lang, period="、".join(periods))
    return Figure(
        id="map-urbanization",
        title=title,
        kind="map",
        png_base64=maps.choropleth(values, legend_title="%", lang=lang),
        source=maps.map_source(lang, t("src.urbanization_map", lang)),
    )


def _projects_table(s: Session, region: str | None, lang: Lang, *, plan: str | None = None) -> Any:
    recs = [
        r for r in plan_svc.list_projects(s, region=region) if plan is None or r["plan"] == plan
    ]
    sep = "、" if lang == "zh" else ", "
    for r in recs:
        r["kind_text"] = label("project_kind", r["kind"], lang)
        r["plan_name"] = plan_title(r.get("plan"), lang)
        r["source_text"] = plain_source(r.get("source"), lang)
        r["region_names"] = sep.join(str(region_name(x["name"], lang)) for x in r["regions"])
        if lang == "en":
            # the bundled projects have no English names: the plan's wording, marked; the stage
            # its verb sets instead of the verb
            r["name"] = chinese_original(str(r["name"]))
            r["status_text"] = label("project_stage", r.get("status") or "unknown", lang)
    return table(
        "projects",
        t("table.projects", lang),
        [
            col("name", lang),
            col("kind_text", lang),
            col("plan_name", lang, label=t("col.plan", lang)),
            col("status_text", lang, label=t("col.status_text_project", lang)),
            col("region_names", lang),
            col("source_text", lang, label=t("col.source", lang)),
        ],
        recs,
        t("src.projects", lang),
        keep=("plan",),
    )


def _progress_report(req: ReportRequest, generated_at: dt.datetime) -> tuple[Report, dt.date]:
    """A new progress-style report (Open SDG method) as of the request's date, and that date."""
    as_of = _as_of(req)
    report = new_report(
        req,
        generated_at=generated_at,
        methods=[t("method.opensdg", req.lang)],
        subtitle=t("subtitle.as_of", req.lang, date=date_label(as_of, req.lang)),
    )
    report.as_of = as_of
    return report, as_of


def progress(req: ReportRequest, *, url: str | None, generated_at: dt.datetime) -> Report:
    """规划实施进展报告: targets and their status, task completion, projects, as of a date."""
    lang = req.lang
    report, as_of = _progress_report(req, generated_at)
    with session(url) as s:
        region = _region_code(s, req.region)
        recs = progress_svc.progress_records(s, plan=req.plan, region=region, as_of=as_of)
        status = task_svc.task_status(s, as_of=as_of)
        if not any(r["latest_value"] is not None for r in recs) and all(
            r["latest_period"] is None for r in status
        ):
            return no_data_report(report, t("no_data.plan", lang, date=date_label(as_of, lang)))
        report.synthetic = any(r["synthetic"] for r in recs) or any(r["synthetic"] for r in status)
        rows = _target_rows(recs, lang)
        tg = Section(
            id="targets",
            title=t("section.targets", lang),
            paragraphs=[t("para.targets", lang, n=len(rows))],
        )
        tg.tables.append(
            table(
                "targets",
                t("table.targets", lang),
                _target_columns(lang),
                rows,
                t("src.progress", lang),
                note=t("note.status_method", lang),
                keep=("target_id", "plan", "region_code"),
            )
        )
        if rows:
            tg.figures.append(_status_chart(rows, lang, t("src.progress", lang)))
        fig = _county_map(s, as_of, lang)
        if fig is not None:
            tg.figures.append(fig)
        tasks = Section(id="tasks", title=t("section.tasks", lang))
        for by in ("province", "city", "agency", "section"):
            tasks.tables.append(_completion_table(s, by, as_of, lang))
        late = [dict(r) for r in status if r["overdue"] or r["stalled"]]
        for r in late:
            r["progress_text"] = label("progress", r["progress"], lang)
            r["role_text"] = label("role", r["role"], lang)
            r["agency_name"] = agency_name(r.get("agency_name"), lang)
            if lang == "en" and r.get("title"):
                r["title"] = chinese_original(str(r["title"]))
        tasks.tables.append(
            table(
                "overdue",
                t("table.overdue", lang),
                [
                    col("number", lang, "int"),
                    col("title", lang),
                    col("agency_name", lang),
                    col("role_text", lang),
                    col("latest_period", lang),
                    col("progress_text", lang),
                    col("percent", lang, "float", digits=0),
                    col("overdue", lang, "bool"),
                    col("stalled", lang, "bool"),
                ],
                late,
                t("src.completion", lang),
            )
        )
        projects = Section(id="projects", title=t("section.projects", lang))
        projects.tables.append(_projects_table(s, region, lang))
    report.sections = [tg, tasks, projects]
    return report


def _evaluation(req: ReportRequest, *, url: str | None, generated_at: dt.datetime) -> Report:
    lang = req.lang
    plan = req.plan or "scheme2022"
    kind = "midterm" if req.kind == "midterm" else "summary"
    problems = [
        Problem(
            "report",
            None,
            option,
            f"the {kind} evaluation is of the whole plan as of its "
            f"{'mid-point' if kind == 'midterm' else 'end'}; for another date or a region use "
            "`lanxi report progress --as-of DATE --region …`",
            value,
        )
        for option, value in (("--as-of", req.as_of), ("--region", req.region))
        if value is not None
    ]
    if problems:
        raise ValidationError(problems)
    with session(url) as s:
        res = eval_svc.evaluate(s, kind, plan=plan)  # type: ignore[arg-type]
        as_of = dt.date.fromisoformat(res["as_of"])
        report = new_report(
            req,
            generated_at=generated_at,
            methods=[t("method.opensdg", lang)],
            subtitle=t(
                "subtitle.evaluation",
                lang,
                plan=plan_title(plan, lang),
                date=date_label(as_of, lang),
            ),
        )
        report.as_of = as_of
        report.notes.append(
            t(
                "note.result_set",
                lang,
                inputs=res["inputs_sha256"][:16],
                result=res["result_sha256"][:16],
            )
        )
        report.synthetic = bool(res["synthetic_inputs"])
        summary = res["summary"]
        has_obs = any(r["latest_value"] is not None for r in res["targets"])
        has_reports = any(r["latest_period"] is not None for r in res["tasks"])
        if not has_obs and not has_reports:
            return no_data_report(report, t("no_data.plan", lang, date=date_label(as_of, lang)))
        ov = Section(
            id="overview",
            title=t("section.overview", lang),
            paragraphs=[
                t(
                    "para.evaluation",
                    lang,
                    date=date_label(as_of, lang),
                    targets=summary["targets"],
                    assignments=summary["task_assignments"],
                    completed=summary["tasks_completed"],
                    overdue=summary["tasks_overdue"],
                    stalled=summary["tasks_stalled"],
                ),
            ],
        )
        ov.tables.append(
            table(
                "summary",
                t("table.status_summary", lang),
                [col("status_text", lang), col("count", lang, "int")],
                [
                    {"status_text": label("status", k, lang), "count": v}
                    for k, v in summary["by_status"].items()
                ],
                t("src.evaluation", lang),
            )
        )
        rows = _target_rows(res["targets"], lang)
        final = kind == "summary"
        for r in rows:
            v = verdict(r.get("status"), r.get("latest_value"), final)
            r["verdict"] = v
            r["verdict_text"] = t(f"verdict.{v}", lang)
            a = target_attribute(r.get("indicator_id"), r.get("nature"))
            r["attribute"] = a["attribute"]
            r["attribute_basis"] = a["basis"]
        tg = Section(id="targets", title=t("section.targets", lang))
        tg.paragraphs.append(t("para.attribute_rule", lang))
        for attribute in ("binding", "expected", "unmarked"):
            part = [r for r in rows if r["attribute"] == attribute]
            if not part:
                continue
            counts = Counter(str(r["verdict"]) for r in part)
            tg.paragraphs.append(
                t(
                    f"para.attribute_{'final' if final else 'mid'}",
                    lang,
                    attribute=t(f"attribute.{attribute}", lang),
                    n=len(part),
                    completed=counts.get("completed", 0),
                    not_completed=counts.get("not_completed", 0),
                    no_data=counts.get("no_data", 0) + counts.get("insufficient_data", 0),
                    met=counts.get("target_met", 0) + counts.get("on_track", 0),
                    behind=sum(
                        counts.get(k, 0)
                        for k in (
                            "target_missed",
                            "deterioration",
                            "limited_progress",
                            "needs_acceleration",
                        )
                    ),
                )
            )
            tg.tables.append(
                table(
                    "targets" if attribute == "binding" else f"targets-{attribute}",
                    t(f"table.targets_{attribute}", lang),
                    [*_target_columns(lang), col("verdict_text", lang)]
                    if final
                    else _target_columns(lang),
                    part,
                    t("src.evaluation", lang),
                    note=t("note.status_method", lang),
                    keep=("target_id", "plan", "region_code", "attribute"),
                )
            )
        if rows:
            tg.figures.append(_status_chart(rows, lang, t("src.evaluation", lang)))
        tasks = Section(id="tasks", title=t("section.tasks", lang))
        for by in ("province", "city", "agency", "section"):
            tasks.tables.append(_completion_table(s, by, as_of, lang))
        projects = _evaluation_projects(s, plan, lang)
    issues, advice = _findings_sections(res, lang)
    report.sections = [ov, tg, tasks, projects, issues, advice]
    return report


def _evaluation_projects(s: Session, plan: str, lang: Lang) -> Section:
    """重点项目: the plan's key projects (bundled plan data) by the stage its text sets."""
    recs = [r for r in plan_svc.list_projects(s) if r["plan"] == plan]
    sec = Section(id="projects", title=t("section.projects", lang))
    counts = project_counts(recs)
    sec.paragraphs.append(
        t(
            "para.projects_eval",
            lang,
            plan=plan_title(plan, lang),
            n=len(recs),
            stages=("、" if lang == "zh" else ", ").join(
                t("para.stage_count", lang, stage=label("project_stage", k, lang), n=v)
                for k, v in counts.items()
            )
            or "—",
        )
    )
    sec.tables.append(
        table(
            "project-stages",
            t("table.project_stages", lang),
            [col("stage_text", lang), col("count", lang, "int")],
            [
                {"stage": k, "stage_text": label("project_stage", k, lang), "count": v}
                for k, v in counts.items()
            ],
            t("src.projects", lang),
            keep=("stage",),
        )
    )
    table_ = _projects_table(s, None, lang, plan=plan)
    sec.tables.append(table_)
    return sec


def _num(v: Any) -> str:
    return "—" if v is None else f"{float(v):,.2f}".rstrip("0").rstrip(".")


def _rate(v: Any, indicator_id: Any = None) -> str:
    """A yearly rate as a percentage.

    A share (0.02 → 2.0%), or, for an indicator whose target is itself a growth rate
    (``rate_indicators`` of ``progress_methods.yaml``), a value already in per cent (6.0 → 6.0%).
    """
    if v is None:
        return "—"
    from lanxi.services.monitoring.progress import progress_config

    in_percent = str(indicator_id) in set(progress_config().get("rate_indicators", []))
    return f"{float(v) if in_percent else 100 * float(v):.1f}%"


def _gap_text(g: dict[str, Any], lang: Lang) -> str:
    """尚差 … only when the value is short of the target in the desired direction.

    ``shortfall`` (``direction × gap`` of
    :func:`lanxi.services.monitoring.progress.progress_records`) says which side the value is
    on: positive short, negative beyond the target, zero at it.
    """
    unit = t("unit.points", lang) if g["unit"] == "%" else (g["unit"] or "")
    short = g.get("shortfall")
    if short is None:
        short = g.get("gap")
    if short is None:
        return t("finding.gap_short", lang, gap=_num(None), gap_unit=unit)
    if _num(abs(short)) == "0":
        return t("finding.gap_at", lang)
    key = "finding.gap_short" if short > 0 else "finding.gap_over"
    return t(key, lang, gap=_num(abs(short)), gap_unit=unit)


def _finding_text(f: Finding, lang: Lang) -> str:
    """The sentence of one finding: its rule's template filled with the figures it carries."""
    g = f.figures
    if f.kind == "target":
        region = region_name(target_region(g["target_id"], g["region_code"], g["name"]), lang)
        name = g["name"] if lang == "zh" else indicator_name(g["indicator_id"], g["name"], lang)
        return t(
            f"finding.{f.rule}",
            lang,
            name=name,
            region=region,
            latest=_num(g["latest_value"]),
            period=g["latest_period"] or "—",
            target=_num(g["target_value"]),
            year=g["target_year"],
            unit=g["unit"] or "",
            gap_text=_gap_text(g, lang),
            status=label("status", g["status"], lang),
            required=_rate(g["required_rate"], g.get("indicator_id")),
            actual=_rate(g["actual_rate"], g.get("indicator_id")),
        )
    return t(f"finding.{f.rule}", lang, **g)


def _findings_sections(res: dict[str, Any], lang: Lang) -> tuple[Section, Section]:
    """存在的问题 and 下一步建议 (rules of :func:`lanxi.services.bulletins.evaluation_findings`)."""
    problems, advice = evaluation_findings(res)
    issues = Section(
        id="problems",
        title=t("section.problems", lang),
        paragraphs=[f"{i}. {_finding_text(f, lang)}" for i, f in enumerate(problems, start=1)]
        or [t("finding.none", lang)],
    )
    recs = Section(
        id="recommendations",
        title=t("section.recommendations", lang),
        paragraphs=[f"{i}. {_finding_text(f, lang)}" for i, f in enumerate(advice, start=1)]
        or [t("finding.none", lang)],
    )
    recs.paragraphs.append(t("finding.rules", lang))
    return issues, recs


def midterm(req: ReportRequest, *, url: str | None, generated_at: dt.datetime) -> Report:
    """中期评估报告: the mid-term evaluation result set of the plan (default ``scheme2022``)."""
    return _evaluation(req, url=url, generated_at=generated_at)


def summary(req: ReportRequest, *, url: str | None, generated_at: dt.datetime) -> Report:
    """总结评估报告: the summary evaluation result set of the plan (default ``scheme2022``)."""
    return _evaluation(req, url=url, generated_at=generated_at)


def public(req: ReportRequest, *, url: str | None, generated_at: dt.datetime) -> Report:
    """公众版进展摘要: approved (published) data only; no agency-level or internal detail."""
    lang = req.lang
    report, as_of = _progress_report(req, generated_at)
    report.notes.append(t("note.public", lang))
    with session(url) as s:
        region = _region_code(s, req.region)
        recs = progress_svc.progress_records(s, plan=req.plan, region=region, as_of=as_of)
        if not any(r["latest_value"] is not None for r in recs):
            return no_data_report(report, t("no_data.plan", lang, date=date_label(as_of, lang)))
        report.synthetic = any(r["synthetic"] for r in recs)
        rows = _target_rows(recs, lang)
        cols = [c for c in _target_columns(lang) if c.key not in ("ratio", "target_id")]
        tg = Section(
            id="targets",
            title=t("section.targets", lang),
            paragraphs=[t("para.targets", lang, n=len(rows))],
        )
        tg.tables.append(
            table(
                "targets",
                t("table.targets", lang),
                cols,
                rows,
                t("src.progress", lang),
                note=t("note.status_method", lang),
                keep=("target_id", "plan", "region_code"),
            )
        )
        tg.figures.append(_status_chart(rows, lang, t("src.progress", lang)))
        fig = _county_map(s, as_of, lang)
        if fig is not None:
            tg.figures.append(fig)
        tasks = Section(id="tasks", title=t("section.tasks", lang))
        for by in ("province", "section"):
            tasks.tables.append(_completion_table(s, by, as_of, lang, public=True))
    report.sections = [tg, tasks]
    return report
