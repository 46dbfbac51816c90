"""``lanxi structure inequality``: population weights by default, from the 2020 census."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lanxi.cli.main import app
from lanxi.services import economy as eco

runner = CliRunner()
LANZHOU, XINING = 4359446, 2467965  # 2020 census communiqués (兰州市 includes 兰州新区)


def _file(tmp_path: Path, rows: list[tuple[str, str, float, str]]) -> Path:
    f = tmp_path / "yb.csv"
    lines = ["region_code,year,sector,value,unit"]
    lines += [f"{c},2020,{s},{v},{u}" for c, s, v, u in rows]
    f.write_text("\n".join(lines) + "\n", "utf-8")
    return f


def test_census_weights_by_default(tmp_path: Path) -> None:
    f = _file(tmp_path, [("620100", "gdp", 100.0, "亿元"), ("630100", "gdp", 50.0, "亿元")])
    res = eco.inequality(f, scope="prefecture")
    assert "第七次全国人口普查" in res["population_source"]
    # by hand: Y shares 2/3, 1/3; P shares from the census
    p = LANZHOU + XINING
    t = 2 / 3 * math.log((2 / 3) / (LANZHOU / p)) + 1 / 3 * math.log((1 / 3) / (XINING / p))
    assert res["theil"]["total"] == pytest.approx(t, abs=1e-6)
    assert res["theil"]["form"] == "population_weighted"
    y1, y2 = 100 / LANZHOU, 50 / XINING
    g = LANZHOU * XINING * abs(y1 - y2) / (p**2 * (150 / p))
    assert res["gini_population_weighted"] == pytest.approx(g, abs=1e-6)
    assert {r["population"] for r in res["regions"]} == {LANZHOU, XINING}


def test_file_population_wins_and_cli(tmp_path: Path) -> None:
    f = _file(
        tmp_path,
        [
            ("620100", "gdp", 100.0, "亿元"),
            ("630100", "gdp", 50.0, "亿元"),
            ("620100", "population", 2.0, "百万人"),
            ("630100", "population", 1.0, "百万人"),
        ],
    )
    # equal GDP per head (50 per million): no inequality
    res = eco.inequality(f, scope="prefecture")
    assert res["theil"]["total"] == 0 and res["gini_population_weighted"] == 0
    assert "population" in res["population_source"]
    out = tmp_path / "o.json"
    r = runner.invoke(
        app,
        ["structure", "inequality", str(f), "--scope", "prefecture", "-f", "json", "-o", str(out)],
    )
    assert r.exit_code == 0, r.output
    assert json.loads(out.read_text("utf-8"))["n"] == 2
