# Issue 14: a focal point's situations read from an index alone (see Recommendation.Meta).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('recommendations', '0012_issue14_has_owner'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='recommendation',
            index=models.Index(fields=['id', 'situation'], name='rec_id_situation'),
        ),
    ]
