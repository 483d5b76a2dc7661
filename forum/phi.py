"""The PHI screen: finds the HIPAA Safe Harbor identifiers that a post's text can carry.

It runs before a case, reply or outcome is saved. It is a net, not a proof: patterns plus
context words, tuned on bench/phi_labelled.jsonl (bench/phi_screen.py prints precision and
recall). Clinical text is full of numbers that look like identifiers (T2N0, POD 3, 5/10,
L4-L5, 3/12, BP 120/80, 40 mg), so each pattern either has a shape clinical notation never
has or needs a context word ("MRN", "ward", "Mr").

Decisions:
- "Dr Surname" is allowed. Members name colleagues ("discussed with Dr Chen"), a clinician's
  name is not a patient identifier under Safe Harbor, and the forum is closed to verified
  professionals. "Mr/Mrs/Ms/Miss Surname" is flagged: in case text it is usually the patient
  (UK surgeons are "Mr" too; the author can justify and send it for review).
- A year alone is fine; a day with a month is a date. "3/12", "2/52" and "5/7" are UK
  durations (months, weeks, days), and "120/80" a blood pressure: a slash pair counts as a
  date only with a year, or after "on" or "dated".
- Ages over 89 are identifiers (Safe Harbor groups them as 90+); "in her 90s" counts too.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

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

    def as_dict(self) -> dict:
        return asdict(self)


I = re.IGNORECASE  # noqa: E741 (a flag, as in the re module)

MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
ORDINAL = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
NAME = r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?"
SURNAME = r"(?:(?:O'|Mc|Mac|D'|De |Van |Von |Le |La |Al-|El-)?[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?)"

# Words that follow a context word without being a name ("patient Underwent" never happens,
# but "patient Consent" and the like can start a sentence in bullet lists).
NOT_NAMES = {
    "The",
    "A",
    "An",
    "He",
    "She",
    "They",
    "His",
    "Her",
    "Their",
    "This",
    "That",
    "With",
    "Was",
    "Is",
    "Had",
    "Has",
    "And",
    "Or",
    "But",
    "On",
    "In",
    "At",
    "Of",
    "For",
    "To",
    "Who",
    "Which",
    "Consent",
    "Consented",
    "Declined",
    "Developed",
    "Underwent",
    "Presented",
    "Reported",
    "Denied",
    "Admitted",
    "Discharged",
    "Returned",
    "Remains",
    "Required",
    "Recovered",
    "Died",
    "Doing",
    "Well",
    "Post",
    "Pre",
    "Day",
    "Week",
    "Month",
    "Year",
    "Group",
    "Cohort",
    "Number",
    "Record",
    "Notes",
    "Information",
    "Leaflet",
    "Safety",
    "Ward",
    "Bed",
    "Room",
    "Bay",
    "Side",
    "Theatre",
    "Team",
    "Consultant",
    "Registrar",
    "Surgeon",
    "Nurse",
    "Care",
    "Feedback",
    "Reported",
    "Outcome",
    "Outcomes",
    "Education",
    "Positioning",
    "Position",
    "Transfer",
    "Controlled",
    "Analgesia",
    "History",
    "Factors",
    "Selection",
    "Preference",
    "Preferences",
    "Satisfaction",
    "Journey",
    "Pathway",
}
GENERIC_WARDS = {
    "Surgical",
    "Medical",
    "General",
    "Acute",
    "Day",
    "Private",
    "Female",
    "Male",
    "Children's",
    "Childrens",
    "Paediatric",
    "Pediatric",
    "Maternity",
    "Orthopaedic",
    "Orthopedic",
    "Trauma",
    "Vascular",
    "Urology",
    "Renal",
    "Cardiac",
    "Stroke",
    "Elderly",
    "Geriatric",
    "Assessment",
    "Admissions",
    "Admission",
    "Short",
    "Long",
    "Recovery",
    "Isolation",
    "Observation",
    "Step-down",
    "Colorectal",
    "Burns",
    "Plastics",
    "Neuro",
    "Oncology",
    "Gynae",
    "Gynaecology",
    "Respiratory",
    "Coronary",
    "Labour",
    "Post-op",
    "Postop",
    "The",
    "A",
    "Same",
    "Emergency",
    "Surgery",
    "Hospital",
    "Receiving",
    "Base",
    "Home",
    "Ward",
    "Open",
    "Closed",
    "Mixed",
    "Adult",
    "Adults",
    "Spinal",
    "Hepatobiliary",
    "Upper",
    "Lower",
    "Busy",
    "Quiet",
    "Covid",
    "Medicine",
    "Outlier",
    "Dirty",
    "Clean",
}

# (kind, pattern, group holding the identifier or 0 for the whole match)
PATTERNS: list[tuple[str, re.Pattern[str], int]] = [
    ("email", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), 0),
    # URLs: with a scheme, starting www., or a bare host with a path (bit.ly/abc).
    ("url", re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+", I), 0),
    (
        "url",
        re.compile(
            r"\b(?:[a-z0-9-]+\.)+(?:com|org|net|io|ly|co|uk|us|info|me|gl|gov|edu|ie|de|fr|"
            r"nl|au|ca|in|health|nhs\.uk)(?:/[^\s<>\"')\]]*)",
            I,
        ),
        0,
    ),
    ("ip", re.compile(r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b"), 0),
    (
        "ip",
        re.compile(r"(?<![\w:])(?:[0-9a-f]{1,4}:){2,7}(?::|[0-9a-f]{1,4})(?::[0-9a-f]{1,4})*", I),
        0,
    ),
    # National numbers. SSN 123-45-6789; NI QQ 12 34 56 C; NHS / CHI numbers after their name.
    ("national_id", re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), 0),
    ("national_id", re.compile(r"\b[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b"), 0),
    (
        "national_id",
        re.compile(
            r"\b(?:NHS|CHI|SSN|social security|national insurance|NI|passport|"
            r"driving licen[cs]e|driver'?s licen[cs]e|PPS|SIN|BSN|Medicare)"
            r"(?:\s+(?:number|no\.?|num|#|card))?\s*(?:is|was|:|#|=)?\s*"
            r"([A-Z]{0,3}\d[\d -]{5,14}\d[A-Z]?)",
            I,
        ),
        1,
    ),
    # Record, account, insurance and device numbers: after a context word.
    (
        "record_number",
        re.compile(
            r"\b(?:MRN|medical record|record|hospital|hosp|unit|case|chart|patient|pt|account|"
            r"acct|a/c|policy|member|insurance|health plan|plan|claim|billing|invoice|serial|"
            r"S/N|SN|lot|batch|device|implant|pacemaker|ICD|model|UR|URN|CRN|K-?number|"
            r"reg(?:istration)?|vehicle|licen[cs]e plate|plate|beneficiary|subscriber|ID)"
            r"(?:\s+(?:number|no\.?|num|#|ID|id|code))?\s*(?:is|was|:|#|=|of)?\s*"
            r"([A-Z]{0,4}[-/]?\d[\dA-Z/-]{3,}\d[A-Z]?|[A-Z]{1,4}\d{4,}[A-Z]?)\b",
            I,
        ),
        1,
    ),
    # A long bare number is an identifier of some kind in case text.
    (
        "record_number",
        re.compile(r"(?<![\w.,/])\d{7,}(?![\w.,/]|\s?(?:mg|ml|mcg|units|iu)\b)", I),
        0,
    ),
    # Letters-and-digits codes with six or more digits (K123456, AB1234567).
    ("record_number", re.compile(r"\b[A-Z]{1,3}\d{6,}[A-Z]?\b"), 0),
    # Phone and fax numbers.
    (
        "phone",
        re.compile(
            r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?)?"
            r"\d{2,5}[\s.-]\d{3,4}[\s.-]?\d{3,4}(?![\w-])"
        ),
        0,
    ),
    ("phone", re.compile(r"(?<![\w+])\+\d{1,3}[\s.-]?\d[\d\s.-]{7,14}\d\b"), 0),
    ("phone", re.compile(r"(?<![\w-])\(\d{3}\)\s?\d{3}-\d{4}\b"), 0),
    ("phone", re.compile(r"(?<![\w+])0\d{9,10}\b"), 0),
    (
        "phone",
        re.compile(
            r"\b(?:tel|telephone|phone|mobile|mob|cell|fax|ext|bleep|pager|call(?:ed)? (?:on|at))"
            r"\.?\s*(?:no\.?|number)?\s*:?\s*(\+?[\d][\d\s().-]{5,}\d)",
            I,
        ),
        1,
    ),
    # Dates: day and month, in any order, with or without a year.
    ("date", re.compile(rf"\b{ORDINAL}(?:\s+of)?\s+{MONTHS}\.?(?:,?\s+\d{{2,4}})?\b"), 0),
    ("date", re.compile(rf"\b{MONTHS}\.?\s+{ORDINAL}\b(?:,?\s+\d{{4}})?"), 0),
    ("date", re.compile(r"\b\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b"), 0),
    (
        "date",
        re.compile(
            r"(?<![\d/.])(?:0?[1-9]|[12]\d|3[01])[/.-](?:0?[1-9]|1[0-2])[/.-](?:\d{4}|\d{2})(?![\d/])"
        ),
        0,
    ),
    (
        "date",
        re.compile(
            r"(?<![\d/.])(?:0?[1-9]|1[0-2])[/.-](?:0?[1-9]|[12]\d|3[01])[/.-](?:\d{4}|\d{2})(?![\d/])"
        ),
        0,
    ),
    (
        "date",
        re.compile(
            r"\b(?:on|dated|date of birth|DOB|born)\s*:?\s*"
            r"((?:0?[1-9]|[12]\d|3[01])[/.](?:0?[1-9]|1[0-2]))(?![\d/])",
            I,
        ),
        1,
    ),
    # Ages over 89.
    (
        "age",
        re.compile(
            r"\b(?:9\d|1[0-2]\d)\s?-?\s?(?:years?|yrs?|y)[\s-]?(?:old|of age)\b"
            r"|\b(?:9\d|1[0-2]\d)\s?(?:yo|y/o|y\.o\.|yr old)\b"
            r"|\b(?:9\d|1[0-2]\d)(?:M|F)\b"
            r"|\bnonagenarian\b|\bcentenarian\b",
            I,
        ),
        0,
    ),
    ("age", re.compile(r"\b(?:aged?|age of|ages?)\s*:?\s*((?:9\d|1[0-2]\d))\b", I), 1),
    (
        "age",
        re.compile(r"\bin (?:his|her|their) (?:late |early |mid-)?(?:90s|nineties|100s)\b", I),
        0,
    ),
    # Postcodes (UK) and ZIP codes (with a state or the word ZIP).
    (
        "postcode",
        re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2})\b"),
        0,
    ),
    (
        "postcode",
        re.compile(
            r"\b(?:ZIP|zip code|zipcode|postcode|post code)\s*:?\s*(\d{5}(?:-\d{4})?|[A-Z0-9]{2,4} ?[A-Z0-9]{3})\b",
            I,
        ),
        1,
    ),
    ("postcode", re.compile(r"\b[A-Z]{2},?\s+(\d{5}(?:-\d{4})?)\b"), 1),
    # Street addresses.
    (
        "address",
        re.compile(
            r"\b(?:(?:Flat|Apt\.?|Apartment|Unit|Suite)\s+\d+[A-Z]?,?\s+)?\d{1,5}[A-Z]?,?\s+"
            r"(?:[A-Z][a-z'-]+\s+){1,3}"
            r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Close|Way|Court|Ct|Place|Pl|"
            r"Crescent|Terrace|Boulevard|Blvd|Gardens|Grove|Square|Row|Mews|Walk|Parade|"
            r"Highway|Hwy|Circle|Green|View|Rise|Hill)\b\.?"
        ),
        0,
    ),
    (
        "address",
        re.compile(
            r"\b\d{1,4},?\s+(?:Rue|Via|Calle|Avenida|Strada|Piazza|Plaza|Boulevard)"
            r"(?:\s+(?:de|del|della|des|du|la|le|di|das|do))*(?:\s+[A-Z][\w'-]+){1,3}"
        ),
        0,
    ),
    (
        "address",
        re.compile(
            r"\b(?:[A-Z][a-z]+\s+){0,2}[A-Z][a-z]+(?:straße|strasse|str\.|gasse|weg|laan|gade|vej)"
            r"\s+\d{1,4}[a-z]?\b"
        ),
        0,
    ),
    (
        "address",
        re.compile(
            r"\b(?:Flat|Apt\.?|Apartment)\s+\d+[A-Z]?\b(?:,?\s+[A-Z][a-z]+\s+(?:House|Court|Tower|Building))?"
        ),
        0,
    ),
    (
        "address",
        re.compile(
            r"\b(?:lives|living|resides|residing|address(?: is)?|home is)\s+(?:at|in|on)?\s*"
            r"((?:\d{1,5}[A-Z]?\s+)?[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+){1,3})",
        ),
        1,
    ),
    # Wards, bays, beds, rooms. "Theatre 3" is a place everyone has; not flagged.
    (
        "ward_bed",
        re.compile(
            r"\b(?:(?:ICU|ITU|HDU|CCU|NICU|PICU|SDU|AMU|SAU|MAU|CDU|ED)\s+)?"
            r"(?:ward|bay|bed|room|cubicle|side[- ]room|cot|resus bay)\s*"
            r"(?:no\.?\s*|number\s*|#\s*)?\d{1,4}[A-Z]?\b"
            r"(?:,?\s+(?:bed|bay|room)\s*\d{1,3}[A-Z]?\b)?",
            I,
        ),
        0,
    ),
    ("ward_bed", re.compile(r"\b\d{1,2}[A-Z]?\s+[Ww]ard\b"), 0),
    ("ward_bed", re.compile(r"\b(?:Ward|ward)\s+[A-Z]\d?\b(?![a-z])"), 0),
    ("ward_bed", re.compile(r"\b([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\s+(?:Ward|ward|Unit|Wing)\b"), 0),
    # Names: a title that means a patient or relative here, or a context word before a name.
    (
        "name",
        re.compile(
            rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Master|Mme|Mlle|Sr|Sra|Herr|Frau)\.?\s+(?:[A-Z]\.\s*)?{SURNAME}(?:\s+{SURNAME})?"
        ),
        0,
    ),
    (
        "name",
        re.compile(
            r"\b(?:patient|pt\.?|named|called|name is|name was|known as|son|daughter|husband|"
            r"wife|partner|mother|father|brother|sister|relative|nephew|niece|grandson|"
            r"granddaughter|grandmother|grandfather|carer|aunt|uncle|cousin|fianc[ée]e?|"
            r"boyfriend|girlfriend|friend|neighbour|neighbor|mum|dad|spouse|"
            r"next of kin|NOK|baby|infant|boy|girl|gentleman|lady|man|woman)"
            rf",?\s+((?:[A-Z]\.\s?)?{NAME}(?:\s+(?:[A-Z]\.\s?)?{SURNAME})?)"
        ),
        1,
    ),
    # Initial-and-surname ("J. Doe") and "Surname, Firstname" forms.
    ("name", re.compile(rf"\b[A-Z]\.\s?{SURNAME}\b(?=[\s,.;:)]|$)"), 0),
]

_OWN_HOSTS: set[str] = set()


def _own_hosts() -> set[str]:
    if not _OWN_HOSTS:
        from django.conf import settings

        _OWN_HOSTS.update(host.lstrip(".").lower() for host in settings.ALLOWED_HOSTS)
    return _OWN_HOSTS


def _keep(kind: str, text: str, match: re.Match[str], source: str) -> bool:
    """Second thoughts on a match that the pattern alone cannot rule out."""
    if kind == "url":
        host = urlsplit(text if "://" in text else f"http://{text}").hostname or ""
        return host.lower() not in _own_hosts()
    if kind == "ip" and ":" in text:
        try:
            ipaddress.IPv6Address(text)
        except ValueError:
            return False
        return True
    if kind == "name":
        words = text.replace(".", " ").split()
        first_real = next((word for word in words if len(word) > 1), "")
        if match.re.pattern.startswith(r"\b(?:patient") and first_real in NOT_NAMES:
            return False
        if match.re.pattern.startswith(r"\b[A-Z]\.") and _is_initialism(text):
            return False
        return True
    if kind == "ward_bed":
        return text.split()[0] not in GENERIC_WARDS
    if kind == "phone":
        digits = sum(character.isdigit() for character in text)
        # Blood pressures, ranges and sizes have fewer digits than any phone number.
        return digits >= 9 and not _looks_clinical_range(text)
    return True


def _is_initialism(text: str) -> bool:
    # "E. coli", "S. aureus" and the like are organisms, not people.
    return text.split(".", 1)[1].strip()[:1].islower()


def _looks_clinical_range(text: str) -> bool:
    parts = re.split(r"[\s.-]+", text.strip())
    return len(parts) == 2 and all(len(part) <= 3 for part in parts)


def _raw_matches(text: str) -> Iterator[Finding]:
    for kind, pattern, group in PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span(group)
            if start < 0 or end <= start:
                continue
            value = text[start:end].rstrip(".,;:")
            end = start + len(value)
            if value and _keep(kind, value, match, text):
                yield Finding(start, end, kind, value)


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
