"""English names of the GB 3838-2002 表1 items (translations in the data file) and their use."""

from __future__ import annotations

import copy

import pytest

from lanxi.errors import ValidationError
from lanxi.standards import load_standard
from lanxi.standards.gb3838 import ITEM_KEYS, TABLE1_NAME, gb3838_table, parse_gb3838_table


def test_every_item_has_its_english_name() -> None:
    t = gb3838_table()
    assert set(t.names_en) == set(ITEM_KEYS) == set(t.names)
    assert t.name("codmn", "en") == "permanganate index (CODMn)"
    assert t.name("nh3n", "en") == "ammonia nitrogen (NH3-N)"
    assert t.name("tp", "en") == "total phosphorus (as P)"
    assert t.name("fecal_coliform", "en") == "fecal coliforms"
    # the Chinese names stay the standard's, the default of name()
    assert t.name("tp") == t.names["tp"] == "总磷（以P计）"
    assert t.unit("ph", "en") == "dimensionless" and t.unit("ph") == "无量纲"
    assert t.unit("fecal_coliform", "en") == "count/L" and t.unit("nh3n", "en") == "mg/L"
    assert all(not any("\u4e00" <= c <= "\u9fff" for c in n) for n in t.names_en.values())


def test_the_file_says_the_english_names_are_translations() -> None:
    notes = load_standard(TABLE1_NAME).notes or ""
    assert "TRANSLATIONS" in notes and "not part of the standard" in notes


def test_a_missing_english_name_is_reported_with_the_others() -> None:
    table = load_standard(TABLE1_NAME)
    data = copy.deepcopy(table.data)
    del data["items"]["nh3n"]["name_en"]
    data["items"]["tp"]["name_en"] = " "
    with pytest.raises(ValidationError) as exc:
        parse_gb3838_table(table.model_copy(update={"data": data}))
    fields = {p.field for p in exc.value.problems}
    assert fields == {"items.nh3n.name_en", "items.tp.name_en"}
