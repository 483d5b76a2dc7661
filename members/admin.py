from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib import admin
from django.contrib.auth.models import Group

from audit.admin import ReadOnlyAdmin
from members.models import Application, ModeratorScope, User


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


# allauth registers editable admins for these; here they are for inspection only, since
# removing someone's second factor or email must be an audited staff action, not a silent edit.
for model in (EmailAddress, Authenticator, UserSession, Group):
    admin.site.unregister(model)


@admin.register(EmailAddress)
class EmailAddressAdmin(ReadOnlyAdmin):
    list_display = ["user", "verified", "primary"]
    exclude = ["email"]


@admin.register(Authenticator)
class AuthenticatorAdmin(ReadOnlyAdmin):
    list_display = ["user", "type", "created_at", "last_used_at"]
    exclude = ["data"]


@admin.register(UserSession)
class UserSessionAdmin(ReadOnlyAdmin):
    list_display = ["user", "created_at", "last_seen_at"]
    exclude = ["session_key"]


@admin.register(ModeratorScope)
class ModeratorScopeAdmin(ReadOnlyAdmin):
    list_display = ["user", "specialty", "granted_at"]
