"""The Content-Security-Policy in a real browser: no page logs a violation (Chromium reports
each one on the console), the API docs render with Redoc, and the reminder preview's emails
keep their styles."""

from __future__ import annotations

import pytest

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Redoc's "API docs by Redocly" logo comes from their CDN: refused, as anything from outside.
ALLOWED = ("Loading the image 'https://cdn.redoc.ly/",)


def _violations(messages):
    return [m for m in messages if "Content Security Policy" in m and not any(a in m for a in ALLOWED)]


def test_no_page_breaks_the_policy_and_redoc_and_the_preview_render(demo, new_page):
    page = new_page()
    messages = []
    page.on("console", lambda m: messages.append(m.text))
    sign_in(page, "secretariat", PASSWORD)
    rec, mandate = demo.recommendations[0], demo.mandate
    for url in ("/", "/recommendations/", f"/recommendations/{rec.pk}/", f"/mandates/{mandate.pk}/",
                f"/mandates/{mandate.pk}/report/", "/import/", "/people/", "/calendar/"):
        page.goto(url)
        page.wait_for_load_state("load")
    assert _violations(messages) == []

    page.goto("/api/v1/docs/")
    page.get_by_role("heading", name="WPS follow-up API (1)").wait_for(timeout=15_000)
    assert _violations(messages) == []  # else: the new hash is in this message, for REDOC_CSP

    page.goto("/reminders/preview/?date=2023-06-05")
    frame = page.frame_locator("iframe.preview-frame").first
    button = frame.get_by_role("link", name="Record an update").first
    # The emails' own colours (style attributes), not the browser's default link blue.
    assert button.evaluate("a => getComputedStyle(a).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert _violations(messages) == []
