"""A living demo: load_demo --as-of spreads updates, a withdrawal and a Council report over the
cycle before that day; with WPS_DEMO_AS_OF the whole app runs as of it and says so on every
page. The sample's own dates stay true."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from recommendations.dates import local_today
from recommendations.demo import load_demo
from recommendations.models import Briefing, Mandate, ProgressReport, StatusUpdate
from tests.conftest import PASSWORD

AS_OF = dt.date(2023, 5, 10)


@pytest.fixture
def living(db, settings):
    settings.WPS_DEMO_AS_OF = AS_OF.isoformat()
    load_demo(password=PASSWORD, as_of=AS_OF)
    return settings


def test_the_app_runs_as_of_the_demo_day(living, client):
    assert local_today() == AS_OF
    client.login(username="focalpoint", password=PASSWORD)
    body = client.get("/").content.decode()
    assert '<div class="demo-banner" role="note"><div class="width-container"><strong>Demo:</strong> the app shows 10 May 2023</div></div>' in body
    assert '<span class="days days--ok">51 days, 30 June 2023</span>' in body
    assert "8 recommendations need your update" in body  # of 11: R01, R05 and R09 updated this cycle
    for url in ("/recommendations/", f"/mandates/{Mandate.objects.get().pk}/"):
        assert "the app shows 10 May 2023" in client.get(url).content.decode()
    # The sample's dates stay true; the demo's updates fall in the cycle before the day.
    assert Briefing.objects.get().issued_on == dt.date(2023, 3, 28)
    days = {u.created_at.date() for u in StatusUpdate.objects.all()}
    assert min(days) >= dt.date(2023, 3, 28) and max(days) < AS_OF
    assert StatusUpdate.objects.filter(kind="withdrawal").count() == 1
    report = ProgressReport.objects.get()
    assert (report.state, report.audience, report.created_at.date()) == ("done", "council", dt.date(2023, 5, 9))


def test_the_withdrawn_update_is_not_what_the_expert_reads(living, client):
    client.login(username="expert", password=PASSWORD)
    rec = StatusUpdate.objects.get(kind="withdrawal").recommendation
    body = client.get(rec.get_absolute_url()).content.decode()
    assert "Reported as done by mistake" not in body and "tag--implemented" not in body


def test_twice_adds_nothing_and_bad_dates_are_refused(living):
    before = StatusUpdate.objects.count(), ProgressReport.objects.count()
    call_command("load_demo", "--as-of", "2023-05-10")
    assert (StatusUpdate.objects.count(), ProgressReport.objects.count()) == before
    with pytest.raises(CommandError, match="--as-of must be a date, YYYY-MM-DD; got '10/05/2023'"):
        call_command("load_demo", "--as-of", "10/05/2023")


def test_no_banner_outside_a_demo(demo, client):
    client.login(username="expert", password=PASSWORD)
    assert "demo-banner" not in client.get("/").content.decode()
