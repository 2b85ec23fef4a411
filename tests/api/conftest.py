"""The API's fixtures: the web tests' ``world`` (personas, and a MINUSMA recommendation
with a shared then an internal update), and a client per persona with its own token."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from recommendations.api.services import create_api_token
from tests.web.conftest import PERSONAS, client_for, world  # noqa: F401 (fixture)


def api_client_for(world, name: str) -> APIClient:  # noqa: F811
    """A client that sends ``name``'s token (nothing for anonymous)."""
    client = APIClient()
    if name != "anonymous":
        _, key = create_api_token(user=getattr(world, name), name="tests")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def api_as(world):  # noqa: F811
    return lambda name: api_client_for(world, name)


__all__ = ["PERSONAS", "api_client_for", "client_for"]
