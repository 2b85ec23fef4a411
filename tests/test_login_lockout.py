"""Sign-in lockout (django-axes; README, "Operating it"): WPS_LOGIN_FAILURE_LIMIT wrong
passwords for one username from one address lock that pair for WPS_LOGIN_COOLOFF_MINUTES,
answered 429 with a page that says so; a right password before then clears the count."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.management import call_command

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def _sign_in(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def _fail(client, username, times, address="10.0.0.1"):
    for _ in range(times):
        response = _sign_in(client, username, "wrong-password", address)
        assert response.status_code == 200  # the form again, with its error


def test_five_wrong_passwords_lock_the_account_with_a_page_that_says_for_how_long(client, demo):
    _fail(client, "focalpoint", 4)
    response = _sign_in(client, "focalpoint", "wrong-password")
    assert response.status_code == 429
    response = _sign_in(client, "focalpoint", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "<h1>Sign-in locked for 15 minutes</h1>" in page
    assert "<strong>focalpoint</strong> is locked for sign-in from this network address after 5 wrong passwords" in page
    assert "Try again in 15 minutes" in page
    assert "Traceback" not in page
    assert "registration/locked_out.html" in [t.name for t in response.templates]


def test_the_limit_and_the_wait_are_settings(client, demo, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = __import__("datetime").timedelta(minutes=1)
    _fail(client, "focalpoint", 1)
    response = _sign_in(client, "focalpoint", "wrong-password")
    assert response.status_code == 429
    assert "<h1>Sign-in locked for 1 minute</h1>" in response.content.decode()


def test_a_right_password_before_the_limit_clears_the_count(client, demo):
    _fail(client, "focalpoint", 4)
    assert _sign_in(client, "focalpoint", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="focalpoint").exists()
    client.logout()
    _fail(client, "focalpoint", 4)  # four more are allowed again
    assert _sign_in(client, "focalpoint", PASSWORD).status_code == 302


def test_another_username_from_the_same_address_or_the_same_from_elsewhere_is_not_locked(client, demo):
    _fail(client, "focalpoint", 5 - 1)
    assert _sign_in(client, "focalpoint", "wrong-password").status_code == 429
    assert _sign_in(client, "expert", PASSWORD).status_code == 302
    client.logout()
    assert _sign_in(client, "focalpoint", PASSWORD, address="10.0.0.2").status_code == 302


def test_the_lock_ends_after_the_cool_off(client, demo, settings):
    import datetime as dt

    _fail(client, "focalpoint", 4)
    assert _sign_in(client, "focalpoint", "wrong-password").status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - dt.timedelta(minutes=16))
    assert _sign_in(client, "focalpoint", PASSWORD).status_code == 302


def test_the_admin_unlocks_through_the_admin_site(client, demo):
    _fail(client, "focalpoint", 4)
    assert _sign_in(client, "focalpoint", "wrong-password").status_code == 429
    attempt = AccessAttempt.objects.get(username="focalpoint")
    admin = User.objects.create_superuser("admin", "admin@example.org", PASSWORD)
    staff = client.__class__()
    staff.force_login(admin)
    page = staff.get("/admin/axes/accessattempt/")
    assert page.status_code == 200 and "focalpoint" in page.content.decode()
    response = staff.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert _sign_in(client, "focalpoint", PASSWORD).status_code == 302


def test_the_admin_unlocks_with_the_command(client, demo, capsys):
    _fail(client, "focalpoint", 4)
    assert _sign_in(client, "focalpoint", "wrong-password").status_code == 429
    call_command("axes_reset_username", "focalpoint")
    assert _sign_in(client, "focalpoint", PASSWORD).status_code == 302
    _fail(client.__class__(), "expert", 5 - 1)
    call_command("axes_reset")
    assert not AccessAttempt.objects.exists()


def test_client_login_in_tests_goes_through_the_lockout_too(client, demo):
    _fail(client, "focalpoint", 4)
    assert _sign_in(client, "focalpoint", "wrong-password").status_code == 429
    # The conftest gives Client.login() a request from 127.0.0.1: another address, not locked.
    assert client.login(username="focalpoint", password=PASSWORD)


def test_the_admin_login_is_locked_the_same_way(client, demo):
    for _ in range(4):
        response = client.post("/admin/login/", {"username": "secretariat", "password": "wrong"})
        assert response.status_code == 200
    response = client.post("/admin/login/", {"username": "secretariat", "password": "wrong"})
    assert response.status_code == 429
    assert "Sign-in locked for 15 minutes" in response.content.decode()
