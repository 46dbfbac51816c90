"""Colours and bands that people read on maps and charts, from the standards' data.

One definition for every surface: the AQI levels and their colours are those of HJ 633 表2 /
附录A (``hj633_2012.yaml``, ``hj633_2026.yaml``); the water-class colours are the display
convention in ``water_class_colours.yaml``. The reports' charts and the dashboard (through
``/api/v1/legends``) read these functions; neither holds a colour of its own.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from lanxi.standards import load_standard
from lanxi.standards.hj633 import Edition, breakpoints

Record = dict[str, Any]


def aqi_levels(edition: Edition = "2012") -> list[Record]:
    """The six AQI levels of an HJ 633 edition, with their colours.

    Returns
    -------
    list of dict
        ``level``, ``aqi_min``, ``aqi_max`` (None for the last), ``category``, ``category_en``,
        ``colour`` (#RRGGBB of the standard's RGB) and ``colour_name`` (绿色 …).
    """
    return [
        {
            "level": c.level,
            "aqi_min": c.aqi_min,
            "aqi_max": c.aqi_max,
            "category": c.category,
            "category_en": c.category_en,
            "colour": c.hex,
            "colour_name": c.colour,
        }
        for c in breakpoints(edition).categories
    ]


@cache
def _water() -> dict[str, Any]:
    return dict(load_standard("water_class_colours").data)


def water_class_colours() -> list[Record]:
    """Colour of each water class 1–6 (Ⅰ … 劣Ⅴ): ``water_class``, ``label``, ``colour``."""
    return [dict(r) for r in _water()["classes"]]


def no_data_colour() -> str:
    """The colour of a unit or section without data."""
    return str(_water()["no_data"])


def legends() -> Record:
    """Everything the dashboard colours by: AQI levels of both editions, water classes."""
    return {
        "aqi_levels": {ed: aqi_levels(ed) for ed in ("2012", "2026")},
        "water_classes": water_class_colours(),
        "no_data": no_data_colour(),
    }
