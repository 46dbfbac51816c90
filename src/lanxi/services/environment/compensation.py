"""Compensation statements of the border sections: the settlement under the agreement naming one.

:func:`water_compensation` is the one definition of a 生态补偿结算单 (``lanxi water compensation``,
the compensation report): the rule comes from ``compensation_rules.yaml``
(:func:`compensation_rule_for`), the classes from the samples as :mod:`.assessments` reads them
(GB 3838-2002, the 2011 method on the period's mean concentrations), the engines from
:mod:`lanxi.compute.water.compensation`. :func:`statement_frame` lays a statement out as a table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from lanxi.compute.duplicates import DuplicatePolicy
from lanxi.compute.water import (
    ClassStepStatement,
    CompensationStatement,
    class_step_statement,
    compensation_statement,
    section_classes,
)
from lanxi.compute.water.compensation import xinanjiang_pilot_settings
from lanxi.errors import Problem, ValidationError
from lanxi.services.environment.assessments import WATER_PASS_THROUGH, water_samples
from lanxi.standards.compensation import CompensationRule, compensation_rules
from lanxi.standards.gb3838 import gb3838_table

_GB_ITEMS = frozenset(gb3838_table().items)


def _section_meta(section: str) -> dict[str, str]:
    """The bundled section whose id or name is ``section`` (empty when not bundled)."""
    from lanxi.services.environment.store import bundled_sections

    rows = bundled_sections()
    hit = rows[(rows["id"] == section) | (rows["name"] == section)]
    return {} if hit.empty else {k: str(v) for k, v in hit.iloc[0].items()}


def _refuse(field: str, value: object, en: str, zh: str) -> ValidationError:
    return ValidationError([Problem("section", None, field, en, value, message_zh=zh)])


def compensation_rule_for(section: str, year: int, rule_id: str | None = None) -> CompensationRule:
    """The agreement rule that names ``section`` (an id or name) and covers ``year``.

    Parameters
    ----------
    section : str
        A bundled section id (``HS-OUT``) or a section name as the agreement names it (``刘庄``).
    year : int
    rule_id : str, optional
        Choose among the rules naming the section (e.g. an agreement's rounds); it must name it.

    Returns
    -------
    CompensationRule
        The latest round in force in ``year`` (a rule whose term is not reported covers any year).

    Raises
    ------
    ValidationError
        With an English and a Chinese message, when no rule names the section (an inland section
        has no upstream and downstream parties: no statement is made), or none is in force.
    """
    meta = _section_meta(section)
    keys = {section, meta.get("id", section), meta.get("name", section)}
    named = [r for r in compensation_rules() if keys & set(r.sections)]
    label = meta.get("name", section)
    if rule_id is not None:
        named = [r for r in named if r.id == rule_id]
    if not named:
        known = "、".join(dict.fromkeys(s for r in compensation_rules() for s in r.sections))
        raise _refuse(
            "section",
            section,
            f"no compensation rule names section {label!r}"
            + (f" as rule {rule_id!r}" if rule_id else "")
            + ": no agreement settles it (no upstream and downstream parties), so no statement "
            f"is made. Sections with a rule: {known}",
            f"没有补偿协议以断面“{label}”为考核断面"
            + (f"（规则 {rule_id}）" if rule_id else "")
            + f"：该断面无上下游补偿双方，不出具结算单。有补偿规则的断面：{known}",
        )

    def covers(r: CompensationRule) -> bool:
        return (r.term_from is None or r.term_from.year <= year) and (
            r.term_to is None or year <= r.term_to.year
        )

    in_term = [r for r in named if covers(r)]
    if not in_term:
        terms = "; ".join(f"{r.name}: {r.term_from}–{r.term_to}" for r in named)
        raise _refuse(
            "year",
            year,
            f"no rule for section {label!r} is in force in {year} ({terms})",
            f"断面“{label}”的补偿协议在{year}年不在期限内（{terms}）",
        )
    return in_term[-1]


def _item_means(frame: pd.DataFrame) -> dict[str, dict[str, float]]:
    items = [c for c in frame.columns if c in _GB_ITEMS]
    return {
        str(r["period"]): {k: float(r[k]) for k in items if pd.notna(r[k])}
        for r in frame.to_dict("records")
    }


def water_compensation(
    samples: pd.DataFrame,
    section: str,
    year: int,
    *,
    rule: str | None = None,
    amount_per_step: float | None = None,
    base_class: int | None = None,
    change_points: float | None = None,
    change_amount_per_point: float | None = None,
    change_cap: float | None = None,
    c0: Mapping[str, float] | None = None,
    base_years: Iterable[int] | None = None,
    fund_amount: float | None = None,
    central_fund: float | None = None,
    file: str = "<input>",
    duplicates: DuplicatePolicy = "refuse",
) -> CompensationStatement | ClassStepStatement:
    """The compensation statement of ``section`` in ``year`` under the agreement that names it.

    The rule comes from ``compensation_rules.yaml`` (:func:`compensation_rule_for`); its parties
    name the payer and payee. A section no agreement names gets no statement: a refusal in
    English and Chinese (:class:`~lanxi.errors.ValidationError`).

    * Class-step rules (豫—鲁, 甘—宁, 青—甘): the year's and each month's class (GB 3838, the
      2011 method on the period's mean concentrations) against the base class — the rule's, or the
      section's target class where the rule says so, or ``base_class``. Amounts the reports do not
      state are never invented: without ``amount_per_step`` the statement says the amount is not
      set. ``change_points`` is the year-on-year change of the key-pollutant index in percentage
      points (its definition is not reported).
    * The 新安江 index rule: ``c0`` defaults to the mean of ``base_years`` (the rule's fixed base
      period when the data hold it, else the three years before ``year`` in the data); K0, the
      weights, the threshold and the fund are the pilot's unless ``fund_amount`` is given.

    Rows repeating a section and time are refused unless ``duplicates`` resolves them (as in
    :func:`water_classify`).

    Raises
    ------
    ValidationError
        Refusal (no rule, not in force, no base class) or bad input.
    """
    chosen = compensation_rule_for(section, year, rule)
    data = water_samples(samples, file, extra=("target_class",), duplicates=duplicates)
    meta = _section_meta(section)
    ids = {section, meta.get("id", section), meta.get("name", section)}
    sec = data[data["section"].astype(str).isin(ids)]
    if sec.empty:
        raise ValidationError([Problem(file, None, "section", f"no samples of section {section}")])
    if chosen.kind == "index":
        return _index_statement(
            sec, section, year, chosen, c0, base_years, fund_amount, central_fund, file
        )
    this = sec[sec["time"].dt.year == year]
    if this.empty:
        raise ValidationError([Problem(file, None, "time", f"no samples of {section} in {year}")])
    base, note, note_en = _base_class(chosen, base_class, meta, sec)
    items = this.drop(columns=["target_class"], errors="ignore")
    items = items.drop(columns=[c for c in WATER_PASS_THROUGH if c in items])
    monthly = section_classes(items, freq="M")
    annual = section_classes(items, freq="Y")

    def cls(v: object) -> int | None:
        return None if v is None or pd.isna(v) else int(v)  # type: ignore[call-overload]

    m_classes = {str(r["period"]): cls(r["water_class"]) for r in monthly.to_dict("records")}
    a_class = cls(annual["water_class"].iloc[0]) if len(annual) else None
    return class_step_statement(
        chosen,
        meta.get("id", section),
        year,
        a_class,
        m_classes,
        base_class=base,
        base_note=note,
        base_note_en=note_en,
        section_name=meta.get("name", section),
        amount_per_step=amount_per_step,
        change_points=change_points,
        change_amount_per_point=change_amount_per_point,
        change_cap=change_cap,
        annual_values=_item_means(annual).get(str(year), {}),
        monthly_values=_item_means(monthly),
    )


def _base_class(
    rule: CompensationRule, given: int | None, meta: Mapping[str, str], sec: pd.DataFrame
) -> tuple[int, str, str]:
    if given is not None:
        return given, "用户设定", "set by the user"
    if rule.base_class is not None:
        return rule.base_class, "协议条款", "the agreement's clause"
    target = meta.get("target_class", "")
    if not target and "target_class" in sec:
        t = pd.to_numeric(sec["target_class"], errors="coerce").dropna()
        target = str(int(t.iloc[0])) if len(t) else ""
    if not target:
        raise _refuse(
            "base_class",
            None,
            "the agreement's base class is not reported and the section has no target class: "
            "set the base class",
            "协议未公开报道基准类别，且该断面无水质目标：请设定基准类别",
        )
    return (
        int(target),
        "断面水质目标类别；协议基准类别未公开报道",
        "the section's target class; the agreement's base class is not reported",
    )


def _index_statement(
    sec: pd.DataFrame,
    section: str,
    year: int,
    rule: CompensationRule,
    c0: Mapping[str, float] | None,
    base_years: Iterable[int] | None,
    fund_amount: float | None,
    central_fund: float | None,
    file: str,
) -> CompensationStatement:
    items = ("codmn", "nh3n", "tp", "tn")
    vals = sec.assign(**{k: pd.to_numeric(sec[k], errors="coerce") for k in items if k in sec})
    missing = [k for k in items if k not in vals]
    if missing:
        raise ValidationError([Problem(file, None, k, "column needed for P") for k in missing])
    years = vals["time"].dt.year
    this = vals[years == year]
    if this.empty:
        raise ValidationError([Problem(file, None, "time", f"no samples of {section} in {year}")])
    means = {k: float(np.nanmean(this[k])) for k in items}
    if c0 is None:
        if base_years:
            base = sorted(base_years)
        elif rule.base_years and years.isin(rule.base_years).any():
            base = list(rule.base_years)
        else:
            base = sorted({y for y in years if y < year})[-3:]
        ref = vals[years.isin(base)]
        if ref.empty:
            raise ValidationError(
                [Problem(file, None, "time", f"no base-year samples before {year} for C0")]
            )
        c0 = {k: float(np.nanmean(ref[k])) for k in items}
    pilot = xinanjiang_pilot_settings(c0)
    settings = replace(
        pilot,
        upstream=rule.upstream,
        downstream=rule.downstream,
        fund_amount=pilot.fund_amount if fund_amount is None else fund_amount,
        central_fund=pilot.central_fund if central_fund is None else central_fund,
    )
    return compensation_statement(section, year, means, settings)


def statement_frame(st: CompensationStatement | ClassStepStatement) -> pd.DataFrame:
    """A compensation statement as a table.

    Index rule: one row (P, ratios and contributions as columns). Class-step rule: one row per
    period (the year, then its months) with its class, steps, payer, payee and amount and the mean
    concentrations, then a ``total`` row with the net settlement.
    """
    if isinstance(st, ClassStepStatement):
        labels = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "劣Ⅴ")
        rows: list[dict[str, object]] = []
        for p in st.periods:
            rows.append(
                {
                    "section": st.section_id,
                    "name": st.section_name,
                    "rule": st.rule_id,
                    "period": p.period,
                    "water_class": p.water_class,
                    "water_class_label": None
                    if p.water_class is None
                    else labels[p.water_class - 1],
                    "base_class_label": labels[st.base_class - 1],
                    "steps": p.steps,
                    "counts": p.counts,
                    "payer": p.payer,
                    "payee": p.payee,
                    "amount": p.amount,
                    "unit": st.unit,
                    **p.values,
                }
            )
        rows.append(
            {
                "section": st.section_id,
                "name": st.section_name,
                "rule": st.rule_id,
                "period": "total",
                "payer": st.payer,
                "payee": st.payee,
                "amount": st.amount,
                "unit": st.unit,
                "change_points": st.change_points,
                "change_amount": st.change_amount,
                "summary_zh": st.summary_zh,
                "summary_en": st.summary_en,
            }
        )
        out = pd.DataFrame(rows)
        for c in ("water_class", "steps"):
            out[c] = out[c].astype("Int64")
        return out
    row: dict[str, object] = {
        "section": st.section_id,
        "year": st.year,
        "p": st.p,
        "payer": st.payer,
        "payee": st.payee,
        "amount": st.amount,
        "unit": st.unit,
        "central_fund": st.central_fund,
    }
    row.update({f"ratio_{k}": v for k, v in st.ratios.items()})
    row.update({f"contribution_{k}": v for k, v in st.contributions.items()})
    row["summary_zh"] = st.summary_zh
    row["summary_en"] = st.summary_en
    return pd.DataFrame([row])
