"""`manage.py rotate_mfa_keys`: re-encrypt every TOTP secret and recovery-code seed with the
first of SCRUBROOM_MFA_KEYS, so that the keys after it can be dropped (README.md: rotation).

Safe to run again: values already under the first key are left as they are. Exit 1, naming
the authenticators by id, when some value opens with none of the keys.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from members.secrets_at_rest import rotate_stored_secrets


class Command(BaseCommand):
    help = "Re-encrypt every stored second-factor secret with the first of SCRUBROOM_MFA_KEYS."

    def handle(self, *args, **options) -> None:
        done = rotate_stored_secrets()
        self.stdout.write(
            f"Re-encrypted {done.rewritten} authenticator(s) with the first key; "
            f"{done.unchanged} already used it."
        )
        if done.unreadable:
            raise CommandError(
                f"{len(done.unreadable)} authenticator(s) open with none of the keys in "
                "SCRUBROOM_MFA_KEYS (ids "
                f"{', '.join(str(pk) for pk in done.unreadable)}); put back the key they were "
                "written with, or have their owners enrol again.",
                returncode=1,
            )
