"""Verbs for the discussion: post, edit and delete cases and replies, outcomes, helpful marks,
follows and notifications.

Every verb that saves text runs the PHI screen on it first. With findings and no
justification it raises `IdentifiersFound` and saves nothing, so the form can come back with
the text intact; with a justification the post is saved held, unpublished, for a moderator.
Markdown is rendered here, on save, never on display.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

import phi
from forum import events, markdown, search
from forum.models import (
    Case,
    Follow,
    Notification,
    Outcome,
    PostState,
    Reply,
    Revision,
    Tag,
    ThreadEvent,
)
from forum.permissions import check_can_mark_helpful, check_can_reply, check_is_author
from live import broadcast
from members.models import Profile, User
from review import queue
from review.models import ReviewItem
from uploads import actions as upload_actions
from uploads.models import Upload

# Everything a member posts and a moderator may hold, flag, hide or return.
type Post = Case | Reply | Outcome


class IdentifiersFound(Exception):
    """The PHI screen found possible identifiers, or warnings not yet acknowledged; nothing
    was saved. `findings` holds both levels (never colleagues), per field."""

    def __init__(self, findings: dict[str, list[phi.Finding]]) -> None:
        super().__init__(f"possible identifiers in {', '.join(findings)}")
        self.findings = findings
        self.warnings_only = not any(phi.blocking(found) for found in findings.values())


def colleague_surnames(fields: dict[str, str]) -> frozenset[str]:
    """Members' surnames among the names the texts mention ("Mr Lindqvist"): only those
    words are looked up, so the cost follows the text, not the size of the membership."""
    words: set[str] = set()
    for text in fields.values():
        words |= phi.name_words(text or "")
    if not words:
        return frozenset()
    match = Q()
    for word in sorted(words)[:50]:
        match |= Q(full_name__iendswith=f" {word}") | Q(full_name__iexact=word)
    names = Profile.objects.filter(match, user__status=User.Status.VERIFIED).values_list(
        "full_name", flat=True
    )
    return frozenset(name.split()[-1].lower() for name in names if name.split()) & words


def screen(
    fields: dict[str, str], *, justification: str, acknowledged: bool = False
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(findings stored with a held post, warnings the author acknowledged).

    Raises IdentifiersFound when an identifier has no justification, or when quasi-
    identifiers (a named hospital, a rare occupation…) were not acknowledged: the author sees
    them first either way. Colleagues are only marked, never held against the post.
    """
    found = phi.scan_fields(fields, colleague_surnames(fields))
    found = {
        field: [f for f in findings if f.level != phi.COLLEAGUE]
        for field, findings in found.items()
    }
    found = {field: findings for field, findings in found.items() if findings}
    blocking = {field: phi.blocking(findings) for field, findings in found.items()}
    warnings = {field: phi.warnings(findings) for field, findings in found.items()}
    justified = bool(justification.strip())
    if any(blocking.values()) and not justified:
        raise IdentifiersFound(found)
    if any(warnings.values()) and not (acknowledged or justified):
        raise IdentifiersFound(found)

    def stored(per_field: dict[str, list[phi.Finding]]) -> list[dict[str, Any]]:
        return [
            {"field": field, **finding.as_dict()}
            for field, findings in per_field.items()
            for finding in findings
        ]

    return stored(blocking), stored(warnings)


CASE_CONTENT = (
    "title",
    "age_band",
    "sex",
    "presentation",
    "investigations",
    "plan",
    "intraop_findings",
    "complication",
    "question",
    "coi_disclosure",
    "consent_basis",
    "consent_reason",
)


def _screened_text(case_data: dict[str, Any]) -> dict[str, str]:
    return {name: case_data.get(name) or "" for name in (*Case.TEXT_FIELDS, "consent_reason")}


def _render_case(case: Case) -> None:
    case.rendered = {
        **{name: markdown.render(getattr(case, name)) for name, _label in Case.SECTIONS},
        "coi_disclosure": markdown.render(case.coi_disclosure),
    }


def _set_tags(case: Case, names: Iterable[str]) -> None:
    tags = [Tag.objects.get_or_create(name=name)[0] for name in dict.fromkeys(names)]
    case.tags.set(tags)


def _hold(
    post: Post, screened: tuple[list[dict[str, Any]], list[dict[str, Any]]], justification: str
) -> None:
    """Held when the screen found something the author justified; published otherwise (a
    post already waiting for review keeps waiting: an edit does not skip the moderator).
    Warnings the author acknowledged stay with the post, for its moderators."""
    findings, warnings = screened
    post.acknowledged_warnings = warnings
    if findings:
        post.state = PostState.HELD
        post.held_findings = findings
        post.held_justification = justification.strip()
    elif post.state != PostState.HELD:
        post.state = PostState.PUBLISHED


def _keep_review_current(post: Post, *, new: bool = False) -> None:
    """A held post (a case, a reply, an outcome) waits in the review queue with what the
    screen found; a post already waiting (held or flagged) shows its moderator the text as it
    is now, and a decision taken on the text before is refused (review/queue.py,
    refresh_item).

    `new`: the post was created in this transaction, so no item can be waiting for it yet.
    """
    held = post.is_held
    if new and not held:
        return  # the common case, a clean new post: nothing to look up or snapshot
    evidence = post.as_evidence()
    if held:
        evidence |= {"findings": post.held_findings, "justification": post.held_justification}
    if post.acknowledged_warnings:
        evidence["warnings"] = post.acknowledged_warnings
    item = None if new else queue.open_item_for(post)
    if item is not None:
        flagged = item.kind == ReviewItem.Kind.FLAGGED_POST or item.flags.exists()
        if flagged:
            # What the flags were about stays beside what the post says now.
            evidence["flagged_text"] = item.evidence.get("flagged_text", item.evidence["text"])
        # What the item asks follows the post: publish or return while it is held; the
        # flags' questions once it is not (a flagged post held by an edit, then deleted).
        kind = ReviewItem.Kind.HELD_POST if held else None
        if not held and flagged:
            kind = ReviewItem.Kind.FLAGGED_POST
        queue.refresh_item(item, evidence=evidence, kind=kind)
    elif held:
        case = _case_of(post)
        queue.open_item(
            ReviewItem.Kind.HELD_POST, post, specialty_id=case.specialty_id, evidence=evidence
        )


def _move_review_with(case: Case) -> None:
    """The case moved specialty: what waits for review in it (the case, its replies, their
    outcome, images) waits for the new specialty's moderators, and only theirs."""
    queue.move_open_items(
        {
            Case: [case.pk],
            Reply: list(case.replies.values_list("pk", flat=True)),
            Outcome: list(Outcome.objects.filter(case=case).values_list("pk", flat=True)),
            Upload: list(
                Upload.objects.filter(Q(case=case) | Q(reply__case=case)).values_list(
                    "pk", flat=True
                )
            ),
        },
        specialty_id=case.specialty_id,
    )


def lock_post(post: Post) -> None:
    """Lock the post's row and re-read it, inside the caller's transaction: a concurrent
    edit, deletion, flag or decision is seen before this one decides anything, and the save
    that follows writes onto the row as it is now, not onto the copy loaded before.

    Rows are always locked in one order, case, then reply or outcome, then images and review
    items (moderation/actions.py does the same), so two verbs wait for each other instead of
    deadlocking. NO KEY UPDATE: rows that only point at the post (events, notifications)
    can still be inserted meanwhile.
    """
    if isinstance(post, Reply | Outcome):
        Case.objects.select_for_update(no_key=True).filter(pk=post.case_id).first()
    locked: QuerySet[Any] = type(post)._default_manager.select_for_update(no_key=True)
    post.refresh_from_db(from_queryset=locked)


@transaction.atomic
def create_case(
    author: User,
    *,
    specialty,
    data: dict[str, Any],
    tags: Iterable[str] = (),
    justification: str = "",
    acknowledged: bool = False,
    images: Iterable[Upload] = (),
) -> Case:
    """Publish a case (or hold it for review, see the module docstring).

    `data` holds CASE_CONTENT; the form has checked both attestations before calling.
    """
    findings = screen(_screened_text(data), justification=justification, acknowledged=acknowledged)
    now = timezone.now()
    case = Case(
        author=author,
        specialty=specialty,
        attested_deidentified=True,
        attested_at=now,
        created_at=now,
        last_activity_at=now,
        **{name: data.get(name) or "" for name in CASE_CONTENT},
    )
    _hold(case, findings, justification)
    _render_case(case)
    case.save()
    _set_tags(case, tags)
    case.search_text = search.document(case)
    case.save(update_fields=["search_text"])
    Follow.objects.get_or_create(user=author, case=case)
    upload_actions.attach(images, case=case)
    _keep_review_current(case, new=True)
    return case


def _case_content(case: Case) -> dict[str, Any]:
    return {
        **{name: getattr(case, name) for name in CASE_CONTENT},
        "tags": [tag.name for tag in case.tags.all()],
    }


@transaction.atomic
def edit_case(
    case: Case,
    *,
    by: User,
    specialty=None,
    data: dict[str, Any],
    tags: Iterable[str] = (),
    justification: str = "",
    acknowledged: bool = False,
    images: Iterable[Upload] = (),
) -> Case:
    lock_post(case)
    check_is_author(by, case)
    findings = screen(_screened_text(data), justification=justification, acknowledged=acknowledged)
    Revision.objects.create(case=case, part="case", edited_by=by, content=_case_content(case))
    moved = specialty is not None and specialty.pk != case.specialty_id
    for name in CASE_CONTENT:
        setattr(case, name, data.get(name) or "")
    if specialty is not None:
        case.specialty = specialty
    if moved:
        _move_review_with(case)
    _hold(case, findings, justification)
    case.edited_at = timezone.now()
    case.attested_at = case.edited_at  # the author attests again with every edit
    _render_case(case)
    _set_tags(case, tags)
    case.search_text = search.document(case)
    case.save()
    upload_actions.attach(images, case=case)
    _keep_review_current(case)
    events.emit(case, ThreadEvent.Kind.CASE_CHANGED)
    return case


@transaction.atomic
def delete_case(case: Case, *, by: User) -> None:
    """The author's deletion: a tombstone stays, the text and its history are gone."""
    lock_post(case)
    check_is_author(by, case)
    _tombstone_case(case)


def _tombstone_case(case: Case) -> None:
    for name in (*Case.TEXT_FIELDS, "consent_reason", "held_justification"):
        setattr(case, name, "")
    case.title = ""
    case.rendered = {}
    case.held_findings = []
    case.search_text = ""
    case.state = PostState.DELETED
    case.deleted_at = timezone.now()
    case.save()
    case.tags.clear()
    case.revisions.all().delete()
    queue.forget_target(case)
    _keep_review_current(case)
    outcome = Outcome.objects.select_for_update(no_key=True).filter(case=case).first()
    if outcome is not None:
        outcome.body = outcome.body_html = outcome.held_justification = ""
        outcome.held_findings = []
        outcome.state = PostState.DELETED
        outcome.save()
        queue.forget_target(outcome)
        _keep_review_current(outcome)
    upload_actions.delete_uploads(Upload.objects.filter(case=case))
    events.emit(case, ThreadEvent.Kind.CASE_CHANGED)


@transaction.atomic
def post_outcome(
    case: Case, *, by: User, text: str, justification: str = "", acknowledged: bool = False
) -> Outcome:
    """Post or update the case's outcome follow-up (M&M-style learning), at any time. It is
    screened, held and reviewed on its own, like a reply: the case's state is not touched."""
    lock_post(case)
    check_is_author(by, case)
    findings = screen({"outcome": text}, justification=justification, acknowledged=acknowledged)
    now = timezone.now()
    outcome = Outcome.objects.select_for_update(no_key=True).filter(case=case).first()
    new = outcome is None
    if outcome is None:
        outcome = Outcome(case=case, created_at=now)
    else:
        check_is_author(by, outcome)  # a hidden outcome stays as the moderator left it
        Revision.objects.create(
            case=case, part="outcome", edited_by=by, content={"outcome": outcome.body}
        )
        outcome.edited_at = now
    outcome.body = text
    outcome.body_html = markdown.render(text)
    # An outcome already waiting keeps waiting, however clean the rewrite: an edit never
    # skips the moderator.
    _hold(outcome, findings, justification)
    outcome.save()
    if outcome.is_published:
        _outcome_appeared(outcome, by=by, now=now)
    _keep_review_current(outcome, new=new)
    events.emit(case, ThreadEvent.Kind.CASE_CHANGED)
    return outcome


def _outcome_appeared(outcome: Outcome, *, by: User, now) -> None:
    """The outcome is published: the case says so, search finds it, and the first time,
    followers hear of it."""
    first = outcome.posted_at is None
    if first:
        outcome.posted_at = now
        outcome.save(update_fields=["posted_at"])
    case = outcome.case
    case.status = Case.Status.OUTCOME
    case.last_activity_at = now
    case.search_text = search.document(case)
    case.save(update_fields=["status", "last_activity_at", "search_text"])
    if first and case.is_published:
        _notify_followers(case, kind=Notification.Kind.OUTCOME, actor=by)


def _reindex(case: Case) -> None:
    case.search_text = search.document(case)
    case.save(update_fields=["search_text"])


@transaction.atomic
def create_reply(
    case: Case,
    *,
    author: User,
    body: str,
    quotes: Reply | None = None,
    coi_disclosure: str = "",
    justification: str = "",
    acknowledged: bool = False,
    images: Iterable[Upload] = (),
) -> Reply:
    check_can_reply(author, case)
    findings = screen(
        {"body": body, "coi_disclosure": coi_disclosure},
        justification=justification,
        acknowledged=acknowledged,
    )
    if quotes is not None and (quotes.case_id != case.pk or not quotes.is_published):
        quotes = None  # only a published reply in the same thread can be quoted
    now = timezone.now()
    reply = Reply(
        case=case,
        author=author,
        body=body,
        body_html=markdown.render(body),
        quotes=quotes,
        coi_disclosure=coi_disclosure,
        created_at=now,
    )
    _hold(reply, findings, justification)
    reply.save()
    if reply.is_published:
        _count_published_reply(case, +1, now=now)
        _notify_followers(case, kind=Notification.Kind.REPLY, actor=author, reply=reply)
        events.emit(case, ThreadEvent.Kind.REPLY, reply=reply)
    Follow.objects.get_or_create(user=author, case=case)
    upload_actions.attach(images, reply=reply)
    _keep_review_current(reply, new=True)
    return reply


def _count_published_reply(case: Case, delta: int, *, now=None) -> None:
    updates: dict[str, Any] = {"reply_count": F("reply_count") + delta}
    if now is not None:
        updates["last_activity_at"] = now
    Case.objects.filter(pk=case.pk).update(**updates)
    case.refresh_from_db(fields=["reply_count", "last_activity_at"])


@transaction.atomic
def edit_reply(
    reply: Reply,
    *,
    by: User,
    body: str,
    coi_disclosure: str = "",
    justification: str = "",
    acknowledged: bool = False,
) -> Reply:
    lock_post(reply)
    check_is_author(by, reply)
    findings = screen(
        {"body": body, "coi_disclosure": coi_disclosure},
        justification=justification,
        acknowledged=acknowledged,
    )
    Revision.objects.create(
        reply=reply,
        part="reply",
        edited_by=by,
        content={"body": reply.body, "coi_disclosure": reply.coi_disclosure},
    )
    was_published = reply.is_published
    reply.body = body
    reply.body_html = markdown.render(body)
    reply.coi_disclosure = coi_disclosure
    _hold(reply, findings, justification)
    reply.edited_at = timezone.now()
    reply.save()
    if was_published and not reply.is_published:
        _count_published_reply(reply.case, -1)
    elif not was_published and reply.is_published:
        _count_published_reply(reply.case, +1)
    _keep_review_current(reply)
    events.emit(reply.case, ThreadEvent.Kind.REPLY_CHANGED, reply=reply)
    return reply


@transaction.atomic
def delete_reply(reply: Reply, *, by: User) -> None:
    lock_post(reply)
    check_is_author(by, reply)
    _tombstone_reply(reply)


def _tombstone_reply(reply: Reply) -> None:
    if reply.is_published:
        _count_published_reply(reply.case, -1)
    reply.body = reply.body_html = reply.coi_disclosure = ""
    reply.held_justification = ""
    reply.held_findings = []
    reply.helpful_at = None
    reply.state = PostState.DELETED
    reply.deleted_at = timezone.now()
    reply.save()
    reply.revisions.all().delete()
    queue.forget_target(reply)
    _keep_review_current(reply)
    upload_actions.delete_uploads(Upload.objects.filter(reply=reply))
    events.emit(reply.case, ThreadEvent.Kind.REPLY_CHANGED, reply=reply)


@transaction.atomic
def mark_helpful(reply: Reply, *, by: User, helpful: bool = True) -> None:
    """The case author's mark. A case with a helpful reply counts as answered."""
    check_can_mark_helpful(by, reply)
    reply.helpful_at = timezone.now() if helpful else None
    reply.save(update_fields=["helpful_at"])
    case = reply.case
    if case.status != Case.Status.OUTCOME:
        answered = case.replies.filter(helpful_at__isnull=False).exists()
        case.status = Case.Status.ANSWERED if answered else Case.Status.OPEN
        case.save(update_fields=["status"])
    events.emit(case, ThreadEvent.Kind.REPLY_CHANGED, reply=reply)


def follow(case: Case, *, user: User) -> None:
    Follow.objects.get_or_create(user=user, case=case)


def unfollow(case: Case, *, user: User) -> None:
    Follow.objects.filter(user=user, case=case).delete()


def _notify_followers(
    case: Case, *, kind: str, actor: User, reply: Reply | None = None
) -> list[Notification]:
    followers = (
        Follow.objects.filter(case=case, user__in=User.objects.verified())
        .exclude(user=actor)
        .values_list("user_id", flat=True)
    )
    created = Notification.objects.bulk_create(
        Notification(user_id=user_id, case=case, reply=reply, kind=kind) for user_id in followers
    )
    for notification in created:
        broadcast.notify_user(notification.user_id, {"type": "notify"})
    return created


def notify_author(user: User | None, case: Case, message: str) -> None:
    """Tell a member, in the app, what a moderator decided about their content and why."""
    if user is not None:
        Notification.objects.create(
            user=user, case=case, kind=Notification.Kind.MODERATION, message=message
        )
        broadcast.notify_user(user.pk, {"type": "notify"})


def mark_notifications_read(user: User) -> int:
    return Notification.objects.filter(user=user).unread().update(read_at=timezone.now())


# Erasure (privacy/erasure.delete_own_account) --------------------------------------------


def anonymise_posts_of(user: User) -> None:
    """Leave the member's posts in place as by "former member", their edit history too."""
    Case.objects.filter(author=user).update(author=None)
    Reply.objects.filter(author=user).update(author=None)
    Revision.objects.filter(edited_by=user).update(edited_by=None)


def delete_posts_of(user: User) -> None:
    """Tombstone every post of the member: text, outcomes and edit history gone."""
    # Each post locked and re-read first, as the author's own deletion does: a concurrent
    # edit, flag or decision is seen, and one already deleted is not counted twice.
    for case in Case.objects.filter(author=user).exclude(state=PostState.DELETED):
        lock_post(case)
        if not case.is_deleted:
            _tombstone_case(case)
    for reply in Reply.objects.filter(author=user).exclude(state=PostState.DELETED):
        lock_post(reply)
        if not reply.is_deleted:
            _tombstone_reply(reply)
    anonymise_posts_of(user)


# Moderation of posts (moderation/actions.py decides; these change the posts) -----------


def image_approved(upload: Upload) -> None:
    """An approved image appears on its thread, live."""
    events.emit(upload.the_case, ThreadEvent.Kind.IMAGE, reply=upload.reply)


def _emit_changed(post: Post) -> None:
    if isinstance(post, Reply):
        events.emit(post.case, ThreadEvent.Kind.REPLY_CHANGED, reply=post)
    else:
        events.emit(_case_of(post), ThreadEvent.Kind.CASE_CHANGED)


def _case_of(post: Post) -> Case:
    return post if isinstance(post, Case) else post.case


# Moderation of posts: moderation/actions.py decides, records, closes the item and tells the
# author; these only change the posts.


def publish_held(post: Post, *, by: User) -> None:
    """A moderator found the held post fine: it appears, followers hear of it."""
    case = _case_of(post)
    post.state = PostState.PUBLISHED
    post.save(update_fields=["state"])
    now = timezone.now()
    if isinstance(post, Case):
        _reindex(post)
        events.emit(case, ThreadEvent.Kind.CASE_CHANGED)
    elif isinstance(post, Outcome):
        _outcome_appeared(post, by=by, now=now)
        events.emit(case, ThreadEvent.Kind.CASE_CHANGED)
    else:
        _count_published_reply(case, +1, now=now)
        _notify_followers(case, kind=Notification.Kind.REPLY, actor=by, reply=post)
        events.emit(case, ThreadEvent.Kind.REPLY, reply=post)


def return_to_author(post: Post, *, reason: str) -> None:
    """Back to its author with the reason; they edit it and it goes through the screen again."""
    post.state = PostState.RETURNED
    post.moderation_reason = reason
    post.save(update_fields=["state", "moderation_reason"])
    _emit_changed(post)


def hide_post(post: Post, *, by: User | None, reason: str, pending: bool = False) -> None:
    """A tombstone with the reason in place of the post. `pending`: hidden by flags until a
    moderator looks (dismissing the flags reverts only such a hide)."""
    was_published = post.is_published
    post.state = PostState.HIDDEN
    post.moderation_reason = reason
    post.hidden_by = None if pending else by
    post.hidden_pending = pending
    post.save(update_fields=["state", "moderation_reason", "hidden_by", "hidden_pending"])
    if isinstance(post, Reply) and was_published:
        _count_published_reply(post.case, -1)
    if isinstance(post, Outcome):
        _reindex(post.case)  # search no longer finds the hidden outcome's words
    _emit_changed(post)


def restore_post(post: Post) -> None:
    """Undo a hide pending review (the flags were dismissed). A moderator's deliberate hide
    stays: dismissing flags never reverts another moderator's decision (unhide_post does,
    when a moderator says so)."""
    if post.state != PostState.HIDDEN or not post.hidden_pending:
        return
    unhide_post(post)


def unhide_post(post: Post) -> None:
    """The post is shown again, as it was before it was hidden."""
    post.state = PostState.PUBLISHED
    post.hidden_by = None
    post.moderation_reason = ""
    post.hidden_pending = False
    post.save(update_fields=["state", "moderation_reason", "hidden_by", "hidden_pending"])
    if isinstance(post, Reply):
        _count_published_reply(post.case, +1)
    if isinstance(post, Outcome):
        _reindex(post.case)
    _emit_changed(post)


def lock_case(case: Case) -> None:
    case.locked_at = timezone.now()
    case.save(update_fields=["locked_at"])
    events.emit(case, ThreadEvent.Kind.CASE_CHANGED)
