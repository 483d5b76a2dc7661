"""The audit log is append-only in the ORM and in the database."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AppendOnlyError, AuditEntry
from members import actions


@pytest.fixture
def entry(erin, alice) -> AuditEntry:
    actions.suspend_member(alice, by=erin, reason="Posted an identifiable photo")
    return AuditEntry.objects.get()


def test_entries_say_who_what_when_and_why(entry, erin, alice):
    assert entry.actor_id == erin.pk
    assert entry.action == "member.suspended"
    assert (entry.target_type, entry.target_id) == ("members.user", alice.pk)
    assert entry.reason == "Posted an identifiable photo"
    assert entry.created_at is not None
    assert "@" not in entry.actor_label + entry.target_label


def test_the_orm_refuses_to_change_or_delete_entries(entry):
    entry.reason = "nothing to see"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().reason == "Posted an identifiable photo"


def test_the_database_refuses_updates_that_bypass_the_orm(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE moderation_auditentry SET reason = 'rewritten'")
    assert AuditEntry.objects.get().reason == "Posted an identifiable photo"


def test_the_audit_page_lists_entries_for_admins(client_for, erin, entry):
    page = client_for(erin).get("/staff/audit/").content.decode()
    assert "member.suspended" in page and "Posted an identifiable photo" in page
