"""schemathesis against the OpenAPI spec: generated requests never cause a server error.

Every GET route gets generated parameters (filters, pagination, formats, odd strings); write
routes are exercised anonymously and with generated bodies (refused or validated, never a 500).
Marked slow: ``scripts/test.sh -m slow`` (about a minute on an idle machine).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from lanxi.api import create_app
from lanxi.settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def api_schema(demo_sqlite_url: str, tmp_path_factory: pytest.TempPathFactory) -> Any:
    app = create_app(
        Settings(database_url=demo_sqlite_url, home=tmp_path_factory.mktemp("st"), env="test"),
        web=False,
    )
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)


def test_no_server_error(api_schema: Any) -> None:
    # schemathesis' own pytest integration does not load with this pytest; drive its strategies
    # with hypothesis directly, one operation at a time.
    failures: list[str] = []
    for result in api_schema.get_all_operations():
        op = result.ok()

        @given(case=op.as_strategy())
        @settings(
            max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def run(case: Any) -> None:
            case.call_and_validate(checks=[not_a_server_error])

        try:
            run()
        except Exception as exc:  # collect every operation's failure, report them together
            failures.append(f"{op.method.upper()} {op.path}: {exc!r}"[:3000])
    assert not failures, "\n\n".join(failures)


def test_spec_has_every_operation(api_schema: Any) -> None:
    ops = [r.ok() for r in api_schema.get_all_operations()]
    assert len(ops) > 30
