"""Every read a page needs, permission-filtered through access.py and prefetched so that the
number of queries does not grow with the data (tests/web/test_query_counts.py pins it).

Keyword-only functions; they return querysets, lists or small dataclasses that templates
read without touching the database again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from recommendations import access, rules
from recommendations.dates import local_today
from recommendations.models import (
    Addressee,
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

SHOWN = {"status": "shown_status", "updated": "shown_update_at"}


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
    mandates = rules.current_mandates(situation_ids=[s.pk for s in situations])
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
            stale=Count("pk", filter=rules.stale_q(today=today)),
            overdue=Count("pk", filter=rules.overdue_q(today=today)),
            open=Count("pk", filter=rules.open_q()),
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
    counts: dict[int, dict] = {}
    rows = access.Reader.of(user).with_shown_status(recs).annotate(updated=F("shown_update_at")).values_list(
        "situation_id", "shown_status", "updated", "created_at", "due_on", "uptake"
    )
    for situation_id, status, updated, created_at, due_on, uptake in rows.order_by():
        found = counts.get(situation_id)
        if found is None:
            found = counts[situation_id] = dict.fromkeys(
                ["total", "stale", "overdue", "open"]
                + [f"s_{v}" for v in ImplementationStatus.values] + [f"u_{v}" for v in Uptake.values], 0
            )
        found["total"] += 1
        found["open"] += rules.is_open(status)
        found["stale"] += rules.is_stale(status=status, last_update_at=updated, created_at=created_at, today=today)
        found["overdue"] += rules.is_overdue(status=status, due_on=due_on, today=today)
        found[f"s_{status}"] += 1
        found[f"u_{uptake}"] += 1
    return counts


NEEDS_UPDATE_SHOWN = 25


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
        .filter(rules.needs_update_q(mandates=rules.current_mandates(situation_ids=situation_ids)))
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
    reader = access.Reader.of(user)
    recs = reader.with_shown_status(reader.recommendations())
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
        recs = recs.filter(rules.stale_q(**SHOWN))
    if filters.get("overdue"):
        recs = recs.filter(rules.overdue_q(status="shown_status"))
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
    """Rows of the CSV export of ``recs`` (already permission-filtered and annotated by
    access.Reader.with_shown_status), header first. The latest note is the latest one the
    user may read (access.Reader.updates), the same update whose status the row shows.

    Plain values, not model instances: ten thousand rows with their themes, owners and
    links in four queries and well under a second."""
    latest = access.Reader.of(user).updates(StatusUpdate.objects.filter(recommendation=OuterRef("pk")))
    latest = latest.order_by("-created_at", "-id")
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
    tz = timezone.get_current_timezone()
    yield [
        "reference", "situation", "briefing date", "text", "addressee", "themes", "owners",
        "mandate paragraphs", "due date", "status", "last update", "uptake", "stale", "overdue",
        "latest note", "latest note date",
    ]
    for (pk, reference, situation, issued_on, text, addressee, due_on, status, last_update_at, created_at,
         uptake, latest_note, latest_note_at) in rows:
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
            "yes" if rules.is_stale(status=status, last_update_at=last_update_at, created_at=created_at, today=today)
            else "no",
            "yes" if rules.is_overdue(status=status, due_on=due_on, today=today) else "no",
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
    # Why this person reads the internal updates, when it is not as secretariat staff: "You
    # see internal updates here as a focal point of UN Women." (README, "Who sees what").
    internal_because: str = ""


def recommendation_detail(*, user, recommendation: Recommendation) -> RecommendationDetail:
    """Everything the recommendation page shows, in a fixed number of queries. ``updates``
    holds only the updates this user may read (access.Reader.updates)."""
    rec = recommendation
    reader = access.Reader.of(user)
    # Recording an update and reading the internal ones are one right (access.Reader).
    can_update = reader.reads_internal(rec)
    can_curate = access.is_secretariat(user)
    updates = list(
        reader.updates(rec.status_updates.all(), reads_internal=can_update)
        .select_related("author", "on_behalf_of").order_by("-created_at", "-id")
    )
    status, last_update_at = reader.status_of(rec, updates, reads_internal=can_update)
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
        stale=rules.is_stale(status=status, last_update_at=last_update_at, created_at=rec.created_at),
        overdue=rules.is_overdue(status=status, due_on=rec.due_on),
    )
    if can_update and not can_curate:
        groups = set(user.groups.values_list("pk", flat=True))
        mine = [o.entity.name for o in detail.ownerships if o.entity.group_id in groups]
        if mine:
            detail.internal_because = f"You see internal updates here as a focal point of {' and '.join(mine)}."
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
        access.Reader.of(user).with_shown_status(Recommendation.objects.filter(pk__in=[r.pk for r in linked]))
        .values_list("pk", "shown_status")
    )
    for rec in linked:
        rec.shown_status = shown.get(rec.pk, rec.status)
    # A recommendation linked to one of these paragraphs is linked by definition, so only
    # those whose briefing quotes the mandate can be left out.
    linked_here = ParagraphLink.objects.filter(recommendation=OuterRef("pk"), paragraph__mandate=mandate)
    unlinked = list(
        access.Reader.of(user).with_shown_status(visible).filter(briefing__mandate=mandate)
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
    "dashboard_rows",
    "filter_choices",
    "filtered_recommendations",
    "mandate_page",
    "needs_update_this_cycle",
    "recommendation_detail",
    "situation_paragraphs",
    "with_list_details",
]
