from django.apps import AppConfig


class ForumConfig(AppConfig):
    """The discussion: specialties, cases, replies, revisions, follows, notifications."""

    default = True
    name = "forum"
    verbose_name = "Forum"

    def ready(self) -> None:
        # Imported here: models may be imported only once the app registry is ready.
        from django.db.models.signals import post_migrate  # noqa: PLC0415

        from forum.search import ensure_index_after_migrate  # noqa: PLC0415

        # A seam we do not own: on SQLite, a migration that rebuilds the case table drops
        # the search triggers with it; put them back after every migrate.
        post_migrate.connect(ensure_index_after_migrate, sender=self)
