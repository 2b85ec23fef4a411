"""The permission matrix: every page and every write, for each persona, with the status it
must answer; on the pages that show updates, whether the internal note is there.

Personas (tests/conftest.py): secretariat; focalpoint (UN Women) and mission (MINUSMA),
focal points; expert (follows Mali); ssd_expert (follows South Sudan only); nobody
(signed in, no role); anonymous. ``rec`` is a Mali recommendation MINUSMA owns and UN Women
does not; its newest update is internal, the one before is shared.

A page of an object the persona may not see answers 404, as a missing one would; a write
they may not make on an object they may see answers 403; anonymous people are sent to sign
in. Neither changes anything.
"""

from __future__ import annotations

import pytest

from tests.web.conftest import (
    INTERNAL_NOTE,
    PERSONAS,
    SHARED_NOTE,
    client_for,
    renewal_paragraph,
    snapshot,
)

P = PERSONAS  # secretariat, focalpoint, mission, expert, ssd_expert, nobody, anonymous
LOGIN = "login"


def body_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


# page -> status per persona, in the order of PERSONAS.
GET_MATRIX = {
    "dashboard":     (200, 200, 200, 200, 200, 200, LOGIN),
    "list":          (200, 200, 200, 200, 200, 200, LOGIN),
    "list_csv":      (200, 200, 200, 200, 200, 200, LOGIN),
    "export_csv":    (200, 200, 200, 200, 200, 200, LOGIN),
    "detail":        (200, 200, 200, 200, 404, 404, LOGIN),
    "detail_ssd":    (200, 404, 404, 404, 200, 404, LOGIN),
    "detail_absent": (404, 404, 404, 404, 404, 404, LOGIN),
    "mandate":       (200, 200, 200, 200, 404, 404, LOGIN),
    "mandate_ssd":   (200, 404, 404, 404, 200, 404, LOGIN),
    "import":        (200, 403, 403, 403, 403, 403, LOGIN),
}

# Where the internal note's text may appear: True = shown, False = absent. Only for the
# personas that get a 200. The CSV's "latest note" is the latest one the persona may read
# (access.Reader): the internal one for the secretariat and the owning entity's focal point
# (as on the page, beside the status it set), the latest shared note for everyone else.
INTERNAL_SHOWN = {
    "detail":     (True, False, True, False, None, None, None),
    "list_csv":   (True, False, True, False, False, False, None),
    "export_csv": (True, False, True, False, False, False, None),
}
SHARED_SHOWN = {
    "detail":     (True, True, True, True, None, None, None),
    "list_csv":   (False, True, False, True, False, False, None),
    "export_csv": (False, True, False, True, False, False, None),
}


def get_url(world, page: str) -> str:
    ssd_rec = world.south_sudan.recommendations.first()
    return {
        "dashboard": "/",
        "list": "/recommendations/",
        "list_csv": "/recommendations/?format=csv",
        "export_csv": "/recommendations/export.csv",
        "detail": f"/recommendations/{world.rec.pk}/",
        "detail_ssd": f"/recommendations/{ssd_rec.pk}/",
        "detail_absent": "/recommendations/999999/",
        "mandate": f"/mandates/{world.mandate.pk}/",
        "mandate_ssd": f"/mandates/{world.ssd_mandate.pk}/",
        "import": "/import/",
    }[page]


def assert_status(response, expected) -> None:
    if expected == LOGIN:
        assert response.status_code == 302, response.status_code
        assert response["Location"].startswith("/accounts/login/?next="), response["Location"]
    else:
        assert response.status_code == expected, (response.status_code, expected)


@pytest.mark.parametrize(
    "page,persona,expected",
    [(page, P[i], row[i]) for page, row in GET_MATRIX.items() for i in range(len(P))],
)
def test_get(world, page, persona, expected):
    response = client_for(world, persona).get(get_url(world, page))
    assert_status(response, expected)
    if expected != 200:
        return
    body = body_of(response)
    i = P.index(persona)
    if page in INTERNAL_SHOWN:
        assert (INTERNAL_NOTE in body) is INTERNAL_SHOWN[page][i], f"internal note on {page} for {persona}"
        assert (SHARED_NOTE in body) is SHARED_SHOWN[page][i], f"shared note on {page} for {persona}"
    else:
        # No other page shows notes at all.
        assert INTERNAL_NOTE not in body


# action -> status per persona for POST. 302 = done (redirect back to the page).
POST_MATRIX = {
    "record_update":    (302, 403, 302, 403, 404, 404, LOGIN),
    "assign_owner":     (302, 403, 403, 403, 404, 404, LOGIN),
    "remove_owner":     (302, 403, 403, 403, 404, 404, LOGIN),
    "link_paragraph":   (302, 403, 403, 403, 404, 404, LOGIN),
    "unlink_paragraph": (302, 403, 403, 403, 404, 404, LOGIN),
    "confirm_link":     (302, 403, 403, 403, 404, 404, LOGIN),
    "set_due_date":     (302, 403, 403, 403, 404, 404, LOGIN),
    "set_uptake":       (302, 403, 403, 403, 404, 404, LOGIN),
    "record_update_absent": (404, 404, 404, 404, 404, 404, LOGIN),
}


def post_request(world, action: str) -> tuple[str, dict]:
    pk = world.rec.pk
    return {
        "record_update": (f"/recommendations/{pk}/updates/", {
            "update-status": "partial", "update-note": "Posted by the matrix.", "update-evidence": "S/2022/595",
            "update-visibility": "shared",
        }),
        "record_update_absent": ("/recommendations/999999/updates/", {
            "update-status": "partial", "update-note": "x", "update-visibility": "shared",
        }),
        "assign_owner": (f"/recommendations/{pk}/owners/add/", {"assign-entity": world.un_women.pk}),
        "remove_owner": (f"/recommendations/{pk}/owners/remove/", {"remove-entity": world.minusma.pk, "confirmed": "yes"}),
        "link_paragraph": (f"/recommendations/{pk}/paragraphs/link/", {"link-paragraph": world.free_paragraph.pk}),
        "unlink_paragraph": (
            f"/recommendations/{pk}/paragraphs/unlink/",
            {"unlink-paragraph": world.suggested_paragraph.pk, "confirmed": "yes"},
        ),
        "confirm_link": (f"/recommendations/{pk}/paragraphs/confirm/", {"confirm-paragraph": world.suggested_paragraph.pk}),
        "set_due_date": (f"/recommendations/{pk}/due-date/", {"due-due_on": "2023-05-15"}),
        "set_uptake": (f"/recommendations/{pk}/uptake/", {
            "uptake-uptake": "reflected", "uptake-paragraph": renewal_paragraph(world).pk,
        }),
    }[action]


@pytest.mark.parametrize(
    "action,persona,expected",
    [(action, P[i], row[i]) for action, row in POST_MATRIX.items() for i in range(len(P))],
)
def test_post(world, action, persona, expected):
    url, data = post_request(world, action)
    before = snapshot(world.rec)
    response = client_for(world, persona).post(url, data)
    assert_status(response, expected)
    after = snapshot(world.rec)
    if expected == 302:
        assert response["Location"] == f"/recommendations/{world.rec.pk}/"
        assert after != before, "a successful write changed nothing"
    else:
        assert after == before, "a refused write changed something"


IMPORT_POST = (200, 403, 403, 403, 403, 403, LOGIN)


@pytest.mark.parametrize("persona,expected", list(zip(P, IMPORT_POST)))
def test_post_import_preview(world, persona, expected):
    """Only the secretariat may upload a note; the preview saves nothing (here: the demo's
    own note, already imported, so the preview says so)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from recommendations.demo import SAMPLE_NOTE
    from recommendations.models import Briefing

    upload = SimpleUploadedFile("note.txt", SAMPLE_NOTE.read_bytes(), content_type="text/plain")
    response = client_for(world, persona).post("/import/", {"note": upload})
    assert_status(response, expected)
    assert Briefing.objects.count() == 2  # Mali's and South Sudan's, as before
    if expected == 200:
        assert "This note was already imported" in body_of(response) or "Already imported" in body_of(response)


@pytest.mark.parametrize("persona", ["secretariat", "focalpoint", "mission", "expert", "nobody"])
def test_get_on_write_urls_is_not_allowed(world, persona):
    """The write URLs take POST only; a GET changes nothing."""
    before = snapshot(world.rec)
    response = client_for(world, persona).get(f"/recommendations/{world.rec.pk}/updates/")
    assert response.status_code == 405
    assert snapshot(world.rec) == before


def test_anonymous_sees_only_sign_in_reset_and_health(world):
    client = client_for(world, "anonymous")
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/accounts/password-reset/").status_code == 200
    assert client.get("/healthz").status_code in (200, 503)
    assert client.get("/recommendations/").status_code == 302
