"""The web tests' fixtures (world, as_user), for the everyday workflow's tests (issue 13)."""

from tests.web.conftest import as_user, world  # noqa: F401
