from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The append-only audit log. Its model moved from the moderation app, table unchanged."""

    name = "audit"
    verbose_name = "Audit log"
