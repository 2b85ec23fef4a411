"""What a progress report says: one mandate, one audience. The HTML page and the PDF render
the same context through the same template, so they cannot disagree.

Reads here are permission-free (the caller has decided the user may see the mandate and the
audience) but audience-filtered: a Council report never holds a secretariat-internal note.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch

from recommendations import access
from recommendations.curation import renewal_selectors
from recommendations.dates import format_days_left, local_today, start_of_day
from recommendations.models import (
    ImplementationStatus,
    Mandate,
    MandateParagraph,
    Ownership,
    ParagraphLink,
    ProgressReport,
    Recommendation,
    StatusUpdate,
    Uptake,
)
from recommendations.rules import cycle_start

# One colour per status, the same as the tags on screen; each bar of the chart sits beside the
# word and the number, so nothing depends on colour alone.
STATUS_COLOURS = {
    ImplementationStatus.NOT_STARTED: "#505a5f",
    ImplementationStatus.IN_PROGRESS: "#1d70b8",
    ImplementationStatus.PARTIAL: "#b58840",
    ImplementationStatus.IMPLEMENTED: "#00703c",
    ImplementationStatus.NOT_IMPLEMENTED: "#d4351c",
    ImplementationStatus.SUPERSEDED: "#6f72af",
}
UPTAKE_COLOURS = {
    Uptake.PENDING: "#505a5f",
    Uptake.REFLECTED: "#00703c",
    Uptake.PARTLY_REFLECTED: "#b58840",
    Uptake.NOT_REFLECTED: "#d4351c",
}


@dataclass
class CountRow:
    value: str
    label: str
    count: int
    colour: str
    # The row's bar in the summary chart, in px: the largest count gets CHART_BAR_WIDTH.
    bar_width: int = 0


CHART_BAR_WIDTH = 230


def _count_rows(choices: list[tuple[str, str]], counts: dict[str, int], colours: dict[str, str]) -> list[CountRow]:
    """One row per choice, in the choices' order, with its bar scaled to the largest count."""
    top = max(counts.values(), default=0) or 1
    rows = []
    for value, label in choices:
        count = counts.get(value, 0)
        rows.append(CountRow(value, label, count, colours[value], round(CHART_BAR_WIDTH * count / top)))
    return rows


@dataclass
class LinkedParagraph:
    label: str
    text: str
    suggested: bool
    # Set when the paragraph belongs to another mandate of the situation (an older one).
    mandate_symbol: str = ""
    # The text is the resolution's own, imported from the UN's XML (credit the UN).
    official: bool = False


@dataclass
class ReportItem:
    recommendation: Recommendation
    # The status this audience may know (see build_report_context).
    status: str
    status_label: str
    owners: list[str]
    paragraphs: list[LinkedParagraph]
    updates: list[StatusUpdate]
    uptake_paragraph_label: str = ""
    flagged: bool = field(default=False)
    # Updated this cycle, but by updates this audience does not read ("details not shared").
    updated_unshared: bool = False


def build_report_context(*, mandate: Mandate, audience: str, today: dt.date | None = None) -> dict:
    """Everything the report template needs, in a fixed number of queries (eight) whatever
    the number of recommendations, paragraphs and updates.

    ``audience`` is a ProgressReport.Audience value; for the Council only updates shared with
    Council experts are read, and a recommendation's status is that of its latest shared
    update ("not started" without one), so an internal update's status does not show either
    (access.Reader, as on the pages). Raises ValueError for an unknown audience."""
    reader = access.Reader.for_audience(audience)
    today = today or local_today()
    mandate = Mandate.objects.select_related("situation", "terminated_by").get(pk=mandate.pk)
    since = cycle_start(mandate)

    updates = reader.updates().select_related("author", "on_behalf_of").order_by("created_at", "id")
    # An owning entity's update standing this cycle (recorded by its focal point, or for it),
    # read by this audience or not: activity the Council report counts without showing it.
    activity = StatusUpdate.objects.filter(
        access.standing_q(), recommendation=OuterRef("pk"), on_behalf_of__isnull=False
    )
    if since is not None:
        updates = updates.filter(created_at__gte=start_of_day(since))
        activity = activity.filter(created_at__gte=start_of_day(since))
    # Only links a person confirmed are the Council's; the secretariat also sees the
    # suggested ones, marked as such.
    links = ParagraphLink.objects.all()
    if audience == ProgressReport.Audience.COUNCIL:
        links = links.filter(confirmed=True)
    recommendations = list(
        reader.with_shown_status(Recommendation.objects.filter(situation_id=mandate.situation_id))
        .annotate(updated_this_cycle=Exists(activity))
        .select_related("briefing", "uptake_paragraph")
        .prefetch_related(
            Prefetch(
                "ownership_set",
                queryset=Ownership.objects.select_related("entity").order_by("entity__name"),
                to_attr="report_ownerships",
            ),
            Prefetch(
                "paragraphlink_set",
                queryset=links.select_related("paragraph__mandate").order_by(
                    "-paragraph__mandate__expires_on", "paragraph__position"
                ),
                to_attr="report_links",
            ),
            Prefetch("status_updates", queryset=updates, to_attr="report_updates"),
        )
        .order_by("briefing__issued_on", "briefing_id", "position")
    )

    items = []
    for rec in recommendations:
        items.append(
            ReportItem(
                recommendation=rec,
                status=rec.shown_status,
                status_label=ImplementationStatus(rec.shown_status).label,
                owners=[o.entity.name for o in rec.report_ownerships],
                paragraphs=[
                    LinkedParagraph(
                        label=link.paragraph.label, text=link.paragraph.text, suggested=not link.confirmed,
                        mandate_symbol="" if link.paragraph.mandate_id == mandate.pk else link.paragraph.mandate.symbol,
                        official=link.paragraph.official,
                    )
                    for link in rec.report_links
                ],
                updates=rec.report_updates,
                uptake_paragraph_label=rec.uptake_paragraph.label if rec.uptake_paragraph_id else "",
                flagged=not rec.report_updates and not rec.updated_this_cycle,
                updated_unshared=not rec.report_updates and rec.updated_this_cycle,
            )
        )

    paragraphs = list(
        MandateParagraph.objects.filter(mandate=mandate)
        .annotate(covered=Exists(links.filter(paragraph=OuterRef("pk"))))
        .order_by("position")
    )
    uncovered = [p for p in paragraphs if not p.covered]

    status_rows = _count_rows(
        ImplementationStatus.choices, Counter(r.shown_status for r in recommendations), STATUS_COLOURS
    )
    uptake_rows = _count_rows(Uptake.choices, Counter(r.uptake for r in recommendations), UPTAKE_COLOURS)
    # Uptake per renewal cycle of the situation: one query for the renewals, counted here.
    cycle_rates = renewal_selectors.cycle_rates(
        renewals=renewal_selectors.renewals(situation_ids=[mandate.situation_id]), recommendations=recommendations
    )
    # The UN's terms: credit it for every resolution whose official text the report prints.
    official_symbols = [
        link.paragraph.mandate.symbol for rec in recommendations for link in rec.report_links if link.paragraph.official
    ] + [mandate.symbol for p in paragraphs if p.official]
    days_left = mandate.days_to_renewal(today)
    return {
        "mandate": mandate,
        "situation": mandate.situation,
        "audience": audience,
        "audience_label": ProgressReport.Audience(audience).label,
        "is_council": audience == ProgressReport.Audience.COUNCIL,
        "today": today,
        "days_left": days_left,
        "days_left_text": format_days_left(days_left, mandate.expires_on) if days_left is not None else "",
        "cycle_start": since,
        "items": items,
        "recommendation_count": len(items),
        "briefing_count": len({r.briefing_id for r in recommendations}),
        "status_rows": status_rows,
        "uptake_rows": uptake_rows,
        "chart_bar_width": CHART_BAR_WIDTH,
        "paragraph_count": len(paragraphs),
        "uncovered_paragraphs": uncovered,
        "flagged_items": [item for item in items if item.flagged],
        "update_count": sum(len(item.updates) for item in items),
        "cycle_rates": cycle_rates,
        "sources": [renewal_selectors.un_source(symbol) for symbol in sorted(set(official_symbols))],
    }
