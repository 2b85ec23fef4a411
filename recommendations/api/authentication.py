"""API tokens: ``Authorization: Bearer <key>`` (or ``Token <key>``). The key is looked up by
its SHA-256; the token records when it was last used. Session authentication serves the
browsable pages (settings.REST_FRAMEWORK)."""

from __future__ import annotations

import hashlib

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from recommendations.models import ApiToken


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keywords = (b"bearer", b"token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Give the token after the word Bearer, with no space in it.")
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("This token is not valid.") from None
        token = ApiToken.objects.select_related("user").filter(key_sha256=key_digest(key)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("This token is not valid, or it was revoked.")
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the token: HTTP bearer."""

    target_class = "recommendations.api.authentication.ApiTokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A token made at /account/tokens/."}
