from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ForumConfig(AppConfig):
    default = True
    name = "forum"
    verbose_name = "Forum"

    def ready(self) -> None:
        from forum import checks  # noqa: F401  (registers system checks)


class ScrubroomAdminConfig(admin_apps.AdminConfig):
    """Django admin behind allauth's login, rate limits and the staff MFA rule."""

    default = False
    default_site = "forum.admin_site.ScrubroomAdminSite"
