"""A small reference for target progress and task completion, written from the rules' text.

Plain SQL (``sqlite3``) on the store; no import from ``lanxi``. The rules are those of
docs/monitoring.md ("Lanxi's rules for the plans' targets", "Status rules", "Tasks"), typed here:

Progress of a plan target (kind ``target``) on the **approved** observations of its indicator and
region, the assessment made with every approved observation (no ``--as-of``) or as of a date on or
after the last observation's year:

* **direction**: ``ge``/``gt`` higher is better, ``le``/``lt`` lower; ``eq`` (达到) and ``approx``
  (≈, 左右) are *reach* targets, from the baseline towards the target (baseline: the plan's, else
  the first approved observation);
* **met**: ``ge`` x ≥ T, ``gt`` x > T, ``le`` x ≤ T, ``lt`` x < T, ``eq`` x reached T from the
  baseline's side, ``approx`` |x − T| ≤ 2 % · |T| **or beyond T in the desired direction** (the
  indicator's ``higher_is_better``, else from the baseline towards the target): only a shortfall
  beyond the tolerance misses it;
* **rate targets** (gdp_growth, urban/rural_disposable_income_growth, foreign_trade_growth): x is
  the observed mean rate, the geometric mean of the annual rates (1 + r̄) = Π(1 + rᵢ)^(1/n) over the
  observations after the baseline year (all, without a baseline) up to the target year;
* **a target whose year has been reached** (an observation of the target year or later) is judged
  on the value of the target year — the latest observation up to its end, else the latest — as
  **已达到** or **未达到**, never a band;
* **before the target year**: 已达到 when the value already meets the target (a rate target at its
  rate: 按期推进; otherwise the bands of R = r̄ / r_T); otherwise the Open SDG
  bands of R = d · CAGR_o / |CAGR_r| (CAGR_o = (x/x₀)^(1/(t−t₀)) − 1, CAGR_r =
  (x_T/x₀)^(1/(T−t₀)) − 1; d = +1 higher is better, −1 lower): R ≥ 0.95 按期推进, ≥ 0.6 需加快,
  ≥ 0 进展有限, < 0 倒退;
* **no approved observation** (or none after the baseline): 数据不足.

Task completion: for each assignment (task × responsible agency, lead and co-units) its latest
approved report (the current version of the latest period); an assignment is **completed** when
that report says 已完成; the completion of a province is completed ÷ assignments of the agencies of
that province.
"""

from __future__ import annotations

import math
import sqlite3
from collections import defaultdict
from dataclasses import dataclass

WORDS = {
    "target_met": "已达到",
    "target_missed": "未达到",
    "on_track": "按期推进",
    "needs_acceleration": "需加快",
    "limited_progress": "进展有限",
    "deterioration": "倒退",
    "insufficient_data": "数据不足",
}
RATE_INDICATORS = {
    "gdp_growth",
    "urban_disposable_income_growth",
    "rural_disposable_income_growth",
    "foreign_trade_growth",
}
TOLERANCE = 0.02


@dataclass(frozen=True)
class Target:
    """A plan target as stored."""

    id: str
    indicator: str
    region: str
    comparison: str
    value: float
    year: int
    baseline: float | None
    baseline_year: int | None
    nature: str | None
    higher_is_better: bool | None = None


def _year(period: str) -> int:
    return int(period[:4])


def targets(db: str) -> list[Target]:
    """The quantitative targets (kind ``target``)."""
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT t.id, t.indicator_id, t.region_code, t.comparison, t.target_value, "
        "t.target_year, t.baseline_value, t.baseline_year, t.nature, i.higher_is_better "
        "FROM targets t LEFT JOIN indicators i ON i.id = t.indicator_id WHERE t.kind = 'target'"
    ).fetchall()
    con.close()
    return [Target(*r[:9], higher_is_better=None if r[9] is None else bool(r[9])) for r in rows]


def series(db: str) -> dict[tuple[str, str], list[tuple[int, float]]]:
    """(indicator, region) → the approved current annual observations, by year."""
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT indicator_id, region_code, period, value FROM observations "
        "WHERE status = 'approved' AND is_current = 1"
    ).fetchall()
    con.close()
    out: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
    for ind, region, period, value in rows:
        out[(ind, region)].append((_year(period), float(value)))
    return {k: sorted(v) for k, v in out.items()}


def _met(t: Target, x: float, base: float | None) -> bool:
    if t.comparison == "ge":
        return x >= t.value
    if t.comparison == "gt":
        return x > t.value
    if t.comparison == "le":
        return x <= t.value
    if t.comparison == "lt":
        return x < t.value
    if t.comparison == "approx":
        if abs(x - t.value) <= TOLERANCE * abs(t.value):
            return True
        if t.higher_is_better is not None:
            higher = bool(t.higher_is_better)
        else:
            assert base is not None
            higher = t.value >= base
        return x > t.value if higher else x < t.value
    assert t.comparison == "eq" and base is not None
    return x >= t.value if t.value >= base else x <= t.value


def _mean_rate(points: list[tuple[int, float]]) -> float:
    prod = math.prod(1 + r / 100 for _, r in points)
    return 100 * (prod ** (1 / len(points)) - 1)


def status(t: Target, points: list[tuple[int, float]], as_of: int | None = None) -> str:
    """The status key of ``t`` on its observations (see the module docstring).

    ``as_of``: assessed as of 31 December of that year (the observations of years up to it).
    """
    if as_of is not None:
        points = [p for p in points if p[0] <= as_of]
    base_year = t.baseline_year
    after = points if base_year is None else [p for p in points if p[0] > base_year]
    if not after:
        return "insufficient_data"
    base = t.baseline if t.baseline is not None else points[0][1]
    t0 = base_year if base_year is not None else points[0][0]
    reached = points[-1][0] >= t.year or (as_of is not None and as_of > t.year)
    upto = [p for p in after if p[0] <= t.year] or after
    if t.indicator in RATE_INDICATORS:
        x = _mean_rate(upto)
        if reached:
            return "target_met" if _met(t, x, base) else "target_missed"
        if _met(t, x, base):  # at the target rate before the target year: on track
            return "on_track"
        return _band(x / t.value)
    if reached:
        return "target_met" if _met(t, upto[-1][1], base) else "target_missed"
    year, x = points[-1]
    if _met(t, x, base):
        return "target_met"
    if t.comparison == "approx" and t.higher_is_better is not None:
        higher = bool(t.higher_is_better)
    else:
        higher = t.comparison in ("ge", "gt") or (
            t.comparison in ("eq", "approx") and t.value >= base
        )
    cagr_o = (x / base) ** (1 / (year - t0)) - 1
    cagr_r = (t.value / base) ** (1 / (t.year - t0)) - 1
    return _band((1 if higher else -1) * cagr_o / abs(cagr_r))


def _band(r: float) -> str:
    if r >= 0.95:
        return "on_track"
    if r >= 0.6:
        return "needs_acceleration"
    return "limited_progress" if r >= 0 else "deterioration"


def progress(db: str, as_of: int | None = None) -> dict[str, str]:
    """Target id → its status key (``as_of``: as of 31 December of that year)."""
    obs = series(db)
    return {t.id: status(t, obs.get((t.indicator, t.region), []), as_of) for t in targets(db)}


def _period_end(period: str) -> tuple[int, int]:
    """Sort key of a reporting period (``2023``, ``2023H1``, ``2023Q2``, ``2023-05``): its end."""
    y = int(period[:4])
    rest = period[4:]
    if not rest:
        month = 12
    elif rest.startswith("H"):
        month = 6 * int(rest[1:])
    elif rest.startswith("Q"):
        month = 3 * int(rest[1:])
    else:
        month = int(rest.lstrip("-"))
    return y, month


def completion_by_province(db: str) -> dict[str, tuple[int, int]]:
    """Province (甘肃, 青海) → (assignments completed, assignments)."""
    con = sqlite3.connect(db)
    assigned = con.execute(
        "SELECT a.task_id, a.agency_id, g.province FROM task_assignments a "
        "JOIN agencies g ON g.id = a.agency_id"
    ).fetchall()
    reports = con.execute(
        "SELECT task_id, agency_id, period, progress FROM task_progress_reports "
        "WHERE status = 'approved' AND is_current = 1"
    ).fetchall()
    con.close()
    latest: dict[tuple[str, str], tuple[tuple[int, int], str]] = {}
    for task, agency, period, prog in reports:
        key = _period_end(period)
        if (task, agency) not in latest or key > latest[(task, agency)][0]:
            latest[(task, agency)] = (key, prog)
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for task, agency, province in dict.fromkeys(assigned):
        done = latest.get((task, agency), ((0, 0), ""))[1] == "已完成"
        out[province][0] += int(done)
        out[province][1] += 1
    return {k: (v[0], v[1]) for k, v in out.items()}
