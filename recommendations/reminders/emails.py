"""The reminder emails: subjects, absolute links, and the HTML and plain-text parts.

Templates are under templates/emails/. The HTML part is autoescaped as any Django template;
the plain-text part comes from a .txt template that turns autoescape off, since it is not
HTML. Subjects are made when the Reminder row is (reminders.plan_digests) and kept on it;
bodies are rendered when the row is sent, from the ids in its payload.
"""

from __future__ import annotations

import datetime as dt
import re

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
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
    return _one_line(f"{situation.name}: " + " — ".join(parts))


def missed_subject(*, count: int, today: dt.date) -> str:
    """"Reminders not sent: 2 fell due while no reminder pass ran (pass of 9 June 2023)"."""
    return ngettext(
        "Reminders not sent: %(count)d reminder fell due while no reminder pass ran (pass of %(day)s)",
        "Reminders not sent: %(count)d reminders fell due while no reminder pass ran (pass of %(day)s)", count,
    ) % {"count": count, "day": format_long_date(today)}


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


def _digest_rows(rec_ids: list[int], told: set[int] = frozenset()) -> list[dict]:
    """The recommendations a digest lists, in the site's order, those not in ``told`` (the
    person's previous email) marked new. One query."""
    recs = Recommendation.objects.filter(pk__in=rec_ids).only(
        "reference", "text", "status", "last_update_at", "due_on", "situation", "briefing", "position"
    ).order_by("reference")
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


def reminder_context(reminder: Reminder) -> dict:
    """What the templates get. The payload was fixed when the row was made."""
    payload = reminder.payload or {}
    mandate = None
    if payload.get("mandate"):
        mandate = Mandate.objects.filter(pk=payload["mandate"]).first()
    context = {
        "reminder": reminder,
        "kind": reminder.kind,
        "recipient": reminder.recipient,
        "recipient_name": person_name(reminder.recipient),
        "preferences_url": preferences_url(),
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
            {"day": dt.date.fromisoformat(item["day"]), "what": item["what"]} for item in payload.get("missed", [])
        ]
        return context
    if reminder.kind == Kind.REPORT:
        context["report_url"] = mandate_report_url(payload["mandate"])
        report = ProgressReport.objects.filter(pk=payload.get("report")).first() if payload.get("report") else None
        context["download_url"] = report_download_url(report.pk) if report else None
    else:
        previous = previous_reminder(reminder)
        told = set((previous.payload or {}).get("recommendations", [])) if previous else set()
        context["rows"] = rows = _digest_rows(payload.get("recommendations", []), told)
        context["these"] = gettext("This") if len(rows) == 1 else gettext("These %(count)d") % {"count": len(rows)}
        context["previous"] = previous
        context["new_rows"] = [row for row in rows if row["new"]]
        context["told_rows"] = [row for row in rows if not row["new"]]
    return context


def build_reminder_email(reminder: Reminder) -> EmailMultiAlternatives:
    """The email of one Reminder row: its subject, to its address, a plain-text body and an
    HTML alternative; overdue digests copied to the secretariat."""
    context = reminder_context(reminder)
    name = {Kind.REPORT: "report", Kind.MISSED: "missed"}.get(reminder.kind, "digest")
    text = render_to_string(f"emails/{name}.txt", context)
    # Mail clients drop <style> blocks or ignore them: every rule goes into style attributes.
    html = css_inline.inline(render_to_string(f"emails/{name}.html", context))
    cc = [settings.WPS_SECRETARIAT_EMAIL] if reminder.kind == Kind.OVERDUE else []
    message = EmailMultiAlternatives(
        subject=reminder.subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[reminder.email], cc=cc,
        # The row's Message-ID (fixed at its first claim): a resend after a dead worker is
        # the same message, and receivers can tell.
        headers={
            "Auto-Submitted": "auto-generated", "List-Unsubscribe": f"<{context['preferences_url']}>",
            **({"Message-ID": reminder.message_id} if reminder.message_id else {}),
        },
    )
    message.attach_alternative(html, "text/html")
    return message
