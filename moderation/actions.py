"""Moderators' verbs on the review queue: claim, release, note, decide; and members' flags.

`decide` is the one entry for every decision on every kind. It takes the item's version as
the moderator saw it and moves it on in a single conditional UPDATE, so two concurrent
decisions cannot both apply: the second gets `Conflict`. The domain verbs it calls (forum,
uploads, members) write the audit entry and close the item.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.log import record
from forum import actions as forum_actions
from forum.models import Case, Outcome, PostState, Reply
from forum.permissions import is_moderator_of
from members import actions as member_actions
from members.models import User
from moderation.permissions import check_can_act, check_not_own_content
from review import queue
from review.models import Flag, ItemEvent, ReviewItem
from uploads import actions as upload_actions
from uploads.models import Upload


class Conflict(Exception):
    """Someone else changed the item first (decided it, or claimed it)."""


class FlagRefused(Exception):
    """The flag was not accepted; the message says why."""


# Actions per kind, as the item page offers them.
ACTIONS: dict[str, tuple[str, ...]] = {
    ReviewItem.Kind.IMAGE: ("approve", "reject", "request_new"),
    ReviewItem.Kind.HELD_POST: ("publish", "return"),
    ReviewItem.Kind.FLAGGED_POST: ("dismiss", "hide", "lock", "warn"),
    ReviewItem.Kind.APPLICATION: ("approve", "reject", "more_info"),
}
ACTION_LABELS = {
    "approve": _("Approve"),
    "reject": _("Reject (say why)"),
    "request_new": _("Ask for a new upload"),
    "publish": _("Publish"),
    "return": _("Return to the author"),
    "dismiss": _("Dismiss the flags"),
    "hide": _("Hide the post"),
    "lock": _("Lock the thread"),
    "warn": _("Warn the author"),
    "more_info": _("Ask for information"),
}
# Decisions that need words for the author (the reason is shown to them).
NEEDS_MESSAGE = {"reject", "request_new", "return", "hide", "lock", "warn", "more_info"}


@dataclass
class Decision:
    action: str
    message: str = ""  # to the author (or applicant)
    note: str = ""  # internal, moderators only
    reason: str = ""  # an image rejection's policy reason


def _move_on(item: ReviewItem, *, version: int, by: User) -> None:
    """The optimistic lock: exactly one caller moves `version` on."""
    updated = ReviewItem.objects.filter(
        pk=item.pk, version=version, state=ReviewItem.State.OPEN
    ).update(version=F("version") + 1)
    if not updated:
        item.refresh_from_db()
        raise _stale(item, version)
    item.version = version + 1
    # A claim keeps other moderators off an item, never an admin: a claim left behind (a
    # moderator away, or one who claimed their own content) must not stall the queue.
    if item.claimed_by is not None and item.claimed_by_id != by.pk and not by.is_admin:
        raise Conflict(
            _("%(name)s has claimed this item.") % {"name": item.claimed_by.display_name}
        )


def _locked_target(item: ReviewItem) -> Any:
    """The item's target, locked and read afresh; a post through forum's lock_post, which
    locks a reply's case first (the one order every verb takes rows in)."""
    model = item.target_type.model_class()
    if model is None:
        raise Conflict(_("What this item was about no longer exists."))
    try:
        target = model._default_manager.get(pk=item.target_id)
    except ObjectDoesNotExist:
        raise Conflict(_("What this item was about no longer exists.")) from None
    if isinstance(target, Case | Reply | Outcome):
        forum_actions.lock_post(target)
    else:
        target.refresh_from_db(from_queryset=model._default_manager.select_for_update(no_key=True))
    return target


def _stale(item: ReviewItem, version: int) -> Conflict:
    """Why a decision made on `version` of this (freshly read) item cannot apply."""
    if item.is_open and item.content_version > version:
        return Conflict(
            _("The post changed since you opened it: review the new text, then decide.")
        )
    return Conflict(_("Another moderator changed this item first. Reload it to see what."))


@transaction.atomic
def claim(item: ReviewItem, *, by: User, version: int) -> None:
    try:
        target = item.target
    except ObjectDoesNotExist:
        raise Conflict(_("What this item was about no longer exists.")) from None
    check_can_act(by, item)
    check_not_own_content(by, item, target)  # nobody holds their own content
    _move_on(item, version=version, by=by)
    item.claimed_by, item.claimed_at = by, timezone.now()
    item.save(update_fields=["claimed_by", "claimed_at"])
    ItemEvent.objects.create(item=item, actor=by, action="claim")
    record(actor=by, action="item.claim", target=item)


@transaction.atomic
def release(item: ReviewItem, *, by: User, version: int) -> None:
    check_can_act(by, item)
    _move_on(item, version=version, by=by)
    item.claimed_by, item.claimed_at = None, None
    item.save(update_fields=["claimed_by", "claimed_at"])
    ItemEvent.objects.create(item=item, actor=by, action="release")
    record(actor=by, action="item.release", target=item)


@transaction.atomic
def add_note(item: ReviewItem, *, by: User, note: str) -> None:
    check_can_act(by, item, open_only=False)
    ItemEvent.objects.create(item=item, actor=by, action="note", note=note)
    record(actor=by, action="item.note", target=item, reason=note)


@transaction.atomic
def decide(item: ReviewItem, *, by: User, version: int, decision: Decision) -> None:
    check_can_act(by, item)
    # The version first, before anything else is judged: the author's edit may since have
    # changed what the item asks, and the moderator must hear that the post changed.
    item.refresh_from_db()
    if item.version != version:
        raise _stale(item, version)
    if decision.action not in ACTIONS[item.kind]:
        raise ValueError(f"{decision.action!r} is not an action on {item.kind}")
    if decision.action in NEEDS_MESSAGE and not decision.message.strip():
        raise ValueError(_("Tell the author why, and how to fix it."))
    # The target first, then the item: the order the edit verbs take them in (forum/actions.py
    # locks the post, then refreshes its item), so a decision and an edit queue up behind
    # each other instead of deadlocking, and the decision acts on the row as committed.
    target = _locked_target(item)
    check_not_own_content(by, item, target)
    _move_on(item, version=version, by=by)
    match item.kind, decision.action:
        case ReviewItem.Kind.IMAGE, "approve":
            _approve_image(target, by=by, note=decision.note)
        case ReviewItem.Kind.IMAGE, "reject" | "request_new":
            reason = decision.reason or Upload.RejectionReason.OTHER
            if reason not in Upload.RejectionReason.values:
                raise ValueError(f"unknown rejection reason {reason!r}")
            _reject_image(target, by=by, reason=reason, note=decision.message)
        case ReviewItem.Kind.HELD_POST, "publish":
            forum_actions.publish_held(target, by=by, note=decision.note)
        case ReviewItem.Kind.HELD_POST, "return":
            forum_actions.return_to_author(
                target, by=by, reason=decision.message, note=decision.note
            )
        case ReviewItem.Kind.FLAGGED_POST, "dismiss":
            forum_actions.restore_post(target, by=by)
            record(actor=by, action="flag.dismiss", target=target, reason=decision.note)
            queue.close_items_for(target, by=by, decision="dismiss", note=decision.note)
        case ReviewItem.Kind.FLAGGED_POST, "hide":
            forum_actions.hide_post(target, by=by, reason=decision.message)
            queue.close_items_for(
                target, by=by, decision="hide", note=decision.note, message=decision.message
            )
        case ReviewItem.Kind.FLAGGED_POST, "lock":
            case = target if isinstance(target, Case) else target.case
            forum_actions.restore_post(target, by=by)
            forum_actions.lock_case(case, by=by, reason=decision.message)
            forum_actions.notify_author(
                target.author,
                case,
                _("A moderator locked the thread: %(why)s") % {"why": decision.message},
            )
            queue.close_items_for(
                target, by=by, decision="lock", note=decision.note, message=decision.message
            )
        case ReviewItem.Kind.FLAGGED_POST, "warn":
            forum_actions.restore_post(target, by=by)
            forum_actions.warn_author(target, by=by, message=decision.message)
            queue.close_items_for(
                target, by=by, decision="warn", note=decision.note, message=decision.message
            )
        case ReviewItem.Kind.APPLICATION, "approve":
            member_actions.approve_application(target, by=by, note=decision.message)
        case ReviewItem.Kind.APPLICATION, "reject":
            member_actions.reject_application(target, by=by, reason=decision.message)
        case ReviewItem.Kind.APPLICATION, "more_info":
            member_actions.request_more_information(target, by=by, note=decision.message)


# Images -----------------------------------------------------------------------------------


# Reached only through decide(), which holds the item and the image locked: one door.


def _approve_image(upload: Upload, *, by: User, note: str = "") -> None:
    """The image is approved and appears on its thread for everyone who can see the post."""
    upload_actions.mark_approved(upload, by=by, note=note)
    forum_actions.image_approved(upload)


def _reject_image(upload: Upload, *, by: User, reason: str, note: str = "") -> None:
    """The file is deleted, and the author learns why and that a corrected one is welcome."""
    message = upload_actions.mark_rejected(upload, by=by, reason=reason, note=note)
    forum_actions.notify_author(
        upload.uploader,
        upload.the_case,
        _("An image you posted was not approved: %(why)s You can upload a corrected one.")
        % {"why": message},
    )


# Flags ------------------------------------------------------------------------------------


def flags_today(user: User) -> int:
    return Flag.objects.filter(
        reporter=user, created_at__gte=timezone.now() - timedelta(days=1)
    ).count()


@transaction.atomic
def flag(
    post: Case | Reply | Outcome, *, by: User, reason: str, citation: str = "", note: str = ""
) -> Flag:
    """A member's report. It joins the post's open item (or opens one, with a snapshot of
    the post as evidence). Identifier flags hide the post at once, pending review, when
    enough members agree or one moderator says so."""
    if reason not in Flag.Reason.values:
        raise FlagRefused(_("Choose a reason."))
    # Judged on the post as it is now (deleted or hidden since the page loaded, say).
    forum_actions.lock_post(post)
    if post.author_id == by.pk:
        raise FlagRefused(_("You cannot flag your own post; edit or delete it instead."))
    if post.state not in {PostState.PUBLISHED, PostState.HIDDEN}:
        raise FlagRefused(_("This post cannot be flagged."))
    if flags_today(by) >= settings.SCRUBROOM_FLAGS_PER_DAY:
        raise FlagRefused(
            _("You have flagged %(count)d posts today, the daily limit. Thank you; try tomorrow.")
            % {"count": settings.SCRUBROOM_FLAGS_PER_DAY}
        )
    case = post if isinstance(post, Case) else post.case
    item, _created = queue.open_item(
        ReviewItem.Kind.FLAGGED_POST,
        post,
        specialty_id=case.specialty_id,
        evidence=post.as_evidence(),
    )
    if item.flags.filter(reporter=by).exists():
        raise FlagRefused(_("You have already flagged this post."))
    flagged = Flag.objects.create(
        item=item, reporter=by, reason=reason, citation=citation, note=note
    )
    ItemEvent.objects.create(item=item, actor=by, action="flag", note=flagged.get_reason_display())
    if reason == Flag.Reason.IDENTIFIER and post.is_published:
        identifier_flags = item.flags.filter(reason=Flag.Reason.IDENTIFIER).count()
        by_moderator = is_moderator_of(by, case)  # with their second factor, or not at all
        if by_moderator or identifier_flags >= settings.SCRUBROOM_IDENTIFIER_FLAGS_TO_HIDE:
            forum_actions.hide_post(
                post,
                by=by if by_moderator else None,
                reason=_("Hidden pending review: flagged as a possible patient identifier."),
                pending=True,
            )
            ItemEvent.objects.create(item=item, actor=None, action="auto_hide")
    return flagged
