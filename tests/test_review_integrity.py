"""What a moderator approved is exactly what members see (issue 16, first part): an edit of
content under review refreshes its item and moves its version on, so a decision taken on the
text before is refused; a deleted held post leaves nothing of itself in the queue; edits and
deletions lock and re-read the post, so a stale copy can neither resurrect nor unhide it."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.http import Http404

from forum import actions as forum_actions
from forum.models import Case, Outcome, PostState, Reply
from moderation import actions
from moderation.actions import Conflict, Decision
from review.models import Flag, ItemEvent, ReviewItem
from tests.conftest import CASE_DATA

SWAPPED_IN = "Mr John Smith, NHS number 943 476 5919, came back on 12 March."
CHANGED = "The post changed since you opened it"


def item_for(target) -> ReviewItem:
    return ReviewItem.objects.get(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk
    )


@pytest.fixture
def held_reply(alices_case, bob) -> Reply:
    return forum_actions.create_reply(
        alices_case,
        author=bob,
        body="Try the Mr Rives approach.",
        justification="Rives is the surgeon who described the sublay repair.",
    )


def test_a_held_reply_swapped_after_review_is_not_published_over_http(
    held_reply, client_for, bob, dave
):
    item = item_for(held_reply)
    assert item.version == 1
    # The author swaps identifiers in, with a reason, while the item is open.
    edited = client_for(bob).post(
        f"/replies/{held_reply.pk}/edit/",
        {"body": SWAPPED_IN, "coi_disclosure": "", "justification": "All invented."},
    )
    assert edited.status_code == 302
    item.refresh_from_db()
    assert item.version == 2 and item.content_version == 2
    assert item.evidence["text"]["body"] == SWAPPED_IN  # the moderator sees the new text
    assert ItemEvent.objects.filter(item=item, action="edited").exists()
    # A moderator who opened version 1 publishes: refused, with the reason.
    moderator = client_for(dave)
    response = moderator.post(
        f"/moderation/items/{item.pk}/decide/", {"version": 1, "action": "publish"}
    )
    assert response.status_code == 302
    assert any(CHANGED in str(m) for m in get_messages(response.wsgi_request))
    held_reply.refresh_from_db()
    assert held_reply.state == PostState.HELD
    # Decided on what it says now, it publishes exactly that.
    moderator.post(
        f"/moderation/items/{item.pk}/decide/",
        {"version": 2, "action": "return", "message": "Remove the name."},
    )
    held_reply.refresh_from_db()
    assert held_reply.state == PostState.RETURNED
    assert held_reply.body == item.evidence["text"]["body"]


HELD_CASE = {**CASE_DATA, "presentation": "Mrs Jones, 72, third recurrence."}
ITS_REASON = "Jones is the hernia's eponym here."


@pytest.fixture
def held_case(alice, hernia) -> Case:
    return forum_actions.create_case(
        alice, specialty=hernia, data=HELD_CASE, justification=ITS_REASON
    )


def test_a_held_case_edited_during_review_needs_a_decision_on_the_new_text(held_case, alice, dave):
    case = held_case
    item = item_for(case)
    forum_actions.edit_case(
        case,
        by=alice,
        data={**CASE_DATA, "presentation": SWAPPED_IN},
        justification="Invented.",
    )
    with pytest.raises(Conflict, match=CHANGED):
        actions.decide(item, by=dave, version=1, decision=Decision("publish"))
    assert Case.objects.get(pk=case.pk).state == PostState.HELD
    item.refresh_from_db()
    assert item.evidence["text"]["presentation"] == SWAPPED_IN
    actions.decide(item, by=dave, version=item.version, decision=Decision("publish"))
    assert (
        Case.objects.get(pk=case.pk).presentation
        == SWAPPED_IN
        == item.evidence["text"]["presentation"]
    )


def test_a_held_outcome_rewritten_during_review_needs_a_decision_on_the_new_text(
    alices_case, alice, dave
):
    outcome = forum_actions.post_outcome(
        alices_case, by=alice, text="Seen by Mr Hartmann on the ward.", justification="An eponym."
    )
    item = item_for(outcome)
    forum_actions.post_outcome(alices_case, by=alice, text=SWAPPED_IN, justification="Invented.")
    with pytest.raises(Conflict, match=CHANGED):
        actions.decide(item, by=dave, version=1, decision=Decision("publish"))
    assert Outcome.objects.get(pk=outcome.pk).state == PostState.HELD
    item.refresh_from_db()
    assert item.evidence["text"]["body"] == SWAPPED_IN
    actions.decide(item, by=dave, version=item.version, decision=Decision("publish"))
    outcome.refresh_from_db()
    assert (outcome.state, outcome.body) == (PostState.PUBLISHED, SWAPPED_IN)


def test_a_held_outcome_rewritten_clean_still_waits_for_its_moderator(alices_case, alice):
    outcome = forum_actions.post_outcome(
        alices_case, by=alice, text="Seen by Mr Hartmann on the ward.", justification="An eponym."
    )
    forum_actions.post_outcome(alices_case, by=alice, text="Recovered well; no recurrence.")
    assert Outcome.objects.get(pk=outcome.pk).state == PostState.HELD
    assert item_for(outcome).is_open


# Defect 2: an outcome is a post of its own, with its own item -----------------------------


def test_a_held_case_and_its_held_outcome_each_wait_in_their_own_item(held_case, alice, dave):
    outcome = forum_actions.post_outcome(
        held_case, by=alice, text="Mrs Jones recovered.", justification="The same eponym."
    )
    case_item, outcome_item = item_for(held_case), item_for(outcome)
    assert case_item.pk != outcome_item.pk and case_item.is_open and outcome_item.is_open
    assert "Mrs Jones recovered." not in str(case_item.evidence["text"])
    assert outcome_item.evidence["text"] == {"body": "Mrs Jones recovered."}
    # Publishing the case leaves the outcome waiting, findable in the queue.
    actions.decide(case_item, by=dave, version=case_item.version, decision=Decision("publish"))
    case = Case.objects.get(pk=held_case.pk)
    assert (case.state, case.follow_up.state) == (PostState.PUBLISHED, PostState.HELD)
    assert list(ReviewItem.objects.open().for_moderator(dave)) == [outcome_item]
    actions.decide(
        outcome_item, by=dave, version=outcome_item.version, decision=Decision("publish")
    )
    assert Outcome.objects.get(pk=outcome.pk).is_published
    assert not ReviewItem.objects.open().exists()


def test_a_flag_on_a_case_whose_outcome_is_held_gets_the_flag_actions(
    alices_case, alice, bob, dave
):
    outcome = forum_actions.post_outcome(
        alices_case, by=alice, text="Seen by Mr Hartmann on the ward.", justification="An eponym."
    )
    actions.flag(alices_case, by=bob, reason=Flag.Reason.UNPROFESSIONAL)
    flagged = item_for(alices_case)
    assert flagged.kind == ReviewItem.Kind.FLAGGED_POST and flagged.pk != item_for(outcome).pk
    assert actions.ACTIONS[flagged.kind] == ("dismiss", "hide", "lock", "warn")
    actions.decide(
        flagged, by=dave, version=flagged.version, decision=Decision("hide", message="Tone.")
    )
    assert Case.objects.get(pk=alices_case.pk).is_hidden
    assert item_for(outcome).is_open  # the outcome still waits for its own decision


def test_an_outcome_can_be_flagged_and_hidden_on_its_own(alices_case, alice, bob, client_for, dave):
    outcome = forum_actions.post_outcome(alices_case, by=alice, text="Recovered; see the scan.")
    response = client_for(bob).post(
        f"/cases/{alices_case.pk}/outcome/flag/", {"reason": Flag.Reason.UNSAFE}
    )
    assert response.status_code == 302
    item = item_for(outcome)
    assert item.kind == ReviewItem.Kind.FLAGGED_POST
    actions.decide(
        item, by=dave, version=item.version, decision=Decision("hide", message="Unsafe.")
    )
    outcome.refresh_from_db()
    case = Case.objects.get(pk=alices_case.pk)
    assert outcome.is_hidden and case.is_published
    page = client_for(bob).get(f"/cases/{alices_case.pk}/").content.decode()
    assert "Recovered; see the scan." not in page and "A moderator hid this outcome" in page
    assert "see the scan" not in case.search_text
    # Its author may not rewrite a hidden outcome back into view.
    assert (
        client_for(alice).post(f"/cases/{alices_case.pk}/outcome/", {"outcome": "x"}).status_code
        == 403
    )


def test_a_returned_outcome_goes_back_to_the_case_author_only(
    alices_case, alice, bob, client_for, dave
):
    outcome = forum_actions.post_outcome(
        alices_case, by=alice, text="Seen by Mr Hartmann on the ward.", justification="An eponym."
    )
    item = item_for(outcome)
    actions.decide(
        item, by=dave, version=item.version, decision=Decision("return", message="Drop the name.")
    )
    outcome.refresh_from_db()
    assert outcome.is_returned and Case.objects.get(pk=alices_case.pk).is_published
    assert "Drop the name." in client_for(alice).get(f"/cases/{alices_case.pk}/").content.decode()
    assert "Hartmann" not in client_for(bob).get(f"/cases/{alices_case.pk}/").content.decode()
    forum_actions.post_outcome(alices_case, by=alice, text="Recovered well.")
    outcome.refresh_from_db()
    assert outcome.is_published


def test_deleting_a_case_withdraws_its_held_outcome(alices_case, alice):
    outcome = forum_actions.post_outcome(
        alices_case, by=alice, text="Seen by Mr Hartmann on the ward.", justification="An eponym."
    )
    forum_actions.delete_case(alices_case, by=alice)
    item = item_for(outcome)
    outcome.refresh_from_db()
    assert not item.is_open and item.decision == "withdrawn"
    assert "Hartmann" not in str(item.evidence) and outcome.body == "" and outcome.is_deleted


def test_moving_a_case_moves_its_outcome_item(alices_case, alice, vascular):
    outcome = forum_actions.post_outcome(
        alices_case, by=alice, text="Seen by Mr Hartmann on the ward.", justification="An eponym."
    )
    forum_actions.edit_case(
        alices_case, by=alice, specialty=vascular, data=dict(CASE_DATA), tags=[]
    )
    assert item_for(outcome).specialty == vascular


def test_a_flagged_post_edited_while_flagged_needs_a_decision_on_the_new_text(
    alices_case, make_reply, bob, alice, dave
):
    reply = make_reply(alices_case, bob, "Just do what the rep says, it's fine.")
    actions.flag(reply, by=alice, reason=Flag.Reason.UNSAFE)
    item = item_for(reply)
    forum_actions.edit_reply(reply, by=bob, body="A harmless rewording, for now.")
    for decision in (Decision("dismiss"), Decision("hide", message="Unsafe advice.")):
        with pytest.raises(Conflict, match=CHANGED):
            actions.decide(item, by=dave, version=1, decision=decision)
    item.refresh_from_db()
    assert item.evidence["text"]["body"] == "A harmless rewording, for now."
    assert item.evidence["flagged_text"]["body"] == "Just do what the rep says, it's fine."


def test_a_flagged_post_edited_into_a_held_one_is_asked_publish_or_return(
    alices_case, make_reply, bob, alice
):
    reply = make_reply(alices_case, bob, "Just do what the rep says, it's fine.")
    actions.flag(reply, by=alice, reason=Flag.Reason.UNSAFE)
    forum_actions.edit_reply(reply, by=bob, body=SWAPPED_IN, justification="Invented.")
    item = item_for(reply)
    # "Dismiss" would put unreviewed, held text back in the thread.
    assert item.kind == ReviewItem.Kind.HELD_POST
    assert actions.ACTIONS[item.kind] == ("publish", "return")


def test_editing_a_flagged_post_into_a_held_one_then_deleting_it_keeps_the_flags(
    alices_case, make_reply, bob, alice
):
    reply = make_reply(alices_case, bob, "Just do what the rep says, it's fine.")
    actions.flag(reply, by=alice, reason=Flag.Reason.UNSAFE)
    forum_actions.edit_reply(reply, by=bob, body=SWAPPED_IN, justification="Invented.")
    forum_actions.delete_reply(reply, by=bob)
    item = item_for(reply)
    assert item.is_open and item.flags.count() == 1
    assert item.evidence["flagged_text"]["body"] == "Just do what the rep says, it's fine."
    # Nothing held any more: the item asks the flags' questions again, those that fit.
    assert item.kind == ReviewItem.Kind.FLAGGED_POST


def test_a_flagged_post_its_author_deleted_can_only_be_dismissed_or_warned(
    alices_case, make_reply, bob, alice, dave
):
    reply = make_reply(alices_case, bob, "Just do what the rep says, it's fine.")
    actions.flag(reply, by=alice, reason=Flag.Reason.UNSAFE)
    forum_actions.delete_reply(reply, by=bob)
    item = item_for(reply)
    assert actions.actions_for(item, Reply.objects.get(pk=reply.pk)) == ("dismiss", "warn")
    with pytest.raises(ValueError, match="does not apply"):
        actions.decide(item, by=dave, version=item.version, decision=Decision("hide", message="x"))
    assert Reply.objects.get(pk=reply.pk).is_deleted  # not turned into a hidden one
    actions.decide(item, by=dave, version=item.version, decision=Decision("warn", message="No."))
    item.refresh_from_db()
    assert item.decision == "warn"


def test_a_decision_on_an_item_whose_kind_changed_says_the_post_changed(
    alices_case, make_reply, bob, alice, dave
):
    reply = make_reply(alices_case, bob, "Just do what the rep says, it's fine.")
    actions.flag(reply, by=alice, reason=Flag.Reason.UNSAFE)
    item = item_for(reply)
    forum_actions.edit_reply(reply, by=bob, body=SWAPPED_IN, justification="Invented.")
    with pytest.raises(Conflict, match=CHANGED):  # not "'dismiss' is not an action on…"
        actions.decide(item, by=dave, version=1, decision=Decision("dismiss"))


def test_a_deleted_held_post_leaves_no_text_in_the_queue(held_reply, bob):
    forum_actions.delete_reply(held_reply, by=bob)
    item = item_for(held_reply)
    assert (item.state, item.decision) == (ReviewItem.State.CLOSED, "withdrawn")
    assert not {"text", "findings", "justification", "case_title"} & set(item.evidence)
    assert "Rives" not in str(item.evidence)
    assert not ReviewItem.objects.open().exists()


# Stale copies: what a racing request holds when another has changed the row ---------------


def test_an_edit_from_a_stale_copy_cannot_resurrect_a_deleted_reply(alices_case, make_reply, bob):
    reply = make_reply(alices_case, bob, "First thoughts.")
    stale = Reply.objects.get(pk=reply.pk)
    forum_actions.delete_reply(reply, by=bob)
    with pytest.raises(PermissionDenied):
        forum_actions.edit_reply(stale, by=bob, body="Second thoughts.")
    reply.refresh_from_db()
    assert (reply.state, reply.body) == (PostState.DELETED, "")


def test_an_edit_from_a_stale_copy_cannot_undo_a_moderators_hide(
    alices_case, make_reply, bob, alice, dave
):
    reply = make_reply(alices_case, bob, "Just do what the rep says, it's fine.")
    stale = Reply.objects.get(pk=reply.pk)
    actions.flag(reply, by=alice, reason=Flag.Reason.UNSAFE)
    item = item_for(reply)
    actions.decide(item, by=dave, version=item.version, decision=Decision("hide", message="No."))
    with pytest.raises(PermissionDenied):
        forum_actions.edit_reply(stale, by=bob, body="Put it back.")
    reply.refresh_from_db()
    assert reply.state == PostState.HIDDEN


def test_a_second_delete_from_a_stale_copy_is_refused_and_counts_stay_right(
    alices_case, make_reply, bob
):
    reply = make_reply(alices_case, bob, "Posted once.")
    first, second = Reply.objects.get(pk=reply.pk), Reply.objects.get(pk=reply.pk)
    forum_actions.delete_reply(first, by=bob)
    with pytest.raises(PermissionDenied):
        forum_actions.delete_reply(second, by=bob)
    assert Case.objects.get(pk=alices_case.pk).reply_count == 0


# One door to each decision ---------------------------------------------------------------


@pytest.fixture
def posted_image(alice, alices_case):
    import io

    from PIL import Image

    from uploads import actions as upload_actions

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 90)).save(out, "JPEG")
    draft = upload_actions.store(alice, out.getvalue())
    upload_actions.attach([draft], case=alices_case)
    draft.refresh_from_db()
    return draft


def test_an_inline_approve_after_a_queue_rejection_is_refused(
    posted_image, client_for, dave, committing
):
    from audit.models import AuditEntry
    from uploads.models import Upload

    item = item_for(posted_image)
    with committing():
        actions.decide(
            item, by=dave, version=1, decision=Decision("reject", message="Face.", reason="face")
        )
    response = client_for(dave).post(f"/uploads/{posted_image.pk}/approve/", {"version": 1})
    assert response.status_code == 404  # a rejected image's file is gone: it is unknown now
    posted_image.refresh_from_db()
    assert posted_image.state == Upload.State.REJECTED and not posted_image.file
    assert list(
        AuditEntry.objects.filter(
            target_id=posted_image.pk, action__startswith="image."
        ).values_list("action", flat=True)
    ) == ["image.reject"]


def test_a_decision_from_a_copy_loaded_before_another_decision_is_refused(posted_image, dave, erin):
    from uploads.models import Upload

    stale = item_for(posted_image)  # what a page loaded before the other decision committed
    actions.decide(
        item_for(posted_image),
        by=erin,
        version=1,
        decision=Decision("reject", message="Face.", reason="face"),
    )
    with pytest.raises(Conflict):
        actions.decide(stale, by=dave, version=1, decision=Decision("approve"))
    assert Upload.objects.get(pk=posted_image.pk).state == Upload.State.REJECTED


def test_an_inline_decision_on_an_older_version_is_refused(posted_image, client_for, dave, erin):
    from uploads.models import Upload

    item = item_for(posted_image)
    actions.claim(item, by=erin, version=1)  # another moves the item on
    response = client_for(dave).post(f"/uploads/{posted_image.pk}/approve/", {"version": 1})
    assert response.status_code == 302
    assert any("changed this item first" in str(m) for m in get_messages(response.wsgi_request))
    posted_image.refresh_from_db()
    assert posted_image.state == Upload.State.PENDING


def test_the_thread_page_carries_the_images_review_version(posted_image, client_for, dave):
    page = client_for(dave).get(posted_image.case.get_absolute_url()).content.decode()
    assert f'action="/uploads/{posted_image.pk}/approve/"' in page
    assert '<input type="hidden" name="version" value="1">' in page


# Nobody decides their own content --------------------------------------------------------


def test_a_moderator_cannot_decide_their_own_held_post(alices_case, dave, erin):
    reply = forum_actions.create_reply(
        alices_case, author=dave, body="Ask Mr Rives.", justification="An eponym."
    )
    item = item_for(reply)
    with pytest.raises(PermissionDenied, match="another moderator"):
        actions.decide(item, by=dave, version=1, decision=Decision("publish"))
    assert Reply.objects.get(pk=reply.pk).state == PostState.HELD
    actions.decide(item, by=erin, version=1, decision=Decision("publish"))  # an admin may
    assert Reply.objects.get(pk=reply.pk).state == PostState.PUBLISHED


def test_a_moderator_cannot_claim_their_own_content(alices_case, dave):
    reply = forum_actions.create_reply(
        alices_case, author=dave, body="Ask Mr Rives.", justification="An eponym."
    )
    with pytest.raises(PermissionDenied, match="another moderator"):
        actions.claim(item_for(reply), by=dave, version=1)
    assert item_for(reply).claimed_by is None


def test_a_moderator_cannot_dismiss_flags_on_their_own_post(alices_case, make_reply, dave, alice):
    reply = make_reply(alices_case, dave, "Use any mesh, it makes no difference.")
    actions.flag(reply, by=alice, reason=Flag.Reason.UNSAFE)
    item = item_for(reply)
    with pytest.raises(PermissionDenied, match="another moderator"):
        actions.decide(item, by=dave, version=item.version, decision=Decision("dismiss"))


def test_a_moderator_cannot_approve_their_own_image(make_case, dave, client_for):
    import io

    from PIL import Image

    from uploads import actions as upload_actions
    from uploads.models import Upload

    case = make_case(dave)
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 90)).save(out, "JPEG")
    image = upload_actions.store(dave, out.getvalue())
    upload_actions.attach([image], case=case)
    item = item_for(image)
    with pytest.raises(PermissionDenied, match="another moderator"):
        actions.decide(item, by=dave, version=1, decision=Decision("approve"))
    assert client_for(dave).post(f"/uploads/{image.pk}/approve/", {"version": 1}).status_code == 403
    assert Upload.objects.get(pk=image.pk).state == Upload.State.PENDING
    queue_page = client_for(dave).get("/moderation/").content.decode()
    assert "Yours: needs another moderator" in queue_page
    item_page = client_for(dave).get(f"/moderation/items/{item.pk}/").content.decode()
    assert "This is your own content" in item_page and 'name="action"' not in item_page


# Scope follows the content ----------------------------------------------------------------


def test_a_held_case_moved_to_another_specialty_goes_to_its_moderators(
    held_case, alice, dave, vascular, make_member, client_for
):
    vera = make_member("Vera Vasquez", specialty=vascular, moderates=(vascular,), mfa=True)
    case = held_case
    item = item_for(case)
    forum_actions.edit_case(
        case, by=alice, specialty=vascular, data=HELD_CASE, justification=ITS_REASON
    )
    item.refresh_from_db()
    assert item.specialty_id == vascular.pk
    assert client_for(dave).get(f"/moderation/items/{item.pk}/").status_code == 404
    assert client_for(vera).get(f"/moderation/items/{item.pk}/").status_code == 200
    with pytest.raises(Http404):  # out of his scope now: the item is unknown to him
        actions.decide(item, by=dave, version=item.version, decision=Decision("publish"))
    actions.decide(item, by=vera, version=item.version, decision=Decision("publish"))
    assert Case.objects.get(pk=case.pk).state == PostState.PUBLISHED


def test_a_claim_does_not_follow_a_case_to_another_specialty(held_case, alice, dave, vascular):
    item = item_for(held_case)
    actions.claim(item, by=dave, version=1)
    forum_actions.edit_case(
        held_case, by=alice, specialty=vascular, data=HELD_CASE, justification=ITS_REASON
    )
    item.refresh_from_db()
    assert (item.specialty_id, item.claimed_by_id) == (vascular.pk, None)


def test_a_flag_from_a_page_loaded_before_the_reply_was_deleted_is_refused(
    alices_case, make_reply, bob, alice
):
    from moderation.actions import FlagRefused

    reply = make_reply(alices_case, bob, "First thoughts.")
    stale = Reply.objects.get(pk=reply.pk)
    forum_actions.delete_reply(reply, by=bob)
    with pytest.raises(FlagRefused):
        actions.flag(stale, by=alice, reason=Flag.Reason.IDENTIFIER)
    assert Case.objects.get(pk=alices_case.pk).reply_count == 0


def test_a_case_moved_takes_its_held_replies_with_it(alices_case, bob, alice, vascular):
    reply = forum_actions.create_reply(
        alices_case, author=bob, body="Ask Mr Rives.", justification="An eponym."
    )
    forum_actions.edit_case(alices_case, by=alice, specialty=vascular, data=CASE_DATA)
    assert item_for(reply).specialty_id == vascular.pk


# A deliberate hide has an owner --------------------------------------------------------------


def test_dismissing_new_flags_never_reverts_a_moderators_deliberate_hide(
    alices_case, make_reply, bob, alice, dave, erin, make_member
):
    reply = make_reply(alices_case, bob, "Just do what the rep says, it's fine.")
    actions.flag(reply, by=alice, reason=Flag.Reason.UNSAFE)
    first = item_for(reply)
    actions.decide(
        first, by=dave, version=first.version, decision=Decision("hide", message="Unsafe.")
    )
    # Someone flags the hidden post again; another moderator dismisses the new flag.
    actions.flag(reply, by=make_member("Chen Wei"), reason=Flag.Reason.OTHER)
    second = ReviewItem.objects.open().get()
    actions.decide(second, by=erin, version=second.version, decision=Decision("dismiss"))
    reply.refresh_from_db()
    assert (reply.state, reply.hidden_by_id, reply.hidden_pending) == (
        PostState.HIDDEN,
        dave.pk,
        False,
    )


def test_dismissing_the_flags_reverts_a_hide_that_only_waited_for_review(
    alices_case, make_reply, bob, alice, make_member, dave
):
    reply = make_reply(alices_case, bob, "Her NHS number is in the notes.")
    actions.flag(reply, by=alice, reason=Flag.Reason.IDENTIFIER)
    actions.flag(reply, by=make_member("Chen Wei"), reason=Flag.Reason.IDENTIFIER)
    reply.refresh_from_db()
    assert (reply.state, reply.hidden_pending) == (PostState.HIDDEN, True)
    item = item_for(reply)
    actions.decide(item, by=dave, version=item.version, decision=Decision("dismiss"))
    reply.refresh_from_db()
    assert reply.state == PostState.PUBLISHED and not reply.hidden_pending


# A hidden case shows nothing of itself to members ----------------------------------------


@pytest.fixture
def hidden_case(alices_case, make_reply, bob, dave, alice):
    make_reply(alices_case, bob, "Bob's reply, from before the hide.")  # bob follows it now
    forum_actions.create_reply(alices_case, author=alice, body="Alice answers Bob.")
    forum_actions.hide_post(alices_case, by=dave, reason="Identifiable.")
    alices_case.refresh_from_db()
    return alices_case


def test_a_hidden_case_page_keeps_its_title_out_of_the_page_title(hidden_case, client_for, bob):
    page = client_for(bob).get(hidden_case.get_absolute_url()).content.decode()
    assert hidden_case.title not in page
    assert "<title>Hidden case" in page


def test_a_hidden_cases_title_stays_out_of_notifications(hidden_case, client_for, bob):
    page = client_for(bob).get("/notifications/").content.decode()
    assert hidden_case.title not in page
    assert "Hidden case" in page


def test_a_hidden_cases_approved_image_is_unknown_to_members(
    hidden_case, client_for, alice, bob, dave
):
    import io

    from PIL import Image

    from uploads import actions as upload_actions
    from uploads.models import Upload

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 90)).save(out, "JPEG")
    image = upload_actions.store(alice, out.getvalue())
    upload_actions.attach([image], case=hidden_case)
    Upload.objects.filter(pk=image.pk).update(state=Upload.State.APPROVED)
    assert client_for(bob).get(f"/uploads/{image.pk}/").status_code == 404
    assert client_for(dave).get(f"/uploads/{image.pk}/").status_code == 200  # its moderator
    assert client_for(alice).get(f"/uploads/{image.pk}/").status_code == 200  # its uploader


def test_a_members_export_names_no_hidden_case_of_someone_else(hidden_case, bob):
    import json
    import zipfile

    from privacy.export import build_export

    with zipfile.ZipFile(build_export(bob)) as archive:
        replies = json.loads(archive.read("replies.json"))
        everything = b"".join(archive.read(name) for name in archive.namelist())
    assert [reply["case_title"] for reply in replies] == ["Hidden case"]
    assert hidden_case.title.encode() not in everything


def test_an_admin_can_decide_an_item_another_moderator_claimed(
    held_reply, dave, erin, make_member, hernia
):
    item = item_for(held_reply)
    actions.claim(item, by=dave, version=1)
    other = make_member("Olga Other", moderates=(hernia,), mfa=True)
    with pytest.raises(Conflict, match="has claimed this item"):
        actions.decide(item, by=other, version=2, decision=Decision("publish"))
    actions.decide(item, by=erin, version=2, decision=Decision("publish"))
    assert Reply.objects.get(pk=held_reply.pk).state == PostState.PUBLISHED


# One decision path: whatever the kind, the moderation app records, closes and tells ------


@pytest.mark.parametrize(
    ("kind", "action"),
    [(kind, action) for kind, names in actions.ACTIONS.items() for action in names],
)
def test_every_decision_leaves_one_audit_entry_a_closed_item_and_a_told_author(
    kind, action, request, alice, bob, carol, dave, erin, committing
):
    from django.core import mail

    from audit.models import AuditEntry
    from forum.models import Notification

    if kind == ReviewItem.Kind.IMAGE:
        target = request.getfixturevalue("posted_image")
        author, by = alice, dave
    elif kind == ReviewItem.Kind.HELD_POST:
        target, author, by = request.getfixturevalue("held_reply"), bob, dave
    elif kind == ReviewItem.Kind.FLAGGED_POST:
        target = request.getfixturevalue("make_reply")(request.getfixturevalue("alices_case"), bob)
        actions.flag(target, by=alice, reason=Flag.Reason.UNPROFESSIONAL)
        author, by = bob, dave
    else:
        target, author, by = carol.application, carol, erin
    item = item_for(target)
    before = AuditEntry.objects.count()
    Notification.objects.all().delete()
    with committing():
        actions.decide(
            item,
            by=by,
            version=item.version,
            decision=Decision(action, message="Why, and how to fix it.", reason="face"),
        )
    item.refresh_from_db()
    assert not item.is_open and item.decided_by == by
    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.latest("pk").actor_id == by.pk
    told = Notification.objects.filter(user=author, kind=Notification.Kind.MODERATION).count()
    if kind == ReviewItem.Kind.APPLICATION:
        assert [message.to for message in mail.outbox] == [[carol.email]]
    elif (kind, action) in {("image", "approve"), ("flagged_post", "dismiss")}:
        assert told == 0  # nothing the author needs to act on
    else:
        assert told == 1


# Only an explicit unhide reverts a deliberate hide --------------------------------------


def hidden_by_decision(post, reporter, moderator) -> ReviewItem:
    actions.flag(post, by=reporter, reason=Flag.Reason.UNPROFESSIONAL)
    item = item_for(post)
    actions.decide(
        item, by=moderator, version=item.version, decision=Decision("hide", message="Tone.")
    )
    return item


def test_a_moderator_unhides_a_hidden_reply_explicitly_with_a_reason(
    alices_case, make_reply, bob, alice, dave, client_for
):
    from audit.models import AuditEntry
    from forum.models import Notification

    reply = make_reply(alices_case, bob, "Too sharp a reply.")
    hidden_by_decision(reply, alice, dave)
    assert Case.objects.get(pk=alices_case.pk).reply_count == 0
    page = client_for(dave).get(f"/cases/{alices_case.pk}/").content.decode()
    assert f'action="/replies/{reply.pk}/unhide/"' in page
    # A member may not; a reason is needed; then it is shown again, audited, author told.
    assert (
        client_for(alice).post(f"/replies/{reply.pk}/unhide/", {"reason": "x"}).status_code == 403
    )
    client_for(dave).post(f"/replies/{reply.pk}/unhide/", {"reason": ""})
    assert Reply.objects.get(pk=reply.pk).is_hidden
    response = client_for(dave).post(
        f"/replies/{reply.pk}/unhide/", {"reason": "On reflection, fair comment."}
    )
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.is_published and reply.hidden_by is None and reply.moderation_reason == ""
    assert Case.objects.get(pk=alices_case.pk).reply_count == 1
    entry = AuditEntry.objects.get(action="post.unhide")
    assert (entry.actor_id, entry.reason) == (dave.pk, "On reflection, fair comment.")
    assert Notification.objects.filter(user=bob, message__contains="fair comment").exists()


def test_unhide_is_refused_while_flags_wait_and_for_ones_own_post(
    alices_case, make_reply, make_member, bob, alice, dave, hernia
):
    reply = make_reply(alices_case, bob, "Too sharp a reply.")
    actions.flag(reply, by=alice, reason=Flag.Reason.IDENTIFIER)
    actions.flag(reply, by=dave, reason=Flag.Reason.IDENTIFIER)  # a moderator: hidden at once
    assert Reply.objects.get(pk=reply.pk).is_hidden
    with pytest.raises(Conflict, match="review queue"):
        actions.unhide(reply, by=dave, reason="Fine.")
    own = make_reply(alices_case, dave, "The moderator's own reply.")
    hidden_by_decision(own, alice, make_member("Mona Mod", moderates=(hernia,), mfa=True))
    with pytest.raises(PermissionDenied, match="your own post"):
        actions.unhide(Reply.objects.get(pk=own.pk), by=dave, reason="Mine is fine.")
