"""Printing the report page from the browser: the folded updates (<details>) print open
(static/js/app.js, on beforeprint) and fold back afterwards."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from recommendations.curation.services import record_status_update
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "Gender advisers deployed in Gao and Timbuktu."


def test_printing_opens_the_folded_updates(demo, new_page):
    record_status_update(
        recommendation=demo.recommendations[1], author=demo.focalpoint, status="in_progress",
        note=NOTE, visibility="shared",
    )
    page = new_page()
    sign_in(page, "expert", PASSWORD)
    page.goto(f"/mandates/{demo.mandate.pk}/report/")
    assert page.locator("details.report-updates").count() == 1
    assert page.locator("details.report-updates[open]").count() == 0
    assert not page.get_by_text(NOTE).is_visible()
    # Chromium's printing (what page.pdf() drives) fires beforeprint and afterprint.
    printed = PdfReader(io.BytesIO(page.pdf()))
    text = " ".join(p.extract_text() for p in printed.pages)
    assert NOTE in " ".join(text.split())
    assert page.locator("details.report-updates[open]").count() == 0  # folded again


def test_printing_a_page_of_the_report_says_the_pdf_holds_the_whole(demo, new_page):
    """Printed from the browser, a page of the report prints that page: it says which
    recommendations it holds and that the PDF holds them all."""
    from recommendations.reports.content import PAGE_RECOMMENDATIONS
    from tests.reports.conftest import grow_mali

    total = PAGE_RECOMMENDATIONS + 5
    grow_mali(demo, total)
    page = new_page()
    sign_in(page, "expert", PASSWORD)
    page.goto(f"/mandates/{demo.mandate.pk}/report/")
    printed = PdfReader(io.BytesIO(page.pdf()))
    text = " ".join(" ".join(p.extract_text() for p in printed.pages).split())
    assert (f"Page 1 of 2 of this web page: recommendations 1 to {PAGE_RECOMMENDATIONS} of {total}. Printing it "
            "prints this page only; the PDF version holds the whole report.") in text
    assert "Days to renewal" in text or "Renewal deadline passed" in text
    # Not the pager nor the screen's links.
    assert "Next page" not in text and "Download or generate the PDF" not in text
    page.goto(f"/mandates/{demo.mandate.pk}/report/?page=2")
    printed = PdfReader(io.BytesIO(page.pdf()))
    text = " ".join(" ".join(p.extract_text() for p in printed.pages).split())
    assert (f"Page 2 of 2 of this web page: recommendations {PAGE_RECOMMENDATIONS + 1} to {total} of {total}.") in text
    assert "Renewal deadline passed" not in text and "Annex: the paragraphs" in text
