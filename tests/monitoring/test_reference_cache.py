"""The catalogue kept per data version for read-only sessions (``load_reference``, issue 14)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from lanxi.services.monitoring.common import audit_entry, load_reference, write_audit
from lanxi.services.read_cache import READ_ONLY
from lanxi.services.store import begin_write
from lanxi.storage.models import RegionRow


def test_read_only_sessions_share_the_catalogue_until_an_audited_change(
    store: sessionmaker[Session],
) -> None:
    with store() as s, s.begin():
        s.info[READ_ONLY] = True
        first = load_reference(s)
        assert load_reference(s) is first  # once per transaction
        assert first.regions["620102"]["name"] == "城关区"
    with store() as s, s.begin():
        s.info[READ_ONLY] = True
        assert load_reference(s) is first  # another request, same version: the kept catalogue
    # a writing session reads the tables: it sees its own (not yet audited) change
    with store() as s, s.begin():
        s.execute(update(RegionRow).where(RegionRow.code == "620102").values(name="城关区（改）"))
        assert load_reference(s).regions["620102"]["name"] == "城关区（改）"
        write_audit(s, [audit_entry("system:test", "update", "regions", "620102")])
    # the audit entry moved the data version: the next read-only session reads the new catalogue
    with store() as s, s.begin():
        s.info[READ_ONLY] = True
        second = load_reference(s)
        assert second is not first
        assert second.regions["620102"]["name"] == "城关区（改）"


def test_begin_write_ends_the_read_only_phase(store: sessionmaker[Session]) -> None:
    with store() as s:
        s.info[READ_ONLY] = True
        load_reference(s)
        s.commit()
        begin_write(s)
        assert READ_ONLY not in s.info
        s.rollback()


def test_an_approval_moves_the_version_but_not_the_environments_part(
    store: sessionmaker[Session],
) -> None:
    """The environment views key on their part of the version: approvals leave it alone."""
    from lanxi.services.read_cache import environment_part, published_version

    engine = store.kw["bind"]
    before = published_version(engine)
    with store() as s, s.begin():
        write_audit(s, [audit_entry("gansu", "approve", "submission_batches", "b1")])
    after_approval = published_version(engine)
    assert after_approval != before
    assert environment_part(after_approval) == environment_part(before)
    with store() as s, s.begin():
        write_audit(s, [audit_entry("system:env-network", "load_network", "water_sections", None)])
    after_network = published_version(engine)
    assert environment_part(after_network) != environment_part(after_approval)
