"""Rendering a report's context to PDF with WeasyPrint, through the static-only fetcher."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.template.loader import render_to_string
from weasyprint import HTML

from recommendations.reports.fetcher import REPORT_BASE_URL, StaticFilesOnlyFetcher, static_report_url

PDF_TEMPLATE = "reports/report_pdf.html"


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Layout makes hundreds of thousands of small objects that all live until the PDF is
    written; Python's cyclic collector would scan them over and over (a sixth of the render
    time on a long report). The collector is paused for the render and resumed after,
    whatever happens; what the render leaves in cycles goes at its next pass."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render_report_pdf(context: dict, *, on_progress: Callable[[int], None] = lambda percent: None) -> tuple[bytes, int]:
    """The PDF bytes and page count for a context of ``build_report_context``.

    ``on_progress`` is called with a percentage after each stage (the layout is the long one)."""
    html = render_to_string(
        PDF_TEMPLATE,
        {**context, "stylesheets": [static_report_url("css/report.css"), static_report_url("css/print.css")]},
    )
    on_progress(30)
    with _no_cyclic_gc():
        document = HTML(string=html, base_url=REPORT_BASE_URL, url_fetcher=StaticFilesOnlyFetcher()).render()
        on_progress(80)
        pdf = document.write_pdf()
    on_progress(95)
    return pdf, len(document.pages)
