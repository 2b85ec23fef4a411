"""RecommendationSerializer's written-out to_representation (issue 14) gives what DRF's
generic walk through the same fields gives, for every persona's recommendations, in two
time zones and both languages."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation
from rest_framework import serializers

from recommendations import access
from recommendations.api import selectors
from recommendations.api.serializers import RecommendationSerializer
from recommendations.models import ParagraphLink, Recommendation
from tests.web.conftest import renewal_paragraph

pytestmark = pytest.mark.django_db


def test_written_out_is_drfs_walk(world):
    some = list(Recommendation.objects.order_by("pk")[:4])
    # Every kind of value: an uptake paragraph, a previous one, a due date, no due date.
    some[0].uptake_paragraph = renewal_paragraph(world)
    some[0].uptake = "reflected"
    some[0].save()
    some[1].previous = some[2]
    some[1].relation_to_previous = Recommendation.Relation.REPEATS
    some[1].due_on = None
    some[1].save()
    assert ParagraphLink.objects.exists()
    checked = 0
    for user in (world.secretariat, world.focalpoint, world.expert):
        recs = list(selectors.recommendations(access.Reader.of(user)).order_by("pk"))
        assert recs
        for zone in ("UTC", "Asia/Tokyo"):
            for language in ("en", "fr"):
                with timezone.override(zone), translation.override(language):
                    serializer = RecommendationSerializer(recs, many=True).child
                    for rec in recs:
                        generic = serializers.ModelSerializer.to_representation(serializer, rec)
                        written = serializer.to_representation(rec)
                        assert list(written.items()) == list(generic.items())
                        checked += 1
    assert checked > 20
