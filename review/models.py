"""The review queue's records: one item per thing waiting for a moderator, its flags and its
history. Targets are generic (content type and id), so this app knows no other app's models."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from members.models import User


class ReviewItemQuerySet(models.QuerySet["ReviewItem"]):
    def open(self) -> ReviewItemQuerySet:
        return self.filter(state=ReviewItem.State.OPEN)

    def for_moderator(self, user: User) -> ReviewItemQuerySet:
        """Admins see every item; moderators the items of their specialties, never
        membership applications (those are admins' alone)."""
        if user.is_admin:
            return self
        return self.filter(specialty__moderator_scopes__user=user).exclude(
            kind=ReviewItem.Kind.APPLICATION
        )


class ReviewItem(models.Model):
    """One thing waiting for a moderator, whatever its kind: the one review queue.

    The target is generic (content type and id), so a later kind needs no schema change.
    At most one open item per target: a second flag on a post joins the open item.
    `version` makes decisions optimistic: a decision names the version it was made on, and
    only one decision can move it on (moderation/actions.py).
    """

    class Kind(models.TextChoices):
        IMAGE = "image", _("Image awaiting approval")
        HELD_POST = "held_post", _("Post held by the identifier screen")
        FLAGGED_POST = "flagged_post", _("Flagged post")
        APPLICATION = "application", _("Membership application")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    target_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT)
    target_id = models.BigIntegerField()
    # The specialty whose moderators see it; null for admins-only kinds (applications).
    specialty = models.ForeignKey(
        "forum.Specialty", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    # What the target is, for the moderator: refreshed by every edit while the item is open
    # (a flagged post also keeps what was flagged); emptied of text when a post or image
    # held for review is deleted before anyone saw it (review/queue.py).
    evidence = models.JSONField(default=dict, blank=True)
    opened_at = models.DateTimeField(default=timezone.now, db_index=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision = models.CharField(max_length=30, blank=True)
    version = models.PositiveIntegerField(default=1)
    # The version at which the target's content last changed (an author's edit): a decision
    # taken on an earlier version is refused as made on text that is no longer the post's.
    content_version = models.PositiveIntegerField(default=1)

    objects = ReviewItemQuerySet.as_manager()

    # The audit log's name for review items since before the model left the moderation app
    # (audit/log.py, target_type_of); entries already written say so and cannot change.
    AUDIT_LABEL = "moderation.reviewitem"

    class Meta:
        # Moved here from the moderation app; the tables keep their names.
        db_table = "moderation_reviewitem"
        ordering = ["opened_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["target_type", "target_id"],
                condition=models.Q(state="open"),
                name="one_open_item_per_target",
            )
        ]
        indexes = [models.Index(fields=["state", "kind", "opened_at"])]

    def __str__(self) -> str:
        return f"Review item #{self.pk}"

    @property
    def target(self) -> Any:
        return self.target_type.get_object_for_this_type(pk=self.target_id)

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def owner_id(self) -> int | None:
        """Whose content it is (a post's author, an image's uploader), from the evidence."""
        return self.evidence.get("author_id") or self.evidence.get("uploader_id")


class Flag(models.Model):
    """One member's report on a post, kept separately within the item it joined."""

    class Reason(models.TextChoices):
        IDENTIFIER = "identifier", _("Possible patient identifier")
        UNPROFESSIONAL = "unprofessional", _("Unprofessional")
        UNSAFE = "unsafe", _("Unsafe or contrary to guidelines")
        CONFLICT = "conflict", _("Undisclosed conflict of interest")
        OTHER = "other", _("Other")

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="flags"
    )
    reason = models.CharField(max_length=16, choices=Reason.choices)
    citation = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        db_table = "moderation_flag"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "reporter"], name="one_flag_per_reporter")
        ]

    def __str__(self) -> str:
        return f"Flag #{self.pk}"


class ItemEvent(models.Model):
    """An item's history: every state change and note, by whom and when.

    `note` is internal (moderators only); `message` is what the author was told.
    """

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=30)
    note = models.TextField(blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "moderation_itemevent"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} on item {self.item_id}"

    # What a moderator reads in an item's history; `action` stays the stable code.
    LABELS = {
        "opened": _("opened"),
        "edited": _("the author edited it; the evidence is the new text"),
        "withdrawn": _("withdrawn: the author deleted it"),
        "flag": _("flagged"),
        "auto_hide": _("hid the post automatically"),
        "claim": _("claimed"),
        "release": _("released"),
        "note": _("added a note"),
        "approve": _("approved"),
        "reject": _("rejected"),
        "request_new": _("asked for a new upload"),
        "publish": _("published"),
        "return": _("returned it to the author"),
        "dismiss": _("dismissed the flags"),
        "hide": _("hid the post"),
        "lock": _("locked the thread"),
        "warn": _("warned the author"),
        "more_info": _("asked for information"),
    }

    @property
    def label(self) -> str:
        return str(self.LABELS.get(self.action, self.action))
