from django.apps import AppConfig


class UploadsConfig(AppConfig):
    """Validate, scrub, redact and quarantine images; the forum serves them."""

    name = "uploads"
