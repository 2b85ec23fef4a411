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
        # Once: in the margin, not also as body text (the running elements are not drawn).
        assert page.count("MINUSMA · S/RES/2640 (2022) · Progress report") == 1, page
        assert marking.upper() in page
        assert f"Generated 27 May 2023 · {marking}" in page
        assert f"Page {number} of {page_count}" in page

    # The first page works alone: key figures and what to ask for in the renewal.
    # The demo's links are all suggested, none confirmed: the Council's report shows none of
    # them, the secretariat's shows them marked.
    linked = set(ParagraphLink.objects.values_list("paragraph__label", flat=True))
    all_labels = list(demo.mandate.paragraphs.order_by("position").values_list("label", flat=True))
    uncovered_labels = all_labels if audience == "council" else [label for label in all_labels if label not in linked]
    first = pages[0]
    assert "Key figures 12 of 12 recommendations still open (12 not started)." in first
    assert "No renewal yet: uptake is counted once the resolution that renews S/RES/2640 (2022) is on record." in first
    shared = " shared with Council experts" if audience == "council" else ""
    assert f"0 updates this cycle{shared}, on 0 of 12 recommendations; 12 with none." in first
    # PP 1 .. OP 57 of the demo all speak of women, peace and security but OP 26 and OP 41
    # (their lead-ins).
    wps_uncovered = [label for label in uncovered_labels if label not in ("OP 26", "OP 41")]
    assert f"{len(wps_uncovered)} of 20 WPS paragraphs of S/RES/2640 (2022) no recommendation covers ({', '.join(wps_uncovered)})." in first
    assert "For the renewal 11 open recommendations propose language for the resolution that renews S/RES/2640 (2022)" in first
    renewal = first.split("For the renewal", 1)[1]
    assert re.findall(r"MLI-2023-03-R\d\d", renewal) == [f"MLI-2023-03-R{n:02d}" for n in range(1, 11)] + ["MLI-2023-03-R12"]
    assert "And 1 more, marked “For the renewal” below. Council members could also ask: MLI-2023-03-R12 In addition" in renewal
    # Cut at a word, never inside one.
    assert "MLI-2023-03-R02 Urge Malian transitional authorities to respect a strict application of the law no. 052 of 18th December... →" in renewal
    if audience == "council":
        assert renewal.count("→ no paragraph linked: new language") == 10
        assert "(suggested)" not in text
    else:
        assert "→ OP 3 (suggested), OP 14 (suggested)" in renewal

    # Progress this cycle: the charts with their numbers beside them.
    assert "Updates per week One bar a week, 27 March 2023 to 27 May 2023" in pages[1]
    assert "No update in any week of this cycle." in pages[1]
    assert "Status by owner Owner Recommendations By status UN Women 11 11 not started MINUSMA 1 1 not started" in pages[1]

    # Each recommendation once, grouped by theme, with a short status line.
    assert "Recommendations, by theme" in text
    assert sorted(re.findall(r"MLI-2023-03-R\d\d Not started", text)) == [f"MLI-2023-03-R{n:02d} Not started" for n in range(1, 13)]
    assert "Participation and leadership MLI-2023-03-R02 Not started For the renewal No update this cycle" in text
    assert "Also on this theme: MLI-2023-03-R03 (under Elections and political transition)" in text
    cites = "OP 3 (suggested), OP 14 (suggested)" if audience == "secretariat" else "no linked paragraph"
    assert f"UN Women · to the Host authorities · due 31 May 2023 · uptake pending · {cites} No update this cycle." in text
    if audience == "council":
        assert "(suggested)" not in text
    assert text.count("No update this cycle.") == 12

    # Each paragraph's text once, in the annex, cited from the recommendations by label.
    annex = text.split("Annex: the paragraphs", 1)[1]
    assert f"{len(uncovered_labels)} of 22 paragraphs of S/RES/2640 (2022) are not linked to any recommendation." in annex
    op3 = "Calls upon the Malian authorities and all parties in Mali to ensure full, equal and meaningful participation"
    assert text.count(op3) == 1
    if audience == "secretariat":
        assert "OP 3 (cited by MLI-2023-03-R02, MLI-2023-03-R03, MLI-2023-03-R05, MLI-2023-03-R06): Calls upon" in annex
    else:
        assert "OP 3 (no recommendation covers it): Calls upon" in annex
    labels = re.findall(r"((?:OP|PP) \d+(?: \([a-z]\))?) \((?:cited|no rec)", annex)
    assert labels == [label for label in all_labels if label not in ("OP 26", "OP 41")]

    flagged = text.split("No update this cycle 12 of 12", 1)[1]
    shared = "shared with Council experts " if audience == "council" else ""
    assert f"recommendations had no update {shared}since 28 March 2023: MLI-2023-03-R01," in flagged


def test_council_report_never_holds_an_internal_note(with_updates, client):
    demo = with_updates
    council = pdf_text(_pdf(demo.mandate, "council")[0])
    assert SHARED_NOTE in council
    assert "Evidence: S/2023/236" in council
    assert INTERNAL_NOTE not in council
    assert "Internal note Kidal" not in council
    assert "1 update this cycle shared with Council experts, on 1 of 12 recommendations; 11 with none." in council
    # R02's status came from an internal update: the Council sees the latest shared status
    # ("not started" without one), as on the pages.
    assert "12 of 12 recommendations still open (11 not started, 1 in progress)." in council
    assert "UN Women 11 10 not started, 1 in progress" in council
    assert "MLI-2023-03-R02 Not started For the renewal No update this cycle" in council
    assert "Partially implemented —" not in council

    secretariat = pdf_text(_pdf(demo.mandate, "secretariat")[0])
    assert SHARED_NOTE in secretariat
    assert INTERNAL_NOTE in secretariat
    assert "Partially implemented — Secretariat (Sara Lindqvist; internal note)" in secretariat
    assert "2 updates this cycle, on 2 of 12 recommendations; 10 with none." in secretariat
    assert "(10 not started, 1 in progress, 1 partially implemented)" in secretariat
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
    assert "22 of 22 paragraphs of S/RES/2640 (2022) are not linked to any recommendation." in html
    # A table of contents, and the grouping the reader chooses (a plain GET form).
    assert '<nav class="report-toc report-screen-only" aria-labelledby="toc-title">' in html
    assert '<a href="#theme-participation">Participation and leadership</a>' in html
    assert '<input type="radio" name="group" id="group-theme" value="theme" checked>' in html
    # The status by owner: a stacked bar per owner, its numbers beside it.
    assert '<th scope="row">UN Women</th><td class="num">11</td>' in html
    assert '<rect x="0" width="230" height="12" fill="#505a5f"/>' in html
    assert '<td>11 not started</td>' in html
    assert 'href="/static/css/print.css" media="print"' in html
    # The Council expert is not offered the secretariat version.
    assert "?audience=secretariat" not in html


def test_page_groups_by_paragraph_in_the_resolutions_order(demo, client):
    from recommendations.curation.services import link_paragraph, record_status_update

    for rec in demo.recommendations:
        for link in rec.paragraphlink_set.all():
            link_paragraph(recommendation=rec, paragraph=link.paragraph, user=demo.secretariat)
    record_status_update(
        recommendation=demo.recommendations[1], author=demo.focalpoint, status="in_progress", note=SHARED_NOTE,
        visibility="shared",
    )
    client.force_login(demo.expert)
    html = client.get(f"/mandates/{demo.mandate.pk}/report/?group=paragraph").content.decode()
    assert '<input type="radio" name="group" id="group-paragraph" value="paragraph" checked>' in html
    titles = re.findall(r'<h3 class="report-group-title" id="[^"]+">([^<]+?)(?: <a|</h3>)', html)
    assert titles == ["OP 3", "OP 12", "OP 14", "OP 26 (c)", "OP 44", "OP 45", "OP 48", "OP 50", "OP 57",
                      "Not linked to a paragraph of S/RES/2640 (2022)"]
    # R02 cites OP 3 and OP 14: printed once, under OP 3, and cited under OP 14.
    assert html.count(f'id="rec-{demo.recommendations[1].pk}"') == 1
    assert f'Also citing this paragraph: <a href="#rec-{demo.recommendations[1].pk}">MLI-2023-03-R02</a> (under OP 3)' in html
    # Its update folded under one line, opened on demand.
    assert '<details class="report-updates"><summary>1 update this cycle (latest' in html
    assert SHARED_NOTE in html
    # An unknown grouping is the default one.
    html = client.get(f"/mandates/{demo.mandate.pk}/report/?group=nonsense").content.decode()
    assert "Recommendations, by theme" in html


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
