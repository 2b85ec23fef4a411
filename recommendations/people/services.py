"""People and their roles: the secretariat and Council experts groups, entities and their
focal points, experts following situations."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission, User
from django.db import transaction
from guardian.shortcuts import assign_perm

from recommendations.access import COUNCIL_EXPERTS_GROUP, SECRETARIAT_GROUP
from recommendations.models import (
    Entity,
    Situation,
)

# --- roles -----------------------------------------------------------------------------------

# Model permissions of the secretariat's group, beyond "curate": the admin needs them.
# Status updates may be added and viewed there, never changed or deleted.
_SECRETARIAT_MODEL_PERMS = {
    "situation": ("add", "change", "view"),
    "mandate": ("add", "change", "view"),
    "mandateparagraph": ("add", "change", "view"),
    "briefing": ("view",),
    "entity": ("add", "change", "view"),
    "theme": ("add", "change", "view"),
    "recommendation": ("add", "change", "view", "curate"),
    "ownership": ("add", "change", "delete", "view"),
    "paragraphlink": ("add", "change", "delete", "view"),
    "statusupdate": ("add", "view"),
    "reminder": ("view",),
    "reminderpass": ("view",),
    "progressreport": ("add", "view"),
}


def ensure_role_groups() -> tuple[Group, Group]:
    """Create (or complete) the "Secretariat" and "Council experts" groups. Idempotent.

    Side effects: grants the secretariat group its model permissions."""
    with transaction.atomic():
        secretariat, _ = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
        experts, _ = Group.objects.get_or_create(name=COUNCIL_EXPERTS_GROUP)
        wanted = [
            (model, action if action == "curate" else f"{action}_{model}")
            for model, actions in _SECRETARIAT_MODEL_PERMS.items()
            for action in actions
        ]
        perms = Permission.objects.filter(content_type__app_label="recommendations")
        by_key = {(p.content_type.model, p.codename): p for p in perms.select_related("content_type")}
        secretariat.permissions.add(*(by_key[key] for key in wanted))
    return secretariat, experts


def create_entity(*, name: str) -> Entity:
    """The entity with this name, created with its focal points' group if it is new."""
    with transaction.atomic():
        entity = Entity.objects.filter(name=name).first()
        if entity is None:
            group, _ = Group.objects.get_or_create(name=f"Focal points: {name}")
            entity = Entity.objects.create(name=name, group=group)
    return entity


def add_focal_point(*, entity: Entity, user: User) -> None:
    entity.group.user_set.add(user)


def follow_situation(*, user: User, situation: Situation) -> None:
    """Make ``user`` a Council expert who follows ``situation``.

    Side effects: adds the user to "Council experts"; grants view_situation on it."""
    with transaction.atomic():
        _, experts = ensure_role_groups()
        user.groups.add(experts)
        assign_perm("view_situation", user, situation)
