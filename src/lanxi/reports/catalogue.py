"""What each report kind takes, who may download it, and how its file is served.

One table read by the API (``GET /api/v1/reports``), the dashboard's Reports page and the tests,
so the three never disagree. Who may download: the public summary and the environment bulletins
(built from the published monitoring data that ``/api/v1/water/*`` and ``/air/*`` show everyone)
are open to anonymous users; the progress report (agency-level lists, overdue tasks), the mid-term
and summary evaluations and the inter-provincial settlement statement are the plan offices'
documents: any signed-in role except ``public``
(:attr:`~lanxi.services.monitoring.permissions.Action.READ_INTERNAL_REPORTS`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lanxi.services.monitoring.permissions import Action

#: Media type of each format.
MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class KindInfo:
    """One report kind.

    Attributes
    ----------
    kind : str
        The kind, as ``lanxi report KIND`` takes it.
    period : str
        The form of ``period`` (``YYYY-MM``, ``YYYYQn``, ``YYYY``) or ``""`` when it takes none.
    example : str
        A period of that form on the demo data.
    params : tuple of str
        The other options it takes (``region``, ``as_of``, ``plan``, ``section``).
    action : Action or None
        What the caller needs (None: anyone, anonymous included).
    """

    kind: str
    period: str
    example: str
    params: tuple[str, ...]
    action: Action | None


_INTERNAL = Action.READ_INTERNAL_REPORTS

#: Every kind, in the order of ``docs/reports.md``.
KIND_INFO: dict[str, KindInfo] = {
    k.kind: k
    for k in (
        KindInfo("water-monthly", "YYYY-MM", "2025-06", ("region",), None),
        KindInfo("water-warnings", "YYYYQn", "2025Q2", ("region",), None),
        KindInfo("water-annual", "YYYY", "2025", ("region",), None),
        KindInfo("air-annual", "YYYY", "2025", ("region",), None),
        KindInfo("compensation", "YYYY", "2025", ("section",), _INTERNAL),
        KindInfo("progress", "YYYY", "2025", ("region", "as_of", "plan"), _INTERNAL),
        KindInfo("midterm", "", "", ("plan",), _INTERNAL),
        KindInfo("summary", "", "", ("plan",), _INTERNAL),
        KindInfo("public", "YYYY", "2025", ("region", "as_of"), None),
    )
}

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def file_name(
    kind: str,
    fmt: str,
    *,
    period: str | None = None,
    as_of: str | None = None,
    plan: str | None = None,
    region: str | None = None,
    lang: str = "zh",
) -> str:
    """The download's file name, ASCII only: ``water-monthly-2025-06-zh.pdf``.

    Non-ASCII parts (a region named in Chinese) are dropped from the name, not transliterated;
    the report itself names its region.
    """
    parts = [kind, plan or "", period or "", as_of or "", region or "", lang]
    safe = [_UNSAFE.sub("", p) for p in parts]
    return "-".join(p for p in safe if p) + f".{fmt}"
