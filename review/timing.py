"""How long review takes: the published median wait for an image decision, and durations in
the queue's own words."""

from __future__ import annotations

import statistics
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from review.models import ReviewItem


def median_seconds(durations: list[float]) -> float | None:
    return statistics.median(durations) if durations else None


def median_image_review_seconds(days: int = 30) -> float | None:
    """Median seconds from an image's submission to its decision, over the images decided in
    the last `days` days; None if none were."""
    since = timezone.now() - timedelta(days=days)
    rows = ReviewItem.objects.filter(
        kind=ReviewItem.Kind.IMAGE, state=ReviewItem.State.CLOSED, closed_at__gte=since
    ).values_list("opened_at", "closed_at")
    return median_seconds(
        [(closed - opened).total_seconds() for opened, closed in rows if closed is not None]
    )


def format_duration(seconds: float) -> str:
    """A duration for people, to the minute: "under a minute", "45 min", "3 h 20 min",
    "2 days 4 h". Days drop the minutes; zero parts are left out."""
    total_minutes = max(int(seconds), 0) // 60
    if total_minutes == 0:
        return _("under a minute")
    days, minutes_left = divmod(total_minutes, 24 * 60)
    hours, minutes = divmod(minutes_left, 60)
    if days:
        if hours:
            return ngettext("%(days)d day %(hours)d h", "%(days)d days %(hours)d h", days) % {
                "days": days,
                "hours": hours,
            }
        return ngettext("%(days)d day", "%(days)d days", days) % {"days": days}
    if hours:
        if minutes:
            return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
        return _("%(hours)d h") % {"hours": hours}
    return _("%(minutes)d min") % {"minutes": minutes}
