"""The audit log's hash chain: tampering with the log is detectable, not only forbidden.

The database refuses UPDATE (and DELETE on PostgreSQL), but someone with the database's own
rights can drop a trigger, delete a row or insert a back-dated one. Each entry therefore
carries the SHA-256 of its content and of the entry before it (in id order), and `verify()`
walks the chain: the first entry whose hash or link does not hold is named.

The chain cannot show that entries were cut from its end. `verify()` reports the head (the
last entry's id and hash) so that operators can write it down elsewhere, in a backup's
manifest or a ticket, and compare later.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from audit.models import AuditEntry

# One constant key: every writer of the log waits for the one before it (PostgreSQL).
CHAIN_LOCK = 0x5C120A0D


def lock_chain() -> None:
    """Serialise appends, inside the caller's transaction, so two entries never link to the
    same predecessor. SQLite needs nothing: its transactions start IMMEDIATE (settings), one
    writer at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def head_hash() -> str:
    return AuditEntry.objects.order_by("-pk").values_list("entry_hash", flat=True).first() or ""


@dataclass
class Verdict:
    ok: bool
    checked: int
    head_id: int | None = None
    head_hash: str = ""
    broken_id: int | None = None
    reason: str = ""


def verify(batch: int = 2000) -> Verdict:
    """Walk the chain from the first entry; stop at the first that does not hold."""
    previous = ""
    checked = 0
    last: AuditEntry | None = None
    for entry in AuditEntry.objects.order_by("pk").iterator(chunk_size=batch):
        if entry.previous_hash != previous:
            return Verdict(
                False,
                checked,
                broken_id=entry.pk,
                reason="it does not follow the entry before it (one was removed or inserted)",
            )
        if entry.compute_hash() != entry.entry_hash:
            return Verdict(False, checked, broken_id=entry.pk, reason="its content was changed")
        previous = entry.entry_hash
        checked += 1
        last = entry
    return Verdict(
        True,
        checked,
        head_id=last.pk if last else None,
        head_hash=last.entry_hash if last else "",
    )
