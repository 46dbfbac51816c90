"""The message catalogue: every key the builders and templates use exists, in both languages."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest

from lanxi.reports import KINDS
from lanxi.reports.builders.common import plain
from lanxi.reports.content import Column, Table
from lanxi.reports.i18n import catalogue, t
from lanxi.reports.render_html import column_widths, format_cell

SRC = Path(str(resources.files("lanxi.reports")))


def _used_keys() -> set[str]:
    keys: set[str] = set()
    for path in [*SRC.rglob("*.py"), *SRC.rglob("*.j2")]:
        text = path.read_text(encoding="utf-8")
        keys |= set(re.findall(r"""\bt\(\s*["']([a-z_][a-z0-9_.\-]*)["']""", text))
        keys |= {f"col.{k}" for k in re.findall(r"""\bcol\(\s*"([a-z0-9_]+)\"""", text)}
    return keys


def test_every_used_key_is_in_the_catalogue() -> None:
    used = _used_keys()
    assert len(used) > 150
    missing = sorted(k for k in used if k not in catalogue())
    assert missing == []


def test_every_entry_has_both_languages_and_kinds_have_titles() -> None:
    for key, entry in catalogue().items():
        assert set(entry) == {"zh", "en"} and all(
            isinstance(v, str) and v for v in entry.values()
        ), key
    for kind in KINDS:
        assert t(f"kind.{kind}", "zh") != t(f"kind.{kind}", "en")
    assert t("no_data", "zh") == "本期无数据" and t("no_data", "en") == "No data for this period"
    assert (
        t("subtitle.water_warnings", "en", quarter="Q2 2025") == "Water-quality warnings, Q2 2025"
    )


@pytest.mark.parametrize(
    ("value", "column", "lang", "shown"),
    [
        (None, Column(key="x", label="x", kind="float"), "zh", "—"),
        (float("nan"), Column(key="x", label="x", kind="percent"), "zh", "—"),
        (0.0, Column(key="x", label="x", kind="int"), "zh", "0"),  # a real zero stays a zero
        (0.583333, Column(key="x", label="x", kind="percent", digits=1), "zh", "58.3%"),
        (90, Column(key="x", label="x", kind="percent", digits=0, scale=0.01), "zh", "90%"),
        (12345.678, Column(key="x", label="x", kind="float", digits=1), "en", "12,345.7"),
        (True, Column(key="x", label="x", kind="bool"), "zh", "是"),
        (False, Column(key="x", label="x", kind="bool"), "en", "no"),
    ],
)
def test_format_cell(value: object, column: Column, lang: str, shown: str) -> None:
    assert format_cell(value, column, lang) == shown  # type: ignore[arg-type]


def test_plain_keeps_numbers_exact() -> None:
    import numpy as np
    import pandas as pd

    assert plain(np.float64(0.1) + np.float64(0.2)) == 0.30000000000000004
    assert plain(np.int64(7)) == 7 and type(plain(np.int64(7))) is int
    assert plain(pd.NA) is None and plain(np.nan) is None
    assert plain(np.bool_(True)) is True
    assert plain(["a", "b"]) == "a; b"


def test_column_widths_sum_to_100() -> None:
    table = Table(
        id="t",
        title="t",
        columns=[Column(key="a", label="断面"), Column(key="b", label="值", kind="float")],
        rows=[{"a": "HS-OUT", "b": 1.5}],
        source="test",
    )
    widths = column_widths(table)
    assert sum(widths) == pytest.approx(100, abs=0.05) and len(widths) == 2
