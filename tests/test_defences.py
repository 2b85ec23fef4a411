"""The defences a deployment expects (README, "Security settings"): headers, caching,
HTTPS settings, rate limits, the reset link and the refused example key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail

from recommendations.models import ProgressReport
from recommendations.web.middleware import PERMISSIONS_POLICY

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]


def _run(tmp_path: Path, args: list[str], **env: str) -> subprocess.CompletedProcess:
    # Not the test run's own variables (DJANGO_ALLOW_ASYNC_UNSAFE is set for Playwright).
    drop = ("DATABASE_URL", "CELERY_", "EMAIL_URL", "SECURE_", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    base.update({"WPS_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "wpsfollowup.settings", **env})
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120)


PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x7Tq-9vL2pR_yW4mN8bK3sD6fH1jZ5cA0eG-uI9oP2lQ7wE4rT6yU8iO1pA3sD5f",
    "ALLOWED_HOSTS": "wps.example.org",
    "SITE_URL": "https://wps.example.org",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
}


def test_check_deploy_is_clean_with_the_production_environment(tmp_path):
    env = {**PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    result = _run(tmp_path, ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_example_secret_key_is_refused_at_start_up(tmp_path):
    result = _run(
        tmp_path, ["-c", "import django; django.setup()"],
        DEBUG="1", SECRET_KEY="change-me-to-a-long-random-string",
    )
    assert result.returncode != 0
    assert "SECRET_KEY is the placeholder of .env.example" in result.stderr


def test_https_settings_are_on_in_production_and_off_by_default(tmp_path):
    show = "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER)"
    code = f"import django; django.setup(); {show}"
    prod = _run(tmp_path, ["-c", code], **PRODUCTION_ENV, DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    assert prod.stdout.strip() == "True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https')", prod.stderr
    embedded = _run(tmp_path, ["-c", code], DEBUG="1")
    assert embedded.stdout.strip() == "False 0 None", embedded.stderr


def test_permissions_policy_everywhere_and_no_store_when_signed_in(client, demo):
    response = client.get("/accounts/login/")
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    client.force_login(demo.focalpoint)
    for url in ("/", "/recommendations/", f"/recommendations/{demo.recommendations[0].pk}/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], url
        assert response["Permissions-Policy"] == PERMISSIONS_POLICY


def test_downloads_are_no_store(client, demo, settings, tmp_path):
    from recommendations.reports import create_progress_report, generate_progress_report

    settings.MEDIA_ROOT = tmp_path / "media"
    report = create_progress_report(mandate=demo.mandate, audience="council", requested_by=demo.secretariat)
    generate_progress_report(report_id=report.pk)
    client.force_login(demo.expert)
    response = client.get(f"/reports/{report.pk}/download/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_reset_link_is_built_from_site_url_not_the_request_host(client, demo, settings):
    settings.SITE_URL = "https://wps.example.org"
    response = client.post("/accounts/password-reset/", {"email": "focalpoint@example.org"}, HTTP_HOST="127.0.0.1")
    assert response.status_code == 302
    [message] = mail.outbox
    assert "https://wps.example.org/accounts/" in message.body
    assert "127.0.0.1" not in message.body


def test_password_reset_is_rate_limited(client, demo, settings):
    settings.WPS_PASSWORD_RESET_LIMIT = 3
    for _ in range(5):
        response = client.post("/accounts/password-reset/", {"email": "focalpoint@example.org"})
        assert response.status_code == 302  # the same answer, over the limit or not
    assert len(mail.outbox) == 3


def test_report_generation_is_rate_limited(client, demo, settings, django_capture_on_commit_callbacks):
    settings.WPS_REPORT_GENERATE_LIMIT = 2
    client.force_login(demo.secretariat)
    url = f"/mandates/{demo.mandate.pk}/report/generate/"
    statuses = [client.post(url, {"audience": "council"}).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert ProgressReport.objects.count() == 2
    assert "more than 2 reports in ten minutes" in client.post(url, {"audience": "council"}).content.decode()
