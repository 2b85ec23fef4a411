"""Rendering a report's context to PDF with WeasyPrint, through the static-only fetcher."""

from __future__ import annotations

from collections.abc import Callable

from django.template.loader import render_to_string
from weasyprint import HTML

from recommendations.reports.fetcher import REPORT_BASE_URL, StaticFilesOnlyFetcher, static_report_url

PDF_TEMPLATE = "reports/report_pdf.html"


def render_report_pdf(context: dict, *, on_progress: Callable[[int], None] = lambda percent: None) -> tuple[bytes, int]:
    """The PDF bytes and page count for a context of ``build_report_context``.

    ``on_progress`` is called with a percentage after each stage (the layout is the long one)."""
    html = render_to_string(
        PDF_TEMPLATE,
        {**context, "stylesheets": [static_report_url("css/report.css"), static_report_url("css/print.css")]},
    )
    on_progress(30)
    document = HTML(string=html, base_url=REPORT_BASE_URL, url_fetcher=StaticFilesOnlyFetcher()).render()
    on_progress(80)
    pdf = document.write_pdf()
    on_progress(95)
    return pdf, len(document.pages)
