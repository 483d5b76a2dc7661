"""Moderation from the thread page itself: a member's flag on a post, and a moderator's
decision on an image shown under the post it belongs to."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forum.inputs import parse_int
from forum.models import Case, Outcome, Reply
from forum.permissions import (
    get_case_or_404,
    get_image_or_404,
    get_outcome_or_404,
    get_reply_or_404,
)
from members.permissions import MemberRequest, enrol_for_staff_powers, has_staff_powers
from members.quotas import QuotaReached, spending
from moderation import actions
from moderation.actions import Decision, FlagRefused
from review import queue
from uploads.models import Upload
from uploads.permissions import check_can_decide, is_reviewer_of

# Flags --------------------------------------------------------------------------------------


def _flag(request: MemberRequest, post: Case | Reply | Outcome) -> HttpResponse:
    try:
        with spending(request.user.pk, "flag"):
            actions.flag(
                post,
                by=request.user,
                reason=request.POST.get("reason", ""),
                citation=request.POST.get("citation", "").strip()[:300],
                note=request.POST.get("note", "").strip()[:2000],
            )
    except (FlagRefused, QuotaReached) as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Thank you. A moderator will look at it."))
    return redirect(post)


@require_POST
def case_flag(request: MemberRequest, pk: int) -> HttpResponse:
    return _flag(request, get_case_or_404(request.user, pk))


@require_POST
def outcome_flag(request: MemberRequest, pk: int) -> HttpResponse:
    return _flag(request, get_outcome_or_404(request.user, pk))


@require_POST
def reply_flag(request: MemberRequest, pk: int) -> HttpResponse:
    return _flag(request, get_reply_or_404(request.user, pk))


# Unhiding ---------------------------------------------------------------------------------


def _unhide(request: MemberRequest, post: Case | Reply | Outcome) -> HttpResponse:
    try:
        actions.unhide(post, by=request.user, reason=request.POST.get("reason", "")[:2000])
    except (actions.Conflict, ValueError) as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The post is shown again; its author has been told."))
    return redirect(post)


@require_POST
def case_unhide(request: MemberRequest, pk: int) -> HttpResponse:
    return _unhide(request, get_case_or_404(request.user, pk))


@require_POST
def outcome_unhide(request: MemberRequest, pk: int) -> HttpResponse:
    return _unhide(request, get_outcome_or_404(request.user, pk))


@require_POST
def reply_unhide(request: MemberRequest, pk: int) -> HttpResponse:
    return _unhide(request, get_reply_or_404(request.user, pk))


# Images ------------------------------------------------------------------------------------


def _decide(request: MemberRequest, pk: int, decision: Decision) -> HttpResponse:
    """The thread page's Approve and Reject: the same one decision as the queue's, on the
    image's open item at the version the page showed."""
    # A reviewer who has not enrolled a second factor sees no pending image (it is unknown
    # to them, as to a member) and is sent to enrol; anyone else who is not this image's
    # reviewer (its uploader, say) is refused by check_can_decide.
    waiting = Upload.objects.filter(pk=pk, state=Upload.State.PENDING).first()
    if (
        waiting is not None
        and is_reviewer_of(request.user, waiting)
        and not has_staff_powers(request.user)
    ):
        return enrol_for_staff_powers(request)
    upload = get_image_or_404(request.user, pk)
    check_can_decide(request.user, upload)
    item = queue.open_item_for(upload)
    if item is None:
        raise PermissionDenied(_("This image has already been decided."))
    version = parse_int(request.POST.get("version", ""))
    if version is None:
        raise PermissionDenied(_("The page is out of date. Reload it."))
    try:
        actions.decide(item, by=request.user, version=version, decision=decision)
    except (actions.Conflict, ValueError) as refusal:
        messages.error(request, str(refusal))
    return redirect(upload.the_case.get_absolute_url() + f"#image-{upload.pk}")


@require_POST
def upload_approve(request: MemberRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, Decision("approve", note=request.POST.get("note", "")[:2000]))


@require_POST
def upload_reject(request: MemberRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    if reason not in Upload.RejectionReason.values:
        return HttpResponse(_("Choose a reason from the policy list."), status=400)
    message = request.POST.get("note", "").strip()[:2000]
    return _decide(request, pk, Decision("reject", message=message, reason=reason))
