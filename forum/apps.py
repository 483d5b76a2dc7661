from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ForumConfig(AppConfig):
    default = True
    name = "forum"
    verbose_name = "Forum"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from forum import checks  # noqa: F401  (registers system checks)
        from forum.search import ensure_index_after_migrate

        # A seam we do not own: on SQLite, a migration that rebuilds the case table drops
        # the search triggers with it; put them back after every migrate.
        post_migrate.connect(ensure_index_after_migrate, sender=self)


class ScrubroomAdminConfig(admin_apps.AdminConfig):
    """Django admin behind allauth's login, rate limits and the staff MFA rule."""

    default = False
    default_site = "forum.admin_site.ScrubroomAdminSite"
