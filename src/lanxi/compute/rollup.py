r"""Roll-ups of indicator values up the region tree, by each indicator's declared rule.

County → prefecture → province → agglomeration. A parent's value is computed from its children's
values (each child's own value, or its rolled-up value when it has none), only when every child
has one; otherwise the result names the missing children and has no value.

Rules (``Indicator.aggregation``):

``sum``
    :math:`X_P = \sum_i x_i` — additive counts and amounts.
``pop_weighted_mean``
    :math:`X_P = \sum_i w_i x_i / \sum_i w_i` with :math:`w_i` the resident population of the
    same period (indicator ``population_resident``).
``ratio_of_sums``
    :math:`X_P = f \sum_i n_i / \sum_i d_i` for a ratio :math:`x_i = f n_i / d_i` of a numerator
    and a denominator indicator. Computed as the denominator-weighted mean
    :math:`\sum_i x_i d_i / \sum_i d_i`, which is the same number (substitute :math:`x_i d_i =
    f n_i`) and needs no unit factor :math:`f`; the children's denominators must be known.
``not_additive``
    No roll-up: growth rates, shares of a province, ratios without additive parts must be
    recomputed from source data. The result says so.

A plain mean of the children's ratios is never used: it weighs a county of 50 000 people like a
city of 4 million.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

#: Parent levels in the order they are computed (each from the level below).
LEVEL_ORDER = ("county", "prefecture", "province", "agglomeration")

#: The weight of ``pop_weighted_mean``.
POPULATION = "population_resident"

RULES = ("sum", "pop_weighted_mean", "ratio_of_sums", "not_additive")


@dataclass(frozen=True)
class Rule:
    """How one indicator rolls up.

    Attributes
    ----------
    aggregation : {"sum", "pop_weighted_mean", "ratio_of_sums", "not_additive"}
        The declared rule.
    denominator : str, optional
        For ``ratio_of_sums``: the indicator whose values weight the children.
    """

    aggregation: str
    denominator: str | None = None


def rollup(
    values: pd.DataFrame,
    regions: pd.DataFrame,
    rules: Mapping[str, Rule],
    *,
    indicators: Sequence[str] | None = None,
    weight: str = POPULATION,
) -> pd.DataFrame:
    """Roll indicator values up the region tree.

    Parameters
    ----------
    values : pandas.DataFrame
        Columns ``indicator_id, region_code, period, value`` — one value per key (e.g. the
        approved observations). Weights and denominators are taken from the same frame.
    regions : pandas.DataFrame
        Columns ``code, parent_code, level`` (levels as in :data:`LEVEL_ORDER`).
    rules : mapping of str to Rule
        Per indicator id.
    indicators : sequence of str, optional
        The indicators to report (all in ``values`` by default).
    weight : str
        The weight indicator of ``pop_weighted_mean``.

    Returns
    -------
    pandas.DataFrame
        One row per (indicator, parent region, period) with children values:
        ``indicator_id, region_code, level, period, rule, value, observed, children,
        reported, complete, missing, note``. ``value`` is the roll-up (NaN when incomplete or
        not additive), ``observed`` the parent's own value if it has one.

    Examples
    --------
    >>> regions = pd.DataFrame({"code": ["P", "a", "b"], "parent_code": [None, "P", "P"],
    ...                         "level": ["province", "prefecture", "prefecture"]})
    >>> v = pd.DataFrame({"indicator_id": ["gdp", "gdp"], "region_code": ["a", "b"],
    ...                   "period": ["2023", "2023"], "value": [1.0, 2.0]})
    >>> rollup(v, regions, {"gdp": Rule("sum")})[["region_code", "value", "complete"]]
      region_code  value  complete
    0           P    3.0      True
    """
    known: dict[tuple[str, str, str], float] = {
        (str(i), str(r), str(p)): float(x)
        for i, r, p, x in values[["indicator_id", "region_code", "period"]]
        .assign(value=values["value"])
        .itertuples(index=False, name=None)
        if pd.notna(x)
    }
    observed = dict(known)
    children: dict[str, list[str]] = defaultdict(list)
    level_of: dict[str, str] = {}
    for code, parent, level in regions[["code", "parent_code", "level"]].itertuples(
        index=False, name=None
    ):
        level_of[str(code)] = str(level)
        if parent is not None and pd.notna(parent):
            children[str(parent)].append(str(code))
    wanted = list(indicators) if indicators is not None else sorted({k[0] for k in known})
    # Sums first: they feed the weights and denominators of the others.
    order = sorted(
        set(wanted) | {weight} | {r.denominator for r in rules.values() if r.denominator},
        key=lambda i: (rules.get(i, Rule("not_additive")).aggregation != "sum", i),
    )
    periods_of: dict[str, set[str]] = defaultdict(set)
    for i, _, p in known:
        periods_of[i].add(p)

    rows: list[dict[str, object]] = []
    for level in LEVEL_ORDER[1:]:
        parents = sorted(c for c, lv in level_of.items() if lv == level and children.get(c))
        for ind in order:
            rule = rules.get(ind, Rule("not_additive"))
            for parent in parents:
                kids = children[parent]
                for period in sorted(periods_of[ind]):
                    have = [k for k in kids if (ind, k, period) in known]
                    if not have:
                        continue
                    row = _one(ind, parent, period, kids, rule, known, weight)
                    row["level"] = level
                    row["observed"] = observed.get((ind, parent, period))
                    if row["value"] is not None and (ind, parent, period) not in known:
                        known[(ind, parent, period)] = float(row["value"])  # type: ignore[arg-type]
                    if ind in wanted:
                        rows.append(row)
    cols = [
        "indicator_id",
        "region_code",
        "level",
        "period",
        "rule",
        "value",
        "observed",
        "children",
        "reported",
        "complete",
        "missing",
        "note",
    ]
    out = pd.DataFrame(rows, columns=cols)
    if len(out):
        out = out.sort_values(["indicator_id", "period", "region_code"], ignore_index=True)
        out["value"] = out["value"].astype(float)
    return out


def _one(
    ind: str,
    parent: str,
    period: str,
    kids: list[str],
    rule: Rule,
    known: Mapping[tuple[str, str, str], float],
    weight: str,
) -> dict[str, object]:
    xs = {k: known.get((ind, k, period)) for k in kids}
    missing = [k for k, x in xs.items() if x is None]
    row: dict[str, object] = {
        "indicator_id": ind,
        "region_code": parent,
        "period": period,
        "rule": rule.aggregation,
        "value": None,
        "children": len(kids),
        "reported": len(kids) - len(missing),
        "complete": False,
        "missing": missing,
        "note": "",
    }
    if rule.aggregation == "not_additive":
        row["note"] = "not additive: recompute from source data, never averaged"
        return row
    if missing:
        row["note"] = f"incomplete: {len(missing)} of {len(kids)} children have no value"
        return row
    vals = [float(xs[k]) for k in kids]  # type: ignore[arg-type]
    if rule.aggregation == "sum":
        row["value"] = sum(vals)
    else:
        wid = weight if rule.aggregation == "pop_weighted_mean" else rule.denominator
        if wid is None:
            row["note"] = "ratio_of_sums needs a denominator indicator"
            return row
        ws = {k: known.get((wid, k, period)) for k in kids}
        no_w = [k for k, w in ws.items() if w is None]
        if no_w:
            row["missing"] = no_w
            row["note"] = f"incomplete: {len(no_w)} children have no {wid} for {period}"
            return row
        weights = {k: float(w) for k, w in ws.items() if w is not None}
        total = sum(weights.values())
        if total == 0:
            row["note"] = f"the children's {wid} sum to zero"
            return row
        row["value"] = sum(x * weights[k] for k, x in zip(kids, vals, strict=True)) / total
        row["note"] = f"weighted by {wid}"
    row["complete"] = True
    return row
