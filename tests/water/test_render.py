"""The compiled text columns of the water classification against a per-row Python oracle."""

from __future__ import annotations

import numpy as np
import pytest

from lanxi.compute.water.render import render_cells

NAMES = ["cd", "nh3n", "fecal_coliform", "tp", "phenol"]


def oracle(rows: np.ndarray, cols: np.ndarray, numbers: np.ndarray | None, n: int) -> list[str]:
    out: list[list[str]] = [[] for _ in range(n)]
    for j, (r, c) in enumerate(zip(rows, cols, strict=True)):
        text = NAMES[c]
        if numbers is not None and not np.isnan(numbers[j]):
            x = float(numbers[j])
            cents = int(np.rint(abs(x) * 100))
            text += f":{'-' if x < 0 else ''}{cents // 100}.{cents % 100:02d}"
        out[r].append(text)
    return [";".join(t) for t in out]


@pytest.mark.parametrize("seed", range(5))
def test_render_matches_oracle(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 400
    k = int(rng.integers(0, 1500))
    rows = np.sort(rng.integers(0, n, k))
    cols = rng.integers(0, len(NAMES), k)
    nums = rng.normal(0, 1, k) * 10 ** rng.uniform(-3, 5, k)
    nums[rng.random(k) < 0.3] = np.nan
    ties = rng.random(k) < 0.1
    nums[ties] = rng.integers(-500, 500, ties.sum()) / 200  # x.xx5: half to even on |x|·100
    assert render_cells(rows, cols, nums, NAMES, n).tolist() == oracle(rows, cols, nums, n)
    assert render_cells(rows, cols, None, NAMES, n).tolist() == oracle(rows, cols, None, n)


def test_render_edge_cases() -> None:
    rows, cols = np.array([0, 0, 1, 1]), np.array([0, 1, 3, 3])
    nums = np.array([0.0, 12345.678, -0.001, 0.005])
    # -0.001 prints "-0.00" (sign of the value); 0.005 → 0.5 cents → half to even → 0.00
    assert render_cells(rows, cols, nums, NAMES, 3).tolist() == [
        "cd:0.00;nh3n:12345.68",
        "tp:-0.00;tp:0.00",
        "",
    ]
    assert render_cells(
        np.array([], dtype=int), np.array([], dtype=int), None, NAMES, 2
    ).tolist() == ["", ""]
