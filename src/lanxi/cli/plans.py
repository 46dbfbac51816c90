"""Listing commands over the plan data: regions, groups, plans, indicators, tasks and more."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from lanxi.cli.output import Format, emit

# The services (and with them SQLAlchemy) are imported inside each command: `lanxi regions`
# reads the default SQLite store without them (issue 17, start-up under 0.3 s).

FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="table | csv | json | xlsx")]
OutOpt = Annotated[
    Path | None, typer.Option("--out", "-o", help="write to this file (required for xlsx)")
]


class Level(StrEnum):
    """Region levels."""

    agglomeration = "agglomeration"
    province = "province"
    prefecture = "prefecture"
    county = "county"


def regions(
    level: Annotated[Level | None, typer.Option(help="行政级别 level")] = None,
    group: Annotated[
        str | None, typer.Option(help="分组 group id or name, e.g. xining_haidong_metro")
    ] = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """区域 Regions: the agglomeration, provinces, prefectures and the 39 county-level units."""
    from lanxi.services.region_list import list_regions_in_store

    rows = list_regions_in_store(level=level.value if level else None, group=group)
    emit(
        rows,
        fmt,
        out=out,
        sheet="regions",
        title="区域 Regions",
        table_columns={
            "code": "代码 Code",
            "name": "名称 Name",
            "name_en": "English",
            "level": "级别 Level",
            "parent_code": "上级 Parent",
            "area_km2": "面积 km²",
        },
    )


def groups(fmt: FormatOpt = Format.table, out: OutOpt = None) -> None:
    """空间结构 Region groups: 一带双圈多节点, the demo zone, the Lanzhou economic circle."""
    from lanxi.services import plans as svc
    from lanxi.services.store import session

    with session() as s:
        rows = svc.list_groups(s)
    emit(
        rows,
        fmt,
        out=out,
        sheet="groups",
        table_columns={
            "id": "ID",
            "name": "名称 Name",
            "kind": "类型 Kind",
            "members": "成员 Members",
        },
    )


def plans(fmt: FormatOpt = Format.table, out: OutOpt = None) -> None:
    """规划文件 The plan documents."""
    from lanxi.services import plans as svc
    from lanxi.services.store import session

    with session() as s:
        rows = svc.list_plans(s)
    emit(
        rows,
        fmt,
        out=out,
        sheet="plans",
        table_columns={
            "id": "ID",
            "title": "标题 Title",
            "doc_number": "文号 No.",
            "date": "日期 Date",
            "period_end": "期限 To",
        },
    )


SYMBOL = {"ge": "≥", "le": "≤", "approx": "≈", "eq": "=", "gt": ">", "lt": "<"}


def _num(v: float | None) -> str:
    return "" if v is None else f"{v:g}"


def _indicator_view(r: dict[str, Any]) -> dict[str, Any]:
    """A compact row for the terminal: ``≥ 90 %`` rather than three columns."""
    unit = str(r.get("unit") or "")
    target = ""
    if r.get("target_value") is not None:
        target = f"{SYMBOL.get(str(r['comparison']), '')}{_num(r['target_value'])} {unit}".strip()
    base = ""
    if r.get("baseline_value") is not None:
        base = f"{_num(r['baseline_value'])} {unit} ({r['baseline_year']})".strip()
    return {
        "name": r["name"],
        "target": target,
        "target_year": r.get("target_year"),
        "baseline": base,
        "region_name": r.get("region_name"),
        "plan": r.get("plan"),
    }


def indicators(
    plan: Annotated[str | None, typer.Option(help="规划 plan id, e.g. scheme2022")] = None,
    kind: Annotated[str | None, typer.Option(help="target | statistic | qualitative")] = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """指标与目标 Targets, quoted statistics and qualitative goals of the plans."""
    from lanxi.services import plans as svc
    from lanxi.services.store import session

    with session() as s:
        rows = svc.list_plan_targets(s, plan=plan, kind=kind)
    if fmt is Format.table:
        rows = [_indicator_view(r) for r in rows]
    emit(
        rows,
        fmt,
        out=out,
        sheet="indicators",
        table_columns={
            "name": "指标 Indicator",
            "target": "目标 Target",
            "target_year": "年 Year",
            "baseline": "基期 Baseline",
            "region_name": "区域 Region",
            "plan": "规划 Plan",
        },
    )


def agencies(
    kind: Annotated[
        str | None, typer.Option(help="e.g. provincial_department, city_government")
    ] = None,
    province: Annotated[str | None, typer.Option(help="甘肃 | 青海")] = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """责任单位 The normalized responsible units and how many tasks each leads and shares."""
    from lanxi.services import plans as svc
    from lanxi.services.store import session

    with session() as s:
        rows = svc.list_agencies(s, kind=kind, province=province)
    emit(
        rows,
        fmt,
        out=out,
        sheet="agencies",
        table_columns={
            "id": "ID",
            "name": "名称 Name",
            "kind": "类型 Kind",
            "tasks_lead": "牵头 Lead",
            "tasks_co": "配合 Co",
        },
    )


def tasks(
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
    """重点任务 The 58 tasks of the 2022 scheme, with lead (牵头) and co-responsible units."""
    from lanxi.services import plans as svc
    from lanxi.services.store import session

    with session() as s:
        rows = svc.list_tasks(s, agency=agency, province=province, region=region, section=section)
    emit(
        rows,
        fmt,
        out=out,
        sheet="tasks",
        title="兰西城市群“十四五”实施方案重点任务",
        table_columns={
            "section": "章节 §",
            "title": "任务 Task",
            "lead_units": "牵头单位 Lead",
        },
    )


def projects(
    kind: Annotated[str | None, typer.Option(help="road, rail, airport, water, ecology, …")] = None,
    region: Annotated[str | None, typer.Option(help="区域 code or name")] = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """重点项目 Key projects named in the plans' 专栏 and tasks."""
    from lanxi.services import plans as svc
    from lanxi.services.store import session

    with session() as s:
        rows = svc.list_projects(s, kind=kind, region=region)
    emit(
        rows,
        fmt,
        out=out,
        sheet="projects",
        table_columns={
            "name": "项目 Project",
            "kind": "类型 Kind",
            "status_text": "状态 Status",
            "regions": "区域 Regions",
        },
    )
