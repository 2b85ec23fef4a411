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
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext
from guardian.shortcuts import assign_perm, remove_perm

from recommendations.access import COUNCIL_EXPERTS_GROUP, SECRETARIAT_GROUP
from recommendations.models import (
    Entity,
    Situation,
)
from recommendations.people.language import set_user_language

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


def _invitation(*, entity: Entity | None, expert: bool, invited_by: User | None, link: str, email: str):
    """The invitation's subject and body, in the active language: whole sentences for each
    role, so that the French reads as French."""
    inviter = (invited_by.get_full_name() or invited_by.username) if invited_by else gettext("The IEG secretariat")
    facts = {"inviter": inviter, "entity": entity.name if entity else ""}
    if entity is not None and expert:
        invited = gettext("%(inviter)s has invited you to WPS follow-up as a focal point of %(entity)s and a Council expert.")
    elif entity is not None:
        invited = gettext("%(inviter)s has invited you to WPS follow-up as a focal point of %(entity)s.")
    elif expert:
        invited = gettext("%(inviter)s has invited you to WPS follow-up as a Council expert.")
    else:
        invited = gettext("%(inviter)s has invited you to WPS follow-up as a user.")
    body = "\n\n".join([
        invited % facts,
        gettext("Set your password here (the link works once):") + "\n" + link,
        gettext("Your username is %(email)s. Questions: %(secretariat)s")
        % {"email": email, "secretariat": settings.WPS_SECRETARIAT_EMAIL},
    ]) + "\n"
    return gettext("Your WPS follow-up account"), body


def invite_person(
    *, email: str, first_name: str = "", last_name: str = "", entity: Entity | None = None, expert: bool = False,
    invited_by: User | None = None, language: str = "en",
) -> User:
    """Create a user for ``email`` (their username too) with no usable password and the given
    ``language``, make them a focal point of ``entity`` and/or a Council expert, and email
    them, in that language, a link to set their password (set_password_link). Raises
    ValidationError, writing nothing, when a user has that address already.

    Side effects: the user's profile row; one email, sent after the transaction commits."""

    email = User.objects.normalize_email(email.strip())
    if User.objects.filter(email__iexact=email).exists() or User.objects.filter(username__iexact=email).exists():
        raise ValidationError(gettext("Someone already has the address %(email)s.") % {"email": email})
    with transaction.atomic():
        user = User(username=email, email=email, first_name=first_name.strip(), last_name=last_name.strip())
        user.set_unusable_password()
        user.save()
        if entity is not None:
            add_focal_point(entity=entity, user=user)
        if expert:
            _, experts = ensure_role_groups()
            user.groups.add(experts)
        set_user_language(user=user, language=language)
        link = set_password_link(user)
        with translation.override(language):
            subject, body = _invitation(
                entity=entity, expert=expert, invited_by=invited_by, link=link, email=email,
            )
        transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email]))
    return user
