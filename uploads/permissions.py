"""Who may see an image, and who may decide on it. Shared by the serving view and the
moderation actions.

An image is shown to its uploader, to the moderators of its case's specialty, and, once a
moderator has approved it, to every member who can see the post it belongs to. Anyone else
gets 404: the image's existence stays unknown.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from uploads.models import Upload


def can_see_upload(user: Any, upload: Upload) -> bool:
    from forum.permissions import can_see_case, can_see_reply, is_moderator_of

    if not (user.is_authenticated and user.is_verified_member) or not upload.file:
        return False
    if upload.uploader_id == user.pk:
        return True
    if upload.state == Upload.State.DRAFT:
        return False
    case = upload.the_case
    if case is None or case.is_deleted:
        return False
    if is_moderator_of(user, case):
        return upload.state in {Upload.State.PENDING, Upload.State.APPROVED}
    if upload.state != Upload.State.APPROVED or not can_see_case(user, case):
        return False
    return upload.reply is None or (upload.reply.is_published and can_see_reply(user, upload.reply))


def get_upload_or_404(user: Any, pk: int) -> Upload:
    try:
        upload = Upload.objects.select_related("case__specialty", "reply__case__specialty").get(
            pk=pk
        )
    except Upload.DoesNotExist:
        raise Http404 from None
    if not can_see_upload(user, upload):
        raise Http404
    return upload


def check_can_decide(user: Any, upload: Upload) -> None:
    from forum.permissions import is_moderator_of

    case = upload.the_case
    if case is None or not is_moderator_of(user, case):
        raise PermissionDenied(_("Only this specialty's moderators review its images."))
    if upload.state != Upload.State.PENDING:
        raise PermissionDenied(_("This image has already been decided."))
