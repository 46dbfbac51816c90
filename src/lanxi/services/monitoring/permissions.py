"""Who may do what: roles, their scopes, one ``authorize`` check, and user management.

Roles (a user may hold several grants; each grant has at most one scope):

======================= ============== ===========================================================
role                    scope          may
======================= ============== ===========================================================
``city_submitter``      region code    submit observations for that region and the regions inside
                                       it; submit task progress for agencies of those regions
                                       (city governments) on tasks they lead or share
``department``          agency id      submit task progress of that agency, only for tasks it
                                       leads (牵头) or shares (按职责分工负责)
``province_admin``      province code  approve or return batches whose rows all lie in that
                                       province; submit for the province
``agglomeration_office`` —             everything: submit, approve, return, manage users, demo
                                       data
``public``              —              read approved (published) data only
======================= ============== ===========================================================

Every user (any role) may read approved data; reading submitted, draft or returned data needs a
role other than ``public``. :func:`authorize` raises :class:`~lanxi.errors.PermissionDenied` with a
reason that names the missing role or scope and the rows concerned.

**Four-eyes approval** (``LANXI_FOUR_EYES``, on by default): nobody approves or returns a batch
they submitted — not even the office; the refusal says so in Chinese and English.

**Least privilege** for unapproved data: a city submitter sees the pending rows, drafts, batches
and audit entries of their own regions (and what they submitted themselves), a department those of
its agency, a province administrator those of the province, the office everything. The filters
are made here (:func:`observation_scope`, :func:`progress_scope`, :func:`batch_scope_filter`,
:func:`audit_scope`) and applied by the query services, never per route.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, insert, or_, select, true
from sqlalchemy.orm import Session

from lanxi.errors import NotFoundError, PermissionDenied, ValidationError
from lanxi.errors import Problem as _Problem
from lanxi.services.monitoring.common import (
    PROVINCE_CODES,
    Record,
    Reference,
    audit_entry,
    load_reference,
    write_audit,
)
from lanxi.storage.models import (
    AuditLogRow,
    ObservationRow,
    RoleRow,
    SubmissionBatchRow,
    TaskProgressReportRow,
    UserRow,
)


class Role(StrEnum):
    """The roles of the monitoring workflow."""

    CITY_SUBMITTER = "city_submitter"
    DEPARTMENT = "department"
    PROVINCE_ADMIN = "province_admin"
    AGGLOMERATION_OFFICE = "agglomeration_office"
    PUBLIC = "public"


class Action(StrEnum):
    """Actions checked by :func:`authorize`."""

    WRITE_OBSERVATIONS = "write observations"
    WRITE_PROGRESS = "write task progress"
    SUBMIT_BATCH = "submit a draft batch"
    APPROVE = "approve a batch"
    RETURN = "return a batch"
    READ_UNAPPROVED = "read unapproved data"
    READ_INTERNAL_REPORTS = "download internal reports"
    MANAGE_USERS = "manage users"
    MANAGE_DEMO = "load or wipe demonstration data"


#: Which scope column each role needs.
SCOPE_OF_ROLE = {
    Role.CITY_SUBMITTER: "region_code",
    Role.DEPARTMENT: "agency_id",
    Role.PROVINCE_ADMIN: "province_code",
    Role.AGGLOMERATION_OFFICE: None,
    Role.PUBLIC: None,
}

#: The default user of the command line (``--as``), created by ``lanxi setup``.
DEFAULT_ADMIN = "admin"


@dataclass(frozen=True)
class Grant:
    """One role of a user, with its scope (a region code, an agency id, a province code)."""

    role: Role
    scope: str | None = None


@dataclass(frozen=True)
class Principal:
    """A user and what their grants allow, resolved against the catalogue.

    Build with :func:`load_principal` (or :func:`system_principal` for jobs).
    """

    username: str
    grants: tuple[Grant, ...]
    regions: frozenset[str] = frozenset()
    agencies: frozenset[str] = frozenset()
    provinces: frozenset[str] = frozenset()
    office: bool = False
    system: bool = False
    scope_text: tuple[str, ...] = field(default=())

    @property
    def public_only(self) -> bool:
        """True if the user reads approved data only."""
        return not (self.office or self.system) and all(g.role is Role.PUBLIC for g in self.grants)


@dataclass(frozen=True)
class BatchScope:
    """What a batch touches, for approval and submission checks.

    Attributes
    ----------
    batch_id : str
        The batch.
    submitted_by : str
        Its submitter.
    provinces : frozenset of str or None
        Province code of each row's region (observations) or agency (task progress); ``None``
        for rows outside both provinces (the agglomeration as a whole, national bodies).
    four_eyes : bool
        Four-eyes approval applies: the submitter may not approve or return the batch.
    """

    batch_id: str
    submitted_by: str
    provinces: frozenset[str | None]
    four_eyes: bool = True


def system_principal(name: str) -> Principal:
    """A principal for a system job (``system:<name>``) with the office's rights."""
    actor = name if name.startswith("system:") else f"system:{name}"
    return Principal(actor, (Grant(Role.AGGLOMERATION_OFFICE),), office=True, system=True)


def load_principal(session: Session, username: str, ref: Reference | None = None) -> Principal:
    """Resolve a user's grants into the regions, agencies and provinces they cover.

    Raises
    ------
    PermissionDenied
        If the user does not exist or is inactive.
    """
    if username.startswith("system:"):
        return system_principal(username)
    user = session.scalars(select(UserRow).where(UserRow.username == username)).first()
    if user is None:
        raise PermissionDenied(
            "no such user; an office user can add one with `lanxi users add "
            f"{username}` and `lanxi users grant {username} ROLE SCOPE`",
            user=username,
        )
    if not user.is_active:
        raise PermissionDenied("the account is inactive", user=username)
    ref = ref or load_reference(session)
    grants: list[Grant] = []
    regions: set[str] = set()
    agencies: set[str] = set()
    provinces: set[str] = set()
    text: list[str] = []
    for g in session.scalars(select(RoleRow).where(RoleRow.user_id == user.id)):
        try:
            role = Role(g.role)
        except ValueError:
            continue  # a role of another subsystem
        scope = g.region_code or g.agency_id or g.province_code
        grants.append(Grant(role, scope))
        if role is Role.CITY_SUBMITTER and g.region_code:
            regions |= ref.descendants(g.region_code)
            text.append(f"{role.value} for {ref.region_label(g.region_code)} and below")
        elif role is Role.DEPARTMENT and g.agency_id:
            agencies.add(g.agency_id)
            name = ref.agencies.get(g.agency_id, {}).get("name", "")
            text.append(f"{role.value} for {g.agency_id} {name}".rstrip())
        elif role is Role.PROVINCE_ADMIN and g.province_code:
            provinces.add(g.province_code)
            regions |= ref.descendants(g.province_code)
            text.append(f"{role.value} for {ref.region_label(g.province_code)}")
        else:
            text.append(role.value)
    office = any(g.role is Role.AGGLOMERATION_OFFICE for g in grants)
    return Principal(
        username,
        tuple(grants),
        frozenset(regions),
        frozenset(agencies),
        frozenset(provinces),
        office=office,
        scope_text=tuple(text),
    )


def _roles_text(user: Principal) -> str:
    return "; ".join(user.scope_text) if user.scope_text else "no role"


def _rows_text(rows: Sequence[int]) -> str:
    rows = sorted(rows)
    shown = ", ".join(str(r) for r in rows[:10])
    return f"row {shown}" if len(rows) == 1 else f"rows {shown}" + (" …" if len(rows) > 10 else "")


def authorize(
    user: Principal, action: Action | str, target: Any = None, *, ref: Reference | None = None
) -> None:
    """Check that ``user`` may do ``action`` on ``target``; raise with the reason if not.

    Parameters
    ----------
    user : Principal
        From :func:`load_principal`.
    action : Action
        What is asked.
    target : object
        ``WRITE_OBSERVATIONS``: mapping region code → spreadsheet rows;
        ``WRITE_PROGRESS``: mapping (task id, agency id) → rows;
        ``SUBMIT_BATCH``, ``APPROVE``, ``RETURN``: a :class:`BatchScope`; other actions: None.
    ref : Reference, optional
        Needed for ``WRITE_PROGRESS`` (task assignments) and for region names in messages.

    Raises
    ------
    PermissionDenied
        Naming the user, the action and why (the role or scope missing, the rows concerned).
    """
    act = Action(action)
    if user.office or user.system:
        _four_eyes(user, act, target)
        return
    deny = _deny(user, act)
    if act is Action.READ_UNAPPROVED:
        if user.public_only or not user.grants:
            deny("the public role reads approved data only", "公众角色只能查看已审核的数据")
        return
    if act is Action.READ_INTERNAL_REPORTS:
        if user.public_only or not user.grants:
            deny(
                "progress, evaluation and settlement reports are for the plan offices' roles;"
                " the public role downloads the public summary and the environment bulletins",
                "进展、评估和结算报告供规划办公室各角色使用；公众可下载公众版进展摘要和环境通报",
            )
        return
    if act in (Action.MANAGE_USERS, Action.MANAGE_DEMO):
        deny(
            f"only the agglomeration_office role may; you have: {_roles_text(user)}",
            f"仅城市群办公室角色（agglomeration_office）可以执行；您的角色：{_roles_text(user)}",
        )
    if act is Action.WRITE_OBSERVATIONS:
        outside = {code: rows for code, rows in (target or {}).items() if code not in user.regions}
        if outside:
            label = ref.region_label if ref is not None else str
            parts = [f"{_rows_text(rows)}: region {label(code)}" for code, rows in outside.items()]
            deny(
                "outside your regions ("
                + _roles_text(user)
                + "): "
                + "; ".join(parts[:20])
                + ("; …" if len(parts) > 20 else "")
            )
        return
    if act is Action.WRITE_PROGRESS:
        if ref is None:
            raise ValueError("authorize(WRITE_PROGRESS) needs the reference data")
        bad: list[str] = []
        for (task, agency), rows in (target or {}).items():
            role = ref.assignments.get(task, {}).get(agency)
            a = ref.agencies.get(agency, {})
            in_scope = (
                agency in user.agencies
                or (a.get("region_code") in user.regions and a.get("region_code") is not None)
                or (a.get("province") in user.provinces and a.get("province") is not None)
            )
            if not in_scope:
                bad.append(f"{_rows_text(rows)}: agency {agency} is not yours")
            elif role is None:
                bad.append(
                    f"{_rows_text(rows)}: agency {agency} neither leads nor shares task {task}"
                )
        if bad:
            deny("; ".join(bad[:20]) + f" (you have: {_roles_text(user)})")
        return
    if act is Action.SUBMIT_BATCH:
        scope: BatchScope = target
        if scope.submitted_by != user.username:
            deny(f"batch {scope.batch_id} was prepared by {scope.submitted_by}")
        return
    if act in (Action.APPROVE, Action.RETURN):
        scope = target
        if not user.provinces:
            deny(
                "approving and returning needs the province_admin or agglomeration_office role;"
                f" you have: {_roles_text(user)}"
            )
        outside_p = sorted(str(p) for p in scope.provinces - set(user.provinces))
        if outside_p:
            names = ", ".join(
                "the agglomeration / national level" if p == "None" else p for p in outside_p
            )
            deny(
                f"batch {scope.batch_id} has rows outside your province(s) "
                f"{', '.join(sorted(user.provinces))}: {names}"
            )
        _four_eyes(user, act, scope)
        return
    deny("unknown action")  # pragma: no cover


def _four_eyes(user: Principal, act: Action, target: Any) -> None:
    """Refuse the submitter of a batch its approval or return (four-eyes approval)."""
    if (
        act in (Action.APPROVE, Action.RETURN)
        and isinstance(target, BatchScope)
        and target.four_eyes
        and not user.system
        and target.submitted_by == user.username
    ):
        raise PermissionDenied(
            f"four-eyes approval: you submitted batch {target.batch_id[:8]}, so another "
            "approver decides on it (LANXI_FOUR_EYES)",
            user=user.username,
            action=act.value,
            reason_zh=f"四眼审核：批次 {target.batch_id[:8]} 由您本人报送，须由另一位审核人"
            + ("审批" if act is Action.APPROVE else "退回"),
        )


def may_decide(user: Principal, scope: BatchScope) -> bool:
    """True if ``user`` may approve (and return) the batch of ``scope`` (to offer the buttons)."""
    try:
        authorize(user, Action.APPROVE, scope)
    except PermissionDenied:
        return False
    return True


# --------------------------------------------------------------------------- least privilege


def sees_everything(user: Principal) -> bool:
    """True for the office and system jobs: no scope filter on unapproved data."""
    return user.office or user.system


def visible_agencies(user: Principal, ref: Reference) -> frozenset[str]:
    """Agencies whose unapproved reports ``user`` may read.

    Their own agency, the agencies of their regions (city governments) and of their provinces.
    """
    out = set(user.agencies)
    for agency, a in ref.agencies.items():
        if (a.get("region_code") is not None and a.get("region_code") in user.regions) or (
            a.get("province") is not None and a.get("province") in user.provinces
        ):
            out.add(agency)
    return frozenset(out)


def observation_scope(user: Principal) -> ColumnElement[bool]:
    """Which observation rows ``user`` may read: approved ones, and the others of their regions.

    A condition on ``observations`` for a ``WHERE`` clause (``TRUE`` for the office).
    """
    if sees_everything(user):
        return true()
    obs = ObservationRow.__table__.c
    cond: list[ColumnElement[bool]] = [obs.status == "approved"]
    if user.regions:
        cond.append(obs.region_code.in_(sorted(user.regions)))
    cond.append(obs.entered_by == user.username)
    return or_(*cond)


def progress_scope(user: Principal, ref: Reference) -> ColumnElement[bool]:
    """Which task progress rows ``user`` may read.

    Approved ones, and the others of their agencies (:func:`visible_agencies`).
    """
    if sees_everything(user):
        return true()
    prog = TaskProgressReportRow.__table__.c
    cond: list[ColumnElement[bool]] = [prog.status == "approved"]
    agencies = visible_agencies(user, ref)
    if agencies:
        cond.append(prog.agency_id.in_(sorted(agencies)))
    cond.append(prog.entered_by == user.username)
    return or_(*cond)


def batch_scope_filter(user: Principal, ref: Reference) -> ColumnElement[bool]:
    """Which batches ``user`` may see.

    Their own, and those with a row in their regions or of their agencies (approved batches are
    public and visible to all).
    """
    if sees_everything(user):
        return true()
    batch = SubmissionBatchRow.__table__.c
    obs = ObservationRow.__table__.c
    prog = TaskProgressReportRow.__table__.c
    cond: list[ColumnElement[bool]] = [
        batch.status == "approved",
        batch.submitted_by == user.username,
    ]
    if user.regions:
        cond.append(
            exists().where(obs.batch_id == batch.id, obs.region_code.in_(sorted(user.regions)))
        )
    agencies = visible_agencies(user, ref)
    if agencies:
        cond.append(exists().where(prog.batch_id == batch.id, prog.agency_id.in_(sorted(agencies))))
    return or_(*cond)


def _like_part(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%:{escaped}:%"


def audit_scope(user: Principal, ref: Reference) -> ColumnElement[bool]:
    """Which audit entries ``user`` may read.

    The office: all. Others: their own actions; the entries of the observations of their regions,
    of the task reports of their agencies, and of the batches they may see
    (:func:`batch_scope_filter`). Entries about users, roles and tokens of others are the
    office's.
    """
    if sees_everything(user):
        return true()
    log = AuditLogRow.__table__.c
    batch = SubmissionBatchRow.__table__.c
    cond: list[ColumnElement[bool]] = [log.actor == user.username]
    regions = sorted(user.regions)
    if regions:
        cond.append(
            and_(
                log.entity == "observations",
                or_(
                    *(log.entity_id.like(_like_part(r), escape="\\") for r in sorted(user.regions))
                ),
            )
        )
    agencies = visible_agencies(user, ref)
    if agencies:
        cond.append(
            and_(
                log.entity == "task_progress_reports",
                or_(*(log.entity_id.like(_like_part(a), escape="\\") for a in sorted(agencies))),
            )
        )
    cond.append(
        and_(
            log.entity == "submission_batches",
            log.entity_id.in_(select(batch.id).where(batch_scope_filter(user, ref))),
        )
    )
    return or_(*cond) if cond else false()


def _deny(user: Principal, act: Action) -> Any:
    def deny(reason: str, zh: str | None = None) -> None:
        raise PermissionDenied(reason, user=user.username, action=act.value, reason_zh=zh)

    return deny


# --------------------------------------------------------------------------- user management


def create_user(
    session: Session,
    username: str,
    *,
    display_name: str | None = None,
    actor: Principal,
) -> Record:
    """Create a user (without roles); audited.

    Raises
    ------
    PermissionDenied
        Unless ``actor`` is the office or a system job.
    ValidationError
        If the name is taken or malformed.
    """
    authorize(actor, Action.MANAGE_USERS)
    name = username.strip()
    problems = []
    if not name or len(name) > 64 or name.startswith("system:") or any(c.isspace() for c in name):
        problems.append("a username is 1–64 characters, without spaces, not starting 'system:'")
    elif session.scalars(select(UserRow).where(UserRow.username == name)).first() is not None:
        problems.append(f"user '{name}' exists already")
    if problems:
        raise ValidationError([_Problem("users", None, "username", p, name) for p in problems])
    uid = session.execute(
        insert(UserRow).values(username=name, display_name=display_name or name)
    ).inserted_primary_key[0]  # type: ignore[attr-defined]
    rec = {"id": uid, "username": name, "display_name": display_name or name}
    write_audit(session, [audit_entry(actor.username, "insert", "users", name, new=rec)])
    return rec


def grant_role(
    session: Session,
    username: str,
    role: Role | str,
    scope: str | None = None,
    *,
    actor: Principal,
    ref: Reference | None = None,
) -> Record:
    """Grant a role (with its scope) to a user; audited.

    Parameters
    ----------
    session : Session
        Open session.
    username : str
        An existing user.
    role : Role or str
        One of :class:`Role`.
    scope : str, optional
        ``city_submitter``: a region code; ``department``: an agency id; ``province_admin``: a
        province code (620000, 630000) or name (甘肃, 青海); none for the others.
    actor : Principal
        Who grants (must be the office or a system job).
    ref : Reference, optional
        Reference data (read if not given).

    Raises
    ------
    PermissionDenied, ValidationError, NotFoundError
    """
    authorize(actor, Action.MANAGE_USERS)
    try:
        r = Role(role)
    except ValueError:
        raise ValidationError(
            [_Problem("roles", None, "role", f"unknown role; use one of {', '.join(Role)}", role)]
        ) from None
    user = session.scalars(select(UserRow).where(UserRow.username == username)).first()
    if user is None:
        raise NotFoundError(f"no user '{username}' (add with `lanxi users add {username}`)")
    ref = ref or load_reference(session)
    column = SCOPE_OF_ROLE[r]
    values: dict[str, Any] = {"user_id": user.id, "role": r.value, "granted_by": actor.username}
    problem = None
    if column is None:
        if scope:
            problem = f"role {r.value} takes no scope"
    elif not scope:
        problem = f"role {r.value} needs a scope ({column.replace('_', ' ')})"
    elif column == "region_code":
        if scope not in ref.regions:
            problem = f"no region '{scope}' (list them with `lanxi regions`)"
    elif column == "agency_id":
        if scope not in ref.agencies:
            problem = f"no agency '{scope}' (list them with `lanxi agencies`)"
    else:
        scope = PROVINCE_CODES.get(scope.removesuffix("省"), scope)
        if scope not in PROVINCE_CODES.values():
            problem = "a province is 620000 (甘肃) or 630000 (青海)"
    if problem:
        raise ValidationError([_Problem("roles", None, "scope", problem, scope)])
    if column is not None:
        values[column] = scope
    conds = [RoleRow.user_id == user.id, RoleRow.role == r.value]
    for col in ("region_code", "agency_id", "province_code"):
        c = getattr(RoleRow, col)
        conds.append(c == values[col] if col in values else c.is_(None))
    existing = session.scalars(select(RoleRow).where(*conds)).first()
    rec = {"username": username, "role": r.value, "scope": scope}
    if existing is not None:
        return rec | {"granted": False}
    session.execute(insert(RoleRow).values(**values))
    write_audit(
        session,
        [
            audit_entry(
                actor.username, "grant", "roles", f"{username}:{r.value}:{scope or ''}", new=rec
            )
        ],
    )
    return rec | {"granted": True}


def list_users(session: Session) -> list[Record]:
    """Users with their grants: ``username, display_name, is_active, roles``."""
    roles: dict[int, list[str]] = {}
    for g in session.scalars(select(RoleRow).order_by(RoleRow.id)):
        scope = g.region_code or g.agency_id or g.province_code
        roles.setdefault(g.user_id, []).append(f"{g.role}:{scope}" if scope else g.role)
    return [
        {
            "username": u.username,
            "display_name": u.display_name,
            "is_active": u.is_active,
            "roles": roles.get(u.id, []),
        }
        for u in session.scalars(select(UserRow).order_by(UserRow.username))
    ]


def ensure_user(
    session: Session,
    username: str,
    grants: Iterable[Grant],
    *,
    display_name: str | None = None,
    actor: Principal,
) -> bool:
    """Create a user with grants if missing (idempotent); return True if created."""
    exists = session.scalars(select(UserRow).where(UserRow.username == username)).first()
    if exists is None:
        create_user(session, username, display_name=display_name, actor=actor)
    ref = load_reference(session)
    for g in grants:
        grant_role(session, username, g.role, g.scope, actor=actor, ref=ref)
    return exists is None


def batch_provinces(
    ref: Reference, *, regions: Iterable[str] = (), agencies: Iterable[str] = ()
) -> frozenset[str | None]:
    """Province codes (or None) of the regions and agencies of a batch's rows."""
    out: set[str | None] = set()
    for code in regions:
        out.add(ref.regions.get(code, {}).get("province"))
    for agency in agencies:
        out.add(ref.agencies.get(agency, {}).get("province"))
    return frozenset(out)


def rows_by(keys: Sequence[Any], rows: Sequence[int]) -> Mapping[Any, list[int]]:
    """Group spreadsheet row numbers by key (region code, or (task, agency))."""
    out: dict[Any, list[int]] = {}
    for k, r in zip(keys, rows, strict=True):
        out.setdefault(k, []).append(int(r))
    return out
