"""Each ownership row's stored situation (issue 14: Ownership.situation, from which a focal
point's situations are read) is its recommendation's, however the row is made, and a saved
recommendation keeps its situation in the admin."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from recommendations import access
from recommendations.curation.services import assign_owner
from recommendations.models import Ownership, Recommendation
from tests.access.test_admin_ownership import _FormFields

pytestmark = pytest.mark.django_db


def assert_agree() -> None:
    rows = list(Ownership.objects.values_list("situation_id", "recommendation__situation_id"))
    assert rows and all(stored == actual for stored, actual in rows), rows


def test_every_way_of_making_an_owner_stores_the_recommendations_situation(personas):
    world = personas
    assert_agree()
    south_sudan_rec = Recommendation.objects.filter(situation=world.south_sudan).first()
    assert assign_owner(recommendation=south_sudan_rec, entity=world.un_women, assigned_by=None)
    Ownership.objects.create(recommendation=south_sudan_rec, entity=world.minusma)
    assert_agree()
    assert set(Ownership.objects.filter(recommendation=south_sudan_rec).values_list("situation", flat=True)) == {
        world.south_sudan.pk
    }
    # And what that gives: UN Women's focal point now sees South Sudan too.
    assert set(access.Reader.of(world.focalpoint).situations().values_list("name", flat=True)) == {"Mali", "South Sudan"}


def test_an_owner_added_in_the_admin_stores_the_situation_and_the_situation_is_read_only(demo, client):
    rec = Recommendation.objects.exclude(ownership__entity=demo.minusma).order_by("pk").first()
    client.force_login(demo.secretariat)
    url = f"/admin/recommendations/recommendation/{rec.pk}/change/"
    page = client.get(url)
    form = _FormFields()
    form.feed(page.content.decode())
    # Saved: the situation is shown, not offered for change.
    assert "situation" not in form.data
    assert rec.situation.name in page.content.decode()
    fields = {k: v for k, v in form.data.items() if not k.startswith("_") and "__prefix__" not in k}
    total = int(fields["ownership_set-TOTAL_FORMS"][0])
    fields["ownership_set-TOTAL_FORMS"] = [str(total + 1)]
    fields[f"ownership_set-{total}-entity"] = [str(demo.minusma.pk)]
    fields[f"ownership_set-{total}-recommendation"] = [str(rec.pk)]
    response = client.post(url, {**fields, "_save": "Save"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Ownership.objects.get(recommendation=rec, entity=demo.minusma).situation_id == rec.situation_id
    assert_agree()
    # A new recommendation's situation is still chosen on the add form.
    add = _FormFields()
    add.feed(client.get("/admin/recommendations/recommendation/add/").content.decode())
    assert "situation" in add.data


def test_the_migration_fills_each_rows_situation_from_its_recommendation(personas):
    migration = importlib.import_module("recommendations.migrations.0016_issue14_ownership_situation")
    Ownership.objects.update(situation=personas.south_sudan)
    migration.fill(apps, None)
    assert_agree()
