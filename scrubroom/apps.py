from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ScrubroomConfig(AppConfig):
    """The project as an app: its system checks, its commands and its templates."""

    name = "scrubroom"
    verbose_name = "Scrubroom"

    def ready(self) -> None:
        # checks registers the system checks; security_log hooks the sign-in signals.
        from scrubroom import checks, security_log  # noqa: F401, PLC0415

        security_log.connect()


class ScrubroomAdminConfig(admin_apps.AdminConfig):
    """Django admin behind allauth's login, rate limits and the staff MFA rule."""

    default = False
    default_site = "scrubroom.admin_site.ScrubroomAdminSite"
