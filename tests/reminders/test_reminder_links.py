"""The reminder pages are reachable from the app: the header links everyone signed in to their
choice of reminders, and the secretariat's dashboard links the preview of a day's emails."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

PREFERENCES_LINK = '<a href="/account/reminders/">Reminders</a>'
PREVIEW_LINK = '<a href="/reminders/preview/">Preview the reminder emails of a day</a>'


@pytest.mark.parametrize("username", ["secretariat", "focalpoint", "mission", "expert"])
def test_the_header_links_to_the_choice_of_reminders(demo, client, username):
    client.force_login(getattr(demo, username))
    page = client.get("/").content.decode()
    assert page.count(PREFERENCES_LINK) == 1
    assert client.get("/account/reminders/").status_code == 200
    on_the_page = client.get("/account/reminders/").content.decode()
    assert '<a href="/account/reminders/" aria-current="page">Reminders</a>' in on_the_page


def test_the_secretariats_dashboard_links_to_the_preview(demo, client):
    client.force_login(demo.secretariat)
    assert client.get("/").content.decode().count(PREVIEW_LINK) == 1
    assert "<h1>Preview the reminder emails of a day</h1>" in client.get("/reminders/preview/").content.decode()


@pytest.mark.parametrize("username", ["focalpoint", "mission", "expert"])
def test_others_see_no_link_to_the_preview(demo, client, username):
    client.force_login(getattr(demo, username))
    assert "/reminders/preview/" not in client.get("/").content.decode()
    assert client.get("/reminders/preview/").status_code == 403


def test_signed_out_visitors_see_no_reminder_links(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/account/reminders/" not in page and "/reminders/preview/" not in page
