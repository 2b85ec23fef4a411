"""Keeps the database's refusal to change or delete a status update in place on SQLite.

Migration 0004_issue12_status_update_triggers creates the triggers. SQLite, unlike
PostgreSQL, cannot alter most of a table in place: a later migration that adds a foreign key
or a constraint to StatusUpdate rebuilds the table (create, copy, drop, rename), and the
triggers go with the old table. So after every migrate the triggers are asserted again
(CREATE ... IF NOT EXISTS: nothing happens when they are there). The statements are the
migration's own, repeated here because a migration must not change with the code."""

from __future__ import annotations

from django.db import connections

TABLE = "recommendations_statusupdate"
MESSAGE = "Status updates are append-only: record a new update instead of changing or deleting one."
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS status_update_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER IF NOT EXISTS status_update_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]


def ensure_triggers(sender=None, *, using: str = "default", **kwargs) -> None:
    """post_migrate receiver: on SQLite, the triggers exist once migrate is done."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [TABLE])
        if cursor.fetchone() is None:
            return  # migrated backwards past the table
        for sql in SQLITE_TRIGGERS:
            cursor.execute(sql)
