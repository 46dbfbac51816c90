"""The bundled regional statistics: sourced, consistent with targets.yaml, no invented figures."""

from __future__ import annotations

from pathlib import Path

import yaml

from lanxi.services.analytics import plan_regions, region_population, region_statistics

PLANS = Path(__file__).parents[2] / "src" / "lanxi" / "data" / "plans"


def test_every_figure_has_a_seed_source_and_known_region() -> None:
    df = region_statistics()
    assert len(df)
    groups = {g["id"] for g in yaml.safe_load((PLANS / "region_groups.yaml").read_text("utf-8"))}
    for _, r in df.iterrows():
        assert " § " in r["source"] and r["source"].split(" § ")[0].endswith(".txt")
        if r["region_kind"] == "region":
            assert r["region"] in plan_regions().index
        else:
            assert r["region"] in groups
        # the printed value appears in the quoted statement
        assert f"{r['value']:g}" in r["statement"].replace(" ", "")


def test_statements_are_quoted_from_the_seeds(seeds_dir: Path) -> None:
    for _, r in region_statistics().iterrows():
        text = (seeds_dir / r["source"].split(" § ")[0]).read_text("utf-8")
        flat = "".join(text.split())
        assert "".join(r["statement"].split()) in flat


def test_figures_agree_with_targets_yaml() -> None:
    targets = yaml.safe_load((PLANS / "targets.yaml").read_text("utf-8"))
    stats = {(t.get("baseline_value"), t.get("unit"), t.get("source")) for t in targets}
    for _, r in region_statistics().iterrows():
        assert (r["value"], r["unit"], r["source"]) in stats


def test_every_county_unit_has_its_2020_census_population() -> None:
    codes = set(plan_regions().index[plan_regions()["level"] == "county"])
    pops = region_population()
    assert codes <= set(pops)
    # typed from the census yearbook rows (shared/data/census2020/county_population_2020_key.csv)
    assert pops["620102"]["population"] == 1484016  # 城关区
    assert pops["632301"]["population"] == 101519  # 同仁县 in the census, now 同仁市
    assert pops["620100"]["population"] == 4359446  # 兰州市, as the 7th-census communiqué
    assert pops["630100"]["population"] == 2467965  # 西宁市, as the 7th-census communiqué
    # the agglomeration: 39 units + 兰州新区 288,200 (docs/data-regions.md)
    assert pops["LXCSQ"]["population"] == 12190082 + 288200
    assert all(pops[c]["year"] == "2020" and pops[c]["unit"] == "人" for c in codes)
