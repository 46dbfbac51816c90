"""Indicators, targets (targets, quoted statistics, qualitative goals) and key projects.

The spot checks re-type figures read by hand from the seed documents (../shared/seeds/), so a slip
in the data files or here fails. See docs/data-targets.md.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from lanxi.data.catalog import default_data_dir
from lanxi.data.loader import read_yaml_records
from lanxi.domain.plans import (
    Aggregation,
    Comparison,
    Indicator,
    Plan,
    Project,
    ProjectKind,
    Target,
    TargetKind,
    is_seed_source,
)

DATA: Path = default_data_dir()
NUM = "[一二三四五六七八九十]"


@pytest.fixture(scope="module")
def indicators() -> dict[str, Indicator]:
    return {i.id: i for i in read_yaml_records(DATA / "indicators.yaml", Indicator)}


@pytest.fixture(scope="module")
def targets() -> list[Target]:
    return read_yaml_records(DATA / "targets.yaml", Target)


@pytest.fixture(scope="module")
def by_id(targets: list[Target]) -> dict[str, Target]:
    return {t.id: t for t in targets}


@pytest.fixture(scope="module")
def projects() -> list[Project]:
    return read_yaml_records(DATA / "projects.yaml", Project)


def _num(v: float) -> str:
    return f"{v:g}"


# --- structure ----------------------------------------------------------------------------------


def test_ids_unique(
    indicators: dict[str, Indicator], targets: list[Target], projects: list[Project]
) -> None:
    raw_indicator_ids = [i.id for i in read_yaml_records(DATA / "indicators.yaml", Indicator)]
    for ids in (raw_indicator_ids, [t.id for t in targets], [p.id for p in projects]):
        dups = [k for k, n in Counter(ids).items() if n > 1]
        assert dups == []
    assert len(indicators) == len(raw_indicator_ids)


def test_every_target_indicator_exists_and_units_match(
    indicators: dict[str, Indicator], targets: list[Target]
) -> None:
    for t in targets:
        if t.indicator is None:
            assert t.kind is TargetKind.QUALITATIVE, t.id
            continue
        assert t.indicator in indicators, t.id
        # No conversions: a target is stored in its indicator's unit.
        if t.unit is not None:
            assert t.unit == indicators[t.indicator].unit, t.id


def test_values_within_indicator_range(
    indicators: dict[str, Indicator], targets: list[Target]
) -> None:
    for t in targets:
        if t.indicator is None:
            continue
        ind = indicators[t.indicator]
        for v in (t.target_value, t.baseline_value):
            if v is None:
                continue
            if ind.range_min is not None:
                assert v >= ind.range_min, t.id
            if ind.range_max is not None:
                assert v <= ind.range_max, t.id


def test_ratio_of_sums_names_existing_parts(indicators: dict[str, Indicator]) -> None:
    ratios = [i for i in indicators.values() if i.aggregation is Aggregation.RATIO_OF_SUMS]
    assert {i.id for i in ratios} >= {
        "gdp_per_capita",
        "urbanization_rate",
        "population_density",
        "town_density",
        "rd_intensity",
    }
    for i in ratios:
        assert i.numerator in indicators, i.id
        assert i.denominator in indicators, i.id
        assert i.numerator != i.denominator, i.id
        # The parts themselves must be additive, or the ratio cannot be recomputed for a group.
        assert indicators[i.numerator].aggregation is Aggregation.SUM, i.id
        assert indicators[i.denominator].aggregation is Aggregation.SUM, i.id
    for i in indicators.values():
        if i.aggregation is not Aggregation.RATIO_OF_SUMS:
            assert i.numerator is None, i.id
            assert i.denominator is None, i.id


def test_rates_are_never_summed(indicators: dict[str, Indicator]) -> None:
    for i in indicators.values():
        if i.unit == "%":
            assert i.aggregation in (Aggregation.RATIO_OF_SUMS, Aggregation.NOT_ADDITIVE), i.id
    for key in ("gdp_growth", "air_good_days_ratio", "water_section_class_iii_share"):
        assert indicators[key].aggregation is Aggregation.NOT_ADDITIVE
    for key in ("gdp", "population_resident", "area"):
        assert indicators[key].aggregation is Aggregation.SUM


def test_sources_cite_seed_sections(
    indicators: dict[str, Indicator], targets: list[Target], projects: list[Project]
) -> None:
    for rec in [*indicators.values(), *targets, *projects]:
        assert is_seed_source(rec.source), rec.source


def test_plan_and_region_references_resolve(targets: list[Target], projects: list[Project]) -> None:
    plans = {p.id for p in read_yaml_records(DATA / "plans.yaml", Plan)}
    with (DATA / "regions.csv").open(encoding="utf-8") as fh:
        codes = {row["code"] for row in csv.DictReader(fh)}
    for t in targets:
        assert t.plan in plans, t.id
        assert t.region_code in codes, t.id
    for p in projects:
        assert p.plan in plans, p.id
        assert set(p.regions) <= codes, p.id


def _squeeze(text: str) -> str:
    """Drop whitespace (PDF line breaks) and the ``**`` bold marks of the extraction."""
    return re.sub(r"\s+", "", text).replace("**", "")


def test_quotes_are_verbatim(
    targets: list[Target], projects: list[Project], seeds_dir: Path
) -> None:
    seeds = {f.name: _squeeze(f.read_text(encoding="utf-8")) for f in seeds_dir.glob("*.txt")}
    quotes = [(t.id, t.statement, t.source) for t in targets]
    quotes += [(p.id, p.text, p.source) for p in projects]
    for rid, quote, source in quotes:
        doc = seeds[source.split(" § ")[0]]
        for piece in filter(None, _squeeze(quote).split("……")):  # …… marks an omission
            assert piece in doc, (rid, piece)


# --- targets: hand-checked spot values ----------------------------------------------------------


@pytest.mark.parametrize(
    ("tid", "comparison", "value", "year", "unit"),
    [
        ("scheme2022.air_good_days_ratio.2025", Comparison.GE, 90, 2025, "%"),
        ("scheme2022.gdp_growth.2025", Comparison.APPROX, 6, 2025, "%"),
        ("scheme2022.urbanization_rate.2025", Comparison.APPROX, 69, 2025, "%"),
        ("plan2018.air_good_days_ratio.2035", Comparison.GE, 85, 2035, "%"),
        ("plan2018.water_section_class_iii_share.2020", Comparison.EQ, 50, 2020, "%"),
        ("gansu2021.lzec.gdp_growth.2025", Comparison.GE, 6.5, 2025, "%"),
        ("gansu2021.lzec.urbanization_rate.2025", Comparison.GE, 60, 2025, "%"),
        ("gansu2021.lzec.foreign_trade_dependence.2025", Comparison.APPROX, 10, 2025, "%"),
        ("gansu2021.lzec.life_expectancy.2025", Comparison.EQ, 75.5, 2025, "岁"),
    ],
)
def test_target_spot_checks(
    by_id: dict[str, Target],
    tid: str,
    comparison: Comparison,
    value: float,
    year: int,
    unit: str,
) -> None:
    t = by_id[tid]
    assert t.kind is TargetKind.TARGET
    assert (t.comparison, t.target_value, t.target_year, t.unit) == (comparison, value, year, unit)


@pytest.mark.parametrize(
    ("tid", "value", "year", "unit"),
    [
        ("plan2018.gdp.2016", 4874, 2016, "亿元"),
        ("plan2018.population_resident.2016", 1193, 2016, "万人"),
        ("plan2018.gdp_per_capita.2016", 40848, 2016, "元"),
        ("plan2018.gdp_per_capita_relative_national.2016", 76, 2016, "%"),
        ("plan2018.area.2016", 9.75, 2016, "万平方公里"),
        ("plan2018.town_density.2016", 24, 2016, "个/万平方公里"),
        ("gansu2021.lzec.gdp.2020", 4156.7, 2020, "亿元"),
        ("gansu2021.lzec.population_resident.2020", 1050.53, 2020, "万人"),
    ],
)
def test_statistic_spot_checks(
    by_id: dict[str, Target], tid: str, value: float, year: int, unit: str
) -> None:
    t = by_id[tid]
    assert t.kind is TargetKind.STATISTIC
    assert (t.baseline_value, t.baseline_year, t.unit) == (value, year, unit)


def test_huangshui_section_target(by_id: dict[str, Target]) -> None:
    t = by_id["plan2018.water_section_class_iii_share.2020"]
    assert t.region_code == "630000"  # Qinghai's outflow (出省) section of the 湟水
    assert "湟水河出省断面Ⅲ类水质达标率达到 50%" in t.statement


def test_gdp_per_capita_consistent_with_gdp_and_population(
    indicators: dict[str, Indicator], by_id: dict[str, Target]
) -> None:
    # ratio_of_sums with the factor documented on the indicator: 亿元 / 万人 × 10000 = 元
    ind = indicators["gdp_per_capita"]
    assert (ind.numerator, ind.denominator) == ("gdp", "population_resident")
    gdp = by_id["plan2018.gdp.2016"].baseline_value
    pop = by_id["plan2018.population_resident.2016"].baseline_value
    assert gdp is not None
    assert pop is not None
    per_capita = by_id["plan2018.gdp_per_capita.2016"].baseline_value
    assert per_capita == pytest.approx(gdp / pop * 10_000, rel=0.005)


def test_lzec_population_share_defect_is_kept_as_printed(by_id: dict[str, Target]) -> None:
    # 002 gives each of its three regions' shares of Gansu; the regions cover the whole province.
    # Areas and GDP add up to 100 %, population to 99.10 % (兰州经济圈 41.09 is probably 41.99).
    hexi, longdongnan = (58.19, 17.59, 25.41), (27.48, 40.42, 28.49)  # 002 § 河西 / 陇东南 前言
    lz = [
        by_id[f"gansu2021.lzec.{k}_share_of_province.2020"].baseline_value
        for k in ("area", "population", "gdp")
    ]
    assert lz == [14.33, 41.09, 46.1]
    sums = [round(a + b + c, 2) for a, b, c in zip(lz, hexi, longdongnan, strict=True)]
    assert sums == [100.0, 99.1, 100.0]


def test_lzec_density_defect_flagged(by_id: dict[str, Target]) -> None:
    t = by_id["gansu2021.lzec.population_density.2020"]
    assert "每平方米" in t.statement
    assert "每平方米" in t.name
    area = by_id["gansu2021.lzec.area.2020"].baseline_value
    pop = by_id["gansu2021.lzec.population_resident.2020"].baseline_value
    assert area is not None
    assert pop is not None
    assert pop / area == pytest.approx(172.2, abs=0.1)  # not the 125 printed (copied from 001)


def test_targets_numbers_and_comparisons_match_statements(targets: list[Target]) -> None:
    suffix = {"以上": Comparison.GE, "左右": Comparison.APPROX}
    checked = 0
    for t in targets:
        if t.kind is not TargetKind.TARGET:
            continue
        assert t.target_value is not None
        m = re.search(rf"(?<![\d.]){re.escape(_num(t.target_value))}(?:%|岁)?(\S\S)?", t.statement)
        assert m is not None, t.id
        expected = suffix.get(m.group(1) or "", Comparison.EQ)
        assert t.comparison is expected, t.id
        checked += 1
    assert checked >= 15


def test_statistic_figures_appear_in_statements(targets: list[Target]) -> None:
    written_in_words = {  # “已超百万”
        "plan2018.urban_area_population.lanzhou.2016",
        "plan2018.urban_area_population.xining.2016",
    }
    for t in targets:
        if t.kind is TargetKind.STATISTIC and t.id not in written_in_words:
            assert t.baseline_value is not None
            assert re.search(rf"(?<![\d.]){re.escape(_num(t.baseline_value))}", t.statement), t.id


def test_kinds_per_plan(targets: list[Target]) -> None:
    counts = Counter((t.plan, t.kind) for t in targets)
    assert counts[("plan2018", TargetKind.QUALITATIVE)] > 0
    assert counts[("scheme2022", TargetKind.QUALITATIVE)] > 0
    assert counts[("gansu2021", TargetKind.QUALITATIVE)] > 0
    assert counts[("plan2018", TargetKind.TARGET)] == 2
    assert counts[("scheme2022", TargetKind.TARGET)] == 3
    assert counts[("gansu2021", TargetKind.TARGET)] == 10
    for t in targets:
        if t.kind is TargetKind.QUALITATIVE:
            assert t.target_value is None, t.id
            assert t.comparison is None, t.id


def test_lanzhou_economic_circle_convention(targets: list[Target]) -> None:
    circle = [t for t in targets if t.id.startswith("gansu2021.lzec.")]
    assert len(circle) > 20
    for t in circle:
        if t.region_code == "620000":
            assert t.name.startswith("兰州经济圈"), t.id
        else:  # only Lanzhou's own goal
            assert t.region_code == "620100", t.id
    # Only the 兰州经济圈 part of 002 is in scope (not 河西走廊 or 陇东南).
    assert all(t.id.startswith("gansu2021.lzec.") for t in targets if t.plan == "gansu2021")


# --- projects -----------------------------------------------------------------------------------


def test_every_project_is_located(projects: list[Project]) -> None:
    for p in projects:
        assert p.regions or p.endpoints, p.id


def test_project_kinds_present(projects: list[Project]) -> None:
    kinds = {p.kind for p in projects}
    assert kinds >= {
        ProjectKind.ROAD,
        ProjectKind.RAIL,
        ProjectKind.AIRPORT,
        ProjectKind.WATER,
        ProjectKind.ECOLOGY,
        ProjectKind.ENERGY,
    }


def test_projects_by_plan_and_column(projects: list[Project]) -> None:
    plans = Counter(p.plan for p in projects)
    assert set(plans) == {"plan2018", "gansu2021", "scheme2022"}
    for p in projects:
        assert p.column, p.id
        if p.plan == "scheme2022":
            assert re.fullmatch(rf"{NUM}+\({NUM}+\)\d+", p.column), p.id
        else:
            assert p.column.startswith("专栏"), p.id
    plan2018_columns = {p.column.split()[1] for p in projects if p.plan == "plan2018"}
    assert plan2018_columns == {"1", "2", "3", "4", "5", "6", "7"}


@pytest.mark.parametrize(
    ("pid", "kind", "plan", "endpoints", "status"),
    [
        ("lanxin_hsr_lanzhou_xining", "rail", "scheme2022", ["兰州", "西宁"], "preparatory"),
        ("g6_expressway_upgrade", "road", "plan2018", [], "upgrade"),
        ("xining_yushu_qamdo_railway", "rail", "plan2018", ["西宁", "玉树", "昌都"], "proposed"),
        ("zhongchuan_airport_phase3", "airport", "plan2018", [], "upgrade"),
        ("huangnan_airport", "airport", "scheme2022", [], "start"),
        ("yindajihuang_water_transfer", "water", "scheme2022", [], "complete"),
        ("qinghai_henan_uhvdc", "energy", "plan2018", ["青海共和", "河南驻马店"], "start"),
        ("yongjing_minhe_expressway", "road", "scheme2022", ["永靖", "民和"], "ongoing"),
    ],
)
def test_project_spot_checks(
    projects: list[Project],
    pid: str,
    kind: str,
    plan: str,
    endpoints: list[str],
    status: str,
) -> None:
    p = next(x for x in projects if x.id == pid)
    assert (p.kind.value, p.plan, p.endpoints) == (kind, plan, endpoints)
    assert p.status is not None
    assert p.status.value == status
    assert p.status_text


#: Railway section abbreviations that the texts use instead of the endpoint names.
SECTION_ABBREVIATIONS = {"西格段": ("西宁", "格尔木"), "格拉段": ("格尔木", "拉萨")}


def test_link_endpoints_appear_in_text(projects: list[Project]) -> None:
    for p in projects:
        named = [e for abbr, ends in SECTION_ABBREVIATIONS.items() if abbr in p.name for e in ends]
        for e in p.endpoints:
            assert e in p.text or e in named, (p.id, e)
