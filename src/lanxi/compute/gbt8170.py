"""GB/T 8170-2008 rounding (数值修约, 3.3 进舍规则) on decimal values, vectorized and exact.

GB/T 8170 rounds the *decimal* number: a dropped part of exactly 5 (followed by nothing or zeros)
rounds the kept digit to even (四舍六入五成双). Binary floating point cannot hold most decimals:
``(6.06 − 4) / 4`` is 0.515 in decimal but 0.51499999999999990… in float64, and
``np.round(0.515, 2)`` gives 0.51 where GB/T 8170 gives 0.52.

How this module gets the decimal answer (no per-value Python loop, no ``decimal`` objects):

1. every input is taken as the decimal it was written as, to :data:`SCALE_DECIMALS` (6) decimals:
   ``np.rint(x · 10⁶)`` as int64 is exact for any value written with at most 6 decimals and below
   about 9·10¹² (a float64 is within half an ulp of the written decimal, far less than 0.5·10⁻⁶);
2. the formula is evaluated on those integers, so a ratio is an exact fraction ``num / den``;
3. the fraction is rounded half to even in integer arithmetic (``divmod``; the remainder ``r``
   against ``den``: ``2r > den`` up, ``2r == den`` to even, otherwise down) — the tie test is
   exact, not a tolerance.

Values with more than 6 decimals are first snapped to 6 (measurements and limits of the standards
have at most 5). :func:`lanxi.compute.air.round_gbt8170` rounds single measured or averaged values
(the written decimal recovered by snapping ``x · 10^d`` to 6 decimals before ``rint``, the same
rule in float form, kept bit for bit by the AQI kernel).

References
----------
.. [1] GB/T 8170-2008 数值修约规则与极限数值的表示和判定, 3.3 进舍规则.
"""

from __future__ import annotations

import numpy as np

#: Decimals of the written value kept before exact arithmetic (10⁻⁶).
SCALE_DECIMALS = 6
_SCALE = 10**SCALE_DECIMALS
#: Largest magnitude handled exactly (int64 headroom for the products below).
_MAX_ABS = 1e10


def _scaled(values: np.ndarray) -> np.ndarray:
    """The written decimal as an integer count of 10⁻⁶ (int64); NaN/inf → 0 (masked by callers)."""
    x = np.asarray(values, dtype=np.float64)
    ok = np.isfinite(x) & (np.abs(x) <= _MAX_ABS)
    return np.where(ok, np.rint(np.where(ok, x, 0.0) * _SCALE), 0.0).astype(np.int64)


def divide_half_even(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` rounded half to even to an integer, exactly (int64 arrays, ``den > 0``).

    Examples
    --------
    >>> divide_half_even(np.array([5, 15, 25, -5, 7]), np.array([10, 10, 10, 10, 10])).tolist()
    [0, 2, 2, 0, 1]
    """
    q, r = np.divmod(num, den)  # floor division: 0 <= r < den
    twice = 2 * r
    up = (twice > den) | ((twice == den) & (q % 2 == 1))
    return q + up


def multiple_half_even(values: np.ndarray, limits: np.ndarray, decimals: int) -> np.ndarray:
    """Over-standard multiple ``(C − L) / L`` rounded per GB/T 8170 on the decimal values.

    Parameters
    ----------
    values, limits : numpy.ndarray
        Concentrations and limits (same shape, or broadcastable); ``limits > 0``.
    decimals : int
        Decimals kept (2 for 超标倍数).

    Returns
    -------
    numpy.ndarray
        float64, the nearest float to the rounded decimal (0.52 for 0.515); NaN where an input is
        NaN, infinite, above 10¹⁰ or the limit is not positive.

    Examples
    --------
    >>> multiple_half_even(np.array([6.06, 6.02, 4.0]), np.array([4.0, 4.0, 4.0]), 2).tolist()
    [0.52, 0.5, 0.0]
    >>> np.round((6.06 - 4) / 4, 2)  # binary floating point: 0.51
    np.float64(0.51)
    """
    c = np.asarray(values, dtype=np.float64)
    lim = np.asarray(limits, dtype=np.float64)
    c, lim = np.broadcast_arrays(c, lim)
    bad = ~np.isfinite(c) | ~np.isfinite(lim) | (np.abs(c) > _MAX_ABS) | ~(lim > 0)
    bad |= np.abs(lim) > _MAX_ABS
    ci = _scaled(c)
    li = np.where(bad, 1, _scaled(lim))
    li = np.where(li > 0, li, 1)  # a limit below 0.5·10⁻⁶ would divide by zero: marked bad
    bad |= _scaled(lim) <= 0
    # (C − L)/L · 10^d = (ci − li) · 10^d / li, exactly
    units = divide_half_even((ci - li) * 10**decimals, li)
    out = units / 10.0**decimals
    out[bad] = np.nan
    return out


def _half_even_fraction(num: int, den: int, decimals: int) -> float:
    """``num / den`` (Python ints, ``den > 0``) rounded half to even to ``decimals``, as float."""
    q, r = divmod(num * 10**decimals, den)
    if 2 * r > den or (2 * r == den and q % 2 == 1):
        q += 1
    return q / 10**decimals


def mean_half_even(values: np.ndarray, decimals: int) -> float:
    """Arithmetic mean of the valid values rounded per GB/T 8170, exactly.

    The mean of decimals is the fraction ``Σ xᵢ / n``; it is rounded as that fraction (the sum
    of the written values in 10⁻⁶ as integers), not as the float mean — so a mean a hair above a
    tie rounds up and an exact tie goes to even, whatever the float sum does.

    Parameters
    ----------
    values : numpy.ndarray
        Values; NaN is ignored.
    decimals : int

    Returns
    -------
    float
        NaN when no value is valid.

    Examples
    --------
    >>> mean_half_even(np.array([34.500001, 34.5]), 0)  # 34.5000005: above the tie
    35.0
    >>> mean_half_even(np.array([34.0, 35.0, np.nan]), 0)  # 34.5: a tie, to even
    34.0
    """
    x = np.asarray(values, dtype=np.float64)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return float("nan")
    total = int(_scaled(x).astype(object).sum())
    return _half_even_fraction(total, x.size * _SCALE, decimals)


def percentile_half_even(values: np.ndarray, percent: int, decimals: int) -> float:
    """HJ 663 percentile (``k = 1 + (n − 1)p``, linear) rounded per GB/T 8170, exactly.

    With ``p = percent/100`` the interpolation weight ``k − s`` is the fraction
    ``((n − 1)·percent mod 100) / 100``, so the percentile of the written values is a fraction with
    denominator ``100 · 10⁶`` and is rounded as such.

    Parameters
    ----------
    values : numpy.ndarray
        Values; NaN is ignored.
    percent : int
        Whole percent (95 for the 95th percentile).
    decimals : int

    Returns
    -------
    float
        NaN when no value is valid.

    Examples
    --------
    >>> percentile_half_even(np.array([1.0, 2.0, 3.0, 4.0, 5.0]), 90, 0)  # 4.6 → 5
    5.0
    >>> percentile_half_even(np.array([10.0, 11.0]), 50, 0)  # 10.5: a tie, to even
    10.0
    """
    x = np.asarray(values, dtype=np.float64)
    xs = [int(v) for v in np.sort(_scaled(x[~np.isnan(x)]))]
    n = len(xs)
    if n == 0:
        return float("nan")
    s0, r = divmod((n - 1) * percent, 100)  # k − 1 = s0 + r/100 (0-based order statistic s0)
    if s0 >= n - 1:
        return _half_even_fraction(xs[-1], _SCALE, decimals)
    num = 100 * xs[s0] + (xs[s0 + 1] - xs[s0]) * r
    return _half_even_fraction(num, 100 * _SCALE, decimals)
