"""Set-up for ``lanxi serve``: the store, the demonstration data, and demo sign-ins.

Everything is idempotent: an existing database keeps its data; demo data are generated only when
the store holds none. Demo sign-ins get individual random passwords **once**, when an account has
none: they are returned (to be printed once) and kept in ``<LANXI_HOME>/demo-logins.txt`` (mode
0600). A later start never resets them silently; only an explicit ``password`` (``lanxi serve
--password``) or ``lanxi users password NAME`` changes them.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from lanxi.errors import ConfigurationError
from lanxi.services import auth as auth_svc
from lanxi.services import store as store_svc
from lanxi.services.environment import store as env_store
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


#: The file under ``LANXI_HOME`` that keeps the demo passwords made at the first start.
LOGINS_FILE = "demo-logins.txt"


@dataclass(frozen=True)
class Prepared:
    """What :func:`prepare` did.

    ``logins`` holds only the passwords set by this call (to print once); ``logins_file`` the
    file that keeps the demo passwords (None without a home directory).
    """

    created_schema: bool
    loaded_demo: bool
    logins: dict[str, str]
    logins_file: Path | None = None


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


def _keep(home: Path, logins: dict[str, str]) -> Path:
    """Record new demo passwords in ``home/demo-logins.txt`` (mode 0600), replacing older lines."""
    home.mkdir(parents=True, exist_ok=True)
    path = home / LOGINS_FILE
    kept: dict[str, str] = {}
    if path.exists():
        for line in path.read_text("utf-8").splitlines():
            if line and not line.startswith("#") and "\t" in line:
                name, pw = line.split("\t", 1)
                kept[name] = pw
    kept.update(logins)
    text = "# Lanxi demo sign-ins (user<TAB>password), made once by `lanxi serve`; keep private\n"
    text += "".join(f"{n}\t{p}\n" for n, p in sorted(kept.items()))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, 0o600)  # also when the file existed with other permissions
    return path


def demo_logins(
    url: str | None = None, password: str | None = None, *, home: Path | None = None
) -> dict[str, str]:
    """Create the demo users if missing; give each one without a password its own random one.

    Parameters
    ----------
    url : str, optional
        The database.
    password : str, optional
        An explicit password for every demo user (tests, ``lanxi serve --password``): set at each
        call. Default: only accounts without a password get one, each its own, random.
    home : Path, optional
        Where to keep the new passwords (``demo-logins.txt``, mode 0600).

    Returns
    -------
    dict
        User → password, for the passwords set by this call only (to print once).
    """
    system = system_principal("serve")
    made: dict[str, str] = {}
    with store_svc.session(url) as s:
        for name, grants in DEMO_LOGINS.items():
            ensure_user(s, name, grants, actor=system)
            if password is not None:
                auth_svc.set_password(s, name, password, actor=system)
                made[name] = password
            elif not auth_svc.has_password(s, name):
                made[name] = secrets.token_urlsafe(12)
                auth_svc.set_password(s, name, made[name], actor=system)
    if made and home is not None and password is None:
        _keep(home, made)
    return made


def prepare(
    url: str | None = None,
    *,
    demo: bool = True,
    password: str | None = None,
    env: str = "development",
    home: Path | None = None,
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
    logins = demo_logins(url, password, home=home) if demo else {}
    file = home / LOGINS_FILE if home is not None and (home / LOGINS_FILE).exists() else None
    return Prepared(created, loaded, logins, file)
