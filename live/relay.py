"""One relay per case per process: the channel layer carries each thread message once to
each process, which hands it to its own viewers' sockets directly.

Stock Channels sends a group message to every member channel: for 500 viewers that is 500
copies through the layer, 500 queue wake-ups and 500 JSON encodings per reply, and Redis
carries all of them. Here the thread's group has one member per process (the relay), the
message is encoded once, and the relay writes the same text to each local socket, as a bare
broadcaster would. Per-member messages (the member's own group: session end, notification
counts) still go to each consumer's own channel.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Protocol

from live.groups import case_group

log = logging.getLogger(__name__)


class Viewer(Protocol):
    user_id: int
    case_id: int

    async def send(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None: ...

    async def recheck(self) -> bool: ...


class _Relay:
    def __init__(self, layer: Any, case_id: int) -> None:
        self.layer = layer
        self.case_id = case_id
        self.viewers: set[Viewer] = set()
        self.channel = ""
        self.task: asyncio.Task | None = None

    async def start(self) -> None:
        # The default prefix, on purpose: channels_redis reads all of a process's own
        # channels through one shared Redis list per prefix, under one lock; a relay on a
        # prefix of its own would wait behind the consumers' reads and starve.
        self.channel = await self.layer.new_channel()
        await self.layer.group_add(case_group(self.case_id), self.channel)
        self.task = asyncio.get_running_loop().create_task(self.run())

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
        await self.layer.group_discard(case_group(self.case_id), self.channel)

    async def run(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # a store hiccup (Redis restarting): keep the relay alive
                log.exception("relay for case %s could not receive; retrying", self.case_id)
                await asyncio.sleep(1.0)
                continue
            try:
                await self.deliver(message)
            except Exception:  # one bad message must not stop the thread's updates
                log.exception("relay for case %s failed to deliver", self.case_id)

    async def deliver(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        skip = None
        if kind == "thread.event":
            content = {"type": "event", "event": message["event"], "at": message.get("at")}
        elif kind == "thread.typing":
            content, skip = {"type": "typing", "name": message["name"]}, message["user"]
        elif kind == "presence.count":
            content = {"type": "presence", "viewers": message["viewers"]}
        else:
            return
        if kind == "thread.event" and message["event"]["kind"] == "case_changed":
            # The case may have been held, hidden or returned: who may still see it?
            for viewer in list(self.viewers):
                await viewer.recheck()
        text = json.dumps(content, separators=(",", ":"))
        for viewer in list(self.viewers):
            if viewer.user_id == skip:
                continue
            try:
                await viewer.send(text_data=text)
            except Exception:  # noqa: S112 (a socket closing mid-delivery; it is leaving)
                continue


# (event loop, case) -> relay. Keyed by loop so that tests, each with its own loop, and a
# server, with one, never share a relay across loops.
_relays: dict[tuple[int, int], _Relay] = {}


async def join(layer: Any, viewer: Viewer) -> None:
    key = (id(asyncio.get_running_loop()), viewer.case_id)
    relay = _relays.get(key)
    if relay is None:
        relay = _Relay(layer, viewer.case_id)
        _relays[key] = relay
        await relay.start()
    relay.viewers.add(viewer)


async def leave(viewer: Viewer) -> None:
    key = (id(asyncio.get_running_loop()), viewer.case_id)
    relay = _relays.get(key)
    if relay is None:
        return
    relay.viewers.discard(viewer)
    if not relay.viewers:
        del _relays[key]
        await relay.stop()
