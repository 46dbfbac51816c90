"""The dashboard's message catalogue: 中文 first, English on request.

Messages live in ``locales/<lang>.yaml`` (one key per text, the same keys in every language); pages
look them up with ``t("key")`` and never build text by concatenation. The language is the
``lang`` query parameter (remembered in the ``lanxi_lang`` cookie), else Chinese.
"""

from __future__ import annotations

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
