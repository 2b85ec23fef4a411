"""Each person's language: read (one query for many people), chosen (a service), and carried
into the session at login so that pages follow it without a query per request
(web.middleware.UserLanguageMiddleware)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver

from recommendations.models import Language, UserProfile

# The session key the middleware reads; set at login and when the person chooses.
SESSION_KEY = "wps_language"


def language_of(user) -> str:
    """The person's language code ("en" or "fr"); English without a profile."""
    if user is None or not getattr(user, "pk", None):
        return settings.LANGUAGE_CODE.split("-")[0]
    language = UserProfile.objects.filter(user_id=user.pk).values_list("language", flat=True).first()
    return language or Language.ENGLISH


def languages_of(user_ids: Iterable[int]) -> dict[int, str]:
    """{user id: language code} for these people, in one query; English for those without a profile."""
    ids = list(user_ids)
    chosen = dict(UserProfile.objects.filter(user_id__in=ids).values_list("user_id", "language"))
    return {user_id: chosen.get(user_id, Language.ENGLISH) for user_id in ids}


@transaction.atomic
def set_user_language(*, user, language: str, request=None) -> UserProfile:
    """Record the person's language. Side effects: the profile row is made or changed; with a
    request, the session follows at once (the next page is in that language)."""
    if language not in Language.values:
        raise ValueError(f"Unknown language: {language!r}")
    profile, _ = UserProfile.objects.update_or_create(user=user, defaults={"language": language})
    if request is not None:
        request.session[SESSION_KEY] = language
    return profile


@receiver(user_logged_in, dispatch_uid="wps_remember_language")
def remember_language(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = language_of(user)
