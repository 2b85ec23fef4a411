"""Every read a page needs, permission-filtered through access.py and prefetched so that the
number of queries does not grow with the data (tests/web/test_query_counts.py pins it).

Keyword-only functions; they return querysets, lists or small dataclasses that templates
read without touching the database again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from recommendations import access
from recommendations.dates import local_today, start_of_day
from recommendations.models import (
    OPEN_STATUSES,
    Addressee,
    Briefing,
    Entity,
    ImplementationStatus,
    Mandate,
    MandateParagraph,
    Ownership,
    ParagraphLink,
    Recommendation,
    Situation,
    StatusUpdate,
    Theme,
    Uptake,
)

# --- shared predicates -----------------------------------------------------------------------


def stale_before(*, today: dt.date | None = None) -> dt.datetime:
    """A recommendation last updated before this instant (or never, and created before it)
    is stale."""
    today = today or local_today()
    return start_of_day(today - dt.timedelta(days=settings.WPS_STALE_AFTER_DAYS))


def stale_q(*, today: dt.date | None = None, status: str = "status", updated: str = "last_update_at") -> Q:
    """Open, and no status update for WPS_STALE_AFTER_DAYS (never updated counts from the
    day it was created). ``status`` and ``updated`` name the fields to test: the stored
    ones, or the shown_* annotations of with_shown_status."""
    cutoff = stale_before(today=today)
    return Q(**{f"{status}__in": OPEN_STATUSES}) & (
        Q(**{f"{updated}__lt": cutoff}) | Q(**{f"{updated}__isnull": True}, created_at__lt=cutoff)
    )


def overdue_q(*, today: dt.date | None = None, status: str = "status") -> Q:
    """Due date passed and still open."""
    return Q(**{f"{status}__in": OPEN_STATUSES}, due_on__lt=today or local_today())


def _latest_shared_updates() -> QuerySet[StatusUpdate]:
    """The shared updates of the outer query's recommendation, newest first.

    Ordered by the timeline index alone (recommendation, -created_at), with no "-id"
    tie-break, so each row is one short index scan; PostgreSQL otherwise sorted every update
    of the row, and its cost estimate crossed the JIT threshold (60 ms compiling a 9 ms
    query). Two updates of one recommendation never share a microsecond: they are
    serialised by record_status_update's row lock."""
    return StatusUpdate.objects.filter(
        recommendation=OuterRef("pk"), visibility=StatusUpdate.Visibility.SHARED
    ).order_by("-created_at")


def shared_status() -> Coalesce:
    """The status those who may not read internal updates see on a recommendation: that of
    its latest shared update, or "not started" when there is none. An expression over
    Recommendation rows (one subquery each); the pages and the Council report both use it."""
    return Coalesce(
        Subquery(_latest_shared_updates().values("status")[:1]), Value(ImplementationStatus.NOT_STARTED),
        output_field=CharField(),
    )


def with_shown_status(recs: QuerySet[Recommendation], *, user) -> QuerySet[Recommendation]:
    """``recs`` annotated with ``shown_status`` and ``shown_update_at``: the status and time
    of the latest update this user may read. Council experts, and focal points on what their
    entity does not own, never read an internal update, so its status and date do not show
    either (pages, counts, filters, exports); they see the latest shared update, or "not
    started" when there is none. Everyone else sees the stored status. In the same query."""
    insider = access.internal_notes_visible_q(user)
    if insider is None:
        return recs.annotate(shown_status=F("status")).alias(shown_update_at=F("last_update_at"))
    # shown_update_at is an alias: computed only where a filter, a sort or an explicit
    # annotation (the CSV, the dashboard) uses it, not for every row of every page.
    return recs.annotate(
        shown_status=Case(
            When(insider, then=F("status")),
            default=shared_status(),
            output_field=CharField(),
        ),
    ).alias(
        shown_update_at=Case(
            When(insider, then=F("last_update_at")),
            default=Subquery(_latest_shared_updates().values("created_at")[:1]),
            output_field=DateTimeField(),
        ),
    )


SHOWN = {"status": "shown_status", "updated": "shown_update_at"}


def current_mandates(*, situation_ids) -> dict[int, Mandate]:
    """Each situation's current mandate: the one whose renewal is the nearest still to come,
    else the one that expired last. One query."""
    today = local_today()
    chosen: dict[int, Mandate] = {}
    mandates = with_first_briefing(Mandate.objects.filter(situation_id__in=list(situation_ids)))
    for mandate in mandates.order_by("situation_id", "expires_on"):
        held = chosen.get(mandate.situation_id)
        if held is None or held.expires_on < today:
            # Ascending order: the first one not yet expired wins; until then keep the latest.
            chosen[mandate.situation_id] = mandate
    return chosen


def cycle_start(mandate: Mandate) -> dt.date | None:
    """The day the mandate's renewal cycle began: the expiry of the mandate it renews, else
    the issue date of the earliest briefing on its situation (the first time the IEG looked
    at it), else None. The one definition of "this cycle" for the pages, the reminders and
    the reports. Costs no query when the mandate comes with ``renews`` selected and
    ``first_briefing_on`` annotated (see with_first_briefing), one at most otherwise."""
    if mandate.renews_id is not None:
        return mandate.renews.expires_on
    if hasattr(mandate, "first_briefing_on"):
        return mandate.first_briefing_on
    return Briefing.objects.filter(situation_id=mandate.situation_id).aggregate(first=Min("issued_on"))["first"]


def with_first_briefing(mandates: QuerySet[Mandate]) -> QuerySet[Mandate]:
    """``mandates`` ready for cycle_start without a query each."""
    first = Briefing.objects.filter(situation_id=OuterRef("situation_id")).order_by("issued_on").values("issued_on")[:1]
    return mandates.select_related("renews").annotate(first_briefing_on=Subquery(first))


# --- dashboard -------------------------------------------------------------------------------


@dataclass
class SituationRow:
    situation: Situation
    mandate: Mandate | None
    days_left: int | None
    total: int = 0
    by_status: list[tuple[str, str, int]] = field(default_factory=list)  # (value, label, n)
    by_uptake: list[tuple[str, str, int]] = field(default_factory=list)
    stale: int = 0
    overdue: int = 0
    open: int = 0


def dashboard_rows(*, user) -> list[SituationRow]:
    """One row per situation the user may see, with its counts. Three queries whatever the
    number of situations and recommendations."""
    today = local_today()
    situations = list(access.visible_situations(user).order_by("name"))
    mandates = current_mandates(situation_ids=[s.pk for s in situations])
    recs = Recommendation.objects.filter(situation__in=[s.pk for s in situations])
    counts = _counts_in_sql(recs, today=today) if access.is_secretariat(user) else _counts_in_python(recs, user=user, today=today)
    rows = []
    for situation in situations:
        mandate = mandates.get(situation.pk)
        row = SituationRow(
            situation=situation, mandate=mandate,
            days_left=mandate.days_to_renewal(today) if mandate else None,
        )
        found = counts.get(situation.pk)
        if found:
            row.total, row.stale, row.overdue, row.open = found["total"], found["stale"], found["overdue"], found["open"]
            row.by_status = [(v, label, found[f"s_{v}"]) for v, label in ImplementationStatus.choices]
            row.by_uptake = [(v, label, found[f"u_{v}"]) for v, label in Uptake.choices]
        rows.append(row)
    return rows


def _counts_in_sql(recs: QuerySet[Recommendation], *, today: dt.date) -> dict[int, dict]:
    """Counts per situation over the stored status: for those who may read every update."""
    status_counts = {f"s_{value}": Count("pk", filter=Q(status=value)) for value in ImplementationStatus.values}
    uptake_counts = {f"u_{value}": Count("pk", filter=Q(uptake=value)) for value in Uptake.values}
    return {
        row["situation_id"]: row
        for row in recs.values("situation_id")
        .annotate(
            total=Count("pk"),
            stale=Count("pk", filter=stale_q(today=today)),
            overdue=Count("pk", filter=overdue_q(today=today)),
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            **status_counts,
            **uptake_counts,
        )
        .order_by()
    }


def _counts_in_python(recs: QuerySet[Recommendation], *, user, today: dt.date) -> dict[int, dict]:
    """The same counts over the status each row shows to this user (with_shown_status).
    Counted here rather than in SQL: there each of the fourteen counts would repeat the
    per-row subquery of the shown status, which made a focal point's dashboard take
    seconds at ten thousand recommendations; here it runs once per row."""
    cutoff = stale_before(today=today)
    counts: dict[int, dict] = {}
    rows = with_shown_status(recs, user=user).annotate(updated=F("shown_update_at")).values_list(
        "situation_id", "shown_status", "updated", "created_at", "due_on", "uptake"
    )
    for situation_id, status, updated, created_at, due_on, uptake in rows.order_by():
        found = counts.get(situation_id)
        if found is None:
            found = counts[situation_id] = dict.fromkeys(
                ["total", "stale", "overdue", "open"]
                + [f"s_{v}" for v in ImplementationStatus.values] + [f"u_{v}" for v in Uptake.values], 0
            )
        is_open = status in OPEN_STATUSES
        found["total"] += 1
        found["open"] += is_open
        found["stale"] += is_open and (updated or created_at) < cutoff
        found["overdue"] += is_open and due_on is not None and due_on < today
        found[f"s_{status}"] += 1
        found[f"u_{uptake}"] += 1
    return counts


NEEDS_UPDATE_SHOWN = 25


def needs_update_q(*, situation_ids) -> Q:
    """Open and not updated since the current cycle of its situation began (cycle_start):
    the renewal of the previous mandate where one is known, else the recommendation's own
    briefing date. One query (the situations' current mandates) to build."""
    mandates = current_mandates(situation_ids=situation_ids)
    began = {sid: start for sid, m in mandates.items() if (start := cycle_start(m)) is not None}
    since_cycle = Q(last_update_at__isnull=True)
    for situation_id, start in began.items():
        since_cycle |= Q(situation_id=situation_id, last_update_at__lt=start_of_day(start))
    # A situation with no mandate on record: the cycle began with the recommendation's note.
    since_cycle |= ~Q(situation_id__in=list(began)) & Q(last_update_date__lt=F("briefing__issued_on"))
    return Q(status__in=OPEN_STATUSES) & since_cycle


def needs_update_this_cycle(*, user, limit: int = NEEDS_UPDATE_SHOWN) -> tuple[int, list[Recommendation]]:
    """For a focal point: how many open recommendations their entities own have had no
    status update since the current cycle began (DESIGN.md "Reminders"), and the first
    ``limit`` of them, soonest due first. Four queries, whatever their number."""
    situation_ids = list(access.visible_situations(user).values_list("pk", flat=True))
    recs = (
        Recommendation.objects.filter(
            Exists(Ownership.objects.filter(recommendation=OuterRef("pk"), entity__in=access.user_entities(user))),
            situation_id__in=situation_ids,
        )
        .annotate(last_update_date=TruncDate("last_update_at"))
        .filter(needs_update_q(situation_ids=situation_ids))
    )
    shown = list(
        recs.select_related("situation")
        .order_by(F("due_on").asc(nulls_last=True), "situation__name", "briefing__issued_on", "position")[:limit]
    )
    # Always counted, so the number of queries is the same for 3 or 3,000.
    return recs.count(), shown


# --- the list and its CSV --------------------------------------------------------------------

SORTS = {
    "reference": ("reference",),
    "-reference": ("-reference",),
    "due": (F("due_on").asc(nulls_last=True), "reference"),
    "-due": (F("due_on").desc(nulls_last=True), "reference"),
    "status": ("shown_status", "reference"),
    "updated": (F("shown_update_at").asc(nulls_first=True), "reference"),
    "-updated": (F("shown_update_at").desc(nulls_last=True), "reference"),
    "situation": ("situation__name", "briefing__issued_on", "position"),
}
DEFAULT_SORT = "situation"


def filter_choices(*, user) -> dict[str, QuerySet]:
    """The querysets the list's filter form offers: only what the user may see."""
    return {
        "situations": access.visible_situations(user).order_by("name"),
        "themes": Theme.objects.order_by("name"),
        "entities": Entity.objects.order_by("name"),
        "paragraphs": MandateParagraph.objects.filter(mandate__in=access.visible_mandates(user))
        .select_related("mandate")
        .order_by("mandate__situation__name", "-mandate__expires_on", "position"),
    }


def filtered_recommendations(*, user, filters: dict) -> QuerySet[Recommendation]:
    """The recommendations the user may see, narrowed by the list's cleaned filters (keys of
    forms.RecommendationFilterForm) and sorted. Lazy: the caller paginates or exports."""
    recs = with_shown_status(access.visible_recommendations(user), user=user)
    if filters.get("situation"):
        recs = recs.filter(situation=filters["situation"])
    if filters.get("status"):
        recs = recs.filter(shown_status=filters["status"])
    if filters.get("uptake"):
        recs = recs.filter(uptake=filters["uptake"])
    if filters.get("addressee"):
        recs = recs.filter(addressee=filters["addressee"])
    if filters.get("theme"):
        recs = recs.filter(themes=filters["theme"])
    if filters.get("owner"):
        recs = recs.filter(Exists(Ownership.objects.filter(recommendation=OuterRef("pk"), entity=filters["owner"])))
    if filters.get("paragraph"):
        recs = recs.filter(
            Exists(ParagraphLink.objects.filter(recommendation=OuterRef("pk"), paragraph=filters["paragraph"]))
        )
    if filters.get("stale"):
        recs = recs.filter(stale_q(**SHOWN))
    if filters.get("overdue"):
        recs = recs.filter(overdue_q(status="shown_status"))
    if filters.get("q"):
        for word in filters["q"].split():
            recs = recs.filter(Q(text__icontains=word) | Q(reference__icontains=word))
    return recs.order_by(*SORTS.get(filters.get("sort") or DEFAULT_SORT, SORTS[DEFAULT_SORT]))


def with_list_details(recs: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
    """What a row of the list shows, fetched in a fixed number of queries."""
    return recs.select_related("situation").prefetch_related(
        Prefetch("themes", queryset=Theme.objects.order_by("name")),
        Prefetch("owners", queryset=Entity.objects.order_by("name")),
    )


def csv_rows(*, user, recs: QuerySet[Recommendation]):
    """Rows of the CSV export of ``recs`` (already permission-filtered), header first. The
    latest note is the latest one the user may read: Council experts and focal points get
    only notes shared with Council experts, whatever they own, so no internal note leaves
    through an export.

    Plain values, not model instances: ten thousand rows with their themes, owners and
    links in four queries and well under a second."""
    notes = StatusUpdate.objects.filter(recommendation=OuterRef("pk"))
    if not access.is_secretariat(user):
        notes = notes.filter(visibility=StatusUpdate.Visibility.SHARED)
    latest = notes.order_by("-created_at", "-id")
    rows = list(
        recs.annotate(
            shown_update=F("shown_update_at"),
            latest_note=Subquery(latest.values("note")[:1]),
            latest_note_at=Subquery(latest.values("created_at")[:1]),
        ).values_list(
            "pk", "reference", "situation__name", "briefing__issued_on", "text", "addressee", "due_on", "shown_status",
            "shown_update", "created_at", "uptake", "latest_note", "latest_note_at",
        )
    )
    ids = recs.values("pk")
    themes: dict[int, list[str]] = {}
    for rec_id, name in (
        Recommendation.themes.through.objects.filter(recommendation__in=ids)
        .order_by("theme__name").values_list("recommendation_id", "theme__name")
    ):
        themes.setdefault(rec_id, []).append(name)
    owners: dict[int, list[str]] = {}
    for rec_id, name in (
        Ownership.objects.filter(recommendation__in=ids).order_by("entity__name").values_list("recommendation_id", "entity__name")
    ):
        owners.setdefault(rec_id, []).append(name)
    links: dict[int, list[str]] = {}
    for rec_id, symbol, label, confirmed in (
        ParagraphLink.objects.filter(recommendation__in=ids)
        .order_by("paragraph__mandate__expires_on", "paragraph__position")
        .values_list(
            "recommendation_id", "paragraph__mandate__symbol", "paragraph__label", "confirmed",
        )
    ):
        links.setdefault(rec_id, []).append(f"{symbol} {label}" + ("" if confirmed else " (suggested)"))

    addressees, statuses, uptakes = dict(Addressee.choices), dict(ImplementationStatus.choices), dict(Uptake.choices)
    today = local_today()
    stale_cutoff = stale_before(today=today)
    tz = timezone.get_current_timezone()
    yield [
        "reference", "situation", "briefing date", "text", "addressee", "themes", "owners",
        "mandate paragraphs", "due date", "status", "last update", "uptake", "stale", "overdue",
        "latest note", "latest note date",
    ]
    for (pk, reference, situation, issued_on, text, addressee, due_on, status, last_update_at, created_at,
         uptake, latest_note, latest_note_at) in rows:
        is_open = status in OPEN_STATUSES
        yield [
            reference,
            situation,
            issued_on.isoformat(),
            text,
            addressees.get(addressee, addressee),
            "; ".join(themes.get(pk, ())),
            "; ".join(owners.get(pk, ())),
            "; ".join(links.get(pk, ())),
            due_on.isoformat() if due_on else "",
            statuses.get(status, status),
            last_update_at.astimezone(tz).date().isoformat() if last_update_at else "",
            uptakes.get(uptake, uptake),
            "yes" if is_open and (last_update_at or created_at) < stale_cutoff else "no",
            "yes" if is_open and due_on is not None and due_on < today else "no",
            latest_note or "",
            latest_note_at.astimezone(tz).date().isoformat() if latest_note_at else "",
        ]


# --- one recommendation ----------------------------------------------------------------------


@dataclass
class RecommendationDetail:
    recommendation: Recommendation
    themes: list[Theme]
    ownerships: list[Ownership]
    links: list[ParagraphLink]
    updates: list[StatusUpdate]
    # The status and time of the latest update in ``updates`` (with_shown_status's rule).
    status: str
    last_update_at: dt.datetime | None
    can_update: bool
    can_curate: bool
    stale: bool
    overdue: bool


def recommendation_detail(*, user, recommendation: Recommendation) -> RecommendationDetail:
    """Everything the recommendation page shows, in a fixed number of queries. ``updates``
    holds only the updates this user may read (access.visible_status_updates)."""
    rec = recommendation
    can_update = access.can_update_status(user, rec)
    can_curate = access.is_secretariat(user)
    updates = rec.status_updates.all() if can_update else rec.status_updates.visible_to_council()
    updates = list(updates.select_related("author", "on_behalf_of").order_by("-created_at", "-id"))
    if can_update:
        status, last_update_at = rec.status, rec.last_update_at
    else:
        status = updates[0].status if updates else ImplementationStatus.NOT_STARTED
        last_update_at = updates[0].created_at if updates else None
    is_open = status in OPEN_STATUSES
    detail = RecommendationDetail(
        recommendation=rec,
        themes=list(rec.themes.order_by("name")),
        ownerships=list(Ownership.objects.filter(recommendation=rec).select_related("entity").order_by("entity__name")),
        links=list(
            ParagraphLink.objects.filter(recommendation=rec)
            .select_related("paragraph__mandate")
            .order_by("paragraph__mandate__expires_on", "paragraph__position")
        ),
        updates=updates,
        status=status,
        last_update_at=last_update_at,
        can_update=can_update,
        can_curate=can_curate,
        stale=is_open and (last_update_at or rec.created_at) < stale_before(),
        overdue=is_open and rec.due_on is not None and rec.due_on < local_today(),
    )
    return detail


def situation_paragraphs(*, situation_id: int) -> QuerySet[MandateParagraph]:
    """The paragraphs of every mandate of a situation, newest mandate first: what a
    recommendation may be linked to, or whose uptake a paragraph may record."""
    return (
        MandateParagraph.objects.filter(mandate__situation_id=situation_id)
        .select_related("mandate")
        .order_by("-mandate__expires_on", "position")
    )


# --- one mandate -----------------------------------------------------------------------------


@dataclass
class ParagraphRow:
    paragraph: MandateParagraph
    links: list[ParagraphLink]


@dataclass
class MandatePage:
    mandate: Mandate
    days_left: int
    rows: list[ParagraphRow]
    uncovered: list[MandateParagraph]
    unlinked: list[Recommendation]
    recommendation_count: int


def mandate_page(*, user, mandate: Mandate) -> MandatePage:
    """The mandate's paragraphs with the recommendations linked to each, the paragraphs no
    recommendation covers (no link, suggested or confirmed), and the recommendations on the
    mandate that are linked to none of its paragraphs. A recommendation is "on" the mandate
    when its briefing quotes this mandate or it is linked to one of its paragraphs. Three
    queries."""
    visible = access.visible_recommendations(user)
    links_qs = (
        ParagraphLink.objects.filter(paragraph__mandate=mandate, recommendation__in=visible)
        .select_related("recommendation")
        .order_by("recommendation__briefing__issued_on", "recommendation__position")
    )
    paragraphs = list(
        mandate.paragraphs.order_by("position").prefetch_related(Prefetch("paragraphlink_set", queryset=links_qs))
    )
    rows = [ParagraphRow(paragraph=p, links=list(p.paragraphlink_set.all())) for p in paragraphs]
    # The status each linked recommendation shows to this user, in one more query.
    linked = {link.recommendation for row in rows for link in row.links}
    shown = dict(
        with_shown_status(Recommendation.objects.filter(pk__in=[r.pk for r in linked]), user=user)
        .values_list("pk", "shown_status")
    )
    for rec in linked:
        rec.shown_status = shown.get(rec.pk, rec.status)
    # A recommendation linked to one of these paragraphs is linked by definition, so only
    # those whose briefing quotes the mandate can be left out.
    linked_here = ParagraphLink.objects.filter(recommendation=OuterRef("pk"), paragraph__mandate=mandate)
    unlinked = list(
        with_shown_status(visible, user=user).filter(briefing__mandate=mandate)
        .exclude(Exists(linked_here))
        .select_related("situation")
        .order_by("briefing__issued_on", "position")
    )
    linked_ids = {link.recommendation_id for row in rows for link in row.links}
    return MandatePage(
        mandate=mandate,
        days_left=mandate.days_to_renewal(),
        rows=rows,
        uncovered=[row.paragraph for row in rows if not row.links],
        unlinked=unlinked,
        recommendation_count=len(linked_ids) + len(unlinked),
    )


__all__ = [
    "DEFAULT_SORT",
    "SORTS",
    "csv_rows",
    "current_mandates",
    "cycle_start",
    "dashboard_rows",
    "filter_choices",
    "filtered_recommendations",
    "mandate_page",
    "needs_update_this_cycle",
    "overdue_q",
    "recommendation_detail",
    "situation_paragraphs",
    "stale_before",
    "stale_q",
    "with_list_details",
]
