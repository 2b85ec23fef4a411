"""Whether a recommendation has an owner, stored (issue 14): Recommendation.has_owner, kept by
curation.services under the recommendation's lock (and after the admin's owners inline),
always equals what the Ownership rows say, and the migration fills it the same way."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.contrib.admin.sites import site
from django.db.models import Exists, OuterRef
from django.test import RequestFactory

from recommendations.curation.services import assign_owner, refresh_has_owner, remove_owner
from recommendations.models import Ownership, Recommendation

pytestmark = pytest.mark.django_db


def stored_and_computed() -> dict[int, tuple[bool, bool]]:
    owned = Exists(Ownership.objects.filter(recommendation=OuterRef("pk")))
    return {pk: (stored, computed) for pk, stored, computed in
            Recommendation.objects.annotate(computed=owned).values_list("pk", "has_owner", "computed")}


def assert_agree() -> None:
    rows = stored_and_computed()
    assert rows and all(stored == computed for stored, computed in rows.values()), rows


def test_assigning_and_removing_owners_keeps_the_stored_flag(demo):
    assert_agree()
    rec = demo.recommendations[0]
    owners = list(rec.owners.all())
    assert owners and rec.has_owner

    # Removing one owner of two leaves it owned; removing the last makes it unowned.
    assert assign_owner(recommendation=rec, entity=demo.minusma if demo.minusma not in owners else demo.un_women,
                        assigned_by=demo.secretariat)
    assert_agree()
    for entity in rec.owners.all():
        assert remove_owner(recommendation=rec, entity=entity)
        assert_agree()
    assert stored_and_computed()[rec.pk] == (False, False) and rec.has_owner is False
    # Removing an owner it does not have changes nothing.
    assert not remove_owner(recommendation=rec, entity=demo.un_women)
    assert_agree()
    assert assign_owner(recommendation=rec, entity=demo.un_women, assigned_by=None)
    assert stored_and_computed()[rec.pk] == (True, True) and rec.has_owner is True
    # Assigning it again changes nothing.
    assert not assign_owner(recommendation=rec, entity=demo.un_women, assigned_by=None)
    assert_agree()


def test_the_admins_owners_inline_keeps_the_stored_flag(demo):
    """The admin's inline writes Ownership rows itself; the admin then stores the flag from
    what it left (RecommendationAdmin.save_related)."""
    rec = demo.recommendations[1]
    admin = site._registry[Recommendation]
    request = RequestFactory().post("/admin/")
    request.user = demo.secretariat
    form = SimpleNamespace(instance=rec, save_m2m=lambda: None)

    Ownership.objects.filter(recommendation=rec).delete()  # as the inline deletes its rows
    admin.save_related(request, form, formsets=[], change=True)
    assert stored_and_computed()[rec.pk] == (False, False)
    Ownership.objects.create(recommendation=rec, entity=demo.un_women)  # as the inline adds one
    admin.save_related(request, form, formsets=[], change=True)
    assert stored_and_computed()[rec.pk] == (True, True)
    assert_agree()


def test_refresh_repairs_a_flag_set_behind_the_services_back(demo):
    rec = demo.recommendations[2]
    Recommendation.objects.filter(pk=rec.pk).update(has_owner=False)
    assert refresh_has_owner(recommendation=rec) is True
    assert_agree()


def test_the_data_migration_fills_what_the_service_keeps(demo):
    from django.apps import apps

    migration = importlib.import_module("recommendations.migrations.0012_issue14_has_owner")
    remove_owner(recommendation=demo.recommendations[0], entity=demo.recommendations[0].owners.get())
    expected = {pk: computed for pk, (_, computed) in stored_and_computed().items()}
    assert False in expected.values() and True in expected.values()
    # From either value (the column arrives true on every row), the same flags.
    for start in (True, False):
        Recommendation.objects.update(has_owner=start)
        migration.compute(apps, None)
        assert {pk: stored for pk, (stored, _) in stored_and_computed().items()} == expected
