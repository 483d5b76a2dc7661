"""Moderator scopes (a role, so the accounts app's), moved from the moderation app: the
table and its constraint stay as they are."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('moderation', '0003_review_queue'),
        ('forum', '0007_thread_events'),
        ('members', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table exists already: only Django's picture of who owns it changes.
            state_operations=[
                migrations.CreateModel(
                    name='ModeratorScope',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('granted_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('granted_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('specialty', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='moderator_scopes', to='forum.specialty')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='moderator_scopes', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'moderation_moderatorscope',
                        'constraints': [models.UniqueConstraint(fields=('user', 'specialty'), name='one_scope_per_specialty')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
