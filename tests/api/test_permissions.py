"""The API reads with the pages' read policy, persona by persona: the same recommendations
with the same shown statuses as the list page, the same answer (200 or 404) and the same
updates as the detail page, and 401 without credentials. The personas and ``rec`` are those
of tests/web/test_permissions.py (MINUSMA owns rec; its newest update is internal)."""

from __future__ import annotations

import pytest

from recommendations.curation.services import record_status_update
from recommendations.models import StatusUpdate
from tests.api.conftest import api_client_for
from tests.web.conftest import PERSONAS, client_for

# endpoint -> API status per persona (PERSONAS order: secretariat, focalpoint, mission, expert,
# ssd_expert, nobody, anonymous). Lists answer 200 to everyone signed in (empty for nobody).
API_MATRIX = {
    "recommendations": (200, 200, 200, 200, 200, 200, 401),
    "detail":          (200, 200, 200, 200, 404, 404, 401),
    "detail_ssd":      (200, 404, 404, 404, 200, 404, 401),
    "detail_absent":   (404, 404, 404, 404, 404, 404, 401),
    "mandate":         (200, 200, 200, 200, 404, 404, 401),
    "mandate_ssd":     (200, 404, 404, 404, 200, 404, 401),
    "updates":         (200, 200, 200, 200, 200, 200, 401),
    "situations":      (200, 200, 200, 200, 200, 200, 401),
    "renewals":        (200, 200, 200, 200, 200, 200, 401),
    "schema":          (200, 200, 200, 200, 200, 200, 401),
}
# The page that answers for the same object, where there is one.
PAGE_OF = {
    "detail": "/recommendations/{rec}/", "detail_ssd": "/recommendations/{ssd_rec}/",
    "detail_absent": "/recommendations/999999/", "mandate": "/mandates/{mandate}/",
    "mandate_ssd": "/mandates/{ssd_mandate}/",
}


def ids(world) -> dict:
    return {
        "rec": world.rec.pk, "ssd_rec": world.south_sudan.recommendations.first().pk,
        "mandate": world.mandate.pk, "ssd_mandate": world.ssd_mandate.pk,
    }


def api_url(world, endpoint: str) -> str:
    return {
        "recommendations": "/api/v1/recommendations/",
        "detail": "/api/v1/recommendations/{rec}/",
        "detail_ssd": "/api/v1/recommendations/{ssd_rec}/",
        "detail_absent": "/api/v1/recommendations/999999/",
        "mandate": "/api/v1/mandates/{mandate}/",
        "mandate_ssd": "/api/v1/mandates/{ssd_mandate}/",
        "updates": "/api/v1/updates/",
        "situations": "/api/v1/situations/",
        "renewals": "/api/v1/renewals/",
        "schema": "/api/v1/schema/",
    }[endpoint].format(**ids(world))


@pytest.mark.parametrize(
    "endpoint,persona,expected",
    [(endpoint, PERSONAS[i], row[i]) for endpoint, row in API_MATRIX.items() for i in range(len(PERSONAS))],
)
def test_api_matrix(world, endpoint, persona, expected):
    response = api_client_for(world, persona).get(api_url(world, endpoint))
    assert response.status_code == expected
    if endpoint in PAGE_OF and persona != "anonymous":
        page = client_for(world, persona).get(PAGE_OF[endpoint].format(**ids(world)))
        assert page.status_code == expected, "the page and the API disagree"


def all_rows(client, url: str) -> list[dict]:
    rows = []
    while url:
        body = client.get(url).json()
        rows += body["results"]
        url = body["next"]
    return rows


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_each_persona_reads_through_the_api_what_the_pages_show(world, persona):
    # The internal update now sets a status of its own, which only its readers may see.
    record_status_update(
        recommendation=world.rec, author=world.mission, status="implemented", note="Internal: reported done.",
        visibility=StatusUpdate.Visibility.INTERNAL,
    )
    api, web = api_client_for(world, persona), client_for(world, persona)

    listed = web.get("/recommendations/").context["page"].object_list
    shown_on_page = {rec.pk: rec.shown_status for rec in listed}
    shown_in_api = {row["id"]: row["status"] for row in all_rows(api, "/api/v1/recommendations/")}
    assert shown_in_api == shown_on_page

    for rec_id, status in shown_on_page.items():
        detail = web.get(f"/recommendations/{rec_id}/").context["detail"]
        assert detail.status == status
        assert api.get(f"/api/v1/recommendations/{rec_id}/").json()["status"] == status
        api_updates = [u["id"] for u in all_rows(api, f"/api/v1/updates/?recommendation={rec_id}")]
        assert api_updates == [u.pk for u in detail.updates], rec_id

    every_update = {u["id"] for u in all_rows(api, "/api/v1/updates/")}
    on_pages = {u.pk for rec_id in shown_on_page for u in web.get(f"/recommendations/{rec_id}/").context["detail"].updates}
    assert every_update == on_pages
    expected_status = "implemented" if persona in ("secretariat", "mission") else "in_progress"
    if world.rec.pk in shown_in_api:
        assert shown_in_api[world.rec.pk] == expected_status
