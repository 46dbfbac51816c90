r"""Regional inequality: Theil index (two labelled forms, with decomposition), CV, Williamson, Gini.

Two Theil indices are in use and give different numbers on the same data; every
:class:`TheilResult` says which one it holds in ``form``:

* ``"population_weighted"`` — :func:`theil_population`, the form of Chinese regional studies
  (e.g. 区域经济差异的泰尔指数): region *i* has income (GDP) :math:`Y_i` and population
  :math:`P_i`,

  .. math:: T = \sum_i \frac{Y_i}{Y} \ln \frac{Y_i / Y}{P_i / P}

* ``"unweighted"`` — :func:`theil`, PySAL's ``inequality.theil.Theil``: every observation counts
  once (an unweighted index over per-capita values :math:`y_i`),

  .. math:: T = \sum_i \frac{y_i}{\sum_j y_j} \ln \left( n \frac{y_i}{\sum_j y_j} \right)

The unweighted form is the weighted one with every :math:`P_i = 1`. Both decompose exactly into a
between-group and a within-group part for any partition into groups *g*:

.. math::

   T = \underbrace{\sum_g \frac{Y_g}{Y} \ln \frac{Y_g / Y}{P_g / P}}_{T_{between}}
     + \underbrace{\sum_g \frac{Y_g}{Y} T_g}_{T_{within}}

(unweighted: :math:`P_g = n_g`), which for the unweighted form equals PySAL's ``TheilD``.

References
----------
.. [1] Theil, H. (1967). *Economics and Information Theory*. Amsterdam: North-Holland.
.. [2] Shorrocks, A. F. (1980). The class of additively decomposable inequality measures.
   *Econometrica* 48(3): 613–625.
.. [3] Rey, S. J., Sastre-Gutiérrez, M. L. (2010). Interregional inequality dynamics in Mexico.
   *Spatial Economic Analysis* 5(3): 277–298. (The Mexico data and the PySAL ``inequality``
   values reproduced in ``tests/analytics/test_inequality.py``.)
.. [4] Williamson, J. G. (1965). Regional inequality and the process of national development: a
   description of the patterns. *Economic Development and Cultural Change* 13(4, Part 2): 1–84.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from lanxi.compute.structure import Vector, _raise, _series_problems
from lanxi.errors import Problem, ValidationError

__all__ = [
    "TheilResult",
    "coefficient_of_variation",
    "gini",
    "theil",
    "theil_population",
    "williamson",
]

TheilForm = Literal["population_weighted", "unweighted"]

#: The formula of each Theil form, as printed in results.
THEIL_FORMULAS: dict[str, str] = {
    "population_weighted": "T = Σ (Y_i/Y)·ln[(Y_i/Y)/(P_i/P)]  (population-weighted)",
    "unweighted": "T = Σ (y_i/Σy)·ln(n·y_i/Σy)  (unweighted, as PySAL inequality.theil.Theil)",
}


@dataclass(frozen=True)
class TheilResult:
    """A Theil index with its between/within decomposition.

    Attributes
    ----------
    form : {"population_weighted", "unweighted"}
        Which Theil index this is (see the module notes); never mix the two.
    formula : str
        The formula, spelled out.
    total : float
        T, ≥ 0.
    between : float or None
        Between-group part (None without groups).
    within : float or None
        Within-group part; ``between + within == total``.
    groups : DataFrame or None
        Per group: ``n``, ``income_share`` (Y_g/Y), ``population_share`` (P_g/P, or n_g/n),
        ``theil`` (T_g, inequality inside the group) and ``contribution`` (Y_g/Y · T_g).
    """

    form: TheilForm
    formula: str
    total: float
    between: float | None = None
    within: float | None = None
    groups: pd.DataFrame | None = None

    @property
    def between_share(self) -> float | None:
        """Between-group part as a share of T (None without groups or when T = 0)."""
        if self.between is None or self.total == 0:
            return None
        return self.between / self.total


def _theil_core(y: np.ndarray, p: np.ndarray) -> float:
    """Σ s_i ln(s_i / q_i) with s = y/Σy, q = p/Σp and 0·ln 0 = 0."""
    s = y / y.sum()
    q = p / p.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(s > 0, s * np.log(s / q), 0.0)
    return float(max(terms.sum(), 0.0))


def _groups_series(groups: Vector | None, index: pd.Index, aligned: bool) -> pd.Series | None:
    if groups is None:
        return None
    if isinstance(groups, pd.Series) and aligned:
        missing = [str(i) for i in index if i not in groups.index]
        if missing:
            raise ValidationError([Problem("groups", None, None, f"has no group for {missing}")])
        g = groups.reindex(index)
    else:
        g = pd.Series(list(groups), index=index) if len(groups) == len(index) else None
        if g is None:
            raise ValidationError(
                [Problem("groups", None, None, f"has {len(groups)} labels for {len(index)} values")]
            )
    bad = [
        Problem("groups", i, str(lab), "missing group label")
        for i, (lab, v) in enumerate(g.items(), start=1)
        if v is None or (isinstance(v, float) and np.isnan(v))
    ]
    _raise(bad)
    return g


def _theil(y: pd.Series, p: pd.Series, groups: pd.Series | None, form: TheilForm) -> TheilResult:
    yv, pv = y.to_numpy(float), p.to_numpy(float)
    total = _theil_core(yv, pv)
    if groups is None:
        return TheilResult(form=form, formula=THEIL_FORMULAS[form], total=total)
    ytot, ptot = yv.sum(), pv.sum()
    rows: dict[Hashable, dict[str, float]] = {}
    for g in pd.unique(groups.to_numpy()):
        mask = (groups == g).to_numpy()
        yg, pg = yv[mask], pv[mask]
        t_g = _theil_core(yg, pg) if yg.sum() > 0 else 0.0
        rows[g] = {
            "n": float(mask.sum()),
            "income_share": yg.sum() / ytot,
            "population_share": pg.sum() / ptot,
            "theil": t_g,
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table["n"] = table["n"].astype(int)
    table["contribution"] = table["income_share"] * table["theil"]
    s, q = table["income_share"].to_numpy(), table["population_share"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        between = float(np.where(s > 0, s * np.log(s / q), 0.0).sum())
    within = float(table["contribution"].sum())
    table.index.name = "group"
    return TheilResult(
        form=form,
        formula=THEIL_FORMULAS[form],
        total=between + within,
        between=between,
        within=within,
        groups=table,
    )


def _positive_total(name: str, s: pd.Series, problems: list[Problem]) -> None:
    if not problems and float(s.sum()) <= 0:
        problems.append(Problem(name, None, None, "sums to 0; the index is undefined"))


def theil(values: Vector, *, groups: Vector | None = None) -> TheilResult:
    r"""Unweighted Theil T index (PySAL ``inequality.theil.Theil`` / ``TheilD``).

    .. math:: T = \sum_{i=1}^n \frac{y_i}{\sum_j y_j} \ln\left(n \frac{y_i}{\sum_j y_j}\right)

    Every observation counts once, whatever its population: use it for per-capita values when
    the regions are the units of analysis. For population-weighted regional inequality use
    :func:`theil_population`.

    Parameters
    ----------
    values : Series or array-like
        Non-negative values :math:`y_i` (e.g. GDP per capita), not all 0.
    groups : Series or array-like, optional
        Group label of each observation (a Series is aligned by index when ``values`` is a
        Series); gives the between/within decomposition.

    Returns
    -------
    TheilResult
        ``form="unweighted"``; in [0, ln n].

    References
    ----------
    .. [1] Theil, H. (1967). *Economics and Information Theory*. North-Holland.
    .. [2] Rey, S. J. et al., PySAL ``inequality`` (``Theil``, ``TheilD``); its Mexico test
       values (T = 0.20894344, between = 0.0345889 for 1940 by ``hanson98`` regions) are
       reproduced in ``tests/analytics/test_inequality.py``.

    Examples
    --------
    >>> r = theil([0, 0, 0, 10, 10, 10], groups=[0, 0, 0, 1, 1, 1])
    >>> round(r.total, 10), round(r.between, 10), round(r.within, 10)
    (0.6931471806, 0.6931471806, 0.0)
    """
    y, problems = _series_problems("values", values)
    _positive_total("values", y, problems)
    _raise(problems)
    g = _groups_series(groups, y.index, isinstance(values, pd.Series))
    return _theil(y, pd.Series(1.0, index=y.index), g, "unweighted")


def theil_population(
    income: Vector, population: Vector, *, groups: Vector | None = None
) -> TheilResult:
    r"""Population-weighted Theil index, as used in Chinese regional studies.

    .. math:: T = \sum_i \frac{Y_i}{Y} \ln \frac{Y_i / Y}{P_i / P}

    Parameters
    ----------
    income : Series or array-like
        Total income of each region :math:`Y_i` (GDP, not GDP per capita), ≥ 0, not all 0.
    population : Series or array-like
        Population :math:`P_i` of each region, > 0; same regions (labels) as ``income``.
    groups : Series or array-like, optional
        Group of each region (e.g. province, or core/periphery) for the decomposition into
        :math:`T_{between} = \sum_g (Y_g/Y)\ln[(Y_g/Y)/(P_g/P)]` and
        :math:`T_{within} = \sum_g (Y_g/Y) T_g`.

    Returns
    -------
    TheilResult
        ``form="population_weighted"``; 0 when income per head is equal everywhere.

    Notes
    -----
    With equal populations this equals :func:`theil` of the incomes.

    References
    ----------
    .. [1] Theil, H. (1967). *Economics and Information Theory*. North-Holland.
    .. [2] Shorrocks, A. F. (1980). The class of additively decomposable inequality measures.
       *Econometrica* 48(3): 613–625.
    """
    y, problems = _series_problems("income", income)
    p, p_problems = _series_problems("population", population)
    problems += p_problems
    y, p = _align("income", y, "population", p, income, population, problems)
    for i, (lab, v) in enumerate(p.items(), start=1):
        if v == 0:
            problems.append(Problem("population", i, str(lab), "is 0; must be > 0"))
    _positive_total("income", y, problems)
    _raise(problems)
    g = _groups_series(groups, y.index, isinstance(income, pd.Series))
    return _theil(y, p, g, "population_weighted")


def _align(
    name_a: str,
    a: pd.Series,
    name_b: str,
    b: pd.Series,
    raw_a: object,
    raw_b: object,
    problems: list[Problem],
) -> tuple[pd.Series, pd.Series]:
    """Align b on a by label (both Series) or check equal lengths."""
    if isinstance(raw_a, pd.Series) and isinstance(raw_b, pd.Series):
        if set(a.index) != set(b.index):
            problems.append(
                Problem(name_b, None, None, f"labels differ from {name_a}'s; they must match")
            )
            return a, b
        return a, b.reindex(a.index)
    if len(a) != len(b):
        problems.append(Problem(name_b, None, None, f"has {len(b)} values, {name_a} has {len(a)}"))
        return a, b
    return a, pd.Series(b.to_numpy(), index=a.index, name=b.name)


def coefficient_of_variation(values: Vector, *, ddof: int = 0) -> float:
    r"""Coefficient of variation (变异系数) :math:`V = s / \bar y`.

    Parameters
    ----------
    values : Series or array-like
        Non-negative values (e.g. GDP per capita of the regions), mean > 0.
    ddof : int
        Delta degrees of freedom of the standard deviation: 0 (default, population form
        :math:`\sqrt{\sum (y_i-\bar y)^2/n}`, usual in regional studies) or 1 (sample form).

    Returns
    -------
    float
        V ≥ 0.

    References
    ----------
    .. [1] Williamson, J. G. (1965). *Economic Development and Cultural Change* 13(4): 1–84.
    """
    if ddof not in (0, 1):
        raise ValueError(f"ddof must be 0 or 1, got {ddof!r}")
    y, problems = _series_problems("values", values)
    _positive_total("values", y, problems)
    if not problems and len(y) <= ddof:
        problems.append(Problem("values", None, None, "too few values for this ddof"))
    _raise(problems)
    v = y.to_numpy(float)
    return float(v.std(ddof=ddof) / v.mean())


def williamson(per_capita: Vector, population: Vector) -> float:
    r"""Williamson's population-weighted coefficient of variation :math:`V_w`.

    .. math:: V_w = \frac{\sqrt{\sum_i (y_i - \bar y)^2 \, P_i / P}}{\bar y}, \qquad
              \bar y = \sum_i y_i P_i / P

    where :math:`y_i` is income per head of region *i* and :math:`\bar y` the national (here:
    population-weighted) income per head.

    Parameters
    ----------
    per_capita : Series or array-like
        Income per head of each region, ≥ 0.
    population : Series or array-like
        Population of each region, > 0; same regions as ``per_capita``.

    Returns
    -------
    float
        :math:`V_w \ge 0`.

    References
    ----------
    .. [1] Williamson, J. G. (1965). Regional inequality and the process of national development.
       *Economic Development and Cultural Change* 13(4, Part 2): 1–84.
    """
    y, problems = _series_problems("per_capita", per_capita)
    p, p_problems = _series_problems("population", population)
    problems += p_problems
    y, p = _align("per_capita", y, "population", p, per_capita, population, problems)
    for i, (lab, v) in enumerate(p.items(), start=1):
        if v == 0:
            problems.append(Problem("population", i, str(lab), "is 0; must be > 0"))
    _positive_total("per_capita", y, problems)
    _raise(problems)
    yv, w = y.to_numpy(float), p.to_numpy(float) / float(p.sum())
    mean = float((yv * w).sum())
    return float(np.sqrt(((yv - mean) ** 2 * w).sum()) / mean)


def gini(values: Vector, *, weights: Vector | None = None) -> float:
    r"""Gini coefficient (基尼系数), optionally population-weighted.

    .. math:: G = \frac{\sum_i \sum_j w_i w_j |y_i - y_j|}{2 \left(\sum_i w_i\right)^2 \bar y_w}

    With no weights (:math:`w_i = 1`) this is PySAL's ``inequality.gini.Gini``.

    Parameters
    ----------
    values : Series or array-like
        Non-negative values, not all 0.
    weights : Series or array-like, optional
        Non-negative weights (e.g. population), same length/labels as ``values``.

    Returns
    -------
    float
        G in [0, 1).

    References
    ----------
    .. [1] Gini, C. (1912). *Variabilità e mutabilità*. Bologna.
    .. [2] PySAL ``inequality.gini.Gini``; Mexico 1940 value 0.35372371 reproduced in
       ``tests/analytics/test_inequality.py``.

    Examples
    --------
    >>> gini([1, 1, 1, 1])
    0.0
    """
    y, problems = _series_problems("values", values)
    if weights is None:
        w = pd.Series(1.0, index=y.index)
    else:
        w, w_problems = _series_problems("weights", weights)
        problems += w_problems
        y, w = _align("values", y, "weights", w, values, weights, problems)
        _positive_total("weights", w, problems)
    _positive_total("values", y, problems)
    _raise(problems)
    yv, wv = y.to_numpy(float), w.to_numpy(float)
    order = np.argsort(yv, kind="stable")
    yv, wv = yv[order], wv[order]
    # Σ_i Σ_j w_i w_j |y_i − y_j| = 2 Σ_i w_i y_i (W_{<i} − W_{>i}) with y sorted ascending
    cw = np.cumsum(wv)
    wsum = cw[-1]
    below = cw - wv
    above = wsum - cw
    mad = 2.0 * float((wv * yv * (below - above)).sum())
    mean = float((wv * yv).sum() / wsum)
    return float(mad / (2.0 * wsum**2 * mean))
