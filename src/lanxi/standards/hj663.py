"""HJ 663 (annual evaluation of ambient air quality): rounding of the reported statistics.

Data file (layout explained in :mod:`lanxi.standards`): ``hj663_2013_rounding.yaml`` — the
decimals each annual statistic, the comprehensive index and the percentages are rounded to per
GB/T 8170 before they are reported and compared with the GB 3095 limits. The text of HJ 663-2013 is
not on this machine; the file says where its numbers were read.

References
----------
.. [1] HJ 663-2013 环境空气质量评价技术规范（试行）.
.. [2] GB/T 8170-2008 数值修约规则与极限数值的表示和判定.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from lanxi.errors import Problem, ValidationError
from lanxi.standards import StandardTable, load_standard

#: The annual statistics of the evaluation, by the name the annual evaluation uses.
STATISTICS: tuple[str, ...] = ("so2", "no2", "pm10", "pm2_5", "co", "o3_8h")

#: Data file of each annual-evaluation method.
ROUNDING_FILES: dict[str, str] = {"hj663_2013": "hj663_2013_rounding"}


@dataclass(frozen=True)
class StatisticRounding:
    """How the reported statistics of an annual evaluation are rounded (GB/T 8170).

    Attributes
    ----------
    method : str
        Annual-evaluation method the rules belong to (``"hj663_2013"``).
    citation : str
        E.g. ``"HJ 663-2013 数据修约 …"``.
    concentration_decimals : dict
        Statistic (``so2`` … ``o3_8h``) → decimals kept (µg/m³; CO mg/m³).
    composite_index_decimals : int
        Decimals of the comprehensive index (its single indices are summed unrounded).
    percent_decimals : int
        Decimals of a percentage such as the good-days ratio.
    compare_rounded : bool
        Compliance is judged on the rounded statistic (修约值比较法).
    """

    method: str
    citation: str
    concentration_decimals: dict[str, int]
    composite_index_decimals: int
    percent_decimals: int
    compare_rounded: bool


def _decimals(value: object, file: str, field: str, problems: list[Problem]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        problems.append(Problem(file, None, field, "expected an integer 0…6", value))
        return 0
    return value


@cache
def rounding_rules(method: str = "hj663_2013") -> StatisticRounding:
    """The GB/T 8170 rounding of the reported annual statistics of one evaluation method.

    Parameters
    ----------
    method : str
        Annual-evaluation method, a key of :data:`ROUNDING_FILES`.

    Returns
    -------
    StatisticRounding
        Loaded from the method's data file and validated (cached).

    Raises
    ------
    ValueError
        For a method without rounding data.
    ValidationError
        If the data file is malformed (every problem listed).

    Examples
    --------
    >>> r = rounding_rules("hj663_2013")
    >>> r.concentration_decimals["pm2_5"], r.concentration_decimals["co"], r.percent_decimals
    (0, 1, 1)
    """
    if method not in ROUNDING_FILES:
        raise ValueError(
            f"no rounding rules for method {method!r}; known: {sorted(ROUNDING_FILES)}"
        )
    return _parse_rounding(load_standard(ROUNDING_FILES[method]), method)


def _parse_rounding(std: StandardTable, method: str) -> StatisticRounding:
    file = f"{ROUNDING_FILES.get(method, method)}.yaml"
    data = std.data if isinstance(std.data, dict) else {}
    problems: list[Problem] = []
    if data.get("method") != "gb_t_8170":
        problems.append(Problem(file, None, "method", "expected gb_t_8170", data.get("method")))
    if data.get("compare") not in ("rounded", "unrounded"):
        problems.append(
            Problem(file, None, "compare", "expected rounded or unrounded", data.get("compare"))
        )
    raw = data.get("concentration")
    conc: dict[str, int] = {}
    if not isinstance(raw, dict):
        problems.append(Problem(file, None, "concentration", "expected a mapping", raw))
    else:
        for key in sorted(set(raw) - set(STATISTICS)):
            problems.append(
                Problem(file, None, f"concentration.{key}", f"unknown; expected {STATISTICS}")
            )
        for key in STATISTICS:
            if key not in raw:
                problems.append(Problem(file, None, f"concentration.{key}", "missing"))
            else:
                conc[key] = _decimals(raw[key], file, f"concentration.{key}", problems)
    index = _decimals(data.get("composite_index"), file, "composite_index", problems)
    percent = _decimals(data.get("percent"), file, "percent", problems)
    if problems:
        raise ValidationError(problems)
    return StatisticRounding(
        method=method,
        citation=std.citation,
        concentration_decimals=conc,
        composite_index_decimals=index,
        percent_decimals=percent,
        compare_rounded=data["compare"] == "rounded",
    )
