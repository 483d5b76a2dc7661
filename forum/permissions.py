"""Who may see and do what with cases, replies and their images. Shared by views, fragments,
consumers, search and exports.

As in members/permissions.py: Http404 when the object must stay unknown to this viewer (a
held case is unknown to everyone but its author and its specialty's moderators),
PermissionDenied (403) when the viewer can see it but the action is not theirs.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from forum.models import Case, Outcome, PostState, Reply, Specialty
from members.models import User
from members.permissions import has_staff_powers
from uploads.models import Upload

# Seen only by their author and the specialty's moderators: waiting for, or sent back by, a
# moderator.
WAITING = (PostState.HELD, PostState.RETURNED)


def is_moderator_of(user: User, case: Case) -> bool:
    """A moderator of the case's specialty (or an admin) with their second factor enrolled:
    without it a moderator has no staff power anywhere, and sees what a member sees."""
    return bool(has_staff_powers(user) and user.moderates(case.specialty))


def _is_member(user: User) -> bool:
    return bool(user.is_authenticated and user.is_verified_member)


def _moderated(user: User, specialty: str) -> Q:
    """Where the row's specialty (at the lookup `specialty`) is one this user moderates: the
    queryset twin of is_moderator_of."""
    if not has_staff_powers(user):
        return Q(pk__in=[])
    if user.is_admin:
        return Q(pk__isnull=False)  # always true (an empty Q() would vanish from an OR)
    return Q(**{f"{specialty}__in": Specialty.objects.filter(moderator_scopes__user=user)})


# Each row check below has its queryset twin (Misago's pattern): pages test one object,
# lists and counts filter with the queryset, and tests/test_visibility_matrix.py holds both
# to the same table.


def can_see_case(user: User, case: Case) -> bool:
    """The case's page (a tombstone, for a deleted or hidden case) opens for this viewer."""
    if not _is_member(user):
        return False
    if case.state in WAITING:
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


def cases_visible_to(user: User, cases: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """can_see_case as a queryset."""
    cases = Case.objects.all() if cases is None else cases
    if not _is_member(user):
        return cases.none()
    return cases.filter(~Q(state__in=WAITING) | Q(author=user) | _moderated(user, "specialty"))


def can_see_reply(user: User, reply: Reply) -> bool:
    """Within a case the viewer can see: held replies only for their author and moderators."""
    if reply.state in WAITING:
        return reply.author_id == user.pk or is_moderator_of(user, reply.case)
    return True


def can_read_reply(user: User, reply: Reply) -> bool:
    """The reply's words, wherever they appear (its own place in the thread, or quoted in
    another reply): published ones for everyone who sees the case; held, returned and hidden
    ones for their author and the moderators; a deleted reply's, for nobody."""
    if reply.is_deleted or not can_see_case(user, reply.case):
        return False
    if reply.is_published:
        return True
    return reply.author_id == user.pk or is_moderator_of(user, reply.case)


def replies_visible_to(user: User, replies: QuerySet[Reply] | None = None) -> QuerySet[Reply]:
    """can_see_case and can_see_reply as a queryset: the replies (tombstones included) this
    viewer's thread pages, fragments and counts may show."""
    replies = Reply.objects.all() if replies is None else replies
    if not _is_member(user):
        return replies.none()
    moderated = _moderated(user, "case__specialty")
    return replies.filter(
        ~Q(case__state__in=WAITING) | Q(case__author=user) | moderated,
        ~Q(state__in=WAITING) | Q(author=user) | moderated,
    )


def can_see_outcome(user: User, outcome: Outcome) -> bool:
    """An outcome's words: published ones for everyone who may read the case; held, returned
    and hidden ones for the case's author and its specialty's moderators."""
    case = outcome.case
    if not can_read_case(user, case) or outcome.is_deleted:
        return False
    if outcome.is_published:
        return True
    return outcome.author_id == user.pk or is_moderator_of(user, case)


def outcomes_visible_to(user: User, outcomes: QuerySet[Outcome] | None = None) -> QuerySet[Outcome]:
    """can_see_outcome as a queryset."""
    outcomes = Outcome.objects.all() if outcomes is None else outcomes
    if not _is_member(user):
        return outcomes.none()
    moderated = _moderated(user, "case__specialty")
    own_case = Q(case__author=user)
    readable_case = Q(case__state=PostState.PUBLISHED) | (
        Q(case__state__in=[*WAITING, PostState.HIDDEN]) & (own_case | moderated)
    )
    return outcomes.filter(
        readable_case,
        Q(state=PostState.PUBLISHED) | (~Q(state=PostState.DELETED) & (own_case | moderated)),
    )


def get_case_or_404(user: User, pk: int) -> Case:
    try:
        case = Case.objects.select_related("specialty", "author__profile", "outcome").get(pk=pk)
    except Case.DoesNotExist:
        raise Http404 from None
    if not can_see_case(user, case):
        raise Http404
    return case


def get_outcome_or_404(user: User, case_pk: int) -> Outcome:
    """The outcome of case `case_pk`, if the viewer may read it."""
    case = get_case_or_404(user, case_pk)
    outcome = case.follow_up
    if outcome is None or not can_see_outcome(user, outcome):
        raise Http404
    return outcome


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


def check_is_author(user: User, post: Case | Reply | Outcome) -> None:
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


def images_visible_to(user: User, uploads: QuerySet[Upload] | None = None) -> QuerySet[Upload]:
    """can_see_image as a queryset."""
    uploads = Upload.objects.all() if uploads is None else uploads
    if not _is_member(user):
        return uploads.none()
    state = Upload.State

    def on_case(**lookups) -> Q:
        """The lookups on the image's case: its own, or its reply's."""
        return Q(case__isnull=False, **{f"case__{k}": v for k, v in lookups.items()}) | Q(
            reply__isnull=False, **{f"reply__case__{k}": v for k, v in lookups.items()}
        )

    moderated = (Q(case__isnull=False) & _moderated(user, "case__specialty")) | (
        Q(reply__isnull=False) & _moderated(user, "reply__case__specialty")
    )
    live_case = on_case(state__in=[PostState.PUBLISHED, *WAITING, PostState.HIDDEN])
    approved_for_members = (
        Q(state=state.APPROVED)
        & (on_case(state=PostState.PUBLISHED) | on_case(state__in=WAITING, author=user))
        & (Q(reply__isnull=True) | Q(reply__state=PostState.PUBLISHED))
    )
    # No negation across the nullable joins: what a moderator sees of a case is a superset
    # of what a member sees, so the two branches simply add up.
    return uploads.exclude(file="").filter(
        Q(uploader=user)
        | (live_case & moderated & Q(state__in=[state.PENDING, state.APPROVED]))
        | approved_for_members
    )


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
