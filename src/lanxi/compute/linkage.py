r"""Spatial linkage and the urban hierarchy: gravity model, linkage membership, primacy, rank–size.

=======================================  ====================================================
statistic                                formula
=======================================  ====================================================
gravity linkage (经济联系强度)            R_ij = k · √(P_i G_i) · √(P_j G_j) / d_ij^b
plain gravity (引力模型)                  R_ij = k · M_i M_j / d_ij^b
linkage membership (经济隶属度)           F_ij = R_ij / Σ_j R_ij
two-city primacy (二城市指数)             S2 = P1 / P2
four-city primacy (四城市指数)            S4 = P1 / (P2 + P3 + P4)
eleven-city primacy (十一城市指数)        S11 = 2 P1 / (P2 + … + P11)
rank–size rule (位序—规模法则)           ln P_(r) = ln P1 − q ln r, fitted by OLS
=======================================  ====================================================

References
----------
.. [1] 王德忠, 庄仁兴 (1996). 区域经济联系定量分析初探——以上海与苏锡常地区经济联系为例.
   地理科学 16(1): 51–57. (The usual citation for the √(P·G) form in Chinese studies; cited from
   the secondary literature, the printed paper was not available to check.)
.. [2] Zipf, G. K. (1949). *Human Behavior and the Principle of Least Effort*. Cambridge, MA:
   Addison-Wesley.
.. [3] Jefferson, M. (1939). The law of the primate city. *Geographical Review* 29(2): 226–232.
.. [4] Gabaix, X., Ibragimov, R. (2011). Rank − 1/2: a simple way to improve the OLS estimation of
   tail exponents. *Journal of Business & Economic Statistics* 29(1): 24–39.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lanxi.compute.structure import (
    Vector,
    _as_frame,
    _raise,
    _series_problems,
    _value_problems,
)
from lanxi.errors import Problem, ValidationError

__all__ = [
    "Primacy",
    "RankSize",
    "gravity_linkage",
    "gravity_strength",
    "linkage_membership",
    "rank_size",
    "urban_primacy",
]


def _distance_matrix(distance: pd.DataFrame, cities: pd.Index) -> tuple[np.ndarray, list[Problem]]:
    """Validate a city × city distance table against the cities of the mass vector."""
    d_frame = _as_frame(distance)
    problems: list[Problem] = []
    missing_rows = [str(c) for c in cities if c not in d_frame.index]
    missing_cols = [str(c) for c in cities if c not in d_frame.columns]
    if missing_rows or missing_cols:
        problems.append(
            Problem(
                "distance",
                None,
                None,
                f"has no row for {missing_rows} and no column for {missing_cols}; "
                "its index and columns must hold every city",
            )
        )
        return np.empty((0, 0)), problems
    d_frame = d_frame.loc[cities, cities].astype(object)
    for k in range(len(cities)):  # the diagonal is ignored: blank or NaN there is fine
        d_frame.iloc[k, k] = 0.0
    d, value_problems = _value_problems("distance", d_frame)
    problems += value_problems
    arr = d.to_numpy(float)
    zero = arr == 0
    np.fill_diagonal(zero, False)
    for i, j in zip(*np.nonzero(zero), strict=True):
        problems.append(
            Problem(
                "distance",
                int(i) + 1,
                str(cities[j]),
                f"distance between distinct cities {cities[i]!r} and {cities[j]!r} is 0; "
                "must be > 0",
            )
        )
    return arr, problems


def gravity_strength(
    mass: Vector,
    distance: pd.DataFrame,
    *,
    k: float = 1.0,
    b: float = 2.0,
) -> pd.DataFrame:
    r"""Plain gravity-model interaction strength between every pair of cities.

    .. math:: R_{ij} = k \, \frac{M_i M_j}{d_{ij}^{\,b}}

    Parameters
    ----------
    mass : Series or array-like
        Mass of each city (population, GDP, …); a Series' index names the cities.
    distance : DataFrame
        City × city distances (km, travel time, …) holding every city in its index and columns;
        the diagonal is ignored, every other entry must be > 0.
    k : float
        Gravitational constant (default 1).
    b : float
        Distance-decay exponent (default 2, the Newtonian form usual in Chinese studies).

    Returns
    -------
    DataFrame
        City × city strengths, 0 on the diagonal; symmetric when ``distance`` is.

    References
    ----------
    .. [1] Zipf, G. K. (1946). The P1 P2 / D hypothesis: on the intercity movement of persons.
       *American Sociological Review* 11(6): 677–686.
    """
    if not (np.isfinite(k) and k > 0):
        raise ValueError(f"k must be a positive number, got {k!r}")
    if not (np.isfinite(b) and b >= 0):
        raise ValueError(f"b must be a non-negative number, got {b!r}")
    m, problems = _series_problems("mass", mass)
    d, d_problems = _distance_matrix(distance, m.index)
    _raise(problems + d_problems)
    x = m.to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = k * np.outer(x, x) / np.power(d, b)
    np.fill_diagonal(r, 0.0)
    return pd.DataFrame(r, index=m.index, columns=m.index)


def gravity_linkage(
    population: Vector,
    gdp: Vector,
    distance: pd.DataFrame,
    *,
    k: float = 1.0,
    b: float = 2.0,
) -> pd.DataFrame:
    r"""Economic linkage strength (城市经济联系强度), the gravity form common in Chinese studies.

    .. math:: R_{ij} = k \, \frac{\sqrt{P_i G_i} \, \sqrt{P_j G_j}}{d_{ij}^{\,b}}

    i.e. :func:`gravity_strength` with mass :math:`M_i = \sqrt{P_i G_i}`.

    Parameters
    ----------
    population : Series or array-like
        Population of each city (e.g. 万人).
    gdp : Series or array-like
        GDP of each city (e.g. 亿元); same cities (labels) as ``population``.
    distance : DataFrame
        City × city distances; see :func:`gravity_strength`.
    k, b : float
        Constant and distance-decay exponent (defaults 1 and 2).

    Returns
    -------
    DataFrame
        City × city linkage strengths, 0 on the diagonal.

    References
    ----------
    .. [1] 王德忠, 庄仁兴 (1996). 区域经济联系定量分析初探——以上海与苏锡常地区经济联系为例.
       地理科学 16(1): 51–57 (as cited in the secondary literature).
    """
    p, problems = _series_problems("population", population)
    g, g_problems = _series_problems("gdp", gdp)
    problems += g_problems
    if isinstance(population, pd.Series) and isinstance(gdp, pd.Series):
        if set(p.index) != set(g.index):
            problems.append(
                Problem("gdp", None, None, "city labels differ from population's; they must match")
            )
        else:
            g = g.reindex(p.index)
    elif len(p) != len(g):
        problems.append(Problem("gdp", None, None, f"has {len(g)} values, population has {len(p)}"))
    _raise(problems)
    mass = np.sqrt(p * g.to_numpy(float))
    return gravity_strength(mass, distance, k=k, b=b)


def linkage_membership(strength: pd.DataFrame) -> pd.DataFrame:
    r"""Economic linkage membership (经济隶属度) of every city pair.

    .. math:: F_{ij} = \frac{R_{ij}}{\sum_{j} R_{ij}}

    the share of city *i*'s total linkage that goes to city *j*.

    Parameters
    ----------
    strength : DataFrame
        City × city linkage strengths, e.g. from :func:`gravity_linkage` (diagonal 0).

    Returns
    -------
    DataFrame
        Same labels; every row sums to 1.

    Raises
    ------
    ValidationError
        Negative or missing strengths, or a city whose total linkage is 0.
    """
    s, problems = _value_problems("strength", _as_frame(strength))
    _raise(problems)
    tot = s.sum(axis=1)
    bad = [
        Problem("strength", i, None, f"city {c!r} has total linkage 0; membership undefined")
        for i, (c, t) in enumerate(tot.items(), start=1)
        if t <= 0
    ]
    _raise(bad)
    return s.div(tot, axis=0)


@dataclass(frozen=True)
class Primacy:
    r"""Urban primacy indices (城市首位度) of a set of cities.

    Attributes
    ----------
    largest : Hashable
        Label of the largest city.
    s2 : float
        Two-city index :math:`P_1/P_2` (Jefferson 1939).
    s4 : float or None
        Four-city index :math:`P_1/(P_2+P_3+P_4)`; None with fewer than 4 cities.
    s11 : float or None
        Eleven-city index :math:`2P_1/(P_2+\dots+P_{11})`; None with fewer than 11 cities.
    n : int
        Number of cities.
    """

    largest: Hashable
    s2: float
    s4: float | None
    s11: float | None
    n: int


def urban_primacy(population: Vector) -> Primacy:
    """Urban primacy (首位度): two-, four- and eleven-city indices.

    Parameters
    ----------
    population : Series or array-like
        Population (or another size measure) of each city; at least 2 values, the second largest
        > 0.

    Returns
    -------
    Primacy
        ``s2`` = P1/P2, ``s4`` = P1/(P2+P3+P4), ``s11`` = 2P1/(P2+…+P11) with P1 ≥ P2 ≥ … the sizes
        in decreasing order. Under the rank–size rule with q = 1, S2 = 2 and S4 = S11 ≈ 1.

    References
    ----------
    .. [1] Jefferson, M. (1939). The law of the primate city. *Geographical Review* 29(2):
       226–232.
    .. [2] 许学强, 周一星, 宁越敏 (2009). 城市地理学 (第二版). 北京: 高等教育出版社. (Two-,
       four- and eleven-city indices.)

    Examples
    --------
    >>> urban_primacy([400, 200, 100, 100]).s4
    1.0
    """
    p, problems = _series_problems("population", population)
    if len(p) < 2 and not problems:
        problems.append(Problem("population", None, None, "needs at least 2 cities"))
    _raise(problems)
    order = p.sort_values(ascending=False, kind="stable")
    v = order.to_numpy(float)
    if v[1] <= 0:
        raise ValidationError(
            [Problem("population", None, None, "the second-largest city is 0; primacy undefined")]
        )
    s4 = float(v[0] / v[1:4].sum()) if len(v) >= 4 else None
    s11 = float(2 * v[0] / v[1:11].sum()) if len(v) >= 11 else None
    return Primacy(largest=order.index[0], s2=float(v[0] / v[1]), s4=s4, s11=s11, n=len(v))


@dataclass(frozen=True)
class RankSize:
    r"""OLS fit of the rank–size rule :math:`\ln P_{(r)} = \ln P_1 - q \ln (r - s)`.

    Attributes
    ----------
    q : float
        Zipf exponent (the negated slope); q = 1 is Zipf's law, q > 1 a primate, concentrated
        hierarchy, q < 1 an even one.
    std_err : float
        OLS standard error of q, :math:`\hat\sigma/\sqrt{\sum (\ln r - \overline{\ln r})^2}`.
    ln_p1 : float
        Fitted intercept (ln of the theoretical first-city size).
    r_squared : float
        Coefficient of determination of the fit.
    n : int
        Number of cities.
    rank_shift : float
        The shift *s* subtracted from each rank (0, or 0.5 for Gabaix–Ibragimov).
    """

    q: float
    std_err: float
    ln_p1: float
    r_squared: float
    n: int
    rank_shift: float

    @property
    def p1(self) -> float:
        r"""Theoretical first-city size, :math:`e^{\ln P_1}`."""
        return float(np.exp(self.ln_p1))


def rank_size(population: Vector, *, rank_shift: float = 0.0) -> RankSize:
    r"""Fit the rank–size (Zipf) rule by ordinary least squares.

    .. math:: \ln P_{(r)} = \ln P_1 - q \ln (r - s), \qquad r = 1, \dots, n

    Cities are ranked by decreasing size. ``rank_shift`` = *s* = 0.5 gives the Gabaix–Ibragimov
    (2011) "rank − 1/2" estimator, whose bias in small samples is much smaller.

    Parameters
    ----------
    population : Series or array-like
        Size of each city; every value > 0; at least 3 cities.
    rank_shift : float
        Subtracted from each rank; 0 (default, the plain regression usual in Chinese studies) or
        0.5; must be < 1.

    Returns
    -------
    RankSize
        q, its standard error, ln P1, R² and n.

    References
    ----------
    .. [1] Zipf, G. K. (1949). *Human Behavior and the Principle of Least Effort*.
    .. [2] Gabaix, X., Ibragimov, R. (2011). Rank − 1/2. *Journal of Business & Economic
       Statistics* 29(1): 24–39.

    Examples
    --------
    >>> fit = rank_size([1000 / r for r in range(1, 11)])
    >>> round(fit.q, 10), round(fit.r_squared, 10)
    (1.0, 1.0)
    """
    if not (0 <= rank_shift < 1):
        raise ValueError(f"rank_shift must be in [0, 1), got {rank_shift!r}")
    p, problems = _series_problems("population", population)
    for i, (lab, v) in enumerate(p.items(), start=1):
        if v == 0:
            problems.append(Problem("population", i, str(lab), "is 0; ln P needs P > 0"))
    if len(p) < 3 and not problems:
        problems.append(Problem("population", None, None, "needs at least 3 cities for a fit"))
    _raise(problems)
    y = np.log(np.sort(p.to_numpy(float))[::-1])
    x = np.log(np.arange(1, len(y) + 1) - rank_shift)
    xm, ym = x.mean(), y.mean()
    sxx = float(((x - xm) ** 2).sum())
    slope = float(((x - xm) * (y - ym)).sum() / sxx)
    intercept = float(ym - slope * xm)
    resid = y - (intercept + slope * x)
    sse = float((resid**2).sum())
    syy = float(((y - ym) ** 2).sum())
    r2 = 1.0 - sse / syy if syy > 0 else 1.0
    n = len(y)
    se = float(np.sqrt(sse / (n - 2) / sxx))
    return RankSize(q=-slope, std_err=se, ln_p1=intercept, r_squared=r2, n=n, rank_shift=rank_shift)
