"""The review queue, the audit log and moderator scopes moved out of the moderation app with
their tables: a database migrated before the move keeps every row, and the audit log stays
append-only in the database itself."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from audit.models import AuditEntry
from members.models import ModeratorScope
from review.models import Flag, ItemEvent, ReviewItem

BEFORE_THE_MOVE = [
    ("moderation", "0003_review_queue"),
    ("members", "0001_initial"),
    ("review", None),
    ("audit", None),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    # The models as these migrations left them (apps unapplied to zero have none).
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rows_written_before_the_move_are_read_after_it(alice, dave, hernia):
    try:
        old = migrate(BEFORE_THE_MOVE)
        old_scope = old.get_model("moderation", "ModeratorScope")
        old_entry = old.get_model("moderation", "AuditEntry")
        old_item = old.get_model("moderation", "ReviewItem")
        old_flag = old.get_model("moderation", "Flag")
        old_event = old.get_model("moderation", "ItemEvent")
        content_types = old.get_model("contenttypes", "ContentType")
        # Migrating back took the content types back to the old app, as they were then.
        old_types = {
            model: content_types.objects.get(app_label="moderation", model=model).pk
            for model in ("reviewitem", "auditentry", "moderatorscope")
        }
        assert not content_types.objects.filter(app_label__in=["review", "audit"]).exists()
        scope = old_scope.objects.create(user_id=alice.pk, specialty_id=hernia.pk)
        entry = old_entry.objects.create(
            actor_id=dave.pk,
            actor_label="Dave",
            action="item.claim",
            target_type="forum.case",
            target_id=7,
            target_label="Case #7",
            reason="before the move",
        )
        item = old_item.objects.create(
            kind="flagged_post",
            target_type=content_types.objects.get(app_label="forum", model="case"),
            target_id=7,
            specialty_id=hernia.pk,
            evidence={"text": "kept"},
            opened_at=timezone.now(),
        )
        flag = old_flag.objects.create(item=item, reporter_id=dave.pk, reason="other")
        event = old_event.objects.create(item=item, actor_id=dave.pk, action="flag")
    finally:
        migrate(latest())
        ContentType.objects.clear_cache()

    assert ModeratorScope.objects.get(pk=scope.pk).user_id == alice.pk
    moved = AuditEntry.objects.get(pk=entry.pk)
    assert (moved.action, moved.target_type, moved.reason) == (
        "item.claim",
        "forum.case",
        "before the move",
    )
    moved_item = ReviewItem.objects.get(pk=item.pk)
    assert moved_item.evidence == {"text": "kept"} and moved_item.target_type.model == "case"
    assert [f.pk for f in moved_item.flags.all()] == [flag.pk]
    assert [e.pk for e in moved_item.events.all()] == [event.pk]
    assert Flag.objects.count() == 1 and ItemEvent.objects.count() == 1
    # Content types (and the permissions that hang on them) followed their models.
    assert ContentType.objects.get_for_model(ReviewItem).pk == old_types["reviewitem"]
    assert ContentType.objects.get_for_model(AuditEntry).pk == old_types["auditentry"]
    assert ContentType.objects.get_for_model(ModeratorScope).pk == old_types["moderatorscope"]
    assert not ContentType.objects.filter(app_label="moderation").exists()
    # The trigger on the table still refuses to rewrite the log, whatever the ORM says.
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute("UPDATE moderation_auditentry SET reason = 'rewritten'")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_posts_the_flag_rule_hid_before_hides_had_owners_are_pending_again(
    alices_case, make_reply, bob, alice, make_member
):
    from forum import search
    from forum.models import Reply
    from moderation import actions
    from review.models import Flag

    ruled = make_reply(alices_case, bob, "Her NHS number is in the notes.")
    actions.flag(ruled, by=alice, reason=Flag.Reason.IDENTIFIER)
    actions.flag(ruled, by=make_member("Chen Wei"), reason=Flag.Reason.IDENTIFIER)
    deliberate = make_reply(alices_case, bob, "Hidden by a moderator's decision.")
    Reply.objects.filter(pk=deliberate.pk).update(state="hidden")
    try:
        migrate([("forum", "0007_thread_events")])  # before hides had owners
        migrate(latest())
    finally:
        migrate(latest())
        search.ensure_index(connection)  # SQLite's rebuilt tables lost the search triggers
    assert Reply.objects.get(pk=ruled.pk).hidden_pending is True
    assert Reply.objects.get(pk=deliberate.pk).hidden_pending is False
