"""The list by last update, newest first, gives each reader their rows in the order of the time
each row shows them (the stored one where they read its internal updates, else the shared one),
ties by reference, undated last, page after page; for a focal point it is read as a merge of
those two kinds of rows (curation.selectors.MergedRows, issue 14), which must change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from recommendations import access
from recommendations.curation import selectors
from recommendations.models import Recommendation
from recommendations.web.forms import RecommendationListFilter
from recommendations.web.views import LIST_PAGE_SIZE
from tests import factories

T0 = timezone.make_aware(dt.datetime(2023, 1, 2, 9, 0))


def _dated(world) -> None:
    """Mali grows to 12 + 118 recommendations owned by MINUSMA, UN Women, both or no one, with
    stored and shared readings that differ, many equal (ties) and some undated."""
    recs = factories.make_recommendations(world.rec.briefing, 40, owners=[world.minusma])
    recs += factories.make_recommendations(world.rec.briefing, 40, owners=[world.un_women])
    recs += factories.make_recommendations(world.rec.briefing, 20, owners=[world.minusma, world.un_women])
    recs += factories.make_recommendations(world.rec.briefing, 18)
    for i, rec in enumerate(Recommendation.objects.filter(situation=world.mali).order_by("pk")):
        stored = None if i % 11 == 0 else T0 + dt.timedelta(days=i % 7)  # a week of days: ties
        shared = None if i % 3 == 0 or stored is None else stored - dt.timedelta(days=i % 2)
        Recommendation.objects.filter(pk=rec.pk).update(
            last_update_at=stored, shared_update_at=shared,
            status="in_progress" if i % 4 else "partial", shared_status="in_progress" if i % 5 else "not_started",
        )


def _expected(user, *, status: str | None = None) -> list[str]:
    """The references in the order the rule says, computed row by row in Python."""
    reader = access.Reader.of(user)
    rows = []
    for rec in reader.recommendations():
        inside = reader.reads_internal(rec)
        shown_status = rec.status if inside else rec.shared_status
        shown_at = rec.last_update_at if inside else rec.shared_update_at
        if status is None or shown_status == status:
            rows.append((shown_at is None, -(shown_at.timestamp()) if shown_at else 0, rec.reference))
    return [reference for *_, reference in sorted(rows)]


def _listed(client, query: str) -> list[str]:
    """Every page of the list, in order: the references shown."""
    references, page = [], 1
    while True:
        response = client.get(f"/recommendations/?{query}&page={page}")
        assert response.status_code == 200
        references += [rec.reference for rec in response.context["page"].object_list]
        if not response.context["page"].has_next():
            return references
        page += 1


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["mission", "focalpoint", "expert", "secretariat"])
@pytest.mark.parametrize("status", [None, "in_progress"])
def test_the_list_by_last_update_is_in_the_order_each_reader_is_shown(world, reader, status):
    _dated(world)
    user = getattr(world, reader)
    client = Client()
    client.force_login(user)
    query = "sort=-updated" + (f"&status={status}" if status else "")
    expected = _expected(user, status=status)
    assert len(expected) > LIST_PAGE_SIZE  # two pages at least, the last one short
    assert _listed(client, query) == expected


@pytest.mark.django_db
def test_a_focal_points_list_by_last_update_is_read_as_a_merge(world):
    """The same rows, page by page, as the plain sorted queryset, for any page size and offset
    (the first page, one inside, the last, past the end), with any filter."""
    _dated(world)
    for data in ({"sort": "-updated"}, {"sort": "-updated", "status": "in_progress"}, {"sort": "-updated", "stale": "on"}):
        filterset = RecommendationListFilter(data, user=world.mission)
        recs = filterset.qs
        rows = selectors.merged_rows(recs, parts=filterset.branches(), sort=filterset.sort_key)
        assert isinstance(rows, selectors.MergedRows)
        everything = list(recs)
        assert rows.count() == len(everything)
        for start, stop in [(0, 1), (0, 50), (3, 17), (50, 100), (len(everything) - 5, len(everything) + 10), (500, 550)]:
            assert [r.pk for r in rows[start:stop]] == [r.pk for r in everything[start:stop]], (data, start, stop)


@pytest.mark.django_db
def test_only_a_split_reader_and_the_merged_sorts_are_read_as_a_merge(world):
    for user, data, merged in [
        (world.mission, {"sort": "-updated"}, True),
        (world.mission, {"sort": "updated"}, False),
        (world.mission, {}, False),
        (world.secretariat, {"sort": "-updated"}, False),
    ]:
        filterset = RecommendationListFilter(data, user=user)
        rows = selectors.merged_rows(filterset.qs, parts=filterset.branches(), sort=filterset.sort_key)
        assert isinstance(rows, selectors.MergedRows) is merged, (user, data)
