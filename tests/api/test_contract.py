"""Contract tests: schemathesis generates requests from the OpenAPI schema the app serves and
sends them to the app itself (in-process WSGI), with a secretariat token; every response must
match the schema and none may be a server error. Bounded examples: a few seconds."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from recommendations.api.services import create_api_token

# The schema as /api/v1/schema/ serves it, built in-process (the test database does not exist
# yet when tests are collected).
SCHEMA = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
schema = schemathesis.openapi.from_dict(SCHEMA)
# What schemathesis.openapi.from_wsgi does once it has the schema: requests go to the app.
schema.app = get_wsgi_application()


@pytest.fixture
def token(world):
    """A secretariat token (it reads everything), and the app's requests kept inside the
    test's transaction: as Django's test client does, the handler's end-of-request
    connection cleanup is disconnected."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield create_api_token(user=world.secretariat, name="schemathesis")[1]
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_response_matches_the_schema(case, token):
    # Left out, by design: "a schema-valid request is accepted" (a filter naming, by a
    # well-formed id, a situation, entity, theme or paragraph that does not exist or that the
    # reader may not see is refused with a documented 400, as on the list page) and "a
    # schema-violating request is rejected" (as DRF does, a page_size that is not a number
    # gives the default page, and a checkbox filter reads any value but false/0 as set).
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        excluded_checks=[positive_data_acceptance, negative_data_rejection],
    )
