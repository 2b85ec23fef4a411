"""Demo data: the sample note, two entities and one user per role (DESIGN.md, "Contracts")."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction

from recommendations.curation.services import assign_owner
from recommendations.dates import start_of_day
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


# The demo's life over the cycle (from the note of 28 March 2023): (days before the "as of"
# day, reference, who, status, visibility, note). Read by _spread_over_cycle.
DEMO_UPDATES = [
    (33, "MLI-2023-03-R05", "focalpoint", "in_progress", "shared",
     "UN Women convened the women's platform on the electoral law; a joint note goes to the transitional authorities."),
    (26, "MLI-2023-03-R03", "mission", "in_progress", "internal",
     "Two of the four gender adviser posts are filled; recruitment for Gao and Timbuktu is blocked."),
    (19, "MLI-2023-03-R05", "focalpoint", "partial", "internal",
     "The authorities accepted the quota wording for the regional councils, not yet for the national list."),
    (12, "MLI-2023-03-R09", "secretariat", "in_progress", "shared",
     "Raised in the IEG meeting; three Council members will propose the language in the renewal."),
    (7, "MLI-2023-03-R03", "mission", "implemented", "shared",
     "Reported as done by mistake: the posts are not yet filled."),
    (2, "MLI-2023-03-R01", "focalpoint", "in_progress", "internal",
     "Preparing the briefing for the Council's consultations on the renewal."),
]


def _spread_over_cycle(*, as_of: dt.date, briefing: Briefing, users: dict[str, User]) -> bool:
    """The demo's updates, a withdrawal and a Council report, dated over the cycle before
    ``as_of``; the sample's own dates stay true. Only on a demo with no update yet (so a
    second run adds nothing). Returns whether it added them."""
    from recommendations.curation.services import record_status_update, withdraw_status_update
    from recommendations.models import ProgressReport, StatusUpdate
    from recommendations.reports.services import create_progress_report, generate_progress_report

    if StatusUpdate.objects.filter(recommendation__briefing=briefing).exists():
        return False
    recs = {r.reference: r for r in briefing.recommendations.all()}

    def moment(days_before: int, hour: int = 10) -> dt.datetime:
        return start_of_day(as_of - dt.timedelta(days=days_before)) + dt.timedelta(hours=hour)

    mistaken = None
    for days, reference, who, status, visibility, note in DEMO_UPDATES:
        update = record_status_update(
            recommendation=recs[reference], author=users[who], status=status, note=note, visibility=visibility,
            at=moment(days),
        )
        if status == "implemented":
            mistaken = update
    if mistaken is not None:
        withdraw_status_update(update=mistaken, author=users["mission"], reason="Shared by mistake: the posts are not filled yet.",
                               at=moment(6))
    if briefing.mandate_id is not None:
        report = create_progress_report(mandate=briefing.mandate, audience=ProgressReport.Audience.COUNCIL,
                                        requested_by=users["secretariat"])
        ProgressReport.objects.filter(pk=report.pk).update(created_at=moment(1, hour=9))
        generate_progress_report(report_id=report.pk, today=as_of - dt.timedelta(days=1))
    return True


def load_demo(*, password: str | None = None, as_of: dt.date | None = None) -> list[DemoLogin]:
    """Import the sample note, create UN Women and MINUSMA and give MINUSMA the
    recommendations that ask something of the Mission and UN Women the rest, and create one
    user per role. Idempotent: a second run changes nothing but passwords given again.

    With ``as_of`` (the day the demo shows, WPS_DEMO_AS_OF), the demo lives: a handful of
    updates by the owners and the secretariat over the cycle before that day, one of them
    withdrawn, and a Council report generated the day before (once; see _spread_over_cycle).

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

        if as_of is not None:
            users = {u.username: u for u in User.objects.filter(username__in=["secretariat", "focalpoint", "mission"])}
            _spread_over_cycle(as_of=as_of, briefing=briefing, users=users)
    return logins
