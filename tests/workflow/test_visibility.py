"""Visibility labels that say who reads; a focal point's default is what they last used; the
Council report counts an owner's internal update as activity this cycle."""

from __future__ import annotations

import re

from recommendations.curation.services import record_status_update
from recommendations.reports.content import build_report_context


def checked_visibility(body: str) -> str:
    return re.search(r'<input type="radio" name="update-visibility" value="(\w+)"[^>]*checked', body).group(1)


def test_labels_say_who_reads_and_the_default_is_the_last_used(world, as_user):
    body = as_user("mission").get(f"/recommendations/{world.rec.pk}/").content.decode()
    assert ">Secretariat and owning entities</label>" in body and ">Also Council experts</label>" in body
    # The mission's last update (world fixture) was internal.
    assert checked_visibility(body) == "internal"
    record_status_update(recommendation=world.rec, author=world.mission, status="partial", note="x", visibility="shared")
    assert checked_visibility(as_user("mission").get(f"/recommendations/{world.rec.pk}/").content.decode()) == "shared"
    # The secretariat's default stays internal.
    assert checked_visibility(as_user("secretariat").get(f"/recommendations/{world.rec.pk}/").content.decode()) == "internal"


def test_the_council_report_counts_an_internal_update_as_activity(world, as_user):
    rec = world.un_women.recommendations.order_by("position").first()
    record_status_update(recommendation=rec, author=world.focalpoint, status="in_progress", note="Internal only")
    context = build_report_context(mandate=world.mandate, audience="council")
    item = next(i for i in context["items"] if i.recommendation.pk == rec.pk)
    assert (item.flagged, item.updated_unshared, item.updates, item.status) == (False, True, [], "not_started")
    body = as_user("expert").get(f"/mandates/{world.mandate.pk}/report/").content.decode()
    title = re.search(rf'id="rec-{rec.pk}">(.*?)</h4>', body, re.S).group(1)
    assert "Updated this cycle, details not shared" in title and "No update this cycle" not in title
    assert "Internal only" not in body
