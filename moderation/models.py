from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ModeratorScope(models.Model):
    """One specialty a moderator looks after. A member with any scope is a moderator."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderator_scopes"
    )
    specialty = models.ForeignKey(
        "forum.Specialty", on_delete=models.CASCADE, related_name="moderator_scopes"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "specialty"], name="one_scope_per_specialty")
        ]

    def __str__(self) -> str:
        return f"{self.user} moderates {self.specialty}"


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

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
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
