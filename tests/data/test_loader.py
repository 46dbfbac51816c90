"""The validating loaders name file, row and field for every problem and list them all."""

from __future__ import annotations

from pathlib import Path

import pytest

from lanxi.data.loader import read_csv_records, read_yaml_records
from lanxi.domain.plans import Plan, Region
from lanxi.errors import ValidationError

HEADER = "code,name,name_en,level,parent_code,province,in_scope,area_km2,lon,lat,source,code_source,geo_source,notes\n"
GOOD = "620100,兰州市,Lanzhou,prefecture,620000,甘肃,whole,13100,103.8,36.1,001_ff21d5f6d73a90f5.txt § 前言,GB/T 2260,,\n"


def test_good_csv_row_loads(tmp_path: Path) -> None:
    p = tmp_path / "regions.csv"
    p.write_text(HEADER + GOOD, encoding="utf-8")
    [r] = read_csv_records(p, Region)
    assert r.code == "620100"
    assert r.area_km2 == 13100.0
    assert r.province is not None and r.province.value == "甘肃"


def test_csv_problems_name_file_row_field_and_are_all_listed(tmp_path: Path) -> None:
    p = tmp_path / "regions.csv"
    bad_code = GOOD.replace("620100", "62010X", 1)
    wrong_province = GOOD.replace("620100", "630100", 1)  # a Qinghai code said to be in Gansu
    bad_lat = GOOD.replace(",36.1,", ",96.1,")
    p.write_text(HEADER + GOOD + bad_code + wrong_province + bad_lat, encoding="utf-8")
    with pytest.raises(ValidationError) as exc:
        read_csv_records(p, Region)
    problems = exc.value.problems
    assert [(q.file, q.row, q.field) for q in problems] == [
        ("regions.csv", 3, "code"),
        ("regions.csv", 4, None),
        ("regions.csv", 5, "lat"),
    ]
    assert "does not belong to 甘肃" in problems[1].message
    assert "regions.csv, row 3, field 'code'" in str(exc.value)


def test_unknown_column_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "regions.csv"
    p.write_text(HEADER.rstrip("\n") + ",colour\n" + GOOD.rstrip("\n") + ",red\n", encoding="utf-8")
    with pytest.raises(ValidationError) as exc:
        read_csv_records(p, Region)
    assert any(q.field == "colour" and "unknown column" in q.message for q in exc.value.problems)


def test_yaml_problem_names_record_line_and_field(tmp_path: Path) -> None:
    p = tmp_path / "plans.yaml"
    p.write_text(
        "- id: plan2018\n"
        "  title: 兰州—西宁城市群发展规划\n"
        "  title_en: Development Plan\n"
        "  kind: national_plan\n"
        "  issuer: 国家发展改革委\n"
        "  file: 001_ff21d5f6d73a90f5.txt\n"
        "  source: 001_ff21d5f6d73a90f5.txt § 前言\n"
        "- id: Bad-Id\n"
        "  title: x\n"
        "  title_en: x\n"
        "  kind: novel\n"
        "  issuer: x\n"
        "  file: 001_ff21d5f6d73a90f5.txt\n"
        "  source: 001_ff21d5f6d73a90f5.txt § 前言\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as exc:
        read_yaml_records(p, Plan)
    fields = sorted(q.field or "" for q in exc.value.problems)
    assert fields == ["id", "kind"]
    assert all(q.row == 2 and "(line 8)" in q.message for q in exc.value.problems)


def test_yaml_that_is_not_a_list_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "plans.yaml"
    p.write_text("id: plan2018\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="expected a YAML list"):
        read_yaml_records(p, Plan)


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    p = tmp_path / "plans.yaml"
    p.write_text("- id: [unclosed\n", encoding="utf-8")
    with pytest.raises(ValidationError) as exc:
        read_yaml_records(p, Plan)
    assert exc.value.problems[0].file == "plans.yaml"
    assert "not valid YAML" in exc.value.problems[0].message
