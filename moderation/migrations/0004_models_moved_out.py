"""The moderation app's models moved to the apps that own them (audit, review, members):
Django forgets them here; no table is touched."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0002_moderatorscope'),
        ('review', '0001_initial'),
        ('audit', '0001_initial'),
        ('moderation', '0003_review_queue'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table exists already: only Django's picture of who owns it changes.
            state_operations=[
                migrations.RemoveIndex(
                    model_name='auditentry',
                    name='moderation__target__e56450_idx',
                ),
                migrations.DeleteModel(
                    name='AuditEntry',
                ),
                migrations.RemoveConstraint(
                    model_name='flag',
                    name='one_flag_per_reporter',
                ),
                migrations.RemoveField(
                    model_name='itemevent',
                    name='actor',
                ),
                migrations.RemoveField(
                    model_name='itemevent',
                    name='item',
                ),
                migrations.RemoveConstraint(
                    model_name='moderatorscope',
                    name='one_scope_per_specialty',
                ),
                migrations.RemoveIndex(
                    model_name='reviewitem',
                    name='moderation__state_775eb2_idx',
                ),
                migrations.RemoveConstraint(
                    model_name='reviewitem',
                    name='one_open_item_per_target',
                ),
                migrations.RemoveField(
                    model_name='flag',
                    name='item',
                ),
                migrations.RemoveField(
                    model_name='flag',
                    name='reporter',
                ),
                migrations.DeleteModel(
                    name='ItemEvent',
                ),
                migrations.RemoveField(
                    model_name='moderatorscope',
                    name='granted_by',
                ),
                migrations.RemoveField(
                    model_name='moderatorscope',
                    name='specialty',
                ),
                migrations.RemoveField(
                    model_name='moderatorscope',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='reviewitem',
                    name='claimed_by',
                ),
                migrations.RemoveField(
                    model_name='reviewitem',
                    name='decided_by',
                ),
                migrations.RemoveField(
                    model_name='reviewitem',
                    name='specialty',
                ),
                migrations.RemoveField(
                    model_name='reviewitem',
                    name='target_type',
                ),
                migrations.DeleteModel(
                    name='Flag',
                ),
                migrations.DeleteModel(
                    name='ModeratorScope',
                ),
                migrations.DeleteModel(
                    name='ReviewItem',
                ),
            ],
            database_operations=[],
        ),
    ]
