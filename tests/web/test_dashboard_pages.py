"""The dashboard's situation cards come DASHBOARD_SITUATIONS a page, renewals soonest first,
so its size and its queries do not grow with the number of situations (issue 14: 300 cards
at 100,000 recommendations); the counts above the cards still cover every situation."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from recommendations.web.views import DASHBOARD_SITUATIONS
from tests import factories

pytestmark = pytest.mark.django_db

CARD = re.compile(r'<article class="card" aria-labelledby="situation-(\d+)">')


def add_situations(n: int, *, start: int) -> list:
    """``n`` situations, each with a mandate expiring a day later than the one before and two
    overdue recommendations."""
    added = []
    for i in range(start, start + n):
        situation = factories.make_situation(f"Situation {i:03d}", f"S{i:03d}")
        mandate = factories.make_mandate(situation, expires_on=dt.date.today() + dt.timedelta(days=30 + i))
        factories.make_recommendations(factories.make_briefing(situation, mandate), 2, due_on=dt.date(2020, 1, 1))
        added.append(situation)
    return added


def test_dashboard_pages_the_situations_in_the_same_queries(personas, client, django_assert_num_queries):
    client.force_login(personas.secretariat)
    client.get("/")  # warm the per-process caches
    with django_assert_num_queries(13):
        first = client.get("/").content.decode()
    shown_before = len(CARD.findall(first))
    added = add_situations(DASHBOARD_SITUATIONS * 2, start=100)
    with django_assert_num_queries(13):
        first = client.get("/").content.decode()
    with django_assert_num_queries(13):
        last = client.get("/?page=3").content.decode()

    assert shown_before < DASHBOARD_SITUATIONS
    total = shown_before + len(added)
    pages = -(-total // DASHBOARD_SITUATIONS)
    assert len(CARD.findall(first)) == DASHBOARD_SITUATIONS
    assert f"Page 1 of {pages}" in first and 'rel="next" href="?page=2"' in first
    assert len(CARD.findall(last)) == total - 2 * DASHBOARD_SITUATIONS
    # Every situation has its card on exactly one page.
    seen = []
    for number in range(1, pages + 1):
        seen += CARD.findall(client.get(f"/?page={number}").content.decode())
    assert sorted(seen) == sorted({*seen}) and {int(pk) for pk in seen} >= {s.pk for s in added}
    # The overdue count above the cards covers every situation, not only the page's.
    assert re.search(r'id="attention-overdue">[^<]*: (\d+)</h3>', first).group(1) == str(
        int(re.search(r'id="attention-overdue">[^<]*: (\d+)</h3>', client.get("/?page=2").content.decode()).group(1))
    )
    assert int(re.search(r'id="attention-overdue">[^<]*: (\d+)</h3>', first).group(1)) >= 2 * len(added)


@pytest.mark.parametrize("persona", ["secretariat", "focalpoint"])
def test_each_card_shows_its_current_mandate_on_every_page(personas, client, persona):
    """The secretariat's rows carry only each mandate's id and expiry, the page's cards read
    the mandates themselves (issue 14); a focal point's rows read them all: either way each
    card links the situation's current mandate (rules.current_mandates) and its renewal."""
    from recommendations import rules
    from recommendations.curation.services import assign_owner

    added = add_situations(DASHBOARD_SITUATIONS + 5, start=500)
    for situation in added:
        assign_owner(recommendation=situation.recommendations.first(), entity=personas.un_women, assigned_by=None)
    current = rules.current_mandates()
    client.force_login(getattr(personas, persona))
    seen = 0
    for number in (1, 2):
        body = client.get(f"/?page={number}").content.decode()
        for situation_id in map(int, CARD.findall(body)):
            html = re.search(rf'aria-labelledby="situation-{situation_id}">(.*?)</article>', body, re.S).group(1)
            mandate = current[situation_id]
            assert f'<a href="/mandates/{mandate.pk}/">{mandate.symbol}</a> ({mandate.mission})' in html, situation_id
            assert f'/mandates/{mandate.pk}/report/' in html
            seen += 1
    assert seen >= len(added)


def test_renewals_soonest_come_first(personas, client):
    client.force_login(personas.secretariat)
    added = add_situations(DASHBOARD_SITUATIONS + 5, start=200)
    first = [int(pk) for pk in CARD.findall(client.get("/").content.decode())]
    # The added mandates expire one a day from 31 days on: after any demo mandate closer, and
    # in their order among themselves.
    ours = [pk for pk in first if pk in {s.pk for s in added}]
    assert ours == [s.pk for s in added][: len(ours)]


def test_a_page_out_of_range_shows_the_last(personas, client):
    client.force_login(personas.secretariat)
    add_situations(DASHBOARD_SITUATIONS, start=300)
    body = client.get("/?page=99").content.decode()
    assert "Page 2 of 2" in body and 'rel="prev" href="?page=1"' in body
    assert client.get("/?page=abc").status_code == 200
