"""The report web page in pages (issue 14): page 1 holds the first-page summary, the charts,
the contents and the first PAGE_RECOMMENDATIONS recommendations; later pages their share of
the grouped sections under a short header; the last page what is left out, the annex and the
sources. Every link between them lands on the page that holds its target; a bad ``page`` is
never an error; the audiences hold on every page; the PDF stays whole."""

from __future__ import annotations

import re

import pytest

from recommendations.reports import build_report_context
from recommendations.reports.content import PAGE_RECOMMENDATIONS
from tests.reports.conftest import REPORT_DAY, grow_mali

pytestmark = pytest.mark.django_db

# Mali grown to TOTAL recommendations, CAP printed (the cap), the newest note's GROWN first:
# three pages, two full and one of 10.
CAP = 2 * PAGE_RECOMMENDATIONS + 10
TOTAL = CAP + 10
GROWN = TOTAL - 12
PAGES = 3


@pytest.fixture
def big(with_updates, settings):
    settings.WPS_REPORT_MAX_RECOMMENDATIONS = CAP
    grow_mali(with_updates, TOTAL)
    return with_updates


def _get(client, demo, query: str = "", *, status: int = 200) -> str:
    response = client.get(f"/mandates/{demo.mandate.pk}/report/{query}")
    assert response.status_code == status
    return response.content.decode()


def _visible_text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _printed_refs(html: str) -> list[str]:
    return re.findall(r'<h4 class="report-rec-title" id="rec-\d+">(\S+) ', html)


def _order(demo, audience: str) -> list[str]:
    """The report's recommendations in print order (the PDF's context: group by group)."""
    context = build_report_context(mandate=demo.mandate, audience=audience, today=REPORT_DAY)
    return [item.recommendation.reference for g in context["groups"] for item in g.items]


def _section(html: str, css_class: str) -> str:
    match = re.search(rf'<(section|nav) class="[^"]*{css_class}[^"]*".*?</\1>', html, re.S)
    return match.group(0) if match else ""


def test_page_one_holds_the_summary_and_the_first_recommendations(big, client):
    client.force_login(big.expert)
    html = _get(client, big)
    order = _order(big, "council")
    assert len(order) == CAP and PAGES == 3
    assert _printed_refs(html) == order[:PAGE_RECOMMENDATIONS]
    text = _visible_text(html)
    # The first-page summary, the charts and the contents, whole.
    for heading in ("Key figures", "For the renewal", "Contents", "Progress this cycle", "Updates per week",
                    "Status by owner", "No update this cycle", "Recommendations, by theme"):
        assert heading in text, heading
    assert f"Key figures {CAP} of {CAP} recommendations still open" in text
    # What a printout of this page holds, and where the whole report is.
    assert (f"Page 1 of 3 of this web page: recommendations 1 to {PAGE_RECOMMENDATIONS} of {CAP}. Printing it prints "
            "this page only; "
            "the PDF version holds the whole report. Download or generate the PDF") in text
    assert '<a class="report-screen-only" href="#reports">Download or generate the PDF</a>' in html
    assert 'id="reports"' in html
    # The pager, at the top and the bottom; the title says which page.
    assert html.count('<nav class="pagination" aria-label="Pages">') == 2
    assert html.count('<a rel="next" href="?page=2">Next') == 2
    assert "· Page 1 of 3 – WPS follow-up</title>" in html
    # The last page's sections are not here.
    assert 'id="left-out"' not in html and 'id="annex-title"' not in html
    assert "Back to the summary" not in text


def test_page_two_continues_the_sections_under_a_short_header(big, client):
    client.force_login(big.expert)
    html = _get(client, big, "?page=2")
    order = _order(big, "council")
    assert _printed_refs(html) == order[PAGE_RECOMMENDATIONS:2 * PAGE_RECOMMENDATIONS]
    text = _visible_text(html)
    # The short header: the report, which page, the way back to the summary.
    assert '<h1 id="report-title">Progress report on women, peace and security recommendations: Mali</h1>' in html
    assert "MINUSMA — resolution S/RES/2640 (2022) · For Council experts" in text
    assert '<a href="?audience=council&amp;page=1">Back to the summary (page 1)</a>' in html
    assert (f"Page 2 of 3 of this web page: recommendations {PAGE_RECOMMENDATIONS + 1} to {2 * PAGE_RECOMMENDATIONS} "
            f"of {CAP}. Printing it prints this page "
            "only; the PDF version holds the whole report.") in text
    # The grown recommendations have no theme: the section began on page 1 and goes on here.
    assert '<h3 class="report-group-title">No theme recorded (continued)</h3>' in html
    assert 'id="theme-none"' not in html
    # Nor the summary's sections, nor the grouping form (it starts again at page 1).
    for absent in ('id="figures-title"', 'id="progress-title"', 'class="report-cover"', "Status by owner",
                   'name="group"', 'id="left-out"', 'id="annex-title"'):
        assert absent not in html, absent
    assert html.count('<a rel="prev" href="?page=1">Previous') == 2
    assert html.count('<a rel="next" href="?page=3">Next') == 2
    # A section heading on page 1 is not marked continued there.
    first = _get(client, big)
    assert '<h3 class="report-group-title" id="theme-none">No theme recorded</h3>' in first
    assert "(continued)" not in first


def test_the_last_page_holds_what_is_left_out_the_annex_and_the_sources(big, client):
    client.force_login(big.expert)
    html = _get(client, big, "?page=3")
    order = _order(big, "council")
    assert _printed_refs(html) == order[2 * PAGE_RECOMMENDATIONS:]
    text = _visible_text(html)
    assert 'id="left-out"' in html and 'id="annex-title"' in html
    assert f"Not in this report This report prints {CAP} of the {TOTAL} recommendations of this cycle" in text
    assert "Annex: the paragraphs" in text
    assert 'rel="next"' not in html
    # Page 1 points at it.
    first = _get(client, big)
    assert ('10 recommendations are not printed here: see <a href="?audience=council&amp;page=3#left-out">'
            "“Not in this report”</a>.") in first


def _targets(html: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', html))


@pytest.mark.parametrize("group", ["theme", "paragraph"])
def test_every_link_lands_on_the_page_that_holds_its_target(big, client, group):
    """Every in-report link of every page ("#x" on the page itself, "?...page=N#x" on another):
    the contents, the first page's lines, the recommendations without an update, the "also"
    references, the paragraph citations to the annex."""
    client.force_login(big.secretariat)
    base = f"?audience=secretariat&group={group}"
    pages = {n: _get(client, big, f"{base}&page={n}") for n in range(1, PAGES + 1)}
    ids = {n: _targets(html) for n, html in pages.items()}
    checked, elsewhere = 0, 0
    for n, html in pages.items():
        for query, anchor in re.findall(r'href="(\?[^"#]*)?#([^"]+)"', html):
            query = query.replace("&amp;", "&")
            target = n
            if query:
                assert query == (f"?audience=secretariat{'&group=paragraph' if group == 'paragraph' else ''}"
                                 f"&page={query.rsplit('=', 1)[1]}"), query
                target = int(query.rsplit("=", 1)[1])
                assert target != n, (query, anchor)  # a link to its own page needs no reload
                elsewhere += 1
            assert anchor in ids[target], (n, query, anchor)
            checked += 1
    assert checked > 100 and elsewhere > 50
    # The contents, on every page: each section with its count and the page(s) that hold it.
    context = build_report_context(mandate=big.mandate, audience="secretariat", today=REPORT_DAY, group=group)
    sizes = [len(g.items) for g in context["groups"]]
    assert sum(sizes) == CAP
    start = 0
    for g, size in zip(context["groups"], sizes):
        first = min(start // PAGE_RECOMMENDATIONS + 1, PAGES)
        last = (start + size - 1) // PAGE_RECOMMENDATIONS + 1 if size else first
        where = f"page {first}" if first == last else f"pages {first} to {last}"
        noun = "recommendation" if size == 1 else "recommendations"
        for n, html in pages.items():
            href = f"#{g.anchor}" if n == first else (
                f"?audience=secretariat{'&amp;group=paragraph' if group == 'paragraph' else ''}&amp;page={first}"
                f"#{g.anchor}")
            assert f'<a href="{href}">{g.title}</a> <span class="report-muted">({size} {noun}, {where})</span>' in html
        assert f'id="{g.anchor}"' in pages[first]
        start += size


def test_the_summary_counts_the_whole_report_and_the_contents_are_the_same_on_every_page(big, client):
    client.force_login(big.secretariat)
    pages = [_get(client, big, f"?audience=secretariat&page={n}") for n in range(1, PAGES + 1)]
    # (today, as the page: the grown updates are today's, the chart's last week)
    context = build_report_context(mandate=big.mandate, audience="secretariat")
    text = _visible_text(pages[0])
    # The figures and the charts cover all the printed ones, not the page's.
    assert context["update_count"] == 2 * GROWN + 2
    assert f"{context['update_count']} updates this cycle, on {CAP} of {CAP} recommendations; 0 with none." in text
    assert f'<th scope="row">UN Women</th><td class="num">{CAP}</td>' in pages[0]
    busy = context["busy_weeks"]
    assert sum(w.total for w in busy) == context["update_count"]
    assert f"{busy[-1].total} ({busy[-1].breakdown})" in text
    # The contents: the same words on every page (only their links' pages differ).
    tocs = {_visible_text(_section(html, "report-toc")) for html in pages}
    # (the grown ones and a demo one printed, R02, have no theme)
    assert len(tocs) == 1 and f"No theme recorded ({GROWN + 1} recommendations, pages 1 to 3)" in tocs.pop()


@pytest.mark.parametrize("value,shown", [
    ("0", 3), ("-1", 3), ("abc", 1), ("", 1), ("1.5", 1), ("4", 3), ("99999999999999999999999", 3), ("2", 2),
])
def test_a_bad_page_is_never_an_error(big, client, value, shown):
    """The list's rule (the paginator's get_page): not a number, page 1; out of range, the last."""
    client.force_login(big.expert)
    html = _get(client, big, f"?page={value}")
    assert f"Page {shown} of 3 of this web page" in _visible_text(html)
    # The list says the same of the same value.
    listed = client.get(f"/recommendations/?page={value}")
    assert listed.status_code == 200


@pytest.mark.parametrize("n", [2, 3])
def test_the_audiences_hold_on_later_pages(big, client, n):
    # Each grown recommendation has a shared update (in progress) and a later internal one (partial).
    client.force_login(big.expert)
    council = _get(client, big, f"?page={n}")
    assert "Shared progress" in council
    assert "Internal remark" not in council and "internal note" not in council
    assert "Partially implemented</span>" not in council
    # A Council expert cannot ask for the secretariat's pages.
    _get(client, big, f"?audience=secretariat&page={n}", status=404)
    client.force_login(big.secretariat)
    secretariat = _get(client, big, f"?audience=secretariat&page={n}")
    assert "Internal remark" in secretariat and "Shared progress" in secretariat
    assert "Partially implemented</span>" in secretariat


def test_only_the_page_s_recommendations_get_their_updates(big):
    """The figures read every printed recommendation's updates as light rows; the instances
    (the page's folded updates) only the current page's."""
    context = build_report_context(mandate=big.mandate, audience="secretariat", today=REPORT_DAY, page=True,
                                   page_number="2")
    page = context["report_page"]
    assert page.number == 2 and len(page.object_list) == PAGE_RECOMMENDATIONS
    on_page = {item.recommendation.pk for item in page.object_list}
    assert all(item.updates for item in page.object_list)
    assert not any(item.updates for item in context["items"] if item.recommendation.pk not in on_page)
    assert all(item.update_count for item in context["items"])
    # The PDF's context: one page, every update.
    pdf = build_report_context(mandate=big.mandate, audience="secretariat", today=REPORT_DAY)
    assert pdf["report_page"] is None and pdf["shown_groups"] == pdf["groups"]
    assert pdf["is_first_page"] and pdf["is_last_page"]
    assert all(len(item.updates) == item.update_count for item in pdf["items"])


def test_one_page_has_no_pager_and_no_page_note(demo, client):
    client.force_login(demo.expert)
    html = _get(client, demo, "?page=7")
    assert html.count('class="report-rec-title"') == 12
    assert "of this web page" not in html and 'class="pagination"' not in html
    assert "Page 1 of 1" not in html


@pytest.mark.parametrize("value", ["1", "3", "abc"])
def test_a_report_with_no_recommendation_is_one_page(demo, client, value):
    import datetime as dt

    from tests import factories

    empty = factories.make_mandate(factories.make_situation("Haiti", "HTI"), expires_on=dt.date(2024, 7, 15))
    client.force_login(demo.secretariat)
    html = client.get(f"/mandates/{empty.pk}/report/?page={value}").content.decode()
    assert "No recommendation yet for the situation “Haiti”." in html
    assert 'class="pagination"' not in html and "of this web page" not in html
    assert 'id="annex-title"' in html and 'id="figures-title"' in html


@pytest.mark.parametrize("audience", ["council", "secretariat"])
def test_the_page_counts_the_updates_as_the_pdf(big, audience):
    """The page counts the updates in the database (by recommendation, and by week and status:
    GROUPING SETS on PostgreSQL, a UNION elsewhere), the PDF from the updates themselves, by
    day: the same counts, flags and weekly chart."""
    # (today, as the page: the grown updates are today's, the chart's last week)
    page = build_report_context(mandate=big.mandate, audience=audience, page=True, page_number="2")
    pdf = build_report_context(mandate=big.mandate, audience=audience)

    def counts(context):
        return [(i.recommendation.pk, i.update_count, i.flagged, i.updated_unshared) for i in context["items"]]

    def weeks(context):
        return [(w.monday, w.total, w.segments, w.breakdown) for w in context["week_columns"]]

    assert counts(page) == counts(pdf)
    assert any(count for _, count, _, _ in counts(pdf))
    assert weeks(page) == weeks(pdf) and page["busy_weeks"]
    assert page["update_count"] == pdf["update_count"] == sum(w.total for w in pdf["week_columns"])
