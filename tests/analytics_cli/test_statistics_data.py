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


def test_no_county_population_is_bundled_so_circle_falls_back_to_counts() -> None:
    codes = set(plan_regions().index[plan_regions()["level"] == "county"])
    assert not codes & set(region_population())
