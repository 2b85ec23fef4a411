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
from recommendations.reminders.services import run_daily_pass, send_reminder
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
    # Every digest lists every recommendation.
    assert {len(r.payload["recommendations"]) for r in Reminder.objects.all()} == {size}
    sql = "\n".join(q["sql"][:300] for q in pass_queries.captured_queries)
    assert len(pass_queries) == PASS_QUERIES, f"the pass made {len(pass_queries)} queries:\n{sql}"
    sql = "\n".join(q["sql"][:300] for q in send_queries.captured_queries[:QUERIES_PER_DIGEST * 2])
    assert len(send_queries) == QUERIES_PER_DIGEST * digests, f"sending made {len(send_queries)} queries:\n{sql}"
