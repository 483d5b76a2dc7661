"""The audit log's hash chain (issue 17): with the database's own rights an attacker can drop a
trigger, delete a row or insert a back-dated one; the chain shows where."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from audit.chain import verify
from audit.log import record
from audit.models import AuditEntry


@pytest.fixture
def entries(alice, dave):
    return [
        record(actor=dave, action="post.hide", target=alice, reason=f"Reason {n}", n=n)
        for n in range(5)
    ]


def raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS moderation_auditentry_no_update")
        else:
            trigger = "moderation_auditentry_append_only"
            cursor.execute(f"ALTER TABLE moderation_auditentry DISABLE TRIGGER {trigger}")
        cursor.execute(sql, params)


def test_an_untouched_log_verifies_and_names_its_head(entries, client_for, erin):
    verdict = verify()
    assert verdict.ok and verdict.checked == AuditEntry.objects.count()
    assert verdict.head_id == AuditEntry.objects.order_by("-pk").first().pk
    out = io.StringIO()
    call_command("verify_audit_log", stdout=out)
    assert "chain holds" in out.getvalue() and verdict.head_hash in out.getvalue()
    page = client_for(erin).get("/staff/audit/").content.decode()
    assert "hash chain holds" in page


def test_a_changed_entry_is_named(entries, client_for, erin):
    raw("UPDATE moderation_auditentry SET reason = %s WHERE id = %s", ["nothing", entries[2].pk])
    verdict = verify()
    assert (verdict.ok, verdict.broken_id) == (False, entries[2].pk)
    assert verdict.reason == "its content was changed"
    with pytest.raises(CommandError, match=f"broken at entry #{entries[2].pk}") as failed:
        call_command("verify_audit_log")
    assert failed.value.returncode == 1
    page = client_for(erin).get("/staff/audit/").content.decode()
    assert f"broken at entry #{entries[2].pk}" in page


def test_a_removed_entry_is_found_at_the_next(entries):
    raw("DELETE FROM moderation_auditentry WHERE id = %s", [entries[1].pk])
    verdict = verify()
    assert (verdict.ok, verdict.broken_id) == (False, entries[2].pk)
    assert "removed or inserted" in verdict.reason


def test_a_forged_back_dated_entry_is_found(entries, dave):
    forged = AuditEntry(
        created_at=entries[0].created_at,
        actor_id=dave.pk,
        actor_label="Dave",
        action="member.warn",
        target_type="members.user",
        target_id=1,
        target_label="x",
        previous_hash=entries[-1].entry_hash,
        entry_hash="0" * 64,
    )
    forged.save()
    assert (verify().ok, verify().broken_id) == (False, forged.pk)


def test_a_forgery_with_a_correct_hash_still_breaks_the_link_of_a_middle_entry(entries, dave):
    # Rewriting one entry and recomputing its hash moves the break to the entry after it.
    target = AuditEntry.objects.get(pk=entries[1].pk)
    target.reason = "rewritten"
    raw(
        "UPDATE moderation_auditentry SET reason = %s, entry_hash = %s WHERE id = %s",
        ["rewritten", target.compute_hash(), target.pk],
    )
    assert (verify().ok, verify().broken_id) == (False, entries[2].pk)
