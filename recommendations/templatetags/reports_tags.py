"""The report's tags: the progress-reports block of the mandate page
(templates/reports/_mandate_reports.html: what the viewer may generate and read, and the
versions they may download, computed here so the page's own view need not know about reports),
and each printed recommendation of the report's body (reports/_report_body.html)."""

from __future__ import annotations

from django import template
from django.utils import translation

from recommendations import access
from recommendations.models import Language, Mandate, ProgressReport
from recommendations.reports.content import ItemWriter, ReportItem
from recommendations.reports.services import OWN_ERRORS, is_stalled

register = template.Library()


@register.simple_tag(takes_context=True)
def report_panel(context, mandate: Mandate) -> dict:
    """Everything the block shows, in a fixed number of queries whatever the number of versions.
    ``mandate``: one the page's view fetched through access.get_mandate_for_user."""
    request = context["request"]
    user = request.user
    versions = list(
        access.visible_reports_of(user, mandates=[mandate]).select_related("requested_by").order_by("-created_at", "-id")
    )
    generate = [
        (value, label)
        for value, label in ProgressReport.Audience.choices
        if access.may_generate_report(user, mandate=mandate, audience=value)
    ]
    show_errors = access.is_secretariat(user)
    for v in versions:
        # A dead job is never shown as being generated (the beat task fails or retries it).
        v.stalled = is_stalled(v)
        v.shown_error = v.error if (show_errors or v.error.startswith(OWN_ERRORS)) else ""
    read = [
        (value, label)
        for value, label in ProgressReport.Audience.choices
        if access.may_read_audience(user, audience=value)
    ]
    return {
        "mandate": mandate,
        "versions": versions,
        "pending": any(
            v.state in (ProgressReport.State.QUEUED, ProgressReport.State.RUNNING) and not v.stalled for v in versions
        ),
        "generate_audiences": generate,
        # The PDF's language is chosen at request; the page's language is checked first.
        "languages": Language.choices,
        "language": (translation.get_language() or Language.ENGLISH).split("-")[0],
        "read_audiences": read,
        "show_errors": show_errors,
        "next": request.get_full_path(),
    }


@register.simple_tag(takes_context=True)
def report_item(context, item: ReportItem) -> str:
    """One printed recommendation of the report (reports.content.ItemWriter), for the
    template's ``is_pdf``, ``last_href`` and ``group``; the writer (its words translated once)
    is kept for the rest of the template's render."""
    writer = context.render_context.get(ItemWriter)
    if writer is None:
        writer = context.render_context[ItemWriter] = ItemWriter(
            is_pdf=bool(context.get("is_pdf")), last_href=context.get("last_href", ""), group=context.get("group", ""),
        )
    return writer(item)
