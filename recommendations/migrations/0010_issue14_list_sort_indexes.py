# Issue 14: indexes for the list sorted by due date and by last update, newest first.

from django.db import migrations, models

UPDATED_SORT = models.Index(
    models.OrderBy(models.F("last_update_at"), descending=True, nulls_last=True), models.F("reference"),
    name="rec_updated_sort",
)


def _on_postgresql(operation):
    """Run ``operation`` (an index change) on PostgreSQL only: SQLite cannot index NULLS LAST,
    and its lists are small enough to sort."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            operation(schema_editor, apps.get_model("recommendations", "Recommendation"))

    return forwards


class Migration(migrations.Migration):

    dependencies = [
        ("recommendations", "0009_merge_issue14_issue16"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="recommendation",
            index=models.Index(fields=["due_on", "reference"], name="rec_due_sort"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="recommendation", index=UPDATED_SORT)],
            database_operations=[
                migrations.RunPython(
                    _on_postgresql(lambda editor, model: editor.add_index(model, UPDATED_SORT)),
                    _on_postgresql(lambda editor, model: editor.remove_index(model, UPDATED_SORT)),
                ),
            ],
        ),
    ]
