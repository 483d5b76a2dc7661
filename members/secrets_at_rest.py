"""Second-factor secrets encrypted at rest (issue 17): a TOTP secret or a recovery-code seed
read from the database is no use without a key from the environment.

Values are Fernet tokens under `settings.SCRUBROOM_MFA_KEYS` (newest first: the first
encrypts, every one decrypts), marked with PREFIX. A value without the mark was written before
encryption (by allauth's plain default, or an old process during a rolling deploy) and is read
as it is; migration members 0003 and `manage.py rotate_mfa_keys` encrypt such values.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

PREFIX = "fernet:"

logger = logging.getLogger(__name__)


class UnreadableSecret(ValidationError):
    """A stored secret that none of the keys opens: a key dropped before rotating, or a row
    changed by hand.

    A ValidationError so that allauth's code form refuses the sign-in with this message
    instead of failing with a 500; any other caller gets it as an exception.
    """

    def __init__(self) -> None:
        super().__init__(
            _(
                "Your second factor cannot be checked at the moment. Please try again later "
                "or contact the Scrubroom administrators."
            ),
            code="mfa_secret_unreadable",
        )


def malformed_keys(keys: list[str]) -> list[int]:
    """The positions (from 1) of the keys that are not Fernet keys."""
    bad = []
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            bad.append(position)
    return bad


def _keys() -> list[Fernet]:
    keys = settings.SCRUBROOM_MFA_KEYS
    if not keys or malformed_keys(keys):
        # members.E002 says the same at start-up; this is for a process that skipped checks.
        raise ImproperlyConfigured(
            "SCRUBROOM_MFA_KEYS must hold one or more Fernet keys (see members.E002)"
        )
    return [Fernet(key) for key in keys]


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIX)


def encrypt(text: str) -> str:
    return PREFIX + MultiFernet(_keys()).encrypt(text.encode()).decode("ascii")


def decrypt(value: str) -> str:
    """The plain text of a stored value; raises UnreadableSecret if no key opens it."""
    if not is_encrypted(value):
        return value
    try:
        return MultiFernet(_keys()).decrypt(value.removeprefix(PREFIX).encode()).decode()
    except InvalidToken:
        logger.error(
            "A second-factor secret opens with none of the keys in SCRUBROOM_MFA_KEYS "
            "(was a key dropped before `manage.py rotate_mfa_keys` ran?)"
        )
        raise UnreadableSecret from None


def rotate(value: str) -> str:
    """The value under the newest key: unchanged if it is already, encrypted if plain."""
    if not is_encrypted(value):
        return encrypt(value)
    keys = _keys()
    token = value.removeprefix(PREFIX).encode()
    try:
        keys[0].decrypt(token)
    except InvalidToken:
        pass
    else:
        return value
    try:
        return PREFIX + MultiFernet(keys).rotate(token).decode("ascii")
    except InvalidToken:
        raise UnreadableSecret from None


def map_secrets(kind: str, data: dict[str, Any], change: Callable[[str], str]) -> dict[str, Any]:
    """A copy of an authenticator's data with each value allauth passes through the adapter's
    encrypt() changed: a TOTP secret, a recovery-code seed and any codes migrated from
    django-allauth-2fa. A security key's data holds no secret."""
    changed = dict(data)
    if kind == "totp" and "secret" in changed:
        changed["secret"] = change(changed["secret"])
    elif kind == "recovery_codes":
        if "seed" in changed:
            changed["seed"] = change(changed["seed"])
        if changed.get("migrated_codes") is not None:
            changed["migrated_codes"] = [change(code) for code in changed["migrated_codes"]]
    return changed


def encrypt_if_plain(value: str) -> str:
    return value if is_encrypted(value) else encrypt(value)


@dataclass
class Rotation:
    rewritten: int = 0
    unchanged: int = 0
    unreadable: list[int] = field(default_factory=list)  # authenticator ids


def rotate_stored_secrets() -> Rotation:
    """Re-encrypt every stored secret under the newest key (and encrypt any still plain).

    Each row is locked while it changes, so a recovery code used meanwhile stays used. A row
    already under the newest key is left alone: running it twice rewrites nothing the second
    time. Rows no key opens are counted, not changed.
    """
    done = Rotation()
    kinds = [Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
    ids = Authenticator.objects.filter(type__in=kinds).order_by("pk").values_list("pk", flat=True)
    for pk in list(ids):
        with transaction.atomic():
            authenticator = Authenticator.objects.select_for_update().filter(pk=pk).first()
            if authenticator is None:  # removed since the list was read
                continue
            try:
                data = map_secrets(authenticator.type, authenticator.data, rotate)
            except UnreadableSecret:
                done.unreadable.append(pk)
                continue
            if data == authenticator.data:
                done.unchanged += 1
                continue
            authenticator.data = data
            authenticator.save(update_fields=["data"])
            done.rewritten += 1
    return done
