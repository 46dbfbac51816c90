"""Load the plan catalogue into the database: an idempotent upsert with an audit trail.

Every record of a :class:`~lanxi.data.catalog.PlanCatalog` is compared with its row (and its link
rows: a task's agencies, regions, projects and targets; a group's members; a project's regions).
New records are inserted, changed ones updated, unchanged ones left alone, and each insert or update
writes one ``audit_log`` entry with actor ``system:load-plans``. Loading the same catalogue twice
changes nothing the second time.

Records that are in the database but no longer in the catalogue are reported as ``stale`` and kept:
observations and progress reports may refer to them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine, Table, and_, delete, insert, select, update
from sqlalchemy.orm import Session

from lanxi.data.catalog import PlanCatalog, bundled_catalog
from lanxi.domain.plans import Region
from lanxi.storage import models as m

#: The audit actor of the catalogue loader.
ACTOR = "system:load-plans"


@dataclass
class KindCounts:
    """Outcome of a load for one kind of record."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class LoadReport:
    """What :func:`load_plans` did.

    Attributes
    ----------
    counts : dict of str to KindCounts
        Per kind (``"regions"``, ``"tasks"``, … as in :meth:`PlanCatalog.counts`).
    changes : list of (str, str, str)
        ``(table, record id, "insert" | "update")`` for every changed record, in load order.
    stale : dict of str to list of str
        Ids of rows in the database that the catalogue no longer has (kept, not deleted).
    """

    counts: dict[str, KindCounts] = field(default_factory=dict)
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    stale: dict[str, list[str]] = field(default_factory=dict)

    @property
    def inserted(self) -> int:
        """Records inserted, all kinds together."""
        return sum(c.inserted for c in self.counts.values())

    @property
    def updated(self) -> int:
        """Records updated, all kinds together."""
        return sum(c.updated for c in self.counts.values())

    @property
    def unchanged(self) -> int:
        """Records already up to date, all kinds together."""
        return sum(c.unchanged for c in self.counts.values())

    def summary(self) -> str:
        """One line for people: totals, then the kinds that changed."""
        text = (
            f"规划数据已载入 Plan data loaded: {self.inserted} inserted, {self.updated} updated, "
            f"{self.unchanged} unchanged"
        )
        changed = [
            f"{kind} +{c.inserted}/~{c.updated}"
            for kind, c in self.counts.items()
            if c.inserted or c.updated
        ]
        if changed:
            text += " (" + ", ".join(changed) + ")"
        n_stale = sum(len(v) for v in self.stale.values())
        if n_stale:
            text += f"; {n_stale} stale row(s) kept"
        return text


@dataclass(frozen=True)
class _Link:
    """A list field of a record stored as rows of a link table."""

    field: str
    table: Table
    owner: str
    member: str
    fixed: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class _Kind:
    """How one kind of catalogue record maps onto tables."""

    name: str
    table: Table
    key: tuple[str, ...]
    #: record field -> column
    columns: dict[str, str]
    links: tuple[_Link, ...] = ()
    order: Callable[[Sequence[Any]], list[Any]] = list


def _t(model: type[m.Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _same(names: str) -> dict[str, str]:
    """Fields stored in columns of the same name (space-separated)."""
    return {n: n for n in names.split()}


def _regions_parents_first(regions: Sequence[Region]) -> list[Region]:
    by_code = {r.code: r for r in regions}

    def depth(r: Region) -> int:
        d, seen = 0, {r.code}
        while r.parent_code in by_code and r.parent_code not in seen:
            r = by_code[r.parent_code]
            seen.add(r.code)
            d += 1
        return d

    return sorted(regions, key=depth)


_TASK = _t(m.TaskAssignmentRow)

#: Load order respects foreign keys: parents before children.
KINDS: tuple[_Kind, ...] = (
    _Kind(
        "plans",
        _t(m.PlanRow),
        ("id",),
        _same("id title title_en kind issuer doc_number date period_start period_end file source"),
    ),
    _Kind(
        "regions",
        _t(m.RegionRow),
        ("code",),
        _same(
            "code name name_en level parent_code province in_scope area_km2 lon lat source "
            "code_source geo_source notes"
        ),
        order=_regions_parents_first,
    ),
    _Kind(
        "region_aliases",
        _t(m.RegionAliasRow),
        ("code", "alias_name"),
        _same("code alias_name alias_code valid_until source"),
    ),
    _Kind(
        "region_groups",
        _t(m.RegionGroupRow),
        ("id",),
        _same("id name name_en kind description source"),
        links=(_Link("members", _t(m.RegionGroupMemberRow), "group_id", "region_code"),),
    ),
    _Kind(
        "indicators",
        _t(m.IndicatorRow),
        ("id",),
        _same(
            "id name name_en unit category frequency aggregation numerator denominator "
            "higher_is_better range_min range_max description source"
        ),
    ),
    _Kind(
        "agencies",
        _t(m.AgencyRow),
        ("id",),
        _same("id name short_name name_en kind province region_code source"),
    ),
    _Kind(
        "targets",
        _t(m.TargetRow),
        ("id",),
        {
            **_same(
                "id kind name region_code comparison target_value target_year baseline_value "
                "baseline_year unit nature statement source"
            ),
            "plan": "plan_id",
            "indicator": "indicator_id",
            "group": "group_id",
        },
    ),
    _Kind(
        "projects",
        _t(m.ProjectRow),
        ("id",),
        {
            **_same("id name kind endpoints status status_text text source"),
            "plan": "plan_id",
            "column": "plan_column",
        },
        links=(_Link("regions", _t(m.ProjectRegionRow), "project_id", "region_code"),),
    ),
    _Kind(
        "tasks",
        _t(m.TaskRow),
        ("id",),
        {
            **_same(
                "id number section section_title title text lead_units_text co_units_text defects "
                "source"
            ),
            "plan": "plan_id",
        },
        links=(
            _Link("lead_units", _TASK, "task_id", "agency_id", (("role", "lead"),)),
            _Link("co_units", _TASK, "task_id", "agency_id", (("role", "co"),)),
            _Link("regions", _t(m.TaskRegionRow), "task_id", "region_code"),
            _Link("projects", _t(m.TaskProjectRow), "task_id", "project_id"),
            _Link("targets", _t(m.TaskTargetRow), "task_id", "target_id"),
        ),
    ),
)


def _plain(value: Any) -> Any:
    """A value as stored in a column (enums as their value)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _jsonable(value: Any) -> Any:
    """A value as it appears in an audit entry (and as it is compared)."""
    value = _plain(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _unique(values: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _where_link(link: _Link, owner: str) -> Any:
    conds = [link.table.c[link.owner] == owner]
    conds += [link.table.c[col] == val for col, val in link.fixed]
    return and_(*conds)


def _load_kind(
    session: Session, kind: _Kind, records: Sequence[BaseModel], report: LoadReport, actor: str
) -> list[dict[str, Any]]:
    table = kind.table
    existing = {
        tuple(str(row[k]) for k in kind.key): dict(row)
        for row in session.execute(select(table)).mappings()
    }
    db_links: dict[str, dict[str, list[str]]] = {}
    for link in kind.links:
        grouped: dict[str, list[str]] = defaultdict(list)
        stmt = select(link.table).order_by(link.table.c[link.owner], link.table.c.position)
        for col, val in link.fixed:
            stmt = stmt.where(link.table.c[col] == val)
        for row in session.execute(stmt).mappings():
            grouped[row[link.owner]].append(row[link.member])
        db_links[link.field] = grouped

    counts = report.counts.setdefault(kind.name, KindCounts())
    audit: list[dict[str, Any]] = []
    seen: set[tuple[str, ...]] = set()
    inserts: list[dict[str, Any]] = []
    updates: list[tuple[Any, dict[str, Any]]] = []
    link_deletes: list[tuple[_Link, str]] = []
    link_inserts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rec in kind.order(records):
        values = {col: _plain(getattr(rec, f)) for f, col in kind.columns.items()}
        key = tuple(str(values[k]) for k in kind.key)
        seen.add(key)
        entity_id = ":".join(key)
        owner = str(values[kind.key[0]])
        lists = {link.field: _unique(_plain(getattr(rec, link.field))) for link in kind.links}
        image = {col: _jsonable(v) for col, v in values.items()} | lists

        old_row = existing.get(key)
        if old_row is None:
            inserts.append(values)
            changed_links = list(kind.links)
            old: dict[str, Any] | None = None
            new = image
            action = "insert"
            counts.inserted += 1
        else:
            db_image = {col: _jsonable(old_row[col]) for col in values} | {
                link.field: db_links[link.field].get(owner, []) for link in kind.links
            }
            diff = [k for k in image if image[k] != db_image[k]]
            if not diff:
                counts.unchanged += 1
                continue
            changed_cols = {k: values[k] for k in diff if k in values}
            if changed_cols:
                updates.append((and_(*(table.c[k] == old_row[k] for k in kind.key)), changed_cols))
            changed_links = [link for link in kind.links if link.field in diff]
            link_deletes += [(link, owner) for link in changed_links]
            old = {k: db_image[k] for k in diff}
            new = {k: image[k] for k in diff}
            action = "update"
            counts.updated += 1

        for link in changed_links:
            link_inserts[link.table.name] += [
                {link.owner: owner, link.member: member, "position": i, **dict(link.fixed)}
                for i, member in enumerate(lists[link.field])
            ]
        report.changes.append((table.name, entity_id, action))
        audit.append(
            {
                "at": m.utcnow(),
                "actor": actor,
                "action": action,
                "entity": table.name,
                "entity_id": entity_id,
                "old": old,
                "new": new,
                "reason": "bundled plan data changed" if action == "update" else None,
            }
        )

    # Parents before children: new rows (in load order), then updates, then the link rows.
    if inserts:
        session.execute(insert(table), inserts)
    for where, changed_cols in updates:
        session.execute(update(table).where(where).values(**changed_cols))
    for link, owner in link_deletes:
        session.execute(delete(link.table).where(_where_link(link, owner)))
    tables = {link.table.name: link.table for link in kind.links}
    for name, rows in link_inserts.items():
        if rows:
            session.execute(insert(tables[name]), rows)
    stale = sorted(":".join(k) for k in existing.keys() - seen)
    if stale:
        report.stale[kind.name] = stale
    return audit


def load_plans(
    target: Session | Engine,
    catalog: PlanCatalog | None = None,
    *,
    actor: str = ACTOR,
) -> LoadReport:
    """Insert or update every catalogue record, auditing each change.

    Parameters
    ----------
    target : sqlalchemy.orm.Session or sqlalchemy.Engine
        With an engine, the load runs in its own transaction and is committed. With a session,
        the changes are flushed into the session's transaction and the caller commits.
    catalog : PlanCatalog, optional
        The records to load; the bundled catalogue by default.
    actor : str
        Actor written to the audit log.

    Returns
    -------
    LoadReport
        Per-kind inserted / updated / unchanged counts, the changed ids and stale rows.

    Notes
    -----
    The database schema must be at the newest revision (:func:`lanxi.storage.migrate.init_db`).
    Comparison covers every column and the link tables; list fields are compared in order, with
    duplicates dropped. Rows absent from the catalogue are reported as stale, never deleted.

    Examples
    --------
    >>> from lanxi.storage.db import get_engine
    >>> from lanxi.storage.migrate import init_db
    >>> engine = get_engine("sqlite://")
    >>> _ = init_db(engine)
    >>> first = load_plans(engine)  # doctest: +SKIP
    >>> load_plans(engine).updated  # doctest: +SKIP
    0
    """
    cat = catalog if catalog is not None else bundled_catalog()
    if isinstance(target, Engine):
        with Session(target) as session, session.begin():
            return _load(session, cat, actor)
    report = _load(target, cat, actor)
    target.flush()
    return report


def _load(session: Session, cat: PlanCatalog, actor: str) -> LoadReport:
    report = LoadReport()
    audit: list[dict[str, Any]] = []
    for kind in KINDS:
        audit += _load_kind(session, kind, getattr(cat, kind.name), report, actor)
    if audit:
        session.execute(insert(_t(m.AuditLogRow)), audit)
    return report
