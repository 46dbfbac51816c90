"""CSV templates list the valid codes, units and periods in the file and are imported back."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from lanxi.errors import ValidationError
from lanxi.services.monitoring.submit import submit_file
from lanxi.services.monitoring.templates import write_template


def test_csv_template_lists_codes_and_is_imported_back(
    store: sessionmaker[Session], tmp_path: Path
) -> None:
    path = tmp_path / "obs.csv"
    with store() as s:
        t = write_template(
            s, "observations", path, indicators=["urbanization_rate"], regions=["620100"]
        )
    lines = path.read_text(encoding="utf-8").splitlines()
    comments = [x for x in lines if x.startswith("#")]
    assert lines[: len(comments)] == comments  # the # lines come first
    assert (
        "#   urbanization_rate | 常住人口城镇化率 | % | annual | YYYY (e.g. 2023) | 0.0 | 100.0 | "
        "% / ratio / ‰" in comments
    )
    assert any(x.startswith("#   620100 | 兰州市") for x in comments)
    assert not any(x.startswith("#   630100") for x in comments)  # narrowed to the region asked
    assert "#   万人 | persons | 10000.0" in comments  # accepted units
    header, row = lines[len(comments) :]
    assert header == "indicator_id,region_code,period,value,unit,source,note"
    assert row == "urbanization_rate,620100,,,%,,"
    assert t.prefilled == 1 and t.codes_path is not None and t.codes_path.exists()

    # fill the pre-filled row and add one that breaks a rule: its line number is the file's
    body = "\n".join([*comments, header, "urbanization_rate,620100,2023,0.835,ratio,公报,"])
    path.write_text(body + "\nurbanization_rate,620100,2024Q1,84,%,公报,\n", encoding="utf-8")
    with pytest.raises(ValidationError) as exc, store() as s, s.begin():
        submit_file(s, path, "lanzhou")
    (p,) = exc.value.problems
    assert (p.row, p.field, p.value) == (len(comments) + 3, "period", "2024Q1")
    assert lines[len(comments) + 2 - 1] == row  # (the pre-filled row was line len + 2)

    path.write_text(body + "\n", encoding="utf-8")
    with store() as s, s.begin():
        r = submit_file(s, path, "lanzhou")
    assert (r.inserted, r.rows) == (1, 1)
