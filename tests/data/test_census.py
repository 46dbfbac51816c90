"""The bundled 2020/2010 census tables: source, licence, sums, renamed units, 兰州新区."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from lanxi.data import census
from lanxi.services.analytics import plan_regions

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "census2020"


def test_licence_and_citation_beside_the_data() -> None:
    folder = resources.files("lanxi") / "data" / "statistics" / "census"
    assert "MIT License" in (folder / "LICENSE.txt").read_text("utf-8")
    readme = (folder / "README.md").read_text("utf-8")
    assert "leiii/census" in readme and "0ba0f1efae092f4aa6569ef38e53b3bb4d2f0087" in readme


def test_2020_rows_and_the_plans_39_units() -> None:
    df = census.census_2020().set_index("code")
    assert len(df) == 64 and (df["level"] == "prefecture").sum() == 9
    units = set(df.index[df["in_lanxi39"] == 1])
    assert units == set(plan_regions().index[plan_regions()["level"] == "county"])
    # typed from the census communiqués / the yearbook rows
    assert df.at["620100", "population"] == 4359446
    assert df.at["630100", "population"] == 2467965
    assert df.at["620171", "population"] == 288200
    assert (df.at["632301", "name"], df.at["632301", "name_current"]) == ("同仁县", "同仁市")
    lanzhou_8 = df.loc[[c for c in units if c.startswith("6201")], "population"].sum()
    assert lanzhou_8 == 4071246 and lanzhou_8 + 288200 == 4359446
    assert census.agglomeration_population() == {
        "county_units": 12190082,
        "new_area": 288200,
        "total": 12478282,
    }


def test_2010_codes_map_to_todays_units() -> None:
    df = census.census_2010().set_index("code_2010")
    assert len(df) == 56
    assert df.at["630122", "code_current"] == "630106"  # 湟中县 → 湟中区
    assert df.at["632321", "code_current"] == "632301"  # 同仁县 → 同仁市
    assert df.at["620100", "population"] == 3616163
    assert not any(c.startswith("6321") or c.startswith("6302") for c in df.index)  # 海东 absent


def test_same_figures_as_the_shared_extract() -> None:
    if not SHARED.is_dir():
        pytest.skip("shared/data/census2020 not beside the repository (the bundle is the copy)")
    key = pd.read_csv(SHARED / "county_population_2020_key.csv", dtype={"区划代码": str})
    ours = census.census_2020().set_index("code")
    assert (ours.loc[key["区划代码"], "population"].to_numpy() == key["人口数_合计"]).all()
