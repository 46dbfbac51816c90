"""The content of a report: a typed, serializable object that every renderer reads.

A builder (:mod:`lanxi.reports.builders`) calls the services and fills a :class:`Report`; the
renderers (:mod:`lanxi.reports.render_html`, :mod:`lanxi.reports.render_pdf`,
:mod:`lanxi.reports.render_xlsx`) only lay it out. Nothing here computes a figure: every number in a
:class:`Table` is a service's output, and each table and column says where it comes from, so the
report's numbers are those of the API for the same store.

``Report.model_dump(mode="json")`` is the JSON form (images as base64 PNG).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Lang = Literal["zh", "en"]
ColumnKind = Literal["text", "int", "float", "percent", "points", "bool", "date"]


class Column(BaseModel):
    """One column of a table.

    ``percent`` columns hold a share (0–1) or a percentage as the service gives it: ``scale`` says
    which (1 for a share shown ×100, 0.01 for a value already in per cent). ``points`` columns hold
    the change of a share (0.05) shown in percentage points (百分点: +5.0). ``nowrap`` keeps short
    codes (section ids) on one line in HTML and PDF.
    """

    model_config = ConfigDict(extra="forbid")

    key: str
    label: str
    kind: ColumnKind = "text"
    digits: int = 2
    scale: float = 1.0
    source: str | None = None
    nowrap: bool = False


class Table(BaseModel):
    """A table: columns, rows of plain values (str, int, float, bool, None) and their source."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    source: str
    note: str | None = None

    def column(self, key: str) -> Column:
        """The column ``key``."""
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def values(self, key: str) -> list[Any]:
        """The values of one column, row by row."""
        return [r.get(key) for r in self.rows]


class Figure(BaseModel):
    """A static image (chart or map) as PNG, base64-encoded."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    kind: Literal["chart", "map"]
    png_base64: str
    source: str
    alt: str = ""


class Section(BaseModel):
    """A section: paragraphs, tables, figures; ``no_data`` when the period has nothing to show."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    paragraphs: list[str] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    no_data: bool = False


class Report(BaseModel):
    """A whole report, as rendered to HTML, PDF and Excel.

    ``issuer`` and ``issued`` are the issuing office and the date of issue printed at the end (落款)
    — settings (:class:`lanxi.settings.Settings`), not figures; ``number`` is the document's
    number (文号) when it has one (the compensation statement's).
    """

    model_config = ConfigDict(extra="forbid")

    kind: str
    title: str
    subtitle: str = ""
    lang: Lang = "zh"
    period: str | None = None
    region: str | None = None
    as_of: dt.date | None = None
    generated_at: dt.datetime
    editions: list[str] = Field(default_factory=list)
    methods: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    synthetic: bool = False
    no_data: bool = False
    issuer: str = ""
    issued: dt.date | None = None
    number: str = ""
    sections: list[Section] = Field(default_factory=list)

    def tables(self) -> list[Table]:
        """Every table of every section, in order."""
        return [t for s in self.sections for t in s.tables]

    def table(self, table_id: str) -> Table:
        """The table with this id."""
        for t in self.tables():
            if t.id == table_id:
                return t
        raise KeyError(table_id)

    def figures(self) -> list[Figure]:
        """Every figure, in order."""
        return [f for s in self.sections for f in s.figures]
