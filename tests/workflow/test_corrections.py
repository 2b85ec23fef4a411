"""Corrections by appending: a later update withdraws or corrects an earlier one by naming it.
A withdrawn update leaves every Council-facing view (page, list, CSV, report) and stays,
struck through with the reason, in the history of the secretariat and the owners."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from recommendations.curation.services import record_status_update, withdraw_status_update
from recommendations.models import StatusUpdate
from recommendations.reports.content import build_report_context
from tests.web.conftest import SHARED_NOTE, snapshot

MISTAKE = "Shared: the minister resigned over the quota."


@pytest.fixture
def mistake(world):
    """MINUSMA's focal point shares an update by mistake, the latest on world.rec."""
    return record_status_update(
        recommendation=world.rec, author=world.mission, status="implemented", note=MISTAKE, visibility="shared",
    )


def csv_text(client, rec) -> str:
    return b"".join(client.get(f"/recommendations/export.csv?q={rec.reference}").streaming_content).decode()


def test_a_withdrawn_update_leaves_every_council_view(world, as_user, mistake):
    expert = as_user("expert")
    assert MISTAKE in expert.get(f"/recommendations/{world.rec.pk}/").content.decode()
    response = as_user("mission").post(
        f"/recommendations/{world.rec.pk}/updates/{mistake.pk}/correct/",
        {"action": "withdraw", "withdraw-reason": "Shared by mistake"},
    )
    assert response.status_code == 302
    world.rec.refresh_from_db()
    # The stored status goes back to the previous update's (in progress, the internal note).
    assert world.rec.status == "in_progress"
    page = expert.get(f"/recommendations/{world.rec.pk}/").content.decode()
    assert MISTAKE not in page and SHARED_NOTE in page and "Shared by mistake" not in page
    assert '<strong class="tag tag--in_progress">In progress</strong>' in page.split('class="status-line"')[1][:200]
    assert MISTAKE not in csv_text(expert, world.rec) and "Implemented" not in csv_text(expert, world.rec)
    report = build_report_context(mandate=world.mandate, audience="council")
    item = next(i for i in report["items"] if i.recommendation.pk == world.rec.pk)
    assert item.status == "in_progress" and [u.note for u in item.updates] == [SHARED_NOTE]
    # The secretariat's history keeps it, struck through, with the reason.
    page = as_user("secretariat").get(f"/recommendations/{world.rec.pk}/").content.decode()
    assert f"<del>{MISTAKE}</del>" in page
    assert "Shared by mistake" in page and "Withdrawn " in page
    # Nothing edited or deleted: one more row, naming the first.
    assert StatusUpdate.objects.filter(recommendation=world.rec).count() == 4
    assert StatusUpdate.objects.get(corrects=mistake).kind == "withdrawal"


def test_a_correction_replaces_the_update_it_names(world, as_user, mistake):
    response = as_user("secretariat").post(f"/recommendations/{world.rec.pk}/updates/{mistake.pk}/correct/", {
        "action": "correct", "correct-status": "partial", "correct-note": "Partly: one minister of two.",
        "correct-visibility": "shared", "correct-evidence": "",
    })
    assert response.status_code == 302
    world.rec.refresh_from_db()
    assert world.rec.status == "partial"
    page = as_user("expert").get(f"/recommendations/{world.rec.pk}/").content.decode()
    assert MISTAKE not in page and "Partly: one minister of two." in page and "Correction</strong>" in page
    page = as_user("mission").get(f"/recommendations/{world.rec.pk}/").content.decode()
    assert f"<del>{MISTAKE}</del>" in page and "Corrected " in page


def test_withdrawing_every_update_leaves_not_started(world):
    for update in list(StatusUpdate.objects.filter(recommendation=world.rec)):
        withdraw_status_update(update=update, author=world.secretariat, reason="Test data")
    world.rec.refresh_from_db()
    assert (world.rec.status, world.rec.last_update_at) == ("not_started", None)


def test_who_may_correct_and_bad_requests(world, as_user, mistake):
    url = f"/recommendations/{world.rec.pk}/updates/{mistake.pk}/correct/"
    assert as_user("expert").get(url).status_code == 403  # may read the rec, may not record
    assert as_user("ssd_expert").get(url).status_code == 404
    assert as_user("focalpoint").get(url).status_code == 403  # sees Mali, does not own this one
    assert as_user("mission").get(url).status_code == 200
    before = snapshot(world.rec)
    response = as_user("mission").post(url, {"action": "withdraw", "withdraw-reason": ""})
    assert response.status_code == 400 and "Say why the update is withdrawn." in response.content.decode()
    assert snapshot(world.rec) == before
    assert as_user("mission").get(f"/recommendations/{world.rec.pk}/updates/999999/correct/").status_code == 404
    withdraw_status_update(update=mistake, author=world.mission, reason="Once")
    # Withdrawn already: no longer correctable; a withdrawal is not correctable either.
    assert as_user("mission").get(url).status_code == 403
    withdrawal = StatusUpdate.objects.get(corrects=mistake)
    assert as_user("secretariat").get(f"/recommendations/{world.rec.pk}/updates/{withdrawal.pk}/correct/").status_code == 403
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusUpdate.objects.create(
            recommendation=world.rec, status="partial", author=world.secretariat, kind="withdrawal", corrects=mistake,
        )
