"""Fixtures of the web tests: the personas of tests/conftest.py signed in, and a
recommendation of MINUSMA's with one internal and one shared note on it."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

from recommendations.curation.services import record_status_update
from recommendations.models import ParagraphLink, StatusUpdate

# No character that HTML escapes, so a plain "in" finds them in a page.
INTERNAL_NOTE = "Internal: the gender unit of the mission is short of two posts."
SHARED_NOTE = "Shared: the transitional charter now cites the 30 percent quota."

# Persona name -> attribute of the `personas` fixture (None: anonymous).
PERSONAS = ("secretariat", "focalpoint", "mission", "expert", "ssd_expert", "nobody", "anonymous")


@pytest.fixture
def world(personas):
    """The personas, plus: ``rec``, a Mali recommendation MINUSMA owns (UN Women does not),
    with a shared update and then, newest, an internal one; one suggested link and one
    paragraph it is not linked to."""
    rec = personas.minusma.recommendations.order_by("position").first()
    assert rec is not None and not rec.owners.filter(pk=personas.un_women.pk).exists()
    record_status_update(
        recommendation=rec, author=personas.mission, status="in_progress", note=SHARED_NOTE,
        visibility=StatusUpdate.Visibility.SHARED,
    )
    record_status_update(
        recommendation=rec, author=personas.mission, status="in_progress", note=INTERNAL_NOTE,
        visibility=StatusUpdate.Visibility.INTERNAL,
    )
    linked = set(ParagraphLink.objects.filter(recommendation=rec).values_list("paragraph_id", flat=True))
    free = [p for p in personas.mandate.paragraphs.order_by("position") if p.pk not in linked]
    # A suggested link, as the importer makes them, for the "confirm" control.
    suggested = ParagraphLink.objects.create(recommendation=rec, paragraph=free[0], confirmed=False)
    personas.rec = rec
    personas.suggested_paragraph = suggested.paragraph
    personas.free_paragraph = free[1]
    return personas


def renewal_paragraph(world):
    """A paragraph of a resolution that renews the world's mandate (made on first use): the
    only kind of paragraph that can record a recommendation's Council uptake."""
    import datetime as dt

    from recommendations.models import Mandate, MandateParagraph

    renewal = Mandate.objects.filter(renews=world.mandate).first()
    if renewal is None:
        renewal = Mandate.objects.create(
            symbol="S/RES/2690 (2023)", number=2690, year=2023, mission="MINUSMA", situation=world.mali,
            adopted_on=dt.date(2023, 6, 30), expires_on=dt.date(2024, 6, 30), renews=world.mandate,
        )
        MandateParagraph.objects.create(
            mandate=renewal, kind="operative", number="1", label="OP 1", text="Decides to renew.", position=1
        )
    return renewal.paragraphs.get()


def client_for(world, name: str) -> Client:
    client = Client()
    if name != "anonymous":
        client.force_login(getattr(world, name))
    return client


@pytest.fixture
def as_user(world):
    """as_user("mission") -> a test client signed in as that persona."""
    return lambda name: client_for(world, name)


def snapshot(rec) -> SimpleNamespace:
    """What a write to ``rec`` could change, to assert that nothing did."""
    rec.refresh_from_db()
    return SimpleNamespace(
        updates=StatusUpdate.objects.filter(recommendation=rec).count(),
        owners=sorted(rec.owners.values_list("pk", flat=True)),
        links=sorted(ParagraphLink.objects.filter(recommendation=rec).values_list("paragraph_id", "confirmed")),
        due_on=rec.due_on,
        uptake=(rec.uptake, rec.uptake_paragraph_id),
        status=rec.status,
    )
