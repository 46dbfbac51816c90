"""Labels of the reports in Chinese and English: one message catalogue, ``messages.yaml``.

Chinese is the default; English on request. A key missing in the catalogue is an error (a test
checks that every key used by the builders and templates exists in both languages).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from lanxi.data.loader import safe_load
from lanxi.errors import ConfigurationError
from lanxi.reports.content import Lang

LANGS: tuple[Lang, ...] = ("zh", "en")


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """The message catalogue: key → ``{"zh": …, "en": …}``.

    Raises
    ------
    ConfigurationError
        When an entry lacks one of the languages.
    """
    text = (resources.files("lanxi.reports") / "messages.yaml").read_text(encoding="utf-8")
    data: dict[str, dict[str, str]] = safe_load(text)
    bad = [k for k, v in data.items() if not isinstance(v, dict) or set(v) != set(LANGS)]
    if bad:
        raise ConfigurationError(f"messages.yaml: entries without both zh and en: {bad}")
    return data


def t(key: str, lang: Lang = "zh", /, **values: Any) -> str:
    """The message ``key`` in ``lang``, formatted with ``values`` (``str.format``).

    Raises
    ------
    KeyError
        For a key not in the catalogue.
    """
    text = catalogue()[key][lang]
    return text.format(**values) if values else text


def has(key: str) -> bool:
    """Whether the catalogue holds ``key``."""
    return key in catalogue()
