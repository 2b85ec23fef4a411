"""The read API: what each endpoint says, its filters (the list page's), cursor pages,
tokens, the schema and its documentation page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import QueryDict
from django.utils import timezone

from recommendations.api.services import create_api_token, revoke_api_token
from recommendations.api.views import ApiRecommendationFilterSet
from recommendations.curation.services import assign_owner, record_status_update
from recommendations.models import ApiToken, MandateParagraph, Recommendation, StatusUpdate
from tests import factories
from tests.api.conftest import api_client_for
from tests.web.conftest import INTERNAL_NOTE, SHARED_NOTE, client_for


def results(response) -> list[dict]:
    assert response.status_code == 200, (response.status_code, response.content[:500])
    return response.json()["results"]


def walk(client, url: str) -> list[dict]:
    """Every row of a cursor-paged list, following ``next``."""
    rows = []
    while url:
        body = client.get(url).json()
        rows += body["results"]
        url = body["next"]
    return rows


def test_a_recommendation_says_owners_links_status_uptake_due_date_and_lineage(world, api_as):
    rec = world.rec
    later = factories.make_recommendations(rec.briefing, 1)[0]
    Recommendation.objects.filter(pk=later.pk).update(previous=rec, relation_to_previous="repeats")
    body = api_as("secretariat").get(f"/api/v1/recommendations/{rec.pk}/").json()
    assert body["reference"] == rec.reference
    assert [o["name"] for o in body["owners"]] == ["MINUSMA"]
    states = {link["label"]: link["state"] for link in body["links"]}
    assert states[world.suggested_paragraph.label] == "suggested"
    assert set(states.values()) == {"confirmed", "suggested"} or set(states.values()) == {"suggested"}
    for link in body["links"]:
        assert link["confirmed"] is (link["state"] == "confirmed")
        assert isinstance(link["cited"], bool) and link["mandate"] == "S/RES/2640 (2022)"
    assert body["status"] == "in_progress"
    assert body["uptake"] == "pending" and body["uptake_paragraph"] is None
    assert body["due_on"] == rec.due_on.isoformat()
    assert body["addressee"] == rec.addressee
    repeat = api_as("secretariat").get(f"/api/v1/recommendations/{later.pk}/").json()
    assert (repeat["previous"], repeat["relation_to_previous"]) == (rec.pk, "repeats")


def test_mandates_carry_their_paragraphs_with_official_labels_in_both_languages(world, api_as):
    MandateParagraph.objects.filter(mandate=world.mandate, position=1).update(text_fr="Réaffirmant", official=True)
    [mandate] = [m for m in results(api_as("expert").get("/api/v1/mandates/")) if m["id"] == world.mandate.pk]
    assert mandate["symbol"] == "S/RES/2640 (2022)" and mandate["expires_on"] == "2023-06-30"
    paragraphs = mandate["paragraphs"]
    assert len(paragraphs) == world.mandate.paragraphs.count()
    assert paragraphs[0]["text_fr"] == "Réaffirmant" and paragraphs[0]["official"] is True
    assert {"label", "text", "text_fr", "official", "kind"} <= set(paragraphs[0])
    assert "OP 26 (a)(iii) dash 2" in [p["label"] for p in paragraphs] or any(
        p["label"].startswith("OP ") for p in paragraphs
    )


def test_an_expert_never_sees_an_internal_update_nor_the_status_it_set(world, api_as):
    record_status_update(
        recommendation=world.rec, author=world.mission, status="implemented", note="Internal: done, they say.",
        visibility=StatusUpdate.Visibility.INTERNAL,
    )
    for persona, status, notes in (
        ("expert", "in_progress", [SHARED_NOTE]),
        ("focalpoint", "in_progress", [SHARED_NOTE]),
        ("mission", "implemented", ["Internal: done, they say.", INTERNAL_NOTE, SHARED_NOTE]),
        ("secretariat", "implemented", ["Internal: done, they say.", INTERNAL_NOTE, SHARED_NOTE]),
    ):
        client = api_as(persona)
        assert client.get(f"/api/v1/recommendations/{world.rec.pk}/").json()["status"] == status, persona
        listed = {r["id"]: r["status"] for r in walk(client, "/api/v1/recommendations/")}
        assert listed[world.rec.pk] == status, persona
        updates = results(client.get(f"/api/v1/updates/?recommendation={world.rec.pk}"))
        assert [u["note"] for u in updates] == notes, persona
    assert results(api_as("expert").get("/api/v1/recommendations/?status=implemented")) == []


def test_the_renewal_calendar_lists_the_current_mandate_of_each_visible_situation(world, api_as):
    rows = api_as("expert").get("/api/v1/renewals/").json()
    assert [(r["situation"]["name"], r["symbol"], r["expires_on"], r["report_on"]) for r in rows] == [
        ("Mali", "S/RES/2640 (2022)", "2023-06-30", "2023-06-09"),
    ]
    assert rows[0]["terminated_by"] is None and rows[0]["clock_runs"] is True
    everything = api_as("secretariat").get("/api/v1/renewals/").json()
    assert [r["situation"]["name"] for r in everything] == ["Mali", "South Sudan"]


# --- filters: the list page's --------------------------------------------------------------------


def page_ids(world, persona: str, query: str) -> list[int]:
    response = client_for(world, persona).get(f"/recommendations/?{query}")
    return sorted(rec.pk for rec in response.context["page"].object_list)


@pytest.mark.parametrize("persona", ["secretariat", "focalpoint", "expert"])
def test_every_filter_of_the_list_page_gives_the_same_recommendations(world, persona):
    Recommendation.objects.filter(pk__in=[r.pk for r in world.recommendations[5:8]]).update(
        created_at=timezone.now() - dt.timedelta(days=100)
    )
    theme = world.rec.themes.first() or world.recommendations[0].themes.first()
    queries = [
        "", f"situation={world.mali.pk}", f"owner={world.minusma.pk}", f"owner={world.un_women.pk}",
        "status=in_progress", "status=not_started", "uptake=pending", "addressee=security_council",
        f"paragraph={world.suggested_paragraph.pk}", "stale=on", "stale=true", "overdue=on", "q=quota+Malian",
        f"situation={world.mali.pk}&status=not_started&q=the",
    ]
    if theme is not None:
        queries.append(f"theme={theme.pk}")
    client = api_client_for(world, persona)
    for query in queries:
        api = sorted(r["id"] for r in walk(client, f"/api/v1/recommendations/?{query}"))
        assert api == page_ids(world, persona, query), (persona, query)


def test_a_filter_on_a_situation_one_may_not_see_is_a_400_not_a_leak(world, api_as):
    response = api_as("expert").get(f"/api/v1/recommendations/?situation={world.south_sudan.pk}")
    assert response.status_code == 400
    assert response.json() == {
        "situation": ["Select a valid choice. That choice is not one of the available choices."]
    }
    assert api_as("expert").get("/api/v1/recommendations/?status=done").status_code == 400


def test_cursor_pages_walk_every_row_once_in_order_of_reference(world, api_as):
    factories.make_recommendations(world.rec.briefing, 20)
    client = api_as("secretariat")
    first = client.get("/api/v1/recommendations/?page_size=7").json()
    assert len(first["results"]) == 7 and first["previous"] is None and "cursor=" in first["next"]
    rows = walk(client, "/api/v1/recommendations/?page_size=7")
    references = [r["reference"] for r in rows]
    assert references == sorted(references) and len(set(references)) == Recommendation.objects.count() == 34
    assert client.get("/api/v1/recommendations/?cursor=nonsense").status_code == 404


# --- tokens ------------------------------------------------------------------------------------


def test_a_token_is_stored_hashed_records_its_last_use_and_stops_working_once_revoked(world):
    token, key = create_api_token(user=world.expert, name="Mission dashboard")
    assert key.startswith("wps_") and len(key) > 40
    row = ApiToken.objects.get(pk=token.pk)
    assert key not in (row.key_sha256, row.prefix) and len(row.key_sha256) == 64 and key.startswith(row.prefix)
    assert row.last_used_at is None
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/situations/").status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/situations/").status_code == 200
    assert revoke_api_token(user=world.mission, token_id=token.pk) is False  # not theirs
    assert revoke_api_token(user=world.expert, token_id=token.pk) is True
    response = client.get("/api/v1/situations/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    client.credentials(HTTP_AUTHORIZATION="Bearer wps_not-a-token")
    assert client.get("/api/v1/situations/").status_code == 401
    world.expert.is_active = False
    world.expert.save()
    _, key = create_api_token(user=world.expert, name="again")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/situations/").status_code == 401


def test_the_api_is_read_only(world, api_as):
    client = api_as("secretariat")
    url = f"/api/v1/recommendations/{world.rec.pk}/"
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(url, {"status": "implemented"}, format="json").status_code == 405
    assert client.post("/api/v1/recommendations/", {}, format="json").status_code == 405
    assert StatusUpdate.objects.filter(recommendation=world.rec).count() == 2


def test_a_signed_in_session_reads_the_api_and_its_browsable_pages(world):
    client = client_for(world, "expert")
    assert client.get("/api/v1/situations/", HTTP_ACCEPT="application/json").json()["results"][0]["name"] == "Mali"
    html = client.get("/api/v1/recommendations/", HTTP_ACCEPT="text/html")
    assert html.status_code == 200 and b"MLI-2023-03-R01" in html.content


# --- schema and documentation ------------------------------------------------------------------


def test_the_schema_is_openapi_3_with_stable_status_codes(world, api_as):
    schema = api_as("expert").get("/api/v1/schema/?format=json").json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in ("/api/v1/recommendations/", "/api/v1/recommendations/{id}/", "/api/v1/situations/",
                 "/api/v1/mandates/", "/api/v1/briefings/", "/api/v1/updates/", "/api/v1/renewals/"):
        assert set(paths[path]) == {"get"}, path
    statuses = schema["components"]["schemas"]["ImplementationStatusEnum"]["enum"]
    assert statuses == ["not_started", "in_progress", "partial", "implemented", "not_implemented", "superseded"]
    params = {p["name"] for p in paths["/api/v1/recommendations/"]["get"]["parameters"]}
    assert params == {"cursor", "page_size", "q", "situation", "status", "uptake", "addressee", "theme", "owner",
                      "paragraph", "stale", "overdue", "unowned"}
    assert client_for(world, "anonymous").get("/api/v1/schema/").status_code == 401


def test_the_documentation_page_is_served_from_our_own_static_files(world):
    response = client_for(world, "expert").get("/api/v1/docs/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js" in body
    assert "https://" not in body.replace("https://github.com", "")
    assert client_for(world, "anonymous").get("/api/v1/docs/").status_code == 302


def test_a_focal_point_reads_the_internal_updates_of_what_their_entity_owns(world, api_as):
    assign_owner(recommendation=world.rec, entity=world.un_women, assigned_by=world.secretariat)
    notes = [u["note"] for u in results(api_as("focalpoint").get(f"/api/v1/updates/?recommendation={world.rec.pk}"))]
    assert notes == [INTERNAL_NOTE, SHARED_NOTE]


def test_a_path_the_api_does_not_have_is_a_json_404(world, api_as):
    for url in ("/api/v1/recommendations/0.5/", "/api/v1/nothing/"):
        response = api_as("expert").get(url)
        assert response.status_code == 404 and response.json() == {"detail": "No such page in the API."}, url


def test_bad_filters_each_say_what_is_wrong_in_the_filters_order(world, api_as):
    """The list validates only the filters its query names (RecommendationViewSet.list), with
    the same messages, in the filter set's order, as the whole filter form gives them."""
    query = f"owner=99999&uptake=zz&status=bogus&situation=abc&q={'x' * 201}&stale=on&theme=99999"
    for persona in ("secretariat", "focalpoint", "expert"):
        response = api_as(persona).get(f"/api/v1/recommendations/?{query}")
        assert response.status_code == 400
        whole = ApiRecommendationFilterSet(QueryDict(query), user=getattr(world, persona))
        assert not whole.is_valid()
        assert list(response.json().items()) == [(name, list(errors)) for name, errors in whole.errors.items()]
        assert list(response.json()) == ["q", "situation", "status", "uptake", "theme", "owner"]
