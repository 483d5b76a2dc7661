"""The screen itself: runs every rule over a text and settles overlapping findings."""

from __future__ import annotations

import asyncio
import bisect
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from phi.rules import RULES, chains, people, quasi, wordtext

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
    "card": _("a payment card or bank account number (IBAN)"),
    "url": _("a link to a site outside Scrubroom"),
    "ip": _("an IP address"),
    "ward_bed": _("a ward, bay, bed or room: with the hospital it points at one patient"),
    "place": _("a town or city (a country or state is fine)"),
    "town": _("a town or city you moved between: fine if it says nothing about the patient"),
    # Quasi-identifiers: a warning the author acknowledges, never a block.
    "institution": _("a named hospital or institution: with a rare case it can identify"),
    "occupation": _("an occupation few people have: with the case it can identify"),
    "exact_age": _("an exact age in a case described as rare (an age range is safer)"),
    "measurement": _("an exact height or weight in a case described as rare"),
    # Not a finding against the post: a member of Scrubroom, named as a colleague.
    "colleague": _("a colleague who is a member of Scrubroom"),
}

IDENTIFIER, QUASI, COLLEAGUE = "identifier", "quasi", "colleague"
LEVELS = {
    # A ward or bed says which patient to staff of that hospital, not to anyone else: neither
    # Safe Harbor nor the list counts it, and two blind writers did not label it.
    **dict.fromkeys(
        ("ward_bed", "town", "institution", "occupation", "exact_age", "measurement"), QUASI
    ),
    "colleague": COLLEAGUE,
}

# What the author can put instead, in one click.
REPLACEMENTS = {
    "name": "[name]",
    "date": "[date]",
    "age": "over 90",
    "phone": "[phone]",
    "email": "[email]",
    "address": "[address]",
    "postcode": "[postcode]",
    "national_id": "[number]",
    "record_number": "[number]",
    "card": "[number]",
    "url": "[link]",
    "ip": "[address]",
    "ward_bed": "the ward",
    "place": "[town]",
    "town": "[town]",
    "institution": "[hospital]",
    "occupation": "[occupation]",
    "exact_age": "[age range]",
    "measurement": "[measurement]",
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

    @property
    def level(self) -> str:
        """ "identifier" blocks the post, "quasi" asks the author, "colleague" only marks."""
        return LEVELS.get(self.kind, IDENTIFIER)

    @property
    def replacement(self) -> str | None:
        if self.kind == "age" and self.text[:1].isdigit():
            return "over 90"
        if self.kind == "age":
            return "in their 90s" if "90s" in self.text or "nineties" in self.text else "over 90"
        return REPLACEMENTS.get(self.kind)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "level": self.level, "reason": self.reason}


# When two findings overlap, the more specific kind names the reason.
PRIORITY = [
    "email",
    "url",
    "ip",
    "national_id",
    "card",
    "date",
    "postcode",
    "phone",
    "record_number",
    "age",
    "address",
    "colleague",
    "place",
    "name",
    # A warning now: a ward named after a person must not hide her ("Mrs Gráinne Ward").
    "ward_bed",
    # After the identifiers: a hospital's name must never swallow a patient's ("Christchurch
    # Hospital for Mr Tane Whaanga"); towns inside a hospital's name are left out below.
    "institution",
    "town",
    "occupation",
    "exact_age",
    "measurement",
]


_DIGIT = re.compile(r"\d")
_UPPER = re.compile(r"[A-ZÀ-Þ]")
_RANK = {kind: rank for rank, kind in enumerate(PRIORITY)}


def _raw_matches(text: str, colleagues: Collection[str]) -> Iterator[Finding]:
    ws = wordtext.words(text)  # cut once, read by both
    for found in (*people.find(text, colleagues, ws), *quasi.find(text, ws)):
        yield Finding(found.start, found.end, found.kind, text[found.start : found.end])
    present = {"": True, "digit": bool(_DIGIT.search(text)), "upper": bool(_UPPER.search(text))}
    for rule in RULES:
        if not present[rule.needs]:
            continue
        for match in rule.pattern.finditer(text):
            start, end = match.span(rule.group)
            if start < 0 or end <= start:
                continue
            value = text[start:end].rstrip(".,;:")
            end = start + len(value)
            if value and (rule.keep is None or rule.keep(value, match)):
                kind = rule.kind
                if kind == "name" and value.split()[-1].lower() in colleagues:
                    kind = "colleague"  # "T. Siddiqui, you did the audit": a member
                yield Finding(start, end, kind, value)


def scan(text: str, colleagues: Collection[str] = ()) -> list[Finding]:
    """Findings in `text`, in order, without overlaps, of every level.

    `colleagues` are the lower-case surnames of members: "Mr Lindqvist" is then a colleague
    (level "colleague"), not a patient. Use blocking() and warnings() to act on them.

    Never on an event loop's thread: at the size limit the screen takes up to a few hundred
    milliseconds, and every socket of the process would wait (async code uses
    `sync_to_async(phi.scan, thread_sensitive=False)`).
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise RuntimeError("phi.scan() on an event loop's thread: run it in a worker thread")
    candidates = sorted(
        set(_raw_matches(text, colleagues)),
        key=lambda f: (_RANK[f.kind], -(f.end - f.start), f.start),
    )
    # The kept findings never overlap, so sorted by start their ends are sorted too: a
    # candidate overlaps a kept one only if it overlaps its neighbour by start. Checking every
    # kept finding was quadratic: 20,000 characters of "MR " took 0.6 s here.
    starts: list[int] = []
    kept: list[Finding] = []
    for finding in candidates:
        at = bisect.bisect_left(starts, finding.start)
        if at < len(kept) and kept[at].start < finding.end:
            continue
        if at > 0 and kept[at - 1].end > finding.start:
            continue
        starts.insert(at, finding.start)
        kept.insert(at, finding)
    # Then what is chained by commas to an identifier: "22 Kloof Street, Gardens, Cape Town".
    for link in chains.links(text, [(f.start, f.end, f.kind) for f in kept]):
        finding = Finding(link.start, link.end, link.kind, text[link.start : link.end])
        at = bisect.bisect_left(starts, finding.start)
        starts.insert(at, finding.start)
        kept.insert(at, finding)
    return kept


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.level == IDENTIFIER]


def warnings(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.level == QUASI]


def scan_fields(
    fields: dict[str, str], colleagues: Collection[str] = ()
) -> dict[str, list[Finding]]:
    """Findings per named text field, leaving out fields with none."""
    found = {name: scan(value or "", colleagues) for name, value in fields.items()}
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
