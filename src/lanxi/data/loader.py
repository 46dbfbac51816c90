"""Read and validate bundled data files (CSV or YAML), one schema per kind.

Every problem names the file, the row (1-based record number; for YAML also the line) and the
field, and all problems of a file are collected before one :class:`~lanxi.errors.ValidationError`
is raised.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from lanxi.errors import Problem, ValidationError

M = TypeVar("M", bound=BaseModel)

#: PyYAML's safe loader on libyaml (several times faster) when PyYAML was built with it; the same
#: YAML 1.1 types either way (the resolver and constructor are PyYAML's own).
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """``yaml.safe_load`` with :data:`SAFE_LOADER`."""
    return yaml.load(text, Loader=SAFE_LOADER)


def _problems_from_pydantic(
    exc: PydanticValidationError, file: str, row: int, line: int | None, raw: dict[str, Any]
) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        field = ".".join(loc) if loc else None
        value = raw.get(loc[0]) if loc else None
        msg = err["msg"]
        if line is not None:
            msg = f"{msg} (line {line})"
        out.append(Problem(file=file, row=row, field=field, message=msg, value=value))
    return out


def _blank_to_none(row: dict[str, str | None]) -> dict[str, Any]:
    return {k: (None if v is None or v.strip() == "" else v) for k, v in row.items()}


def read_csv_records(path: Path, model: type[M], list_fields: Sequence[str] = ()) -> list[M]:
    """Read a UTF-8 CSV file into validated records.

    Parameters
    ----------
    path : Path
        The CSV file; the first line holds the column names.
    model : type
        The pydantic model each row must satisfy.
    list_fields : sequence of str
        Columns that hold ``;``-separated lists.

    Returns
    -------
    list
        One model instance per data row.

    Raises
    ------
    ValidationError
        Listing every row and field that failed, with the file name and the row number (the data
        row, counting the header as row 1 so that it matches a spreadsheet's numbering).
    """
    text = path.read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    problems: list[Problem] = []
    expected = set(model.model_fields)
    header = set(reader.fieldnames or [])
    unknown = sorted(header - expected)
    if unknown:
        problems.append(
            Problem(
                path.name, 1, ",".join(unknown), f"unknown column(s); expected {sorted(expected)}"
            )
        )
    records: list[M] = []
    for i, raw in enumerate(reader, start=2):
        if None in raw:
            problems.append(Problem(path.name, i, None, "more cells than columns in this row"))
            continue
        data = _blank_to_none(raw)
        for f in list_fields:
            if data.get(f) is not None:
                data[f] = [x.strip() for x in str(data[f]).split(";") if x.strip()]
            elif f in data:
                data[f] = []
        try:
            records.append(model.model_validate(data))
        except PydanticValidationError as exc:
            problems.extend(_problems_from_pydantic(exc, path.name, i, None, data))
    if problems:
        raise ValidationError(problems)
    return records


def read_yaml_records(path: Path, model: type[M]) -> list[M]:
    """Read a YAML file holding a list of mappings into validated records.

    Parameters
    ----------
    path : Path
        The YAML file: a top-level sequence of mappings.
    model : type
        The pydantic model each item must satisfy.

    Returns
    -------
    list
        One model instance per item.

    Raises
    ------
    ValidationError
        Listing every item and field that failed, with the item number and its line in the file.
    """
    text = path.read_text(encoding="utf-8")
    try:
        # one pass for the node tree (its lines) and the data, with libyaml when it is there
        loader = SAFE_LOADER(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise ValidationError([Problem(path.name, row, None, f"not valid YAML: {exc}")]) from exc
    if not isinstance(data, list) or not isinstance(node, yaml.SequenceNode):
        raise ValidationError(
            [Problem(path.name, None, None, "expected a YAML list of records at the top level")]
        )
    problems: list[Problem] = []
    records: list[M] = []
    for i, (item, item_node) in enumerate(zip(data, node.value, strict=True), start=1):
        line = item_node.start_mark.line + 1
        if not isinstance(item, dict):
            problems.append(Problem(path.name, i, None, f"record is not a mapping (line {line})"))
            continue
        try:
            records.append(model.model_validate(item))
        except PydanticValidationError as exc:
            problems.extend(_problems_from_pydantic(exc, path.name, i, line, item))
    if problems:
        raise ValidationError(problems)
    return records
