"""Fixtures of the monitoring tests: a migrated store with the sample catalogue and users."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from lanxi.data.catalog import PlanCatalog
from lanxi.services.monitoring import permissions as perms
from lanxi.storage.db import get_engine, session_factory
from lanxi.storage.load import load_plans
from lanxi.storage.migrate import init_db

HEADER = "indicator_id,region_code,period,value,unit,source,note\n"
PHEADER = "task_id,agency_id,period,progress,percent,narrative,evidence_links\n"

USERS = {
    "admin": [perms.Grant(perms.Role.AGGLOMERATION_OFFICE)],
    # a second office user: four-eyes approval refuses admin's own batches to admin
    "office2": [perms.Grant(perms.Role.AGGLOMERATION_OFFICE)],
    "lanzhou": [perms.Grant(perms.Role.CITY_SUBMITTER, "620100")],
    "xining": [perms.Grant(perms.Role.CITY_SUBMITTER, "630100")],
    "gs_dept": [perms.Grant(perms.Role.DEPARTMENT, "gs_fgw")],
    "qh_dept": [perms.Grant(perms.Role.DEPARTMENT, "qh_fgw")],
    "gansu": [perms.Grant(perms.Role.PROVINCE_ADMIN, "620000")],
    "qinghai": [perms.Grant(perms.Role.PROVINCE_ADMIN, "630000")],
    "citizen": [perms.Grant(perms.Role.PUBLIC)],
    "nobody": [],
}


@pytest.fixture
def store(db_url: str, sample_catalog: PlanCatalog) -> Iterator[sessionmaker[Session]]:
    """A session factory on a migrated database with the sample catalogue and test users."""
    engine = get_engine(db_url)
    init_db(engine)
    load_plans(engine, sample_catalog)
    factory = session_factory(engine)
    with factory() as s, s.begin():
        system = perms.system_principal("test")
        for name, grants in USERS.items():
            perms.ensure_user(s, name, grants, actor=system)
    try:
        yield factory
    finally:
        engine.dispose()


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write a CSV with the observations (or progress) header and the given lines."""
    counter = iter(range(10_000))

    def write(*lines: str, progress: bool = False, name: str | None = None) -> Path:
        path = tmp_path / (name or f"file{next(counter)}.csv")
        path.write_text(
            (PHEADER if progress else HEADER) + "".join(f"{x}\n" for x in lines), encoding="utf-8"
        )
        return path

    return write
