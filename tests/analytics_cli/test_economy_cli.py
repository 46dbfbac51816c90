"""`lanxi structure`, `lanxi linkage gravity` and `lanxi coupling` on small hand-made files."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from tests.strict_json import strict_loads
from typer.testing import CliRunner

from lanxi.cli.main import app

runner = CliRunner()
HEADER = "region_code,year,sector,value,unit\n"


def _file(tmp_path: Path, body: str, name: str = "yb.csv") -> Path:
    p = tmp_path / name
    p.write_text(HEADER + body, encoding="utf-8")
    return p


def _json(*args: str) -> list[dict]:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return strict_loads(result.stdout)


@pytest.fixture
def two_regions(tmp_path: Path) -> Path:
    # 城关区: A 30, B 10 (40); 城东区: A 10, B 50 (60); reference A 40, B 60 (100)
    return _file(
        tmp_path,
        "620102,2020,A,30,万人\n620102,2020,B,10,万人\n"
        "630102,2020,A,10,万人\n630102,2020,B,50,万人\n",
    )


def test_lq_reproduces_hand_computed_values(two_regions: Path) -> None:
    rows = _json("structure", "lq", str(two_regions))
    lq = {(r["region_code"], r["sector"]): r["lq"] for r in rows}
    assert lq[("620102", "A")] == pytest.approx((30 / 40) / (40 / 100), abs=1e-6)  # 1.875
    assert lq[("620102", "B")] == pytest.approx((10 / 40) / (60 / 100), abs=1e-6)  # 0.416667
    assert lq[("630102", "A")] == pytest.approx((10 / 60) / (40 / 100), abs=1e-6)  # 0.416667
    assert lq[("630102", "B")] == pytest.approx((50 / 60) / (60 / 100), abs=1e-6)  # 1.388889
    assert {r["scope"] for r in rows} == {"county"}
    assert {r["year"] for r in rows} == {2020}
    assert rows[0]["region_name"] == "城关区"


def test_krugman_and_similarity_hand_computed(two_regions: Path) -> None:
    k = {r["region_code"]: r["krugman"] for r in _json("structure", "krugman", str(two_regions))}
    # against the other region: |0.75 - 1/6| + |0.25 - 5/6| = 7/6
    assert k["620102"] == pytest.approx(7 / 6, abs=1e-6)
    assert k["630102"] == pytest.approx(7 / 6, abs=1e-6)
    (s,) = _json("structure", "similarity", str(two_regions))
    expected = (30 * 10 + 10 * 50) / math.sqrt((30**2 + 10**2) * (10**2 + 50**2))
    assert s["similarity"] == pytest.approx(expected, abs=1e-6)
    assert s["scope"] == "county"


def test_table_and_xlsx_formats(two_regions: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["structure", "lq", str(two_regions)])
    assert result.exit_code == 0, result.output
    assert "1.875" in result.output
    out = tmp_path / "lq.xlsx"
    result = runner.invoke(
        app, ["structure", "lq", str(two_regions), "--format", "xlsx", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.exists()


def test_bad_yearbook_exits_2_naming_row_and_column(tmp_path: Path) -> None:
    bad = _file(tmp_path, "620102,2020,A,30,万人\n620102,2020,B,abc,万人\n")
    result = runner.invoke(app, ["structure", "lq", str(bad)])
    assert result.exit_code == 2
    assert "yb.csv, row 3, field 'value'" in result.output
    assert "not a number" in result.output


def test_region_outside_scope_is_an_error_with_its_row(tmp_path: Path) -> None:
    f = _file(tmp_path, "620102,2020,A,30,万人\n620100,2020,A,10,万人\n")
    result = runner.invoke(app, ["structure", "lq", str(f)])
    assert result.exit_code == 2
    assert "row 3, field 'region_code'" in result.output
    assert "--scope prefecture" in result.output


def test_prefecture_scope(tmp_path: Path) -> None:
    f = _file(
        tmp_path,
        "620100,2020,A,30,万人\n620100,2020,B,10,万人\n630100,2020,A,10,万人\n"
        "630100,2020,B,50,万人\n",
    )
    rows = _json("structure", "lq", str(f), "--scope", "prefecture")
    assert {r["scope"] for r in rows} == {"prefecture"}
    assert {r["region_name"] for r in rows} == {"兰州市", "西宁市"}


def test_gravity_great_circle_and_travel_time(tmp_path: Path) -> None:
    f = _file(
        tmp_path,
        "620100,2020,population,400,万人\n620100,2020,gdp,3000,亿元\n"
        "630100,2020,population,250,万人\n630100,2020,gdp,1500,亿元\n"
        "630200,2020,population,135,万人\n630200,2020,gdp,500,亿元\n",
    )
    rows = _json("linkage", "gravity", str(f), "--scope", "prefecture")
    assert len(rows) == 3
    for r in rows:
        assert r["scope"] == "prefecture" and r["distance_unit"] == "km"
        pa = {"620100": (400, 3000), "630100": (250, 1500), "630200": (135, 500)}
        (p1, g1), (p2, g2) = pa[r["region_a"]], pa[r["region_b"]]
        assert r["strength"] == pytest.approx(
            math.sqrt(p1 * g1) * math.sqrt(p2 * g2) / r["distance"] ** 2, rel=1e-4
        )
    assert rows[0]["strength"] >= rows[1]["strength"] >= rows[2]["strength"]
    tt = _json(
        "linkage",
        "gravity",
        str(f),
        "--scope",
        "prefecture",
        "--distance",
        "travel-time",
        "--exponent",
        "1",
    )
    assert {r["distance_unit"] for r in tt} == {"min"}
    assert {r["exponent"] for r in tt} == {1.0}


def test_gravity_missing_sector_is_explained(tmp_path: Path) -> None:
    f = _file(tmp_path, "620100,2020,pop,400,万人\n630100,2020,pop,250,万人\n")
    result = runner.invoke(app, ["linkage", "gravity", str(f), "--scope", "prefecture"])
    assert result.exit_code == 2
    assert "--population-sector" in result.output


def test_coupling_two_subsystems(tmp_path: Path) -> None:
    f = _file(
        tmp_path,
        "620102,2020,economy,0.2,index\n620102,2020,ecology,0.8,index\n"
        "630102,2020,economy,0.5,index\n630102,2020,ecology,0.5,index\n",
    )
    rows = {r["region_code"]: r for r in _json("coupling", str(f))}
    a = rows["620102"]
    assert a["C"] == pytest.approx(0.8) and a["T"] == pytest.approx(0.5)
    assert a["D"] == pytest.approx(math.sqrt(0.4), abs=1e-6)
    assert a["grade"] == "初级协调"  # 0.6 < D ≤ 0.7 and a["scope"] == "county"
    assert rows["630102"]["C"] == pytest.approx(1.0)
    w = {
        r["region_code"]: r
        for r in _json("coupling", str(f), "--weights", "economy=0.25,ecology=0.75")
    }
    assert w["620102"]["T"] == pytest.approx(0.25 * 0.2 + 0.75 * 0.8)


def test_coupling_bad_weights_exit_2(tmp_path: Path) -> None:
    f = _file(tmp_path, "620102,2020,economy,0.2,index\n620102,2020,ecology,0.8,index\n")
    result = runner.invoke(app, ["coupling", str(f), "--weights", "economy=0.5,x"])
    assert result.exit_code == 2
    assert "--weights" in result.output


def test_coupling_level_above_one_names_the_row(tmp_path: Path) -> None:
    f = _file(tmp_path, "620102,2020,economy,0.2,index\n620102,2020,ecology,8,index\n")
    result = runner.invoke(app, ["coupling", str(f)])
    assert result.exit_code == 2
    assert "yb.csv, row 3, field 'value'" in result.output
