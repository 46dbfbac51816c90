"""Chinese (and English) conventions for what a report prints: dates, periods, numbered headings.

Chinese official documents write dates as ``2025年6月``, ``2025年6月30日``, quarters as
``2025年第二季度``, number headings ``一、`` (first level), ``（一）`` (second) and ``1.`` (third),
and state changes of a ratio in 百分点 (percentage points). These helpers are the one place the
reports format them; they compute no figure.
"""

from __future__ import annotations

import datetime as dt
import re

from lanxi.reports.content import Lang

_DIGITS = "零一二三四五六七八九"
_MONTHS_EN = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)


def cn_numeral(n: int) -> str:
    """``n`` (1–99) in Chinese numerals: 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 21 → 二十一."""
    if not 1 <= n <= 99:
        raise ValueError(f"cn_numeral covers 1–99, not {n}")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[ones] if ones else "")


def heading_number(level: int, n: int, lang: Lang) -> str:
    """The number of the ``n``-th heading of ``level``: 一、, （一）, 1. (English: 1.)."""
    if lang == "en":
        return f"{n}. "
    if level == 1:
        return f"{cn_numeral(n)}、"
    if level == 2:
        return f"（{cn_numeral(n)}）"
    return f"{n}."


def date_label(value: dt.date | None, lang: Lang) -> str:
    """A date as 2025年6月30日 (zh) or 30 June 2025 (en); "" for None."""
    if value is None:
        return ""
    if lang == "en":
        return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"
    return f"{value.year}年{value.month}月{value.day}日"


def datetime_label(value: dt.datetime, lang: Lang) -> str:
    """A stamp as 2026年1月5日 09:30 (zh) or 5 January 2026 09:30 (en), in its own time zone."""
    return f"{date_label(value.date(), lang)} {value:%H:%M}"


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def period_label(period: str | None, lang: Lang) -> str:
    """A report period as people write it.

    ``2025-06`` → 2025年6月 / June 2025; ``2025Q2`` → 2025年第二季度 / second quarter of 2025;
    ``2025`` → 2025年 / 2025; ``2025-06-30`` → 2025年6月30日. Anything else is returned as is.
    """
    if not period:
        return ""
    p = period.strip()
    if m := _MONTH.match(p):
        y, mo = int(m[1]), int(m[2])
        return f"{y}年{mo}月" if lang == "zh" else f"{_MONTHS_EN[mo - 1]} {y}"
    if m := _QUARTER.match(p):
        y, q = int(m[1]), int(m[2])
        if lang == "zh":
            return f"{y}年第{cn_numeral(q)}季度"
        return f"{('first', 'second', 'third', 'fourth')[q - 1]} quarter of {y}"
    if m := _YEAR.match(p):
        return f"{m[1]}年" if lang == "zh" else m[1]
    if m := _ISO.match(p):
        return date_label(dt.date(int(m[1]), int(m[2]), int(m[3])), lang)
    return p


def months_label(year: int, last_month: int, lang: Lang) -> str:
    """The cumulative span ``1—N月`` of a year (2025年1—6月 / January–June 2025)."""
    if lang == "en":
        if last_month == 1:
            return f"January {year}"
        return f"January–{_MONTHS_EN[last_month - 1]} {year}"
    return f"{year}年1月" if last_month == 1 else f"{year}年1—{last_month}月"


def points(change: float | None, lang: Lang, digits: int = 1) -> str:
    """A change of a ratio given as a share (0.05 = 5 %) in 百分点 / percentage points.

    ``+0.05`` → 上升5.0个百分点 / up 5.0 percentage points; 0 → 持平 / unchanged.
    """
    if change is None:
        return "—"
    v = round(100 * change, digits)
    if v == 0:
        return "持平" if lang == "zh" else "unchanged"
    if lang == "zh":
        return f"{'上升' if v > 0 else '下降'}{abs(v):.{digits}f}个百分点"
    return f"{'up' if v > 0 else 'down'} {abs(v):.{digits}f} percentage points"
