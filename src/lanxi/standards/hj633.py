"""HJ 633 (air quality index) and GB 3095 (ambient air quality) tables, loaded into typed objects.

Data files (layout explained in :mod:`lanxi.standards`):

* ``hj633_2012.yaml``, ``hj633_2026.yaml`` — IAQI breakpoints (HJ 633-2012 表1 / HJ 633-2026
  表3), the rules above 800 µg/m³, rounding, which input is looked up in which column per report
  type, and the six categories with their colours (表2 / 表1 and 表A.1);
* ``gb3095_2012_validity.yaml``, ``gb3095_2026_validity.yaml`` — data-validity minima (表4);
* ``gb3095_2012_limits.yaml``, ``gb3095_2026_limits.yaml`` — concentration limits (表1).

:func:`breakpoints` returns an :class:`AqiStandard` whose arrays feed the vectorized lookup in
:mod:`lanxi.compute.air.aqi`; :func:`edition_for` picks the edition in force on a date. Each file is
validated once (monotone breakpoints, known keys, contiguous categories); every problem is listed in
one :class:`~lanxi.errors.ValidationError`.

References
----------
.. [1] HJ 633-2012 环境空气质量指数（AQI）技术规定（试行）.
.. [2] HJ 633-2026 环境空气质量指数（AQI）技术规定.
.. [3] GB 3095-2012 / GB 3095-2026 环境空气质量标准.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, Literal, cast

import numpy as np

from lanxi.errors import Problem, ValidationError
from lanxi.standards import StandardTable, load_standard

Edition = Literal["2012", "2026"]
Kind = Literal["hourly", "daily"]

#: Supported editions, oldest first.
EDITIONS: tuple[Edition, ...] = ("2012", "2026")
KINDS: tuple[Kind, ...] = ("hourly", "daily")

#: Input columns that can carry a concentration, in the column order of HJ 633-2012 表4.
POLLUTANTS: tuple[str, ...] = ("so2", "no2", "pm10", "co", "o3_1h", "o3_8h", "pm2_5")

_TABLE_KEYS = frozenset(
    {
        "so2_24h",
        "so2_1h",
        "no2_24h",
        "no2_1h",
        "pm10_24h",
        "co_24h",
        "co_1h",
        "o3_1h",
        "o3_8h",
        "pm2_5_24h",
    }
)


@dataclass(frozen=True)
class BreakpointTable:
    """One column of the IAQI table: concentration breakpoints and their IAQI values.

    Attributes
    ----------
    key : str
        ``"so2_1h"``, ``"pm2_5_24h"``, …
    name, unit : str
        As printed.
    conc : numpy.ndarray
        Increasing breakpoints (float64), starting at 0.
    iaqi : numpy.ndarray
        IAQI at each breakpoint (same length as ``conc``).
    slope, intercept : numpy.ndarray
        Per segment ``k`` (between ``conc[k]`` and ``conc[k + 1]``), the line of 式(1):
        ``IAQI = slope[k] * C + intercept[k]``.
    segment_of : numpy.ndarray or None
        When every breakpoint is an integer (all printed ones are): the segment of
        ``floor(C)`` for ``C`` in ``0 … conc[-1]`` (int8), a faster replacement of
        :func:`numpy.searchsorted`. A concentration equal to a breakpoint may land in the segment
        above it, which gives the same IAQI.
    """

    key: str
    name: str
    unit: str
    conc: np.ndarray
    iaqi: np.ndarray
    slope: np.ndarray
    intercept: np.ndarray
    segment_of: np.ndarray | None = None


@dataclass(frozen=True)
class BeyondRule:
    """What a shortened column means above its last breakpoint (HJ 633 表1/表3 notes).

    Attributes
    ----------
    above : float
        The concentration above which the rule applies (800 µg/m³).
    action : {"use_indicator", "fixed"}
        2012: report the IAQI of another indicator (``indicator``); 2026: a fixed IAQI (``iaqi``).
    indicator : str or None
        Table key / input column whose IAQI is reported instead (2012).
    iaqi : float or None
        The fixed IAQI (2026).
    clause : str
        Where the rule is printed.
    """

    above: float
    action: Literal["use_indicator", "fixed"]
    indicator: str | None
    iaqi: float | None
    clause: str


@dataclass(frozen=True)
class Category:
    """One AQI level (级别) with its category (类别) and colour (表A.1)."""

    level: int
    level_name: str
    aqi_min: int
    aqi_max: int | None
    category: str
    category_en: str
    colour: str
    rgb: tuple[int, int, int]
    cmyk: tuple[int, int, int, int]

    @property
    def hex(self) -> str:
        """The RGB colour as ``#RRGGBB``."""
        return "#{:02X}{:02X}{:02X}".format(*self.rgb)


@dataclass(frozen=True)
class AqiStandard:
    """One edition of HJ 633, ready for vectorized lookup.

    Attributes
    ----------
    edition : {"2012", "2026"}
    citation : str
        E.g. ``"HJ 633-2026 表1 …; 表3 …"``.
    in_force_from : datetime.date
    tables : dict
        Table key → :class:`BreakpointTable`.
    beyond : dict
        Table key → :class:`BeyondRule` (SO2 1-h and O3 8-h above 800 µg/m³).
    cap_iaqi : float
        IAQI given to a concentration above the last breakpoint of a full column (500).
    concentration_decimals : dict or None
        GB/T 8170 rounding of the concentrations before lookup, decimals per input column
        (``"default"`` for the others); ``None`` when the edition prints no such rule (2012).
    primary_above : float
        A primary pollutant is named only when the AQI exceeds this (50).
    indicators : dict
        Report type (``"hourly"``, ``"daily"``) → {input column → table key}.
    indicator_clauses : dict
        Report type → clause that lists its indicators.
    categories : tuple of Category
        Levels 1–6 in order.
    publish_aqi_above : float or None
        HJ 633-2026 5.3.1: when an indicator of the report is missing or invalid, the AQI is
        published only when it exceeds this (100); otherwise the AQI, level, category and primary
        pollutant are NA. ``None`` when the edition has no such rule (2012).
    missing_clause : str
        Clause of that rule (``"5.3.1"``), or where the edition marks missing indicators.
    """

    edition: Edition
    citation: str
    in_force_from: date
    tables: dict[str, BreakpointTable]
    beyond: dict[str, BeyondRule]
    cap_iaqi: float
    concentration_decimals: dict[str, int] | None
    primary_above: float
    indicators: dict[Kind, dict[str, str]]
    indicator_clauses: dict[Kind, str]
    categories: tuple[Category, ...]
    publish_aqi_above: float | None = None
    missing_clause: str = ""

    @property
    def level_edges(self) -> np.ndarray:
        """Lowest AQI of levels 2…6, for ``np.searchsorted(edges, aqi, side="right") + 1``."""
        return np.array([c.aqi_min for c in self.categories[1:]], dtype=np.float64)


# --------------------------------------------------------------------------- HJ 633


def _table(
    key: str, raw: Any, levels: list[float], file: str
) -> tuple[BreakpointTable | None, list[Problem]]:
    problems: list[Problem] = []
    where = f"breakpoints.{key}"
    if key not in _TABLE_KEYS:
        problems.append(
            Problem(file, None, where, f"unknown table key; expected one of {sorted(_TABLE_KEYS)}")
        )
    values = raw.get("values") if isinstance(raw, dict) else None
    if not isinstance(values, list) or not all(isinstance(v, int | float) for v in values):
        problems.append(Problem(file, None, where, "values must be a list of numbers", values))
        return None, problems
    if not 2 <= len(values) <= len(levels):
        problems.append(
            Problem(
                file,
                None,
                where,
                f"expected 2…{len(levels)} breakpoints (one per IAQI level)",
                values,
            )
        )
        return None, problems
    conc = np.asarray(values, dtype=np.float64)
    if conc[0] != 0 or np.any(np.diff(conc) <= 0):
        problems.append(
            Problem(file, None, where, "breakpoints must start at 0 and increase", values)
        )
        return None, problems
    iaqi = np.asarray(levels[: len(values)], dtype=np.float64)
    slope = np.diff(iaqi) / np.diff(conc)
    intercept = iaqi[:-1] - slope * conc[:-1]
    segment_of = None
    if np.all(conc == np.round(conc)) and conc[-1] <= 100_000:
        grid = np.arange(int(conc[-1]) + 1, dtype=np.float64)
        segment_of = np.searchsorted(conc, grid, side="right") - 1
        segment_of = np.minimum(segment_of, len(slope) - 1).astype(np.int8)
    table = BreakpointTable(
        key=key,
        name=str(raw.get("name", key)),
        unit=str(raw.get("unit", "")),
        conc=conc,
        iaqi=iaqi,
        slope=slope,
        intercept=intercept,
        segment_of=segment_of,
    )
    return table, problems


def _parse_hj633(std: StandardTable) -> AqiStandard:
    file = f"hj633_{std.edition}.yaml"
    data = std.data
    problems: list[Problem] = []
    if std.edition not in EDITIONS:
        problems.append(Problem(file, None, "edition", f"expected one of {EDITIONS}", std.edition))
    if std.in_force_from is None:
        problems.append(Problem(file, None, "in_force_from", "missing"))
    levels = data.get("iaqi_levels")
    if levels != [0, 50, 100, 150, 200, 300, 400, 500]:
        problems.append(
            Problem(
                file, None, "iaqi_levels", "expected [0, 50, 100, 150, 200, 300, 400, 500]", levels
            )
        )
        levels = [0, 50, 100, 150, 200, 300, 400, 500]

    tables: dict[str, BreakpointTable] = {}
    for key, raw in (data.get("breakpoints") or {}).items():
        table, found = _table(key, raw, levels, file)
        problems += found
        if table is not None:
            tables[key] = table
    missing = _TABLE_KEYS - set(tables) - {p.field.split(".")[-1] for p in problems if p.field}
    for key in sorted(missing):
        problems.append(Problem(file, None, f"breakpoints.{key}", "table column missing"))

    beyond: dict[str, BeyondRule] = {}
    for key, raw in (data.get("beyond_table") or {}).items():
        where = f"beyond_table.{key}"
        action = raw.get("action")
        if key not in tables:
            problems.append(Problem(file, None, where, "no such breakpoint table"))
            continue
        if action not in ("use_indicator", "fixed"):
            problems.append(
                Problem(file, None, where, "action must be use_indicator or fixed", action)
            )
            continue
        if action == "use_indicator" and raw.get("indicator") not in tables:
            problems.append(
                Problem(
                    file,
                    None,
                    where,
                    "indicator must name a breakpoint table",
                    raw.get("indicator"),
                )
            )
            continue
        if action == "fixed" and not isinstance(raw.get("iaqi"), int | float):
            problems.append(
                Problem(file, None, where, "fixed rule needs a numeric iaqi", raw.get("iaqi"))
            )
            continue
        if float(raw.get("above", -1)) != float(tables[key].conc[-1]):
            problems.append(
                Problem(file, None, where, "above must equal the last breakpoint", raw.get("above"))
            )
            continue
        beyond[key] = BeyondRule(
            above=float(raw["above"]),
            action=action,
            indicator=raw.get("indicator"),
            iaqi=float(raw["iaqi"]) if action == "fixed" else None,
            clause=str(raw.get("clause", "")),
        )
    for key, table in tables.items():
        if len(table.conc) < len(levels) and key not in beyond:
            problems.append(
                Problem(
                    file, None, f"beyond_table.{key}", "shortened column needs a rule above its end"
                )
            )

    cap = (data.get("above_top") or {}).get("iaqi")
    if cap != 500:
        problems.append(Problem(file, None, "above_top.iaqi", "expected 500", cap))

    rounding = data.get("rounding") or {}
    conc_rule = rounding.get("concentration")
    decimals: dict[str, int] | None = None
    if conc_rule is not None:
        if conc_rule.get("method") != "gb_t_8170" or not isinstance(
            conc_rule.get("decimals"), dict
        ):
            problems.append(
                Problem(
                    file, None, "rounding.concentration", "expected method gb_t_8170 with decimals"
                )
            )
        else:
            decimals = {str(k): int(v) for k, v in conc_rule["decimals"].items()}
            if "default" not in decimals:
                problems.append(
                    Problem(file, None, "rounding.concentration.decimals", "needs a default")
                )
    if (rounding.get("iaqi") or {}).get("method") != "ceil":
        problems.append(
            Problem(file, None, "rounding.iaqi.method", "expected ceil (全部进位取整数)")
        )

    indicators: dict[Kind, dict[str, str]] = {}
    clauses: dict[Kind, str] = {}
    for kind in KINDS:
        raw = (data.get("indicators") or {}).get(kind) or {}
        mapping = raw.get("map") or {}
        for col, key in mapping.items():
            if col not in POLLUTANTS:
                problems.append(
                    Problem(
                        file,
                        None,
                        f"indicators.{kind}.{col}",
                        f"unknown input column; expected one of {POLLUTANTS}",
                    )
                )
            if key not in tables:
                problems.append(
                    Problem(file, None, f"indicators.{kind}.{col}", "no such breakpoint table", key)
                )
        indicators[kind] = {c: mapping[c] for c in POLLUTANTS if c in mapping}
        clauses[kind] = str(raw.get("clause", ""))

    cats: list[Category] = []
    for i, raw in enumerate(data.get("categories") or []):
        try:
            cats.append(
                Category(
                    level=int(raw["level"]),
                    level_name=str(raw["level_name"]),
                    aqi_min=int(raw["aqi_min"]),
                    aqi_max=None if raw["aqi_max"] is None else int(raw["aqi_max"]),
                    category=str(raw["category"]),
                    category_en=str(raw["category_en"]),
                    colour=str(raw["colour"]),
                    rgb=cast(tuple[int, int, int], tuple(int(v) for v in raw["rgb"])),
                    cmyk=cast(tuple[int, int, int, int], tuple(int(v) for v in raw["cmyk"])),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(Problem(file, None, f"categories[{i}]", f"malformed category: {exc}"))
    if [c.level for c in cats] != [1, 2, 3, 4, 5, 6]:
        problems.append(Problem(file, None, "categories", "expected levels 1…6 in order"))
    for prev, nxt in itertools.pairwise(cats):
        if prev.aqi_max is None or nxt.aqi_min != prev.aqi_max + 1:
            problems.append(
                Problem(
                    file,
                    None,
                    "categories",
                    f"levels {prev.level} and {nxt.level} are not contiguous",
                )
            )

    primary = (data.get("primary_pollutant") or {}).get("aqi_above")
    if not isinstance(primary, int | float):
        problems.append(
            Problem(file, None, "primary_pollutant.aqi_above", "expected a number", primary)
        )
        primary = 50

    gaps = data.get("missing_data")
    publish_above: float | None = None
    if not isinstance(gaps, dict) or "publish_aqi_above" not in gaps:
        problems.append(
            Problem(file, None, "missing_data.publish_aqi_above", "missing (a number or null)")
        )
        gaps = {}
    elif gaps["publish_aqi_above"] is not None:
        if not isinstance(gaps["publish_aqi_above"], int | float):
            problems.append(
                Problem(
                    file,
                    None,
                    "missing_data.publish_aqi_above",
                    "expected a number or null",
                    gaps["publish_aqi_above"],
                )
            )
        else:
            publish_above = float(gaps["publish_aqi_above"])

    if problems:
        raise ValidationError(problems)
    return AqiStandard(
        edition=cast(Edition, std.edition),
        citation=std.citation,
        in_force_from=cast(date, std.in_force_from),
        tables=tables,
        beyond=beyond,
        cap_iaqi=500.0 if cap is None else float(cap),
        concentration_decimals=decimals,
        primary_above=float(primary),
        indicators=indicators,
        indicator_clauses=clauses,
        categories=tuple(cats),
        publish_aqi_above=publish_above,
        missing_clause=str(gaps.get("clause", "")),
    )


def _check_edition(edition: str) -> Edition:
    if edition == "2012":
        return "2012"
    if edition == "2026":
        return "2026"
    raise ValueError(f"edition must be one of {EDITIONS}, got {edition!r}")


@cache
def breakpoints(edition: Edition) -> AqiStandard:
    """The IAQI breakpoints, rules and categories of one edition of HJ 633.

    Parameters
    ----------
    edition : {"2012", "2026"}

    Returns
    -------
    AqiStandard
        Loaded from ``hj633_<edition>.yaml`` and validated (cached).

    Raises
    ------
    ValueError
        If the edition is unknown.
    ValidationError
        If the data file is malformed (every problem listed).

    Examples
    --------
    >>> breakpoints("2026").tables["pm2_5_24h"].conc.tolist()
    [0.0, 35.0, 60.0, 115.0, 150.0, 250.0, 350.0, 500.0]
    """
    return _parse_hj633(load_standard(f"hj633_{_check_edition(edition)}"))


def edition_for(day: date | datetime | str) -> Edition:
    """The edition of HJ 633 (and GB 3095) in force on a date.

    HJ 633-2026 applies from its ``in_force_from`` date (2026-03-01); every earlier date gets
    HJ 633-2012 (in force nationwide from 2016-01-01, used by the first-phase cities from 2012).

    Parameters
    ----------
    day : datetime.date, datetime.datetime or str
        A date or time (ISO text accepted); a time's calendar date decides.

    Returns
    -------
    {"2012", "2026"}

    Examples
    --------
    >>> edition_for("2026-02-28"), edition_for("2026-03-01")
    ('2012', '2026')
    """
    if isinstance(day, str):
        day = datetime.fromisoformat(day)
    if isinstance(day, datetime):
        day = day.date()
    return "2026" if day >= switch_date() else "2012"


def switch_date() -> date:
    """First day of HJ 633-2026 (its ``in_force_from``)."""
    return breakpoints("2026").in_force_from


# --------------------------------------------------------------------------- GB 3095


@dataclass(frozen=True)
class ValidityRules:
    """GB 3095 表4 minima used to build daily values (plus the HJ 663 O3 8-hour rule).

    Attributes
    ----------
    edition : {"2012", "2026"}
    citation : str
    daily_min_hours : int
        Hourly values needed for a 24-hour mean (20).
    daily_pollutants : tuple of str
        Pollutants the 24-hour rule covers.
    o3_8h_window : int
        Hours in an O3 moving window (8).
    o3_8h_min_hours : int
        Hourly values needed in a window (6).
    o3_first_end_hour, o3_last_end_hour : int
        The day's windows end at these clock hours (8时 … 24时, end-labelled).
    o3_min_windows : int
        Valid windows needed for a daily maximum (14).
    o3_valid_if_exceeds : bool
        A day with fewer windows is still valid when its maximum exceeds the limit.
    o3_8h_limit : float
        That limit (grade Ⅱ 日最大8小时平均, µg/m³).
    annual_min_days, month_min_days, february_min_days : int
        Daily values needed per year / month / February.
    """

    edition: Edition
    citation: str
    daily_min_hours: int
    daily_pollutants: tuple[str, ...]
    o3_8h_window: int
    o3_8h_min_hours: int
    o3_first_end_hour: int
    o3_last_end_hour: int
    o3_min_windows: int
    o3_valid_if_exceeds: bool
    o3_8h_limit: float
    annual_min_days: int
    month_min_days: int
    february_min_days: int


@cache
def validity_rules(edition: Edition) -> ValidityRules:
    """GB 3095 表4 data-validity minima of one edition.

    Parameters
    ----------
    edition : {"2012", "2026"}

    Returns
    -------
    ValidityRules

    Raises
    ------
    ValidationError
        If ``gb3095_<edition>_validity.yaml`` is malformed.
    """
    edition = _check_edition(edition)
    std = load_standard(f"gb3095_{edition}_validity")
    file = f"gb3095_{edition}_validity.yaml"
    d = std.data
    try:
        o3 = d["o3_8h_daily_max"]
        rules = ValidityRules(
            edition=edition,
            citation=std.citation,
            daily_min_hours=int(d["daily_mean"]["min_hours"]),
            daily_pollutants=tuple(d["daily_mean"]["pollutants"]),
            o3_8h_window=int(d["o3_8h"]["window_hours"]),
            o3_8h_min_hours=int(d["o3_8h"]["min_hours"]),
            o3_first_end_hour=int(o3["first_window_end_hour"]),
            o3_last_end_hour=int(o3["last_window_end_hour"]),
            o3_min_windows=int(o3["min_windows"]),
            o3_valid_if_exceeds=bool(o3["valid_if_exceeds_limit"]),
            o3_8h_limit=o3_8h_limit(edition, grade=str(o3["limit_grade"])),
            annual_min_days=int(d["annual_mean"]["min_days_per_year"]),
            month_min_days=int(d["annual_mean"]["min_days_per_month"]),
            february_min_days=int(d["annual_mean"]["min_days_february"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(
            [Problem(file, None, None, f"malformed validity table: {exc!r}")]
        ) from exc
    problems = []
    if not 0 < rules.daily_min_hours <= 24:
        problems.append(
            Problem(file, None, "daily_mean.min_hours", "expected 1…24", rules.daily_min_hours)
        )
    if not 0 < rules.o3_8h_min_hours <= rules.o3_8h_window:
        problems.append(
            Problem(file, None, "o3_8h.min_hours", "expected 1…window_hours", rules.o3_8h_min_hours)
        )
    if not rules.o3_8h_window <= rules.o3_first_end_hour <= rules.o3_last_end_hour <= 24:
        problems.append(
            Problem(file, None, "o3_8h_daily_max", "window end hours must lie in the day")
        )
    if problems:
        raise ValidationError(problems)
    return rules


def limits(edition: Edition) -> StandardTable:
    """GB 3095 表1 concentration limits of one edition (raw table; see the YAML for the layout)."""
    return load_standard(f"gb3095_{_check_edition(edition)}_limits")


def o3_8h_limit(edition: Edition, *, grade: str = "II", stage: str = "transitional") -> float:
    """The O3 日最大8小时平均 limit of GB 3095 (µg/m³).

    Parameters
    ----------
    edition : {"2012", "2026"}
    grade : {"I", "II"}
    stage : {"transitional", "final"}
        GB 3095-2026 only: 过渡阶段 (to 2030-12-31) or final limits.
    """
    entry = limits(edition).data["pollutants"]["o3"]["o3_8h_daily_max"]
    if "transitional" in entry:
        entry = entry[stage]
    return float(entry[grade])
