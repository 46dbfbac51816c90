"""Text columns of the water classification (``worst_items``, ``main_pollutants``), compiled.

Why compiled: each row gets a short ``;``-joined list such as ``cd:0.20;nh3n:2.00``. Built with
numpy (a byte matrix filled by fancy indexing once per character position) it took most of the
classification time on a sample set where nearly every row is 劣Ⅴ; one numba loop over the
selected cells writes each byte once. No library formats such lists vectorized.
"""

from __future__ import annotations

from collections.abc import Sequence

import numba
import numpy as np


@numba.njit(nogil=True, cache=True)
def _cell_text(
    rows: np.ndarray,
    cols: np.ndarray,
    numbers: np.ndarray,
    name_chars: np.ndarray,
    name_len: np.ndarray,
    n: int,
) -> np.ndarray:  # pragma: no cover - compiled
    """Byte matrix (rows × characters) of the joined cells, NUL-padded."""
    k = rows.size
    with_numbers = numbers.size > 0
    length = np.zeros(n, np.int64)
    for j in range(k):
        size = name_len[cols[j]]
        if with_numbers and numbers[j] == numbers[j]:
            x = numbers[j]
            whole = np.int64(np.rint(abs(x) * 100.0)) // 100
            digits = 1
            power = 10
            while whole >= power:
                digits += 1
                power *= 10
            size += 1 + (1 if x < 0.0 else 0) + digits + 3  # ":" ["-"] digits "." dd
        if length[rows[j]] > 0:
            size += 1  # ";"
        length[rows[j]] += size
    width = max(1, length.max()) if n else 1
    m = np.zeros((n, width), np.uint8)
    pos = np.zeros(n, np.int64)
    for j in range(k):
        r = rows[j]
        p = pos[r]
        if p > 0:
            m[r, p] = 59  # ";"
            p += 1
        c = cols[j]
        for q in range(name_len[c]):
            m[r, p] = name_chars[c, q]
            p += 1
        if with_numbers and numbers[j] == numbers[j]:
            x = numbers[j]
            cents = np.int64(np.rint(abs(x) * 100.0))
            whole = cents // 100
            frac = cents % 100
            m[r, p] = 58  # ":"
            p += 1
            if x < 0.0:
                m[r, p] = 45  # "-"
                p += 1
            digits = 1
            power = 10
            while whole >= power:
                digits += 1
                power *= 10
            for q in range(digits):
                m[r, p + digits - 1 - q] = 48 + whole % 10
                whole //= 10
            p += digits
            m[r, p] = 46  # "."
            m[r, p + 1] = 48 + frac // 10
            m[r, p + 2] = 48 + frac % 10
            p += 3
        pos[r] = p
    return m


def render_cells(
    rows: np.ndarray,
    cols: np.ndarray,
    numbers: np.ndarray | None,
    names: Sequence[str],
    n: int,
) -> np.ndarray:
    """Per row, ``;``-join ``name`` or ``name:0.35`` for each selected cell.

    Parameters
    ----------
    rows, cols : numpy.ndarray
        The cells in output order (``rows`` sorted ascending).
    numbers : numpy.ndarray or None
        One number per cell, printed with two decimals (half to even on ``|x| · 100``, a minus
        sign when negative); NaN or ``None`` prints the name alone.
    names : sequence of str
        ASCII names of the columns.
    n : int
        Number of rows.

    Returns
    -------
    numpy.ndarray
        Object array of ``n`` strings; ``""`` for rows without cells.

    Examples
    --------
    >>> render_cells(np.array([0, 0, 2]), np.array([1, 0, 1]), np.array([2.0, np.nan, -0.125]),
    ...              ["cd", "nh3n"], 3).tolist()
    ['nh3n:2.00;cd', '', 'nh3n:-0.12']
    """
    out = np.full(n, "", dtype=object)
    if rows.size == 0:
        return out
    name_b = np.array(list(names), dtype=np.bytes_)
    name_chars = name_b.view(np.uint8).reshape(len(names), name_b.itemsize)
    name_len = np.strings.str_len(name_b).astype(np.int64)
    values = np.empty(0) if numbers is None else np.ascontiguousarray(numbers, dtype=np.float64)
    m = _cell_text(
        np.ascontiguousarray(rows, dtype=np.int64),
        np.ascontiguousarray(cols, dtype=np.int64),
        values,
        np.ascontiguousarray(name_chars),
        name_len,
        n,
    )
    present = np.zeros(n, dtype=bool)
    present[rows] = True
    joined = m.view(f"S{m.shape[1]}").ravel()[present]
    # decoding the bytes objects is ten times faster than astype(str) on wide rows
    out[present] = [b.decode("ascii") for b in joined.tolist()]
    return out
