"""The number of queries of each page does not grow with the data: the same at 12 and at 300
recommendations (and with 3 or 30 updates on the recommendation shown), for each kind of
reader. On failure the queries of both runs are printed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from recommendations.curation.services import record_status_update
from recommendations.models import StatusUpdate
from tests import factories

READERS = ("secretariat", "focalpoint", "expert")


def page_urls(world) -> dict[str, str]:
    return {
        "dashboard": "/",
        "list": "/recommendations/",
        "list filtered": f"/recommendations/?situation={world.mali.pk}&status=not_started&sort=-due&q=the",
        "list page 2 or last": "/recommendations/?page=2",
        "csv": f"/recommendations/export.csv?situation={world.mali.pk}",
        "detail": f"/recommendations/{world.rec.pk}/",
        "mandate": f"/mandates/{world.mandate.pk}/",
    }


def measure(world) -> dict[tuple[str, str], list[str]]:
    """The SQL of every page for every reader."""
    found = {}
    for reader in READERS:
        client = Client()
        client.force_login(getattr(world, reader))
        # Warm the per-process caches (content types) outside the measure.
        for url in page_urls(world).values():
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        for page, url in page_urls(world).items():
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
                if response.streaming:
                    b"".join(response.streaming_content)
            assert response.status_code == 200, (reader, page, response.status_code)
            found[(reader, page)] = [q["sql"] for q in ctx.captured_queries]
    return found


def grow(world, *, to: int) -> None:
    """Mali grows to ``to`` recommendations (owned by UN Women, each linked to a paragraph),
    and the recommendation shown gets 27 more updates, shared and internal."""
    briefing = world.rec.briefing
    extra = to - briefing.recommendations.count()
    factories.make_recommendations(briefing, extra, owners=[world.un_women])
    for i in range(27):
        record_status_update(
            recommendation=world.rec, author=world.mission, status="in_progress", note=f"Update {i}",
            visibility=StatusUpdate.Visibility.SHARED if i % 2 else StatusUpdate.Visibility.INTERNAL,
        )
    assert world.mali.recommendations.count() == to


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_the_data(world):
    assert world.mali.recommendations.count() == 12
    small = measure(world)
    grow(world, to=300)
    large = measure(world)
    problems = []
    for key, queries in small.items():
        if len(queries) != len(large[key]):
            problems.append(
                f"{key}: {len(queries)} queries at 12, {len(large[key])} at 300\n  at 12:\n    "
                + "\n    ".join(queries) + "\n  at 300:\n    " + "\n    ".join(large[key])
            )
    assert not problems, "\n\n".join(problems)
    # Print the figures for the report (pytest -s shows them).
    for (reader, page), queries in sorted(small.items()):
        print(f"{reader:12} {page:20} {len(queries)} queries")
