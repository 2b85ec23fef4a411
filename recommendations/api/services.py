"""Writes of a user's own API tokens and calendar address. Keyword-only; each runs in one
transaction."""

from __future__ import annotations

import secrets

from django.db import transaction

from recommendations.api.authentication import key_digest
from recommendations.models import ApiToken, CalendarFeed

TOKEN_PREFIX = "wps_"


@transaction.atomic
def create_api_token(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``. Returns the row and the key, which is shown once and then
    exists only as its SHA-256. Side effects: one ApiToken row."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name.strip(), key_sha256=key_digest(key), prefix=key[:12])
    return token, key


@transaction.atomic
def revoke_api_token(*, user, token_id: int) -> bool:
    """Delete ``user``'s token ``token_id``; False when they have no such token (another
    user's included). Side effects: the row is deleted; the key stops working at once."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)


@transaction.atomic
def reset_calendar_feed(*, user) -> CalendarFeed:
    """Give ``user`` a calendar address with a new secret key; the previous address, if any,
    stops working. Side effects: the CalendarFeed row is created or its key replaced."""
    feed, _ = CalendarFeed.objects.update_or_create(user=user, defaults={"key": secrets.token_urlsafe(32)})
    return feed
