"""PDF of a report: WeasyPrint lays out the HTML of :mod:`lanxi.reports.render_html`.

Chinese text needs a CJK font installed on the system (Debian: ``fonts-noto-cjk``, which
``scripts/ensure-system-deps.sh`` installs); the stylesheet asks for Noto Sans CJK SC.
"""

from __future__ import annotations

from lanxi.errors import ConfigurationError
from lanxi.reports.content import Report
from lanxi.reports.render_html import render_html


def html_to_pdf(html: str) -> bytes:
    """PDF bytes of a self-contained HTML document (no network access: images are data URIs)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # pragma: no cover - depends on the environment
        raise ConfigurationError(
            "PDF reports need WeasyPrint and Pango: pip install 'lanxi[reports]' and "
            "`bash scripts/ensure-system-deps.sh`"
        ) from exc
    pdf = HTML(string=html, base_url=None).write_pdf()
    assert pdf is not None  # write_pdf returns bytes when no target is given
    return bytes(pdf)


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes (A4, page numbers, CJK font)."""
    return html_to_pdf(render_html(report))
