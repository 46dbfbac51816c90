"""The dashboard's message catalogue: 中文 first, English on request.

Messages live in ``locales/<lang>.yaml`` (one key per text, the same keys in every language); pages
look them up with ``t("key")`` and never build text by concatenation. The language is the
``lang`` query parameter (remembered in the ``lanxi_lang`` cookie), else Chinese.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources

import yaml

LANGUAGES = ("zh", "en")
DEFAULT = "zh"
COOKIE = "lanxi_lang"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The messages of one language."""
    if lang not in LANGUAGES:
        lang = DEFAULT
    text = resources.files("lanxi.web").joinpath("locales", f"{lang}.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return {str(k): str(v) for k, v in data.items()}


def translator(lang: str) -> object:
    """A ``t(key)`` function for templates; an unknown key shows as itself (and fails tests)."""
    messages = catalogue(lang)

    def t(key: str) -> str:
        return messages.get(key, key)

    return t


def pick(query: str | None, cookie: str | None) -> str:
    """The language of a request: ``?lang=``, else the cookie, else Chinese."""
    for v in (query, cookie):
        if v in LANGUAGES:
            return str(v)
    return DEFAULT


#: China Standard Time (UTC+8, no daylight saving since 1991): the time zone of every time shown.
try:
    from zoneinfo import ZoneInfo

    BEIJING: dt.tzinfo = ZoneInfo("Asia/Shanghai")
except Exception:  # pragma: no cover - no tz database (Windows without tzdata)
    BEIJING = dt.timezone(dt.timedelta(hours=8), "CST")

#: The label after a time, by language.
TIME_LABEL = {"zh": "（北京时间）", "en": " (Beijing time)"}


def beijing_time(value: str | dt.datetime | None, lang: str = DEFAULT) -> str:
    """A stored time (UTC; an ISO text or a datetime) as Beijing time, to the minute, labelled.

    ``2025-06-01T06:03:00+00:00`` → ``2025-06-01 14:03（北京时间）`` (``zh``) or
    ``2025-06-01 14:03 (Beijing time)`` (``en``). A time without a zone is taken as UTC (SQLite
    returns stored UTC times without it). Empty for None.
    """
    if value is None or value == "":
        return ""
    t = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    local = t.astimezone(BEIJING)
    return local.strftime("%Y-%m-%d %H:%M") + TIME_LABEL.get(lang, TIME_LABEL[DEFAULT])
