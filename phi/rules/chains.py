"""Addresses are written as chains: "22 Kloof Street, Gardens, Cape Town 8001", "Pt lives in
Gortahork, Donegal", "44F, Bandra, Mumbai", "Mr Jean-Luc Tremblay, Sudbury.".

Once the other rules have found one link (a street, a town, a postcode, a person), the
comma-separated neighbour is read as the next link: next to a place, any group of
capitalised words that isn't English, medical or an institution is a place too (a suburb no
list has); next to a person or a number, only a listed town or village is. One hop each way
per finding, a few rounds: linear in the number of findings, no pattern can backtrack.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator

from phi.rules.wordtext import (
    CLINICIAN_TITLES,
    ENGLISH,
    EPONYMS,
    INSTITUTION_WORDS,
    MEDICAL,
    MONTH_NAMES,
    NOT_NAMES,
    PATIENT_TITLES,
    REGIONS,
    Found,
    is_place,
    is_village,
)

# What a link of the chain is: one to four capitalised words ("Victoria Island", "Isle of
# Skye", "Bad Homburg", "Montréal"), then the end of the link.
_WORD = r"[A-ZÀ-Þ][A-Za-zÀ-ÿ'\u2019\-]{1,30}"
# The small words inside a town's name: "Isle of Skye", "Bad Homburg am …", "Stoke upon Trent".
_SMALL = frozenset(["of", "na", "de", "la", "le", "du", "do", "da", "am", "an", "upon", "on"])
_GROUP = rf"{_WORD}(?:[ \t]+(?:{_WORD}|{'|'.join(sorted(_SMALL))})){{0,3}}"
# The end of a link: punctuation, a number or a state's code next ("Cape Town 8001").
_LINK_END = r"(?=[ \t]*(?:[,.;)\n]|$|[ \t]+\d|[ \t]+[A-Z]{2,3}\b|[ \t]+[-\u2013\u2014]))"
_AFTER = re.compile(rf",[ \t]*({_GROUP}){_LINK_END}")
_BEFORE = re.compile(rf"(?:^|[,:;(\n]|\bfrom|\bin|\bat)[ \t]*({_GROUP}),[ \t]*$")
_POSTCODE_AFTER = re.compile(
    r"[ \t]+(\d{4,6})\b(?![\d/:]|[.,]\d|[ \t]*(?i:mg|ml|units?|h\b|am|pm))"
)

_NUMBER_NEXT = re.compile(r"[ \t]*(?:(?i:id|no|number|nr)\b\.?)?[ \t]*[:#]?[ \t]*[A-Z]{0,4}\d")

PLACE_SEEDS = frozenset(["place", "address", "postcode"])
OTHER_SEEDS = frozenset(["name", "record_number", "national_id", "phone", "date", "age"])
# After a hospital's name, its town ("Clinique des Cèdres, Toulouse") says what the hospital
# says: where the patient is treated. A warning, as the hospital is.
INSTITUTION_SEEDS = frozenset(["institution"])


def _listed(key: str) -> bool:
    return is_place(key) or is_village(key)


def _a_link(group: str, *, from_place: bool) -> bool:
    words = group.replace("-", " ").split()
    keys = [w.lower().strip("'\u2019") for w in words]
    if keys[0] in PATIENT_TITLES or keys[0] in CLINICIAN_TITLES:
        return False  # "Mrs Jones", "Dr Crawford": a person
    if any(k in INSTITUTION_WORDS or k in MEDICAL or k in EPONYMS or k in NOT_NAMES for k in keys):
        return False  # "Broadford Hospital", "Gleason 4+4": an institution, a score
    if all(w.isupper() and len(w) <= 4 for w in words):
        return False  # "DOB", "NFA", "COPD", "AZ": labels, states and shorthand
    if any(k in MONTH_NAMES for k in keys):
        return False
    whole = " ".join(keys)
    if whole in REGIONS:
        return False  # "Norfolk", "Manitoba": Safe Harbor allows a state or county's name
    if _listed(whole):
        return True
    if not from_place:
        return False
    return all(k in _SMALL or k not in ENGLISH or _listed(k) for k in keys) and not all(
        k in _SMALL for k in keys
    )


def links(text: str, found: Iterable[tuple[int, int, str]]) -> Iterator[Found]:
    """Places chained by commas to what was found: (start, end, kind) of the findings, which
    do not overlap."""
    found = list(found)
    taken = sorted((s, e) for s, e, _ in found)
    starts = [s for s, _ in taken]
    seeds = [(s, e, k) for s, e, k in found if k in PLACE_SEEDS | OTHER_SEEDS | INSTITUTION_SEEDS]

    def free(start: int, end: int) -> bool:
        # The taken spans never overlap: only the neighbours by start can touch this one.
        at = bisect.bisect_left(starts, start)
        if at < len(taken) and taken[at][0] < end:
            return False
        return not (at > 0 and taken[at - 1][1] > start)

    def take(start: int, end: int) -> None:
        at = bisect.bisect_left(starts, start)
        starts.insert(at, start)
        taken.insert(at, (start, end))

    for _ in range(3):  # "Plot 12, Adeola Odeku Street, Victoria Island, Lagos": a few hops
        new: list[tuple[int, int, str]] = []
        for start, end, kind in seeds:
            from_place = kind in PLACE_SEEDS
            after = _AFTER.match(text, end)
            # An unlisted word before a number is that number's label ("Aadhaar 4821 …").
            labelled = after is not None and _NUMBER_NEXT.match(text, after.end(1)) is not None
            if (
                after
                and free(*after.span(1))
                and (not labelled or kind == "place")
                and _a_link(after.group(1), from_place=from_place and not labelled)
            ):
                link = "town" if kind in INSTITUTION_SEEDS else "place"
                new.append((after.start(1), after.end(1), link))
            before = _BEFORE.search(text[max(0, start - 60) : start])
            if before and from_place:
                offset = max(0, start - 60)
                span = (before.start(1) + offset, before.end(1) + offset)
                if free(*span) and _a_link(before.group(1), from_place=True):
                    new.append((*span, "place"))
            if kind == "place":
                code = _POSTCODE_AFTER.match(text, end)
                if code and free(*code.span(1)):
                    new.append((code.start(1), code.end(1), "postcode"))
        seeds = []
        for start, end, kind in new:
            if free(start, end):  # two seeds can reach the same neighbour
                take(start, end)
                seeds.append((start, end, kind))
                yield Found(start, end, kind)
        if not seeds:
            return
