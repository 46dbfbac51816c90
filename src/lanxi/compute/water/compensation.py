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
from lanxi.standards.compensation import xinanjiang_pilot

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
