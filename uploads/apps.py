from django.apps import AppConfig


class UploadsConfig(AppConfig):
    """Validate, scrub, redact, quarantine and serve images (issue #5)."""

    name = "uploads"
