"""Report downloads: every kind in every format, the media types, validation, access, no extra."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from tests.api.conftest import login

from lanxi.reports.catalogue import KIND_INFO, MEDIA_TYPES
from lanxi.reports.i18n import t

INTERNAL = {"compensation", "progress", "midterm", "summary"}


def _query(kind: str, fmt: str, lang: str = "zh") -> dict[str, str]:
    q = {"format": fmt, "lang": lang}
    if KIND_INFO[kind].example:
        q["period"] = KIND_INFO[kind].example
    return q


def test_the_kinds_are_listed(sqlite_client: TestClient) -> None:
    r = sqlite_client.get("/api/v1/reports")
    assert r.status_code == 200
    body = r.json()
    assert body["formats"] == ["pdf", "html", "xlsx"]
    kinds = {k["kind"]: k for k in body["kinds"]}
    assert list(kinds) == [
        "water-monthly",
        "water-warnings",
        "water-annual",
        "air-annual",
        "compensation",
        "progress",
        "midterm",
        "summary",
        "public",
    ]
    assert kinds["water-monthly"]["period"] == "YYYY-MM"
    assert kinds["water-warnings"]["period"] == "YYYYQn"
    assert kinds["midterm"]["period"] is None
    assert kinds["air-annual"]["title"]["zh"] == "年度环境空气质量报告"
    assert {k for k, v in kinds.items() if v["access"] != "anyone"} == INTERNAL


@pytest.mark.parametrize("fmt", ["html", "xlsx"])
@pytest.mark.parametrize("kind", list(KIND_INFO))
def test_every_kind_downloads(sqlite_client: TestClient, kind: str, fmt: str) -> None:
    if kind in INTERNAL:
        login(sqlite_client, "demo_gansu")
    lang = "en" if fmt == "html" and kind in {"water-annual", "public"} else "zh"
    r = sqlite_client.get(f"/api/v1/reports/{kind}", params=_query(kind, fmt, lang))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == MEDIA_TYPES[fmt]
    disposition = r.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="' + kind)
    assert disposition.endswith(f'-{lang}.{fmt}"')
    title = t(f"kind.{kind}", lang)  # type: ignore[arg-type]
    if fmt == "html":
        assert r.text.startswith("<!doctype html>") or r.text.lower().startswith("<!doctype html>")
        assert title in r.text
    else:
        wb = load_workbook(io.BytesIO(r.content), read_only=True)
        assert len(wb.sheetnames) >= 3  # cover, one sheet per section, sources
        cells = [c for row in wb[wb.sheetnames[0]].iter_rows(values_only=True) for c in row]
        assert title in cells


def test_one_pdf_download(sqlite_client: TestClient, tmp_path: Path) -> None:
    r = sqlite_client.get("/api/v1/reports/public", params={"period": "2025", "format": "pdf"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == 'attachment; filename="public-2025-zh.pdf"'
    assert r.content.startswith(b"%PDF-")
    pdf = tmp_path / "public.pdf"
    pdf.write_bytes(r.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "公众版" in text


def _error(r: object, status: int, code: str) -> dict[str, object]:
    assert getattr(r, "status_code") == status, getattr(r, "text")  # noqa: B009
    body = getattr(r, "json")()  # noqa: B009
    assert set(body) == {"error"}
    assert body["error"]["status"] == status and body["error"]["code"] == code
    return dict(body["error"])


def test_bad_input_is_refused_with_the_error_shape(sqlite_client: TestClient) -> None:
    c = sqlite_client
    err = _error(c.get("/api/v1/reports/weather", params={"format": "html"}), 404, "not_found")
    assert "water-monthly" in str(err["message"])  # names the kinds there are
    err = _error(
        c.get("/api/v1/reports/water-monthly", params={"period": "2025-13", "format": "html"}),
        422,
        "validation_error",
    )
    problems = err["problems"]
    assert isinstance(problems, list) and problems[0]["value"] == "2025-13"
    assert "YYYY-MM" in problems[0]["message"]
    err = _error(
        c.get("/api/v1/reports/water-annual", params={"period": "2025", "format": "docx"}),
        422,
        "invalid_request",
    )
    assert err["problems"][0]["field"] == "query.format"  # type: ignore[index]
    err = _error(
        c.get("/api/v1/reports/public", params={"as_of": "2025-02-30", "format": "html"}),
        422,
        "validation_error",
    )
    assert err["problems"][0]["field"] == "as_of"  # type: ignore[index]
    _error(
        c.get("/api/v1/reports/public", params={"lang": "fr", "format": "html"}),
        422,
        "invalid_request",
    )


@pytest.mark.parametrize("kind", sorted(INTERNAL))
def test_anonymous_is_refused_the_internal_reports(sqlite_client: TestClient, kind: str) -> None:
    r = sqlite_client.get(f"/api/v1/reports/{kind}", params=_query(kind, "html"))
    err = _error(r, 401, "unauthenticated")
    # the report was asked for in Chinese (lang=zh): the message in Chinese, the English beside it
    assert str(err["message"]).startswith("请先登录：") and "规划办公室" in str(err["message"])
    assert "plan offices" in str(err["message_en"])
    en = sqlite_client.get(f"/api/v1/reports/{kind}", params=_query(kind, "html", lang="en"))
    assert "plan offices" in str(_error(en, 401, "unauthenticated")["message"])


def test_no_reports_extra_is_a_clear_503(
    sqlite_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` fails
    r = sqlite_client.get("/api/v1/reports/water-annual", params={"period": "2025"})
    err = _error(r, 503, "not_configured")
    assert "lanxi[reports]" in str(err["message"])


def test_public_role_is_refused_the_internal_reports(
    fresh_app: Callable[[], TestClient], write_url: str
) -> None:
    from lanxi.services import auth as auth_svc
    from lanxi.services.monitoring.permissions import Grant, Role, ensure_user, system_principal
    from lanxi.services.store import session

    system = system_principal("test")
    with session(write_url) as s:
        ensure_user(s, "citizen", [Grant(Role.PUBLIC)], actor=system)
        auth_svc.set_password(s, "citizen", "reads-approved-data-1", actor=system)
    c = fresh_app()
    login(c, "citizen", "reads-approved-data-1")
    for kind in sorted(INTERNAL):
        err = _error(
            c.get(f"/api/v1/reports/{kind}", params=_query(kind, "html")), 403, "forbidden"
        )
        # asked for in Chinese (lang=zh): the reason in Chinese, the English beside it
        assert "供规划办公室各角色使用" in str(err["message"])
        assert "public role" in str(err["message_en"])
    # the page shows the sign-in note, not the forms, to the public role too
    assert c.get("/reports").text.count('action="/api/v1/reports/') == len(KIND_INFO) - len(
        INTERNAL
    )
