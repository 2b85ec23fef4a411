"""A person who is both a Council expert and a focal point reads internal updates only on
what their entity owns, the page says why, and the Council report never holds them
(README, "Who sees what")."""

from __future__ import annotations

import pytest

from recommendations.curation.services import record_status_update
from recommendations.models import StatusUpdate
from recommendations.people.services import add_focal_point

pytestmark = pytest.mark.django_db

OWNED_NOTE = "Internal note on R01 Timbuktu 4411."
OTHER_NOTE = "Internal note on R03 Gao 8823."
WHY = "You see internal updates here as a focal point of UN Women."


@pytest.fixture
def both(demo):
    """The Council expert who follows Mali becomes a focal point of UN Women too. R01 is UN
    Women's; R03 is MINUSMA's; each gets one internal update."""
    add_focal_point(entity=demo.un_women, user=demo.expert)
    r01, r03 = demo.recommendations[0], demo.recommendations[2]
    record_status_update(recommendation=r01, author=demo.secretariat, status="in_progress", note=OWNED_NOTE)
    record_status_update(recommendation=r03, author=demo.secretariat, status="partial", note=OTHER_NOTE)
    assert StatusUpdate.objects.filter(visibility=StatusUpdate.Visibility.INTERNAL).count() == 2
    return demo


def test_pages_show_internal_updates_only_on_what_the_entity_owns_and_say_why(client, both):
    r01, r03 = both.recommendations[0], both.recommendations[2]
    client.force_login(both.expert)
    owned = client.get(f"/recommendations/{r01.pk}/").content.decode()
    assert OWNED_NOTE in owned and WHY in owned
    other = client.get(f"/recommendations/{r03.pk}/").content.decode()
    assert OTHER_NOTE not in other and "You see internal updates" not in other
    # A plain Council expert gets no such line, nor the note.
    client.force_login(both.outsider)
    assert client.get(f"/recommendations/{r01.pk}/").status_code == 404


def test_the_secretariat_sees_everything_without_the_line(client, both):
    client.force_login(both.secretariat)
    page = client.get(f"/recommendations/{both.recommendations[2].pk}/").content.decode()
    assert OTHER_NOTE in page and "You see internal updates" not in page


def test_the_council_report_never_holds_internal_updates(client, both):
    client.force_login(both.expert)
    page = client.get(f"/mandates/{both.mandate.pk}/report/?audience=council").content.decode()
    assert OWNED_NOTE not in page and OTHER_NOTE not in page
    assert client.get(f"/mandates/{both.mandate.pk}/report/?audience=secretariat").status_code == 404
