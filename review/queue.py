"""Putting things in the review queue and taking them out.

The domain verbs call these (forum, uploads and members actions), so this module depends on
nothing but the review models and the live transport: an image attached to a post, a post
held by the PHI screen, a flag, an application each open an item; moderation/actions.py
(decide) closes it, whichever page the decision came from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import F
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


def refresh_item(
    item: ReviewItem, *, evidence: dict[str, Any], kind: str | None = None
) -> ReviewItem:
    """The target changed while its item is open: the item now shows what it is, and its
    version moves on, so a decision taken on what the moderator saw before is refused.

    `kind` changes what the item asks (a flagged post its author edited into a held one
    needs publish or return, not dismiss). Call inside the edit's transaction.
    """
    ReviewItem.objects.filter(pk=item.pk).update(
        evidence=evidence,
        kind=kind or item.kind,
        version=F("version") + 1,
        content_version=F("version") + 1,  # both from the row's old version
    )
    item.refresh_from_db()
    ItemEvent.objects.create(item=item, action="edited")
    broadcast.queue_changed(item.specialty_id)
    return item


# What an item's evidence may quote of its target: gone when the target is.
QUOTED_KEYS = ("text", "case_title", "findings", "justification")


def forget_target(target: models.Model) -> None:
    """The target is being deleted (a post by its author, an image with its post): an item
    held for review before publication closes as withdrawn and keeps no word of what the
    target said. Call inside the deletion's transaction, before the row goes."""
    target_type = ContentType.objects.get_for_model(target)
    # An item with flags keeps its evidence (what was flagged, for a moderator still to
    # judge); an item that only existed to review text or an image before anyone saw it
    # goes with it.
    withdrawn = ReviewItem.objects.filter(target_type=target_type, target_id=target.pk).exclude(
        flags__isnull=False
    )
    for item in withdrawn:
        item.evidence = {
            key: value for key, value in item.evidence.items() if key not in QUOTED_KEYS
        } | {"withdrawn": True}
        item.save(update_fields=["evidence"])
        if item.is_open:
            close_item(item, by=None, decision="withdrawn")


def move_open_items(targets: dict[type[models.Model], list[int]], *, specialty_id: int) -> None:
    """Content moved to another specialty: its open items go to that specialty's moderators,
    and a decision begun under the old scope is refused (the version moves on)."""
    query = models.Q()
    for model, ids in targets.items():
        if ids:
            target_type = ContentType.objects.get_for_model(model)
            query |= models.Q(target_type=target_type, target_id__in=ids)
    if not query:
        return
    items = ReviewItem.objects.open().filter(query)
    before = set(items.values_list("specialty_id", flat=True))
    # A claim was a moderator of the old specialty's: the new ones start afresh.
    moved = items.update(
        specialty_id=specialty_id, version=F("version") + 1, claimed_by=None, claimed_at=None
    )
    if moved:
        for moved_from in before | {specialty_id}:
            broadcast.queue_changed(moved_from)


def open_versions(model: type[models.Model], ids: list[int]) -> dict[int, int]:
    """{target id: version} of the open items of these targets: what a page's inline
    decision forms carry, so that they decide on what the moderator saw. One query."""
    target_type = ContentType.objects.get_for_model(model)
    rows = ReviewItem.objects.open().filter(target_type=target_type, target_id__in=ids)
    return dict(rows.values_list("target_id", "version"))


def open_item_for(target: models.Model) -> ReviewItem | None:
    target_type = ContentType.objects.get_for_model(target)
    return ReviewItem.objects.open().filter(target_type=target_type, target_id=target.pk).first()


def close_item(
    item: ReviewItem, *, by: User | None, decision: str, note: str = "", message: str = ""
) -> None:
    """Close the item with `decision`, and say so in its history (`message`: what the author
    was told)."""
    item.state = ReviewItem.State.CLOSED
    item.closed_at = timezone.now()
    item.decided_by = by
    item.decision = decision
    item.claimed_by = None
    item.save(update_fields=["state", "closed_at", "decided_by", "decision", "claimed_by"])
    ItemEvent.objects.create(item=item, actor=by, action=decision, note=note, message=message)
    broadcast.queue_changed(item.specialty_id)
