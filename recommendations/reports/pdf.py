"""Rendering a report's context to PDF with WeasyPrint, through the static-only fetcher."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from recommendations.reports.fetcher import (
    REPORT_BASE_URL,
    StaticFilesOnlyFetcher,
    find_static_file,
    static_report_url,
)

PDF_TEMPLATE = "reports/report_pdf.html"
# The standard report is PDF/UA-1: tagged (a structure tree a screen reader follows), with its
# title shown as the window title and its language declared. The archive version is PDF/A-3a:
# the same tags, fonts embedded and nothing that depends on outside resources, for keeping.
STANDARD_VARIANT = "pdf/ua-1"
ARCHIVE_VARIANT = "pdf/a-3a"
VARIANTS = {"standard": STANDARD_VARIANT, "archive": ARCHIVE_VARIANT}
# The report's stylesheets, in cascade order (the same two the HTML page links to).
PDF_STYLESHEETS = ("css/report.css", "css/print.css")


class _RenderKit(threading.local):
    """What every render would otherwise build again and that never changes at run time:
    a Fontconfig/Pango font configuration (its fonts, once loaded, stay loaded) and the
    parsed stylesheets (parsing and compiling their selectors is a fixed cost per document).

    One per thread: Pango font maps are not safe to share between threads. A stylesheet is
    parsed again when its file changes (``runserver`` edits), keyed by its modification time.
    Stylesheets are read through the same static-only fetcher as the document, so anything
    they refer to is served from the app's static files or not at all."""

    def __init__(self) -> None:
        self.font_config = FontConfiguration()
        self.stylesheets: dict[str, tuple[tuple[str, int], CSS]] = {}

    def stylesheet(self, relative: str) -> CSS:
        path = find_static_file(relative)
        if path is None:
            raise FileNotFoundError(f"The report stylesheet {relative!r} is not among the static files.")
        key = (str(path), path.stat().st_mtime_ns)
        cached = self.stylesheets.get(relative)
        if cached is None or cached[0] != key:
            css = CSS(
                url=static_report_url(relative), url_fetcher=StaticFilesOnlyFetcher(),
                font_config=self.font_config,
            )
            cached = self.stylesheets[relative] = (key, css)
        return cached[1]


_kit = _RenderKit()


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


def render_report_pdf(
    context: dict, *, on_progress: Callable[[int], None] = lambda percent: None, variant: str = "standard",
) -> tuple[bytes, int]:
    """The PDF bytes and page count for a context of ``build_report_context``.

    ``variant``: "standard" (PDF/UA-1) or "archive" (PDF/A-3a); see VARIANTS. ``on_progress``
    is called with a percentage after each stage (the layout is the long one)."""
    pdf_variant = VARIANTS[variant]
    html = render_to_string(PDF_TEMPLATE, {**context, "is_pdf": True})
    stylesheets = [_kit.stylesheet(relative) for relative in PDF_STYLESHEETS]
    on_progress(30)
    with _no_cyclic_gc():
        document = HTML(string=html, base_url=REPORT_BASE_URL, url_fetcher=StaticFilesOnlyFetcher()).render(
            font_config=_kit.font_config, stylesheets=stylesheets,
        )
        on_progress(80)
        pdf = document.write_pdf(pdf_variant=pdf_variant)
    on_progress(95)
    return pdf, len(document.pages)
