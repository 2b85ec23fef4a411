"""The smaller points of issue 13: empty states, wording, hints."""

from __future__ import annotations


def test_no_try_fewer_filters_without_a_filter(world, as_user):
    body = as_user("outsider").get("/recommendations/").content.decode()
    assert "Try fewer filters" not in body
    assert "No recommendation to show yet. They appear once the secretariat imports a note" in body
    body = as_user("secretariat").get("/recommendations/?q=zzzzqqq").content.decode()
    assert "No recommendation matches these filters. Try fewer filters" in body
    assert 'role="status" aria-live="polite" aria-atomic="true"' in body


def test_report_audience_and_due_date_wording(world, as_user):
    body = as_user("expert").get(f"/mandates/{world.mandate.pk}/").content.decode()
    assert "The report will be for Council experts." in body and "for: For" not in body
    body = as_user("secretariat").get(f"/recommendations/{world.rec.pk}/").content.decode()
    assert "Choose the day in the calendar, for example 31 May 2023." in body
