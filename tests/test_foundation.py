"""The foundation: settings from the environment, database constraints, append-only status
updates, the demo data and the health check."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from recommendations import access
from recommendations.curation.services import (
    assign_owner,
    link_paragraph,
    record_status_update,
    remove_owner,
    set_uptake,
)
from recommendations.importing.save import import_ieg_update
from recommendations.models import (
    AppendOnlyError,
    Briefing,
    MandateParagraph,
    Ownership,
    Recommendation,
    Reminder,
    StatusUpdate,
)

ROOT = Path(__file__).resolve().parents[1]


# --- settings ------------------------------------------------------------------------------


def _start_django(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_", "EMAIL_URL"))}
    base.update({"DEBUG": "1", "WPS_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "wpsfollowup.settings"})
    base.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT, env=base, capture_output=True, text=True, timeout=60,
    )


@pytest.mark.parametrize(
    "env, variable",
    [
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"DEBUG": "0", "SECRET_KEY": "", "DATABASE_URL": "sqlite:////tmp/x.sqlite3"}, "SECRET_KEY"),
        ({"DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL"),
        ({"CELERY_BROKER_URL": "kafka://x"}, "CELERY_BROKER_URL"),
        ({"EMAIL_URL": "pigeon://x"}, "EMAIL_URL"),
        ({"TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE"),
        ({"WPS_STALE_AFTER_DAYS": "ninety"}, "WPS_STALE_AFTER_DAYS"),
        ({"WPS_RENEWAL_REMINDER_DAYS": "60,x"}, "WPS_RENEWAL_REMINDER_DAYS"),
        ({"WPS_DAILY_PASS_HOUR": "25"}, "WPS_DAILY_PASS_HOUR"),
    ],
)
def test_a_bad_setting_stops_start_up_naming_the_variable(tmp_path, env, variable):
    result = _start_django(tmp_path, **env)
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert variable in result.stderr.splitlines()[-1]


def test_embedded_defaults_start_and_keep_one_secret_key(tmp_path):
    assert _start_django(tmp_path).returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) > 40
    assert _start_django(tmp_path).returncode == 0
    assert (tmp_path / "secret_key").read_text() == key


def test_production_settings_start_with_a_secret_key(tmp_path):
    result = _start_django(tmp_path, DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr


def test_a_web_process_freezes_what_it_loaded_and_serves(tmp_path):
    """wsgi.py: the application, every view module imported, and what was loaded frozen out of
    the garbage collector's full collections (issue 14). The load test (benchmarks/load.py) serves
    every page through it under gunicorn."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_", "EMAIL_URL"))}
    base.update({"DEBUG": "1", "WPS_VAR_DIR": str(tmp_path)})
    code = (
        "import gc, sys\n"
        "from wpsfollowup.wsgi import application\n"
        "print(gc.get_freeze_count() > 50000, 'recommendations.web.views' in sys.modules)\n"
        "print(type(application).__name__)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "WSGIHandler"]


# --- constraints ---------------------------------------------------------------------------


@pytest.fixture
def mali(demo):
    return demo


def _integrity_error(fn) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


def test_one_reference_per_recommendation(mali):
    rec = mali.recommendations[0]
    _integrity_error(
        lambda: Recommendation.objects.create(
            briefing=rec.briefing, situation=rec.situation, reference=rec.reference, position=99,
            text="x", addressee="security_council",
        )
    )


def test_one_paragraph_per_mandate_kind_number_sub_item(mali):
    _integrity_error(
        lambda: MandateParagraph.objects.create(
            mandate=mali.mandate, kind="operative", number="26", sub_item="c", text="again", position=99
        )
    )


def test_one_briefing_per_text_hash(mali):
    briefing = Briefing.objects.get()
    _integrity_error(
        lambda: Briefing.objects.create(
            situation=briefing.situation, title="copy", issued_on=briefing.issued_on,
            original_text="copy", sha256=briefing.sha256,
        )
    )


def test_one_reminder_per_recipient_kind_and_period(mali):
    Reminder.objects.create(recipient=mali.focalpoint, kind="renewal", period="mandate-1:T-30", email="a@example.org")
    _integrity_error(
        lambda: Reminder.objects.create(
            recipient=mali.focalpoint, kind="renewal", period="mandate-1:T-30", email="a@example.org"
        )
    )


def test_one_ownership_per_entity_and_recommendation(mali):
    rec = mali.recommendations[0]
    _integrity_error(lambda: Ownership.objects.create(recommendation=rec, entity=mali.un_women))


# --- append-only status updates ------------------------------------------------------------


def test_status_updates_are_never_changed_or_deleted(mali):
    rec = mali.recommendations[1]
    update = record_status_update(
        recommendation=rec, author=mali.focalpoint, status="in_progress", note="First note"
    )
    update.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        update.save()
    with pytest.raises(AppendOnlyError):
        update.delete()
    with pytest.raises(AppendOnlyError):
        StatusUpdate.objects.filter(pk=update.pk).update(note="rewritten")
    with pytest.raises(AppendOnlyError):
        StatusUpdate.objects.all().delete()
    assert StatusUpdate.objects.get(pk=update.pk).note == "First note"

    request = RequestFactory().get("/admin/")
    request.user = User.objects.create_superuser("root", "root@example.org", "pw")
    model_admin = admin.site._registry[StatusUpdate]
    assert not model_admin.has_change_permission(request, update)
    assert not model_admin.has_delete_permission(request, update)
    assert not model_admin.has_add_permission(request)


def test_a_correction_is_a_new_update_and_becomes_the_current_status(mali):
    rec = mali.recommendations[1]
    record_status_update(recommendation=rec, author=mali.focalpoint, status="implemented", note="Oops")
    record_status_update(recommendation=rec, author=mali.focalpoint, status="in_progress", note="Correction")
    rec.refresh_from_db()
    assert rec.status == "in_progress"
    assert list(rec.status_updates.values_list("note", flat=True)) == ["Correction", "Oops"]
    # Recorded on behalf of the author's entity among the owners.
    assert {u.on_behalf_of for u in rec.status_updates.all()} == {mali.un_women}


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"status": "finished"}, "Unknown status"),
        ({"status": "in_progress", "visibility": "public"}, "Unknown visibility"),
        ({"status": "in_progress", "evidence": ["S/2022/595", "not a symbol"]}, "neither a UN document symbol"),
        ({"status": "in_progress", "evidence": ["javascript:alert(1)"]}, "neither a UN document symbol"),
    ],
)
def test_bad_status_update_says_why_and_writes_nothing(mali, kwargs, message):
    rec = mali.recommendations[1]
    with pytest.raises(ValidationError, match=message):
        record_status_update(recommendation=rec, author=mali.focalpoint, **kwargs)
    rec.refresh_from_db()
    assert rec.status == "not_started" and rec.last_update_at is None
    assert StatusUpdate.objects.count() == 0


def test_evidence_keeps_symbols_and_links(mali):
    update = record_status_update(
        recommendation=mali.recommendations[1], author=mali.secretariat, status="in_progress",
        evidence=[" S/2022/595 ", "S/RES/2640 (2022)", "https://digitallibrary.un.org/record/1", "S/2022/595"],
    )
    assert update.evidence == ["S/2022/595", "S/RES/2640 (2022)", "https://digitallibrary.un.org/record/1"]


# --- demo data and permissions -------------------------------------------------------------


def _demo_counts():
    return (
        User.objects.count(), Recommendation.objects.count(), Ownership.objects.count(),
        MandateParagraph.objects.count(), Briefing.objects.count(),
    )


@pytest.mark.django_db
def test_load_demo_twice_is_harmless_and_prints_the_logins():
    out = StringIO()
    call_command("load_demo", "--password", "pw-one-2345", stdout=out)
    first = _demo_counts()
    call_command("load_demo", stdout=StringIO())
    assert _demo_counts() == first == (5, 12, 12, 22, 1)
    text = out.getvalue()
    for username in ("secretariat", "focalpoint", "mission", "expert", "outsider"):
        assert username in text
        assert User.objects.get(username=username).email == f"{username}@example.org"
    # The password given the first time still works: the second run did not reset it.
    assert User.objects.get(username="expert").check_password("pw-one-2345")


def test_demo_owners_mission_gets_what_asks_the_mission(mali):
    owners = {r.reference: [e.name for e in r.owners.all()] for r in Recommendation.objects.all()}
    assert owners.pop("MLI-2023-03-R03") == ["MINUSMA"]
    assert set(map(tuple, owners.values())) == {("UN Women",)}


def test_demo_roles(mali):
    r02, r03 = mali.recommendations[1], mali.recommendations[2]
    assert access.is_secretariat(mali.secretariat)
    assert not access.is_secretariat(mali.focalpoint)
    assert access.can_update_status(mali.focalpoint, r02) and not access.can_update_status(mali.focalpoint, r03)
    assert access.can_update_status(mali.mission, r03) and not access.can_update_status(mali.mission, r02)
    assert not access.can_update_status(mali.expert, r02)
    assert list(access.visible_situations(mali.expert)) == [mali.mali]
    assert list(access.visible_situations(mali.focalpoint)) == [mali.mali]
    assert list(access.visible_situations(mali.outsider)) == []
    assert access.visible_recommendations(mali.outsider).count() == 0
    assert access.visible_recommendations(mali.expert).count() == 12
    assert {r.pk for r in mali.recommendations if access.can_update_status(mali.focalpoint, r)} == {
        r.pk for r in mali.recommendations if r.reference != "MLI-2023-03-R03"
    }


def test_ownership_grants_and_revokes_permissions(mali):
    r02 = mali.recommendations[1]
    assert not access.can_update_status(mali.mission, r02)
    assign_owner(recommendation=r02, entity=mali.minusma, assigned_by=mali.secretariat)
    mali.mission = User.objects.get(pk=mali.mission.pk)  # fresh permission cache
    assert access.can_update_status(mali.mission, r02)
    remove_owner(recommendation=r02, entity=mali.minusma)
    mali.mission = User.objects.get(pk=mali.mission.pk)
    assert not access.can_update_status(mali.mission, r02)
    # MINUSMA still owns R03 on Mali, so its focal point still reads Mali.
    assert list(access.visible_situations(mali.mission)) == [mali.mali]
    remove_owner(recommendation=mali.recommendations[2], entity=mali.minusma)
    mali.mission = User.objects.get(pk=mali.mission.pk)
    assert list(access.visible_situations(mali.mission)) == []


def test_internal_notes_are_for_secretariat_and_owners_only(mali):
    r02 = mali.recommendations[1]
    record_status_update(recommendation=r02, author=mali.focalpoint, status="in_progress", note="internal words")
    record_status_update(
        recommendation=r02, author=mali.focalpoint, status="in_progress", note="shared words", visibility="shared"
    )
    for user, notes in [
        (mali.secretariat, {"internal words", "shared words"}),
        (mali.focalpoint, {"internal words", "shared words"}),
        (mali.mission, {"shared words"}),
        (mali.expert, {"shared words"}),
    ]:
        assert set(access.Reader.of(user).updates(r02.status_updates.all()).values_list("note", flat=True)) == notes


def test_uptake_needs_the_reflecting_paragraph(mali):
    rec = mali.recommendations[1]
    with pytest.raises(ValidationError, match="which paragraph"):
        set_uptake(recommendation=rec, uptake="reflected")
    paragraph = mali.mandate.paragraphs.get(number="3", sub_item="")
    set_uptake(recommendation=rec, uptake="reflected", paragraph=paragraph)
    rec.refresh_from_db()
    assert (rec.uptake, rec.uptake_paragraph) == ("reflected", paragraph)


def test_links_only_to_paragraphs_of_the_same_situation(personas):
    other_paragraph = personas.ssd_mandate.paragraphs.first()
    with pytest.raises(ValidationError, match="another situation"):
        link_paragraph(recommendation=personas.recommendations[0], paragraph=other_paragraph, user=None)


def test_a_later_note_repeating_a_recommendation_points_to_it_and_keeps_its_owners(mali):
    sample = (ROOT / "recommendations" / "fixtures" / "ieg-update-mali-2023-03-28.txt").read_text()
    later = sample.replace("March 28th 2023", "March 20th 2024", 1).replace(
        "resolution 2640 (2022) extending the mandate of MINUSMA until 30 June 2023",
        "resolution 2690 (2023) extending the mandate of MINUSMA until 31 December 2023",
    )
    outcome = import_ieg_update(data=later.encode())
    assert outcome.references[0] == "MLI-2024-03-R01"
    new = Recommendation.objects.get(reference="MLI-2024-03-R03")
    assert new.previous.reference == "MLI-2023-03-R03"
    assert new.relation_to_previous == "repeats"
    assert [e.name for e in new.owners.all()] == ["MINUSMA"]
    assert new.briefing.mandate.renews == mali.mandate
    # The mandate it quotes expired before the note: due 30 days after the note, never before it (issue 11).
    assert new.due_on == dt.date(2024, 4, 19)


# --- health check --------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_checks_database_and_broker_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "last_reminder_pass": None}


@pytest.mark.django_db
def test_healthz_says_503_when_the_broker_is_down(client, settings):
    from wpsfollowup.celery import app

    previous = app.conf.broker_url, app.conf.broker_write_url
    # Nothing listens on port 1; the write URL is the one a send would use.
    app.conf.broker_url = app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url, app.conf.broker_write_url = previous
    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"
