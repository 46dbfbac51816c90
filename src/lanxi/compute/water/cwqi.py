"""City water-quality index CWQI (城市地表水环境质量排名技术规定（试行）, 环办监测〔2017〕51号).

Pure functions on period means: the single-item index of each item, a section's CWQI (their sum),
a city's CWQI (mean of its sections'), the change ΔCWQI against a base period and the ranking with
equal values sharing a rank. The rules (reference class Ⅲ, the pH band, the items left out) are
data: :func:`lanxi.standards.cwqi.cwqi_rules`; the limits are GB 3838-2002 表1's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from lanxi.standards.cwqi import CwqiRules
from lanxi.standards.gb3838 import Gb3838Table


def item_index(item: str, value: float, limit_iii: float, rules: CwqiRules) -> float:
    """Single-item index CWQI(i) of one period mean.

    pH: (7 − pH)/(7 − 6) at or below neutral, (pH − 7)/(9 − 7) above; dissolved oxygen:
    C_Ⅲ / C; every other item: C / C_Ⅲ.

    Examples
    --------
    >>> from lanxi.standards.cwqi import cwqi_rules
    >>> item_index("nh3n", 0.5, 1.0, cwqi_rules())
    0.5
    >>> item_index("do", 4.0, 5.0, cwqi_rules())
    1.25
    """
    if item == "ph":
        if value <= rules.ph_neutral:
            return (rules.ph_neutral - value) / (rules.ph_neutral - rules.ph_lower)
        return (value - rules.ph_neutral) / (rules.ph_upper - rules.ph_neutral)
    if item == "do":
        return limit_iii / value
    return value / limit_iii


def section_cwqi(means: pd.DataFrame, table: Gb3838Table, rules: CwqiRules) -> pd.Series:
    """CWQI of each row of ``means`` (one section's period means): the sum of its item indices.

    Items left out by the rules (water temperature; total nitrogen in rivers; faecal coliforms)
    and items without a value do not count. A row without any assessed value gives NaN.
    """
    out = []
    lake_col = means["waterbody"] if "waterbody" in means.columns else None
    items = [k for k in table.items if k in means.columns]
    for i, row in enumerate(means.itertuples(index=False)):
        is_lake = lake_col is not None and str(lake_col.iloc[i]) in ("lake", "reservoir")
        excluded = rules.excluded_lake if is_lake else rules.excluded_river
        total, n = 0.0, 0
        for k in items:
            if k in excluded:
                continue
            v = getattr(row, k)
            if v is None or (isinstance(v, float) and math.isnan(v)):
                continue
            limit = float(
                table.limits(k, "lake" if is_lake else "river")[rules.reference_class - 1]
            )
            total += item_index(k, float(v), limit, rules)
            n += 1
        out.append(total if n else math.nan)
    return pd.Series(out, index=means.index, name="cwqi", dtype=float)


def change_rate(now: float | None, base: float | None) -> float | None:
    """ΔCWQI (or any index's change rate) = (now − base) / base; None without both values."""
    if now is None or base is None or math.isnan(now) or math.isnan(base) or base == 0:
        return None
    return (now - base) / base


def rank_ascending(values: Sequence[float | None]) -> list[int | None]:
    """Ranks from the smallest value (1) up; equal values share a rank (并列), the next rank skips.

    >>> rank_ascending([3.2, 2.5, 3.2, None])
    [2, 1, 2, None]
    """
    arr = np.array([np.nan if v is None else float(v) for v in values], dtype=float)
    ranks: list[int | None] = []
    for v in arr:
        if math.isnan(v):
            ranks.append(None)
        else:
            ranks.append(int(np.sum(arr[~np.isnan(arr)] < v)) + 1)
    return ranks
