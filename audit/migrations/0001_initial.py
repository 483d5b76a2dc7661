"""The audit log's model, moved from the moderation app: the table, its index and its
append-only triggers (moderation/migrations/0002) stay as they are."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('moderation', '0003_review_queue'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table exists already: only Django's picture of who owns it changes.
            state_operations=[
                migrations.CreateModel(
                    name='AuditEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ('actor_id', models.BigIntegerField(null=True)),
                        ('actor_label', models.CharField(max_length=200)),
                        ('action', models.CharField(db_index=True, max_length=60)),
                        ('target_type', models.CharField(max_length=60)),
                        ('target_id', models.BigIntegerField(null=True)),
                        ('target_label', models.CharField(max_length=200)),
                        ('reason', models.TextField(blank=True)),
                        ('details', models.JSONField(blank=True, default=dict)),
                    ],
                    options={
                        'verbose_name': 'audit entry',
                        'verbose_name_plural': 'audit log',
                        'db_table': 'moderation_auditentry',
                        'ordering': ['-created_at', '-pk'],
                        'indexes': [models.Index(fields=['target_type', 'target_id'], name='moderation__target__e56450_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
