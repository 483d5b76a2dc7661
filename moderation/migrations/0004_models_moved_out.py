"""The moderation app's models moved to the apps that own them (audit, review, members):
Django forgets them here; no table is touched. Their content types follow them, so a
database migrated from before the move keeps the same content type (and permission) rows
as one made afresh."""

from django.db import migrations

# model -> the app it moved to
MOVED = {
    "auditentry": "audit",
    "reviewitem": "review",
    "itemevent": "review",
    "flag": "review",
    "moderatorscope": "members",
}


def _relabel(apps, moves):
    content_types = apps.get_model("contenttypes", "ContentType")
    for model, old_label, new_label in moves:
        # A row already under the new label (made by a later migrate) wins; the old stays.
        if not content_types.objects.filter(app_label=new_label, model=model).exists():
            content_types.objects.filter(app_label=old_label, model=model).update(
                app_label=new_label
            )


def content_types_follow(apps, schema_editor):
    _relabel(apps, [(model, "moderation", app) for model, app in MOVED.items()])


def content_types_return(apps, schema_editor):
    _relabel(apps, [(model, app, "moderation") for model, app in MOVED.items()])


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0002_moderatorscope'),
        ('review', '0001_initial'),
        ('audit', '0001_initial'),
        ('moderation', '0003_review_queue'),
        ('contenttypes', '0002_remove_content_type_name'),
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
        migrations.RunPython(content_types_follow, content_types_return),
    ]
