"""Races, with real threads on their own database connections (PostgreSQL in the scaled
suite, SQLite's file here): each pair of actions starts together and ends in one consistent
state, with one audit entry per action that took effect.

The verbs lock the post (or the image and its item) and re-read it, so whichever runs second
sees what the first did: a deleted reply is never resurrected, a hide is never undone by an
edit, a reply is deleted once, and a decision is taken once."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connections
from PIL import Image

from audit.models import AuditEntry
from forum import actions as forum_actions
from forum.models import Case, PostState, Reply
from moderation import actions
from moderation.actions import Conflict, Decision
from review.models import Flag, ReviewItem
from uploads import actions as upload_actions
from uploads.models import Upload

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
REFUSED = (PermissionDenied, Conflict)
# The one that comes second is refused: "already decided" if the other had finished before it
# loaded the item, "changed first" if they overlapped.
SECOND = {"PermissionDenied", "Conflict"}


def together(*steps: Callable[[], object]) -> list[str]:
    """Run the steps at once, each on its own thread and connection: 'ok' or the refusal."""
    start = threading.Barrier(len(steps))
    results: list[str] = [""] * len(steps)

    def run(index: int, step: Callable[[], object]) -> None:
        try:
            start.wait()
            step()
            results[index] = "ok"
        except REFUSED as refusal:
            results[index] = type(refusal).__name__
        except Exception as error:  # anything else is a bug the assertion below shows
            results[index] = f"error: {error!r}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(steps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a step never finished"
    return results


def item_for(target) -> ReviewItem:
    return ReviewItem.objects.get(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk
    )


@pytest.fixture
def reply(alices_case, make_reply, bob) -> Reply:
    return make_reply(alices_case, bob, "First thoughts on the mesh.")


def test_an_edit_racing_a_delete_never_resurrects_the_reply(reply, bob):
    editing, deleting = Reply.objects.get(pk=reply.pk), Reply.objects.get(pk=reply.pk)
    results = together(
        lambda: forum_actions.edit_reply(editing, by=bob, body="Second thoughts."),
        lambda: forum_actions.delete_reply(deleting, by=bob),
    )
    assert results[1] == "ok" and results[0] in {"ok", "PermissionDenied"}, results
    reply.refresh_from_db()
    assert (reply.state, reply.body) == (PostState.DELETED, "")
    assert Case.objects.get(pk=reply.case_id).reply_count == 0


def test_two_deletes_delete_once_and_count_once(reply, bob):
    first, second = Reply.objects.get(pk=reply.pk), Reply.objects.get(pk=reply.pk)
    results = together(
        lambda: forum_actions.delete_reply(first, by=bob),
        lambda: forum_actions.delete_reply(second, by=bob),
    )
    assert sorted(results) == ["PermissionDenied", "ok"], results
    assert Case.objects.get(pk=reply.case_id).reply_count == 0


def test_an_edit_racing_a_hide_ends_hidden_or_edited_for_a_new_review(reply, bob, alice, dave):
    actions.flag(reply, by=alice, reason=Flag.Reason.UNSAFE)
    item = item_for(reply)
    editing = Reply.objects.get(pk=reply.pk)
    results = together(
        lambda: forum_actions.edit_reply(editing, by=bob, body="Reworded while flagged."),
        lambda: actions.decide(
            ReviewItem.objects.get(pk=item.pk),
            by=dave,
            version=item.version,
            decision=Decision("hide", message="Unsafe advice."),
        ),
    )
    reply.refresh_from_db()
    hides = AuditEntry.objects.filter(action="post.hide", target_id=reply.pk).count()
    if results == ["PermissionDenied", "ok"]:  # the hide first: the edit is refused
        assert (reply.state, reply.body, hides) == (
            PostState.HIDDEN,
            "First thoughts on the mesh.",
            1,
        )
    else:  # the edit first: the hide was decided on text that is gone, and is refused
        assert results == ["ok", "Conflict"], results
        assert (reply.state, reply.body, hides) == (
            PostState.PUBLISHED,
            "Reworded while flagged.",
            0,
        )
        assert item_for(reply).is_open


def test_two_moderators_deciding_at_once_decide_once(reply, alice, dave, erin):
    actions.flag(reply, by=alice, reason=Flag.Reason.UNSAFE)
    item = item_for(reply)
    results = together(
        lambda: actions.decide(
            ReviewItem.objects.get(pk=item.pk),
            by=dave,
            version=item.version,
            decision=Decision("hide", message="Unsafe advice."),
        ),
        lambda: actions.decide(
            ReviewItem.objects.get(pk=item.pk),
            by=erin,
            version=item.version,
            decision=Decision("warn", message="Cite a guideline."),
        ),
    )
    assert "ok" in results and set(results) - {"ok"} <= SECOND and results.count("ok") == 1
    decided = AuditEntry.objects.filter(action__in=["post.hide", "member.warn"])
    assert decided.count() == 1
    assert not item_for(reply).is_open


def test_an_inline_approve_racing_a_queue_rejection_ends_one_way(alice, alices_case, dave, erin):
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 90)).save(out, "JPEG")
    image = upload_actions.store(alice, out.getvalue())
    upload_actions.attach([image], case=alices_case)
    item = item_for(image)
    results = together(
        lambda: actions.decide(
            ReviewItem.objects.get(pk=item.pk), by=dave, version=1, decision=Decision("approve")
        ),
        lambda: actions.decide(
            ReviewItem.objects.get(pk=item.pk),
            by=erin,
            version=1,
            decision=Decision("reject", message="A face shows.", reason="face"),
        ),
    )
    assert "ok" in results and set(results) - {"ok"} <= SECOND and results.count("ok") == 1
    image.refresh_from_db()
    decisions = list(
        AuditEntry.objects.filter(target_id=image.pk, action__startswith="image.").values_list(
            "action", flat=True
        )
    )
    if image.state == Upload.State.APPROVED:
        assert bool(image.file) and decisions == ["image.approve"]
    else:
        assert image.state == Upload.State.REJECTED and not image.file
        assert decisions == ["image.reject"]


def test_entries_appended_at_once_keep_one_unbroken_chain(alice, dave):
    """The audit chain's lock: six writers at once never link two entries to the same one."""
    from audit.chain import verify
    from audit.log import record
    from audit.models import AuditEntry

    def write(n: int) -> Callable[[], object]:
        return lambda: [
            record(actor=dave, action="item.note", target=alice, n=n, i=i) for i in range(4)
        ]

    before = AuditEntry.objects.count()
    assert together(*(write(n) for n in range(6))) == ["ok"] * 6
    verdict = verify()
    assert verdict.ok, verdict
    assert AuditEntry.objects.count() == before + 24
    hashes = list(AuditEntry.objects.values_list("previous_hash", flat=True))
    assert len(hashes) == len(set(hashes))  # no two entries follow the same one
