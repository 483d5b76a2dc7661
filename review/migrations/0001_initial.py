"""The review queue's models, moved from the moderation app: tables, indexes and
constraints stay as they are."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('moderation', '0003_review_queue'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('forum', '0007_thread_events'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table exists already: only Django's picture of who owns it changes.
            state_operations=[
                migrations.CreateModel(
                    name='ReviewItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('image', 'Image awaiting approval'), ('held_post', 'Post held by the identifier screen'), ('flagged_post', 'Flagged post'), ('application', 'Membership application')], max_length=20)),
                        ('target_id', models.BigIntegerField()),
                        ('state', models.CharField(choices=[('open', 'Open'), ('closed', 'Closed')], default='open', max_length=8)),
                        ('evidence', models.JSONField(blank=True, default=dict)),
                        ('opened_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ('claimed_at', models.DateTimeField(blank=True, null=True)),
                        ('closed_at', models.DateTimeField(blank=True, null=True)),
                        ('decision', models.CharField(blank=True, max_length=30)),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('claimed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('specialty', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='forum.specialty')),
                        ('target_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='contenttypes.contenttype')),
                    ],
                    options={
                        'db_table': 'moderation_reviewitem',
                        'ordering': ['opened_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ItemEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(max_length=30)),
                        ('note', models.TextField(blank=True)),
                        ('message', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('item', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='review.reviewitem')),
                    ],
                    options={
                        'db_table': 'moderation_itemevent',
                        'ordering': ['created_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Flag',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.CharField(choices=[('identifier', 'Possible patient identifier'), ('unprofessional', 'Unprofessional'), ('unsafe', 'Unsafe or contrary to guidelines'), ('conflict', 'Undisclosed conflict of interest'), ('other', 'Other')], max_length=16)),
                        ('citation', models.CharField(blank=True, max_length=300)),
                        ('note', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ('reporter', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='flags', to=settings.AUTH_USER_MODEL)),
                        ('item', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='flags', to='review.reviewitem')),
                    ],
                    options={
                        'db_table': 'moderation_flag',
                        'ordering': ['created_at', 'pk'],
                    },
                ),
                migrations.AddIndex(
                    model_name='reviewitem',
                    index=models.Index(fields=['state', 'kind', 'opened_at'], name='moderation__state_775eb2_idx'),
                ),
                migrations.AddConstraint(
                    model_name='reviewitem',
                    constraint=models.UniqueConstraint(condition=models.Q(('state', 'open')), fields=('target_type', 'target_id'), name='one_open_item_per_target'),
                ),
                migrations.AddConstraint(
                    model_name='flag',
                    constraint=models.UniqueConstraint(fields=('item', 'reporter'), name='one_flag_per_reporter'),
                ),
            ],
            database_operations=[],
        ),
    ]
