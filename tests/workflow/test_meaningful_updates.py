"""An update must say something: the note is required (even when the status stays the same),
the form says so before submitting, and the error summary links to the field, once."""

from __future__ import annotations

import re

from tests.web.conftest import snapshot


def post_update(client, rec, **fields):
    data = {"update-status": "in_progress", "update-visibility": "internal", "update-note": "", **fields}
    return client.post(f"/recommendations/{rec.pk}/updates/", data)


def test_an_empty_update_is_refused_and_nothing_is_written(world, as_user):
    before = snapshot(world.rec)
    response = post_update(as_user("mission"), world.rec)
    assert response.status_code == 400
    body = response.content.decode()
    summary = body.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    message = "Say what has happened since the last update: a note is required, even when the status stays the same."
    assert re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', summary) == [("#id_update-note", f"Note: {message}")]
    assert snapshot(world.rec) == before


def test_the_same_status_with_a_note_is_recorded(world, as_user):
    assert world.rec.status == "in_progress"
    response = post_update(as_user("mission"), world.rec, **{"update-note": "Still recruiting; two interviews held."})
    assert response.status_code == 302
    assert snapshot(world.rec).updates == 3


def test_the_form_says_the_note_is_required_before_submitting(world, as_user):
    body = as_user("mission").get(f"/recommendations/{world.rec.pk}/").content.decode()
    action = f'action="/recommendations/{world.rec.pk}/updates/"'
    form = body.split(action, 1)[1].split("</form>", 1)[0]
    assert "novalidate" not in form.split(">", 1)[0]
    assert re.search(r'<textarea name="update-note"[^>]* required[^>]*>', form)
    assert "Required, even when the status stays the same" in form


def test_the_evidence_error_is_listed_once(world, as_user):
    response = post_update(as_user("mission"), world.rec, **{
        "update-note": "With evidence.", "update-evidence": "not a symbol",
    })
    assert response.status_code == 400
    body = response.content.decode()
    summary = body.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert summary.count("is neither a UN document symbol") == 1
    assert 'href="#id_update-evidence"' in summary


def test_no_empty_status_tag_on_the_mandate_page(world, as_user):
    from recommendations.curation.services import link_paragraph

    # world.rec listed under two paragraphs: the second listing shows its status too.
    link_paragraph(recommendation=world.rec, paragraph=world.free_paragraph, user=None)
    for name in ("secretariat", "mission", "expert"):
        body = as_user(name).get(f"/mandates/{world.mandate.pk}/").content.decode()
        assert 'class="tag tag--"' not in body, name
        assert body.count(f">{world.rec.reference}</a>") >= 3
