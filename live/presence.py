"""Who is viewing a case: one cache entry per case (Redis when scaled, so it spans the
processes), each viewer refreshed by a heartbeat and expiring after a TTL.

Counts are announced to the case's group at most once a second per process, whatever the
number of arrivals: 500 viewers joining at once cause a handful of broadcasts, not 500 x 500
messages. Presence is only ever sent within the case's group, whose members passed the same
permission check as the page.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

from django.core.cache import cache

from live.groups import case_group

TTL_SECONDS = 45.0
ANNOUNCE_AFTER = 1.0

# Sockets of (case, user) open in this process: a second tab closing is not a departure.
_local: Counter[tuple[int, int]] = Counter()
_pending: set[tuple[int, int]] = set()
_tasks: set[asyncio.Task] = set()


def _key(case_id: int) -> str:
    return f"presence:case:{case_id}"


async def _entries(case_id: int) -> dict[str, float]:
    now = time.time()
    entries = await cache.aget(_key(case_id)) or {}
    return {user: expiry for user, expiry in entries.items() if expiry > now}


async def count(case_id: int) -> int:
    return len(await _entries(case_id))


async def touch(case_id: int, user_id: int, *, here: bool) -> int:
    """Record a viewer arriving (or still here) or leaving; returns the new count."""
    entries = await _entries(case_id)
    if here:
        entries[str(user_id)] = time.time() + TTL_SECONDS
    else:
        _local[(case_id, user_id)] -= 1
        if _local[(case_id, user_id)] <= 0:
            _local.pop((case_id, user_id), None)
            entries.pop(str(user_id), None)
    await cache.aset(_key(case_id), entries, timeout=int(TTL_SECONDS * 2))
    return len(entries)


def arrived(case_id: int, user_id: int) -> None:
    _local[(case_id, user_id)] += 1


def announce_soon(layer: Any, case_id: int) -> None:
    """Broadcast the case's count within a second, once, however many changes come."""
    loop = asyncio.get_running_loop()
    key = (id(loop), case_id)
    if key in _pending:
        return
    _pending.add(key)

    async def announce() -> None:
        await asyncio.sleep(ANNOUNCE_AFTER)
        _pending.discard(key)
        await layer.group_send(
            case_group(case_id), {"type": "presence.count", "viewers": await count(case_id)}
        )

    task = loop.create_task(announce())
    _tasks.add(task)  # held until done: the loop keeps only weak references
    task.add_done_callback(_tasks.discard)
