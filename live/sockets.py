"""The guarded websocket every consumer is built on: message size and rate caps, JSON in and
out, and the close at once when the member's sessions end."""

from __future__ import annotations

import json
import time
from collections import Counter
from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from live.groups import session_group, user_group

MAX_MESSAGE_BYTES = 2048  # a client sends only small control messages
RATE_WINDOW_SECONDS = 10.0
RATE_LIMIT = 30  # messages per window, then the socket is closed

# Close codes the page acts on: do not reconnect after these.
CLOSE_FORBIDDEN = 4403
CLOSE_SIGNED_OUT = 4401
CLOSE_TOO_MANY = 4429
# 1009 is the protocol's "message too big", but a server may only send 1000 or 3000-4999
# (Autobahn, under Daphne, fails the connection on anything else): ours is 4009.
CLOSE_TOO_BIG = 4009
# The session behind the socket changed (signed out, ended elsewhere, a new key) or the
# member's roles did: the page comes back at once and connects as whoever it now is.
CLOSE_RECONNECT = 4001
# The member has SCRUBROOM_SOCKETS_PER_MEMBER live connections open on this process already
# (issue 17's quota): the page says to close some tabs, and does not retry.
CLOSE_TOO_MANY_SOCKETS = 4430

# Open sockets per member in this process. Counted here, not in a shared store, so that a
# process that dies takes its counts with it; with N processes a member may hold N x the cap.
_open: Counter[int] = Counter()


class GuardedSocket(AsyncWebsocketConsumer):
    """Subclasses implement `on_message(message)` for each well-formed JSON object."""

    user_id: int

    def member_groups(self) -> list[str]:
        """The groups every socket of a signed-in member joins: the member's own (suspension,
        roles, counts) and its session's (sign-out)."""
        groups = [user_group(self.user_id)]
        session = self.scope.get("session")
        key = getattr(session, "session_key", None) if session is not None else None
        if key:
            groups.append(session_group(key))
        return groups

    async def claim_slot(self) -> bool:
        """Count this socket against the member's cap; close it (and say False) if full."""
        if _open[self.user_id] >= settings.SCRUBROOM_SOCKETS_PER_MEMBER:
            await self.close(code=CLOSE_TOO_MANY_SOCKETS)
            return False
        _open[self.user_id] += 1
        self._slot = True
        return True

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        if getattr(self, "_slot", False):
            self._slot = False
            _open[self.user_id] -= 1
            if _open[self.user_id] <= 0:
                del _open[self.user_id]
        await super().websocket_disconnect(message)

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

    async def session_changed(self, message: dict[str, Any]) -> None:
        await self.close(code=CLOSE_RECONNECT)

    async def roles_changed(self, message: dict[str, Any]) -> None:
        await self.close(code=CLOSE_RECONNECT)
