"""Each rule of recommendations/rules.py, in its two forms (a query filter and a plain
function), picks the same rows; and the pages and the reminder pass agree on the current
mandate."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from recommendations import rules
from recommendations.curation.selectors import dashboard_rows
from recommendations.dates import local_today, start_of_day
from recommendations.models import ImplementationStatus, Mandate, Recommendation
from recommendations.reminders.services import clock_mandates, plan_digests
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = dt.date(2023, 5, 10)


@pytest.fixture
def grid(db):
    """Recommendations over every combination of status, last update, creation and due date
    around the rules' edges, on a situation with a renewed mandate (its cycle began when the
    previous one expired) and on one with no mandate at all."""
    with_mandate = factories.make_situation("Mali", "MLI")
    old = factories.make_mandate(with_mandate, expires_on=dt.date(2022, 6, 30), mission="MINUSMA", paragraphs=0)
    new = factories.make_mandate(with_mandate, expires_on=dt.date(2023, 6, 30), mission="MINUSMA", paragraphs=0)
    Mandate.objects.filter(pk=new.pk).update(renews=old)
    without = factories.make_situation("Haiti", "HTI")
    briefings = [
        factories.make_briefing(with_mandate, new, issued_on=dt.date(2022, 3, 1)),
        factories.make_briefing(without, issued_on=dt.date(2023, 1, 15)),
    ]
    moments = [None, dt.date(2022, 1, 1), dt.date(2022, 6, 29), dt.date(2022, 6, 30), dt.date(2023, 1, 14),
               dt.date(2023, 1, 15), dt.date(2023, 2, 9), dt.date(2023, 2, 10), dt.date(2023, 5, 9)]
    dues = [None, dt.date(2023, 5, 9), TODAY, dt.date(2023, 6, 1)]
    created = [dt.date(2022, 1, 1), dt.date(2023, 2, 10)]
    combos = list(itertools.product(ImplementationStatus.values, moments, dues, created))
    per_briefing = len(combos)
    for briefing in briefings:
        recs = factories.make_recommendations(briefing, per_briefing, link_paragraphs=False)
        for rec, (status, updated, due_on, made) in zip(recs, combos, strict=True):
            Recommendation.objects.filter(pk=rec.pk).update(
                status=status, due_on=due_on, created_at=start_of_day(made) + dt.timedelta(hours=9),
                last_update_at=start_of_day(updated) + dt.timedelta(hours=23, minutes=30) if updated else None,
            )
    return list(Recommendation.objects.select_related("briefing"))


def _ids(qs) -> set[int]:
    return set(qs.values_list("pk", flat=True))


def test_stale_overdue_and_open_agree(grid):
    for today in (TODAY, dt.date(2023, 8, 31)):
        assert _ids(Recommendation.objects.filter(rules.stale_q(today=today))) == {
            r.pk for r in grid
            if rules.is_stale(status=r.status, last_update_at=r.last_update_at, created_at=r.created_at, today=today)
        }
        assert _ids(Recommendation.objects.filter(rules.overdue_q(today=today))) == {
            r.pk for r in grid if rules.is_overdue(status=r.status, due_on=r.due_on, today=today)
        }
    assert _ids(Recommendation.objects.filter(rules.open_q())) == {r.pk for r in grid if rules.is_open(r.status)}
    # stale_q's two parts, each counted along its own index (the secretariat's dashboard):
    # none in both, and together the stale ones.
    updated_before, never_updated = (_ids(Recommendation.objects.filter(q)) for q in rules.stale_parts_q(today=TODAY))
    assert updated_before and never_updated and not updated_before & never_updated
    assert updated_before | never_updated == _ids(Recommendation.objects.filter(rules.stale_q(today=TODAY)))
    # The edges are in the data, on both sides.
    stale = [r for r in grid if rules.is_stale(status=r.status, last_update_at=r.last_update_at,
                                               created_at=r.created_at, today=TODAY)]
    assert 0 < len(stale) < len(grid)


def test_needs_update_agrees_and_follows_the_cycle(grid):
    mandates = rules.current_mandates()
    began = {sid: rules.cycle_start(m) for sid, m in mandates.items()}
    by_query = _ids(Recommendation.objects.filter(rules.needs_update_q(mandates=mandates)))
    by_row = {
        r.pk for r in grid
        if rules.needs_update(status=r.status, last_update_at=r.last_update_at,
                              cycle_began=began.get(r.situation_id), briefing_issued_on=r.briefing.issued_on)
    }
    assert by_query == by_row
    # Given the situations the rows are of (the dashboard's form): the same rows, whether or
    # not one of them has no cycle (Haiti: the briefing's date), for each situation alone too.
    situation_ids = {r.situation_id for r in grid}
    assert situation_ids - set(began), "the grid should hold a situation with no mandate"
    for ids in [situation_ids, set(began), *({sid} for sid in situation_ids)]:
        given = _ids(Recommendation.objects.filter(situation_id__in=ids).filter(
            rules.needs_update_q(mandates=mandates, situation_ids=sorted(ids))))
        assert given == {pk for pk in by_row if next(r for r in grid if r.pk == pk).situation_id in ids}
    mali = next(iter(mandates.values())).situation
    assert began == {mali.pk: dt.date(2022, 6, 30)}
    # Mali: updated the day before the previous mandate expired needs an update; on that day, not.
    def pick(situation_name, updated_on):
        return next(r for r in grid if r.situation.name == situation_name and r.status == "in_progress"
                    and r.last_update_at and timezone.localdate(r.last_update_at) == updated_on)
    assert pick("Mali", dt.date(2022, 6, 29)).pk in by_query
    assert pick("Mali", dt.date(2022, 6, 30)).pk not in by_query
    # Haiti has no mandate: its cycle began with its note, issued 15 January 2023.
    assert pick("Haiti", dt.date(2023, 1, 14)).pk in by_query
    assert pick("Haiti", dt.date(2023, 1, 15)).pk not in by_query


def test_in_cycle_agrees_and_keeps_open_and_closed_this_cycle(grid):
    since = dt.date(2022, 6, 30)
    for start in (since, None):
        by_query = _ids(Recommendation.objects.filter(rules.in_cycle_q(since=start)))
        assert by_query == {
            r.pk for r in grid if rules.is_in_cycle(status=r.status, updated_at=r.last_update_at, since=start)
        }
    assert _ids(Recommendation.objects.filter(rules.in_cycle_q(since=None))) == {r.pk for r in grid}
    in_cycle = _ids(Recommendation.objects.filter(rules.in_cycle_q(since=since)))

    def pick(status, updated_on):
        return next(r for r in grid if r.status == status and (
            timezone.localdate(r.last_update_at) == updated_on if updated_on else r.last_update_at is None))
    # Open: in, however old its last update; closed: in from the cycle's first day only.
    assert pick("not_started", None).pk in in_cycle
    assert pick("in_progress", dt.date(2022, 1, 1)).pk in in_cycle
    assert pick("implemented", dt.date(2022, 6, 29)).pk not in in_cycle
    assert pick("implemented", dt.date(2022, 6, 30)).pk in in_cycle
    assert pick("superseded", None).pk not in in_cycle


def test_two_future_mandates_the_dashboard_and_the_reminders_choose_the_same(demo):
    """The bug: the dashboard took the soonest future mandate, the reminder pass the latest.
    A renewal adopted before the old expiry leaves two future mandates; the current one is
    the renewal."""
    today = local_today()
    first = factories.make_mandate(demo.mali, expires_on=today + dt.timedelta(days=30), mission="MINUSMA")
    renewal = factories.make_mandate(demo.mali, expires_on=today + dt.timedelta(days=395), mission="MINUSMA")
    Mandate.objects.filter(pk=renewal.pk).update(renews=first)
    # The secretariat's rows carry the current mandate's id (fill_dashboard_cards reads the
    # page's mandates); a focal point's, the mandate.
    (row,) = [r for r in dashboard_rows(user=demo.secretariat) if r.situation == demo.mali]
    assert row.mandate_id == renewal.pk and row.days_left == 395
    (row,) = [r for r in dashboard_rows(user=demo.focalpoint) if r.situation == demo.mali]
    assert row.mandate == renewal and row.days_left == 395
    assert clock_mandates()[demo.mali.pk] == renewal
    assert rules.current_mandates(situation_ids=[demo.mali.pk])[demo.mali.pk] == renewal
    # So no renewal digest goes out for the old deadline, 30 days out.
    assert not [d for d in plan_digests(today=today) if d.kind == "renewal"]


def test_a_terminated_mandate_stops_the_clock(demo):
    """A mandate ended by a resolution stays the situation's current one (it says why no
    renewal comes), but no renewal digest or report runs for it."""
    terminating = factories.make_mandate(demo.mali, expires_on=dt.date(2023, 12, 31), mission="MINUSMA", paragraphs=0)
    Mandate.objects.filter(pk=terminating.pk).update(expires_on=None)
    Mandate.objects.filter(pk=demo.mandate.pk).update(terminated_by=terminating)
    assert rules.current_mandates()[demo.mali.pk] == demo.mandate
    assert clock_mandates() == {}
    thirty_days_before = dt.date(2023, 5, 31)
    assert not [d for d in plan_digests(today=thirty_days_before) if d.kind == "renewal"]
    Mandate.objects.filter(pk=demo.mandate.pk).update(terminated_by=None)
    assert [d for d in plan_digests(today=thirty_days_before) if d.kind == "renewal"]
