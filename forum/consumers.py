"""Websocket consumers: small, as the style guide asks. They authenticate with the same
permission functions as the views, join groups, relay ids, and re-check on every action.

`ThreadConsumer` (/ws/cases/<pk>/): thread events, catch-up from the database on
`resume`, typing, presence. `MeConsumer` (/ws/me/): the header's notification badge and,
for moderators, the queue count. Both close at once when the member's sessions end.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from forum import fanout, live, presence

MAX_MESSAGE_BYTES = 2048  # a client sends only small control messages
RATE_WINDOW_SECONDS = 10.0
RATE_LIMIT = 30  # messages per window, then the socket is closed
HEARTBEAT_SECONDS = presence.TTL_SECONDS / 3

# Close codes the page acts on: do not reconnect after these.
CLOSE_FORBIDDEN = 4403
CLOSE_SIGNED_OUT = 4401
CLOSE_TOO_MANY = 4429
CLOSE_TOO_BIG = 1009


def _member(user_id: int):
    from members.models import User

    return User.objects.select_related("profile").filter(pk=user_id).first()


class _Guarded(AsyncWebsocketConsumer):
    """Message size and rate caps, and the end-of-session close, for both consumers."""

    user_id: int

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None):
        if bytes_data is not None or text_data is None or len(text_data) > MAX_MESSAGE_BYTES:
            await self.close(code=CLOSE_TOO_BIG)
            return
        now = time.monotonic()
        window = [t for t in getattr(self, "_recent", []) if now - t < RATE_WINDOW_SECONDS]
        window.append(now)
        self._recent = window
        if len(window) > RATE_LIMIT:
            await self.close(code=CLOSE_TOO_MANY)
            return
        try:
            message = json.loads(text_data)
        except ValueError:
            return
        if isinstance(message, dict):
            await self.on_message(message)

    async def on_message(self, message: dict[str, Any]) -> None:  # pragma: no cover
        raise NotImplementedError

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(content, separators=(",", ":")))

    async def session_end(self, message: dict[str, Any]) -> None:
        await self.close(code=CLOSE_SIGNED_OUT)


class ThreadConsumer(_Guarded):
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
        self.group = live.case_group(self.case_id)
        # Join before anything is read, so nothing falls between the catch-up and the live.
        # Thread messages come through this process's relay (forum/fanout.py); the member's
        # own group (session end) comes to this consumer's channel.
        await fanout.join(self.channel_layer, self)
        await self.channel_layer.group_add(live.user_group(self.user_id), self.channel_name)
        await self.accept()
        presence.arrived(self.case_id, self.user_id)
        await self._send_presence(await presence.touch(self.case_id, self.user_id, here=True))
        presence.announce_soon(self.channel_layer, self.case_id)
        self.heartbeat = asyncio.create_task(self._beat())

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "heartbeat"):
            self.heartbeat.cancel()
        if hasattr(self, "group"):
            await fanout.leave(self)
            await presence.touch(self.case_id, self.user_id, here=False)
            presence.announce_soon(self.channel_layer, self.case_id)
            await self.channel_layer.group_discard(live.user_group(self.user_id), self.channel_name)

    @database_sync_to_async
    def check(self) -> tuple[bool, str]:
        """Fresh from the database: the member may have been suspended since connecting."""
        from forum.models import Case
        from forum.permissions import can_see_case

        member = _member(self.user_id)
        case = Case.objects.select_related("specialty").filter(pk=self.case_id).first()
        if member is None or case is None or not can_see_case(member, case):
            return False, ""
        return True, member.display_name

    async def recheck(self) -> bool:
        """Close at once if the viewer may no longer see the case; True if still allowed."""
        allowed, _name = await self.check()
        if not allowed:
            await fanout.leave(self)  # no more of this thread, not even the next message
            await self.close(code=CLOSE_FORBIDDEN)
        return allowed

    @database_sync_to_async
    def missed(self, after: int) -> list[dict[str, Any]]:
        from forum.models import Case

        return live.events_after(Case(pk=self.case_id), after)

    async def on_message(self, message: dict[str, Any]) -> None:
        if not await self.recheck():
            return
        kind = message.get("type")
        if kind == "resume":
            try:
                after = max(0, int(message.get("after", 0)))
            except (TypeError, ValueError):
                return
            events = await self.missed(after)
            reload = len(events) > live.MAX_REPLAY
            await self.send_json(
                {"type": "events", "events": events[: live.MAX_REPLAY], "reload": reload}
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


class MeConsumer(_Guarded):
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
        self.joined = [live.user_group(self.user_id), *groups]
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
            return [live.moderation_group(None)]
        return [
            live.moderation_group(specialty_id)
            for specialty_id in member.moderator_scopes.values_list("specialty_id", flat=True)
        ]

    @database_sync_to_async
    def counts(self) -> dict[str, int] | None:
        from forum.models import Notification
        from moderation.models import ReviewItem

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

    async def notify(self, message: dict[str, Any]) -> None:
        await self.send_counts()

    async def queue_changed(self, message: dict[str, Any]) -> None:
        await self.send_counts()
