"""Content-Security-Policy (django-csp; README, "Security settings"): on every page type, with
a fresh nonce per response, and every <script> of a page either carries it or loads a file
of our own. No page has a <style> element or a style attribute."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

NONCE = re.compile(r"'nonce-([A-Za-z0-9+/]{22}==)'")
SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)


def _pages(demo):
    rec, mandate = demo.recommendations[0], demo.mandate
    return {
        "dashboard": "/",
        "list": "/recommendations/",
        "detail": f"/recommendations/{rec.pk}/",
        "mandate": f"/mandates/{mandate.pk}/",
        "report page": f"/mandates/{mandate.pk}/report/",
        "import": "/import/",
        "calendar": "/calendar/",
        "people": "/people/",
        "tokens": "/account/tokens/",
        "reminder preferences": "/account/reminders/",
    }


def _policy(response) -> dict[str, str]:
    return dict(part.split(" ", 1) for part in response["Content-Security-Policy"].split("; "))


def _nonce(response) -> str:
    """The policy's nonce, after checking the policy is the site's own, directive by directive."""
    policy = _policy(response)
    nonce = NONCE.search(policy["script-src"])[1]
    assert policy == {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{nonce}'",
        "style-src": f"'self' 'nonce-{nonce}'",
        "img-src": "'self' data:",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
        "base-uri": "'self'",
        "object-src": "'none'",
    }
    return nonce


def _check(response, label):
    assert response.status_code == 200, label
    nonce = _nonce(response)
    html = response.content.decode()
    scripts = SCRIPT.findall(html)
    assert scripts, label  # each page loads at least js/app.js
    for attrs in scripts:
        assert f'nonce="{nonce}"' in attrs, (label, attrs)
        src = re.search(r'src="([^"]+)"', attrs)
        assert src and src[1].startswith("/static/"), (label, attrs)
    assert not re.search(r"<style\b", html, re.I), label
    assert not re.search(r"\sstyle=", html, re.I), label
    return nonce


def test_every_page_type_has_the_policy_and_its_scripts_the_nonce(client, demo):
    client.force_login(demo.secretariat)
    nonces = [_check(client.get(url), label) for label, url in _pages(demo).items()]
    assert len(set(nonces)) == len(nonces)  # one per response


def test_the_login_page_and_a_second_response_have_a_fresh_nonce(client, demo):
    first = _check(client.get("/accounts/login/"), "login")
    second = _check(client.get("/accounts/login/"), "login again")
    assert first != second


def test_the_api_documentation_page_has_the_nonce_and_only_what_redoc_needs_beyond(client, demo):
    client.force_login(demo.expert)
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    policy = _policy(response)
    nonce = NONCE.search(policy["script-src"])[1]
    assert policy["script-src"] == f"'self' 'nonce-{nonce}'"
    assert policy["style-src"].startswith(f"'self' 'nonce-{nonce}' 'sha256-")
    assert policy["worker-src"] == "'self' blob:"
    assert "unsafe" not in response["Content-Security-Policy"]
    scripts = SCRIPT.findall(response.content.decode())
    assert len(scripts) == 2
    assert all(f'nonce="{nonce}"' in attrs and 'src="/static/' in attrs for attrs in scripts)


def test_the_reminder_preview_alone_allows_the_emails_style_attributes(client, demo):
    client.force_login(demo.secretariat)
    response = client.get("/reminders/preview/?date=2023-06-05")
    assert response.status_code == 200
    policy = _policy(response)
    assert policy.pop("style-src-attr") == "'unsafe-inline'"
    assert policy["script-src"].startswith("'self' 'nonce-")  # scripts as everywhere else
    assert 'sandbox srcdoc="' in response.content.decode()
    assert "style-src-attr" not in client.get("/").headers["Content-Security-Policy"]


def test_the_lockout_page_has_the_policy_too(client, demo):
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": "expert", "password": "wrong"})
    assert response.status_code == 429
    _nonce(response)
