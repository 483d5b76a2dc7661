from django.apps import AppConfig


class ReviewConfig(AppConfig):
    """The one review queue. Its models moved from the moderation app, tables unchanged."""

    name = "review"
    verbose_name = "Review queue"
