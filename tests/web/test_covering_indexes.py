"""The covering indexes the counts rely on at scale (issue 14), on PostgreSQL: each count can
be answered from its index alone (an index-only scan, no table page), which is what made it
fast at 100,000 recommendations. With the table scans switched off, the plan must still find
the index and need nothing else from the table."""

from __future__ import annotations

import pytest
from django.db import connection

from recommendations.web.forms import RecommendationListFilter

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="INCLUDE indexes are PostgreSQL's"),
]


def plan_of(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("persona", ["mission", "expert"])
def test_the_lists_count_of_overdue_ones_reads_the_situation_due_index_alone(world, persona, rf):
    request = rf.get("/recommendations/", {"overdue": "on"})
    request.user = getattr(world, persona)
    filterset = RecommendationListFilter(request.GET, request=request)
    plan = plan_of(filterset.qs.values("pk").order_by())
    assert "Index Only Scan using rec_situation_due on recommendations_recommendation" in plan, plan


def test_the_indexes_hold_the_columns_the_counts_read():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN ('rec_situation_due', 'rec_dashboard_counts')")
        found = dict(cursor.fetchall())
    assert found["rec_situation_due"].endswith("(situation_id, due_on) INCLUDE (id, status, shared_status)")
    assert "(situation_id) INCLUDE (id, status, last_update_at, shared_status, shared_update_at" in found["rec_dashboard_counts"]
