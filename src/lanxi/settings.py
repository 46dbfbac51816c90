"""Lanxi's settings: one typed object, read from ``LANXI_*`` environment variables.

``LANXI_HOME``
    Data directory; default ``$XDG_DATA_HOME/lanxi``, else ``~/.local/share/lanxi``.
``LANXI_DATABASE_URL``
    SQLAlchemy URL; default ``sqlite:///<LANXI_HOME>/lanxi.sqlite``.
``LANXI_ENV``
    ``development`` (default), ``test`` or ``production``.
``LANXI_SECRET_KEY``
    Key for signing sessions and tokens; must be set (32+ characters) in production.
``LANXI_NUMBA_CACHE_DIR``
    Where compiled kernels are cached; default ``<LANXI_HOME>/numba-cache`` (read by
    :mod:`lanxi.home` when the package is imported, before any setting is validated).
``LANXI_WATER_WARNING_LEVEL1_DECLINE``, ``LANXI_WATER_WARNING_LEVEL2_DECLINE``,
``LANXI_WATER_WARNING_BELOW_CLASS``
    Thresholds of the graded water-quality warning (default 2, 1 and Ⅲ) that the bulletins,
    ``lanxi water warnings``, ``/api/v1/water/warnings`` and the dashboard all show
    (``docs/water.md``).
``LANXI_FOUR_EYES``
    Four-eyes approval: a batch is approved or returned by someone other than its submitter
    (default ``true``; ``false`` for a one-person deployment).
``LANXI_TOKEN_TTL_DAYS``, ``LANXI_TOKEN_MAX_TTL_DAYS``
    Life of a new API token when none is asked for (default 90 days), and the longest that may be
    asked for (default 365 days).
``LANXI_UPLOAD_MAX_MB``, ``LANXI_UPLOAD_MAX_UNCOMPRESSED_MB``, ``LANXI_UPLOAD_MAX_MEMBERS``,
``LANXI_UPLOAD_MAX_ROWS``
    Limits of one uploaded file (``docs/deploy.md``); default 20 MB, 100 MB, 500 parts,
    200 000 rows.
``LANXI_REPORT_ISSUER_ENVIRONMENT``, ``LANXI_REPORT_ISSUER_PLAN`` (``…_EN``), ``…_ISSUE_DATE``
    Issuing office printed at the end of the environment bulletins and of the plan reports, in
    Chinese and English, and the date of issue (ISO date; default: the day the report is built).

Settings are validated when first read; unsafe settings for production raise
:class:`~lanxi.errors.ConfigurationError`.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from lanxi.errors import ConfigurationError
from lanxi.home import default_home, sqlite_url_in

#: The development secret; refused when ``env`` is ``production``.
DEV_SECRET_KEY = "lanxi-dev-insecure-secret-key"
#: Shortest secret accepted in production.
MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
    """Every setting of Lanxi.

    Attributes
    ----------
    home : Path
        Data directory (``LANXI_HOME``); created when the default database lives in it.
    database_url : str
        SQLAlchemy database URL (``LANXI_DATABASE_URL``); a SQLite file in ``home`` by default.
    env : {"development", "test", "production"}
        Deployment environment (``LANXI_ENV``).
    secret_key : SecretStr
        Signing key (``LANXI_SECRET_KEY``). The default is a public development value, refused in
        production, as is any key shorter than :data:`MIN_SECRET_LENGTH`.
    four_eyes : bool
        Four-eyes approval (``LANXI_FOUR_EYES``, default True): nobody approves or returns a batch
        they submitted.
    token_ttl_days, token_max_ttl_days : int
        Default and longest life of an API token, in days (``LANXI_TOKEN_TTL_DAYS``, default 90;
        ``LANXI_TOKEN_MAX_TTL_DAYS``, default 365).
    access_max_snap_km : float
        Accessibility on a user's network (``LANXI_ACCESS_MAX_SNAP_KM``, default 5): a county
        seat farther than this from the nearest network node is *not on the network* (never
        covered, reported); a centre that far off is refused. 5 km: a seat on a street network
        of its area snaps within a few hundred metres, and 5 km is an hour's walk — beyond it a
        seat is not served by the network, and "0 minutes" would be false.
    upload_max_mb, upload_max_uncompressed_mb, upload_max_members, upload_max_rows : int
        Limits of one uploaded submission file, checked before it is parsed
        (``LANXI_UPLOAD_MAX_MB`` …): file size, an .xlsx's total uncompressed size and number of
        zip parts, data rows. The defaults keep one upload's memory under 300 MB.
    water_warning_level1_decline, water_warning_level2_decline, water_warning_below_class : int
        Warning levels of the monthly bulletin and the quarterly warning notice
        (:func:`lanxi.services.bulletins.graded_warnings`), after 长江流域水环境质量监测预警办法
        （试行）(2018):
        level 二级 when the month's and the year-to-date class both fell by at least
        ``level2_decline`` classes year on year to worse than class ``below_class`` and the
        year-to-date class misses the target; 一级 likewise with ``level1_decline``; a city takes
        its sections' highest level; a level not met again is lifted (解除) in the next bulletin
        (a quarter's level: the highest of its months').
    report_issuer_environment, report_issuer_environment_en : str
        Issuing office of the water, air and compensation reports (落款).
    report_issuer_plan, report_issuer_plan_en : str
        Issuing office of the progress, mid-term, summary and public reports.
    report_issue_date : date, optional
        Date of issue printed on every report; the build date when unset.
    """

    model_config = SettingsConfigDict(env_prefix="LANXI_", extra="ignore", frozen=True)

    home: Path = Field(default_factory=default_home)
    database_url: str = ""
    env: Literal["development", "test", "production"] = "development"
    secret_key: SecretStr = SecretStr(DEV_SECRET_KEY)
    four_eyes: bool = True
    token_ttl_days: int = Field(default=90, ge=1, le=3650)
    token_max_ttl_days: int = Field(default=365, ge=1, le=3650)
    access_max_snap_km: float = Field(default=5.0, gt=0, allow_inf_nan=False)
    upload_max_mb: int = Field(default=20, ge=1, le=1024)
    upload_max_uncompressed_mb: int = Field(default=100, ge=1, le=4096)
    upload_max_members: int = Field(default=500, ge=10, le=100_000)
    upload_max_rows: int = Field(default=200_000, ge=1, le=10_000_000)
    water_warning_level1_decline: int = Field(default=2, ge=1, le=5)
    water_warning_level2_decline: int = Field(default=1, ge=1, le=5)
    water_warning_below_class: int = Field(default=3, ge=1, le=5)
    report_issuer_environment: str = "兰西城市群生态环境监测评估工作组"
    report_issuer_environment_en: str = (
        "Lanzhou–Xining Urban Agglomeration Eco-environment Monitoring and Assessment Group"
    )
    report_issuer_plan: str = "兰西城市群发展规划实施评估工作组"
    report_issuer_plan_en: str = (
        "Lanzhou–Xining Urban Agglomeration Development Plan Implementation Assessment Group"
    )
    report_issue_date: dt.date | None = None

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if not self.database_url:
            self.home.mkdir(parents=True, exist_ok=True)
            # frozen model: set the derived default through object.__setattr__
            object.__setattr__(self, "database_url", sqlite_url_in(self.home))
        if self.token_ttl_days > self.token_max_ttl_days:
            raise ConfigurationError(
                f"LANXI_TOKEN_TTL_DAYS ({self.token_ttl_days}) is longer than "
                f"LANXI_TOKEN_MAX_TTL_DAYS ({self.token_max_ttl_days})"
            )
        if self.env == "production":
            secret = self.secret_key.get_secret_value()
            if secret == DEV_SECRET_KEY:
                raise ConfigurationError(
                    "LANXI_SECRET_KEY is the public development default; set a random secret of "
                    f"at least {MIN_SECRET_LENGTH} characters for LANXI_ENV=production "
                    "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')"
                )
            if len(secret) < MIN_SECRET_LENGTH:
                raise ConfigurationError(
                    f"LANXI_SECRET_KEY is {len(secret)} characters long; production needs at "
                    f"least {MIN_SECRET_LENGTH}"
                )
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read from the environment once.

    Returns
    -------
    Settings
        The validated settings; call ``get_settings.cache_clear()`` to re-read the environment.

    Raises
    ------
    ConfigurationError
        If the settings are unsafe for the environment (e.g. the default secret in production).
    """
    return Settings()
