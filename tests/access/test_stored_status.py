"""The shown status stored (issue 14): Recommendation.shared_status / shared_update_at, kept by
curation.services under the recommendation's lock, always equal what the rule computes from
the updates (access.shared_reading, access.shared_status), after every kind of update."""

from __future__ import annotations

import importlib

import pytest

from recommendations import access
from recommendations.curation.services import record_status_update, withdraw_status_update
from recommendations.models import Recommendation, StatusUpdate

INTERNAL, SHARED = StatusUpdate.Visibility.INTERNAL, StatusUpdate.Visibility.SHARED


def assert_stored_equals_computed(rec: Recommendation) -> tuple[str, object]:
    fresh = Recommendation.objects.annotate(computed=access.shared_status()).get(pk=rec.pk)
    assert (fresh.shared_status, fresh.shared_update_at) == access.shared_reading(rec.pk)
    assert fresh.shared_status == fresh.computed
    return fresh.shared_status, fresh.shared_update_at


@pytest.mark.django_db
def test_every_kind_of_update_keeps_the_stored_reading(demo):
    rec = Recommendation.objects.order_by("pk").first()
    who = demo.secretariat
    assert assert_stored_equals_computed(rec) == ("not_started", None)

    internal = record_status_update(recommendation=rec, author=who, status="in_progress", note="i", visibility=INTERNAL)
    assert assert_stored_equals_computed(rec) == ("not_started", None)

    shared = record_status_update(recommendation=rec, author=who, status="partial", note="s", visibility=SHARED)
    assert assert_stored_equals_computed(rec) == ("partial", shared.created_at)

    record_status_update(recommendation=rec, author=who, status="implemented", note="i2", visibility=INTERNAL)
    assert assert_stored_equals_computed(rec) == ("partial", shared.created_at)

    # A shared correction of an internal update: shared from then on.
    fixed = record_status_update(recommendation=rec, author=who, status="in_progress", note="Wrong status",
                                 visibility=SHARED, corrects=internal)
    assert assert_stored_equals_computed(rec) == ("in_progress", fixed.created_at)

    # Withdrawing the latest shared update falls back to the previous shared one.
    withdraw_status_update(update=fixed, author=who, reason="Shared by mistake")
    assert assert_stored_equals_computed(rec) == ("partial", shared.created_at)

    # An internal correction of the shared update leaves nothing shared.
    record_status_update(recommendation=rec, author=who, status="partial", note="Internal only",
                         visibility=INTERNAL, corrects=shared)
    assert assert_stored_equals_computed(rec) == ("not_started", None)

    # The stored status itself keeps following every update too.
    rec.refresh_from_db()
    assert rec.status == "partial"


@pytest.mark.django_db
def test_readers_see_the_stored_reading(demo):
    """Those who read no internal update are shown the stored shared reading: the expert and
    the Council audience; the owner and the secretariat the stored status."""
    rec = Recommendation.objects.order_by("pk").first()
    record_status_update(recommendation=rec, author=demo.secretariat, status="in_progress", note="s", visibility=SHARED)
    record_status_update(recommendation=rec, author=demo.secretariat, status="implemented", note="i", visibility=INTERNAL)
    for reader, expected in (
        (access.Reader.of(demo.expert), "in_progress"),
        (access.Reader.for_audience("council"), "in_progress"),
        (access.Reader.of(demo.secretariat), "implemented"),
    ):
        shown = reader.with_shown_status(Recommendation.objects.filter(pk=rec.pk)).values_list(
            "shown_status", flat=True).get()
        assert shown == expected


@pytest.mark.django_db
def test_the_data_migration_fills_what_the_service_keeps(demo):
    """Migration 0008 fills the stored readings of existing rows as the service keeps them."""
    from django.apps import apps

    migration = importlib.import_module("recommendations.migrations.0008_issue14_shared_status")
    recs = list(Recommendation.objects.order_by("pk")[:3])
    record_status_update(recommendation=recs[0], author=demo.secretariat, status="partial", note="s", visibility=SHARED)
    done = record_status_update(recommendation=recs[1], author=demo.secretariat, status="implemented", note="s",
                                visibility=SHARED)
    withdraw_status_update(update=done, author=demo.secretariat, reason="By mistake")
    expected = {r.pk: access.shared_reading(r.pk) for r in Recommendation.objects.all()}
    Recommendation.objects.update(shared_status="not_started", shared_update_at=None)
    migration.fill_shared_readings(apps, None)
    assert {r.pk: (r.shared_status, r.shared_update_at) for r in Recommendation.objects.all()} == expected
    assert expected[recs[0].pk][0] == "partial"
    assert expected[recs[1].pk] == ("not_started", None)


@pytest.mark.django_db
def test_the_council_audience_reads_the_stored_columns(demo):
    """A reader who reads no internal update anywhere (the Council audience) is shown the
    stored columns themselves: no subquery per row. A person's reading keeps one CASE over
    the stored columns, on whether their entity owns the row."""
    sql = str(access.Reader.for_audience("council").with_shown_status(Recommendation.objects.all()).query)
    assert "CASE" not in sql and "EXISTS" not in sql and '"shared_status"' in sql
    sql = str(access.Reader.of(demo.expert).with_shown_status(Recommendation.objects.all()).query)
    assert "CASE" in sql and "recommendations_statusupdate" not in sql
