"""Roll-ups of the approved observations: county → prefecture → province → agglomeration.

Each indicator rolls up by the rule its record declares (``sum``, ``pop_weighted_mean``,
``ratio_of_sums``, ``not_additive``); see :mod:`lanxi.compute.rollup` for the formulas. Only
approved observations are used; ``synthetic`` says whether a demonstration value went in.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy.orm import Session

from lanxi.compute.rollup import POPULATION, Rule, rollup
from lanxi.errors import NotFoundError
from lanxi.services.monitoring.common import Record, load_reference
from lanxi.services.monitoring.queries import approved_observations


def rollup_records(
    session: Session,
    *,
    indicator: str | None = None,
    period: str | None = None,
    as_of: dt.date | None = None,
    include_synthetic: bool = True,
) -> list[Record]:
    """Roll the approved observations up the region tree.

    Parameters
    ----------
    session : Session
        Open session.
    indicator : str, optional
        Report this indicator only (its weights and denominators are still read).
    period : str, optional
        Report this period only.
    as_of : date, optional
        Use periods that ended by this date.
    include_synthetic : bool
        Use synthetic observations too.

    Returns
    -------
    list of dict
        ``indicator_id, region_code, region_name, level, period, rule, value, observed,
        children, reported, complete, missing, note, synthetic``.
    """
    ref = load_reference(session)
    if indicator is not None and indicator not in ref.indicators:
        raise NotFoundError(f"no indicator '{indicator}' (list them with `lanxi indicators`)")
    rules = {
        i: Rule(str(m["aggregation"]), m.get("denominator")) for i, m in ref.indicators.items()
    }
    needed = None
    if indicator is not None:
        denominator = rules[indicator].denominator
        needed = sorted({indicator, POPULATION} | ({denominator} if denominator else set()))
    obs = approved_observations(
        session, indicators=needed, as_of=as_of, include_synthetic=include_synthetic
    )
    if period is not None:
        obs = obs.loc[obs["period"] == period]
    regions = pd.DataFrame(
        [
            {"code": c, "parent_code": r["parent_code"], "level": r["level"]}
            for c, r in ref.regions.items()
        ]
    )
    res = rollup(obs, regions, rules, indicators=[indicator] if indicator else None)
    synthetic_keys = {
        (r.indicator_id, r.region_code, r.period)
        for r in obs.itertuples(index=False)
        if bool(r.synthetic)
    }
    # a roll-up is synthetic when any descendant value of its indicator (or weight) is
    out: list[Record] = []
    for r in res.to_dict("records"):
        below = ref.descendants(str(r["region_code"]))
        ids = {r["indicator_id"], POPULATION, rules[str(r["indicator_id"])].denominator}
        syn = any((i, c, r["period"]) in synthetic_keys for i in ids for c in below)
        out.append(
            {
                "indicator_id": r["indicator_id"],
                "region_code": r["region_code"],
                "region_name": ref.regions.get(str(r["region_code"]), {}).get("name"),
                "level": r["level"],
                "period": r["period"],
                "rule": r["rule"],
                "value": None if pd.isna(r["value"]) else float(r["value"]),
                "observed": None
                if r["observed"] is None or pd.isna(r["observed"])
                else float(r["observed"]),
                "children": int(r["children"]),
                "reported": int(r["reported"]),
                "complete": bool(r["complete"]),
                "missing": list(r["missing"]),
                "note": r["note"],
                "synthetic": syn,
            }
        )
    return out
