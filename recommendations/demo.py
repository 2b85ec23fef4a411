"""Demo data: the sample note, two entities and one user per role (DESIGN.md, "Contracts")."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction

from recommendations.curation.services import assign_owner
from recommendations.importing.save import import_ieg_update
from recommendations.models import Addressee, Briefing, Recommendation
from recommendations.people.services import (
    add_focal_point,
    create_entity,
    ensure_role_groups,
    follow_situation,
)

SAMPLE_NOTE = Path(__file__).resolve().parent / "fixtures" / "ieg-update-mali-2023-03-28.txt"

# A recommendation asks something of the Mission when it is addressed to it or requests,
# asks or mandates it to act ("request the Mission to monitor and report").
_ASKS_MISSION = re.compile(r"\b(request|ask|mandate|call on|urge)s?\s+(the\s+)?(mission|minusma)\b", re.I)


@dataclass
class DemoLogin:
    username: str
    role: str
    created: bool


def asks_mission(rec: Recommendation) -> bool:
    return rec.addressee == Addressee.MISSION or bool(_ASKS_MISSION.search(rec.text))


# The demo people's names, as emails greet them ("Dear Aminata Traoré").
DEMO_NAMES = {
    "secretariat": ("Sara", "Lindqvist"),
    "focalpoint": ("Aminata", "Traoré"),
    "mission": ("Jean-Marc", "Dembélé"),
    "expert": ("Helen", "Moreau"),
    "outsider": ("Tomás", "Ruiz"),
}


def _user(username: str, password: str | None) -> tuple[User, bool]:
    first, last = DEMO_NAMES.get(username, (username.title(), ""))
    user, created = User.objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.org", "first_name": first, "last_name": last}
    )
    if created or password:
        user.set_password(password or secrets.token_urlsafe(12))
        user.save(update_fields=["password"])
    return user, created


def load_demo(*, password: str | None = None) -> list[DemoLogin]:
    """Import the sample note, create UN Women and MINUSMA and give MINUSMA the
    recommendations that ask something of the Mission and UN Women the rest, and create one
    user per role. Idempotent: a second run changes nothing but passwords given again.

    Side effects: adds the expert to the Council experts group with view_situation on Mali
    (focal points' rights follow from the ownerships, access.py)."""
    with transaction.atomic():
        secretariat_group, experts_group = ensure_role_groups()
        outcome = import_ieg_update(data=SAMPLE_NOTE.read_bytes())
        briefing = Briefing.objects.get(pk=outcome.briefing_id)
        mali = briefing.situation
        un_women = create_entity(name="UN Women")
        minusma = create_entity(name="MINUSMA")
        for rec in briefing.recommendations.select_related("situation").order_by("position"):
            entity = minusma if asks_mission(rec) else un_women
            if not rec.owners.exists():
                assign_owner(recommendation=rec, entity=entity, assigned_by=None)

        logins = []
        user, created = _user("secretariat", password)
        if created:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        user.groups.add(secretariat_group)
        logins.append(DemoLogin("secretariat", "secretariat staff", created))

        for username, entity in (("focalpoint", un_women), ("mission", minusma)):
            user, created = _user(username, password)
            add_focal_point(entity=entity, user=user)
            logins.append(DemoLogin(username, f"focal point of {entity.name}", created))

        user, created = _user("expert", password)
        follow_situation(user=user, situation=mali)
        logins.append(DemoLogin("expert", f"Council expert following {mali.name}", created))

        user, created = _user("outsider", password)
        user.groups.add(experts_group)
        logins.append(DemoLogin("outsider", "Council expert following no situation", created))
    return logins
