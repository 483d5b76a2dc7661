"""The screen itself: runs every rule over a text and settles overlapping findings."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from phi.rules import RULES

KINDS = {
    "name": _("a personal name"),
    "date": _("a date with day and month (a year alone is fine)"),
    "age": _("an age over 89 (write 90+)"),
    "phone": _("a phone or fax number"),
    "email": _("an email address"),
    "address": _("a street address"),
    "postcode": _("a postcode or ZIP code"),
    "national_id": _("a national identity number (NHS, SSN, NI)"),
    "record_number": _("a record, account, insurance or device number"),
    "url": _("a link to a site outside Scrubroom"),
    "ip": _("an IP address"),
    "ward_bed": _("a ward, bay, bed or room"),
}


@dataclass(frozen=True)
class Finding:
    start: int
    end: int
    kind: str
    text: str

    @property
    def reason(self) -> str:
        return str(KINDS[self.kind])

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# When two findings overlap, the more specific kind names the reason.
PRIORITY = [
    "email",
    "url",
    "ip",
    "national_id",
    "date",
    "postcode",
    "phone",
    "record_number",
    "age",
    "address",
    "ward_bed",
    "name",
]


def _raw_matches(text: str) -> Iterator[Finding]:
    for rule in RULES:
        for match in rule.pattern.finditer(text):
            start, end = match.span(rule.group)
            if start < 0 or end <= start:
                continue
            value = text[start:end].rstrip(".,;:")
            end = start + len(value)
            if value and (rule.keep is None or rule.keep(value, match)):
                yield Finding(start, end, rule.kind, value)


def scan(text: str) -> list[Finding]:
    """Findings in `text`, in order, without overlaps."""
    candidates = sorted(
        _raw_matches(text), key=lambda f: (PRIORITY.index(f.kind), -(f.end - f.start), f.start)
    )
    chosen: list[Finding] = []
    for finding in candidates:
        if all(finding.end <= kept.start or finding.start >= kept.end for kept in chosen):
            chosen.append(finding)
    return sorted(chosen, key=lambda f: f.start)


def scan_fields(fields: dict[str, str]) -> dict[str, list[Finding]]:
    """Findings per named text field, leaving out fields with none."""
    found = {name: scan(value or "") for name, value in fields.items()}
    return {name: findings for name, findings in found.items() if findings}


def highlight(text: str, findings: Iterable[Finding]) -> list[tuple[str, Finding | None]]:
    """`text` cut into (piece, finding-or-None), for templates to mark up safely."""
    pieces: list[tuple[str, Finding | None]] = []
    position = 0
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.start > position:
            pieces.append((text[position : finding.start], None))
        pieces.append((text[finding.start : finding.end], finding))
        position = finding.end
    if position < len(text):
        pieces.append((text[position:], None))
    return pieces
