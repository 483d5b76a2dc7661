"""`manage.py residency_report [--json]`: where each data store is, and whether it agrees.

Exit status 1 when any store is undeclared, declared elsewhere, reports another region, or
cannot be asked.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from scrubroom import residency


class Command(BaseCommand):
    help = "List each data store with its declared and observed region, and a verdict."
    # The report is how an operator investigates a failing check: it must run despite one.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a table.")

    def handle(self, *args, **options) -> None:
        verdicts = residency.report()
        ok = all(verdict.ok for verdict in verdicts)
        if options["json"]:
            document = {
                "region": settings.SCRUBROOM_REGION,
                "ok": ok,
                "stores": [verdict.as_dict() for verdict in verdicts],
            }
            self.stdout.write(json.dumps(document, indent=2))
        else:
            self.stdout.write(f"Deployment region: {settings.SCRUBROOM_REGION}\n")
            columns = ("name", "backend", "location", "declared", "observed", "verdict")
            rows: list[tuple[str, ...]] = [
                ("Store", "Backend", "Location", "Declared", "Observed", "Verdict")
            ]
            rows += [
                tuple(getattr(verdict, column) or "-" for column in columns) for verdict in verdicts
            ]
            widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
            for row in rows:
                cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
                self.stdout.write("  ".join(cells).rstrip())
            self.stdout.write("")
            for verdict in verdicts:
                style = self.style.SUCCESS if verdict.ok else self.style.ERROR
                self.stdout.write(style(f"{verdict.name}: {verdict.verdict} ({verdict.detail})"))
        if not ok:
            failing = ", ".join(verdict.name for verdict in verdicts if not verdict.ok)
            raise CommandError(f"Residency check failed: {failing}", returncode=1)
