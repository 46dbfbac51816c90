"""A small reference for the water figures, written from the standard's and the rules' text.

It reads the stored samples with plain SQL (``sqlite3``) and classifies them with the limits of
GB 3838-2002 表1 typed here from the standard (not read from Lanxi's YAML), for the items the
demo samples carry (mg/L; pH dimensionless):

=======  =====  =====  =====  =====  =====  =========
item     Ⅰ      Ⅱ      Ⅲ      Ⅳ      Ⅴ      direction
=======  =====  =====  =====  =====  =====  =========
pH       6~9    6~9    6~9    6~9    6~9    range
DO       7.5    6      5      3      2      ≥
CODMn    2      4      6      10     15     ≤
COD      15     15     20     30     40     ≤
BOD5     3      3      4      6      10     ≤
NH3-N    0.15   0.5    1.0    1.5    2.0    ≤
TP       0.02   0.1    0.2    0.3    0.4    ≤ (河流; 湖、库 0.01 … 0.2)
F⁻       1.0    1.0    1.0    1.5    1.5    ≤
=======  =====  =====  =====  =====  =====  =========

环办〔2011〕22号《地表水环境质量评价办法（试行）》: the items assessed are those of 表1 except
水温、总氮、粪大肠菌群 (总氮 is not a class factor; the demo's ``tn`` is left out); a section's
class in a period is the single-factor class (the worst item's) of the period's **mean**
concentration of each item; an item beyond Ⅴ is 劣Ⅴ (6). Where two classes share a limit the
better class is given (COD 15 → Ⅰ).

The management rules (docs/water.md, "Target compliance, warnings, responsibility"):

* a section-month **meets its target** (达标) when its class ≤ the section's target class; a
  section without a target class is not assessed;
* **annual compliance** of a city or province: section-months meeting their target ÷
  section-months assessed in the year;
* **warning levels** (长江流域水环境质量监测预警办法（试行）, 生态环境部 2018, as docs/water.md
  states it): a section-month is at 二级 when its month class and its 1—N月 class both fell year
  on year by at least ``level2`` classes (the smaller fall), both are worse than class ``below``
  and the 1—N月 class misses the target (no target: no level); 一级 with ``level1``; a quarter
  takes the highest level of its months, a city the highest of its sections.

Compensation, 青—甘 agreement (人民日报 2024-08-25; docs/water.md): the class of the **annual
mean** of the section against the base (the section's target class, the agreement's base not being
reported); ``steps = base − class``; better → 甘肃 (downstream) pays 青海 (upstream), worse → 青海
pays 甘肃, ``amount = |steps| × amount per step``.

Independent of the code under test: no import from ``lanxi``.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass

#: GB 3838-2002 表1, Ⅰ–Ⅴ, rivers (typed from the standard).
UPPER = {
    "codmn": (2, 4, 6, 10, 15),
    "cod": (15, 15, 20, 30, 40),
    "bod5": (3, 3, 4, 6, 10),
    "nh3n": (0.15, 0.5, 1.0, 1.5, 2.0),
    "tp": (0.02, 0.1, 0.2, 0.3, 0.4),
    "f": (1.0, 1.0, 1.0, 1.5, 1.5),
}
LOWER = {"do": (7.5, 6, 5, 3, 2)}
PH = (6, 9)
LABELS = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "劣Ⅴ")


def item_class(item: str, value: float) -> int | None:
    """Class 1–6 of one item's concentration; None for an item not assessed (总氮, unknown)."""
    if item == "ph":
        return 1 if PH[0] <= value <= PH[1] else 6
    if item in UPPER:
        return next((k + 1 for k, lim in enumerate(UPPER[item]) if value <= lim), 6)
    if item in LOWER:
        return next((k + 1 for k, lim in enumerate(LOWER[item]) if value >= lim), 6)
    return None


def water_class(means: dict[str, float]) -> int:
    """Single-factor class: the worst class of the items assessed."""
    return max(c for k, v in means.items() if (c := item_class(k, v)) is not None)


@dataclass(frozen=True)
class Section:
    """A stored section: its name, city, province and target class."""

    id: str
    name: str
    city: str
    province: str
    target: int | None


def sections(db: str) -> dict[str, Section]:
    """The stored sections that have samples."""
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT id, name, city, province, target_class FROM water_sections "
        "WHERE id IN (SELECT DISTINCT section_id FROM water_samples)"
    ).fetchall()
    con.close()
    return {r[0]: Section(*r) for r in rows}


def samples(db: str) -> dict[str, dict[str, dict[str, list[float]]]]:
    """Per section, per month (``YYYY-MM``), per item: the values sampled."""
    con = sqlite3.connect(db)
    rows = con.execute("SELECT section_id, time, item, value FROM water_samples").fetchall()
    con.close()
    out: dict[str, dict[str, dict[str, list[float]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    for sec, time, item, value in rows:
        out[sec][str(time)[:7]][item].append(float(value))
    return out


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def month_means(db: str) -> dict[str, dict[str, dict[str, float]]]:
    """Per section, per month: each item's mean concentration."""
    return {
        s: {m: {k: _mean(v) for k, v in items.items()} for m, items in months.items()}
        for s, months in samples(db).items()
    }


def monthly_classes(db: str) -> dict[str, dict[str, int]]:
    """Per section, per month: its class."""
    return {
        s: {m: water_class(means) for m, means in months.items()}
        for s, months in month_means(db).items()
    }


def meets(cls: int, target: int | None) -> bool | None:
    """达标: class ≤ target; None without a target."""
    return None if target is None else cls <= target


def mean_class(db: str, section: str, months: list[str]) -> int | None:
    """Class of the mean of the monthly means of ``months`` (those sampled)."""
    mm = month_means(db)[section]
    got = [mm[m] for m in months if m in mm]
    if not got:
        return None
    items = {k for g in got for k in g}
    return water_class({k: _mean([g[k] for g in got if k in g]) for k in items})


def annual_compliance(db: str, year: int) -> dict[tuple[str, str], tuple[int, int]]:
    """Per (level, region) — ``("city", "兰州市")``, ``("province", "甘肃")`` — the section-months
    of ``year`` meeting their target and the section-months assessed (sections with a target)."""
    secs = sections(db)
    out: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for s, months in monthly_classes(db).items():
        sec = secs[s]
        for m, cls in months.items():
            ok = meets(cls, sec.target)
            if not m.startswith(f"{year}-") or ok is None:
                continue
            for key in (("city", sec.city), ("province", sec.province)):
                out[key][0] += int(ok)
                out[key][1] += 1
    return {k: (v[0], v[1]) for k, v in out.items()}


def annual_share(db: str, year: int) -> dict[tuple[str, str], tuple[int, int]]:
    """Per (level, region): the sections whose **annual mean** class (the 2011 method) meets
    their target, and the sections with a target (beside annual compliance, never instead)."""
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    out: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for s, sec in sections(db).items():
        cls = mean_class(db, s, months)
        ok = None if cls is None else meets(cls, sec.target)
        if ok is None:
            continue
        for key in (("city", sec.city), ("province", sec.province)):
            out[key][0] += int(ok)
            out[key][1] += 1
    return {k: (v[0], v[1]) for k, v in out.items()}


def quarter_months(quarter: str) -> list[str]:
    """``2026Q4`` → ``["2026-10", "2026-11", "2026-12"]``."""
    year, q = int(quarter[:4]), int(quarter[-1])
    return [f"{year}-{3 * (q - 1) + i:02d}" for i in (1, 2, 3)]


def _level(
    now: int,
    then: int | None,
    cum: int | None,
    cum_then: int | None,
    target: int | None,
    *,
    level1: int,
    level2: int,
    below: int,
) -> int | None:
    """One section-month's level (1 一级, 2 二级, None) under the 办法's 分级 (docs/water.md)."""
    if then is None or cum is None or cum_then is None or target is None:
        return None
    if not (now > below and cum > below and cum > target):
        return None
    drop = min(now - then, cum - cum_then)
    return 1 if drop >= level1 else 2 if drop >= level2 else None


def _shift(month: str, n: int) -> str:
    y, m = int(month[:4]), int(month[5:])
    k = y * 12 + m - 1 + n
    return f"{k // 12}-{k % 12 + 1:02d}"


def _top(levels: list[int | None]) -> int | None:
    got = [lv for lv in levels if lv is not None]
    return min(got) if got else None


def graded_levels(
    db: str, quarter: str, *, level1: int, level2: int, below: int
) -> tuple[dict[str, int | None], dict[str, int | None]]:
    """Per section and per city: the quarter's warning level (1 一级, 2 二级, None).

    Each month of the quarter: the month's class and the 1—N月 class (the class of the mean of
    the year's monthly means up to the month) against the same month / 1—N月 a year before; a
    level when both are worse than class ``below``, the 1—N月 class misses the target and the
    smaller fall reaches ``level2`` (二级) or ``level1`` (一级). The quarter takes the highest of
    its months, a city the highest of its sections. Only sampled sections are listed.
    """
    secs = sections(db)
    classes = monthly_classes(db)
    months = quarter_months(quarter)
    out: dict[str, int | None] = {}
    for s, sec in secs.items():
        got = []
        for m in months:
            if m not in classes[s]:
                continue
            year, n = m[:4], int(m[5:])
            ytd = [f"{year}-{i:02d}" for i in range(1, n + 1)]
            ytd_last = [f"{int(year) - 1}-{i:02d}" for i in range(1, n + 1)]
            got.append(
                _level(
                    classes[s][m],
                    classes[s].get(_shift(m, -12)),
                    mean_class(db, s, ytd),
                    mean_class(db, s, ytd_last),
                    sec.target,
                    level1=level1,
                    level2=level2,
                    below=below,
                )
            )
        if got:
            out[s] = _top(got)
    cities: dict[str, list[int | None]] = defaultdict(list)
    for s, lv in out.items():
        cities[secs[s].city].append(lv)
    return out, {c: _top(v) for c, v in cities.items()}


@dataclass(frozen=True)
class Settlement:
    """The 青—甘 statement of one period."""

    water_class: int
    base: int
    steps: int
    payer: str | None
    payee: str | None
    amount: float | None


def qing_gan(db: str, section: str, months: list[str], amount_per_step: float | None) -> Settlement:
    """The 青—甘 rule on the mean of ``months``: base = the section's target class."""
    base = sections(db)[section].target
    assert base is not None
    cls = mean_class(db, section, months)
    assert cls is not None
    steps = base - cls
    payer, payee = (
        (None, None) if steps == 0 else ("甘肃", "青海") if steps > 0 else ("青海", "甘肃")
    )
    amount = None if amount_per_step is None else abs(steps) * amount_per_step
    return Settlement(cls, base, steps, payer, payee, amount)
