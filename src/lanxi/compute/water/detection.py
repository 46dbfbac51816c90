"""Results below the detection limit (未检出) in water data, as laboratories write them.

Accepted forms of one cell (the detection limit *DL* in the item's unit):

===================  =====================================================  ===================
form                 example                                                source of the form
===================  =====================================================  ===================
``DL`` + ``L``       ``0.02L``, ``0.02 L``, ``0.02(L)``                     HJ/T 91-2002
``<DL``              ``<0.025``, ``＜0.025``, ``< 0.025``                   SL 219
``ND``/``未检出``     ``ND(0.025)``, ``未检出（0.025）``, ``ND<0.025``        HJ/T 166-2004
===================  =====================================================  ===================

Such a value takes part in every calculation and statistic as **half its detection limit**
(环办监测函〔2020〕82号 第七点, ``water_below_detection.yaml``): ``0.02L`` of NH3-N counts as
0.01 mg/L.
A bare ``ND`` or ``未检出`` carries no limit and is refused (Lanxi's decision, docs/water.md).
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd

from lanxi.standards import load_standard

_NUM = r"(\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_FORMS = (
    re.compile(rf"^(?P<dl>{_NUM})\s*(?:L|\(L\)|（L）)$"),
    re.compile(rf"^[<＜]\s*(?P<dl>{_NUM})$"),
    re.compile(
        rf"^(?:ND|N\.D\.|未检出)\s*(?:[(（]\s*(?P<dl>{_NUM})\s*[)）]|[<＜]\s*(?P<dl2>{_NUM}))$"
    ),
)
_BARE = re.compile(r"^(?:ND|N\.D\.|未检出|nd)$")


@cache
def half_limit_factor() -> float:
    """The share of the detection limit a below-detection value counts as (½, cited in the YAML)."""
    return float(load_standard("water_below_detection").data["factor"])


def parse_below_detection(cell: object) -> float | None:
    """The detection limit of a below-detection cell, or None when the cell is not one.

    Examples
    --------
    >>> [parse_below_detection(x) for x in ("0.02L", "<0.025", "ND(0.5)", "未检出（0.01）", "0.3")]
    [0.02, 0.025, 0.5, 0.01, None]
    """
    if not isinstance(cell, str):
        return None
    text = cell.strip()
    for form in _FORMS:
        m = form.match(text)
        if m:
            groups = m.groupdict()
            return float(groups.get("dl") or groups["dl2"])
    return None


def is_bare_not_detected(cell: object) -> bool:
    """Whether a cell says "not detected" without giving the limit (``ND``, ``未检出``)."""
    return isinstance(cell, str) and bool(_BARE.match(cell.strip()))


def split_detection(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers of an item column with below-detection cells as ½ DL, and the limits.

    Parameters
    ----------
    values : pandas.Series
        Text (or numeric) cells of one item.

    Returns
    -------
    (numbers, limits)
        ``numbers``: float values, below-detection cells as ``factor × DL``, NaN where empty or not
        a number; ``limits``: the detection limit where a cell was below detection, else NaN.
    """
    if pd.api.types.is_numeric_dtype(values):
        x = values.astype(float)
        return x, pd.Series(np.nan, index=values.index)
    text = values.astype("string").str.strip()
    numbers = pd.to_numeric(text.mask(text == ""), errors="coerce").astype(float)
    limits = pd.Series(np.nan, index=values.index)
    candidates = numbers.isna() & text.notna() & (text != "")
    if candidates.any():
        dl = text[candidates].map(parse_below_detection).astype(float)
        limits.loc[dl.index] = dl.to_numpy()
        numbers = numbers.where(limits.isna(), limits * half_limit_factor())
    return numbers, limits
