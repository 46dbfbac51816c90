"""Water results below the detection limit: accepted, kept, evaluated at ½ DL (环办监测函〔2020〕82号 七)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from lanxi.cli.main import app
from lanxi.compute.water.detection import (
    half_limit_factor,
    parse_below_detection,
    split_detection,
)

runner = CliRunner()


@pytest.mark.parametrize(
    ("cell", "dl"),
    [
        ("0.02L", 0.02),
        ("0.02 L", 0.02),
        ("0.02(L)", 0.02),
        ("<0.025", 0.025),
        ("＜0.025", 0.025),
        ("ND(0.5)", 0.5),
        ("未检出（0.01）", 0.01),
        ("ND<0.1", 0.1),
        ("0.3", None),
        ("ND", None),
        ("0.02l", None),  # a lower-case l is not HJ/T 91's flag
        (None, None),
    ],
)
def test_forms(cell: object, dl: float | None) -> None:
    assert parse_below_detection(cell) == dl


def test_half_the_limit_from_the_cited_table() -> None:
    assert half_limit_factor() == 0.5
    numbers, limits = split_detection(pd.Series(["0.02L", "0.3", None, "<0.01"]))
    assert numbers.tolist()[:2] == [0.01, 0.3] and numbers.tolist()[3] == 0.005
    assert pd.isna(numbers[2])
    assert limits.tolist()[0] == 0.02 and limits.tolist()[3] == 0.01
    assert limits[[1, 2]].isna().all()


def test_classify_keeps_what_was_reported(tmp_path: Path) -> None:
    src = tmp_path / "w.csv"
    src.write_text(
        "section,time,waterbody,nh3n,tp,cod\n"
        "S1,2025-06-01,river,0.025L,<0.02,ND(4)\n"
        "S3,2025-06-01,river,1.0,0.1,未检出（40）\n",
        encoding="utf-8",
    )
    out = tmp_path / "o.csv"
    res = runner.invoke(app, ["water", "classify", str(src), "--out", str(out)])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(out, keep_default_na=False)
    # S1: NH3-N 0.0125 (Ⅰ ≤ 0.15), TP 0.01 (Ⅰ ≤ 0.02), COD 2 (Ⅰ ≤ 15) → Ⅰ
    assert df.loc[0, "nh3n"] == 0.0125 and df.loc[0, "tp"] == 0.01 and df.loc[0, "cod"] == 2
    assert df.loc[0, "water_class_label"] == "Ⅰ"
    assert df.loc[0, "below_detection"] == "cod ND(4); nh3n 0.025L; tp <0.02"
    # S3: COD "not detected" at a limit of 40 counts as 20: Ⅲ (15 < 20 ≤ 20); NH3-N 1.0 Ⅲ
    assert df.loc[1, "cod"] == 20 and df.loc[1, "water_class_label"] == "Ⅲ"
    assert df.loc[1, "below_detection"] == "cod 未检出（40）"


def test_bare_nd_is_refused_with_the_forms_that_work(tmp_path: Path) -> None:
    src = tmp_path / "w.csv"
    src.write_text(
        "section,time,waterbody,nh3n,ph\nS1,2025-06-01,river,未检出,7\nS2,2025-06-01,river,0.1,<7\n",
        encoding="utf-8",
    )
    res = runner.invoke(app, ["water", "classify", str(src), "--out", str(tmp_path / "o.csv")])
    assert res.exit_code == 2
    assert "row 2, field 'nh3n': below detection without the limit" in res.output
    assert "0.025L" in res.output
    # pH is never below a detection limit: "<7" is not a number
    assert "row 3, field 'ph': not a number" in res.output


def test_below_detection_in_the_monthly_mean(tmp_path: Path) -> None:
    # two June samples of NH3-N: 0.2L (→ 0.1) and 0.19 → mean 0.145: Ⅰ (≤ 0.15); the limit
    # itself (0.2) would give 0.195 and dropping the value 0.19, both Ⅱ
    src = tmp_path / "w.csv"
    src.write_text(
        "section,time,waterbody,target_class,nh3n\n"
        "S1,2025-06-01,river,2,0.2L\nS1,2025-06-15,river,2,0.19\n",
        encoding="utf-8",
    )
    res = runner.invoke(app, ["water", "assess", "--month", "2025-06", "--file", str(src)])
    assert res.exit_code == 0, res.output
    from io import StringIO

    row = pd.read_csv(StringIO(res.stdout)).iloc[0]
    assert int(row["water_class"]) == 1
