"""Verbs for images: store a scrubbed draft, redact it, attach drafts to a post, approve,
reject, and delete with the post. Files leave storage only after the commit.

Approval and rejection change the image and close its review item; telling the thread and
the author is moderation's part (moderation/actions.py), which composes these with the forum.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members import quotas
from members.models import User
from privatefiles import delete_after_commit
from review import queue
from review.models import ReviewItem
from uploads import pipeline
from uploads.models import Upload
from uploads.permissions import check_can_decide
from uploads.scrub import Refused, human_size


def store(uploader: User, data: bytes | memoryview, *, too_large: bool = False) -> Upload:
    """Scrub `data` and keep the result as the uploader's draft. Raises Refused, or
    QuotaReached when the uploader has sent this hour's allowance (counted before the scrub,
    which is the costly part, whatever the file turns out to be; given back when the scrub
    failed through our fault, ScrubberUnavailable, since the member will send it again)."""
    hour = quotas.spend(uploader.pk, "upload")
    if too_large:
        limit = human_size(settings.SCRUBROOM_UPLOAD_LIMITS["max_bytes"])
        raise Refused(_("The file is larger than %(limit)s.") % {"limit": limit})
    if not data:
        raise Refused(_("The file is empty."))
    try:
        scrubbed = pipeline.scrub(data)
    except pipeline.ScrubberUnavailable:
        quotas.refund(uploader.pk, "upload", hour)
        raise
    upload = Upload(
        uploader=uploader,
        content_type=scrubbed.content_type,
        width=scrubbed.receipt.width,
        height=scrubbed.receipt.height,
        size=len(scrubbed.data),
        receipt=scrubbed.receipt.as_dict(),
    )
    upload.file.save("image", ContentFile(scrubbed.data), save=False)
    try:
        upload.save()
    except BaseException:
        upload.file.storage.delete(upload.file.name or "")
        raise
    return upload


@transaction.atomic
def redact(
    upload: Upload,
    *,
    by: User,
    rotate: int = 0,
    crop: Sequence[int] | None = None,
    rectangles: Sequence[Sequence[int]] = (),
) -> Upload:
    """Apply rotation, black rectangles and a crop to the pixels. The previous version of
    the file is deleted: there is no undo, which is the point."""
    if upload.uploader_id != by.pk or upload.state != Upload.State.DRAFT:
        raise Refused(_("Only your own images, before they are posted, can be edited."))
    with upload.file.open("rb") as source:
        data = source.read()
    output, _format, (width, height) = pipeline.edit(
        data,
        rotate=rotate,
        crop=list(crop) if crop else None,
        rectangles=[list(rect) for rect in rectangles],
    )
    old = upload.file.name or ""
    upload.file.save("image", ContentFile(output), save=False)
    upload.width, upload.height, upload.size = width, height, len(output)
    upload.edited = True
    upload.save()
    delete_after_commit([old])
    return upload


def drafts_of(user: User, ids: Iterable[int]) -> list[Upload]:
    return list(Upload.objects.filter(uploader=user, state=Upload.State.DRAFT, pk__in=list(ids)))


def attach(uploads: Iterable[Upload], *, case=None, reply=None) -> list[Upload]:
    """Drafts become the post's images, waiting for a moderator. Call inside the post's
    transaction (forum/actions.py does)."""
    attached = []
    for upload in list(uploads)[: settings.SCRUBROOM_UPLOADS_PER_POST]:
        upload.case, upload.reply = case, reply
        upload.state = Upload.State.PENDING
        upload.save(update_fields=["case", "reply", "state"])
        the_case = case if case is not None else reply.case
        queue.open_item(
            ReviewItem.Kind.IMAGE,
            upload,
            specialty_id=the_case.specialty_id,
            evidence={
                "receipt": upload.receipt,
                "uploader_id": upload.uploader_id,
                "case_id": the_case.pk,
                "case_title": the_case.title,
            },
        )
        attached.append(upload)
    return attached


@transaction.atomic
def mark_approved(upload: Upload, *, by: User) -> None:
    """The image's side of an approval (moderation/actions.py decide is the whole)."""
    check_can_decide(by, upload)
    upload.state = Upload.State.APPROVED
    upload.decided_at, upload.decided_by = timezone.now(), by
    upload.save(update_fields=["state", "decided_at", "decided_by"])


def mark_rejected(upload: Upload, *, by: User, reason: str, note: str = "") -> str:
    """The image's side of a rejection (moderation/actions.py decide is the whole): the file
    is deleted; the row keeps the reason so the author learns why. Returns why, in words."""
    check_can_decide(by, upload)
    if reason not in Upload.RejectionReason.values:
        raise ValueError(f"unknown rejection reason {reason!r}")
    old = upload.file.name or ""
    upload.state = Upload.State.REJECTED
    upload.decided_at, upload.decided_by = timezone.now(), by
    upload.rejection_reason, upload.rejection_note = reason, note
    upload.file = ""
    upload.save()
    delete_after_commit([old])
    return f"{upload.get_rejection_reason_display()}. {note}".strip()


def delete_uploads(uploads: Iterable[Upload]) -> None:
    """Rows now, files after the commit (a post deleted, an account erased, a draft dropped)."""
    # Locked first, in pk order, as a decision locks the image before its item.
    ids = [upload.pk for upload in uploads]
    uploads = list(Upload.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk"))
    names = [upload.file.name or "" for upload in uploads]
    for upload in uploads:
        queue.forget_target(upload)
    Upload.objects.filter(pk__in=[upload.pk for upload in uploads]).delete()
    delete_after_commit(names)


def discard(upload: Upload, *, by: User) -> None:
    if upload.uploader_id != by.pk or upload.state != Upload.State.DRAFT:
        raise Refused(_("Only your own images, before they are posted, can be removed."))
    delete_uploads([upload])
