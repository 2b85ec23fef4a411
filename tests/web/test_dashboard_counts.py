"""The dashboard's numbers, exactly, for each persona (issue 14: the counts grouped by whether
the reader reads each row's internal updates, the "No owner" list from the stored has_owner,
"Needs your update" and its count in one query): each equals what the per-object rules give
over the recommendations the persona may see, with the status each row shows them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from recommendations import access, rules
from recommendations.curation.services import record_status_update, remove_owner
from recommendations.dates import local_today
from recommendations.models import ImplementationStatus, Recommendation, StatusUpdate

pytestmark = pytest.mark.django_db


def shown(user) -> list[tuple[Recommendation, str, object]]:
    """(recommendation, status shown, time shown) for every recommendation ``user`` may see,
    by the per-object forms (Reader.status_of over the updates the reader may read)."""
    reader = access.Reader.of(user)
    out = []
    for rec in reader.recommendations().order_by("pk"):
        updates = list(reader.updates(rec.status_updates.all()).order_by("-created_at", "-id"))
        status, at = reader.status_of(rec, updates)
        out.append((rec, status, at))
    return out


def expected(user) -> dict:
    today = local_today()
    rows = shown(user)
    stale = [r for r, s, at in rows if rules.is_stale(status=s, last_update_at=at, created_at=r.created_at, today=today)]
    overdue = [r for r, s, at in rows if rules.is_overdue(status=s, due_on=r.due_on, today=today)]
    per_situation: dict[int, dict] = {}
    for rec, status, _ in rows:
        card = per_situation.setdefault(rec.situation_id, {"total": 0, "open": 0, "status": {}})
        card["total"] += 1
        card["open"] += rules.is_open(status)
        card["status"][status] = card["status"].get(status, 0) + 1
    for rec in stale:
        per_situation[rec.situation_id]["stale"] = per_situation[rec.situation_id].get("stale", 0) + 1
    for rec in overdue:
        per_situation[rec.situation_id]["overdue"] = per_situation[rec.situation_id].get("overdue", 0) + 1
    return {
        "stale": len(stale), "overdue": len(overdue),
        "unowned": sum(1 for rec, _, _ in rows if not rec.owners.exists()),
        "cards": per_situation,
    }


def attention(body: str, key: str) -> int | None:
    found = re.search(rf'id="attention-{key}">[^<]*: (\d+)</h3>', body)
    return int(found.group(1)) if found else None


def card(body: str, situation_id: int) -> dict:
    html = re.search(rf'<article class="card" aria-labelledby="situation-{situation_id}">(.*?)</article>', body, re.S)
    assert html, situation_id
    html = html.group(1)
    total, open_ = re.search(r'\?situation=\d+">(\d+)</a>, of which (\d+) open', html).groups()
    counts = {"total": int(total), "open": int(open_), "status": {}}
    for key in ("stale", "overdue"):
        linked = re.search(rf'&amp;{key}=on">(\d+)</a>', html)
        counts[key] = int(linked.group(1)) if linked else 0
    for value in ImplementationStatus.values:
        linked = re.search(rf'&amp;status={value}" aria-label="(\d+) ', html)
        if linked:
            counts["status"][value] = int(linked.group(1))
    return counts


@pytest.fixture
def varied(world):
    """The world, plus: an internal update on a recommendation UN Women owns (its focal point
    reads it, the expert does not) and on one MINUSMA owns (the focal point does not read it),
    a shared one on another, one Mali recommendation left with
    no owner, and due dates past and to come."""
    un_women_recs = list(world.un_women.recommendations.order_by("position"))
    record_status_update(recommendation=un_women_recs[0], author=world.secretariat, status="implemented",
                         note="Internal", visibility=StatusUpdate.Visibility.INTERNAL)
    record_status_update(recommendation=un_women_recs[1], author=world.secretariat, status="partial",
                         note="Shared", visibility=StatusUpdate.Visibility.SHARED)
    # On one MINUSMA owns, an internal update only the secretariat (and MINUSMA) reads.
    record_status_update(recommendation=world.rec, author=world.secretariat, status="not_implemented",
                         note="Internal", visibility=StatusUpdate.Visibility.INTERNAL)
    lonely = un_women_recs[2]
    for entity in list(lonely.owners.all()):
        remove_owner(recommendation=lonely, entity=entity)
    mali = Recommendation.objects.filter(situation=world.mali).order_by("position")
    for i, rec in enumerate(mali):
        Recommendation.objects.filter(pk=rec.pk).update(due_on=local_today() + dt.timedelta(days=(-30 if i % 3 else 30)))
    return world


@pytest.mark.parametrize("persona", ["secretariat", "focalpoint", "expert"])
def test_the_dashboard_shows_exactly_what_the_rules_give(varied, persona):
    user = getattr(varied, persona)
    want = expected(user)
    client = Client()
    client.force_login(user)
    body = client.get("/").content.decode()

    assert attention(body, "stale") == want["stale"]
    assert attention(body, "overdue") == want["overdue"]
    assert attention(body, "unowned") == (want["unowned"] if persona == "secretariat" else None)
    for situation_id, numbers in want["cards"].items():
        assert card(body, situation_id) == {"stale": 0, "overdue": 0, **numbers}, situation_id
    assert want["overdue"] > 0 and want["cards"][varied.mali.pk]["total"] == 12


def test_the_fixture_makes_the_readings_differ(varied):
    """Each persona is shown some row differently, so the counts above test both branches of
    the shown status (stored, where the reader reads internal updates; shared elsewhere)."""
    readings = {p: {rec.pk: status for rec, status, _ in shown(getattr(varied, p)) if rec.situation_id == varied.mali.pk}
                for p in ("secretariat", "focalpoint", "expert")}
    assert readings["secretariat"] != readings["focalpoint"] != readings["expert"] != readings["secretariat"]
    assert expected(varied.secretariat)["unowned"] >= 1


def test_the_secretariat_counts_every_situation_and_each_page_its_cards(varied):
    """Past one page of cards the secretariat's card counts are read for the page shown and
    its totals apart (issue 14): each page's cards and the totals still equal the rules, over
    every situation, whichever page is shown."""
    from recommendations.web.views import DASHBOARD_SITUATIONS
    from tests.web.test_dashboard_pages import CARD, add_situations

    added = add_situations(DASHBOARD_SITUATIONS + 3, start=400)
    # Some of them stale, one with no owner: the totals reach past the first page.
    for situation in added[-3:]:
        Recommendation.objects.filter(situation=situation).update(
            last_update_at=None, created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), has_owner=False,
        )
    want = expected(varied.secretariat)
    client = Client()
    client.force_login(varied.secretariat)
    seen = set()
    for number in (1, 2):
        body = client.get(f"/?page={number}").content.decode()
        assert attention(body, "stale") == want["stale"]
        assert attention(body, "overdue") == want["overdue"]
        assert attention(body, "unowned") == want["unowned"]
        for situation_id in map(int, CARD.findall(body)):
            assert card(body, situation_id) == {"stale": 0, "overdue": 0, **want["cards"][situation_id]}, situation_id
            seen.add(situation_id)
    assert seen >= {s.pk for s in added}
    assert want["stale"] >= 6 and want["unowned"] >= 6 and want["overdue"] >= 2 * len(added)
