"""Set-up for ``lanxi serve``: the store, the demonstration data, and demo sign-ins.

Everything is idempotent: an existing database keeps its data; demo data are generated only when
the store holds none; demo passwords are (re)set at each call and returned, to be printed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import func, select

from lanxi.errors import ConfigurationError
from lanxi.services import auth as auth_svc
from lanxi.services import env_store
from lanxi.services import store as store_svc
from lanxi.services.monitoring import demo as demo_svc
from lanxi.services.monitoring.permissions import Grant, Role, ensure_user, system_principal
from lanxi.storage.env_models import AirObservationRow
from lanxi.storage.models import ObservationRow

#: Demo users and their roles (the office user is ``admin``, created by ``lanxi setup``).
DEMO_LOGINS: dict[str, tuple[Grant, ...]] = {
    "admin": (Grant(Role.AGGLOMERATION_OFFICE),),
    "demo_lanzhou": (Grant(Role.CITY_SUBMITTER, "620100"),),
    "demo_xining": (Grant(Role.CITY_SUBMITTER, "630100"),),
    "demo_gansu": (Grant(Role.PROVINCE_ADMIN, "620000"),),
    "demo_qinghai": (Grant(Role.PROVINCE_ADMIN, "630000"),),
}


@dataclass(frozen=True)
class Prepared:
    """What :func:`prepare` did."""

    created_schema: bool
    loaded_demo: bool
    logins: dict[str, str]


def ensure_store(url: str | None = None) -> bool:
    """Create and migrate the database and load the plan data if needed; True if it was empty."""
    was_empty = store_svc.current_revision(url) is None
    store_svc.init_database(url)
    if was_empty:
        store_svc.load_bundled_plans(url)
    with store_svc.session(url) as s:
        demo_svc.setup_monitoring(s)
    return was_empty


def has_demo_data(url: str | None = None) -> bool:
    """True if the store holds synthetic observations and air data."""
    with store_svc.session(url) as s:
        obs = s.scalar(
            select(func.count()).select_from(ObservationRow).where(ObservationRow.synthetic)
        )
        air = s.scalar(select(func.count()).select_from(AirObservationRow))
    return bool(obs) and bool(air)


def ensure_demo_data(url: str | None = None) -> bool:
    """Generate the synthetic monitoring and environment data if missing; True if generated."""
    if has_demo_data(url):
        return False
    with store_svc.session(url) as s:
        demo_svc.generate_synthetic(s, "admin")
    env_store.generate_demo(url=url)
    return True


def demo_logins(url: str | None = None, password: str | None = None) -> dict[str, str]:
    """Create the demo users if missing and set one password for all; return user → password.

    Parameters
    ----------
    url : str, optional
        The database.
    password : str, optional
        Default: a new random one (printed by ``lanxi serve``).
    """
    password = password or secrets.token_urlsafe(9)
    system = system_principal("serve")
    with store_svc.session(url) as s:
        for name, grants in DEMO_LOGINS.items():
            ensure_user(s, name, grants, actor=system)
            auth_svc.set_password(s, name, password, actor=system)
    return dict.fromkeys(DEMO_LOGINS, password)


def prepare(
    url: str | None = None,
    *,
    demo: bool = True,
    password: str | None = None,
    env: str = "development",
) -> Prepared:
    """Everything ``lanxi serve`` needs before it starts.

    Raises
    ------
    ConfigurationError
        For demo data or demo logins in production.
    """
    if demo and env == "production":
        raise ConfigurationError(
            "demo data and demo logins are for development; use --no-demo with LANXI_ENV=production"
        )
    created = ensure_store(url)
    loaded = ensure_demo_data(url) if demo else False
    logins = demo_logins(url, password) if demo else {}
    return Prepared(created, loaded, logins)
