"""A thread's event log: every change to a thread is logged (ThreadEvent) in the same
transaction, and announced through the live transport only after the commit.

A viewer who missed an announcement catches up from here (`events_after`), and the browser
fetches what changed through the permission-checked views.
"""

from __future__ import annotations

from typing import Any

from forum.models import Case, Reply, ThreadEvent
from live import broadcast

# How many events a reconnecting viewer may replay before the page is reloaded instead.
MAX_REPLAY = 500


def emit(case: Case, kind: str, *, reply: Reply | None = None) -> ThreadEvent:
    event = ThreadEvent.objects.create(case=case, kind=kind, reply=reply)
    broadcast.thread_event(case.pk, event.as_dict())
    return event


def events_after(case: Case, after: int) -> list[dict[str, Any]]:
    """The events a viewer missed, oldest first (ids and kinds only)."""
    events = ThreadEvent.objects.filter(case=case, pk__gt=after).order_by("pk")[: MAX_REPLAY + 1]
    return [event.as_dict() for event in events]


def last_event_id(case: Case) -> int:
    last = ThreadEvent.objects.filter(case=case).order_by("-pk").values_list("pk", flat=True)
    return last.first() or 0
