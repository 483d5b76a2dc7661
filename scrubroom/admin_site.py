from collections.abc import Callable

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from members.permissions import staff_page


class ScrubroomAdminSite(admin.AdminSite):
    site_header = "Scrubroom administration"
    site_title = "Scrubroom admin"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and getattr(user, "is_admin", False))

    def admin_view(self, view: Callable, cacheable: bool = False) -> Callable:  # type: ignore[override]
        # Every admin page goes through the same gate as the staff pages: admins only,
        # and only once they have enrolled a second factor.
        return super().admin_view(staff_page(admin=True)(view), cacheable)

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        # Admin logins go through allauth, so its rate limits and MFA stage apply.
        return secure_admin_login(super().login)(request, extra_context)
