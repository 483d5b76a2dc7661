"""The audit log's hash chain (audit/chain.py): two columns, filled in for every entry
already written, in id order. The append-only triggers are lifted for the fill and put back
exactly as moderation/migrations/0002 made them."""

import hashlib
import json
from datetime import UTC

from django.db import migrations, models

SQLITE_LIFT = "DROP TRIGGER IF EXISTS moderation_auditentry_no_update;"
SQLITE_RESTORE = """
CREATE TRIGGER moderation_auditentry_no_update BEFORE UPDATE ON moderation_auditentry
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""
POSTGRES_LIFT = "ALTER TABLE moderation_auditentry DISABLE TRIGGER moderation_auditentry_append_only;"
POSTGRES_RESTORE = "ALTER TABLE moderation_auditentry ENABLE TRIGGER moderation_auditentry_append_only;"


def _sql(schema_editor, sqlite: str, postgres: str) -> None:
    sql = {"sqlite": sqlite, "postgresql": postgres}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


def _canonical(entry, previous: str) -> bytes:
    # As AuditEntry.canonical, frozen here: a migration must not change with the model.
    content = {
        "previous": previous,
        "created_at": entry.created_at.astimezone(UTC).isoformat(),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "target_label": entry.target_label,
        "reason": entry.reason,
        "details": entry.details,
    }
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode()


def chain_existing(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    _sql(schema_editor, SQLITE_LIFT, POSTGRES_LIFT)
    previous = ""
    for entry in AuditEntry.objects.order_by("pk").iterator():
        digest = hashlib.sha256(_canonical(entry, previous)).hexdigest()
        AuditEntry.objects.filter(pk=entry.pk).update(previous_hash=previous, entry_hash=digest)
        previous = digest
    _sql(schema_editor, SQLITE_RESTORE, POSTGRES_RESTORE)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="previous_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="entry_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
    ]
