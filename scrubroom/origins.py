"""Which pages may open a websocket: this site's own origin, scheme and port included.

Channels' AllowedHostsOriginValidator compares the Origin's host with ALLOWED_HOSTS only, so
http://scrubroom.example:8081 (another service on the same host) or a plain-http page of an
https site could open a socket with a member's cookie. Here the Origin must be exactly the
origin the request came to: the same scheme (https when the connection is secure, and always
in production), the same host and the same port, and the host must be an allowed one.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}


def _scheme(scope: dict[str, Any], headers: dict[bytes, bytes]) -> str:
    proxy = settings.SECURE_PROXY_SSL_HEADER
    if proxy and headers.get(b"x-forwarded-proto", b"").decode("latin-1").lower() == "https":
        return "https"
    return "https" if scope.get("scheme") == "wss" else "http"


def _host_port(netloc: str, scheme: str) -> tuple[str, int] | None:
    try:
        parsed = urlsplit(f"//{netloc}")
        port = parsed.port
    except ValueError:
        return None
    if not parsed.hostname:
        return None
    return parsed.hostname.lower(), port or DEFAULT_PORTS[scheme]


def origin_allowed(scope: dict[str, Any]) -> bool:
    headers = dict(scope.get("headers") or [])
    origin = headers.get(b"origin", b"").decode("latin-1")
    host = headers.get(b"host", b"").decode("latin-1")
    scheme = _scheme(scope, headers)
    if not origin or not host or (settings.SECURE_SSL_REDIRECT and scheme != "https"):
        return False
    try:
        parsed = urlsplit(origin)
    except ValueError:
        return False
    if parsed.scheme != scheme or parsed.path not in {"", "/"}:
        return False
    came_from, came_to = _host_port(parsed.netloc, scheme), _host_port(host, scheme)
    if came_from is None or came_from != came_to:
        return False
    return validate_host(came_from[0], settings.ALLOWED_HOSTS)


class SameOriginValidator:
    """ASGI middleware: a websocket from any other origin is refused before it opens."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and not origin_allowed(scope):
            denier = WebsocketDenier()
            return await denier(scope, receive, send)
        return await self.application(scope, receive, send)
