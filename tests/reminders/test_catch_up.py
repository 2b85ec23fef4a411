"""Reminders that catch up (README, "Reminders"): each pass covers the days since the last
completed pass; a threshold crossed while no pass ran goes out once, late, saying so; one
more than WPS_REMINDER_LATE_LIMIT_DAYS late is told to the secretariat instead."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command
from django.utils import timezone

from recommendations.models import ProgressReport, Reminder, ReminderPass
from tests.reminders.conftest import run_day, sent_summary

FP, MISSION, EXPERT = "focalpoint@example.org", "mission@example.org", "expert@example.org"


def renewal(days_left: int, count: int) -> str:
    needs = "recommendation needs" if count == 1 else "recommendations need"
    return f"Mali: {days_left} days to the renewal of MINUSMA's mandate — {count} {needs} your update"


def test_renewal_digests_missed_on_t30_go_out_once_the_next_day_saying_they_are_late(demo):
    assert run_day(dt.date(2023, 5, 30)) == []
    # No pass on 31 May (T-30): the broker was down, say.
    sent = run_day(dt.date(2023, 6, 1))
    assert sent_summary(sent) == [(FP, renewal(29, 11)), (MISSION, renewal(29, 1))]
    for message in sent:
        assert "This reminder is 1 day late: no reminder pass ran on 31 May 2023." in message.body
        assert "<strong>This reminder is 1 day late: no reminder pass ran on 31 May 2023.</strong>" in (
            message.alternatives[0][0]
        )
    assert set(Reminder.objects.values_list("period", flat=True)) == {f"mandate-{demo.mandate.pk}:T-30"}
    assert run_day(dt.date(2023, 6, 1)) == []
    assert run_day(dt.date(2023, 6, 2)) == []


def test_council_report_missed_on_t21_is_requested_and_sent_on_t20(demo):
    assert run_day(dt.date(2023, 6, 8)) == []
    sent = run_day(dt.date(2023, 6, 10))
    assert sent_summary(sent) == [
        (EXPERT, "Mali: 20 days to the renewal of MINUSMA's mandate — the progress report for Council experts"),
    ]
    assert "This reminder is 1 day late: no reminder pass ran on 9 June 2023." in sent[0].body
    assert ProgressReport.objects.filter(requested_by__isnull=True).count() == 1
    assert run_day(dt.date(2023, 6, 10)) == []


def test_a_missed_weekly_digest_goes_out_late_once(demo):
    assert run_day(dt.date(2023, 6, 4)) == []  # Sunday
    sent = run_day(dt.date(2023, 6, 7))  # Monday 5 June was missed
    assert [m.subject for m in sent if m.to == [FP]] == [
        "Mali: 23 days to the renewal of MINUSMA's mandate — 11 recommendations are past due"
    ]
    assert all("This reminder is 2 days late: no reminder pass ran on 5 June 2023." in m.body for m in sent)
    assert run_day(dt.date(2023, 6, 8)) == []
    assert run_day(dt.date(2023, 6, 9)) != []  # T-21: the report
    assert len(run_day(dt.date(2023, 6, 12))) == 2  # the next Monday, on time


def test_too_late_reminders_are_told_to_the_secretariat_once(demo):
    assert run_day(dt.date(2023, 5, 20)) == []
    # Nothing ran from 21 May to 9 June: T-30 (31 May) is 10 days late, T-21 (9 June) and
    # the Monday digests of 5 June are within the limit.
    sent = run_day(dt.date(2023, 6, 10))
    summary = sent_summary(sent)
    missed = [m for m in sent if m.to == ["secretariat@example.org"]]
    assert [m.subject for m in missed] == [
        "Reminders not sent: 1 reminder fell due while no reminder pass ran (pass of 10 June 2023)"
    ]
    assert (EXPERT, "Mali: 20 days to the renewal of MINUSMA's mandate — the progress report for Council experts") in summary
    assert not [s for _, s in summary if "need your update" in s or "needs your update" in s]
    body = missed[0].body
    assert "- 31 May 2023: Mali (MINUSMA, S/RES/2640 (2022)): the 30-day renewal digests to focal points (too late to send)" in body
    assert "You get this email because you are a member of the secretariat." in body
    row = Reminder.objects.get(kind=Reminder.Kind.MISSED)
    assert (row.period, row.state) == ("pass:2023-06-10", Reminder.State.SENT)
    assert run_day(dt.date(2023, 6, 10)) == []


def test_the_first_pass_covers_only_its_day_and_a_pass_that_died_is_covered_again(demo):
    assert run_day(dt.date(2023, 6, 1)) == []  # T-30 was yesterday, but no pass ever ran before
    ReminderPass.objects.all().delete()
    ReminderPass.objects.create(day=dt.date(2023, 5, 30), covered_from=dt.date(2023, 5, 30), completed_at=timezone.now())
    ReminderPass.objects.create(day=dt.date(2023, 5, 31), covered_from=dt.date(2023, 5, 31))  # died
    assert len(run_day(dt.date(2023, 6, 1))) == 2
    last = ReminderPass.objects.order_by("-pk").first()
    assert (last.day, last.covered_from, last.sent, last.late, last.missed) == (
        dt.date(2023, 6, 1), dt.date(2023, 5, 31), 2, 2, 0
    )
    assert last.completed_at is not None


def test_command_and_dry_run_say_they_are_catching_up(demo):
    run_day(dt.date(2023, 5, 30))
    out = io.StringIO()
    call_command("send_reminders", today="2023-06-01", dry_run=True, stdout=out)
    assert "  catching up: no pass completed since before 31 May 2023" in out.getvalue()
    assert f"  would send: renewal to {FP} [mandate-{demo.mandate.pk}:T-30] {renewal(29, 11)}" in out.getvalue()
    assert ReminderPass.objects.count() == 1


def test_healthz_says_when_the_last_pass_completed(client, demo):
    assert client.get("/healthz").json()["last_reminder_pass"] is None
    run_day(dt.date(2023, 5, 30))
    completed = ReminderPass.objects.get().completed_at
    assert client.get("/healthz").json()["last_reminder_pass"] == completed.isoformat()
