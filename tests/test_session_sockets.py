"""Every way a session ends closes its open sockets at once (issue 17): signing out, a password
change or reset, "sign out other sessions", and losing a role.

Sockets are authenticated the way the server does it, from the session cookie (Channels'
AuthMiddlewareStack); the sessions are made by signing in through the real forms.
"""

from __future__ import annotations

import json
import re

import pytest
from asgiref.sync import async_to_sync
from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.core import mail
from django.test import Client

from live.sockets import CLOSE_RECONNECT
from members import actions
from scrubroom.routing import websocket_urlpatterns
from tests.conftest import PASSWORD, signed_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
TIMEOUT = 5
NEW_PASSWORD = "Laparoscopic-ports-3x"


def socket(client: Client, path: str) -> WebsocketCommunicator:
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return WebsocketCommunicator(
        AuthMiddlewareStack(URLRouter(websocket_urlpatterns)),
        path,
        headers=[(b"cookie", cookie.encode()), (b"host", b"testserver")],
    )


async def closed_with(communicator: WebsocketCommunicator) -> int:
    output = await communicator.receive_output(timeout=TIMEOUT)
    while output["type"] != "websocket.close":
        output = await communicator.receive_output(timeout=TIMEOUT)
    return output["code"]


async def still_open(communicator: WebsocketCommunicator) -> bool:
    """Open if it answers a ping (a closed socket would have sent its close first)."""
    await communicator.send_to(text_data=json.dumps({"type": "ping"}))
    while True:
        output = await communicator.receive_output(timeout=TIMEOUT)
        if output["type"] == "websocket.close":
            return False
        if json.loads(output["text"])["type"] == "pong":
            return True


async def connects(client: Client, path: str) -> bool:
    communicator = socket(client, path)
    connected, _code = await communicator.connect()
    if connected:
        await communicator.disconnect()
    return connected


def run(scenario) -> None:
    async_to_sync(scenario)()


def in_thread(function):
    return database_sync_to_async(function)


@pytest.mark.parametrize("path", ["thread", "me"])
def test_signing_out_closes_that_sessions_sockets_and_no_other(alices_case, alice, path):
    path = f"/ws/cases/{alices_case.pk}/" if path == "thread" else "/ws/me/"
    phone, laptop = signed_in(alice), signed_in(alice)

    async def scenario():
        on_phone, on_laptop = socket(phone, path), socket(laptop, path)
        assert (await on_phone.connect())[0] and (await on_laptop.connect())[0]
        await in_thread(phone.post)("/accounts/logout/")
        assert await closed_with(on_phone) == CLOSE_RECONNECT
        assert not await connects(phone, path)  # the page comes back, and is refused
        assert await still_open(on_laptop)
        await on_laptop.disconnect()

    run(scenario)


def test_a_password_change_closes_the_other_sessions_and_keeps_this_one(alices_case, alice):
    path = f"/ws/cases/{alices_case.pk}/"
    here, elsewhere = signed_in(alice), signed_in(alice)

    async def scenario():
        stolen = socket(elsewhere, path)
        assert (await stolen.connect())[0]
        response = await in_thread(here.post)(
            "/accounts/password/change/",
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        assert response.status_code == 302
        assert await closed_with(stolen) == CLOSE_RECONNECT
        assert not await connects(elsewhere, path)
        assert await connects(here, path)  # this device stays signed in, on its new key

    run(scenario)


def test_a_password_reset_by_email_closes_every_session(alices_case, alice):
    path = f"/ws/cases/{alices_case.pk}/"
    signed_in_device = signed_in(alice)
    resetting = Client()

    async def scenario():
        open_socket = socket(signed_in_device, path)
        assert (await open_socket.connect())[0]
        await in_thread(resetting.post)("/accounts/password/reset/", {"email": alice.email})
        (message,) = mail.outbox
        (link,) = re.findall(r"http://testserver(/accounts/password/reset/key/\S+/)", message.body)
        form_url = (await in_thread(resetting.get)(link))["Location"]
        response = await in_thread(resetting.post)(
            form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )
        assert response.status_code == 302
        assert await closed_with(open_socket) == CLOSE_RECONNECT
        assert not await connects(signed_in_device, path)

    run(scenario)


def test_signing_out_other_sessions_closes_their_sockets(alices_case, alice):
    path = "/ws/me/"
    here, elsewhere = signed_in(alice), signed_in(alice)

    async def scenario():
        mine, theirs = socket(here, path), socket(elsewhere, path)
        assert (await mine.connect())[0] and (await theirs.connect())[0]
        response = await in_thread(here.post)("/accounts/sessions/", {})
        assert response.status_code == 302
        assert await closed_with(theirs) == CLOSE_RECONNECT
        assert not await connects(elsewhere, path)
        assert await still_open(mine)
        await mine.disconnect()

    run(scenario)


def test_a_demoted_moderator_hears_no_more_of_the_queue(alices_case, dave, erin, hernia, bob):
    from forum import actions as forum_actions

    moderator = signed_in(dave)

    async def scenario():
        header = socket(moderator, "/ws/me/")
        assert (await header.connect())[0]
        first = json.loads(await header.receive_from(timeout=TIMEOUT))
        assert first["type"] == "counts" and "queue" in first
        await in_thread(actions.revoke_moderator)(dave, hernia, by=erin, reason="Stepped down")
        assert await closed_with(header) == CLOSE_RECONNECT
        # The page comes back as a member: no queue count, and no queue events.
        again = socket(moderator, "/ws/me/")
        assert (await again.connect())[0]
        assert json.loads(await again.receive_from(timeout=TIMEOUT)) == {
            "type": "counts",
            "unread": 0,
        }
        await in_thread(forum_actions.create_reply)(
            alices_case, author=bob, body="Mr Rives style?", justification="An eponym."
        )
        assert await again.receive_nothing(timeout=0.5)
        await again.disconnect()

    run(scenario)
