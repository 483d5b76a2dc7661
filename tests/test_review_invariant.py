"""The review queue's invariant, over every state combination the real verbs can reach
(issue 16): every held, flagged or pending thing has exactly one open item, findable in the
queue by the moderators who may decide it, and every open item's actions fit its target.

Random walks (seeded, so a failure replays) of members posting, editing, moving, deleting,
flagging and uploading, and moderators deciding, with the invariant checked after each step.
"""

from __future__ import annotations

import io
import random

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from PIL import Image

from forum import actions as forum_actions
from forum.models import Case, Outcome, PostState, Reply
from members.models import User
from moderation import actions
from moderation.actions import Conflict, Decision, FlagRefused
from review.models import ReviewItem
from tests.conftest import CASE_DATA
from uploads import actions as upload_actions
from uploads.models import Upload

CLEAN = "Mesh repair went well; no seroma at six weeks."
HELD = "Seen by Mr Hartmann on the ward after the repair."
EXPECTED = (
    PermissionDenied,
    Http404,
    Conflict,
    FlagRefused,
    ValueError,
    forum_actions.IdentifiersFound,
)


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (48, 32), (120, 90, 70)).save(out, "JPEG")
    return out.getvalue()


def case_of(target) -> Case:
    if isinstance(target, Case):
        return target
    if isinstance(target, Upload):
        return target.the_case
    return target.case


def check_invariant(moderators: dict[int, User], admin: User) -> None:
    open_items = list(ReviewItem.objects.open())
    by_target = {}
    for item in open_items:
        key = (item.target_type_id, item.target_id)
        assert key not in by_target, f"two open items for {key}"
        by_target[key] = item

    def item_of(target) -> ReviewItem | None:
        return by_target.get((ContentType.objects.get_for_model(target).pk, target.pk))

    # Everything that waits has its one item, of the kind that decides it.
    for model in (Case, Reply, Outcome):
        for post in model.objects.filter(state=PostState.HELD):
            item = item_of(post)
            assert item is not None, f"held {post!r} has no open item"
            assert item.kind == ReviewItem.Kind.HELD_POST, (post, item.kind)
        for post in model.objects.filter(state=PostState.HIDDEN, hidden_pending=True):
            item = item_of(post)
            assert item is not None and item.kind == ReviewItem.Kind.FLAGGED_POST, post
    for upload in Upload.objects.filter(state=Upload.State.PENDING):
        item = item_of(upload)
        assert item is not None and item.kind == ReviewItem.Kind.IMAGE, upload

    # Every open item fits its target, and its specialty's moderators find it.
    for item in open_items:
        if item.kind == ReviewItem.Kind.APPLICATION:
            continue
        target = item.target
        if item.kind == ReviewItem.Kind.HELD_POST:
            assert target.state == PostState.HELD, (item, target.state)
        elif item.kind == ReviewItem.Kind.FLAGGED_POST:
            assert item.flags.exists(), item
            if target.state == PostState.DELETED:  # the author deleted it since
                assert actions.actions_for(item, target) == ("dismiss", "warn")
            else:
                assert target.state in {PostState.PUBLISHED, PostState.HIDDEN}, (item, target)
        elif item.kind == ReviewItem.Kind.IMAGE:
            assert target.state == Upload.State.PENDING, (item, target.state)
        specialty_id = case_of(target).specialty_id
        assert item.specialty_id == specialty_id, (item, item.specialty_id, specialty_id)
        assert ReviewItem.objects.open().for_moderator(moderators[specialty_id]).contains(item)
        assert ReviewItem.objects.open().for_moderator(admin).contains(item)
        assert set(actions.actions_for(item, target)) <= set(actions.ACTION_LABELS)


class Walk:
    def __init__(self, rng: random.Random, members, moderators, admin, specialties):
        self.rng = rng
        self.members = members
        self.moderators = moderators
        self.admin = admin
        self.specialties = specialties

    def text(self) -> tuple[str, str]:
        if self.rng.random() < 0.5:
            return HELD, "Hartmann is the eponym of the procedure."
        return CLEAN, ""

    def pick(self, queryset):
        rows = list(queryset)
        return self.rng.choice(rows) if rows else None

    def step(self) -> None:
        rng = self.rng
        who = rng.choice(self.members)
        operation = rng.choice(
            [
                "case",
                "reply",
                "reply",
                "outcome",
                "edit_case",
                "edit_reply",
                "delete",
                "flag",
                "flag",
                "image",
                "decide",
                "decide",
                "decide",
            ]
        )
        try:
            with transaction.atomic():
                getattr(self, operation)(who)
        except EXPECTED:
            pass  # refused with a reason, as the page would say: nothing changed

    def case(self, who) -> None:
        body, why = self.text()
        forum_actions.create_case(
            who,
            specialty=self.rng.choice(self.specialties),
            data={**CASE_DATA, "presentation": body},
            tags=[],
            justification=why,
        )

    def reply(self, who) -> None:
        case = self.pick(Case.objects.filter(state=PostState.PUBLISHED, locked_at__isnull=True))
        if case is not None:
            body, why = self.text()
            forum_actions.create_reply(case, author=who, body=body, justification=why)

    def outcome(self, who) -> None:
        case = self.pick(Case.objects.filter(author=who).exclude(state=PostState.DELETED))
        if case is not None:
            body, why = self.text()
            forum_actions.post_outcome(case, by=who, text=body, justification=why)

    def edit_case(self, who) -> None:
        case = self.pick(Case.objects.filter(author=who).exclude(state=PostState.DELETED))
        if case is not None:
            body, why = self.text()
            forum_actions.edit_case(
                case,
                by=who,
                specialty=self.rng.choice(self.specialties),  # sometimes a move
                data={**CASE_DATA, "presentation": body},
                tags=[],
                justification=why,
            )

    def edit_reply(self, who) -> None:
        reply = self.pick(Reply.objects.filter(author=who).exclude(state=PostState.DELETED))
        if reply is not None:
            body, why = self.text()
            forum_actions.edit_reply(reply, by=who, body=body, justification=why)

    def delete(self, who) -> None:
        if self.rng.random() < 0.3:
            case = self.pick(Case.objects.filter(author=who).exclude(state=PostState.DELETED))
            if case is not None:
                forum_actions.delete_case(case, by=who)
        else:
            reply = self.pick(Reply.objects.filter(author=who).exclude(state=PostState.DELETED))
            if reply is not None:
                forum_actions.delete_reply(reply, by=who)

    def flag(self, who) -> None:
        model = self.rng.choice([Case, Reply, Outcome])
        post = self.pick(model.objects.filter(state__in=[PostState.PUBLISHED, PostState.HIDDEN]))
        if post is not None:
            reason = self.rng.choice(["identifier", "unprofessional", "unsafe"])
            actions.flag(post, by=who, reason=reason)

    def image(self, who) -> None:
        case = self.pick(Case.objects.filter(state=PostState.PUBLISHED, locked_at__isnull=True))
        if case is not None:
            draft = upload_actions.store(who, jpeg())
            forum_actions.create_reply(case, author=who, body=CLEAN, images=[draft])

    def decide(self, who) -> None:
        item = self.pick(ReviewItem.objects.open().exclude(kind=ReviewItem.Kind.APPLICATION))
        if item is None:
            return
        by = self.rng.choice([self.moderators[item.specialty_id], self.admin])
        action = self.rng.choice(actions.ACTIONS[item.kind])  # sometimes no longer fitting
        actions.decide(
            item,
            by=by,
            version=item.version,
            decision=Decision(action, message="Why, and how to fix it.", reason="name"),
        )


@pytest.mark.parametrize("seed", range(12))
def test_the_queue_invariant_holds_after_every_step(
    seed, make_member, alice, bob, dave, erin, hernia, vascular
):
    victor = make_member("Victor Vascular", specialty=vascular, moderates=(vascular,), mfa=True)
    moderators = {hernia.pk: dave, vascular.pk: victor}
    # Moderators post too: their own content must go to someone else.
    rng = random.Random(seed)  # noqa: S311 (a replayable walk, not a secret)
    walk = Walk(rng, [alice, bob, dave], moderators, erin, [hernia, vascular])
    for author in (alice, bob):  # something to reply to, flag and edit from the start
        walk.case(author)
    for _ in range(50):
        walk.step()
        check_invariant(moderators, erin)
    # The walk reached the states the invariant is about.
    assert ReviewItem.objects.exists()


COMBINATIONS = [
    (case, outcome, reply, image, flags)
    for case in ("clean", "held")
    for outcome in ("none", "clean", "held")
    for reply in ("none", "clean", "held")
    for image in ("none", "pending")
    for flags in ("none", "case", "outcome", "reply")
]


@pytest.mark.parametrize(("case", "outcome", "reply", "image", "flags"), COMBINATIONS)
def test_every_combination_waits_in_its_own_items_until_each_is_decided(
    case, outcome, reply, image, flags, alice, bob, dave, erin, hernia, make_member, vascular
):
    """Each combination of a case, its outcome, a reply, an image and a flag, built by the
    real verbs: the invariant holds when built, and after each item is decided in turn (the
    first action each offers), until nothing waits."""
    victor = make_member("Victor Vascular", specialty=vascular, moderates=(vascular,), mfa=True)
    moderators = {hernia.pk: dave, vascular.pk: victor}
    words = {"clean": (CLEAN, ""), "held": (HELD, "Hartmann is an eponym.")}
    body, why = words[case]
    made = forum_actions.create_case(
        alice,
        specialty=hernia,
        data={**CASE_DATA, "presentation": body},
        tags=[],
        justification=why,
    )
    if outcome != "none":
        forum_actions.post_outcome(
            made, by=alice, text=words[outcome][0], justification=words[outcome][1]
        )
    if made.is_published and (reply != "none" or image != "none"):
        images = [upload_actions.store(bob, jpeg())] if image == "pending" else []
        text, reason = words.get(reply, (CLEAN, ""))
        forum_actions.create_reply(made, author=bob, body=text, justification=reason, images=images)
    flagged = {
        "case": made,
        "outcome": Outcome.objects.filter(case=made).first(),
        "reply": Reply.objects.filter(case=made).first(),
    }.get(flags)
    if flagged is not None and flagged.state in {PostState.PUBLISHED, PostState.HIDDEN}:
        reporter = bob if flagged.author_id == alice.pk else alice
        actions.flag(flagged, by=reporter, reason="unprofessional")
    check_invariant(moderators, erin)
    for _ in range(10):  # each decision may reveal no new item; ten is more than enough
        item = ReviewItem.objects.open().first()
        if item is None:
            break
        action = actions.actions_for(item, item.target)[0]
        actions.decide(
            item,
            by=moderators[item.specialty_id],
            version=item.version,
            decision=Decision(action, message="Why, and how to fix it."),
        )
        check_invariant(moderators, erin)
    assert not ReviewItem.objects.open().exists()
