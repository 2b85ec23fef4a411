"""The reminder emails: subjects, absolute links, and the HTML and plain-text parts.

Templates are under templates/emails/. The HTML part is autoescaped as any Django template;
the plain-text part comes from a .txt template that turns autoescape off, since it is not
HTML. Subjects are made when the Reminder row is (reminders.plan_digests) and kept on it;
bodies are rendered when the row is sent, from the ids in its payload.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import css_inline
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, OuterRef, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from recommendations.dates import format_days_left, format_long_date
from recommendations.excerpts import excerpt
from recommendations.models import (
    Mandate,
    ProgressReport,
    Recommendation,
    Reminder,
    Situation,
)
from recommendations.reminders.preferences import unsubscribe_token

Kind = Reminder.Kind

# A recommendation's text up to this length is shown whole; a longer one is cut at a word.
EXCERPT_CHARS = 240
# Where a recipient chooses which reminders they get (and the List-Unsubscribe target).
PREFERENCES_PATH = "/account/reminders/"


def _absolute(name: str, pk: int) -> str:
    """An absolute link for an email: SITE_URL and the path of URL ``name``."""
    return settings.SITE_URL + reverse(name, args=[pk])


def recommendation_url(pk: int) -> str:
    return _absolute("recommendation_detail", pk)


def update_form_url(pk: int) -> str:
    """The recommendation page at its update form (``id="update"``)."""
    return recommendation_url(pk) + "#update"


def preferences_url() -> str:
    return settings.SITE_URL + reverse("reminder_preferences")


def unsubscribe_url(*, user_id: int, kind: str) -> str:
    """The email's one-click unsubscribe link (RFC 8058): no sign-in needed, its token names
    the person and the kind of email. A GET shows a page with a button; a POST turns off
    (preferences.turn_off_by_link). HTTPS when SITE_URL is, as RFC 8058 asks."""
    return settings.SITE_URL + reverse("reminder_unsubscribe", args=[unsubscribe_token(user_id=user_id, kind=kind)])


def person_name(user) -> str:
    """How an email greets a person: first and last name; the username only when both are empty."""
    name = " ".join(part.strip() for part in (user.first_name, user.last_name) if part and part.strip())
    return name or user.username


def mandate_report_url(pk: int) -> str:
    return _absolute("mandate_report", pk)


def report_download_url(pk: int) -> str:
    return _absolute("report_download", pk)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def digest_subject(*, kind: str, situation: Situation, mandate: Mandate | None, count: int, today: dt.date) -> str:
    """"Mali: 30 days to the renewal of MINUSMA's mandate — 11 recommendations need your
    update". Names the situation and, when it has a current mandate, the days left."""
    renewal = ""
    if mandate is not None:
        days = (mandate.expires_on - today).days
        renewal = ngettext(
            "%(count)d day to the renewal of %(mission)s's mandate",
            "%(count)d days to the renewal of %(mission)s's mandate", days,
        ) % {"count": days, "mission": mandate.mission}
    if kind == Kind.RENEWAL:
        what = ngettext(
            "%(count)d recommendation needs your update", "%(count)d recommendations need your update", count
        ) % {"count": count}
    elif kind == Kind.STALE:
        what = ngettext(
            "%(count)d recommendation has had no update for %(days)d days",
            "%(count)d recommendations have had no update for %(days)d days", count,
        ) % {"count": count, "days": settings.WPS_STALE_AFTER_DAYS}
    elif kind == Kind.OVERDUE:
        what = ngettext(
            "%(count)d recommendation is past due", "%(count)d recommendations are past due", count
        ) % {"count": count}
    else:
        what = gettext("the progress report for Council experts")
    parts = [p for p in (renewal, what) if p]
    # One line, whatever a name holds: a newline in a header is refused by Django.
    # "Mali: ...", "Mali : ..." in French: the name stands alone, so no preposition is needed.
    return _one_line(gettext("%(situation)s: %(what)s") % {"situation": situation.name, "what": " — ".join(parts)})


def missed_subject(*, count: int, today: dt.date) -> str:
    """"Reminders not sent: 2 fell due while no reminder pass ran (pass of 9 June 2023)"."""
    return ngettext(
        "Reminders not sent: %(count)d reminder fell due while no reminder pass ran (pass of %(day)s)",
        "Reminders not sent: %(count)d reminders fell due while no reminder pass ran (pass of %(day)s)", count,
    ) % {"count": count, "day": format_long_date(today)}


def missed_what(item: dict) -> str:
    """One line of the "missed" email, in the active language, from the facts the pass kept
    (``Missed.as_payload``). A row written before the facts were kept holds its English line."""
    if "what" in item:
        return item["what"]
    where, days, sent = item["where"], item.get("days_before"), item.get("superseded_by")
    if days is None:
        return gettext(
            "%(where)s: the Council report and its email to Council experts (too late; generate it from the mandate page)"
        ) % {"where": where}
    if sent is not None:
        return gettext(
            "%(where)s: the %(days)d-day renewal digests to focal points (superseded by the %(sent)d-day digest)"
        ) % {"where": where, "days": days, "sent": sent}
    return gettext("%(where)s: the %(days)d-day renewal digests to focal points (too late to send)") % {
        "where": where, "days": days,
    }


def late_words(payload: dict) -> str:
    """"This reminder is 2 days late: no reminder pass ran on 30 May 2023." or ""."""
    late = payload.get("late_days")
    if not late:
        return ""
    day = dt.date.fromisoformat(payload["missed_day"])
    return ngettext(
        "This reminder is %(count)d day late: no reminder pass ran on %(day)s.",
        "This reminder is %(count)d days late: no reminder pass ran on %(day)s.", late,
    ) % {"count": late, "day": format_long_date(day)}


_ROW_FIELDS = ("reference", "text", "status", "last_update_at", "due_on", "situation", "briefing", "position")


def _digest_rows(rec_ids: list[int], told: set[int] = frozenset(), *, read: list | None = None) -> list[dict]:
    """The recommendations a digest lists, due soonest first (the order plan_digests chose
    them in), those not in ``told`` (the person's previous email) marked new. One query;
    none when ``read`` holds them already (every digest's recommendations, from
    ``EmailReads``)."""
    if read is None:
        recs = Recommendation.objects.filter(pk__in=rec_ids).only(*_ROW_FIELDS).order_by(
            F("due_on").asc(nulls_last=True), "reference"
        )
    else:
        wanted = set(rec_ids)
        recs = sorted(
            (rec for rec in read if rec.pk in wanted),
            key=lambda rec: (rec.due_on is None, rec.due_on or dt.date.min, rec.reference),
        )
    return [
        {
            "reference": rec.reference,
            "excerpt": excerpt(rec.text, EXCERPT_CHARS),
            "status": str(rec.get_status_display()),
            "last_update": rec.last_update_at,
            "due_on": rec.due_on,
            "url": recommendation_url(rec.pk),
            "update_url": update_form_url(rec.pk),
            "new": rec.pk not in told,
        }
        for rec in recs
    ]


def previous_reminder(reminder: Reminder) -> Reminder | None:
    """The last email of any kind sent to the same person about the same situation before
    this one was made: what they were already told. One query."""
    if reminder.recipient_id is None or reminder.situation_id is None:
        return None
    earlier = Reminder.objects.filter(
        recipient_id=reminder.recipient_id, situation_id=reminder.situation_id, state=Reminder.State.SENT,
        sent_at__isnull=False,
    )
    if reminder.pk is not None:
        earlier = earlier.exclude(pk=reminder.pk).filter(created_at__lte=reminder.created_at)
    return earlier.order_by("-sent_at", "-pk").only("kind", "payload", "sent_at").first()


@dataclass
class EmailReads:
    """What the emails of many unsaved rows read, read once for all of them (the preview of a
    pass, reminders.preview): their recipients and situations (set on the rows), the mandates
    and reports their payloads name, each person's previous email about each situation, and
    every recommendation the digests list. A fixed number of queries however many emails."""

    mandates: dict[int, Mandate] = field(default_factory=dict)
    reports: dict[int, ProgressReport] = field(default_factory=dict)
    previous: dict[tuple[int, int], Reminder] = field(default_factory=dict)
    recommendations: list[Recommendation] = field(default_factory=list)

    @classmethod
    def of(cls, reminders: list[Reminder]) -> EmailReads:
        """Reads for ``reminders`` (unsaved rows, as the dry pass plans them): six queries at
        most, each skipped when no row needs it. Sets each row's recipient and situation."""
        assert all(r.pk is None for r in reminders), "previous emails are read as of now: unsaved rows only"
        users = get_user_model().objects.in_bulk({r.recipient_id for r in reminders if r.recipient_id})
        situations = Situation.objects.in_bulk({r.situation_id for r in reminders if r.situation_id})
        for r in reminders:
            r.recipient = users.get(r.recipient_id)
            r.situation = situations.get(r.situation_id)
        payloads = [r.payload or {} for r in reminders]
        reads = cls(
            mandates=Mandate.objects.in_bulk({p["mandate"] for p in payloads if p.get("mandate")}),
            reports=ProgressReport.objects.in_bulk({p["report"] for p in payloads if p.get("report")}),
        )
        digests = [r for r in reminders if r.kind not in (Kind.REPORT, Kind.MISSED)]
        pairs = {(r.recipient_id, r.situation_id) for r in digests if r.recipient_id and r.situation_id}
        if pairs:
            sent = Reminder.objects.filter(state=Reminder.State.SENT, sent_at__isnull=False)
            latest = sent.filter(
                recipient_id=OuterRef("recipient_id"), situation_id=OuterRef("situation_id"),
            ).order_by("-sent_at", "-pk").values("pk")[:1]
            # Each pair's latest email (previous_reminder's rule, for all pairs in one query).
            candidates = sent.filter(
                recipient_id__in={p[0] for p in pairs}, situation_id__in={p[1] for p in pairs},
                pk=Subquery(latest),
            ).only("kind", "payload", "sent_at", "recipient_id", "situation_id")
            reads.previous = {
                (row.recipient_id, row.situation_id): row for row in candidates
                if (row.recipient_id, row.situation_id) in pairs
            }
        rec_ids = {pk for r in digests for pk in (r.payload or {}).get("recommendations", [])}
        if rec_ids:
            reads.recommendations = list(
                Recommendation.objects.filter(pk__in=rec_ids).only(*_ROW_FIELDS).order_by("reference")
            )
        return reads


def reminder_context(reminder: Reminder, reads: EmailReads | None = None) -> dict:
    """What the templates get. The payload was fixed when the row was made. With ``reads``
    (EmailReads.of the rows), nothing more is read from the database."""
    payload = reminder.payload or {}
    mandate = None
    if payload.get("mandate"):
        if reads is not None:
            mandate = reads.mandates.get(payload["mandate"])
        else:
            mandate = Mandate.objects.filter(pk=payload["mandate"]).first()
    context = {
        "reminder": reminder,
        "kind": reminder.kind,
        "recipient": reminder.recipient,
        "recipient_name": person_name(reminder.recipient),
        "preferences_url": preferences_url(),
        "unsubscribe_url": unsubscribe_url(user_id=reminder.recipient_id, kind=reminder.kind),
        "situation": reminder.situation,
        "mandate": mandate,
        "entities": payload.get("entities", []),
        "days_left": payload.get("days_left"),
        "stale_after_days": payload.get("stale_after_days", settings.WPS_STALE_AFTER_DAYS),
        "secretariat_email": settings.WPS_SECRETARIAT_EMAIL,
        "site_url": settings.SITE_URL,
        "late_words": late_words(payload),
    }
    if mandate is not None and payload.get("days_left") is not None:
        context["renewal_words"] = format_days_left(payload["days_left"], mandate.expires_on)
    if payload.get("report_on"):
        context["report_on"] = dt.date.fromisoformat(payload["report_on"])
    if reminder.kind == Kind.MISSED:
        context["late_limit"] = settings.WPS_REMINDER_LATE_LIMIT_DAYS
        context["pass_hour"] = settings.WPS_DAILY_PASS_HOUR
        context["missed"] = [
            {"day": dt.date.fromisoformat(item["day"]), "what": missed_what(item)} for item in payload.get("missed", [])
        ]
        return context
    if reminder.kind == Kind.REPORT:
        context["report_url"] = mandate_report_url(payload["mandate"])
        report = None
        if payload.get("report"):
            if reads is not None:
                report = reads.reports.get(payload["report"])
            else:
                report = ProgressReport.objects.filter(pk=payload["report"]).first()
        context["download_url"] = report_download_url(report.pk) if report else None
    else:
        if reads is not None:
            previous = reads.previous.get((reminder.recipient_id, reminder.situation_id))
        else:
            previous = previous_reminder(reminder)
        told = set((previous.payload or {}).get("recommendations", [])) if previous else set()
        context["rows"] = rows = _digest_rows(
            payload.get("recommendations", []), told, read=reads.recommendations if reads is not None else None,
        )
        total = max(payload.get("total", len(rows)), len(rows))
        # The digest's count: all the rows it stands for, those past DIGEST_MAX_ITEMS included.
        context["total"] = total
        context["previous"] = previous
        context["new_rows"] = [row for row in rows if row["new"]]
        context["told_rows"] = [row for row in rows if not row["new"]]
        # At most DIGEST_MAX_ITEMS rows; the rest is counted and linked (plan_digests).
        context["more"] = total - len(rows)
        if context["more"]:
            context["more_url"] = settings.SITE_URL + reverse("recommendation_list") + "?" + payload.get("list_query", "")
    return context


def build_reminder_email(reminder: Reminder, reads: EmailReads | None = None) -> EmailMultiAlternatives:
    """The email of one Reminder row: its subject, to its address, a plain-text body and an
    HTML alternative; overdue digests copied to the secretariat. ``reads``: see reminder_context."""
    context = reminder_context(reminder, reads)
    name = {Kind.REPORT: "report", Kind.MISSED: "missed"}.get(reminder.kind, "digest")
    text = render_to_string(f"emails/{name}.txt", context)
    # Mail clients drop <style> blocks or ignore them: every rule goes into style attributes.
    html = css_inline.inline(render_to_string(f"emails/{name}.html", context))
    cc = [settings.WPS_SECRETARIAT_EMAIL] if reminder.kind == Kind.OVERDUE else []
    if cc:
        # A copied message is one message: a one-click header there would let the
        # secretariat's mail client turn off the focal point's digest. So its header names the
        # page where each reader, signed in, makes their own choice; the footer's link (a page
        # that names whose reminders it turns off, and asks first) stays for the focal point.
        unsubscribe = {"List-Unsubscribe": f"<{context['preferences_url']}>"}
    else:
        # RFC 8058 one-click: one HTTPS URI, to which the mail client POSTs
        # "List-Unsubscribe=One-Click". (No mailto: no mailbox reads unsubscribe requests;
        # the footer links to the page where every choice is made.)
        unsubscribe = {
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    message = EmailMultiAlternatives(
        subject=reminder.subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[reminder.email], cc=cc,
        headers={
            "Auto-Submitted": "auto-generated",
            **unsubscribe,
            # The row's Message-ID (fixed at its first claim): a resend after a dead worker is
            # the same message, and receivers can tell.
            **({"Message-ID": reminder.message_id} if reminder.message_id else {}),
        },
    )
    message.attach_alternative(html, "text/html")
    return message
