"""The websocket consumers, driven with Channels' WebsocketCommunicator: who may connect,
catch-up from the database, live events after commit, typing, presence, caps, and closing
at once when a member loses access."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from forum import actions
from forum.models import ThreadEvent
from live import relay as relay_module
from scrubroom.routing import websocket_urlpatterns

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
TIMEOUT = 5


def socket(user, path: str) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    communicator.scope["user"] = user
    return communicator


async def receive(communicator: WebsocketCommunicator, kind: str) -> dict:
    """The next message of `kind` (presence updates may come in between)."""
    while True:
        message = json.loads(await communicator.receive_from(timeout=TIMEOUT))
        if message["type"] == kind:
            return message


def run(scenario):
    async_to_sync(scenario)()


def test_a_member_connects_and_catches_up_from_the_database(alices_case, make_reply, bob, alice):
    first = make_reply(alices_case, bob, "Before the page loaded")
    second = make_reply(alices_case, bob, "While the page was loading")
    events = list(ThreadEvent.objects.filter(case=alices_case).values_list("pk", "reply_id"))

    async def scenario():
        viewer = socket(alice, f"/ws/cases/{alices_case.pk}/")
        connected, _ = await viewer.connect()
        assert connected
        assert (await receive(viewer, "presence"))["viewers"] == 1
        await viewer.send_to(text_data=json.dumps({"type": "resume", "after": events[0][0]}))
        replay = await receive(viewer, "events")
        assert [(e["id"], e["reply"]) for e in replay["events"]] == events[1:]
        assert replay["reload"] is False
        await viewer.disconnect()

    run(scenario)
    assert first.pk != second.pk


@pytest.mark.parametrize("who", ["applicant", "suspended"])
def test_non_members_are_refused(alices_case, carol, make_member, who):
    user = carol if who == "applicant" else make_member("Sam Suspended", status="suspended")

    async def scenario():
        viewer = socket(user, f"/ws/cases/{alices_case.pk}/")
        connected, code = await viewer.connect()
        assert not connected and code == 4403

    run(scenario)


def test_a_held_case_is_refused_to_other_members(bob, alice, hernia):
    from tests.conftest import CASE_DATA

    held = actions.create_case(
        alice,
        specialty=hernia,
        data={**CASE_DATA, "title": "Mr Dawson's classification"},
        justification="Dawson is an eponym.",
    )

    async def scenario():
        outsider = socket(bob, f"/ws/cases/{held.pk}/")
        assert (await outsider.connect())[1] == 4403
        author = socket(alice, f"/ws/cases/{held.pk}/")
        assert (await author.connect())[0]
        await author.disconnect()

    run(scenario)


def test_anonymous_and_unknown_cases_are_refused(alices_case, alice):
    from django.contrib.auth.models import AnonymousUser

    async def scenario():
        assert (await socket(AnonymousUser(), f"/ws/cases/{alices_case.pk}/").connect())[1] == 4403
        assert (await socket(alice, "/ws/cases/999999/").connect())[1] == 4403

    run(scenario)


def test_a_reply_reaches_every_viewer_after_commit(alices_case, alice, bob):
    async def scenario():
        a, b = (
            socket(alice, f"/ws/cases/{alices_case.pk}/"),
            socket(bob, f"/ws/cases/{alices_case.pk}/"),
        )
        assert (await a.connect())[0] and (await b.connect())[0]
        reply = await database_sync_to_async(actions.create_reply)(
            alices_case, author=bob, body="Live from Bob"
        )
        for viewer in (a, b):
            event = (await receive(viewer, "event"))["event"]
            assert (event["kind"], event["reply"]) == ("reply", reply.pk)
        await a.disconnect()
        await b.disconnect()

    run(scenario)


def test_typing_and_presence_reach_the_others(alices_case, alice, bob):
    async def scenario():
        a = socket(alice, f"/ws/cases/{alices_case.pk}/")
        assert (await a.connect())[0]
        assert (await receive(a, "presence"))["viewers"] == 1
        b = socket(bob, f"/ws/cases/{alices_case.pk}/")
        assert (await b.connect())[0]
        assert (await receive(a, "presence"))["viewers"] == 2
        await b.send_to(text_data=json.dumps({"type": "typing"}))
        assert (await receive(a, "typing"))["name"] == "Bob Tanaka"
        await b.disconnect()
        assert (await receive(a, "presence"))["viewers"] == 1
        await a.disconnect()

    run(scenario)


def test_a_suspended_member_is_disconnected_at_once(alices_case, alice, bob, erin):
    from members.actions import suspend_member

    async def scenario():
        viewer = socket(bob, f"/ws/cases/{alices_case.pk}/")
        assert (await viewer.connect())[0]
        await database_sync_to_async(suspend_member)(bob, by=erin, reason="Licence lapsed")
        output = await viewer.receive_output(timeout=TIMEOUT)
        while output["type"] != "websocket.close":
            output = await viewer.receive_output(timeout=TIMEOUT)
        assert output["code"] == 4401

    run(scenario)


def test_losing_sight_of_the_case_closes_on_the_next_action(alices_case, alice, bob):
    async def scenario():
        viewer = socket(bob, f"/ws/cases/{alices_case.pk}/")
        assert (await viewer.connect())[0]
        await database_sync_to_async(_hold)(alices_case)
        await viewer.send_to(text_data=json.dumps({"type": "resume", "after": 0}))
        output = await viewer.receive_output(timeout=TIMEOUT)
        while output["type"] != "websocket.close":
            output = await viewer.receive_output(timeout=TIMEOUT)
        assert output["code"] == 4403

    run(scenario)


def _hold(case) -> None:
    case.state = "held"
    case.save(update_fields=["state"])


@pytest.mark.parametrize(("payload", "code"), [("x" * 5000, 4009), (None, 4429)])
def test_oversized_and_flooding_clients_are_closed(alices_case, bob, payload, code):
    async def scenario():
        viewer = socket(bob, f"/ws/cases/{alices_case.pk}/")
        assert (await viewer.connect())[0]
        if payload is not None:
            await viewer.send_to(text_data=payload)
        else:
            for _ in range(40):
                await viewer.send_to(text_data=json.dumps({"type": "ping"}))
        output = await viewer.receive_output(timeout=TIMEOUT)
        while output["type"] != "websocket.close":
            output = await viewer.receive_output(timeout=TIMEOUT)
        assert output["code"] == code

    run(scenario)


def test_the_header_counts_update_live(alices_case, alice, bob, dave):
    async def scenario():
        me = socket(alice, "/ws/me/")
        assert (await me.connect())[0]
        assert await receive(me, "counts") == {"type": "counts", "unread": 0}
        moderator = socket(dave, "/ws/me/")
        assert (await moderator.connect())[0]
        assert (await receive(moderator, "counts"))["queue"] == 0
        await database_sync_to_async(actions.create_reply)(
            alices_case, author=bob, body="Mr Rives style?", justification="An eponym."
        )
        assert (await receive(moderator, "counts"))["queue"] == 1  # a held reply to review
        await database_sync_to_async(actions.create_reply)(alices_case, author=bob, body="Hello")
        assert (await receive(me, "counts"))["unread"] == 1  # alice follows her case
        await me.disconnect()
        await moderator.disconnect()

    run(scenario)


def test_the_redis_read_timeout_outlasts_the_blocking_receive(settings):
    from django.core import checks

    redis = {"BACKEND": "channels_redis.core.RedisChannelLayer"}
    settings.CHANNEL_LAYERS = {
        "default": {**redis, "CONFIG": {"hosts": [{"address": "redis://127.0.0.1:1/0"}]}}
    }
    assert [m.id for m in checks.run_checks(tags=["compatibility"])] == ["scrubroom.E020"]
    settings.CHANNEL_LAYERS = {
        "default": {
            **redis,
            "CONFIG": {"hosts": [{"address": "redis://127.0.0.1:1/0", "socket_timeout": 30}]},
        }
    }
    assert "scrubroom.E020" not in [m.id for m in checks.run_checks(tags=["compatibility"])]


def test_a_relay_reads_on_the_layers_shared_local_prefix(alices_case, bob):
    # channels_redis reads a process's own channels through one list per prefix under one
    # lock: a relay with its own prefix would starve behind the consumers' reads.
    async def scenario():
        viewer = socket(bob, f"/ws/cases/{alices_case.pk}/")
        assert (await viewer.connect())[0]
        relays = [r for r in relay_module._relays.values() if r.case_id == alices_case.pk]
        assert relays and relays[0].channel.startswith("specific.")
        await viewer.disconnect()
        assert not [r for r in relay_module._relays.values() if r.case_id == alices_case.pk]

    run(scenario)


def test_viewers_who_lose_sight_of_the_case_are_closed_when_it_changes(
    alices_case, alice, bob, dave
):
    from tests.conftest import CASE_DATA

    async def scenario():
        viewer = socket(bob, f"/ws/cases/{alices_case.pk}/")
        moderator = socket(dave, f"/ws/cases/{alices_case.pk}/")
        assert (await viewer.connect())[0] and (await moderator.connect())[0]
        # The author's edit is held for review: members other than the author and the
        # specialty's moderators may no longer see the case, nor anything about it.
        await database_sync_to_async(actions.edit_case)(
            alices_case,
            by=alice,
            data={**CASE_DATA, "title": "Mr Dawson's repair"},
            justification="An eponym.",
        )
        output = await viewer.receive_output(timeout=TIMEOUT)
        while output["type"] != "websocket.close":
            output = await viewer.receive_output(timeout=TIMEOUT)
        assert output["code"] == 4403
        assert (await receive(moderator, "event"))["event"]["kind"] == "case_changed"
        await moderator.disconnect()

    run(scenario)
