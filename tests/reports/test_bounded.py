"""A report covers its cycle and is capped (issue 14): it prints the open recommendations and
those updated since the cycle began, at most WPS_REPORT_MAX_RECOMMENDATIONS of them (the
newest notes' first), and says what it left out, how many of which status, and where to find
them; on the page and in the PDF, for each audience, in the same number of queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from recommendations.curation.services import record_status_update
from recommendations.models import Mandate, Recommendation, StatusUpdate
from recommendations.reports import build_report_context
from recommendations.reports.pdf import render_report_pdf
from tests import factories
from tests.reports.conftest import REPORT_DAY, grow_mali, pdf_text
from tests.reports.test_queries import CONTEXT_QUERIES, PAGE_QUERIES

pytestmark = pytest.mark.django_db

SHARED, INTERNAL = StatusUpdate.Visibility.SHARED, StatusUpdate.Visibility.INTERNAL


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


@pytest.fixture
def past(demo):
    """Mali's mandate renews one that expired on 30 June 2022 (the cycle's first day); an
    older note's six recommendations: closed before the cycle (implemented, superseded), closed
    in it, closed by an internal update only (the Council still reads "not started"), and two
    never updated."""
    old = factories.make_mandate(demo.mali, expires_on=dt.date(2022, 6, 30), mission="MINUSMA", paragraphs=0)
    Mandate.objects.filter(pk=demo.mandate.pk).update(renews=old)
    demo.mandate.refresh_from_db()
    briefing = factories.make_briefing(demo.mali, old, issued_on=dt.date(2021, 11, 1))
    recs = factories.make_recommendations(briefing, 6, link_paragraphs=False)
    for rec, status, visibility, day in [
        (recs[0], "implemented", SHARED, dt.date(2022, 1, 10)),
        (recs[1], "superseded", SHARED, dt.date(2022, 2, 1)),
        (recs[2], "implemented", SHARED, dt.date(2022, 8, 1)),
        (recs[3], "implemented", INTERNAL, dt.date(2022, 1, 10)),
    ]:
        record_status_update(recommendation=rec, author=demo.secretariat, status=status, note="Done.",
                             visibility=visibility, at=_at(day))
    demo.old_recs = recs
    return demo


def _refs(context) -> list[str]:
    return [item.recommendation.reference for item in context["items"]]


def test_the_cycle_without_the_cap(past):
    demo_refs = [r.reference for r in past.recommendations]
    old = [r.reference for r in past.old_recs]
    secretariat = build_report_context(mandate=past.mandate, audience="secretariat", today=REPORT_DAY)
    # Open (whenever last updated), or closed during the cycle; not closed before it.
    assert sorted(_refs(secretariat)) == sorted(demo_refs + [old[2], old[4], old[5]])
    left = secretariat["left_out"]
    assert (left.cycle_count, left.printed_count, left.capped_count) == (15, 15, 0)
    assert (left.closed_count, left.closed_breakdown) == (3, "2 implemented, 1 superseded")
    assert [(link.label, link.count) for link in left.closed_links] == [("Implemented", 2), ("Superseded", 1)]
    # The Council reads the shared status: closed by an internal update only is open to it.
    council = build_report_context(mandate=past.mandate, audience="council", today=REPORT_DAY)
    assert sorted(_refs(council)) == sorted(demo_refs + [old[2], old[3], old[4], old[5]])
    assert (council["left_out"].closed_count, council["left_out"].closed_breakdown) == (2, "1 implemented, 1 superseded")
    # Figures count what is printed; the uptake at each renewal, the whole situation.
    assert council["recommendation_count"] == 16


def test_the_cap_keeps_the_newest_notes(past, settings):
    settings.WPS_REPORT_MAX_RECOMMENDATIONS = 10
    context = build_report_context(mandate=past.mandate, audience="secretariat", today=REPORT_DAY)
    # The demo's note (28 March 2023) is the newest: its first ten, in its order.
    assert _refs(context) == [r.reference for r in past.recommendations[:10]]
    left = context["left_out"]
    assert (left.cycle_count, left.printed_count, left.capped_count) == (15, 10, 5)
    assert left.capped_breakdown == "4 not started, 1 implemented"
    assert left.capped_through == dt.date(2023, 3, 28)
    assert context["recommendation_count"] == 10


def _visible_text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_note_on_the_page_and_its_links(past, settings, client):
    settings.WPS_REPORT_MAX_RECOMMENDATIONS = 10
    client.force_login(past.secretariat)
    html = client.get(f"/mandates/{past.mandate.pk}/report/?audience=secretariat").content.decode()
    assert html.count('class="report-rec-title"') == 10
    text = _visible_text(html)
    assert "8 recommendations are not printed here: see “Not in this report” ." in text
    # (one page: the link stays on it)
    assert 'see <a href="#left-out">“Not in this report”</a>.' in html
    assert (
        "Not in this report This report prints 10 of the 15 recommendations of this cycle, those of the newest "
        "notes. Left out: 5 recommendations of notes issued on or before 28 March 2023 (4 not started, 1 "
        "implemented). 3 recommendations were closed before this cycle began on 30 June 2022 and not updated "
        "since (2 implemented, 1 superseded). By status: implemented (2); superseded (1). All of them are in the "
        "list of Mali’s recommendations , oldest notes first."
    ) in text
    mali = past.mali.pk
    assert f'<a href="/recommendations/?situation={mali}&amp;status=implemented">implemented</a>' in html
    assert f'<a href="/recommendations/?situation={mali}">the list of Mali’s recommendations</a>' in html
    # The links give what was left out.
    listed = client.get(f"/recommendations/?situation={mali}&status=superseded").content.decode()
    assert past.old_recs[1].reference in listed
    listed = client.get(f"/recommendations/?situation={mali}").content.decode()
    for rec in [*past.recommendations[10:], *past.old_recs]:
        assert rec.reference in listed


def test_nothing_left_out_says_nothing(demo, client):
    client.force_login(demo.expert)
    html = client.get(f"/mandates/{demo.mandate.pk}/report/").content.decode()
    assert "Not in this report" not in html and "not printed here" not in html
    assert build_report_context(mandate=demo.mandate, audience="council", today=REPORT_DAY)["left_out"].anything is False


def test_the_note_in_the_council_pdf(past, settings):
    settings.WPS_REPORT_MAX_RECOMMENDATIONS = 10
    settings.SITE_URL = "https://wps.example.org"
    context = build_report_context(mandate=past.mandate, audience="council", today=REPORT_DAY)
    text = pdf_text(render_report_pdf(context)[0])
    assert "8 recommendations are not printed here: see “Not in this report”." in text
    assert "This report prints 10 of the 16 recommendations of this cycle, those of the newest notes." in text
    assert "Left out: 6 recommendations of notes issued on or before 28 March 2023 (5 not started, 1 implemented)." in text
    assert ("2 recommendations were closed before this cycle began on 30 June 2022 and not updated since "
            "(1 implemented, 1 superseded).") in text
    assert "All of them are in the list of Mali’s recommendations, oldest notes first: https://wps.example.org/" in text
    # (the address may break across lines)
    assert f"https://wps.example.org/recommendations/?situation={past.mali.pk} " in text.replace("/? ", "/?")
    # Not printed means not printed anywhere: the left-out references are absent.
    for rec in past.recommendations[10:]:
        assert rec.reference not in text


@pytest.mark.parametrize("audience", ["council", "secretariat"])
def test_capped_report_queries_do_not_grow(past, settings, audience, django_assert_num_queries):
    settings.WPS_REPORT_MAX_RECOMMENDATIONS = 10

    def build():
        return build_report_context(mandate=past.mandate, audience=audience, today=REPORT_DAY)

    with django_assert_num_queries(CONTEXT_QUERIES):
        context = build()
    assert context["left_out"].capped_count == (6 if audience == "council" else 5)
    grow_mali(past, 300)
    with django_assert_num_queries(CONTEXT_QUERIES):
        context = build()
    assert Recommendation.objects.filter(situation=past.mali).count() == 306
    assert context["recommendation_count"] == 10
    # 288 new (grow_mali), the demo's 12 and the old note's 4 (Council) or 3 in the cycle.
    assert context["left_out"].capped_count == (304 if audience == "council" else 303) - 10


def test_capped_report_page_queries_do_not_grow(past, settings, client, django_assert_num_queries):
    settings.WPS_REPORT_MAX_RECOMMENDATIONS = 10
    client.force_login(past.expert)
    url = f"/mandates/{past.mandate.pk}/report/"
    client.get(url)
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(url)
    grow_mali(past, 300)
    with django_assert_num_queries(PAGE_QUERIES):
        html = client.get(url).content.decode()
    assert html.count('class="report-rec-title"') == 10
    assert "This report prints 10 of the 304 recommendations of this cycle" in _visible_text(html)


def test_the_page_folds_the_latest_updates_the_pdf_prints_all(demo, client):
    rec = demo.recommendations[0]
    for i in range(5):
        record_status_update(recommendation=rec, author=demo.secretariat, status="in_progress",
                             note=f"Step {i} of the plan.", visibility=SHARED, at=_at(dt.date(2023, 4, 1 + i)))
    client.force_login(demo.expert)
    html = client.get(f"/mandates/{demo.mandate.pk}/report/").content.decode()
    text = _visible_text(html)
    assert "5 updates this cycle (latest 5 April 2023: in progress)" in text
    assert f'<a href="/recommendations/{rec.pk}/">2 earlier updates this cycle</a> on the recommendation’s page.' in html
    assert [i for i in range(5) if f"Step {i} of the plan." in text] == [2, 3, 4]
    context = build_report_context(mandate=demo.mandate, audience="council", today=REPORT_DAY)
    text = pdf_text(render_report_pdf(context)[0])
    assert [i for i in range(5) if f"Step {i} of the plan." in text] == [0, 1, 2, 3, 4]
