"""Every validation rule refuses the file with a Problem naming the row and the column."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from lanxi.errors import Problem, ValidationError
from lanxi.services.monitoring.submit import submit_file
from lanxi.storage.models import ObservationRow, SubmissionBatchRow

OK = "urbanization_rate,620100,2023,83.5,%,公报,"


def refused(store: sessionmaker[Session], path: Path, user: str = "admin") -> list[Problem]:
    with pytest.raises(ValidationError) as exc, store() as s, s.begin():
        submit_file(s, path, user)
    with store() as s:  # nothing was written
        assert s.scalar(select(func.count()).select_from(ObservationRow)) == 0
        assert s.scalar(select(func.count()).select_from(SubmissionBatchRow)) == 0
    return exc.value.problems


def only(problems: list[Problem], field: str) -> Problem:
    hits = [p for p in problems if p.field == field]
    assert len(hits) == 1, problems
    return hits[0]


@pytest.mark.parametrize(
    ("line", "field", "rule"),
    [
        ("gdp_percent,620100,2023,1,亿元,s,", "indicator_id", "[indicator exists]"),
        ("urbanization_rate,629999,2023,50,%,s,", "region_code", "[region exists]"),
        ("urbanization_rate,620100,2023Q1,50,%,s,", "period", "[period form]"),
        ("urbanization_rate,620100,23,50,%,s,", "period", "[period form]"),
        ("urbanization_rate,620100,2023,5O,%,s,", "value", "[number]"),
        ('urbanization_rate,620100,2023,"1,5",%,s,', "value", "[number]"),
        ("urbanization_rate,620100,2023,50,亿元,s,", "unit", "[unit]"),
        ("urbanization_rate,620100,2023,150,%,s,", "value", "[plausible range]"),
        ("urbanization_rate,620100,2023,1.5,ratio,s,", "value", "[plausible range]"),
        (",620100,2023,50,%,s,", "indicator_id", "[required]"),
        ("urbanization_rate,620100,2023,,%,s,", "value", "[required]"),
        ("urbanization_rate,620100,2023,50,,s,", "unit", "[required]"),
    ],
)
def test_each_rule_names_row_and_field(
    store: sessionmaker[Session], write_csv: Callable[..., Path], line: str, field: str, rule: str
) -> None:
    problems = refused(store, write_csv(OK, line))
    p = only(problems, field)
    assert p.row == 3  # header is row 1, the good row is row 2
    assert p.message.startswith(rule)
    assert p.file.endswith(".csv")


def test_duplicate_keys_point_at_the_first_row(
    store: sessionmaker[Session], write_csv: Callable[..., Path]
) -> None:
    problems = refused(store, write_csv(OK, "urbanization_rate,630100,2023,61,%,s,", OK))
    p = only(problems, "indicator_id")
    assert (p.row, "[unique]" in p.message, "row 2" in p.message) == (4, True, True)


def test_unknown_and_missing_columns_are_file_level(
    store: sessionmaker[Session], tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("indicator_id,region,period,value,unit\nx,620100,2023,1,%\n", encoding="utf-8")
    problems = refused(store, path)
    assert {(p.field, p.row) for p in problems} == {("region_code", None), ("region", None)}


def test_every_problem_is_listed_at_once(
    store: sessionmaker[Session], write_csv: Callable[..., Path]
) -> None:
    problems = refused(
        store,
        write_csv(
            "nope,620100,2023,1,%,s,",
            "urbanization_rate,999999,2023,1,%,s,",
            "urbanization_rate,620100,2023-13,x,%,s,",
        ),
    )
    assert {(p.row, p.field) for p in problems} == {
        (2, "indicator_id"),
        (3, "region_code"),
        (4, "period"),
        (4, "value"),
    }


def test_units_convert_to_the_indicators_unit(
    store: sessionmaker[Session], write_csv: Callable[..., Path]
) -> None:
    with store() as s, s.begin():
        r = submit_file(
            s,
            write_csv(
                "urbanization_rate,620100,2023,0.835,ratio,s,",
                "urbanization_rate,630100,2023,72,%,s,",
            ),
            "admin",
        )
    assert r.inserted == 2
    with store() as s:
        got = dict(s.execute(select(ObservationRow.region_code, ObservationRow.value)).all())
        units = set(s.scalars(select(ObservationRow.unit)))
    assert got == {"620100": pytest.approx(83.5), "630100": 72.0}
    assert units == {"%"}


PROGRESS_OK = "t01,gs_fgw,2023H2,推进中,40,前期工作完成,https://example.invalid/1"


@pytest.mark.parametrize(
    ("line", "field", "rule"),
    [
        ("t99,gs_fgw,2023H2,推进中,40,,", "task_id", "[task exists]"),
        ("t01,xx_fgw,2023H2,推进中,40,,", "agency_id", "[agency exists]"),
        ("t01,gs_fgw,2023H3,推进中,40,,", "period", "[period form]"),
        ("t01,gs_fgw,2023H1,进行中,40,,", "progress", "[status]"),
        ("t01,gs_fgw,2023H1,推进中,140,,", "percent", "[percent]"),
        ("t01,gs_fgw,2023H1,推进中,abc,,", "percent", "[percent]"),
        ("t01,gs_fgw,2023H1,已完成,90,,", "percent", "[percent]"),
        ("t01,gs_fgw,2023H1,未启动,10,,", "percent", "[percent]"),
        ("t01,gs_fgw,2023H1,推进中,40,,ftp://x", "evidence_links", "[links]"),
        ("t01,gs_fgw,2023H2,推进中,50,,", "task_id", "[unique]"),
    ],
)
def test_each_progress_rule(
    store: sessionmaker[Session],
    write_csv: Callable[..., Path],
    line: str,
    field: str,
    rule: str,
) -> None:
    with pytest.raises(ValidationError) as exc, store() as s, s.begin():
        submit_file(s, write_csv(PROGRESS_OK, line, progress=True), "admin")
    p = only(exc.value.problems, field)
    assert (p.row, p.message.split("]")[0] + "]") == (3, rule)


def test_excel_problems_name_the_sheet(store: sessionmaker[Session], tmp_path: Path) -> None:
    from lanxi.services.monitoring.templates import write_template

    path = tmp_path / "t.xlsx"
    with store() as s:
        t = write_template(
            s, "observations", path, indicators=["urbanization_rate"], regions=["620100"]
        )
    assert t.prefilled == 1
    import openpyxl

    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["data", "codes"]
    ws = wb["data"]
    ws["C2"], ws["D2"] = "2023", 120
    wb.save(path)
    problems = refused(store, path)
    p = only(problems, "value")
    assert (p.sheet, p.row) == ("data", 2)
