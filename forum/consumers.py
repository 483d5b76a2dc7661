"""Websocket consumers: small, as the style guide asks. They authenticate with the same
permission functions as the views, join groups, relay ids, and re-check on every action.

`ThreadConsumer` (/ws/cases/<pk>/): thread events, catch-up from the database on
`resume`, typing, presence. `MeConsumer` (/ws/me/): the header's notification badge and,
for moderators, the queue count. Both close at once when the member's sessions end.
"""

from __future__ import annotations

import asyncio
from typing import Any

from channels.db import database_sync_to_async

from forum import events
from forum.inputs import parse_int
from forum.models import Case, Notification
from forum.permissions import can_see_case
from live import presence, relay
from live.groups import case_group, moderation_group
from live.sockets import CLOSE_FORBIDDEN, GuardedSocket
from members.models import User
from review.models import ReviewItem

HEARTBEAT_SECONDS = presence.TTL_SECONDS / 3


def _member(user_id: int) -> User | None:
    return User.objects.select_related("profile").filter(pk=user_id).first()


class ThreadConsumer(GuardedSocket):
    async def connect(self) -> None:
        user = self.scope.get("user")
        self.case_id = int(self.scope["url_route"]["kwargs"]["pk"])
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.user_id = user.pk
        allowed, self.name = await self.check()
        if not allowed:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        if not await self.claim_slot():
            return
        self.group = case_group(self.case_id)
        # Join before anything is read, so nothing falls between the catch-up and the live.
        # Thread messages come through this process's relay (live/relay.py); the member's
        # own group (session end) comes to this consumer's channel.
        await relay.join(self.channel_layer, self)
        self.joined = self.member_groups()
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        presence.arrived(self.case_id, self.user_id)
        await self._send_presence(await presence.touch(self.case_id, self.user_id, here=True))
        presence.announce_soon(self.channel_layer, self.case_id)
        self.heartbeat = asyncio.create_task(self._beat())

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "heartbeat"):
            self.heartbeat.cancel()
        if hasattr(self, "group"):
            await relay.leave(self)
            await presence.touch(self.case_id, self.user_id, here=False)
            presence.announce_soon(self.channel_layer, self.case_id)
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    @database_sync_to_async
    def check(self) -> tuple[bool, str]:
        """Fresh from the database: the member may have been suspended since connecting."""
        member = _member(self.user_id)
        case = Case.objects.select_related("specialty").filter(pk=self.case_id).first()
        if member is None or case is None or not can_see_case(member, case):
            return False, ""
        return True, member.display_name

    async def recheck(self) -> bool:
        """Close at once if the viewer may no longer see the case; True if still allowed."""
        allowed, _name = await self.check()
        if not allowed:
            await relay.leave(self)  # no more of this thread, not even the next message
            await self.close(code=CLOSE_FORBIDDEN)
        return allowed

    @database_sync_to_async
    def missed(self, after: int) -> list[dict[str, Any]]:
        return events.events_after(Case(pk=self.case_id), after)

    async def on_message(self, message: dict[str, Any]) -> None:
        if not await self.recheck():
            return
        kind = message.get("type")
        if kind == "resume":
            after = parse_int(message.get("after", 0))
            if after is None:
                await self.send_json({"type": "error", "error": "after must be a whole number"})
                return
            missed = await self.missed(after)
            reload = len(missed) > events.MAX_REPLAY
            await self.send_json(
                {"type": "events", "events": missed[: events.MAX_REPLAY], "reload": reload}
            )
        elif kind == "typing":
            await self.channel_layer.group_send(
                self.group, {"type": "thread.typing", "user": self.user_id, "name": self.name}
            )
        elif kind == "ping":
            await self.send_json({"type": "pong"})

    # Group messages.

    async def notify(self, message: dict[str, Any]) -> None:
        """For the header socket (MeConsumer), which shares the member's group."""

    async def _send_presence(self, viewers: int) -> None:
        await self.send_json({"type": "presence", "viewers": viewers})

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            before = await presence.count(self.case_id)
            after = await presence.touch(self.case_id, self.user_id, here=True)
            if after != before:
                presence.announce_soon(self.channel_layer, self.case_id)


class MeConsumer(GuardedSocket):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.user_id = user.pk
        groups = await self.groups_for()
        if groups is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        if not await self.claim_slot():
            return
        self.joined = [*self.member_groups(), *groups]
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_counts()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    @database_sync_to_async
    def groups_for(self) -> list[str] | None:
        member = _member(self.user_id)
        if member is None or not member.is_verified_member:
            return None
        if member.is_admin:
            return [moderation_group(None)]
        return [
            moderation_group(specialty_id)
            for specialty_id in member.moderator_scopes.values_list("specialty_id", flat=True)
        ]

    @database_sync_to_async
    def counts(self) -> dict[str, int] | None:
        member = _member(self.user_id)
        if member is None or not member.is_verified_member:
            return None
        counts = {"unread": Notification.objects.filter(user=member).unread().count()}
        if member.is_admin or member.is_moderator:
            counts["queue"] = ReviewItem.objects.open().for_moderator(member).count()
        return counts

    async def send_counts(self) -> None:
        counts = await self.counts()
        if counts is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.send_json({"type": "counts", **counts})

    async def on_message(self, message: dict[str, Any]) -> None:
        if message.get("type") == "refresh":
            await self.send_counts()
        elif message.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def notify(self, message: dict[str, Any]) -> None:
        await self.send_counts()

    async def queue_changed(self, message: dict[str, Any]) -> None:
        await self.send_counts()
