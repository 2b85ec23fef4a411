"""What the PDF and the HTML page say, for the demo data and each audience."""

from __future__ import annotations

import re

import pytest

from recommendations.models import ParagraphLink
from recommendations.reports import build_report_context
from recommendations.reports.pdf import render_report_pdf
from tests.reports.conftest import (
    INTERNAL_NOTE,
    REPORT_DAY,
    SHARED_NOTE,
    pdf_pages,
    pdf_text,
)

pytestmark = pytest.mark.django_db



def _pdf(mandate, audience):
    context = build_report_context(mandate=mandate, audience=audience, today=REPORT_DAY)
    data, pages = render_report_pdf(context)
    return data, pages


@pytest.mark.parametrize("audience,marking", [("council", "For Council experts"), ("secretariat", "Secretariat internal")])
def test_demo_pdf_sections_and_counts(demo, audience, marking):
    data, page_count = _pdf(demo.mandate, audience)
    pages = pdf_pages(data)
    assert len(pages) == page_count >= 5
    text = " ".join(pages)

    # Cover.
    assert "Progress report on women, peace and security recommendations: Mali" in pages[0]
    assert "MINUSMA — resolution S/RES/2640 (2022)" in pages[0]
    assert "Days to renewal: 34 days, 30 June 2023" in pages[0]
    assert "This cycle since 28 March 2023" in pages[0]
    # Every page: running header, audience, date generated, page N of M.
    for number, page in enumerate(pages, start=1):
        assert "MINUSMA · S/RES/2640 (2022) · Progress report" in page
        assert marking.upper() in page
        assert f"Generated 27 May 2023 · {marking}" in page
        assert f"Page {number} of {page_count}" in page

    # Summary, with the numbers beside the chart.
    # The demo's links are all suggested, none confirmed: the Council's report shows none of
    # them, the secretariat's shows them marked.
    linked = set(ParagraphLink.objects.values_list("paragraph__label", flat=True))
    all_labels = list(demo.mandate.paragraphs.order_by("position").values_list("label", flat=True))
    uncovered_labels = all_labels if audience == "council" else [label for label in all_labels if label not in linked]
    assert (
        "12 recommendations on Mali from 1 briefing; 0 updates this cycle; 12 with no update this cycle. "
        f"{len(uncovered_labels)} of 22 mandate paragraphs not covered by any recommendation." in text
    )
    summary = pages[1]
    assert "By implementation status Status Recommendations Not started 12 In progress 0 Partially implemented 0 " \
        "Implemented 0 Not implemented 0 Superseded 0" in summary
    assert "By Council uptake Uptake Recommendations Pending 12 Reflected 0 Partly reflected 0 Not reflected 0" in summary

    # Each recommendation, in document order, with its facts.
    references = re.findall(r"MLI-2023-03-R\d\d Not started", text)
    assert references == [f"MLI-2023-03-R{n:02d} Not started" for n in range(1, 13)]
    assert "Addressee: Security Council · Owners: UN Women · Due: 31 May 2023 · Status: Not started · Uptake: Pending · Briefing: 28 March 2023" in text
    op14 = "OP 14 (suggested): Calls on the Malian Transition Government to make tangible progress"
    assert (op14 in text) == (audience == "secretariat") and ("OP 14" in linked)
    if audience == "council":
        assert "(suggested)" not in text
    assert text.count("No update this cycle.") == 12

    # The paragraphs no recommendation covers, then the flagged recommendations.
    uncovered = text.split("Mandate paragraphs no recommendation covers", 1)[1]
    assert f"{len(uncovered_labels)} of 22 paragraphs of S/RES/2640 (2022) are not linked to any recommendation." in uncovered
    labels = re.findall(r"((?:OP|PP) \d+(?: \([a-z]\))?):", uncovered.split("Recommendations with no update")[0])
    assert labels == uncovered_labels
    flagged = text.split("Recommendations with no update this cycle", 1)[1]
    shared = "shared with Council experts " if audience == "council" else ""
    assert f"12 of 12 recommendations had no update {shared}since 28 March 2023." in flagged


def test_council_report_never_holds_an_internal_note(with_updates, client):
    demo = with_updates
    council = pdf_text(_pdf(demo.mandate, "council")[0])
    assert SHARED_NOTE in council
    assert "Evidence: S/2023/236" in council
    assert INTERNAL_NOTE not in council
    assert "Internal note Kidal" not in council
    assert "1 update this cycle; 11 with no update this cycle" in council
    # R02's status came from an internal update: the Council sees the latest shared status
    # ("not started" without one), as on the pages.
    assert "Not started 11 In progress 1 Partially implemented 0" in council
    assert "MLI-2023-03-R02 Not started No update this cycle" in council
    assert "Status: Partially implemented" not in council

    secretariat = pdf_text(_pdf(demo.mandate, "secretariat")[0])
    assert SHARED_NOTE in secretariat
    assert INTERNAL_NOTE in secretariat
    assert "Partially implemented — Secretariat (Secretariat; internal note)" in secretariat
    assert "2 updates this cycle; 10 with no update this cycle" in secretariat
    assert "Not started 10 In progress 1 Partially implemented 1" in secretariat
    assert "MLI-2023-03-R02 Partially implemented" in secretariat

    client.force_login(demo.expert)
    page = client.get(f"/mandates/{demo.mandate.pk}/report/").content.decode()
    assert SHARED_NOTE in page
    assert "Internal note Kidal" not in page
    client.force_login(demo.secretariat)
    page = client.get(f"/mandates/{demo.mandate.pk}/report/?audience=council").content.decode()
    assert SHARED_NOTE in page and "Internal note Kidal" not in page
    assert "Partially implemented</span>" not in page
    page = client.get(f"/mandates/{demo.mandate.pk}/report/?audience=secretariat").content.decode()
    assert SHARED_NOTE in page and INTERNAL_NOTE.replace("'", "&#x27;") in page


def test_html_page_shows_the_same_content(demo, client):
    client.force_login(demo.expert)
    response = client.get(f"/mandates/{demo.mandate.pk}/report/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1 id=\"report-title\">Progress report on women, peace and security recommendations: Mali</h1>" in html
    assert html.count('class="report-rec-title"') == 12
    # An expert reads the Council version: the demo's links are only suggested, so none covers a paragraph.
    assert "22 of 22 mandate paragraphs not covered by any recommendation." in html
    # Two charts: the counts as tables, a bar drawn as SVG in each row, the longest full width.
    assert html.count('<table class="report-chart">') == 2
    assert html.count('<td class="report-chart-bar"><svg ') == 10
    assert html.count('<rect width="230" height="12" fill="#505a5f"/>') == 2  # 12 not started, 12 pending
    assert html.count('<rect width="0" ') == 8
    assert 'href="/static/css/print.css" media="print"' in html
    # The Council expert is not offered the secretariat version.
    assert "?audience=secretariat" not in html


def test_updates_before_the_cycle_are_left_out(demo):
    """An update older than the cycle start (the earliest briefing here) is not this cycle's."""
    import datetime as dt

    from django.utils import timezone

    from recommendations.models import StatusUpdate

    rec = demo.recommendations[0]
    StatusUpdate.objects.create(
        recommendation=rec, status="in_progress", note="Old-news-2019", visibility="shared",
        author=demo.secretariat, created_at=timezone.make_aware(dt.datetime(2023, 3, 1, 12)),
    )
    context = build_report_context(mandate=demo.mandate, audience="council", today=REPORT_DAY)
    assert context["update_count"] == 0
    assert len(context["flagged_items"]) == 12


def test_chart_bars_are_scaled_to_the_largest_count():
    from recommendations.reports.content import _count_rows

    choices = [("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")]
    colours = dict.fromkeys("abcd", "#000")
    rows = _count_rows(choices, {"a": 6, "b": 3, "c": 1}, colours)
    assert [(row.label, row.count, row.bar_width) for row in rows] == [
        ("A", 6, 230), ("B", 3, 115), ("C", 1, 38), ("D", 0, 0),
    ]
    assert [row.bar_width for row in _count_rows(choices, {}, colours)] == [0, 0, 0, 0]


def test_a_document_symbol_is_never_split_at_its_slashes(demo, client):
    from recommendations.curation.services import record_status_update

    # Forty symbols run over several lines: without the no-break rule, some line would end
    # inside one, at a slash ("S/2023/" then "236").
    symbols = [f"S/2023/{n}" for n in range(200, 240)]
    long_address = "https://www.un.org/securitycouncil/content/informal-expert-group-women-peace-and-security"
    record_status_update(
        recommendation=demo.recommendations[0], author=demo.focalpoint, status="in_progress",
        note="Reported to the Council.", evidence=[*symbols, long_address], visibility="shared",
    )
    client.force_login(demo.expert)
    html = client.get(f"/mandates/{demo.mandate.pk}/report/").content.decode()
    nobreak = '<span class="report-nobreak">{}</span>'
    assert f"Evidence: {nobreak.format('S/2023/200')}; {nobreak.format('S/2023/201')};" in html
    assert f"; {long_address}</p>" in html

    context = build_report_context(mandate=demo.mandate, audience="council", today=REPORT_DAY)
    text = pdf_text(render_report_pdf(context)[0])
    assert [symbol for symbol in symbols if symbol not in text] == []
