"""Monitoring commands: templates, submission and review, observations, progress, tasks, audit.

Every command acts as a user: ``--as USER``, else the ``LANXI_USER`` environment variable, else
``admin`` (the agglomeration-office user that ``lanxi setup`` creates). The commands only parse and
print; the work is done by :mod:`lanxi.services.monitoring`.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from lanxi.cli import plans as plan_cmds
from lanxi.cli.output import Format, console, emit, err_console
from lanxi.errors import PermissionDenied
from lanxi.export import dumps_strict
from lanxi.services.monitoring import demo as demo_svc
from lanxi.services.monitoring import evaluation as eval_svc
from lanxi.services.monitoring import permissions as perm_svc
from lanxi.services.monitoring import progress as progress_svc
from lanxi.services.monitoring import queries as query_svc
from lanxi.services.monitoring import rollup as rollup_svc
from lanxi.services.monitoring import submit as submit_svc
from lanxi.services.monitoring import tasks as task_svc
from lanxi.services.monitoring import templates as template_svc
from lanxi.services.monitoring import workflow as workflow_svc
from lanxi.services.store import session

#: The user of a command without ``--as`` and without ``LANXI_USER``.
DEFAULT_USER = perm_svc.DEFAULT_ADMIN

AsOpt = Annotated[
    str | None,
    typer.Option("--as", help="act as this user (default: $LANXI_USER, else 'admin')"),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="table | csv | json | xlsx")]
OutOpt = Annotated[
    Path | None, typer.Option("--out", "-o", help="write to this file (required for xlsx)")
]
AsOfOpt = Annotated[
    dt.datetime | None,
    typer.Option("--as-of", formats=["%Y-%m-%d"], help="date YYYY-MM-DD (default: today)"),
]


def current_user(value: str | None) -> str:
    """``--as``, else ``$LANXI_USER``, else ``admin``."""
    return value or os.environ.get("LANXI_USER") or DEFAULT_USER


def _date(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value is not None else None


class TemplateKind(StrEnum):
    """Kinds of submission templates."""

    observations = "observations"
    task_progress = "task-progress"


def template(
    kind: Annotated[TemplateKind, typer.Argument(help="observations | task-progress")],
    out: Annotated[Path, typer.Option("--out", "-o", help="FILE.xlsx or FILE.csv")],
    indicator: Annotated[
        list[str] | None, typer.Option("--indicator", help="pre-fill rows for this indicator")
    ] = None,
    region: Annotated[
        list[str] | None, typer.Option("--region", help="pre-fill rows for this region code")
    ] = None,
    task: Annotated[list[str] | None, typer.Option("--task", help="pre-fill this task")] = None,
    agency: Annotated[
        list[str] | None, typer.Option("--agency", help="pre-fill this agency")
    ] = None,
) -> None:
    """报送模板 Write a submission template (.xlsx with drop-downs and codes, or .csv)."""
    with session() as s:
        t = template_svc.write_template(
            s,
            kind.value,
            out,
            indicators=indicator or (),
            regions=region or (),
            tasks=task or (),
            agencies=agency or (),
        )
    console.print(f"写入模板 Template written: {t.path} ({t.prefilled} pre-filled rows)")
    if t.codes_path is not None:
        console.print(
            f"代码表 The valid codes are in the # lines at the top of {t.path.name} and in "
            f"{t.codes_path}"
        )
    else:
        console.print("代码表 The valid codes are on the 'codes' sheet")


def submit(
    file: Annotated[Path, typer.Argument(help="a filled-in template (.xlsx or .csv)")],
    as_user: AsOpt = None,
    draft: Annotated[bool, typer.Option("--draft", help="keep as a draft (send later)")] = False,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table | json")] = Format.table,
) -> None:
    """报送 Submit a file: validated whole, stored as one batch, or refused with every problem.

    A refused submission (invalid rows, or rows outside your scope) writes nothing and exits 2.
    """
    user = current_user(as_user)
    try:
        with session() as s:
            result = submit_svc.submit_file(s, file, user, draft=draft)
    except PermissionDenied as exc:
        sys.stderr.write(f"拒绝 Refused: {exc}\n")
        raise typer.Exit(2) from exc
    if fmt is Format.json:
        sys.stdout.write(dumps_strict(result.as_record()) + "\n")
    else:
        console.print(result.summary())


def send(
    batch: Annotated[str, typer.Argument(help="batch id (or its first 8+ characters)")],
    as_user: AsOpt = None,
) -> None:
    """提交 Send a draft batch for review (draft → submitted)."""
    _transition(batch, "submit", as_user)


def approve(
    batch: Annotated[str, typer.Argument(help="batch id (or its first 8+ characters)")],
    as_user: AsOpt = None,
) -> None:
    """批准 Approve a submitted batch (province admin of its province, or the office)."""
    _transition(batch, "approve", as_user)


def return_(
    batch: Annotated[str, typer.Argument(help="batch id (or its first 8+ characters)")],
    reason: Annotated[str, typer.Option("--reason", help="what to fix (required)")],
    as_user: AsOpt = None,
) -> None:
    """退回 Return a submitted batch to its submitter, with the reason."""
    _transition(batch, "return", as_user, reason=reason)


def _transition(batch: str, action: str, as_user: str | None, reason: str | None = None) -> None:
    with session() as s:
        rec = workflow_svc.transition(
            s,
            batch,
            action,  # type: ignore[arg-type]
            current_user(as_user),
            reason=reason,
        )
    console.print(f"批次 Batch {rec['id']}: {rec['status']} ({rec['rows']} rows)")


def batches(
    status: Annotated[
        str | None, typer.Option(help="draft | submitted | approved | returned")
    ] = None,
    kind: Annotated[str | None, typer.Option(help="observations | task_progress")] = None,
    as_user: AsOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """报送批次 Submission batches, newest first."""
    with session() as s:
        rows = workflow_svc.list_batches(s, current_user(as_user), status=status, kind=kind)
    emit(
        rows,
        fmt,
        out=out,
        sheet="batches",
        title="报送批次 Submission batches",
        table_columns={
            "id": "批次 Batch",
            "kind": "类型 Kind",
            "file_name": "文件 File",
            "status": "状态 Status",
            "submitted_by": "报送人 By",
            "rows": "行 Rows",
            "reason": "理由 Reason",
        },
    )


def observations(
    indicator: Annotated[str | None, typer.Option(help="indicator id")] = None,
    region: Annotated[
        str | None, typer.Option(help="region code (its sub-regions included)")
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(help="approved (default) | draft | submitted | returned | pending | all"),
    ] = None,
    history: Annotated[bool, typer.Option("--history", help="every version")] = False,
    synthetic: Annotated[
        bool | None, typer.Option("--synthetic/--real", help="only synthetic / only real rows")
    ] = None,
    as_user: AsOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """监测数据 Observations (the public sees approved values only; synthetic rows are flagged)."""
    with session() as s:
        rows = query_svc.list_observations(
            s,
            current_user(as_user),
            indicator=indicator,
            region=region,
            status=status,
            history=history,
            synthetic=synthetic,
        )
    if fmt is Format.table:
        rows = [r | {"synthetic": "合成 synthetic" if r["synthetic"] else ""} for r in rows]
    emit(
        rows,
        fmt,
        out=out,
        sheet="observations",
        title="监测数据 Observations",
        table_columns={
            "indicator_id": "指标 Indicator",
            "region_name": "区域 Region",
            "period": "期别 Period",
            "value": "数值 Value",
            "unit": "单位 Unit",
            "status": "状态 Status",
            "version": "版本 v",
            "synthetic": "合成 Synthetic",
        },
    )


class Method(StrEnum):
    """Progress methods."""

    opensdg = "opensdg"
    eurostat = "eurostat"
    unsd = "unsd"


def _fmt_num(v: Any, digits: int = 2) -> str:
    return "" if v is None else f"{v:.{digits}f}".rstrip("0").rstrip(".")


def progress(
    plan: Annotated[str | None, typer.Option(help="plan id, e.g. scheme2022")] = None,
    region: Annotated[str | None, typer.Option(help="region code")] = None,
    as_of: AsOfOpt = None,
    method: Annotated[Method, typer.Option(help="opensdg | eurostat | unsd")] = Method.opensdg,
    real_only: Annotated[
        bool, typer.Option("--real-only", help="ignore synthetic (demonstration) data")
    ] = False,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table | json | xlsx | csv")] = (
        Format.table
    ),
    out: OutOpt = None,
) -> None:
    """目标进展 Progress of each target against the latest approved value."""
    with session() as s:
        rows = progress_svc.progress_records(
            s,
            plan=plan,
            region=region,
            as_of=_date(as_of),
            method=method.value,
            include_synthetic=not real_only,
        )
    if fmt is Format.table:
        rows = [
            r
            | {
                "latest": f"{_fmt_num(r['latest_value'])} ({r['latest_period']})"
                if r["latest_value"] is not None
                else "",
                "target": f"{_fmt_num(r['target_value'])} ({r['target_year']})",
                "ratio": _fmt_num(r["ratio"]),
                "synthetic": "合成 synthetic" if r["synthetic"] else "",
            }
            for r in rows
        ]
    emit(
        rows,
        fmt,
        out=out,
        sheet="progress",
        title=f"目标进展 Progress ({method.value})",
        table_columns={
            "indicator_id": "指标 Indicator",
            "region_name": "区域 Region",
            "latest": "最新 Latest",
            "target": "目标 Target",
            "ratio": "比值 Ratio",
            "status": "状态 Status",
            "synthetic": "合成 Synthetic",
        },
    )


def rollup(
    indicator: Annotated[str | None, typer.Option(help="indicator id")] = None,
    period: Annotated[str | None, typer.Option(help="period, e.g. 2024")] = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """汇总 Roll-ups county → prefecture → province → agglomeration, by each indicator's rule."""
    with session() as s:
        rows = rollup_svc.rollup_records(s, indicator=indicator, period=period)
    emit(
        rows,
        fmt,
        out=out,
        sheet="rollup",
        title="汇总 Roll-ups",
        table_columns={
            "indicator_id": "指标 Indicator",
            "region_name": "区域 Region",
            "period": "期别 Period",
            "rule": "规则 Rule",
            "value": "汇总值 Rolled up",
            "observed": "报送值 Observed",
            "note": "说明 Note",
        },
    )


class Grouping(StrEnum):
    """Groupings of task status."""

    assignment = "assignment"
    agency = "agency"
    province = "province"
    city = "city"
    section = "section"


def task_status(
    agency: Annotated[str | None, typer.Option(help="agency id or text in its name")] = None,
    province: Annotated[str | None, typer.Option(help="甘肃 | 青海")] = None,
    by: Annotated[
        Grouping, typer.Option(help="assignment | agency | province | city | section")
    ] = Grouping.assignment,
    as_of: AsOfOpt = None,
    stalled_after: Annotated[
        int, typer.Option(help="reporting periods without a report before a task is stalled")
    ] = 2,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """任务进展 Task status: completion, overdue and stalled tasks (approved reports)."""
    with session() as s:
        if by is Grouping.assignment:
            rows = task_svc.task_status(
                s,
                agency=agency,
                province=province,
                as_of=_date(as_of),
                stalled_periods=stalled_after,
            )
            columns = {
                "section": "章节 §",
                "title": "任务 Task",
                "agency_name": "单位 Agency",
                "role": "角色 Role",
                "progress": "进展 Progress",
                "latest_period": "期别 Period",
                "overdue": "逾期 Overdue",
                "stalled": "停滞 Stalled",
            }
        else:
            rows = task_svc.completion(
                s,
                by.value,  # type: ignore[arg-type]
                as_of=_date(as_of),
                stalled_periods=stalled_after,
            )
            columns = {
                "group": "分组 Group",
                "name": "名称 Name",
                "assignments": "任务数 Tasks",
                "completed": "已完成 Done",
                "share_completed": "完成率 Share",
                "overdue": "逾期 Overdue",
                "stalled": "停滞 Stalled",
            }
    emit(
        rows, fmt, out=out, sheet="task_status", title="任务进展 Task status", table_columns=columns
    )


def annual_tasks(
    year: Annotated[int | None, typer.Option(help="one year")] = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """分年度重点工作任务 The annual joint task list: each year's reports by task and agency."""
    with session() as s:
        rows = task_svc.annual_task_list(s, year=year)
    emit(
        rows,
        fmt,
        out=out,
        sheet="annual_tasks",
        title="分年度重点工作任务 Annual joint task list",
        table_columns={
            "year": "年 Year",
            "section": "章节 §",
            "title": "任务 Task",
            "agency_name": "单位 Agency",
            "progress": "进展 Progress",
            "percent": "% 完成",
        },
    )


class EvalKind(StrEnum):
    """Evaluation kinds."""

    dynamic = "dynamic"
    midterm = "midterm"
    summary = "summary"


def evaluate(
    kind: Annotated[EvalKind, typer.Argument(help="dynamic | midterm | summary")] = (
        EvalKind.dynamic
    ),
    plan: Annotated[str, typer.Option(help="plan id")] = "scheme2022",
    as_of: AsOfOpt = None,
    method: Annotated[Method, typer.Option(help="opensdg | eurostat | unsd")] = Method.opensdg,
    out: OutOpt = None,
) -> None:
    """评估 Evaluation as of a date (动态监测 / 中期评估 / 总结评估), as reproducible JSON."""
    with session() as s:
        res = eval_svc.evaluate(
            s,
            kind.value,
            plan=plan,
            as_of=_date(as_of),
            method=method.value,
        )
    text = dumps_strict(res)
    if out is not None:
        out.write_text(text + "\n", encoding="utf-8")
        err_console.print(
            f"写入 Wrote the {kind.value} evaluation as of {res['as_of']} to {out} "
            f"(inputs {res['inputs_sha256'][:12]}, result {res['result_sha256'][:12]})"
        )
    else:
        sys.stdout.write(text + "\n")


def audit(
    since: Annotated[
        dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="from this date YYYY-MM-DD")
    ] = None,
    entity: Annotated[str | None, typer.Option(help="table, e.g. submission_batches")] = None,
    limit: Annotated[int | None, typer.Option(help="the newest N entries")] = None,
    as_user: AsOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """审计日志 The append-only audit log (who, when, what, old → new, why)."""
    with session() as s:
        rows = query_svc.list_audit(
            s, current_user(as_user), since=since, entity=entity, limit=limit
        )
    emit(
        rows,
        fmt,
        out=out,
        sheet="audit",
        title="审计日志 Audit log",
        table_columns={
            "at": "时间 When",
            "actor": "人 Who",
            "action": "操作 Action",
            "entity": "对象 What",
            "entity_id": "ID",
            "reason": "理由 Why",
        },
    )


def demo(
    wipe: Annotated[bool, typer.Option("--wipe", help="delete all synthetic data")] = False,
    seed: Annotated[int, typer.Option(help="random seed")] = 1,
    until: Annotated[int | None, typer.Option(help="last year of the series")] = None,
    as_user: AsOpt = None,
) -> None:
    """演示数据 Generate clearly labelled synthetic data (--wipe removes it again)."""
    user = current_user(as_user)
    with session() as s:
        if wipe:
            counts = demo_svc.wipe_synthetic(s, user)
            console.print(
                f"已删除合成数据 Synthetic data wiped: {counts['observations']} observations, "
                f"{counts['task_progress_reports']} progress reports, {counts['batches']} batches"
            )
            return
        res = demo_svc.generate_synthetic(s, user, seed=seed, until_year=until)
    for kind, r in res.items():
        console.print(f"合成 Synthetic {kind}: {r.summary()}")
    console.print(
        "[yellow]合成数据仅供演示 Synthetic data are for demonstration only; every row is flagged "
        "synthetic. Remove with `lanxi demo --wipe`.[/yellow]"
    )


# --------------------------------------------------------------------------- users

users_app = typer.Typer(help="用户 Users and roles.", no_args_is_help=True)


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="login name")],
    name: Annotated[str | None, typer.Option("--name", help="display name")] = None,
    as_user: AsOpt = None,
) -> None:
    """Add a user (then grant a role)."""
    with session() as s:
        actor = perm_svc.load_principal(s, current_user(as_user))
        rec = perm_svc.create_user(s, username, display_name=name, actor=actor)
    console.print(f"用户 User added: {rec['username']}")


@users_app.command("grant")
def users_grant(
    username: Annotated[str, typer.Argument(help="login name")],
    role: Annotated[str, typer.Argument(help=", ".join(r.value for r in perm_svc.Role))],
    scope: Annotated[
        str | None,
        typer.Argument(
            help="region code (city_submitter), agency id (department), "
            "province 620000/630000 (province_admin)"
        ),
    ] = None,
    as_user: AsOpt = None,
) -> None:
    """Grant a role with its scope."""
    with session() as s:
        actor = perm_svc.load_principal(s, current_user(as_user))
        rec = perm_svc.grant_role(s, username, role, scope, actor=actor)
    done = "granted" if rec["granted"] else "already held"
    console.print(f"角色 Role {rec['role']} {rec['scope'] or ''} {done} for {rec['username']}")


@users_app.command("list")
def users_list(fmt: FormatOpt = Format.table, out: OutOpt = None) -> None:
    """List users and their roles."""
    with session() as s:
        rows = perm_svc.list_users(s)
    emit(
        rows,
        fmt,
        out=out,
        sheet="users",
        title="用户 Users",
        table_columns={"username": "用户 User", "display_name": "名称 Name", "roles": "角色 Roles"},
    )


# --------------------------------------------------------------------------- lanxi tasks [status]

tasks_app = typer.Typer(
    help="重点任务 The tasks of the 2022 scheme; `lanxi tasks status` for their progress.",
    invoke_without_command=True,
    no_args_is_help=False,
)


@tasks_app.callback()
def tasks_group(
    ctx: typer.Context,
    agency: Annotated[
        str | None, typer.Option(help="单位 text in an agency's name, e.g. 生态环境")
    ] = None,
    province: Annotated[str | None, typer.Option(help="省份 甘肃 | 青海")] = None,
    region: Annotated[str | None, typer.Option(help="区域 code or name")] = None,
    section: Annotated[
        str | None, typer.Option(help="章节 section prefix, e.g. 三 or 三(二)")
    ] = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """重点任务 The 58 tasks of the 2022 scheme, with lead (牵头) and co-responsible units.

    ``lanxi tasks status …`` shows their progress (the same as ``lanxi task-status``).
    """
    if ctx.invoked_subcommand is None:
        plan_cmds.tasks(
            agency=agency, province=province, region=region, section=section, fmt=fmt, out=out
        )


tasks_app.command("status")(task_status)
