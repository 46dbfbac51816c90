"""What a reader sees in every PDF, Chinese and English: issue 16's text and font checks.

* page numbers 第 N 页 共 M 页 (Page N of M) on every page;
* no internal identifier: snake_case ids, Python module paths, ``.csv``/``.txt``/``.yaml`` file
  names, section codes (``HS-OUT``), station codes (``1475A``), water-quality item codes
  (``nh3n``), plan ids (``scheme2022``);
* Chinese dates and periods (2025年6月, never 2025-06 or 2025Q2) in the Chinese reports;
* ``pdffonts``: the only CJK fonts embedded are Noto Sans/Serif CJK **SC**, and no other font
  (no DejaVu fallback, no JP face for punctuation after Latin text).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from tests.reports.conftest import PERIODS

from lanxi.reports import KINDS

IDENTIFIERS = {
    "snake_case id": r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b",
    "module path": r"\blanxi\.[a-z_]+",
    "file name": r"\b[\w-]+\.(?:csv|txt|yaml|py)\b",
    "section code": r"\b[A-Z]{2,3}-[A-Z]{2,3}\b",
    "station code": r"\b\d{4}A\b",
    "item code": r"\b(?:codmn|nh3n|bod5|pm2_5|o3_8h|tp|tn)\b",
    "plan id": r"\b(?:scheme2022|plan2018|gansu2021)\b",
}
NOT_CHINESE_DATES = {"ISO date or month": r"\b\d{4}-\d{2}\b", "quarter code": r"\b\d{4}Q[1-4]\b"}


def _layout_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))  # type: ignore[union-attr]


def _check(path: Path, lang: str) -> list[str]:
    text = _layout_text(path)
    problems = []
    for what, pattern in IDENTIFIERS.items():
        hits = sorted(set(re.findall(pattern, text)))
        if hits:
            problems.append(f"{what}: {hits[:5]}")
    if lang == "zh":
        for what, pattern in NOT_CHINESE_DATES.items():
            hits = sorted(set(re.findall(pattern, text)))
            if hits:
                problems.append(f"{what}: {hits[:5]}")
    n = _pages(path)
    pages = text.split("\f")
    for i in range(1, n + 1):
        mark = f"第 {i} 页 共 {n} 页" if lang == "zh" else f"Page {i} of {n}"
        if "".join(mark.split()) not in "".join(pages[i - 1].split()):
            problems.append(f"page {i}: no '{mark}'")
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    names = [line.split()[0] for line in fonts.stdout.splitlines()[2:] if line.strip()]
    for name in names:
        face = name.split("+", 1)[-1]
        if not re.fullmatch(r"Noto-(?:Sans|Serif)-CJK-SC(?:-\w+)?", face):
            problems.append(f"font {face}")
    return problems


@pytest.mark.parametrize("kind", KINDS)
def test_chinese_pdf_is_publishable(kind: str, pdfs: dict[str, Path]) -> None:
    assert _check(pdfs[kind], "zh") == []


@pytest.mark.parametrize("kind", KINDS)
def test_english_pdf_is_publishable(kind: str, pdfs_en: dict[str, Path]) -> None:
    assert _check(pdfs_en[kind], "en") == []


def test_the_checks_catch_what_they_look_for(tmp_path: Path) -> None:
    """The checker fails on the defects of issue 16 (a test that cannot fail is a defect)."""
    from lanxi.reports.render_pdf import html_to_pdf

    html = (
        "<html lang='ja'><body style='font-family: DejaVu Serif'>"
        "HS-OUT nh3n:0.03;do 002_0f8ced719ce24db5.txt scheme2022 2025-06 2025Q2 1475A "
        "lanxi.services.environment air_good_days_ratio</body></html>"
    )
    path = tmp_path / "bad.pdf"
    path.write_bytes(html_to_pdf(html))
    problems = " ".join(_check(path, "zh"))
    for what in [*IDENTIFIERS, *NOT_CHINESE_DATES, "page 1", "font DejaVu"]:
        assert what in problems, what


def test_periods_cover_every_kind() -> None:
    assert set(PERIODS) == set(KINDS)
