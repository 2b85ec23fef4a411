"""Claim, send, retry: each digest leaves exactly once, through a real SMTP server on
loopback (aiosmtpd), whether the server refuses connections, answers with a temporary
failure, or a task is delivered twice."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command
from django.utils import timezone

from recommendations.models import Reminder
from recommendations.reminders.services import (
    claim_reminder,
    run_daily_pass,
    send_reminder,
)
from recommendations.tasks import run_daily_pass_task, send_reminder_task
from tests.reminders.conftest import Inbox, SMTPServer

T60 = dt.date(2023, 5, 1)
T30 = dt.date(2023, 5, 31)
FP, MISSION = "focalpoint@example.org", "mission@example.org"


def _command(day: dt.date) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("send_reminders", today=day.isoformat(), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _delivered(inbox: Inbox) -> list[tuple[str, str]]:
    # .strip(): the parser keeps the folding space before an encoded-word subject.
    return sorted((", ".join(rcpts), str(message["Subject"]).strip()) for rcpts, message in inbox.messages)


def test_smtp_refusing_then_accepting_delivers_each_digest_once(demo, smtp_settings):
    # Nothing listens on the port yet: connections are refused.
    out, err = _command(T60)
    assert out.splitlines()[-1] == "0 email(s) sent, 2 failed (the next pass retries them)."
    assert "Connection refused" in err or "ConnectionRefusedError" in err
    rows = list(Reminder.objects.order_by("email"))
    assert [(r.email, r.state, r.tries) for r in rows] == [
        (FP, Reminder.State.FAILED, 1), (MISSION, Reminder.State.FAILED, 1),
    ]
    assert all(r.last_error.startswith("ConnectionRefusedError") for r in rows)

    inbox = Inbox()
    server = SMTPServer(smtp_settings.EMAIL_PORT, inbox)
    server.start()
    try:
        # The next day's pass (no digest of its own) retries the failed rows.
        out, _ = _command(T60 + dt.timedelta(days=1))
        assert out.splitlines()[-1] == "2 email(s) sent, 0 failed (the next pass retries them)."
        for day in (T60, T60 + dt.timedelta(days=1), T60 + dt.timedelta(days=2)):
            out, _ = _command(day)
            assert out.splitlines()[-1] == "0 email(s) sent, 0 failed (the next pass retries them)."
    finally:
        server.stop()
    assert _delivered(inbox) == [
        (FP, "Mali: 60 days to the renewal of MINUSMA's mandate — 11 recommendations need your update"),
        (MISSION, "Mali: 60 days to the renewal of MINUSMA's mandate — 1 recommendation needs your update"),
    ]
    rows = list(Reminder.objects.order_by("email"))
    assert [(r.state, r.tries, r.last_error) for r in rows] == [(Reminder.State.SENT, 2, "")] * 2
    # The delivered message: both parts, the link, the reference.
    _, message = next(m for m in inbox.messages if m[0] == [FP])
    assert message["To"] == FP
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    r01 = demo.recommendations[0]
    assert "MLI-2023-03-R01 — Not started\r\n" in text
    assert f"http://testserver/recommendations/{r01.pk}/" in text and f"http://testserver/recommendations/{r01.pk}/" in html


def test_task_retries_temporary_smtp_failures_with_backoff(demo, smtp_settings, django_capture_on_commit_callbacks):
    """A 451 answer twice, then 250: the Celery task (eager here) retries and the digest
    goes out once, on the third try."""
    inbox = Inbox(refuse=2)
    server = SMTPServer(smtp_settings.EMAIL_PORT, inbox)
    server.start()
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            run_daily_pass(today=T30, queue=True)
        assert len(callbacks) == 2  # one send task per digest, queued on commit
    finally:
        server.stop()
    assert sorted(rcpts[0] for rcpts, _ in inbox.messages) == [FP, MISSION]
    rows = {r.email: r for r in Reminder.objects.all()}
    # The first digest took three tries (two refusals), the other one.
    assert sorted(r.tries for r in rows.values()) == [1, 3]
    assert {r.state for r in rows.values()} == {Reminder.State.SENT}


def test_task_gives_up_after_max_tries_and_the_next_pass_retries(demo, smtp_settings, settings,
                                                                django_capture_on_commit_callbacks):
    settings.WPS_REMINDER_MAX_TRIES = 3
    with django_capture_on_commit_callbacks(execute=True):
        run_daily_pass_task(T30.isoformat())
    rows = list(Reminder.objects.all())
    assert [(r.state, r.tries) for r in rows] == [(Reminder.State.FAILED, 3)] * 2
    assert all("Connection refused" in r.last_error for r in rows)

    inbox = Inbox()
    server = SMTPServer(smtp_settings.EMAIL_PORT, inbox)
    server.start()
    try:
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                run_daily_pass_task((T30 + dt.timedelta(days=1)).isoformat())
    finally:
        server.stop()
    assert sorted(rcpts[0] for rcpts, _ in inbox.messages) == [FP, MISSION]
    assert [(r.state, r.tries) for r in Reminder.objects.all()] == [(Reminder.State.SENT, 4)] * 2


def test_redelivered_task_sends_nothing_more(demo, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = run_daily_pass(today=T30, queue=True)
    assert len(smtp_server.handler.messages) == 2
    for pk in result.to_send:
        assert send_reminder_task.delay(pk).get() is False
    assert len(smtp_server.handler.messages) == 2


def test_claim_is_taken_once(demo):
    result = run_daily_pass(today=T30, queue=False)
    pk = result.to_send[0]
    assert claim_reminder(reminder_id=pk) is True
    assert claim_reminder(reminder_id=pk) is False
    assert send_reminder(reminder_id=pk) is False
    row = Reminder.objects.get(pk=pk)
    assert (row.state, row.tries) == (Reminder.State.SENDING, 1)


def test_row_stuck_in_sending_is_resent_with_the_same_message_id(demo, smtp_server, settings):
    """At least once, recognisably: a worker that died after claiming may have sent the
    email; once the row has been "sending" for WPS_REMINDER_STUCK_AFTER, the next pass sends
    it again with the Message-ID fixed at the first claim. A live send is never taken over."""
    result = run_daily_pass(today=T30, queue=False)
    pk = result.to_send[0]
    assert claim_reminder(reminder_id=pk)
    first_id = Reminder.objects.get(pk=pk).message_id
    assert first_id.startswith("<") and first_id.endswith("@example.org>")
    # Claimed a minute ago: a live worker may still be talking to the SMTP server.
    Reminder.objects.filter(pk=pk).update(claimed_at=timezone.now() - dt.timedelta(minutes=1))
    out, err = _command(T30)
    assert out.splitlines()[-1] == "1 email(s) sent, 0 failed (the next pass retries them)."
    assert Reminder.objects.get(pk=pk).state == Reminder.State.SENDING
    # Past the limit: its worker is dead.
    Reminder.objects.filter(pk=pk).update(
        claimed_at=timezone.now() - dt.timedelta(seconds=settings.WPS_REMINDER_STUCK_AFTER + 1)
    )
    out, err = _command(T30)
    row = Reminder.objects.get(pk=pk)
    assert f"resent with its first Message-ID (its worker died mid-send): {row.kind} to {row.email}" in err
    assert out.splitlines()[-1] == "1 email(s) sent, 0 failed (the next pass retries them)."
    assert (row.state, row.tries, row.message_id) == (Reminder.State.SENT, 2, first_id)
    [resent] = [m for rcpts, m in smtp_server.handler.messages if rcpts == [row.email]]
    assert resent["Message-ID"] == first_id
    assert len(smtp_server.handler.messages) == 2
    assert _command(T30)[0].splitlines()[-1] == "0 email(s) sent, 0 failed (the next pass retries them)."


def test_beat_schedule_runs_the_daily_pass_once_a_day_at_the_configured_hour(settings):
    from wpsfollowup.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["daily-pass"]
    assert entry["task"] == run_daily_pass_task.name and entry["task"] in app.tasks
    assert entry["schedule"].hour == {settings.WPS_DAILY_PASS_HOUR}
    assert entry["schedule"].minute == {0}
    assert app.conf.timezone == settings.TIME_ZONE
