"""Property-based test of ``submit_file`` (issue 13): malformed rows → every problem named, never a
traceback; a clean file lands whole. Encodings and missing-value tokens included."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker
from tests.monitoring.conftest import HEADER

from lanxi.errors import ValidationError
from lanxi.services.monitoring.submit import submit_file

VALID = st.floats(0, 100, allow_nan=False).map(lambda x: f"{x:.1f}")
BAD = st.sampled_from(["inf", "-inf", "nan", "abc", "1e400", "150", "-3", "NA", "—", ""])
ROW = st.tuples(st.sampled_from(["620100", "630100"]), st.sampled_from(["2021", "2022", "2023"]))


@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
)
@given(
    rows=st.lists(
        st.tuples(ROW, st.one_of(VALID.map(lambda v: (v, False)), BAD.map(lambda v: (v, True)))),
        min_size=1,
        max_size=6,
    ),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
)
def test_submit_property(
    store: sessionmaker[Session], tmp_path_factory: pytest.TempPathFactory, rows, encoding
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("submit") / "obs.csv"
    lines = [f"urbanization_rate,{r},{y},{v},%,统计公报," for (r, y), (v, _) in rows]
    path.write_bytes((HEADER + "\n".join(lines) + "\n").encode(encoding))
    keys = [k for k, _ in rows]
    # urbanization rate in %: 0–100 plausible; a missing value is refused ([required])
    bad = any(b for _, (_, b) in rows) or len(set(keys)) < len(keys)
    if not bad:
        with store() as s, s.begin():
            submit_file(s, path, "admin")  # lands whole, no exception
        return
    with pytest.raises(ValidationError) as info, store() as s, s.begin():
        submit_file(s, path, "admin")
    problems = info.value.problems
    assert all(p.file.endswith("obs.csv") for p in problems)
    assert any(p.row is not None and p.field for p in problems), problems
