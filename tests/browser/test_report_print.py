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
