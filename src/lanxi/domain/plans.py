"""Records of the plans as data: the schemas every bundled plan data file is validated against.

Every record carries ``source``: ``"<seed file name> § <section>"`` for facts taken from the plan
documents (``../shared/seeds/``), or a citation of the outside reference for facts added to them
(administrative codes, coordinates, areas).
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

#: ``<file> § <section>``, or an outside citation (which must be non-empty).
SourceStr = Annotated[str, Field(min_length=3)]

_SEED_SOURCE = re.compile(r"^(000|001|002|003|004)_[0-9a-f]{16}\.txt § .+")


class Record(BaseModel):
    """Base of every bundled record: strict, immutable, with provenance."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class RegionLevel(StrEnum):
    """Administrative level of a region."""

    AGGLOMERATION = "agglomeration"
    PROVINCE = "province"
    PREFECTURE = "prefecture"
    COUNTY = "county"


class Province(StrEnum):
    """The two provinces of the agglomeration (short Chinese names, as users type them)."""

    GANSU = "甘肃"
    QINGHAI = "青海"


class Region(Record):
    """A region: the agglomeration, a province, a prefecture-level or a county-level unit.

    ``code`` is the current GB/T 2260 code (six digits) except for the agglomeration itself, which
    has no national code and uses ``LXCSQ``.
    """

    code: str = Field(pattern=r"^(\d{6}|LXCSQ)$")
    name: str = Field(min_length=2)
    name_en: str = Field(min_length=2)
    level: RegionLevel
    parent_code: str | None = None
    province: Province | None = None
    #: Whether the whole unit is inside the agglomeration's scope (prefectures may be partial).
    in_scope: str = Field(pattern=r"^(whole|partial|outside)$")
    area_km2: float | None = Field(default=None, gt=0)
    lon: float | None = Field(default=None, ge=73, le=136)
    lat: float | None = Field(default=None, ge=3, le=54)
    source: SourceStr
    code_source: SourceStr
    geo_source: str | None = None
    notes: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Region:
        if self.level is RegionLevel.AGGLOMERATION:
            if self.parent_code is not None or self.province is not None:
                raise ValueError("the agglomeration has no parent and no province")
        elif self.parent_code is None:
            raise ValueError(f"a {self.level.value} needs a parent_code")
        if self.level in (RegionLevel.PREFECTURE, RegionLevel.COUNTY) and self.province is None:
            raise ValueError(f"a {self.level.value} needs a province")
        if self.province is not None and self.code != "LXCSQ":
            expected = "62" if self.province is Province.GANSU else "63"
            if not self.code.startswith(expected):
                raise ValueError(
                    f"code {self.code} does not belong to {self.province.value} "
                    f"(codes there start with {expected})"
                )
        return self


class RegionAlias(Record):
    """A former name and code of a region (units renamed or re-coded since the 2018 plan)."""

    code: str = Field(pattern=r"^\d{6}$", description="current code")
    alias_name: str
    alias_code: str | None = Field(default=None, pattern=r"^\d{6}$")
    valid_until: int | None = Field(
        default=None, description="year the alias stopped being current"
    )
    source: SourceStr


class RegionGroupKind(StrEnum):
    """Kinds of named groups of regions in the plans' spatial structure."""

    BELT = "belt"
    METRO_CIRCLE = "metro_circle"
    NODE_CITIES = "node_cities"
    DEMO_ZONE = "demo_zone"
    ECONOMIC_CIRCLE = "economic_circle"
    CORE = "core"
    OTHER = "other"


class RegionGroup(Record):
    """A named group of regions, e.g. 兰州—白银都市圈 (part of 一带双圈多节点)."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    name_en: str
    kind: RegionGroupKind
    members: list[str] = Field(min_length=1, description="region codes")
    description: str | None = None
    source: SourceStr


class Plan(Record):
    """A plan document (or another source document) as a record."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    title: str
    title_en: str
    kind: str = Field(pattern=r"^(national_plan|implementation_scheme|provincial_plan|article)$")
    issuer: str
    doc_number: str | None = None
    date: dt.date | None = None
    period_start: int | None = None
    period_end: int | None = None
    file: str = Field(pattern=r"^\d{3}_[0-9a-f]{16}\.txt$")
    source: SourceStr


class Comparison(StrEnum):
    """How a target compares the value with the target value."""

    GE = "ge"  # ≥, 以上, 不低于, 达到…以上
    LE = "le"  # ≤, 以下, 不超过, 控制在…以内
    APPROX = "approx"  # ≈, 左右
    EQ = "eq"  # reach exactly (达到 with no qualifier)
    GT = "gt"
    LT = "lt"


class Aggregation(StrEnum):
    """How an indicator rolls up from county to prefecture, province and agglomeration."""

    SUM = "sum"
    POP_WEIGHTED_MEAN = "pop_weighted_mean"
    AREA_WEIGHTED_MEAN = "area_weighted_mean"
    RATIO_OF_SUMS = "ratio_of_sums"
    NOT_ADDITIVE = "not_additive"


class Indicator(Record):
    """A measurable quantity (the metric), independent of any one plan's target for it."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    name_en: str
    unit: str = Field(description="unit as the plans write it, e.g. %, 亿元, 万人, 元, km, 个")
    category: str
    frequency: str = Field(pattern=r"^(annual|quarterly|monthly|daily|once)$")
    aggregation: Aggregation
    #: For ratio_of_sums: the numerator and denominator indicator ids.
    numerator: str | None = None
    denominator: str | None = None
    higher_is_better: bool | None = None
    range_min: float | None = None
    range_max: float | None = None
    description: str | None = None
    source: SourceStr


class TargetKind(StrEnum):
    """What a target record states."""

    TARGET = "target"  # a quantitative target
    QUALITATIVE = "qualitative"  # a goal with no number
    STATISTIC = "statistic"  # a figure quoted as a baseline or fact, with no target


class Nature(StrEnum):
    """约束性 (binding) or 预期性 (expected), where a plan says so."""

    BINDING = "binding"
    EXPECTED = "expected"


class Target(Record):
    """What a plan states about an indicator in a region: baseline, target, or a quoted figure."""

    id: str = Field(pattern=r"^[a-z0-9_.\-]+$")
    plan: str
    kind: TargetKind
    indicator: str | None = Field(default=None, description="indicator id (None if qualitative)")
    name: str = Field(description="the indicator as the plan words it")
    region_code: str = Field(
        description="the region the statement applies to; for a group, the smallest region "
        "containing it (620000 for the 兰州经济圈)"
    )
    group: str | None = Field(
        default=None,
        description="region group id when the statement applies to a group of regions "
        "(lanzhou_economic_circle, lanzhou_baiyin_metro)",
    )
    comparison: Comparison | None = None
    target_value: float | None = None
    target_year: int | None = None
    baseline_value: float | None = None
    baseline_year: int | None = None
    unit: str | None = None
    nature: Nature | None = None
    statement: str = Field(min_length=2, description="the sentence or table cell quoted")
    source: SourceStr

    @model_validator(mode="after")
    def _consistent(self) -> Target:
        if self.kind is TargetKind.TARGET:
            missing = [
                f
                for f in ("indicator", "comparison", "target_value", "target_year", "unit")
                if getattr(self, f) is None
            ]
            if missing:
                raise ValueError(f"a quantitative target needs {', '.join(missing)}")
        if self.kind is TargetKind.STATISTIC and (
            self.indicator is None or self.baseline_value is None or self.baseline_year is None
        ):
            raise ValueError("a statistic needs indicator, baseline_value and baseline_year")
        if self.kind is TargetKind.QUALITATIVE and self.target_value is not None:
            raise ValueError("a qualitative goal has no target_value")
        return self


class AgencyKind(StrEnum):
    """Kinds of responsible unit, so that a query by type works across both provinces."""

    PROVINCIAL_GOVERNMENT = "provincial_government"
    PROVINCIAL_DEPARTMENT = "provincial_department"
    CITY_GOVERNMENT = "city_government"  # prefecture-level city or autonomous prefecture
    COUNTY_GOVERNMENT = "county_government"
    MANAGEMENT_COMMITTEE = "management_committee"  # e.g. 兰州新区管委会
    CENTRAL = "central"  # central ministries and their regional bodies
    STATE_OWNED = "state_owned"  # SOEs such as 国网甘肃省电力公司
    OTHER = "other"


class Agency(Record):
    """A normalized responsible unit (one per province for a department)."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str = Field(description="full normalized name, e.g. 甘肃省生态环境厅")
    short_name: str = Field(description="as the documents write it, e.g. 省生态环境厅")
    name_en: str
    kind: AgencyKind
    province: Province | None = None
    region_code: str | None = None
    source: SourceStr


class Task(Record):
    """A numbered task of the 2022 implementation scheme (003)."""

    id: str = Field(pattern=r"^t\d{2}$")
    plan: str
    number: int = Field(ge=1, le=58)
    section: str = Field(pattern=r"^[一二三四五六七八九十]+\([一二三四五六七八九十]+\)\d+$")
    section_title: str
    title: str
    text: str = Field(min_length=10)
    lead_units: list[str] = Field(description="agency ids")
    co_units: list[str] = Field(default_factory=list, description="agency ids")
    lead_units_text: str = Field(description="the 牵头 note as printed")
    co_units_text: str | None = Field(
        default=None, description="the 按职责分工负责 note as printed"
    )
    regions: list[str] = Field(default_factory=list, description="region codes named in the text")
    projects: list[str] = Field(default_factory=list, description="project ids named in the text")
    targets: list[str] = Field(default_factory=list, description="target ids of sub-targets")
    defects: list[str] = Field(
        default_factory=list, description="text defects found in the document, kept as printed"
    )
    source: SourceStr

    @field_validator("lead_units")
    @classmethod
    def _has_lead(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("every task has at least one lead unit")
        return v


class ProjectKind(StrEnum):
    """Kinds of key project."""

    ROAD = "road"
    RAIL = "rail"
    AIRPORT = "airport"
    LOGISTICS = "logistics"
    ENERGY = "energy"
    WATER = "water"
    ECOLOGY = "ecology"
    PARK = "park"
    INDUSTRY = "industry"
    INFORMATION = "information"
    URBAN = "urban"
    PUBLIC_SERVICE = "public_service"
    TOURISM = "tourism"
    OTHER = "other"


class ProjectStatus(StrEnum):
    """Status wording in the text, normalized."""

    PROPOSED = "proposed"  # 研究, 规划, 谋划
    PREPARATORY = "preparatory"  # 前期, 推进前期工作
    START = "start"  # 开工, 新建
    ONGOING = "ongoing"  # 续建, 推进建设, 加快建设
    COMPLETE = "complete"  # 建成, 完成
    UPGRADE = "upgrade"  # 改扩建, 提升


class Project(Record):
    """A named key project (专栏 of 001 and 002, and those named in 003's tasks)."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    kind: ProjectKind
    plan: str
    column: str | None = Field(default=None, description="the 专栏 it is listed in")
    regions: list[str] = Field(default_factory=list, description="region codes it touches")
    endpoints: list[str] = Field(default_factory=list, description="for links: named endpoints")
    status: ProjectStatus | None = None
    status_text: str | None = Field(default=None, description="the status wording as printed")
    text: str = Field(description="the item as printed")
    source: SourceStr


def is_seed_source(source: str) -> bool:
    """Whether ``source`` cites a plan document as ``<file> § <section>``."""
    return bool(_SEED_SOURCE.match(source))
