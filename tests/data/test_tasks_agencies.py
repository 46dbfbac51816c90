"""The 58 tasks of the 2022 implementation scheme (003) and the normalized agency list."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

import lanxi
from lanxi.data.loader import read_yaml_records
from lanxi.domain.plans import Agency, AgencyKind, Province, Task

DATA = Path(lanxi.__file__).parent / "data" / "plans"

#: Items per sub-section, counted by hand from the document (2+3+… = 58).
ITEMS_PER_SUBSECTION = {
    "二(一)": 3, "二(二)": 2, "二(三)": 3, "二(四)": 4,
    "三(一)": 3, "三(二)": 3, "三(三)": 2,
    "四(一)": 3, "四(二)": 2, "四(三)": 3,
    "五(一)": 3, "五(二)": 5, "五(三)": 2,
    "六(一)": 4, "六(二)": 3, "六(三)": 2,
    "七(一)": 3, "七(二)": 3, "七(三)": 3, "七(四)": 2,
}  # fmt: skip

#: The nine prefecture-level governments in scope, with their region codes.
CITY_GOVS = {
    "gov_lanzhou": "620100",
    "gov_baiyin": "620400",
    "gov_dingxi": "621100",
    "gov_linxia": "622900",
    "gov_xining": "630100",
    "gov_haidong": "630200",
    "gov_haibei": "632200",
    "gov_huangnan": "632300",
    "gov_hainan": "632500",
}

#: Departments addressed for both provinces in the cover letter (id suffixes).
COVER_LETTER_BOTH = [
    "fgw", "jyt", "kjt", "gxt", "mzw", "gat", "mzt", "sft", "czt", "rst", "zrzyt", "sthjt", "zjt",
    "jtyst", "slt", "nynct", "swt", "wht", "wjw", "tyjrt", "yjt", "ybj", "lcj", "scjgj", "xczxj",
    "tyj", "jrjgj", "nyj",
]  # fmt: skip


@pytest.fixture(scope="module")
def agencies() -> list[Agency]:
    return read_yaml_records(DATA / "agencies.yaml", Agency)


@pytest.fixture(scope="module")
def tasks() -> list[Task]:
    return read_yaml_records(DATA / "tasks.yaml", Task)


@pytest.fixture(scope="module")
def by_id(tasks: list[Task]) -> dict[str, Task]:
    return {t.id: t for t in tasks}


@pytest.fixture(scope="module")
def agency_by_id(agencies: list[Agency]) -> dict[str, Agency]:
    return {a.id: a for a in agencies}


# --- tasks: numbering and structure ---------------------------------------------------------


def test_58_tasks_with_contiguous_ids_and_numbers(tasks: list[Task]) -> None:
    assert len(tasks) == 58
    assert [t.id for t in tasks] == [f"t{n:02d}" for n in range(1, 59)]
    assert [t.number for t in tasks] == list(range(1, 59))
    assert {t.plan for t in tasks} == {"scheme2022"}


def test_sections_unique_and_numbered_per_subsection(tasks: list[Task]) -> None:
    sections = [t.section for t in tasks]
    assert len(set(sections)) == 58
    heads = [re.sub(r"\d+$", "", s) for s in sections]
    assert Counter(heads) == ITEMS_PER_SUBSECTION
    # items restart at 1 in each sub-section and run without gaps, in document order
    seen: dict[str, int] = {}
    for s, h in zip(sections, heads, strict=True):
        n = int(s[len(h) :])
        assert n == seen.get(h, 0) + 1, s
        seen[h] = n
    # chapters in order 二…七
    chapters = [h.split("(")[0] for h in heads]
    assert chapters == sorted(chapters, key="二三四五六七".index)


def test_sources_cite_the_section(tasks: list[Task]) -> None:
    for t in tasks:
        assert t.source == f"003_cf9ffa16fafa6b65.txt § {t.section}"


def test_titles_and_texts(tasks: list[Task]) -> None:
    for t in tasks:
        assert t.text.startswith(t.title + "。"), t.id
        assert "\n" not in t.text, t.id
        assert "**" not in t.text, t.id
        assert "责任单位" not in t.text, t.id
        assert t.lead_units_text.endswith("牵头"), t.id
        assert t.co_units_text is not None, t.id
        assert t.co_units_text.endswith("按职责分工负责"), t.id
        assert len(set(t.projects)) == len(t.projects), t.id
        assert t.targets == []


def test_texts_and_notes_are_verbatim_in_the_seed(tasks: list[Task], seeds_dir: Path) -> None:
    flat = (
        (seeds_dir / "003_cf9ffa16fafa6b65.txt")
        .read_text(encoding="utf-8")
        .replace("\n", "")
        .replace("**", "")
    )
    for t in tasks:
        assert t.text in flat, t.id
        assert t.lead_units_text in flat, t.id
        assert t.co_units_text in flat, t.id
        assert f"{t.section_title}。" in flat, t.id


# --- tasks: responsible units ---------------------------------------------------------------


def test_every_task_has_a_lead_and_known_agencies(
    tasks: list[Task], agency_by_id: dict[str, Agency]
) -> None:
    for t in tasks:
        assert t.lead_units, t.id
        assert len(t.lead_units) == len(set(t.lead_units)), t.id
        assert len(t.co_units) == len(set(t.co_units)), t.id
        assert not set(t.lead_units) & set(t.co_units), t.id
        for a in [*t.lead_units, *t.co_units]:
            assert a in agency_by_id, (t.id, a)


def test_every_agency_is_used(tasks: list[Task], agencies: list[Agency]) -> None:
    used = {a for t in tasks for a in [*t.lead_units, *t.co_units]}
    assert {a.id for a in agencies} == used


def test_lianggsheng_leads_expand_to_both_provinces(
    tasks: list[Task], agency_by_id: dict[str, Agency]
) -> None:
    """A note that starts with 两省 names each department once for each province."""
    checked = 0
    for t in tasks:
        if not t.lead_units_text.startswith("两省"):
            continue
        checked += 1
        depts = [a for a in t.lead_units if a[:3] in ("gs_", "qh_")]
        assert depts == t.lead_units, t.id
        suffixes = Counter(a[3:] for a in depts)
        assert all(n == 2 for n in suffixes.values()), t.id
        assert {a[:3] for a in depts} == {"gs_", "qh_"}, t.id
        for a in depts:
            # Central bodies' provincial offices (两省通信管理局) carry the province they serve.
            prov = agency_by_id[a].province
            assert prov is {"gs_": Province.GANSU, "qh_": Province.QINGHAI}[a[:3]], a
    assert checked == 48  # t07, t08 and t13…t58


def test_related_prefectures_expand_to_all_nine(tasks: list[Task]) -> None:
    n = 0
    for t in tasks:
        assert t.co_units_text is not None
        if "有关市州政府" in t.co_units_text:
            n += 1
            assert set(CITY_GOVS) <= set(t.co_units), t.id
        else:
            # outside that phrase, only the cities the note names
            assert set(t.co_units).isdisjoint(CITY_GOVS), t.id
        assert ("兰州新区管委会" in t.lead_units_text + t.co_units_text) == (
            "lzxq_gwh" in t.lead_units + t.co_units
        ), t.id
    assert n == 46


def test_first_task_by_hand(by_id: dict[str, Task]) -> None:
    t = by_id["t01"]
    assert t.section == "二(一)1"
    assert t.section_title == "增强中心城市带动能力"
    assert t.title == "大力提升兰州综合实力"
    assert t.lead_units == ["gov_lanzhou"]
    assert t.lead_units_text == "兰州市政府牵头"
    # 甘肃省交通运输厅、省科技厅… : the 省 after an explicit 甘肃省 stays in Gansu
    assert t.co_units == ["gs_jtyst", "gs_kjt", "gs_zjt", "gs_gxt"]
    assert t.regions == ["620100", "620123"]


def test_single_province_notes(by_id: dict[str, Task]) -> None:
    assert by_id["t02"].lead_units == ["gov_xining"]
    assert all(a.startswith("qh_") for a in by_id["t02"].co_units)
    assert len(by_id["t02"].co_units) == 8
    assert by_id["t04"].lead_units == ["gov_lanzhou", "gov_baiyin"]
    assert by_id["t04"].co_units[-1] == "lzxq_gwh"
    assert all(a.startswith("gs_") for a in by_id["t04"].co_units[:-1])
    assert by_id["t05"].lead_units == ["gov_xining", "gov_haidong"]
    assert "qh_fgw" in by_id["t05"].co_units


def test_lianggsheng_lists_by_hand(by_id: dict[str, Task]) -> None:
    t13 = by_id["t13"]
    assert t13.section == "三(一)1"
    assert t13.lead_units_text == "两省发展改革委、省自然资源厅、省林草局牵头"
    assert t13.lead_units == ["gs_fgw", "qh_fgw", "gs_zrzyt", "qh_zrzyt", "gs_lcj", "qh_lcj"]
    # 国家税务总局青海省、甘肃省税务局 → two central bodies
    assert by_id["t03"].co_units[-2:] == ["qh_swj", "gs_swj"]
    assert by_id["t12"].co_units[-2:] == ["qh_swj", "gs_swj"]
    # 省民(宗)委 and 省(政府)外事办 are one unit per province under different names
    assert {"gs_mzw", "qh_mzw"} <= set(by_id["t07"].co_units)
    assert {"gs_wsb", "qh_wsb"} <= set(by_id["t42"].co_units)
    # 青海省政务服务监管局 is named for Qinghai only
    assert "qh_zwfwjgj" in by_id["t45"].co_units
    assert not any(a.startswith("gs_zw") for a in by_id["t45"].co_units)
    assert by_id["t24"].co_units[:2] == ["qh_dlgs", "gs_dlgs"]
    assert by_id["t40"].co_units[2:4] == ["hg_lanzhou", "hg_xining"]
    assert by_id["t26"].lead_units == ["gs_txglj", "qh_txglj"]


def test_node_cities_lead(by_id: dict[str, Task]) -> None:
    t = by_id["t06"]
    assert t.lead_units_text == "有关市州政府及兰州新区管委会牵头"
    assert t.lead_units == ["gov_dingxi", "gov_linxia", "gov_haidong", "gov_hainan", "lzxq_gwh"]


def test_defects_noted(by_id: dict[str, Task], tasks: list[Task]) -> None:
    assert {t.id for t in tasks if t.defects} == {"t04", "t24", "t25", "t38", "t41"}
    t41 = by_id["t41"]
    assert "两省市场监管总局" in (t41.co_units_text or "")
    assert any("市场监管总局" in d for d in t41.defects)
    assert t41.co_units[:2] == ["gs_scjgj", "qh_scjgj"]
    # the defect is kept in the text, not fixed
    assert "资源优势 and 东西部" in by_id["t38"].text
    assert "民族特许用品" in by_id["t04"].text
    assert "抽水蓄电站" in by_id["t24"].text
    # the page-broken note "(责 / 责任单位:" is read once
    assert by_id["t25"].lead_units_text == "两省能源局牵头"


def test_regions(tasks: list[Task], by_id: dict[str, Task]) -> None:
    for t in tasks:
        assert t.regions == sorted(set(t.regions)), t.id
        for c in t.regions:
            assert re.fullmatch(r"6[23]\d{4}", c), (t.id, c)
    assert by_id["t09"].regions == ["620111", "622923", "630222"]  # 红古、永靖、民和
    assert by_id["t19"].regions == ["620400", "630100"]  # 白银市东大沟、西宁市甘河
    assert "632521" in by_id["t23"].regions  # 共和机场
    assert by_id["t13"].regions == []  # 共和盆地 is a landform, not the county


# --- agencies -------------------------------------------------------------------------------


def test_agency_ids_unique(agencies: list[Agency]) -> None:
    ids = [a.id for a in agencies]
    assert len(ids) == len(set(ids)) == 79


def test_cover_letter_departments_for_both_provinces(agency_by_id: dict[str, Agency]) -> None:
    for suffix in COVER_LETTER_BOTH:
        for prefix, prov in (("gs", Province.GANSU), ("qh", Province.QINGHAI)):
            a = agency_by_id[f"{prefix}_{suffix}"]
            assert a.kind is AgencyKind.PROVINCIAL_DEPARTMENT
            assert a.province is prov
            assert a.source == "003_cf9ffa16fafa6b65.txt § 通知主送单位"
    for one in ("qh_wsb", "qh_zwfwjgj", "gs_wsb"):
        assert agency_by_id[one].kind is AgencyKind.PROVINCIAL_DEPARTMENT
    assert "gs_zwfwjgj" not in agency_by_id


def test_provincial_names_carry_the_province(agencies: list[Agency]) -> None:
    for a in agencies:
        if a.kind is AgencyKind.PROVINCIAL_DEPARTMENT:
            assert a.province is not None
            assert a.name.startswith(a.province.value + "省"), a.id
            assert a.id.startswith({"甘肃": "gs_", "青海": "qh_"}[a.province.value]), a.id
            assert a.short_name.startswith("省"), a.id
            assert a.name_en.startswith(("Gansu", "Qinghai", "Foreign Affairs Office")), a.id
        if a.kind in (AgencyKind.CENTRAL, AgencyKind.STATE_OWNED):
            # Provincial offices of central bodies serve one province and carry it.
            assert a.province is not None, a.id
            assert a.region_code is None, a.id


def test_full_names_by_hand(agency_by_id: dict[str, Agency]) -> None:
    assert agency_by_id["gs_fgw"].name == "甘肃省发展和改革委员会"
    assert agency_by_id["gs_fgw"].short_name == "省发展改革委"
    assert agency_by_id["qh_sthjt"].name == "青海省生态环境厅"
    assert agency_by_id["gs_mzw"].name == "甘肃省民族事务委员会"
    assert agency_by_id["qh_mzw"].name == "青海省民族宗教事务委员会"
    assert agency_by_id["qh_rst"].name == "青海省人力资源和社会保障厅"
    assert agency_by_id["gs_swj"].name == "国家税务总局甘肃省税务局"
    assert agency_by_id["lzxq_gwh"].kind is AgencyKind.MANAGEMENT_COMMITTEE
    assert agency_by_id["lzxq_gwh"].province is Province.GANSU


def test_city_governments(agency_by_id: dict[str, Agency]) -> None:
    for aid, code in CITY_GOVS.items():
        a = agency_by_id[aid]
        assert a.kind is AgencyKind.CITY_GOVERNMENT
        assert a.region_code == code
        assert a.province is (Province.GANSU if code.startswith("62") else Province.QINGHAI)
        assert a.name.endswith("人民政府")
    kinds = Counter(a.kind for a in agency_by_id.values())
    assert kinds[AgencyKind.CITY_GOVERNMENT] == 9


def test_central_units_in_one_province_carry_it(agency_by_id: dict[str, Agency]) -> None:
    assert agency_by_id["gs_txglj"].province is Province.GANSU
    assert agency_by_id["qh_dlgs"].province is Province.QINGHAI
    assert agency_by_id["hg_lanzhou"].province is Province.GANSU
    assert agency_by_id["hg_xining"].province is Province.QINGHAI
    assert agency_by_id["gs_txglj"].kind.value == "central"
