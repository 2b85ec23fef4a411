"""A user's calendar feed (iCalendar): the renewals of the situations they follow or work
on, the days the Council report is printed ahead of them, and the due dates of their
recommendations. Every event has a UID that stays the same from one fetch to the next, so
clients update events rather than duplicate them."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from icalendar import Calendar, Event

from recommendations import access, rules
from recommendations.models import Recommendation


def _uid(name: str) -> str:
    return f"{name}@{urlsplit(settings.SITE_URL).hostname or 'wpsfollowup'}"


def _url(path: str) -> str:
    return settings.SITE_URL + path


def feed_recommendations(user):
    """The open recommendations whose due dates the user's calendar shows: for secretariat
    staff every one; for a Council expert those of the situations they follow; for a focal
    point those their entity owns. Open by the status the user is shown."""
    reader = access.Reader.of(user)
    recs = reader.with_shown_status(reader.recommendations())
    if not reader.reads_everything:
        mine = access.owned_by_q(user)
        if access.is_council_expert(user):
            mine |= Q(situation__in=reader.situations())
        recs = recs.filter(mine)
    return recs.filter(rules.open_q(status="shown_status"), due_on__isnull=False)


def build_calendar(user) -> bytes:
    """The iCalendar file of ``user``'s feed. Four queries."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    stamp = timezone.now()
    cal = Calendar()
    cal.add("prodid", "-//UN Women IEG secretariat//WPS follow-up//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "WPS follow-up")
    cal.add("x-wr-timezone", settings.TIME_ZONE)

    def event(uid: str, summary: str, start, *, description: str, url: str):
        item = Event()
        item.add("uid", _uid(uid))
        item.add("dtstamp", stamp)
        item.add("summary", summary)
        item.add("dtstart", start)
        if isinstance(start, dt.datetime):
            item.add("dtend", start + dt.timedelta(hours=1))
        else:
            item.add("dtend", start + dt.timedelta(days=1))
        item.add("description", description)
        item.add("url", url)
        item.add("transp", "TRANSPARENT")
        cal.add_component(item)

    situation_ids = list(access.Reader.of(user).situations().values_list("pk", flat=True))
    for mandate in sorted(rules.current_mandates(situation_ids=situation_ids).values(), key=lambda m: m.expires_on):
        if not rules.renewal_clock_runs(mandate):
            continue
        facts = {"situation": mandate.situation.name, "mission": mandate.mission, "symbol": mandate.symbol}
        event(
            f"renewal-{mandate.pk}", _("Mandate renewal: %(situation)s: %(mission)s (%(symbol)s) expires") % facts,
            mandate.expires_on,
            description=_("%(symbol)s expires on this day; the Council renews or ends the mandate.") % facts,
            url=_url(mandate.get_absolute_url()),
        )
        report_on = mandate.expires_on - dt.timedelta(days=settings.WPS_REPORT_DAYS_BEFORE_RENEWAL)
        event(
            f"report-{mandate.pk}", _("Council report ahead of renewal: %(situation)s: %(mission)s") % facts,
            dt.datetime.combine(report_on, dt.time(settings.WPS_DAILY_PASS_HOUR), tzinfo=zone),
            description=_(
                "The progress report on %(symbol)s for Council experts is printed %(days)d days before the renewal."
            ) % {**facts, "days": settings.WPS_REPORT_DAYS_BEFORE_RENEWAL},
            url=_url(reverse("mandate_report", args=[mandate.pk])),
        )

    by_date: dict[dt.date, list[Recommendation]] = defaultdict(list)
    for rec in feed_recommendations(user).select_related("situation").order_by("due_on", "reference"):
        by_date[rec.due_on].append(rec)
    for due_on, recs in by_date.items():
        names = ", ".join(r.reference for r in recs[:3])
        if len(recs) > 3:
            names = _("%(names)s and %(count)d more") % {"names": names, "count": len(recs) - 3}
        event(
            f"due-{due_on:%Y%m%d}-{user.pk}",
            ngettext("%(count)d recommendation due: %(names)s", "%(count)d recommendations due: %(names)s", len(recs))
            % {"count": len(recs), "names": names}, due_on,
            description="\n".join(f"{r.reference} ({r.situation.name}): {_url(r.get_absolute_url())}" for r in recs),
            url=_url(reverse("recommendation_list") + "?overdue=on"),
        )
    cal.add_missing_timezones()
    return cal.to_ical()
