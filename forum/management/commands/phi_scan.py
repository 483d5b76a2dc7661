"""`manage.py phi_scan < text`: the PHI screen's findings as JSON, for evaluation.

Prints `[{"start": …, "end": …, "kind": …, "level": …, "text": …}]` (character offsets into
the input; level "identifier" blocks a post, "quasi" asks the author, "colleague" marks a
member named) and exits 0 whether or not anything was found. Members' surnames come from the
database, as when a post is screened.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

import phi
from forum.actions import colleague_surnames


class Command(BaseCommand):
    help = "Read text on standard input; print the PHI screen's findings as JSON."
    requires_system_checks: list[str] = []

    def handle(self, *args, **options) -> None:
        text = sys.stdin.read()
        colleagues = colleague_surnames({"text": text})
        findings = [
            {"start": f.start, "end": f.end, "kind": f.kind, "level": f.level, "text": f.text}
            for f in phi.scan(text, colleagues)
        ]
        self.stdout.write(json.dumps(findings, ensure_ascii=False))
