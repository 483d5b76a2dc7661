"""Sending to groups, always after the commit: a rolled-back change sends nothing.

The channel layer delivers at most once, so a message is only a doorbell: whoever misses one
catches up from the database (forum/events.py) and fetches what changed through the
permission-checked views.
"""

from __future__ import annotations

import time
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from live.groups import case_group, moderation_group, session_group, user_group


def send_after_commit(group: str, message: dict[str, Any]) -> None:
    def send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(group, message)

    transaction.on_commit(send)


def thread_event(case_id: int, event: dict[str, Any]) -> None:
    """Announce a logged thread event (ids and kind only) to the thread's viewers."""

    def send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            # `at`: when the commit was announced, so viewers (and bench/fanout.py) can tell
            # how long delivery took.
            message = {"type": "thread.event", "event": event, "at": time.time()}
            async_to_sync(layer.group_send)(case_group(case_id), message)

    transaction.on_commit(send)


def notify_user(user_id: int, message: dict[str, Any]) -> None:
    send_after_commit(user_group(user_id), message)


def end_sessions(user_id: int) -> None:
    """Close every live connection of a member (suspended, deactivated, deleted)."""
    notify_user(user_id, {"type": "session.end"})


def session_changed(session_key: str) -> None:
    """A session was signed out, ended from another device, or given a new key: its sockets
    close and the page reconnects with whatever its cookie now says (refused if signed out)."""
    send_after_commit(session_group(session_key), {"type": "session.changed"})


def roles_changed(user_id: int) -> None:
    """A role (or the second factor that powers it) was granted or lost: the member's sockets
    close and reconnect, so the groups and permissions they hold are worked out afresh and a
    demoted moderator hears nothing more for moderators."""
    notify_user(user_id, {"type": "roles.changed"})


def queue_changed(specialty_id: int | None) -> None:
    """The review queue's count changed for this specialty's moderators (and the admins)."""
    send_after_commit(moderation_group(specialty_id), {"type": "queue.changed"})
    if specialty_id:
        send_after_commit(moderation_group(None), {"type": "queue.changed"})
