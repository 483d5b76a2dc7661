from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members"

    def ready(self) -> None:
        # Imported once the apps are ready: checks registers the system checks, mfa hooks
        # allauth's factor signals (factor changes are audited).
        from members import checks, mfa  # noqa: F401, PLC0415

        mfa.connect()
