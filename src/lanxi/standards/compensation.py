"""Settings of horizontal eco-compensation agreements, loaded from cited data files.

``xinanjiang_pilot.yaml`` holds the first round of the Xin'an River pilot (2012–2014): K0, the
item weights, the threshold, the fund and the central-government amount, the two parties.
``compensation_rules.yaml`` holds every agreement's rule as the public reports state it — the
新安江 index rule, the class-step rules of 豫—鲁 and 甘—宁, and the 青—甘 rule whose amounts
were not reported (parameters the user sets).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from lanxi.errors import NotFoundError, Problem, ValidationError
from lanxi.standards import load_standard


@dataclass(frozen=True)
class PilotSettings:
    """A compensation pilot's numbers (without the reference concentrations C0)."""

    items: tuple[str, ...]
    k0: float
    weights: dict[str, float]
    threshold: float
    fund_amount: float
    central_fund: float | None
    unit: str
    upstream: str
    downstream: str
    citation: str


@cache
def xinanjiang_pilot() -> PilotSettings:
    """The first-round Xin'an River pilot settings (``xinanjiang_pilot.yaml``).

    Raises
    ------
    ValidationError
        If the file is malformed or the weights do not name the items.
    """
    std = load_standard("xinanjiang_pilot")
    d = std.data
    try:
        items = tuple(str(k) for k in d["items"])
        weights = {str(k): float(v) for k, v in d["weights"].items()}
        out = PilotSettings(
            items=items,
            k0=float(d["k0"]),
            weights=weights,
            threshold=float(d["threshold"]),
            fund_amount=float(d["fund_amount"]),
            central_fund=None if d.get("central_fund") is None else float(d["central_fund"]),
            unit=str(d["unit"]),
            upstream=str(d["upstream"]),
            downstream=str(d["downstream"]),
            citation=f"{std.standard} ({std.edition}) {std.table}",
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValidationError(
            [Problem("xinanjiang_pilot.yaml", None, None, f"malformed: {exc!r}")]
        ) from exc
    if set(weights) != set(items):
        raise ValidationError(
            [Problem("xinanjiang_pilot.yaml", None, "weights", "must name exactly the items")]
        )
    return out


# ------------------------------------------------------------------------------ agreement rules


@dataclass(frozen=True)
class ChangeTerm:
    """The change term of a class-step agreement (豫—鲁: key-pollutant index year on year).

    Attributes
    ----------
    items : tuple of str
        The pollutants of the agreement's index (GB 3838 keys).
    amount_per_point : float or None
        Amount per whole percentage point of change; None when not reported (a parameter).
    cap : float or None
        Largest amount of the term; None when not reported or not capped.
    """

    items: tuple[str, ...]
    amount_per_point: float | None
    cap: float | None


@dataclass(frozen=True)
class CompensationRule:
    """One agreement's compensation rule, as the public reports state it.

    Attributes
    ----------
    id, name, name_en : str
        Identifier and names.
    kind : {"index", "class_step"}
        The 新安江 index rule or a water-class-step rule.
    sections : tuple of str
        The assessment sections (names, as the agreement names them).
    upstream, downstream : str
        The parties.
    term_from, term_to : datetime.date or None
        The agreement's term (None: not reported).
    compliance : {"annual", "monthly"}
        Whether the class is judged on the year's mean or on each month's.
    base_kind : {"class", "concentrations"}
        What the outcome is compared with.
    base_class : int or None
        The base class (1–5); None with ``base_from_target``.
    base_from_target : bool
        The base is the section's target class (where the agreement's base is not reported).
    base_years : tuple of int
        Fixed base period of a concentration base (empty: the data's previous years).
    per_step : bool
        The amount is paid per class step (True) or once for any deviation (False).
    amount_per_step : float or None
        Amount per class step; None when not reported (a parameter the user sets).
    unit : str
        Unit of the amounts.
    change_term : ChangeTerm or None
        The change term, if any.
    fund : float or None
        The agreement's fund, where reported.
    settings : str or None
        For the index rule, the data file of its numbers.
    clause, source : str
        The clause as reported and where.
    """

    id: str
    name: str
    name_en: str
    kind: str
    sections: tuple[str, ...]
    upstream: str
    downstream: str
    term_from: date | None
    term_to: date | None
    compliance: str
    base_kind: str
    base_class: int | None
    base_from_target: bool
    base_years: tuple[int, ...]
    per_step: bool
    amount_per_step: float | None
    unit: str
    change_term: ChangeTerm | None
    fund: float | None
    settings: str | None
    clause: str
    source: str
    #: The clause and its source in English (``clause_en``, ``source_en``; empty when not given).
    clause_en: str = ""
    source_en: str = ""

    @property
    def citation(self) -> str:
        """The rule's name and the report it follows."""
        return f"{self.name}（{self.source}）"


def _opt_float(v: object) -> float | None:
    return None if v is None else float(v)  # type: ignore[arg-type]


def _opt_date(v: object) -> date | None:
    if v is None or isinstance(v, date):
        return v
    return date.fromisoformat(str(v))


@cache
def compensation_rules() -> tuple[CompensationRule, ...]:
    """The agreements' rules (``compensation_rules.yaml``), in file order.

    Raises
    ------
    ValidationError
        Naming the rule and field of every malformed entry.
    """
    std = load_standard("compensation_rules")
    out: list[CompensationRule] = []
    problems: list[Problem] = []
    for i, r in enumerate(std.data["rules"], start=1):
        try:
            base = r["base"]
            base_class = base.get("class")
            ct = r.get("change_term")
            rule = CompensationRule(
                id=str(r["id"]),
                name=str(r["name"]),
                name_en=str(r["name_en"]),
                kind=str(r["kind"]),
                sections=tuple(str(s) for s in r["sections"]),
                upstream=str(r["upstream"]),
                downstream=str(r["downstream"]),
                term_from=_opt_date(r["term"]["from"]),
                term_to=_opt_date(r["term"]["to"]),
                compliance=str(r["compliance"]),
                base_kind=str(base["kind"]),
                base_class=None if base_class in (None, "target") else int(base_class),
                base_from_target=base_class == "target",
                base_years=tuple(int(y) for y in base.get("years", ())),
                per_step=bool(r.get("per_step", True)),
                amount_per_step=_opt_float(r.get("amount_per_step")),
                unit=str(r.get("unit", "万元")),
                change_term=None
                if ct is None
                else ChangeTerm(
                    items=tuple(str(k) for k in ct["items"]),
                    amount_per_point=_opt_float(ct.get("amount_per_point")),
                    cap=_opt_float(ct.get("cap")),
                ),
                fund=_opt_float(r.get("fund")),
                settings=r.get("settings"),
                clause=" ".join(str(r["clause"]).split()),
                source=str(r["source"]),
                clause_en=" ".join(str(r.get("clause_en", "")).split()),
                source_en=str(r.get("source_en", "")),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            problems.append(Problem("compensation_rules.yaml", i, None, f"malformed rule: {exc!r}"))
            continue
        if rule.kind not in ("index", "class_step"):
            problems.append(Problem("compensation_rules.yaml", i, "kind", "index or class_step"))
        if rule.compliance not in ("annual", "monthly"):
            problems.append(
                Problem("compensation_rules.yaml", i, "compliance", "annual or monthly")
            )
        if rule.kind == "class_step" and rule.base_class is None and not rule.base_from_target:
            problems.append(Problem("compensation_rules.yaml", i, "base.class", "1–5 or target"))
        out.append(rule)
    if problems:
        raise ValidationError(problems)
    return tuple(out)


def compensation_rule(rule_id: str) -> CompensationRule:
    """The rule ``rule_id`` of ``compensation_rules.yaml``.

    Raises
    ------
    NotFoundError
        For an unknown id (the message lists the known ones).
    """
    for r in compensation_rules():
        if r.id == rule_id:
            return r
    known = ", ".join(r.id for r in compensation_rules())
    raise NotFoundError(f"no compensation rule {rule_id!r}; known: {known}")
