"""The secretariat's preview of a day's pass: every email the pass would send on a date, to
whom, rendered as it will be received. A read: the pass runs dry (nothing is written, no
report requested, nothing queued or sent)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import translation

from recommendations.models import Reminder
from recommendations.reminders.emails import EmailReads, build_reminder_email
from recommendations.reminders.services import recipients_language, run_daily_pass


@dataclass
class PreviewEmail:
    kind: str
    kind_label: str
    to: str
    cc: list[str]
    subject: str
    period: str
    already_sent: bool
    text: str
    html: str
    list_unsubscribe: str


@dataclass
class PassPreview:
    today: dt.date
    emails: list[PreviewEmail]
    report_plans: list[str]

    @property
    def to_send(self) -> int:
        return sum(1 for e in self.emails if not e.already_sent)


def preview_pass(*, today: dt.date) -> PassPreview:
    """What ``run_daily_pass(today=today, dry_run=True)`` decides, each email built by the same
    code that sends it (reminders.emails.build_reminder_email), from an unsaved Reminder.
    Queries: the dry pass's, then the same few for all the emails at once (EmailReads: their
    recipients, situations, mandates, reports, previous emails and rows); none per email nor
    per recommendation."""
    result = run_daily_pass(today=today, queue=False, dry_run=True)
    reminders = [
        Reminder(
            recipient_id=digest.recipient_id, kind=digest.kind, period=digest.period,
            situation_id=digest.situation_id, email=digest.email, subject=digest.subject[:250],
            payload=digest.payload,
        )
        for digest in result.digests
    ]
    reads = EmailReads.of(reminders)
    emails = []
    for digest, reminder in zip(result.digests, reminders):
        with translation.override(recipients_language(reminder)):
            message = build_reminder_email(reminder, reads)
        emails.append(PreviewEmail(
            kind=digest.kind, kind_label=Reminder.Kind(digest.kind).label, to=", ".join(message.to),
            cc=list(message.cc), subject=message.subject, period=digest.period,
            already_sent=digest.key in result.already_done, text=message.body,
            html=message.alternatives[0][0], list_unsubscribe=message.extra_headers.get("List-Unsubscribe", ""),
        ))
    return PassPreview(today=today, emails=emails, report_plans=result.report_plans)
