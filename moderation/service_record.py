"""The moderator service record: who moderates, what each moderator has decided, and how quickly.

Read-only questions over moderation records, for the moderators page, a moderator's service
record and statement, and the published moderation policy. Durations are medians computed
in Python over (closed_at - opened_at), so the same code runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import statistics
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from audit.models import AuditEntry
from members.models import ModeratorScope, User
from review.models import ReviewItem
from review.timing import format_duration, median_seconds


def moderator_roster() -> list[dict[str, Any]]:
    """Every verified member with at least one moderator scope, ordered by name.

    Each row: name, user (with profile and scopes prefetched, so the member_name tag costs
    no query), specialties (names), since (the earliest scope's granted_at), and scopes
    (specialty name and granted_at each). Two queries, however many moderators.
    """
    scopes = ModeratorScope.objects.select_related("specialty").order_by("granted_at", "pk")
    moderators = (
        User.objects.verified()
        .filter(pk__in=ModeratorScope.objects.values("user_id"))
        .select_related("profile")
        .prefetch_related(Prefetch("moderator_scopes", queryset=scopes))
    )
    roster = []
    for user in moderators:
        user_scopes = list(user.moderator_scopes.all())
        by_name = sorted(user_scopes, key=lambda scope: scope.specialty.name.casefold())
        roster.append(
            {
                "name": user.display_name,
                "user": user,
                "specialties": [scope.specialty.name for scope in by_name],
                "since": min(scope.granted_at for scope in user_scopes),
                "scopes": [
                    {"specialty": scope.specialty.name, "since": scope.granted_at}
                    for scope in by_name
                ],
            }
        )
    roster.sort(key=lambda row: (row["name"].casefold(), row["user"].pk))
    return roster


def day_start(day: date) -> datetime:
    """Midnight at the start of `day`, in the current time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def service_record(
    user: User, *, start: date | None = None, end: date | None = None
) -> dict[str, Any]:
    """What `user` has decided: the closed review items they decided, optionally only those
    closed between `start` and `end` (both dates inclusive, in the current time zone).

    Returns total, median_seconds and median (human, None when nothing was decided),
    by_month (oldest first: month "YYYY-MM" of the decision, count, median_seconds, median),
    by_kind (kinds decided at least once, in the queue's kind order: kind, label, count),
    specialties (those moderated now: name, since) and since (earliest scope, or None).
    Two queries.
    """
    items = ReviewItem.objects.filter(
        decided_by=user, state=ReviewItem.State.CLOSED, closed_at__isnull=False
    )
    if start is not None:
        items = items.filter(closed_at__gte=day_start(start))
    if end is not None:
        items = items.filter(closed_at__lt=day_start(end + timedelta(days=1)))
    durations: list[float] = []
    months: dict[str, list[float]] = {}
    kinds: dict[str, int] = {}
    for kind, opened_at, closed_at in items.values_list("kind", "opened_at", "closed_at"):
        if closed_at is None:
            continue  # closed items always have it; the column is nullable for open ones
        seconds = (closed_at - opened_at).total_seconds()
        durations.append(seconds)
        months.setdefault(f"{timezone.localtime(closed_at):%Y-%m}", []).append(seconds)
        kinds[kind] = kinds.get(kind, 0) + 1

    scopes = list(
        ModeratorScope.objects.filter(user=user).select_related("specialty").order_by("granted_at")
    )
    median = median_seconds(durations)
    return {
        "total": len(durations),
        "median_seconds": median,
        "median": None if median is None else format_duration(median),
        "by_month": [
            {
                "month": month,
                "count": len(values),
                "median_seconds": statistics.median(values),
                "median": format_duration(statistics.median(values)),
            }
            for month, values in sorted(months.items())
        ],
        "by_kind": [
            {"kind": kind.value, "label": kind.label, "count": kinds[kind.value]}
            for kind in ReviewItem.Kind
            if kind.value in kinds
        ],
        "specialties": sorted(
            ({"name": scope.specialty.name, "since": scope.granted_at} for scope in scopes),
            key=lambda row: row["name"].casefold(),
        ),
        "since": scopes[0].granted_at if scopes else None,
    }


def audit_entries(
    *,
    action: str = "",
    actor_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> QuerySet[AuditEntry]:
    """Audit entries, oldest first, filtered like the audit log page (action) and also by
    actor id and by day (`start` and `end` inclusive, in the current time zone)."""
    entries = AuditEntry.objects.order_by("created_at", "pk")
    if action:
        entries = entries.filter(action=action)
    if actor_id is not None:
        entries = entries.filter(actor_id=actor_id)
    if start is not None:
        entries = entries.filter(created_at__gte=day_start(start))
    if end is not None:
        entries = entries.filter(created_at__lt=day_start(end + timedelta(days=1)))
    return entries
