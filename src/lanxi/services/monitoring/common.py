"""Shared pieces of the monitoring services: reference data, periods, units, audit entries.

Periods
-------
Observations carry ``period`` in the form of their indicator's frequency:

========== ================ ==========
frequency  form             example
========== ================ ==========
annual     ``YYYY``         2023
quarterly  ``YYYYQn``       2023Q2
monthly    ``YYYY-MM``      2023-07
daily      ``YYYY-MM-DD``   2023-07-15
once       ``YYYY`` or date 2021
========== ================ ==========

Task progress reports use ``YYYY``, ``YYYYHn`` (half-year), ``YYYYQn`` or ``YYYY-MM``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import threading
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any, cast

import yaml
from sqlalchemy import Select, func, insert, select
from sqlalchemy.orm import Session

from lanxi.services.read_cache import READ_ONLY, scoped, session_version
from lanxi.storage.models import (
    AgencyRow,
    AuditLogRow,
    IndicatorRow,
    RegionRow,
    TargetRow,
    TaskAssignmentRow,
    TaskRow,
    utcnow,
)

Record = dict[str, Any]

#: Regular expression of a period, per indicator frequency (full match).
PERIOD_PATTERNS: dict[str, str] = {
    "annual": r"(?:19|20|21)\d{2}",
    "quarterly": r"(?:19|20|21)\d{2}Q[1-4]",
    "monthly": r"(?:19|20|21)\d{2}-(?:0[1-9]|1[0-2])",
    "daily": r"(?:19|20|21)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])",
    "once": r"(?:19|20|21)\d{2}(?:-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))?",
}
#: How each frequency's period is written, for messages and templates.
PERIOD_FORMS: dict[str, str] = {
    "annual": "YYYY (e.g. 2023)",
    "quarterly": "YYYYQn (e.g. 2023Q2)",
    "monthly": "YYYY-MM (e.g. 2023-07)",
    "daily": "YYYY-MM-DD (e.g. 2023-07-15)",
    "once": "YYYY or YYYY-MM-DD (e.g. 2021)",
}
#: Periods of task progress reports.
PROGRESS_PERIOD_PATTERN = r"(?:19|20|21)\d{2}(?:H[12]|Q[1-4]|-(?:0[1-9]|1[0-2]))?"
PROGRESS_PERIOD_FORM = "YYYY, YYYYH1/YYYYH2, YYYYQn or YYYY-MM (e.g. 2023H2)"

#: Task progress statuses, in the order of the provinces' reports.
PROGRESS_STATUSES = ("未启动", "推进中", "已完成", "滞后")

#: Province codes by the province names the catalogue uses.
PROVINCE_CODES = {"甘肃": "620000", "青海": "630000"}

#: Code of the whole agglomeration.
AGGLOMERATION = "LXCSQ"


# --------------------------------------------------------------------------- periods


def period_interval(period: str) -> tuple[dt.date, dt.date]:
    """First and last day covered by a period (any form above).

    Raises
    ------
    ValueError
        If the period is in none of the forms.
    """
    return _period_interval(period)


# remembered: the task status reads it for every one of thousands of progress reports, and a
# report uses a few dozen distinct periods (a ValueError is not remembered)
@lru_cache(maxsize=4096)
def _period_interval(period: str) -> tuple[dt.date, dt.date]:
    p = period.strip()
    if m := re.fullmatch(r"(\d{4})", p):
        y = int(m[1])
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    if m := re.fullmatch(r"(\d{4})Q([1-4])", p):
        y, q = int(m[1]), int(m[2])
        last = 3 * q
        return dt.date(y, last - 2, 1), dt.date(y, last, calendar.monthrange(y, last)[1])
    if m := re.fullmatch(r"(\d{4})H([12])", p):
        y, h = int(m[1]), int(m[2])
        return (
            (dt.date(y, 1, 1), dt.date(y, 6, 30))
            if h == 1
            else (
                dt.date(y, 7, 1),
                dt.date(y, 12, 31),
            )
        )
    if m := re.fullmatch(r"(\d{4})-(\d{2})", p):
        y, mo = int(m[1]), int(m[2])
        return dt.date(y, mo, 1), dt.date(y, mo, calendar.monthrange(y, mo)[1])
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", p):
        d = dt.date.fromisoformat(p)
        return d, d
    raise ValueError(f"not a period: {period!r}")


def period_end(period: str) -> dt.date:
    """The last day of a period."""
    return period_interval(period)[1]


def period_year(period: str) -> float:
    """A period as a decimal year for growth rates: ``2023`` → 2023.0, ``2023Q3`` → 2023.5.

    A period counts from its start: the year label for annual data (as statistical yearbooks
    do), the start of the quarter, half-year, month or day otherwise.
    """
    start, _ = period_interval(period)
    if re.fullmatch(r"\d{4}", period.strip()):
        return float(start.year)
    days = 366 if calendar.isleap(start.year) else 365
    return start.year + (start.timetuple().tm_yday - 1) / days


def period_length_years(period: str) -> float:
    """The length of a period in years (1, 0.5, 0.25, 1/12 or 1/365)."""
    start, end = period_interval(period)
    return ((end - start).days + 1) / 365.25


# --------------------------------------------------------------------------- units


@dataclass(frozen=True)
class Unit:
    """A unit of ``lanxi/data/units.yaml``: its dimension and factor to the dimension's base."""

    unit: str
    dimension: str
    factor: float


@cache
def units_table() -> tuple[dict[str, Unit], str]:
    """The unit table (spelling or alias → unit) and its citation, read once."""
    path = resources.files("lanxi") / "data" / "units.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: dict[str, Unit] = {}
    for u in raw["units"]:
        unit = Unit(str(u["unit"]), str(u["dimension"]), float(u["factor"]))
        out[unit.unit] = unit
        for alias in u.get("aliases", []) or []:
            out[str(alias)] = unit
    return out, str(raw["citation"])


def conversion_factor(submitted: str, target: str) -> float | None:
    """Factor that turns a value in unit ``submitted`` into unit ``target``, or None.

    Examples
    --------
    >>> conversion_factor("人", "万人")
    0.0001
    >>> conversion_factor("ratio", "%")
    100.0
    >>> conversion_factor("个", "个")
    1.0
    >>> conversion_factor("元", "万人") is None
    True
    """
    if submitted == target:
        return 1.0
    table, _ = units_table()
    a, b = table.get(submitted), table.get(target)
    if a is None or b is None or a.dimension != b.dimension:
        return None
    if a.unit == b.unit:
        return 1.0
    return a.factor / b.factor


def convertible_units(target: str) -> list[str]:
    """The units (no aliases) that convert to ``target``, ``target`` first."""
    table, _ = units_table()
    t = table.get(target)
    if t is None:
        return [target]
    others = sorted({u.unit for u in table.values() if u.dimension == t.dimension} - {target})
    return [target, *others]


# --------------------------------------------------------------------------- reference data


@dataclass(frozen=True)
class Reference:
    """The catalogue as the validators and permission checks need it.

    Attributes
    ----------
    indicators : dict
        id → ``{name, unit, frequency, aggregation, denominator, range_min, range_max,
        higher_is_better}``.
    regions : dict
        code → ``{name, level, parent_code, province}`` (``province`` a code, or None for the
        agglomeration).
    agencies : dict
        id → ``{name, province, region_code}`` (``province`` a code or None).
    tasks : dict
        id → ``{number, section, title, plan}``.
    assignments : dict
        task id → {agency id: "lead" | "co"}.
    """

    indicators: dict[str, Record]
    regions: dict[str, Record]
    agencies: dict[str, Record]
    tasks: dict[str, Record]
    assignments: dict[str, dict[str, str]]

    def descendants(self, code: str) -> set[str]:
        """The region and every region below it."""
        kids: dict[str, list[str]] = {}
        for c, r in self.regions.items():
            if r["parent_code"]:
                kids.setdefault(r["parent_code"], []).append(c)
        out, stack = set(), [code]
        while stack:
            c = stack.pop()
            if c in out:
                continue
            out.add(c)
            stack.extend(kids.get(c, []))
        return out

    def region_label(self, code: str) -> str:
        """``"620100 兰州市"`` (or the bare code if unknown)."""
        r = self.regions.get(code)
        return f"{code} {r['name']}" if r else code


#: Catalogues read by read-only sessions, by database and version (see :func:`load_reference`).
_references: dict[tuple[str, tuple[int, ...]], Reference] = {}
_references_lock = threading.Lock()


def load_reference(session: Session) -> Reference:
    """Read the catalogue tables into a :class:`Reference`.

    In a read-only session (``session.info[READ_ONLY]``, the API's ``GET`` requests) the
    catalogue is kept per process under the data version the session's snapshot sees
    (:func:`lanxi.services.read_cache.session_version`: catalogue loads are audited, and the
    audit id is part of it) and the row counts of the catalogue tables (a guard against
    unaudited inserts): reading it costs ~15 ms, a signed-in request needed it two or three
    times (the read phase of an upload too: :func:`lanxi.services.store.begin_write` ends it).
    A session that writes always reads the tables (it may see its own changes), once per report
    build inside a :func:`lanxi.services.read_cache.read_scope`.
    """
    if not session.info.get(READ_ONLY):
        # inside a report's build (:func:`lanxi.services.read_cache.read_scope`): read once
        url = str(session.get_bind().engine.url)
        return scoped(("load_reference", url), lambda: _read_reference(session))
    # once per transaction: a request asks for it two or three times (principal, its query)
    txn = session.get_transaction()
    held = session.info.get(_REFERENCE)
    if held is not None and held[0] is txn:
        return cast(Reference, held[1])
    version = session_version(session) + tuple(
        int(n) for n in session.execute(_catalogue_counts()).one()
    )
    key = (str(session.get_bind().engine.url), version)
    with _references_lock:
        ref = _references.get(key)
    if ref is None:
        ref = _read_reference(session)
        with _references_lock:
            if len(_references) >= 8:  # old versions are dead: keep a few
                _references.clear()
            _references[key] = ref
    session.info[_REFERENCE] = (txn, ref)
    return ref


#: ``Session.info`` key of the reference read in the session's current transaction.
_REFERENCE = "lanxi_reference"


@cache
def _catalogue_counts() -> Select[Any]:
    """Row counts of the catalogue tables, in one statement (built once)."""
    return select(
        *(
            select(func.count()).select_from(t).scalar_subquery()
            for t in (IndicatorRow, RegionRow, AgencyRow, TaskRow, TaskAssignmentRow)
        )
    )


def _read_reference(session: Session) -> Reference:
    # plain rows (Core selects of the columns needed), not ORM objects: a third of the time
    Ind, R, A, T, TA = IndicatorRow, RegionRow, AgencyRow, TaskRow, TaskAssignmentRow  # noqa: N806
    indicators = {
        i.id: {
            "name": i.name,
            "unit": i.unit,
            "frequency": i.frequency,
            "aggregation": i.aggregation,
            "numerator": i.numerator,
            "denominator": i.denominator,
            "range_min": i.range_min,
            "range_max": i.range_max,
            "higher_is_better": i.higher_is_better,
        }
        for i in session.execute(
            select(
                Ind.id,
                Ind.name,
                Ind.unit,
                Ind.frequency,
                Ind.aggregation,
                Ind.numerator,
                Ind.denominator,
                Ind.range_min,
                Ind.range_max,
                Ind.higher_is_better,
            )
        )
    }
    regions = {
        r.code: {
            "name": r.name,
            "level": r.level,
            "parent_code": r.parent_code,
            "province": PROVINCE_CODES.get(r.province or ""),
        }
        for r in session.execute(select(R.code, R.name, R.level, R.parent_code, R.province))
    }
    agencies = {
        a.id: {
            "name": a.name,
            "province": PROVINCE_CODES.get(a.province or ""),
            "region_code": a.region_code,
            "kind": a.kind,
        }
        for a in session.execute(select(A.id, A.name, A.province, A.region_code, A.kind))
    }
    tasks = {
        t.id: {"number": t.number, "section": t.section, "title": t.title, "plan": t.plan_id}
        for t in session.execute(select(T.id, T.number, T.section, T.title, T.plan_id))
    }
    assignments: dict[str, dict[str, str]] = {}
    for task_id, agency_id, role in session.execute(
        select(TA.task_id, TA.agency_id, TA.role).order_by(TA.position)
    ):
        roles = assignments.setdefault(task_id, {})
        if roles.get(agency_id) != "lead":
            roles[agency_id] = role
    return Reference(indicators, regions, agencies, tasks, assignments)


def targets_of(session: Session, *, plan: str | None = None) -> list[TargetRow]:
    """Targets with a value and an indicator (kind ``target``), ordered by plan and id."""
    q = select(TargetRow).where(
        TargetRow.kind == "target",
        TargetRow.indicator_id.is_not(None),
        TargetRow.target_value.is_not(None),
    )
    if plan is not None:
        q = q.where(TargetRow.plan_id == plan)
    return list(session.scalars(q.order_by(TargetRow.plan_id, TargetRow.id)))


# --------------------------------------------------------------------------- audit


def audit_entry(
    actor: str,
    action: str,
    entity: str,
    entity_id: str | None,
    *,
    old: Record | None = None,
    new: Record | None = None,
    reason: str | None = None,
    at: dt.datetime | None = None,
) -> Record:
    """One ``audit_log`` row as a dict (insert many with :func:`write_audit`)."""
    return {
        "at": at or utcnow(),
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "old": old,
        "new": new,
        "reason": reason,
    }


def write_audit(session: Session, entries: list[Record]) -> None:
    """Append audit entries (the table refuses updates and deletes)."""
    for start in range(0, len(entries), 5000):
        session.execute(insert(AuditLogRow), entries[start : start + 5000])
