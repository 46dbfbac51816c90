"""English reports in English: no Chinese character except in a name or text marked as Chinese.

Every name comes from a ``name_en`` field (sections, rivers, stations, regions, agencies,
indicators, plans, compensation parties and rules) or the catalogue; what has no English form in
the bundled data (the plans' project names and clause headings, task titles) is printed as the
Chinese original and marked “(Chinese name)” / “(Chinese original)”. Checked on the report's
content (every string a reader sees) and on the English PDF of every kind (``pdftotext``): the PDF
holds no CJK character that is not part of a marked string.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from tests.reports.conftest import pdf_text

from lanxi.reports import KINDS, Report
from lanxi.reports.names import clause_number, region_name, section_name, station_name

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
MARKED = re.compile(r"\((?:Chinese name|Chinese original)\)")


def shown_strings(report: Report) -> list[str]:
    """Every string of the report a reader sees (cells of the shown columns only)."""
    out: list[str] = [
        report.title,
        report.subtitle or "",
        *report.editions,
        *report.methods,
        *report.notes,
        str(report.issuer or ""),
    ]
    for s in report.sections:
        out += [s.title, *s.paragraphs]
        for tb in s.tables:
            out += [tb.title, tb.source or "", tb.note or ""]
            out += [c.label for c in tb.columns] + [c.source or "" for c in tb.columns]
            keys = [c.key for c in tb.columns]
            out += [str(r.get(k)) for r in tb.rows for k in keys if isinstance(r.get(k), str)]
        for f in s.figures:
            out += [f.title, f.source or ""]
    return [x for x in out if x]


def _unmarked(strings: list[str]) -> list[str]:
    return [x for x in strings if CJK.search(x) and not MARKED.search(x)]


@pytest.mark.parametrize("kind", KINDS)
def test_english_content_has_no_unmarked_chinese(kind: str, reports_en: dict[str, Report]) -> None:
    assert _unmarked(shown_strings(reports_en[kind])) == []


@pytest.mark.parametrize("kind", KINDS)
def test_english_pdf_has_no_chinese_except_marked(
    kind: str, reports_en: dict[str, Report], pdfs_en: dict[str, Path]
) -> None:
    strings = shown_strings(reports_en[kind])
    allowed = {c for x in strings if MARKED.search(x) for c in CJK.findall(x)}
    in_pdf = set(CJK.findall(pdf_text(pdfs_en[kind])))
    assert in_pdf <= allowed, "".join(sorted(in_pdf - allowed))


def test_names_from_the_name_en_fields() -> None:
    info: dict[str, Any] = {"name": "边墙村", "name_en": "Bianqiang Village"}
    assert section_name(info, "HS-OUT", "en") == "Bianqiang Village"
    assert section_name(info, "HS-OUT", "zh") == "边墙村"
    assert section_name({"name": "某断面"}, "X-1", "en") == "某断面 (Chinese name)"
    # the compensation parties: the provinces' name_en (regions.csv), short forms included
    assert (region_name("青海", "en"), region_name("甘肃省", "en")) == (
        "Qinghai Province",
        "Gansu Province",
    )
    assert region_name("兰州新区", "en") == "Lanzhou New Area"
    assert station_name("兰炼宾馆", "兰州市", "en", name_en="Lanlian Hotel") == (
        "Lanlian Hotel station, Lanzhou"
    )
    assert clause_number("七(一)") == "7(1)" and clause_number("四(二)2") == "4(2)2"


def test_bundled_sections_and_stations_have_english_names() -> None:
    from lanxi.services.environment import store as env_store

    sections = env_store.bundled_sections().set_index("id")
    assert sections.at["HS-OUT", "name_en"] == "Bianqiang Village"
    assert sections.at["HH-OUT", "name_en"] == "Dahejia"
    assert (sections["river_en"] != "").all() and (sections["name_en"] != "").all()
    assert set(sections.loc[sections["river"] == "湟水", "river_en"]) == {"Huangshui River"}
    stations = env_store.bundled_stations()
    assert (stations["name_en"] != "").all()
    assert not stations["name_en"].str.contains(CJK).any()


def test_english_compensation_names_the_parties(reports_en: dict[str, Report]) -> None:
    rep = reports_en["compensation"]
    (row,) = rep.table("settlement").rows
    assert row["section_name"] == "Bianqiang Village"
    assert row["rule"] == "Yellow River Qinghai–Gansu horizontal compensation agreement"
    assert row["unit"] == "10,000 yuan"
    signatures = next(s for s in rep.sections if s.id == "signatures").paragraphs
    assert signatures[0].startswith("Statement No.: Qinghai-Gansu settlement [2025] No. 2")
    assert signatures[-2].startswith("Qinghai Province") and signatures[-1].startswith(
        "Gansu Province"
    )
