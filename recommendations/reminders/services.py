"""The daily pass: who gets which reminder, and the claim-then-send of each one.

This is the services module for reminders (STYLE.md puts writes in services.py; reminder
writes live here instead, so the pass reads as one piece): every write to ``Reminder`` rows,
and the one request of the automatic Council report, happen in this module. Its reads are in
the "reads" section below rather than in selectors.py.

Never sent twice (DESIGN.md, "Reminders"):
1. the pass inserts one ``Reminder`` row per (recipient, kind, period) before anything is
   sent; the unique key makes a second row impossible, so a second pass, a redelivered task
   or two passes at once all find the same row;
2. a sender claims the row with a conditional update (pending or failed -> sending); only the
   one whose update changed a row sends, everyone else does nothing;
3. an SMTP error marks the row failed with the error; the Celery task retries it with
   exponential backoff, and the next pass re-queues pending and failed rows of the current
   week.

A row left in "sending" (the worker died between the claim and the end of the SMTP dialogue)
is never claimed again automatically: the email may or may not have left, and DESIGN.md says
"never sent twice", so we choose at-most-once. The pass logs such rows once they are older
than ``STUCK_AFTER``; the secretariat can set one back to "failed" in the admin to have the
next pass send it.

Period keys: renewal ``mandate-<id>:T-<days>``; stale and overdue
``situation-<id>:<ISO year>-W<week>``; report ``mandate-<id>:report``.

Every function takes ``today`` (a date in settings.TIME_ZONE): there is no hidden clock, so
the management command's ``--today`` and tests replay any day.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from recommendations import access, rules
from recommendations.dates import start_of_day
from recommendations.models import (
    OPEN_STATUSES,
    Mandate,
    Ownership,
    ProgressReport,
    Reminder,
    ReminderPreference,
    Situation,
)
from recommendations.reminders.emails import build_reminder_email, digest_subject

log = logging.getLogger(__name__)

# A claimed row older than this is reported as stuck (see the module docstring).
STUCK_AFTER = dt.timedelta(hours=1)
# Pending and failed rows are re-queued by later passes for this long after they were made:
# the length of the weekly digests' period, after which a newer digest replaces them.
REQUEUE_WITHIN = dt.timedelta(days=7)

Kind = Reminder.Kind
State = Reminder.State


class ReminderSendError(Exception):
    """The SMTP server refused or could not be reached; the row is marked failed."""


@dataclass
class Digest:
    """One email to one recipient for one reason and period, before its row exists."""

    recipient_id: int
    email: str
    kind: str
    period: str
    situation_id: int
    subject: str
    payload: dict

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.recipient_id, self.kind, self.period)


@dataclass
class PassResult:
    """What a pass decided. ``to_send`` holds the ids of the rows to claim and send: those
    made now and those left pending or failed by an earlier pass."""

    today: dt.date
    digests: list[Digest] = field(default_factory=list)
    already_done: set[tuple[int, str, str]] = field(default_factory=set)
    to_send: list[int] = field(default_factory=list)
    reports_requested: list[str] = field(default_factory=list)
    report_plans: list[str] = field(default_factory=list)
    stuck: list[int] = field(default_factory=list)


# --- reads -----------------------------------------------------------------------------------


def clock_mandates() -> dict[int, Mandate]:
    """Each situation's current mandate (rules.current_mandates), where its renewal clock
    runs (rules.renewal_clock_runs: on the agenda, an expiry, not terminated). One query."""
    return {sid: m for sid, m in rules.current_mandates().items() if rules.renewal_clock_runs(m)}


def _open_owned(condition: Q):
    """(focal point, situation, recommendation) rows of open recommendations on active
    situations matching ``condition`` (on Ownership, so prefix recommendation fields with
    ``recommendation__``). One query, whatever the number of recommendations."""
    return (
        Ownership.objects.filter(
            condition,
            recommendation__status__in=OPEN_STATUSES,
            recommendation__situation__is_active=True,
            # In the same filter() as the join, so it speaks of the same user: an exclude()
            # would drop the entity when any one of its focal points has no address.
            entity__group__user__is_active=True,
            entity__group__user__email__gt="",
        )
        .values_list("entity__group__user", "recommendation__situation", "recommendation", "entity__name")
        .distinct()
    )


def _group_by_recipient(rows) -> dict[tuple[int, int], tuple[list[int], list[str]]]:
    """{(user, situation): (recommendation ids, entity names)}: a focal point of two owning
    entities gets each recommendation once."""
    grouped: dict[tuple[int, int], tuple[set[int], set[str]]] = defaultdict(lambda: (set(), set()))
    for user_id, situation_id, rec_id, entity_name in rows:
        recs, entities = grouped[(user_id, situation_id)]
        recs.add(rec_id)
        entities.add(entity_name)
    return {key: (sorted(recs), sorted(entities)) for key, (recs, entities) in grouped.items()}


def weekly_digests_turned_off() -> dict[str, set[int]]:
    """{kind: ids of the people who turned that weekly digest off} (ReminderPreference, chosen
    on /account/reminders/). Renewal digests cannot be turned off. One query."""
    off: dict[str, set[int]] = {Kind.STALE: set(), Kind.OVERDUE: set()}
    rows = ReminderPreference.objects.filter(
        Q(stale=ReminderPreference.Frequency.OFF) | Q(overdue=ReminderPreference.Frequency.OFF)
    ).values_list("user_id", "stale", "overdue")
    for user_id, stale, overdue in rows:
        if stale == ReminderPreference.Frequency.OFF:
            off[Kind.STALE].add(user_id)
        if overdue == ReminderPreference.Frequency.OFF:
            off[Kind.OVERDUE].add(user_id)
    return off


def week_period(situation_id: int, today: dt.date) -> str:
    year, week, _ = today.isocalendar()
    return f"situation-{situation_id}:{year}-W{week:02d}"


# --- deciding who gets what ------------------------------------------------------------------


def plan_digests(*, today: dt.date, mandates: dict[int, Mandate] | None = None) -> list[Digest]:
    """The digests due on ``today``: renewal-cycle digests on the configured days before a
    current mandate expires, and on the weekly digest weekday the stale and overdue ones, but
    not to those who turned that kind off (weekly_digests_turned_off).
    ``mandates``: ``clock_mandates()``, when the caller has it already.
    Writes nothing. A query per reason, none per recommendation or recipient."""
    if mandates is None:
        mandates = clock_mandates()
    digests: list[Digest] = []
    users: dict[int, str] = {}

    def emails_of(keys) -> None:
        wanted = {user_id for user_id, _ in keys} - users.keys()
        if wanted:
            users.update(User.objects.filter(pk__in=wanted).values_list("pk", "email"))

    # Renewal cycle.
    due = {
        sid: m for sid, m in mandates.items() if (m.expires_on - today).days in settings.WPS_RENEWAL_REMINDER_DAYS
    }
    if due:
        condition = rules.needs_update_q(mandates=due, prefix="recommendation__") & Q(
            recommendation__situation_id__in=list(due)
        )
        grouped = _group_by_recipient(_open_owned(condition))
        emails_of(grouped)
        for (user_id, sid), (rec_ids, entities) in sorted(grouped.items()):
            mandate = due[sid]
            days = (mandate.expires_on - today).days
            report_on = mandate.expires_on - dt.timedelta(days=settings.WPS_REPORT_DAYS_BEFORE_RENEWAL)
            digests.append(Digest(
                recipient_id=user_id, email=users[user_id], kind=Kind.RENEWAL,
                period=f"mandate-{mandate.pk}:T-{days}", situation_id=sid,
                subject=digest_subject(
                    kind=Kind.RENEWAL, situation=mandate.situation, mandate=mandate, count=len(rec_ids), today=today
                ),
                payload={
                    "recommendations": rec_ids, "entities": entities, "mandate": mandate.pk,
                    "days_left": days, "report_on": report_on.isoformat(),
                    "cycle_start": start.isoformat() if (start := rules.cycle_start(mandate)) else None,
                },
            ))

    # Weekly digests: stale and overdue.
    if today.weekday() == settings.WPS_WEEKLY_DIGEST_WEEKDAY:
        situations = {s.pk: s for s in Situation.objects.filter(is_active=True)}
        reasons = {
            Kind.STALE: _open_owned(rules.stale_q(today=today, prefix="recommendation__")),
            Kind.OVERDUE: _open_owned(rules.overdue_q(today=today, prefix="recommendation__")),
        }
        turned_off = weekly_digests_turned_off()
        for kind, rows in reasons.items():
            grouped = _group_by_recipient(rows)
            grouped = {key: value for key, value in grouped.items() if key[0] not in turned_off[kind]}
            emails_of(grouped)
            for (user_id, sid), (rec_ids, entities) in sorted(grouped.items()):
                situation, mandate = situations[sid], mandates.get(sid)
                if mandate is not None and mandate.expires_on < today:
                    mandate = None  # no renewal ahead to speak of
                digests.append(Digest(
                    recipient_id=user_id, email=users[user_id], kind=kind, period=week_period(sid, today),
                    situation_id=sid,
                    subject=digest_subject(
                        kind=kind, situation=situation, mandate=mandate, count=len(rec_ids), today=today
                    ),
                    payload={
                        "recommendations": rec_ids, "entities": entities,
                        "mandate": mandate.pk if mandate else None,
                        "days_left": (mandate.expires_on - today).days if mandate else None,
                        "stale_after_days": settings.WPS_STALE_AFTER_DAYS,
                    },
                ))
    return digests


def _report_mandates(*, today: dt.date, mandates: dict[int, Mandate]) -> list[Mandate]:
    """Of the current mandates, those whose Council report is due on ``today``."""
    days = settings.WPS_REPORT_DAYS_BEFORE_RENEWAL
    return [m for m in mandates.values() if (m.expires_on - today).days == days]


def _request_council_report(*, mandate: Mandate, today: dt.date) -> ProgressReport:
    """The automatic Council report of this mandate's cycle, requested at most once: the
    mandate row is locked so two passes at once serialise here, and a report requested by
    the system (``requested_by`` null) in the last WPS_REPORT_DAYS_BEFORE_RENEWAL days is
    reused. Call inside a transaction.

    Side effects: ``reports.request_progress_report`` creates the row and queues its
    rendering on commit."""
    Mandate.objects.select_for_update().filter(pk=mandate.pk).first()
    since = start_of_day(today - dt.timedelta(days=settings.WPS_REPORT_DAYS_BEFORE_RENEWAL))
    existing = (
        ProgressReport.objects.filter(
            mandate=mandate, audience=ProgressReport.Audience.COUNCIL, requested_by__isnull=True,
            created_at__gte=since,
        ).order_by("-created_at").first()
    )
    if existing is not None:
        return existing
    from recommendations.reports import request_progress_report

    return request_progress_report(mandate=mandate, audience=ProgressReport.Audience.COUNCIL, requested_by=None)


def _report_digests(*, mandate: Mandate, report: ProgressReport | None, today: dt.date) -> list[Digest]:

    days = (mandate.expires_on - today).days
    return [
        Digest(
            recipient_id=expert.pk, email=expert.email, kind=Kind.REPORT, period=f"mandate-{mandate.pk}:report",
            situation_id=mandate.situation_id,
            subject=digest_subject(
                kind=Kind.REPORT, situation=mandate.situation, mandate=mandate, count=0, today=today
            ),
            payload={"mandate": mandate.pk, "report": report.pk if report else None, "days_left": days},
        )
        for expert in access.experts_following(mandate.situation)
    ]


# --- the pass --------------------------------------------------------------------------------


def run_daily_pass(*, today: dt.date, queue: bool, dry_run: bool = False) -> PassResult:
    """Decide what ``today`` sends, make its Reminder rows, and hand the rows to send on.

    - ``queue``: after commit, queue ``send_reminder_task`` for each row to send (the Celery
      beat path); otherwise the caller sends ``result.to_send`` itself with
      ``send_reminder`` (the management command).
    - ``dry_run``: decide and report only; writes nothing, requests no report, queues nothing.

    Side effects (not dry run): Reminder rows created (never duplicated); on the report day
    of a current mandate, the Council report requested once (see
    ``_request_council_report``); sends queued on commit when ``queue``."""
    result = PassResult(today=today)
    with transaction.atomic():
        mandates = clock_mandates()
        digests = plan_digests(today=today, mandates=mandates)
        for mandate in _report_mandates(today=today, mandates=mandates):
            if dry_run:
                result.report_plans.append(f"would request the Council report of {mandate.symbol}")
                digests += _report_digests(mandate=mandate, report=None, today=today)
                continue
            report = _request_council_report(mandate=mandate, today=today)
            result.reports_requested.append(mandate.symbol)
            digests += _report_digests(mandate=mandate, report=report, today=today)
        result.digests = digests

        if digests:
            done = Reminder.objects.filter(
                state__in=[State.SENT, State.SENDING], period__in={d.period for d in digests}
            ).values_list("recipient_id", "kind", "period")
            result.already_done = set(done) & {d.key for d in digests}
        if dry_run:
            transaction.set_rollback(True)
            return result

        # The row exists before the email is sent; a row made by an earlier or concurrent
        # pass wins, and its payload (what the email lists) stays as it was decided then.
        Reminder.objects.bulk_create(
            [
                Reminder(
                    recipient_id=d.recipient_id, kind=d.kind, period=d.period, situation_id=d.situation_id,
                    email=d.email, subject=d.subject[:250], payload=d.payload,
                )
                for d in digests
            ],
            ignore_conflicts=True,
        )
        since = timezone.now() - REQUEUE_WITHIN
        result.to_send = list(
            Reminder.objects.filter(state__in=[State.PENDING, State.FAILED], created_at__gte=since)
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)
        )
        result.stuck = list(
            Reminder.objects.filter(state=State.SENDING, claimed_at__lt=timezone.now() - STUCK_AFTER)
            .values_list("pk", flat=True)
        )
        for pk in result.stuck:
            log.warning("Reminder %s has been in 'sending' since before %s: not resent (at most once); "
                        "set it to 'failed' in the admin to resend it", pk, timezone.now() - STUCK_AFTER)
        if queue:
            from recommendations.tasks import send_reminder_task

            for pk in result.to_send:
                transaction.on_commit(lambda pk=pk: send_reminder_task.delay(pk))
    return result


# --- claim and send --------------------------------------------------------------------------


def claim_reminder(*, reminder_id: int) -> bool:
    """Take the row for sending: True for exactly one caller, whatever the number of workers,
    passes or redeliveries; False when it is sent, being sent, or gone."""
    claimed = Reminder.objects.filter(pk=reminder_id, state__in=[State.PENDING, State.FAILED]).update(
        state=State.SENDING, claimed_at=timezone.now(), tries=F("tries") + 1
    )
    return claimed == 1


def send_reminder(*, reminder_id: int) -> bool:
    """Claim and send one reminder. Returns True when this call sent it, False when someone
    else has it (or had it). Raises ReminderSendError after recording the row as failed with
    the SMTP error, for the caller to retry later.

    Side effects: one email (the row's subject, to the row's address; overdue digests copied
    to WPS_SECRETARIAT_EMAIL)."""

    if not claim_reminder(reminder_id=reminder_id):
        return False
    reminder = Reminder.objects.select_related("recipient", "situation").get(pk=reminder_id)
    try:
        message = build_reminder_email(reminder)
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        # OSError: connection refused or reset, timeouts; the email did not go out as far as
        # we can tell, so the row may be claimed again.
        Reminder.objects.filter(pk=reminder_id, state=State.SENDING).update(
            state=State.FAILED, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise ReminderSendError(str(exc)) from exc
    except Exception as exc:
        # A bug in building the message: record it where the admin shows it, and let it be
        # seen (no retry would help).
        Reminder.objects.filter(pk=reminder_id, state=State.SENDING).update(
            state=State.FAILED, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    Reminder.objects.filter(pk=reminder_id).update(state=State.SENT, sent_at=timezone.now(), last_error="")
    return True


def describe(reminder_id: int) -> str:
    """One line about a row, for the command's output."""
    r = Reminder.objects.get(pk=reminder_id)
    return f"{r.kind} to {r.email} [{r.period}] {r.subject}"
