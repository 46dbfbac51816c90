r"""Horizontal (upstream–downstream) eco-compensation by a water-quality index (Xin'an River model).

The Xin'an River pilot (新安江流域水环境补偿试点, 财政部、环境保护部; first round 2012–2014,
Anhui upstream / Zhejiang downstream, border section 街口) settles a fixed sum each year on a
compensation index computed at the border section:

.. math::

    P = K_0 \sum_{i=1}^{4} k_i \frac{C_i}{C_{0i}}

over permanganate index, ammonia nitrogen, total phosphorus and total nitrogen, where
:math:`C_i` is the annual mean at the border section, :math:`C_{0i}` the reference concentration
(基本限值, the mean of the base years), :math:`k_i` the item weight and :math:`K_0` the
stability coefficient (水质稳定系数; 0.85 in the first round).

Payment rule: ``P ≤ 1`` (water no worse than the reference) → the downstream province pays the
upstream one the fund amount (1 亿元 in the pilot); ``P > 1`` → the upstream pays the downstream.
The central government's 3 亿元 a year goes to the upstream province regardless.

Sources found
-------------
* Payment rule and amounts: China Daily, "Price of clean water 'a good deal'", 2017-08-14,
  http://ecns.cn/2017/08-14/269246_2.shtml; 《中国第一例跨省流域生态补偿试点》, 2012-08-20,
  http://m.handmsg.com/page/2012/0820/13277354.shtml
  (财政部直接划拨安徽省3亿元；达到标准浙江补偿安徽1亿元，达不到安徽补偿浙江1亿元).
* The index P at the 街口 section: 张文平、吴师, 新安江生态补偿指数 P 值测算,
  http://www.handmsg.com/page/2022/0903/14017938.shtml (the formula itself was cut off in the copy
  found).

Open point: the weights :math:`k_i` (0.25 each in the first round, as recalled; the stored copies
did not show the formula) are needed for the ``P ≤ 1`` test to make sense — without them ``P``
at reference concentrations is ``4 K_0 = 3.4``. They are a setting here: pass ``weights`` of 1.0 to
reproduce the unweighted sum.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from lanxi.errors import Problem, ValidationError
from lanxi.standards.compensation import CompensationRule, xinanjiang_pilot

_PILOT = xinanjiang_pilot()
#: The four items of the Xin'an River index (``xinanjiang_pilot.yaml``).
PILOT_ITEMS: tuple[str, ...] = _PILOT.items
#: First-round pilot settings (2012–2014), from ``lanxi/data/standards/xinanjiang_pilot.yaml``.
PILOT_K0 = _PILOT.k0
PILOT_FUND = _PILOT.fund_amount
PILOT_CENTRAL_FUND = _PILOT.central_fund
PILOT_UNIT = _PILOT.unit
PILOT_UPSTREAM = _PILOT.upstream
PILOT_DOWNSTREAM = _PILOT.downstream


@dataclass(frozen=True)
class CompensationSettings:
    """Parameters of a two-party compensation agreement.

    Attributes
    ----------
    k0 : float
        Stability coefficient :math:`K_0` (> 0).
    c0 : Mapping[str, float]
        Reference concentration per item (> 0); its keys are the index items.
    fund_amount : float
        Sum paid each year by one party to the other.
    upstream, downstream : str
        The two parties.
    unit : str
        Currency unit of the amounts, e.g. ``"亿元"``.
    weights : Mapping[str, float], optional
        Weight :math:`k_i` per item; equal weights summing to 1 when omitted.
    threshold : float
        ``P ≤ threshold`` → downstream pays upstream; otherwise upstream pays downstream.
    central_fund : float, optional
        Amount paid to the upstream party by the central government regardless of ``P``.
    """

    k0: float
    c0: Mapping[str, float]
    fund_amount: float
    upstream: str
    downstream: str
    unit: str = PILOT_UNIT
    weights: Mapping[str, float] | None = None
    threshold: float = 1.0
    central_fund: float | None = None

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        where = "CompensationSettings"
        if not (self.k0 > 0 and math.isfinite(self.k0)):
            problems.append(Problem(where, None, "k0", "must be a positive number", self.k0))
        if not self.c0:
            problems.append(Problem(where, None, "c0", "needs at least one item"))
        for item, value in self.c0.items():
            if not (isinstance(value, int | float) and value > 0 and math.isfinite(value)):
                problems.append(
                    Problem(where, None, f"c0.{item}", "must be a positive number", value)
                )
        if self.weights is not None:
            if set(self.weights) != set(self.c0):
                problems.append(
                    Problem(where, None, "weights", "must name the same items as c0", self.weights)
                )
            for item, w in self.weights.items():
                if not (isinstance(w, int | float) and w >= 0 and math.isfinite(w)):
                    problems.append(Problem(where, None, f"weights.{item}", "must be ≥ 0", w))
        if self.fund_amount < 0:
            problems.append(Problem(where, None, "fund_amount", "must be ≥ 0", self.fund_amount))
        if self.upstream == self.downstream:
            problems.append(Problem(where, None, "downstream", "must differ from upstream"))
        if problems:
            raise ValidationError(problems)
        object.__setattr__(self, "c0", MappingProxyType(dict(self.c0)))
        weights = self.weights or {k: 1.0 / len(self.c0) for k in self.c0}
        object.__setattr__(self, "weights", MappingProxyType(dict(weights)))

    @property
    def items(self) -> tuple[str, ...]:
        """The index items, in the order of ``c0``."""
        return tuple(self.c0)


def xinanjiang_pilot_settings(c0: Mapping[str, float]) -> CompensationSettings:
    """Settings of the first Xin'an River round (K0 = 0.85, k_i = 0.25, 1 亿元, 安徽 → 浙江).

    Parameters
    ----------
    c0 : Mapping[str, float]
        Reference concentrations of ``codmn``, ``nh3n``, ``tp`` and ``tn`` (mg/L) — the mean of the
        base years at the border section; the pilot's own values are not bundled.

    Returns
    -------
    CompensationSettings
        With the central fund of 3 亿元 to the upstream province.
    """
    missing = [k for k in PILOT_ITEMS if k not in c0]
    if missing:
        raise ValidationError(
            [
                Problem("xinanjiang_pilot_settings", None, f"c0.{k}", "reference missing")
                for k in missing
            ]
        )
    return CompensationSettings(
        k0=PILOT_K0,
        c0={k: c0[k] for k in PILOT_ITEMS},
        fund_amount=PILOT_FUND,
        upstream=PILOT_UPSTREAM,
        downstream=PILOT_DOWNSTREAM,
        unit=PILOT_UNIT,
        weights=dict(_PILOT.weights),
        threshold=_PILOT.threshold,
        central_fund=PILOT_CENTRAL_FUND,
    )


@dataclass(frozen=True)
class CompensationStatement:
    """The year's settlement at one border section.

    Attributes
    ----------
    section_id : str
        Border section.
    year : int
        Assessment year.
    p : float
        Compensation index :math:`P`.
    ratios : dict
        :math:`C_i / C_{0i}` per item.
    contributions : dict
        :math:`K_0 k_i C_i / C_{0i}` per item; they sum to ``p``.
    payer, payee : str
        Who pays whom the fund amount.
    amount : float
        The fund amount.
    unit : str
        Unit of the amounts.
    central_fund : float or None
        Central-government amount to the upstream party.
    summary_zh, summary_en : str
        One-paragraph statements.
    """

    section_id: str
    year: int
    p: float
    ratios: dict[str, float] = field(default_factory=dict)
    contributions: dict[str, float] = field(default_factory=dict)
    payer: str = ""
    payee: str = ""
    amount: float = 0.0
    unit: str = PILOT_UNIT
    central_fund: float | None = None
    summary_zh: str = ""
    summary_en: str = ""


def compensation_statement(
    section_id: str,
    year: int,
    annual_means: Mapping[str, float],
    settings: CompensationSettings,
) -> CompensationStatement:
    """Compute :math:`P` at a border section and who pays whom.

    Parameters
    ----------
    section_id : str
        Border section, e.g. ``"街口"``.
    year : int
        Assessment year.
    annual_means : Mapping[str, float]
        Annual mean concentration (mg/L) of every item of ``settings.c0``; extra items are ignored.
    settings : CompensationSettings
        Agreement parameters.

    Returns
    -------
    CompensationStatement
        ``P``, per-item ratios and contributions, payer, payee, amount and summaries.

    Raises
    ------
    ValidationError
        Listing every item that is missing, not a finite number, or negative.

    Examples
    --------
    >>> s = xinanjiang_pilot_settings({"codmn": 2.0, "nh3n": 0.10, "tp": 0.020, "tn": 1.0})
    >>> st = compensation_statement("街口", 2013, {"codmn": 1.8, "nh3n": 0.09, "tp": 0.021,
    ...                                           "tn": 1.1}, s)
    >>> round(st.p, 6), st.payer, st.payee
    (0.839375, '浙江', '安徽')
    """
    problems: list[Problem] = []
    for item in settings.items:
        value = annual_means.get(item)
        if value is None:
            problems.append(Problem("annual_means", None, item, "annual mean missing"))
        elif not (isinstance(value, int | float) and math.isfinite(value)) or value < 0:
            problems.append(
                Problem("annual_means", None, item, "must be a non-negative number", value)
            )
    if problems:
        raise ValidationError(problems)
    weights = settings.weights or {}
    ratios = {k: float(annual_means[k]) / settings.c0[k] for k in settings.items}
    contributions = {k: settings.k0 * weights[k] * ratios[k] for k in settings.items}
    p = math.fsum(contributions.values())
    if p <= settings.threshold:
        payer, payee = settings.downstream, settings.upstream
        verdict_zh = f"P ≤ {settings.threshold:g}，水质达到考核要求"
        verdict_en = f"P ≤ {settings.threshold:g}: the water met the agreed standard"
    else:
        payer, payee = settings.upstream, settings.downstream
        verdict_zh = f"P > {settings.threshold:g}，水质未达到考核要求"
        verdict_en = f"P > {settings.threshold:g}: the water missed the agreed standard"
    amount = settings.fund_amount
    unit = settings.unit
    central_zh = (
        f"；中央财政另拨付{settings.upstream}{settings.central_fund:g}{unit}"
        if settings.central_fund
        else ""
    )
    central_en = (
        f"; the central government pays {settings.upstream} {settings.central_fund:g} {unit}"
        if settings.central_fund
        else ""
    )
    parts = "、".join(f"{k} {ratios[k]:.3f}" for k in settings.items)
    summary_zh = (
        f"{year}年{section_id}断面补偿指数P = {p:.4f}（K0 = {settings.k0:g}，Ci/C0i：{parts}）。"
        f"{verdict_zh}，由{payer}向{payee}拨付{amount:g}{unit}{central_zh}。"
    )
    summary_en = (
        f"{year}, section {section_id}: compensation index P = {p:.4f} (K0 = {settings.k0:g}; "
        f"Ci/C0i: {', '.join(f'{k} {ratios[k]:.3f}' for k in settings.items)}). {verdict_en}; "
        f"{payer} pays {payee} {amount:g} {unit}{central_en}."
    )
    return CompensationStatement(
        section_id=section_id,
        year=year,
        p=p,
        ratios=ratios,
        contributions=contributions,
        payer=payer,
        payee=payee,
        amount=amount,
        unit=unit,
        central_fund=settings.central_fund,
        summary_zh=summary_zh,
        summary_en=summary_en,
    )


# ------------------------------------------------------------------------- class-step agreements


@dataclass(frozen=True)
class PeriodOutcome:
    """One assessment period of a class-step statement.

    Attributes
    ----------
    period : str
        ``"2025"`` or ``"2025-03"``.
    water_class : int or None
        The period's class (1–6, 6 = 劣Ⅴ); None without a class.
    steps : int or None
        Base class − class (positive: better than the base).
    counts : bool
        Whether the period settles money (the agreement's compliance periods); the months of an
        annual agreement are shown but do not count.
    payer, payee : str or None
        Who pays whom for this period (None: nobody, or no class).
    amount : float or None
        The amount for this period; None when the amount is not set.
    values : dict
        The period's mean concentrations (mg/L; pH unitless), the inputs a finance office checks.
    """

    period: str
    water_class: int | None
    steps: int | None
    counts: bool
    payer: str | None = None
    payee: str | None = None
    amount: float | None = None
    values: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ClassStepStatement:
    """The settlement of a class-step agreement at one section for one year.

    Signed amounts are positive when the downstream party pays the upstream one (the water was
    better than the base or the index fell) and negative the other way.

    Attributes
    ----------
    rule_id, rule_name : str
        The agreement's rule.
    section_id, section_name : str
        The section.
    year : int
    compliance : {"annual", "monthly"}
    base_class : int
        The base class used.
    base_note : str
        Where the base class comes from (the agreement, or the section's target class).
    periods : tuple of PeriodOutcome
        The year (for annual compliance) and its months.
    per_step : bool
    amount_per_step : float or None
        None: not set (the agreement's amount is not reported and the user gave none).
    class_amount : float or None
        Signed sum of the counting periods; None when not set.
    change_points : float or None
        The year-on-year change of the key-pollutant index, percentage points (negative: a fall).
    change_amount : float or None
        Signed amount of the change term (after the cap); None when not computed or not set.
    change_capped : bool
    change_note : str
        Why the change term was not computed, or empty.
    payer, payee : str or None
        Who pays whom in total (None: nobody, or the amount is not set).
    amount : float or None
        The net amount; None when any amount needed is not set.
    amount_set : bool
    upstream, downstream, unit, clause, source : str
    summary_zh, summary_en : str
    """

    rule_id: str
    rule_name: str
    section_id: str
    section_name: str
    year: int
    compliance: str
    base_class: int
    base_note: str
    periods: tuple[PeriodOutcome, ...]
    per_step: bool
    amount_per_step: float | None
    class_amount: float | None
    change_points: float | None
    change_amount: float | None
    change_capped: bool
    change_note: str
    payer: str | None
    payee: str | None
    amount: float | None
    amount_set: bool
    upstream: str
    downstream: str
    unit: str
    clause: str
    source: str
    summary_zh: str
    summary_en: str


_LABELS = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "劣Ⅴ")


def _label(k: int | None) -> str:
    return "—" if k is None else _LABELS[k - 1]


def _signed(steps: int, per_step: bool, amount: float) -> float:
    if steps == 0:
        return 0.0
    n = abs(steps) if per_step else 1
    return math.copysign(n * amount, steps)


def _who(signed: float, up: str, down: str) -> tuple[str | None, str | None]:
    if signed > 0:
        return down, up
    if signed < 0:
        return up, down
    return None, None


def class_step_statement(
    rule: CompensationRule,
    section_id: str,
    year: int,
    annual_class: int | None,
    monthly_classes: Mapping[str, int | None],
    *,
    base_class: int,
    base_note: str = "",
    base_note_en: str | None = None,
    section_name: str | None = None,
    amount_per_step: float | None = None,
    change_points: float | None = None,
    change_amount_per_point: float | None = None,
    change_cap: float | None = None,
    annual_values: Mapping[str, float] | None = None,
    monthly_values: Mapping[str, Mapping[str, float]] | None = None,
) -> ClassStepStatement:
    """Settle a class-step agreement (豫—鲁, 甘—宁, 青—甘 type) at one section for ``year``.

    Each counting period (the year for an annual agreement, each month for a monthly one)
    compares its class with ``base_class``: ``steps = base_class − class``. Better than the base
    → the downstream party pays the upstream one; worse → the other way; equal → nobody pays.
    ``rule.per_step``: the amount per class step times the steps; otherwise the amount once.
    The change term (if the rule has one and ``change_points`` is given) pays
    ``amount_per_point`` per whole percentage point of the index's change, up to the cap; a fall
    is paid by the downstream party.

    Parameters
    ----------
    rule : CompensationRule
        A ``class_step`` rule.
    section_id : str
    year : int
    annual_class : int or None
        The class of the year's mean concentrations (1–6).
    monthly_classes : mapping of str to int or None
        ``"YYYY-MM"`` → the month's class.
    base_class : int
        1–5.
    base_note : str
        Where the base class comes from (Chinese).
    base_note_en : str, optional
        The same in English (default: ``base_note``).
    section_name : str, optional
    amount_per_step : float, optional
        Overrides (or supplies, when not reported) the rule's amount.
    change_points : float, optional
        Year-on-year change of the key-pollutant index, in percentage points (negative: a fall).
    change_amount_per_point, change_cap : float, optional
        Override or supply the change term's amounts.
    annual_values, monthly_values : mapping, optional
        The mean concentrations behind the classes, carried into the statement.

    Returns
    -------
    ClassStepStatement

    Raises
    ------
    ValidationError
        For a rule that is not a class-step rule, a base class outside 1–5, or a negative amount.
    """
    problems: list[Problem] = []
    if rule.kind != "class_step":
        problems.append(Problem("rule", None, "kind", "a class_step rule is needed", rule.kind))
    if base_class not in (1, 2, 3, 4, 5):
        problems.append(Problem("base_class", None, None, "must be 1–5", base_class))
    for name, v in (
        ("amount_per_step", amount_per_step),
        ("change_amount_per_point", change_amount_per_point),
        ("change_cap", change_cap),
    ):
        if v is not None and not (math.isfinite(v) and v >= 0):
            problems.append(Problem(name, None, None, "must be a number ≥ 0", v))
    if problems:
        raise ValidationError(problems)
    up, down, unit = rule.upstream, rule.downstream, rule.unit
    amt = rule.amount_per_step if amount_per_step is None else amount_per_step
    name = section_name or section_id
    annual = rule.compliance == "annual"
    periods: list[PeriodOutcome] = []

    def outcome(period: str, cls: int | None, counts: bool, vals: Mapping[str, float]) -> None:
        steps = None if cls is None else base_class - cls
        payer = payee = None
        amount: float | None = None
        if counts and steps is not None:
            signed = _signed(steps, rule.per_step, 1.0)
            payer, payee = _who(signed, up, down)
            if steps == 0:
                amount = 0.0
            elif amt is not None:
                amount = abs(_signed(steps, rule.per_step, amt))
        periods.append(PeriodOutcome(period, cls, steps, counts, payer, payee, amount, dict(vals)))

    outcome(str(year), annual_class, annual, annual_values or {})
    for month in sorted(monthly_classes):
        outcome(month, monthly_classes[month], not annual, (monthly_values or {}).get(month, {}))
    counting = [p for p in periods if p.counts and p.steps is not None]
    class_amount: float | None = None
    if amt is not None:
        class_amount = math.fsum(_signed(p.steps or 0, rule.per_step, amt) for p in counting)
    elif counting and all(p.steps == 0 for p in counting):
        class_amount = 0.0  # equal to the base: nothing is paid, whatever the amount

    # change term
    ct = rule.change_term
    change_amount: float | None = None
    capped = False
    change_note = ""
    change_note_zh = ""
    if ct is not None:
        per_point = (
            ct.amount_per_point if change_amount_per_point is None else change_amount_per_point
        )
        cap = ct.cap if change_cap is None else change_cap
        if change_points is None:
            change_note = (
                "change term not computed: the agreement's key-pollutant index is not defined in "
                "the reports; give its year-on-year change in percentage points"
            )
            change_note_zh = (
                "变化项未计算：公开报道未给出关键污染物指数的定义，请给出其同比变化（百分点）"
            )
        elif per_point is None:
            change_note = "change term: amount per percentage point not set"
            change_note_zh = "变化项：每百分点金额未设定"
        else:
            points = math.floor(abs(change_points))  # whole percentage points
            value = points * per_point
            if cap is not None and value > cap:
                value, capped = cap, True
            change_amount = -math.copysign(value, change_points) if value else 0.0

    needs_change = ct is not None and change_points is not None
    amount_set = class_amount is not None and (not needs_change or change_amount is not None)
    net: float | None = None
    payer = payee = None
    if amount_set and class_amount is not None:
        net = class_amount + (change_amount or 0.0)
        payer, payee = _who(net, up, down)

    # summaries
    base_zh = f"基准{_label(base_class)}类" + (f"（{base_note}）" if base_note else "")
    note_en = base_note if base_note_en is None else base_note_en
    base_en = f"base class {_label(base_class)}" + (f" ({note_en})" if note_en else "")
    if annual:
        p0 = periods[0]
        if p0.water_class is None:
            judged_zh = f"{year}年{name}断面无年均水质类别（样品不足）"
            judged_en = f"{year}, section {name}: no annual class (too few samples)"
        else:
            judged_zh = f"{year}年{name}断面年均水质{_label(p0.water_class)}类，{base_zh}"
            judged_en = (
                f"{year}, section {name}: annual mean class {_label(p0.water_class)}, {base_en}"
            )
        steps_total = p0.steps
    else:
        better = sum(1 for p in counting if (p.steps or 0) > 0)
        worse = sum(1 for p in counting if (p.steps or 0) < 0)
        judged_zh = (
            f"{year}年{name}断面按月考核：{len(counting)}个月有水质类别，{better}个月优于"
            f"{_label(base_class)}类，{worse}个月劣于{_label(base_class)}类；{base_zh}"
        )
        judged_en = (
            f"{year}, section {name}, judged monthly: {len(counting)} months with a class, "
            f"{better} better and {worse} worse than class {_label(base_class)}; {base_en}"
        )
        steps_total = sum(p.steps or 0 for p in counting)
    if steps_total is None:
        verdict_zh, verdict_en = "无法结算", "nothing can be settled"
    elif not amount_set:
        direction = _signed(steps_total, True, 1.0)
        who_p, who_q = _who(direction, up, down)
        if who_p is None and not needs_change:
            verdict_zh = "与基准相同，双方互不补偿"
            verdict_en = "equal to the base: nobody pays"
        else:
            dir_zh = f"类别项应由{who_p}向{who_q}补偿" if who_p else "类别项双方互不补偿"
            dir_en = f"the class term is paid by {who_p} to {who_q}" if who_p else "no class term"
            verdict_zh = (
                f"{dir_zh}；金额未设定（协议未公开报道每级金额，请设定每级金额）"
                if amt is None
                else f"{dir_zh}；{change_note_zh}"
            )
            verdict_en = (
                f"{dir_en}; the amount is not set (the agreement's amount per class step is not "
                "reported: set it)"
                if amt is None
                else f"{dir_en}; {change_note}"
            )
    else:
        parts_zh = [f"类别项{abs(class_amount or 0):g}{unit}"]
        parts_en = [f"class term {abs(class_amount or 0):g} {unit}"]
        if change_amount is not None:
            cap_zh = "（已达上限）" if capped else ""
            cap_en = " (capped)" if capped else ""
            direction_zh = "下降" if (change_points or 0) < 0 else "上升"
            parts_zh.append(
                f"变化项（指数{direction_zh}{abs(change_points or 0):g}个百分点）"
                f"{abs(change_amount):g}{unit}{cap_zh}"
            )
            parts_en.append(
                f"change term (index {'down' if (change_points or 0) < 0 else 'up'} "
                f"{abs(change_points or 0):g} points) {abs(change_amount):g} {unit}{cap_en}"
            )
        if payer is None:
            verdict_zh = "双方互不补偿（" + "，".join(parts_zh) + "，相抵为零）"
            verdict_en = "nobody pays (" + "; ".join(parts_en) + "; net zero)"
        else:
            verdict_zh = (
                f"由{payer}向{payee}补偿{abs(net or 0):g}{unit}（" + "，".join(parts_zh) + "）"
            )
            verdict_en = (
                f"{payer} pays {payee} {abs(net or 0):g} {unit} (" + "; ".join(parts_en) + ")"
            )
        if ct is not None and change_points is None:
            verdict_zh += f"；{change_note_zh}"
            verdict_en += f"; {change_note}"
    summary_zh = f"{judged_zh}：{verdict_zh}。依据：{rule.name}（{rule.source}）。"
    summary_en = f"{judged_en}: {verdict_en}. Rule: {rule.name_en} ({rule.source})."
    return ClassStepStatement(
        rule_id=rule.id,
        rule_name=rule.name,
        section_id=section_id,
        section_name=name,
        year=year,
        compliance=rule.compliance,
        base_class=base_class,
        base_note=base_note,
        periods=tuple(periods),
        per_step=rule.per_step,
        amount_per_step=amt,
        class_amount=class_amount,
        change_points=change_points,
        change_amount=change_amount,
        change_capped=capped,
        change_note=change_note,
        payer=payer,
        payee=payee,
        amount=None if net is None else abs(net),
        amount_set=amount_set,
        upstream=up,
        downstream=down,
        unit=unit,
        clause=rule.clause,
        source=rule.source,
        summary_zh=summary_zh,
        summary_en=summary_en,
    )
