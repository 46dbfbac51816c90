"""跨省断面生态补偿年度结算单: the settlement of the agreement that names the section.

The statement is :func:`lanxi.services.environment.compensation.water_compensation` on the store's
samples (the same call as ``lanxi water compensation --section ID --year YYYY``); the rule, its
parties and amounts come from ``compensation_rules.yaml`` (class-step rules: 豫—鲁, 甘—宁,
青—甘; the 新安江 index rule with the pilot's numbers, ``xinanjiang_pilot.yaml``). A section no
agreement names gets no statement: the report says so (no data), in the report's language.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd

from lanxi.compute.water import ClassStepStatement, CompensationStatement
from lanxi.errors import ValidationError
from lanxi.reports import charts
from lanxi.reports.builders.common import (
    ReportRequest,
    col,
    new_report,
    no_data_report,
    require_period,
    table,
)
from lanxi.reports.builders.water import (
    GB3838,
    GB3838_EN,
    flag_synthetic,
    period_bounds,
    sections_info,
    stored_samples,
)
from lanxi.reports.content import Figure, Lang, Report, Section
from lanxi.reports.fmt import period_label
from lanxi.reports.i18n import t
from lanxi.reports.names import (
    chinese_original,
    region_name,
    section_name,
    short_item,
    unit_name,
)
from lanxi.services.environment import compensation as comp
from lanxi.standards.compensation import CompensationRule, xinanjiang_pilot
from lanxi.standards.gb3838 import gb3838_table


def _dates(text: str, lang: Lang) -> str:
    """ISO dates in a source or statement written as people write them (2024年8月25日)."""
    return re.sub(r"\b\d{4}-\d{2}-\d{2}\b", lambda m: period_label(m[0], lang), text)


def _gb3838(lang: Lang) -> str:
    return GB3838 if lang == "zh" else GB3838_EN


def _statement(
    st: ClassStepStatement, rule: CompensationRule, section: str, sec_name: str, lang: Lang
) -> str:
    """The service's one-paragraph statement with names for people.

    The service (computation, no names) writes the section by its code or Chinese name, the
    parties by their Chinese short names and the unit in Chinese; the English statement gets the
    section's, the provinces' and the unit's English names.
    """
    text = st.summary_zh if lang == "zh" else st.summary_en
    if lang == "en" and rule.source_en:
        text = text.replace(rule.source, rule.source_en)
    text = _dates(text, lang).replace(section, sec_name)
    if lang == "zh":
        return text
    text = text.replace(st.section_name, sec_name)
    for party in {st.upstream, st.downstream, st.payer or "", st.payee or ""} - {""}:
        text = text.replace(party, str(region_name(party, lang)))
    return text.replace(st.unit, str(unit_name(st.unit, lang)))


def compensation(req: ReportRequest, *, url: str | None, generated_at: dt.datetime) -> Report:
    """跨省断面生态补偿年度结算单: who pays whom under the agreement that names the section."""
    year = int(require_period(req, "year"))
    lang = req.lang
    section = req.section or "HS-OUT"
    try:
        rule = comp.compensation_rule_for(section, year)
    except ValidationError as exc:
        report = new_report(
            req,
            generated_at=generated_at,
            editions=[GB3838],
            methods=[],
            subtitle=t("subtitle.compensation", lang, section=section, year=year),
        )
        p = exc.problems[0]
        return no_data_report(report, p.message_zh if lang == "zh" and p.message_zh else p.message)
    if rule.kind == "class_step":
        return _class_step(req, rule, section, year, url=url, generated_at=generated_at)
    return _index(req, section, year, url=url, generated_at=generated_at)


def _class_step(
    req: ReportRequest,
    rule: CompensationRule,
    section: str,
    year: int,
    *,
    url: str | None,
    generated_at: dt.datetime,
) -> Report:
    lang = req.lang
    sec_name = section_name(sections_info().get(section, {}), section, lang)
    en = lang == "en"
    rule_name = rule.name_en if en else rule.name
    rule_source = (rule.source_en or rule.source) if en else rule.source
    report = new_report(
        req,
        generated_at=generated_at,
        editions=[_gb3838(lang)],
        methods=[
            t("method.compensation_rule", lang, rule=rule_name, source=_dates(rule_source, lang))
        ],
        subtitle=t("subtitle.compensation", lang, section=sec_name, year=year),
    )
    samples = stored_samples(url)
    if samples is None:
        return no_data_report(report, t("no_data.water", lang, period=str(year)))
    sec = samples[samples["section"] == section]
    if not (pd.to_datetime(sec["time"]).dt.year == year).any():
        return no_data_report(report, t("no_data.compensation", lang, section=sec_name, year=year))
    flag_synthetic(report, url, *period_bounds(pd.Period(str(year), "Y")), section=section)
    st = comp.water_compensation(samples, section, year, file="store")
    assert isinstance(st, ClassStepStatement)
    src = t("src.water_compensation", lang)
    labels = gb3838_table().class_labels
    items = [k for k in ("do", "codmn", "nh3n", "tp") if any(k in p.values for p in st.periods)]
    rows: list[dict[str, Any]] = [
        {
            "period": p.period,
            "period_label": period_label(p.period, lang),
            "water_class_label": labels[p.water_class - 1] if p.water_class else None,
            "base_class_label": labels[st.base_class - 1],
            "steps": p.steps,
            "counts": p.counts,
            "payer": region_name(p.payer, lang),
            "payee": region_name(p.payee, lang),
            "amount": p.amount,
            **{k: p.values.get(k) for k in items},
        }
        for p in st.periods
    ]
    gb = gb3838_table()
    head = Section(
        id="statement",
        title=t("section.statement_class", lang),
        paragraphs=[
            t(
                "para.compensation_section",
                lang,
                section=section,
                name=sec_name,
                upstream=region_name(st.upstream, lang),
                downstream=region_name(st.downstream, lang),
                year=year,
            ),
            _statement(st, rule, section, sec_name, lang),
        ],
    )
    head.tables.append(
        table(
            "periods",
            t("table.compensation_periods", lang),
            [
                col("period_label", lang),
                col("water_class_label", lang),
                col("base_class_label", lang),
                col("steps", lang, "int"),
                col("counts", lang, "bool"),
                col("payer", lang),
                col("payee", lang),
                col("amount", lang, "float", digits=0),
                *(col(k, lang, "float", digits=3, label=f"{gb.name(k, lang)}") for k in items),
            ],
            rows,
            src,
            note=None if st.amount_set else t("note.amount_not_set", lang),
            keep=("period",),
        )
    )
    settle = {
        "section": section,
        "section_name": sec_name,
        "rule": rule_name,
        "year": year,
        "base_class_label": labels[st.base_class - 1],
        "water_class_label": rows[0]["water_class_label"],
        "amount_per_step": st.amount_per_step,
        "change_points": st.change_points,
        "change_amount": None if st.change_amount is None else abs(st.change_amount),
        "payer": region_name(st.payer, lang),
        "payee": region_name(st.payee, lang),
        "amount": st.amount,
        "unit": unit_name(st.unit, lang),
        "clause": (rule.clause_en or chinese_original(st.clause)) if en else st.clause,
    }
    head.tables.append(
        table(
            "settlement",
            t("table.settlement", lang),
            [
                col("section_name", lang, label=t("col.section", lang)),
                col("rule", lang),
                col("year", lang),
                col("base_class_label", lang),
                col("water_class_label", lang),
                col("amount_per_step", lang, "float", digits=0),
                col("change_points", lang, "float", digits=1),
                col("change_amount", lang, "float", digits=0),
                col("payer", lang),
                col("payee", lang),
                col("amount", lang, "float", digits=0),
                col("unit", lang),
                col("clause", lang),
            ],
            [settle],
            src,
            keep=("section",),
        )
    )
    number = statement_number(rule, (section, st.section_name), year, lang)
    head.paragraphs.insert(0, t("para.statement_number", lang, number=number))
    # the page that carries the signatures carries the statement's number and totals too, so it
    # cannot be detached from what it signs (the template keeps the block on one page)
    if st.amount is None or not st.amount_set:
        total = t("sign.total_not_set", lang)
    elif st.amount == 0 or st.payer is None:
        total = t("sign.total_none", lang, year=year)
    else:
        total = t(
            "sign.total",
            lang,
            year=year,
            payer=region_name(st.payer, lang),
            payee=region_name(st.payee, lang),
            amount=f"{abs(st.amount):,.0f}",
            unit=unit_name(st.unit, lang),
        )
    sign = Section(
        id="signatures",
        title=t("section.signatures", lang),
        paragraphs=[
            t("sign.number", lang, number=number, section=sec_name, year=year),
            total,
            t("sign.party", lang, party=region_name(st.upstream, lang)),
            t("sign.party", lang, party=region_name(st.downstream, lang)),
        ],
    )
    report.sections = [head, sign]
    return report


def statement_number(
    rule: CompensationRule, section: tuple[str, ...], year: int, lang: Lang
) -> str:
    """The settlement statement's number: the two parties, the year and the section's place.

    ``青甘补偿结算〔2025〕1号`` — the parties' short names (upstream first), the year in the
    brackets of Chinese document numbers and the section's position among the sections the
    agreement names (1 for the first; ``section`` is its code and its names, as the rule may use
    either); in English ``Qinghai-Gansu settlement [2025] No. 1``.
    """
    n = next((rule.sections.index(s) + 1 for s in section if s in rule.sections), 1)
    if lang == "zh":
        return f"{rule.upstream[:1]}{rule.downstream[:1]}补偿结算〔{year}〕{n}号"
    up = str(region_name(rule.upstream, lang)).removesuffix(" Province")
    down = str(region_name(rule.downstream, lang)).removesuffix(" Province")
    return f"{up}-{down} settlement [{year}] No. {n}"


def _index(
    req: ReportRequest, section: str, year: int, *, url: str | None, generated_at: dt.datetime
) -> Report:
    """The 新安江 index rule (a section the pilot's rule names)."""
    lang = req.lang
    pilot = xinanjiang_pilot()
    info = sections_info().get(section, {})
    sec_name = section_name(info, section, lang)
    report = new_report(
        req,
        generated_at=generated_at,
        editions=[_gb3838(lang)],
        methods=[
            t("method.compensation", lang, k0=pilot.k0),
            pilot.citation if lang == "zh" else chinese_original(pilot.citation),
        ],
        subtitle=t("subtitle.compensation", lang, section=sec_name, year=year),
    )
    samples = stored_samples(url)
    if samples is None:
        return no_data_report(report, t("no_data.water", lang, period=str(year)))
    sec = samples[samples["section"] == section]
    years = pd.to_datetime(sec["time"]).dt.year
    if not (years == year).any():
        return no_data_report(report, t("no_data.compensation", lang, section=section, year=year))
    if not (years < year).any():
        return no_data_report(report, t("no_data.base_years", lang, section=section, year=year))
    flag_synthetic(report, url, *period_bounds(pd.Period(str(year), "Y")), section=section)
    st = comp.water_compensation(samples, section, year, file="store")
    assert isinstance(st, CompensationStatement)
    upstream, downstream = pilot.upstream, pilot.downstream  # the index rule's parties
    src = t("src.water_compensation", lang)
    gb = gb3838_table()  # English names: the data file's translations (name_en)
    rows: list[dict[str, Any]] = [
        {
            "item": short_item(gb.name(k, lang)),
            "weight": pilot.weights.get(k),
            "ratio": st.ratios[k],
            "contribution": st.contributions[k],
        }
        for k in st.ratios
    ]
    summary = st.summary_zh if lang == "zh" else st.summary_en
    # the service's statement names the section and the items by their codes: print their names
    summary = summary.replace(section, sec_name)
    for party in {str(st.payer), str(st.payee)}:
        summary = summary.replace(party, str(region_name(party, lang)))
    for k in st.ratios:
        summary = re.sub(rf"\b{re.escape(k)}\b", short_item(gb.name(k, lang)), summary)
    summary = summary.replace(st.unit, unit_name(st.unit, lang))
    head = Section(
        id="statement",
        title=t("section.statement", lang),
        paragraphs=[
            t(
                "para.compensation_section",
                lang,
                name=sec_name,
                upstream=region_name(upstream, lang),
                downstream=region_name(downstream, lang),
                year=year,
            ),
            summary,
        ],
    )
    head.tables.append(
        table(
            "index",
            t("table.compensation_index", lang),
            [
                col("item", lang),
                col("weight", lang, "float", digits=2),
                col("ratio", lang, "float", digits=4),
                col("contribution", lang, "float", digits=4),
            ],
            rows,
            src,
            note=t("note.c0", lang),
        )
    )
    settle = {
        "section": section,
        "section_name": sec_name,
        "year": year,
        "p": st.p,
        "threshold": pilot.threshold,
        "payer": region_name(st.payer, lang),
        "payee": region_name(st.payee, lang),
        "amount": st.amount,
        "unit": unit_name(st.unit, lang),
        "central_fund": st.central_fund,
    }
    head.tables.append(
        table(
            "settlement",
            t("table.settlement", lang),
            [
                col("section_name", lang, label=t("col.section", lang)),
                col("year", lang),
                col("p", lang, "float", digits=4),
                col("threshold", lang, "float", digits=2),
                col("payer", lang),
                col("payee", lang),
                col("amount", lang, "float", digits=2),
                col("unit", lang),
                col("central_fund", lang, "float", digits=2),
            ],
            [settle],
            src,
            keep=("section",),
        )
    )
    head.figures.append(
        Figure(
            id="chart-ratios",
            title=t("fig.ratios", lang),
            kind="chart",
            png_base64=charts.bar_chart(
                [short_item(gb.name(k, lang)) for k in st.ratios],
                [r["ratio"] for r in rows],
                title=t("fig.ratios", lang),
                ylabel="Ci/C0i",
                target=1.0,
                target_label="C0",
            ),
            source=src,
        )
    )
    sign = Section(
        id="signatures",
        title=t("section.signatures", lang),
        paragraphs=[
            t("sign.party", lang, party=region_name(upstream, lang)),
            t("sign.party", lang, party=region_name(downstream, lang)),
        ],
    )
    report.sections = [head, sign]
    return report
