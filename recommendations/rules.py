"""The domain's named rules, each written once: current mandate, renewal clock, cycle start,
open, stale, overdue, in a report's cycle, needs an update this cycle.

Each rule that lists use is a query filter (``*_q``, a Q over Recommendation rows, or over rows
that reach a recommendation through ``prefix``) and, where Python needs it for rows already
in hand, a plain function of the same name without ``_q``. ``tests/rules`` checks that the
two forms agree on generated data. Dates are days in settings.TIME_ZONE (recommendations.dates).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Exists, F, Min, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext

from recommendations.dates import local_today, start_of_day
from recommendations.models import OPEN_STATUSES, Briefing, Mandate

# --- mandates ----------------------------------------------------------------------------------


def candidate_mandates() -> QuerySet[Mandate]:
    """Mandates that can be a situation's current one: with a known expiry, and not a
    resolution that only ends another (2690 (2023) terminates MINUSMA's)."""
    terminates = Mandate.objects.filter(terminated_by=OuterRef("pk"))
    return Mandate.objects.filter(expires_on__isnull=False).exclude(Exists(terminates))


def _current_mandates_q(situation_ids=None) -> QuerySet[Mandate]:
    """The rule of :func:`current_mandates` as a queryset: of each situation's candidate
    mandates, the one that expires last (a window in SQL: only each situation's first comes
    back; every candidate with its three related rows cost 28 ms of Python for 1,500 mandates
    at 100,000 recommendations, the secretariat's dashboard; issue 14)."""
    mandates = candidate_mandates()
    if situation_ids is not None:
        mandates = mandates.filter(situation_id__in=list(situation_ids))
    latest_first = [F("expires_on").desc(), F("pk").desc()]
    return mandates.annotate(
        rank=Window(RowNumber(), partition_by=[F("situation_id")], order_by=latest_first)
    ).filter(rank=1)


def current_mandates(*, situation_ids=None) -> dict[int, Mandate]:
    """Each situation's current mandate, by situation id: of its candidate mandates, the one
    that expires last. While it is still to come that is the renewal ahead (a mandate that
    has been renewed has a successor expiring later); once every one has expired, it is the
    last one the Council set. A terminated mandate can be current: it says why no renewal
    comes (see renewal_clock_runs). One query; ready for cycle_start."""
    current: dict[int, Mandate] = {}
    for mandate in _ready(_current_mandates_q(situation_ids)).order_by("situation_id"):
        current.setdefault(mandate.situation_id, mandate)
    return current


def mandates_by_id(ids) -> dict[int, Mandate]:
    """The mandates of ``ids`` (those current_expiries gave), by id, as current_mandates
    gives them (ready for cycle_start, with their situation and what terminated them). One
    query."""
    return {mandate.pk: mandate for mandate in _ready(Mandate.objects.filter(pk__in=list(ids)))}


def _ready(mandates: QuerySet[Mandate]) -> QuerySet[Mandate]:
    return with_first_briefing(mandates).select_related("situation", "terminated_by")


def current_expiries(*, situation_ids=None) -> dict[int, tuple[int, dt.date]]:
    """:func:`current_mandates` as (mandate id, expires_on) by situation id, without the
    mandates themselves: what orders situations by renewal (the secretariat's dashboard reads
    every situation's to sort 300 and shows 20; the 300 mandates with their related rows cost
    ~10 ms of Python at 100,000 recommendations; issue 14). One query."""
    return {
        situation_id: (pk, expires_on)
        for situation_id, pk, expires_on in _current_mandates_q(situation_ids).values_list(
            "situation_id", "pk", "expires_on"
        )
    }


def renewal_clock_runs(mandate: Mandate) -> bool:
    """Whether reminders and the report ahead of renewal run for ``mandate``: its situation is
    on the Council's agenda, it has an expiry, and no resolution ended it."""
    return mandate.situation.is_active and mandate.expires_on is not None and mandate.terminated_by_id is None


def due_date(*, expires_on: dt.date | None, issued_on: dt.date | None = None) -> tuple[dt.date | None, str]:
    """(due date, why it is not the default) of a recommendation made for the renewal on
    ``expires_on`` by a note issued on ``issued_on``.

    By default WPS_DUE_DAYS_BEFORE_RENEWAL days before the renewal. Never before the note
    itself: when the renewal is closer than that, the renewal date; when the renewal had
    already passed when the note was issued (the note looks to the next one, not yet known),
    that many days after the note. No expiry known: no due date."""
    lead_days = settings.WPS_DUE_DAYS_BEFORE_RENEWAL
    if expires_on is None:
        return None, gettext("the mandate's expiry is not known yet (a person sets it): no due date")
    default = expires_on - dt.timedelta(days=lead_days)
    if issued_on is None or default >= issued_on:
        return default, ""
    if expires_on >= issued_on:
        return expires_on, gettext(
            "the renewal is less than %(days)d days after the note: due on the renewal date"
        ) % {"days": lead_days}
    return (
        issued_on + dt.timedelta(days=lead_days),
        gettext("the mandate expired before the note was issued: due %(days)d days after the note") % {"days": lead_days},
    )


def days_to_renewal(mandate: Mandate, *, today: dt.date | None = None) -> int | None:
    return mandate.days_to_renewal(today or local_today())


def cycle_start(mandate: Mandate) -> dt.date | None:
    """The day the mandate's renewal cycle began: the expiry of the mandate it renews, else
    the issue date of the earliest briefing on its situation (the first time the IEG looked
    at it), else None. Costs no query when the mandate comes from with_first_briefing, one at
    most otherwise."""
    if mandate.renews_id is not None and mandate.renews.expires_on is not None:
        return mandate.renews.expires_on
    if hasattr(mandate, "first_briefing_on"):
        return mandate.first_briefing_on
    return Briefing.objects.filter(situation_id=mandate.situation_id).aggregate(first=Min("issued_on"))["first"]


def with_first_briefing(mandates: QuerySet[Mandate]) -> QuerySet[Mandate]:
    """``mandates`` ready for cycle_start without a query each."""
    first = Briefing.objects.filter(situation_id=OuterRef("situation_id")).order_by("issued_on").values("issued_on")[:1]
    return mandates.select_related("renews").annotate(first_briefing_on=Subquery(first))


# --- recommendations ---------------------------------------------------------------------------


def is_open(status: str) -> bool:
    """Someone can still act on it."""
    return status in OPEN_STATUSES


def open_q(*, prefix: str = "", status: str = "status") -> Q:
    return Q(**{f"{prefix}{status}__in": OPEN_STATUSES})


def stale_before(*, today: dt.date | None = None) -> dt.datetime:
    """A recommendation last touched before this instant is stale."""
    today = today or local_today()
    return start_of_day(today - dt.timedelta(days=settings.WPS_STALE_AFTER_DAYS))


def stale_q(
    *, today: dt.date | None = None, prefix: str = "", status: str = "status", updated: str = "last_update_at"
) -> Q:
    """Open, and no status update for WPS_STALE_AFTER_DAYS (never updated counts from the day
    it was created). ``status`` and ``updated`` name the fields to test: the stored ones, or
    what a reader is shown (access.Reader.with_shown_status)."""
    updated_before, never_updated = stale_parts_q(today=today, prefix=prefix, status=status, updated=updated)
    return updated_before | never_updated


def stale_parts_q(
    *, today: dt.date | None = None, prefix: str = "", status: str = "status", updated: str = "last_update_at"
) -> tuple[Q, Q]:
    """stale_q as two filters no row meets both of (last updated too long ago; never updated
    and created too long ago), for counting each along its own index: as one OR, PostgreSQL
    could use neither index and read every row (issue 14)."""
    cutoff = stale_before(today=today)
    still_open = open_q(prefix=prefix, status=status)
    return (
        still_open & Q(**{f"{prefix}{updated}__lt": cutoff}),
        still_open & Q(**{f"{prefix}{updated}__isnull": True, f"{prefix}created_at__lt": cutoff}),
    )


def is_stale(
    *, status: str, last_update_at: dt.datetime | None, created_at: dt.datetime, today: dt.date | None = None,
    before: dt.datetime | None = None,
) -> bool:
    """``before``: stale_before(today), when a caller testing many rows computed it once."""
    return is_open(status) and (last_update_at or created_at) < (before or stale_before(today=today))


def overdue_q(*, today: dt.date | None = None, prefix: str = "", status: str = "status") -> Q:
    """Due date passed and still open."""
    return open_q(prefix=prefix, status=status) & Q(**{f"{prefix}due_on__lt": today or local_today()})


def is_overdue(*, status: str, due_on: dt.date | None, today: dt.date | None = None) -> bool:
    return is_open(status) and due_on is not None and due_on < (today or local_today())


def in_cycle_q(*, since: dt.date | None, prefix: str = "", status: str = "status", updated: str = "last_update_at") -> Q:
    """What a report on a renewal cycle that began on ``since`` (cycle_start) covers: the
    open recommendations, and the others updated since the cycle began (closed during it).
    A closed one last updated before is the past cycles' business. No start known: all.
    ``status`` and ``updated`` as in stale_q (the stored fields, or what a reader is shown)."""
    if since is None:
        return Q()
    return open_q(prefix=prefix, status=status) | Q(**{f"{prefix}{updated}__gte": start_of_day(since)})


def is_in_cycle(*, status: str, updated_at: dt.datetime | None, since: dt.date | None) -> bool:
    return since is None or is_open(status) or (updated_at is not None and updated_at >= start_of_day(since))


def needs_update_q(*, mandates: dict[int, Mandate], prefix: str = "", situation_ids=None) -> Q:
    """Open and not updated since the current cycle of its situation began: cycle_start of the
    situation's current mandate (``mandates``, from current_mandates), else, on a situation
    with no mandate on record, since the recommendation's own briefing was issued.

    ``situation_ids``: the situations the rows are of, when the caller knows them; then the
    test on the briefing's date is made only for those with no cycle (none, usually), and
    PostgreSQL can find the rows along the last-update index instead of reading every row
    the reader may see with its briefing (issue 14: a focal point's dashboard)."""
    began = {sid: start for sid, m in mandates.items() if (start := cycle_start(m)) is not None}
    # The situations whose cycles began on the same day tested together: one condition per
    # day, not per situation (a focal point's 30 situations as 30 ORed conditions cost
    # PostgreSQL 14 ms of planning and a test of each on every row; issue 14).
    by_start: dict[dt.date, list[int]] = {}
    for situation_id, start in began.items():
        by_start.setdefault(start, []).append(situation_id)
    since_cycle = Q(**{f"{prefix}last_update_at__isnull": True})
    for start, same_day in sorted(by_start.items()):
        since_cycle |= Q(**{
            f"{prefix}situation_id__in": sorted(same_day), f"{prefix}last_update_at__lt": start_of_day(start)
        })
    by_briefing = Q(**{f"{prefix}last_update_at__date__lt": F(f"{prefix}briefing__issued_on")})
    if situation_ids is None:
        since_cycle |= ~Q(**{f"{prefix}situation_id__in": list(began)}) & by_briefing
    elif no_cycle := sorted(set(situation_ids) - set(began)):
        since_cycle |= Q(**{f"{prefix}situation_id__in": no_cycle}) & by_briefing
    return open_q(prefix=prefix) & since_cycle


def needs_update(
    *, status: str, last_update_at: dt.datetime | None, cycle_began: dt.date | None, briefing_issued_on: dt.date
) -> bool:
    """The per-row form of needs_update_q: ``cycle_began`` is cycle_start of the situation's
    current mandate, None when the situation has none."""
    if not is_open(status):
        return False
    if last_update_at is None:
        return True
    if cycle_began is not None:
        return last_update_at < start_of_day(cycle_began)
    return last_update_at.astimezone(start_of_day(briefing_issued_on).tzinfo).date() < briefing_issued_on
