"""What the browser may use and keep, and which pages may open a websocket (issue 17)."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.testing import WebsocketCommunicator
from django.conf import settings

from scrubroom.origins import SameOriginValidator


def test_every_response_denies_the_features_the_site_never_uses(client, client_for, alice):
    for response in (client.get("/accounts/login/"), client_for(alice).get("/")):
        policy = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
            assert feature in policy
        assert "publickey-credentials-get=(self)" in policy  # security keys still work


@pytest.mark.parametrize("path", ["/", "/notifications/", "/accounts/2fa/", "/membership/"])
def test_private_pages_are_never_stored(client_for, alice, path):
    response = client_for(alice).get(path)
    assert "no-store" in response["Cache-Control"], path


def test_the_totp_and_recovery_code_pages_are_never_stored(dave):
    from tests.conftest import signed_in

    client = signed_in(dave)
    for path in ("/accounts/2fa/recovery-codes/", "/accounts/2fa/totp/deactivate/"):
        response = client.get(path)
        assert "no-store" in response.get("Cache-Control", ""), (path, response.status_code)


def test_cookies_are_host_bound_in_production(client, db):
    assert settings.SESSION_COOKIE_NAME == "__Host-sessionid"
    assert settings.CSRF_COOKIE_NAME == "__Host-csrftoken"
    response = client.get("/accounts/login/")
    cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"]


class Accept(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        await self.accept()


def opens(origin: str | None, host: str = "scrubroom.test:8443", scheme: str = "wss") -> bool:
    headers = [(b"host", host.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))

    async def attempt() -> bool:
        communicator = WebsocketCommunicator(
            SameOriginValidator(Accept.as_asgi()), "/ws/cases/1/", headers=headers
        )
        communicator.scope["scheme"] = scheme
        connected, _code = await communicator.connect()
        if connected:
            await communicator.disconnect()
        return connected

    return async_to_sync(attempt)()


def test_a_websocket_opens_only_from_the_sites_own_scheme_host_and_port(settings, db):
    settings.ALLOWED_HOSTS = ["scrubroom.test"]
    settings.SECURE_SSL_REDIRECT = True
    assert opens("https://scrubroom.test:8443")
    assert not opens("https://scrubroom.test:8444")  # another service on the same host
    assert not opens("http://scrubroom.test:8443")  # a plain-http page
    assert not opens("https://evil.example:8443", host="evil.example:8443")  # not allowed
    assert not opens("https://scrubroom.test.evil.example:8443")
    assert not opens(None)
    assert not opens("null")
    assert not opens("https://[x")
    # In production a socket over plain ws is refused whatever its origin says.
    assert not opens("http://scrubroom.test:8443", scheme="ws")
    assert opens("https://scrubroom.test", host="scrubroom.test")  # default ports
