"""Progress of every target against the latest approved values.

Reads the targets and the approved observations, and runs :func:`lanxi.compute.progress.assess`
with the method's thresholds from ``lanxi/data/standards/progress_methods.yaml``. Records are the
stable JSON shape of ``lanxi progress`` (fields are only ever added).
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lanxi.compute.progress import METHODS, MethodParams, assess, method_params
from lanxi.errors import NotFoundError
from lanxi.services.monitoring.common import (
    Record,
    Reference,
    load_reference,
    period_year,
    targets_of,
)
from lanxi.services.monitoring.queries import approved_observations
from lanxi.services.regions import target_unit_name, to_code
from lanxi.standards import load_standard
from lanxi.storage.models import PlanRow, RegionGroupRow


@cache
def progress_config() -> dict[str, Any]:
    """The ``data`` of ``progress_methods.yaml`` (thresholds, tolerance, rate indicators)."""
    return dict(load_standard("progress_methods").data)


def params_for(method: str = "opensdg", *, tolerance: float | None = None) -> MethodParams:
    """The :class:`~lanxi.compute.progress.MethodParams` of a method.

    Raises
    ------
    NotFoundError
        For an unknown method.
    """
    if method not in METHODS:
        raise NotFoundError(f"no progress method '{method}': use one of {', '.join(METHODS)}")
    return method_params(progress_config(), method, approx_tolerance=tolerance)


def progress_records(
    session: Session,
    *,
    plan: str | None = None,
    region: str | None = None,
    as_of: dt.date | None = None,
    method: str = "opensdg",
    tolerance: float | None = None,
    include_synthetic: bool = True,
    ref: Reference | None = None,
) -> list[Record]:
    """Assess every quantitative target of the plans.

    Parameters
    ----------
    session : Session
        Open session.
    plan : str, optional
        A plan id (``scheme2022``).
    region : str, optional
        A region code: targets of that region and the regions inside it.
    as_of : date, optional
        Use observations of periods that ended by this date (default: all approved).
    method : {"opensdg", "eurostat", "unsd"}
        The progress method.
    tolerance : float, optional
        Relative tolerance of "≈" targets (default from the data file, 0.02).
    include_synthetic : bool
        Use synthetic (demonstration) observations too; records say when they did.
    ref : Reference, optional
        Reference data.

    Returns
    -------
    list of dict
        ``target_id, plan, indicator_id, indicator_name, region_code, region_name, comparison,
        unit, baseline_value, baseline_year, baseline_source, latest_value, latest_period,
        target_value, target_year, expected_value, projected_value, gap, direction (+1 higher
        is better, −1 lower), shortfall (``direction × gap``: positive = short of the target in
        the desired direction, otherwise beyond it by ``-shortfall``), actual_rate,
        required_rate, ratio, score, status, status_label, status_zh, status_en (the words every
        surface shows, :func:`status_label`), nature, nature_zh (约束性 / 预期性), method,
        synthetic, n_observations, notes``.
    """
    ref = ref or load_reference(session)
    params = params_for(method, tolerance=tolerance)
    if plan is not None and session.get(PlanRow, plan) is None:
        raise NotFoundError(f"no plan '{plan}' (list them with `lanxi plans`)")
    wanted = None
    region = to_code(region)  # 海南, 海南州, 632500: one region
    if region is not None:
        if region not in ref.regions:
            raise NotFoundError(f"no region '{region}' (list them with `lanxi regions`)")
        wanted = ref.descendants(region)
    targets = [
        t for t in targets_of(session, plan=plan) if wanted is None or t.region_code in wanted
    ]
    obs = approved_observations(
        session,
        indicators=sorted({t.indicator_id for t in targets if t.indicator_id}),
        as_of=as_of,
        include_synthetic=include_synthetic,
    )
    series: dict[tuple[str, str], list[tuple[float, float, str, bool]]] = {}
    for r in obs.itertuples(index=False):
        series.setdefault((r.indicator_id, r.region_code), []).append(
            (period_year(r.period), float(r.value), r.period, bool(r.synthetic))
        )
    rate_ids = set(progress_config().get("rate_indicators", []))
    groups: dict[str, str] = {
        str(g): str(n) for g, n in session.execute(select(RegionGroupRow.id, RegionGroupRow.name))
    }
    out: list[Record] = []
    for t in targets:
        ind = ref.indicators.get(t.indicator_id or "", {})
        pts = sorted(series.get((t.indicator_id or "", t.region_code), []))
        # what the assessment uses: the plan's baseline, then the observations after it
        base_year = t.baseline_year
        used = pts if base_year is None else [p for p in pts if p[0] > base_year]
        res = assess(
            [(p[0], p[1]) for p in pts],
            as_of=None if as_of is None else _decimal_year(as_of),
            target=t.target_value,
            target_year=t.target_year,
            comparison=t.comparison,
            baseline=t.baseline_value,
            baseline_year=t.baseline_year,
            higher_is_better=ind.get("higher_is_better"),
            rate=t.indicator_id in rate_ids,
            params=params,
        )
        latest = pts[-1] if pts else None
        if t.baseline_value is not None and t.baseline_year is not None:
            base_source = "plan"
        elif pts:
            base_source = f"first approved observation ({pts[0][2]})"
        else:
            base_source = None
        out.append(
            {
                "target_id": t.id,
                "plan": t.plan_id,
                "indicator_id": t.indicator_id,
                "indicator_name": ind.get("name"),
                "region_code": t.region_code,
                # the unit the target is set for (兰州经济圈, not 甘肃省): the one naming rule
                "region_name": target_unit_name(
                    t.id,
                    t.region_code,
                    t.name,
                    ref.regions.get(t.region_code, {}).get("name"),
                    groups.get(t.group_id) if t.group_id else None,
                ),
                "name": t.name,
                "comparison": t.comparison,
                "unit": t.unit or ind.get("unit"),
                "baseline_value": res.baseline_value,
                "baseline_year": _year(res.baseline_year),
                "baseline_source": base_source,
                "latest_value": latest[1] if latest else None,
                "latest_period": latest[2] if latest else None,
                "target_value": t.target_value,
                "target_year": t.target_year,
                "expected_value": res.expected_value,
                "projected_value": res.projected_value,
                "gap": res.gap,
                "direction": res.direction,
                "shortfall": res.shortfall,
                "actual_rate": res.actual_rate,
                "required_rate": res.required_rate,
                "ratio": res.ratio,
                "score": res.score,
                "status": res.status,
                "status_label": res.label,
                "status_zh": status_label(res.status, "zh"),
                "status_en": status_label(res.status, "en"),
                "nature": t.nature,
                "nature_zh": nature_label(t.nature, "zh"),
                "method": params.name,
                "synthetic": any(p[3] for p in used) if used else False,
                "n_observations": len(pts),
                "notes": list(res.notes),
            }
        )
    return out


def status_label(status: str, lang: str = "zh") -> str:
    """The words of a progress status on every surface.

    From ``status_labels`` of progress_methods.yaml: 已达到, 未达到, 按期推进, 需加快, 进展有限,
    倒退, 数据不足 (docs/monitoring.md, "Status rules").
    """
    labels = progress_config()["status_labels"]
    return str(labels[status]["zh" if lang == "zh" else "en"])


def nature_label(nature: str | None, lang: str = "zh") -> str | None:
    """约束性 / 预期性 (binding / expected) of a target, None where the plan does not say."""
    if nature is None:
        return None
    labels = progress_config()["nature_labels"]
    return str(labels[nature]["zh" if lang == "zh" else "en"]) if nature in labels else nature


def _decimal_year(day: dt.date) -> float:
    days = 366 if calendar.isleap(day.year) else 365
    return day.year + (day.timetuple().tm_yday - 1) / days


def _year(x: float | None) -> float | int | None:
    if x is None:
        return None
    return int(x) if float(x).is_integer() else round(float(x), 4)
