"""compiled_sql: a query's SQL compiled once a process, run again with other values, gives
what the ORM gives for those values; a query whose SQL depends on its values is refused."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.test.utils import CaptureQueriesContext

from recommendations import compiled_sql
from recommendations.models import Recommendation, Situation


def situations_named_like(situation_id: int) -> Situation:
    """A constant beside the value (the name test), and the value twice."""
    return (
        Situation.objects.filter(Q(pk=situation_id) | Q(pk__gt=situation_id, name__icontains="a"))
        .order_by("name")
        .values_list("pk", "name")
    )


def recommendations_of(*situation_ids: int):
    return Recommendation.objects.filter(situation_id__in=situation_ids).order_by("pk").values_list("pk", "reference")


def test_the_rows_are_the_orms_for_any_values(personas):
    mali, south_sudan = personas.mali.pk, personas.south_sudan.pk
    for pk in (mali, south_sudan, 0, 10**6):
        assert compiled_sql.rows(situations_named_like, [pk]) == list(situations_named_like(pk))
    for ids in ([mali], [south_sudan, mali], [mali, 10**6], [10**6, 10**6 + 1]):
        assert compiled_sql.rows(recommendations_of, ids) == list(recommendations_of(*ids))
    assert len(compiled_sql.rows(recommendations_of, [mali, south_sudan])) == Recommendation.objects.count() > 0


def test_compiled_once_then_run_in_one_query(demo):
    compiled_sql.rows(recommendations_of, [1, 2, 3])
    with CaptureQueriesContext(connection) as ctx:
        sql, params = compiled_sql.compiled(recommendations_of, [7, 8, 9])
        assert params == [7, 8, 9]
        compiled_sql.rows(recommendations_of, [7, 8, 9])
    assert len(ctx.captured_queries) == 1
    assert compiled_sql.compiled(recommendations_of, [4, 5, 6])[0] == sql


def inlined(situation_id: int):
    return Situation.objects.filter(pk__in=RawSQL(f"SELECT {int(situation_id)}", ())).values_list("pk")


def ignored(first: int, second: int):
    return Situation.objects.filter(pk=first).values_list("pk")


def shifted(situation_id: int):
    return Situation.objects.filter(pk=situation_id + 1).values_list("pk")


@pytest.mark.parametrize(
    ("build", "values", "message"),
    [
        (inlined, [1], "its SQL depends on its values"),
        (ignored, [1, 2], "not every value is a parameter of its SQL"),
        (shifted, [1], "a parameter is neither a value nor a constant"),
    ],
)
def test_a_query_whose_sql_depends_on_its_values_is_refused(db, build, values, message):
    with pytest.raises(AssertionError, match=message):
        compiled_sql.compiled(build, values)
