"""Valid JSON everywhere (no bare NaN/Infinity) and coupling grades on the printed values."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from tests.strict_json import strict_loads
from typer.testing import CliRunner

from lanxi.cli.main import app
from lanxi.export import dumps_strict, json_safe

runner = CliRunner()
HEADER = "region_code,year,sector,value,unit\n"


def _levels(tmp_path: Path, code: str, values: list[float]) -> Path:
    p = tmp_path / "c.csv"
    body = "".join(f"{code},2020,S{i},{v},x\n" for i, v in enumerate(values))
    p.write_text(HEADER + body, encoding="utf-8")
    return p


def test_strict_parser_refuses_nan() -> None:
    with pytest.raises(ValueError, match="NaN"):
        strict_loads("[NaN]")
    with pytest.raises(ValueError, match="Infinity"):
        strict_loads('{"a": -Infinity}')


def test_json_safe_and_dumps_strict() -> None:
    value = {"a": math.nan, "b": [np.float64("inf"), np.int64(3), (1.5, -math.inf)], "c": "中"}
    assert json_safe(value) == {"a": None, "b": [None, 3, [1.5, None]], "c": "中"}
    assert strict_loads(dumps_strict(value)) == {"a": None, "b": [None, 3, [1.5, None]], "c": "中"}


def test_five_levels_of_081_are_good_not_excellent(tmp_path: Path) -> None:
    # C = 1, T = 0.81, D = sqrt(0.81) = 0.9 exactly; float arithmetic gives 0.9000000000000001,
    # which the (0.9, 1.0] class 优质协调 would take. The printed D is 0.9: 良好协调 (0.8, 0.9].
    src = _levels(tmp_path, "620102", [0.81] * 5)
    res = runner.invoke(app, ["coupling", str(src), "--format", "json"])
    assert res.exit_code == 0, res.output
    (row,) = strict_loads(res.stdout)
    assert row["D"] == 0.9 and row["grade"] == "良好协调"
    assert row["C"] == 1.0 and row["stage"] == "高水平耦合"


def test_all_zero_levels_write_null_not_nan(tmp_path: Path) -> None:
    src = _levels(tmp_path, "620102", [0, 0, 0])
    res = runner.invoke(app, ["coupling", str(src), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert "NaN" not in res.stdout
    (row,) = strict_loads(res.stdout)
    assert row["C"] is None and row["D"] is None and row["grade"] is None
    assert row["T"] == 0.0
