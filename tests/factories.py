"""Small builders for test data beyond the demo. Plain functions over the services, so what
tests build is what the product would build."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

from django.contrib.auth.models import User

from recommendations.curation.services import assign_owner, link_paragraph
from recommendations.models import (
    Addressee,
    Briefing,
    Entity,
    Mandate,
    MandateParagraph,
    Recommendation,
    Situation,
)

_counter = itertools.count(1)


def make_user(username: str, *, password: str = "pw") -> User:
    user = User.objects.create_user(username=username, email=f"{username}@example.org", password=password)
    return user


def make_situation(name: str = "South Sudan", code: str = "SSD", *, is_active: bool = True) -> Situation:
    return Situation.objects.create(name=name, code=code, is_active=is_active)


def make_mandate(situation: Situation, *, expires_on: dt.date, mission: str = "UNMISS", paragraphs: int = 3) -> Mandate:
    n = next(_counter)
    mandate = Mandate.objects.create(
        symbol=f"S/RES/{3000 + n} ({expires_on.year - 1})", number=3000 + n, year=expires_on.year - 1,
        mission=mission, situation=situation, expires_on=expires_on,
    )
    MandateParagraph.objects.bulk_create(
        MandateParagraph(
            mandate=mandate, kind=MandateParagraph.Kind.OPERATIVE, number=str(i), label=f"OP {i}", text=f"Operative paragraph {i} on women's participation.",
            position=i,
        )
        for i in range(1, paragraphs + 1)
    )
    return mandate


def make_briefing(situation: Situation, mandate: Mandate | None = None, *, issued_on: dt.date | None = None) -> Briefing:
    n = next(_counter)
    return Briefing.objects.create(
        situation=situation, mandate=mandate, title=f"Update on women, peace and security in {situation.name}",
        issued_on=issued_on or dt.date(2023, 3, 1), original_text=f"note {n}",
        sha256=hashlib.sha256(f"note {n}".encode()).hexdigest(),
    )


def make_recommendations(
    briefing: Briefing, count: int, *, owners: list[Entity] = (), due_on: dt.date | None = None,
    link_paragraphs: bool = True,
) -> list[Recommendation]:
    start = briefing.recommendations.count()
    prefix = f"{briefing.situation.code}-B{briefing.pk}"
    recs = Recommendation.objects.bulk_create(
        Recommendation(
            briefing=briefing, situation=briefing.situation, reference=f"{prefix}-R{start + i:03d}",
            position=start + i, text=f"Urge the authorities to act on item {start + i}.",
            addressee=Addressee.HOST_AUTHORITIES, due_on=due_on,
        )
        for i in range(1, count + 1)
    )
    paragraphs = list(briefing.mandate.paragraphs.all()) if (briefing.mandate and link_paragraphs) else []
    for i, rec in enumerate(recs):
        for entity in owners:
            assign_owner(recommendation=rec, entity=entity, assigned_by=None)
        if paragraphs:
            link_paragraph(recommendation=rec, paragraph=paragraphs[i % len(paragraphs)], user=None)
    return recs
