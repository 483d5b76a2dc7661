from django.contrib import admin

from members.models import Application, User
from moderation.admin import ReadOnlyAdmin


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    # No email column: the staff member pages are the place to manage accounts.
    list_display = ["id", "display_name", "status", "is_admin", "date_joined", "verified_at"]
    list_filter = ["status", "is_admin"]
    exclude = ["password", "email"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["id", "user", "status", "submitted_at", "decided_at"]
    list_filter = ["status"]
