from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privatefiles import private_storage


def image_path(instance: Upload, filename: str) -> str:
    # Random, and unrelated to the content or the uploader: no de-duplication by hash, so
    # the same photo in two cases cannot be linked by its stored name.
    return f"images/{uuid.uuid4().hex}"


class UploadQuerySet(models.QuerySet["Upload"]):
    def shown(self) -> UploadQuerySet:
        """Images that belong on a thread page for someone (drafts and rejected never do)."""
        return self.filter(state__in=[Upload.State.PENDING, Upload.State.APPROVED]).order_by("pk")


class Upload(models.Model):
    """A scrubbed image. The original was never stored: only the verified re-encoded copy.

    A draft belongs to its uploader until the post it goes with is saved; then it waits for
    a moderator (pending), who approves or rejects it. Only approved images are shown to
    members other than the uploader and the specialty's moderators.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Not yet posted")
        PENDING = "pending", _("Awaiting moderator review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    class RejectionReason(models.TextChoices):
        FACE = "face", _("An identifiable face")
        MARK = "mark", _("A tattoo, birthmark or other unique feature")
        NAME = "name", _("A name, number or label is visible")
        IRRELEVANT = "irrelevant", _("Not relevant to the case")
        OTHER = "other", _("Other")

    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="uploads"
    )
    case = models.ForeignKey(
        "forum.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="uploads"
    )
    reply = models.ForeignKey(
        "forum.Reply", on_delete=models.CASCADE, null=True, blank=True, related_name="uploads"
    )
    file = models.FileField(storage=private_storage, upload_to=image_path, blank=True)
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    # What was found and removed, for the uploader ("GPS location", "1 comment"…).
    receipt = models.JSONField(default=dict)
    edited = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rejection_reason = models.CharField(max_length=12, choices=RejectionReason.choices, blank=True)
    rejection_note = models.TextField(blank=True)

    objects = UploadQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"Image #{self.pk}"

    @property
    def post(self):
        return self.reply or self.case

    @property
    def the_case(self):
        return self.reply.case if self.reply is not None else self.case

    @property
    def extension(self) -> str:
        return "png" if self.content_type == "image/png" else "jpg"

    @property
    def download_name(self) -> str:
        return f"scrubroom-image-{self.pk}.{self.extension}"

    @property
    def is_approved(self) -> bool:
        return self.state == self.State.APPROVED

    @property
    def is_pending(self) -> bool:
        return self.state == self.State.PENDING
