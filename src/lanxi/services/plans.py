"""Queries over the plan data in the store, returning records in their stable JSON shapes.

The shapes are a contract (``docs/cli.md``): the CLI prints them, the API will serve them, other
tools read them. Fields are only ever added, never renamed or removed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from lanxi.errors import NotFoundError
from lanxi.services.region_list import regions_from
from lanxi.storage.models import (
    AgencyRow,
    IndicatorRow,
    PlanRow,
    ProjectRegionRow,
    ProjectRow,
    RegionAliasRow,
    RegionGroupMemberRow,
    RegionGroupRow,
    RegionRow,
    TargetRow,
    TaskAssignmentRow,
    TaskProjectRow,
    TaskRegionRow,
    TaskRow,
    TaskTargetRow,
)

Record = dict[str, Any]
PROVINCE_CODES = {"甘肃": "620000", "青海": "630000"}


# --------------------------------------------------------------------------- regions


def resolve_region(session: Session, key: str) -> RegionRow:
    """Find a region by code, Chinese or English name, former name or former code.

    Raises
    ------
    NotFoundError
        Naming the key and how to list the valid ones.
    """
    key = key.strip()
    row = session.get(RegionRow, key)
    if row is not None:
        return row
    row = session.scalars(
        select(RegionRow).where((RegionRow.name == key) | (RegionRow.name_en == key))
    ).first()
    if row is not None:
        return row
    alias = session.scalars(
        select(RegionAliasRow).where(
            (RegionAliasRow.alias_name == key) | (RegionAliasRow.alias_code == key)
        )
    ).first()
    if alias is not None:
        return session.get_one(RegionRow, alias.code)
    # the short forms of the plans (海南, 海北, 黄南, 临夏) through the one lookup
    from lanxi.services.regions import region_lookup

    code = region_lookup().get(key)
    row = session.get(RegionRow, code) if code is not None else None
    if row is not None:
        return row
    raise NotFoundError(
        f"no region '{key}': give a code, name or former name (list them with `lanxi regions`)"
    )


def descendants(session: Session, code: str) -> set[str]:
    """Codes of the region and every region below it."""
    children: dict[str | None, list[str]] = defaultdict(list)
    for c, p in session.execute(select(RegionRow.code, RegionRow.parent_code)):
        children[p].append(c)
    out, stack = set(), [code]
    while stack:
        c = stack.pop()
        out.add(c)
        stack.extend(children.get(c, []))
    return out


def _region_names(session: Session) -> dict[str, str]:
    # Not dict(result): a Result has .keys() (column names), so dict() would misread it.
    rows = session.execute(select(RegionRow.code, RegionRow.name))
    return {code: name for code, name in rows}  # noqa: C416


def list_regions(
    session: Session, *, level: str | None = None, group: str | None = None
) -> list[Record]:
    """Regions, optionally of one level or one named group.

    Parameters
    ----------
    session : Session
        An open session on the store.
    level : {"agglomeration", "province", "prefecture", "county"}, optional
        Keep only this level.
    group : str, optional
        A group id (``lanxi_belt``) or its Chinese name (``兰州—白银都市圈``); keep its members.

    Returns
    -------
    list of dict
        ``code, name, name_en, level, parent_code, province, in_scope, area_km2, lon, lat,
        aliases, groups, source, code_source, geo_source`` — ordered by code (the records of
        :func:`lanxi.services.region_list.regions_from`, their one definition).
    """

    def fetch(sql: str, params: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
        return session.execute(text(sql), dict(params)).all()

    session.flush()  # what the ORM's autoflush did before a query; plain SQL does not trigger it
    return regions_from(fetch, level=level, group=group)


def list_groups(session: Session) -> list[Record]:
    """Named groups of regions (一带双圈多节点 and others) with their member codes and names."""
    names = _region_names(session)
    members: dict[str, list[str]] = defaultdict(list)
    for m in session.scalars(select(RegionGroupMemberRow).order_by(RegionGroupMemberRow.position)):
        members[m.group_id].append(m.region_code)
    return [
        {
            "id": g.id,
            "name": g.name,
            "name_en": g.name_en,
            "kind": g.kind,
            "members": [{"code": c, "name": names.get(c)} for c in members[g.id]],
            "description": g.description,
            "source": g.source,
        }
        for g in session.scalars(select(RegionGroupRow).order_by(RegionGroupRow.id))
    ]


# --------------------------------------------------------------------------- plans, indicators


def list_plans(session: Session) -> list[Record]:
    """The plan documents as records."""
    return [
        {
            "id": p.id,
            "title": p.title,
            "title_en": p.title_en,
            "kind": p.kind,
            "issuer": p.issuer,
            "doc_number": p.doc_number,
            "date": p.date.isoformat() if p.date else None,
            "period_start": p.period_start,
            "period_end": p.period_end,
            "file": p.file,
            "source": p.source,
        }
        for p in session.scalars(select(PlanRow).order_by(PlanRow.date, PlanRow.id))
    ]


def list_plan_targets(
    session: Session, *, plan: str | None = None, kind: str | None = None
) -> list[Record]:
    """Every target, quoted statistic and qualitative goal, joined with its indicator.

    Parameters
    ----------
    session : Session
        An open session on the store.
    plan : str, optional
        A plan id (``scheme2022``); keep only its records.
    kind : {"target", "statistic", "qualitative"}, optional
        Keep only this kind.

    Returns
    -------
    list of dict
        ``id`` (the record's id), ``indicator_id``, ``name``, ``name_en``, ``unit``, ``kind``,
        ``comparison``, ``target_value``, ``target_year``, ``baseline_value``, ``baseline_year``,
        ``nature``, ``region_code``, ``region_name``, ``plan``, ``statement``, ``source``.
    """
    if plan is not None and session.get(PlanRow, plan) is None:
        ids = ", ".join(session.scalars(select(PlanRow.id)))
        raise NotFoundError(f"no plan '{plan}': use one of {ids}")
    inds = {i.id: i for i in session.scalars(select(IndicatorRow))}
    names = _region_names(session)
    q = select(TargetRow).order_by(TargetRow.plan_id, TargetRow.id)
    if plan is not None:
        q = q.where(TargetRow.plan_id == plan)
    if kind is not None:
        q = q.where(TargetRow.kind == kind)
    out = []
    for t in session.scalars(q):
        ind = inds.get(t.indicator_id or "")
        out.append(
            {
                "id": t.id,
                "indicator_id": t.indicator_id,
                "name": t.name,
                "name_en": ind.name_en if ind else None,
                "unit": t.unit if t.unit is not None else (ind.unit if ind else None),
                "kind": t.kind,
                "comparison": t.comparison,
                "target_value": t.target_value,
                "target_year": t.target_year,
                "baseline_value": t.baseline_value,
                "baseline_year": t.baseline_year,
                "nature": t.nature,
                "region_code": t.region_code,
                "region_name": names.get(t.region_code),
                "group": t.group_id,
                "plan": t.plan_id,
                "statement": t.statement,
                "source": t.source,
            }
        )
    return out


# --------------------------------------------------------------------------- agencies, tasks


#: Former name of :func:`list_plan_targets` (it returns targets, statistics and goals, not
#: indicators); kept for callers outside the package.
list_indicators = list_plan_targets


def _agency_record(a: AgencyRow) -> Record:
    return {"id": a.id, "name": a.name, "province": a.province, "kind": a.kind}


def list_agencies(
    session: Session, *, kind: str | None = None, province: str | None = None
) -> list[Record]:
    """The normalized responsible units, with the number of tasks each leads and shares."""
    q = select(AgencyRow).order_by(AgencyRow.province, AgencyRow.kind, AgencyRow.id)
    if kind is not None:
        q = q.where(AgencyRow.kind == kind)
    if province is not None:
        q = q.where(AgencyRow.province == _province(province))
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for a in session.scalars(select(TaskAssignmentRow)):
        counts[(a.agency_id, a.role)] += 1
    return [
        {
            "id": a.id,
            "name": a.name,
            "short_name": a.short_name,
            "name_en": a.name_en,
            "kind": a.kind,
            "province": a.province,
            "region_code": a.region_code,
            "tasks_lead": counts[(a.id, "lead")],
            "tasks_co": counts[(a.id, "co")],
            "source": a.source,
        }
        for a in session.scalars(q)
    ]


def _province(value: str) -> str:
    v = value.strip().removesuffix("省")
    aliases = {"gansu": "甘肃", "qinghai": "青海", "620000": "甘肃", "630000": "青海"}
    v = aliases.get(v.lower(), v)
    if v not in PROVINCE_CODES:
        raise NotFoundError(f"no province '{value}': use 甘肃 or 青海")
    return v


def _matches_agency(a: AgencyRow, text: str) -> bool:
    t = text.strip().lower()
    return any(t in (s or "").lower() for s in (a.id, a.name, a.short_name, a.name_en))


def list_tasks(
    session: Session,
    *,
    agency: str | None = None,
    province: str | None = None,
    region: str | None = None,
    section: str | None = None,
) -> list[Record]:
    """The tasks of the implementation scheme, with their lead and co-responsible units.

    Parameters
    ----------
    session : Session
        An open session on the store.
    agency : str, optional
        Text matched (case-insensitive substring) against an agency's id, name, short name or
        English name; keeps tasks that agency leads or shares (``生态环境`` finds both provinces'
        环境 departments).
    province : {"甘肃", "青海"}, optional
        Keeps tasks with at least one lead or co-responsible unit of that province.
    region : str, optional
        A region code or name; keeps tasks that name the region, a region inside it, or whose units
        include that region's government.
    section : str, optional
        Prefix of the section reference, e.g. ``三`` or ``三(二)``.

    Returns
    -------
    list of dict
        ``id, plan, number, section, section_title, title, text, lead_units, co_units, regions,
        projects, targets, defects, lead_units_text, co_units_text, source``; each unit an object
        ``{id, name, province, kind}`` (``province`` null where the unit is not provincial).
    """
    agencies = {a.id: a for a in session.scalars(select(AgencyRow))}
    region_names = _region_names(session)
    units: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"lead": [], "co": []})
    for a in session.scalars(select(TaskAssignmentRow).order_by(TaskAssignmentRow.position)):
        units[a.task_id][a.role].append(a.agency_id)
    regions = _links(
        session.scalars(select(TaskRegionRow).order_by(TaskRegionRow.position)), "region_code"
    )
    projects = _links(
        session.scalars(select(TaskProjectRow).order_by(TaskProjectRow.position)), "project_id"
    )
    targets = _links(
        session.scalars(select(TaskTargetRow).order_by(TaskTargetRow.position)), "target_id"
    )

    wanted_regions: set[str] | None = None
    if region is not None:
        wanted_regions = descendants(session, resolve_region(session, region).code)
    prov = _province(province) if province is not None else None
    if agency is not None and not any(_matches_agency(a, agency) for a in agencies.values()):
        raise NotFoundError(f"no agency matches '{agency}' (list them with `lanxi agencies`)")

    out = []
    for t in session.scalars(select(TaskRow).order_by(TaskRow.number, TaskRow.id)):
        lead = [agencies[i] for i in units[t.id]["lead"]]
        co = [agencies[i] for i in units[t.id]["co"]]
        if section is not None and not t.section.startswith(section.strip()):
            continue
        if agency is not None and not any(_matches_agency(a, agency) for a in lead + co):
            continue
        if prov is not None and not any(a.province == prov for a in lead + co):
            continue
        if wanted_regions is not None:
            named = set(regions[t.id])
            govs = {a.region_code for a in lead + co if a.region_code}
            if not (named | govs) & wanted_regions:
                continue
        out.append(
            {
                "id": t.id,
                "plan": t.plan_id,
                "number": t.number,
                "section": t.section,
                "section_title": t.section_title,
                "title": t.title,
                "text": t.text,
                "lead_units": [_agency_record(a) for a in lead],
                "co_units": [_agency_record(a) for a in co],
                "regions": [{"code": c, "name": region_names.get(c)} for c in regions[t.id]],
                "projects": projects[t.id],
                "targets": targets[t.id],
                "defects": list(t.defects or []),
                "lead_units_text": t.lead_units_text,
                "co_units_text": t.co_units_text,
                "source": t.source,
            }
        )
    return out


def _links(rows: Iterable[Any], attr: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        out[r.task_id].append(getattr(r, attr))
    return out


# --------------------------------------------------------------------------- projects


def list_projects(
    session: Session, *, kind: str | None = None, region: str | None = None
) -> list[Record]:
    """Named key projects, optionally of one kind or touching one region (or a region inside it)."""
    names = _region_names(session)
    pregions: dict[str, list[str]] = defaultdict(list)
    for pr in session.scalars(select(ProjectRegionRow).order_by(ProjectRegionRow.position)):
        pregions[pr.project_id].append(pr.region_code)
    wanted: set[str] | None = None
    if region is not None:
        r = resolve_region(session, region)
        wanted = descendants(session, r.code)
        # A project on a whole prefecture touches the county asked about, too.
        parent = r.parent_code
        while parent is not None and parent != "LXCSQ":
            wanted.add(parent)
            prow = session.get(RegionRow, parent)
            parent = prow.parent_code if prow else None
        wanted.discard("620000")
        wanted.discard("630000")
        wanted |= descendants(session, r.code)
    q = select(ProjectRow).order_by(ProjectRow.plan_id, ProjectRow.id)
    if kind is not None:
        q = q.where(ProjectRow.kind == kind)
    out = []
    for p in session.scalars(q):
        if wanted is not None and not set(pregions[p.id]) & wanted:
            continue
        out.append(
            {
                "id": p.id,
                "name": p.name,
                "kind": p.kind,
                "plan": p.plan_id,
                "column": p.plan_column,
                "regions": [{"code": c, "name": names.get(c)} for c in pregions[p.id]],
                "endpoints": list(p.endpoints or []),
                "status": p.status,
                "status_text": p.status_text,
                "text": p.text,
                "source": p.source,
            }
        )
    return out
