"""Visual regression: the first two pages of every kind, Chinese and English, against baselines.

Each page is rendered with ``pdftoppm`` at 20 dpi in grayscale (A4 → 166 × 234 px, a few kB) and
compared with the approved image in ``tests/reports/baseline/<kind>-<lang>-<page>.png``.

Tolerance: the images must have the same size and a mean absolute difference of at most
:data:`TOLERANCE` grey levels (of 255) — small enough that a moved table, a missing heading or a
lost font changes the verdict (a page with one line of text removed differs by about 2), large
enough for anti-aliasing differences between poppler builds. A changed page fails until the
baseline is updated on purpose::

    LANXI_UPDATE_BASELINES=1 .venv/bin/python -m pytest tests/reports/test_visual.py

and the new images are reviewed and committed.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from lanxi.reports import KINDS

BASELINE = Path(__file__).parent / "baseline"
DPI = 20
TOLERANCE = 1.0
UPDATE = os.environ.get("LANXI_UPDATE_BASELINES") == "1"


def _pages(pdf: Path, out: Path) -> list[np.ndarray]:
    prefix = out / pdf.stem
    subprocess.run(
        ["pdftoppm", "-png", "-gray", "-r", str(DPI), "-f", "1", "-l", "2", str(pdf), str(prefix)],
        check=True,
    )
    return [np.asarray(Image.open(p).convert("L")) for p in sorted(out.glob(f"{pdf.stem}-*.png"))]


def _compare(kind: str, lang: str, pdf: Path, tmp: Path) -> list[str]:
    problems = []
    for i, page in enumerate(_pages(pdf, tmp), start=1):
        path = BASELINE / f"{kind}-{lang}-{i}.png"
        if UPDATE:
            Image.fromarray(page).save(path, optimize=True)
            continue
        if not path.exists():
            problems.append(f"{path.name}: no baseline")
            continue
        base = np.asarray(Image.open(path).convert("L"))
        if base.shape != page.shape:
            problems.append(f"{path.name}: size {page.shape} ≠ {base.shape}")
            continue
        diff = float(np.abs(base.astype(float) - page.astype(float)).mean())
        if diff > TOLERANCE:
            problems.append(f"{path.name}: mean difference {diff:.2f} > {TOLERANCE}")
    return problems


@pytest.mark.parametrize("kind", KINDS)
def test_first_pages_match_the_baseline(
    kind: str, pdfs: dict[str, Path], pdfs_en: dict[str, Path], tmp_path: Path
) -> None:
    problems = _compare(kind, "zh", pdfs[kind], tmp_path) + _compare(
        kind, "en", pdfs_en[kind], tmp_path
    )
    assert problems == []


def test_the_comparison_sees_a_changed_page(pdfs: dict[str, Path], tmp_path: Path) -> None:
    """A page of another kind is not accepted as the water bulletin's (the test can fail)."""
    if UPDATE:
        pytest.skip("updating baselines")
    wrong = _compare("water-monthly", "zh", pdfs["air-annual"], tmp_path)
    assert wrong and all("difference" in p or "size" in p for p in wrong)
