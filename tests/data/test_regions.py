"""Regions, aliases, spatial-structure groups, plan records and the shipped boundary layers.

The expected scope is re-typed here from 001 § 前言（规划范围） (with the 2020 renames),
independently of regions.csv, so a slip in either place fails.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from lanxi.data import boundaries as bd
from lanxi.data.loader import read_csv_records, read_yaml_records
from lanxi.domain.plans import (
    Plan,
    Region,
    RegionAlias,
    RegionGroup,
    RegionLevel,
    is_seed_source,
)

DATA = Path(bd.boundaries_dir()).parent
PLAN_AREA_KM2 = 97_500  # 001: 总面积 9.75 万平方公里

#: 001's scope, prefecture → its county-level units in scope (current codes and names).
SCOPE = {
    "620100": {
        "620102": "城关区",
        "620103": "七里河区",
        "620104": "西固区",
        "620105": "安宁区",
        "620111": "红古区",
        "620121": "永登县",
        "620122": "皋兰县",
        "620123": "榆中县",
    },
    "620400": {"620402": "白银区", "620403": "平川区", "620421": "靖远县", "620423": "景泰县"},
    "621100": {"621102": "安定区", "621122": "陇西县", "621123": "渭源县", "621124": "临洮县"},
    "622900": {
        "622901": "临夏市",
        "622923": "永靖县",
        "622926": "东乡族自治县",
        "622927": "积石山保安族东乡族撒拉族自治县",
    },
    "630100": {
        "630102": "城东区",
        "630103": "城中区",
        "630104": "城西区",
        "630105": "城北区",
        "630106": "湟中区",
        "630121": "大通回族土族自治县",
        "630123": "湟源县",
    },
    "630200": {
        "630202": "乐都区",
        "630203": "平安区",
        "630222": "民和回族土族自治县",
        "630223": "互助土族自治县",
        "630224": "化隆回族自治县",
        "630225": "循化撒拉族自治县",
    },
    "632200": {"632223": "海晏县"},
    "632300": {"632301": "同仁市", "632322": "尖扎县"},
    "632500": {"632521": "共和县", "632523": "贵德县", "632525": "贵南县"},
}
WHOLE_PREFECTURES = {"620100", "630100", "630200"}


@pytest.fixture(scope="module")
def regions() -> list[Region]:
    return read_csv_records(DATA / "regions.csv", Region)


@pytest.fixture(scope="module")
def by_code(regions: list[Region]) -> dict[str, Region]:
    return {r.code: r for r in regions}


@pytest.fixture(scope="module")
def aliases() -> list[RegionAlias]:
    return read_csv_records(DATA / "region_aliases.csv", RegionAlias)


@pytest.fixture(scope="module")
def groups() -> dict[str, RegionGroup]:
    return {g.id: g for g in read_yaml_records(DATA / "region_groups.yaml", RegionGroup)}


def _level(regions: list[Region], level: RegionLevel) -> list[Region]:
    return [r for r in regions if r.level is level]


# --- regions.csv ---------------------------------------------------------------------------


def test_counts_per_level(regions: list[Region]) -> None:
    assert len(_level(regions, RegionLevel.COUNTY)) == 39
    assert len(_level(regions, RegionLevel.PREFECTURE)) == 9
    assert len(_level(regions, RegionLevel.PROVINCE)) == 2
    assert [r.code for r in _level(regions, RegionLevel.AGGLOMERATION)] == ["LXCSQ"]


def test_scope_matches_the_plan(regions: list[Region], by_code: dict[str, Region]) -> None:
    counties = {r.code: (r.parent_code, r.name) for r in _level(regions, RegionLevel.COUNTY)}
    expected = {c: (p, n) for p, units in SCOPE.items() for c, n in units.items()}
    assert counties == expected
    assert {r.code for r in _level(regions, RegionLevel.PREFECTURE)} == set(SCOPE)
    for p in SCOPE:
        assert by_code[p].in_scope == ("whole" if p in WHOLE_PREFECTURES else "partial")
    assert all(r.in_scope == "whole" for r in _level(regions, RegionLevel.COUNTY))
    assert {r.code: r.in_scope for r in _level(regions, RegionLevel.PROVINCE)} == {
        "620000": "partial",
        "630000": "partial",
    }


def test_codes_unique_and_nested(regions: list[Region], by_code: dict[str, Region]) -> None:
    codes = [r.code for r in regions]
    assert len(codes) == len(set(codes))
    names = [r.name for r in regions]
    assert len(names) == len(set(names))
    assert len({r.name_en for r in regions}) == len(regions)
    for r in regions:
        if r.level is RegionLevel.AGGLOMERATION:
            assert r.parent_code is None
            continue
        assert re.fullmatch(r"\d{6}", r.code), r.code
        assert r.code[:2] == (
            "62" if r.province is not None and r.province.value == "甘肃" else "63"
        )
        parent = by_code[r.parent_code or ""]
        if r.level is RegionLevel.PROVINCE:
            assert parent.code == "LXCSQ"
            assert r.code.endswith("0000")
        elif r.level is RegionLevel.PREFECTURE:
            assert parent.level is RegionLevel.PROVINCE
            assert r.code[:2] == parent.code[:2]
            assert r.code.endswith("00")
        else:
            assert parent.level is RegionLevel.PREFECTURE
            assert r.code[:4] == parent.code[:4]
            assert r.province == parent.province


def test_every_region_is_sourced(regions: list[Region]) -> None:
    for r in regions:
        assert is_seed_source(r.source), r.code
        assert r.source.startswith("001_ff21d5f6d73a90f5.txt § ")
        assert len(r.code_source) > 10
        assert r.area_km2 is not None, r.code
        assert r.lon is not None, r.code
        assert r.lat is not None, r.code
        assert "representative_point" in (r.geo_source or ""), r.code


def test_renamed_units_carry_current_names(by_code: dict[str, Region]) -> None:
    assert by_code["630106"].name == "湟中区"
    assert by_code["630106"].name_en == "Huangzhong District"
    assert by_code["632301"].name == "同仁市"
    assert by_code["622927"].name_en == "Jishishan Bonan, Dongxiang and Salar Autonomous County"
    assert by_code["622900"].name_en == "Linxia Hui Autonomous Prefecture"
    assert by_code["LXCSQ"].area_km2 == PLAN_AREA_KM2


def test_county_areas_sum_close_to_the_plans_figure(regions: list[Region]) -> None:
    total = sum(r.area_km2 or 0 for r in _level(regions, RegionLevel.COUNTY))
    deviation = (total - PLAN_AREA_KM2) / PLAN_AREA_KM2
    print(f"39 counties: {total:.0f} km² vs 97,500 km² ({deviation:+.2%})")
    assert abs(deviation) < 0.10
    assert 99_000 < total < 100_100  # the figure reported in docs/data-regions.md (99,553)


def test_whole_prefectures_equal_their_counties(
    regions: list[Region], by_code: dict[str, Region]
) -> None:
    for p in WHOLE_PREFECTURES:
        counties = sum(r.area_km2 or 0 for r in regions if r.parent_code == p)
        assert counties == pytest.approx(by_code[p].area_km2, rel=0.005)


# --- region_aliases.csv --------------------------------------------------------------------


def _resolve(key: str, by_code: dict[str, Region], aliases: list[RegionAlias]) -> str:
    if key in by_code:
        return key
    for r in by_code.values():
        if key in (r.name, r.name_en):
            return r.code
    for a in aliases:
        if key in (a.alias_name, a.alias_code):
            return a.code
    raise KeyError(key)


def test_aliases_resolve(by_code: dict[str, Region], aliases: list[RegionAlias]) -> None:
    assert _resolve("湟中县", by_code, aliases) == "630106"
    assert _resolve("630122", by_code, aliases) == "630106"
    assert _resolve("同仁县", by_code, aliases) == "632301"
    assert _resolve("632321", by_code, aliases) == "632301"
    assert _resolve("临夏州", by_code, aliases) == "622900"
    for short, code in (("海北州", "632200"), ("黄南州", "632300"), ("海南州", "632500")):
        assert _resolve(short, by_code, aliases) == code
    for a in aliases:
        assert a.code in by_code, a
        assert a.alias_name not in {r.name for r in by_code.values()}, a
        assert a.alias_code is None or a.alias_code not in by_code, a
        assert (a.alias_code is None) == (a.valid_until is None), a
    names = [a.alias_name for a in aliases]
    assert len(names) == len(set(names))


# --- region_groups.yaml --------------------------------------------------------------------


def test_group_members_exist_and_are_sourced(
    groups: dict[str, RegionGroup], by_code: dict[str, Region]
) -> None:
    for g in groups.values():
        assert is_seed_source(g.source), g.id
        assert len(g.members) == len(set(g.members)), g.id
        for m in g.members:
            assert m in by_code, (g.id, m)


def test_group_memberships(groups: dict[str, RegionGroup]) -> None:
    assert set(groups["lanzhou_economic_circle"].members) == {
        "620100",
        "620400",
        "621100",
        "622900",
    }
    assert groups["lanzhou_economic_circle"].source.startswith("002_")
    assert set(groups["ganqing_demo_zone"].members) == {"620111", "630222"}
    assert set(groups["lanzhou_baiyin_metro"].members) == {"620100", "620400"}
    assert set(groups["xining_haidong_metro"].members) == {"630100", "630200"}
    assert set(groups["lanxi_belt"].members) == {"620100", "630100", "630200", "621100"}
    # the seats of 定西 (安定区), 临夏 (临夏市), 海北 (海晏县), 海南 (共和县), 黄南 (同仁市)
    assert set(groups["node_cities"].members) == {"621102", "622901", "632223", "632521", "632301"}
    assert len(groups["new_small_cities"].members) == 12
    kinds = {g.id: g.kind.value for g in groups.values()}
    assert kinds["lanxi_belt"] == "belt"
    assert kinds["lanzhou_baiyin_metro"] == kinds["xining_haidong_metro"] == "metro_circle"
    assert kinds["node_cities"] == "node_cities"
    assert kinds["ganqing_demo_zone"] == "demo_zone"
    assert kinds["lanzhou_economic_circle"] == "economic_circle"


# --- plans.yaml ----------------------------------------------------------------------------


def test_plan_records() -> None:
    plans = {p.id: p for p in read_yaml_records(DATA / "plans.yaml", Plan)}
    assert {k: (p.file[:3], p.kind) for k, p in plans.items()} == {
        "plan2018": ("001", "national_plan"),
        "gansu2021": ("002", "provincial_plan"),
        "scheme2022": ("003", "implementation_scheme"),
        "news_proposals": ("000", "article"),
        "news_xining": ("004", "article"),
    }
    assert plans["scheme2022"].doc_number == "青政办〔2022〕5号"
    assert plans["gansu2021"].doc_number == "甘政办发〔2021〕93号"
    assert (plans["plan2018"].period_start, plans["plan2018"].period_end) == (2018, 2035)
    assert (plans["scheme2022"].period_start, plans["scheme2022"].period_end) == (2021, 2025)
    for p in plans.values():
        assert is_seed_source(p.source), p.id
        assert p.source.startswith(p.file), p.id


# --- shipped boundary layers ---------------------------------------------------------------


@pytest.fixture(scope="module")
def counties_layer() -> dict:
    return bd.load_boundaries("county")


@pytest.fixture(scope="module")
def prefectures_layer() -> dict:
    return bd.load_boundaries("prefecture")


def test_layers_hold_exactly_the_regions(
    counties_layer: dict, prefectures_layer: dict, regions: list[Region]
) -> None:
    for layer, level in (
        (counties_layer, RegionLevel.COUNTY),
        (prefectures_layer, RegionLevel.PREFECTURE),
    ):
        props = [f["properties"] for f in layer["features"]]
        expected = [
            {"code": r.code, "name": r.name, "level": r.level.value, "parent_code": r.parent_code}
            for r in sorted(_level(regions, level), key=lambda r: r.code)
        ]
        assert props == expected
        assert layer["crs"]["properties"]["name"] == "urn:ogc:def:crs:OGC:1.3:CRS84"
        assert "WGS 84" in layer["properties"]["crs"]
        assert "GCJ-02" in layer["properties"]["crs"]
    assert len(counties_layer["features"]) == 39
    assert len(prefectures_layer["features"]) == 9


def test_layers_are_small_valid_and_rounded() -> None:
    for name in bd.LAYER_FILES.values():
        path = bd.boundaries_dir() / name
        text = path.read_text(encoding="utf-8")
        assert path.stat().st_size < 2_000_000
        assert not re.search(r"\d\.\d{6,}", text), f"{name}: more than 5 decimals"
    for level in bd.LAYER_FILES:
        for f in bd.load_boundaries(level)["features"]:
            g = bd.geometry_of(f)
            assert g.is_valid, f["properties"]["code"]
            assert not g.is_empty, f["properties"]["code"]
            assert g.geom_type in ("Polygon", "MultiPolygon")


def test_representative_points_lie_within_their_polygons(
    counties_layer: dict, prefectures_layer: dict, by_code: dict[str, Region]
) -> None:
    from shapely.geometry import Point

    for layer in (counties_layer, prefectures_layer):
        for f in layer["features"]:
            r = by_code[f["properties"]["code"]]
            assert r.lon is not None
            assert r.lat is not None
            assert bd.geometry_of(f).contains(Point(r.lon, r.lat)), r.code


def test_county_layer_matches_its_prefectures(
    counties_layer: dict, prefectures_layer: dict
) -> None:
    import shapely

    prefs = {f["properties"]["code"]: bd.geometry_of(f) for f in prefectures_layer["features"]}
    for f in counties_layer["features"]:
        county = bd.geometry_of(f)
        parent = prefs[f["properties"]["parent_code"]]
        inside = shapely.intersection(county, parent).area / county.area
        assert inside > 0.97, f["properties"]["code"]


def test_load_boundaries_rejects_unknown_level() -> None:
    with pytest.raises(ValueError, match="unknown level"):
        bd.load_boundaries("township")


# --- re-extraction from cnmaps -------------------------------------------------------------


def test_reextraction_matches_the_cache_and_the_csv(
    regions: list[Region], counties_layer: dict, prefectures_layer: dict
) -> None:
    pytest.importorskip(
        "cnmaps", reason="cnmaps (optional extra lanxi[boundaries]) is not installed"
    )
    pytest.importorskip(
        "pyproj", reason="pyproj (optional extra lanxi[boundaries]) is not installed"
    )
    fresh = bd.split_layers(json.loads(json.dumps(bd.extract_boundaries(regions))))
    assert fresh["county"]["features"] == counties_layer["features"]
    assert fresh["prefecture"]["features"] == prefectures_layer["features"]

    measured = bd.measure_regions(regions)
    for r in regions:
        m = measured[r.code]
        if m["area_km2"] is not None:
            assert r.area_km2 == m["area_km2"], r.code
        assert (r.lon, r.lat) == (m["lon"], m["lat"]), r.code
