"""Hourly quotas per member (issue 17): images sent, replies posted, flags raised, searches.

A stolen session or a runaway script must not flood the moderators' queue, the scrubbing
workers or the search index. Each action has a count per member per clock hour in the cache
(Redis when scaled, so the processes share it), spent with an atomic increment; what was
refused is given back, so a refused reply does not use the member's allowance. The message
says when the allowance comes back.

The limits are settings (SCRUBROOM_QUOTA_*), generous for a surgeon between operations.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.security_events import event

HOUR = 3600

NOUNS = {
    "upload": gettext_lazy("Images"),
    "reply": gettext_lazy("Replies"),
    "flag": gettext_lazy("Flags"),
    "search": gettext_lazy("Searches"),
    "screen": gettext_lazy("Checks while typing"),
}


class QuotaReached(Exception):
    """The member has used this hour's allowance for an action; str() says so, and when."""

    def __init__(self, action: str, limit: int, resets_at: float) -> None:
        self.action, self.limit, self.resets_at = action, limit, resets_at
        at = timezone.localtime(datetime.fromtimestamp(resets_at, tz=UTC))
        super().__init__(
            _(
                "%(things)s: you have reached this hour's limit of %(limit)d. You can send "
                "more after %(time)s. Nothing you wrote is lost."
            )
            % {"limit": limit, "things": NOUNS.get(action, action), "time": f"{at:%H:%M}"}
        )


def _key(user_id: int, action: str, hour: int) -> str:
    return f"quota:{action}:{user_id}:{hour}"


def _count(key: str, ttl: int) -> int:
    """Add one to the counter at `key` atomically (shared by every process) and return it."""
    cache.add(key, 0, ttl)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, ttl)
        return 1


def limit_for(action: str) -> int:
    return settings.SCRUBROOM_QUOTAS[action]


def spend(user_id: int, action: str) -> int:
    """Use one of this hour's allowance; raise QuotaReached (spending nothing) if none is left.
    Returns the hour it was spent in (to give it back to)."""
    hour = int(time.time() // HOUR)
    used = _count(_key(user_id, action, hour), HOUR + 60)
    if used > limit_for(action):
        refund(user_id, action, hour)
        event("quota_reached", user=user_id, action=action)
        raise QuotaReached(action, limit_for(action), (hour + 1) * HOUR)
    return hour


class TooFast(QuotaReached):
    """More of an action in a few seconds than a person could ask for."""

    def __init__(self, action: str, limit: int, resets_at: float) -> None:
        Exception.__init__(
            self,
            _("%(things)s: too many at once. Wait a few seconds; nothing you wrote is lost.")
            % {"things": NOUNS.get(action, action)},
        )
        self.action, self.limit, self.resets_at = action, limit, resets_at


def spend_burst(user_id: int, action: str, limit: int, window: int = 10) -> None:
    """Count one in this window of `window` seconds; raise TooFast past `limit`. Unlike the
    hourly allowance nothing is given back: the window is over in seconds."""
    bucket = int(time.time() // window)
    used = _count(f"burst:{action}:{user_id}:{bucket}", window + 5)
    if used > limit:
        raise TooFast(action, limit, (bucket + 1) * window)


def refund(user_id: int, action: str, hour: int) -> None:
    with suppress(ValueError):  # the hour has turned: nothing to give back
        cache.decr(_key(user_id, action, hour))


@contextmanager
def spending(user_id: int, action: str) -> Iterator[None]:
    """Spend one for the block; give it back if the block fails (a refused post, say)."""
    hour = spend(user_id, action)
    try:
        yield
    except BaseException:
        refund(user_id, action, hour)
        raise
