"""The fault suite (README, "Reminders" and "Progress reports"): real workers, a real SMTP
server, a real broker, and each fault a tester would inflict. Every email is delivered once,
or, where the worker died mid-send, again with the same Message-ID; every report ends done
or failed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from kombu.exceptions import OperationalError

from recommendations.models import ProgressReport, Reminder, ReminderPass
from recommendations.reminders.services import run_daily_pass
from recommendations.reports import request_progress_report
from recommendations.tasks import recover_stuck_work_task, run_daily_pass_task
from tests.faults.conftest import HoldingInbox, needs_services, use_broker, wait_for

pytestmark = needs_services

T30 = "2023-05-31"
FP, MISSION = "focalpoint@example.org", "mission@example.org"


def _all_sent() -> bool:
    return Reminder.objects.exists() and not Reminder.objects.exclude(state=Reminder.State.SENT).exists()


def _one_each(inbox: HoldingInbox) -> list[tuple[str, str]]:
    delivered = inbox.delivered()
    by_id = {}
    for rcpt, subject, message_id in delivered:
        by_id.setdefault(message_id, set()).add((rcpt, subject))
    # Each Message-ID names one email; copies of it are the same email.
    assert all(len(v) == 1 for v in by_id.values()), delivered
    return sorted(next(iter(v)) for v in by_id.values())


def test_worker_killed_mid_send_resends_with_the_same_message_id(demo, faults):
    inbox = HoldingInbox(hold_first=True)
    faults.smtp(inbox)
    first = faults.worker()
    run_daily_pass_task.delay(T30)
    wait_for(inbox.holding.is_set, what="the first email to reach the SMTP server")
    first.kill()  # between the server receiving the message and the worker hearing "250"
    inbox.release.set()
    stuck = Reminder.objects.get(state=Reminder.State.SENDING)
    [(rcpt, _, held_id)] = inbox.delivered()
    assert rcpt == stuck.email and held_id == stuck.message_id

    faults.worker()
    # The other digest's task was still in the queue: the new worker sends it.
    wait_for(lambda: Reminder.objects.filter(state=Reminder.State.SENT).count() == 1)
    # Past WPS_REMINDER_STUCK_AFTER (2 s here), the beat task hands the stuck row on again.
    def recovered() -> bool:
        recover_stuck_work_task.delay()
        return _all_sent()

    wait_for(recovered, 30, "the stuck row's resend")

    delivered = inbox.delivered()
    assert len(delivered) == 3
    copies = [d for d in delivered if d[2] == stuck.message_id]
    assert len(copies) == 2 and copies[0] == copies[1]  # the same email, twice, recognisably
    assert [r for r, _ in _one_each(inbox)] == [FP, MISSION]
    stuck.refresh_from_db()
    assert (stuck.state, stuck.tries) == (Reminder.State.SENT, 2)


def test_broker_down_at_pass_time_is_caught_up_when_it_returns(demo, faults):
    inbox = HoldingInbox()
    faults.smtp(inbox)
    redis = faults.redis()
    use_broker(redis.url)
    # 30 May: a pass ran. 31 May (T-30): the broker is down; beat cannot even queue the pass.
    call_command("send_reminders", today="2023-05-30", verbosity=0)
    with pytest.raises(OperationalError):  # connection refused
        run_daily_pass_task.delay(T30)
    # A pass run by hand the same day makes its rows but cannot queue their sends: it is not
    # completed, and the rows wait.
    with pytest.raises(OperationalError):
        run_daily_pass(today=dt.date(2023, 5, 31), queue=True)
    assert not ReminderPass.objects.filter(day=dt.date(2023, 5, 31), completed_at__isnull=False).exists()
    # A report asked for meanwhile fails with a message, and can be asked again.
    report = request_progress_report(mandate=demo.mandate, audience="council", requested_by=demo.secretariat)
    assert report.state == ProgressReport.State.FAILED and report.error.startswith("It could not be queued")

    redis.start()
    use_broker(redis.url)
    faults.worker(broker=redis.url)
    run_daily_pass_task.delay("2023-06-01")
    again = request_progress_report(mandate=demo.mandate, audience="council", requested_by=demo.secretariat)
    wait_for(_all_sent, 60, "the caught-up digests")
    wait_for(lambda: ProgressReport.objects.get(pk=again.pk).state == ProgressReport.State.DONE, 90, "the report")
    assert _one_each(inbox) == sorted([
        (FP, "Mali: 30 days to the renewal of MINUSMA's mandate — 11 recommendations need your update"),
        (MISSION, "Mali: 30 days to the renewal of MINUSMA's mandate — 1 recommendation needs your update"),
    ])
    assert len(inbox.delivered()) == 2


def test_smtp_refusing_then_passes_at_once_deliver_each_digest_once(demo, faults):
    inbox = HoldingInbox()
    inbox.refusing = True
    faults.smtp(inbox)
    faults.worker()
    faults.worker()
    for _ in range(4):  # four beats at once
        run_daily_pass_task.delay(T30)
    wait_for(lambda: Reminder.objects.filter(tries__gte=1).count() == 2, 30, "the first tries")
    inbox.refusing = False  # the server is back before the retries (2 s, then 4 s) run out
    wait_for(_all_sent, 60, "the retried digests")
    assert len(inbox.delivered()) == 2
    assert [r for r, _ in _one_each(inbox)] == [FP, MISSION]
    assert Reminder.objects.count() == 2
