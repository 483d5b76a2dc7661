"""Who may see and do what with cases, replies and their images. Shared by views, fragments,
consumers, search and exports.

As in members/permissions.py: Http404 when the object must stay unknown to this viewer (a
held case is unknown to everyone but its author and its specialty's moderators),
PermissionDenied (403) when the viewer can see it but the action is not theirs.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from forum.models import Case, PostState, Reply
from members.models import User
from uploads.models import Upload


def is_moderator_of(user: User, case: Case) -> bool:
    return bool(user.is_authenticated and user.moderates(case.specialty))


def can_see_case(user: User, case: Case) -> bool:
    if not (user.is_authenticated and user.is_verified_member):
        return False
    if case.state in {PostState.HELD, PostState.RETURNED}:
        return case.author_id == user.pk or is_moderator_of(user, case)
    # Published cases, and tombstones of deleted ones (their replies stay readable).
    return True


def can_read_case(user: User, case: Case) -> bool:
    """The case's own words (its title above all): a page, a notification or an export may
    show them. A hidden case's are for its author and its specialty's moderators; a deleted
    case has none."""
    if not can_see_case(user, case) or case.is_deleted:
        return False
    if case.is_hidden:
        return case.author_id == user.pk or is_moderator_of(user, case)
    return True


def case_title_for(user: User, case: Case) -> str:
    """The case's title if the viewer may read it, else what the thread calls it."""
    if can_read_case(user, case):
        return case.title
    return str(_("Deleted case") if case.is_deleted else _("Hidden case"))


def can_see_reply(user: User, reply: Reply) -> bool:
    """Within a case the viewer can see: held replies only for their author and moderators."""
    if reply.state in {PostState.HELD, PostState.RETURNED}:
        return reply.author_id == user.pk or is_moderator_of(user, reply.case)
    return True


def get_case_or_404(user: User, pk: int) -> Case:
    try:
        case = Case.objects.select_related("specialty", "author__profile").get(pk=pk)
    except Case.DoesNotExist:
        raise Http404 from None
    if not can_see_case(user, case):
        raise Http404
    return case


def get_reply_or_404(user: User, pk: int) -> Reply:
    try:
        reply = Reply.objects.select_related("case__specialty", "author__profile").get(pk=pk)
    except Reply.DoesNotExist:
        raise Http404 from None
    if not (can_see_case(user, reply.case) and can_see_reply(user, reply)):
        raise Http404
    return reply


def check_can_reply(user: User, case: Case) -> None:
    if not case.is_published:
        raise PermissionDenied(_("This case is not open for replies."))
    if case.locked_at:
        raise PermissionDenied(_("A moderator locked this thread: no new replies."))


def check_is_author(user: User, post: Case | Reply) -> None:
    """Edits, deletion and outcomes are the author's own."""
    if post.author_id != user.pk:
        raise PermissionDenied(_("Only the author can do this."))
    if post.state == PostState.DELETED:
        raise PermissionDenied(_("This post was deleted."))
    if post.state == PostState.HIDDEN:
        raise PermissionDenied(_("A moderator hid this post; it cannot be edited."))


def check_can_mark_helpful(user: User, reply: Reply) -> None:
    if reply.case.author_id != user.pk:
        raise PermissionDenied(_("Only the case's author can mark replies as helpful."))
    if not reply.is_published:
        raise PermissionDenied(_("Only published replies can be marked helpful."))


def check_can_read_revisions(user: User, case: Case) -> None:
    if not is_moderator_of(user, case):
        raise PermissionDenied(_("Only this specialty's moderators can read earlier versions."))


# Images: seen through the post they belong to. Anyone else gets 404.


def can_see_image(user: User, upload: Upload) -> bool:
    """An image is shown to its uploader, to the moderators of its case's specialty, and,
    once a moderator has approved it, to every member who can see the post it belongs to."""
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
    # A hidden case's images go with its words: the tombstone shows neither.
    if upload.state != Upload.State.APPROVED or case.is_hidden or not can_see_case(user, case):
        return False
    return upload.reply is None or (upload.reply.is_published and can_see_reply(user, upload.reply))


def get_image_or_404(user: User, pk: int) -> Upload:
    try:
        upload = Upload.objects.select_related("case__specialty", "reply__case__specialty").get(
            pk=pk
        )
    except Upload.DoesNotExist:
        raise Http404 from None
    if not can_see_image(user, upload):
        raise Http404
    return upload
