"""System checks for deployment settings that `check --deploy` does not cover."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.utils.csp import CSP

ALLOWED_CSP_SOURCES = {CSP.SELF, CSP.NONE}


@register(Tags.security, deploy=True)
def check_allowed_hosts(app_configs, **kwargs) -> list[Error]:
    # Django's own deploy check accepts "*"; it would let any Host header through, which
    # also disarms the websocket origin check.
    if not settings.DEBUG and "*" in settings.ALLOWED_HOSTS:
        return [
            Error(
                "SCRUBROOM_ALLOWED_HOSTS must name the site's hosts, not '*'.",
                id="forum.E001",
            )
        ]
    return []


@register(Tags.security)
def check_content_security_policy(app_configs, **kwargs) -> list[Error]:
    """Everything is served from this origin: no CDN, font host or analytics, ever."""
    policy = getattr(settings, "SECURE_CSP", None) or {}
    errors = []
    if list(policy.get("default-src", [])) != [CSP.SELF]:
        errors.append(Error("SECURE_CSP must set default-src to 'self' alone.", id="forum.E002"))
    for directive, sources in policy.items():
        outside = [source for source in sources if source not in ALLOWED_CSP_SOURCES]
        if outside:
            errors.append(
                Error(
                    f"SECURE_CSP {directive} allows {outside}; only 'self' and 'none' are allowed.",
                    id="forum.E003",
                )
            )
    return errors
