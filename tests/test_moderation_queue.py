"""The review queue: one item per target for every kind, scoped to moderators' specialties,
claims and the optimistic lock, every action on every kind (each writing exactly one audit
entry), flags with auto-hide and a daily limit, and the author always told why."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image

from audit.models import AuditEntry
from forum import actions as forum_actions
from forum.models import Notification, PostState
from members.models import Application
from moderation import actions
from moderation.actions import Conflict, Decision, FlagRefused
from review.models import Flag, ItemEvent, ReviewItem
from uploads import actions as upload_actions
from uploads.models import Upload


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 80, 60)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def vera(make_member, vascular):
    return make_member("Vera Vasquez", specialty=vascular, moderates=(vascular,), mfa=True)


@pytest.fixture
def image_item(alice, alices_case):
    draft = upload_actions.store(alice, jpeg())
    upload_actions.attach([draft], case=alices_case)
    return ReviewItem.objects.get(kind="image")


@pytest.fixture
def held_reply(alices_case, bob):
    return forum_actions.create_reply(
        alices_case,
        author=bob,
        body="Try the Mr Rives approach.",
        justification="Rives is the surgeon who described the sublay repair.",
    )


@pytest.fixture
def flagged_reply(alices_case, make_reply, bob, alice):
    reply = make_reply(alices_case, bob, "Just do what the rep says, it's fine.")
    actions.flag(reply, by=alice, reason=Flag.Reason.UNSAFE, citation="EHS guideline 2023")
    return reply


def item_for(target) -> ReviewItem:
    from django.contrib.contenttypes.models import ContentType

    return ReviewItem.objects.get(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk
    )


def audited(action) -> list[AuditEntry]:
    before = set(AuditEntry.objects.values_list("pk", flat=True))
    action()
    return list(AuditEntry.objects.exclude(pk__in=before))


# Every kind lands in the one queue ---------------------------------------------------------


def test_every_kind_opens_one_item(image_item, held_reply, flagged_reply, make_member):
    applicant = make_member("Ann Applicant", status="applicant")
    from members.actions import submit_application

    application = submit_application(applicant, profile={})
    kinds = sorted(ReviewItem.objects.open().values_list("kind", flat=True))
    assert kinds == ["application", "flagged_post", "held_post", "image"]
    assert item_for(held_reply).evidence["findings"][0]["kind"] == "name"
    assert item_for(application).specialty is None  # admins only


def test_a_second_flag_joins_the_open_item(flagged_reply, make_member):
    chen = make_member("Chen Wei")
    actions.flag(flagged_reply, by=chen, reason=Flag.Reason.UNPROFESSIONAL, note="Tone.")
    item = item_for(flagged_reply)
    assert ReviewItem.objects.filter(kind="flagged_post").count() == 1
    assert [(flag.reporter.display_name, flag.reason) for flag in item.flags.all()] == [
        ("Alice Moreau", "unsafe"),
        ("Chen Wei", "unprofessional"),
    ]
    assert item.flags.first().citation == "EHS guideline 2023"


def test_what_was_flagged_survives_the_authors_edit_and_deletion(flagged_reply, bob):
    forum_actions.edit_reply(flagged_reply, by=bob, body="Edited to look harmless.")
    assert item_for(flagged_reply).evidence["text"]["body"] == "Edited to look harmless."
    forum_actions.delete_reply(flagged_reply, by=bob)
    item = item_for(flagged_reply)
    assert item.is_open
    assert item.evidence["flagged_text"]["body"] == "Just do what the rep says, it's fine."
    assert item.evidence["text"]["body"] == ""  # the post as it is now: a tombstone
    assert item.evidence["author_id"] == bob.pk


# Scope ------------------------------------------------------------------------------------


def test_moderators_see_their_specialties_and_admins_see_all(
    image_item, make_case, bob, vera, dave, erin, client_for, make_member
):
    vascular_case = make_case(bob, specialty=vera.profile.specialty, title="EVAR endoleak")
    actions.flag(vascular_case, by=dave, reason=Flag.Reason.OTHER, note="Duplicate of #3")
    vascular_item = item_for(vascular_case)
    applicant = make_member("Ann Applicant", status="applicant")
    from members.actions import submit_application

    submit_application(applicant, profile={})
    daves = client_for(dave).get("/moderation/")
    assert daves.status_code == 200
    assert [item.pk for item in daves.context["items"]] == [image_item.pk]
    # A hernia moderator cannot see or act on a vascular item.
    assert client_for(dave).get(f"/moderation/items/{vascular_item.pk}/").status_code == 404
    response = client_for(dave).post(
        f"/moderation/items/{vascular_item.pk}/decide/", {"version": 1, "action": "dismiss"}
    )
    assert response.status_code == 404
    veras = client_for(vera).get("/moderation/").context["items"]
    assert [item.pk for item in veras] == [vascular_item.pk]
    erins = client_for(erin).get("/moderation/").context["items"]
    assert {item.kind for item in erins} == {"image", "flagged_post", "application"}


def test_the_queue_counts_kinds_and_shows_the_oldest(image_item, held_reply, client_for, dave):
    response = client_for(dave).get("/moderation/")
    kinds = {value: count for value, _label, count in response.context["kinds"]}
    assert kinds["image"] == 1 and kinds["held_post"] == 1
    assert response.context["total"] == 2
    assert response.context["oldest"] == image_item.opened_at
    assert "oldest under a minute" in response.content.decode()
    ReviewItem.objects.filter(pk=image_item.pk).update(
        opened_at=image_item.opened_at - timedelta(hours=3, minutes=20)
    )
    assert "oldest 3 h 20 min" in client_for(dave).get("/moderation/").content.decode()
    assert [i.pk for i in client_for(dave).get("/moderation/?kind=image").context["items"]] == [
        image_item.pk
    ]


def test_members_are_refused_and_staff_without_mfa_enrol(image_item, client_for, alice, grace):
    assert client_for(alice).get("/moderation/").status_code == 403
    assert client_for(alice).get(f"/moderation/items/{image_item.pk}/").status_code == 403
    assert client_for(grace).get("/moderation/")["Location"] == "/accounts/2fa/"
    assert client_for(alice).get("/moderation/items/999999/").status_code == 403


def test_wrong_methods_and_unknown_items(image_item, client_for, dave):
    client = client_for(dave)
    assert client.get(f"/moderation/items/{image_item.pk}/decide/").status_code == 405
    assert client.post("/moderation/").status_code == 405
    assert client.get("/moderation/items/999999/").status_code == 404


# Claims and the optimistic lock -------------------------------------------------------------


def test_a_claimed_item_cannot_be_decided_by_another(image_item, dave, make_member, hernia):
    other = make_member("Otto Other", moderates=(hernia,), mfa=True)
    actions.claim(image_item, by=dave, version=1)
    image_item.refresh_from_db()
    assert image_item.claimed_by == dave and image_item.version == 2
    with pytest.raises(Conflict, match="has claimed"):
        actions.decide(image_item, by=other, version=2, decision=Decision("approve"))
    image_item.refresh_from_db()
    assert image_item.is_open
    actions.decide(image_item, by=dave, version=image_item.version, decision=Decision("approve"))
    image_item.refresh_from_db()
    assert not image_item.is_open and image_item.decided_by == dave


def test_two_concurrent_decisions_cannot_both_apply(image_item, dave, erin):
    # Both moderators loaded the item at version 1; the second decision must fail.
    actions.decide(image_item, by=dave, version=1, decision=Decision("approve"))
    with pytest.raises((Conflict, Exception)):
        actions.decide(
            image_item,
            by=erin,
            version=1,
            decision=Decision("reject", message="Face visible", reason="face"),
        )
    assert Upload.objects.get().state == Upload.State.APPROVED
    assert AuditEntry.objects.filter(action__startswith="image.").count() == 1


def test_a_stale_form_gets_a_clear_message(image_item, client_for, dave):
    client = client_for(dave)
    client.post(f"/moderation/items/{image_item.pk}/claim/", {"version": 1})
    response = client.post(
        f"/moderation/items/{image_item.pk}/decide/",
        {"version": 1, "action": "approve"},
        follow=True,
    )
    assert "Another moderator changed this item first" in response.content.decode()
    assert Upload.objects.get().state == Upload.State.PENDING


# Every action on every kind, one audit entry each -------------------------------------------


@pytest.mark.parametrize(
    ("decision", "state", "audit"),
    [
        (Decision("approve"), Upload.State.APPROVED, "image.approve"),
        (
            Decision("reject", message="A face is visible.", reason="face"),
            Upload.State.REJECTED,
            "image.reject",
        ),
        (
            Decision("request_new", message="Crop the wristband out.", reason="name"),
            Upload.State.REJECTED,
            "image.reject",
        ),
    ],
)
def test_image_actions(image_item, dave, alice, decision, state, audit):
    entries = audited(lambda: actions.decide(image_item, by=dave, version=1, decision=decision))
    assert [entry.action for entry in entries] == [audit]
    assert Upload.objects.get().state == state
    if decision.message:  # the author is told why, and how to fix it
        told = Notification.objects.get(user=alice, kind="moderation")
        assert decision.message in told.message


def test_held_post_publish(held_reply, alices_case, dave, bob):
    item = item_for(held_reply)
    entries = audited(
        lambda: actions.decide(item, by=dave, version=1, decision=Decision("publish"))
    )
    assert [entry.action for entry in entries] == ["post.publish"]
    held_reply.refresh_from_db()
    alices_case.refresh_from_db()
    assert held_reply.state == PostState.PUBLISHED and alices_case.reply_count == 1
    assert Notification.objects.filter(user=bob, kind="moderation").exists()


def test_held_post_return_and_resubmit(held_reply, dave, bob, client_for):
    item = item_for(held_reply)
    decision = Decision("return", message="Write 'the Rives technique', without 'Mr'.")
    entries = audited(lambda: actions.decide(item, by=dave, version=1, decision=decision))
    assert [entry.action for entry in entries] == ["post.return"]
    held_reply.refresh_from_db()
    assert held_reply.state == PostState.RETURNED
    page = client_for(bob).get(held_reply.case.get_absolute_url()).content.decode()
    assert "without &#x27;Mr&#x27;" in page
    # The author edits; clean text publishes.
    response = client_for(bob).post(
        f"/replies/{held_reply.pk}/edit/", {"body": "Try the Rives technique."}
    )
    assert response.status_code == 302
    held_reply.refresh_from_db()
    assert held_reply.state == PostState.PUBLISHED


@pytest.mark.parametrize(
    ("decision", "audits", "reply_state"),
    [
        (Decision("dismiss", note="Within guidelines."), ["flag.dismiss"], PostState.PUBLISHED),
        (
            Decision("hide", message="Advice contrary to guidelines."),
            ["post.hide"],
            PostState.HIDDEN,
        ),
        (Decision("lock", message="Thread closed: off topic."), ["case.lock"], PostState.PUBLISHED),
        (Decision("warn", message="Please cite evidence."), ["member.warn"], PostState.PUBLISHED),
    ],
)
def test_flagged_post_actions(flagged_reply, dave, bob, decision, audits, reply_state):
    item = item_for(flagged_reply)
    entries = audited(lambda: actions.decide(item, by=dave, version=1, decision=decision))
    assert [entry.action for entry in entries] == audits
    flagged_reply.refresh_from_db()
    assert flagged_reply.state == reply_state
    item.refresh_from_db()
    assert item.decision == decision.action and not item.is_open
    if decision.action == "lock":
        assert flagged_reply.case.locked_at is not None
    if decision.message:
        assert decision.message in Notification.objects.get(user=bob, kind="moderation").message


def test_a_hidden_post_shows_a_tombstone_with_the_reason(flagged_reply, dave, alice, client_for):
    actions.decide(
        item_for(flagged_reply), by=dave, version=1, decision=Decision("hide", message="Unsafe.")
    )
    page = client_for(alice).get(flagged_reply.case.get_absolute_url()).content.decode()
    assert "A moderator hid this reply: Unsafe." in page
    assert "what the rep says" not in page
    assert (
        "what the rep says"
        in client_for(dave).get(flagged_reply.case.get_absolute_url()).content.decode()
    )


def test_a_locked_thread_takes_no_replies(flagged_reply, dave, client_for, alice):
    actions.decide(
        item_for(flagged_reply), by=dave, version=1, decision=Decision("lock", message="Closed.")
    )
    case = flagged_reply.case
    assert (
        client_for(alice).post(f"/cases/{case.pk}/replies/", {"body": "More?"}).status_code == 403
    )
    assert "Post reply" not in client_for(alice).get(case.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("action", "status", "audit"),
    [
        ("approve", Application.Status.APPROVED, "application.approve"),
        ("reject", Application.Status.REJECTED, "application.reject"),
        ("more_info", Application.Status.MORE_INFO, "application.request_more_information"),
    ],
)
def test_application_actions(carol, erin, dave, action, status, audit, mailoutbox):
    from members.actions import submit_application

    carol.application.delete()
    application = submit_application(carol, profile={})
    item = item_for(application)
    with pytest.raises(Exception):  # noqa: B017 (a moderator is refused: 404)
        actions.decide(item, by=dave, version=1, decision=Decision(action, message="Noted."))
    entries = audited(
        lambda: actions.decide(
            item, by=erin, version=1, decision=Decision(action, message="Noted.")
        )
    )
    assert len(entries) == 1 and entries[0].action.startswith("application.")
    application.refresh_from_db()
    assert application.status == status
    item.refresh_from_db()
    assert not item.is_open


def test_a_decision_that_needs_words_refuses_without_them(image_item, dave):
    with pytest.raises(ValueError, match="why"):
        actions.decide(image_item, by=dave, version=1, decision=Decision("reject", reason="face"))
    image_item.refresh_from_db()
    assert image_item.is_open and image_item.version == 1


def test_claim_release_and_notes_are_audited_once_each(image_item, dave):
    assert [e.action for e in audited(lambda: actions.claim(image_item, by=dave, version=1))] == [
        "item.claim"
    ]
    assert [e.action for e in audited(lambda: actions.release(image_item, by=dave, version=2))] == [
        "item.release"
    ]
    assert [
        e.action for e in audited(lambda: actions.add_note(image_item, by=dave, note="Looks fine"))
    ] == ["item.note"]
    history = [event.action for event in ItemEvent.objects.filter(item=image_item)]
    assert history == ["opened", "claim", "release", "note"]


def test_the_item_page_shows_history_flags_and_evidence(flagged_reply, client_for, dave):
    item = item_for(flagged_reply)
    actions.add_note(item, by=dave, note="Checking the guideline.")
    page = client_for(dave).get(f"/moderation/items/{item.pk}/").content.decode()
    assert "Just do what the rep says" in page
    assert "EHS guideline 2023" in page and "Checking the guideline." in page
    # In words a moderator reads: the field's name on the form, who wrote it, what happened.
    assert "<dt>Reply</dt>" in page and "<dt>body</dt>" not in page
    assert (
        f'written by <span class="member-name"><a href="/members/{flagged_reply.author_id}/"'
        in page
    )
    history = page[page.index('class="history"') :]
    assert "<strong>flagged</strong>" in history and "<strong>added a note</strong>" in history
    assert f"<strong>flagged</strong> ({Flag.Reason.UNSAFE.label})" in history


# Flags --------------------------------------------------------------------------------------


def test_two_identifier_flags_hide_the_post_pending_review(
    alices_case, make_reply, bob, alice, make_member, client_for
):
    reply = make_reply(alices_case, bob, "Her name was on the wristband.")
    actions.flag(reply, by=alice, reason=Flag.Reason.IDENTIFIER)
    reply.refresh_from_db()
    assert reply.state == PostState.PUBLISHED
    chen = make_member("Chen Wei")
    actions.flag(reply, by=chen, reason=Flag.Reason.IDENTIFIER)
    reply.refresh_from_db()
    assert reply.state == PostState.HIDDEN
    assert AuditEntry.objects.filter(action="post.auto_hide", target_id=reply.pk).count() == 1
    # Dismissing the flags brings it back.
    actions.decide(
        item_for(reply),
        by=make_member("Mo Derator", moderates=(alices_case.specialty,), mfa=True),
        version=1,
        decision=Decision("dismiss"),
    )
    reply.refresh_from_db()
    assert reply.state == PostState.PUBLISHED


def test_one_moderator_identifier_flag_hides_at_once(alices_case, make_reply, bob, dave):
    reply = make_reply(alices_case, bob, "The MRN is on the screenshot.")
    actions.flag(reply, by=dave, reason=Flag.Reason.IDENTIFIER)
    reply.refresh_from_db()
    assert reply.state == PostState.HIDDEN


def test_flags_are_limited_per_day(alices_case, make_reply, bob, alice, settings):
    settings.SCRUBROOM_FLAGS_PER_DAY = 2
    replies = [make_reply(alices_case, bob, f"Reply {n}") for n in range(3)]
    actions.flag(replies[0], by=alice, reason=Flag.Reason.OTHER)
    actions.flag(replies[1], by=alice, reason=Flag.Reason.OTHER)
    with pytest.raises(FlagRefused, match="daily limit"):
        actions.flag(replies[2], by=alice, reason=Flag.Reason.OTHER)
    assert Flag.objects.count() == 2


def test_no_flagging_own_posts_or_twice(alices_case, make_reply, bob, alice):
    reply = make_reply(alices_case, bob, "x")
    with pytest.raises(FlagRefused, match="your own"):
        actions.flag(reply, by=bob, reason=Flag.Reason.OTHER)
    actions.flag(reply, by=alice, reason=Flag.Reason.OTHER)
    with pytest.raises(FlagRefused, match="already"):
        actions.flag(reply, by=alice, reason=Flag.Reason.OTHER)


def test_flagging_through_the_page(alices_case, make_reply, bob, alice, client_for):
    reply = make_reply(alices_case, bob, "Questionable")
    page = client_for(alice).get(alices_case.get_absolute_url()).content.decode()
    assert f'action="/replies/{reply.pk}/flag/"' in page
    response = client_for(alice).post(
        f"/replies/{reply.pk}/flag/", {"reason": "unprofessional", "note": "Rude"}, follow=True
    )
    assert "A moderator will look at it." in response.content.decode()
    assert Flag.objects.get().note == "Rude"
    assert client_for(alice).get(f"/replies/{reply.pk}/flag/").status_code == 405


def test_review_items_keep_their_audit_name_after_leaving_the_moderation_app(image_item, dave):
    # Entries written before the model moved say "moderation.reviewitem"; so must every later
    # one, or one item's history would be split across two names in a log that is never
    # rewritten.
    [entry] = audited(lambda: actions.claim(image_item, by=dave, version=1))
    assert (entry.target_type, entry.target_id) == ("moderation.reviewitem", image_item.pk)


def test_approving_an_image_from_the_queue_shows_it_on_the_thread_live(image_item, dave):
    from forum.models import ThreadEvent

    upload = image_item.target
    actions.decide(image_item, by=dave, version=1, decision=Decision("approve"))
    event = ThreadEvent.objects.filter(case=upload.case).latest("pk")
    assert (event.kind, event.reply_id) == (ThreadEvent.Kind.IMAGE, None)


def test_rejecting_an_image_on_the_thread_page_tells_the_author_why(
    image_item, client_for, dave, alice
):
    upload = image_item.target
    response = client_for(dave).post(
        f"/uploads/{upload.pk}/reject/",
        {"reason": "face", "note": "Crop the face out.", "version": image_item.version},
    )
    assert response.status_code == 302
    upload.refresh_from_db()
    assert upload.state == Upload.State.REJECTED
    notice = Notification.objects.get(user=alice, kind=Notification.Kind.MODERATION)
    assert "An identifiable face" in notice.message and "Crop the face out." in notice.message


def test_image_verbs_refuse_a_moderator_without_a_second_factor(image_item, grace):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.decide(image_item, by=grace, version=1, decision=Decision("approve"))
    with pytest.raises(PermissionDenied):
        actions.decide(image_item, by=grace, version=1, decision=Decision("reject", reason="face"))
    assert image_item.target.state == Upload.State.PENDING
