"""Lists: filtering is the service's; this adds pagination and CSV / Excel download.

Every list route answers ``{"total", "limit", "offset", "items"}`` and takes ``limit`` (1–1000,
default 100), ``offset`` and ``format`` (``json``, ``csv`` or ``xlsx``). A download holds every
row that matches the filters (``limit``/``offset`` are ignored) and the columns of the public
shape, through :mod:`lanxi.export` like the CLI's.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel

from lanxi.export import columns_of, to_csv, write_xlsx

T = TypeVar("T", bound=BaseModel)

MAX_LIMIT = 1000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: OpenAPI description of the download answers, for ``responses=`` of list routes.
DOWNLOADS: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
        },
        "description": "The page as JSON, or every matching row as CSV / Excel (`format`).",
    }
}


class Format(StrEnum):
    """Answer formats of list routes."""

    json = "json"
    csv = "csv"
    xlsx = "xlsx"


class Page(BaseModel, Generic[T]):
    """One page of a list."""

    total: int
    limit: int
    offset: int
    items: list[T]


class ListParams(BaseModel):
    """Pagination and format of a list request."""

    limit: int = 100
    offset: int = 0
    format: Format = Format.json


def list_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="rows per page")] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9, description="rows to skip")] = 0,
    format: Annotated[Format, Query(description="json | csv | xlsx (download)")] = Format.json,
) -> ListParams:
    """The ``limit``, ``offset`` and ``format`` query parameters."""
    return ListParams(limit=limit, offset=offset, format=format)


Listing = Annotated[ListParams, Depends(list_params)]


def project(records: Sequence[Mapping[str, Any]], model: type[BaseModel]) -> list[dict[str, Any]]:
    """Records cut down to the fields of the public shape ``model`` (nothing else leaks)."""
    fields = list(model.model_fields) or columns_of(records)
    return [{f: r.get(f) for f in fields} for r in records]


def respond(
    records: Sequence[Mapping[str, Any]],
    model: type[T],
    params: ListParams,
    name: str,
) -> Page[T] | Response:
    """A page of ``records`` in the public shape, or the whole list as a download."""
    if params.format is Format.json:
        part = records[params.offset : params.offset + params.limit]
        return Page[model](  # type: ignore[valid-type]
            total=len(records),
            limit=params.limit,
            offset=params.offset,
            items=[model.model_validate(r) for r in part],
        )
    rows = project(records, model)
    if params.format is Format.csv:
        return Response(
            to_csv(rows, columns=list(model.model_fields) or None),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    buf = io.BytesIO()
    write_xlsx({name: rows}, buf)
    return Response(
        buf.getvalue(),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )
