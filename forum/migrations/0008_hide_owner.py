"""Who hid a post, and whether the hide only waits for review (the flag rule).

Posts hidden before this had no owner recorded: those whose open flag item says the rule
hid them are pending again; every other hidden post counts as a moderator's deliberate hide.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# The review queue's tables by name: this runs on every database whatever the app that owns
# them is called in Django's state at this point (moderation before the move, review after).
AUTO_HIDDEN = """
SELECT item.target_id, kind.model
FROM moderation_reviewitem item
JOIN moderation_itemevent event ON event.item_id = item.id
JOIN django_content_type kind ON kind.id = item.target_type_id
WHERE event.action = 'auto_hide' AND item.state = 'open' AND item.kind = 'flagged_post'
  AND kind.app_label = 'forum'
"""


def mark_pending_hides(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(AUTO_HIDDEN)
        rows = cursor.fetchall()
    for model_name in ("case", "reply"):
        ids = [target_id for target_id, model in rows if model == model_name]
        if ids:
            model = apps.get_model("forum", model_name)
            model.objects.filter(pk__in=ids, state="hidden").update(hidden_pending=True)


class Migration(migrations.Migration):

    dependencies = [
        ('moderation', '0003_review_queue'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('forum', '0007_thread_events'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='hidden_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='case',
            name='hidden_pending',
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name='reply',
            name='hidden_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='reply',
            name='hidden_pending',
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(mark_pending_hides, migrations.RunPython.noop),
    ]
