"""Submitting files of observations and task progress, and the review workflow of a batch.

A file becomes one *batch*, in one transaction: it lands whole or not at all.

* **Idempotent**: the file's SHA-256 identifies the batch; the same content again returns the
  existing batch and writes nothing.
* **Versioned**: a row equal to the current version of its key (indicator × region × period, or
  task × agency × period) is *unchanged* and not stored again; a changed row becomes a new version
  (``version + 1``, ``is_current``) and the previous version stays, ``is_current = false``.
  Versions only move forward; nothing accepted is overwritten or deleted. A current version that
  was *returned* does not count as equal: the same value submitted again is a new version.
* **Workflow**: draft → submitted → approved | returned (with a reason). ``submit_file`` creates a
  submitted batch (or a draft one with ``draft=True``); :func:`transition` moves it on. Only
  approved rows count in assessments and public views.
* **Audited**: the batch (who, when, file, counts), every new version (old → new) and every status
  change (with the reason) go to the append-only ``audit_log``.
* **Concurrent submissions** are serialized: the write lock is taken first (SQLite: a write
  statement at the start of the transaction; PostgreSQL: a transaction-level advisory lock), so
  two processes submitting to the same region never lose or duplicate a version.

The fast path (used by the benchmark): validation is vectorized in pandas, new observation rows are
written by :mod:`lanxi.services.monitoring.bulk` (``COPY`` in CSV chunks on PostgreSQL, JSON rows
read by ``INSERT … SELECT FROM json_each`` on SQLite), in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from sqlalchemy import Table, insert, select, text, update
from sqlalchemy.orm import Session

from lanxi.errors import PermissionDenied, Problem, ValidationError
from lanxi.services.monitoring.bulk import bulk_insert_observations
from lanxi.services.monitoring.common import (
    Record,
    Reference,
    audit_entry,
    load_reference,
    write_audit,
)
from lanxi.services.monitoring.permissions import (
    Action,
    Principal,
    authorize,
    load_principal,
)
from lanxi.services.monitoring.upload import (
    UploadLimits,
    check_upload,
    read_upload,
    safe_name,
)
from lanxi.services.monitoring.validate import (
    Kind,
    detect_kind,
    validate_observations,
    validate_progress,
)
from lanxi.storage.models import (
    ObservationRow,
    SubmissionBatchRow,
    TaskProgressReportRow,
    WorkflowStatus,
    new_batch_id,
    utcnow,
)

OBS: Table = ObservationRow.__table__  # type: ignore[assignment]
PROGRESS: Table = TaskProgressReportRow.__table__  # type: ignore[assignment]
BATCHES: Table = SubmissionBatchRow.__table__  # type: ignore[assignment]

OBS_KEY = ["indicator_id", "region_code", "period"]
PROGRESS_KEY = ["task_id", "agency_id", "period"]

#: Advisory-lock key of monitoring writes on PostgreSQL ("LANXI" in ASCII, as a number).
PG_LOCK_KEY = 0x4C414E5849


@dataclass(frozen=True)
class SubmitResult:
    """What a submission did.

    Attributes
    ----------
    batch_id : str
        The batch (new, or the existing one for the same file content).
    kind : {"observations", "task_progress"}
        What the file holds.
    status : str
        The batch's status.
    file_name, sha256 : str
        The file and its content hash.
    rows : int
        Data rows in the file.
    inserted, versioned, unchanged : int
        New keys (version 1), new versions of existing keys, rows equal to the current version.
    existing : bool
        True when the same content had been submitted before (nothing was written).
    """

    batch_id: str
    kind: str
    status: str
    file_name: str
    sha256: str
    rows: int
    inserted: int = 0
    versioned: int = 0
    unchanged: int = 0
    existing: bool = False

    def summary(self) -> str:
        """One line for people."""
        if self.existing:
            return (
                f"已提交过 Already submitted: {self.file_name} is batch {self.batch_id} "
                f"({self.status}); nothing changed"
            )
        return (
            f"已接收 Accepted: batch {self.batch_id} ({self.status}), {self.rows} rows: "
            f"{self.inserted} new, {self.versioned} new version(s), {self.unchanged} unchanged"
        )

    def as_record(self) -> Record:
        """The result as a plain dict."""
        return asdict(self)


# --------------------------------------------------------------------------- helpers


def as_principal(
    session: Session, user: str | Principal, ref: Reference | None = None
) -> Principal:
    """A :class:`Principal` for a username (or the principal itself)."""
    return user if isinstance(user, Principal) else load_principal(session, user, ref)


def lock_for_write(session: Session) -> None:
    """Take the store's write lock for the rest of the transaction.

    PostgreSQL: ``pg_advisory_xact_lock``. SQLite: a no-op ``UPDATE`` as the first statement, which
    takes the database's write lock (waiting up to the busy timeout) before anything is read, so
    the transaction's snapshot is the newest one.
    """
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK_KEY})
    elif conn.dialect.name == "sqlite":
        conn.execute(text("UPDATE submission_batches SET status = status WHERE 1 = 0"))


def content_sha256(data: bytes) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(data).hexdigest()


def frame_sha256(frame: pd.DataFrame, kind: str) -> str:
    """SHA-256 of a frame's content (CSV text) and kind, for batches built in memory."""
    buf = io.StringIO()
    frame.to_csv(buf, index=False)
    return content_sha256(f"{kind}\n{buf.getvalue()}".encode())


def _batch_by_sha(session: Session, sha: str) -> SubmissionBatchRow | None:
    return session.scalars(
        select(SubmissionBatchRow).where(SubmissionBatchRow.sha256 == sha)
    ).first()


def _existing_result(batch: SubmissionBatchRow) -> SubmitResult:
    return SubmitResult(
        batch.id,
        batch.kind,
        batch.status,
        batch.file_name,
        batch.sha256,
        batch.row_count or 0,
        existing=True,
    )


# --------------------------------------------------------------------------- submission


def submit_file(
    session: Session,
    path: str | Path,
    user: str | Principal,
    *,
    draft: bool = False,
    max_per_rule: int | None = 100,
    comment: str | None = None,
) -> SubmitResult:
    """Validate a CSV or Excel file and store it as one batch (all rows or none).

    Parameters
    ----------
    session : Session
        An open session; the caller commits (``lanxi.services.store.session`` does).
    path : str or Path
        A file made from ``lanxi template`` (``.csv`` or ``.xlsx``; the ``data`` sheet is read).
    user : str or Principal
        The submitter.
    draft : bool
        Store the batch as a draft (to be submitted later with :func:`transition`).
    max_per_rule : int or None
        Problems listed per validation rule.
    comment : str, optional
        The submitter's note to the approver (kept with the batch).

    Returns
    -------
    SubmitResult

    Raises
    ------
    ValidationError
        Every problem of the file; nothing was written.
    PermissionDenied
        When a row lies outside the user's regions, agencies or tasks; nothing was written.
    """
    path = Path(path)
    if not path.exists():
        raise ValidationError([Problem(str(path), None, None, "file not found")])
    sha = content_sha256(path.read_bytes())
    lock_for_write(session)  # first: on SQLite a read before it could not be upgraded to a write
    ref = load_reference(session)
    principal = as_principal(session, user, ref)
    _may_submit(principal)
    found = _batch_by_sha(session, sha)
    if found is not None:
        return _existing_result(found)
    frame, sheet = read_upload(path)
    kind = detect_kind(frame)
    if kind is None:
        raise ValidationError([_unknown_kind(path.name, sheet)])
    return submit_frame(
        session,
        frame,
        principal,
        kind=kind,
        file_name=path.name,
        sha256=sha,
        sheet=sheet,
        draft=draft,
        ref=ref,
        max_per_rule=max_per_rule,
        locked=True,
        comment=comment,
    )


def submit_upload(
    session: Session,
    data: bytes,
    file_name: str | None,
    user: Principal,
    *,
    draft: bool = False,
    limits: UploadLimits | None = None,
    max_per_rule: int | None = 100,
    comment: str | None = None,
) -> SubmitResult:
    """Check, parse and validate an uploaded file, then store it as one batch (all rows or none).

    The one submission flow of the API and the dashboard. Everything slow happens before the
    write lock is taken: the limits are checked on the raw bytes (:func:`check_upload`), the file
    is parsed and validated in ``session``'s read transaction, which is then ended; only storing
    runs in a new write transaction, taken lock first (``BEGIN IMMEDIATE`` on SQLite). The
    reference data a file is validated against (indicators, regions, tasks) changes only with a
    new plan load.

    Parameters
    ----------
    session : Session
        A session with no ``session.begin()`` block around it: this function commits its read
        transaction and begins the write transaction itself; the caller commits the write.
    data : bytes
        The file's content (already cut at ``limits.max_bytes + 1`` bytes by the caller).
    file_name : str or None
        The name the client gave (made safe: no directories).
    user : Principal
        The submitter.
    draft : bool
        Store as a draft.
    limits : UploadLimits, optional
        Default: the settings' (``LANXI_UPLOAD_*``).
    max_per_rule : int or None
        Problems listed per validation rule.
    comment : str, optional
        The submitter's note to the approver, stored with the batch.

    Returns
    -------
    SubmitResult

    Raises
    ------
    UploadRefused
        Over a limit (413) or not a readable workbook (422), before any parsing.
    ValidationError, PermissionDenied
        Nothing was written.
    """
    from lanxi.services.store import begin_write

    limits = limits or UploadLimits.from_settings()
    name = safe_name(file_name)
    check_upload(data, name, limits)
    sha = content_sha256(data)
    ref = load_reference(session)
    principal = as_principal(session, user, ref)
    _may_submit(principal)
    found = _batch_by_sha(session, sha)
    if found is not None:
        return _existing_result(found)
    with tempfile.TemporaryDirectory(prefix="lanxi-upload-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        frame, sheet = read_upload(path)
    kind = detect_kind(frame)
    if kind is None:
        raise ValidationError([_unknown_kind(name, sheet)])
    clean = _validated(frame, ref, principal, kind, name, sheet, False, max_per_rule)
    del frame
    session.commit()  # end the read: nothing is held while this request waits for the lock
    begin_write(session)
    lock_for_write(session)
    found = _batch_by_sha(session, sha)  # the same file, stored meanwhile by another request
    if found is not None:
        return _existing_result(found)
    return _store(session, clean, principal, kind, name, sha, draft, None, False, None, comment)


def _unknown_kind(name: str, sheet: str | None) -> Problem:
    return Problem(
        name,
        None,
        None,
        "[columns] cannot tell what the file holds: an observations file has an "
        "'indicator_id' column, a task progress file a 'task_id' column "
        "(start from `lanxi template`)",
        sheet=sheet,
        message_zh="[列] 无法判断文件内容：监测数据文件应有 indicator_id 列，任务进展文件应有 "
        "task_id 列（请从模板开始填写）",
    )


def submit_frame(
    session: Session,
    frame: pd.DataFrame,
    user: str | Principal,
    *,
    kind: Kind,
    file_name: str,
    sha256: str | None = None,
    sheet: str | None = None,
    draft: bool = False,
    status: Literal["approved"] | None = None,
    synthetic: bool = False,
    default_source: str | None = None,
    any_year: bool = False,
    ref: Reference | None = None,
    max_per_rule: int | None = 100,
    locked: bool = False,
    comment: str | None = None,
) -> SubmitResult:
    """Validate an in-memory frame (text cells, the template's columns) and store it as a batch.

    Parameters
    ----------
    session : Session
        Open session; the caller commits.
    frame : pandas.DataFrame
        Rows with the columns of the template.
    user : str or Principal
        The submitter.
    kind : {"observations", "task_progress"}
        What the rows are.
    file_name : str
        Named in problems and stored with the batch.
    sha256 : str, optional
        Content hash (default: of the frame's CSV text and ``kind``).
    sheet : str, optional
        Worksheet named in problems.
    draft : bool
        Store as a draft.
    status : {"approved"}, optional
        Store directly as approved — for system loads (plan figures, demo data) only.
    synthetic : bool
        Flag the rows as synthetic (demonstration data).
    default_source : str, optional
        Source of rows without one (default ``"报送 submitted by <user>"``).
    any_year : bool
        Accept ``YYYY`` periods for indicators of any frequency (figures quoted by plans).
    ref : Reference, optional
        Reference data (read if not given).
    max_per_rule : int or None
        Problems listed per validation rule.
    locked : bool
        The caller has taken :func:`lock_for_write` already.
    comment : str, optional
        The submitter's note to the approver (kept with the batch, at most 2000 characters).

    Returns
    -------
    SubmitResult

    Raises
    ------
    ValidationError, PermissionDenied
        Nothing was written.
    """
    if not locked:
        lock_for_write(session)
    ref = ref or load_reference(session)
    principal = as_principal(session, user, ref)
    _may_submit(principal)
    if status is not None and not principal.system:
        raise PermissionDenied(
            "only system jobs store batches as approved directly; submit, then approve",
            user=principal.username,
            action="store an approved batch",
        )
    sha = sha256 or frame_sha256(frame, kind)
    if not locked:
        found = _batch_by_sha(session, sha)
        if found is not None:
            return _existing_result(found)
    clean = _validated(frame, ref, principal, kind, file_name, sheet, any_year, max_per_rule)
    return _store(
        session,
        clean,
        principal,
        kind,
        file_name,
        sha,
        draft,
        status,
        synthetic,
        default_source,
        comment,
    )


def _validated(
    frame: pd.DataFrame,
    ref: Reference,
    principal: Principal,
    kind: Kind,
    file_name: str,
    sheet: str | None,
    any_year: bool,
    max_per_rule: int | None,
) -> pd.DataFrame:
    """The validated rows, after the row-level rights of ``principal`` were checked."""
    if kind == "observations":
        clean = validate_observations(
            frame, ref, file=file_name, sheet=sheet, any_year=any_year, max_per_rule=max_per_rule
        )
        _authorize_rows(principal, Action.WRITE_OBSERVATIONS, clean, ["region_code"], ref)
    else:
        clean = validate_progress(
            frame, ref, file=file_name, sheet=sheet, max_per_rule=max_per_rule
        )
        _authorize_rows(principal, Action.WRITE_PROGRESS, clean, ["task_id", "agency_id"], ref)
    return clean


def _store(
    session: Session,
    clean: pd.DataFrame,
    principal: Principal,
    kind: Kind,
    file_name: str,
    sha: str,
    draft: bool,
    status: Literal["approved"] | None,
    synthetic: bool,
    default_source: str | None,
    comment: str | None = None,
) -> SubmitResult:
    """Store validated rows as one batch (the caller holds the write lock)."""
    row_status = status or ("draft" if draft else "submitted")
    now = utcnow()
    batch_id = new_batch_id()
    session.execute(
        insert(BATCHES).values(
            id=batch_id,
            kind=kind,
            file_name=file_name[:255],
            sha256=sha,
            submitted_by=principal.username,
            status=row_status,
            created_at=now,
            row_count=len(clean),
            comment=(comment.strip()[:2000] or None) if comment else None,
        )
    )
    source = default_source or f"报送 submitted by {principal.username}"
    if kind == "observations":
        counts = _store_observations(
            session, clean, batch_id, principal.username, row_status, synthetic, source, now
        )
    else:
        counts = _store_progress(
            session, clean, batch_id, principal.username, row_status, synthetic, now
        )
    inserted, versioned, unchanged, audits = counts
    batch_audit = audit_entry(
        principal.username,
        "submit",
        "submission_batches",
        batch_id,
        new={
            "kind": kind,
            "file_name": file_name,
            "sha256": sha,
            "status": row_status,
            "rows": len(clean),
            "inserted": inserted,
            "versioned": versioned,
            "unchanged": unchanged,
            "synthetic": synthetic,
        },
        at=now,
    )
    write_audit(session, [batch_audit, *audits])
    return SubmitResult(
        batch_id, kind, row_status, file_name, sha, len(clean), inserted, versioned, unchanged
    )


def _may_submit(user: Principal) -> None:
    """Refuse users whose roles allow no submission at all (before anything is read)."""
    if user.office or user.system or user.regions or user.agencies or user.provinces:
        return
    roles = ", ".join(sorted({g.role.value for g in user.grants})) or "no role"
    raise PermissionDenied(
        f"your roles ({roles}) allow no submissions; submitting needs city_submitter, "
        "department, province_admin or agglomeration_office",
        user=user.username,
        action="submit",
    )


def _authorize_rows(
    user: Principal, action: Action, clean: pd.DataFrame, key: list[str], ref: Reference
) -> None:
    if user.office or user.system:
        return
    if key == ["region_code"]:
        outside = clean.loc[~clean["region_code"].isin(user.regions)]
        target = outside.groupby("region_code", sort=True)["row"].agg(lambda s: s.head(11).tolist())
        authorize(user, action, target.to_dict(), ref=ref)
        return
    groups = clean.groupby(key, sort=True)["row"].agg(lambda s: s.head(11).tolist())
    authorize(user, action, groups.to_dict(), ref=ref)


def _current(
    session: Session, table: Table, key: list[str], clean: pd.DataFrame, columns: Sequence[str]
) -> pd.DataFrame:
    """Current rows for the keys of ``clean`` (filtered on the first two key columns)."""
    cols = [
        table.c.id,
        *(table.c[k] for k in key),
        table.c.version,
        table.c.status,
        *(table.c[c] for c in columns),
    ]
    stmt = select(*cols).where(table.c.is_current)
    for k in key[:2]:
        values = clean[k].unique().tolist()
        if len(values) <= 1000:
            stmt = stmt.where(table.c[k].in_(values))
    rows = session.execute(stmt).all()
    names = ["id", *key, "version", "status", *columns]
    return pd.DataFrame.from_records(rows, columns=names)


def _same_text(a: pd.Series, b: pd.Series) -> np.ndarray:
    return (a.fillna("\x00").astype(str) == b.fillna("\x00").astype(str)).to_numpy()


def _retire(session: Session, table: Table, ids: Sequence[int]) -> None:
    for start in range(0, len(ids), 5000):
        chunk = [int(i) for i in ids[start : start + 5000]]
        session.execute(update(table).where(table.c.id.in_(chunk)).values(is_current=False))


def _same_as_current(m: pd.DataFrame, has: np.ndarray) -> np.ndarray:
    """Rows equal to their key's current version (value, unit, source, note; not returned)."""
    return (
        has
        & (m["status"] != WorkflowStatus.RETURNED.value).to_numpy()
        & np.isclose(
            m["value"].to_numpy(float),
            m["value_cur"].to_numpy(float),
            rtol=1e-12,
            atol=0.0,
            equal_nan=False,
        )
        & _same_text(m["unit"], m["unit_cur"])
        & _same_text(m["source"], m["source_cur"])
        & _same_text(m["note"], m["note_cur"])
    )


def _store_observations(
    session: Session,
    clean: pd.DataFrame,
    batch_id: str,
    user: str,
    status: str,
    synthetic: bool,
    default_source: str,
    now: dt.datetime,
) -> tuple[int, int, int, list[Record]]:
    data = clean.copy()
    data["source"] = data["source"].where(data["source"].notna(), default_source)
    cur = _current(session, OBS, OBS_KEY, data, ["value", "unit", "source", "note"])
    if len(cur):
        m = data.merge(cur, on=OBS_KEY, how="left", suffixes=("", "_cur"))
    else:
        m = data.assign(
            id=np.nan,
            version=np.nan,
            status=None,
            value_cur=np.nan,
            unit_cur=None,
            source_cur=None,
            note_cur=None,
        )
    has = m["id"].notna().to_numpy()
    same = np.zeros(len(m), dtype=bool)
    if has.any():  # (a first import of new keys compares nothing)
        same = _same_as_current(m, has)
    changed = has & ~same
    new = m.loc[~same]
    version = np.where(changed[~same], m["version"].to_numpy()[~same] + 1, 1).astype(int)
    _retire(session, OBS, m.loc[changed, "id"].astype(int).tolist())
    rows = pd.DataFrame(
        {
            "indicator_id": new["indicator_id"].to_numpy(),
            "region_code": new["region_code"].to_numpy(),
            "period": new["period"].to_numpy(),
            "value": new["value"].to_numpy(float),
            "unit": new["unit"].to_numpy(),
            "source": new["source"].to_numpy(),
            "entered_by": user,
            "status": status,
            "version": version,
            "is_current": True,
            "synthetic": synthetic,
            "batch_id": batch_id,
            "created_at": now,
            "note": new["note"].to_numpy(),
        }
    )
    bulk_insert_observations(session, rows)
    audits = [
        audit_entry(
            user,
            "new_version",
            "observations",
            f"{r.indicator_id}:{r.region_code}:{r.period}",
            old={
                "version": int(r.version),
                "value": float(r.value_cur),
                "unit": _nn(r.unit_cur),
                "source": _nn(r.source_cur),
                "note": _nn(r.note_cur),
                "status": r.status,
            },
            new={
                "version": int(r.version) + 1,
                "value": float(r.value),
                "unit": _nn(r.unit),
                "source": _nn(r.source),
                "note": _nn(r.note),
                "status": status,
                "batch_id": batch_id,
            },
            reason=f"corrected value submitted in batch {batch_id}",
            at=now,
        )
        for r in m.loc[changed].itertuples(index=False)
    ]
    return int((~has).sum()), int(changed.sum()), int(same.sum()), audits


def _nn(x: Any) -> Any:
    """None for a missing value (NaN is not JSON)."""
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else x


def _store_progress(
    session: Session,
    clean: pd.DataFrame,
    batch_id: str,
    user: str,
    status: str,
    synthetic: bool,
    now: dt.datetime,
) -> tuple[int, int, int, list[Record]]:
    cols = ["progress", "percent", "narrative", "evidence_links"]
    cur = _current(session, PROGRESS, PROGRESS_KEY, clean, cols)
    audits: list[Record] = []
    inserted = versioned = unchanged = 0
    cur_by_key = {(r.task_id, r.agency_id, r.period): r for r in cur.itertuples(index=False)}
    retire: list[int] = []
    new_rows: list[Record] = []
    for r in clean.itertuples(index=False):
        pct = None if pd.isna(r.percent) else float(r.percent)
        links = list(r.evidence_links)
        image = {
            "progress": r.progress,
            "percent": pct,
            "narrative": r.narrative,
            "evidence_links": links,
        }
        c = cur_by_key.get((r.task_id, r.agency_id, r.period))
        version = 1
        if c is not None:
            cpct = None if c.percent is None or pd.isna(c.percent) else float(c.percent)
            old = {
                "progress": c.progress,
                "percent": cpct,
                "narrative": c.narrative,
                "evidence_links": list(c.evidence_links or []),
            }
            if old == image and c.status != WorkflowStatus.RETURNED.value:
                unchanged += 1
                continue
            retire.append(int(c.id))
            version = int(c.version) + 1
            versioned += 1
            audits.append(
                audit_entry(
                    user,
                    "new_version",
                    "task_progress_reports",
                    f"{r.task_id}:{r.agency_id}:{r.period}",
                    old=old | {"version": int(c.version), "status": c.status},
                    new=image | {"version": version, "status": status, "batch_id": batch_id},
                    reason=f"corrected report submitted in batch {batch_id}",
                    at=now,
                )
            )
        else:
            inserted += 1
        new_rows.append(
            {
                "task_id": r.task_id,
                "agency_id": r.agency_id,
                "period": r.period,
                **image,
                "entered_by": user,
                "status": status,
                "version": version,
                "is_current": True,
                "synthetic": synthetic,
                "batch_id": batch_id,
                "created_at": now,
            }
        )
    _retire(session, PROGRESS, retire)
    for start in range(0, len(new_rows), 5000):
        session.execute(insert(PROGRESS), new_rows[start : start + 5000])
    return inserted, versioned, unchanged, audits
