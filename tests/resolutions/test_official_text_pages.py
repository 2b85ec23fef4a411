"""The pages that existed before resolutions were imported, once they are: the mandate page
(official labels and texts, the note's quotations, the other paragraphs folded, the UN's
credit, terminated by), the recommendation page, the dashboard (terminated by, uptake at the
last renewal) and the report (credit, uptake per renewal, terminated)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template.loader import render_to_string
from django.test import Client

from recommendations.curation.services import link_paragraph
from recommendations.models import Briefing, Mandate, Recommendation, Uptake
from recommendations.reports import build_report_context
from tests import factories

pytestmark = pytest.mark.django_db

CREDIT_2640 = "Source: United Nations, Security Council resolution S/RES/2640 (2022) (UN XML)"


def client_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def imported(personas, load):
    """The demo note (on 2640), then 2584, 2640 and 2690 from the UN's XML."""
    load("2584-2021.en", "2640-2022.en", "2690-2023.en")
    personas.m2584, personas.m2640, personas.m2690 = (Mandate.objects.get(number=n) for n in (2584, 2640, 2690))
    return personas


def test_mandate_page_shows_official_text_and_folds_the_rest(imported):
    page = client_as(imported.expert).get(f"/mandates/{imported.m2640.pk}/").content.decode()
    section = page.split('id="paragraphs-heading"')[1].split('id="uncovered-heading"')[0]
    shown = re.findall(r'<h3 class="heading-s">([^<]+?)(?: <strong|</h3>)', section)
    assert shown[:4] == ["PP 9", "PP 14", "OP 3", "OP 7"]
    assert "OP 26 (a)(iii) dash 2" in shown and "OP 41 dash 12" in shown and len(shown) == 22
    assert "<summary>118 other paragraphs of the resolution</summary>" in section
    # 140 units; 9 have a link (the note's suggestions, made over what it quotes, and two confirmed here).
    assert "140 in the resolution, 131 covered by no recommendation" in page
    assert section.count("As quoted in the note (28 March 2023)") == 22
    assert "As quoted in the note (28 March 2023), as OP 26 (b):" in section  # the note's own label of OP 26 (a)(v)
    # OP 57: the note quotes the intro with point (i), beyond the intro's text.
    assert section.count("The note's text differs from the resolution beyond its cuts") == 1
    assert CREDIT_2640 in page


def test_a_terminated_mandate_says_so_and_counts_no_days(imported):
    page = client_as(imported.expert).get(f"/mandates/{imported.m2640.pk}/").content.decode()
    assert f'Terminated by <a href="/mandates/{imported.m2690.pk}/">S/RES/2690 (2023)</a>' in page
    assert "days days--" not in page
    ending = client_as(imported.expert).get(f"/mandates/{imported.m2690.pk}/").content.decode()
    assert f'Ends the mandate of <a href="/mandates/{imported.m2640.pk}/">S/RES/2640 (2022)</a>' in ending
    dashboard = client_as(imported.expert).get("/").content.decode()
    mali = dashboard.split('id="situation-')[1]
    assert f'Terminated by <a href="/mandates/{imported.m2690.pk}/">S/RES/2690 (2023)</a>' in mali
    assert "days days--" not in mali


def test_mandate_page_links_to_what_changed_and_to_the_uptake_review(imported):
    url = f"/mandates/{imported.m2640.pk}/"
    secretariat = client_as(imported.secretariat).get(url).content.decode()
    assert f'<a href="/mandates/{imported.m2640.pk}/changes/">What changed since S/RES/2584 (2021)</a>' in secretariat
    assert f'href="/mandates/{imported.m2640.pk}/uptake/"' in secretariat
    expert = client_as(imported.expert).get(url).content.decode()
    assert "What changed since S/RES/2584 (2021)" in expert and "/uptake/" not in expert


def test_recommendation_page_shows_the_official_paragraph_and_the_quotation(imported):
    rec = Recommendation.objects.get(reference="MLI-2023-03-R06")
    link_paragraph(recommendation=rec, paragraph=imported.m2640.paragraphs.get(label="OP 26 (a)(v)"), user=None)
    page = client_as(imported.expert).get(f"/recommendations/{rec.pk}/").content.decode()
    assert "<span class=\"paragraph__label\">S/RES/2640 (2022) OP 26 (a)(v)</span>" in page
    assert "As quoted in the note (28 March 2023), as OP 26 (b):" in page
    assert CREDIT_2640 in page


def test_the_note_alone_shows_no_credit(personas):
    page = client_as(personas.expert).get(f"/mandates/{personas.mandate.pk}/").content.decode()
    assert "Source: United Nations" not in page and "As quoted in the note" not in page


@pytest.mark.parametrize("extra", [0, 40])
def test_mandate_page_with_the_resolution_keeps_its_query_count(imported, extra, django_assert_num_queries):
    briefing = Briefing.objects.filter(situation=imported.mali).first()
    factories.make_recommendations(briefing, extra)
    client = client_as(imported.expert)
    url = f"/mandates/{imported.m2640.pk}/"
    client.get(url)
    # 16: +2 in issue 14 (counts per paragraph and status, and the totals: the page shows the
    # first five recommendations per paragraph instead of every link); 17: +1 (the expert's
    # situations read first, as ids: the subquery made the page 2x the admin at 100,000).
    # 16: -1 in issue 14 (the permissions read in one query, not two: recommendations/people/backends.py).
    with django_assert_num_queries(16):
        client.get(url)


# --- uptake at the last renewal --------------------------------------------------------------


@pytest.fixture
def decided(personas, load):
    """2584 then 2640 imported, four proposals made in May 2022 for 2640's renewal: two
    reflected or partly, one not, one still pending."""
    load("2584-2021.en", "2640-2022.en")
    old, new = Mandate.objects.get(number=2584), Mandate.objects.get(number=2640)
    briefing = Briefing.objects.create(situation=personas.mali, mandate=old, title="May 2022", issued_on=dt.date(2022, 5, 1),
                                       original_text="may", sha256="may")
    op44 = new.paragraphs.get(label="OP 44")
    for i, (uptake, paragraph) in enumerate([
        (Uptake.REFLECTED, op44), (Uptake.PARTLY_REFLECTED, op44), (Uptake.NOT_REFLECTED, None), (Uptake.PENDING, None)
    ], 1):
        Recommendation.objects.create(briefing=briefing, situation=personas.mali, reference=f"MLI-2022-05-R{i:02d}",
                                      position=i, text="Request ...", addressee="security_council", uptake=uptake,
                                      uptake_paragraph=paragraph)
    personas.old, personas.new = old, new
    return personas


def test_dashboard_shows_the_uptake_at_the_last_renewal(decided):
    page = client_as(decided.expert).get("/").content.decode()
    assert "<dt>Uptake at the last renewal</dt><dd>2 of 3 proposals reflected or partly reflected" in page
    assert "in S/RES/2640 (2022); 1 not yet decided" in page
    secretariat = client_as(decided.secretariat).get("/").content.decode()
    assert f'<a href="/mandates/{decided.new.pk}/uptake/">S/RES/2640 (2022)</a>' in secretariat


@pytest.mark.parametrize("situations", [1, 4])
def test_dashboard_with_renewals_keeps_its_query_count(decided, situations, django_assert_num_queries):
    for i in range(1, situations):
        situation = factories.make_situation(f"Place {i}", f"P{i}")
        first = factories.make_mandate(situation, expires_on=dt.date(2023, 1, i), mission=f"M{i}")
        Mandate.objects.create(symbol=f"S/RES/{3000 + i} (2023)", number=3000 + i, year=2023, mission=f"M{i}",
                               situation=situation, expires_on=dt.date(2024, 1, i), renews=first,
                               adopted_on=dt.date(2023, 1, 1))
    client = client_as(decided.secretariat)
    client.get("/")
    # The secretariat's dashboard (13 in tests/web/test_query_counts.py) and one more for the
    # renewals' uptake decisions, which exist here.
    with django_assert_num_queries(14):
        page = client.get("/").content.decode()
    assert page.count("<dt>Uptake at the last renewal</dt>") == situations


@pytest.mark.parametrize("audience", ["council", "secretariat"])
def test_report_credits_the_un_and_gives_uptake_per_renewal(decided, audience):
    context = build_report_context(mandate=decided.new, audience=audience, today=dt.date(2023, 6, 1))
    assert [(r.renewal.symbol, r.taken_up, r.decided, r.pending) for r in context["cycle_rates"]] == [
        ("S/RES/2640 (2022)", 2, 3, 1)
    ]
    html = render_to_string("reports/_report_body.html", context)
    assert CREDIT_2640 in html
    assert "S/RES/2640 (2022) (29 June 2022): 2 of 3 proposals reflected or partly reflected; 1 not yet decided." in html


def test_report_of_a_terminated_mandate(imported):
    context = build_report_context(mandate=imported.m2640, audience="council", today=dt.date(2023, 6, 1))
    html = render_to_string("reports/_report_body.html", context)
    assert "Terminated by <strong>S/RES/2690 (2023)</strong>: no renewal follows." in html
    assert "Days to renewal" not in html
