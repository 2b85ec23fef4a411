"""People in the app for the secretariat: entities with their group, focal points and
Council experts invited by email (a signed link to set a password), experts following and
no longer following situations; everyone else gets 403."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from recommendations import access
from recommendations.models import Entity


def test_only_the_secretariat(world, as_user):
    assert as_user("secretariat").get("/people/").status_code == 200
    for name in ("focalpoint", "expert", "nobody"):
        assert as_user(name).get("/people/").status_code == 403
        assert as_user(name).post("/people/entities/", {"entity-name": "OHCHR"}).status_code == 403
    assert not Entity.objects.filter(name="OHCHR").exists()
    assert as_user("anonymous").get("/people/").status_code == 302


def test_an_entity_and_its_invited_focal_point(world, as_user, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://wps.example.org"
    client = as_user("secretariat")
    assert client.post("/people/entities/", {"entity-name": "OHCHR"}).status_code == 302
    ohchr = Entity.objects.get(name="OHCHR")
    assert ohchr.group.name == "Focal points: OHCHR"
    response = client.post("/people/entities/", {"entity-name": "ohchr"})
    assert response.status_code == 400 and "ohchr is already an entity." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/people/invite/", {
            "invite-email": "amina@example.org", "invite-first_name": "Amina", "invite-role": str(ohchr.pk),
        })
    assert response.status_code == 302
    user = User.objects.get(username="amina@example.org")
    assert not user.has_usable_password() and ohchr.group.user_set.filter(pk=user.pk).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["amina@example.org"]
    link = re.search(r"https://wps\.example\.org(/accounts/reset/[^/]+/[^/]+/)", mail.outbox[0].body).group(1)
    # The invited person sets a password through the link, then signs in.
    visitor = Client()
    form_url = visitor.get(link).url  # Django moves the token into the session
    response = visitor.post(form_url, {"new_password1": "a-long-new-passphrase-1", "new_password2": "a-long-new-passphrase-1"})
    assert response.status_code == 302
    assert visitor.login(username="amina@example.org", password="a-long-new-passphrase-1")
    # The same address twice: a form error, nothing written, no email.
    response = client.post("/people/invite/", {"invite-email": "AMINA@example.org", "invite-role": "expert"})
    assert response.status_code == 400 and "Someone already has the address" in response.content.decode()
    assert User.objects.filter(email__iexact="amina@example.org").count() == 1 and len(mail.outbox) == 1


def test_experts_follow_and_stop_following(world, as_user):
    client = as_user("secretariat")
    assert access.Reader.of(world.outsider).situations().count() == 0
    data = {"follow-expert": world.outsider.pk, "follow-situation": world.mali.pk}
    assert client.post("/people/follow/", data).status_code == 302
    assert list(access.Reader.of(world.outsider).situations().values_list("name", flat=True)) == ["Mali"]
    page = client.get("/people/").content.decode()
    assert "Stop following<span class=\"visually-hidden\"> Mali for outsider" in page
    assert client.post("/people/unfollow/", data).status_code == 302
    assert access.Reader.of(world.outsider).situations().count() == 0
    # Only Council experts can be chosen.
    response = client.post("/people/follow/", {"follow-expert": world.focalpoint.pk, "follow-situation": world.mali.pk})
    assert response.status_code == 400
