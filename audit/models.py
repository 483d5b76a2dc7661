"""The audit log: who did what to what, when and why; append-only in the ORM and the database."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    pass


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs):  # type: ignore[override]
        raise AppendOnlyError("The audit log is append-only")

    def delete(self):  # type: ignore[override]
        raise AppendOnlyError("The audit log is append-only")


class AuditEntry(models.Model):
    """Who did what to what, when and why. Append-only, here and in the database.

    The actor and target are kept as ids plus a label taken at the time, without foreign
    keys, so the entry outlives (and is never rewritten by) the deletion of either.
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor_id = models.BigIntegerField(null=True)
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=60, db_index=True)
    target_type = models.CharField(max_length=60)
    target_id = models.BigIntegerField(null=True)
    target_label = models.CharField(max_length=200)
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    # The hash chain (audit/chain.py): each entry's hash covers its content and the previous
    # entry's hash, so an entry changed, removed or slipped in is found by verify().
    previous_hash = models.CharField(max_length=64, blank=True, editable=False)
    entry_hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        # Moved here from the moderation app; the table (and its append-only triggers,
        # moderation/migrations/0002) keep their names.
        db_table = "moderation_auditentry"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"
        )

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError("The audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit log is append-only")

    def canonical(self) -> bytes:
        """The entry's content as hashed: fixed keys, sorted, in UTF-8."""
        content: dict[str, Any] = {
            "previous": self.previous_hash,
            "created_at": self.created_at.astimezone(UTC).isoformat(),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "target_label": self.target_label,
            "reason": self.reason,
            "details": self.details,
        }
        return json.dumps(
            content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
        ).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()
