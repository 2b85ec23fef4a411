"""Every read a page needs, permission-filtered through access.py and prefetched so that the
number of queries does not grow with the data (tests/web/test_query_counts.py pins it).

Keyword-only functions; they return querysets, lists or small dataclasses that templates
read without touching the database again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from recommendations import access, compiled_sql, rules
from recommendations.dates import local_today
from recommendations.models import (
    OPEN_STATUSES,
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
from recommendations.words import and_list

SHOWN = {"status": "shown_status", "updated": "shown_update_at"}


# --- dashboard -------------------------------------------------------------------------------


@dataclass
class SituationRow:
    situation: Situation
    # The current mandate (rules.current_mandates). For a reader of every situation, set by
    # fill_dashboard_cards for the rows a page shows only (the others have mandate_id alone).
    mandate: Mandate | None
    days_left: int | None
    mandate_id: int | None = None
    total: int = 0
    by_status: list[tuple[str, str, int]] = field(default_factory=list)  # (value, label, n)
    by_uptake: list[tuple[str, str, int]] = field(default_factory=list)
    stale: int = 0
    overdue: int = 0
    open: int = 0
    # The uptake of the proposals answered by the situation's last renewal (renewal_selectors).
    uptake_rate: object = None


def dashboard_rows(*, user) -> list[SituationRow]:
    """One row per situation the user may see, renewals soonest first (_by_renewal), with its
    current mandate; no counts (fill_dashboard_cards fills those of the rows a page shows).
    Two queries whatever the number of situations. For a reader of every situation, the
    mandates' ids and expiries only (rules.current_expiries: enough to sort), the mandates
    themselves read by fill_dashboard_cards for a page's rows."""
    today = local_today()
    reader = access.Reader.of(user)
    situations = reader.situation_list()
    rows = []
    if situations is None:
        situations = list(Situation.objects.order_by("name"))
        expiries = rules.current_expiries(situation_ids=[s.pk for s in situations])
        for situation in situations:
            mandate_id, expires_on = expiries.get(situation.pk, (None, None))
            rows.append(SituationRow(
                situation=situation, mandate=None, mandate_id=mandate_id,
                days_left=(expires_on - today).days if expires_on else None,
            ))
    else:
        mandates = rules.current_mandates(situation_ids=[s.pk for s in situations])
        for situation in situations:
            mandate = mandates.get(situation.pk)
            rows.append(SituationRow(
                situation=situation, mandate=mandate, mandate_id=mandate.pk if mandate else None,
                days_left=mandate.days_to_renewal(today) if mandate else None,
            ))
    rows.sort(key=_by_renewal)
    return rows


def fill_dashboard_cards(*, user, rows: list[SituationRow], shown: list[SituationRow]) -> None:
    """Fill the counts, the mandate where dashboard_rows left only its id, and the uptake at
    the last renewal of ``shown``, the rows of ``rows`` (dashboard_rows) a page shows as
    cards. Two queries, three when a situation shown has had a renewal
    (renewal_selectors.last_renewal_rates: of the page's situations only), one more for a
    reader of every situation (the page's mandates). The counts: for a reader of some
    situations, over the recommendations of all of ``rows`` (their sums are the totals above
    the cards: attention_lists); for a reader of every situation, over those of ``shown``
    only: over all of them, the secretariat's counts read every one of 100,000 rows for the
    20 cards of a page (45 ms of 16 FILTERs; its totals are counted apart, along the rules'
    indexes: attention_lists; issue 14)."""
    from recommendations.curation.renewal_selectors import last_renewal_rates

    reader = access.Reader.of(user)
    unread = [row for row in shown if row.mandate is None and row.mandate_id is not None]
    if unread:
        mandates = rules.mandates_by_id(row.mandate_id for row in unread)
        for row in unread:
            row.mandate = mandates.get(row.mandate_id)
    counted = shown if reader.reads_everything else rows
    counts = _counts_in_sql(reader, today=local_today(), situation_ids=[row.situation.pk for row in counted])
    # The labels translated once a request, not once a card (lazy, each read of one translates it).
    statuses = [(value, str(label)) for value, label in ImplementationStatus.choices]
    uptakes = [(value, str(label)) for value, label in Uptake.choices]
    for row in counted:
        found = counts.get(row.situation.pk)
        if found:
            row.total, row.stale, row.overdue, row.open = found["total"], found["stale"], found["overdue"], found["open"]
            row.by_status = [(v, label, found[f"s_{v}"]) for v, label in statuses]
            row.by_uptake = [(v, label, found[f"u_{v}"]) for v, label in uptakes]
    rates = last_renewal_rates(situation_ids=[row.situation.pk for row in shown])
    for row in shown:
        row.uptake_rate = rates.get(row.situation.pk)


def _by_renewal(row: SituationRow) -> tuple:
    """Renewals to come, soonest first; then those past, latest first; then no mandate."""
    if row.days_left is None:
        return (2, 0, row.situation.name)
    if row.days_left >= 0:
        return (0, row.days_left, row.situation.name)
    return (1, -row.days_left, row.situation.name)


# Counted on what a row shows its reader: the stored status, or the stored shared one.
_SHOWN_COUNTS = ("stale", "overdue", *(f"s_{value}" for value in ImplementationStatus.values))


def _counts_in_sql(reader: access.Reader, *, today: dt.date, situation_ids: list[int]) -> dict[int, dict]:
    """Per situation of ``situation_ids`` (situations the reader may see): how many
    recommendations, how many stale, overdue, open and in each status over what each row
    shows the reader (access.Reader.shown_q's two branches: the stored status and last update
    where the reader reads the row's internal updates, else the stored shared ones), and in
    each uptake.

    One query, grouped by situation and by whether the reader reads the row's internal
    updates (Reader.internal_flag), each group counted on both sets of columns and the right
    one kept here: over the CASE of the shown status, PostgreSQL evaluated the ownership
    test once per count per row (48 ms for a focal point's 10,000 at 100,000; 24 ms so)."""
    def shown(prefix: str, status: str, updated: str) -> dict:
        return {
            f"{prefix}stale": Count("pk", filter=rules.stale_q(today=today, status=status, updated=updated)),
            f"{prefix}overdue": Count("pk", filter=rules.overdue_q(today=today, status=status)),
            **{f"{prefix}s_{value}": Count("pk", filter=Q(**{status: value})) for value in ImplementationStatus.values},
        }

    flag = reader.internal_flag()
    reads_all = isinstance(flag, Value) and flag.value is True
    reads_none = isinstance(flag, Value) and flag.value is False
    counts = {
        "total": Count("pk"),
        **{f"u_{value}": Count("pk", filter=Q(uptake=value)) for value in Uptake.values},
        **({} if reads_none else shown("", "status", "last_update_at")),
        **({} if reads_all else shown("shared_", "shared_status", "shared_update_at")),
    }
    plain = ["total", *(f"u_{value}" for value in Uptake.values)]
    found: dict[int, dict] = {}
    for row in (
        Recommendation.objects.filter(situation_id__in=situation_ids).annotate(reads_internal=flag)
        .values("situation_id", "reads_internal").annotate(**counts).order_by()
    ):
        into = found.setdefault(row["situation_id"], dict.fromkeys([*plain, *_SHOWN_COUNTS], 0))
        prefix = "" if row["reads_internal"] else "shared_"
        for key in plain:
            into[key] += row[key]
        for key in _SHOWN_COUNTS:
            into[key] += row[f"{prefix}{key}"]
    # Open: the sum of the open statuses' counts (rules.open_q), not two more counts a row.
    for into in found.values():
        into["open"] = sum(into[f"s_{value}"] for value in OPEN_STATUSES)
    return found


ATTENTION_SHOWN = 5


@dataclass
class AttentionList:
    key: str  # overdue, unowned, stale: also the list's filter (?overdue=on, ...)
    title: str
    count: int
    first: list[Recommendation]


def overdue_rule(*, today: dt.date | None = None) -> Callable[..., Q]:
    """rules.overdue_q as a rule for access.Reader.shown_q (which tests it on the fields a
    reader is shown). Today is read once, when the rule is made."""
    today = today or local_today()
    return lambda *, status, updated: rules.overdue_q(today=today, status=status)


def stale_rule(*, today: dt.date | None = None) -> Callable[..., Q]:
    """rules.stale_q as a rule for access.Reader.shown_q."""
    today = today or local_today()
    return lambda *, status, updated: rules.stale_q(today=today, status=status, updated=updated)


def attention_lists(*, user, rows: list[SituationRow], limit: int = ATTENTION_SHOWN) -> list[AttentionList]:
    """The dashboard's lists, over the recommendations of every situation of ``rows`` (those
    the user may see, dashboard_rows, counted by fill_dashboard_cards): overdue and stale
    (rules.overdue_q / stale_q over the status each row shows the user) and, for the
    secretariat, those with no owner; how many of each, and the first ``limit``, soonest due
    first. Two queries, three for the secretariat, whatever the data."""
    reader = access.Reader.of(user)
    today = local_today()
    # The situations of ``rows`` are those the user may see (dashboard_rows), given as a list:
    # as a subquery, PostgreSQL could not tell how few they are and read every overdue or
    # stale recommendation of every situation (0.2-0.5 s at 100,000; issue 14).
    visible = Recommendation.objects.filter(situation_id__in=[row.situation.pk for row in rows])
    ties = ("situation__name", "briefing__issued_on", "position")
    recs = reader.with_shown_status(visible).select_related("situation").order_by(F("due_on").asc(nulls_last=True), *ties)
    reads_every_situation = reader.reads_everything  # no query: situation_list() would read them again

    def first_and_count(key: str, title: str, matching: Q, parts: tuple[Q, ...], in_rows: int) -> AttentionList:
        if not reads_every_situation:
            return AttentionList(key, title, in_rows, list(recs.filter(matching)[:limit]))
        # A reader of every situation: fill_dashboard_cards counted only the rows of one page,
        # so the number comes with the first few, in the same query: a subquery per part of
        # ``matching`` (parts no row meets two of), each run once (an InitPlan) from the index
        # that fits it alone (rec_status_due, rec_status_last_update, rec_unowned_due): 4-10 ms
        # at 100,000 where one scan of every row took 45 ms (issue 14).
        count = None
        for part in parts:
            one = Subquery(Recommendation.objects.filter(part).order_by().values(
                n=Func(Value(1), function="COUNT", output_field=IntegerField())
            ))
            count = one if count is None else count + one
        first = list(recs.filter(matching).annotate(matching_count=count)[:limit])
        return AttentionList(key, title, first[0].matching_count if first else 0, first)

    overdue = reader.shown_q(overdue_rule(today=today))
    stale_parts = tuple(
        reader.shown_q(lambda *, status, updated, i=i: rules.stale_parts_q(today=today, status=status, updated=updated)[i])
        for i in (0, 1)
    )
    lists = [
        first_and_count("overdue", gettext("Overdue: due date passed, still open"), overdue, (overdue,),
                        sum(r.overdue for r in rows)),
        first_and_count("stale", gettext("Stale: no update for a long time"), reader.shown_q(stale_rule(today=today)),
                        stale_parts, sum(r.stale for r in rows)),
    ]
    if access.is_secretariat(user):
        # The stored has_owner (curation.services keeps it with the owners), along its partial
        # index (rec_unowned_due). Before, the count and the first few were an anti-join of
        # every recommendation with its owners: 115 ms of the secretariat's dashboard at
        # 100,000 (issue 14).
        lists.insert(1, first_and_count("unowned", gettext("No owner: nobody is asked for an update"),
                                        Q(has_owner=False), (Q(has_owner=False),), 0))
    return lists


def latest_reports(*, user, mandates: list[Mandate]) -> dict[int, object]:
    """The latest finished report the user may read of each of ``mandates`` (mandates of
    situations the user sees: dashboard_rows), by mandate id (the Council one for everyone but
    the secretariat). One query."""
    from recommendations.models import ProgressReport

    found: dict[int, object] = {}
    reports = access.visible_reports_of(user, mandates=mandates).filter(state=ProgressReport.State.DONE).order_by(
        "mandate_id", "-created_at", "-id"
    )
    for report in reports:
        found.setdefault(report.mandate_id, report)
    return found


NEEDS_UPDATE_SHOWN = 25


def needs_update_this_cycle(
    *, user, limit: int = NEEDS_UPDATE_SHOWN, situation_ids: list[int] | None = None,
    mandates: dict[int, Mandate] | None = None,
) -> tuple[int, list[Recommendation]]:
    """For a focal point: how many open recommendations their entities own have had no
    status update since the current cycle began (DESIGN.md "Reminders"), and the first
    ``limit`` of them, soonest due first. Three queries, whatever their number; one when the
    caller gives ``situation_ids``, those the user may see, and ``mandates``, their current
    ones (rules.current_mandates, ready for cycle_start): the dashboard has both from
    dashboard_rows (issue 14: the situations read twice, 17 ms each for a focal point at
    100,000; the mandates twice)."""
    if situation_ids is None:
        situation_ids = list(access.visible_situations(user).values_list("pk", flat=True))
    if mandates is None:
        mandates = rules.current_mandates(situation_ids=situation_ids)
    recs = (
        Recommendation.objects.filter(
            Exists(Ownership.objects.filter(recommendation=OuterRef("pk"), entity__in=access.user_entities(user))),
            situation_id__in=situation_ids,
        )
        .filter(rules.needs_update_q(mandates=mandates, situation_ids=situation_ids))
    )
    # The first few and their number in one query (a window count over every match, whatever
    # their number): as a count and a list, PostgreSQL found the same rows twice (20 ms each
    # for a focal point at 100,000; issue 14).
    shown = list(
        recs.select_related("situation").annotate(needs_count=Window(Count("pk")))
        .order_by(F("due_on").asc(nulls_last=True), "situation__name", "briefing__issued_on", "position")[:limit]
    )
    return (shown[0].needs_count if shown else 0), shown


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
# Sorts on what each row shows its reader that the list reads, for a reader split by what it
# is shown (access.Reader.branches: a focal point), as a merge of its branches (MergedRows),
# each sorted on a plain column that an index keeps in that order; with their order over the
# merged rows' columns, the same as SORTS gives. Sorted on the CASE itself, PostgreSQL sorted
# every row the focal point sees (~10,000 at 100,000 recommendations) for each page: issue 14.
MERGED_SORTS = {
    # Indexes rec_updated_sort (last_update_at) and rec_shared_updated_sort (shared_update_at).
    "-updated": "shown_update DESC NULLS LAST, reference ASC",
}


def theme_choices() -> QuerySet[Theme]:
    """The themes a filter offers, in its order (anyone may choose any theme)."""
    return Theme.objects.order_by("name")


def entity_choices() -> QuerySet[Entity]:
    """The entities a filter offers, in its order (anyone may choose any entity)."""
    return Entity.objects.order_by("name")


def filter_choices(*, user, situation_ids: list[int] | None = None) -> dict[str, QuerySet]:
    """The querysets the list's filter form offers: only what the user may see.
    ``situation_ids``: the ids of the situations the user may see, where the caller has read
    them already (access.Reader.situation_ids): the situations and paragraphs are then
    narrowed to those, the same rows without building the subqueries of
    access.visible_situations and visible_mandates again (~5 ms of Python a list page for a
    focal point: issue 14)."""
    if situation_ids is None:
        situations = access.visible_situations(user)
        paragraphs = MandateParagraph.objects.filter(mandate__in=access.visible_mandates(user))
    else:
        situations = Situation.objects.filter(pk__in=situation_ids)
        paragraphs = MandateParagraph.objects.filter(mandate__situation_id__in=situation_ids)
    return {
        "situations": situations.order_by("name"),
        "themes": theme_choices(),
        "entities": entity_choices(),
        "paragraphs": paragraphs.select_related("mandate").order_by(
            "mandate__situation__name", "-mandate__expires_on", "position"
        ),
    }


def filtered_recommendations(*, user, filters: dict) -> QuerySet[Recommendation]:
    """The recommendations the user may see, narrowed by the list's cleaned filters (keys of
    curation.filters.RecommendationFilterSet, as its form's filters() gives them) and sorted.
    Lazy: the caller paginates or exports."""
    from recommendations.curation.filters import RecommendationFilterSet  # it imports SORTS from here

    return RecommendationFilterSet.apply(user=user, filters=filters)


def neighbours(*, user, filters: dict, pk: int) -> tuple[int | None, int | None, int, int]:
    """Within the list as ``filters`` narrow and sort it: the ids before and after ``pk``,
    its position (1-based, 0 when not in the list) and the list's length. One query."""
    ids = list(filtered_recommendations(user=user, filters=filters).values_list("pk", flat=True))
    if pk not in ids:
        return None, None, 0, len(ids)
    i = ids.index(pk)
    return (ids[i - 1] if i > 0 else None), (ids[i + 1] if i + 1 < len(ids) else None), i + 1, len(ids)


def with_list_details(recs: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
    """What a row of the list shows of the recommendation itself, with its situation; its
    themes and owners are :func:`row_details` of the page's ids (``list_rows`` then reads
    ``theme_names`` and ``owner_names``, set by :func:`with_row_details`). Only the columns a
    row shows: the page's 50 recommendations and situations read whole, their three times
    parsed, were ~1 ms of the list page's ~22 ms of CPU at 100,000 recommendations (issue 14)."""
    return recs.select_related("situation").only(*LIST_COLUMNS)


# What a row of the list (templatetags.wps.list_rows) reads of a recommendation, besides its
# id and the status it is shown.
LIST_COLUMNS = ("reference", "text", "addressee", "due_on", "situation__name")


def with_row_details(recs: list[Recommendation]) -> list[Recommendation]:
    """``recs`` (a page, read), each with ``theme_names`` and ``owner_names``: lists of
    names in :func:`row_details`' order, read in two queries for the whole page. Prefetched
    into lists of model instances they were ~2 ms of CPU of the list page's ~13 at 100,000
    (issue 14)."""
    details = row_details([rec.pk for rec in recs], links=False)
    for rec in recs:
        rec.theme_names = [name for _slug, name in details.themes[rec.pk]]
        rec.owner_names = [name for _pk, name in details.owners[rec.pk]]
    return recs


# The order of each list a row shows, in with_details and in row_details alike.
THEME_ORDER = ("name",)
OWNER_ORDER = ("name",)
LINK_ORDER = ("paragraph__mandate__expires_on", "paragraph__position")


@dataclass
class RowDetails:
    """The lists a row shows, by recommendation id: themes as (slug, name), owners as (id,
    name), links as (paragraph id, mandate symbol, label, confirmed, cited); each in
    api.selectors.with_details's order. The list page's rows (with_row_details) read the
    themes and owners; the API's (api.serializers.recommendation_rows), all three."""

    themes: dict[int, list[tuple[str, str]]]
    owners: dict[int, list[tuple[int, str]]]
    links: dict[int, list[tuple[int, str, str, bool, bool]]]


def row_details(ids: list[int], *, links: bool = True, using: str = "default") -> RowDetails:
    """The lists of :class:`RowDetails` for the recommendations ``ids``: three queries (two
    without ``links``, whose lists then stay empty), :func:`_themes_of`, :func:`_owners_of`
    and :func:`_links_of`, run as SQL compiled once a process for each number of ids (a page
    size: compiled_sql). Built and compiled for every page, with 50 ids each, they were ~1.2 ms
    of the ~6 ms of CPU of an API page at 100k (issue 14)."""
    details = RowDetails(themes={pk: [] for pk in ids}, owners={pk: [] for pk in ids}, links={pk: [] for pk in ids})
    if not ids:
        return details
    for pk, *theme in compiled_sql.rows(_themes_of, ids, using=using):
        details.themes[pk].append(tuple(theme))
    for pk, *owner in compiled_sql.rows(_owners_of, ids, using=using):
        details.owners[pk].append(tuple(owner))
    if links:
        # No converter needed: PostgreSQL's booleans come as bool, and so do SQLite's "bool"
        # columns (Django registers a converter for that declared type).
        for pk, *link in compiled_sql.rows(_links_of, ids, using=using):
            details.links[pk].append(tuple(link))
    return details


# row_details's queries, as with_details's prefetches read them (the same joins and orders),
# each over the recommendations ``ids`` alone.


def _themes_of(*ids: int) -> QuerySet:
    """(recommendation id, theme slug, theme name)"""
    return (
        Recommendation.themes.through.objects.filter(recommendation_id__in=ids)
        .order_by(*(f"theme__{name}" for name in THEME_ORDER))
        .values_list("recommendation_id", "theme__slug", "theme__name")
    )


def _owners_of(*ids: int) -> QuerySet:
    """(recommendation id, entity id, entity name)"""
    return (
        Recommendation.owners.through.objects.filter(recommendation_id__in=ids)
        .order_by(*(f"entity__{name}" for name in OWNER_ORDER))
        .values_list("recommendation_id", "entity_id", "entity__name")
    )


def _links_of(*ids: int) -> QuerySet:
    """(recommendation id, paragraph id, mandate symbol, label, confirmed, cited)"""
    return (
        ParagraphLink.objects.filter(recommendation_id__in=ids)
        .order_by(*LINK_ORDER)
        .values_list(
            "recommendation_id", "paragraph_id", "paragraph__mandate__symbol", "paragraph__label", "confirmed", "cited"
        )
    )


class MergedRows:
    """The rows of ``recs`` (filtered and sorted) for a Paginator, each page read as a merge of
    ``parts``: the same rows split in disjoint querysets (a reader's branches), each sorted on
    its own columns in the order ``recs`` has, which ``order`` (MERGED_SORTS) gives over the
    merged columns. A page's ids are the first ``offset + size`` rows of each part (each an
    ordered index scan where an index serves its sort), merged in that order and cut to the
    page, in one query with the page's rows: ``recs`` narrowed to those ids, so a page has the
    same rows in the same order (the ties broken by the same columns), whichever way it is
    read, and the same number of queries. ``count()`` counts ``recs``."""

    ordered = True

    def __init__(self, recs: QuerySet[Recommendation], parts: list[QuerySet[Recommendation]], order: str):
        self.queryset = recs
        self.parts = parts
        self.order = order

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Recommendation]:
        if not isinstance(index, slice) or index.step is not None or index.stop is None:
            return self.queryset[index]
        start, stop = index.start or 0, index.stop
        return list(self.page(start, stop)) if stop > start else []

    def page(self, start: int, stop: int) -> QuerySet[Recommendation]:
        """The rows ``start`` to ``stop`` (exclusive), as one query: ``recs`` narrowed to the
        merge's ids."""
        selects, params = [], []
        for i, part in enumerate(self.parts):
            part = part.annotate(
                merged_id=F("pk"), shown_update=F("shown_update_at"), merged_reference=F("reference")
            ).values_list("merged_id", "shown_update", "merged_reference")[:stop]
            sql, part_params = part.query.get_compiler(using=part.db).as_sql()
            # A derived table each: SQLite takes no LIMIT in a member of a UNION itself.
            selects.append(
                f"SELECT p{i}.merged_id AS id, p{i}.shown_update, p{i}.merged_reference AS reference FROM ({sql}) AS p{i}"
            )
            params.extend(part_params)
        ids = RawSQL(
            f"SELECT merged.id FROM ({' UNION ALL '.join(selects)}) AS merged ORDER BY {self.order} LIMIT %s OFFSET %s",
            (*params, stop - start, start),
        )
        return self.queryset.filter(pk__in=ids)


def merged_rows(
    recs: QuerySet[Recommendation], *, parts: list[QuerySet[Recommendation]] | None, sort: str
) -> QuerySet[Recommendation] | MergedRows:
    """What the list's Paginator reads: ``recs``, or, for a sort of MERGED_SORTS split in
    ``parts`` (curation.filters.RecommendationFilterSet.branches), the same rows read as a
    merge of the parts (MergedRows)."""
    if parts is None or sort not in MERGED_SORTS:
        return recs
    return MergedRows(recs, parts, MERGED_SORTS[sort])


# Rows the CSV and XLSX exports read at a time: their memory stays that of one chunk,
# whatever the number of rows (issue 14: the whole list took +183 MB and 1.9 s before the
# first byte at 100,000 recommendations).
EXPORT_CHUNK = 2000


def csv_rows(*, user, recs: QuerySet[Recommendation], chunk_size: int = EXPORT_CHUNK):
    """_csv_rows with its header in the caller's language, taken now: a streamed response
    reads the rows after the view has returned, when no language may be active any more."""
    return _csv_rows(user=user, recs=recs, chunk_size=chunk_size, header=_csv_header())


def _csv_rows(*, user, recs: QuerySet[Recommendation], chunk_size: int, header: list[str]):
    """Rows of the CSV export of ``recs`` (already permission-filtered and annotated by
    access.Reader.with_shown_status), header first. The latest note is the latest one the
    user may read (access.Reader.updates), the same update whose status the row shows.

    A generator: plain values read ``chunk_size`` rows at a time (a server-side cursor on
    PostgreSQL), each chunk's themes, owners and links in three queries of their own. So
    1 + 3 queries per chunk, and the memory of one chunk, whatever the number of rows.

    The latest readable update is found by its time, the row's shown_update: with_shown_status
    stores the time of the latest readable standing update (kept under the update's lock), so
    the subquery is one exact lookup on the (recommendation, time) index, not a sort of the
    row's updates (two of those a row were a third of the export's SQL at 10k). Among updates
    at the very same time, the last recorded (the highest id), as ever."""
    latest = access.Reader.of(user).updates(
        StatusUpdate.objects.filter(recommendation=OuterRef("pk"), created_at=OuterRef("shown_update"))
    ).order_by("-id")
    rows = recs.annotate(
        shown_update=F("shown_update_at"), latest_note=Subquery(latest.values("note")[:1]),
    ).values_list(
        "pk", "reference", "situation__name", "briefing__issued_on", "text", "addressee", "due_on", "shown_status",
        "shown_update", "created_at", "uptake", "latest_note",
    ).iterator(chunk_size=chunk_size)
    yield header
    for chunk in _chunks(rows, chunk_size):
        yield from _csv_chunk(chunk)


def _chunks(rows, size: int):
    chunk: list = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _csv_header() -> list[str]:
    """The column names, in the active language (the values stay stable codes: statuses,
    addressees and uptake as the API writes them)."""
    return [
        pgettext("CSV column", "reference"), pgettext("CSV column", "situation"), pgettext("CSV column", "briefing date"),
        pgettext("CSV column", "text"), pgettext("CSV column", "addressee"), pgettext("CSV column", "themes"),
        pgettext("CSV column", "owners"), pgettext("CSV column", "mandate paragraphs"), pgettext("CSV column", "due date"),
        pgettext("CSV column", "status"), pgettext("CSV column", "last update"), pgettext("CSV column", "uptake"),
        pgettext("CSV column", "stale"), pgettext("CSV column", "overdue"), pgettext("CSV column", "latest note"),
        pgettext("CSV column", "latest note date"),
    ]


def _csv_chunk(rows: list[tuple]):
    """The CSV rows of one chunk of values: its themes, owners and links in three queries."""
    ids = [row[0] for row in rows]
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

    # The values stay the same whatever the reader's language (issue 16): a spreadsheet or a
    # script that reads them keeps working; only the header row is translated.
    with translation.override("en"):
        addressees, statuses, uptakes = (
            {value: str(label) for value, label in choices.choices} for choices in (Addressee, ImplementationStatus, Uptake)
        )
    today = local_today()
    stale_cutoff = rules.stale_before(today=today)
    tz = timezone.get_current_timezone()
    for (pk, reference, situation, issued_on, text, addressee, due_on, status, last_update_at, created_at, uptake,
         latest_note) in rows:
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
            "yes" if rules.is_stale(status=status, last_update_at=last_update_at, created_at=created_at,
                                    before=stale_cutoff)
            else "no",
            "yes" if rules.is_overdue(status=status, due_on=due_on, today=today) else "no",
            latest_note or "",
            last_update_at.astimezone(tz).date().isoformat() if latest_note is not None else "",
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
    # The UN's credit for each resolution whose official text the page shows.
    sources: list[str] = field(default_factory=list)
    # Who changed owners, links, due date, uptake, and withdrew or corrected an update: for
    # those who read internal updates (curation/history.py).
    history: list = field(default_factory=list)
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
        reader.history(rec.status_updates.all(), reads_internal=can_update)
        .select_related("author", "on_behalf_of").order_by("-created_at", "-id")
    )
    # Each update with the later one that withdrew or corrected it (None while it stands).
    by_target = {u.corrects_id: u for u in updates if u.corrects_id}
    by_pk = {u.pk: u for u in updates}
    for u in updates:
        u.corrected_by = by_target.get(u.pk)
        u.corrected = by_pk.get(u.corrects_id)  # the update it names, where this reader sees it
    if can_update:
        entity_ids = set() if can_curate else set(access.user_entities(user).values_list("pk", flat=True))
        for u in updates:
            u.may_correct = access.may_correct(user, u, can_update=True, entity_ids=entity_ids)
    standing = [u for u in updates if access.is_standing(u)]
    status, last_update_at = reader.status_of(rec, standing, reads_internal=can_update)
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
    _add_link_quotations(detail)
    if can_update:
        from recommendations.curation.history import recommendation_history

        detail.history = recommendation_history(
            recommendation=rec, updates=updates,
            owner_ids={o.entity_id for o in detail.ownerships}, paragraph_ids={link.paragraph_id for link in detail.links},
        )
    if can_update and not can_curate:
        groups = set(user.groups.values_list("pk", flat=True))
        mine = [o.entity.name for o in detail.ownerships if o.entity.group_id in groups]
        if mine:
            detail.internal_because = gettext("You see internal updates here as a focal point of %(entities)s.") % {
                "entities": and_list(mine),
            }
    return detail


def _add_link_quotations(detail: RecommendationDetail) -> None:
    """Under each linked paragraph whose text is the resolution's own: the notes' quotations
    of it, each flagged when it differs beyond its cuts, and the UN's credit per resolution.
    One query, and only when such a paragraph is linked."""
    from recommendations.curation.renewal_selectors import un_source
    from recommendations.importing.textmatch import differs_beyond_cuts
    from recommendations.models import ParagraphQuotation

    official = [link for link in detail.links if link.paragraph.official]
    for link in detail.links:
        link.quotations = []
    if not official:
        return
    by_paragraph: dict[int, list] = {}
    for q in (
        ParagraphQuotation.objects.filter(paragraph__in=[link.paragraph_id for link in official])
        .select_related("briefing").order_by("briefing__issued_on", "position")
    ):
        by_paragraph.setdefault(q.paragraph_id, []).append(q)
    for link in official:
        link.quotations = by_paragraph.get(link.paragraph_id, [])
        for q in link.quotations:
            q.differs = differs_beyond_cuts(q.text, link.paragraph.text)
    detail.sources = [un_source(symbol) for symbol in dict.fromkeys(link.paragraph.mandate.symbol for link in official)]


def situation_paragraphs(*, situation_id: int) -> QuerySet[MandateParagraph]:
    """The paragraphs of every mandate of a situation, newest mandate first: what a
    recommendation may be linked to, or whose uptake a paragraph may record."""
    return (
        MandateParagraph.objects.filter(mandate__situation_id=situation_id)
        .select_related("mandate")
        .order_by("-mandate__expires_on", "position")
    )


def renewal_paragraphs(*, mandate_id: int | None) -> QuerySet[MandateParagraph]:
    """The paragraphs of the resolution that renews mandate ``mandate_id``: those that can
    reflect a recommendation made on that mandate (Council uptake)."""
    if mandate_id is None:
        return MandateParagraph.objects.none()
    return (
        MandateParagraph.objects.filter(mandate__renews_id=mandate_id)
        .select_related("mandate")
        .order_by("-mandate__expires_on", "position")
    )


# --- one mandate -----------------------------------------------------------------------------


# The mandate page shows this many recommendations under a paragraph, then a link to the
# list filtered by the paragraph (issue 14: 933 KB and 3,333 links at 100,000).
PARAGRAPH_SHOWN = 5
UNLINKED_SHOWN = 25


@dataclass
class ParagraphRow:
    paragraph: MandateParagraph
    # The first PARAGRAPH_SHOWN links, oldest note first.
    links: list[ParagraphLink]
    # How many recommendations the user may see are linked, in all, and by shown status
    # [(status value, label, count)], in the order of ImplementationStatus.
    count: int = 0
    by_status: list = field(default_factory=list)
    # The notes' own quotations of an official paragraph (each with ``differs``: its text is
    # not the official one beyond its "(...)" cuts). Empty for a note's extract.
    quotations: list = field(default_factory=list)


@dataclass
class MandatePage:
    mandate: Mandate
    days_left: int
    rows: list[ParagraphRow]
    uncovered: list[MandateParagraph]
    unlinked: list[Recommendation]
    recommendation_count: int
    unlinked_count: int = 0
    # Once the resolution is imported: the paragraphs neither linked nor quoted, folded.
    folded: list[MandateParagraph] = field(default_factory=list)
    total: int = 0
    uncovered_count: int = 0
    official: bool = False
    source: str = ""
    # The resolutions around this one: the one it renews or ends, the one that renews it, the
    # one that ended it.
    previous: Mandate | None = None
    renewed_by: Mandate | None = None
    terminated_by: Mandate | None = None
    terminates: Mandate | None = None


def mandate_page(*, user, mandate: Mandate) -> MandatePage:
    """The mandate's paragraphs, each with how many recommendations are linked to it (in all
    and by the status each shows the user) and the first PARAGRAPH_SHOWN of them; the
    paragraphs no recommendation covers (no link, suggested or confirmed); and the first
    UNLINKED_SHOWN recommendations on the mandate linked to none of its paragraphs, with
    their number. A recommendation is "on" the mandate when its briefing quotes this mandate
    or it is linked to one of its paragraphs. Six queries (two more than when it listed every
    link: the counts), and a page whose size does not grow with the recommendations."""
    reader = access.Reader.of(user)
    visible = reader.recommendations(by_ids=True)
    paragraphs = list(mandate.paragraphs.order_by("position"))
    # Counts per paragraph and shown status: one query.
    counts: dict[int, dict[str, int]] = {}
    for paragraph_id, status, n in (
        reader.with_shown_status(visible.filter(paragraphlink__paragraph__mandate=mandate))
        .values_list("paragraphlink__paragraph_id", "shown_status").annotate(n=Count("pk")).order_by()
    ):
        counts.setdefault(paragraph_id, {})[status] = n
    # The first few links of each paragraph: one query, numbered per paragraph in SQL.
    first = (
        ParagraphLink.objects.filter(paragraph__mandate=mandate, recommendation__in=visible)
        .annotate(nth=Window(RowNumber(), partition_by=[F("paragraph_id")],
                             order_by=[F("recommendation__briefing__issued_on").asc(), F("recommendation__position").asc(),
                                       F("recommendation_id").asc()]))
        .filter(nth__lte=PARAGRAPH_SHOWN)
        .select_related("recommendation")
        # What the page shows of each (templatetags/pages.paragraph_row): fewer columns to
        # read and to make instances of (issue 14).
        .only("paragraph_id", "confirmed", "recommendation__reference", "recommendation__text", "recommendation__status")
        .order_by("paragraph_id", "nth")
    )
    links: dict[int, list[ParagraphLink]] = {}
    for link in first:
        links.setdefault(link.paragraph_id, []).append(link)
    labels = dict(ImplementationStatus.choices)
    rows = [
        ParagraphRow(
            paragraph=p, links=links.get(p.pk, []), count=sum(counts.get(p.pk, {}).values()),
            by_status=[(value, labels[value], counts[p.pk][value]) for value in labels if counts.get(p.pk, {}).get(value)],
        )
        for p in paragraphs
    ]
    # The status each recommendation shown shows to this user, in one more query.
    # A recommendation linked to several paragraphs is a distinct instance under each.
    linked = [link.recommendation for row in rows for link in row.links]
    shown = dict(
        reader.with_shown_status(Recommendation.objects.filter(pk__in={r.pk for r in linked}))
        .values_list("pk", "shown_status")
    )
    for rec in linked:
        rec.shown_status = shown.get(rec.pk, rec.status)
    # A recommendation linked to one of these paragraphs is linked by definition, so only
    # those whose briefing quotes the mandate can be left out.
    linked_here = ParagraphLink.objects.filter(recommendation=OuterRef("pk"), paragraph__mandate=mandate)
    unlinked_qs = (
        reader.with_shown_status(visible).filter(briefing__mandate=mandate).exclude(Exists(linked_here))
    )
    unlinked = list(
        unlinked_qs.only("reference", "text", "status").order_by("briefing__issued_on", "position")[:UNLINKED_SHOWN]
    )
    # On the mandate: linked to one of its paragraphs, or in a note that quotes it. As the ids
    # of a UNION, not an OR of the two tests, which made PostgreSQL test every recommendation
    # of every situation (72 ms to 5 ms at 100,000).
    on_mandate = (
        ParagraphLink.objects.filter(paragraph__mandate=mandate).order_by().values("recommendation_id")
        .union(Recommendation.objects.filter(briefing__mandate=mandate).order_by().values("pk"))
    )
    totals = visible.filter(pk__in=on_mandate).aggregate(
        on_mandate=Count("pk"), unlinked=Count("pk", filter=~Q(Exists(linked_here)))
    )
    page = MandatePage(
        mandate=mandate,
        days_left=mandate.days_to_renewal(),
        rows=rows,
        uncovered=[row.paragraph for row in rows if not row.count],
        unlinked=unlinked,
        unlinked_count=totals["unlinked"],
        recommendation_count=totals["on_mandate"],
        total=len(rows),
    )
    _add_official_text(page)
    _add_relatives(page)
    page.uncovered_count = len(page.uncovered) + len(page.folded)
    return page


def _add_official_text(page: MandatePage) -> None:
    """Once the resolution is imported (official paragraphs, ~140 units): the notes'
    quotations under each paragraph they quote (one query), and the paragraphs neither linked
    nor quoted folded away, so the page shows what matters."""
    from recommendations.curation.renewal_selectors import un_source
    from recommendations.importing.textmatch import differs_beyond_cuts
    from recommendations.models import ParagraphQuotation

    if not any(row.paragraph.official for row in page.rows):
        return
    page.official = True
    page.source = un_source(page.mandate.symbol)
    by_paragraph: dict[int, list] = {}
    for q in (
        ParagraphQuotation.objects.filter(paragraph__mandate=page.mandate)
        .select_related("briefing").order_by("briefing__issued_on", "position")
    ):
        by_paragraph.setdefault(q.paragraph_id, []).append(q)
    shown = []
    for row in page.rows:
        row.quotations = by_paragraph.get(row.paragraph.pk, [])
        for q in row.quotations:
            q.differs = differs_beyond_cuts(q.text, row.paragraph.text)
        if row.count or row.quotations:
            shown.append(row)
        else:
            page.folded.append(row.paragraph)
    page.rows = shown
    page.uncovered = [row.paragraph for row in shown if not row.count]


def _add_relatives(page: MandatePage) -> None:
    """The resolutions before and after this one, in one query."""
    m = page.mandate
    for other in Mandate.objects.filter(
        Q(pk__in=[pk for pk in (m.renews_id, m.terminated_by_id) if pk]) | Q(renews=m) | Q(terminated_by=m)
    ).order_by("adopted_on", "pk"):
        if other.pk == m.renews_id:
            page.previous = other
        if other.pk == m.terminated_by_id:
            page.terminated_by = other
        if other.renews_id == m.pk:
            page.renewed_by = other
        if other.terminated_by_id == m.pk:
            page.terminates = page.previous = other


__all__ = [
    "DEFAULT_SORT",
    "MERGED_SORTS",
    "SORTS",
    "MergedRows",
    "csv_rows",
    "dashboard_rows",
    "fill_dashboard_cards",
    "filter_choices",
    "filtered_recommendations",
    "mandate_page",
    "merged_rows",
    "needs_update_this_cycle",
    "neighbours",
    "recommendation_detail",
    "renewal_paragraphs",
    "row_details",
    "situation_paragraphs",
    "with_list_details",
    "with_row_details",
]
