"""System checks for deployment settings that `check --deploy` does not cover."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.utils.csp import CSP

from scrubroom import residency

ALLOWED_CSP_SOURCES = {CSP.SELF, CSP.NONE}
MEMORY_ONLY_UPLOADS = "uploads.handlers.MemoryOnlyUploadHandler"


@register(Tags.security, deploy=True)
def check_allowed_hosts(app_configs, **kwargs) -> list[Error]:
    # Django's own deploy check accepts "*"; it would let any Host header through, which
    # also disarms the websocket origin check.
    if not settings.DEBUG and "*" in settings.ALLOWED_HOSTS:
        return [
            Error(
                "SCRUBROOM_ALLOWED_HOSTS must name the site's hosts, not '*'.",
                id="scrubroom.E001",
            )
        ]
    return []


@register(Tags.security)
def check_content_security_policy(app_configs, **kwargs) -> list[Error]:
    """Everything is served from this origin: no CDN, font host or analytics, ever."""
    policy = getattr(settings, "SECURE_CSP", None) or {}
    errors = []
    if list(policy.get("default-src", [])) != [CSP.SELF]:
        errors.append(
            Error("SECURE_CSP must set default-src to 'self' alone.", id="scrubroom.E002")
        )
    for directive, sources in policy.items():
        outside = [source for source in sources if source not in ALLOWED_CSP_SOURCES]
        if outside:
            errors.append(
                Error(
                    f"SECURE_CSP {directive} allows {outside}; only 'self' and 'none' are allowed.",
                    id="scrubroom.E003",
                )
            )
    return errors


@register("residency")
def check_declared_regions(app_configs, **kwargs) -> list[CheckMessage]:
    """Every store declares a region, and it is the deployment's (no I/O: runs everywhere)."""
    messages: list[CheckMessage] = []
    for store in residency.stores():
        verdict = residency.judge(store, observe=False)
        if verdict.verdict == "missing":
            messages.append(
                Error(
                    f"{store.name} ({store.backend}) declares no region.",
                    hint=f"Set {store.setting} to {settings.SCRUBROOM_REGION!r}.",
                    id="scrubroom.E010",
                )
            )
        elif verdict.verdict == "mismatch":
            messages.append(
                Error(
                    f"{store.name} ({store.backend}) is in {store.declared!r}, "
                    f"but this deployment is in {settings.SCRUBROOM_REGION!r}.",
                    hint=f"Move the store, or correct {store.setting}.",
                    id="scrubroom.E011",
                )
            )
    layer: dict[str, Any] = settings.CHANNEL_LAYERS["default"]
    if not settings.DEBUG and layer["BACKEND"].endswith("InMemoryChannelLayer"):
        messages.append(
            Warning(
                "The in-memory channel layer does not cross processes: with more than one "
                "server process, live updates reach only viewers on the same process.",
                hint="Set SCRUBROOM_REDIS_URL for a deployment with several processes.",
                id="scrubroom.W010",
            )
        )
    return messages


@register("residency", Tags.database)
def check_observed_regions(app_configs, databases=None, **kwargs) -> list[CheckMessage]:
    """Ask the stores that can tell (S3 buckets, PostgreSQL) where they are.

    Tagged `database`, so it runs in `migrate`, `check --database default`, at ASGI start-up
    and in `residency_report`, but not on every management command.
    """
    if not databases:
        return []
    messages: list[CheckMessage] = []
    for store in residency.stores():
        if store.observe is None or not store.declared:
            continue
        verdict = residency.judge(store)
        if verdict.verdict == "mismatch" and verdict.observed:
            messages.append(
                Error(
                    f"{store.name}: {verdict.detail}.",
                    hint="The data is not where it was declared to be; do not start.",
                    id="scrubroom.E012",
                )
            )
        elif verdict.verdict == "unverified":
            messages.append(
                Error(
                    f"{store.name}: {verdict.detail}.",
                    hint="Scrubroom will not start until it can confirm the store's region.",
                    id="scrubroom.E013",
                )
            )
    return messages


@register(Tags.compatibility)
def check_redis_read_timeout(app_configs, **kwargs) -> list[CheckMessage]:
    """Redis reads must outlast channels_redis's blocking receive, or idle sockets die.

    redis-py 8 reads with a 5 s timeout by default; channels_redis blocks for 5 s
    (BZPOPMIN) waiting for a message. Equal numbers mean every quiet consumer's receive
    fails with TimeoutError after five seconds and its websocket closes.
    """
    layer: dict[str, Any] = settings.CHANNEL_LAYERS["default"]
    if not layer["BACKEND"].startswith("channels_redis."):
        return []
    # Only a Redis deployment has these to ask.
    from channels_redis.core import RedisChannelLayer  # noqa: PLC0415
    from redis._defaults import DEFAULT_SOCKET_TIMEOUT  # noqa: PLC0415

    blocking = RedisChannelLayer.brpop_timeout
    messages: list[CheckMessage] = []
    for host in layer.get("CONFIG", {}).get("hosts", []):
        timeout = (
            host.get("socket_timeout", DEFAULT_SOCKET_TIMEOUT)
            if isinstance(host, dict)
            else DEFAULT_SOCKET_TIMEOUT
        )
        if timeout is not None and timeout <= blocking:
            messages.append(
                Error(
                    f"The channel layer's Redis read timeout ({timeout} s) does not outlast "
                    f"its blocking receive ({blocking} s): idle websockets would be closed.",
                    hint="Set socket_timeout in CHANNEL_LAYERS hosts above the receive time.",
                    id="scrubroom.E020",
                )
            )
    return messages


@register(Tags.security)
def check_bodies_stay_in_memory(app_configs, **kwargs) -> list[CheckMessage]:
    """The sizes that keep an upload off the disk agree with each other.

    Daphne refuses a body over SCRUBROOM_REQUEST_MAX_BYTES (scrubroom/inmemory_bodies.py);
    Django's ASGI handler copies what it lets through into a SpooledTemporaryFile that rolls
    over to /tmp beyond FILE_UPLOAD_MAX_MEMORY_SIZE. A smaller spool puts originals on disk;
    a request limit below the image limit refuses the images the form says it takes; and
    Django's own upload handlers write files over 2.5 MB to /tmp.
    """
    request_limit = settings.SCRUBROOM_REQUEST_MAX_BYTES
    spool = settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    image_limit = settings.SCRUBROOM_UPLOAD_LIMITS["max_bytes"]
    messages: list[CheckMessage] = []
    if spool < request_limit:
        messages.append(
            Error(
                f"FILE_UPLOAD_MAX_MEMORY_SIZE ({spool}) is below "
                f"SCRUBROOM_REQUEST_MAX_BYTES ({request_limit}): a large upload would be "
                "written to a temporary file.",
                hint="Set FILE_UPLOAD_MAX_MEMORY_SIZE = SCRUBROOM_REQUEST_MAX_BYTES.",
                id="scrubroom.E030",
            )
        )
    if request_limit < image_limit:
        messages.append(
            Error(
                f"SCRUBROOM_REQUEST_MAX_BYTES ({request_limit}) is below the image limit "
                f"({image_limit}): images the form accepts "
                "would be refused before they arrive.",
                hint="Derive it from SCRUBROOM_UPLOAD_LIMITS['max_bytes'], as settings.py does.",
                id="scrubroom.E031",
            )
        )
    if list(settings.FILE_UPLOAD_HANDLERS) != [MEMORY_ONLY_UPLOADS]:
        messages.append(
            Error(
                f"FILE_UPLOAD_HANDLERS is {list(settings.FILE_UPLOAD_HANDLERS)}: an upload "
                "could be written to a temporary file.",
                hint=f"Set FILE_UPLOAD_HANDLERS = [{MEMORY_ONLY_UPLOADS!r}].",
                id="scrubroom.E032",
            )
        )
    return messages
