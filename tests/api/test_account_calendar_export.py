"""The tokens page, the calendar feed and the situation's JSON export."""

from __future__ import annotations

import datetime as dt
import json
import re

import icalendar
import pytest

from recommendations.api.services import reset_calendar_feed
from recommendations.curation.services import record_status_update, set_due_date
from recommendations.models import ApiToken, CalendarFeed, StatusUpdate
from tests.api.conftest import api_client_for
from tests.web.conftest import INTERNAL_NOTE, SHARED_NOTE, client_for

# --- tokens page -------------------------------------------------------------------------------


def test_a_user_makes_a_token_sees_it_once_uses_it_and_revokes_it(world):
    client = client_for(world, "expert")
    page = client.get("/account/tokens/")
    assert page.status_code == 200 and "You have no token." in page.content.decode()
    made = client.post("/account/tokens/", {"name": "Mission dashboard"})
    assert made.status_code == 200
    body = made.content.decode()
    key = re.search(r'value="(wps_[^"]+)"', body).group(1)
    assert "it will not be shown again" in body
    token = ApiToken.objects.get(user=world.expert)
    assert token.name == "Mission dashboard" and key not in token.key_sha256
    again = client.get("/account/tokens/").content.decode()
    assert key not in again and token.prefix in again and "Never" in again

    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/recommendations/").status_code == 200
    assert "Never" not in client.get("/account/tokens/").content.decode()

    # Someone else's token: 404, and it still works.
    assert client_for(world, "mission").post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert api.get("/api/v1/recommendations/").status_code == 200
    revoked = client.post(f"/account/tokens/{token.pk}/revoke/")
    assert revoked.status_code == 302 and revoked["Location"] == "/account/tokens/"
    assert api.get("/api/v1/recommendations/").status_code == 401
    assert not ApiToken.objects.exists()


def test_a_token_needs_a_name(world):
    response = client_for(world, "expert").post("/account/tokens/", {"name": " "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_anonymous_people_are_sent_to_sign_in(world):
    client = client_for(world, "anonymous")
    for url in ("/account/tokens/", f"/situations/{world.mali.pk}/export.json"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
    assert client.post("/account/tokens/", {"name": "x"}).status_code == 302
    assert not ApiToken.objects.exists()


# --- calendar ----------------------------------------------------------------------------------


def fetch_calendar(client, url) -> icalendar.Calendar:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def events(cal) -> dict[str, icalendar.Event]:
    found = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert len(found) == len(cal.walk("VEVENT")), "UIDs repeat"
    return found


def test_the_calendar_feed_parses_and_holds_renewals_reports_and_due_dates(world):
    client = client_for(world, "expert")
    client.post("/account/calendar/")
    feed = CalendarFeed.objects.get(user=world.expert)
    url = f"/calendar/{feed.key}.ics"
    assert url in client.get("/account/tokens/").content.decode()
    anonymous = client_for(world, "anonymous")
    cal = fetch_calendar(anonymous, url)
    assert str(cal["x-wr-timezone"]) == "America/New_York"
    found = events(cal)
    renewal = found[f"renewal-{world.mandate.pk}@testserver"]
    assert renewal.decoded("dtstart") == dt.date(2023, 6, 30)
    assert "S/RES/2640 (2022)" in str(renewal["summary"])
    report = found[f"report-{world.mandate.pk}@testserver"]
    start = report.decoded("dtstart")
    assert start.date() == dt.date(2023, 6, 9) and start.hour == 6 and str(start.tzinfo) == "America/New_York"
    assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["America/New_York"]
    # Mali's twelve are due on one day (30 days before renewal): one event for that day.
    due = [e for uid, e in found.items() if uid.startswith("due-")]
    assert [e.decoded("dtstart") for e in due] == [dt.date(2023, 5, 31)]
    assert str(due[0]["summary"]).startswith("12 recommendations due: MLI-2023-03-R01")
    # South Sudan is not the expert's.
    assert f"renewal-{world.ssd_mandate.pk}@testserver" not in found
    # The same UIDs on the next fetch.
    assert set(events(fetch_calendar(anonymous, url))) == set(found)


def test_a_focal_points_calendar_holds_what_their_entity_owns(world):
    feed = reset_calendar_feed(user=world.mission)
    owned = list(world.minusma.recommendations.order_by("position"))
    set_due_date(recommendation=owned[0], due_on=dt.date(2023, 4, 15))
    found = events(fetch_calendar(client_for(world, "anonymous"), f"/calendar/{feed.key}.ics"))
    due = {e.decoded("dtstart"): str(e["summary"]) for uid, e in found.items() if uid.startswith("due-")}
    assert due[dt.date(2023, 4, 15)] == f"1 recommendation due: {owned[0].reference}"
    # Only what MINUSMA owns, not the rest of Mali.
    assert set(due) == {r.due_on for r in world.minusma.recommendations.all()} | {dt.date(2023, 4, 15)} - {None}
    expert = events(fetch_calendar(client_for(world, "anonymous"), f"/calendar/{reset_calendar_feed(user=world.expert).key}.ics"))
    assert str(expert[f"due-20230531-{world.expert.pk}@testserver"]["summary"]).startswith("11 recommendations due")


def test_a_closed_recommendation_is_not_due(world):
    feed = reset_calendar_feed(user=world.secretariat)
    for rec in world.recommendations:
        record_status_update(recommendation=rec, author=world.secretariat, status="implemented", note="",
                             visibility=StatusUpdate.Visibility.SHARED)
    found = events(fetch_calendar(client_for(world, "anonymous"), f"/calendar/{feed.key}.ics"))
    assert [uid for uid in found if uid.startswith("due-")] == []
    assert f"renewal-{world.ssd_mandate.pk}@testserver" in found


def test_a_new_address_revokes_the_old_one(world):
    client = client_for(world, "expert")
    client.post("/account/calendar/")
    old = CalendarFeed.objects.get(user=world.expert).key
    response = client.post("/account/calendar/")
    assert response.status_code == 302
    new = CalendarFeed.objects.get(user=world.expert).key
    assert new != old
    anonymous = client_for(world, "anonymous")
    assert anonymous.get(f"/calendar/{old}.ics").status_code == 404
    assert anonymous.get(f"/calendar/{new}.ics").status_code == 200
    assert anonymous.get("/calendar/guess.ics").status_code == 404
    world.expert.is_active = False
    world.expert.save()
    assert anonymous.get(f"/calendar/{new}.ics").status_code == 404


# --- the situation's JSON export ---------------------------------------------------------------


@pytest.mark.parametrize("persona,status", [
    ("secretariat", 200), ("focalpoint", 200), ("mission", 200), ("expert", 200), ("ssd_expert", 404), ("nobody", 404),
])
def test_the_situation_export_holds_what_the_user_may_see(world, persona, status):
    response = client_for(world, persona).get(f"/situations/{world.mali.pk}/export.json")
    assert response.status_code == status
    if status != 200:
        return
    assert response["Content-Disposition"].startswith('attachment; filename="mli-')
    data = json.loads(response.content)
    assert data["format"] == "wpsfollowup-situation-export/1"
    assert data["situation"]["name"] == "Mali"
    assert [m["symbol"] for m in data["mandates"]] == ["S/RES/2640 (2022)"]
    assert len(data["mandates"][0]["paragraphs"]) == world.mandate.paragraphs.count()
    assert [r["reference"] for r in data["recommendations"]] == [r.reference for r in world.recommendations]
    notes = [u["note"] for u in data["updates"]]
    reads_internal = persona in ("secretariat", "mission")
    assert notes == ([SHARED_NOTE, INTERNAL_NOTE] if reads_internal else [SHARED_NOTE])
    # The same serializers as the API: the same recommendation, said the same way.
    api = api_client_for(world, persona).get(f"/api/v1/recommendations/{world.rec.pk}/").json()
    assert [r for r in data["recommendations"] if r["id"] == world.rec.pk] == [api]
