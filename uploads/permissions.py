"""Who may decide on an image: the moderators of its case's specialty, while it waits.

Who may *see* an image depends on the post it belongs to, so that lives with the posts:
forum/permissions.py, `can_see_image`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from members.models import User
from uploads.models import Upload


def check_can_decide(user: User, upload: Upload) -> None:
    case = upload.the_case
    if case is None or not user.moderates(case.specialty):
        raise PermissionDenied(_("Only this specialty's moderators review its images."))
    if upload.state != Upload.State.PENDING:
        raise PermissionDenied(_("This image has already been decided."))
