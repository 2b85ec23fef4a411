# Issue 14: whether a recommendation has an owner, stored (the secretariat's "No owner" count
# and list read it instead of an anti-join over every recommendation and its owners), a
# partial index for the first few unowned, soonest due, and (PostgreSQL only) a covering index
# for the dashboard's counts per situation.

from django.db import migrations, models
from django.db.models import Exists, OuterRef


def add_column(apps, schema_editor):
    """The column, true on every existing row without rewriting any (a constant default is
    kept in the catalogue on PostgreSQL; SQLite adds it in place), so that ``compute`` then
    writes only the rows with no owner (none in the 100k benchmark): an update of every row
    would leave as many dead rows behind. Not AddField on SQLite: it rebuilds the table from
    the models' state, whose indexes include 0010's NULLS LAST one that SQLite cannot build.
    The models' default (false, for a new recommendation) is Django's, not the database's."""
    Recommendation = apps.get_model("recommendations", "Recommendation")
    table = schema_editor.quote_name(Recommendation._meta.db_table)
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f'ALTER TABLE {table} ADD COLUMN "has_owner" bool NOT NULL DEFAULT 1')
    else:
        schema_editor.execute(f'ALTER TABLE {table} ADD COLUMN "has_owner" boolean NOT NULL DEFAULT true')
        schema_editor.execute(f'ALTER TABLE {table} ALTER COLUMN "has_owner" DROP DEFAULT')


def remove_column(apps, schema_editor):
    Recommendation = apps.get_model("recommendations", "Recommendation")
    table = schema_editor.quote_name(Recommendation._meta.db_table)
    schema_editor.execute(f'ALTER TABLE {table} DROP COLUMN "has_owner"')


DASHBOARD_COUNTS = models.Index(
    fields=["situation"],
    include=[
        "id", "status", "last_update_at", "shared_status", "shared_update_at", "uptake", "due_on", "created_at",
        "has_owner",
    ],
    name="rec_dashboard_counts",
)


def _on_postgresql(operation):
    """Run ``operation`` (an index change) on PostgreSQL only: SQLite has no INCLUDE, and its
    tables are small."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            operation(schema_editor, apps.get_model("recommendations", "Recommendation"))

    return forwards


def compute(apps, schema_editor):
    """The stored flag from the Ownership rows, with the rule of curation.services
    (_store_has_owner), writing only the rows whose flag differs."""
    Recommendation = apps.get_model("recommendations", "Recommendation")
    Ownership = apps.get_model("recommendations", "Ownership")
    owned = Exists(Ownership.objects.filter(recommendation=OuterRef("pk")))
    Recommendation.objects.filter(owned, has_owner=False).update(has_owner=True)
    Recommendation.objects.filter(~owned, has_owner=True).update(has_owner=False)


class Migration(migrations.Migration):

    dependencies = [
        ("recommendations", "0011_issue14_search_document"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="recommendation", name="has_owner", field=models.BooleanField(default=False),
                ),
            ],
            database_operations=[migrations.RunPython(add_column, remove_column)],
        ),
        migrations.RunPython(compute, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="recommendation",
            index=models.Index(condition=models.Q(("has_owner", False)), fields=["due_on"], name="rec_unowned_due"),
        ),
        # Not in the models' state (SQLite has no INCLUDE: the system check warns, and a table
        # rebuild there would add a plain index on the situation): PostgreSQL only.
        migrations.RunPython(
            _on_postgresql(lambda editor, model: editor.add_index(model, DASHBOARD_COUNTS)),
            _on_postgresql(lambda editor, model: editor.remove_index(model, DASHBOARD_COUNTS)),
        ),
    ]
