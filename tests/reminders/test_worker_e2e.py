"""End to end with real parts: a Celery worker consuming from Redis runs the daily pass,
which queues one send task per digest; the worker sends through a real SMTP server on
loopback; the delivered messages are read back.

Runs when CELERY_BROKER_URL is a redis:// URL (CI's PostgreSQL + Redis run); for a local
run: CELERY_BROKER_URL=redis://127.0.0.1:6379/12 .venv/bin/pytest tests/reminders."""

from __future__ import annotations

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker

from recommendations.models import Reminder
from recommendations.tasks import run_daily_pass_task
from tests.reminders.conftest import Inbox, SMTPServer
from wpsfollowup.celery import app

BROKER = os.environ.get("CELERY_BROKER_URL", "")

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(
        not BROKER.startswith("redis://"), reason="needs a Redis broker: set CELERY_BROKER_URL=redis://..."
    ),
]


def _wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the worker")


@pytest.fixture
def real_celery():
    """The app as in production: tasks go through the broker, not run in the caller."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(app.conf.task_default_queue)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING"):
            yield app
    finally:
        app.conf.task_always_eager = eager


def test_worker_sends_digests_through_redis_and_smtp(transactional_db, demo, smtp_settings, real_celery):
    inbox = Inbox()
    server = SMTPServer(smtp_settings.EMAIL_PORT, inbox)
    server.start()
    try:
        run_daily_pass_task.delay("2023-05-31")
        _wait_for(lambda: len(inbox.messages) >= 2)
        # The same day again (a second beat, a redelivery), then another day as a marker:
        # the solo worker runs them in order, so once the marker's emails are in, the repeat
        # has been handled.
        run_daily_pass_task.delay("2023-05-31")
        run_daily_pass_task.delay("2023-06-05")  # a Monday: the overdue digests
        _wait_for(lambda: len(inbox.messages) >= 4)
        _wait_for(lambda: not Reminder.objects.exclude(state=Reminder.State.SENT).exists())
    finally:
        server.stop()

    subjects = sorted((rcpts[0], str(m["Subject"]).strip()) for rcpts, m in inbox.messages)
    assert subjects == [
        ("focalpoint@example.org", "Mali: 25 days to the renewal of MINUSMA's mandate — 11 recommendations are past due"),
        ("focalpoint@example.org", "Mali: 30 days to the renewal of MINUSMA's mandate — 11 recommendations need your update"),
        ("mission@example.org", "Mali: 25 days to the renewal of MINUSMA's mandate — 1 recommendation is past due"),
        ("mission@example.org", "Mali: 30 days to the renewal of MINUSMA's mandate — 1 recommendation needs your update"),
    ]
    _, message = next(
        (r, m) for r, m in inbox.messages if r == ["mission@example.org"] and "30 days" in str(m["Subject"])
    )
    assert message["To"] == "mission@example.org"
    r03 = demo.recommendations[2]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "MLI-2023-03-R03 — Not started" in text
    assert f"http://testserver/recommendations/{r03.pk}/" in text
    assert f'href="http://testserver/recommendations/{r03.pk}/"' in html
    assert Reminder.objects.count() == 4
    assert set(Reminder.objects.values_list("tries", flat=True)) == {1}
