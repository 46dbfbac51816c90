"""Period means, river grades, target compliance and responsibility (2011 method).

Rules as implemented
--------------------
Section value (2011 method 一、（二）)
    Arithmetic mean of the valid samples of a section in the period (month, quarter or year);
    missing values are skipped per item.
River / basin grade (2011 method 二、（一）2, 表2)
    With at least 5 sections with a class: the section-class proportion method —
    优 when Ⅰ–Ⅲ ≥ 90 %; 良好 when 75 % ≤ Ⅰ–Ⅲ < 90 %; 轻度污染 when Ⅰ–Ⅲ < 75 % and 劣Ⅴ < 20 %;
    中度污染 when Ⅰ–Ⅲ < 75 % and 20 % ≤ 劣Ⅴ < 40 %; 重度污染 when Ⅰ–Ⅲ < 60 % and 劣Ⅴ ≥ 40 %
    (the one uncovered point, Ⅰ–Ⅲ = 60 % with 劣Ⅴ = 40 %, falls back to 重度污染).
    With fewer than 5 sections: the mean concentration of each
    item over the sections is classified by the single-factor method and graded by 表1
    (Ⅰ–Ⅱ 优, Ⅲ 良好, Ⅳ 轻度污染, Ⅴ 中度污染, 劣Ⅴ 重度污染). Shares are compared as exact fractions.
Target compliance
    A section-period meets its target when its class ≤ the target class (GB 3838-2002 §5.1:
    assess against the class of the water's function).
Water-quality warnings
    The graded water-quality warning (一级 / 二级, after 长江流域水环境质量监测预警办法（试行）) is
    :func:`lanxi.services.bulletins.graded_warnings`, on these section classes.
Annual responsibility
    Per city and per province: sections with an annual class, sections whose annual mean class
    meets the target, their share, the compliance rate (share of section-months meeting target),
    a rank (share first, then compliance rate; ties share a rank) and the trend of the share
    against a previous year's table.

References
----------
.. [1] 环境保护部办公厅. 地表水环境质量评价办法（试行）, 环办〔2011〕22号, 2011.
.. [2] GB 3838-2002 地表水环境质量标准, §5.1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd

from lanxi.compute.water.classify import classify_samples, item_classes
from lanxi.standards.gb3838 import WORSE_THAN_V, gb3838_table, water_eval_rules

Freq = Literal["M", "Q", "Y"]
_FREQS: dict[str, str] = {"M": "M", "Q": "Q", "Y": "Y"}

TargetsLike: TypeAlias = Mapping[str, int] | pd.Series | pd.DataFrame
RegionsLike: TypeAlias = Mapping[str, tuple[str, str]] | pd.DataFrame


def _item_columns(df: pd.DataFrame) -> list[str]:
    table = gb3838_table()
    return [k for k in ("water_temp", *table.items) if k in df.columns]


def section_means(
    df: pd.DataFrame,
    freq: Freq = "M",
    *,
    section_col: str = "section",
    time_col: str = "time",
    waterbody_col: str = "waterbody",
) -> pd.DataFrame:
    """Arithmetic mean of the valid samples of each section in each period.

    Parameters
    ----------
    df : pandas.DataFrame
        Samples with section, time (dates), waterbody and item columns.
    freq : {"M", "Q", "Y"}
        Month, quarter or year.
    section_col, time_col, waterbody_col : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        One row per section × waterbody × period: ``section``, ``waterbody``, ``period``
        (pandas Period), ``n_samples`` and the mean of every item column (missing values skipped;
        NaN when an item has no value in the period).

    Notes
    -----
    2011 method 一、（二）: 月 — one or more samples (mean of several); 季度 — generally
    ≥ 2 samples; 年度 — all samples of the year. The count is returned so callers can apply
    those minimums.
    """
    if freq not in _FREQS:
        raise ValueError("freq must be 'M', 'Q' or 'Y'")
    items = _item_columns(df)
    work = pd.DataFrame(
        {
            "section": df[section_col].to_numpy(),
            "waterbody": df[waterbody_col].to_numpy(),
            "period": pd.to_datetime(df[time_col]).dt.to_period(_FREQS[freq]).to_numpy(),
        }
    )
    for k in items:
        work[k] = pd.to_numeric(df[k], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    # a float sum depends on the order of its terms: the samples are put in one canonical order
    # (by every column) first, so shuffled input gives the same means to the last bit
    keys = [work[k].to_numpy() for k in reversed(items)]
    keys += [pd.factorize(work[c], sort=True)[0] for c in ("period", "waterbody", "section")]
    work = work.iloc[np.lexsort(keys)] if len(work) else work
    grouped = work.groupby(["section", "waterbody", "period"], sort=True, observed=True)
    means = grouped[items].mean() if items else grouped.size().to_frame("_").drop(columns="_")
    means.insert(0, "n_samples", grouped.size())
    return means.reset_index()


def _targets_series(targets: TargetsLike) -> pd.Series:
    if isinstance(targets, pd.DataFrame):
        return targets.set_index("section")["target_class"]
    if isinstance(targets, pd.Series):
        return targets
    return pd.Series(dict(targets), dtype="float64")


def section_classes(
    samples: pd.DataFrame,
    *,
    freq: Freq = "M",
    target_class: int | str | TargetsLike | None = None,
) -> pd.DataFrame:
    """Period means of each section, classified (single-factor method).

    Parameters
    ----------
    samples : pandas.DataFrame
        Samples (see :func:`section_means`).
    freq : {"M", "Q", "Y"}
        Period of the means.
    target_class : int, str, mapping, Series, DataFrame or None
        Target class for ``exceeding_items``: one class for all, the name of a column of the
        means, or a per-section mapping (``{"S1": 3}``, a Series indexed by section, or a frame with
        ``section`` and ``target_class``).

    Returns
    -------
    pandas.DataFrame
        :func:`section_means` plus the columns of
        :func:`~lanxi.compute.water.classify.classify_samples` (and ``target_class`` when a
        per-section mapping was given).
    """
    means = section_means(samples, freq)
    if isinstance(target_class, Mapping | pd.Series | pd.DataFrame):
        tgt = _targets_series(target_class)
        means["target_class"] = pd.array(means["section"].map(tgt), dtype="Int64")
        return classify_samples(means, target_class="target_class")
    return classify_samples(means, target_class=target_class)


@dataclass(frozen=True)
class RiverGrade:
    """Qualitative grade of a river, basin or water system (2011 method 二、（一）2).

    Attributes
    ----------
    grade : str
        优 / 良好 / 轻度污染 / 中度污染 / 重度污染.
    method : {"proportion", "mean_concentration"}
        Section-class proportions (≥ 5 sections) or mean concentrations (< 5 sections).
    n_sections : int
        Sections with a class.
    share_i_iii, share_worse_v : float
        Shares of sections in Ⅰ–Ⅲ and in 劣Ⅴ.
    class_shares : dict
        Share of sections per class label (Ⅰ … 劣Ⅴ).
    water_class : int or None
        Class of the mean concentrations (mean-concentration method only).
    exceedance_rates : dict
        Per item, the share of sections whose value is worse than Ⅲ (断面超标率; needs item
        columns).
    main_pollutants : tuple of str
        Up to three items with the highest 断面超标率 (> 0), or, for the mean-concentration method,
        the main pollutants of the mean.
    clause : str
        The clause applied.
    """

    grade: str
    method: Literal["proportion", "mean_concentration"]
    n_sections: int
    share_i_iii: float
    share_worse_v: float
    class_shares: dict[str, float] = field(default_factory=dict)
    water_class: int | None = None
    exceedance_rates: dict[str, float] = field(default_factory=dict)
    main_pollutants: tuple[str, ...] = ()
    clause: str = ""


def grade_river(section_classes: pd.DataFrame, *, class_col: str = "water_class") -> RiverGrade:
    """Grade a river, basin or water system from its sections' classes of one period.

    Parameters
    ----------
    section_classes : pandas.DataFrame
        One row per section (one period): ``water_class`` (1–6; NA rows are left out) and, for
        fewer than 5 sections or for exceedance rates, the item mean columns and ``waterbody``.

    Returns
    -------
    RiverGrade
        Grade, method and shares.

    Raises
    ------
    ValueError
        No section has a class, a section appears twice, or fewer than 5 sections and no item
        columns to average.

    Examples
    --------
    >>> frame = pd.DataFrame({"section": list("ABCDEFGHIJ"), "water_class": [2] * 9 + [6]})
    >>> grade_river(frame).grade
    '优'
    """
    rules = water_eval_rules()
    table = gb3838_table()
    if "section" in section_classes.columns and section_classes["section"].duplicated().any():
        raise ValueError("one row per section expected: grade one period at a time")
    frame = section_classes[section_classes[class_col].notna()]
    n = len(frame)
    if n == 0:
        raise ValueError("no section has a water class")
    classes = frame[class_col].astype(int).to_numpy()
    good = int((classes <= rules.good_classes_max).sum())
    worst = int((classes == rules.worst_class).sum())
    shares = {
        table.class_labels[k - 1]: float((classes == k).sum() / n)
        for k in range(1, WORSE_THAN_V + 1)
    }
    items = [k for k in table.items if k in frame.columns]
    rates: dict[str, float] = {}
    if items and "waterbody" in frame.columns:
        ic = item_classes(frame)
        excluded = rules.excluded
        for j, k in enumerate(ic.items):
            if k in excluded["river"] and k in excluded["lake"]:
                continue
            worse = np.nan_to_num(ic.classes[:, j], nan=0) > rules.multiple_reference_class
            rates[k] = float(worse.sum() / n)
    clause = rules.clauses.get("river_grading", "")
    if n >= rules.min_sections_for_proportion:
        grade = rules.grade_for_shares(Fraction(good, n), Fraction(worst, n))
        ranked = sorted((r, -i, k) for i, (k, r) in enumerate(rates.items()) if r > 0)
        mains = tuple(k for _, _, k in reversed(ranked))[: rules.main_pollutant_count]
        return RiverGrade(
            grade, "proportion", n, good / n, worst / n, shares, None, rates, mains, clause
        )
    if not items:
        raise ValueError(
            f"fewer than {rules.min_sections_for_proportion} sections: the 2011 method grades the "
            "mean concentrations, so the item columns are needed"
        )
    waterbodies = set(frame["waterbody"]) if "waterbody" in frame.columns else {"river"}
    mean = frame[items].apply(pd.to_numeric, errors="coerce").mean().to_frame().T
    mean["waterbody"] = "lake" if waterbodies == {"lake"} else "river"
    row = classify_samples(mean).iloc[0]
    if pd.isna(row["water_class"]):
        raise ValueError("the mean concentrations have no assessed item")
    wc = int(row["water_class"])
    mp = row["main_pollutants"]
    mains = tuple(p.split(":")[0] for p in str(mp).split(";")) if isinstance(mp, str) and mp else ()
    return RiverGrade(
        rules.section_grades[wc],
        "mean_concentration",
        n,
        good / n,
        worst / n,
        shares,
        wc,
        rates,
        mains,
        clause,
    )


def monthly_compliance(
    section_classes: pd.DataFrame, targets: TargetsLike, *, class_col: str = "water_class"
) -> pd.DataFrame:
    """Whether each section-period meets its target class.

    Parameters
    ----------
    section_classes : pandas.DataFrame
        Output of :func:`section_classes` (``section``, ``period``, ``water_class``).
    targets : mapping, Series or DataFrame
        Target class (1–5) per section.

    Returns
    -------
    pandas.DataFrame
        The input with ``target_class`` (Int64) and ``meets_target`` (boolean; NA when the class
        or the target is missing). Meeting means ``water_class ≤ target_class``.
    """
    out = section_classes.copy()
    tgt = _targets_series(targets)
    out["target_class"] = pd.array(out["section"].map(tgt), dtype="Int64")
    cls = out[class_col].astype("Int64")
    out["meets_target"] = (cls <= out["target_class"]).astype("boolean")
    return out


def _regions_frame(regions: RegionsLike) -> pd.DataFrame:
    if isinstance(regions, pd.DataFrame):
        return regions[["section", "city", "province"]]
    return pd.DataFrame(
        [(s, c, p) for s, (c, p) in regions.items()], columns=["section", "city", "province"]
    )


def _competition_rank(share: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """1 + number of regions strictly better (share first, then rate); NaN counts as worst."""
    s = np.nan_to_num(share, nan=-1.0)
    r = np.nan_to_num(rate, nan=-1.0)
    better = (s[None, :] > s[:, None]) | ((s[None, :] == s[:, None]) & (r[None, :] > r[:, None]))
    return 1 + better.sum(axis=1)


def annual_responsibility(
    monthly: pd.DataFrame,
    annual: pd.DataFrame,
    targets: TargetsLike,
    regions: RegionsLike,
    *,
    previous: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Target attainment per city and province for one year, ranked.

    Parameters
    ----------
    monthly : pandas.DataFrame
        Monthly section classes of the year (``section``, ``period``, ``water_class``).
    annual : pandas.DataFrame
        Annual section classes of the same year (one row per section).
    targets : mapping, Series or DataFrame
        Target class per section.
    regions : mapping or DataFrame
        Section → (city, province), or a frame with ``section``, ``city``, ``province``.
    previous : pandas.DataFrame, optional
        The output of this function for the previous year, for the trend.

    Returns
    -------
    pandas.DataFrame
        One row per region: ``level`` (``"city"``/``"province"``), ``region``, ``province``,
        ``sections`` (assessed: with a class and a target), ``sections_meeting`` (annual mean
        class ≤ target), ``share_meeting`` (NA when no section is assessed),
        ``section_months``, ``section_months_meeting``, ``compliance_rate`` (share of
        section-months meeting target), ``rank`` (within the level: share first, then compliance
        rate; ties share a rank; NA for a region with nothing assessed),
        ``previous_share_meeting``, ``share_change`` and ``trend`` (``"improved"``,
        ``"declined"``, ``"unchanged"``; NA without ``previous``).
    """
    if "section" in annual.columns and annual["section"].duplicated().any():
        raise ValueError("annual frame must hold one row per section (one year)")
    reg = _regions_frame(regions)
    ann = monthly_compliance(annual, targets)[["section", "water_class", "meets_target"]]
    mon = monthly_compliance(monthly, targets)
    mon_stats = (
        mon.assign(
            _a=mon["meets_target"].notna().astype(int),
            _m=mon["meets_target"].fillna(False).astype(int),
        )
        .groupby("section")
        .agg(section_months=("_a", "sum"), section_months_meeting=("_m", "sum"))
        .reset_index()
    )
    sec = reg.merge(ann, on="section", how="left").merge(mon_stats, on="section", how="left")
    # a section is assessed when it has a class and a target: one without a target neither meets
    # nor misses it (counting it as missed read 0 % for a city none of whose sections has one)
    sec["_has"] = sec["meets_target"].notna().astype(int)
    sec["_meet"] = sec["meets_target"].fillna(False).astype(int)
    sec[["section_months", "section_months_meeting"]] = sec[
        ["section_months", "section_months_meeting"]
    ].fillna(0)

    frames = []
    for level, key in (("city", "city"), ("province", "province")):
        g = (
            sec.groupby(key, sort=True)
            .agg(
                _province=("province", "first"),
                sections=("_has", "sum"),
                sections_meeting=("_meet", "sum"),
                section_months=("section_months", "sum"),
                section_months_meeting=("section_months_meeting", "sum"),
            )
            .reset_index()
            .rename(columns={key: "region", "_province": "province"})
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            g["share_meeting"] = g["sections_meeting"] / g["sections"].where(g["sections"] > 0)
            g["compliance_rate"] = g["section_months_meeting"] / g["section_months"].where(
                g["section_months"] > 0
            )
        share = g["share_meeting"].to_numpy(dtype=float, na_value=np.nan)
        rate = g["compliance_rate"].to_numpy(dtype=float, na_value=np.nan)
        # a region with nothing assessed is not ranked
        g["rank"] = pd.array(
            np.where(np.isnan(share) & np.isnan(rate), -1, _competition_rank(share, rate)),
            dtype="Int64",
        )
        g.loc[g["rank"] == -1, "rank"] = pd.NA
        g.insert(0, "level", level)
        frames.append(g)
    out = pd.concat(frames, ignore_index=True)
    out = out.sort_values(["level", "rank", "region"], kind="stable", ignore_index=True)

    if previous is not None:
        prev = previous[["level", "region", "share_meeting"]].rename(
            columns={"share_meeting": "previous_share_meeting"}
        )
        out = out.merge(prev, on=["level", "region"], how="left")
    else:
        out["previous_share_meeting"] = np.nan
    out["share_change"] = out["share_meeting"] - out["previous_share_meeting"]
    change = out["share_change"].to_numpy(dtype=float, na_value=np.nan)
    trend = np.where(change > 0, "improved", np.where(change < 0, "declined", "unchanged"))
    trend_text = trend.astype(object)
    trend_text[np.isnan(change)] = None
    out["trend"] = pd.array(trend_text, dtype="string")
    cols = [
        "level",
        "region",
        "province",
        "sections",
        "sections_meeting",
        "share_meeting",
        "section_months",
        "section_months_meeting",
        "compliance_rate",
        "rank",
        "previous_share_meeting",
        "share_change",
        "trend",
    ]
    return out[cols]
