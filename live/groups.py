"""Channel-layer group names: one per thread, one per member, one per moderated specialty."""

from __future__ import annotations


def case_group(case_id: int) -> str:
    return f"case-{case_id}"


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


def moderation_group(specialty_id: int | None) -> str:
    """A specialty's moderators; None for the admins, who see every specialty's queue."""
    return f"moderation-{specialty_id}" if specialty_id else "moderation-admins"
