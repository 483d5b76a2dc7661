"""Channel-layer group names: one per thread, one per member, one per signed-in session, one
per moderated specialty."""

from __future__ import annotations

import hashlib


def case_group(case_id: int) -> str:
    return f"case-{case_id}"


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


def session_group(session_key: str) -> str:
    """A session's sockets. Named by a digest: the session key is a bearer credential and
    must not travel to Redis or show in its monitor."""
    digest = hashlib.sha256(f"scrubroom-session:{session_key}".encode()).hexdigest()[:40]
    return f"session-{digest}"


def moderation_group(specialty_id: int | None) -> str:
    """A specialty's moderators; None for the admins, who see every specialty's queue."""
    return f"moderation-{specialty_id}" if specialty_id else "moderation-admins"
