"""The yearbook table schema: every problem reported with row and column, and the matrix view."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lanxi.compute.structure import location_quotient
from lanxi.compute.yearbook import COLUMNS, to_matrix, validate_yearbook
from lanxi.errors import ValidationError


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region_code": ["620100", "620100", "630100", "630100", "620100"],
            "year": [2020, 2020, 2020, 2020, 2021],
            "sector": ["第二产业", "第三产业", "第二产业", "第三产业", "第二产业"],
            "value": ["1046.6", 1886.8, 450.2, 902.0, 1100],
            "unit": ["亿元"] * 5,
        }
    )


def test_valid_table_is_returned_typed() -> None:
    clean = validate_yearbook(_table(), file="gansu.csv")
    assert list(clean.columns) == list(COLUMNS)
    assert clean["value"].dtype == float
    assert clean["year"].tolist() == [2020, 2020, 2020, 2020, 2021]
    assert clean.loc[0, "value"] == pytest.approx(1046.6)


def test_region_codes_read_as_numbers_stay_codes() -> None:
    t = _table()
    t["region_code"] = [620100, 620100, 630100, 630100, 620100]
    assert validate_yearbook(t)["region_code"].tolist()[0] == "620100"


def test_every_problem_is_listed_with_row_and_column() -> None:
    t = pd.DataFrame(
        {
            "region_code": ["620100", "620100", None, "630100", "630100", "630100"],
            "year": [2020, 2020, 2020, "2020.5", 2020, 2020],
            "sector": ["第二产业", "第二产业", "第三产业", "第二产业", "第三产业", "第一产业"],
            "value": [1.0, 2.0, 3.0, "n/a", -4.0, 5.0],
            "unit": ["亿元", "亿元", "亿元", "亿元", "万元", "亿元"],
            "note": ["", "", "", "", "", ""],
        }
    )
    with pytest.raises(ValidationError) as exc:
        validate_yearbook(t, file="mine.csv")
    got = {(p.row, p.field) for p in exc.value.problems}
    assert (1, "note") in got  # unknown column, on the header row
    assert (3, "region_code,year,sector") in got  # duplicate of row 2
    assert (4, "region_code") in got  # missing cell
    assert (5, "year") in got  # not a whole year
    assert (5, "value") in got  # not a number
    assert (6, "value") in got  # negative
    assert (6, "unit") in got  # 第三产业 in 万元 while row 4 has it in 亿元
    assert all(p.file == "mine.csv" for p in exc.value.problems)
    text = str(exc.value)
    assert "first at row 2" in text and "one unit per sector" in text


def test_missing_columns_are_reported() -> None:
    with pytest.raises(ValidationError, match="missing column"):
        validate_yearbook(_table().drop(columns=["unit"]))


def test_to_matrix_pivots_one_year() -> None:
    m = to_matrix(_table(), 2020)
    assert list(m.index) == ["620100", "630100"]
    assert list(m.columns) == ["第三产业", "第二产业"]
    assert m.loc["630100", "第二产业"] == pytest.approx(450.2)
    lq = location_quotient(m)
    assert lq.shape == (2, 2)


def test_to_matrix_gaps_and_missing_year() -> None:
    m = to_matrix(_table(), 2021)
    assert m.shape == (1, 1)
    t = _table().iloc[[0, 1, 2]]
    gappy = to_matrix(t, 2020)
    assert np.isnan(gappy.loc["630100", "第三产业"])
    assert to_matrix(t, 2020, fill_value=0).loc["630100", "第三产业"] == 0.0
    with pytest.raises(
        ValidationError, match=r"no rows for year 2019; years present: \[2020, 2021\]"
    ):
        to_matrix(_table(), 2019)
