"""The database refuses to change or delete a status update, whatever path asks (migration
0004's triggers, on SQLite and PostgreSQL): each path below is refused with the triggers'
message, and the row is as it was."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models.deletion import ProtectedError

from recommendations.curation.services import record_status_update
from recommendations.demo import load_demo
from recommendations.models import Recommendation, Situation, StatusUpdate

MESSAGE = "Status updates are append-only: record a new update instead of changing or deleting one."


@pytest.fixture
def update(demo):
    return record_status_update(
        recommendation=demo.recommendations[1], author=demo.focalpoint, status="in_progress", note="First note"
    )


def _refused(action) -> None:
    with pytest.raises(DatabaseError) as error, transaction.atomic():
        action()
    assert MESSAGE in str(error.value)


def _unchanged(update) -> None:
    row = StatusUpdate._base_manager.get(pk=update.pk)
    assert (row.note, row.status, row.recommendation_id) == ("First note", "in_progress", update.recommendation_id)


def test_bulk_create_update_conflicts_is_refused(update):
    clash = StatusUpdate(
        pk=update.pk, recommendation=update.recommendation, status="implemented", note="rewritten",
        author=update.author,
    )
    _refused(lambda: StatusUpdate.objects.bulk_create(
        [clash], update_conflicts=True, unique_fields=["id"], update_fields=["note", "status"]
    ))
    _unchanged(update)


def test_base_manager_update_is_refused(update):
    _refused(lambda: StatusUpdate._base_manager.filter(pk=update.pk).update(note="rewritten"))
    _unchanged(update)


def test_base_manager_delete_is_refused(update):
    _refused(lambda: StatusUpdate._base_manager.filter(pk=update.pk).delete())
    _unchanged(update)


def test_raw_delete_is_refused(update):
    _refused(lambda: StatusUpdate._base_manager.filter(pk=update.pk)._raw_delete(connection.alias))
    _unchanged(update)


def test_save_base_is_refused(update):
    update.note = "rewritten"
    _refused(lambda: update.save_base(force_update=True))
    _unchanged(update)


def test_raw_sql_update_and_delete_are_refused(update):
    table = StatusUpdate._meta.db_table

    def run(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql, [update.pk])

    _refused(lambda: run(f"UPDATE {table} SET note = 'rewritten' WHERE id = %s"))
    _refused(lambda: run(f"DELETE FROM {table} WHERE id = %s"))
    _unchanged(update)


def test_a_recommendation_or_situation_with_updates_cannot_be_deleted(demo, update):
    with pytest.raises(ProtectedError):
        Recommendation.objects.get(pk=update.recommendation_id).delete()
    with pytest.raises(ProtectedError):
        Situation.objects.get(pk=demo.mali.pk).delete()
    _unchanged(update)


def test_new_updates_are_still_recorded(update):
    record_status_update(
        recommendation=update.recommendation, author=update.author, status="implemented", note="Done"
    )
    assert StatusUpdate.objects.filter(recommendation=update.recommendation).count() == 2



def test_flush_still_empties_a_database_with_history(transactional_db, demo):
    """Between transactional tests (and ``manage.py flush``) the whole database is emptied,
    status updates included; the triggers are back afterwards."""
    record_status_update(recommendation=demo.recommendations[1], author=demo.focalpoint, status="in_progress")
    call_command("flush", interactive=False, verbosity=0)
    assert StatusUpdate.objects.count() == 0

    load_demo(password="pw")
    rec = Recommendation.objects.order_by("position").first()
    again = record_status_update(
        recommendation=rec, author=User.objects.get(username="secretariat"), status="in_progress"
    )
    _refused(lambda: StatusUpdate._base_manager.filter(pk=again.pk).delete())


def test_a_table_rebuilt_by_a_later_migration_gets_its_triggers_back(db):
    """SQLite rebuilds a table to add a foreign key or a constraint, dropping its triggers;
    after migrate they are there again (recommendations/append_only.py)."""
    from django.db import connection

    from recommendations.append_only import ensure_triggers

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL alters tables in place; its trigger stays")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER status_update_no_update")
        cursor.execute("DROP TRIGGER status_update_no_delete")
    ensure_triggers(using="default")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        names = [row[0] for row in cursor.fetchall()]
    assert {"status_update_no_delete", "status_update_no_update"} <= set(names)
