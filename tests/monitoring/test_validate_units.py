"""Unit conversion and period forms of :func:`validate_observations`, on a hand-built catalogue.

Pure: no store. The conversions are the issue's three pairs (万人 ↔ 人, 亿元 ↔ 万元, % ↔ ratio)
with factors from ``lanxi/data/units.yaml`` (万 = 10⁴, 亿 = 10⁸); the periods are the forms of
each frequency, a day that does not exist included.
"""

from __future__ import annotations

import pandas as pd
import pytest

from lanxi.errors import ValidationError
from lanxi.services.monitoring.common import Reference
from lanxi.services.monitoring.validate import OBSERVATION_COLUMNS, validate_observations


def _ind(unit: str, frequency: str = "annual", lo: float | None = 0, hi: float | None = None):
    return {
        "name": "x",
        "unit": unit,
        "frequency": frequency,
        "aggregation": "sum",
        "numerator": None,
        "denominator": None,
        "range_min": lo,
        "range_max": hi,
        "higher_is_better": True,
    }


REF = Reference(
    indicators={
        "pop": _ind("万人", hi=10_000),
        "gdp": _ind("亿元", hi=100_000),
        "income": _ind("万元", hi=1_000),
        "persons": _ind("人"),
        "rate": _ind("%", hi=100),
        "share": _ind("ratio", hi=1),
        "q": _ind("万人", "quarterly"),
        "m": _ind("万人", "monthly"),
        "d": _ind("万人", "daily"),
    },
    regions={"620100": {"name": "兰州市", "level": "prefecture", "parent_code": None}},
    agencies={},
    tasks={},
    assignments={},
)


def frame(*rows: tuple[str, str, str, str]) -> pd.DataFrame:
    """Rows of (indicator, period, value, unit) for region 620100, as text like a file."""
    return pd.DataFrame(
        [[i, "620100", p, v, u, "s", ""] for i, p, v, u in rows], columns=OBSERVATION_COLUMNS
    )


@pytest.mark.parametrize(
    ("indicator", "value", "unit", "stored"),
    [
        ("pop", "4376000", "人", 437.6),  # 人 → 万人: ÷ 10⁴
        ("persons", "437.6", "万人", 4_376_000.0),  # 万人 → 人: × 10⁴
        ("gdp", "33437000", "万元", 3343.7),  # 万元 → 亿元: ÷ 10⁴
        ("income", "0.000245", "亿元", 2.45),  # 亿元 → 万元: × 10⁴
        ("rate", "0.835", "ratio", 83.5),  # ratio → %: × 100
        ("share", "83.5", "%", 0.835),  # % → ratio: ÷ 100
        ("rate", "83.5", "%", 83.5),  # the indicator's own unit: as given
    ],
)
def test_units_convert(indicator: str, value: str, unit: str, stored: float) -> None:
    out = validate_observations(frame((indicator, "2023", value, unit)), REF, file="f.csv")
    assert out["value"].iloc[0] == stored  # exact after rounding to 12 significant digits
    assert (out["unit"].iloc[0], out["submitted_unit"].iloc[0]) == (
        REF.indicators[indicator]["unit"],
        unit,
    )


def test_range_is_checked_after_conversion() -> None:
    # 200 000 000 人 = 20 000 万人, above the range [0, 10 000] of pop
    with pytest.raises(ValidationError) as exc:
        validate_observations(frame(("pop", "2023", "200000000", "人")), REF, file="f.csv")
    (p,) = exc.value.problems
    assert p.field == "value" and p.row == 2 and p.value == "200000000"
    assert p.message.startswith("[plausible range] 20000 万人 after conversion")


@pytest.mark.parametrize(
    ("indicator", "good", "bad"),
    [
        ("q", "2023Q4", ["2023", "2023Q5", "2023-10"]),
        ("m", "2023-07", ["2023", "2023-13", "2023Q3"]),
        ("d", "2024-02-29", ["2023-02-29", "2023-04-31", "2023-07"]),
        ("pop", "2023", ["2023Q1", "23", "2023-07"]),
    ],
)
def test_period_fits_the_frequency(indicator: str, good: str, bad: list[str]) -> None:
    ok = validate_observations(frame((indicator, good, "1", "万人")), REF, file="f.csv")
    assert ok["period"].tolist() == [good]
    rows = [(indicator, p, "1", "万人") for p in bad]
    with pytest.raises(ValidationError) as exc:
        validate_observations(frame(*rows), REF, file="f.csv", sheet="data")
    assert [(p.row, p.field, p.value, p.sheet) for p in exc.value.problems] == [
        (2 + k, "period", p, "data") for k, p in enumerate(bad)
    ]
    assert all(p.message.startswith("[period form]") for p in exc.value.problems)
