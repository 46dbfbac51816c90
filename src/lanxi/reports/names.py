"""Names for people: what a report prints instead of an internal identifier.

Plans by their titles, source files by the document they hold (title, number, section), regions,
rivers, water sections, air stations and water-quality items by their names in the report's
language (the ``name_en`` fields of the bundled data; where a data set has no English name the
Chinese one is printed and marked as such). Nothing here computes a figure.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

from lanxi.data.loader import safe_load
from lanxi.reports.content import Lang
from lanxi.reports.i18n import has, t

_FILE = re.compile(r"(\d{3}_[0-9a-f]{16}\.txt)\s*(?:§\s*)?")
_BOOK = re.compile(r"《([^《》]*(?:《[^》]*》[^《》]*)*)》")


@cache
def _plan_docs() -> dict[str, dict[str, Any]]:
    """plans.yaml as id → record, and file name → record."""
    text = (resources.files("lanxi.data.plans") / "plans.yaml").read_text("utf-8")
    out: dict[str, dict[str, Any]] = {}
    for p in safe_load(text):
        out[p["id"]] = p
        if p.get("file"):
            out[p["file"]] = p
    return out


def plan_title(plan: str | None, lang: Lang) -> str:
    """The plan's title as cited: 《兰州—西宁城市群发展“十四五”实施方案》 (English: its title_en).

    A notice that issues a plan (甘政办发〔2021〕93号 issues three) is cited by the plan it issues
    when the notice names one first in 《》. Unknown ids are returned unchanged.
    """
    if plan is None:
        return ""
    p = _plan_docs().get(plan)
    if p is None:
        return plan
    if lang == "en":
        return str(p["title_en"]).strip()
    title = str(p["title"])
    inner = re.search(r"《(.+?)》", title)
    name = inner.group(1) if inner else title
    number = f"（{p['doc_number']}）" if p.get("doc_number") else ""
    return f"《{name}》{number}"


def plain_source(text: str | None, lang: Lang) -> str:
    """A source reference in plain language: source files named by their document.

    ``002_0f8ced719ce24db5.txt § 兰州经济圈 二(四)发展目标`` →
    ``《“十四五”兰州经济圈发展规划》（甘政办发〔2021〕93号）兰州经济圈 二(四)发展目标``.
    """
    if not text:
        return ""

    def doc(m: re.Match[str]) -> str:
        title = plan_title(m.group(1), lang)
        return title + (" " if lang == "en" else "")

    out = _FILE.sub(doc, str(text))
    # the seeds' bookkeeping in parentheses ("(seed line 12)") is not for readers
    out = re.sub(r"\s*\((?:seed|line)[^)]*\)", "", out).strip()
    if lang == "en":
        # the clause's number in figures (四(二)1 → § 4(2)1); its heading stays the Chinese
        # original, marked as such
        out = _CLAUSE.sub(lambda m: "§ " + clause_number(m[0]), out)
        if _CJK.search(out):
            out = chinese_original(out)
    return out


_NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
_CLAUSE = re.compile(r"[一二三四五六七八九十]+\([一二三四五六七八九十]+\)\d*")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def _numeral(text: str) -> str:
    """一 … 十九 as a number (the plans' chapter numbers go up to 十)."""
    if text == "十":
        return "10"
    if text.startswith("十"):
        return str(10 + _NUMERALS[text[1]])
    if text.endswith("十"):
        return str(10 * _NUMERALS[text[0]])
    if "十" in text:
        a, b = text.split("十")
        return str(10 * _NUMERALS[a] + _NUMERALS[b])
    return str(_NUMERALS[text]) if text in _NUMERALS else text


def clause_number(text: str) -> str:
    """A plan clause's number in figures: ``七(一)`` → ``7(1)``, ``四(二)2`` → ``4(2)2``."""
    m = re.fullmatch(r"([一二三四五六七八九十]+)\(([一二三四五六七八九十]+)\)(\d*)", text.strip())
    if not m:
        return text
    return f"{_numeral(m[1])}({_numeral(m[2])}){m[3]}"


def unit_name(unit: Any, lang: Lang) -> Any:
    """A unit in ``lang``: Chinese as written; English from the catalogue.

    ``unit.<unit>`` (万元 → 10,000 yuan, 岁 → years); a unit without one is printed in Chinese,
    marked.
    """
    if unit is None or lang == "zh" or not _CJK.search(str(unit)):
        return unit
    key = f"unit.{unit}"
    return t(key, lang) if has(key) else chinese_name(str(unit))


@cache
def _region_names() -> dict[str, str]:
    """Chinese region name (and its short forms) → English name, from the bundled regions."""
    from lanxi.services.analytics import plan_regions

    regions = plan_regions()
    out: dict[str, str] = {}
    for code, r in regions.iterrows():
        zh, en = str(r["name"]), str(r["name_en"])
        out[str(code)] = en
        for form in _short_forms(zh):
            out.setdefault(form, en)
    text = (resources.files("lanxi.data.plans") / "region_groups.yaml").read_text("utf-8")
    for g in safe_load(text):
        out.setdefault(str(g["name"]), str(g["name_en"]))
    return out


def _short_forms(name: str) -> list[str]:
    forms = [name]
    for suffix in ("省", "市", "县", "区"):
        if name.endswith(suffix) and len(name) > 2:
            forms.append(name.removesuffix(suffix))
    m = re.match(r"^(.+?)(?:回族|藏族|蒙古族|土族|撒拉族)+自治州$", name)
    if m:
        forms += [m.group(1) + "州", m.group(1)]
    return forms


def region_name(name: Any, lang: Lang) -> Any:
    """A region's name in ``lang``: Chinese unchanged; English from ``regions.csv`` ``name_en``."""
    if name is None or lang == "zh":
        return name
    found = _region_names().get(str(name))
    if found is not None:
        return found
    # units that are not administrative regions (兰州新区, an air-quality unit of its own): the
    # catalogue's ``region.<name>``; otherwise the Chinese name, marked
    key = f"region.{name}"
    if has(key):
        return t(key, lang)
    return chinese_name(str(name)) if re.search(r"[\u4e00-\u9fff]", str(name)) else str(name)


def river_name(name: Any, lang: Lang) -> Any:
    """A river's name in ``lang`` (the catalogue's ``river.<name>``; unknown: the Chinese name)."""
    if name is None or lang == "zh":
        return name
    key = f"river.{name}"
    return t(key, lang) if has(key) else chinese_name(str(name))


def chinese_name(name: str) -> str:
    """A Chinese name printed in an English report, marked as the Chinese original."""
    return f"{name} (Chinese name)"


def chinese_original(text: str) -> str:
    """A Chinese text printed in an English report as it is, marked as the Chinese original."""
    return f"{text} (Chinese original)"


def section_name(info: dict[str, Any], section_id: str, lang: Lang) -> str:
    """A water section's name in ``lang``: ``name_en`` of the data, else the catalogue's."""
    if lang == "zh":
        return str(info.get("name") or section_id)
    if info.get("name_en"):
        return str(info["name_en"])
    key = f"section_name.{section_id}"
    if has(key):
        return t(key, lang)
    return chinese_name(str(info.get("name") or section_id))


def station_name(name: str, city: Any, lang: Lang, *, name_en: str | None = None) -> str:
    """An air station's name: Chinese as is; English "<name_en> station, <city>".

    ``name_en`` is the station's English name (``air_stations.csv``); without one the Chinese
    name is printed and marked as such.
    """
    if lang == "zh":
        return name
    shown = name_en or chinese_name(name)
    return f"{shown} station, {region_name(city, lang)}" if city else f"{shown} station"


_ITEM = re.compile(r"^\s*([a-z0-9_]+)\s*(?::\s*([0-9.]+))?\s*$")


def item_list(text: Any, lang: Lang) -> Any:
    """Items of a water-quality result by name with their over-standard multiples.

    ``"nh3n:0.03;do"`` → ``氨氮（超标0.03倍）、溶解氧`` / ``ammonia nitrogen (0.03 times over),
    dissolved oxygen``. Dissolved oxygen has no multiple (a lower limit). None stays None.
    """
    if text is None or str(text).strip() == "":
        return None
    from lanxi.standards.gb3838 import gb3838_table

    table = gb3838_table()
    parts = []
    for raw in str(text).split(";"):
        m = _ITEM.match(raw)
        if not m:
            parts.append(raw.strip())
            continue
        code, mult = m.group(1), m.group(2)
        name = table.name(code, lang) if code in table.items else code
        name = short_item(name)
        if mult is None:
            parts.append(name)
        elif lang == "zh":
            parts.append(f"{name}（超标{mult}倍）")
        else:
            parts.append(f"{name} ({mult} times over)")
    return "、".join(parts) if lang == "zh" else ", ".join(parts)


def short_item(name: str) -> str:
    """An item's name without the standard's parenthesised qualifier: 总磷（以P计） → 总磷."""
    return re.sub(r"\s*[（(][^）)]*[）)]\s*$", "", name) or name


@cache
def _yaml_names(file: str, key: str) -> dict[str, str]:
    text = (resources.files("lanxi.data.plans") / file).read_text("utf-8")
    return {str(r[key]): str(r["name_en"]) for r in safe_load(text) if r.get("name_en")}


def indicator_name(indicator_id: str | None, name: Any, lang: Lang) -> Any:
    """An indicator's name: the Chinese name, or ``name_en`` of ``indicators.yaml``."""
    if lang == "zh" or indicator_id is None:
        return name or indicator_id
    return _yaml_names("indicators.yaml", "id").get(indicator_id, name or indicator_id)


def agency_name(name: Any, lang: Lang) -> Any:
    """A responsible agency's name: Chinese, or ``name_en`` of ``agencies.yaml``."""
    if lang == "zh" or name is None:
        return name
    found = _yaml_names("agencies.yaml", "name").get(str(name))
    return found or region_name(name, lang)
