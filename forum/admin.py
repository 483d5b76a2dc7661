from __future__ import annotations

from typing import cast

from django.contrib import admin
from django.http import HttpRequest

from audit.log import record
from forum.models import Specialty
from members.models import User


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "is_active"]
    prepopulated_fields = {"slug": ["name"]}

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Members and cases point at specialties; retire one with "active" instead.
        return False

    def save_model(self, request: HttpRequest, obj: Specialty, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        record(
            actor=cast(User, request.user),  # the admin site lets only signed-in admins in
            action="specialty.change" if change else "specialty.add",
            target=obj,
            fields=sorted(form.changed_data),
        )
