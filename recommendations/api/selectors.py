"""What the API (and the situation export) reads: the read policy's querysets
(access.Reader), prefetched so that a page costs the same number of queries at any size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Prefetch, QuerySet

from recommendations import access, rules
from recommendations.curation.selectors import LINK_ORDER, OWNER_ORDER, THEME_ORDER
from recommendations.dates import local_today
from recommendations.models import (
    Briefing,
    Entity,
    Mandate,
    MandateParagraph,
    ParagraphLink,
    Recommendation,
    Situation,
    StatusUpdate,
    Theme,
)


def situations(reader: access.Reader) -> QuerySet[Situation]:
    return reader.situations()


def mandates(reader: access.Reader) -> QuerySet[Mandate]:
    return reader.mandates().select_related("renews", "terminated_by").prefetch_related(
        Prefetch("paragraphs", queryset=MandateParagraph.objects.order_by("position"))
    )


def briefings(reader: access.Reader) -> QuerySet[Briefing]:
    found = Briefing.objects.all()
    if not reader.reads_everything:
        found = found.filter(situation__in=reader.situations())
    return found


def recommendations(reader: access.Reader, *, by_ids: bool = False) -> QuerySet[Recommendation]:
    """The recommendations ``reader`` may see, with the status (``shown_status``) and time
    (``shown_updated``) of the latest update it may read, and what a row shows. ``by_ids``
    for a list (access.Reader.recommendations)."""
    visible = reader.recommendations(by_ids=by_ids)
    return with_details(reader.with_shown_status(visible).annotate(shown_updated=F("shown_update_at")))


def with_details(recs: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
    """With ``theme_list``, ``owner_list`` and ``link_list``: lists, not the related
    managers. Prefetched into a manager, every row of a page built a manager and a filtered
    queryset per relation (150 querysets for an API page of 50): 8-10 ms of the API list's
    ~30 ms at 100k (issue 14); the same three queries."""
    return recs.select_related("uptake_paragraph").prefetch_related(
        Prefetch("themes", queryset=Theme.objects.order_by(*THEME_ORDER), to_attr="theme_list"),
        Prefetch("owners", queryset=Entity.objects.order_by(*OWNER_ORDER), to_attr="owner_list"),
        Prefetch(
            "paragraphlink_set",
            queryset=ParagraphLink.objects.select_related("paragraph__mandate").order_by(*LINK_ORDER),
            to_attr="link_list",
        ),
    )


# What a row of the API's list reads of a recommendation (RecommendationSerializer's fields,
# as columns): serializers.recommendation_json's ``row``.
ROW_COLUMNS = (
    "id", "reference", "situation_id", "briefing_id", "position", "text", "addressee", "due_on", "shown_status",
    "shown_updated", "uptake", "uptake_paragraph_id", "uptake_paragraph__label", "previous_id",
    "relation_to_previous", "created_at",
)


def row_values(recs: QuerySet[Recommendation]) -> QuerySet[dict]:
    """``recs`` (annotated by access.Reader.with_shown_status: the API's list, filtered) as
    the dicts of :data:`ROW_COLUMNS`: what :func:`recommendations` gives as ~500 model
    instances a page of 50 (the rows, their uptake paragraphs, themes, owners, links,
    paragraphs and mandates), as plain values. With the same join as with_details's first
    query; the lists are :func:`row_details`."""
    return recs.annotate(shown_updated=F("shown_update_at")).values(*ROW_COLUMNS)


def updates(reader: access.Reader) -> QuerySet[StatusUpdate]:
    """The updates ``reader`` may read, on the recommendations it may see."""
    found = StatusUpdate.objects.all()
    if not reader.reads_everything:
        found = found.filter(recommendation__in=reader.recommendations())
    return reader.updates(found).select_related("author", "on_behalf_of", "recommendation")


@dataclass
class Renewal:
    situation: Situation
    mandate: Mandate
    expires_on: dt.date
    days_left: int
    report_on: dt.date
    clock_runs: bool


def renewals(reader: access.Reader, *, today: dt.date | None = None) -> list[Renewal]:
    """The renewal calendar: each visible situation's current mandate (rules.current_mandates),
    soonest expiry first, with the day the Council report is printed. Two queries."""
    today = today or local_today()
    situation_ids = list(reader.situations().values_list("pk", flat=True))
    rows = [
        Renewal(
            situation=mandate.situation,
            mandate=mandate,
            expires_on=mandate.expires_on,
            days_left=(mandate.expires_on - today).days,
            report_on=mandate.expires_on - dt.timedelta(days=settings.WPS_REPORT_DAYS_BEFORE_RENEWAL),
            clock_runs=rules.renewal_clock_runs(mandate),
        )
        for mandate in rules.current_mandates(situation_ids=situation_ids).values()
    ]
    return sorted(rows, key=lambda row: (row.expires_on, row.situation.name))


@dataclass
class SituationExport:
    situation: Situation
    mandates: list[Mandate]
    briefings: list[Briefing]
    recommendations: list[Recommendation]
    updates: list[StatusUpdate]


def situation_export(*, user, situation: Situation) -> SituationExport:
    """Everything on ``situation`` that ``user`` may see (its mandates and their paragraphs,
    its notes, recommendations, and the updates the user may read), for one JSON file."""
    reader = access.Reader.of(user)
    return SituationExport(
        situation=situation,
        mandates=list(mandates(reader).filter(situation=situation).order_by("expires_on", "pk")),
        briefings=list(briefings(reader).filter(situation=situation).order_by("issued_on", "pk")),
        recommendations=list(
            recommendations(reader).filter(situation=situation).order_by("briefing__issued_on", "position")
        ),
        updates=list(updates(reader).filter(recommendation__situation=situation).order_by("created_at", "pk")),
    )
