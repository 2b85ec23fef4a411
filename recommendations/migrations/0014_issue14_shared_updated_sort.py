# Issue 14: the list by last update, newest first, on the shared reading (see Recommendation.Meta).

from django.db import migrations, models

SHARED_UPDATED_SORT = models.Index(
    models.OrderBy(models.F("shared_update_at"), descending=True, nulls_last=True), models.F("reference"),
    name="rec_shared_updated_sort",
)


def _on_postgresql(operation):
    """Run ``operation`` (an index change) on PostgreSQL only: SQLite cannot index NULLS LAST,
    and its lists are small enough to sort (as 0010)."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            operation(schema_editor, apps.get_model("recommendations", "Recommendation"))

    return forwards


class Migration(migrations.Migration):

    dependencies = [
        ("recommendations", "0013_issue14_owned_situations_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="recommendation", index=SHARED_UPDATED_SORT)],
            database_operations=[
                migrations.RunPython(
                    _on_postgresql(lambda editor, model: editor.add_index(model, SHARED_UPDATED_SORT)),
                    _on_postgresql(lambda editor, model: editor.remove_index(model, SHARED_UPDATED_SORT)),
                ),
            ],
        ),
    ]
