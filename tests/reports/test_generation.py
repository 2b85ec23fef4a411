"""Versions generated in the background: progress, state, stored file and its hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recommendations.models import Mandate, ProgressReport
from recommendations.reports import generate_progress_report, request_progress_report
from tests import factories
from tests.reports.conftest import SHARED_NOTE, pdf_pages, pdf_text

pytestmark = pytest.mark.django_db


def test_request_queues_the_task_on_commit_and_it_runs_to_100(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = request_progress_report(mandate=demo.mandate, audience="council", requested_by=demo.secretariat)
    # Nothing is rendered before the row is committed.
    assert ProgressReport.objects.get(pk=report.pk).state == "queued"
    assert len(callbacks) == 1

    with CaptureQueriesContext(connection) as ctx:
        callbacks[0]()  # the task, eager (CELERY_TASK_ALWAYS_EAGER)
    # Each step is its own statement, committed as it goes so a poller sees it.
    progress = [int(m) for q in ctx.captured_queries for m in re.findall(r'"progress" = (\d+)', q["sql"])]
    assert progress == [5, 20, 30, 80, 95, 100]

    report.refresh_from_db()
    assert (report.state, report.progress, report.error) == ("done", 100, "")
    assert report.requested_by == demo.secretariat and report.finished_at is not None
    assert report.file.name == f"reports/{demo.mandate.pk}/s-res-2640-2022-council-v{report.pk}.pdf"
    stored = report.file.read()
    assert stored.startswith(b"%PDF-")
    assert hashlib.sha256(stored).hexdigest() == report.sha256
    assert "For Council experts" in pdf_pages(stored)[0]


def test_every_version_is_kept(demo):
    first = request_progress_report(mandate=demo.mandate, audience="council", requested_by=demo.expert)
    second = request_progress_report(mandate=demo.mandate, audience="council", requested_by=demo.expert)
    for report in (first, second):
        generate_progress_report(report_id=report.pk)
    first.refresh_from_db(), second.refresh_from_db()
    assert first.state == second.state == "done"
    assert first.file.name != second.file.name
    assert ProgressReport.objects.filter(mandate=demo.mandate).count() == 2


def test_a_redelivered_task_does_nothing_to_a_finished_version(demo):
    report = request_progress_report(mandate=demo.mandate, audience="council", requested_by=None)
    generate_progress_report(report_id=report.pk)
    report.refresh_from_db()
    with CaptureQueriesContext(connection) as ctx:
        again = generate_progress_report(report_id=report.pk)
    assert (again.state, again.sha256, again.file.name) == ("done", report.sha256, report.file.name)
    assert len(ctx.captured_queries) == 2  # the refused claim and the read


def test_a_failing_render_is_recorded_and_shown(demo, settings, tmp_path, client):
    # MEDIA_ROOT is a file, not a folder: storing the PDF fails, for real.
    blocker = tmp_path / "media-is-a-file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker
    report = request_progress_report(mandate=demo.mandate, audience="council", requested_by=demo.secretariat)
    report = generate_progress_report(report_id=report.pk)
    assert report.state == "failed"
    assert report.sha256 == "" and not report.file
    assert report.error.startswith(("NotADirectoryError", "FileExistsError"))
    assert report.finished_at is not None

    client.force_login(demo.secretariat)
    status = client.get(f"/reports/{report.pk}/status.json").json()
    assert status["state"] == "failed" and status["state_label"] == "Failed"
    assert status["error"] == report.error and status["download_url"] is None
    page = client.get(f"/mandates/{demo.mandate.pk}/report/").content.decode()
    assert f'<tr id="report-{report.pk}">' in page
    assert '<strong class="report-error">Failed</strong>' in page
    assert "NotADirectoryError" in page or "FileExistsError" in page
    assert client.get(f"/reports/{report.pk}/download/").status_code == 404

    # A Council expert is told it failed, without the server's details.
    client.force_login(demo.expert)
    status = client.get(f"/reports/{report.pk}/status.json").json()
    assert status["error"] == "Generation failed."
    page = client.get(f"/mandates/{demo.mandate.pk}/report/").content.decode()
    assert '<strong class="report-error">Failed</strong>' in page
    assert "Error" not in page.split('id="reports"')[1]


def test_progress_is_shown_while_generating(demo, client):
    report = ProgressReport.objects.create(
        mandate=demo.mandate, audience="council", requested_by=demo.expert, state="running", progress=30
    )
    client.force_login(demo.expert)
    page = client.get(f"/mandates/{demo.mandate.pk}/report/").content.decode()
    assert "Generating: 30%" in page
    assert '<progress max="100" value="30">30%</progress>' in page
    assert "Refresh this page</a> to see its progress." in page
    assert "js/report-progress.js" in page
    assert client.get(f"/reports/{report.pk}/status.json").json() == {
        "id": report.pk, "state": "running", "state_label": "Generating", "progress": 30,
        "download_url": None, "sha256": None,
    }


def test_generate_report_command(demo, tmp_path, with_updates):
    out = tmp_path / "mali.pdf"
    call_command("generate_report", "--mandate", "S/RES/2640 (2022)", "--audience", "council", "--output", str(out))
    data = out.read_bytes()
    report = ProgressReport.objects.get()
    assert (report.state, report.audience, report.requested_by) == ("done", "council", None)
    assert hashlib.sha256(data).hexdigest() == report.sha256
    assert SHARED_NOTE in pdf_text(data)
    assert "Internal note Kidal" not in pdf_text(data)


@pytest.fixture
def mandate_2640(db):
    """The one mandate the argument checks need (the whole demo is not)."""
    mali = factories.make_situation("Mali", "MLI")
    return Mandate.objects.create(
        symbol="S/RES/2640 (2022)", number=2640, year=2022, mission="MINUSMA", situation=mali,
        expires_on=dt.date(2023, 6, 30),
    )


@pytest.mark.parametrize(
    "args,message",
    [
        (["--mandate", "S/RES/9999 (2030)", "--audience", "council"], "No mandate 'S/RES/9999 (2030)'. Known mandates: S/RES/2640 (2022)."),
        (["--mandate", "S/RES/2640 (2022)", "--audience", "public"], "Unknown audience 'public': use council or secretariat."),
    ],
)
def test_generate_report_command_refuses_bad_input(mandate_2640, tmp_path, args, message):
    out = tmp_path / "x.pdf"
    with pytest.raises(CommandError) as excinfo:
        call_command("generate_report", *args, "--output", str(out))
    assert str(excinfo.value) == message
    assert not out.exists()
    assert ProgressReport.objects.count() == 0


def test_generate_report_command_refuses_a_missing_folder(mandate_2640, tmp_path):
    with pytest.raises(CommandError, match=r"the folder .* does not exist"):
        call_command("generate_report", "--mandate", "S/RES/2640 (2022)", "--audience", "council",
                     "--output", str(tmp_path / "nope" / "x.pdf"))
    assert ProgressReport.objects.count() == 0


def test_rendering_leaves_the_garbage_collector_as_it_found_it(demo):
    import gc

    from recommendations.reports import build_report_context
    from recommendations.reports.pdf import render_report_pdf
    from tests.reports.conftest import REPORT_DAY

    context = build_report_context(mandate=demo.mandate, audience="council", today=REPORT_DAY)
    assert gc.isenabled()
    render_report_pdf(context)
    assert gc.isenabled()
