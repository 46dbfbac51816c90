"""The cache of public answers: hits for repeated anonymous reads, never stale, never private."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.api.conftest import login

from lanxi.api import create_app
from lanxi.settings import Settings

HEADER = "indicator_id,region_code,period,value,unit,source,note\n"
OBS = "/api/v1/observations"
Q = {"indicator": "urbanization_rate", "region": "620100"}


@pytest.fixture
def two(write_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, TestClient]]:
    """An anonymous and a second client on the *same* app (so on the same cache)."""
    app = create_app(Settings(database_url=write_url, home=tmp_path, env="test"))
    with TestClient(app) as public, TestClient(app) as other:
        yield public, other


def _periods(c: TestClient) -> set[str]:
    return {o["period"] for o in c.get(OBS, params=Q).json()["items"]}


def test_repeated_public_read_is_a_hit(two: tuple[TestClient, TestClient]) -> None:
    public, _ = two
    first = public.get("/api/v1/groups")
    second = public.get("/api/v1/groups")
    assert first.status_code == second.status_code == 200
    assert "x-lanxi-cache" not in first.headers
    assert second.headers["x-lanxi-cache"] == "hit"
    assert second.content == first.content
    # the security headers of the page layer come with the stored answer
    assert second.headers.get("x-content-type-options") == first.headers.get(
        "x-content-type-options"
    )


def test_a_write_is_seen_at_once_and_private_rows_never_leak(
    two: tuple[TestClient, TestClient],
) -> None:
    public, city = two
    before = _periods(public)
    assert public.get(OBS, params=Q).headers.get("x-lanxi-cache") == "hit"
    assert "2031" not in before

    login(city, "demo_lanzhou")
    r = city.post(
        "/api/v1/batches",
        files={"file": ("c.csv", (HEADER + "urbanization_rate,620100,2031,84.5,%,t,\n").encode())},
        data={"draft": "false"},
    )
    assert r.status_code == 201, r.text
    batch = r.json()["batch_id"]
    # the submitter (signed in) sees its submitted row; it is never answered from the cache
    mine = city.get(OBS, params={**Q, "status": "submitted"})
    assert "x-lanxi-cache" not in mine.headers
    assert "2031" in {o["period"] for o in mine.json()["items"]}
    # the public does not: a submission waiting for approval leaves the published version alone
    after_submit = public.get(OBS, params=Q)
    assert after_submit.headers.get("x-lanxi-cache") == "hit"
    assert "2031" not in {o["period"] for o in after_submit.json()["items"]}

    city.cookies.clear()
    login(city, "demo_gansu")
    assert city.post(f"/api/v1/batches/{batch}/approve").status_code == 200
    # the approval changed the version: a fresh answer at once
    after_approve = public.get(OBS, params=Q)
    assert "x-lanxi-cache" not in after_approve.headers
    assert "2031" in {o["period"] for o in after_approve.json()["items"]}


def test_token_requests_bypass_the_cache(two: tuple[TestClient, TestClient]) -> None:
    public, _ = two
    public.get("/api/v1/groups")
    r = public.get("/api/v1/groups", headers={"Authorization": "Bearer lx_not-a-token"})
    assert r.status_code == 401
    assert "x-lanxi-cache" not in r.headers


def test_version_queries_are_shared_but_never_older_than_the_request() -> None:
    import asyncio
    import threading
    import time

    from lanxi.api.answer_cache import AnswerCache

    calls: list[float] = []
    lock = threading.Lock()

    def version(_engine: object) -> tuple[int, ...]:
        with lock:
            calls.append(time.monotonic())
            n = len(calls)
        time.sleep(0.05)
        return (n,)

    cache = AnswerCache(None, engine=None, prefix="/api/v1", version=version)  # type: ignore[arg-type]

    async def main() -> tuple[list[tuple[int, ...]], tuple[int, ...]]:
        first = [asyncio.ensure_future(cache.fresh_version()) for _ in range(20)]
        await asyncio.sleep(0.01)  # the first query runs: these arrive after it started
        later = [asyncio.ensure_future(cache.fresh_version()) for _ in range(20)]
        got = await asyncio.gather(*first, *later)
        return got, await cache.fresh_version()

    got, last = asyncio.run(main())
    # the first request starts query 1; the 39 that came after it share query 2, which starts
    # when query 1 ends (so after every one of them arrived); a later request gets a new one
    assert got == [(1,)] + [(2,)] * 39
    assert last == (3,) and len(calls) == 3
