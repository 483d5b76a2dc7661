from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members"

    def ready(self) -> None:
        # Imported once the apps are ready: checks registers the system checks, mfa hooks
        # allauth's factor signals (factor changes are audited), sessions closes the sockets of
        # a session that ends.
        from django.contrib.auth.signals import user_logged_in  # noqa: PLC0415

        from members import checks, mfa, sessions  # noqa: F401, PLC0415
        from members.middleware import note_sign_in  # noqa: PLC0415

        mfa.connect()
        sessions.connect()
        user_logged_in.connect(note_sign_in, dispatch_uid="scrubroom.session.sign_in")
