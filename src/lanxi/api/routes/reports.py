"""Report downloads: the files of ``lanxi report KIND``, as PDF, HTML or Excel.

A thin skin over :func:`lanxi.reports.build_report` and :func:`lanxi.reports.render_bytes`, with
the same validation as the CLI (the builders check the period's form and the options a kind takes).
Who may download which kind is in :data:`lanxi.reports.catalogue.KIND_INFO`; the check is
:func:`~lanxi.services.monitoring.permissions.authorize` on the caller that :func:`access` resolved.
"""

from __future__ import annotations

import datetime as dt
import threading
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from lanxi.api.deps import access
from lanxi.errors import ConfigurationError, NotFoundError, Problem, ValidationError
from lanxi.reports.catalogue import KIND_INFO, MEDIA_TYPES, file_name
from lanxi.services.monitoring.permissions import Principal, authorize

router = APIRouter(tags=["reports"])

#: Reports built at once per worker process: a build takes seconds of CPU and up to a few hundred
#: MiB (docs/reports.md), so a burst of downloads waits here instead of filling the machine.
CONCURRENT_BUILDS = 2
_builds = threading.BoundedSemaphore(CONCURRENT_BUILDS)

#: The modules a report needs beyond the core install (the ``reports`` extra).
EXTRA_MODULES = {"weasyprint", "matplotlib", "jinja2", "pydyf", "tinycss2", "cssselect2"}
INSTALL_HINT = (
    "install the reports extra (`pip install 'lanxi[reports]'`) and the system libraries "
    "(`bash scripts/ensure-report-deps.sh`: Pango, fonts-noto-cjk)"
)


class Fmt(StrEnum):
    """Formats of a report file."""

    pdf = "pdf"
    html = "html"
    xlsx = "xlsx"


class Lang(StrEnum):
    """Languages of a report."""

    zh = "zh"
    en = "en"


#: Empty values count as not given (the dashboard's forms send every field).
Text = Annotated[str | None, Query(max_length=100)]


def _as_of(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            [Problem("report", None, "as_of", "a date YYYY-MM-DD, e.g. 2025-12-31", value)]
        ) from None


@router.get("/reports", dependencies=[access()])
def kinds() -> dict[str, Any]:
    """The report kinds: title, the form of their period, their options, who may download them."""
    from lanxi.reports.i18n import t

    return {
        "formats": list(MEDIA_TYPES),
        "langs": ["zh", "en"],
        "kinds": [
            {
                "kind": k.kind,
                "title": {"zh": t(f"kind.{k.kind}", "zh"), "en": t(f"kind.{k.kind}", "en")},
                "period": k.period or None,
                "example_period": k.example or None,
                "params": list(k.params),
                "access": "anyone" if k.action is None else "signed-in roles except public",
            }
            for k in KIND_INFO.values()
        ],
    }


def _missing_extra(exc: BaseException) -> ConfigurationError:
    return ConfigurationError(
        f"report rendering is not available on this server ({exc}): {INSTALL_HINT}"
    )


@router.get(
    "/reports/{kind}",
    response_class=Response,
    responses={
        200: {
            "content": {m.split(";")[0]: {} for m in MEDIA_TYPES.values()},
            "description": "the report file (Content-Disposition: attachment)",
        }
    },
)
def download(
    request: Request,
    user: Annotated[Principal, access()],
    kind: Annotated[str, Path(max_length=40, description="a kind of GET /reports")],
    period: Annotated[str | None, Query(max_length=20, description="YYYY-MM, YYYYQn, YYYY")] = None,
    region: Text = None,
    as_of: Annotated[str | None, Query(max_length=10, description="YYYY-MM-DD")] = None,
    plan: Text = None,
    section: Text = None,
    lang: Lang = Lang.zh,
    format: Fmt = Fmt.pdf,
) -> Response:
    """One report as a file, built from the store's data as ``lanxi report KIND`` builds it.

    Anonymous callers may download the public summary and the environment bulletins; the
    progress report, the evaluations and the settlement statement need a signed-in role other
    than ``public``. A server without the ``reports`` extra answers 503 ``not_configured``.
    """
    info = KIND_INFO.get(kind)
    if info is None:
        raise NotFoundError(f"no report kind {kind!r}; use one of {', '.join(KIND_INFO)}")
    if info.action is not None:
        authorize(user, info.action)
    date = _as_of(as_of)
    period, region, plan, section = (v or None for v in (period, region, plan, section))
    try:
        from lanxi.reports import build_report, render_bytes

        with _builds:
            report = build_report(
                kind,
                period=period,
                region=region,
                as_of=date,
                lang=lang.value,
                plan=plan,
                section=section,
                url=str(request.app.state.database_url),
            )
            data = render_bytes(report, format.value)
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] in EXTRA_MODULES:
            raise _missing_extra(exc) from exc
        raise
    except OSError as exc:  # WeasyPrint without Pango: "cannot load library 'libpango…'"
        if "pango" in str(exc).lower() or "gobject" in str(exc).lower():
            raise _missing_extra(exc) from exc
        raise
    name = file_name(
        kind,
        format.value,
        period=period,
        as_of=date.isoformat() if date else None,
        plan=plan,
        region=region,
        lang=lang.value,
    )
    return Response(
        data,
        media_type=MEDIA_TYPES[format.value],
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )
