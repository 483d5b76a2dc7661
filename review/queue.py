"""Putting things in the review queue and taking them out.

The domain verbs call these (forum, uploads and members actions), so this module depends on
nothing but the review models and the live transport: an image attached to a post, a post
held by the PHI screen, a flag, an application each open an item; the verb that decides the
target closes its item, whichever page the decision came from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from live import broadcast
from review.models import ItemEvent, ReviewItem

if TYPE_CHECKING:
    from members.models import User


def open_item(
    kind: str,
    target: models.Model,
    *,
    specialty_id: int | None = None,
    evidence: dict[str, Any] | None = None,
) -> tuple[ReviewItem, bool]:
    """The open item for `target`, created if there is none. (item, created).

    `specialty_id` names whose moderators see it; None for admins-only kinds (applications).
    """
    target_type = ContentType.objects.get_for_model(target)
    existing = ReviewItem.objects.open().filter(target_type=target_type, target_id=target.pk)
    item = existing.first()
    if item is not None:
        return item, False
    try:
        with transaction.atomic():
            item = ReviewItem.objects.create(
                kind=kind,
                target_type=target_type,
                target_id=target.pk,
                specialty_id=specialty_id,
                evidence=evidence or {},
            )
    except IntegrityError:  # opened by a concurrent request a moment ago: join it
        return existing.get(), False
    ItemEvent.objects.create(item=item, action="opened")
    broadcast.queue_changed(item.specialty_id)
    return item, True


def open_item_for(target: models.Model) -> ReviewItem | None:
    target_type = ContentType.objects.get_for_model(target)
    return ReviewItem.objects.open().filter(target_type=target_type, target_id=target.pk).first()


def close_items_for(
    target: models.Model, *, by: User | None, decision: str, note: str = "", message: str = ""
) -> ReviewItem | None:
    """Close the target's open item with `decision`, and say so in its history."""
    item = open_item_for(target)
    if item is None:
        return None
    item.state = ReviewItem.State.CLOSED
    item.closed_at = timezone.now()
    item.decided_by = by
    item.decision = decision
    item.claimed_by = None
    item.save(update_fields=["state", "closed_at", "decided_by", "decision", "claimed_by"])
    ItemEvent.objects.create(item=item, actor=by, action=decision, note=note, message=message)
    broadcast.queue_changed(item.specialty_id)
    return item
