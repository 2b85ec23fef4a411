"""A history for every recommendation (django-auditlog): who changed owners, links, due date
and uptake, and when, on the page for the secretariat and the owners and in the admin.
Removing an owner or a link asks first and can be undone from the history."""

from __future__ import annotations

import re

from recommendations.curation.services import withdraw_status_update
from recommendations.models import StatusUpdate
from tests.web.conftest import renewal_paragraph, snapshot


def history_of(body: str) -> list[str]:
    section = body.split('id="history-heading"', 1)[1].split("</section>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip()
            for item in re.findall(r"<li>(.*?)</li>", section, re.S)]


def test_removing_an_owner_asks_first_then_is_in_the_history_and_can_be_undone(world, as_user):
    client = as_user("secretariat")
    url = f"/recommendations/{world.rec.pk}"
    before = snapshot(world.rec)
    response = client.post(f"{url}/owners/remove/", {"remove-entity": world.minusma.pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert f"<h1>Remove MINUSMA as an owner of {world.rec.reference}?</h1>" in body
    assert '<input type="hidden" name="confirmed" value="yes">' in body
    assert snapshot(world.rec) == before  # asking changes nothing
    assert client.post(f"{url}/owners/remove/", {"remove-entity": world.minusma.pk, "confirmed": "yes"}).status_code == 302
    assert snapshot(world.rec).owners == []
    body = client.get(f"{url}/").content.decode()
    entries = history_of(body)
    assert entries[0].endswith(f"{world.secretariat.get_full_name()}: Owner removed: MINUSMA Undo: Owner removed: MINUSMA")
    # Undo re-adds it, through the same control as "Assign owner".
    undo = re.search(r'<form method="post" class="inline-form" action="([^"]+)">.*?name="([^"]+)" value="(\d+)"', body.split('id="history-heading"')[1], re.S)
    assert undo.groups() == (f"{url}/owners/add/", "assign-entity", str(world.minusma.pk))
    assert client.post(undo.group(1), {undo.group(2): undo.group(3)}).status_code == 302
    assert snapshot(world.rec).owners == [world.minusma.pk]
    entries = history_of(client.get(f"{url}/").content.decode())
    assert entries[0].endswith(f"{world.secretariat.get_full_name()}: Owner added: MINUSMA")
    assert "Undo" not in entries[1]  # back already: nothing to undo


def test_unlink_asks_first_and_every_curation_is_in_the_history(world, as_user):
    client = as_user("secretariat")
    url = f"/recommendations/{world.rec.pk}"
    p = world.suggested_paragraph
    response = client.post(f"{url}/paragraphs/unlink/", {"unlink-paragraph": p.pk})
    assert response.status_code == 200 and f"Unlink {world.rec.reference} from {world.mandate.symbol} {p.label}?" in response.content.decode()
    client.post(f"{url}/paragraphs/unlink/", {"unlink-paragraph": p.pk, "confirmed": "yes"})
    client.post(f"{url}/due-date/", {"due-due_on": "2023-05-15"})
    renewal = renewal_paragraph(world)
    client.post(f"{url}/uptake/", {"uptake-uptake": "partly_reflected", "uptake-paragraph": renewal.pk})
    client.post(f"{url}/paragraphs/link/", {"link-paragraph": world.free_paragraph.pk})
    withdraw_status_update(update=StatusUpdate.objects.filter(recommendation=world.rec).first(), author=world.secretariat,
                           reason="Recorded twice")
    entries = history_of(as_user("mission").get(f"{url}/").content.decode())
    whats = [e.split(": ", 1)[1] for e in entries]
    assert whats[:5] == [
        "Withdrew the update of " + whats[0].split("Withdrew the update of ")[1],
        f"Linked to {world.mandate.symbol} {world.free_paragraph.label}",
        f"Council uptake: pending → partly reflected; Paragraph reflecting it: {renewal.mandate.symbol} {renewal.label}",
        "Due date: 31 May 2023 → 15 May 2023",
        f"Unlinked from {world.mandate.symbol} {p.label}",
    ]
    assert "(secretariat and owning entities): Recorded twice" in whats[0]
    assert "Undo" not in "".join(entries)  # the mission's focal point sees the history, not the controls
    # Experts and focal points of other entities see no history.
    assert 'id="history-heading"' not in as_user("expert").get(f"{url}/").content.decode()
    assert 'id="history-heading"' not in as_user("focalpoint").get(f"{url}/").content.decode()
    # The admin shows the same.
    admin = as_user("secretariat")
    world.secretariat.is_staff = True
    world.secretariat.save()
    body = admin.get(f"/admin/recommendations/recommendation/{world.rec.pk}/change/").content.decode()
    assert "Due date: 31 May 2023 → 15 May 2023" in body and f"Unlinked from {world.mandate.symbol} {p.label}" in body
