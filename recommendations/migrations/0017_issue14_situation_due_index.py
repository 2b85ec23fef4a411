# Issue 14: a reader's overdue ones counted from an index alone (see Recommendation.Meta).

from django.db import migrations, models

SITUATION_DUE = models.Index(
    fields=["situation", "due_on"], include=["id", "status", "shared_status"], name="rec_situation_due",
)


def _on_postgresql(operation):
    """Run ``operation`` (an index change) on PostgreSQL only: SQLite has no INCLUDE, and its
    tables are small (as 0012)."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            operation(schema_editor, apps.get_model("recommendations", "Recommendation"))

    return forwards


class Migration(migrations.Migration):

    dependencies = [
        ("recommendations", "0016_issue14_ownership_situation"),
    ]

    operations = [
        # Not in the models' state (SQLite has no INCLUDE): PostgreSQL only, as rec_dashboard_counts.
        migrations.RunPython(
            _on_postgresql(lambda editor, model: editor.add_index(model, SITUATION_DUE)),
            _on_postgresql(lambda editor, model: editor.remove_index(model, SITUATION_DUE)),
        ),
    ]
