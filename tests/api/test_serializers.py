"""RecommendationSerializer's written-out to_representation (issue 14) gives what DRF's
generic walk through the same fields gives, and the API's list, which reads its rows as
values (api.selectors.row_values, row_details), gives what the serializer gives, for every
persona's recommendations, in two time zones and both languages."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone, translation
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from recommendations import access
from recommendations.api import selectors
from recommendations.api.serializers import RecommendationSerializer, recommendation_rows
from recommendations.curation.selectors import row_details
from recommendations.models import ParagraphLink, Recommendation
from tests.api.conftest import api_client_for
from tests.web.conftest import renewal_paragraph

pytestmark = pytest.mark.django_db

READERS = ("secretariat", "focalpoint", "mission", "expert", "ssd_expert")
ZONES = ("UTC", "Asia/Tokyo")
LANGUAGES = ("en", "fr")


@pytest.fixture
def varied(world):
    """The world with every kind of value on some rows: an uptake paragraph, a previous
    recommendation, a due date and none; links, owners and themes (the world's own)."""
    some = list(Recommendation.objects.order_by("pk")[:4])
    some[0].uptake_paragraph = renewal_paragraph(world)
    some[0].uptake = "reflected"
    some[0].save()
    some[1].previous = some[2]
    some[1].relation_to_previous = Recommendation.Relation.REPEATS
    some[1].due_on = None
    some[1].save()
    assert ParagraphLink.objects.exists()
    assert Recommendation.objects.filter(owners__isnull=False).exists()
    assert Recommendation.objects.filter(themes__isnull=False).exists()
    assert Recommendation.objects.filter(due_on__isnull=False).exists()
    return world


def test_written_out_is_drfs_walk(varied):
    checked = 0
    for name in READERS:
        recs = list(selectors.recommendations(access.Reader.of(getattr(varied, name))).order_by("pk"))
        assert recs
        for zone in ZONES:
            for language in LANGUAGES:
                with timezone.override(zone), translation.override(language):
                    serializer = RecommendationSerializer(recs, many=True).child
                    for rec in recs:
                        generic = serializers.ModelSerializer.to_representation(serializer, rec)
                        written = serializer.to_representation(rec)
                        assert list(written.items()) == list(generic.items())
                        checked += 1
    assert checked > 20


def test_rows_read_as_values_are_the_serializers(varied):
    """recommendation_rows over row_values and row_details, as the list reads them, gives
    RecommendationSerializer's output over the model instances, key for key, in order."""
    updated = 0
    for name in READERS:
        reader = access.Reader.of(getattr(varied, name))
        instances = selectors.recommendations(reader).order_by("pk")
        rows = list(selectors.row_values(reader.with_shown_status(reader.recommendations(by_ids=True))).order_by("pk"))
        assert rows
        details = row_details([row["id"] for row in rows])
        for zone in ZONES:
            for language in LANGUAGES:
                with timezone.override(zone), translation.override(language):
                    expected = RecommendationSerializer(instances, many=True).data
                    written = recommendation_rows(rows, details)
                    assert [list(row.items()) for row in written] == [list(row.items()) for row in expected]
                    assert JSONRenderer().render(written) == JSONRenderer().render(expected)
                    updated += sum(row["last_update_at"] is not None for row in written)
    assert updated  # a time, in each zone
    assert row_details([]).themes == {}


@pytest.mark.parametrize("zone", ZONES)
def test_the_lists_rows_are_the_detail_pages(varied, settings, zone):
    """Through the API, every row of the list (every page, filtered or not) is the
    recommendation's own endpoint's JSON, for every persona, in both languages."""
    settings.TIME_ZONE = zone
    for name in READERS:
        client = api_client_for(varied, name)
        for language in LANGUAGES:
            for query in ("page_size=3", "page_size=2&q=the", "status=in_progress"):
                url, seen = f"/api/v1/recommendations/?{query}", 0
                while url:
                    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
                    assert response.status_code == 200, response.content[:300]
                    body = response.json()
                    for row in body["results"]:
                        detail = client.get(f"/api/v1/recommendations/{row['id']}/", HTTP_ACCEPT_LANGUAGE=language)
                        # As JSON: 0 == False in Python, not in JSON.
                        assert json.dumps(row) == json.dumps(detail.json())
                        seen += 1
                    url = body["next"]
                expected = selectors.recommendations(access.Reader.of(getattr(varied, name)))
                if query == "page_size=3":
                    assert seen == expected.count()
                elif query == "status=in_progress":
                    assert seen >= (1 if name in ("secretariat", "mission") else 0)
