"""Who may decide on an image: the moderators of its case's specialty, while it waits.

Who may *see* an image depends on the post it belongs to, so that lives with the posts:
forum/permissions.py, `can_see_image`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from members.models import User
from members.permissions import has_staff_powers
from uploads.models import Upload


def is_reviewer_of(user: User, upload: Upload) -> bool:
    """A moderator of the image's case's specialty (or an admin), second factor or not."""
    case = upload.the_case
    return case is not None and user.moderates(case.specialty)


def check_can_decide(user: User, upload: Upload) -> None:
    if not is_reviewer_of(user, upload):
        raise PermissionDenied(_("Only this specialty's moderators review its images."))
    if not has_staff_powers(user):
        raise PermissionDenied(_("Reviewing images needs two-factor authentication."))
    if upload.state != Upload.State.PENDING:
        raise PermissionDenied(_("This image has already been decided."))
