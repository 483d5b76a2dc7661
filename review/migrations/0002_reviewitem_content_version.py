"""Review items remember the version at which their content last changed."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('review', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='reviewitem',
            name='content_version',
            field=models.PositiveIntegerField(default=1),
        ),
    ]
