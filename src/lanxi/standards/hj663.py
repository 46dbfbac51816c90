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


# --------------------------------------------------------------------------- compliance

#: Data file of the compliance rule of each annual-evaluation method.
COMPLIANCE_FILES: dict[str, str] = {"hj663_2013": "hj663_2013_compliance"}

#: GB 3095 表1 averaging keys a statistic may be judged against.
_LIMIT_KEYS = ("annual", "daily", "o3_8h_daily_max")


@dataclass(frozen=True)
class StatisticRule:
    """One statistic of a pollutant in the annual evaluation and the limit it is judged against.

    Attributes
    ----------
    statistic : {"mean", "percentile"}
    p : float or None
        Fraction of the percentile (0.95), None for the mean.
    limit : {"annual", "daily", "o3_8h_daily_max"}
        GB 3095 表1 averaging time of the limit.
    """

    statistic: str
    p: float | None
    limit: str

    @property
    def label(self) -> str:
        """Column stem: ``annual_mean`` or ``p98``."""
        return "annual_mean" if self.p is None else f"p{round(self.p * 100)}"


@dataclass(frozen=True)
class ComplianceRules:
    """Which statistics decide whether a pollutant complies in a year (all must comply).

    Attributes
    ----------
    method : str
    citation : str
    statistics : dict
        Pollutant (``so2`` … ``o3_8h``) → its :class:`StatisticRule` s, in order.
    """

    method: str
    citation: str
    statistics: dict[str, tuple[StatisticRule, ...]]

    def describe(self) -> str:
        """The rule in one line, e.g. ``SO2: annual mean ≤ annual limit and P98 ≤ 24-h …``."""
        names = {"annual": "annual", "daily": "24-h", "o3_8h_daily_max": "8-h daily max"}
        labels = {"so2": "SO2", "no2": "NO2", "pm10": "PM10", "pm2_5": "PM2.5", "co": "CO",
                  "o3_8h": "O3-8h"}  # fmt: skip
        parts = []
        for pollutant, rules in self.statistics.items():
            terms = [
                ("annual mean" if r.p is None else f"P{round(r.p * 100)} of daily values")
                + f" ≤ {names[r.limit]} limit"
                for r in rules
            ]
            parts.append(f"{labels.get(pollutant, pollutant)}: " + " and ".join(terms))
        return "complies when " + "; ".join(parts) + f" ({self.citation})"


@cache
def compliance_rules(method: str = "hj663_2013") -> ComplianceRules:
    """The statistics each pollutant must meet to comply in the annual evaluation.

    Parameters
    ----------
    method : str
        Annual-evaluation method, a key of :data:`COMPLIANCE_FILES`.

    Returns
    -------
    ComplianceRules
        Loaded from the method's data file and validated (cached).

    Raises
    ------
    ValueError
        For a method without a compliance file.
    ValidationError
        If the data file is malformed (every problem listed).

    Examples
    --------
    >>> [r.label for r in compliance_rules().statistics["pm2_5"]]
    ['annual_mean', 'p95']
    """
    if method not in COMPLIANCE_FILES:
        raise ValueError(
            f"no compliance rules for method {method!r}; known: {sorted(COMPLIANCE_FILES)}"
        )
    std = load_standard(COMPLIANCE_FILES[method])
    file = f"{COMPLIANCE_FILES[method]}.yaml"
    data = std.data if isinstance(std.data, dict) else {}
    problems: list[Problem] = []
    if data.get("rule") != "all_statistics":
        problems.append(Problem(file, None, "rule", "expected all_statistics", data.get("rule")))
    raw = data.get("statistics")
    out: dict[str, tuple[StatisticRule, ...]] = {}
    if not isinstance(raw, dict):
        problems.append(Problem(file, None, "statistics", "expected a mapping", raw))
        raw = {}
    for key in STATISTICS:
        entries = raw.get(key)
        if not isinstance(entries, list) or not entries:
            problems.append(Problem(file, None, f"statistics.{key}", "expected a list", entries))
            continue
        rules = []
        for i, e in enumerate(entries):
            where = f"statistics.{key}[{i}]"
            kind = e.get("statistic") if isinstance(e, dict) else None
            p = e.get("p") if isinstance(e, dict) else None
            limit = e.get("limit") if isinstance(e, dict) else None
            if kind not in ("mean", "percentile"):
                problems.append(Problem(file, None, where, "statistic: mean or percentile", kind))
            elif kind == "percentile" and not (isinstance(p, float) and 0 < p < 1):
                problems.append(Problem(file, None, where, "p: a fraction between 0 and 1", p))
            elif limit not in _LIMIT_KEYS:
                problems.append(Problem(file, None, where, f"limit: one of {_LIMIT_KEYS}", limit))
            else:
                rules.append(StatisticRule(kind, p if kind == "percentile" else None, limit))
        out[key] = tuple(rules)
    for key in sorted(set(raw) - set(STATISTICS)):
        problems.append(Problem(file, None, f"statistics.{key}", f"unknown; expected {STATISTICS}"))
    if problems:
        raise ValidationError(problems)
    return ComplianceRules(method=method, citation=std.citation, statistics=out)
