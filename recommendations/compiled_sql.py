"""Queries run on every page whose SQL is built and compiled once a process, then run again
with other values: the ORM's building and compiling of a query costs the same whatever the
data, and for the few that every page of a reader runs it cost more than running them (the
situations a Council expert follows: ~2.8 ms of CPU to build and compile, ~0.3 ms to run and
read, at 100,000 recommendations; issue 14).

``compiled(build, values)`` gives the SQL and parameters of ``build(*values)``: ``build`` is a
function of plain values (ids) that returns a queryset; it is compiled once for each number of
values and database, with stand-in values, twice (two sets of stand-ins) to check that the SQL
does not depend on them and to find where each value goes among the parameters. A query whose
SQL changes with its values (an inlined value, a branch on a value) is refused with an
AssertionError the first time it is compiled, so a test that runs it once finds out."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from django.db import connections
from django.db.models import QuerySet

# Two sets of stand-ins that no real id takes: negative, and within PostgreSQL's integer.
_FIRST, _SECOND = -1_000_000_000, -2_000_000_000


@functools.lru_cache(maxsize=64)
def _compile(build: Callable[..., QuerySet], count: int, using: str) -> tuple[str, tuple[tuple[bool, object], ...]]:
    """The SQL of ``build`` over ``count`` values on ``using``, and its parameters: for each,
    (True, the index of the value it takes) or (False, a constant)."""
    first = [_FIRST - i for i in range(count)]
    second = [_SECOND - i for i in range(count)]
    sql, params = build(*first).query.get_compiler(using=using).as_sql()
    sql_again, params_again = build(*second).query.get_compiler(using=using).as_sql()
    if sql != sql_again or len(params) != len(params_again):
        raise AssertionError(f"{build.__qualname__}: its SQL depends on its values")
    where = {value: i for i, value in enumerate(first)}
    plan = []
    for param, param_again in zip(params, params_again):
        index = where.get(param) if isinstance(param, int) else None
        if index is not None and param_again == second[index]:
            plan.append((True, index))
        elif param == param_again and param not in where:
            plan.append((False, param))
        else:
            raise AssertionError(f"{build.__qualname__}: a parameter is neither a value nor a constant: {param!r}")
    if sorted({i for is_value, i in plan if is_value}) != list(range(count)):
        raise AssertionError(f"{build.__qualname__}: not every value is a parameter of its SQL")
    return sql, tuple(plan)


def compiled(build: Callable[..., QuerySet], values: Sequence[int], *, using: str = "default") -> tuple[str, list]:
    """The SQL of ``build(*values)`` (compiled once a process for that number of values and
    ``using``) and its parameters for these ``values``."""
    sql, plan = _compile(build, len(values), using)
    return sql, [values[part] if is_value else part for is_value, part in plan]


def rows(build: Callable[..., QuerySet], values: Sequence[int], *, using: str = "default") -> list[tuple]:
    """The rows of ``build(*values)`` (a ``values_list`` queryset), as the database gives them:
    no converters run (use it for columns that need none: ids, text, booleans)."""
    sql, params = compiled(build, values, using=using)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
