"""Reports that never hang: a version that cannot be queued is failed with a message the
page shows, and can be asked again; one that stops progressing is retried once, then
failed; the page never says "being generated" about a dead job."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone

from recommendations.models import ProgressReport
from recommendations.reports import create_progress_report, recover_stalled_reports
from recommendations.reports.services import NOT_QUEUED
from wpsfollowup.celery import app

pytestmark = pytest.mark.django_db


def _reset_pools() -> None:
    # The connection and producer pools keep the broker URL they were made with: drop them
    # (not close: kombu's registry would hand the closed ones out again).
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """Celery as in production (through the broker), the broker a port where nothing listens."""
    previous = app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_write_url
    app.conf.task_always_eager = False
    app.conf.broker_url = app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    _reset_pools()
    yield
    app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_write_url = previous
    _reset_pools()


def _stall(report: ProgressReport, settings, *, attempts: int, progress: int = 30) -> None:
    ago = timezone.now() - dt.timedelta(seconds=settings.WPS_REPORT_STALLED_AFTER + 1)
    ProgressReport.objects.filter(pk=report.pk).update(
        state=ProgressReport.State.RUNNING, progress=progress, progressed_at=ago, attempts=attempts
    )


@pytest.mark.parametrize("persona", ["secretariat", "expert"])
def test_a_request_the_broker_refuses_is_failed_with_a_message_and_can_be_asked_again(
    personas, client, broker_down, persona, django_capture_on_commit_callbacks
):
    client.force_login(getattr(personas, persona))
    page = f"/mandates/{personas.mandate.pk}/"
    started = time.monotonic()
    # The test's transaction never commits: run the on-commit queueing as a commit would.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/mandates/{personas.mandate.pk}/report/generate/", {"audience": "council", "next": page}
        )
    assert time.monotonic() - started < 15
    report = ProgressReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{page}#report-{report.pk}"
    assert (report.state, report.error) == (ProgressReport.State.FAILED, NOT_QUEUED)
    html = client.get(page).content.decode()
    assert f"<strong class=\"report-error\">Failed</strong>: <span class=\"report-error\">{NOT_QUEUED}</span>" in html
    assert "Try again" in html
    assert "being generated" not in html
    status = client.get(f"/reports/{report.pk}/status.json").json()
    assert (status["state"], status["error"]) == ("failed", NOT_QUEUED)


def test_a_stalled_version_is_retried_once_and_then_failed(demo, settings, client):
    report = create_progress_report(mandate=demo.mandate, audience="council", requested_by=demo.secretariat)
    _stall(report, settings, attempts=1)
    client.force_login(demo.secretariat)
    page = client.get(f"/mandates/{demo.mandate.pk}/").content.decode()
    assert "being generated" not in page and "Generating" not in page
    assert "it stopped progressing at 30% and will be retried automatically" in page
    assert client.get(f"/reports/{report.pk}/status.json").json()["state_label"] == "Stopped (it will be retried)"

    # The beat task's recovery (eager here: the retry renders at once).
    assert recover_stalled_reports() == ([report.pk], [])
    report.refresh_from_db()
    assert (report.state, report.progress, report.attempts) == (ProgressReport.State.DONE, 100, 2)

    second = create_progress_report(mandate=demo.mandate, audience="council", requested_by=demo.secretariat)
    _stall(second, settings, attempts=2, progress=80)
    assert recover_stalled_reports() == ([], [second.pk])
    second.refresh_from_db()
    assert second.state == ProgressReport.State.FAILED
    assert second.error == "It stopped progressing at 80% twice; ask for a new version."
    # Shown to everyone who may see the version: it names no server path.
    client.force_login(demo.expert)
    assert client.get(f"/reports/{second.pk}/status.json").json()["error"] == second.error


def test_a_live_version_is_left_alone(demo, settings):
    report = create_progress_report(mandate=demo.mandate, audience="council", requested_by=demo.secretariat)
    ProgressReport.objects.filter(pk=report.pk).update(
        state=ProgressReport.State.RUNNING, progress=30, progressed_at=timezone.now(), attempts=1
    )
    assert recover_stalled_reports() == ([], [])
    assert ProgressReport.objects.get(pk=report.pk).state == ProgressReport.State.RUNNING
