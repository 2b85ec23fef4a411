"""People and their roles: the secretariat and Council experts groups, entities and their
focal points, experts following situations."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from guardian.shortcuts import assign_perm, remove_perm

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


def unfollow_situation(*, user: User, situation: Situation) -> None:
    """``user`` no longer follows ``situation``: withdraws the view_situation they hold on it
    directly. They stay a Council expert (they may follow others)."""
    with transaction.atomic():
        remove_perm("view_situation", user, situation)


def set_password_link(user: User) -> str:
    """An absolute link (SITE_URL) to set a password: Django's password-reset token, signed
    with SECRET_KEY, valid PASSWORD_RESET_TIMEOUT and spent once the password is set."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def invite_person(
    *, email: str, first_name: str = "", last_name: str = "", entity: Entity | None = None, expert: bool = False,
    invited_by: User | None = None,
) -> User:
    """Create a user for ``email`` (their username too) with no usable password, make them a
    focal point of ``entity`` and/or a Council expert, and email them a link to set their
    password (set_password_link). Raises ValidationError, writing nothing, when a user has
    that address already.

    Side effects: one email, sent after the transaction commits."""
    email = User.objects.normalize_email(email.strip())
    if User.objects.filter(email__iexact=email).exists() or User.objects.filter(username__iexact=email).exists():
        raise ValidationError(f"Someone already has the address {email}.")
    with transaction.atomic():
        user = User(username=email, email=email, first_name=first_name.strip(), last_name=last_name.strip())
        user.set_unusable_password()
        user.save()
        if entity is not None:
            add_focal_point(entity=entity, user=user)
        if expert:
            _, experts = ensure_role_groups()
            user.groups.add(experts)
        roles = []
        if entity is not None:
            roles.append(f"a focal point of {entity.name}")
        if expert:
            roles.append("a Council expert")
        link = set_password_link(user)
        inviter = (invited_by.get_full_name() or invited_by.username) if invited_by else "The IEG secretariat"
        body = (
            f"{inviter} has invited you to WPS follow-up as {' and '.join(roles) or 'a user'}.\n\n"
            f"Set your password here (the link works once):\n{link}\n\n"
            f"Your username is {email}. Questions: {settings.WPS_SECRETARIAT_EMAIL}\n"
        )
        transaction.on_commit(lambda: send_mail(
            "Your WPS follow-up account", body, settings.DEFAULT_FROM_EMAIL, [email]
        ))
    return user
