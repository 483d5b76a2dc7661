from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

from members import secrets_at_rest


@register(Tags.caches, Tags.security)
def check_cache_for_rate_limits(app_configs, **kwargs) -> list[Error]:
    # allauth's login rate limits and TOTP replay protection live in the cache; the dummy
    # cache silently turns both off.
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend.endswith("DummyCache"):
        return [
            Error(
                "The default cache is the dummy cache: login rate limits would not work.",
                id="members.E001",
            )
        ]
    return []


@register(Tags.security)
def check_mfa_keys(app_configs, **kwargs) -> list[Error]:
    # Without a key no second factor can be enrolled or checked; with a malformed one none
    # can be read. DEBUG derives a key from SECRET_KEY (scrubroom/settings.py), so this fires
    # only where one must be given.
    keys = settings.SCRUBROOM_MFA_KEYS
    hint = (
        "Set SCRUBROOM_MFA_KEYS (or SCRUBROOM_MFA_KEYS_FILE) to comma-separated Fernet keys, "
        'newest first; make one with: python -c "from cryptography.fernet import Fernet; '
        'print(Fernet.generate_key().decode())"'
    )
    if not keys:
        return [
            Error(
                "SCRUBROOM_MFA_KEYS is not set: TOTP secrets and recovery codes could be "
                "neither stored nor checked.",
                hint=hint,
                id="members.E002",
            )
        ]
    bad = secrets_at_rest.malformed_keys(keys)
    if bad:
        # Positions only: the message must not print a key.
        return [
            Error(
                "SCRUBROOM_MFA_KEYS: key number "
                f"{', '.join(str(position) for position in bad)} is not a Fernet key "
                "(32 url-safe base64-encoded bytes).",
                hint=hint,
                id="members.E002",
            )
        ]
    return []
