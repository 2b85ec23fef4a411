"""The progress of a version in a real browser: static/js/report-progress.js moves the bar
as the worker records progress, and the page reloads to the download link when it is done."""

from __future__ import annotations

import pytest

from recommendations.models import ProgressReport
from recommendations.reports import generate_progress_report
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_progress_bar_follows_the_worker_and_ends_on_the_download_link(demo, new_page):
    report = ProgressReport.objects.create(
        mandate=demo.mandate, audience="council", requested_by=demo.expert, state="running", progress=30
    )
    page = new_page()
    sign_in(page, "expert", PASSWORD)
    page.goto(f"/mandates/{demo.mandate.pk}/report/")
    bar = page.locator(f"#report-{report.pk} progress")
    assert bar.get_attribute("value") == "30"

    ProgressReport.objects.filter(pk=report.pk).update(progress=60)
    page.wait_for_function(
        "id => document.querySelector(`#report-${id} progress`).value === 60", arg=report.pk, timeout=10_000
    )
    assert page.locator(f"#report-{report.pk} .report-state").inner_text() == "Generating: 60%"

    generate_progress_report(report_id=report.pk)
    link = page.locator(f"#report-{report.pk} a", has_text="Download PDF")
    link.wait_for(timeout=10_000)
    assert link.get_attribute("href") == f"/reports/{report.pk}/download/"
    assert page.locator("progress").count() == 0
