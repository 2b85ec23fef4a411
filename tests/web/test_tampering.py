"""Tampered requests: another entity's recommendation, ids changed in a form, values the
user may not choose. Each answers with a refusal or a form error, and nothing is saved."""

from __future__ import annotations

import pytest

from recommendations.models import StatusUpdate
from tests.web.conftest import renewal_paragraph, snapshot


def other_entity_rec(world, entity):
    return entity.recommendations.order_by("position").first()


def test_focal_point_cannot_update_another_entitys_recommendation(world, as_user):
    """mission (MINUSMA) may see UN Women's recommendation (same situation) but not update it."""
    rec = other_entity_rec(world, world.un_women)
    assert not rec.owners.filter(pk=world.minusma.pk).exists()
    before = snapshot(rec)
    response = as_user("mission").post(f"/recommendations/{rec.pk}/updates/", {
        "update-status": "implemented", "update-note": "Not ours.", "update-visibility": "shared",
    })
    assert response.status_code == 403
    assert snapshot(rec) == before


def test_update_form_is_offered_only_to_owners(world, as_user):
    rec = other_entity_rec(world, world.un_women)
    assert "Record a status update" not in as_user("mission").get(f"/recommendations/{rec.pk}/").content.decode()
    assert "Record a status update" in as_user("focalpoint").get(f"/recommendations/{rec.pk}/").content.decode()


def test_changing_the_recommendation_id_to_another_situation_answers_404(world, as_user):
    ssd_rec = world.south_sudan.recommendations.first()
    before = snapshot(ssd_rec)
    response = as_user("mission").post(f"/recommendations/{ssd_rec.pk}/updates/", {
        "update-status": "implemented", "update-note": "x", "update-visibility": "shared",
    })
    assert response.status_code == 404
    assert snapshot(ssd_rec) == before


@pytest.mark.parametrize("visibility", ["public", "", "INTERNAL", "shared ", "council"])
def test_unknown_visibility_is_a_form_error(world, as_user, visibility):
    before = snapshot(world.rec)
    response = as_user("mission").post(f"/recommendations/{world.rec.pk}/updates/", {
        "update-status": "implemented", "update-note": "Kept as typed <b>here</b>", "update-visibility": visibility,
    })
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'href="#id_update-visibility_0"' in body
    assert "Who may read this update:" in body
    # The field is kept as the user typed it, escaped.
    assert "Kept as typed &lt;b&gt;here&lt;/b&gt;" in body
    assert snapshot(world.rec) == before


def test_unknown_status_is_a_form_error(world, as_user):
    before = snapshot(world.rec)
    response = as_user("secretariat").post(f"/recommendations/{world.rec.pk}/updates/", {
        "update-status": "done", "update-visibility": "internal",
    })
    assert response.status_code == 400
    assert "Select a valid choice. done is not one of the available choices." in response.content.decode()
    assert snapshot(world.rec) == before


def test_bad_evidence_is_a_form_error_naming_it(world, as_user):
    before = snapshot(world.rec)
    response = as_user("mission").post(f"/recommendations/{world.rec.pk}/updates/", {
        "update-status": "partial", "update-note": "With evidence.",
        "update-evidence": "S/2022/595\njavascript:alert(1)", "update-visibility": "shared",
    })
    assert response.status_code == 400
    body = response.content.decode()
    assert "“javascript:alert(1)” is neither a UN document symbol (such as S/2022/595) nor a web link." in body
    assert snapshot(world.rec) == before


def test_good_evidence_is_saved_and_linked(world, as_user):
    response = as_user("mission").post(f"/recommendations/{world.rec.pk}/updates/", {
        "update-status": "partial", "update-note": "With evidence.",
        "update-evidence": "S/2022/595\nhttps://example.org/report", "update-visibility": "shared",
    })
    assert response.status_code == 302
    update = StatusUpdate.objects.filter(recommendation=world.rec).first()
    assert (update.status, update.evidence, update.visibility) == ("partial", ["S/2022/595", "https://example.org/report"], "shared")
    assert update.on_behalf_of == world.minusma
    body = as_user("expert").get(f"/recommendations/{world.rec.pk}/").content.decode()
    assert '<a href="https://undocs.org/en/S/2022/595" rel="noopener noreferrer">S/2022/595</a>' in body
    assert '<a href="https://example.org/report" rel="noopener noreferrer">https://example.org/report</a>' in body


@pytest.mark.parametrize("action,data,message", [
    ("owners/remove", lambda w: {"remove-entity": w.un_women.pk}, "Select a valid choice."),
    ("owners/add", lambda w: {"assign-entity": 999999}, "Select a valid choice."),
    ("paragraphs/link", lambda w: {"link-paragraph": w.ssd_mandate.paragraphs.first().pk}, "Select a valid choice."),
    ("paragraphs/confirm", lambda w: {"confirm-paragraph": w.free_paragraph.pk}, "Select a valid choice."),
    ("paragraphs/unlink", lambda w: {"unlink-paragraph": "abc"}, "Select a valid choice."),
    ("uptake", lambda w: {"uptake-uptake": "reflected", "uptake-paragraph": w.ssd_mandate.paragraphs.first().pk},
     "Select a valid choice."),
    ("uptake", lambda w: {"uptake-uptake": "reflected"}, "Say which paragraph of the new resolution reflects it."),
    ("uptake", lambda w: {"uptake-uptake": "reflected", "uptake-paragraph": w.free_paragraph.pk},
     "is not a paragraph of the resolution that renews S/RES/2640 (2022): choose a paragraph of the renewing resolution."),
    ("uptake", lambda w: {"uptake-uptake": "adopted"}, "Select a valid choice. adopted is not one of the available choices."),
    ("due-date", lambda w: {"due-due_on": "31/02/2023"}, "Enter a valid date."),
])
def test_changed_ids_and_values_in_secretariat_forms(world, as_user, action, data, message):
    """An id from another situation, of an entity that is not an owner, of a paragraph not
    linked, or a value not offered: a form error, and nothing changes."""
    before = snapshot(world.rec)
    response = as_user("secretariat").post(f"/recommendations/{world.rec.pk}/{action}/", data(world))
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert snapshot(world.rec) == before


def test_secretariat_controls_do_what_they_say(world, as_user):
    client = as_user("secretariat")
    url = f"/recommendations/{world.rec.pk}"
    assert client.post(f"{url}/owners/add/", {"assign-entity": world.un_women.pk}).status_code == 302
    assert client.post(f"{url}/owners/remove/", {"remove-entity": world.minusma.pk, "confirmed": "yes"}).status_code == 302
    assert client.post(f"{url}/paragraphs/confirm/", {"confirm-paragraph": world.suggested_paragraph.pk}).status_code == 302
    assert client.post(f"{url}/paragraphs/link/", {"link-paragraph": world.free_paragraph.pk}).status_code == 302
    assert client.post(f"{url}/due-date/", {"due-due_on": "2023-05-15"}).status_code == 302
    assert client.post(f"{url}/uptake/", {
        "uptake-uptake": "partly_reflected", "uptake-paragraph": renewal_paragraph(world).pk,
    }).status_code == 302
    after = snapshot(world.rec)
    assert after.owners == [world.un_women.pk]
    assert (world.suggested_paragraph.pk, True) in after.links
    assert (world.free_paragraph.pk, True) in after.links
    assert str(after.due_on) == "2023-05-15"
    assert after.uptake == ("partly_reflected", renewal_paragraph(world).pk)
    # The permissions followed the owners: UN Women's focal point may update it now; MINUSMA
    # owned nothing else in Mali, so its focal point no longer sees Mali at all.
    assert world.minusma.recommendations.count() == 0
    assert as_user("mission").post(f"{url}/updates/", {
        "update-status": "partial", "update-note": "n", "update-visibility": "shared"}).status_code == 404
    assert as_user("focalpoint").post(f"{url}/updates/", {
        "update-status": "partial", "update-note": "n", "update-visibility": "shared"}).status_code == 302
    # Each write says what it did, once, on the next page.
    page = client.get(f"{url}/").content.decode()
    assert "Due date set to 15 May 2023." in page
    assert "Council uptake set to partly reflected." in page
    assert "Due date set" not in client.get(f"{url}/").content.decode()
    assert client.post(f"{url}/paragraphs/unlink/", {"unlink-paragraph": world.free_paragraph.pk, "confirmed": "yes"}).status_code == 302
    assert (world.free_paragraph.pk, True) not in snapshot(world.rec).links


def test_secretariat_records_on_an_owners_behalf_and_only_an_owners(world, as_user):
    client = as_user("secretariat")
    url = f"/recommendations/{world.rec.pk}/updates/"
    before = snapshot(world.rec)
    response = client.post(url, {
        "update-status": "partial", "update-note": "n", "update-visibility": "shared", "update-on_behalf_of": world.un_women.pk,
    })
    assert response.status_code == 400
    assert "On behalf of: Select a valid choice." in response.content.decode()
    assert snapshot(world.rec) == before
    response = client.post(url, {
        "update-status": "partial", "update-note": "n", "update-visibility": "shared", "update-on_behalf_of": world.minusma.pk,
    })
    assert response.status_code == 302
    update = StatusUpdate.objects.filter(recommendation=world.rec).first()
    assert (update.author, update.on_behalf_of) == (world.secretariat, world.minusma)
    # A focal point's form has no such field: their own entity is recorded.
    assert "update-on_behalf_of" not in as_user("mission").get(f"/recommendations/{world.rec.pk}/").content.decode()
