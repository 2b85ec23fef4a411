"""The daily pass costs a fixed number of queries per digest, whatever the number of
recommendations (DESIGN.md, "Speed and scale")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recommendations.models import Recommendation, Reminder
from recommendations.people.services import add_focal_point, create_entity
from recommendations.reminders.services import DIGEST_MAX_ITEMS, run_daily_pass, send_reminder
from tests import factories

MONDAY = dt.date(2024, 1, 8)

# The last completed pass's day and this pass's row; the pass's savepoint and its release;
# deciding: current mandates, the renewal rows, the users' addresses, the situations, who
# turned weekly digests off, the stale rows, the overdue rows, the already-sent check;
# writing: the Reminder rows, then reading the rows to send (stuck ones included); the pass
# marked completed. Sending one digest: claim, the row, its mandate, the person's previous
# email (what they were already told), its recommendations, the sent mark.
PASS_QUERIES = 15
QUERIES_PER_DIGEST = 6


def build(size: int) -> None:
    situation = factories.make_situation("South Sudan", "SSD")
    mandate = factories.make_mandate(situation, expires_on=MONDAY + dt.timedelta(days=30))
    briefing = factories.make_briefing(situation, mandate, issued_on=dt.date(2023, 2, 1))
    entity = create_entity(name="UNMISS")
    for name in ("fp1", "fp2"):
        add_focal_point(entity=entity, user=factories.make_user(name))
    factories.make_recommendations(
        briefing, size, owners=[entity], due_on=MONDAY - dt.timedelta(days=1), link_paragraphs=False
    )
    # Old enough to be stale too: each focal point gets a renewal, a stale and an overdue digest.
    Recommendation.objects.update(created_at=timezone.now().replace(year=2023, month=1, day=1))


@pytest.mark.parametrize("size", [12, 300])
def test_pass_query_count_does_not_grow_with_recommendations(db, settings, size):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    build(size)
    with CaptureQueriesContext(connection) as pass_queries:
        result = run_daily_pass(today=MONDAY, queue=False)
    with CaptureQueriesContext(connection) as send_queries:
        for pk in result.to_send:
            assert send_reminder(reminder_id=pk)
    digests = len(result.to_send)
    assert digests == 6
    assert Reminder.objects.filter(state=Reminder.State.SENT).count() == 6
    # Every digest lists every recommendation, up to DIGEST_MAX_ITEMS; it counts them all.
    assert {len(r.payload["recommendations"]) for r in Reminder.objects.all()} == {min(size, DIGEST_MAX_ITEMS)}
    assert {r.payload["total"] for r in Reminder.objects.all()} == {size}
    sql = "\n".join(q["sql"][:300] for q in pass_queries.captured_queries)
    assert len(pass_queries) == PASS_QUERIES, f"the pass made {len(pass_queries)} queries:\n{sql}"
    sql = "\n".join(q["sql"][:300] for q in send_queries.captured_queries[:QUERIES_PER_DIGEST * 2])
    assert len(send_queries) == QUERIES_PER_DIGEST * digests, f"sending made {len(send_queries)} queries:\n{sql}"


def test_a_digest_lists_25_due_soonest_first_then_and_n_more_with_the_filtered_list(db, settings):
    """Issue 14: at most 25 items per email, due soonest first, then "And N more" linking to
    the list filtered the same way (situation, owner, stale or overdue, sorted by due date)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core import mail

    build(40)
    recs = list(Recommendation.objects.order_by("reference"))
    # The last ten are due soonest: they come first in every digest.
    for i, rec in enumerate(recs[-10:]):
        Recommendation.objects.filter(pk=rec.pk).update(due_on=MONDAY - dt.timedelta(days=30 - i))
    result = run_daily_pass(today=MONDAY, queue=False)
    for pk in result.to_send:
        send_reminder(reminder_id=pk)
    overdue = next(m for m in mail.outbox if m.to == ["fp1@example.org"] and "past due" in m.subject)
    assert "40 recommendations are past due" in overdue.subject
    assert "These 40 recommendations on South Sudan are past their due date" in overdue.body
    listed = [line.split(" — ")[0] for line in overdue.body.splitlines() if line.startswith("SSD-")]
    assert len(listed) == 25
    assert listed[:10] == [r.reference for r in recs[-10:]]
    assert listed[10:] == [r.reference for r in recs[:15]]
    reminder = Reminder.objects.get(recipient__username="fp1", kind="overdue")
    entity = reminder.recipient.groups.get().entity
    url = (f"http://testserver/recommendations/?situation={recs[0].situation_id}&sort=due&owner={entity.pk}"
           "&overdue=on")
    assert f"And 15 more, due later: {url}\n" in overdue.body
    [(html, _)] = overdue.alternatives
    assert url.replace("&", "&amp;") in html and "And 15 more, due later" in html
