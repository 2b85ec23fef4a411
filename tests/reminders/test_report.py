"""Ahead of renewal: on T-21 the pass requests the Council report once and emails its link
to every Council expert who follows the situation, and to no one else."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Group
from guardian.shortcuts import assign_perm

from recommendations.models import ProgressReport, Reminder
from recommendations.people.services import ensure_role_groups
from recommendations.reports import request_progress_report
from tests import factories
from tests.reminders.conftest import run_day, sent_summary

REPORT_DAY = dt.date(2023, 6, 9)  # 21 days before 30 June 2023
SUBJECT = "Mali: 21 days to the renewal of MINUSMA's mandate — the progress report for Council experts"


def test_report_day_requests_the_council_report_and_mails_its_link_to_followers(personas):
    # Following Mali through a group, not directly: still a follower.
    _, experts = ensure_role_groups()
    group_expert = factories.make_user("group_expert")
    followers = Group.objects.create(name="Mali followers")
    group_expert.groups.add(experts, followers)
    assign_perm("view_situation", followers, personas.mali)
    # A focal point can see Mali (through the entity's group) but is not a Council expert.
    assert run_day(REPORT_DAY - dt.timedelta(days=1)) == []

    sent = run_day(REPORT_DAY)
    assert sent_summary(sent) == [("expert@example.org", SUBJECT), ("group_expert@example.org", SUBJECT)]
    report = ProgressReport.objects.get()
    assert (report.mandate, report.audience, report.requested_by) == (
        personas.mandate, ProgressReport.Audience.COUNCIL, None
    )
    message = next(m for m in sent if m.to == ["expert@example.org"])
    url = f"http://testserver/mandates/{personas.mandate.pk}/report/"
    assert f"Read it here:\n{url}\n" in message.body
    assert f"http://testserver/reports/{report.pk}/download/" in message.body
    assert f'<a class="button" href="{url}" style="color: #ffffff;display: inline-block;background: #00703c;font-weight: bold;text-decoration: none;padding: 8px 14px;border-bottom: 2px solid #002d18;">Read the report</a>' in message.alternatives[0][0]
    assert "You get this email because you are a Council expert who follows Mali." in message.body
    assert "write to the secretariat: secretariat@example.org" in message.body
    row = Reminder.objects.get(recipient=personas.expert)
    assert (row.kind, row.period, row.payload["report"]) == (
        Reminder.Kind.REPORT, f"mandate-{personas.mandate.pk}:report", report.pk
    )

    assert run_day(REPORT_DAY) == []
    assert ProgressReport.objects.count() == 1


def test_a_report_asked_for_by_a_person_does_not_replace_the_automatic_one(demo):
    request_progress_report(mandate=demo.mandate, audience=ProgressReport.Audience.COUNCIL, requested_by=demo.secretariat)
    assert sent_summary(run_day(REPORT_DAY)) == [("expert@example.org", SUBJECT)]
    assert ProgressReport.objects.filter(requested_by__isnull=True).count() == 1
    assert ProgressReport.objects.count() == 2


def test_an_automatic_report_of_this_cycle_is_reused(demo):
    earlier = request_progress_report(mandate=demo.mandate, audience=ProgressReport.Audience.COUNCIL, requested_by=None)
    run_day(REPORT_DAY)
    assert list(ProgressReport.objects.all()) == [earlier]
    assert Reminder.objects.get().payload["report"] == earlier.pk


def test_no_report_for_an_inactive_situation(demo):
    demo.mali.is_active = False
    demo.mali.save()
    assert run_day(REPORT_DAY) == []
    assert ProgressReport.objects.count() == 0
