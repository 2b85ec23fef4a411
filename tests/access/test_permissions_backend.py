"""recommendations.people.backends.PermissionsBackend (issue 14): the permissions Django's
ModelBackend gives, read by one query; signing in stays ModelBackend's, and its sessions."""

from __future__ import annotations

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission, User

from recommendations import access
from recommendations.people.backends import PermissionsBackend
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    """The user as a request loads it: no permission read yet."""
    return User.objects.get(pk=user.pk)


def test_same_permissions_as_model_backend_for_every_persona(personas):
    mixed = User.objects.create_user("mixed", password=PASSWORD)
    mixed.user_permissions.add(Permission.objects.get(codename="view_situation"))
    group = Group.objects.create(name="Mixed")
    group.permissions.add(Permission.objects.get(codename="view_situation"), Permission.objects.get(codename="curate"))
    mixed.groups.add(group)
    inactive = User.objects.create_user("inactive", password=PASSWORD, is_active=False)
    inactive.groups.add(group)
    superuser = User.objects.create_superuser("root", password=PASSWORD)
    users = [personas.secretariat, personas.focalpoint, personas.mission, personas.expert, personas.outsider,
             personas.ssd_expert, personas.nobody, mixed, inactive, superuser]
    for user in users:
        expected = ModelBackend().get_all_permissions(fresh(user))
        assert PermissionsBackend().get_all_permissions(fresh(user)) == expected, user.username
    assert PermissionsBackend().get_all_permissions(fresh(mixed)) == {"recommendations.view_situation", "recommendations.curate"}
    assert PermissionsBackend().get_all_permissions(fresh(inactive)) == set()
    # Read by SQL compiled once a process (compiled_sql): a grant shows on the next request.
    personas.outsider.user_permissions.add(Permission.objects.get(codename="curate"))
    assert PermissionsBackend().get_all_permissions(fresh(personas.outsider)) == {"recommendations.curate"}
    assert access.is_secretariat(fresh(personas.outsider))


def test_one_query_for_a_yes_and_for_a_no(personas, django_assert_num_queries):
    secretariat, focalpoint = fresh(personas.secretariat), fresh(personas.focalpoint)
    with django_assert_num_queries(1):
        assert access.is_secretariat(secretariat)
        assert access.is_secretariat(secretariat)
    # A no asks every backend: ModelBackend, next, finds the set read already.
    with django_assert_num_queries(1):
        assert not access.is_secretariat(focalpoint)
        assert not access.is_secretariat(focalpoint)


def test_signing_in_is_still_model_backends_and_its_sessions_stay_valid(client, personas):
    response = client.post("/accounts/login/", {"username": "secretariat", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == "django.contrib.auth.backends.ModelBackend"
    assert client.get("/").status_code == 200
    assert PermissionsBackend().authenticate(None, username="secretariat", password=PASSWORD) is None
