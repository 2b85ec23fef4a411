"""Named personas, built once per test from the demo data (DESIGN.md "Who uses it")."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser, User

from recommendations.demo import load_demo
from recommendations.models import Entity, Mandate, Recommendation, Situation
from recommendations.people.services import follow_situation
from tests import factories

PASSWORD = "demo-password"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate limits count in the cache, which outlives a test: each test starts at zero."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _language_as_it_was():
    """A request through the test client activates its language (a French Accept-Language,
    the language cookie) and leaves it active in the thread: each test ends in the language it
    began with, so no later test runs in French by accident."""
    from django.utils import translation

    language = translation.get_language()
    yield
    if language is None:
        translation.deactivate_all()
    else:
        translation.activate(language)


@pytest.fixture(autouse=True)
def _client_login_passes_a_request(monkeypatch):
    """django-axes (the sign-in lockout) checks every authenticate() against the request's
    username and address, and refuses one without a request; Django's Client.login() passes
    none. Give it one, as a browser's sign-in would have, so the lockout stays on in every test."""
    from django.test import Client, RequestFactory

    original = Client.login

    def login(self, **credentials):
        credentials.setdefault("request", RequestFactory().post("/accounts/login/"))
        return original(self, **credentials)

    monkeypatch.setattr(Client, "login", login)


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """PBKDF2 took most of the suite's setup (five demo users hashed in every test that
    builds the demo); the hasher is not what the tests are about. One setting, whole suite."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo(db):
    """The demo of `load_demo`: Mali, its mandate and twelve recommendations, UN Women and
    MINUSMA, and the users secretariat, focalpoint, mission, expert and outsider."""
    load_demo(password=PASSWORD)
    users = {u.username: u for u in User.objects.all()}
    mali = Situation.objects.get(name="Mali")
    return SimpleNamespace(
        mali=mali,
        mandate=Mandate.objects.get(symbol="S/RES/2640 (2022)"),
        recommendations=list(Recommendation.objects.filter(situation=mali).order_by("position")),
        un_women=Entity.objects.get(name="UN Women"),
        minusma=Entity.objects.get(name="MINUSMA"),
        secretariat=users["secretariat"],
        focalpoint=users["focalpoint"],
        mission=users["mission"],
        expert=users["expert"],
        outsider=users["outsider"],
    )


@pytest.fixture
def personas(demo):
    """The demo plus: South Sudan with its own mandate and an expert following it, a
    signed-in user with no role, and an anonymous visitor."""
    south_sudan = factories.make_situation("South Sudan", "SSD")
    ssd_mandate = factories.make_mandate(south_sudan, expires_on=dt.date(2024, 4, 30))
    ssd_briefing = factories.make_briefing(south_sudan, ssd_mandate)
    factories.make_recommendations(ssd_briefing, 2)
    ssd_expert = factories.make_user("ssd_expert", password=PASSWORD)
    follow_situation(user=ssd_expert, situation=south_sudan)
    demo.south_sudan = south_sudan
    demo.ssd_mandate = ssd_mandate
    demo.ssd_expert = ssd_expert
    demo.nobody = factories.make_user("nobody", password=PASSWORD)
    demo.anonymous = AnonymousUser()
    return demo
