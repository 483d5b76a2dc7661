"""Moderators' verbs on the review queue: claim, release, note, decide; and members' flags.

`decide` is the one entry for every decision on every kind. It takes the item's version as
the moderator saw it and moves it on in a single conditional UPDATE, so two concurrent
decisions cannot both apply: the second gets `Conflict`. The domain verbs it calls (forum,
uploads, members) write the audit entry and close the item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.log import record
from forum import actions as forum_actions
from forum.models import Case, Outcome, PostState, Reply
from forum.permissions import is_moderator_of
from members import actions as member_actions
from members.models import Application, User
from moderation.permissions import check_can_act, check_not_own_content
from review import queue
from review.models import Flag, ItemEvent, ReviewItem
from uploads import actions as upload_actions
from uploads.models import Upload


class Conflict(Exception):
    """Someone else changed the item first (decided it, or claimed it)."""


class FlagRefused(Exception):
    """The flag was not accepted; the message says why."""


# Actions per kind, as the item page offers them (actions_for: on this target, now).
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


def actions_for(item: ReviewItem, target: Any) -> tuple[str, ...]:
    """What a moderator may decide on this item's target as it is now. A flagged post its
    author has since deleted has nothing left to hide or lock: the flags can be dismissed, or
    its author warned."""
    if item.kind == ReviewItem.Kind.FLAGGED_POST and getattr(target, "is_deleted", False):
        return ("dismiss", "warn")
    return ACTIONS[item.kind]


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
    if decision.action in NEEDS_MESSAGE and not decision.message.strip():
        raise ValueError(_("Tell the author why, and how to fix it."))
    # The target first, then the item: the order the edit verbs take them in (forum/actions.py
    # locks the post, then refreshes its item), so a decision and an edit queue up behind
    # each other instead of deadlocking, and the decision acts on the row as committed.
    target = _locked_target(item)
    if decision.action not in actions_for(item, target):
        raise ValueError(_("That action does not apply to this item any more. Reload it."))
    check_not_own_content(by, item, target)
    _move_on(item, version=version, by=by)
    outcome = _apply(item.kind, target, decision, by=by)
    # What every decision leaves, whatever its kind and page: one audit entry, the item
    # closed with what the author was told, and the author told.
    record(
        actor=by,
        action=outcome.audit_action,
        target=target,
        reason=outcome.audit_reason,
        **outcome.details,
    )
    queue.close_item(
        item, by=by, decision=outcome.decision, note=decision.note, message=outcome.told
    )
    _tell(item.kind, target, outcome)


@dataclass
class _Outcome:
    """What a decision did, for the audit log, the item's history and the author."""

    audit_action: str
    audit_reason: str
    decision: str  # the item's closing decision, as its history shows it
    told: str = ""  # what the author (or applicant) reads; "" when they are not told
    details: dict[str, Any] = field(default_factory=dict)


def _apply(kind: str, target: Any, decision: Decision, *, by: User) -> _Outcome:
    """The decision's change to its target, through the domain's own verbs (which know
    nothing of the queue), and what is to be recorded and said about it."""
    message = decision.message
    match kind, decision.action:
        case ReviewItem.Kind.IMAGE, "approve":
            upload_actions.mark_approved(target, by=by)
            forum_actions.image_approved(target)
            return _Outcome("image.approve", decision.note, "approve")
        case ReviewItem.Kind.IMAGE, "reject" | "request_new":
            reason = decision.reason or Upload.RejectionReason.OTHER
            why = upload_actions.mark_rejected(target, by=by, reason=reason, note=message)
            return _Outcome(
                "image.reject",
                message,
                "reject",
                told=_(
                    "An image you posted was not approved: %(why)s You can upload a corrected one."
                )
                % {"why": why},
                details={"rejection": reason},
            )
        case ReviewItem.Kind.HELD_POST, "publish":
            forum_actions.publish_held(target, by=by)
            return _Outcome(
                "post.publish", decision.note, "publish", _("A moderator published your post.")
            )
        case ReviewItem.Kind.HELD_POST, "return":
            forum_actions.return_to_author(target, reason=message)
            return _Outcome(
                "post.return",
                message,
                "return",
                _("A moderator returned your post: %(why)s Edit it and post again.")
                % {"why": message},
                details={"note": decision.note},
            )
        case ReviewItem.Kind.FLAGGED_POST, "dismiss":
            forum_actions.restore_post(target)
            return _Outcome("flag.dismiss", decision.note, "dismiss")
        case ReviewItem.Kind.FLAGGED_POST, "hide":
            forum_actions.hide_post(target, by=by, reason=message)
            return _Outcome(
                "post.hide",
                message,
                "hide",
                _("A moderator hid your post: %(why)s") % {"why": message},
            )
        case ReviewItem.Kind.FLAGGED_POST, "lock":
            forum_actions.restore_post(target)
            forum_actions.lock_case(target if isinstance(target, Case) else target.case)
            return _Outcome(
                "case.lock",
                message,
                "lock",
                _("A moderator locked the thread: %(why)s") % {"why": message},
            )
        case ReviewItem.Kind.FLAGGED_POST, "warn":
            forum_actions.restore_post(target)
            return _Outcome(
                "member.warn",
                message,
                "warn",
                _("A moderator's warning: %(why)s") % {"why": message},
                details={"author": target.author_id},
            )
        case ReviewItem.Kind.APPLICATION, "approve" | "reject":
            if decision.action == "approve":
                deleted = member_actions.approve_application(target, by=by, note=message)
                status = Application.Status.APPROVED
            else:
                deleted = member_actions.reject_application(target, by=by, reason=message)
                status = Application.Status.REJECTED
            return _Outcome(
                f"application.{decision.action}",
                message,
                status,
                message,
                details={"member_id": target.user_id, "documents_deleted": deleted},
            )
        case ReviewItem.Kind.APPLICATION, "more_info":
            member_actions.request_more_information(target, by=by, note=message)
            return _Outcome(
                "application.request_info",
                message,
                Application.Status.MORE_INFO,
                message,
                details={"member_id": target.user_id},
            )
    raise ValueError(f"{decision.action!r} is not an action on {kind}")  # pragma: no cover


# The applicant hears by email (they cannot read the forum's notifications yet).
APPLICATION_EMAILS: dict[str, str] = {
    Application.Status.APPROVED: "application_approved",
    Application.Status.REJECTED: "application_rejected",
    Application.Status.MORE_INFO: "application_more_info",
}


def _tell(kind: str, target: Any, outcome: _Outcome) -> None:
    if kind == ReviewItem.Kind.APPLICATION:
        member_actions.email_applicant(target, APPLICATION_EMAILS[outcome.decision])
    elif outcome.told and kind == ReviewItem.Kind.IMAGE:
        forum_actions.notify_author(target.uploader, target.the_case, outcome.told)
    elif outcome.told:
        case = target if isinstance(target, Case) else target.case
        forum_actions.notify_author(target.author, case, outcome.told)


# Unhiding ---------------------------------------------------------------------------------


@transaction.atomic
def unhide(post: Case | Reply | Outcome, *, by: User, reason: str) -> None:
    """A moderator's explicit reversal of a hide (their own or another's): the only way a
    deliberately hidden post is shown again. Audited with the reason; the author is told."""
    forum_actions.lock_post(post)
    case = post if isinstance(post, Case) else post.case
    if not is_moderator_of(by, case):
        raise PermissionDenied(_("Only this specialty's moderators can unhide its posts."))
    if post.author_id == by.pk:
        raise PermissionDenied(
            _("This is your own post: it needs another moderator of the specialty, or an admin.")
        )
    if not post.is_hidden:
        raise Conflict(_("This post is not hidden any more."))
    if queue.open_item_for(post) is not None:
        raise Conflict(_("Its flags wait in the review queue: decide them there."))
    if not reason.strip():
        raise ValueError(_("Say why it can be shown again."))
    forum_actions.unhide_post(post)
    record(actor=by, action="post.unhide", target=post, reason=reason)
    forum_actions.notify_author(
        post.author, case, _("A moderator shows your post again: %(why)s") % {"why": reason}
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
            why = _("Hidden pending review: flagged as a possible patient identifier.")
            forum_actions.hide_post(post, by=by if by_moderator else None, reason=why, pending=True)
            # The rule hid it, not a decision (unless a moderator flagged it): no actor then.
            record(
                actor=by if by_moderator else None, action="post.auto_hide", target=post, reason=why
            )
            ItemEvent.objects.create(item=item, actor=None, action="auto_hide")
    return flagged
