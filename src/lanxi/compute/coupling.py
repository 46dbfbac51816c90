r"""Coupling coordination of subsystems, and the entropy-weight method that builds their levels.

The coupling coordination degree model (耦合协调度模型) of *n* subsystems with levels
:math:`U_i \in [0, 1]`:

.. math::

   C = \frac{n \left(\prod_{i=1}^n U_i\right)^{1/n}}{\sum_{i=1}^n U_i}
     = \left[\frac{\prod_i U_i}{\left(\frac1n \sum_i U_i\right)^n}\right]^{1/n}, \qquad
   T = \sum_i \alpha_i U_i, \qquad D = \sqrt{C \cdot T}

*C* is the geometric mean over the arithmetic mean (so 0 ≤ C ≤ 1, and C = 1 exactly when all
:math:`U_i` are equal); for two subsystems :math:`C = 2\sqrt{U_1 U_2}/(U_1 + U_2)`. This is the
"normative" (规范) form of the traditional model set out by Wang et al. (2021), who classify the
misuses found in Chinese publications as writing errors, coefficient loss, weight misuse and model
failure. Two erroneous forms circulate widely and are refused here (``form=...`` raises
:class:`ValueError` with the reason):

* ``"squared"`` — the squared plain-sum denominator without the coefficient,
  :math:`C = \{U_1U_2/(U_1+U_2)^2\}^{1/2}`: it equals the normative C divided by *n*, so it never
  exceeds 1/2 and gives 0.5 where the subsystems are perfectly coupled (coefficient loss). Written
  with the mean, :math:`\{U_1U_2/[(U_1+U_2)/2]^2\}^{1/2}`, it *is* the normative form.
* ``"pairwise"`` — :math:`C = n\{\prod_i U_i / \prod_{i<j}(U_i+U_j)\}^{1/n}` for *n* ≥ 3: with
  three equal levels it gives 3/2 > 1, and for *n* = 4 it is not even scale-free (model failure).

Wang et al. (2021) also propose a *modified* coupling degree that spreads C more evenly over
[0, 1]; it is not implemented here (its exact formula could not be checked against the paper).

The grade scales of D (10 classes, 极度失调 … 优质协调; a 5-class merge) and the 4 stages of C
are data: ``lanxi/data/standards/coupling_grades.yaml``, read by :func:`grade_scale`.

The entropy-weight method (熵权法) turns raw indicators into the levels :math:`U_i`:
min–max standardisation (reversed for negative indicators), optionally shifted to avoid ln 0,
:math:`p_{ij} = z_{ij}/\sum_i z_{ij}`, :math:`e_j = -\frac{1}{\ln n}\sum_i p_{ij}\ln p_{ij}`,
:math:`d_j = 1 - e_j`, :math:`w_j = d_j/\sum_j d_j`, composite index
:math:`U_i = \sum_j w_j z_{ij}`.

References
----------
.. [1] 王淑佳, 孔伟, 任亮, 治丹丹, 戴彬婷 (2021). 国内耦合协调度模型的误区及修正. 自然资源学报
   36(3): 793–810. doi:10.31497/zrzyxb.20210319.
.. [2] 田深圳, 李雪铭, 杨俊, 张威, 郭建科 (2021). 东北三省城市拟态与现实人居环境时空耦合协调特征与
   机制. 地理学报 76(4), 表1 (the D and C grade tables).
.. [3] 廖重斌 (1999). 环境与经济协调发展的定量评判及其分类体系——以珠江三角洲城市群为例. 热带地理
   19(2): 171–177 (the origin usually cited for the ten-class D scale; not checked here).
.. [4] Shannon, C. E. (1948). A mathematical theory of communication. *Bell System Technical
   Journal* 27: 379–423; Zeleny, M. (1982). *Multiple Criteria Decision Making*. McGraw-Hill
   (entropy weights).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, overload

import numpy as np
import pandas as pd

from lanxi.compute.structure import _as_frame, _raise, _series_problems, _value_problems
from lanxi.errors import Problem, ValidationError
from lanxi.standards import load_standard

__all__ = [
    "REFUSED_FORMS",
    "EntropyWeights",
    "Grade",
    "classify",
    "coupling_coordination",
    "coupling_degree",
    "entropy_weight",
    "grade_scale",
]

#: Coupling-degree forms found in the literature that this module refuses, with the reason.
REFUSED_FORMS: dict[str, str] = {
    "squared": (
        "form='squared' is refused: C = {U1·U2/(U1+U2)²}^(1/2), the squared plain-sum "
        "denominator without the coefficient n, is the 'coefficient loss' (丢失系数) misuse "
        "classified by 王淑佳 et al. (2021, 自然资源学报 36(3): 793–810). It equals the "
        "normative C divided by n, so it never exceeds 1/n (0.5 for two subsystems) and gives "
        "0.5 when U1 = U2, where the coupling is perfect and C must be 1. Written with the "
        "arithmetic mean, {U1·U2/[(U1+U2)/2]²}^(1/2) = 2√(U1·U2)/(U1+U2), it is the normative "
        "form: use form='normative'."
    ),
    "pairwise": (
        "form='pairwise' is refused: C = n·{ΠU_i / Π_{i<j}(U_i+U_j)}^(1/n) is not a coupling "
        "degree for n ≥ 3 (the 'model failure', 模型不成立, of 王淑佳 et al. 2021): three "
        "equal levels give C = 3/2 > 1, and for n = 4 the value changes when every U_i is "
        "scaled by the same factor. Use form='normative', C = n·(ΠU_i)^(1/n)/ΣU_i."
    ),
}


# --------------------------------------------------------------------------------------------
# Coupling degree and coupling coordination degree
# --------------------------------------------------------------------------------------------


def _levels_frame(
    levels: pd.DataFrame | Sequence[float] | np.ndarray, *, unit_interval: bool
) -> tuple[pd.DataFrame, bool]:
    """Validate subsystem levels; returns (frame, was_one_dimensional)."""
    one_d = not isinstance(levels, pd.DataFrame) and np.ndim(levels) == 1
    if one_d:
        s, problems = _series_problems("levels", levels)
        frame = s.to_frame().T.reset_index(drop=True)
        frame.columns = s.index
    else:
        frame, problems = _value_problems("levels", _as_frame(levels))
    if frame.shape[1] < 2:
        problems.append(
            Problem("levels", None, None, "needs at least 2 subsystems (columns) to couple")
        )
    if unit_interval:
        arr = frame.to_numpy(float)
        for i, j in zip(*np.nonzero(arr > 1), strict=True):
            problems.append(
                Problem(
                    "levels",
                    int(i) + 1,
                    str(frame.columns[j]),
                    "level above 1; subsystem levels U must lie in [0, 1] (standardise first, "
                    "e.g. with entropy_weight)",
                    value=float(arr[i, j]),
                )
            )
    _raise(problems)
    return frame, one_d


def _coupling(u: np.ndarray) -> np.ndarray:
    """Normative C row-wise; NaN where every level of the row is 0."""
    n = u.shape[1]
    total = u.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        geo = np.exp(np.log(u).mean(axis=1))
        c = np.where(total > 0, n * geo / total, np.nan)
    return np.clip(c, 0.0, 1.0)


def coupling_degree(
    levels: pd.DataFrame | Sequence[float] | np.ndarray, *, form: str = "normative"
) -> pd.Series | float:
    r"""Coupling degree C (耦合度) of *n* subsystems, normative form.

    .. math:: C = \frac{n \left(\prod_{i=1}^n U_i\right)^{1/n}}{\sum_{i=1}^n U_i}

    Parameters
    ----------
    levels : DataFrame or 1-D sequence
        Subsystem levels :math:`U_i \ge 0`: a DataFrame with one row per observation (region,
        year, …) and one column per subsystem, or one observation as a sequence.
    form : str
        ``"normative"`` (the only accepted form). ``"squared"`` and ``"pairwise"`` raise
        :class:`ValueError` explaining why they are wrong (see :data:`REFUSED_FORMS`).

    Returns
    -------
    Series or float
        C in [0, 1] per observation (a float for 1-D input); 1 when all levels are equal, NaN when
        all are 0.

    Raises
    ------
    ValueError
        For a refused or unknown ``form``.
    ValidationError
        Negative, missing or non-numeric levels, or fewer than 2 subsystems.

    References
    ----------
    .. [1] 王淑佳 等 (2021). 国内耦合协调度模型的误区及修正. 自然资源学报 36(3): 793–810.

    Examples
    --------
    >>> round(coupling_degree([0.2, 0.8]), 4)
    0.8
    >>> coupling_degree([0.5, 0.5, 0.5])
    1.0
    """
    if form in REFUSED_FORMS:
        raise ValueError(REFUSED_FORMS[form])
    if form != "normative":
        raise ValueError(f"unknown form {form!r}; the only accepted form is 'normative'")
    frame, one_d = _levels_frame(levels, unit_interval=False)
    c = _coupling(frame.to_numpy(float))
    if one_d:
        return float(c[0])
    return pd.Series(c, index=frame.index, name="C")


def _weights(
    weights: Mapping[str, float] | Sequence[float] | None, columns: pd.Index
) -> np.ndarray:
    n = len(columns)
    if weights is None:
        return np.full(n, 1.0 / n)
    if isinstance(weights, Mapping):
        missing = [str(c) for c in columns if c not in weights]
        extra = [str(k) for k in weights if k not in columns]
        if missing or extra:
            raise ValidationError(
                [
                    Problem(
                        "weights",
                        None,
                        None,
                        f"must name exactly the subsystems; missing {missing}, unknown {extra}",
                    )
                ]
            )
        w, problems = _series_problems("weights", pd.Series({c: weights[c] for c in columns}))
    else:
        w, problems = _series_problems("weights", list(weights))
        if len(w) != n:
            problems.append(
                Problem("weights", None, None, f"has {len(w)} values for {n} subsystems")
            )
    _raise(problems)
    arr = w.to_numpy(float)
    if not math.isclose(float(arr.sum()), 1.0, rel_tol=0, abs_tol=1e-9):
        raise ValidationError(
            [Problem("weights", None, None, "must sum to 1", value=float(arr.sum()))]
        )
    return arr


def coupling_coordination(
    levels: pd.DataFrame | Sequence[float] | np.ndarray,
    *,
    weights: Mapping[str, float] | Sequence[float] | None = None,
) -> pd.DataFrame:
    r"""Coupling degree C, comprehensive coordination index T and coupling coordination degree D.

    .. math:: T = \sum_i \alpha_i U_i, \qquad D = \sqrt{C \cdot T}

    with C from :func:`coupling_degree` (normative form).

    Parameters
    ----------
    levels : DataFrame or 1-D sequence
        Subsystem levels :math:`U_i \in [0, 1]`, one row per observation, one column per
        subsystem (a 1-D sequence is one observation).
    weights : mapping or sequence, optional
        Contribution coefficients :math:`\alpha_i \ge 0` of the subsystems, summing to 1 (by
        column label for a mapping, by position for a sequence). Default: equal, 1/n.

    Returns
    -------
    DataFrame
        Columns ``C``, ``T``, ``D`` (all in [0, 1]), one row per observation. Classify D with
        :func:`classify` and :func:`grade_scale`.

    References
    ----------
    .. [1] 王淑佳 等 (2021). 国内耦合协调度模型的误区及修正. 自然资源学报 36(3): 793–810.

    Examples
    --------
    >>> out = coupling_coordination([0.2, 0.8])
    >>> [round(float(v), 4) for v in out.iloc[0]]
    [0.8, 0.5, 0.6325]
    """
    frame, _ = _levels_frame(levels, unit_interval=True)
    alpha = _weights(weights, frame.columns)
    u = frame.to_numpy(float)
    c = _coupling(u)
    t = u @ alpha
    d = np.sqrt(c * t)
    return pd.DataFrame({"C": c, "T": t, "D": d}, index=frame.index)


# --------------------------------------------------------------------------------------------
# Grade scales
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grade:
    """One class of a grade scale: ``lower < value ≤ upper`` (the first class also holds lower).

    Attributes
    ----------
    lower, upper : float
        Class limits.
    label : str
        Chinese name, e.g. ``"勉强协调"``.
    label_en : str
        English name.
    """

    lower: float
    upper: float
    label: str
    label_en: str


Scheme = Literal["coordination_10", "coordination_5", "coupling_4"]
GRADES_FILE = "coupling_grades"


def grades_from_data(records: object, *, source: str = f"{GRADES_FILE}.yaml") -> tuple[Grade, ...]:
    """Build and check a grade scale from parsed records (lower, upper, label, label_en).

    Parameters
    ----------
    records : list of mapping
        The classes in increasing order.
    source : str
        Name used in problems.

    Returns
    -------
    tuple of Grade
        Contiguous classes (each lower = previous upper), lower < upper.

    Raises
    ------
    ValidationError
        Missing keys, non-numeric limits, gaps, overlaps or empty labels — all listed.
    """
    if not isinstance(records, list) or not records:
        raise ValidationError(
            [Problem(source, None, None, "a grade scale must be a non-empty list")]
        )
    problems: list[Problem] = []
    grades: list[Grade] = []
    for i, rec in enumerate(records, start=1):
        if not isinstance(rec, Mapping):
            problems.append(Problem(source, i, None, "class is not a mapping"))
            continue
        missing = [k for k in ("lower", "upper", "label", "label_en") if k not in rec]
        if missing:
            problems.append(Problem(source, i, ",".join(missing), "missing key(s)"))
            continue
        try:
            lo, hi = float(rec["lower"]), float(rec["upper"])
        except (TypeError, ValueError):
            problems.append(Problem(source, i, "lower/upper", "limits must be numbers"))
            continue
        if not lo < hi:
            problems.append(Problem(source, i, "upper", f"upper must exceed lower ({lo})", hi))
        if not str(rec["label"]).strip():
            problems.append(Problem(source, i, "label", "empty label"))
        if grades and not math.isclose(grades[-1].upper, lo, abs_tol=1e-12):
            problems.append(
                Problem(
                    source,
                    i,
                    "lower",
                    f"does not continue the previous class at {grades[-1].upper}",
                    lo,
                )
            )
        grades.append(Grade(lo, hi, str(rec["label"]), str(rec["label_en"])))
    _raise(problems)
    return tuple(grades)


def grade_scale(scheme: Scheme = "coordination_10") -> tuple[Grade, ...]:
    """A grade scale from ``lanxi/data/standards/coupling_grades.yaml``.

    Parameters
    ----------
    scheme : {"coordination_10", "coordination_5", "coupling_4"}
        The ten classes of D (极度失调 … 优质协调), their five-class merge (not a verified
        published table; see the file's notes) or the four stages of C (低水平耦合 … 高水平耦合).

    Returns
    -------
    tuple of Grade
        The classes in increasing order.

    References
    ----------
    .. [1] 田深圳 等 (2021). 地理学报 76(4), 表1 耦合度和协调度等级标准.
    """
    table = load_standard(GRADES_FILE)
    data = table.data if isinstance(table.data, Mapping) else {}
    if scheme not in data:
        raise ValueError(f"unknown scheme {scheme!r}; available: {sorted(data)}")
    return grades_from_data(data[scheme])


@overload
def classify(values: float, grades: Sequence[Grade]) -> str | None: ...
@overload
def classify(
    values: pd.Series | Sequence[float] | np.ndarray, grades: Sequence[Grade]
) -> pd.Series: ...
def classify(
    values: float | pd.Series | Sequence[float] | np.ndarray, grades: Sequence[Grade]
) -> str | pd.Series | None:
    """Label each value with the class of a grade scale that holds it.

    Parameters
    ----------
    values : float, Series or sequence
        Values to classify, e.g. the ``D`` column of :func:`coupling_coordination`.
    grades : sequence of Grade
        A scale from :func:`grade_scale` (or :func:`grades_from_data`).

    Returns
    -------
    str, None or Series
        The class labels (None / missing for NaN input).

    Raises
    ------
    ValidationError
        Values outside the scale.

    Examples
    --------
    >>> classify(0.55, grade_scale())
    '勉强协调'
    """
    scalar = np.ndim(values) == 0
    s = pd.Series([values]) if scalar else pd.Series(values)
    x = pd.to_numeric(s, errors="coerce").to_numpy(float)
    uppers = np.array([g.upper for g in grades])
    labels = np.array([g.label for g in grades], dtype=object)
    lo, hi = grades[0].lower, grades[-1].upper
    problems = [
        Problem("values", i + 1, str(s.index[i]), f"outside the scale [{lo}, {hi}]", float(v))
        for i, v in enumerate(x)
        if not np.isnan(v) and (v < lo or v > hi)
    ]
    _raise(problems)
    idx = np.searchsorted(uppers, np.where(np.isnan(x), lo, x), side="left")
    out = pd.Series(labels[np.minimum(idx, len(grades) - 1)], index=s.index, dtype=object)
    out[np.isnan(x)] = None
    if scalar:
        return None if out.iloc[0] is None else str(out.iloc[0])
    return out.rename(getattr(values, "name", None))


# --------------------------------------------------------------------------------------------
# Entropy weights
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntropyWeights:
    r"""Result of the entropy-weight method.

    Attributes
    ----------
    weights : Series
        :math:`w_j` per indicator, ≥ 0, summing to 1.
    entropy : Series
        :math:`e_j` per indicator, in [0, 1].
    divergence : Series
        :math:`d_j = 1 - e_j`.
    standardized : DataFrame
        The standardised values :math:`z_{ij}` (before any shift): min–max in [0, 1] for
        ``standardize="minmax"``, the raw data for ``"none"``.
    index : Series or None
        Composite index :math:`U_i = \sum_j w_j z_{ij}` in [0, 1] per observation
        (``"minmax"`` only).
    standardize : str
        ``"minmax"`` or ``"none"``.
    shift : float
        The shift added to :math:`z_{ij}` before the proportions :math:`p_{ij}`.
    """

    weights: pd.Series
    entropy: pd.Series
    divergence: pd.Series
    standardized: pd.DataFrame
    index: pd.Series | None
    standardize: str
    shift: float


def entropy_weight(
    data: pd.DataFrame,
    *,
    negative: Iterable[str] = (),
    shift: float = 0.0,
    standardize: Literal["minmax", "none"] = "minmax",
) -> EntropyWeights:
    r"""Entropy-weight method (熵权法): objective indicator weights and the composite index.

    1. Standardise (``standardize="minmax"``): positive indicators
       :math:`z_{ij} = (x_{ij} - \min_i x_{ij})/(\max_i x_{ij} - \min_i x_{ij})`, negative
       (cost) indicators :math:`z_{ij} = (\max_i x_{ij} - x_{ij})/(\max_i x_{ij} - \min_i x_{ij})`.
       With ``"none"`` the raw non-negative data are used (the original Shannon/Zeleny form).
    2. Optionally shift, :math:`z'_{ij} = z_{ij} + \text{shift}` (e.g. 0.0001 or 0.01), so that no
       :math:`p_{ij}` is 0; without a shift, :math:`0 \ln 0 = 0`.
    3. :math:`p_{ij} = z'_{ij} / \sum_i z'_{ij}`,
       :math:`e_j = -\frac{1}{\ln n} \sum_i p_{ij} \ln p_{ij}`,
       :math:`d_j = 1 - e_j`, :math:`w_j = d_j / \sum_j d_j`.
    4. Composite index :math:`U_i = \sum_j w_j z_{ij}` (unshifted, so it lies in [0, 1]).

    Parameters
    ----------
    data : DataFrame
        Observations (regions, years) × indicators; at least 2 rows.
    negative : iterable of str
        Column labels of negative (cost) indicators, where smaller is better (minmax only).
    shift : float
        Non-negative shift added before taking proportions (default 0).
    standardize : {"minmax", "none"}
        Standardisation, see above.

    Returns
    -------
    EntropyWeights
        Weights, entropies, divergences, standardised values and the composite index.

    Raises
    ------
    ValidationError
        Missing or non-numeric values, unknown negative indicators, an indicator with no variation
        (minmax), negative raw values (``"none"``), fewer than 2 observations.

    References
    ----------
    .. [1] Zeleny, M. (1982). *Multiple Criteria Decision Making*. New York: McGraw-Hill.
    .. [2] Elsayed, E. A., Dawood, A. S., Karthikeyan, R. (2017). Evaluating alternatives through
       the application of TOPSIS method with entropy weight. *International Journal of Engineering
       Trends and Technology* 46(2): 60–66. Worked example (``standardize="none"``) reproduced in
       ``tests/analytics/test_coupling.py`` as in the ``pymcdm`` test suite.
    """
    if standardize not in ("minmax", "none"):
        raise ValueError(f"standardize must be 'minmax' or 'none', got {standardize!r}")
    if not (np.isfinite(shift) and shift >= 0):
        raise ValueError(f"shift must be a non-negative number, got {shift!r}")
    neg = list(negative)
    if neg and standardize == "none":
        raise ValueError("negative indicators need standardize='minmax'")
    frame, problems = _value_problems(
        "data", _as_frame(data), allow_negative=standardize == "minmax"
    )
    unknown = [str(c) for c in neg if c not in frame.columns]
    if unknown:
        problems.append(Problem("data", None, None, f"negative indicator(s) {unknown} not found"))
    n = frame.shape[0]
    if n < 2:
        problems.append(Problem("data", None, None, "needs at least 2 observations (rows)"))
    _raise(problems)
    x = frame.to_numpy(float)
    if standardize == "minmax":
        lo, hi = x.min(axis=0), x.max(axis=0)
        rng = hi - lo
        flat = [
            Problem("data", None, str(c), "has no variation (max = min); its weight is undefined")
            for c, r in zip(frame.columns, rng, strict=True)
            if r <= 0
        ]
        _raise(flat)
        z = (x - lo) / rng
        is_neg = np.array([c in neg for c in frame.columns])
        z[:, is_neg] = 1.0 - z[:, is_neg]
    else:
        z = x
        zero = [
            Problem("data", None, str(c), "sums to 0; its proportions are undefined")
            for c, t in zip(frame.columns, x.sum(axis=0), strict=True)
            if t <= 0
        ]
        _raise(zero)
    zs = z + shift
    p = zs / zs.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    e = np.clip(-plogp.sum(axis=0) / np.log(n), 0.0, 1.0)
    d = 1.0 - e
    if d.sum() <= 0:
        raise ValidationError(
            [Problem("data", None, None, "every indicator has entropy 1; weights are undefined")]
        )
    w = d / d.sum()
    cols = frame.columns
    z_frame = pd.DataFrame(z, index=frame.index, columns=cols)
    index = pd.Series(z @ w, index=frame.index, name="index") if standardize == "minmax" else None
    return EntropyWeights(
        weights=pd.Series(w, index=cols, name="weight"),
        entropy=pd.Series(e, index=cols, name="entropy"),
        divergence=pd.Series(d, index=cols, name="divergence"),
        standardized=z_frame,
        index=index,
        standardize=standardize,
        shift=float(shift),
    )
