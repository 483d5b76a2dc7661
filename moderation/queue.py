"""Putting things in the review queue and taking them out.

The domain verbs call these (forum, uploads and members actions), so this module depends on
nothing but the moderation models: an image attached to a post, a post held by the PHI
screen, a flag, an application each open an item; the verb that decides the target closes
its item, whichever page the decision came from.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from forum import live
from moderation.models import ItemEvent, ReviewItem


def open_item(
    kind: str,
    target: models.Model,
    *,
    specialty=None,
    evidence: dict[str, Any] | None = None,
) -> tuple[ReviewItem, bool]:
    """The open item for `target`, created if there is none. (item, created)."""
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
                specialty=specialty,
                evidence=evidence or {},
            )
    except IntegrityError:  # opened by a concurrent request a moment ago: join it
        return existing.get(), False
    ItemEvent.objects.create(item=item, action="opened")
    live.queue_changed(item.specialty_id)
    return item, True


def open_item_for(target: models.Model) -> ReviewItem | None:
    target_type = ContentType.objects.get_for_model(target)
    return ReviewItem.objects.open().filter(target_type=target_type, target_id=target.pk).first()


def close_items_for(
    target: models.Model, *, by, decision: str, note: str = "", message: str = ""
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
    live.queue_changed(item.specialty_id)
    return item


def post_snapshot(post) -> dict[str, Any]:
    """What a post said and was, at this moment: kept as evidence on its item."""
    from forum.models import Case

    if isinstance(post, Case):
        text = {name: getattr(post, name) for name in (*Case.TEXT_FIELDS, "outcome")}
        case = post
    else:
        text = {"body": post.body, "coi_disclosure": post.coi_disclosure}
        case = post.case
    return {
        "post": post._meta.model_name,
        "post_id": post.pk,
        "case_id": case.pk,
        "case_title": case.title,
        "author_id": post.author_id,
        "state": post.state,
        "text": text,
        "taken_at": timezone.now().isoformat(),
    }
