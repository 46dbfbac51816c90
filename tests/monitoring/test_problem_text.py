"""Every validation problem has Chinese text (the catalogue fails on a missing translation), and
Excel dates are taken where a month or year is asked, converted with a note."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from tests.monitoring.test_validate_units import REF, frame

from lanxi.errors import ValidationError
from lanxi.services.monitoring import validate
from lanxi.services.monitoring.common import Reference
from lanxi.services.monitoring.problem_text import CATALOGUE, KIND_ZH, message_zh
from lanxi.services.monitoring.validate import (
    PROGRESS_COLUMNS,
    validate_observations,
    validate_progress,
)

SOURCES = [Path(validate.__file__), Path(validate.__file__).with_name("submit.py")]


def test_every_kind_used_by_the_validators_is_in_the_catalogue() -> None:
    used = set()
    for path in SOURCES:
        used |= set(re.findall(r"\"\[([a-z ]+)\] ", path.read_text(encoding="utf-8")))
    assert used, "the validators' kinds were not found"
    assert used <= set(CATALOGUE), used - set(CATALOGUE)
    assert set(CATALOGUE) - {""} == set(KIND_ZH)


def test_translations_by_hand() -> None:
    assert message_zh("[required] 'unit' is empty; fill it in") == "[必填] “unit”为空，请填写"
    assert (
        message_zh(
            "[plausible range] 150 % is outside the indicator's range [0, 100]; check the unit "
            "and the decimal point"
        )
        == "[合理范围] 150 %超出指标的合理范围 [0, 100]，请检查单位和小数点"
    )
    assert message_zh(
        "[plausible range] 150 % after conversion to the indicator's unit is outside the "
        "indicator's range [0, 100]; check the unit and the decimal point"
    ) == ("[合理范围] 150 %（换算为指标单位后）超出指标的合理范围 [0, 100]，请检查单位和小数点")
    assert message_zh("[unique] duplicate (a, b): the same key is at row 2; keep one row per key")
    # a message the catalogue does not know has no translation: the test below would fail
    assert message_zh("[period form] something new") is None
    assert message_zh("[no such kind] x") is None


def _all_zh(problems: list) -> None:
    missing = [p.message for p in problems if not p.message_zh]
    assert missing == []
    assert all(re.search(r"[\u4e00-\u9fff]", p.message_zh) for p in problems)


def test_every_observation_problem_has_chinese() -> None:
    bad = frame(
        ("nope", "2023", "1", "万人"),
        ("pop", "2023Q1", "1", "万人"),
        ("m", "2023", "1", "万人"),
        ("pop", "2023", "x", "万人"),
        ("pop", "2022", "1", "kg"),
        ("rate", "2023", "150", "%"),
        ("share", "2023", "1.5", "ratio"),
        ("pop", "2021", "", "万人"),
        ("rate", "2020", "1", "%"),
        ("rate", "2020", "2", "%"),
    )
    bad.loc[0, "region_code"] = "999999"
    with pytest.raises(ValidationError) as e:
        validate_observations(bad, REF, file="x.csv", max_per_rule=1)
    problems = e.value.problems
    kinds = {re.match(r"\[([a-z ]+)\]", p.message)[1] for p in problems if p.message[0] == "["}
    assert {"indicator exists", "region exists", "period form", "number", "unit"} <= kinds
    assert {"plausible range", "required", "unique"} <= kinds
    assert any(p.message.startswith("…") for p in problems)  # max_per_rule=1 cut some
    _all_zh(problems)
    header = pd.DataFrame([["a", "b", "c"]], columns=["indicator_id", "oops", "oops"])
    with pytest.raises(ValidationError) as e:
        validate_observations(header, REF, file="x.csv")
    _all_zh(e.value.problems)


def test_every_progress_problem_has_chinese() -> None:
    ref = Reference(
        indicators={},
        regions={},
        agencies={"a1": {"name": "A"}},
        tasks={"t01": {"name": "T"}},
        assignments={},
    )
    rows = [
        ["t99", "zz", "2023X", "差不多", "x", "", "ftp://x"],
        ["t01", "a1", "2023H2", "已完成", "50", "", ""],
        ["t01", "a1", "2023H1", "未启动", "5", "", ""],
        ["t01", "a1", "2023Q1", "推进中", "150", "", ""],
        ["t01", "a1", "2023Q1", "推进中", "10", "", ""],
        ["", "a1", "2023Q3", "推进中", "10", "", ""],
    ]
    with pytest.raises(ValidationError) as e:
        validate_progress(pd.DataFrame(rows, columns=PROGRESS_COLUMNS), ref, file="p.csv")
    kinds = {p.message.split("]")[0] + "]" for p in e.value.problems}
    assert {"[task exists]", "[agency exists]", "[period form]", "[status]"} <= kinds
    assert {"[percent]", "[links]", "[unique]", "[required]"} <= kinds
    _all_zh(e.value.problems)


def test_excel_dates_become_the_period_asked_for_with_a_note() -> None:
    got = validate_observations(
        frame(
            ("m", "2025-06-01 00:00:00", "1", "万人"),
            ("pop", "2024-01-01 00:00:00", "2", "万人"),
            ("q", "2025-04-01", "3", "万人"),
            ("d", "2025-06-15 00:00:00", "4", "万人"),
            ("m", "2025-07", "5", "万人"),
        ),
        REF,
        file="x.xlsx",
    )
    assert got["period"].tolist() == ["2025-06", "2024", "2025Q2", "2025-06-15", "2025-07"]
    notes = got["note"].tolist()
    assert (
        notes[0]
        == "期间由 Excel 日期 2025-06-01 00:00:00 转换为 2025-06（period converted from an Excel date）"
    )
    assert "2024-01-01 00:00:00 转换为 2024" in notes[1]
    assert pd.isna(notes[4])
    # a date that is not the first of the month stays a problem for a monthly indicator
    with pytest.raises(ValidationError) as e:
        validate_observations(frame(("m", "2025-06-15 00:00:00", "1", "万人")), REF, file="x")
    assert e.value.problems[0].field == "period"
