"""Unit plausibility per station / section and per item, with what was probably meant."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from lanxi.cli.main import app
from lanxi.compute.plausibility import _ranges, rules

runner = CliRunner()


def _air(tmp_path: Path, rows: list[str], header: str = "station,time,co,pm2_5") -> Path:
    p = tmp_path / "a.csv"
    p.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return p


def test_one_stations_co_in_micrograms_is_named(tmp_path: Path) -> None:
    rows = [f"1001A,2025-01-01 {h:02d}:00,{900 if 4 <= h < 8 else 0.8},35" for h in range(24)] + [
        f"1002A,2025-01-01 {h:02d}:00,0.9,35" for h in range(24)
    ]
    res = runner.invoke(
        app, ["air", "aqi", str(_air(tmp_path, rows)), "--out", str(tmp_path / "o.csv")]
    )
    assert res.exit_code == 2
    assert (
        "row 5, field 'co': CO 900 at station 1001A, rows 5–8 (4 of 24): above 150 mg/m³; "
        "looks like µg/m³; mg/m³ expected — divide by 1000"
    ) in res.output
    assert "1002A" not in res.output


def test_valid_co_up_to_150_with_a_high_median_is_accepted(tmp_path: Path) -> None:
    # the former median rule (> 50) refused this: every value is a valid mg/m³ concentration
    rows = [f"1001A,2025-01-01 {h:02d}:00,{60 + 90 * (h % 2)},35" for h in range(24)]
    out = tmp_path / "o.csv"
    res = runner.invoke(app, ["air", "aqi", str(_air(tmp_path, rows)), "--out", str(out)])
    assert res.exit_code == 0, res.output
    # CO 1-h 150 mg/m³ is the top breakpoint: IAQI 500
    assert pd.read_csv(out)["aqi"].max() == 500


def test_whole_file_in_micrograms_is_one_file_level_problem(tmp_path: Path) -> None:
    rows = [f"1001A,2025-01-01 {h:02d}:00,{800 + h},35" for h in range(3)]
    res = runner.invoke(
        app, ["air", "aqi", str(_air(tmp_path, rows)), "--out", str(tmp_path / "o.csv")]
    )
    assert res.exit_code == 2
    assert "field 'co': CO 800–802 in every row: above 150 mg/m³; the column looks like µg/m³" in (
        res.output
    )


def test_pm25_in_milligrams_at_one_station(tmp_path: Path) -> None:
    rows = [f"A,2025-01-01 {h:02d}:00,0.5,0.035" for h in range(3)] + [
        f"B,2025-01-01 {h:02d}:00,0.5,35" for h in range(3)
    ]
    res = runner.invoke(
        app, ["air", "aqi", str(_air(tmp_path, rows)), "--out", str(tmp_path / "o.csv")]
    )
    assert res.exit_code == 2
    assert (
        "PM2.5 0.035 at station A, rows 1–3 (3 of 3): every value below 1 µg/m³; looks like mg/m³"
        in (res.output)
    )
    assert "multiply by 1000" in res.output and "station B" not in res.output


def test_a_clean_station_with_zeros_or_few_values_is_left_alone(tmp_path: Path) -> None:
    rows = [f"A,2025-01-01 {h:02d}:00,0.5,0" for h in range(3)] + [
        f"B,2025-01-01 {h:02d}:00,0.5,{v}" for h, v in enumerate(["0.5", "", ""])
    ]
    res = runner.invoke(
        app, ["air", "aqi", str(_air(tmp_path, rows)), "--out", str(tmp_path / "o.csv")]
    )
    assert res.exit_code == 0, res.output


def test_water_nh3n_in_micrograms(tmp_path: Path) -> None:
    src = tmp_path / "w.csv"
    src.write_text(
        "section,time,waterbody,nh3n,pb\nS1,2025-06-01,river,500,0.01\nS1,2025-07-01,river,0.5,2.5\n"
        "S2,2025-06-01,river,30,0.01\n",
        encoding="utf-8",
    )
    res = runner.invoke(app, ["water", "classify", str(src), "--out", str(tmp_path / "o.csv")])
    assert res.exit_code == 2
    out = res.output
    assert (
        "row 2, field 'nh3n': NH3-N 500 at section S1, row 2 (1 of 2): above 100 mg/L; looks like "
        "µg/L; mg/L expected — divide by 1000"
    ) in out
    assert "row 3, field 'pb'" in out and "above 2 mg/L" in out
    assert "S2" not in out  # NH3-N 30 is a very polluted river, not a unit slip


def test_every_rule_has_a_rationale_and_known_item() -> None:
    from lanxi.standards.gb3838 import ITEM_KEYS
    from lanxi.standards.hj633 import POLLUTANTS

    for domain, known in (("air", POLLUTANTS), ("water", ITEM_KEYS)):
        for item, rule in rules(domain).items():
            assert item in known
            assert len(rule.rationale) > 20
            assert (rule.above is None) != (rule.all_below is None)


def test_ranges() -> None:
    assert _ranges(np.array([5, 6, 7, 8, 12])) == "5–8, 12"
    assert _ranges(np.array([3])) == "3"
