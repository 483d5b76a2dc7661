"""Live updates: every change to a thread is logged (ThreadEvent) in the same transaction,
and announced to the thread's group only after the commit.

The channel layer delivers at most once, so it is only a doorbell: a viewer who missed a
message catches up from the database (`events_after`), and the browser fetches what changed
through the permission-checked views.
"""

from __future__ import annotations

import time
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from forum.models import Case, Reply, ThreadEvent

# How many events a reconnecting viewer may replay before the page is reloaded instead.
MAX_REPLAY = 500


def case_group(case_id: int) -> str:
    return f"case-{case_id}"


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


def moderation_group(specialty_id: int | None) -> str:
    return f"moderation-{specialty_id}" if specialty_id else "moderation-admins"


def send_after_commit(group: str, message: dict[str, Any]) -> None:
    """A rolled-back change sends nothing."""

    def send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(group, message)

    transaction.on_commit(send)


def emit(case: Case, kind: str, *, reply: Reply | None = None) -> ThreadEvent:
    event = ThreadEvent.objects.create(case=case, kind=kind, reply=reply)
    group = case_group(case.pk)

    def send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            # `at`: when the commit was announced, so viewers (and bench/fanout.py) can tell
            # how long delivery took.
            message = {"type": "thread.event", "event": event.as_dict(), "at": time.time()}
            async_to_sync(layer.group_send)(group, message)

    transaction.on_commit(send)
    return event


def events_after(case: Case, after: int) -> list[dict[str, Any]]:
    """The events a viewer missed, oldest first (ids and kinds only)."""
    events = ThreadEvent.objects.filter(case=case, pk__gt=after).order_by("pk")[: MAX_REPLAY + 1]
    return [event.as_dict() for event in events]


def last_event_id(case: Case) -> int:
    last = ThreadEvent.objects.filter(case=case).order_by("-pk").values_list("pk", flat=True)
    return last.first() or 0


def notify_user(user_id: int, message: dict[str, Any]) -> None:
    send_after_commit(user_group(user_id), message)


def end_sessions(user_id: int) -> None:
    """Close every live connection of a member (suspended, deactivated, deleted)."""
    notify_user(user_id, {"type": "session.end"})


def queue_changed(specialty_id: int | None) -> None:
    send_after_commit(moderation_group(specialty_id), {"type": "queue.changed"})
    if specialty_id:
        send_after_commit(moderation_group(None), {"type": "queue.changed"})
