"""Compiled row kernel of :func:`lanxi.compute.air.compute_aqi` (numba).

Why compiled: the numpy formulation of HJ 633 needs about a dozen full passes per pollutant
(round, segment, interpolate, round up, rules above 800 µg/m³) plus the maximum, the primary
pollutant bits and the level — each a temporary array. One fused pass over blocks of rows reads
every concentration once and writes the outputs once: about half the CPU time of the numpy
formulation on the 16.6 M-row year, with no temporaries beyond the outputs (``docs/air.md``). No
library computes HJ 633 vectorized, so the loop is ours.

Where a concentration sits on the grid of an exact table (the GB/T 8170-rounded value of
HJ 633-2026; 0.1 µg/m³ / 0.01 mg/m³ for 2012 inputs) the IAQI is one gather; elsewhere the kernel
evaluates 式(1) with the same float64 operations in the same order as the numpy reference
:func:`lanxi.compute.air.aqi.iaqi` (no fast-math, no fused multiply-add), and the tables are filled
by that reference, so the two agree bit for bit; ``tests/air/test_kernel.py`` checks it on every
0.1 µg/m³ (0.01 mg/m³) of every table column of both editions. All numbers come in as arrays built
by :func:`build_spec` from :mod:`lanxi.standards.hj633`; the kernel holds none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numba
import numpy as np

from lanxi.compute.air.aqi import CEIL_EPS, SO2_24H
from lanxi.standards.hj633 import EDITIONS, POLLUTANTS, AqiStandard, Edition, Kind

#: Input slots of the kernel: the seven pollutant columns, then SO2 24-hour (HJ 633-2012 rule).
SLOTS: tuple[str, ...] = (*POLLUTANTS, SO2_24H)

#: What a concentration above a table column's last breakpoint gives.
CAP, FIXED, NO_IAQI, FALLBACK = 0, 1, 2, 3

#: Rows per block of :func:`aqi_rows` (a few columns of it fit in the L1/L2 cache).
BLOCK = 4096

#: Decimals of the reporting grid a 2012 lookup table covers (0.1 µg/m³, CO 0.01 mg/m³): where an
#: input sits exactly on it the table gives the IAQI, elsewhere 式(1) is evaluated. Not a number of
#: the standard — both ways give the same IAQI; the grid only decides which is faster.
GRID: dict[str, int] = {"co": 2, "default": 1}

#: GB/T 8170 rounding first snaps to this many decimals (the written value; see round_gbt8170).
SNAP = 1e6


@numba.njit(inline="always", error_model="numpy")
def _gbt8170_units(x: float, r: float) -> float:  # pragma: no cover - compiled
    """``x`` rounded per GB/T 8170 in units of ``1 / r``: ``round_gbt8170(x, log10 r) * r``.

    The float operations of :func:`lanxi.compute.air.aqi.round_gbt8170` in its order (snap to
    10⁻⁶ of the unit, then half to even), so the kernel agrees with the reference bit for bit.
    Inlined by numba into the loops.
    """
    return np.rint(np.rint(x * r * SNAP) / SNAP)


@dataclass(frozen=True)
class KernelSpec:
    """The tables of the editions in a frame, as flat arrays for :func:`aqi_rows`.

    Attributes
    ----------
    table_id : numpy.ndarray
        int64 ``(2, len(SLOTS))``: table of each edition (0 = 2012, 1 = 2026) and input slot,
        -1 when the report does not use that input.
    scale : numpy.ndarray
        float64 ``(2, len(SLOTS))``: ``10**decimals`` of the GB/T 8170 rounding, 0 for none.
    top, action_value : numpy.ndarray
        float64 per table: last breakpoint; IAQI above it (cap 500 or the fixed value).
    action : numpy.ndarray
        int8 per table: :data:`CAP`, :data:`FIXED`, :data:`NO_IAQI` or :data:`FALLBACK`.
    slope, intercept : numpy.ndarray
        float64 ``(tables, 7)``: 式(1) per segment.
    seg_start, seg_all : numpy.ndarray
        Offsets into ``seg_all`` (int8), the concatenated ``segment_of`` arrays.
    lut, lut_start, lut_max, divisor : numpy.ndarray
        Exact IAQI tables: ``lut[lut_start[t] + k]`` is the IAQI of ``C = k / divisor[t]`` for
        ``k`` in ``0 … lut_max[t]`` (then one NaN), computed by the numpy reference. ``divisor``
        is the GB/T 8170 scale of a 2026 column (the rounded concentration is on that grid) or
        the reporting grid :data:`GRID` of a 2012 column (used where the input sits on it).
    threshold : numpy.ndarray
        float32 per edition: a primary pollutant is named above this AQI.
    level_of : numpy.ndarray
        int8, 0-based level of every AQI 0…cap.
    """

    table_id: np.ndarray
    scale: np.ndarray
    top: np.ndarray
    action: np.ndarray
    action_value: np.ndarray
    slope: np.ndarray
    intercept: np.ndarray
    seg_start: np.ndarray
    seg_all: np.ndarray
    lut: np.ndarray
    lut_start: np.ndarray
    lut_max: np.ndarray
    divisor: np.ndarray
    threshold: np.ndarray
    level_of: np.ndarray


def build_spec(stds: Mapping[Edition, AqiStandard], kind: Kind) -> KernelSpec:
    """Flatten the editions' tables for the kernel.

    Parameters
    ----------
    stds : dict
        Edition → loaded standard; editions missing from the dict get no tables.
    kind : {"hourly", "daily"}

    Returns
    -------
    KernelSpec

    Raises
    ------
    ValueError
        When a column's breakpoints are not all integers (no ``segment_of`` grid). Every printed
        breakpoint of both editions is an integer; a future table with decimals needs a scaled
        grid here.
    """
    table_id = np.full((2, len(SLOTS)), -1, dtype=np.int64)
    scale = np.zeros((2, len(SLOTS)), dtype=np.float64)
    top: list[float] = []
    action: list[int] = []
    value: list[float] = []
    slope = np.zeros((0, 7))
    intercept = np.zeros((0, 7))
    seg_start: list[int] = []
    segs: list[np.ndarray] = []
    luts: list[np.ndarray] = []
    lut_start: list[int] = []
    lut_max: list[float] = []
    divisor: list[float] = []
    threshold = np.full(2, np.inf, dtype=np.float32)
    level_of = np.zeros(1, dtype=np.int8)

    def add(std: AqiStandard, key: str, mapping: dict[str, str], slot: str, r: float) -> int:
        nonlocal slope, intercept
        from lanxi.compute.air.aqi import _lookup  # the numpy reference fills the tables

        table = std.tables[key]
        if table.segment_of is None:
            raise ValueError(f"HJ 633-{std.edition} {key}: breakpoints are not integers")
        rule = std.beyond.get(key)
        if rule is None:
            act, val = CAP, std.cap_iaqi
        elif rule.action == "fixed":
            act, val = FIXED, float(rule.iaqi or 0.0)
        elif (
            rule.indicator == "so2_24h"
            and rule.indicator not in mapping
            and rule.indicator not in mapping.values()
        ):
            act, val = FALLBACK, np.nan  # 2012 表1 说明(2): report the SO2 24-hour IAQI
        else:
            act, val = NO_IAQI, np.nan  # the indicator reported instead already counts
        row = np.zeros((1, 7))
        s = row.copy()
        s[0, : table.slope.size] = table.slope
        row[0, : table.intercept.size] = table.intercept
        slope = np.vstack([slope, s])
        intercept = np.vstack([intercept, row])
        top.append(float(table.conc[-1]))
        action.append(act)
        value.append(val)
        seg_start.append(sum(a.size for a in segs))
        segs.append(table.segment_of)
        d = r if r else 10.0 ** GRID.get(slot, GRID["default"])
        k_max = round(float(table.conc[-1]) * d)
        exact = _lookup(np.arange(k_max + 1) / d, table, std).astype(np.float32)
        lut_start.append(sum(a.size for a in luts))
        luts.append(np.append(exact, np.float32(np.nan)))
        lut_max.append(float(k_max))
        divisor.append(d)
        return len(top) - 1

    for ed, std in stds.items():
        e = EDITIONS.index(ed)
        mapping = std.indicators[kind]
        for j, slot in enumerate(SLOTS):
            key = mapping.get(slot) if slot != "so2_24h" else "so2_24h"
            if key is None:
                continue
            if std.concentration_decimals is not None:
                dec = std.concentration_decimals.get(slot, std.concentration_decimals["default"])
                scale[e, j] = 10.0**dec
            table_id[e, j] = add(std, key, mapping, slot, float(scale[e, j]))
        threshold[e] = std.primary_above
        level_of = np.searchsorted(
            std.level_edges, np.arange(int(std.cap_iaqi) + 1), side="right"
        ).astype(np.int8)
    return KernelSpec(
        table_id=table_id,
        scale=scale,
        top=np.asarray(top, dtype=np.float64),
        action=np.asarray(action, dtype=np.int8),
        action_value=np.asarray(value, dtype=np.float64),
        slope=slope,
        intercept=intercept,
        seg_start=np.asarray(seg_start, dtype=np.int64),
        seg_all=np.concatenate(segs) if segs else np.zeros(1, dtype=np.int8),
        lut=np.concatenate(luts) if luts else np.zeros(1, dtype=np.float32),
        lut_start=np.asarray(lut_start, dtype=np.int64),
        lut_max=np.asarray(lut_max, dtype=np.float64),
        divisor=np.asarray(divisor, dtype=np.float64),
        threshold=threshold,
        level_of=level_of,
    )


@numba.njit(nogil=True, cache=True, error_model="numpy")
def aqi_rows(
    cols: tuple[np.ndarray, ...],
    slots: np.ndarray,
    check: np.ndarray,
    times: np.ndarray,
    boundary: int,
    fixed: int,
    table_id: np.ndarray,
    scale: np.ndarray,
    top: np.ndarray,
    action: np.ndarray,
    action_value: np.ndarray,
    slope: np.ndarray,
    intercept: np.ndarray,
    seg_start: np.ndarray,
    seg_all: np.ndarray,
    lut: np.ndarray,
    lut_start: np.ndarray,
    lut_max: np.ndarray,
    divisor: np.ndarray,
    threshold: np.ndarray,
    level_of: np.ndarray,
    required: np.ndarray,
    present_min: np.ndarray,
    publish_above: np.ndarray,
    iaqi_out: np.ndarray,
    aqi_out: np.ndarray,
    missing_out: np.ndarray,
    level_out: np.ndarray,
    code_out: np.ndarray,
    edition_out: np.ndarray,
    seen: np.ndarray,
    start: int,
    stop: int,
) -> int:  # pragma: no cover - compiled
    """IAQI, AQI (式(2)), level, primary-pollutant bits and edition of rows ``start:stop``.

    Parameters (arrays from :class:`KernelSpec` unless said):

    * ``cols``: one float64 array per :data:`SLOTS` entry, empty when absent; ``slots[k]`` is the
      slot whose IAQI goes to ``iaqi_out[k]``; ``check`` the other slots given, only validated.
    * edition of a row: ``fixed`` (0 = 2012, 1 = 2026), or ``times[i] >= boundary`` when
      ``fixed`` is -1; written to ``edition_out``.
    * ``code_out``: bit ``k`` set when IAQI ``k`` equals the AQI and the AQI exceeds the
      edition's threshold (ties all set), -1 when the AQI is missing; ``seen[code + 1]`` marks
      the codes that occur (``seen`` has 129 entries: codes -1 … 127, seven pollutants).
    * HJ 633-2026 5.3.1 (missing data): ``required[e, k]`` is 1 when IAQI ``k`` is an indicator
      of edition ``e`` that must be present; a row of edition ``e`` with fewer than
      ``present_min[e]`` of them present has no AQI unless its AQI exceeds ``publish_above[e]``
      (100). ``present_min[e]`` counts the indicators whose columns are absent too, so a row
      without them falls short; it is 0 for an edition without the rule (2012).

    Returns the count of runs holding a negative or infinite value (validation).

    Rows go in blocks of :data:`BLOCK`, each split into runs of one edition (one run unless the
    block straddles 2026-03-01). A run goes column by column (the exact table, or 式(1) over the
    run where the values are off its grid; the per-value rules only where a value is above the
    last breakpoint), keeping the AQI and the columns that reach it as it goes, then the
    level and codes of the run while its IAQIs are still in the cache. Everything is inlined: a
    call or a binding per row would cost reference counting.
    """
    # Reductions over a run are float min/max selects, never ``flag |= test`` or a count: the
    # latter measured 2-3x slower per value (docs/air.md).
    bad = 0
    n_out = slots.size
    fb = len(cols) - 1  # SO2 24-hour: the HJ 633-2012 fallback column
    fb_col = cols[fb]
    has_fb = fb_col.size > 0
    last = np.uint64(level_of.size - 1)
    best = np.empty(BLOCK, np.float32)
    bits = np.empty(BLOCK, np.int8)
    count = np.empty(BLOCK, np.int8)  # required indicators present (5.3.1)
    formula = np.zeros(n_out, np.bool_)  # per output column: its values were off the grid
    none = np.float32(-1.0)
    one = np.uint64(1)
    for a0 in range(start, stop, BLOCK):
        a1 = min(a0 + BLOCK, stop)
        if fixed >= 0:
            edition_out[a0:a1] = fixed
        else:
            for i in range(a0, a1):
                edition_out[i] = 1 if times[i] >= boundary else 0
        # rows a0:a1 go in runs of one edition (one run unless the block straddles 2026-03-01)
        b1 = a0
        while b1 < a1:
            b0 = b1
            e0 = edition_out[b0]
            while b1 < a1 and edition_out[b1] == e0:
                b1 += 1
            m = b1 - b0
            lo, hi = 0.0, 0.0  # smallest and largest value of the run (NaN ignored)
            g_top = 0.0  # largest grid index of the table columns: inf for an infinite value
            for q in range(check.size):
                xs = cols[check[q]][b0:b1]
                for j in range(m):
                    x = xs[j]
                    lo = x if x < lo else lo
                    hi = x if x > hi else hi
            best[:m] = none
            bits[:m] = 0
            count[:m] = 0
            for k in range(n_out):
                s = slots[k]
                xs = cols[s][b0:b1]
                out = iaqi_out[k, b0:b1]
                t = table_id[e0, s]
                if t >= 0:
                    # exact table: one gather per value; values off its grid (式(1) below) or
                    # above the top (the scalar loop) are done again
                    k_max = lut_max[t]
                    d = divisor[t]
                    r = scale[e0, s]
                    g_hi = 0.0  # largest grid index (NaN ignored)
                    off = 0.0  # largest distance of a value from the table's grid (2012)
                    # run slices and unsigned indices: no negative-index wraparound test per
                    # access (about 1.7x per value)
                    tab = lut[lut_start[t] :]
                    if r != 0.0:  # GB/T 8170: the rounded value is on the table's grid
                        for j in range(m):
                            x = xs[j]
                            lo = x if x < lo else lo
                            g = _gbt8170_units(x, r)
                            g_hi = g if g > g_hi else g_hi
                            ok = (x >= 0.0) & (g <= k_max)  # -0.1 rounds to -0.0: not ok
                            g = g if ok else k_max + 1.0  # NaN, negative → the NaN entry
                            out[j] = tab[np.uint64(g)]
                    elif formula[k]:  # this column was off the grid before: 式(1) at once
                        off = 1.0
                    else:  # as given: the table where the value sits exactly on its grid
                        for j in range(m):
                            x = xs[j]
                            lo = x if x < lo else lo
                            g = np.rint(x * d)
                            g_hi = g if g > g_hi else g_hi
                            gap = np.abs(g / d - x)
                            off = gap if gap > off else off
                            g = g if (g >= 0.0) & (g <= k_max) else k_max + 1.0
                            out[j] = tab[np.uint64(g)]
                    if off > 0.0:  # off the grid (e.g. daily means): 式(1) for the whole run
                        x_hi = 0.0
                        top_t = top[t]
                        sl = slope[t]
                        ic = intercept[t]
                        segs = seg_all[seg_start[t] :]
                        formula[k] = True  # daily means stay off the grid: no table next run
                        for j in range(m):
                            x = xs[j]
                            lo = x if x < lo else lo
                            x_hi = x if x > x_hi else x_hi
                            c = x if (x >= 0.0) & (x <= top_t) else top_t  # NaN, < 0: any seg
                            seg = segs[np.uint64(c)]
                            v = sl[seg] * x
                            v = v + ic[seg]
                            v = v - CEIL_EPS
                            v = np.ceil(v) + 0.0
                            out[j] = np.float32(v) if x >= 0.0 else np.float32(np.nan)
                        off = 0.0 if x_hi <= top_t else off  # above the top: scalar loop
                        g_hi = x_hi if x_hi == np.inf else g_hi  # an infinite value: bad
                    need = (g_hi > k_max) | (off > 0.0)
                    g_top = g_hi if g_hi > g_top else g_top
                else:  # not an indicator of this edition and report: NaN, values checked
                    for j in range(m):
                        x = xs[j]
                        lo = x if x < lo else lo
                        hi = x if x > hi else hi
                        out[j] = np.float32(np.nan)
                    continue  # NaN never counts towards the AQI
                if need:  # rare: values above the top (cap 500, the rules above 800 µg/m³)
                    for j in range(m):
                        x = xs[j]
                        i = b0 + j
                        # the table or 式(1) gave it unless above the top
                        r = scale[e0, s]
                        if r != 0.0:
                            g = _gbt8170_units(x, r)
                            above = g > lut_max[t]
                        else:
                            g = np.rint(x * divisor[t])
                            above = (g > lut_max[t]) | ((g / divisor[t] != x) & (x > top[t]))
                        if not (above and x == x):
                            continue
                        v = np.nan
                        tt = t
                        if x >= 0.0:
                            c = x
                            r = scale[e0, s]
                            if r != 0.0:  # GB/T 8170 as round_gbt8170: round(x * r, 6), rint, / r
                                c = _gbt8170_units(x, r) / r
                            if c > top[tt]:
                                v = action_value[tt]  # cap 500, the fixed IAQI, or NaN (no IAQI)
                                if action[tt] == FALLBACK and has_fb and fb_col[i] >= 0.0:
                                    # HJ 633-2012 表1 说明(2): report the SO2 24-hour IAQI instead
                                    tt = table_id[e0, fb]
                                    c = fb_col[i]
                                    r = scale[e0, fb]
                                    if r != 0.0:
                                        c = _gbt8170_units(c, r) / r
                                    v = action_value[tt]
                            if c <= top[tt]:
                                seg = seg_all[seg_start[tt] + int(c)]
                                v = slope[tt, seg] * c
                                v = v + intercept[tt, seg]
                                v = v - CEIL_EPS
                                v = np.ceil(v) + 0.0
                        out[j] = np.float32(v)
                # AQI so far (式(2)) and the columns that reach it (ties all kept), and the
                # required indicators present (5.3.1), in one pass; NaN never wins, best starts
                # at -1
                kbit = np.int8(1 << k)
                rq = required[e0, k]
                zero = np.int8(0)
                for j in range(m):
                    f = out[j]
                    b = best[j]
                    bits[j] = kbit if f > b else (bits[j] | kbit if f == b else bits[j])
                    best[j] = f if f > b else b
                    count[j] += rq if f == f else zero
            bad += (lo < 0.0) | (hi == np.inf) | (g_top == np.inf)
            thr = threshold[e0]
            nd = present_min[e0]
            pub = publish_above[e0]
            aqis = aqi_out[b0:b1]
            miss = missing_out[b0:b1]
            levels = level_out[b0:b1]
            codes = code_out[b0:b1]
            for j in range(m):
                b = best[j]
                # 5.3.1: an indicator missing and AQI ≤ 100 → the AQI is not published (NA)
                has = (b >= 0) & ((count[j] >= nd) | (b > pub))
                a = np.uint64(b) if has else np.uint64(0)
                code = bits[j] if b > thr else np.int8(0)
                code = code if has else np.int8(-1)
                aqis[j] = a
                miss[j] = not has
                levels[j] = level_of[min(a, last)] if has else -1
                codes[j] = code
            # which codes occur: OR of one bit per code (codes -1 … 127 → bits 0 … 128), a
            # branch-free integer reduction (a store into seen[code] per row measured slower)
            w0 = np.uint64(0)
            w1 = np.uint64(0)
            w2 = np.uint64(0)
            for j in range(m):
                u = np.uint64(codes[j] + 1)
                w0 |= (one << u) if u < 64 else np.uint64(0)
                w1 |= (one << (u - np.uint64(64))) if (u >= 64) & (u < 128) else np.uint64(0)
                w2 |= one if u >= 128 else np.uint64(0)
            for q in range(64):
                seen[q] |= (w0 >> np.uint64(q)) & one != 0
            for q in range(min(64, seen.size - 64)):
                seen[64 + q] |= (w1 >> np.uint64(q)) & one != 0
            if seen.size > 128:
                seen[128] |= w2 != 0
    return bad


@numba.njit(nogil=True, cache=True, error_model="numpy")
def remap_codes(
    codes: np.ndarray,
    remap: np.ndarray,
    level: np.ndarray,
    level_1: np.ndarray,
    start: int,
    stop: int,
) -> None:  # pragma: no cover - compiled
    """Finish rows ``start:stop``: renumber the primary-pollutant codes, and the 1-based levels.

    ``codes[i] = remap[codes[i] + 1]`` in place (the categories that occur), and
    ``level_1[i] = level[i] + 1`` (the nullable ``level`` column).
    """
    c = codes[start:stop]
    lv = level[start:stop]
    l1 = level_1[start:stop]
    for j in range(stop - start):
        c[j] = remap[np.uint64(c[j] + 1)]
        l1[j] = lv[j] + 1
