"""Two passes at once (two beat processes, or beat and a person running the command): each
email still leaves once. Real concurrency needs a database with row locks and concurrent
writers: PostgreSQL (the second CI run). SQLite serialises writers on one file, so there is
nothing to race there."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections

from recommendations.models import ProgressReport, Reminder

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent writers")

def _passes_at_once(day: dt.date, runners: int = 2) -> list[BaseException]:
    barrier = threading.Barrier(runners)
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait(timeout=30)
            call_command("send_reminders", today=day.isoformat(), stdout=io.StringIO(), stderr=io.StringIO())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(runners)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return errors


@pytest.mark.parametrize("runners", [2, 4])
def test_passes_at_once_send_each_digest_once(transactional_db, demo, runners):
    for day in (dt.date(2023, 5, 1), dt.date(2023, 5, 31), dt.date(2023, 6, 5)):
        assert _passes_at_once(day, runners) == []
    got = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert len(got) == 6
    assert len(set(got)) == 6, f"sent twice: {got}"
    assert Reminder.objects.filter(state=Reminder.State.SENT).count() == 6
    assert sorted(Reminder.objects.values_list("tries", flat=True)) == [1] * 6


def test_report_requested_once_with_passes_at_once(transactional_db, demo):
    report_day = dt.date(2023, 6, 9)
    assert _passes_at_once(report_day, 3) == []
    assert _passes_at_once(report_day, 2) == []
    reports = ProgressReport.objects.filter(mandate=demo.mandate, audience=ProgressReport.Audience.COUNCIL)
    assert reports.count() == 1
    assert reports.get().requested_by is None
    assert [m.to for m in mail.outbox] == [["expert@example.org"]]
