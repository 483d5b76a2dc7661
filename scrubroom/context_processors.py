from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from forum.models import Notification
from members.permissions import has_second_factor


def notifications(request: HttpRequest) -> dict[str, Any]:
    """The header's unread count: one query, and only on pages that show it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_verified_member:
        return {}
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.filter(user=user).unread().count()
        )
    }


def staff_powers(request: HttpRequest) -> dict[str, Any]:
    """Whether to tell a moderator or admin that their powers wait for a second factor: until
    they enrol one they see the forum as any member does, and every page says why."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_verified_member:
        return {}
    return {
        "staff_powers_off": SimpleLazyObject(
            lambda: (user.is_admin or user.is_moderator) and not has_second_factor(user)
        )
    }
