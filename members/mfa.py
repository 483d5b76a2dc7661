"""Second factors for a hospital security review (issue 17): removing one needs a fresh check
with a second factor (a password alone is not enough), staff keep at least one while they
hold a role, and adding, removing or regenerating any factor is written to the audit log."""

from __future__ import annotations

import time
from typing import Any

from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from audit.log import record
from members import secrets_at_rest

# Factors that stand on their own; recovery codes are the spare key, not a second lock.
FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def recently_used_second_factor(request: Any, user: Any) -> bool:
    """Whether this session passed a second-factor check within the reauthentication window."""
    if request is None:
        return False
    since = time.time() - settings.ACCOUNT_REAUTHENTICATION_TIMEOUT
    return any(
        entry.get("method") == "mfa" and entry.get("at", 0) >= since
        for entry in get_authentication_records(request, user)
    )


def holds_a_staff_role(user: Any) -> bool:
    return bool(user.is_admin or user.is_moderator)


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "To remove a second factor, first confirm it is you with your authenticator app "
            "or security key (Two-factor authentication, Reauthenticate), then try again. "
            "Moderators and admins keep at least one authenticator app or security key while "
            "they hold their role."
        ),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        user = authenticator.user
        if authenticator.type == Authenticator.Type.RECOVERY_CODES:
            return True  # they go with the last factor, or are regenerated
        if not recently_used_second_factor(context.request, user):
            return False
        if holds_a_staff_role(user):
            others = Authenticator.objects.filter(user=user, type__in=FACTORS).exclude(
                pk=authenticator.pk
            )
            return others.exists()
        return True

    # allauth passes each TOTP secret and recovery-code seed through these on its way to and
    # from the database.
    def encrypt(self, text: str) -> str:
        return secrets_at_rest.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return secrets_at_rest.decrypt(encrypted_text)


def _audit(action: str):
    def receiver(sender: Any, request: Any = None, user: Any = None, authenticator=None, **kw):
        record(
            actor=user,
            action=action,
            target=user,
            factor=getattr(authenticator, "type", ""),
        )

    return receiver


on_added = _audit("mfa.add")
on_removed = _audit("mfa.remove")
on_reset = _audit("mfa.reset")


def connect() -> None:
    from allauth.mfa import signals  # noqa: PLC0415  (allauth's app must be ready)

    signals.authenticator_added.connect(on_added, dispatch_uid="scrubroom.mfa.add")
    signals.authenticator_removed.connect(on_removed, dispatch_uid="scrubroom.mfa.remove")
    signals.authenticator_reset.connect(on_reset, dispatch_uid="scrubroom.mfa.reset")
