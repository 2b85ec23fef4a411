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
may or may not have gone out. Once it has been "sending" for WPS_REMINDER_STUCK_AFTER seconds
(far longer than any live SMTP dialogue) it may be claimed again and is resent with the SAME
``Message-ID``, fixed on the row at its first claim: at least once, and a duplicate is
recognisable as one by the receiving server or client (README, "Reminders").

Catching up: every pass is recorded (``ReminderPass``) and covers the days since the last
completed one, not only ``today``. A threshold crossed on a day no pass ran (a renewal digest,
the T-21 report, the weekly digests) is sent by the next pass, once, saying how late it is;
one more than WPS_REMINDER_LATE_LIMIT_DAYS late, or superseded by a later threshold of the
same mandate, is listed instead in one "missed" email to each member of the secretariat.

Period keys: renewal ``mandate-<id>:T-<days>`` (the threshold, whatever day it goes out);
stale and overdue ``situation-<id>:<ISO year>-W<week>`` (the week of the digest day); report
``mandate-<id>:report``; missed ``pass:<day>``.

Every function takes ``today`` (a date in settings.TIME_ZONE): there is no hidden clock, so
the management command's ``--today`` and tests replay any day.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from email.utils import make_msgid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Case, F, Max, Q, Value, When
from django.utils import timezone, translation

from recommendations import access, rules
from recommendations.dates import start_of_day
from recommendations.models import (
    OPEN_STATUSES,
    Mandate,
    Ownership,
    ProgressReport,
    Reminder,
    ReminderPass,
    ReminderPreference,
    Situation,
)
from recommendations.reminders.emails import build_reminder_email, digest_subject, missed_subject

# Whoever has no profile reads English.
DEFAULT_LANGUAGE = "en"

log = logging.getLogger(__name__)

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
    # Symbols of the mandates whose Council report a dry run would request.
    report_plans: list[str] = field(default_factory=list)
    stuck: list[int] = field(default_factory=list)
    covered_from: dt.date | None = None
    missed: list[Missed] = field(default_factory=list)


@dataclass
class Missed:
    """A reminder due on a day no pass ran, too late (or superseded) to send: listed to the
    secretariat."""

    day: dt.date
    # "Mali (MINUSMA, S/RES/2640 (2022))": names and symbols, the same in every language.
    where: str
    # The renewal digest's threshold (days before expiry); None for the Council report.
    days_before: int | None = None
    # The later renewal digest sent instead, if any.
    superseded_by: int | None = None

    def as_payload(self) -> dict:
        """The reminder row keeps the facts, not a sentence: the email says them in the
        recipient's language at send time."""
        return {"day": self.day.isoformat(), "where": self.where, "days_before": self.days_before,
                "superseded_by": self.superseded_by}

    @property
    def what(self) -> str:
        """The sentence, in the active language."""
        from recommendations.reminders.emails import missed_what

        return missed_what(self.as_payload())


def stuck_before() -> dt.datetime:
    """A row claimed before this moment and still "sending" belonged to a dead worker."""
    return timezone.now() - dt.timedelta(seconds=settings.WPS_REMINDER_STUCK_AFTER)


def _late(day: dt.date, today: dt.date) -> dict:
    """The payload keys of a reminder due on ``day`` and sent ``today``."""
    late = (today - day).days
    return {"late_days": late, "missed_day": day.isoformat()} if late > 0 else {}


def _too_late(day: dt.date, today: dt.date) -> bool:
    return (today - day).days > settings.WPS_REMINDER_LATE_LIMIT_DAYS


def _crossed(day: dt.date, since: dt.date, today: dt.date) -> bool:
    return since <= day <= today


def renewal_thresholds(mandate: Mandate, *, since: dt.date, today: dt.date) -> tuple[int | None, list[int]]:
    """(the threshold to send, the thresholds missed) of the renewal digests crossed from
    ``since`` to ``today``: the latest one crossed is sent unless it is too late; the others
    were superseded by it."""
    crossed = sorted(
        (d for d in settings.WPS_RENEWAL_REMINDER_DAYS
         if _crossed(mandate.expires_on - dt.timedelta(days=d), since, today)),
    )
    if not crossed:
        return None, []
    latest, older = crossed[0], crossed[1:]
    if _too_late(mandate.expires_on - dt.timedelta(days=latest), today):
        return None, crossed
    return latest, older


def weekly_digest_days(*, since: dt.date, today: dt.date) -> tuple[dt.date | None, list[dt.date]]:
    """(the digest day to send, the digest days missed) from ``since`` to ``today``: the
    latest weekly digest day is sent (it is never more than six days old once passes have
    been missed for a week); earlier ones were superseded by it."""
    offset = (today.weekday() - settings.WPS_WEEKLY_DIGEST_WEEKDAY) % 7
    latest = today - dt.timedelta(days=offset)
    if latest < since:
        return None, []
    older, day = [], latest - dt.timedelta(days=7)
    while day >= since:
        older.append(day)
        day -= dt.timedelta(days=7)
    return latest, older


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
        .values_list(
            "entity__group__user", "recommendation__situation", "recommendation", "entity__name", "entity",
            "recommendation__due_on", "recommendation__reference",
        )
        .distinct()
    )


# A digest lists at most this many recommendations, due soonest first; the email then says
# how many more there are and links to the list filtered the same way (issue 14: one digest
# listed 3,333 items, 2.4 MB, at 100,000 recommendations).
DIGEST_MAX_ITEMS = 25


def _group_by_recipient(rows) -> dict[tuple[int, int], tuple[list[int], list[str], int, list[int]]]:
    """{(user, situation): (recommendation ids, entity names, how many in all, entity ids)}:
    a focal point of two owning entities gets each recommendation once. The ids are the first
    DIGEST_MAX_ITEMS, due soonest first (no due date last), then by reference."""
    grouped: dict[tuple[int, int], tuple[dict, set[str], set[int]]] = defaultdict(lambda: ({}, set(), set()))
    for user_id, situation_id, rec_id, entity_name, entity_id, due_on, reference in rows:
        recs, entities, entity_ids = grouped[(user_id, situation_id)]
        recs[rec_id] = (due_on is None, due_on or dt.date.min, reference)
        entities.add(entity_name)
        entity_ids.add(entity_id)
    return {
        key: (
            sorted(recs, key=recs.__getitem__)[:DIGEST_MAX_ITEMS], sorted(entities), len(recs), sorted(entity_ids)
        )
        for key, (recs, entities, entity_ids) in grouped.items()
    }


def _digest_extent(total: int, entity_ids: list[int], situation_id: int, kind: str) -> dict:
    """The payload keys that say how many recommendations the digest is about in all and
    where the list filtered the same way is (when it lists fewer than that)."""
    if total <= DIGEST_MAX_ITEMS:
        return {"total": total}
    query = {"situation": situation_id, "sort": "due"}
    if len(entity_ids) == 1:
        query["owner"] = entity_ids[0]
    if kind in (Kind.STALE, Kind.OVERDUE):
        query[kind] = "on"
    return {"total": total, "list_query": urlencode(query)}


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


def plan_digests(
    *, today: dt.date, mandates: dict[int, Mandate] | None = None, since: dt.date | None = None
) -> list[Digest]:
    """The digests due from ``since`` (default: ``today``) to ``today``: renewal-cycle
    digests on the configured days before a current mandate expires, and on the weekly
    digest weekday the stale and overdue ones; one crossed before ``today`` says how late it
    is (``renewal_thresholds``, ``weekly_digest_days``). What they list is decided as of
    ``today``; not to those who turned that kind off (weekly_digests_turned_off).
    ``mandates``: ``clock_mandates()``, when the caller has it already.
    Writes nothing. A query per reason, none per recommendation or recipient."""
    if mandates is None:
        mandates = clock_mandates()
    since = min(since or today, today)
    digests: list[Digest] = []
    users: dict[int, str] = {}
    languages: dict[int, str] = {}

    def emails_of(keys) -> None:
        wanted = {user_id for user_id, _ in keys} - users.keys()
        if wanted:
            # The language joins the same query: the subject is written in it now, the body when sent.
            for pk, email, language in User.objects.filter(pk__in=wanted).values_list("pk", "email", "profile__language"):
                users[pk], languages[pk] = email, language or DEFAULT_LANGUAGE

    # Renewal cycle.
    thresholds = {sid: renewal_thresholds(m, since=since, today=today)[0] for sid, m in mandates.items()}
    due = {sid: m for sid, m in mandates.items() if thresholds[sid] is not None}
    if due:
        condition = rules.needs_update_q(mandates=due, prefix="recommendation__") & Q(
            recommendation__situation_id__in=list(due)
        )
        grouped = _group_by_recipient(_open_owned(condition))
        emails_of(grouped)
        for (user_id, sid), (rec_ids, entities, total, entity_ids) in sorted(grouped.items()):
            mandate, threshold = due[sid], thresholds[sid]
            days = (mandate.expires_on - today).days
            report_on = mandate.expires_on - dt.timedelta(days=settings.WPS_REPORT_DAYS_BEFORE_RENEWAL)
            digests.append(Digest(
                recipient_id=user_id, email=users[user_id], kind=Kind.RENEWAL,
                period=f"mandate-{mandate.pk}:T-{threshold}", situation_id=sid,
                subject=_in(languages[user_id], digest_subject,
                    kind=Kind.RENEWAL, situation=mandate.situation, mandate=mandate, count=total, today=today
                ),
                payload={
                    "language": languages[user_id], "recommendations": rec_ids, "entities": entities, "mandate": mandate.pk,
                    **_digest_extent(total, entity_ids, sid, Kind.RENEWAL),
                    "days_left": days, "report_on": report_on.isoformat(),
                    "cycle_start": start.isoformat() if (start := rules.cycle_start(mandate)) else None,
                    **_late(mandate.expires_on - dt.timedelta(days=threshold), today),
                },
            ))

    # Weekly digests: stale and overdue.
    digest_day, _ = weekly_digest_days(since=since, today=today)
    if digest_day is not None:
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
            for (user_id, sid), (rec_ids, entities, total, entity_ids) in sorted(grouped.items()):
                situation, mandate = situations[sid], mandates.get(sid)
                if mandate is not None and mandate.expires_on < today:
                    mandate = None  # no renewal ahead to speak of
                digests.append(Digest(
                    recipient_id=user_id, email=users[user_id], kind=kind, period=week_period(sid, digest_day),
                    situation_id=sid,
                    subject=_in(languages[user_id], digest_subject,
                        kind=kind, situation=situation, mandate=mandate, count=total, today=today
                    ),
                    payload={
                        "language": languages[user_id], "recommendations": rec_ids, "entities": entities,
                        **_digest_extent(total, entity_ids, sid, kind),
                        "mandate": mandate.pk if mandate else None,
                        "days_left": (mandate.expires_on - today).days if mandate else None,
                        "stale_after_days": settings.WPS_STALE_AFTER_DAYS,
                        **_late(digest_day, today),
                    },
                ))
    return digests


def recipients_language(reminder: Reminder) -> str:
    """The language a reminder is written in: its recipient's, fixed in the payload when the
    row was made (no query), as the email is sent and as the preview shows it."""
    return (reminder.payload or {}).get("language") or DEFAULT_LANGUAGE


def _in(language: str | None, make, **kwargs) -> str:
    """``make(**kwargs)`` (a subject) written in ``language``."""
    with translation.override(language or DEFAULT_LANGUAGE):
        return str(make(**kwargs))


def report_day(mandate: Mandate) -> dt.date:
    return mandate.expires_on - dt.timedelta(days=settings.WPS_REPORT_DAYS_BEFORE_RENEWAL)


def _report_mandates(*, today: dt.date, since: dt.date, mandates: dict[int, Mandate]) -> list[Mandate]:
    """Of the current mandates, those whose Council report fell due from ``since`` to
    ``today`` and is not too late to send."""
    return [
        m for m in mandates.values()
        if _crossed(report_day(m), since, today) and not _too_late(report_day(m), today)
    ]


def plan_missed(*, today: dt.date, since: dt.date, mandates: dict[int, Mandate]) -> list[Missed]:
    """What fell due from ``since`` to ``today`` and will not be sent: too late, or
    superseded by a later renewal digest of the same mandate. Writes nothing, reads nothing."""
    missed: list[Missed] = []
    for mandate in sorted(mandates.values(), key=lambda m: (m.situation.name, m.pk)):
        where = f"{mandate.situation.name} ({mandate.mission}, {mandate.symbol})"
        sent, skipped = renewal_thresholds(mandate, since=since, today=today)
        for d in skipped:
            missed.append(Missed(
                day=mandate.expires_on - dt.timedelta(days=d), where=where, days_before=d, superseded_by=sent,
            ))
        if _crossed(report_day(mandate), since, today) and _too_late(report_day(mandate), today):
            missed.append(Missed(day=report_day(mandate), where=where))
    # Missed weekly digests are not listed: the one sent now lists the same recommendations
    # as of now, so nothing they would have said is lost.
    return sorted(missed, key=lambda m: m.day)


def _missed_digests(*, today: dt.date, missed: list[Missed]) -> list[Digest]:
    """One "missed" email to each member of the secretariat with an address."""
    if not missed:
        return []
    lines = [m.as_payload() for m in missed]
    return [
        Digest(
            recipient_id=user.pk, email=user.email, kind=Kind.MISSED, period=f"pass:{today.isoformat()}",
            situation_id=None, subject=_in(user.language, missed_subject, count=len(missed), today=today),
            payload={"missed": lines, "language": user.language or DEFAULT_LANGUAGE},
        )
        for user in access.secretariat_members().annotate(language=F("profile__language"))
    ]


def _request_council_report(*, mandate: Mandate, today: dt.date, language: str = "en") -> ProgressReport:
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
            created_at__gte=since, language=language,
        ).order_by("-created_at").first()
    )
    if existing is not None:
        return existing
    from recommendations.reports import request_progress_report

    return request_progress_report(
        mandate=mandate, audience=ProgressReport.Audience.COUNCIL, requested_by=None, language=language
    )


def _report_experts(mandate: Mandate) -> list:
    """The Council experts following the mandate's situation, each with ``language``. One query."""
    return list(access.experts_following(mandate.situation).annotate(language=F("profile__language")))


def _report_languages(experts) -> list[str]:
    """The languages the report is made in: each its readers use (English when none follows)."""
    return sorted({expert.language or DEFAULT_LANGUAGE for expert in experts}) or [DEFAULT_LANGUAGE]


def _report_digests(
    *, mandate: Mandate, reports: dict[str, ProgressReport] | None, today: dt.date, experts: list
) -> list[Digest]:

    days = (mandate.expires_on - today).days
    return [
        Digest(
            recipient_id=expert.pk, email=expert.email, kind=Kind.REPORT, period=f"mandate-{mandate.pk}:report",
            situation_id=mandate.situation_id,
            subject=_in(expert.language, digest_subject,
                kind=Kind.REPORT, situation=mandate.situation, mandate=mandate, count=0, today=today
            ),
            payload={
                "language": expert.language or DEFAULT_LANGUAGE,
                "mandate": mandate.pk, "days_left": days,
                "report": reports[expert.language or DEFAULT_LANGUAGE].pk if reports else None,
                **_late(report_day(mandate), today),
            },
        )
        for expert in experts
    ]


# --- the pass --------------------------------------------------------------------------------


def last_completed_day(*, before: dt.date) -> dt.date | None:
    """The latest day before ``before`` that a completed pass covered."""
    return ReminderPass.objects.filter(completed_at__isnull=False, day__lt=before).aggregate(day=Max("day"))["day"]


def run_daily_pass(*, today: dt.date, queue: bool, dry_run: bool = False) -> PassResult:
    """Decide what fell due since the last completed pass (or ``today`` alone, when none
    has run before it), make its Reminder rows, and hand the rows to send on.

    - ``queue``: after commit, queue ``send_reminder_task`` for each row to send (the Celery
      beat path); otherwise the caller sends ``result.to_send`` itself with
      ``send_reminder`` (the management command).
    - ``dry_run``: decide and report only; writes nothing, requests no report, queues nothing.

    Side effects (not dry run): a ReminderPass row, completed once the rows are made and
    their sends queued (a pass that dies is covered again by the next); Reminder rows created
    (never duplicated), late ones saying so, and a "missed" email to the secretariat for
    what is too late; for a Council report due in the covered days, the report requested
    once (see ``_request_council_report``); sends queued on commit when ``queue``; rows
    "sending" past WPS_REMINDER_STUCK_AFTER are handed on again (same Message-ID)."""
    previous = last_completed_day(before=today)
    since = previous + dt.timedelta(days=1) if previous is not None else today
    result = PassResult(today=today, covered_from=since)
    run = None if dry_run else ReminderPass.objects.create(day=today, covered_from=since)
    with transaction.atomic():
        mandates = clock_mandates()
        digests = plan_digests(today=today, mandates=mandates, since=since)
        for mandate in _report_mandates(today=today, since=since, mandates=mandates):
            if dry_run:
                result.report_plans.append(mandate.symbol)
                digests += _report_digests(mandate=mandate, reports=None, today=today, experts=_report_experts(mandate))
                continue
            # One report in each language its readers use (issue 16).
            experts = _report_experts(mandate)
            reports = {
                language: _request_council_report(mandate=mandate, today=today, language=language)
                for language in _report_languages(experts)
            }
            result.reports_requested.append(mandate.symbol)
            digests += _report_digests(mandate=mandate, reports=reports, today=today, experts=experts)
        result.missed = plan_missed(today=today, since=since, mandates=mandates)
        digests += _missed_digests(today=today, missed=result.missed)
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
        since_made = timezone.now() - REQUEUE_WITHIN
        rows = list(
            Reminder.objects.filter(
                Q(state__in=[State.PENDING, State.FAILED]) | Q(state=State.SENDING, claimed_at__lt=stuck_before()),
                created_at__gte=since_made,
            )
            .order_by("created_at", "pk")
            .values_list("pk", "state")
        )
        result.to_send = [pk for pk, _ in rows]
        result.stuck = [pk for pk, state in rows if state == State.SENDING]
        for pk in result.stuck:
            log.warning("Reminder %s has been 'sending' for over %s s: its worker died; sending it again "
                        "with the same Message-ID", pk, settings.WPS_REMINDER_STUCK_AFTER)
        if queue:
            from recommendations.tasks import send_reminder_task

            for pk in result.to_send:
                transaction.on_commit(lambda pk=pk: send_reminder_task.delay(pk))
    # Reached only when the rows are committed and their sends queued: a broker that refuses
    # a send leaves the pass incomplete, and the next one covers these days again.
    late = sum(1 for d in digests if d.payload.get("late_days"))
    ReminderPass.objects.filter(pk=run.pk).update(
        completed_at=timezone.now(), sent=len(digests), late=late, missed=len(result.missed)
    )
    return result


def requeue_stuck_reminders() -> list[int]:
    """Hand the rows whose worker died mid-send (see the module docstring) to
    ``send_reminder_task`` again, between daily passes (Celery beat, every few minutes).

    Side effects: one ``send_reminder_task`` queued per stuck row."""
    from recommendations.tasks import send_reminder_task

    stuck = list(
        Reminder.objects.filter(
            state=State.SENDING, claimed_at__lt=stuck_before(), created_at__gte=timezone.now() - REQUEUE_WITHIN
        ).values_list("pk", flat=True)
    )
    for pk in stuck:
        send_reminder_task.delay(pk)
    return stuck


# --- claim and send --------------------------------------------------------------------------


def _message_id() -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "wps-followup.invalid"
    return make_msgid(idstring="wps-reminder", domain=domain)


def claim_reminder(*, reminder_id: int) -> bool:
    """Take the row for sending: True for exactly one caller, whatever the number of workers,
    passes or redeliveries; False when it is sent, being sent by a live worker, or gone. A
    row "sending" since before ``stuck_before()`` is taken over. The first claim fixes the
    row's Message-ID; later claims keep it."""
    claimed = Reminder.objects.filter(
        Q(state__in=[State.PENDING, State.FAILED]) | Q(state=State.SENDING, claimed_at__lt=stuck_before()),
        pk=reminder_id,
    ).update(
        state=State.SENDING, claimed_at=timezone.now(), tries=F("tries") + 1,
        message_id=Case(When(message_id="", then=Value(_message_id())), default=F("message_id")),
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
        with translation.override(recipients_language(reminder)):
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
