from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from audit.models import AuditEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    """For inspection only: changes go through the staff pages, whose verbs write the audit log."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_label", "action", "target_label", "reason"]
    list_filter = ["action"]
    search_fields = ["actor_label", "target_label", "reason"]
