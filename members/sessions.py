"""A session's end reaches its open sockets at once, whichever way it ends.

Signing out, "sign out other sessions", a suspension, the idle limit and a new key (after a
password change or a reauthentication) all delete the session's row, so one receiver on that
deletion closes the session's sockets (live/groups.session_group): the page reconnects and
is refused if the cookie no longer signs it in. A password change or reset also ends every
other session of the account: Django would refuse them at their next request, but their
sockets would have stayed open.
"""

from __future__ import annotations

from typing import Any

from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models.signals import post_delete

from live import broadcast


def _session_deleted(sender: Any, instance: Session, **kwargs: Any) -> None:
    broadcast.session_changed(instance.session_key)


def end_other_sessions(user: Any, *, keep: str | None) -> int:
    """End every session of `user` but `keep` (the one the request is using, if any)."""
    sessions = UserSession.objects.filter(user=user).exclude(session_key=keep or "")
    ended = 0
    for user_session in sessions:
        user_session.end()
        ended += 1
    return ended


def _password_changed(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    # For a reset, the request is not signed in as `user`: its session is not one to keep.
    signed_in_as_user = request is not None and getattr(request, "user", None) == user
    keep = request.session.session_key if signed_in_as_user else None
    transaction.on_commit(lambda: end_other_sessions(user, keep=keep))


def connect() -> None:
    from allauth.account import signals  # noqa: PLC0415  (allauth's app must be ready)

    post_delete.connect(_session_deleted, sender=Session, dispatch_uid="scrubroom.session.gone")
    for name in ("password_changed", "password_set", "password_reset"):
        getattr(signals, name).connect(_password_changed, dispatch_uid=f"scrubroom.{name}")
