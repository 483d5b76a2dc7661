"""`manage.py verify_audit_log`: walk the audit log's hash chain (audit/chain.py).

Exit 0 with the head (last entry's id and hash, to be written down elsewhere) when every
entry holds; exit 1 naming the first entry that does not, and why.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from audit.chain import verify


class Command(BaseCommand):
    help = "Check the audit log's hash chain; exit 1 naming the first broken entry."

    def handle(self, *args, **options) -> None:
        verdict = verify()
        if not verdict.ok:
            raise CommandError(
                f"The audit log's chain is broken at entry #{verdict.broken_id}: {verdict.reason}."
                f" {verdict.checked} entries before it hold.",
                returncode=1,
            )
        self.stdout.write(
            f"The audit log's chain holds: {verdict.checked} entries; head #{verdict.head_id} "
            f"{verdict.head_hash}"
        )
