"""The database itself refuses to change or delete a status update (DESIGN.md: StatusUpdate
is append-only). The model and its queryset refuse the ORM's ordinary paths; these triggers
refuse every other one: ``bulk_create(update_conflicts=True)``, the base manager's
``update()``/``delete()``, ``_raw_delete()``, ``save_base()`` and raw SQL.

PostgreSQL: one function raising ``append_only`` (SQLSTATE 55000, "object not in
prerequisite state") BEFORE UPDATE OR DELETE on each row. SQLite: two triggers that
``RAISE(ABORT, ...)``. TRUNCATE (PostgreSQL) and ``manage.py flush`` (which empties every
table, see recommendations/management/commands/flush.py) are not refused: they erase the
whole database, not a record's history.
"""

from django.db import migrations

TABLE = "recommendations_statusupdate"
MESSAGE = "Status updates are append-only: record a new update instead of changing or deleting one."

POSTGRES_FORWARD = f"""
CREATE OR REPLACE FUNCTION wps_status_update_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = '55000';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER status_update_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION wps_status_update_append_only();
"""
POSTGRES_REVERSE = f"""
DROP TRIGGER IF EXISTS status_update_append_only ON {TABLE};
DROP FUNCTION IF EXISTS wps_status_update_append_only();
"""

SQLITE_FORWARD = [
    f"""CREATE TRIGGER IF NOT EXISTS status_update_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER IF NOT EXISTS status_update_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS status_update_no_update;",
    "DROP TRIGGER IF EXISTS status_update_no_delete;",
]


def _run(connection, statements: dict[str, list[str]]) -> None:
    with connection.cursor() as cursor:
        for sql in statements.get(connection.vendor, []):
            cursor.execute(sql)


def create_triggers(connection) -> None:
    _run(connection, {"postgresql": [POSTGRES_FORWARD], "sqlite": SQLITE_FORWARD})


def drop_triggers(connection) -> None:
    _run(connection, {"postgresql": [POSTGRES_REVERSE], "sqlite": SQLITE_REVERSE})


def forward(apps, schema_editor):
    create_triggers(schema_editor.connection)


def reverse(apps, schema_editor):
    drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0003_ownership_is_the_right")]

    operations = [migrations.RunPython(forward, reverse, elidable=False)]
