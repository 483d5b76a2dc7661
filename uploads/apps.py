from django.apps import AppConfig


class UploadsConfig(AppConfig):
    """Validate, scrub, redact and quarantine images; the forum serves them."""

    name = "uploads"

    def ready(self) -> None:
        from uploads import checks  # noqa: F401, PLC0415 (registers the system checks)
