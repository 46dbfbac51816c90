r"""Progress towards a target: the published growth-ratio methods, as pure functions.

Three methods, selected by :class:`MethodParams` (built from
``lanxi/data/standards/progress_methods.yaml`` by :func:`method_params`):

``opensdg`` (default) — Open SDG / Statistics Canada [1]_ [2]_. With baseline :math:`x_0` at
:math:`t_0`, latest value :math:`x` at :math:`t` and target :math:`x_T` at :math:`T`:

.. math::

    \mathrm{CAGR}_o = (x / x_0)^{1/(t - t_0)} - 1, \qquad
    \mathrm{CAGR}_r = (x_T / x_0)^{1/(T - t_0)} - 1, \qquad
    R = d \, s \, \mathrm{CAGR}_o / |\mathrm{CAGR}_r|

where :math:`d` is +1 when higher values are the goal and −1 when lower ones are, and :math:`s`
is −1 for negative series (sdg-build's ``sign``). Target met when the latest value reaches the
target; otherwise on track :math:`R \ge 0.95`, progress made but acceleration needed
:math:`0.6 \le R < 0.95`, limited progress :math:`0 \le R < 0.6`, deterioration :math:`R < 0`.
The score in [−5, 5] is linear through (−60 %, −5), (60 %, 0), (130 %, 5) and 5 when met.

``eurostat`` — Eurostat's SDG monitoring [3]_: the same bands, but the observed growth is measured
over the last five years only and the required growth is re-computed from the value at the start
of that window.

``unsd`` — the UN Statistics Division's progress chart [4]_: the observed CAGR is extrapolated to
the target year, :math:`x_e = x (1 + \mathrm{CAGR}_o)^{T - t}`, and the anticipated progress
:math:`(x_e - x_0) / (x_T - x_0)` is banded at 0.95 and 0.10.

Lanxi's rules where the plans need them (documented in ``docs/monitoring.md``, "Status rules"):

* ``ge``/``gt`` targets want higher values, ``le``/``lt`` lower ones; ``eq`` is a *reach*
  target (the direction from the baseline towards the target); an ``approx`` ("≈", 左右)
  target takes the indicator's direction (``higher_is_better``), else the baseline's towards the
  target. An ``approx`` target is met when the value is within ``approx_tolerance`` (relative)
  of it **or beyond it in the desired direction**; only a shortfall beyond the tolerance misses
  it — ≈ 8 (higher is better) with 2 % is met at 7.84 and at 9, not at 7.35;
* **a target whose year has passed is judged, not projected**: once the latest observation or the
  assessment date (``as_of``) is past the target year, the status is ``target_met`` or
  ``target_missed`` (达到 / 未达到) on the value of the target year (the latest observation up to
  the end of that year; without one, the latest observation, with a note) — never ``on_track``;
* a *rate* target (e.g. GDP growth ≈ 6 % a year) is not a level to grow towards: the observed
  average rate since the baseline (geometric mean of the annual rates) is compared with the target
  rate directly, :math:`R = \bar r / r_T`, with the same bands; it is met only when the target year
  is reached with :math:`\bar r` at the target;
* no baseline: the first observation is used, and the result says so.

References
----------
.. [1] Open SDG, "Progress Measurement Methodology for the Sustainable Development Goals",
   https://open-sdg.readthedocs.io/en/latest/progress-methodology/ (methodology of Statistics
   Canada's SDG Data Hub).
.. [2] open-sdg/sdg-build, ``sdg/ProgressMeasure.py`` (reference implementation: ``sign``,
   ``direction``, ``growth_calculation``, ``get_score``).
.. [3] Eurostat, "Sustainable development in the European Union — Monitoring report on progress
   towards the SDGs in an EU context", methodological annex (assessment of progress towards
   quantified targets; short-term trend over five years).
.. [4] UN Statistics Division, "SDG Progress Chart 2023 — Technical Note".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal[
    "target_met",
    "on_track",
    "needs_acceleration",
    "limited_progress",
    "deterioration",
    "target_missed",
    "insufficient_data",
]

#: Statuses in order from best to worst (``insufficient_data`` last).
STATUSES: tuple[Status, ...] = (
    "target_met",
    "on_track",
    "needs_acceleration",
    "limited_progress",
    "deterioration",
    "target_missed",
    "insufficient_data",
)

METHODS = ("opensdg", "eurostat", "unsd")

#: Comparisons that want the value to rise, to fall, or to reach the target from either side.
UPWARD = ("ge", "gt")
DOWNWARD = ("le", "lt")
REACH = ("eq", "approx")


@dataclass(frozen=True)
class Thresholds:
    """Lower bounds of the bands of a progress value (a ratio, or a growth rate).

    ``limited_progress`` is ``None`` for methods with three bands (the UNSD chart).
    """

    on_track: float
    needs_acceleration: float
    limited_progress: float | None = None


@dataclass(frozen=True)
class MethodParams:
    """The numbers of one method, as read from ``progress_methods.yaml``.

    Attributes
    ----------
    name : {"opensdg", "eurostat", "unsd"}
        The method.
    thresholds : Thresholds
        Bands of the progress ratio for targets with a value.
    no_target_thresholds : Thresholds, optional
        Bands of the observed CAGR for series without a target.
    window_years : float, optional
        Eurostat's assessment window (5 years).
    score_points : tuple of float, optional
        Open SDG's score break points (low, mid, high) of the ratio: −5 at low, 0 at mid, 5 at high.
    approx_tolerance : float
        Relative distance within which an "≈" target counts as met.
    zero_replacement : float
        Value replacing a zero baseline or target (Open SDG: 0.001).
    labels : mapping
        The method's own wording of each status.
    """

    name: str
    thresholds: Thresholds
    no_target_thresholds: Thresholds | None = None
    window_years: float | None = None
    score_points: tuple[float, float, float] | None = None
    approx_tolerance: float = 0.0
    zero_replacement: float = 0.001
    labels: Mapping[str, str] = field(default_factory=dict)


def method_params(
    data: Mapping[str, Any], name: str = "opensdg", *, approx_tolerance: float | None = None
) -> MethodParams:
    """Build :class:`MethodParams` from the ``data`` body of ``progress_methods.yaml``.

    Parameters
    ----------
    data : mapping
        The parsed ``data`` section (``approx_tolerance``, ``zero_replacement``, ``methods``).
    name : {"opensdg", "eurostat", "unsd"}
        The method.
    approx_tolerance : float, optional
        Overrides the file's tolerance for "≈" targets.

    Returns
    -------
    MethodParams

    Raises
    ------
    ValueError
        If the method is unknown.
    """
    methods = data["methods"]
    if name not in methods:
        raise ValueError(f"unknown progress method '{name}': use one of {', '.join(methods)}")
    m = methods[name]

    def th(d: Mapping[str, float] | None) -> Thresholds | None:
        if d is None:
            return None
        return Thresholds(
            float(d["on_track"]),
            float(d["needs_acceleration"]),
            None if d.get("limited_progress") is None else float(d["limited_progress"]),
        )

    thresholds = th(m["thresholds"])
    assert thresholds is not None
    score = m.get("score")
    return MethodParams(
        name=name,
        thresholds=thresholds,
        no_target_thresholds=th(m.get("no_target_thresholds")),
        window_years=m.get("window_years"),
        score_points=(
            None
            if score is None
            else (float(score["low"]), float(score["mid"]), float(score["high"]))
        ),
        approx_tolerance=float(
            data["approx_tolerance"] if approx_tolerance is None else approx_tolerance
        ),
        zero_replacement=float(data.get("zero_replacement", 0.001)),
        labels=dict(m.get("labels", {})),
    )


@dataclass(frozen=True)
class ProgressResult:
    """The assessment of one target (or one series without a target).

    Attributes
    ----------
    status : str
        One of :data:`STATUSES`.
    method : str
        The method used.
    label : str
        The method's own wording of the status.
    ratio : float or None
        The progress value: R (opensdg, eurostat), the anticipated-progress ratio (unsd), the
        observed over the target rate (rate targets) or the signed CAGR (series without target).
    score : float or None
        Open SDG score in [−5, 5] (opensdg only).
    actual_rate, required_rate : float or None
        Observed and required compound annual growth rates (fractions, 0.05 = 5 %/yr); for rate
        targets the observed mean rate and the target rate (in the series' unit).
    baseline_value, baseline_year : float or None
        The start of the assessment (the plan's baseline, the first observation, or the start of
        Eurostat's window).
    latest_value, latest_year : float or None
        The latest observation.
    target_value, target_year : float or None
        The target.
    expected_value : float or None
        Where the path from baseline to target (constant growth) stands at ``latest_year``.
    projected_value : float or None
        The latest value extrapolated at the observed growth rate to ``target_year``.
    gap : float or None
        ``target_value - latest_value`` (positive: still to go for a rising target).
    shortfall : float or None
        ``direction × gap``: how far the value is short of the target in the desired direction
        (positive: short by that much; zero or negative: at or beyond it by ``-shortfall``).
    direction : int
        +1 (higher is the goal) or −1.
    notes : tuple of str
        What was assumed (baseline substitutes, "≈" tolerance, rate comparison, …).
    """

    status: Status
    method: str
    label: str = ""
    ratio: float | None = None
    score: float | None = None
    actual_rate: float | None = None
    required_rate: float | None = None
    baseline_value: float | None = None
    baseline_year: float | None = None
    latest_value: float | None = None
    latest_year: float | None = None
    target_value: float | None = None
    target_year: float | None = None
    expected_value: float | None = None
    projected_value: float | None = None
    gap: float | None = None
    direction: int = 1
    notes: tuple[str, ...] = ()

    @property
    def shortfall(self) -> float | None:
        """``direction × gap``: positive when short of the target in the desired direction."""
        return None if self.gap is None else self.direction * self.gap


def cagr(x0: float, x1: float, t0: float, t1: float) -> float:
    """Compound annual growth rate from ``x0`` at ``t0`` to ``x1`` at ``t1``.

    :math:`(x_1 / x_0)^{1/(t_1 - t_0)} - 1` — sdg-build's ``growth_calculation``.

    Examples
    --------
    >>> round(cagr(100, 121, 2020, 2022), 10)
    0.1
    """
    return float((x1 / x0) ** (1.0 / (t1 - t0)) - 1.0)


def classify(value: float, thresholds: Thresholds) -> Status:
    """The band of a progress value (``value ≥ on_track`` → ``"on_track"``, …).

    With three bands (``limited_progress`` is ``None``) everything below ``needs_acceleration``
    is ``"deterioration"``.
    """
    if value >= thresholds.on_track:
        return "on_track"
    if value >= thresholds.needs_acceleration:
        return "needs_acceleration"
    if thresholds.limited_progress is not None and value >= thresholds.limited_progress:
        return "limited_progress"
    return "deterioration"


def opensdg_score(ratio: float, points: tuple[float, float, float]) -> float:
    """Open SDG's score of a ratio R: −5 at ``low``, 0 at ``mid``, 5 at ``high``, linear between.

    With the published points (−0.6, 0.6, 1.3) this is sdg-build's
    ``7.1429 R − 4.2857`` for R ≥ 0.6 and ``4.1667 R − 2.5`` below, clipped to [−5, 5].
    """
    low, mid, high = points
    if ratio >= mid:
        return min(5.0 * (ratio - mid) / (high - mid), 5.0)
    return max(5.0 * (ratio - mid) / (mid - low), -5.0)


def opensdg_trend_score(cagr_value: float, thresholds: Thresholds) -> float:
    """Open SDG's score of a series without target from its signed CAGR (natural limits ignored).

    −5 at −2 %, −2.5 at 0, 0 at the acceleration threshold (0.5 %), 2.5 at on-track (1.5 %) and
    5 at 2 %, linear in between (sdg-build ``get_score``, method 1, with coefficient 1).
    """
    v = cagr_value
    low = thresholds.limited_progress if thresholds.limited_progress is not None else 0.0
    if v < low:
        return max(125.0 * v - 2.5, -5.0)
    if v >= thresholds.on_track:
        return min(500.0 * v - 5.0, 5.0)
    if v >= thresholds.needs_acceleration:
        return 250.0 * v - 1.25
    return 500.0 * v - 2.5


def direction_of(
    comparison: str | None,
    baseline: float | None,
    target: float | None,
    higher_is_better: bool | None = None,
) -> int:
    """+1 if the goal is a higher value, −1 if lower.

    ``ge``/``gt`` → +1, ``le``/``lt`` → −1; ``approx`` → the indicator's ``higher_is_better``
    when known; ``eq`` (and ``approx`` of an indicator without one) → towards the target from the
    baseline; otherwise ``higher_is_better`` (default +1).
    """
    if comparison in UPWARD:
        return 1
    if comparison in DOWNWARD:
        return -1
    if comparison == "approx" and higher_is_better is not None:
        return 1 if higher_is_better else -1
    if baseline is not None and target is not None and target != baseline:
        return 1 if target > baseline else -1
    return -1 if higher_is_better is False else 1


def target_met(
    latest: float, target: float, direction: int, comparison: str | None, tolerance: float
) -> bool:
    """Whether ``latest`` meets the target: the one rule of every target comparison.

    ``approx`` (≈, 左右): within ``tolerance`` (relative) of the target, or beyond it in the
    desired ``direction`` (+1 higher is better, −1 lower); otherwise ``direction × (latest −
    target) ≥ 0`` (≥ / ≤ as the direction says). The plans' progress status and the air
    targets' verdicts (:func:`lanxi.compute.air.targets.compare`) both call this.

    Examples
    --------
    >>> target_met(7.35, 8.0, 1, "approx", 0.02), target_met(9.0, 8.0, 1, "approx", 0.02)
    (False, True)
    >>> target_met(7.35, 8.0, -1, "approx", 0.02)
    True
    """
    if comparison == "approx":  # ≈ (左右): near it on either side, or beyond it the desired way
        near = abs(latest - target) <= tolerance * abs(target) + 1e-12
        return near or direction * (latest - target) >= 0
    return direction * (latest - target) >= 0


def _points(series: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    pts = sorted((float(t), float(v)) for t, v in series if v is not None and math.isfinite(v))
    # one value per time point: the last given wins
    return sorted(dict(pts).items())


def assess(
    series: Sequence[tuple[float, float]],
    *,
    target: float | None,
    target_year: float | None,
    comparison: str | None = "ge",
    baseline: float | None = None,
    baseline_year: float | None = None,
    higher_is_better: bool | None = None,
    rate: bool = False,
    params: MethodParams,
    as_of: float | None = None,
) -> ProgressResult:
    """Assess progress of a series towards a target.

    Parameters
    ----------
    series : sequence of (year, value)
        Observations (approved, as of the assessment date), years as decimal years.
    target, target_year : float or None
        The target value and year; ``target=None`` assesses the trend only (Open SDG's method
        for indicators without quantitative target).
    comparison : {"ge", "gt", "le", "lt", "eq", "approx"}, optional
        How the plan words the target (以上 ge, 以下 le, 左右 approx, 达到 eq).
    baseline, baseline_year : float, optional
        The plan's baseline; when missing the first observation is used (and a note says so).
    higher_is_better : bool, optional
        Direction for series without a comparison.
    rate : bool
        The target is itself a rate (average annual growth): compare the observed mean rate with
        it directly.
    params : MethodParams
        The method and its thresholds (:func:`method_params`).
    as_of : float, optional
        The assessment date as a decimal year; past the target year the target is judged
        (``target_met`` / ``target_missed``) even when the data stop earlier.

    Returns
    -------
    ProgressResult

    Examples
    --------
    A target of 62 % in 2025 from 60.1 % in 2020, at 61.0 % in 2022:

    >>> p = MethodParams("opensdg", Thresholds(0.95, 0.6, 0.0), score_points=(-0.6, 0.6, 1.3))
    >>> r = assess([(2022, 61.0)], target=62, target_year=2025, comparison="ge",
    ...            baseline=60.1, baseline_year=2020, params=p)
    >>> r.status, round(r.ratio, 3)
    ('on_track', 1.195)
    """
    notes: list[str] = []
    pts = _points(series)
    observed = list(pts)
    if baseline is not None and baseline_year is not None:
        # the plan's baseline is a point of the series (and wins over an observation that year)
        pts = sorted({**dict(pts), float(baseline_year): float(baseline)}.items())
        base_t, base_v = float(baseline_year), float(baseline)
    elif pts:
        base_t, base_v = pts[0]
        if not rate:
            notes.append(
                f"the plan gives no baseline: the first approved observation ({base_v:g}, "
                f"{base_t:g}) is used as baseline"
            )
    else:
        return ProgressResult(
            "insufficient_data",
            params.name,
            _label(params, "insufficient_data"),
            target_value=target,
            target_year=target_year,
            notes=("no approved observation",),
        )
    latest_t, latest_v = pts[-1]
    direction = direction_of(comparison, base_v, target, higher_is_better)
    common: dict[str, Any] = {
        "latest_value": latest_v,
        "latest_year": latest_t,
        "target_value": target,
        "target_year": target_year,
        "direction": direction,
        "gap": None if target is None else target - latest_v,
    }

    ended = (
        target is not None
        and target_year is not None
        and (latest_t >= target_year or (as_of is not None and as_of >= target_year + 1))
    )
    if ended and not rate:
        assert target is not None
        assert target_year is not None
        return _judge(observed, target, target_year, comparison, direction, params, notes, common)

    if rate and target is not None:
        # with a plan baseline year, the rates observed after it; otherwise every observed rate
        since = base_t if baseline_year is not None else -math.inf
        return _assess_rate(
            pts, since, target, target_year, comparison, direction, params, notes, common
        )

    if params.name == "eurostat" and params.window_years is not None:
        start = latest_t - params.window_years
        window = [p for p in pts if p[0] >= start - 1e-9 and p[0] < latest_t]
        if window:
            base_t, base_v = window[0]
        notes.append(
            f"Eurostat: growth over the last {params.window_years:g} years, from "
            f"{base_v:g} ({base_t:g})"
        )
    common |= {"baseline_value": base_v, "baseline_year": base_t}

    if latest_t <= base_t:
        notes.append("needs an observation later than the baseline")
        return ProgressResult(
            "insufficient_data",
            params.name,
            _label(params, "insufficient_data"),
            notes=tuple(notes),
            **common,
        )

    if comparison == "approx":
        notes.append(
            f"≈ target: met within ±{params.approx_tolerance:.0%} of {target:g} or beyond it "
            f"({'higher' if direction > 0 else 'lower'} is better)"
        )
    zero = params.zero_replacement
    b = base_v if base_v != 0 else zero
    x = latest_v
    if (b > 0) != (x > 0) or x == 0:
        notes.append(
            "baseline and latest value must both be positive or both negative for a growth rate"
        )
        return ProgressResult(
            "insufficient_data",
            params.name,
            _label(params, "insufficient_data"),
            notes=tuple(notes),
            **common,
        )
    sign = -1 if b < 0 else 1
    actual = cagr(b, x, base_t, latest_t)

    if target is None or target_year is None:
        value = sign * direction * actual
        th = params.no_target_thresholds or params.thresholds
        status: Status = classify(value, th)
        score = opensdg_trend_score(value, th) if params.name == "opensdg" else None
        notes.append("no quantitative target: the trend (signed CAGR) is assessed")
        return ProgressResult(
            status,
            params.name,
            _label(params, status),
            ratio=value,
            score=score,
            actual_rate=actual,
            notes=tuple(notes),
            **common,
        )

    tgt = target if target != 0 else zero
    if target_year <= base_t:
        notes.append("the target year is not after the baseline year")
        return ProgressResult(
            "insufficient_data",
            params.name,
            _label(params, "insufficient_data"),
            notes=tuple(notes),
            **common,
        )
    required = cagr(b, tgt, base_t, target_year)
    expected = b * (1 + required) ** (latest_t - base_t)
    projected = x * (1 + actual) ** (target_year - latest_t)
    common |= {
        "expected_value": expected,
        "projected_value": projected,
        "actual_rate": actual,
        "required_rate": required,
    }
    met = target_met(x, target, direction, comparison, params.approx_tolerance)

    if params.name == "unsd":
        ratio = None if tgt == b else (projected - b) / (tgt - b)
        if met:
            status = "target_met"
        elif ratio is None:
            status = "insufficient_data"
        else:
            status = classify(ratio, params.thresholds)
        return ProgressResult(
            status, params.name, _label(params, status), ratio=ratio, notes=tuple(notes), **common
        )

    ratio = None if required == 0 else sign * direction * actual / abs(required)
    if ratio is None and not met:
        notes.append("baseline equals target: no growth is required")
    score = None
    if params.score_points is not None:
        score = (
            5.0 if met else (None if ratio is None else opensdg_score(ratio, params.score_points))
        )
    if met:
        status = "target_met"
    elif ratio is None:
        status = "insufficient_data"
    else:
        status = classify(ratio, params.thresholds)
    return ProgressResult(
        status,
        params.name,
        _label(params, status),
        ratio=ratio,
        score=score,
        notes=tuple(notes),
        **common,
    )


def _judge(
    observed: list[tuple[float, float]],
    target: float,
    target_year: float,
    comparison: str | None,
    direction: int,
    params: MethodParams,
    notes: list[str],
    common: dict[str, Any],
) -> ProgressResult:
    """A target whose year has passed: 达到 or 未达到 on the value of its year."""
    by_year = [p for p in observed if p[0] < target_year + 1]
    if by_year:
        t, v = by_year[-1]
        notes.append(f"the target year {target_year:g} has passed: judged on {v:g} ({t:g})")
    elif observed:
        t, v = observed[-1]
        notes.append(
            f"the target year {target_year:g} has passed and has no observation: judged on the "
            f"latest, {v:g} ({t:g})"
        )
    else:
        notes.append(f"the target year {target_year:g} has passed with no approved observation")
        return ProgressResult(
            "insufficient_data",
            params.name,
            _label(params, "insufficient_data"),
            notes=tuple(notes),
            **common,
        )
    met = target_met(v, target, direction, comparison, params.approx_tolerance)
    status: Status = "target_met" if met else "target_missed"
    common = {**common, "gap": target - v}
    score = (5.0 if met else None) if params.score_points is not None else None
    return ProgressResult(
        status, params.name, _label(params, status), score=score, notes=tuple(notes), **common
    )


def _assess_rate(
    pts: list[tuple[float, float]],
    since: float,
    target: float,
    target_year: float | None,
    comparison: str | None,
    direction: int,
    params: MethodParams,
    notes: list[str],
    common: dict[str, Any],
) -> ProgressResult:
    rates = [v for t, v in pts if t > since] or [pts[-1][1]]
    growth = math.prod(1 + r / 100.0 for r in rates)
    if growth <= 0:
        notes.append("the observed rates compound to a non-positive factor")
        return ProgressResult(
            "insufficient_data",
            params.name,
            _label(params, "insufficient_data"),
            notes=tuple(notes),
            **common,
        )
    mean_rate = (growth ** (1.0 / len(rates)) - 1.0) * 100.0
    notes.append(
        f"rate target: the mean of {len(rates)} observed annual rate(s) ({mean_rate:.2f}) is "
        f"compared with the target rate {target:g} directly"
    )
    common |= {"actual_rate": mean_rate, "required_rate": target, "gap": target - mean_rate}
    if direction > 0:
        ratio = mean_rate / target if target != 0 else None
    else:
        ratio = target / mean_rate if mean_rate > 0 else None
    at_target = target_met(mean_rate, target, direction, comparison, params.approx_tolerance)
    ended = target_year is not None and common["latest_year"] >= target_year
    status: Status
    if at_target:
        status = "target_met" if ended else "on_track"
    elif ended:
        status = "target_missed"  # the target year has passed: 未达到, never "on track"
    elif ratio is None:
        status = "insufficient_data"
    else:
        status = classify(ratio, params.thresholds)
    score = None
    if params.score_points is not None and ratio is not None:
        score = 5.0 if status == "target_met" else opensdg_score(ratio, params.score_points)
    return ProgressResult(
        status,
        params.name,
        _label(params, status),
        ratio=ratio,
        score=score,
        notes=tuple(notes),
        **common,
    )


def _label(params: MethodParams, status: str) -> str:
    if status == "insufficient_data":
        return "Unable to assess"
    if status == "target_missed":
        return str(params.labels.get(status, "Target not met"))
    return str(params.labels.get(status, status))
