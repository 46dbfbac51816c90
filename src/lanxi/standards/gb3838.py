"""GB 3838-2002 Table 1 and the 2011 surface-water assessment method, loaded into typed objects.

Two data files hold every number (:mod:`lanxi.standards` explains the layout):

* ``gb3838_2002_table1.yaml`` — the 24 basic items of GB 3838-2002 表1 with their class limits
  (and English names, translations for the English reports);
* ``water_eval_2011.yaml`` — the rules of 《地表水环境质量评价办法（试行）》(环办〔2011〕22号).

:func:`gb3838_table` turns the first into numpy arrays (items × classes) for vectorized
classification; :func:`water_eval_rules` turns the second into a frozen rules object. Both validate
the file once (shape, monotone limits, known item keys) and raise
:class:`~lanxi.errors.ValidationError` listing every problem.

References
----------
.. [1] GB 3838-2002 地表水环境质量标准, 表1 地表水环境质量标准基本项目标准限值.
.. [2] 环境保护部办公厅. 地表水环境质量评价办法（试行）, 环办〔2011〕22号, 2011.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from typing import Any, Literal

import numpy as np

from lanxi.errors import Problem, ValidationError
from lanxi.standards import StandardTable, load_standard

TABLE1_NAME = "gb3838_2002_table1"
RULES_NAME = "water_eval_2011"

#: Item keys of GB 3838-2002 表1 in table order (water temperature first, not classified).
ITEM_KEYS: tuple[str, ...] = (
    "water_temp",
    "ph",
    "do",
    "codmn",
    "cod",
    "bod5",
    "nh3n",
    "tp",
    "tn",
    "cu",
    "zn",
    "f",
    "se",
    "as",
    "hg",
    "cd",
    "cr6",
    "pb",
    "cn",
    "phenol",
    "oil",
    "las",
    "s",
    "fecal_coliform",
)

Direction = Literal["upper", "lower", "range", "none"]
Waterbody = Literal["river", "lake"]
N_CLASSES = 5
WORSE_THAN_V = N_CLASSES + 1


@dataclass(frozen=True)
class Gb3838Table:
    """GB 3838-2002 表1 as arrays, ready for vectorized classification.

    Attributes
    ----------
    items : tuple of str
        The classifiable item keys in table order (23: every item but water temperature).
    names, units : dict
        Chinese name and unit per item key (all 24 items), as the standard prints them.
    directions : dict
        ``"upper"`` (C ≤ limit), ``"lower"`` (C ≥ limit; dissolved oxygen), ``"range"`` (pH) or
        ``"none"`` (water temperature) per item key.
    river_limits, lake_limits : numpy.ndarray
        Shape ``(len(items), 5)``: limit of class Ⅰ…Ⅴ per item; ``NaN`` for the pH row. They differ
        only in total phosphorus (湖、库 values).
    ph_range : tuple of float
        Lower and upper pH bound, the same for every class.
    class_labels : tuple of str
        ``("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "劣Ⅴ")``; class ``k`` has label ``class_labels[k - 1]``.
    citation : str
        ``"GB 3838-2002 表1 …"``.
    names_en, units_en : dict
        English name and unit per item key (all 24 items): **translations** for English reports
        (``name_en``, ``unit_en`` in the data file), not the standard's text; ``units_en`` falls
        back to the unit where the unit is not Chinese.
    """

    items: tuple[str, ...]
    names: dict[str, str]
    units: dict[str, str]
    directions: dict[str, Direction]
    river_limits: np.ndarray
    lake_limits: np.ndarray
    ph_range: tuple[float, float]
    class_labels: tuple[str, ...]
    citation: str
    names_en: dict[str, str] = field(default_factory=dict)
    units_en: dict[str, str] = field(default_factory=dict)

    def name(self, item: str, lang: str = "zh") -> str:
        """The item's name in ``lang`` (``"zh"``: the standard's; ``"en"``: the translation).

        Examples
        --------
        >>> gb3838_table().name("tp", "en")
        'total phosphorus (as P)'
        """
        names = self.names_en if lang == "en" else self.names
        return names.get(item, self.names.get(item, item))

    def unit(self, item: str, lang: str = "zh") -> str:
        """The item's unit in ``lang`` (``无量纲`` / ``dimensionless``, ``个/L`` / ``count/L``)."""
        units = self.units_en if lang == "en" else self.units
        return units.get(item, self.units.get(item, ""))

    def index(self, item: str) -> int:
        """Row of ``item`` in the limit arrays."""
        return self.items.index(item)

    def limits(self, item: str, waterbody: Waterbody = "river") -> np.ndarray:
        """The five class limits of one item for a river or a lake/reservoir."""
        table = self.lake_limits if waterbody == "lake" else self.river_limits
        return table[self.index(item)].copy()


@dataclass(frozen=True)
class GradeRule:
    """One row of 表2 (河流、流域（水系）水质定性评价分级); bounds are shares in [0, 1]."""

    grade: str
    i_iii_min: Fraction | None = None
    i_iii_below: Fraction | None = None
    worse_v_min: Fraction | None = None
    worse_v_below: Fraction | None = None

    def matches(self, i_iii: Fraction, worse_v: Fraction) -> bool:
        """Whether shares (exact fractions) fall in this row."""
        return (
            (self.i_iii_min is None or i_iii >= self.i_iii_min)
            and (self.i_iii_below is None or i_iii < self.i_iii_below)
            and (self.worse_v_min is None or worse_v >= self.worse_v_min)
            and (self.worse_v_below is None or worse_v < self.worse_v_below)
        )


@dataclass(frozen=True)
class WaterEvalRules:
    """The rules of 《地表水环境质量评价办法（试行）》(环办〔2011〕22号) used by Lanxi.

    Attributes
    ----------
    excluded : dict
        Items left out of the composite class, per waterbody (``"river"``, ``"lake"``).
    reference : dict
        Items assessed separately as reference items, per waterbody.
    section_grades : dict
        Class (1–6) → qualitative grade of a section (表1).
    min_sections_for_proportion : int
        Below this many sections a river is graded from mean concentrations.
    good_classes_max, worst_class : int
        Ⅰ–Ⅲ is ``class ≤ good_classes_max``; 劣Ⅴ is ``class == worst_class``.
    grade_rules : tuple of GradeRule
        The rows of 表2, checked in order.
    fallback_grade : str
        Grade when no row matches (only at Ⅰ–Ⅲ = 60 % and 劣Ⅴ = 40 % exactly).
    multiple_reference_class : int
        Class whose limit the over-standard multiple (超标倍数) refers to (Ⅲ).
    multiple_not_computed : frozenset of str
        Items without an over-standard multiple (water temperature, pH, DO).
    multiple_decimals : int
        Decimals a reported multiple keeps (GB/T 8170 on the decimal values).
    main_pollutant_above_class, main_pollutant_count : int
        Main pollutants are named when the class is worse than this, at most this many.
    priority_items : tuple of str
        Cyanide and heavy metals, ranked first among main pollutants when they exceed Ⅲ.
    min_samples : dict
        Minimum samples for a period mean, per period (``"month"``, ``"quarter"``, ``"year"``).
    clauses : dict
        Clause of the method behind each rule, for messages and reports.
    citation : str
        ``"环办〔2011〕22号 …"``.
    """

    excluded: dict[str, frozenset[str]]
    reference: dict[str, tuple[str, ...]]
    section_grades: dict[int, str]
    min_sections_for_proportion: int
    good_classes_max: int
    worst_class: int
    grade_rules: tuple[GradeRule, ...]
    fallback_grade: str
    multiple_reference_class: int
    multiple_not_computed: frozenset[str]
    main_pollutant_above_class: int
    main_pollutant_count: int
    priority_items: tuple[str, ...]
    min_samples: dict[str, int]
    clauses: dict[str, str] = field(default_factory=dict)
    citation: str = ""
    multiple_decimals: int = 2

    def grade_for_shares(self, i_iii: Fraction, worse_v: Fraction) -> str:
        """The qualitative grade of a river for its Ⅰ–Ⅲ and 劣Ⅴ shares (表2)."""
        for rule in self.grade_rules:
            if rule.matches(i_iii, worse_v):
                return rule.grade
        return self.fallback_grade


# --------------------------------------------------------------------------- GB 3838 table 1


def _limits_problems(
    file: str, key: str, limits: Any, direction: str, field_: str
) -> list[Problem]:
    problems: list[Problem] = []
    if not isinstance(limits, list) or len(limits) != N_CLASSES:
        return [Problem(file, None, f"items.{key}.{field_}", "needs 5 numbers (class Ⅰ…Ⅴ)", limits)]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and v > 0 for v in limits):
        return [
            Problem(file, None, f"items.{key}.{field_}", "limits must be positive numbers", limits)
        ]
    steps = np.diff(np.asarray(limits, dtype=float))
    if direction == "upper" and (steps < 0).any():
        problems.append(
            Problem(
                file, None, f"items.{key}.{field_}", "upper limits must not decrease Ⅰ→Ⅴ", limits
            )
        )
    if direction == "lower" and (steps > 0).any():
        problems.append(
            Problem(
                file, None, f"items.{key}.{field_}", "lower limits must not increase Ⅰ→Ⅴ", limits
            )
        )
    return problems


def parse_gb3838_table(table: StandardTable) -> Gb3838Table:
    """Validate the body of ``gb3838_2002_table1.yaml`` and build the arrays.

    Parameters
    ----------
    table : StandardTable
        The loaded file (see :func:`lanxi.standards.load_standard`).

    Returns
    -------
    Gb3838Table
        Limits per item × class.

    Raises
    ------
    ValidationError
        Listing every problem: unknown or missing items, wrong number of limits, limits that are
        not monotone, a bad pH range.
    """
    file = f"{TABLE1_NAME}.yaml"
    data = table.data if isinstance(table.data, dict) else {}
    raw_items = data.get("items")
    problems: list[Problem] = []
    if not isinstance(raw_items, dict):
        raise ValidationError([Problem(file, None, "items", "missing mapping of items")])
    labels = data.get("classes")
    if labels != ["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ"]:
        problems.append(Problem(file, None, "classes", "must be [Ⅰ, Ⅱ, Ⅲ, Ⅳ, Ⅴ]", labels))
    worse = data.get("worse_than_v_label", "劣Ⅴ")
    for key in raw_items:
        if key not in ITEM_KEYS:
            problems.append(Problem(file, None, f"items.{key}", "unknown item key"))
    for key in ITEM_KEYS:
        if key not in raw_items:
            problems.append(Problem(file, None, f"items.{key}", "item missing from the table"))

    names: dict[str, str] = {}
    units: dict[str, str] = {}
    names_en: dict[str, str] = {}
    units_en: dict[str, str] = {}
    directions: dict[str, Direction] = {}
    items = tuple(k for k in ITEM_KEYS if k != "water_temp")
    river = np.full((len(items), N_CLASSES), np.nan)
    lake = np.full((len(items), N_CLASSES), np.nan)
    ph_range = (np.nan, np.nan)
    for key in ITEM_KEYS:
        spec = raw_items.get(key)
        if not isinstance(spec, dict):
            continue
        names[key] = str(spec.get("name", key))
        units[key] = str(spec.get("unit", ""))
        name_en = spec.get("name_en")
        if not isinstance(name_en, str) or not name_en.strip():
            problems.append(
                Problem(
                    file,
                    None,
                    f"items.{key}.name_en",
                    "needs the English name (a translation, e.g. 'ammonia nitrogen (NH3-N)')",
                    name_en,
                )
            )
        else:
            names_en[key] = name_en.strip()
        units_en[key] = str(spec.get("unit_en", units[key]))
        direction = spec.get("direction")
        if direction not in ("upper", "lower", "range", "none"):
            problems.append(
                Problem(file, None, f"items.{key}.direction", "unknown direction", direction)
            )
            continue
        directions[key] = direction
        if direction == "none":
            continue
        row = items.index(key)
        if direction == "range":
            rng = spec.get("range")
            if not (isinstance(rng, list) and len(rng) == 2 and rng[0] < rng[1]):
                problems.append(Problem(file, None, f"items.{key}.range", "needs [low, high]", rng))
            else:
                ph_range = (float(rng[0]), float(rng[1]))
            continue
        limits = spec.get("limits")
        found = _limits_problems(file, key, limits, direction, "limits")
        problems.extend(found)
        if not found:
            river[row] = lake[row] = limits
        if "lake_limits" in spec:
            lake_found = _limits_problems(file, key, spec["lake_limits"], direction, "lake_limits")
            problems.extend(lake_found)
            if not lake_found:
                lake[row] = spec["lake_limits"]
    if directions.get("ph") not in (None, "range") or directions.get("do") not in (None, "lower"):
        problems.append(
            Problem(file, None, "items", "pH must be a range item, DO a lower-limit item")
        )
    if problems:
        raise ValidationError(problems)
    river.setflags(write=False)
    lake.setflags(write=False)
    return Gb3838Table(
        items=items,
        names=names,
        units=units,
        directions=directions,
        river_limits=river,
        lake_limits=lake,
        ph_range=ph_range,
        class_labels=(*(str(x) for x in labels or []), str(worse)),
        citation=table.citation,
        names_en=names_en,
        units_en=units_en,
    )


@cache
def gb3838_table() -> Gb3838Table:
    """GB 3838-2002 表1, loaded and validated once.

    Examples
    --------
    >>> t = gb3838_table()
    >>> t.limits("nh3n").tolist()
    [0.15, 0.5, 1.0, 1.5, 2.0]
    >>> t.limits("tp", "lake").tolist()
    [0.01, 0.025, 0.05, 0.1, 0.2]
    """
    return parse_gb3838_table(load_standard(TABLE1_NAME))


# --------------------------------------------------------------------------- 2011 method


def _fraction(value: Any) -> Fraction | None:
    return None if value is None else Fraction(str(value))


def parse_water_eval_rules(table: StandardTable) -> WaterEvalRules:
    """Validate the body of ``water_eval_2011.yaml`` and build the rules object.

    Raises
    ------
    ValidationError
        Listing every problem: unknown item keys, grades outside 1–6, malformed grading rows.
    """
    file = f"{RULES_NAME}.yaml"
    d = table.data if isinstance(table.data, dict) else {}
    problems: list[Problem] = []

    def section(name: str) -> dict[str, Any]:
        value = d.get(name)
        if not isinstance(value, dict):
            problems.append(Problem(file, None, name, "missing section"))
            return {}
        return value

    assessed, stats, sec = (
        section("assessed_items"),
        section("data_statistics"),
        section("section_assessment"),
    )
    grading, multiple, mains = (
        section("river_grading"),
        section("over_standard_multiple"),
        section("main_pollutants"),
    )

    def keys(path: str, values: Any) -> tuple[str, ...]:
        if not isinstance(values, list):
            problems.append(Problem(file, None, path, "needs a list of item keys", values))
            return ()
        bad = [v for v in values if v not in ITEM_KEYS]
        if bad:
            problems.append(Problem(file, None, path, "unknown item keys", bad))
        return tuple(v for v in values if v in ITEM_KEYS)

    excluded = {
        wb: frozenset(keys(f"assessed_items.excluded.{wb}", assessed.get("excluded", {}).get(wb)))
        for wb in ("river", "lake")
    }
    reference = {
        wb: keys(f"assessed_items.reference.{wb}", assessed.get("reference", {}).get(wb))
        for wb in ("river", "lake")
    }
    grades_raw = sec.get("grades", {})
    section_grades = {int(k): str(v) for k, v in grades_raw.items()} if grades_raw else {}
    if sorted(section_grades) != list(range(1, WORSE_THAN_V + 1)):
        problems.append(Problem(file, None, "section_assessment.grades", "needs classes 1–6"))

    rules: list[GradeRule] = []
    for i, row in enumerate(grading.get("rules", []) or []):
        try:
            rules.append(
                GradeRule(
                    grade=str(row["grade"]),
                    i_iii_min=_fraction(row.get("i_iii_min")),
                    i_iii_below=_fraction(row.get("i_iii_below")),
                    worse_v_min=_fraction(row.get("worse_v_min")),
                    worse_v_below=_fraction(row.get("worse_v_below")),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(
                Problem(file, None, f"river_grading.rules[{i}]", f"malformed row: {exc}")
            )
    if not rules:
        problems.append(Problem(file, None, "river_grading.rules", "no grading rows"))
    for r in rules:
        for bound in (r.i_iii_min, r.i_iii_below, r.worse_v_min, r.worse_v_below):
            if bound is not None and not 0 <= bound <= 1:
                problems.append(
                    Problem(file, None, f"river_grading.rules.{r.grade}", "share outside 0–1")
                )

    priority = keys("main_pollutants.priority_items", mains.get("priority_items", []))
    not_computed = frozenset(
        keys("over_standard_multiple.not_computed", multiple.get("not_computed"))
    )
    min_samples = {str(k): int(v) for k, v in (stats.get("min_samples") or {}).items()}
    if problems:
        raise ValidationError(problems)
    return WaterEvalRules(
        excluded=excluded,
        reference=reference,
        section_grades=section_grades,
        min_sections_for_proportion=int(grading.get("min_sections_for_proportion", 5)),
        good_classes_max=int(grading.get("good_classes_max", 3)),
        worst_class=int(grading.get("worst_class", WORSE_THAN_V)),
        grade_rules=tuple(rules),
        fallback_grade=str(grading.get("fallback_grade", rules[-1].grade)),
        multiple_reference_class=int(multiple.get("reference_class", 3)),
        multiple_not_computed=not_computed,
        multiple_decimals=int(multiple.get("decimals", 2)),
        main_pollutant_above_class=int(mains.get("applies_above_class", 3)),
        main_pollutant_count=int(mains.get("count", 3)),
        priority_items=priority,
        min_samples=min_samples,
        clauses={
            name: str(sec_.get("clause", ""))
            for name, sec_ in (
                ("assessed_items", assessed),
                ("data_statistics", stats),
                ("section_assessment", sec),
                ("river_grading", grading),
                ("over_standard_multiple", multiple),
                ("main_pollutants", mains),
            )
        },
        citation=table.citation,
    )


@cache
def water_eval_rules() -> WaterEvalRules:
    """The 2011 assessment method's rules, loaded and validated once.

    Examples
    --------
    >>> r = water_eval_rules()
    >>> sorted(r.excluded["river"])
    ['fecal_coliform', 'tn', 'water_temp']
    >>> r.section_grades[4]
    '轻度污染'
    """
    return parse_water_eval_rules(load_standard(RULES_NAME))
