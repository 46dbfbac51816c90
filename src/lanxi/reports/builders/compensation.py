"""跨省断面生态补偿年度结算单: the Xin'an-River compensation index at a border section.

The statement is :func:`lanxi.services.environment.water_compensation` on the store's samples
(the same call as ``lanxi water compensation --section ID --year YYYY``); K0, the weights, the
threshold and the fund are the pilot's (``xinanjiang_pilot.yaml``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd

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
    flag_synthetic,
    period_bounds,
    sections_info,
    stored_samples,
)
from lanxi.reports.content import Figure, Report, Section
from lanxi.reports.i18n import t
from lanxi.reports.names import region_name, section_name, short_item
from lanxi.services import env_store
from lanxi.services import environment as env
from lanxi.standards.compensation import xinanjiang_pilot
from lanxi.standards.gb3838 import gb3838_table


def compensation(req: ReportRequest, *, url: str | None, generated_at: dt.datetime) -> Report:
    """跨省断面生态补偿年度结算单: the Xin'an-River compensation index and who pays whom."""
    year = int(require_period(req, "year"))
    lang = req.lang
    section = req.section or "HS-OUT"
    pilot = xinanjiang_pilot()
    info = sections_info().get(section, {})
    sec_name = section_name(info, section, lang)
    report = new_report(
        req,
        generated_at=generated_at,
        editions=[GB3838],
        methods=[t("method.compensation", lang, k0=pilot.k0), pilot.citation],
        subtitle=t("subtitle.compensation", lang, section=sec_name, year=year),
    )
    samples = stored_samples(url)
    if samples is None:
        return no_data_report(report, t("no_data.water", lang, period=str(year)))
    upstream, downstream = env_store.parties(section, None, None, url)
    sec = samples[samples["section"] == section]
    years = pd.to_datetime(sec["time"]).dt.year
    if not (years == year).any():
        return no_data_report(report, t("no_data.compensation", lang, section=section, year=year))
    if not (years < year).any():
        return no_data_report(report, t("no_data.base_years", lang, section=section, year=year))
    flag_synthetic(report, url, *period_bounds(pd.Period(str(year), "Y")), section=section)
    st = env.water_compensation(
        samples, section, year, upstream=upstream, downstream=downstream, file="store"
    )
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
        "unit": st.unit,
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
