from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


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
