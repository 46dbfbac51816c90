"""The bundled plan data as one validated catalogue.

:func:`load_catalog` reads every plan data file in ``lanxi/data/plans/`` (or another directory with
the same layout), validates each record against its schema in :mod:`lanxi.domain.plans`, then
checks the references between files (a task's agencies exist, a group's members are regions, …).
All problems are collected and raised together.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from lanxi.data.loader import read_csv_records, read_yaml_records
from lanxi.domain.plans import (
    Agency,
    Indicator,
    Plan,
    Project,
    Region,
    RegionAlias,
    RegionGroup,
    RegionLevel,
    Target,
    Task,
)
from lanxi.errors import Problem, ValidationError

#: File names of the plan data, relative to the data directory.
FILES = {
    "plans": "plans.yaml",
    "regions": "regions.csv",
    "region_aliases": "region_aliases.csv",
    "region_groups": "region_groups.yaml",
    "indicators": "indicators.yaml",
    "targets": "targets.yaml",
    "agencies": "agencies.yaml",
    "tasks": "tasks.yaml",
    "projects": "projects.yaml",
}


def default_data_dir() -> Path:
    """The directory of the plan data shipped inside the package."""
    return Path(str(resources.files("lanxi") / "data" / "plans"))


@dataclass(frozen=True)
class PlanCatalog:
    """Every bundled plan record, validated and cross-checked."""

    plans: list[Plan]
    regions: list[Region]
    region_aliases: list[RegionAlias]
    region_groups: list[RegionGroup]
    indicators: list[Indicator]
    targets: list[Target]
    agencies: list[Agency]
    tasks: list[Task]
    projects: list[Project]
    data_dir: Path

    def region(self, key: str) -> Region:
        """Find a region by current code, name, former name or former code.

        Raises
        ------
        KeyError
            If nothing matches.
        """
        for r in self.regions:
            if key in (r.code, r.name, r.name_en):
                return r
        for a in self.region_aliases:
            if key in (a.alias_name, a.alias_code):
                return self.region(a.code)
        raise KeyError(key)

    def counts(self) -> dict[str, int]:
        """Number of records of each kind."""
        return {k: len(getattr(self, k)) for k in FILES}


def _duplicates(values: list[str]) -> list[str]:
    return [v for v, n in Counter(values).items() if n > 1]


def _check_references(cat: PlanCatalog) -> list[Problem]:
    p: list[Problem] = []
    codes = {r.code for r in cat.regions}
    plan_ids = {x.id for x in cat.plans}
    agency_ids = {a.id for a in cat.agencies}
    indicator_ids = {i.id for i in cat.indicators}
    project_ids = {x.id for x in cat.projects}
    target_ids = {t.id for t in cat.targets}
    group_ids = {g.id for g in cat.region_groups}

    for kind, key in (
        ("plans", "id"),
        ("regions", "code"),
        ("region_groups", "id"),
        ("indicators", "id"),
        ("targets", "id"),
        ("agencies", "id"),
        ("tasks", "id"),
        ("projects", "id"),
    ):
        for d in _duplicates([getattr(r, key) for r in getattr(cat, kind)]):
            p.append(Problem(FILES[kind], None, key, "duplicate identifier", d))

    by_code = {r.code: r for r in cat.regions}
    for i, r in enumerate(cat.regions, start=2):
        if r.parent_code is not None and r.parent_code not in codes:
            p.append(Problem(FILES["regions"], i, "parent_code", "no such region", r.parent_code))
        parent = by_code.get(r.parent_code or "")
        if (
            parent is not None
            and r.level is RegionLevel.COUNTY
            and (parent.level is not RegionLevel.PREFECTURE)
        ):
            p.append(
                Problem(FILES["regions"], i, "parent_code", "a county's parent is a prefecture")
            )
    for i, a in enumerate(cat.region_aliases, start=2):
        if a.code not in codes:
            p.append(Problem(FILES["region_aliases"], i, "code", "no such region", a.code))
    for i, g in enumerate(cat.region_groups, start=1):
        for m in g.members:
            if m not in codes:
                p.append(Problem(FILES["region_groups"], i, "members", "no such region", m))
    planned: tuple[tuple[str, list[Any]], ...] = (
        ("targets", cat.targets),
        ("tasks", cat.tasks),
        ("projects", cat.projects),
    )
    for kind, items in planned:
        for i, rec in enumerate(items, start=1):
            if rec.plan not in plan_ids:
                p.append(Problem(FILES[kind], i, "plan", "no such plan", rec.plan))
    for i, t in enumerate(cat.targets, start=1):
        if t.region_code not in codes:
            p.append(Problem(FILES["targets"], i, "region_code", "no such region", t.region_code))
        if t.group is not None and t.group not in group_ids:
            p.append(Problem(FILES["targets"], i, "group", "no such region group", t.group))
        if t.indicator is not None and t.indicator not in indicator_ids:
            p.append(Problem(FILES["targets"], i, "indicator", "no such indicator", t.indicator))
    for i, ag in enumerate(cat.agencies, start=1):
        if ag.region_code is not None and ag.region_code not in codes:
            p.append(Problem(FILES["agencies"], i, "region_code", "no such region", ag.region_code))
    for i, task in enumerate(cat.tasks, start=1):
        for field, ids, known in (
            ("lead_units", task.lead_units, agency_ids),
            ("co_units", task.co_units, agency_ids),
            ("regions", task.regions, codes),
            ("projects", task.projects, project_ids),
            ("targets", task.targets, target_ids),
        ):
            for x in ids:
                if x not in known:
                    p.append(Problem(FILES["tasks"], i, field, f"no such {field[:-1]}", x))
    for i, pr in enumerate(cat.projects, start=1):
        for c in pr.regions:
            if c not in codes:
                p.append(Problem(FILES["projects"], i, "regions", "no such region", c))
    return p


def load_catalog(data_dir: Path | None = None) -> PlanCatalog:
    """Read and validate every plan data file.

    Parameters
    ----------
    data_dir : Path, optional
        A directory laid out like ``lanxi/data/plans``; the bundled data by default.

    Returns
    -------
    PlanCatalog
        The validated records.

    Raises
    ------
    ValidationError
        With every problem in every file (schema and cross-file references).
    """
    d = Path(data_dir) if data_dir is not None else default_data_dir()
    schemas = {
        "plans": Plan,
        "regions": Region,
        "region_aliases": RegionAlias,
        "region_groups": RegionGroup,
        "indicators": Indicator,
        "targets": Target,
        "agencies": Agency,
        "tasks": Task,
        "projects": Project,
    }
    problems: list[Problem] = []
    loaded: dict[str, list[Any]] = {}
    for kind, model in schemas.items():
        path = d / FILES[kind]
        if not path.exists():
            problems.append(Problem(FILES[kind], None, None, f"file missing in {d}"))
            loaded[kind] = []
            continue
        try:
            if path.suffix == ".csv":
                loaded[kind] = read_csv_records(path, model)
            else:
                loaded[kind] = read_yaml_records(path, model)
        except ValidationError as exc:
            problems.extend(exc.problems)
            loaded[kind] = []
    cat = PlanCatalog(data_dir=d, **loaded)
    if not problems:
        problems.extend(_check_references(cat))
    if problems:
        raise ValidationError(problems)
    return cat


@cache
def bundled_catalog() -> PlanCatalog:
    """The bundled catalogue, loaded once per process."""
    return load_catalog()
