"""An internal update is invisible to those who may not read it, everywhere: not its note,
and not the status or date it set either. Council experts (and focal points, on what their
entity does not own) see the status of the latest shared update, in counts, filters, the
CSV and on the pages."""

from __future__ import annotations

import csv
import io

import pytest

from recommendations.curation.services import link_paragraph, record_status_update
from recommendations.models import StatusUpdate

INSIDERS = ("secretariat", "mission")  # mission: MINUSMA owns world.rec
OUTSIDERS = ("expert", "focalpoint")  # focalpoint: UN Women does not own world.rec


@pytest.fixture
def implemented_internally(world):
    """world.rec: shared "in progress", then internal "in progress", then internal
    "implemented" (newest)."""
    record_status_update(
        recommendation=world.rec, author=world.mission, status="implemented", note="Done, not yet public.",
        visibility=StatusUpdate.Visibility.INTERNAL,
    )
    return world


def body(response) -> str:
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode()


@pytest.mark.parametrize("persona", INSIDERS + OUTSIDERS)
def test_dashboard_counts(implemented_internally, as_user, persona):
    page = body(as_user(persona).get("/"))
    if persona in INSIDERS:
        assert 'aria-label="1 implemented">1</a>' in page
        assert 'aria-label="1 in progress"' not in page
        assert "of which 11 open" in page
    else:
        assert 'aria-label="1 implemented"' not in page
        assert 'aria-label="1 in progress">1</a>' in page
        assert "of which 12 open" in page


@pytest.mark.parametrize("persona", INSIDERS + OUTSIDERS)
def test_list_filter_and_csv(implemented_internally, as_user, persona):
    world = implemented_internally
    client = as_user(persona)
    implemented = body(client.get(f"/recommendations/?situation={world.mali.pk}&status=implemented"))
    in_progress = body(client.get(f"/recommendations/?situation={world.mali.pk}&status=in_progress"))
    rows = {r["reference"]: r for r in csv.DictReader(io.StringIO(body(client.get("/recommendations/export.csv")).removeprefix("\ufeff")))}
    if persona in INSIDERS:
        assert world.rec.reference in implemented and world.rec.reference not in in_progress
        assert rows[world.rec.reference]["status"] == "Implemented"
    else:
        assert world.rec.reference not in implemented and world.rec.reference in in_progress
        assert rows[world.rec.reference]["status"] == "In progress"
        assert "Done, not yet public." not in str(rows)


@pytest.mark.parametrize("persona", INSIDERS + OUTSIDERS)
def test_recommendation_and_mandate_pages(implemented_internally, as_user, persona):
    world = implemented_internally
    link_paragraph(recommendation=world.rec, paragraph=world.free_paragraph, user=world.secretariat)
    client = as_user(persona)
    detail = body(client.get(f"/recommendations/{world.rec.pk}/"))
    mandate = body(client.get(f"/mandates/{world.mandate.pk}/"))
    status_line = detail.split('<div class="status-line">')[1].split("</div>")[0]
    tag = '<strong class="tag tag--implemented">Implemented</strong>'
    if persona in INSIDERS:
        assert tag in status_line and tag in mandate and "Done, not yet public." in detail
    else:
        assert '<strong class="tag tag--in_progress">In progress</strong>' in status_line
        assert tag not in detail and tag not in mandate and "Done, not yet public." not in detail


def test_only_internal_updates_look_like_none_to_an_expert(world, as_user):
    rec = world.minusma.recommendations.exclude(pk=world.rec.pk).first() or world.un_women.recommendations.first()
    record_status_update(recommendation=rec, author=world.secretariat, status="partial", visibility="internal")
    page = body(as_user("expert").get(f"/recommendations/{rec.pk}/"))
    status_line = page.split('<div class="status-line">')[1].split("</div>")[0]
    assert '<strong class="tag tag--not_started">Not started</strong>' in status_line
    assert "No update yet" in status_line
    assert "No status update you may read yet." in page
