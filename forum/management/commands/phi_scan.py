"""`manage.py phi_scan < text`: the PHI screen's findings as JSON, for evaluation.

Prints `[{"start": …, "end": …, "kind": …, "text": …}]` (character offsets into the input)
and exits 0 whether or not anything was found.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

import phi


class Command(BaseCommand):
    help = "Read text on standard input; print the PHI screen's findings as JSON."
    requires_system_checks: list[str] = []

    def handle(self, *args, **options) -> None:
        text = sys.stdin.read()
        findings = [
            {"start": f.start, "end": f.end, "kind": f.kind, "text": f.text} for f in phi.scan(text)
        ]
        self.stdout.write(json.dumps(findings, ensure_ascii=False))
