# Issue 14: each ownership row carries its recommendation's situation (Ownership.situation),
# with an index on (entity, situation): the situations a focal point sees, from the index alone
# (no index of its own on the situation: nothing reads the rows by situation alone).

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Ownership = apps.get_model("recommendations", "Ownership")
    Recommendation = apps.get_model("recommendations", "Recommendation")
    Ownership.objects.update(
        situation_id=Subquery(Recommendation.objects.filter(pk=OuterRef("recommendation_id")).values("situation_id")[:1])
    )


class Migration(migrations.Migration):

    dependencies = [
        ("recommendations", "0015_issue14_status_update_cycle_reads"),
    ]

    operations = [
        migrations.AddField(
            model_name="ownership",
            name="situation",
            field=models.ForeignKey(
                null=True, editable=False, on_delete=models.deletion.CASCADE, related_name="+", db_index=False,
                to="recommendations.situation",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="ownership",
            name="situation",
            field=models.ForeignKey(
                editable=False, on_delete=models.deletion.CASCADE, related_name="+", db_index=False,
                to="recommendations.situation",
            ),
        ),
        migrations.AddIndex(
            model_name="ownership",
            index=models.Index(fields=["entity", "situation"], name="ownership_entity_situation"),
        ),
    ]
